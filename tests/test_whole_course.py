"""The whole course as one PDF and one EPUB (issue 19): built from the same sources by the
commands the README names (the single-page HTML printed by Chromium; Sphinx's epub builder),
every chapter of the table of contents present, in book order, with references and glossary at
the end, and the PDF numbered with a contents list."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, toc_entries

pytestmark = pytest.mark.build

JB = Path(sys.executable).with_name("jupyter-book")


def chapter_titles() -> list[str]:
    """Each page's first heading, from its source, in the order of the table of contents."""
    from conftest import page_text

    titles = []
    for entry in toc_entries():
        source = next(p for p in (ROOT / f"{entry}.md", ROOT / f"{entry}.ipynb") if p.is_file())
        titles.append(re.search(r"^# (.+)$", page_text(source), re.M).group(1).strip())
    return titles


def _in_order(text: str, titles: list[str]) -> list[str]:
    import unicodedata

    flat = " ".join(unicodedata.normalize("NFKC", text).split())  # PDF text has ligatures (ﬁ)
    problems, at = [], 0
    for title in titles:
        found = flat.find(" ".join(unicodedata.normalize("NFKC", title).split()), at)
        if found < 0:
            problems.append(f"missing or out of order: {title!r}")
        else:
            at = found
    return problems


@pytest.fixture(scope="module")
def pdf(tmp_path_factory):
    out = tmp_path_factory.mktemp("pdf")
    subprocess.run([str(JB), "build", str(ROOT), "--builder", "singlehtml", "--path-output", str(out)],
                   check=True, capture_output=True, cwd=ROOT)  # fmt: skip
    target = out / "course.pdf"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "book_pdf.py"), "--html",
                    str(out / "_build" / "singlehtml"), "--out", str(target)],
                   check=True, capture_output=True, cwd=ROOT)  # fmt: skip
    return target


def test_pdf_has_every_chapter_in_order_with_page_numbers(pdf):
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)  # PDFium reads the text of 200 pages in a second
    pages = [page.get_textpage().get_text_range() for page in document]
    document.close()
    assert 40 <= len(pages) <= 400, f"{len(pages)} pages"
    titles = chapter_titles()
    body = " ".join(pages[2:])  # after the title page and the contents list
    assert _in_order(body, titles[1:]) == []
    assert titles[-1] == "References" or "References" in titles[-3:]
    # a contents list naming the chapters near the start, and "n / total" page numbers
    front = " ".join(pages[:3])
    assert "Contents" in front and _in_order(front, titles[1:4]) == []
    assert re.search(rf"\b5 / {len(pages)}\b", pages[4]), pages[4][-80:]
    # the components in their print view, not the static "needs a live notebook" notice
    assert not any("needs a live notebook" in p for p in pages)


@pytest.fixture(scope="module")
def epub(tmp_path_factory):
    out = tmp_path_factory.mktemp("epub")
    subprocess.run([str(JB), "build", str(ROOT), "--builder", "custom", "--custom-builder", "epub",
                    "--path-output", str(out)], check=True, capture_output=True, cwd=ROOT)  # fmt: skip
    return out / "_build" / "epub" / "calcinosis-course.epub"


def test_epub_has_every_chapter_in_order(epub):
    with zipfile.ZipFile(epub) as book:
        opf = next(n for n in book.namelist() if n.endswith(".opf"))
        spine = re.findall(r'<itemref idref="([^"]+)"', book.read(opf).decode())
        items = dict(re.findall(r'<item id="([^"]+)" href="([^"]+)"', book.read(opf).decode()))
        folder = "" if Path(opf).parent == Path(".") else f"{Path(opf).parent}/"
        text = " ".join(
            re.sub(r"<[^>]+>", " ", book.read(f"{folder}{items[i]}").decode())
            for i in spine
            if items[i].endswith((".xhtml", ".html"))
        )
    assert _in_order(text, chapter_titles()) == []
