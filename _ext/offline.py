"""Local Sphinx extension: keep the built book self-contained and light.

- Third-party assets (MathJax, plotly.js) are vendored into ``_vendor/_static/vendor`` by
  ``make vendor`` and copied into the site through ``html_extra_path``.
- plotly.js is added only to pages that contain a plotly figure.
- Widgets in the static book are mounted by ``anywidget-loader.js`` from the saved widget
  state (no require.js, no widget html-manager); myst-nb's default CDN scripts are replaced.
- ``sphinx_thebe`` and ``sphinx_comments`` are left out of ``extensions`` in ``_config.yml``:
  they load from CDNs.
"""

from __future__ import annotations

import re
from pathlib import Path

HERE = Path(__file__).parent
PLOTLY_JS = "vendor/plotly/plotly-basic.min.js"
WIDGET_LOADER = "anywidget-loader.js"


def _config_inited(app, config):
    config.html_static_path = [*config.html_static_path, str(HERE / "static")]
    # Replace myst-nb's CDN require.js + html-manager with our small loader (type=module).
    config.nb_ipywidgets_js = {WIDGET_LOADER: {"type": "module"}}


def _page_context(app, pagename, templatename, context, doctree):
    body = context.get("body", "")
    if "plotly-graph-div" in body:
        # Per-page script: loaded before the inline Plotly.newPlot calls run at DOMContentLoaded.
        app.add_js_file(PLOTLY_JS, priority=300)


# Accessibility repairs to theme and docutils markup that configuration cannot reach (axe-core
# rules in brackets). Each is a plain, idempotent replacement on the written HTML.
A11Y_REPAIRS = (
    # [region] the sidebar's title link and search button sit outside any landmark.
    ('<div id="pst-primary-sidebar" class="bd-sidebar-primary bd-sidebar">',
     '<div id="pst-primary-sidebar" class="bd-sidebar-primary bd-sidebar" role="region" '
     'aria-label="Book navigation">'),
    # [summary-name] the sidebar's expand/collapse toggles have an icon but no name.
    ('<summary><span class="toctree-toggle" role="presentation">',
     '<summary aria-label="Show or hide the sections of this chapter">'
     '<span class="toctree-toggle" role="presentation">'),
    # [aria-required-children, aria-deprecated-role] bibliography entries in a role="list".
    ('role="doc-biblioentry"', 'role="listitem"'),
)


# Weight: the theme loads Font Awesome twice, as a 1.5 MB script that swaps icons for SVG and
# as a webfont its stylesheet already declares. The webfont alone renders the same icons.
HEAVY_SCRIPTS = re.compile(r'<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>\n?')


def _repair_html(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    for path in Path(app.outdir).rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        repaired = text
        for old, new in A11Y_REPAIRS:
            repaired = repaired.replace(old, new)
        repaired = HEAVY_SCRIPTS.sub("", repaired)
        if repaired != text:
            path.write_text(repaired, encoding="utf-8")


def setup(app):
    # Jupyter Book always passes sphinx_comments' setting; register it so that leaving the
    # extension out does not warn.
    app.add_config_value("comments_config", {}, "html")
    app.connect("config-inited", _config_inited)
    app.connect("html-page-context", _page_context)
    app.connect("build-finished", _repair_html)
    app.add_css_file("course.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
