"""Reading on a phone and on paper, measured in Chromium on every page of the built book.

- At 360 px (test_phone.py, in the same page load as its width check): the smallest rendered
  text of every figure (SVG figures as displayed, plotly figures as drawn) is at least 11 CSS
  px; plotly labels do not overlap and the toolbar is off the plot; every table fits its
  container (reading_problems below).
- In print emulation at the width of an A4 page's content box: no element is wider than the
  box, and no button or other control is printed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import toc_pages
from test_pages import MOUNTED

PAGES = [*toc_pages(), "genindex.html", "search.html"]
ROOT = Path(__file__).resolve().parents[2]
PHONE = {"width": 360, "height": 800}
A4_CONTENT_PX = 688  # 210 mm - 2 x 14 mm (course.css @page) at 96 px per inch
MIN_TEXT_PX = 11

SVG_FIGURE_TEXT = """
async () => {
  const out = [];
  for (const img of document.querySelectorAll('article img')) {
    const src = img.currentSrc || img.src;
    if (!src.split('?')[0].endsWith('.svg') || img.getBoundingClientRect().width === 0) continue;
    const width = img.getBoundingClientRect().width;
    const text = await (await fetch(src)).text();
    const box = document.createElement('div');
    box.style.cssText = `position:absolute;left:0;top:0;width:${width}px;visibility:hidden`;
    box.innerHTML = text;
    document.body.append(box);
    const svg = box.querySelector('svg');
    svg.removeAttribute('height');
    svg.setAttribute('width', String(width));
    let min = Infinity, smallest = '';
    for (const t of svg.querySelectorAll('text')) {
      const m = t.getScreenCTM();
      const px = parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
      if (px < min) { min = px; smallest = t.textContent; }
    }
    box.remove();
    out.push({src: src.split('/').pop(), width, min, smallest});
  }
  return out;
}
"""

PLOTLY_FIGURES = """
() => [...document.querySelectorAll('.plotly-graph-div')].map((g) => {
  const texts = [...g.querySelectorAll('text')].filter((t) => {
    const r = t.getBoundingClientRect();
    return t.textContent.trim() && r.width > 0 && getComputedStyle(t).opacity !== '0';
  });
  const boxes = texts.map((t) => [t.textContent.trim(), t.getBoundingClientRect(), parseFloat(getComputedStyle(t).fontSize)]);
  const overlaps = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const A = boxes[i][1], B = boxes[j][1];
    const ix = Math.min(A.right, B.right) - Math.max(A.left, B.left);
    const iy = Math.min(A.bottom, B.bottom) - Math.max(A.top, B.top);
    if (ix > 1 && iy > 1) overlaps.push(`${boxes[i][0]} / ${boxes[j][0]}`);
  }
  const small = boxes.filter((b) => b[2] < MIN_PX).map((b) => `${b[0]} (${b[2]} px)`);
  const bar = g.querySelector('.modebar');
  const plot = g.querySelector('.nsewdrag');
  let toolbarOnPlot = false;
  if (bar && plot && getComputedStyle(bar).display !== 'none') {
    const A = bar.getBoundingClientRect(), B = plot.getBoundingClientRect();
    toolbarOnPlot = A.width > 0 && A.left < B.right && B.left < A.right && A.top < B.bottom && B.top < A.bottom;
  }
  return {id: g.id, min: Math.min(...boxes.map((b) => b[2])), small, overlaps, toolbarOnPlot};
})
""".replace("MIN_PX", str(MIN_TEXT_PX))

TABLES = """
() => ({
  page: document.documentElement.scrollWidth,
  tables: [...document.querySelectorAll('article table')]
    .filter((t) => t.getBoundingClientRect().width > 0 && !t.closest('.anywidget-static'))
    .map((t) => ({id: t.id || t.querySelector('caption')?.textContent.slice(0, 40) || '(no id)',
                  width: Math.round(t.getBoundingClientRect().width), box: t.parentElement.clientWidth})),
})
"""

PRINT_CHECK = """
(limit) => {
  const wide = [], controls = [];
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 1 && r.height > 1 && s.visibility !== 'hidden' && s.display !== 'none';
  };
  for (const el of document.body.querySelectorAll('*')) {
    if (!shown(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.right > limit + 1 || (r.left < -1 && r.right > 0)) {  // wholly off-page helpers do not print
      const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
      wide.push(`${name} (${Math.round(r.left)}..${Math.round(r.right)})`);
    }
  }
  for (const el of document.querySelectorAll('button, input, select, textarea, [role="button"], .dropdown-toggle, details.above-input > summary')) {
    if (shown(el)) controls.push(el.outerHTML.slice(0, 120));
  }
  return {wide: wide.slice(0, 10), controls: controls.slice(0, 10), scroll: document.documentElement.scrollWidth};
}
"""


def reading_problems(page) -> list[str]:
    """What a phone reader cannot read on `page` (open at 360 px, components mounted)."""
    # plotly figures are drawn as they near the viewport (_ext/static/lazy-plot.js)
    page.evaluate("document.querySelectorAll('.plotly-graph-div').forEach((d) => d.scrollIntoView())")
    page.wait_for_function(
        "[...document.querySelectorAll('.plotly-graph-div')].every((d) => d.querySelector('.main-svg'))"
    )
    page.evaluate("window.scrollTo(0, 0)")
    problems = []
    for fig in page.evaluate(SVG_FIGURE_TEXT):
        if fig["min"] < MIN_TEXT_PX:
            problems.append(
                f"figure {fig['src']} at {fig['width']:.0f} px: text {fig['min']:.1f} px ({fig['smallest']!r})"
            )
    for fig in page.evaluate(PLOTLY_FIGURES):
        if fig["small"]:
            problems.append(f"plotly {fig['id']}: text below {MIN_TEXT_PX} px: {fig['small'][:5]}")
        if fig["overlaps"]:
            problems.append(f"plotly {fig['id']}: overlapping labels: {fig['overlaps'][:8]}")
        if fig["toolbarOnPlot"]:
            problems.append(f"plotly {fig['id']}: the toolbar covers the plot")
    for table in page.evaluate(TABLES)["tables"]:
        if table["width"] > table["box"] + 1:
            problems.append(f"table {table['id']!r}: {table['width']} px in a {table['box']} px box")
    return problems


def _open(browser, url, viewport, media=None):
    page = browser.new_page(viewport=viewport)
    if media:
        page.emulate_media(media=media)
    page.goto(url)  # the load event: every stylesheet, image and deferred script is in
    # and every component has mounted (it changes the layout); no fixed wait for network quiet
    page.wait_for_function(MOUNTED)
    page.evaluate("document.fonts.ready.then(() => true)")
    return page


@pytest.mark.browser
@pytest.mark.parametrize("path", PAGES)
def test_print_fits_a4_without_controls(browser, base_url, path):
    page = _open(browser, f"{base_url}/{path}", {"width": A4_CONTENT_PX, "height": 1100}, media="print")
    try:
        result = page.evaluate(PRINT_CHECK, A4_CONTENT_PX)
        assert not result["wide"], f"wider than the A4 content box ({A4_CONTENT_PX} px): {result['wide']}"
        assert result["scroll"] <= A4_CONTENT_PX, f"printed page is {result['scroll']} px wide"
        assert not result["controls"], f"controls printed: {result['controls']}"
    finally:
        page.close()


@pytest.mark.browser
def test_phone_swaps_in_the_narrow_figure_and_wide_screens_keep_the_wide_one(browser, base_url):
    """The measurement above would pass vacuously if no figure were shown: check the swap."""
    sources = {}
    for width in (360, 1600):
        page = _open(browser, f"{base_url}/chapters/calcinosis-cutis.html", {"width": width, "height": 900})
        sources[width] = page.evaluate(
            "[...document.querySelectorAll('article img')].filter(i => i.getBoundingClientRect().width > 0)"
            ".map(i => i.currentSrc.split('/').pop())"
        )
        page.close()
    assert "calcium-phosphate-plane-narrow.svg" in sources[360], sources
    assert "calcium-phosphate-plane.svg" in sources[1600], sources
