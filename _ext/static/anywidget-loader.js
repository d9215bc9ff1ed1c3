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

const cssLinks = new Map();
function linkCss(path) {
  // resolves once the stylesheet applies, so a component never renders unstyled
  const href = new URL(path, SITE_ROOT).href;
  if (!cssLinks.has(href)) {
    cssLinks.set(
      href,
      new Promise((resolve, reject) => {
        const link = Object.assign(document.createElement("link"), { rel: "stylesheet", href });
        link.onload = resolve;
        link.onerror = () => reject(new Error(`${path} did not load`));
        document.head.append(link);
      }),
    );
  }
  return cssLinks.get(href);
}

const siteFiles = new Map();
function siteModule(path) {
  const url = new URL(path, SITE_ROOT).href;
  if (!siteFiles.has(url)) siteFiles.set(url, import(url));
  return siteFiles.get(url);
}
function siteData(path) {
  const url = new URL(path, SITE_ROOT).href;
  if (!siteFiles.has(url)) {
    siteFiles.set(
      url,
      fetch(url).then((r) => {
        if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
        return r.json();
      }),
    );
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

async function mount(tag, states) {
  const el = document.createElement("div");
  el.className = "anywidget-static";
  tag.after(el);
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

function main() {
  // A notebook page has one state block; a Markdown page has one per quiz directive.
  const states = {};
  for (const stateTag of document.querySelectorAll(`script[type="${STATE_TYPE}"]`))
    Object.assign(states, JSON.parse(stateTag.textContent).state ?? {});
  for (const tag of document.querySelectorAll(`script[type="${VIEW_TYPE}"]`)) {
    mount(tag, states).catch((err) => {
      // A broken component must not take the page down; say so where it would have been.
      const el = tag.nextElementSibling ?? tag.parentElement;
      notice(el, `This interactive component failed to load: ${err.message}`);
    });
  }
}

main();
