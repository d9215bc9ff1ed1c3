// What the course's three components (explorer, quiz, case walk-through) share, written once:
// colour tokens that follow the theme, one live region per component, a focus helper, a guard
// that keeps the focused field clear of a sticky bar, a print view, the failure view with a
// retry, and the education line. Plain DOM, no imports: scripts/bundle.py bundles it into each
// component, and the site's loader (_ext/static/anywidget-loader.js) uses its failure view
// when a component's module or data cannot load.

export const EDU_NOTE = "For education, not for clinical decisions.";

// ---- colour: text and background always come as a pair from these tokens
const LIGHT = `
  --ui-fg: #111827; --ui-bg: #ffffff; --ui-muted: #374151; --ui-surface: #f3f4f6;
  --ui-border: #6b7280; --ui-border-soft: #d1d5db; --ui-accent: #1e3a8a; --ui-accent-fg: #ffffff;
  --ui-accent-soft: #eff6ff; --ui-link: #1d4ed8; --ui-focus: #1d4ed8; --ui-error: #991b1b;
  --ui-warn: #7c2d12; --ui-warn-bg: #fffbeb; --ui-ok: #14532d; --ui-plot-box: #dbeafe;`;
const DARK = `
  --ui-fg: #e5e7eb; --ui-bg: #111827; --ui-muted: #cbd5e1; --ui-surface: #1f2937;
  --ui-border: #9ca3af; --ui-border-soft: #4b5563; --ui-accent: #93c5fd; --ui-accent-fg: #0b1220;
  --ui-accent-soft: #1e293b; --ui-link: #93c5fd; --ui-focus: #93c5fd; --ui-error: #fca5a5;
  --ui-warn: #fdba74; --ui-warn-bg: #292524; --ui-ok: #86efac; --ui-plot-box: #1e3a8a;`;

// The book's theme sets html[data-theme] (light, dark, or the system's choice resolved);
// JupyterLab marks a dark theme on body; a page with neither follows the system setting.
export const THEME_CSS = `
:root {${LIGHT} }
html[data-theme="dark"], body[data-jp-theme-light="false"] {${DARK} }
@media (prefers-color-scheme: dark) { html:not([data-theme]) {${DARK} } }
.ui-component { color: var(--ui-fg); background: var(--ui-bg); }
.ui-component a { color: var(--ui-link); }
.ui-component :focus-visible, .ui-failure :focus-visible { outline: 3px solid var(--ui-focus); outline-offset: 2px; }
.ui-component [tabindex="-1"]:focus { outline: none; }
.ui-live { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.ui-edu { font-style: italic; color: var(--ui-muted); font-size: 0.9rem; margin: 0.2rem 0; }
.ui-failure { color: var(--ui-fg); background: var(--ui-warn-bg); border: 1px solid var(--ui-border); border-left: 4px solid var(--ui-warn); border-radius: 4px; padding: 0.5rem 0.75rem; margin: 0.5rem 0; }
.ui-failure p { margin: 0.25rem 0; }
.ui-failure code { color: inherit; background: transparent; }
.ui-failure button { font: inherit; min-height: 44px; padding: 0.3rem 0.9rem; border: 1px solid var(--ui-accent); border-radius: 4px; color: var(--ui-accent-fg); background: var(--ui-accent); cursor: pointer; }
.ui-print { display: none; }
@media print {
  .ui-print { display: block; }
  .ui-no-print { display: none !important; }
  .ui-component, .ui-print { color: #000; background: #fff; }
}`;

// Adds the tokens and shared rules to the page once (every component calls it).
export function installTheme(doc = document) {
  if (doc.getElementById("ui-theme")) return;
  const style = doc.createElement("style");
  style.id = "ui-theme";
  style.textContent = THEME_CSS;
  doc.head.append(style);
}

// ---- announcements: one polite live region per component, created once and kept
const regions = new WeakMap();
export function liveRegion(el) {
  if (!regions.has(el)) {
    const node = document.createElement("div");
    node.className = "ui-live";
    node.setAttribute("role", "status");
    node.setAttribute("aria-live", "polite");
    el.append(node);
    let last = "";
    const say = (text) => {
      // the same text again is announced again: clear first, write on the next frame
      const t = String(text ?? "");
      if (t === last) node.textContent = "";
      last = t;
      requestAnimationFrame(() => {
        node.textContent = t;
      });
    };
    regions.set(el, { node, say });
  }
  return regions.get(el);
}

// ---- focus: something meaningful and visible, never body, never an empty element
const CONTROL = /^(INPUT|SELECT|TEXTAREA|BUTTON)$/;
export function usableTarget(node) {
  if (!node?.isConnected || node === document.body) return false;
  if (node.closest("[hidden], [inert]")) return false;
  if (!node.getClientRects().length) return false;
  if (CONTROL.test(node.tagName)) return !node.disabled;
  return Boolean(node.textContent.trim() || node.getAttribute("aria-label"));
}

// Focuses the first usable of the candidates (nodes or null), making a heading or a result
// focusable with tabindex=-1 when it is not already. Returns the node focused, or null.
export function focusOn(...candidates) {
  const node = candidates.find(usableTarget);
  if (!node) return null;
  const focusable = CONTROL.test(node.tagName) || node.tagName === "A" || node.hasAttribute("tabindex");
  if (!focusable) node.setAttribute("tabindex", "-1");
  node.focus();
  return node;
}

// After the view has drawn (a Preact render is synchronous, a browser layout is not): focus
// the first usable of the selectors inside root.
export function focusAfter(root, ...selectors) {
  return new Promise((resolve) => {
    requestAnimationFrame(() => resolve(focusOn(...selectors.map((s) => root.querySelector(s)))));
  });
}

// ---- sticky bars never hide the focused field (WCAG 2.4.11): when focus lands under a bar
// that is stuck, scroll the page so the field sits just below it. `bar()` returns the bar.
export function keepClear(root, bar, gap = 8) {
  const check = (target) => {
    const b = bar();
    if (!b || b.contains(target) || !target.isConnected) return;
    const style = getComputedStyle(b);
    if (style.position !== "sticky" && style.position !== "fixed") return;
    const br = b.getBoundingClientRect();
    const stuck = br.top <= (Number.parseFloat(style.top) || 0) + 1;
    const tr = target.getBoundingClientRect();
    if (stuck && tr.top < br.bottom + gap)
      window.scrollBy({ top: tr.top - br.bottom - gap, behavior: "instant" });
  };
  root.addEventListener("focusin", (event) => {
    const target = event.target;
    requestAnimationFrame(() => check(target));
  });
}

// ---- print: `build()` returns the nodes of the component's print view; they are made when
// the page is printed (or print media is emulated) and shown only in print.
export function printView(root, build) {
  const box = document.createElement("div");
  box.className = "ui-print";
  root.append(box);
  const fill = () => box.replaceChildren(...build());
  window.addEventListener("beforeprint", fill);
  window.matchMedia?.("print").addEventListener?.("change", (e) => e.matches && fill());
  return { node: box, fill };
}

// ---- the education line
export function eduNote(doc = document) {
  const p = doc.createElement("p");
  p.className = "ui-edu";
  p.textContent = EDU_NOTE;
  return p;
}

// ---- failure: what happened, what to do, and a retry that works
function para(text, cls) {
  const p = document.createElement("p");
  if (cls) p.className = cls;
  p.textContent = text;
  return p;
}

export function failureAdvice(protocol = globalThis.location?.protocol) {
  const fromFile = protocol === "file:";
  return [
    fromFile
      ? "This page was opened from a file (file://), and browsers do not load the course's modules and data from files."
      : "Your connection may have dropped, or the page's files are incomplete.",
    "What to do: serve the book's folder and open it from there: in that folder run “python -m http.server” and open http://localhost:8000/. Or open the hosted book. Then press Retry.",
  ];
}

// Shows the failure view in `el` (replacing an earlier one there) and returns it. `retry` is
// an async function that loads again; while it runs the button says so; if it fails again the
// view stays with the new reason.
export function loadFailure(el, { what, retry, title = "This interactive part of the page did not load." }) {
  installTheme();
  el.querySelector(":scope > .ui-failure")?.remove();
  const box = document.createElement("div");
  box.className = "ui-failure";
  box.setAttribute("role", "alert");
  const reason = para(`What happened: ${what}`);
  box.append(para(title, "ui-failure-title"), reason, ...failureAdvice().map((t) => para(t)));
  if (retry) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = "Retry";
    button.addEventListener("click", async () => {
      button.disabled = true;
      button.textContent = "Retrying…";
      try {
        await retry();
        box.remove();
      } catch (err) {
        reason.textContent = `What happened: ${err?.message ?? err}`;
        button.disabled = false;
        button.textContent = "Retry";
        button.focus();
      }
    });
    box.append(button);
  }
  box.append(eduNote());
  el.append(box);
  return box;
}
