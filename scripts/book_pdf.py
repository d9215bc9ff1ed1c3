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
