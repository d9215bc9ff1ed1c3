"""The `quiz` directive: a self-assessment quiz in a Markdown page.

    ```{quiz}
    :bank: foundations
    :chapter: leg-ulcers
    ```

It builds the Python widget (`widgets.Quiz`) at build time and writes into the page what a
notebook's stored widget output holds: a widget-view script naming a model id, and a
widget-state script with that model's state. The site's component loader
(`_ext/static/anywidget-loader.js`) mounts it as it mounts notebook widgets, with no kernel.
Options: bank (one id or several separated by spaces), chapter, items (ids separated by
spaces), n, seed, title, mode (quiz, review or progress: the Review and My progress pages).
"""

from __future__ import annotations

import json
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

STATE_TYPE = "application/vnd.jupyter.widget-state+json"
VIEW_TYPE = "application/vnd.jupyter.widget-view+json"


def _script(mime: str, data: dict) -> str:
    # JSON inside <script>: escape "<" so bank text such as "</script>" cannot end the tag.
    text = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")
    return f'<script type="{mime}">{text}</script>'


def widget_html(widget) -> str:
    """The view + state scripts for one widget, as a notebook output stores them."""
    state = widget.get_state()
    model = {
        "model_name": state["_model_name"],
        "model_module": state["_model_module"],
        "model_module_version": state["_model_module_version"],
        "state": state,
    }
    view = {"version_major": 2, "version_minor": 0, "model_id": widget.model_id}
    page_state = {"version_major": 2, "version_minor": 0, "state": {widget.model_id: model}}
    return _script(VIEW_TYPE, view) + "\n" + _script(STATE_TYPE, page_state)


class QuizDirective(SphinxDirective):
    has_content = False
    option_spec = {
        "bank": directives.unchanged_required,
        "chapter": directives.unchanged,
        "items": directives.unchanged,
        "n": directives.nonnegative_int,
        "seed": directives.nonnegative_int,
        "title": directives.unchanged,
        "mode": directives.unchanged,
    }

    def run(self):
        from widgets import Quiz
        from widgets.datafile import DataFileError
        from widgets.quiz import CourseRecord

        o = self.options
        banks = o.get("bank", "differential").split()
        try:
            if o.get("mode", "quiz") != "quiz":
                quiz = CourseRecord(mode=o["mode"], title=o.get("title", ""))
            else:
                quiz = Quiz(
                    bank=banks if len(banks) > 1 else banks[0],
                    chapter=o.get("chapter") or None,
                    items=o["items"].split() if o.get("items") else None,
                    n=o.get("n"),
                    seed=o.get("seed", 0),
                    title=o.get("title", ""),
                )
        except (ValueError, DataFileError) as exc:
            raise self.error(f"quiz: {exc}") from None
        # rebuild this page when a bank or the quiz front-end changes
        src = Path(self.env.srcdir)
        for p in [
            *sorted((src / "quizzes").glob("*.yml")),
            *sorted((src / "widgets" / "static").glob("quiz*")),
            src / "widgets" / "static" / "progress.js",
        ]:
            self.env.note_dependency(str(p))
        raw = nodes.raw("", '<div class="cq-static">' + widget_html(quiz) + "</div>", format="html")
        quiz.close()
        return [raw]


def _page_context(app, pagename, templatename, context, doctree):
    # myst-nb adds the component loader only to notebook pages with widget state; a Markdown
    # page with a quiz needs it too (same file, same attributes as myst-nb's tag).
    if VIEW_TYPE in context.get("body", "") and not str(app.env.doc2path(pagename)).endswith(".ipynb"):
        from offline import LOADER_ATTRIBUTES, WIDGET_LOADER

        app.add_js_file(WIDGET_LOADER, **LOADER_ATTRIBUTES)


def setup(app):
    app.add_directive("quiz", QuizDirective)
    app.connect("html-page-context", _page_context)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
