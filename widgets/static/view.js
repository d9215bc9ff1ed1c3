// The components' view layer: Preact (a 4 kB virtual DOM) with htm (JSX-like tagged templates,
// no build step beyond the bundle). A view is a function of state returning html`...`;
// render(view, el) draws it, patching only what changed. Both are npm packages pinned in
// package.json and bundled into each component by scripts/bundle.py.
import htm from "htm";
import { h, render } from "preact";

export const html = htm.bind(h);
export { h, render };
