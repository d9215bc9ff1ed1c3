"""The hostile-input corpus (tests/hostile/, issue 23) over the command line: `assess`,
`assess --ranges`, `validate` and `export-moodle`. Each entry of tests/hostile/manifest.json
gives the exit status expected and the start of the one line printed on stderr, or, for input
that must be accepted as typed, the value the strict reader gives at a place in the file.

Never a traceback, never a hang: every call runs with a timeout and, in the child, a CPU-time
and memory limit (a process-level guard), so a runaway input fails the test instead of
stalling the suite. `tests/hostile/make_corpus.py` writes the corpus and says how each file
was made.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from widgets.clinical import reader  # noqa: E402

HOSTILE = ROOT / "tests" / "hostile"
REL = "tests/hostile"
ENTRIES = json.loads((HOSTILE / "manifest.json").read_text(encoding="utf-8"))
SCENARIO = "examples/scenario-v1.yaml"
TIMEOUT = 30  # seconds of wall time per call; the slowest (validate) takes a few


def _limits():
    resource.setrlimit(resource.RLIMIT_CPU, (20, 20))
    resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))


def command(entry: dict, tmp_path: Path) -> list[str]:
    if "args" in entry:
        return entry["args"]
    path = f"{REL}/{entry['name']}"
    return {
        "assess": ["assess", path],
        "ranges": ["assess", SCENARIO, "--ranges", path],
        "validate": ["validate", path],
        "export": ["export-moodle", path, "--out", str(tmp_path / "out.xml")],
    }[entry["run"]]


def run(args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "widgets", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=TIMEOUT,
        preexec_fn=_limits,
    )


def test_corpus_is_large_and_covers_every_class():
    counts = Counter(e["class"] for e in ENTRIES)
    assert len(ENTRIES) >= 60, len(ENTRIES)
    for cls in ("yaml11", "typed", "tags", "aliases", "numbers", "ranges", "messages", "validate", "export"):
        assert counts[cls] >= 3, (cls, counts)
    for e in ENTRIES:
        assert "args" in e or (HOSTILE / e["name"]).exists(), e["name"]
        assert e["exit"] == 0 or e.get("expect"), e["name"]


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["name"] for e in ENTRIES])
def test_hostile_input(entry, tmp_path):
    proc = run(command(entry, tmp_path))
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert proc.returncode == entry["exit"], (proc.returncode, proc.stderr[-1000:])
    errors = proc.stderr.strip().splitlines()
    if entry["exit"] == 0:
        assert not errors, proc.stderr
        if "stdout" in entry:
            assert entry["stdout"] in proc.stdout, proc.stdout
        if entry["run"] == "export":
            assert (tmp_path / "out.xml").read_text(encoding="utf-8").startswith("<?xml")
    else:
        assert errors and all(line.startswith("error: ") and len(line) < 400 for line in errors), errors
        want = "error: " + entry["expect"].format(path=f"{REL}/{entry['name']}")
        if entry["run"] == "validate":  # one line per problem; the expected one among them
            assert any(line.startswith(want) for line in errors), (want, errors)
        else:
            assert len(errors) == 1, errors
            assert errors[0].startswith(want), (want, errors[0])
    if "typed" in entry:
        doc = reader.load(HOSTILE / entry["name"])
        value = doc.data
        for part in entry["typed"]["at"]:
            value = value[part]
        assert value == entry["typed"]["value"] and type(value) is type(entry["typed"]["value"]), value


def table() -> str:
    """The issue's table: class, count, exit 2 with one line / accepted as typed / traceback /
    hang (`.venv/bin/python tests/test_hostile.py`; the test above holds each entry to it)."""
    import tempfile

    rows: dict[str, Counter] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for entry in ENTRIES:
            row = rows.setdefault(entry["class"], Counter())
            row["count"] += 1
            try:
                proc = run(command(entry, Path(tmp)))
            except subprocess.TimeoutExpired:
                row["hang"] += 1
                continue
            lines = proc.stderr.strip().splitlines()
            if "Traceback" in proc.stderr:
                row["traceback"] += 1
            elif proc.returncode == 2 and lines and all(line.startswith("error: ") for line in lines):
                row["refused"] += 1
            elif proc.returncode == 0 and not lines:
                row["accepted"] += 1
    out = [
        "| class | count | exit 2, one line | accepted as typed | traceback | hang |",
        "|---|---|---|---|---|---|",
    ]
    rows["all"] = sum(rows.values(), Counter())
    for cls, r in rows.items():
        out.append(
            f"| {cls} | {r['count']} | {r['refused']} | {r['accepted']} | {r['traceback']} | {r['hang']} |"
        )
    return "\n".join(out)


if __name__ == "__main__":
    print(table())
