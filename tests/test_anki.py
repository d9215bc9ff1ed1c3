"""The Anki export: the .apkg opens (a zip holding an SQLite collection) with one note per item
of the banks, each with its explanation and references, and notes keep their ids between exports."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

from widgets import quizbank

ROOT = Path(__file__).resolve().parent.parent


def _html(text: str) -> str:
    from widgets.anki import _rich

    return _rich(text)


def _notes(apkg: Path, tmp_path: Path) -> list[tuple[str, str, str]]:
    with zipfile.ZipFile(apkg) as z:
        name = next(n for n in z.namelist() if n.startswith("collection.anki2"))
        z.extract(name, tmp_path)
    con = sqlite3.connect(tmp_path / name)
    try:
        return [(guid, flds, tags) for guid, flds, tags in con.execute("select guid, flds, tags from notes")]
    finally:
        con.close()


def test_the_deck_holds_one_note_per_item_with_explanations(tmp_path):
    out = tmp_path / "course.apkg"
    run = subprocess.run(
        [sys.executable, "-m", "widgets", "export-anki", "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr
    notes = _notes(out, tmp_path)
    items = {it["id"]: it for name in quizbank.all_banks() for it in quizbank.bank(name)["items"]}
    ids = [flds.split("\x1f")[0] for _, flds, _ in notes]
    positions = []
    assert sorted(ids) == sorted(items) and len(ids) == len(set(ids))
    for _guid, flds, tags in notes:
        item_id, front, back = flds.split("\x1f")
        it = items[item_id]
        assert f"chapter::{it['chapter']}" in tags
        if it["type"] == "sba":
            key = next(o for o in it["options"] if o.get("correct"))
            positions.append(re.findall(r"<li>(.*?)</li>", front).index(_html(key["text"])))
            assert "✔" in back and key["feedback"].split(":")[0][:30].replace("&", "&amp;") in back
            assert back.count("✘") == len(it["options"]) - 1
        assert "(" in back and "Objective:" in back  # references and the objective
        assert "For education, not for clinical decisions." in back
        if any(o.get("beyond") for o in it.get("options", [])):
            assert "[beyond the article]" in back
    # the deck shows options shuffled as the page does: the key is not mostly option A
    assert max(positions.count(p) for p in range(5)) < 0.35 * len(positions)


def test_note_ids_are_stable_and_text_is_escaped(tmp_path):
    from widgets import anki

    a = [n.guid for n in anki.build_package().decks[0].notes]
    b = [n.guid for n in anki.build_package().decks[0].notes]
    assert a == b
    item = {
        "id": "x",
        "type": "numeric",
        "chapter": "calcium",
        "objective": "o <b>",
        "question": "<script>alert(1)</script>?",
        "answer": {
            "value": 1,
            "unit": "mg",
            "tolerance": 0,
            "feedback": "f",
            "wrong_feedback": "w",
            "cite": [],
        },
    }
    assert "<script>" not in anki.front(item) and "&lt;script&gt;" in anki.front(item)
    assert "Objective: o &lt;b&gt;" in anki.back(item)
