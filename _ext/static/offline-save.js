// "Save the whole course for offline": registers the course's service worker (<site>/sw.js,
// written by the build from the site's own file list) and puts a control at the end of each
// page. The worker keeps every page a reader opens; the button asks it to fetch all
// the others, with a progress bar, and says when it is done and how much space it took.
// After a new build the worker installs the new version and the control says so.
(() => {
  const SITE_ROOT = new URL("../", document.currentScript.src);
  const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;

  function control() {
    const box = document.createElement("section");
    box.id = "course-offline";
    box.setAttribute("aria-label", "Read offline");
    box.innerHTML =
      '<button type="button">Save the whole course for offline</button>' +
      '<progress max="1" value="0" hidden aria-label="Saving the course"></progress>' +
      '<p class="course-offline__status" role="status" aria-live="polite"></p>';
    // at the end of every page, before the previous/next links: in view on a phone too
    const next = document.querySelector(".prev-next-footer, .prev-next-area");
    if (next) next.before(box);
    else (document.querySelector("article.bd-article, main") ?? document.body).append(box);
    return {
      button: box.querySelector("button"),
      bar: box.querySelector("progress"),
      say: (text) => {
        box.querySelector("p").textContent = text;
      },
    };
  }

  // the whole course as one PDF / EPUB in the download menu, read when the menu first opens
  // from the list the build writes (_downloads/course/index.json; empty before `make pdf`)
  const menuButton = document.querySelector(".dropdown-download-buttons .dropdown-toggle");
  const addWholeCourse = async () => {
    const folder = new URL("_downloads/course/", SITE_ROOT);
    const made = await fetch(new URL("index.json", folder)).then((r) => (r.ok ? r.json() : {}));
    const menu = menuButton.parentElement.querySelector(".dropdown-menu");
    for (const [kind, name] of Object.entries(made)) {
      const link = Object.assign(document.createElement("a"), {
        href: new URL(name, folder).href,
        className: "btn btn-sm dropdown-item",
        textContent: `Whole course (${kind.toUpperCase()})`,
      });
      const item = document.createElement("li");
      item.append(link);
      menu.append(item);
    }
  };
  menuButton?.addEventListener("click", () => addWholeCourse().catch(() => {}), { once: true });

  const ui = control();
  if (location.protocol === "file:" || !("serviceWorker" in navigator)) {
    ui.button.disabled = true;
    ui.say(
      location.protocol === "file:"
        ? "This copy is already on your device. To save the hosted course instead, open it from its web address."
        : "This browser cannot keep the course for offline reading.",
    );
    return;
  }

  let worker = null;
  const ask = (message) => worker?.postMessage(message);
  navigator.serviceWorker.addEventListener("message", ({ data }) => {
    if (data.type === "progress") {
      ui.bar.hidden = false;
      ui.bar.max = data.total;
      ui.bar.value = data.done;
      ui.say(`Saving: ${data.done} of ${data.total} files…`);
    } else if (data.type === "saved") {
      ui.button.disabled = false;
      ui.bar.value = ui.bar.max;
      ui.say(
        data.failed
          ? `Saved ${data.total - data.failed} of ${data.total} files (${mb(data.bytes)}); ${data.failed} could not be fetched: try again when the connection is better.`
          : `Done: the whole course is saved for offline reading (${mb(data.bytes)} on this device).`,
      );
    } else if (data.type === "status") {
      if (data.updated)
        ui.say(
          "An update of the course was installed since your last visit (your saved copy too): this is the new version.",
        );
      else if (data.saved === data.total)
        ui.say("The whole course is saved on this device: it opens without a network.");
    }
  });
  ui.button.addEventListener("click", () => {
    ui.button.disabled = true;
    ui.say("Saving…");
    ask("save-all");
  });
  navigator.serviceWorker
    .register(new URL("sw.js", SITE_ROOT), { scope: SITE_ROOT.pathname })
    .then(() => navigator.serviceWorker.ready)
    .then((registration) => {
      worker = registration.active;
      ask("status");
    })
    .catch(() => ui.say("Saving for offline is not available here."));
  // a new version took over this page (a new build): say so
  let hadController = Boolean(navigator.serviceWorker.controller);
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (hadController)
      ui.say("An update of the course was installed (your saved pages too). Reload a page to read it.");
    hadController = true;
    worker = navigator.serviceWorker.controller;
  });
})();
