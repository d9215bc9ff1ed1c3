"""The book states the model's numbers, and only those: the upper limit of total calcium and
the Ca x P lines live once in the data (ranges.yaml, bands.yaml cap.lines); a chapter or the
static figure that states another number fails here. Another source's cut-off may be
mentioned (MSD's 2.60 mmol/L), but only beside the book's own number."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from widgets.clinical import ca_p_plane, knowledge  # noqa: E402
from widgets.clinical.numbers import fmt, round_half_away  # noqa: E402

RULES = knowledge()
CHAPTERS = sorted((ROOT / "chapters").glob("*.md"))
FIGURE = ROOT / "chapters" / "images" / "calcium-phosphate-plane.svg"
CA = RULES["ranges"]["calcium"]
CA_MG = RULES["units"]["analytes"]["calcium"]["units"]["mg/dL"]["divide"]
LINES = RULES["bands"]["cap"]["lines"]

# Numbers that read as an upper limit of total calcium: 2.55-2.69 mmol/L, 10.2-10.8 mg/dL.
CA_SI = re.compile(r"(?<![\d.])2\.(?:5[5-9]|6\d)(?![\d])")
CA_CONV = re.compile(r"(?<![\d.])10\.[2-8](?![\d])")
CAXP_MG = re.compile(r"(?<![\d.–-])(\d+(?:\.\d+)?)\s*mg(?:²|2)/dL(?:²|2)")
CAXP_SI = re.compile(r"(?<![\d.–-])(\d+(?:\.\d+)?)\s*mmol(?:²|2)/L(?:²|2)")


def upper_si() -> str:
    return f"{CA['high']:.2f}"


def upper_conv() -> str:
    return fmt(round_half_away(CA["high"] * CA_MG, 1))


def line_problems(name: str, text: str) -> list[str]:
    problems = []
    line_values_mg = {fmt(line["mg2_dl2"]) for line in LINES.values()}
    line_values_si = {f"{c['mmol2_l2']:.2f}" for c in ca_p_plane(with_points=False)["curves"]}
    for n, line in enumerate(text.splitlines(), 1):
        for pattern, ours in ((CA_SI, upper_si()), (CA_CONV, upper_conv())):
            for m in pattern.finditer(line):
                if m.group(0) != ours and ours not in line:
                    problems.append(
                        f"{name}:{n}: calcium limit {m.group(0)} (the data say {ours}): {line.strip()[:100]}"
                    )
        for m in CAXP_MG.finditer(line):
            if fmt(float(m.group(1))) not in line_values_mg:
                problems.append(
                    f"{name}:{n}: Ca x P {m.group(1)} mg2/dL2 is not a line of the data "
                    f"({', '.join(sorted(line_values_mg))})"
                )
        for m in CAXP_SI.finditer(line):
            if f"{float(m.group(1)):.2f}" not in line_values_si:
                problems.append(f"{name}:{n}: Ca x P {m.group(1)} mmol2/L2 is not a line of the data")
    return problems


def test_the_data_state_each_number_once():
    assert CA["high"] == 2.62 and CA["low"] == 2.12  # the coordinator's decision (FACTS.md 1.2, CMDT)
    assert upper_conv() == "10.5"
    assert sorted(line["mg2_dl2"] for line in LINES.values()) == [55, 70]
    bands = RULES["bands"]["bands"]["ca_x_p"]["bands"]
    assert [b.get("below", b.get("upto")) for b in bands[:2]] == [
        {"line": "kdoqi_target"},
        {"line": "classic_threshold"},
    ]
    calcium = RULES["bands"]["bands"]["calcium"]["bands"]
    assert calcium[1]["upto"] == {"ref": "high"}  # the normal band ends at the range's upper limit


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapters_state_the_data_numbers(path):
    assert line_problems(path.name, path.read_text(encoding="utf-8")) == []


def test_checker_catches_another_number():
    assert line_problems("x.md", "hypercalcaemia above 2.60 mmol/L")
    assert line_problems("x.md", "above 10.4 mg/dL")
    assert line_problems("x.md", "a Ca x P of 60 mg²/dL²")
    assert line_problems("x.md", "4.8 mmol²/L²")
    assert not line_problems("x.md", "above 2.62 mmol/L (some sources use 2.60)")
    assert not line_problems("x.md", "55 mg²/dL² (4.43 mmol²/L²) and 70 mg²/dL²; typical 30–35 mg²/dL²")


@pytest.mark.parametrize(
    "figure", [FIGURE, FIGURE.with_name(FIGURE.stem + "-narrow.svg")], ids=lambda p: p.name
)
def test_static_figure_states_the_data_numbers(figure):
    text = figure.read_text(encoding="utf-8")
    assert line_problems(figure.name, text) == []
    assert upper_si() in text
