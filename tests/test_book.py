"""The book builds strictly, and what it builds is self-contained."""

from __future__ import annotations

import re

import pytest

from conftest import toc_pages

EXTERNAL_LOAD = re.compile(
    r"<(script|img|iframe|source|audio|video|embed)\b[^>]*\bsrc=[\"'](?:https?:)?//"
    r"|<link\b[^>]*\bhref=[\"'](?:https?:)?//"
    r"|@import\s+url\([\"']?(?:https?:)?//"
    r"|url\([\"']?(?:https?:)?//",
    re.IGNORECASE,
)


def test_strict_build_has_no_warnings(book_build):
    returncode, log, _ = book_build
    warnings = [line for line in log.splitlines() if "WARNING" in line or "ERROR" in line]
    assert returncode == 0 and not warnings, "\n".join(warnings) or log[-3000:]


@pytest.mark.parametrize("page", toc_pages())
def test_every_toc_page_is_built(site, page):
    assert (site / page).is_file()


def test_no_page_or_stylesheet_loads_from_another_host(site):
    offenders = []
    for path in sorted([*site.rglob("*.html"), *site.rglob("*.css")]):
        if "_static/vendor/mathjax" in path.as_posix():
            continue  # MathJax's own sources mention URLs in comments; pages never load them
        for match in EXTERNAL_LOAD.finditer(path.read_text(errors="replace")):
            offenders.append(f"{path.relative_to(site)}: {match.group(0)[:120]}")
    assert not offenders, "\n".join(offenders)
