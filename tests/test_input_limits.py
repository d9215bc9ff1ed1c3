"""Input hardening (issue 9 point 7): duplicate keys, nesting deeper than a scenario needs,
files over the size limit and absurdly long texts are refused in one short line with exit
status 2 and no traceback; a value that looks like the other unit system gets a hint."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from widgets.clinical import ValidationError, assess, load_scenario, parse_scenario  # noqa: E402
from widgets.clinical.files import MAX_BYTES  # noqa: E402
from widgets.clinical.scenario import MAX_DEPTH, MAX_TEXT  # noqa: E402


def cli(*args):
    return subprocess.run([sys.executable, "-m", "widgets", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)  # fmt: skip


def refused(proc, *words):
    assert proc.returncode == 2, proc.stdout + proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    assert "Traceback" not in proc.stderr and len(lines[0]) < 300
    for w in words:
        assert w in lines[0], lines[0]


def deep(n):
    value = 1
    for _ in range(n):
        value = {"x": value}
    return value


CASES = {
    "duplicate_yaml": (
        "s.yaml",
        "labs:\n  calcium: {value: 2.3, unit: mmol/L}\n  calcium: {value: 9, unit: mg/dL}\n",
        ["duplicate key 'calcium'", "s.yaml:3:"],
    ),
    "duplicate_json": ("s.json", '{"findings": [], "findings": ["livedo"]}', ["duplicate key 'findings'"]),
    "duplicate_nested_yaml": (
        "s.yaml",
        "history:\n  warfarin: {days: 4, days: 40}\n",
        ["duplicate key 'days'"],
    ),
    "too_deep_yaml": ("s.yaml", json.dumps({"meta": deep(MAX_DEPTH + 2)}), [f"deeper than {MAX_DEPTH}"]),
    "too_deep_json": ("s.json", json.dumps({"meta": deep(MAX_DEPTH + 2)}), [f"deeper than {MAX_DEPTH}"]),
    "long_text": (
        "s.yaml",
        json.dumps({"labs": {"calcium": {"value": 2.3, "unit": "m" * (MAX_TEXT + 1)}}}),
        [f"{MAX_TEXT + 1} characters", str(MAX_TEXT)],
    ),
    "long_key": ("s.json", json.dumps({"k" * 5000: 1}), ["5000 characters"]),
    "too_big": (
        "s.yaml",
        "meta: |\n" + ("  " + "x" * 70 + "\n") * (MAX_BYTES // 70 + 10),
        ["bytes", str(MAX_BYTES)],
    ),
    "yaml_syntax": ("s.yaml", "labs: [\n", ["YAML syntax error", "s.yaml:2:"]),
    "json_syntax": ("s.json", "{", ["invalid JSON", "s.json:1:"]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_cli_refuses_in_one_line(tmp_path, name):
    filename, text, words = CASES[name]
    path = tmp_path / filename
    path.write_text(text, encoding="utf-8")
    refused(cli("assess", path), *words)


@pytest.mark.parametrize("name", ["duplicate_yaml", "too_deep_json", "too_big"])
def test_ranges_file_gets_the_same_limits(tmp_path, name):
    filename, text, words = CASES[name]
    scenario = tmp_path / "ok.yaml"
    scenario.write_text("findings: [livedo]\n")
    ranges = tmp_path / ("ranges" + Path(filename).suffix)
    ranges.write_text(text)
    refused(cli("assess", scenario, "--ranges", ranges), *words)


def test_missing_file_is_refused(tmp_path):
    refused(cli("assess", tmp_path / "nope.yaml"), "no such file")


def test_limits_apply_to_data_given_directly_too():
    with pytest.raises(ValidationError) as e:
        parse_scenario({"meta": deep(MAX_DEPTH + 1)})
    assert e.value.field == "scenario" and "deeper than" in e.value.message
    with pytest.raises(ValidationError) as e:
        parse_scenario({"findings": ["x" * (MAX_TEXT + 5)]})
    assert f"{MAX_TEXT + 5} characters" in e.value.message
    with pytest.raises(ValidationError) as e:
        assess({}, ranges={"calcium": {"unit": "u" * (MAX_TEXT + 1), "low": 1, "high": 2}})
    assert e.value.field == "ranges"
    # what a scenario needs still fits: history -> warfarin -> days, and a story in meta
    parse_scenario({"history": {"warfarin": {"days": 4}}, "meta": {"story": "s" * 1500, "tags": [["a"]]}})


def test_duplicate_keys_fail_in_the_loader_not_last_one_wins(tmp_path):
    path = tmp_path / "d.yaml"
    path.write_text("patient: {age: 40}\npatient: {age: 90}\n")
    with pytest.raises(ValidationError, match="duplicate key 'patient'"):
        load_scenario(path)


@pytest.mark.parametrize(
    "lab,other",
    [
        ({"phosphate": {"value": 5.2, "unit": "mmol/L"}}, "mg/dL"),  # 5.2 mg/dL = 1.68 mmol/L
        ({"calcium": {"value": 2.3, "unit": "mg/dL"}}, "mmol/L"),  # 2.3 mmol/L is normal
    ],
)
def test_value_in_the_other_unit_system_gets_a_hint(tmp_path, lab, other):
    a = assess({"labs": lab}).to_dict()
    (analyte,) = lab
    hints = [w for w in a["warnings"] if w["field"] == f"labs.{analyte}.unit"]
    assert len(hints) == 1 and f"did you mean {other}?" in hints[0]["message"]
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"labs": lab}))
    proc = cli("assess", path)
    assert proc.returncode == 0 and f"did you mean {other}?" in proc.stdout


@pytest.mark.parametrize(
    "lab",
    [
        {"phosphate": {"value": 2.45, "unit": "mmol/L"}},  # V3: truly high, 2.45 mg/dL would be low
        {"phosphate": {"value": 1.1, "unit": "mmol/L"}},  # within range
        {"pth": {"value": 95, "unit": "pmol/L"}},  # V3: 95 pg/mL would still be high
        {"phosphate": {"value": 3.3, "unit": "mmol/L"}},  # tumour lysis / dialysis: real (issue 18)
        {"pth": {"value": 40, "unit": "pmol/L"}},  # dialysis PTH, 2-9 x the upper limit: real
        {"vitamin_d": {"value": 20, "unit": "nmol/L"}},  # vitamin D deficiency: real
    ],
)
def test_no_hint_for_plausible_values(lab):
    a = assess({"labs": lab}).to_dict()
    assert not [w for w in a["warnings"] if "did you mean" in w["message"]]


@pytest.mark.parametrize(
    "lab,other",
    [
        ({"albumin": {"value": 4.1, "unit": "g/L"}}, "g/dL"),  # 4.1 g/dL = 41 g/L
        ({"calcium": {"value": 9.5, "unit": "mmol/L"}}, "mg/dL"),  # 9.5 mg/dL = 2.37 mmol/L
    ],
)
def test_refused_value_in_the_other_unit_system_gets_a_hint(tmp_path, lab, other):
    with pytest.raises(ValidationError) as e:
        assess({"labs": lab})
    assert "outside the accepted range" in e.value.message and f"did you mean {other}?" in e.value.message
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"labs": lab}))
    refused(cli("assess", path), f"did you mean {other}?")
