"""Moodle XML export round trip (issue 23 point 4): the XML an XML parser reads back gives
every numeric answer and tolerance with exactly the decimal digits the bank wrote (Decimal
equality with the scalar as written, taken from PyYAML's node tree, independent of the
exporter), never a `:g` rounding (123.4567 ± 0.0001 stayed 123.457; 1234567 became
1.23457e+06). Text XML cannot hold is refused in one line; --out is checked."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from xml.dom import minidom

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from widgets.moodle import ExportError, moodle_xml  # noqa: E402

TRICKY = [  # (value, tolerance) as a bank may write them
    ("123.4567", "0.0001"),
    ("1234567", "1"),
    ("1.5e3", "2.5e-1"),
    ("0.000012", "0.000001"),
    ("2.40", "0.01"),
    ("-7.125", "0"),
    ("98765.4321", "0.00005"),
]


def tricky_bank(path: Path) -> Path:
    items = "".join(
        f"  - id: tricky-{i}\n    type: numeric\n    chapter: calcium\n"
        f'    objective: "Keep the digits."\n    teach: "calcium#correcting-calcium-for-albumin"\n'
        f'    question: "What is number {i}?"\n'
        f"    answer: {{value: {v}, unit: mmol/L, tolerance: {t}, "
        f'feedback: "As written.", wrong_feedback: "Read it again.", cite: [payne1973]}}\n'
        for i, (v, t) in enumerate(TRICKY)
    )
    path.write_text(f'bank: tricky\ntitle: "Tricky numbers"\nversion: 1\nitems:\n{items}', encoding="utf-8")
    return path


def written_numbers(bank_path: Path) -> dict[str, tuple[str, str]]:
    """{item id: (value, tolerance)} as the file writes them, from PyYAML's composed nodes."""
    root = yaml.compose(bank_path.read_text(encoding="utf-8"))
    out = {}
    for item in dict((k.value, v) for k, v in root.value)["items"].value:
        fields = {k.value: v for k, v in item.value}
        if fields["type"].value == "numeric":
            answer = {k.value: v.value for k, v in fields["answer"].value}
            out[fields["id"].value] = (answer["value"], answer["tolerance"])
    return out


def export(bank_path: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "widgets", "export-moodle", str(bank_path), "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


def read_back(xml_path: Path) -> dict[str, tuple[str, str]]:
    """{question name: (answer text, tolerance text)} of the numerical questions, via expat."""
    dom = minidom.parse(str(xml_path))
    out = {}
    for q in dom.getElementsByTagName("question"):
        if q.getAttribute("type") != "numerical":
            continue
        name = q.getElementsByTagName("name")[0].getElementsByTagName("text")[0].firstChild.data
        answer = next(a for a in q.getElementsByTagName("answer") if a.getAttribute("fraction") == "100")
        text = answer.getElementsByTagName("text")[0].firstChild.data
        tol = answer.getElementsByTagName("tolerance")[0].firstChild.data
        out[name] = (text, tol)
    return out


BANKS = sorted(p for p in (ROOT / "quizzes").glob("*.yml") if p.name != "schema.yml")


@pytest.mark.parametrize("bank", [*BANKS, "tricky"], ids=[*(p.stem for p in BANKS), "tricky"])
def test_numbers_round_trip_exactly(bank, tmp_path):
    path = tricky_bank(tmp_path / "tricky.yml") if bank == "tricky" else bank
    proc = export(path, tmp_path / "out.xml")
    assert proc.returncode == 0, proc.stderr
    back = read_back(tmp_path / "out.xml")
    written = written_numbers(path)
    assert set(back) == set(written)
    for item_id, (value, tol) in written.items():
        got_value, got_tol = back[item_id]
        assert Decimal(got_value) == Decimal(value), (item_id, got_value, value)
        assert Decimal(got_tol) == Decimal(tol), (item_id, got_tol, tol)
        assert "e" not in got_value.lower() and "e" not in got_tol.lower()  # plain decimals for Moodle
    if bank == "tricky":
        assert len(back) == len(TRICKY)
        assert back["tricky-0"] == ("123.4567", "0.0001") and back["tricky-1"][0] == "1234567"


@pytest.mark.parametrize("bad", ["\x07", "\x00", "\ufffe", "\ud800"])
def test_text_xml_cannot_hold_is_refused(bad):
    bank = {
        "bank": "x",
        "title": "X",
        "items": [
            {
                "id": "x1",
                "type": "numeric",
                "chapter": "calcium",
                "objective": "o",
                "question": f"What{bad}?",
                "answer": {
                    "value": 1,
                    "unit": "u",
                    "tolerance": 0,
                    "feedback": "f",
                    "wrong_feedback": "w",
                    "cite": [],
                },
            }
        ],
    }
    with pytest.raises(ExportError, match=r"items\[0\]\.question: contains U\+"):
        moodle_xml(bank)


def test_out_is_checked_in_one_line(tmp_path):
    bank = tricky_bank(tmp_path / "tricky.yml")
    for out, words in ((tmp_path, "is a folder"), (tmp_path / "no" / "x.xml", "does not exist")):
        proc = export(bank, out)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: --out") and words in lines[0], lines
