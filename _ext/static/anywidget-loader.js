// Mounts anywidget components in the static book from the widget state saved in the page.
// It replaces require.js + the ipywidgets html-manager (about 3.5 MB) for our components.
// The course's components come from files the build writes once into _components/
// (_ext/components.py): the page's state names them in _site_module, _site_css and
// _site_data (paths from the site root), and carries only the page's own state. Any other
// anywidget brings its ES module (_esm) and CSS (_css) in its saved state. The loader imports
// the module and calls its render() with a small in-page model. Without a kernel,
// model.save_changes() and model.send() go nowhere; the components compute in the browser.

const SITE_ROOT = new URL("../", import.meta.url); // this file is <site>/_static/

const STATE_TYPE = "application/vnd.jupyter.widget-state+json";
const VIEW_TYPE = "application/vnd.jupyter.widget-view+json";

function makeModel(initial) {
  const data = { ...initial };
  const listeners = new Map();
  const emit = (event, ...args) => {
    for (const cb of listeners.get(event) ?? []) cb(...args);
  };
  return {
    get: (name) => data[name],
    set(name, value) {
      if (data[name] === value) return;
      data[name] = value;
      emit(`change:${name}`, null, value);
      emit("change");
    },
    on(event, cb) {
      for (const name of event.split(" ")) {
        if (!listeners.has(name)) listeners.set(name, new Set());
        listeners.get(name).add(cb);
      }
    },
    off(event, cb) {
      for (const name of (event ?? "").split(" ")) {
        if (!cb) listeners.delete(name);
        else listeners.get(name)?.delete(cb);
      }
    },
    save_changes() {},
    send() {},
    widget_manager: {
      async get_model() {
        throw new Error("Linked widget models are not available in the static book.");
      },
    },
  };
}

const loadedCss = new Set();
function addCss(id, css) {
  if (!css || loadedCss.has(id)) return;
  loadedCss.add(id);
  const style = document.createElement("style");
  style.textContent = css;
  document.head.append(style);
}

// A file that failed is forgotten, and a retry asks again with a fresh query: a browser keeps a
// failed module import for the life of the page.
let attempt = 0;
const fresh = (url) => (attempt ? `${url}${url.includes("?") ? "&" : "?"}retry=${attempt}` : url);
const forgetOnFailure = (cache, key, promise) =>
  promise.catch((err) => {
    cache.delete(key);
    throw err;
  });

const cssLinks = new Map();
function linkCss(path) {
  // resolves once the stylesheet applies, so a component never renders unstyled
  const href = new URL(path, SITE_ROOT).href;
  if (!cssLinks.has(href)) {
    const loaded = new Promise((resolve, reject) => {
      const link = Object.assign(document.createElement("link"), { rel: "stylesheet", href: fresh(href) });
      link.onload = resolve;
      link.onerror = () => {
        link.remove();
        reject(new Error(`${path} did not load`));
      };
      document.head.append(link);
    });
    cssLinks.set(href, forgetOnFailure(cssLinks, href, loaded));
  }
  return cssLinks.get(href);
}

const siteFiles = new Map();
function siteModule(path) {
  const url = new URL(path, SITE_ROOT).href;
  if (!siteFiles.has(url)) {
    const loaded = import(fresh(url)).catch((err) => {
      throw new Error(`the component's module ${path} did not load (${err.message})`);
    });
    siteFiles.set(url, forgetOnFailure(siteFiles, url, loaded));
  }
  return siteFiles.get(url);
}
function siteData(path) {
  const url = new URL(path, SITE_ROOT).href;
  if (!siteFiles.has(url)) {
    const loaded = fetch(fresh(url)).then(
      (r) => {
        if (!r.ok) throw new Error(`the component's data ${path} did not load (HTTP ${r.status})`);
        return r.json();
      },
      (err) => {
        throw new Error(`the component's data ${path} did not load (${err.message})`);
      },
    );
    siteFiles.set(url, forgetOnFailure(siteFiles, url, loaded));
  }
  return siteFiles.get(url);
}

const moduleCache = new Map();
function importEsm(source) {
  if (!moduleCache.has(source)) {
    const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
    moduleCache.set(
      source,
      import(url).finally(() => URL.revokeObjectURL(url)),
    );
  }
  return moduleCache.get(source);
}

function notice(el, text) {
  const p = document.createElement("p");
  p.className = "anywidget-static-notice";
  p.textContent = text;
  el.append(p);
}

// The failure view of the course's ui.js (what happened, what to do, Retry), written by the
// build next to the components; if even that cannot load, a plain notice with the same advice.
async function showFailure(el, err, retry) {
  try {
    const ui = await import(new URL("_components/ui.js", SITE_ROOT).href);
    ui.loadFailure(el, { what: err.message, retry });
  } catch {
    notice(
      el,
      `This interactive part of the page did not load: ${err.message}. Serve the book's folder (run “python -m http.server” in it) or open the hosted book, then reload the page.`,
    );
  }
}

async function mount(tag, states, el) {
  let modelId;
  try {
    modelId = JSON.parse(tag.textContent).model_id;
  } catch {
    notice(el, "This interactive component could not be read from the page.");
    return;
  }
  const entry = states[modelId];
  if (entry?.model_module !== "anywidget") {
    notice(el, "This component needs a live notebook: use the launch button at the top of the page.");
    return;
  }
  let state = entry.state;
  let mod;
  if (state._site_module) {
    // _site_data: {trait: path}, one file per value (the rules are one file for the site)
    const traits = Object.entries(state._site_data ?? {});
    const [loaded, ...values] = await Promise.all([
      siteModule(state._site_module),
      ...traits.map(([, path]) => siteData(path)),
      state._site_css ? linkCss(state._site_css) : null,
    ]);
    mod = loaded;
    state = { ...state };
    traits.forEach(([trait], i) => {
      state[trait] = values[i];
    });
  } else {
    addCss(state._anywidget_id, state._css);
    mod = await importEsm(state._esm);
  }
  let widget = mod.default ?? mod;
  if (typeof widget === "function") widget = await widget();
  const model = makeModel(state);
  await widget.initialize?.({ model, experimental: {} });
  await widget.render?.({ model, el, experimental: {} });
}

// Mounts one component where its view tag is; a failure shows what happened with a Retry that
// loads the failed files again.
function place(tag, states) {
  const el = document.createElement("div");
  el.className = "anywidget-static";
  tag.after(el);
  // the build's notes after the view (_ext/components.py): <noscript>, then the loading note
  let pending = el.nextElementSibling;
  if (pending?.tagName === "NOSCRIPT") pending = pending.nextElementSibling;
  if (!pending?.classList.contains("anywidget-pending")) pending = null;
  const load = () =>
    mount(tag, states, el).then(
      () => pending?.remove(),
      (err) => {
        attempt += 1;
        throw err;
      },
    );
  load().catch((err) => {
    // A broken component must not take the page down; say so where it would have been.
    pending?.remove();
    el.replaceChildren();
    showFailure(el, err, load); // on success the failure view removes itself
  });
}

function main() {
  // The course's colour tokens (ui.js) for every component on the page, in light and dark.
  if (document.querySelector(`script[type="${VIEW_TYPE}"]`))
    import(new URL("_components/ui.js", SITE_ROOT).href).then((ui) => ui.installTheme()).catch(() => {});
  // A notebook page has one state block; a Markdown page has one per quiz directive.
  const states = {};
  for (const stateTag of document.querySelectorAll(`script[type="${STATE_TYPE}"]`))
    Object.assign(states, JSON.parse(stateTag.textContent).state ?? {});
  for (const tag of document.querySelectorAll(`script[type="${VIEW_TYPE}"]`)) place(tag, states);
}

// Loaded async (_ext/offline.py): it may arrive before the parser has reached the components'
// placeholders and saved state, so it starts once the page is parsed, without waiting for the
// page's deferred scripts.
// ("interactive" comes when parsing ends, before the deferred scripts run; DOMContentLoaded after)
if (document.readyState === "loading") document.addEventListener("readystatechange", main, { once: true });
else main();
