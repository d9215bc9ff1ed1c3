"""_ext/critical_css.py: a page carries the rules of its stylesheets that can apply to it, its
stylesheets no longer block the first paint, and the step undoes itself (an unchanged page
comes out byte for byte as it was)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "_ext"))

import critical_css  # noqa: E402

PAGE = """<html data-theme="auto"><head>
<link href="../_static/styles/theme.css?digest=1" rel="stylesheet" />
<link rel="stylesheet" type="text/css" href="../_static/site.css?v=2" />
<link rel="stylesheet" href="https://example.org/far.css" />
</head><body><div id="top" class="box wide"><p>text</p><ul class="simple"><li>x</li></ul></div>
</body></html>"""


@pytest.fixture
def page(tmp_path):
    static = tmp_path / "_static"
    (static / "styles").mkdir(parents=True)
    (static / "fonts").mkdir()
    (static / "basic.css").write_text("ul.simple > li{margin:0}.search li{background:url(file.png)}")
    (static / "styles" / "theme.css").write_text('@import "../basic.css";\n')
    (static / "site.css").write_text(
        '@charset "UTF-8";html[data-theme=dark]{--bg:#000}div{background:var(--bg)}'
        ".box{color:red}.gone{color:blue}"
        "table.box td{x:1}#top{y:2}#nowhere{y:3}p:not(.never){z:4}.box:hover,.box:focus-visible{w:5}"
        '.box::after {\n  content : " ; { " ;\n}@keyframes spin{to{rotate:1turn}}'
        "@media (max-width:640px){.wide{width:100%}.gone{width:1px}}"
        "@media print{.box{color:black}}"
        "@font-face{font-family:i;src:url(fonts/i.woff2)}"
    )
    path = tmp_path / "chapters" / "x.html"
    path.parent.mkdir()
    path.write_text(PAGE)
    return path


def _styles(html: str) -> str:
    import re

    return "".join(re.findall(r"<style>(.*?)</style>", html, re.S))


def test_a_page_carries_the_rules_that_can_apply_to_it(page):
    html = critical_css.with_critical_css(page.read_text(), page, critical_css._sheet)
    css = _styles(html)
    kept_rules = (
        "ul.simple > li{margin:0}",
        "html[data-theme=dark]{--bg:#000}",
        ".box{color:red}",
        "#top{y:2}",
        "p:not(.never){z:4}",
        "@media (max-width:640px){.wide{width:100%}}",
    )
    for kept in kept_rules:
        assert kept in css, kept
    # whitespace made compact, strings kept as they are
    assert '.box::after{content : " ; { ";}' in css
    not_for_first_paint = (":hover", ":focus-visible", "@keyframes")
    for left_out in (".gone", "table.box", "#nowhere", ".search li", "color:black", "@charset", "@import",
                     *not_for_first_paint):  # fmt: skip
        assert left_out not in css, left_out
    # url()s now start from the page, not from the stylesheet
    assert "url(../_static/fonts/i.woff2)" in css


def test_stylesheets_no_longer_block_the_first_paint(page):
    html = critical_css.with_critical_css(page.read_text(), page, critical_css._sheet)
    head = html[: html.index("</head>")]
    blocking = [tag for tag in head.split("<link")[1:] if "stylesheet" in tag and "media=" not in tag]
    # the only blocking stylesheets left are the <noscript> fallbacks and the foreign one, untouched
    assert len(blocking) == 3, blocking
    assert head.count("<noscript><link") == 2
    assert head.count("""media="print" onload="this.media='all'\"""") == 2
    assert '<link rel="stylesheet" href="https://example.org/far.css" />' in head


def test_the_step_undoes_itself_and_changes_nothing_twice(page):
    original = page.read_text()
    once = critical_css.with_critical_css(original, page, critical_css._sheet)
    assert once != original
    assert critical_css.with_critical_css(once, page, critical_css._sheet) == once
    assert critical_css.undone(once) == original


def test_a_changed_stylesheet_changes_the_page(page):
    once = critical_css.with_critical_css(page.read_text(), page, critical_css._sheet)
    (page.parent.parent / "_static" / "site.css").write_text(".box{color:green}")
    again = critical_css.with_critical_css(once, page, critical_css._sheet)
    assert ".box{color:green}" in _styles(again) and "color:red" not in _styles(again)


@pytest.mark.build
def test_every_built_page_carries_its_critical_css(site):
    for path in sorted(site.rglob("*.html")):
        if path.relative_to(site).parts[0].startswith("_"):
            continue
        html = path.read_text(encoding="utf-8")
        if "<link" not in html:  # index.html: a redirect with no stylesheet
            continue
        head = html[: html.index("</head>")]
        assert critical_css.START in head, path
        outside_noscript = critical_css.ADDED.sub("", head)
        assert 'rel="stylesheet"' not in outside_noscript, f"{path}: a stylesheet still blocks"


def test_custom_properties_nothing_reads_are_left_out():
    sheets = [
        ':root{--used:1px;--chain:var(--deep);--deep:red;--unread:3px;--icon:url("data:a;b")}'
        ".a{margin:var(--used)}",
        ".b{color:var(--chain)}.only-vars{--also-unread:1}",
    ]
    html = '<html><head></head><body><p style="padding: var(--inline)">x</p></body></html>'
    first, second = critical_css.unused_properties_removed(
        [*sheets[:1], sheets[1] + ":root{--inline:2px}"], html
    )
    assert first == ":root{--used:1px;--chain:var(--deep);--deep:red;}.a{margin:var(--used)}"
    assert second == ".b{color:var(--chain)}:root{--inline:2px}"  # a rule left empty goes
