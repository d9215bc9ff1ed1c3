// Citations, shared by the three components: one renderer, so every component shows the same
// author-year labels, links to the references page and the course's ‡ after a work whose
// bibliographic details are not verified. For education, not for clinical decisions.
import { html } from "./view.js";

export const UNVERIFIED_TITLE = "bibliographic details of this citation not verified";

// The citations of `keys` as data: author-year label, link to the references page (`base`, e.g.
// "references.html"; none where there is no page) and whether the work is unverified.
// `labels` is reference_labels().
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

// " (Author, year; Other et al., year‡)" as a Preact view.
export function Refs({ keys, labels, base, cls = "refs" }) {
  if (!keys?.length) return null;
  const items = citeItems(keys, { labels, base });
  return html`<span class=${cls}>${items.map(
    (c, i) =>
      html`${i ? "; " : " ("}${c.href ? html`<a href=${c.href}>${c.label}</a>` : c.label}${
        c.unverified ? html`<abbr title=${UNVERIFIED_TITLE}>‡</abbr>` : null
      }`,
  )})</span>`;
}
