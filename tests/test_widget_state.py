"""The static book renders the widget state stored in each notebook, which nbval does not
compare. Check that every stored explorer carries the current rules, ES module and CSS, so a
change to the clinical model or the front-end cannot ship stale pages (fix: `make execute`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))


def explorer_states(path: Path) -> list[dict]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    state = nb.get("metadata", {}).get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    return [m["state"] for m in state.get("state", {}).values()
            if m["state"].get("_anywidget_id") == "widgets.explorer.Explorer"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_explorer_state_is_current(path):
    from widgets import Explorer
    from widgets.clinical import rules_json

    states = explorer_states(path)
    if "Explorer(" in path.read_text(encoding="utf-8"):
        assert states, f"{path.name} uses the explorer but stores no widget state: run make execute"
    rules = json.dumps(rules_json(), ensure_ascii=False)
    for state in states:
        # compared as text: the evaluator depends on the order of some mappings
        assert state["rules_json"] == rules, f"{path.name}: stored rules are stale; run make execute"
        assert state["_esm"] == Explorer._esm, f"{path.name}: stored front-end is stale; run make execute"
        assert state["_css"] == Explorer._css, f"{path.name}: stored CSS is stale; run make execute"
