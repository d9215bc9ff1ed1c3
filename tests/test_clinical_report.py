"""The plain-text report and the assessment's text (issue 18, principle 7 of the issue and its
'Build' item 5): values to check first, wrapped lines stay inside their item, labels keep their
capitals, every recorded id is either weighed or shown as not used, 'would help' lists only
what is missing, and a leading look-alike is always in the headline."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from widgets.clinical import assess, knowledge  # noqa: E402
from widgets.clinical.model import used_vocabulary  # noqa: E402
from widgets.clinical.report import render_text  # noqa: E402

K = knowledge()
NORMAL = {
    "calcium": {"value": 2.35, "unit": "mmol/L"},
    "albumin": {"value": 40, "unit": "g/L"},
    "phosphate": {"value": 1.1, "unit": "mmol/L"},
}


def test_a_value_to_check_comes_first_in_the_report_and_the_headline():
    a = assess({"labs": {**NORMAL, "phosphate": {"value": 5.2, "unit": "mmol/L"}}}).to_dict()
    text = render_text(a)
    lines = text.splitlines()
    first = next(i for i, line in enumerate(lines) if line.strip() and i > 1)
    assert lines[first].startswith("CHECK THIS VALUE: Phosphate") and "did you mean mg/dL?" in text
    assert a["summary"].startswith("This rests on a value to check")
    assert [c["field"] for c in a["check_values"]] == ["labs.phosphate.unit"]
    # the same value in mg/dL is plausible: nothing to check, nothing in the headline
    b = assess({"labs": {**NORMAL, "phosphate": {"value": 5.2, "unit": "mg/dL"}}}).to_dict()
    assert b["check_values"] == [] and "value to check" not in b["summary"]


def _items(text: str, heading: str) -> list[str]:
    lines = text.splitlines()
    start = lines.index(heading) + 1
    block = []
    for line in lines[start:]:
        if not line.strip():
            break
        block.append(line)
    return block


def test_wrapped_warnings_and_not_judged_stay_inside_their_item():
    a = assess(
        {
            "patient": {"age": 9},
            "labs": {"calcium": {"value": 2.4, "unit": "mmol/L"}},
            "history": ["dialysis"],
        }
    ).to_dict()
    text = render_text(a)
    for heading in ("Warnings", "Not judged (data missing)"):
        block = _items(text, heading)
        items = [line for line in block if line.startswith("  - ")]
        wrapped = [line for line in block if not line.startswith("  - ")]
        assert items and wrapped, (heading, block)  # some items do wrap
        assert all(line.startswith("      ") for line in wrapped), block
    expected_items = len(a["warnings"]) + len(a["not_judged"])
    assert len(_items(text, "Warnings")) >= len(a["warnings"])
    assert (
        sum(
            line.startswith("  - ")
            for h in ("Warnings", "Not judged (data missing)")
            for line in _items(text, h)
        )
        == expected_items
    )


def test_band_labels_keep_their_capitals():
    a = assess({"labs": {"pth": {"value": 80, "unit": "pmol/L"}}, "history": ["dialysis"]}).to_dict()
    text = render_text(a)
    pth_line = next(line for line in text.splitlines() if line.strip().startswith("PTH:"))
    assert "KDIGO" in pth_line and "CKD G5D" in pth_line, pth_line


def test_every_vocabulary_id_is_weighed_with_a_citation_or_shown_as_not_used():
    used = used_vocabulary(K)
    for item in K["vocabulary"]["items"]:
        key = f"{item['group']}.{item['id']}"
        section = K["vocabulary"]["groups"][item["group"]]["section"]
        a = assess({section: [item["id"]]}).to_dict()
        shown = [u["id"] for u in a["unused"]]
        if key in used:
            assert item["id"] not in shown
            rules = [r for r in K["rules"] if key in str(r["when"])]
            assert all(r["cite"] for r in rules)
        else:
            assert shown == [item["id"]], key
            assert "recorded; this course's model does not use it" in render_text(a)
    assert len(used) > 0.9 * len(K["vocabulary"]["items"])


def test_would_help_lists_only_what_is_missing():
    base = {"labs": NORMAL, "findings": ["skin_necrosis", "haemorrhagic_blisters"]}
    known = assess({**base, "history": {"warfarin": {"days": 8}}}).to_dict()
    unknown = assess({**base, "history": ["warfarin"]}).to_dict()
    by = lambda a: {c["id"]: " | ".join(c["missing"]) for c in a["conditions"]}  # noqa: E731
    assert "Days since warfarin" in by(unknown)["wisn"]
    assert "Days since warfarin" not in by(known)["wisn"]
    assert "Time on warfarin usually separates" not in by(known)["calciphylaxis"] + by(known)["wisn"]


def test_a_leading_lookalike_is_in_the_headline_even_when_nothing_is_more_than_possible():
    s = {
        "labs": {**NORMAL, "phosphate": {"value": 2.0, "unit": "mmol/L"}},
        "history": ["dialysis", "leg_ulcer", "venous_disease"],
        "findings": {
            "venous_signs": True,
            "hard_white_deposits_wound_bed": False,
            "xray_calcification": False,
        },
    }
    a = assess(s).to_dict()
    assert a["lookalikes"][0]["leads"] and a["headline"]["kind"] == "lookalike"
    assert "Venous leg ulcer" in a["summary"]
