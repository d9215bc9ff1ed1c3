"""The calcium–phosphate scenario explorer (an anywidget).

One front-end for three places: the static book (no kernel: the page computes with the
browser evaluator), JupyterLab with a kernel (Python sets the scenario and reads the
assessment), and the saved notebook. For education, not for clinical decisions.

    from widgets import Explorer
    ex = Explorer(preset="V1")                       # a teaching vignette
    ex.scenario = {"labs": {"calcium": {"value": 2.10, "unit": "mmol/L"}}}
    ex.assessment["conditions"][0]["name"]           # computed by the Python model

    Explorer(mode="practice")                        # blank; the learner picks a neutrally named case
    ex.answer                                        # {"case": "D1", "answer": ..., "revealed": True}
"""

from __future__ import annotations

import copy
from pathlib import Path

import anywidget
import traitlets

from . import clinical
from .references import reference_labels

STATIC = Path(__file__).parent / "static"


class Explorer(anywidget.AnyWidget):
    # One ES module: explorer.js with the clinical.js it imports, bundled by scripts/bundle.py.
    _esm = (STATIC / "dist" / "explorer.js").read_text(encoding="utf-8")
    _css = (STATIC / "explorer.css").read_text(encoding="utf-8")
    # The same on every page: the static book fetches them once per build (widgets/_site.py)
    # instead of each notebook storing a copy.
    _site_data_traits = ("rules_json", "ref_labels")

    @classmethod
    def _site_data(cls, state: dict) -> dict:
        return {"rules_json": clinical.rules_json_text(), "ref_labels": reference_labels()}

    # The rules travel as JSON text, not a dict: stored notebooks sort dict keys, and the
    # evaluator reads some mappings in order (composite facts build on earlier ones).
    rules_json = traitlets.Unicode().tag(sync=True)
    scenario = traitlets.Dict().tag(sync=True)
    units = traitlets.Unicode("SI").tag(sync=True)
    preset = traitlets.Unicode("").tag(sync=True)
    # "open": verdicts as you type. "practice": presets under neutral case names, and the
    # ranking is shown only after the learner has committed an answer (kept in `answer`).
    MODES = ("open", "practice")
    mode = traitlets.Unicode("open").tag(sync=True)
    answer = traitlets.Dict().tag(sync=True)
    bibliography_url = traitlets.Unicode("").tag(sync=True)
    ref_labels = traitlets.Dict().tag(sync=True)

    def __init__(
        self,
        preset: str = "",
        scenario: dict | None = None,
        units: str = "SI",
        mode: str = "open",
        bibliography_url: str = "references.html",
        **kwargs,
    ) -> None:
        if units not in ("SI", "conventional"):
            raise ValueError(f"units must be 'SI' or 'conventional', not {units!r}")
        if mode not in self.MODES:
            raise ValueError(f"mode must be one of {', '.join(self.MODES)}, not {mode!r}")
        presets = {p["id"]: p for p in clinical.presets()}
        if preset and preset not in presets:
            raise ValueError(f"unknown preset {preset!r}; choose one of {', '.join(presets)}")
        if scenario is None:
            # practice without a case starts blank: a chapter's own case would give its answer away
            blank = mode == "practice" and not preset
            scenario = {} if blank else presets[preset or "healthy"]["scenario"]
        super().__init__(
            rules_json=clinical.rules_json_text(),
            scenario=copy.deepcopy(scenario),
            units=units,
            preset=preset,
            mode=mode,
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
        mode = f", mode={self.mode!r}" if self.mode != "open" else ""
        return f"Explorer(preset={self.preset!r}, units={self.units!r}{mode})"
