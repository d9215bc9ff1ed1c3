"""Local Sphinx extension: a page is never published without its components (issue 23).

The build never executes notebooks: a component appears on a page only through the output
and widget state stored in the notebook. Before anything is read, this checks every notebook
under chapters/:

- a code cell that displays a course component (its last line is `Explorer(...)`,
  `Quiz(...)`, `Walkthrough(...)`, or a name bound to one in the cell) has a stored widget
  view whose model is in the notebook's saved widget state, of that class (else: missing);
- that stored state has exactly the synced traits the component class has now (else: stale,
  executed with other code);

and the data every page is built from goes through the same checks as
`python -m widgets validate`: the knowledge YAML against its schema and references.bib, the
question banks and the case walk-throughs. The first problem stops the build with one line
naming the page and cell (or file and line) and what to do; no traceback.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

from sphinx.errors import SphinxError

VIEW = "application/vnd.jupyter.widget-view+json"
STATE = "application/vnd.jupyter.widget-state+json"
COMPONENTS = ("Explorer", "Quiz", "Walkthrough")


class StoredOutputError(SphinxError):
    category = "Course data error"


def _displayed_component(source: str) -> str | None:
    """The component class a cell displays (its last expression), or None."""
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return None
    if not body or not isinstance(body[-1], ast.Expr):
        return None
    bound: dict[str, str] = {}

    def called(node) -> str | None:
        if isinstance(node, ast.Call):
            f = node.func
            name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None
            return name if name in COMPONENTS else None
        if isinstance(node, ast.Name):
            return bound.get(node.id)
        return None

    for stmt in body[:-1]:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            cls = called(stmt.value)
            if cls:
                bound[stmt.targets[0].id] = cls
    return called(body[-1].value)


def notebook_problems(path: Path, label: str | None = None) -> list[str]:
    """Every missing or stale component output of one notebook, as one-line messages."""
    from widgets._site import component_class, page_state

    label = label or str(path)
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [f"{label}: cannot be read as a notebook ({exc})"]
    models = nb.get("metadata", {}).get("widgets", {}).get(STATE, {}).get("state", {})
    out = []
    for n, cell in enumerate(nb.get("cells", []), start=1):
        if cell.get("cell_type") != "code":
            continue
        source = "".join(cell.get("source", ""))
        want = _displayed_component(source)
        if want is None:
            continue
        where = f"{label}: cell {n} ({want})"
        views = [o["data"][VIEW] for o in cell.get("outputs", []) if VIEW in o.get("data", {})]
        if not views:
            out.append(f"{where}: the stored component output is missing; run `make execute`")
            continue
        model = models.get(views[0].get("model_id"), {}).get("state")
        if model is None:
            out.append(f"{where}: the stored output's widget state is not saved; run `make execute`")
            continue
        cls = component_class(model.get("_anywidget_id"))
        if cls is None or cls.__name__ != want:
            out.append(f"{where}: the stored output is a {model.get('_anywidget_id')}; run `make execute`")
            continue
        expected = set(page_state(cls, dict.fromkeys(cls.class_trait_names(sync=True)))) | {"_anywidget_id"}
        missing, extra = sorted(expected - set(model)), sorted(set(model) - expected)
        if missing or extra:
            what = ", ".join([*(f"no {t}" for t in missing[:3]), *(f"old {t}" for t in extra[:3])])
            out.append(f"{where}: the stored output is stale ({what}); run `make execute`")
    return out


def data_problems(root: Path) -> list[str]:
    """The checks of `python -m widgets validate quizzes/ cases/`, one line each."""
    import contextlib
    import io

    from widgets.__main__ import _validate

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        _validate([str(root / "quizzes"), str(root / "cases")])
    return [line.removeprefix("error: ") for line in err.getvalue().splitlines() if line.strip()]


def check(app) -> None:
    from components import _inputs_digest

    root = Path(app.srcdir)
    # the data checks are redone only when a bank, case, widget module or the .bib changed
    # (issue 19: they were a third of a no-op rebuild); the stamp lives beside the doctrees
    stamp = Path(app.doctreedir) / "data-checked.txt"
    digest = _inputs_digest(root)
    try:
        checked = stamp.read_text(encoding="utf-8") == digest
    except OSError:
        checked = False
    problems = [] if checked else data_problems(root)
    if not checked and not problems:
        stamp.write_text(digest, encoding="utf-8")
    for nb in sorted((root / "chapters").glob("*.ipynb")):
        problems += notebook_problems(nb, nb.relative_to(root).as_posix())
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise StoredOutputError(problems[0] + more)


def setup(app):
    app.connect("builder-inited", check)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
