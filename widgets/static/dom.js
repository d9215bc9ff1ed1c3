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

// The citations of `keys` as data: author-year label, link to the references page (`base`, e.g.
// "references.html"; none where there is no page) and whether the work is unverified (the course
// marks it ‡). `labels` is reference_labels(). citeLinks draws them as DOM; a Preact view maps them.
export function citeItems(keys, { labels = {}, base = "" } = {}) {
  return (keys ?? []).map((key) => {
    const info = labels[key] ?? { label: key, list: 1 };
    return {
      key,
      label: info.label,
      href: base ? `${base}#ref-${info.list}-${key}` : "",
      unverified: !!info.unverified,
    };
  });
}

export const UNVERIFIED_TITLE = "bibliographic details of this citation not verified";

// " (Author, year; Other et al., year‡)": author-year labels linking to the references page.
export function citeLinks(keys, { labels = {}, base = "", cls = "refs" } = {}) {
  const span = h("span", { class: cls });
  citeItems(keys, { labels, base }).forEach((c, i) => {
    span.append(i ? "; " : " (", c.href ? h("a", { href: c.href, text: c.label }) : c.label);
    if (c.unverified) span.append(h("abbr", { title: UNVERIFIED_TITLE, text: "‡" }));
  });
  if (keys?.length) span.append(")");
  return span;
}
