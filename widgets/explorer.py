"""The calcium–phosphate scenario explorer (an anywidget).

One front-end for three places: the static book (no kernel: the page computes with the
browser evaluator), JupyterLab with a kernel (Python sets the scenario and reads the
assessment), and the saved notebook. For education, not for clinical decisions.

    from widgets import Explorer
    ex = Explorer(preset="V1")                       # a teaching vignette
    ex.scenario = {"labs": {"calcium": {"value": 2.10, "unit": "mmol/L"}}}
    ex.assessment["conditions"][0]["name"]           # computed by the Python model
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import anywidget
import traitlets

from . import clinical
from .references import reference_labels

STATIC = Path(__file__).parent / "static"


def _esm() -> str:
    # One ES module: the browser evaluator followed by the explorer's front-end, which uses it.
    return (STATIC / "clinical.js").read_text() + "\n" + (STATIC / "explorer.js").read_text()


class Explorer(anywidget.AnyWidget):
    _esm = _esm()
    _css = (STATIC / "explorer.css").read_text()

    # The rules travel as JSON text, not a dict: stored notebooks sort dict keys, and the
    # evaluator reads some mappings in order (composite facts build on earlier ones).
    rules_json = traitlets.Unicode().tag(sync=True)
    scenario = traitlets.Dict().tag(sync=True)
    units = traitlets.Unicode("SI").tag(sync=True)
    preset = traitlets.Unicode("").tag(sync=True)
    bibliography_url = traitlets.Unicode("").tag(sync=True)
    ref_labels = traitlets.Dict().tag(sync=True)

    def __init__(self, preset: str = "", scenario: dict | None = None, units: str = "SI",
                 bibliography_url: str = "references.html", **kwargs) -> None:
        if units not in ("SI", "conventional"):
            raise ValueError(f"units must be 'SI' or 'conventional', not {units!r}")
        presets = {p["id"]: p for p in clinical.presets()}
        if preset and preset not in presets:
            raise ValueError(f"unknown preset {preset!r}; choose one of {', '.join(presets)}")
        if scenario is None:
            scenario = presets[preset or "healthy"]["scenario"]
        super().__init__(
            rules_json=json.dumps(clinical.rules_json(), ensure_ascii=False),
            scenario=copy.deepcopy(scenario),
            units=units,
            preset=preset,
            bibliography_url=bibliography_url,
            ref_labels=reference_labels(),
            **kwargs,
        )

    @traitlets.validate("scenario")
    def _check_scenario(self, proposal):
        clinical.parse_scenario(proposal["value"])  # a ValidationError names the field
        return proposal["value"]

    @traitlets.observe("scenario")
    def _scenario_changed(self, change):
        # A scenario set from Python (or typed by the learner) is no longer the preset's.
        if self.preset:
            preset = next((p["scenario"] for p in clinical.presets() if p["id"] == self.preset), None)
            if preset != change["new"]:
                self.preset = ""

    @property
    def assessment(self) -> dict:
        """The Python model's assessment of the current scenario (the page shows the same)."""
        return clinical.assess(self.scenario).to_dict()

    def __repr__(self) -> str:
        return f"Explorer(preset={self.preset!r}, units={self.units!r})"
