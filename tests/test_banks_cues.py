"""The measurable item-writing cues (widgets/itemcues.py): each rule rejects its fixture item
with file:line, a reviewed exception passes and a stale one is reported, the command line
shows them, and the course's banks meet the issue's figures."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from widgets import datafile, itemcues, quizbank

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "data" / "cue-banks" / "cues.yml"

# (line, where, rule): one per fixture item; the line is the line of the offending text
EXPECTED = [
    (15, "items[0].options[0].text", "key-length"),
    (28, "items[1].options[1].text", "absolute-distractor"),
    (40, "items[2].options[0].text", "stem-echo"),
    (54, "items[3].options[2].text", "parallel-form"),
    (64, "items[4].pairs", "matching-spares"),
    (72, "items[5].question", "numeric-formula"),
    (81, "items[6].options[0].cite", "unverified-action"),
    (94, "items[7].scenario", "model-unlikely"),
    (107, "items[8].teach", "teach-anchor"),
    (135, "items[10].reviewed.key-length", "key-length"),
]


@pytest.fixture(scope="module")
def fixture_errors():
    return [str(e) for e in quizbank.check_document(datafile.load(FIXTURE))]


def test_each_cue_is_rejected_with_file_and_line(fixture_errors):
    got = [re.match(r"(.+?):(\d+): (\S+): \[([a-z-]+)\]", e).groups() for e in fixture_errors]
    assert [(int(line), where, rule) for _, line, where, rule in got] == EXPECTED
    assert all(path.endswith("cues.yml") for path, *_ in got)


def test_a_reviewed_exception_passes_and_a_stale_one_is_reported(fixture_errors):
    # cue-reviewed (items[9]) has the same stem echo as items[2] but carries a reason
    assert not any("items[9]" in e for e in fixture_errors)
    stale = [e for e in fixture_errors if "items[10]" in e]
    assert len(stale) == 1 and "no longer fires" in stale[0]


def test_exception_needs_a_known_rule_and_a_reason():
    text = FIXTURE.read_text(encoding="utf-8").replace(
        'reviewed: {stem-echo: "Reviewed: the fixture\'s reason, long enough to be a reason."}',
        'reviewed: {stem-echo: "ok", no-such-rule: "a reason that is long enough"}',
    )
    errs = [str(e) for e in quizbank.check_document(datafile.loads(text, "cues.yml"))]
    assert any("is too short" in e or "at least 15" in e for e in errs), errs
    assert not any("no-such-rule" in e for e in errs) or any("unknown" in e for e in errs)


def test_validate_command_prints_the_cues_with_file_and_line():
    run = subprocess.run(
        [sys.executable, "-m", "widgets", "validate", str(FIXTURE)], capture_output=True, text=True, cwd=ROOT
    )
    assert run.returncode == 2
    lines = [ln for ln in run.stderr.splitlines() if ln.startswith("error: ")]
    for line, _where, rule in EXPECTED:
        assert any(f"cues.yml:{line}:" in ln and f"[{rule}]" in ln for ln in lines), (line, rule)
    assert "Traceback" not in run.stderr


@pytest.fixture(scope="module")
def items():
    errors, items = quizbank.validate_paths([ROOT / "quizzes"])
    assert [str(e) for e in errors] == []
    return items


def test_bank_figures_meet_the_issue(items):
    f = itemcues.figures(items)
    assert f["items"] >= 130
    assert f["by_type"]["numeric"] >= 12
    assert f["matching_with_spares"] >= 6 and f["by_type"]["matching"] == f["matching_with_spares"]
    assert f["vignettes"] >= 0.7 * f["sba"]
    assert f["key_longest"] <= 0.3 * f["sba"]
    # as the page shows them, every position holds the key in at least 10 % of the SBA items
    assert min(f["key_position_shown"].get(p, 0) for p in range(1, 6)) >= 0.1 * f["sba"]


def test_every_item_links_to_a_paragraph_that_exists(items):
    for it in items:
        page, _, anchor = it["teach"].partition("#")
        assert anchor in itemcues.anchors(page), it["id"]


EMPTY = re.compile(
    r"^(not related|unrelated|listed (first|second|third|fourth|as)|not (a|the) .*(named|group|cause)|"
    r"not described|that is (a |an )?[\w -]+\.$)",
    re.I,
)


def test_every_option_feedback_gives_a_reason(items):
    bare = [
        (it["id"], o["feedback"])
        for it in items
        for o in it.get("options", []) + it.get("pairs", [])
        if EMPTY.match(o["feedback"].strip())
    ]
    assert bare == []


def test_renal_failure_is_not_keyed_as_a_cause_of_hypercalcaemia(items):
    # FACTS.md 2C item 3 and chapters/errata.md: renal metastatic calcification is phosphate-driven
    it = next(i for i in items if i["id"] == "mc-causes")
    for o in it["options"]:
        if re.search(r"renal|kidney", o["text"], re.I):
            assert not o.get("correct"), o["text"]


def test_vignette_labs_of_metastatic_items_reach_the_classic_product(items):
    # mc-threshold teaches > 70 mg²/dL² (5.6 mmol²/L²): the metastatic vignettes that rest on a
    # product (vitamin D, sarcoidosis, myeloma) must reach it, with Ca corrected for albumin
    for iid in ("dd-vitamin-d", "dd-sarcoid", "dd-myeloma"):
        labs = next(i for i in items if i["id"] == iid)["scenario"]["labs"]
        ca = labs["calcium"]["value"] + 0.02 * (40 - labs["albumin"]["value"])
        assert ca * labs["phosphate"]["value"] > 5.6, iid


def test_shown_order_matches_the_page_shuffle():
    node = subprocess.run(
        [
            "node",
            "--input-type=module",
            "-e",
            "import { shuffled } from './widgets/static/quiz-state.js';"
            "const ids = ['dd-sarcoid', 'mc-causes', 'x'];"
            "console.log(JSON.stringify(ids.map((id) => shuffled([0, 1, 2, 3, 4], 7, id))));",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert node.returncode == 0, node.stderr
    import json

    want = [itemcues.shown_order(5, 7, i) for i in ("dd-sarcoid", "mc-causes", "x")]
    assert json.loads(node.stdout) == want
