"""The question banks as data: every bank is valid, the course has the items the issue asks
for, each deliberately broken bank fails with its file:line message, the command line reports
them, and the Moodle XML export parses back to the bank."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from widgets import quizbank
from widgets.datafile import DataFileError
from widgets.moodle import moodle_xml

ROOT = Path(__file__).resolve().parent.parent
BROKEN = ROOT / "tests" / "data" / "broken-banks"
VARIANTS = ["dystrophic", "metastatic", "idiopathic", "iatrogenic", "calciphylaxis", "wisn"]
FOUNDATIONS = ["leg-ulcers", "calcium", "calcinosis-cutis"]


@pytest.fixture(scope="module")
def items():
    errors, items = quizbank.validate_paths([ROOT / "quizzes"])
    assert [str(e) for e in errors] == []
    return items


def test_every_bank_is_valid_and_loads(items):
    assert len(quizbank.bank_files()) >= 4
    for p in quizbank.bank_files():
        assert quizbank.load_bank(p)["bank"] == p.stem


def test_content_meets_the_issue_minimums(items):
    c = quizbank.counts(items)
    assert c["differential"]["sba"] >= 40
    for ch in VARIANTS:
        assert sum(c[ch].values()) >= 6, ch
    for ch in FOUNDATIONS:
        assert sum(c[ch].values()) >= 4, ch
    assert sum(x["numeric"] for x in c.values()) >= 8
    assert sum(x["matching"] + x["multiple"] for x in c.values()) >= 4


def test_every_content_chapter_has_items_and_a_test_yourself_section(items):
    from conftest import toc_entries

    have = {it["chapter"] for it in items}
    for entry in toc_entries():
        name = Path(entry).name
        # not teaching chapters: back matter, the practice pages that are themselves the test
        # (self-assessment, the case walk-throughs) and the educators' guide
        if name in (
            "intro",
            "glossary",
            "references",
            "errata",
            "self-assessment",
            "cases",
            "educators",
            "review",
            "progress",
            "patients",
        ):
            continue
        assert name in have, f"{entry} has no quiz items"
        text = next((ROOT / "chapters").glob(f"{name}.*")).read_text(encoding="utf-8")
        assert "Test yourself" in text and "quiz" in text.lower(), entry


def test_differential_covers_the_six_conditions_and_the_hard_pairs(items):
    keyed = {
        next(o.get("condition") for o in it["options"] if o.get("correct"))
        for it in items
        if it["chapter"] == "differential"
    }
    assert {"dystrophic", "metastatic", "idiopathic", "iatrogenic", "calciphylaxis", "wisn"} <= keyed
    assert {
        "pyoderma_gangrenosum",
        "peripheral_arterial_disease",
        "necrotising_fasciitis",
        "vasculitis",
        "venous_ulcer",
    } <= keyed
    ids = {it["id"] for it in items}
    # WISN vs calciphylaxis both ways, metastatic vs dystrophic both ways, calciphylaxis with normal minerals
    assert {
        "dd-longterm-warfarin",
        "dd-obese-dialysis-warfarin-short",
        "dd-periarticular-phosphate",
        "dd-ckd-ulcer-deposits",
        "dd-normal-minerals-dialysis",
    } <= ids


def test_no_item_hinges_on_a_disputed_point(items):
    # FACTS.md 2C: WISN onset "within 24 hours", intima vs media, the renal MC mechanism
    for it in items:
        text = " ".join(
            [it.get("stem", ""), it["question"]]
            + [o["text"] for o in it.get("options", [])]
            + [p["right"] for p in it.get("pairs", [])]
        ).lower()
        assert "24 hours" not in text and "intima" not in text and "media " not in text, it["id"]


def test_key_is_not_systematically_the_longest(items):
    sba = [it for it in items if it["type"] == "sba"]
    longest = [it for it in sba if quizbank._key_is_longest(it)]
    assert len(longest) <= 0.4 * len(sba)


def test_key_position_is_not_fixed(items):
    positions = {
        next(i for i, o in enumerate(it["options"]) if o.get("correct"))
        for it in items
        if it["type"] == "sba"
    }
    assert len(positions) == 5


EXPECTED = {
    "two-keys.yml": [
        "two-keys.yml:11: items[0].options: a single-best-answer item has exactly one keyed option "
        "(correct: true), not 2"
    ],
    "four-options.yml": [
        "four-options.yml:11: items[0].options: a single-best-answer item has five options, not 4"
    ],
    "not-a-question.yml": [
        "not-a-question.yml:9: items[0].question: the lead-in must be a question (end with '?')",
        "not-a-question.yml:12: items[0].options[1].text: absolute term 'always' cues the answer; "
        "reword the option",
        "not-a-question.yml:15: items[0].options[4].text: 'All of the above' is not allowed in an option",
        "not-a-question.yml:20: items[1].question: negatively worded lead-in ('NOT'); "
        "ask for the best answer instead",
    ],
    "unknown-cite.yml": [
        "unknown-cite.yml:7: items[0].chapter: no chapter 'no-such-chapter' in chapters/",
        "unknown-cite.yml:10: items[0].answer.cite[0]: cite key 'invented2099' is not in references.bib",
    ],
    "duplicate-key.yml": [
        "duplicate-key.yml:10: duplicate key 'question' in items[0] (first given on line 8)"
    ],  # noqa: E501
    "bad-yaml.yml": ["bad-yaml.yml:8: YAML syntax error"],
    "schema-errors.yml": [
        "schema-errors.yml:6: items[0].type: 'essay' is not one of sba, multiple, numeric, matching",
        "schema-errors.yml:10: items[0]: unknown key 'colour'",
        "schema-errors.yml:12: items[0].options: has 1 entries; at least 2 expected",
        "schema-errors.yml:12: items[0].options[0]: missing required key 'feedback'",
    ],
    "bad-scenario.yml": [
        "bad-scenario.yml:10: items[0].scenario: not a valid clinical-model scenario: labs.calcium.value",
        "bad-scenario.yml:13: items[0].pairs[1].right: same right text as an earlier pair",
    ],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_bank_names_file_and_line(name):
    with pytest.raises(DataFileError) as info:
        quizbank.load_bank(BROKEN / name)
    got = [str(e).replace(str(BROKEN) + "/", "") for e in info.value.errors]
    assert len(got) == len(EXPECTED[name]), got
    for want, have in zip(EXPECTED[name], got):
        assert have.startswith(want), (have, want)


def test_every_broken_bank_is_covered():
    assert sorted(p.name for p in BROKEN.glob("*.yml")) == sorted(EXPECTED)


def test_validate_command_reports_errors_and_counts():
    run = subprocess.run(
        [sys.executable, "-m", "widgets", "validate", str(BROKEN)], capture_output=True, text=True, cwd=ROOT
    )
    assert run.returncode == 2
    # the cue rules ("[rule] ...", tests/test_banks_cues.py) also fire on these fixtures; count the rest
    lines = [ln for ln in run.stderr.splitlines() if ln.startswith("error: ") and ": [" not in ln]
    assert len(lines) == sum(len(v) for v in EXPECTED.values())
    assert "Traceback" not in run.stderr
    ok = subprocess.run(
        [sys.executable, "-m", "widgets", "validate", "quizzes/"], capture_output=True, text=True, cwd=ROOT
    )
    assert ok.returncode == 0, ok.stderr
    row = next(ln for ln in ok.stdout.splitlines() if ln.startswith("differential"))
    assert row.split()[1] == str(
        sum(1 for it in quizbank.bank("differential")["items"] if it["type"] == "sba")
    )


def _plain(html_text: str) -> str:
    import html
    import re

    return html.unescape(re.sub(r"<[^>]+>", " ", html.unescape(html_text)))


@pytest.mark.parametrize("bank", ["differential", "foundations", "variants", "practice"])
def test_moodle_export_parses_back_to_the_bank(bank, tmp_path):
    out = tmp_path / f"{bank}.xml"
    run = subprocess.run(
        [sys.executable, "-m", "widgets", "export-moodle", f"quizzes/{bank}.yml", "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr
    root = ET.parse(out).getroot()
    questions = [q for q in root.findall("question") if q.get("type") != "category"]
    data = quizbank.bank(bank)
    assert len(questions) == len(data["items"])
    for q, it in zip(questions, data["items"]):
        assert q.findtext("name/text") == it["id"]
        qt = _plain(q.findtext("questiontext/text"))
        assert " ".join(it["question"].split()) in " ".join(qt.split())
        if it["type"] in ("sba", "multiple"):
            assert q.get("type") == "multichoice"
            assert q.findtext("single") == ("true" if it["type"] == "sba" else "false")
            answers = q.findall("answer")
            assert [_plain(a.findtext("text")) for a in answers] == [o["text"] for o in it["options"]]
            for a, o in zip(answers, it["options"]):
                frac = float(a.get("fraction"))
                assert (frac > 0) == bool(o.get("correct"))
                assert o["feedback"] in _plain(a.findtext("feedback/text"))
                assert ("[beyond the article]" in a.findtext("feedback/text")) == bool(o.get("beyond"))
            if it["type"] == "multiple":
                assert (
                    abs(sum(float(a.get("fraction")) for a in answers if float(a.get("fraction")) > 0) - 100)
                    < 0.01
                )
        elif it["type"] == "numeric":
            a = q.find("answer")
            assert float(a.findtext("text")) == it["answer"]["value"]
            assert float(a.findtext("tolerance")) == it["answer"]["tolerance"]
            assert it["answer"]["feedback"] in _plain(a.findtext("feedback/text"))
            assert q.findtext("units/unit/unit_name") == it["answer"]["unit"]
        else:
            subs = q.findall("subquestion")
            assert [(_plain(s.findtext("text") or ""), s.findtext("answer/text")) for s in subs] == [
                (p["left"], p["right"]) for p in it["pairs"]
            ] + [("", spare) for spare in it.get("spares", [])]
            fb = _plain(q.findtext("correctfeedback/text"))
            assert all(p["feedback"] in fb for p in it["pairs"])


def test_moodle_export_escapes_markup():
    bank = {
        "bank": "x",
        "title": "X",
        "items": [
            {
                "id": "x1",
                "type": "sba",
                "chapter": "calcium",
                "objective": "Escape markup in bank text.",
                "stem": "<script>alert(1)</script>",
                "question": "Which <img src=x onerror=alert(1)>?",
                "options": [
                    {
                        "text": f"<b>{i}</b>",
                        "correct": i == 0,
                        "feedback": "<script>x</script> feedback",
                        "cite": ["young2018"],
                    }
                    for i in range(5)
                ],
            }
        ],
    }
    xml = moodle_xml(bank)
    q = ET.fromstring(xml.split("\n", 1)[1]).find("question[@type='multichoice']")
    assert "&lt;script&gt;" in q.findtext("questiontext/text")
    assert "<script>" not in q.findtext("questiontext/text")
    assert "&lt;b&gt;0&lt;/b&gt;" == q.findtext("answer/text")
