"""Builds that fail whole (issue 23 point 8): a notebook page whose stored component output is
missing or stale stops the build with the page and cell named, in one line and without a
traceback, and a failed `make build` (scripts/build.sh) leaves the previous _build/html as it
was; a successful one swaps the new site in, having started from a copy of the previous one
(so incremental builds stay incremental)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "_ext"))
sys.path.insert(0, str(ROOT))

from stored_outputs import notebook_problems  # noqa: E402

NOTEBOOK = "calcium-explorer.ipynb"


def explorer_cell(nb: dict) -> int:
    """0-based index of the calcium explorer notebook's first Explorer cell."""
    return next(
        i
        for i, c in enumerate(nb["cells"])
        if c["cell_type"] == "code" and "Explorer(" in "".join(c["source"]) and c.get("outputs")
    )


def test_every_notebook_has_current_component_outputs():
    notebooks = sorted((ROOT / "chapters").glob("*.ipynb"))
    assert notebooks
    for nb in notebooks:
        assert notebook_problems(nb) == [], nb.name


def test_missing_output_is_named(tmp_path):
    nb = json.loads((ROOT / "chapters" / NOTEBOOK).read_text(encoding="utf-8"))
    i = explorer_cell(nb)
    nb["cells"][i]["outputs"] = []
    path = tmp_path / NOTEBOOK
    path.write_text(json.dumps(nb), encoding="utf-8")
    assert notebook_problems(path, f"chapters/{NOTEBOOK}") == [
        f"chapters/{NOTEBOOK}: cell {i + 1} (Explorer): the stored component output is missing; "
        "run `make execute`"
    ]


def test_stale_output_is_named(tmp_path):
    nb = json.loads((ROOT / "chapters" / NOTEBOOK).read_text(encoding="utf-8"))
    i = explorer_cell(nb)
    view = next(
        o for o in nb["cells"][i]["outputs"] if "application/vnd.jupyter.widget-view+json" in o["data"]
    )
    model_id = view["data"]["application/vnd.jupyter.widget-view+json"]["model_id"]
    state = nb["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]["state"][model_id]["state"]
    removed = sorted(k for k in state if not k.startswith("_"))[0]
    del state[removed]
    state["an_old_trait"] = 1
    path = tmp_path / NOTEBOOK
    path.write_text(json.dumps(nb), encoding="utf-8")
    (problem,) = notebook_problems(path, NOTEBOOK)
    assert problem.startswith(f"{NOTEBOOK}: cell {i + 1} (Explorer): the stored output is stale")
    assert f"no {removed}" in problem and "old an_old_trait" in problem


def _copy_repo(dest: Path) -> Path:
    ignore = shutil.ignore_patterns(
        "_build*", ".venv", "node_modules", "_vendor", ".git", ".hypothesis", "*.egg-info", "__pycache__"
    )
    shutil.copytree(ROOT, dest, ignore=ignore)
    for linked in ("_vendor", "node_modules"):
        if (ROOT / linked).exists():
            (dest / linked).symlink_to(ROOT / linked)
    return dest


def _previous_site(repo: Path) -> Path:
    html = repo / "_build" / "html"
    html.mkdir(parents=True)
    (html / "index.html").write_text("previous site", encoding="utf-8")
    (html / "page.html").write_text("previous page", encoding="utf-8")
    return html


@pytest.mark.build
def test_a_failed_build_names_the_page_and_keeps_the_previous_site(tmp_path):
    repo = _copy_repo(tmp_path / "repo")
    nb_path = repo / "chapters" / NOTEBOOK
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    i = explorer_cell(nb)
    nb["cells"][i]["outputs"] = []
    nb_path.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    html = _previous_site(repo)
    proc = subprocess.run(
        ["bash", "scripts/build.sh"],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PY": sys.executable},
    )
    log = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "Traceback" not in log, log[-3000:]
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error: ")]
    assert errors == [
        f"error: chapters/{NOTEBOOK}: cell {i + 1} (Explorer): the stored component output is missing; "
        "run `make execute`",
        "error: the book did not build (the first error is above); the previous _build/html is unchanged",
    ], proc.stderr[-2000:]
    assert (html / "index.html").read_text(encoding="utf-8") == "previous site"
    assert sorted(p.name for p in html.iterdir()) == ["index.html", "page.html"]
    assert not (repo / "_build.next").exists()


def test_a_successful_build_swaps_in_the_new_site_built_on_the_previous(tmp_path):
    repo = tmp_path / "repo"
    (repo / "scripts").mkdir(parents=True)
    shutil.copy2(ROOT / "scripts" / "build.sh", repo / "scripts")
    # a stand-in for jupyter-book: checks it was given a copy of the previous build, adds a page
    (repo / "scripts" / "jb_build.py").write_text(
        "import pathlib, sys\n"
        "html = pathlib.Path(sys.argv[sys.argv.index('--path-output') + 1]) / '_build' / 'html'\n"
        "assert (html / 'index.html').read_text() == 'previous site'\n"
        "(html / 'new.html').write_text('new page')\n",
        encoding="utf-8",
    )
    _previous_site(repo)
    proc = subprocess.run(
        ["bash", "scripts/build.sh"],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PY": sys.executable},
    )
    assert proc.returncode == 0, proc.stderr
    html = repo / "_build" / "html"
    assert sorted(p.name for p in html.iterdir()) == ["index.html", "new.html", "page.html"]
    assert not (repo / "_build.next").exists() and not (repo / "_build.old").exists()
