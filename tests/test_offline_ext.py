"""_ext/offline.py: its HTML repairs fail the build when they match nothing (a theme upgrade
must not silently undo them), and formulas become MathML with no math script on any page."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from sphinx.errors import ExtensionError

ROOT = Path(__file__).resolve().parent.parent


def _load():
    sys.path.insert(0, str(ROOT / "_ext"))  # as Sphinx's local_extensions does: its siblings import
    spec = importlib.util.spec_from_file_location("offline_ext", ROOT / "_ext" / "offline.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


OFFLINE = _load()

# Markup as sphinx-book-theme 1.3 / pydata-sphinx-theme 0.17 / docutils write it today.
TODAY = (
    '    document.documentElement.dataset.theme = localStorage.getItem("theme") || "auto";\n'
    '<div id="pst-primary-sidebar" class="bd-sidebar-primary bd-sidebar">\n'
    '<script defer src="../_static/scripts/fontawesome.js?digest=abc"></script>\n'
    '<details><summary><span class="toctree-toggle" role="presentation">x</span></summary></details>\n'
    '<div role="doc-biblioentry">entry</div>\n'
    '<button class="btn" title="Search" data-bs-placement="bottom" data-bs-toggle="tooltip">s</button>\n'
)
# The same page after a hypothetical theme upgrade that renamed things.
UPGRADED = (
    '<aside id="pst-primary-sidebar" class="bd-sidebar-primary">\n'
    '<script defer="defer" src="../_static/scripts/fontawesome.js"></script>\n'
    '<details><summary><span class="toggle">x</span></summary></details>\n'
    '<li class="citation">entry</li>\n'
)


def test_repairs_apply_to_todays_markup():
    changed, problems = OFFLINE.repair_pages({"a.html": TODAY})
    assert problems == []
    html = changed["a.html"]
    assert 'role="region" aria-label="Book navigation"' in html
    assert '<summary aria-label="Show or hide the sections of this chapter">' in html
    assert 'role="listitem"' in html and "doc-biblioentry" not in html
    assert 'matchMedia("(prefers-color-scheme: dark)")' in html and '|| "auto";' not in html
    assert "fontawesome.js" not in html.replace("fontawesome.js removed", "")


def test_repairs_are_idempotent_and_count_pages_already_repaired():
    """An incremental build rewrites no page: what an earlier build fixed still counts."""
    once, _ = OFFLINE.repair_pages({"a.html": TODAY})
    again, problems = OFFLINE.repair_pages(once)
    assert problems == [] and again == {}


def test_every_repair_that_matches_nothing_is_named():
    _, problems = OFFLINE.repair_pages({"a.html": UPGRADED})
    unmatched = [p for p in problems if p.startswith("matched no page")]
    assert len(unmatched) == len(OFFLINE.REPAIRS), problems
    # the changed script tag is still loaded: the removal's safety net names the page
    assert any(p.startswith("a.html: still loads") and "fontawesome.js" in p for p in problems), problems


def test_a_page_loading_a_math_library_is_a_problem():
    _, problems = OFFLINE.repair_pages(
        {"a.html": TODAY + '<script src="_static/vendor/mathjax/tex-chtml.js"></script>'}
    )
    assert any("tex-chtml" in p for p in problems), problems


def test_the_build_fails_when_a_repair_matches_nothing(tmp_path):
    (tmp_path / "index.html").write_text(UPGRADED, encoding="utf-8")
    app = SimpleNamespace(outdir=str(tmp_path), builder=SimpleNamespace(format="html", name="html"))
    with pytest.raises(ExtensionError, match="matched no page"):
        OFFLINE._repair_html(app, None)


def test_formula_becomes_mathml():
    from docutils import nodes

    node = nodes.math_block(
        r"\text{Ca} + 0.02 \times (40 - \text{albumin})", r"\text{Ca} + 0.02 \times (40 - \text{albumin})"
    )
    html = OFFLINE._mathml(node, display=True)
    assert html.startswith("<math") and 'display="block"' in html
    assert "<mn>0.02</mn>" in html and "<mtext>albumin</mtext>" in html


def test_bad_formula_names_its_place():
    from docutils import nodes

    for latex in (r"\left( x", r"x + \notacommand{y}"):
        node = nodes.math(latex, latex)
        node.source, node.line = "chapters/x.md", 12
        with pytest.raises(ExtensionError, match=r"chapters/x\.md:12"):
            OFFLINE._mathml(node, display=False)


@pytest.mark.build
def test_built_pages_carry_mathml_and_no_math_script(site):
    pages = {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in site.rglob("*.html")}
    with_math = sorted(path for path, html in pages.items() if "<math " in html)
    assert "chapters/calcium.html" in with_math, with_math
    for path, html in pages.items():
        assert "tex-chtml" not in html and "mathjax/" not in html.lower(), f"{path} loads MathJax"


HEAD_TODAY = """<html><head>
<script src="../_static/documentation_options.js?v=9eb32ce0"></script>
<script src="../_static/doctools.js?v=9a2dae69"></script>
<script type="module" src="../_static/anywidget-loader.js?v=1"></script>
<script>DOCUMENTATION_OPTIONS.pagename = 'chapters/x';</script>
<link rel="stylesheet" type="text/css" href="../_static/sphinx-design.min.css?v=6a604523" />
    <script src="../_static/searchtools.js"></script>
    <script src="../_static/language_data.js"></script>
    <script src="../searchindex.js"></script>
</head><body><p>text</p>
<div id="fig" class="plotly-graph-div" style="height:100%"></div>   <script>   window.PLOTLYENV={};
Plotly.newPlot("fig", [])</script>
</body></html>"""


def test_nothing_in_head_blocks_the_first_paint():
    html = OFFLINE.lighten_page("chapters/x.html", HEAD_TODAY, "const DOCUMENTATION_OPTIONS = {};")
    head = html[: html.index("</head>")]
    assert "searchindex.js" not in head and "searchtools.js" not in head
    assert "<script>const DOCUMENTATION_OPTIONS = {};</script>" in head
    assert "sphinx-design" not in head  # the page uses no sphinx-design component
    for tag in re.findall(r"<script[^>]*\bsrc=[^>]*>", head):
        assert " defer" in tag or 'type="module"' in tag, tag
    # the figure's drawing waits for lazy-plot.js (plotly.js loaded when needed)
    assert "window.coursePlot(function(){" in html and '"fig");</script>' in html
    assert OFFLINE.lighten_page("chapters/x.html", html, "const DOCUMENTATION_OPTIONS = {};") == html


FEATURE_FILES = """<html><head>
<link rel="stylesheet" type="text/css" href="../_static/pygments.css?v=03e43079" />
<link rel="stylesheet" type="text/css" href="../_static/togglebutton.css?v=9c3e77be" />
<script src="../_static/clipboard.min.js?v=a7894cd8"></script>
<script src="../_static/copybutton.js?v=f281be69"></script>
<script src="../_static/togglebutton.js?v=b8b12719"></script>
<script>var togglebuttonSelector = '.toggle, .admonition.dropdown';</script>
</head><body><button class="primary-toggle">menu</button>BODY</body></html>"""


@pytest.mark.parametrize(
    ("body", "kept"),
    [
        ("<p>text</p>", set()),
        ('<div class="highlight"><pre>x</pre></div>', {"pygments.css", "clipboard.min.js", "copybutton.js"}),
        (
            '<div class="admonition dropdown note">x</div>',
            {"togglebutton.css", "togglebutton.js", "togglebuttonSelector"},
        ),
        ('<div class="toggle">x</div>', {"togglebutton.css", "togglebutton.js", "togglebuttonSelector"}),
    ],
)
def test_files_for_features_a_page_lacks_are_left_out(body, kept):
    html = OFFLINE.lighten_page("chapters/x.html", FEATURE_FILES.replace("BODY", body), "")
    head = html[: html.index("</head>")]
    names = ("pygments.css", "togglebutton.css", "clipboard.min.js", "copybutton.js", "togglebutton.js")
    assert {n for n in (*names, "togglebuttonSelector") if n in head} == kept
    assert "primary-toggle" in html  # a class that only contains "toggle" does not count


def test_the_search_page_keeps_its_search_index():
    html = OFFLINE.lighten_page("search.html", HEAD_TODAY, "")
    assert "searchindex.js" in html


def test_icon_rules_kept_only_for_icons_in_use():
    css = (
        '.fa-bars:before,.fa-navicon:before{content:"\\f0c9"}.fa-rocket:before{content:"\\f135"}'
        '.admonition-title:after{content:var(--pst-icon-admonition-note)}html{--pst-icon-admonition-note:"\\f05a"}'
        "@font-face{font-family:x;src:url(../w/fa-brands-400.woff2)}"
        '@font-face{font-family:y;src:url(../w/fa-solid-900.woff2) format("woff2"),'
        'url(../w/fa-solid-900.ttf) format("truetype")}'
    )
    slim, codepoints = OFFLINE.slim_icons(css, {"fa-bars"})
    assert ".fa-bars:before" in slim and "fa-rocket" not in slim
    assert "fa-brands" not in slim and ".ttf" not in slim and "fa-solid-900.woff2" in slim
    assert codepoints == {0xF0C9, 0xF05A}


def test_theme_rules_for_classes_no_page_has_are_left_out():
    css = (
        ".btn{color:red}.unused-thing{color:blue}.btn.show,.never .btn{margin:0}"
        "@media (min-width:992px){.bd-sidebar{width:20%}.gone{width:1px}}"
        "html[data-theme=dark]{--x:1}.a:not(.nowhere){top:0}"
        "dl[class]:not(.glossary,.simple) dt.field-odd,.btn:not(.x,.y){color:green}"
    )
    corpus = OFFLINE.class_corpus({"p.html": '<div class="btn bd-sidebar a">'}, ["el.classList.add('show')"])
    slim = OFFLINE.unused_rules_removed(css, corpus)
    assert ".btn{color:red}" in slim and ".btn.show{margin:0}" in slim  # 'show' comes from a script
    assert "unused-thing" not in slim and ".never" not in slim and ".gone" not in slim
    assert "@media (min-width:992px){.bd-sidebar{width:20%}}" in slim
    assert "html[data-theme=dark]" in slim and ".a:not(.nowhere)" in slim
    # a comma inside :not() does not split a selector
    assert "{color:green}" in slim and "dl[class]" not in slim and ".btn:not(.x,.y){color:green}" in slim


def test_site_stylesheets_are_trimmed_from_the_copy_sphinx_made(tmp_path):
    """Sphinx copies some stylesheets afresh on each build and leaves others trimmed from the
    last one: either way each build trims the file as copied, so a class that appears later
    gets its rules back."""
    site, kept = tmp_path / "html", tmp_path / "kept"
    css = site / "_static" / "basic.css"
    css.parent.mkdir(parents=True)
    css.write_text(".a{color:red}.b{color:blue}")
    OFFLINE._trim_site_css(site, kept, {"a"})
    assert css.read_text() == OFFLINE.TRIM_MARK + ".a{color:red}"
    OFFLINE._trim_site_css(site, kept, {"a", "b"})  # left as trimmed; a page now uses .b
    assert css.read_text() == OFFLINE.TRIM_MARK + ".a{color:red}.b{color:blue}"
    (kept / "_static" / "basic.css").unlink()
    with pytest.raises(ExtensionError, match="make clean"):
        OFFLINE._trim_site_css(site, kept, {"a"})


@pytest.mark.parametrize(
    "markup",
    [
        '<button data-bs-toggle="tooltip">',
        '<a data-bs-toggle="collapse">',
        '<button id="pst-collapse-sidebar-button">',
    ],
)
def test_a_page_needing_more_of_bootstrap_than_the_slim_build_fails_the_build(tmp_path, markup):
    pages = {"a.html": '<button data-bs-toggle="dropdown">', "b.html": markup}
    with pytest.raises(ExtensionError, match="part of Bootstrap"):
        OFFLINE._slim_bootstrap(tmp_path, pages, tmp_path / "kept")


def test_the_slim_bootstrap_has_the_dropdown_and_the_themes_back_to_top(tmp_path):
    (tmp_path / "_static" / "scripts").mkdir(parents=True)
    OFFLINE._slim_bootstrap(tmp_path, {"a.html": '<button data-bs-toggle="dropdown">'}, tmp_path / "kept")
    js = (tmp_path / OFFLINE.BOOTSTRAP_JS).read_text(encoding="utf-8")
    assert 20_000 < len(js) < 45_000  # the theme's own is 81 kB: all of Bootstrap
    assert "dropdown-menu" in js and "pst-back-to-top" in js and "window.bootstrap" in js
    assert "Bootstrap 5.3.3" in js.splitlines()[0]  # licence banner


def test_a_whole_course_file_not_published_is_named_not_linked_until_it_is():
    page = (
        '<p>one <a href="_downloads/course/c.pdf">PDF</a> and '
        '<a href="../_downloads/course/c.epub">EPUB</a></p>'
    )
    none = OFFLINE.whole_course_links(page, set())
    assert "<a " not in none  # no dead link
    assert none.count("not published with this copy of the course") == 2
    assert OFFLINE.whole_course_links(none, set()) == none  # a later build without them: as it was
    pdf_only = OFFLINE.whole_course_links(none, {"c.pdf"})  # `make pdf` ran since: the link is back
    assert '<a href="_downloads/course/c.pdf">PDF</a>' in pdf_only
    assert pdf_only.count("not published") == 1 and 'data-href="../_downloads/course/c.epub"' in pdf_only
    assert OFFLINE.whole_course_links(pdf_only, {"c.pdf", "c.epub"}) == page
