"""The widget state stored in each notebook, which nbval does not compare.

The static book takes a course component's ES module, CSS and site data (rules, banks) from
files the build writes once (widgets/_site.py, _ext/components.py), so a notebook stores only
the page's own state. What can still go stale there, and would show on the page, is checked
here (fix: `make execute`): a frozen copy of code or data that the site would no longer
replace, a trait the class no longer has, a stored scenario the current model refuses or a
preset's scenario that has changed since the notebook ran."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))
STATE = "application/vnd.jupyter.widget-state+json"


def component_states(path: Path) -> list[dict]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    models = nb.get("metadata", {}).get("widgets", {}).get(STATE, {}).get("state", {})
    return [
        m["state"] for m in models.values() if str(m["state"].get("_anywidget_id", "")).startswith("widgets.")
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_component_state_is_page_state_and_current(path):
    from widgets._site import CODE_TRAITS, component_class, data_traits, recomputes_data, site_data

    states = component_states(path)
    if "Explorer(" in path.read_text(encoding="utf-8"):
        assert states, f"{path.name} uses the explorer but stores no widget state: run make execute"
    for state in states:
        cls = component_class(state["_anywidget_id"])
        assert cls is not None, f"{path.name}: stored component {state['_anywidget_id']} no longer exists"
        frozen = [t for t in CODE_TRAITS if t in state]
        if recomputes_data(cls):
            frozen += [t for t in data_traits(cls) if t in state]
        assert not frozen, f"{path.name} stores a frozen copy of {frozen}: run make execute"
        synced = set(cls.class_trait_names(sync=True)) | {"_anywidget_id"}
        unknown = sorted(set(state) - synced)
        assert not unknown, f"{path.name}: stored traits the class no longer has: {unknown}; run make execute"
        site_made = set(CODE_TRAITS) | (set(data_traits(cls)) if recomputes_data(cls) else set())
        absent = sorted(synced - site_made - set(state))
        assert not absent, f"{path.name}: stored state lacks {absent}: run make execute"
        site_data(cls, state)  # the site can still make this component's data


@pytest.mark.parametrize(
    "path", [p for p in NOTEBOOKS if "Explorer(" in p.read_text(encoding="utf-8")], ids=lambda p: p.name
)
def test_stored_explorer_matches_the_current_model(path):
    from widgets import Explorer
    from widgets.clinical import parse_scenario, presets

    by_id = {p["id"]: p for p in presets()}
    for state in component_states(path):
        if state["_anywidget_id"] != "widgets.explorer.Explorer":
            continue
        parse_scenario(state["scenario"])  # a ValidationError names the field that is stale
        assert state.get("mode") in Explorer.MODES, (
            f"{path.name}: mode {state.get('mode')!r}; run make execute"
        )
        if state["preset"]:
            assert state["preset"] in by_id, f"{path.name}: preset {state['preset']} no longer exists"
            assert state["scenario"] == by_id[state["preset"]]["scenario"], (
                f"{path.name}: preset {state['preset']} has changed since the notebook ran: run make execute"
            )


def test_a_frozen_copy_is_found(tmp_path):
    # The check above can fail: a notebook saved with the module and rules inside.
    from widgets import Explorer
    from widgets._site import page_state, strip_notebook

    full = Explorer(preset="V1").get_state()
    assert "_esm" in full and "rules_json" in full
    nb = {"metadata": {"widgets": {STATE: {"state": {"m": {"state": dict(full)}}}}}}
    assert strip_notebook(nb) == 1
    kept = nb["metadata"]["widgets"][STATE]["state"]["m"]["state"]
    assert kept == page_state(Explorer, full)
    assert not {"_esm", "_css", "rules_json", "ref_labels"} & set(kept)
    assert kept["scenario"] == full["scenario"] and kept["_anywidget_id"] == "widgets.explorer.Explorer"
