"""Case walk-through (an anywidget): a branching clinical case in stages, with a differential
panel that runs the clinical model on what the learner's path has revealed so far.

One front-end for the static book (no kernel: the page computes with the browser evaluator
and keeps progress in localStorage) and JupyterLab (the learner's path is synced to Python).
For education, not for clinical decisions.

    from widgets import Walkthrough
    wt = Walkthrough("stalled-venous-ulcer")
    wt                      # shows it
    wt.progress             # the learner's state: {"v", "seed", "steps": [{"stage", "commit"}],
                            #   "record": {stage: {"first": commit, "later": [...]}}, "recorded"}
    wt.steps                # the path taken
    wt.scenario             # what has been revealed so far (a widgets.clinical scenario)
    wt.panel                # the differential panel's content, by the Python model
"""

from __future__ import annotations

from pathlib import Path

import anywidget
import traitlets

from . import cases as _cases
from . import clinical
from .references import reference_labels

STATIC = Path(__file__).parent / "static"


class Walkthrough(anywidget.AnyWidget):
    _esm = (STATIC / "dist" / "walkthrough.js").read_text(encoding="utf-8")  # make bundle
    _css = (STATIC / "walkthrough.css").read_text()
    # Data that is the same on every page showing this case: the site may supply it once.
    _site_data_traits = ("case_json", "rules_json", "ref_labels")

    case = traitlets.Unicode().tag(sync=True)  # the case id: stays in the page
    case_json = traitlets.Unicode().tag(sync=True)
    rules_json = traitlets.Unicode().tag(sync=True)
    ref_labels = traitlets.Dict().tag(sync=True)
    bibliography_url = traitlets.Unicode("").tag(sync=True)
    # Learner state (walkthrough-state.js toSaved()): the path, each stage's commitments (the
    # first kept, later ones appended) and the learner's seed for the order of the options.
    progress = traitlets.Dict().tag(sync=True)

    def __init__(self, case: str, bibliography_url: str = "references.html", **kwargs) -> None:
        path = Path(case)
        data = _cases.load_case(path) if path.suffix in (".yml", ".yaml") else _cases.find_case(case)
        self._case = data
        super().__init__(
            case=data["id"],
            case_json=_cases.case_json(data),
            rules_json=clinical.rules_json_text(),
            ref_labels=reference_labels(),
            bibliography_url=bibliography_url,
            **kwargs,
        )

    @classmethod
    def _site_data(cls, state: dict) -> dict:
        """The site data traits recomputed from the stored page state (the case id), so that an
        edited case or rule reaches the built site without re-executing the notebook."""
        return {
            "case_json": _cases.case_json(_cases.find_case(state["case"])),
            "rules_json": clinical.rules_json_text(),
            "ref_labels": reference_labels(),
        }

    @property
    def case_data(self) -> dict:
        return self._case

    @property
    def steps(self) -> list[dict]:
        return list(self.progress.get("steps") or [{"stage": self._case["start"], "commit": None}])

    @property
    def visited(self) -> list[str]:
        out = []
        for step in self.steps:
            if step["stage"] not in out:
                out.append(step["stage"])
        return out

    @property
    def scenario(self) -> dict:
        """What the stages on the learner's path have revealed (a widgets.clinical scenario)."""
        return _cases.scenario_for(self._case, self.visited)

    @property
    def panel(self) -> dict:
        """The differential panel at the current stage, computed by the Python model."""
        return _cases.panel_view(clinical.assess(self.scenario).to_dict())

    def __repr__(self) -> str:
        return f"Walkthrough({self._case['id']!r})"
