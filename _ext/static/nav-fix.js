// Header controls that work by touch and keyboard at every width. Corrects three behaviours
// of the pinned themes (pydata-sphinx-theme 0.17.1, sphinx-book-theme 1.3.0):
//
// 1. Since pydata-sphinx-theme 0.17.0 (its issue 2451) the page has two ".primary-toggle"
//    and two ".secondary-toggle" buttons: pydata's own in its header, which sphinx-book-theme
//    hides, and sphinx-book-theme's visible ones above the article. Both themes' scripts
//    attach their handlers to the first of each, `document.querySelector(".primary-toggle")`,
//    i.e. to the hidden button, so the visible ones do nothing. This script runs before them
//    (deferred, in <head>; their handlers wait for DOMContentLoaded) and takes the classes
//    off the hidden buttons, so the themes' own code binds to the visible ones.
// 2. sphinx-book-theme 1.3.0 blurs the sidebar and colour-mode buttons on click (to dismiss
//    a tooltip), which drops keyboard focus to <body>. Focus is given back to the control
//    unless the click moved it elsewhere (into the sidebar dialog on a narrow screen).
// 3. pydata-sphinx-theme's colour-mode button says only "Color mode". It now says which mode
//    is on and what pressing it does; the header tooltips are off (_ext/offline.py removes
//    them from the markup) so that none covers a neighbouring control after a tap.
(() => {
  for (const name of ["primary-toggle", "secondary-toggle"]) {
    for (const button of document.querySelectorAll(`#pst-header .${name}`)) {
      button.classList.remove(name);
      button.hidden = true;
    }
  }

  const MODES = { light: "light", dark: "dark", auto: "the system's setting" };
  const modeLabel = () => {
    const mode = document.documentElement.dataset.mode || "auto";
    const theme = document.documentElement.dataset.theme || "light";
    const now = mode === "auto" ? `${MODES.auto} (${theme})` : MODES[mode];
    return `Colour mode: ${now}. Press to change.`;
  };
  const labelModeButtons = () => {
    for (const button of document.querySelectorAll(".theme-switch-button")) {
      button.setAttribute("aria-label", modeLabel());
      button.title = modeLabel();
    }
  };

  // on the document, in the capture phase: sphinx-book-theme stops the click's propagation on
  // the primary toggle at wide widths, so a listener on the button would not run
  const CONTROLS =
    ".bd-header-article .primary-toggle, .bd-header-article .secondary-toggle, .theme-switch-button";
  const keepFocus = (event) => {
    const button = event.target.closest?.(CONTROLS);
    if (!button) return;
    setTimeout(() => {
      const moved = document.activeElement && document.activeElement !== document.body;
      if (!moved && button.isConnected && button.offsetParent !== null) button.focus();
      labelModeButtons();
    }, 0);
  };

  const start = () => {
    document.addEventListener("click", keepFocus, true);
    for (const toggle of document.querySelectorAll(".bd-header-article .primary-toggle")) {
      toggle.setAttribute("aria-label", "Show or hide the chapter list");
    }
    for (const toggle of document.querySelectorAll(".bd-header-article .secondary-toggle")) {
      toggle.setAttribute("aria-label", "Show or hide the contents of this page");
    }
    // the sidebar dialogs (narrow screens) give focus back to the toggle that opened them
    for (const [dialog, selector] of [
      ["pst-primary-sidebar-modal", ".bd-header-article .primary-toggle"],
      ["pst-secondary-sidebar-modal", ".bd-header-article .secondary-toggle"],
    ]) {
      document.getElementById(dialog)?.addEventListener("close", () => {
        setTimeout(() => document.querySelector(selector)?.focus(), 0);
      });
    }
    labelModeButtons();
    new MutationObserver(labelModeButtons).observe(document.documentElement, {
      attributes: true,
      attributeFilter: ["data-mode", "data-theme"],
    });
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
