"""The browser evaluator (widgets/static/clinical.js) agrees exactly with the Python model.

Shared test vectors (every preset, both unit systems, the edges of every band, missing
values, invalid input and local ranges, and random combinations from a fixed seed) are run
through both; results, including validation errors, must be identical. Node is required: the
test fails (it does not skip) when node is missing."""

from __future__ import annotations

import copy
import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from widgets.clinical import ValidationError, assess, convert, corrected_calcium, knowledge, presets, rules_json  # noqa: E402

RUNNER = ROOT / "tests" / "js" / "run_parity.mjs"
K = knowledge()
ANALYTES = K["units"]["analytes"]
VOCAB = K["vocabulary"]["items"]


def lab(v, u):
    return {"value": v, "unit": u}


def with_albumin(ca, unit="mmol/L", alb=40):
    return {"labs": {"calcium": lab(ca, unit), "albumin": lab(alb if unit == "mmol/L" else alb / 10, "g/L" if unit == "mmol/L" else "g/dL")}}


def to_conventional(scenario):
    """The same scenario with labs in conventional units (values converted, not rounded)."""
    s = copy.deepcopy(scenario)
    target = {"calcium": "mg/dL", "albumin": "g/dL", "phosphate": "mg/dL", "pth": "pg/mL", "vitamin_d": "ng/mL"}
    for a, entry in s.get("labs", {}).items():
        if a in target:
            entry["value"] = convert(entry["value"], entry["unit"], target[a], a)
            entry["unit"] = target[a]
    return s


def vectors() -> list[dict]:
    out: list[dict] = []

    def add(kind, **kw):
        out.append({"id": f"{len(out):03d}-{kind}", "kind": kind, **kw})

    ps = presets()
    for p in ps:                                           # every preset, both unit systems
        add("assess", scenario=p["scenario"])
        add("assess", scenario=to_conventional(p["scenario"]))
    for p in ps[:8]:                                       # missing values: drop each lab in turn
        for a in list(p["scenario"].get("labs", {})):
            s = copy.deepcopy(p["scenario"])
            del s["labs"][a]
            add("assess", scenario=s)
    for ca in (2.11, 2.12, 2.62, 2.625, 2.63, 2.99, 2.995, 3.0, 3.005, 3.5, 3.51):      # calcium band edges
        add("assess", scenario=with_albumin(ca))
        add("assess", scenario=with_albumin(round(ca * 4.008, 2), "mg/dL"))
    for ca, alb in ((2.5, 30), (2.6, 55), (2.8, 50.1), (2.62, 39.5), (2.1, 25)):
        add("assess", scenario={"labs": {"calcium": lab(ca, "mmol/L"), "albumin": lab(alb, "g/L")}})
    for p in (0.8, 0.81, 1.45, 1.455, 1.46):                                            # phosphate edges
        add("assess", scenario={"labs": {"phosphate": lab(p, "mmol/L")}})
        add("assess", scenario={"labs": {"phosphate": lab(round(p * 3.097, 2), "mg/dL")}})
    for pmg in (5.49, 5.5, 7.0, 7.01):                                                   # Ca x P edges
        add("assess", scenario={"labs": {"calcium": lab(10, "mg/dL"), "albumin": lab(4, "g/dL"), "phosphate": lab(pmg, "mg/dL")}})
    for ca, p in ((2.215, 2.0), (2.5, 1.772), (2.82, 2.0), (2.82, 2.01), (2.0, 2.215)):
        add("assess", scenario={"labs": {"calcium": lab(ca, "mmol/L"), "albumin": lab(40, "g/L"), "phosphate": lab(p, "mmol/L")}})
    for e in (0, 14, 14.49, 14.5, 15, 29, 30, 44, 45, 59, 59.5, 60, 89, 90, 200):         # GFR edges
        add("assess", scenario={"labs": {"egfr": lab(e, "mL/min/1.73m2")}})
    add("assess", scenario={"labs": {"egfr": lab(40, "mL/min/1.73m2")}, "history": ["dialysis"]})
    for v, u in ((1.0, "pmol/L"), (1.1, "pmol/L"), (6.9, "pmol/L"), (7.0, "pmol/L"), (13.8, "pmol/L"), (13.9, "pmol/L"),
                 (14.2, "pmol/L"), (62.1, "pmol/L"), (62.8, "pmol/L"), (10, "pg/mL"), (65, "pg/mL"), (66, "pg/mL"),
                 (130, "pg/mL"), (586, "ng/L"), (593, "pg/mL")):                            # PTH edges
        add("assess", scenario={"labs": {"pth": lab(v, u)}})
    for v, u in ((29, "nmol/L"), (30, "nmol/L"), (49, "nmol/L"), (50, "nmol/L"), (125, "nmol/L"), (126, "nmol/L"),
                 (12, "ng/mL"), (20, "ng/mL"), (50, "ng/mL"), (51, "ng/mL")):               # vitamin D edges
        add("assess", scenario={"labs": {"vitamin_d": lab(v, u)}})
    for v, u in ((34.9, "g/L"), (35, "g/L"), (50, "g/L"), (50.1, "g/L"), (3.49, "g/dL"), (5.01, "g/dL")):
        add("assess", scenario={"labs": {"albumin": lab(v, u), "calcium": lab(2.4, "mmol/L")}})
    for days in (None, 0, 2, 3, 10, 11, 90, 91, 1000):                                     # warfarin windows
        h = {"warfarin": {"days": days}} if days is not None else ["warfarin"]
        add("assess", scenario={"history": h, "findings": ["skin_necrosis", "fat_rich_site", "livedo"]})
    invalid = [
        None, [], "text", 3, {"labs": []}, {"zzz": 1, "": 2}, {"patient": {"age": -1, "sex": 3, "bmi": 1000, "x": 1}},
        {"patient": {"age": "old", "sex": "F"}}, {"labs": {"calcium": lab(40, "mmol/L")}},
        {"labs": {"calcium": lab(40, "mg/dL"), "phosphate": lab(2, "mEq/L")}}, {"labs": {"calcium": lab(2.3, "mg/L")}},
        {"labs": {"calcium": lab("2.3", "mmol/L")}}, {"labs": {"calcium": {"value": 2.3}}}, {"labs": {"calcium": 2.3}},
        {"labs": {"calcium": {"value": 2.3, "unit": 5, "x": 1}}}, {"labs": {"sodium": lab(140, "mmol/L"), "Zinc": 1}},
        {"labs": {"pth": lab(-0.1, "pmol/L")}}, {"labs": {"egfr": lab(250, "mL/min/1.73m2")}},
        {"history": ["nope", 3, {"a": 1, "b": 2}], "findings": "livedo", "histology": {"vasculitis": "yes"}},
        {"history": {"warfarin": {"days": 2.5, "dose": 5}}}, {"history": {"warfarin": {"days": -1}}},
        {"history": {"diabetes": {"x": 1}}, "findings": ["dialysis"]}, {"history": {"warfarin": {"days": True}}},
        {"labs": {"vitamin_d": lab(1e20, "nmol/L")}, "patient": {"age": 1e300}},
        {"patient": {"age": 0.5}, "labs": {"calcium": lab(0.5, "mmol/L")}},
    ]
    for s in invalid:
        add("assess", scenario=s)
    base = ps[1]["scenario"]
    for r in ({"calcium": {"low": 2.2, "high": 2.55, "unit": "mmol/L"}}, {"calcium": {"low": 8.6, "high": 10.2, "unit": "mg/dL"}},
              {"pth": {"low": 15, "high": 65, "unit": "pg/mL"}, "phosphate": {"low": 0.8, "high": 1.5}},
              {"vitamin_d": {"low": 75, "high": 150, "unit": "nmol/L"}, "albumin": {"low": 3.4, "high": 4.8, "unit": "g/dL"}},
              {"calcium": {"low": 2.6, "high": 2.1}}, {"sodium": {}}, {"calcium": {"low": "a", "high": -1, "unit": "mg/L"}},
              {"calcium": {"low": 1, "high": 2, "colour": 1}}, "2.1-2.6", {"pth": {"low": -1, "high": 7}}):
        add("assess", scenario=base, ranges=r)
    rng = random.Random(20240603)                          # random combinations, fixed seed
    hist = [i for i in VOCAB if i["group"] == "history"]
    find = [i["id"] for i in VOCAB if i["group"] == "finding"]
    histo = [i["id"] for i in VOCAB if i["group"] == "histology"]
    for _ in range(90):
        labs = {}
        for a, spec in ANALYTES.items():
            if rng.random() < 0.25:
                continue
            unit = rng.choice(sorted(spec["units"]))
            lo, hi = spec["accept"]
            canonical = rng.uniform(lo, hi) if rng.random() < 0.3 else rng.uniform(*spec["usual"]) * rng.uniform(0.7, 1.3)
            if rng.random() < 0.04:
                canonical = -canonical
            value = round(convert(abs(canonical), spec["canonical"], unit, a) * (1 if canonical >= 0 else -1), rng.choice([0, 1, 2, 3]))
            labs[a] = lab(value, unit)
        history = {}
        for item in rng.sample(hist, rng.randint(0, 4)):
            history[item["id"]] = {"days": rng.choice([None, 1, 3, 4, 7, 10, 15, 60, 365])} if item["id"] == "warfarin" else True
        s = {"patient": {"age": rng.choice([None, 0.5, 17, 45, 70, 111]), "sex": rng.choice(["female", "male", None]),
                         "bmi": rng.choice([None, 22, 30, 41.5])},
             "labs": labs, "history": history,
             "findings": rng.sample(find, rng.randint(0, 5)), "histology": rng.sample(histo, rng.choice([0, 0, 1, 2]))}
        add("assess", scenario=s)
    for args in ((2.10, "mmol/L", "mg/dL", "calcium"), (9.62, "mg/dL", "mmol/L", "calcium"), (4.5, "mg/dL", "mmol/L", "phosphate"),
                 (3.8, "g/dL", "g/L", "albumin"), (65, "pg/mL", "pmol/L", "pth"), (30, "ng/mL", "nmol/L", "vitamin_d"),
                 (2.5, "mmol/L", "mEq/L", "calcium"), (1, "mmol/L", "mEq/L", "phosphate"), (1, "mg/L", "mg/dL", "calcium"),
                 ("x", "mmol/L", "mg/dL", "calcium"), (1, "mmol/L", "mg/dL", "sodium")):
        add("convert", args=list(args))
    for args in ((2.10, 25), (8.42, 2.5, "mg/dL", "g/dL"), (2.5, 45, "mmol/L", "g/L"), (10, 4, "mg/dL", "g/dL")):
        add("corrected", args=list(args))
    return out


def python_result(v):
    try:
        if v["kind"] == "assess":
            result = assess(v["scenario"], ranges=v.get("ranges")).to_dict()
        elif v["kind"] == "convert":
            result = convert(*v["args"])
        else:
            result = corrected_calcium(*v["args"])
        return json.loads(json.dumps({"id": v["id"], "result": result}))
    except ValidationError as e:
        return {"id": v["id"], "error": e.to_dict()}


def strict_equal(a, b, path="$"):
    """Exact comparison that keeps booleans, numbers, strings and null apart."""
    if isinstance(a, bool) or isinstance(b, bool):
        assert type(a) is type(b) and a == b, f"{path}: {a!r} != {b!r}"
    elif isinstance(a, (int, float)) or isinstance(b, (int, float)):
        assert isinstance(a, (int, float)) and isinstance(b, (int, float)) and a == b, f"{path}: {a!r} != {b!r}"
    elif isinstance(a, dict):
        assert isinstance(b, dict) and set(a) == set(b), f"{path}: keys {sorted(a)} != {sorted(b) if isinstance(b, dict) else b!r}"
        for key in a:
            strict_equal(a[key], b[key], f"{path}.{key}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), f"{path}: {a!r} != {b!r}"
        for i, (x, y) in enumerate(zip(a, b)):
            strict_equal(x, y, f"{path}[{i}]")
    else:
        assert a == b, f"{path}: {a!r} != {b!r}"


def node_path():
    found = shutil.which("node") or ("/usr/bin/node" if Path("/usr/bin/node").is_file() else None)
    if not found:
        pytest.fail("node (Node.js 20) is required for the parity test and was not found on PATH; install nodejs")
    return found


def test_browser_evaluator_agrees_with_python(tmp_path):
    node = node_path()
    vs = vectors()
    assert len(vs) >= 200
    kinds = {("error" if "error" in python_result(v) else "ok") for v in vs}
    assert kinds == {"ok", "error"}
    rules_file = tmp_path / "rules.json"
    vectors_file = tmp_path / "scenarios.json"
    rules_file.write_text(json.dumps(rules_json()))
    vectors_file.write_text(json.dumps(vs))
    proc = subprocess.run([node, "--no-warnings", str(RUNNER), str(rules_file), str(vectors_file)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, f"node failed:\n{proc.stderr[-3000:]}"
    js = json.loads(proc.stdout)
    assert [r["id"] for r in js] == [v["id"] for v in vs]
    crashes = [r for r in js if "crash" in r]
    assert not crashes, f"clinical.js threw a non-validation error: {crashes[0]['crash']}"
    for v, j in zip(vs, js):
        py = python_result(v)
        try:
            strict_equal(py, j)
        except AssertionError as exc:
            raise AssertionError(f"vector {v['id']} differs: {exc}\ninput: {json.dumps(v)[:600]}") from None


def test_vectors_are_deterministic():
    assert json.dumps(vectors()) == json.dumps(vectors())
