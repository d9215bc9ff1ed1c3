"""The explorer's Python side: what an educator drives in a live notebook."""

from __future__ import annotations

import json

import pytest

from widgets import Explorer
from widgets.clinical import ValidationError, presets, rules_json


def test_preset_scenario_and_assessment():
    ex = Explorer(preset="V8")
    v8 = next(p for p in presets() if p["id"] == "V8")
    assert ex.scenario == v8["scenario"]
    assert ex.assessment["conditions"][0]["id"] == "calciphylaxis"


def test_front_end_update_reaches_python():
    # What a learner's typing does in JupyterLab: the front-end sends a state update.
    ex = Explorer(preset="V1")
    ex.set_state(
        {
            "scenario": {
                "labs": {
                    "calcium": {"value": 2.10, "unit": "mmol/L"},
                    "albumin": {"value": 25, "unit": "g/L"},
                }
            }
        }
    )
    corrected = ex.assessment["derived"]["corrected_calcium"]
    assert (corrected["mmol/L"], corrected["mg/dL"]) == (2.40, 9.62)  # FACTS.md 1.4 worked check
    assert ex.preset == ""  # no longer the preset's scenario


def test_python_sets_the_scenario_and_units():
    ex = Explorer()
    ex.scenario = {"labs": {"phosphate": {"value": 6.5, "unit": "mg/dL"}}}
    ex.units = "conventional"
    assert ex.assessment["derived"]["values"]["phosphate"]["mmol/L"] == pytest.approx(6.5 / 3.097, abs=0.005)


def test_bad_scenario_is_refused_with_the_field_named():
    ex = Explorer()
    with pytest.raises(ValidationError) as err:
        ex.scenario = {"labs": {"calcium": {"value": 40, "unit": "mmol/L"}}}
    assert err.value.field == "labs.calcium.value"
    assert "0.5-6 mmol/L" in err.value.message
    assert ex.scenario["labs"]["calcium"]["value"] != 40  # the old scenario stays


@pytest.mark.parametrize(
    "kwargs, word", [({"preset": "V99"}, "unknown preset"), ({"units": "imperial"}, "units")]
)
def test_bad_arguments(kwargs, word):
    with pytest.raises(ValueError, match=word):
        Explorer(**kwargs)


def test_front_end_carries_the_evaluator_and_the_exact_rules():
    ex = Explorer()
    # the bundle (scripts/bundle.py): explorer.js with the evaluator it imports
    assert '"not_mapping"' in ex._esm and "as default" in ex._esm  # minified: clinical.js by its message key
    assert json.loads(ex.rules_json) == rules_json()
    assert list(json.loads(ex.rules_json)["facts"]["composites"]) == list(rules_json()["facts"]["composites"])
    assert all(label["label"] for label in ex.ref_labels.values())
