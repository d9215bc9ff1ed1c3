// Small DOM helpers shared by the course's components; scripts/bundle.py bundles them into each
// component's module. Text is always set as text, never parsed as HTML.

// h("p", {class: "x", text: "...", onclick: fn}, child, ...): an element; null, undefined and
// false attributes and children are left out; on* attributes become event listeners.
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false || value == null) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  node.append(...children.filter((c) => c != null && c !== false));
  return node;
}

// " (Author, year; Other et al., year‡)": author-year labels linking to the references page
// (`base`, e.g. "references.html"; plain text where there is none), with the course's ‡ after a
// work whose bibliographic details could not be verified. `labels` is reference_labels().
export function citeLinks(keys, { labels = {}, base = "", cls = "refs" } = {}) {
  const span = h("span", { class: cls });
  (keys ?? []).forEach((key, i) => {
    const info = labels[key] ?? { label: key, list: 1 };
    span.append(
      i ? "; " : " (",
      base ? h("a", { href: `${base}#ref-${info.list}-${key}`, text: info.label }) : info.label,
    );
    if (info.unverified) {
      span.append(h("abbr", { title: "bibliographic details of this citation not verified", text: "‡" }));
    }
  });
  if (keys?.length) span.append(")");
  return span;
}
