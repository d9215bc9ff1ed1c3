"""The whole course as one PDF: the book's single-page HTML (Sphinx's singlehtml builder, from
the same sources) printed by the Chromium the tests use, with a table of contents, page
numbers and the components in their print view.

    python scripts/book_pdf.py [--html _build/single/_build/singlehtml] [--out _build/pdf/course.pdf]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "tests"))

from serve import start  # noqa: E402

from conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

# A contents list of the chapters, put after the title page. In the single page each chapter
# follows a <span id="document-NAME"> marker; its heading is the first heading of the section
# after it. Each chapter starts a new printed page.
ADD_CONTENTS = """() => {
  const chapters = [...document.querySelectorAll('span[id^="document-"]')]
    .map((marker) => marker.nextElementSibling?.querySelector('h1, h2, h3'))
    .filter(Boolean);
  const nav = document.createElement('nav');
  nav.id = 'course-pdf-contents';
  nav.innerHTML = '<h2>Contents</h2><ol></ol>';
  for (const heading of chapters) {
    heading.closest('section').classList.add('course-pdf-chapter');
    const li = document.createElement('li');
    const a = document.createElement('a');
    a.href = `#${heading.closest('section').id}`;
    a.textContent = heading.textContent.replace('#', '').trim();
    li.append(a);
    nav.querySelector('ol').append(li);
  }
  document.querySelector('main h1, article h1').after(nav);
  const style = document.createElement('style');
  style.textContent = '#course-pdf-contents { break-after: page; } '
    + '.course-pdf-chapter { break-before: page; } #course-offline, .bd-sidebar-primary { display: none; }';
  document.head.append(style);
  return chapters.map((h) => h.textContent.replace('#', '').trim());
}"""
# Chromium prints an SVG <pattern> fill as a bitmap, one per filled shape: the schematic figure
# of where calcium lies was 7 MB of a 17 MB PDF. Each figure whose shapes use a pattern is put
# inline (its ids made unique in the page) and each patterned fill drawn as the pattern's own
# tiles clipped to the shape: vectors, as on screen, and a few kB. Run in the print view: a
# figure the print view hides (a phone layout) is left as it is.
VECTOR_PATTERNS = """async () => {
  const NS = 'http://www.w3.org/2000/svg';
  let figures = 0, clips = 0;  // for ids unique in the page
  for (const img of [...document.querySelectorAll('img[src$=".svg"]')]) {
    if (!img.getClientRects().length) continue;
    const text = await (await fetch(img.currentSrc || img.src)).text();
    if (!text.includes('<pattern')) continue;
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    const svg = document.importNode(doc.documentElement, true);
    const ids = new Map();
    for (const el of svg.querySelectorAll('[id]')) {
      ids.set(el.id, `pdf${figures}-${el.id}`);
      el.id = ids.get(el.id);
    }
    const renamed = (id) => ids.get(id) ?? id;
    for (const el of [svg, ...svg.querySelectorAll('*')]) {
      for (const { name, value } of [...el.attributes]) {
        let v = value.replace(/url\\(#([^)]+)\\)/g, (_, id) => `url(#${renamed(id)})`);
        if (/^(xlink:)?href$/.test(name)) v = v.replace(/^#(.+)$/, (_, id) => `#${renamed(id)}`);
        if (/^aria-(labelledby|describedby)$/.test(name)) v = v.split(/\\s+/).map(renamed).join(' ');
        if (v !== value) el.setAttribute(name, v);
      }
    }
    figures += 1;
    svg.setAttribute('class', img.getAttribute('class') || '');
    svg.removeAttribute('width');
    svg.removeAttribute('height');
    svg.style.cssText = 'width: 100%; height: auto;';
    img.replaceWith(svg);
    const defs = svg.querySelector('defs');
    for (const pattern of svg.querySelectorAll('pattern')) {
      const w = Number(pattern.getAttribute('width')), h = Number(pattern.getAttribute('height'));
      const tile = document.createElementNS(NS, 'g');
      tile.id = `${pattern.id}-tile`;
      for (const child of pattern.children) tile.append(child.cloneNode(true));
      defs.append(tile);
      for (const shape of svg.querySelectorAll(`[fill="url(#${pattern.id})"]`)) {
        const box = shape.getBBox();
        const clip = document.createElementNS(NS, 'clipPath');
        clip.id = `pdf-clip-${clips++}`;
        const outline = shape.cloneNode(false);
        for (const a of ['fill', 'stroke', 'stroke-width', 'class', 'id']) outline.removeAttribute(a);
        clip.append(outline);
        defs.append(clip);
        const clipped = document.createElementNS(NS, 'g');
        clipped.setAttribute('clip-path', `url(#${clip.id})`);
        const space = document.createElementNS(NS, 'g');  // the shape's own user space
        if (shape.getAttribute('transform')) space.setAttribute('transform', shape.getAttribute('transform'));
        clipped.append(space);
        for (let y = Math.floor(box.y / h) * h; y < box.y + box.height; y += h) {
          for (let x = Math.floor(box.x / w) * w; x < box.x + box.width; x += w) {
            const use = document.createElementNS(NS, 'use');
            use.setAttribute('href', `#${tile.id}`);
            use.setAttribute('transform', `translate(${x} ${y})`);
            space.append(use);
          }
        }
        shape.before(clipped);
        shape.setAttribute('fill', 'none');  // its outline (stroke) stays on top
      }
    }
  }
}"""
FOOTER = (
    '<div style="font-size:8px;width:100%;text-align:center;color:#444">'
    '<span class="pageNumber"></span> / <span class="totalPages"></span></div>'
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=ROOT / "_build/single/_build/singlehtml")
    parser.add_argument("--out", type=Path, default=ROOT / "_build/pdf/calcinosis-course.pdf")
    args = parser.parse_args()
    if not (args.html / "index.html").is_file():
        raise SystemExit(f"{args.html}/index.html not found: run the singlehtml build first (make pdf)")
    from playwright.sync_api import sync_playwright

    server = start(args.html)
    url = f"http://127.0.0.1:{server.server_address[1]}/index.html"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1000, "height": 1400})
        page.goto(url)
        page.wait_for_load_state("networkidle")
        views = page.locator('script[type="application/vnd.jupyter.widget-view+json"]').count()
        page.wait_for_function(
            "n => [...document.querySelectorAll('.anywidget-static')].filter(e => e.childElementCount)"
            ".length >= n",
            arg=views,
            timeout=120_000,
        )
        chapters = page.evaluate(ADD_CONTENTS)
        page.emulate_media(media="print")
        page.evaluate(VECTOR_PATTERNS)
        page.evaluate("window.dispatchEvent(new Event('beforeprint'))")  # plots drawn for print
        page.wait_for_timeout(1500)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        page.pdf(
            path=str(args.out),
            format="A4",
            print_background=True,
            display_header_footer=True,
            header_template="<span></span>",
            footer_template=FOOTER,
            margin={"top": "15mm", "bottom": "18mm", "left": "14mm", "right": "14mm"},
            outline=True,
            tagged=True,
        )
        browser.close()
    server.shutdown()
    print(f"wrote {args.out} ({len(chapters)} chapters, {args.out.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
