"""widgets.datafile: the YAML loader shared by question banks and case walk-throughs.
Each failure must name the file and the line where the problem is."""

from __future__ import annotations

import pytest

from widgets import datafile
from widgets.datafile import DataFileError

SCHEMA = {
    "type": "object",
    "required": ["id", "items"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string"},
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["stem"],
                "additionalProperties": False,
                "properties": {
                    "stem": {"type": "string"},
                    "n": {"type": "number", "minimum": 0},
                    "kind": {"enum": ["a", "b"]},
                },
            },
        },
    },
}


def test_load_keeps_lines_and_plain_data(tmp_path):
    f = tmp_path / "bank.yml"
    f.write_text("id: x\nitems:\n  - stem: one\n  - stem: two\n    n: 3\n", encoding="utf-8")
    doc = datafile.load(f)
    assert doc.data == {"id": "x", "items": [{"stem": "one"}, {"stem": "two", "n": 3}]}
    assert doc.line(["items", 1, "n"]) == 5
    assert doc.line(["items", 1]) == 4
    assert doc.line([]) == 1
    assert datafile.validate(doc, SCHEMA) is doc.data


def test_duplicate_key_named_with_its_line(tmp_path):
    f = tmp_path / "dup.yml"
    f.write_text("id: x\nitems:\n  - stem: one\n    n: 1\n    stem: again\n", encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        datafile.load(f)
    assert str(info.value) == f"{f}:5: duplicate key 'stem' in items[0] (first given on line 3)"
    assert info.value.line == 5


def test_duplicate_key_in_top_level_mapping():
    with pytest.raises(DataFileError, match=r"^b\.yml:3: duplicate key 'id'"):
        datafile.loads("id: a\nitems: []\nid: b\n", "b.yml")


def test_syntax_error_has_line():
    with pytest.raises(DataFileError) as info:
        datafile.loads("id: x\nitems:\n  - stem: [unclosed\n  - stem: y\n", "s.yml")
    assert info.value.path == "s.yml" and info.value.line is not None and info.value.line >= 3
    assert "YAML syntax error" in info.value.message


def test_size_limit(tmp_path):
    f = tmp_path / "big.yml"
    f.write_text("id: " + "x" * 2000 + "\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"big\.yml: file is 2005 bytes; the limit is 1000"):
        datafile.load(f, max_bytes=1000)


def test_missing_file_and_empty_and_not_utf8(tmp_path):
    with pytest.raises(DataFileError, match="cannot be read"):
        datafile.load(tmp_path / "nope.yml")
    (tmp_path / "e.yml").write_text("# only a comment\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="e.yml: the file is empty"):
        datafile.load(tmp_path / "e.yml")
    (tmp_path / "l.yml").write_bytes(b"id: x\nitems: \xff\n")
    with pytest.raises(DataFileError, match=r"l\.yml:2: not UTF-8 text"):
        datafile.load(tmp_path / "l.yml")


def test_aliases_refused_by_default():
    text = "id: &a x\nitems:\n  - stem: *a\n"
    with pytest.raises(DataFileError, match=r"^a\.yml:3: anchors and aliases"):
        datafile.loads(text, "a.yml")
    assert datafile.loads(text, "a.yml", allow_aliases=True).data["items"][0]["stem"] == "x"


def test_schema_errors_point_at_the_line():
    text = (
        "id: x\nitems:\n  - stem: one\n  - stem: two\n    n: -1\n"
        "  - n: 2\n    colour: red\n  - stem: 4\n    kind: c\n"
    )
    doc = datafile.loads(text, "q.yml")
    msgs = [str(e) for e in datafile.schema_errors(doc, SCHEMA)]
    assert "q.yml:5: items[1].n: -1 is less than the minimum of 0" in msgs
    assert "q.yml:6: items[2]: missing required key 'stem'" in msgs
    assert "q.yml:7: items[2]: unknown key 'colour'" in msgs
    assert "q.yml:8: items[3].stem: should be string, not 4" in msgs
    assert any(m.startswith("q.yml:9: items[3].kind: 'c' is not one of a, b") for m in msgs)
    assert [int(m.split(":")[1]) for m in msgs] == sorted(int(m.split(":")[1]) for m in msgs)
    with pytest.raises(DataFileError) as info:
        datafile.validate(doc, SCHEMA)
    assert len(info.value.errors) == len(msgs) and str(info.value) == msgs[0]


def test_own_rule_errors_use_the_same_format():
    doc = datafile.loads("id: x\nitems:\n  - stem: a\n", "r.yml")
    assert (
        str(doc.error(["items", 0, "stem"], "is not a question"))
        == "r.yml:3: items[0].stem: is not a question"
    )
    # a path past the end of the file falls back to the deepest node that exists
    assert doc.line(["items", 7, "stem"]) == 3
