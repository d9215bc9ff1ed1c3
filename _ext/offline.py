"""Local Sphinx extension: keep the built book self-contained and light.

- Third-party assets (MathJax, plotly.js) are vendored into ``_vendor/_static/vendor`` by
  ``make vendor`` and copied into the site through ``html_extra_path``.
- plotly.js is added only to pages that contain a plotly figure.
- Widgets in the static book are mounted by ``anywidget-loader.js`` from the saved widget
  state (no require.js, no widget html-manager); myst-nb's default CDN scripts are replaced.
- ``sphinx_thebe`` and ``sphinx_comments`` are left out of ``extensions`` in ``_config.yml``:
  they load from CDNs.
- Formulas are rendered at build time to MathML (``latex2mathml``), which browsers display
  natively: no math library is loaded by any page (MathJax was 1.1 MB for two formulas).
- The course package ships in the site as a wheel (``_downloads/package/``), so that a
  downloaded notebook runs outside a clone after ``pip install`` of that file.
- The repairs and removals applied to the written HTML fail the build when they match
  nothing (a theme upgrade that changed the markup must not silently undo them).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

from docutils import nodes
from sphinx.errors import ExtensionError

HERE = Path(__file__).parent
PLOTLY_JS = "vendor/plotly/plotly-basic.min.js"
LAZY_PLOT = "lazy-plot.js"
WIDGET_LOADER = "anywidget-loader.js"
LOADER_ATTRIBUTES = {"type": "module", "async": "async"}


def _config_inited(app, config):
    config.html_static_path = [*config.html_static_path, str(HERE / "static")]
    # Replace myst-nb's CDN require.js + html-manager with our small loader: a module, async so
    # that it runs as soon as it arrives instead of after every deferred script of the page (on
    # slow 3G that put the components' own downloads 4 s later); it waits for the parse itself.
    config.nb_ipywidgets_js = {WIDGET_LOADER: LOADER_ATTRIBUTES}


# ------------------------------------------------------------------ build-time math (MathML)
def _mathml(node, display: bool) -> str:
    from latex2mathml.converter import convert

    latex = node.astext()
    place = f"{node.source or '?'}:{node.line or '?'}"
    try:
        html = convert(latex, display="block" if display else "inline")
    except Exception as error:  # latex2mathml raises several types; name the formula and place
        raise ExtensionError(f"{place}: cannot render the formula {latex!r} as MathML: {error!r}") from error
    unknown = re.search(r">(\\[A-Za-z]+)<", html)  # latex2mathml prints unknown commands as text
    if unknown:
        raise ExtensionError(
            f"{place}: the formula {latex!r} uses {unknown.group(1)}, which latex2mathml does not know"
        )
    return html


def _visit_math(self, node):
    self.body.append(f'<span class="math notranslate">{_mathml(node, display=False)}</span>')
    raise nodes.SkipNode


def _visit_displaymath(self, node):
    number = f'<span class="eqno">({node["number"]})</span>' if node.get("number") else ""
    self.body.append(
        f'<div class="math notranslate math-display">{number}{_mathml(node, display=True)}</div>\n'
    )
    raise nodes.SkipNode


# ------------------------------------------------------------------ tables that reflow
TABLE = re.compile(r"<table\b.*?</table>", re.S)
REFLOW_MIN_COLUMNS = 3


def label_table_cells(table_html: str) -> str:
    """Give a table of REFLOW_MIN_COLUMNS or more columns the class ``reflow`` and each body
    cell a ``data-label`` with its column's header, so that course.css can show it on a phone
    as one card per row (each value under its column's name) instead of squeezing it."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(table_html, "html.parser")
    table = soup.table
    head = table.find("thead")
    if head is None or head.find("tr") is None:
        return table_html
    headers = [
        " ".join(cell.get_text(" ", strip=True).split()) for cell in head.find("tr").find_all(["th", "td"])
    ]
    if len(headers) < REFLOW_MIN_COLUMNS:
        return table_html
    table["class"] = [*table.get("class", []), "reflow"]
    for body in table.find_all("tbody"):
        for row in body.find_all("tr", recursive=False):
            for index, cell in enumerate(row.find_all(["th", "td"], recursive=False)):
                if cell.name == "td" and index < len(headers) and headers[index]:
                    cell["data-label"] = headers[index]
    return str(table)


# ------------------------------------------------------------------ figures on a phone
# A figure NAME.svg with a sibling NAME-narrow.svg (widgets/figures.py draws both) gets the
# narrow layout as a second <img>; course.css shows it on screens narrower than the wide layout
# needs for its text to stay >= 11 CSS px (960 units wide: a column of about 770 px) and hides
# it in print, which keeps the wide layout. (A <picture> would print whatever the screen
# showed: Chromium does not re-select its source for print.) The hidden image is display:none,
# so assistive technology meets one image with one alt text.
IMAGES = HERE.parent / "chapters" / "images"
SVG_IMG = re.compile(r'<img\b[^>]*\bsrc="([^"]*?_images/)([^"/]+)\.svg"[^>]*>')
ALT = re.compile(r'\balt="([^"]*)"')


def add_narrow_sources(body: str) -> str:
    def swap(m):
        folder, name = m.group(1), m.group(2)
        if not (IMAGES / f"{name}-narrow.svg").is_file():
            return m.group(0)
        alt = ALT.search(m.group(0))
        tag = m.group(0)
        wide = (
            tag.replace('class="', 'class="fig-wide ', 1)
            if 'class="' in tag
            else tag.replace("<img ", '<img class="fig-wide" ', 1)
        )
        narrow = (
            f'<img class="fig-narrow" src="{folder}{name}-narrow.svg" alt="{alt.group(1) if alt else ""}" />'
        )
        return f'<span class="course-figure">{wide}{narrow}</span>'

    return SVG_IMG.sub(swap, body)


def _copy_narrow_figures(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    import shutil

    target = Path(app.outdir) / "_images"
    for page in Path(app.outdir).rglob("*.html"):
        for name in re.findall(r'src="[^"]*?_images/([^"/]+-narrow\.svg)"', page.read_text(encoding="utf-8")):
            target.mkdir(exist_ok=True)
            shutil.copy2(IMAGES / name, target / name)


def _page_context(app, pagename, templatename, context, doctree):
    body = context.get("body", "")
    if "_images/" in body:
        context["body"] = body = add_narrow_sources(body)
    if "<table" in body:
        context["body"] = body = TABLE.sub(lambda m: label_table_cells(m.group(0)), body)
    if "plotly-graph-div" in body:
        # Per-page script: loads plotly.js when a figure nears the viewport (lighten_page wraps
        # each figure's inline Plotly.newPlot call so that it waits for it).
        app.add_js_file(LAZY_PLOT, loading_method="defer", priority=300)


@dataclass(frozen=True)
class Repair:
    """A fix to the written HTML. ``done`` is what a page holds once fixed, so a page already
    fixed by an earlier (incremental) build counts as matched."""

    why: str
    pattern: re.Pattern
    replacement: str
    done: str


def _literal(why: str, old: str, new: str) -> Repair:
    return Repair(why, re.compile(re.escape(old)), new.replace("\\", "\\\\"), new)


# Accessibility repairs to theme and docutils markup that configuration cannot reach (axe-core
# rules in brackets), and a removal for weight. Each is idempotent.
REPAIRS = (
    _literal(
        "[region] the sidebar's title link and search button sit outside any landmark",
        '<div id="pst-primary-sidebar" class="bd-sidebar-primary bd-sidebar">',
        '<div id="pst-primary-sidebar" class="bd-sidebar-primary bd-sidebar" role="region" '
        'aria-label="Book navigation">',
    ),
    _literal(
        "[summary-name] the sidebar's expand/collapse toggles have an icon but no name",
        '<summary><span class="toctree-toggle" role="presentation">',
        '<summary aria-label="Show or hide the sections of this chapter">'
        '<span class="toctree-toggle" role="presentation">',
    ),
    _literal(
        "first paint in the reader's colours: the theme's inline script leaves data-theme 'auto' "
        "(matching none of its colour rules) until its deferred script resolves it; resolve it "
        "at once, as that script does (pydata-sphinx-theme 0.17.1, theme.html)",
        'document.documentElement.dataset.theme = localStorage.getItem("theme") || "auto";',
        'document.documentElement.dataset.theme = ((m) => m === "auto" ? (matchMedia("(prefers-color-scheme: '
        'dark)").matches ? "dark" : "light") : m)(localStorage.getItem("mode") || "auto");',
    ),
    _literal(
        "[aria-required-children, aria-deprecated-role] bibliography entries in a role=list",
        'role="doc-biblioentry"',
        'role="listitem"',
    ),
    _literal(
        "tooltips left on a control after a tap cover its neighbours (the controls keep their "
        "title and aria-label; _ext/static/nav-fix.js)",
        'data-bs-toggle="tooltip"',
        'data-course-tooltip="off"',
    ),
    # Weight: the theme loads Font Awesome twice, as a 1.5 MB script that swaps icons for SVG
    # and as a webfont its stylesheet already declares. The webfont alone renders the same icons.
    Repair(
        "the theme's 1.5 MB Font Awesome script (its webfont renders the same icons)",
        re.compile(r'<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>'),
        "<!-- offline: fontawesome.js removed -->",
        "<!-- offline: fontawesome.js removed -->",
    ),
)
# After the repairs no page may still load one of these (a changed script tag that the removal
# above no longer matches is caught here too).
FORBIDDEN = (
    re.compile(r"<script[^>]+fontawesome\.js"),
    re.compile(r"<script[^>]+(?:mathjax|tex-chtml)", re.I),
)


def repair_pages(pages: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """Apply REPAIRS to {path: html}. Returns the changed pages and the problems: a repair that
    matched no page (and is not already applied anywhere), or a page still loading something
    FORBIDDEN. Pure, so the test can feed it markup from a hypothetical theme upgrade."""
    changed: dict[str, str] = {}
    hits = {repair.why: 0 for repair in REPAIRS}
    problems: list[str] = []
    for path, text in pages.items():
        repaired = text
        for repair in REPAIRS:
            repaired, n = repair.pattern.subn(repair.replacement, repaired)
            hits[repair.why] += n or (repair.done in repaired)
        for pattern in FORBIDDEN:
            if pattern.search(repaired):
                problems.append(f"{path}: still loads {pattern.search(repaired).group(0)!r}")
        if repaired != text:
            changed[path] = repaired
    if pages:
        problems += [f"matched no page: {why}" for why, n in hits.items() if n == 0]
    return changed, problems


# ------------------------------------------------------------------ weight and first paint
# A first visit on a slow connection (issue 19): nothing in <head> may block the first paint.
# - the theme's search scripts and the whole search index load on every page (pydata-sphinx-
#   theme 0.17 layout.html, for its search-as-you-type, which this book leaves off): only the
#   search page keeps them;
# - documentation_options.js is inlined (the inline scripts after it use it at once);
# - every other script in <head> is deferred (they run in order once the page is parsed);
# - the files of features a page does not have (UNNEEDED) left out of it;
# - each plotly figure's inline Plotly.newPlot waits for lazy-plot.js (plotly.js on demand).
HEAD = re.compile(r"<head>.*?</head>", re.S)
SEARCH_SCRIPTS = re.compile(
    r'\s*<script src="(?:\.\./)*_static/searchtools\.js"></script>'
    r'\s*<script src="(?:\.\./)*_static/language_data\.js"></script>'
    r'\s*<script src="(?:\.\./)*searchindex\.js"></script>'
)
OPTIONS_SCRIPT = re.compile(r'<script src="(?:\.\./)*_static/documentation_options\.js[^"]*"></script>')
BLOCKING_SCRIPT = re.compile(r"<script (?![^>]*\b(?:defer|async|type=\"module\"))([^>]*\bsrc=)")


def _asset(*names: str) -> re.Pattern:
    """The <script src> or stylesheet <link> of one of `names` in _static (with its whitespace)."""
    alternatives = "|".join(re.escape(n) for n in names)
    return re.compile(
        rf'\s*<(?:script|link)\b[^>]*(?:src|href)="[^"]*_static/(?:{alternatives})[^"]*"[^>]*>(?:</script>)?'
    )


CLASS_ATTR = re.compile(r'\bclass="([^"]*)"')


def _has_toggle(body: str) -> bool:
    for value in CLASS_ATTR.findall(body):
        words = value.split()
        if "toggle" in words or ("admonition" in words and "dropdown" in words):
            return True
    return False


# Files for features a page may not have: sphinx-design's components and tabs; the copy button
# and the colours of code blocks; sphinx-togglebutton (its selector: '.toggle, .admonition.dropdown').
UNNEEDED = (
    (lambda body: 'class="sd-' in body or " sd-" in body, _asset("sphinx-design.min.css")),
    (lambda body: "sd-tab" in body, _asset("design-tabs.js")),
    (lambda body: 'class="highlight' in body, _asset("clipboard.min.js", "copybutton.js", "pygments.css")),
    (
        _has_toggle,
        re.compile(
            _asset("togglebutton.js", "togglebutton.css").pattern
            + r"|\s*<script>var togglebuttonSelector = [^<]*</script>"
        ),
    ),
)
PLOT_CALL = re.compile(
    r'(<div id="([^"]+)" class="plotly-graph-div"[^>]*></div>\s*<script>)'
    r"(\s*window\.PLOTLYENV.*?)(</script>)",
    re.S,
)
PLOT_QUEUE = "window.coursePlot=window.coursePlot||((f,i)=>(window.__coursePlots??=[]).push([f,i]));"


def lighten_page(path: str, html: str, options_js: str) -> str:
    """Apply the first-paint changes above to one page (idempotent; pure, for the tests)."""
    head = HEAD.search(html)
    if head is None:
        return html
    new_head = head.group(0)
    if not path.endswith("search.html"):
        new_head = SEARCH_SCRIPTS.sub("", new_head)
    new_head = OPTIONS_SCRIPT.sub(lambda m: f"<script>{options_js.strip()}</script>", new_head)
    new_head = BLOCKING_SCRIPT.sub(r"<script defer \1", new_head)
    for present, assets in UNNEEDED:
        if not present(html[head.end() :]):
            new_head = assets.sub("", new_head)
    html = html[: head.start()] + new_head + html[head.end() :]
    return PLOT_CALL.sub(
        lambda m: (
            f"{m.group(1)}{PLOT_QUEUE}window.coursePlot(function(){{{m.group(3)}}},"
            f'"{m.group(2)}");{m.group(4)}'
        ),
        html,
    )


# Theme files no page loads: Font Awesome's 1.5 MB script (its webfont draws the same icons),
# the regular and brand webfonts (no page uses them) and TrueType copies of the solid one,
# source maps, and the theme's build leftovers. Left out, the offline copy is smaller too.
UNUSED = (
    "_static/scripts/fontawesome.js",
    "_static/scripts/*.map",
    "_static/styles/*.map",
    "_static/vendor/fontawesome/webfonts/fa-regular-400.*",
    "_static/vendor/fontawesome/webfonts/fa-brands-400.*",
    "_static/vendor/fontawesome/webfonts/*.ttf",
    "_static/locales/**/*",
    "_static/*webpack-macros.html",
)
THEME_CSS = "_static/styles/pydata-sphinx-theme.css"
# The other stylesheets every page loads, trimmed alike (mystnb's was 43 kB, of which 4.6 kB
# apply; not pygments.css, which the theme rewrites after this step). Sphinx copies some afresh
# on every build and leaves others as they are, so each is kept as copied (beside the doctrees,
# out of the site) and trimmed from that copy; a trimmed file starts with TRIM_MARK.
TRIMMED_CSS = (
    "_static/basic.css",
    "_static/styles/sphinx-book-theme.css",
    "_static/togglebutton.css",
    "_static/copybutton.css",
    "_static/mystnb.*.css",
    "_static/sphinx-design.min.css",
)
TRIM_MARK = "/* rules for classes no page or script has are removed (_ext/offline.py) */\n"
SOLID_FONT = "_static/vendor/fontawesome/webfonts/fa-solid-900.woff2"
ICON_RULE = re.compile(r"((?:\.fa-[a-z0-9-]+:(?:before|after),?)+)\{content:\"(\\[0-9a-f]+)\"\}")
ICON_CLASS = re.compile(r"\bfa-[a-z0-9-]+")
# an icon's code point in a CSS string: escaped ("\\f0c9") or, once re-serialised, the character
CODEPOINT = re.compile(r"\\([ef][0-9a-f]{3})\b|([\ue000-\uf8ff])")


def codepoints(css: str) -> set[int]:
    return {int(esc, 16) if esc else ord(char) for esc, char in CODEPOINT.findall(css)}


FONT_FACE = re.compile(r"@font-face\{[^}]*\}")


def slim_icons(css: str, used_classes: set[str]) -> tuple[str, set[int]]:
    """Drop the Font Awesome icon rules (about 1,900 of them) whose class no page uses, the
    regular and brand @font-face rules and the TrueType fallbacks; return the CSS and the code
    points the remaining rules draw (icon classes and the theme's own content: values)."""

    def keep(m):
        names = {name.split(":")[0][1:] for name in m.group(1).split(",") if name}
        return m.group(0) if names & used_classes else ""

    css = ICON_RULE.sub(keep, css)
    css = FONT_FACE.sub(lambda m: m.group(0) if "fa-solid-900" in m.group(0) else "", css)
    css = re.sub(r',url\([^)]*fa-solid-900\.ttf\) format\("truetype"\)', "", css)
    return css, codepoints(css)


WORD = re.compile(r"[A-Za-z0-9_-]+")
CLASS_ATTR = re.compile(r'class="([^"]*)"')
INLINE_SCRIPT = re.compile(r"<script[^>]*>(.*?)</script>", re.S)


def class_corpus(pages: dict[str, str], scripts: list[str]) -> set[str]:
    """Every class a page can carry: its class attributes, and (generously) every word of every
    script, inline or file, since scripts add classes (show, dropdown-menu-dark, ...)."""
    words: set[str] = set()
    for text in pages.values():
        for value in CLASS_ATTR.findall(text):
            words.update(value.split())
        for script in INLINE_SCRIPT.findall(text):
            words.update(WORD.findall(script))
    for script in scripts:
        words.update(WORD.findall(script))
    return words


def unused_rules_removed(css: str, corpus: set[str]) -> str:
    """The stylesheet without the selectors that name a class no page or script has (as
    PurgeCSS does): a rule is kept with the selectors whose every class occurs in `corpus`
    (classes inside :not() do not count: the rule applies without them)."""
    import tinycss2
    from critical_css import top_level_split

    def needed(selector: str) -> bool:
        plain = re.sub(r":not\([^()]*\)", "", selector)
        return all(name in corpus for name in re.findall(r"\.(-?[_a-zA-Z][\w-]*)", plain))

    def walk(rules) -> list[str]:
        kept = []
        for rule in rules:
            if rule.type == "qualified-rule":
                selectors = top_level_split(tinycss2.serialize(rule.prelude))
                used = [s for s in selectors if needed(s)]
                if used:
                    kept.append(",".join(used) + "{" + tinycss2.serialize(rule.content) + "}")
            elif rule.type == "at-rule" and rule.lower_at_keyword in ("media", "supports") and rule.content:
                inner = walk(tinycss2.parse_rule_list(rule.content, skip_whitespace=True, skip_comments=True))
                if inner:
                    kept.append(f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}{{{''.join(inner)}}}")
            else:
                kept.append(tinycss2.serialize([rule]))
        return kept

    return "".join(walk(tinycss2.parse_stylesheet(css, skip_whitespace=True, skip_comments=True)))


def _theme_file(theme_dirs: list[str], relative: str) -> Path:
    """The theme's own copy of a static file (a no-op build does not copy the theme's files
    again, so the site's copy may already be the one cut down by an earlier build)."""
    for folder in theme_dirs:
        candidate = Path(folder) / "static" / relative
        if candidate.is_file():
            return candidate
    raise ExtensionError(f"_ext/offline.py: the theme has no {relative} (theme upgrade?)")


def _trimmed(css: str, corpus: set[str], kept: Path) -> str:
    """unused_rules_removed(css, corpus), kept under `kept` by a digest of both: an unchanged
    stylesheet and corpus (a no-op build) cost a hash instead of a parse."""
    import hashlib

    key = hashlib.sha256("\n".join([css, *sorted(corpus)]).encode("utf-8")).hexdigest()[:20]
    cached = kept / "trimmed" / f"{key}.css"
    if cached.is_file():
        return cached.read_text(encoding="utf-8")
    css = unused_rules_removed(css, corpus)
    cached.parent.mkdir(parents=True, exist_ok=True)
    for old in cached.parent.glob("*.css"):  # entries of earlier inputs
        if old.stat().st_mtime < time.time() - 7 * 86400:
            old.unlink()
    cached.write_text(css, encoding="utf-8")
    return css


def _trim_site_css(outdir: Path, kept: Path, corpus: set[str]) -> None:
    import glob

    for pattern in TRIMMED_CSS:
        for name in glob.glob(str(outdir / pattern)):
            path = Path(name)
            original = kept / path.relative_to(outdir)
            text = path.read_text(encoding="utf-8")
            if not text.startswith(TRIM_MARK):  # as Sphinx or an extension copied it
                original.parent.mkdir(parents=True, exist_ok=True)
                original.write_text(text, encoding="utf-8")
            elif original.is_file():
                text = original.read_text(encoding="utf-8")
            else:
                raise ExtensionError(
                    f"{path} was trimmed by an earlier build whose copy is gone: `make clean`"
                )
            trimmed = TRIM_MARK + _trimmed(text, corpus, kept)
            if trimmed != path.read_text(encoding="utf-8"):
                path.write_text(trimmed, encoding="utf-8")


BOOTSTRAP_JS = "_static/scripts/bootstrap.js"
BOOTSTRAP_PARTS = HERE / "src" / "bootstrap-parts.js"
BS_TOGGLE = re.compile(r'data-bs-toggle="([^"]*)"')
# what a page may ask of Bootstrap's scripts with the parts above (the theme's sidebar-collapse
# button would need Bootstrap's Tooltip)
BOOTSTRAP_USED = {"dropdown"}
BOOTSTRAP_MISSING = re.compile(r'id="pst-collapse-sidebar-button"')


def _slim_bootstrap(outdir: Path, pages: dict[str, str], kept: Path) -> None:
    """The theme's scripts/bootstrap.js (tooltips, back to top, window.bootstrap) built from the
    theme's own source with Bootstrap's dropdown only (_ext/src/bootstrap-parts.js): 81 -> 38 kB
    on every page. Kept beside the doctrees by a digest of its inputs."""
    import hashlib
    import os
    import subprocess

    import pydata_sphinx_theme

    asked = {t for text in pages.values() for t in BS_TOGGLE.findall(text)} - BOOTSTRAP_USED
    needs_tooltip = [p for p, text in pages.items() if BOOTSTRAP_MISSING.search(text)]
    if asked or needs_tooltip:
        raise ExtensionError(
            f"_ext/offline.py: a page asks for a part of Bootstrap the slim bootstrap.js leaves out "
            f"({sorted(asked) or 'the sidebar-collapse tooltip'}); add it to {BOOTSTRAP_PARTS.name}"
        )
    source = Path(pydata_sphinx_theme.__file__).parent / "assets" / "scripts" / "bootstrap.js"
    esbuild = ROOT / "node_modules" / ".bin" / "esbuild"
    if not source.is_file() or not esbuild.is_file():
        raise ExtensionError(
            f"_ext/offline.py: {source} or {esbuild} missing (theme upgrade? `make vendor`?)"
        )
    inputs = [source, BOOTSTRAP_PARTS, ROOT / "package-lock.json"]
    key = hashlib.sha256(b"".join(p.read_bytes() for p in inputs)).hexdigest()[:20]
    built = kept / "bootstrap" / f"{key}.js"
    if not built.is_file():
        built.parent.mkdir(parents=True, exist_ok=True)
        proc = subprocess.run(
            [
                str(esbuild),
                str(source),
                "--bundle",
                "--minify",
                "--format=iife",
                "--log-level=warning",
                # expected: the theme's bare `import "@popperjs/core"` is dropped (Dropdown imports
                # what it needs) and its tooltip code finds no Tooltip (the pages are checked above)
                "--log-override:ignored-bare-import=silent",
                "--log-override:import-is-undefined=silent",
                "--banner:js=/*! The theme's scripts/bootstrap.js with Bootstrap 5.3.3's dropdown and Popper"
                " 2.11.8 only (both MIT; _ext/offline.py): see bootstrap.js.LICENSE.txt */",
                f"--alias:bootstrap=./{BOOTSTRAP_PARTS.relative_to(ROOT)}",
                f"--outfile={built}",
            ],
            cwd=ROOT,
            env={**os.environ, "NODE_PATH": str(ROOT / "node_modules")},  # the theme's file is in the venv
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0 or proc.stderr.strip():
            built.unlink(missing_ok=True)
            raise ExtensionError(
                f"_ext/offline.py: esbuild of the slim bootstrap.js failed: {proc.stderr[-2000:]}"
            )
    target = outdir / BOOTSTRAP_JS
    text = built.read_bytes()
    if not target.is_file() or target.read_bytes() != text:
        target.write_bytes(text)


def _lighten_theme(outdir: Path, pages: dict[str, str], theme_dirs: list[str], kept: Path) -> None:
    import glob

    for pattern in UNUSED:
        for name in glob.glob(str(outdir / pattern), recursive=True):
            if Path(name).is_file():
                Path(name).unlink()
    _slim_bootstrap(outdir, pages, kept)
    css_path, font_path = outdir / THEME_CSS, outdir / SOLID_FONT
    css_source = _theme_file(theme_dirs, THEME_CSS.removeprefix("_static/"))
    font_source = _theme_file(theme_dirs, SOLID_FONT.removeprefix("_static/"))
    used = set()
    for text in pages.values():
        used.update(ICON_CLASS.findall(text))
    for js in (outdir / "_static").rglob("*.js"):
        used.update(ICON_CLASS.findall(js.read_text(encoding="utf-8", errors="replace")))
    # the site's scripts and the components' modules (written into the site after this step)
    script_files = [*outdir.rglob("*.js"), *(ROOT / "widgets" / "static").rglob("*.js")]
    scripts = [js.read_text(encoding="utf-8", errors="replace") for js in script_files]
    css, points = slim_icons(css_source.read_text(encoding="utf-8"), used)
    corpus = class_corpus(pages, scripts)
    css = _trimmed(css, corpus, kept)
    _trim_site_css(outdir, kept, corpus)
    for other in (outdir / "_static").rglob("*.css"):
        if other != css_path:
            points |= codepoints(other.read_text(encoding="utf-8"))
    css_path.write_text(css, encoding="utf-8")
    from fontTools import subset

    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    font = subset.load_font(str(font_source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(points))
    subsetter.subset(font)
    subset.save_font(font, str(font_path), options)


def _repair_html(app, exception):
    # the web site and its single-page form for the PDF; not the EPUB (its own theme)
    if exception is not None or app.builder.name not in ("html", "singlehtml"):
        return
    outdir = Path(app.outdir)
    from critical_css import undone

    # the pages as the theme wrote them: critical_css.py adds its part again afterwards
    pages = {
        str(p): undone(p.read_text(encoding="utf-8"))
        for p in outdir.rglob("*.html")
        if not p.relative_to(outdir).parts[0].startswith("_")  # theme leftovers in _static, _sources
    }
    options = outdir / "_static" / "documentation_options.js"
    options_js = options.read_text(encoding="utf-8") if options.is_file() else ""
    pages = {path: lighten_page(path, text, options_js) for path, text in pages.items()}
    changed, problems = repair_pages(pages)
    published = _published_whole_course()
    pages = {path: whole_course_links(changed.get(path, text), published) for path, text in pages.items()}
    for path, text in pages.items():
        if undone(Path(path).read_text(encoding="utf-8")) != text:  # an unchanged page is not rewritten
            Path(path).write_text(text, encoding="utf-8")
    if app.builder.name == "singlehtml":  # one page (for the PDF): not every repair's markup
        problems = [p for p in problems if not p.startswith("matched no page")]
    if problems:
        raise ExtensionError(
            "_ext/offline.py: an HTML repair no longer applies (theme or docutils markup changed?). "
            "Update REPAIRS/FORBIDDEN:\n  " + "\n  ".join(problems[:20])
        )
    _lighten_theme(outdir, pages, app.builder.theme.get_theme_dirs(), Path(app.doctreedir) / "css-as-copied")


# ------------------------------------------------------------------ the package as a wheel
ROOT = HERE.parent
WHEEL_DIR = "_downloads/package"
BUNDLED_FOLDERS = ("cases", "quizzes")


def build_wheel(out: Path) -> Path:
    """Build the course package (``widgets``) as a wheel into ``out`` and return its path.
    Built from a copy of pyproject.toml and widgets/, so nothing is written into the tree."""
    import shutil
    import subprocess
    import sys
    import tempfile

    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.whl"):
        old.unlink()
    with tempfile.TemporaryDirectory(prefix="course-wheel-") as tmp:
        src = Path(tmp) / "src"
        src.mkdir()
        shutil.copy2(ROOT / "pyproject.toml", src)
        _stamp_version(src / "pyproject.toml")
        shutil.copytree(
            ROOT / "widgets", src / "widgets", ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
        )
        # The data the components read from the repository (case walk-throughs, question banks,
        # the references) travel inside the package, so a downloaded notebook finds them.
        bundled = src / "widgets" / "_course_data"
        bundled.mkdir()
        for folder in BUNDLED_FOLDERS:
            if (ROOT / folder).is_dir():
                shutil.copytree(ROOT / folder, bundled / folder, ignore=shutil.ignore_patterns("*.md"))
        shutil.copy2(ROOT / "references.bib", bundled / "references.bib")
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "wheel",
                "--no-deps",
                "--no-build-isolation",
                "--quiet",
                "-w",
                str(out),
                str(src),
            ],
            capture_output=True,
            text=True,
        )
    wheels = sorted(out.glob("*.whl"))
    if proc.returncode != 0 or len(wheels) != 1:
        raise ExtensionError(f"could not build the course package's wheel: {proc.stderr[-2000:]}")
    return wheels[0]


def wheel_version(base: str) -> str:
    """The shipped wheel's version: the course version (pyproject.toml) plus the build time as
    a post-release, e.g. 0.1.0.post202612032150, so that `pip install` of a newer book's wheel
    replaces an older copy. SOURCE_DATE_EPOCH (reproducible builds) fixes the time."""
    import datetime
    import os

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = (
        datetime.datetime.fromtimestamp(int(epoch), datetime.UTC)
        if epoch and epoch.isdigit()
        else datetime.datetime.now(datetime.UTC)
    )
    return f"{base}.post{when:%Y%m%d%H%M}"


def _stamp_version(pyproject: Path) -> None:
    text = pyproject.read_text(encoding="utf-8")
    base = re.search(r'(?m)^version = "([^"]+)"', text).group(1)
    pyproject.write_text(
        text.replace(f'version = "{base}"', f'version = "{wheel_version(base)}"', 1), "utf-8"
    )


WHEEL_LINK = re.compile(r'href="((?:\.\./)*' + re.escape(WHEEL_DIR) + r'/[^"]+)"')


def _ship_wheel(app, exception):
    """Put the wheel into the site; a page that links a wheel that was not built fails the build
    (e.g. the version in pyproject.toml changed and the educators' chapter still names the old)."""
    if exception is not None or app.builder.name != "html":
        return
    # rebuilt only when its inputs changed (a no-op build spent seconds in pip wheel)
    inputs = [ROOT / "pyproject.toml", ROOT / "references.bib"] + [
        p
        for folder in ("widgets", *BUNDLED_FOLDERS)
        for p in sorted((ROOT / folder).rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    ]
    stamp = "\n".join(f"{p.relative_to(ROOT)} {p.stat().st_size} {p.stat().st_mtime_ns}" for p in inputs)
    stamp_file = Path(app.doctreedir) / "wheel-inputs.txt"
    built = sorted((Path(app.outdir) / WHEEL_DIR).glob("*.whl"))
    if len(built) == 1 and stamp_file.is_file() and stamp_file.read_text(encoding="utf-8") == stamp:
        wheel = built[0]
    else:
        wheel = build_wheel(Path(app.outdir) / WHEEL_DIR)
        stamp_file.write_text(stamp, encoding="utf-8")
    # the chapters name the wheel by the course version; the built one carries its build time,
    # and a page kept from an earlier (incremental) build may name an earlier build's wheel
    project = wheel.name.split("-", 1)[0]
    any_build = re.compile(re.escape(project) + r"-[0-9][0-9A-Za-z.+]*-py3-none-any\.whl")
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        fixed = any_build.sub(wheel.name, text)
        if fixed != text:
            text = fixed
            page.write_text(text, encoding="utf-8")
        for href in WHEEL_LINK.findall(text):
            if (page.parent / href).resolve() != wheel.resolve():
                raise ExtensionError(f"{page.name} links {href}, but the wheel built is {wheel.name}")


# ------------------------------------------------------------------ offline: worker, manifest
MANIFEST = "manifest.webmanifest"


def _web_manifest(app) -> str:
    import json

    return json.dumps(
        {
            "name": app.config.project,
            "short_name": "Calcinosis course",
            "start_url": "intro.html",
            "scope": "./",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#1f4e79",
            "icons": [{"src": "_static/favicon.svg", "sizes": "any", "type": "image/svg+xml"}],
        },
        indent=1,
    )


# The whole course as one PDF and one EPUB (`make pdf`, `make epub`): copied into the site
# when they were made and listed in _downloads/course/index.json, which every page's download
# menu reads when opened (offline-save.js).
WHOLE_COURSE = {"pdf": "_build/pdf/calcinosis-course.pdf", "epub": "_build/epub/calcinosis-course.epub"}
COURSE_DOWNLOADS = "_downloads/course"


def _manifest_link(app, pagename, templatename, context, doctree):
    href = context["pathto"](MANIFEST, 1)
    tags = f'\n<link rel="manifest" href="{href}" />\n<meta name="theme-color" content="#1f4e79" />'
    context["metatags"] = context.get("metatags", "") + tags


# A page's link to the whole-course PDF or EPUB (the landing page's, written in intro.md) while
# that file is not in this copy of the site (`make pdf` / `make epub` not run): no dead link but
# the name and a note, in a form a later build turns back into the link once the file is there.
COURSE_LINK = re.compile(r'<a href="((?:\.\./)*_downloads/course/([^"/]+))">([^<]*)</a>')
COURSE_ABSENT = re.compile(
    r'<span class="course-absent" data-href="([^"]+)">([^<]*)</span>'
    r'<span class="course-absent-note"> \(not published with this copy of the course\)</span>'
)


def whole_course_links(html: str, published: set[str]) -> str:
    """`html` with each link to a whole-course file that is not `published` shown as its name and
    a note, and each such note whose file is published turned back into the link."""
    html = COURSE_ABSENT.sub(lambda m: f'<a href="{m.group(1)}">{m.group(2)}</a>', html)

    def link(m):
        if m.group(2) in published:
            return m.group(0)
        return (
            f'<span class="course-absent" data-href="{m.group(1)}">{m.group(3)}</span>'
            '<span class="course-absent-note"> (not published with this copy of the course)</span>'
        )

    return COURSE_LINK.sub(link, html)


def _published_whole_course() -> set[str]:
    return {Path(path).name for path in WHOLE_COURSE.values() if (ROOT / path).is_file()}


def _copy_whole_course(app, exception):
    if exception is not None or app.builder.name != "html":
        return
    import json
    import shutil

    folder = Path(app.outdir) / COURSE_DOWNLOADS
    folder.mkdir(parents=True, exist_ok=True)
    made = {}
    for kind, path in WHOLE_COURSE.items():
        if (ROOT / path).is_file():
            shutil.copy2(ROOT / path, folder / Path(path).name)
            made[kind] = Path(path).name
    (folder / "index.json").write_text(json.dumps(made), encoding="utf-8")


def _epub_without_launch_buttons(app):
    """sphinx-book-theme 1.3.0 adds launch buttons in every builder and fails under the epub
    builder (its page context has no repository); an EPUB has no launch buttons anyway."""
    if app.builder.name == "epub":
        app.config.html_theme_options = {**(app.config.html_theme_options or {}), "launch_buttons": {}}


def _single_page_widgets(app, pagename, templatename, context, doctree):
    """The single-page build (for the PDF) merges every document into one page, but myst-nb
    adds only that page's own widget state: add every notebook's, so the components render."""
    if app.builder.name != "singlehtml":
        return
    from myst_nb.sphinx_ import NbMetadataCollector

    data = NbMetadataCollector.get_doc_data(app.env)
    for docname in sorted(app.env.found_docs):
        if docname == pagename:
            continue
        for uri, kwargs in data.get(docname, {}).get("js_files", {}).values():
            app.add_js_file(uri, **kwargs)


def _service_worker(app, exception):
    """The manifest and the service worker (scripts/service-worker.mjs: workbox-build's
    injectManifest over the site's own files), after every other step has written the site."""
    if exception is not None or app.builder.name != "html":
        return
    import shutil
    import subprocess

    outdir = Path(app.outdir)
    text = _web_manifest(app)
    if not (outdir / MANIFEST).is_file() or (outdir / MANIFEST).read_text(encoding="utf-8") != text:
        (outdir / MANIFEST).write_text(text, encoding="utf-8")
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "workbox-build").is_dir():
        raise ExtensionError("the service worker needs node and workbox-build: run `make vendor` (npm ci)")
    proc = subprocess.run(
        [node, str(ROOT / "scripts" / "service-worker.mjs"), str(outdir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0 or proc.stderr.strip():
        raise ExtensionError(f"scripts/service-worker.mjs failed: {(proc.stderr or proc.stdout)[-2000:]}")


def _substitutions(app, config):
    """{{ repository_url }} and {{ repository_branch }} for the chapters: the one address in
    _config.yml (repository.url), which Jupyter Book passes to the theme."""
    theme = config.html_theme_options or {}
    subs = dict(getattr(config, "myst_substitutions", {}) or {})
    subs.setdefault("repository_url", theme.get("repository_url", ""))
    subs.setdefault("repository_branch", theme.get("repository_branch", "main"))
    config.myst_substitutions = subs


def setup(app):
    # Jupyter Book always passes sphinx_comments' setting; register it so that leaving the
    # extension out does not warn.
    app.add_config_value("comments_config", {}, "html")
    app.connect("config-inited", _config_inited)
    app.connect("html-page-context", _page_context)
    app.connect("build-finished", _repair_html)
    app.connect("build-finished", _ship_wheel)
    app.connect("build-finished", _copy_narrow_figures)
    app.connect("build-finished", _service_worker, priority=900)  # last: lists the final files
    app.connect("html-page-context", _manifest_link)
    app.connect("html-page-context", _single_page_widgets)
    app.connect("builder-inited", _epub_without_launch_buttons)
    app.connect("build-finished", _copy_whole_course)
    app.connect("config-inited", _substitutions)
    # Formulas as MathML at build time; with this renderer selected (html_math_renderer in
    # _config.yml) Sphinx's MathJax extension adds no script to any page.
    app.add_html_math_renderer("mathml", (_visit_math, None), (_visit_displaymath, None))
    app.add_css_file("course.css")
    # deferred in <head>: runs before the themes' DOMContentLoaded handlers (see the file)
    app.add_js_file("nav-fix.js", loading_method="defer", priority=100)
    app.add_js_file("offline-save.js", loading_method="defer")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
