"""Clinical model of the course: units, reference ranges, derived laboratory values and the
assessment of a scenario against the six conditions (dystrophic, metastatic, idiopathic and
iatrogenic calcification, calciphylaxis, warfarin-induced skin necrosis).

Pure Python: no widget or book imports. The rules (units, ranges, bands, vocabulary,
facts, conditions, rules, messages, plots, presets) are YAML in widgets/clinical/data;
`rules_json()` exports them for the browser evaluator widgets/static/clinical.js, which is
staged alike and gives identical results (tests/parity/vectors.json holds both to account).

Modules: numbers (rounding, formatting), messages (filled sentences), units (conversion),
scenario (input validation, three-valued findings, input limits), files (reading scenario and
ranges files safely), model (the staged assessment), knowledge (loading and checking the
data), plane (what a Ca-P plane figure needs), report (plain-text rendering).

For education, not for clinical decisions.
"""

from __future__ import annotations

from .errors import ClinicalError, DataError, ValidationError
from .files import load_scenario
from .knowledge import knowledge, rules_json, rules_json_text
from .model import Assessment, assess, corrected_calcium, evaluate
from .numbers import fmt, round_half_away, round_scaled
from .plane import ca_p_plane
from .scenario import Scenario, parse_scenario
from .units import convert

__all__ = [
    "Assessment",
    "ClinicalError",
    "DataError",
    "PRESETS",
    "Scenario",
    "VOCABULARY",
    "ValidationError",
    "assess",
    "ca_p_plane",
    "convert",
    "corrected_calcium",
    "evaluate",
    "fmt",
    "knowledge",
    "load_scenario",
    "parse_scenario",
    "presets",
    "round_half_away",
    "round_scaled",
    "rules_json",
    "rules_json_text",
    "vocabulary",
]


def vocabulary() -> dict:
    """{id: {label, group, definition[, params]}} for every scenario vocabulary item."""
    return {
        i["id"]: {key: i[key] for key in ("label", "group", "definition", "params") if key in i}
        for i in knowledge()["vocabulary"]["items"]
    }


def presets() -> list[dict]:
    """The presets (FACTS.md part 5 vignettes, a vasculitis composite, a healthy adult):
    [{id, title, taught: {conditions, lookalike}, scenario}]. Each scenario is validated;
    a bad one raises DataError naming presets.yaml and the place."""
    import copy

    out = []
    for i, p in enumerate(knowledge()["presets"]):
        try:
            parse_scenario(p["scenario"])
        except ValidationError as exc:
            raise DataError(f"presets.yaml: presets[{i}].scenario.{exc.field}", exc.message) from None
        out.append(copy.deepcopy(p))
    return out


def __getattr__(name):
    # VOCABULARY and PRESETS are computed on first use (the data files are read lazily).
    if name == "VOCABULARY":
        return vocabulary()
    if name == "PRESETS":
        return presets()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
