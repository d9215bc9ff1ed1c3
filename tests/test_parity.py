"""The clinical model in both languages against the committed golden vectors
(tests/parity/vectors.json: reviewed input -> expected output, some written by hand from
FACTS.md), and the browser evaluator (widgets/static/clinical.js) against the Python model on
those inputs plus random combinations from a fixed seed: whole results, including validation
errors, must be identical. Node is required: the tests fail (they do not skip) without it."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from widgets.clinical import ValidationError, assess, convert, corrected_calcium, knowledge, rules_json  # noqa: E402

sys.path.insert(0, str(ROOT / "tests" / "parity"))
import vectorlib  # noqa: E402

RUNNER = ROOT / "tests" / "js" / "run_parity.mjs"
K = knowledge()
ANALYTES = K["units"]["analytes"]
VOCAB = K["vocabulary"]["items"]


def lab(v, u):
    return {"value": v, "unit": u}


def vectors() -> list[dict]:
    """The golden vectors' inputs, then random combinations from a fixed seed."""
    out: list[dict] = []

    def add(kind, **kw):
        out.append({"id": f"{len(out):03d}-{kind}", "kind": kind, **kw})

    for v in vectorlib.load():
        add(v["kind"], **{key: v[key] for key in ("scenario", "ranges", "args") if key in v})
    rng = random.Random(20240603)  # random combinations, fixed seed
    hist = [i for i in VOCAB if i["group"] == "history"]
    find = [i["id"] for i in VOCAB if i["group"] == "finding"]
    histo = [i["id"] for i in VOCAB if i["group"] == "histology"]
    for _ in range(120):
        labs = {}
        for a, spec in ANALYTES.items():
            if rng.random() < 0.25:
                continue
            unit = rng.choice(sorted(spec["units"]))
            lo, hi = spec["accept"]
            canonical = (
                rng.uniform(lo, hi)
                if rng.random() < 0.3
                else rng.uniform(*spec["usual"]) * rng.uniform(0.7, 1.3)
            )
            if rng.random() < 0.04:
                canonical = -canonical
            value = round(
                convert(abs(canonical), spec["canonical"], unit, a) * (1 if canonical >= 0 else -1),
                rng.choice([0, 1, 2, 3]),
            )
            labs[a] = lab(value, unit)
        history = {}
        for item in rng.sample(hist, rng.randint(0, 5)):
            if item["id"] == "warfarin" and rng.random() < 0.8:
                history["warfarin"] = {"days": rng.choice([None, 1, 3, 4, 7, 10, 15, 60, 365])}
            else:  # present, examined and absent, or not recorded
                history[item["id"]] = rng.choice([True, True, False, None])
        s = {
            "patient": {
                "age": rng.choice([None, 0.5, 17, 45, 70, 111]),
                "sex": rng.choice(["female", "male", None]),
                "bmi": rng.choice([None, 22, 30, 41.5]),
            },
            "labs": labs,
            "history": history,
            "findings": rng.sample(find, rng.randint(0, 5)),
            "histology": rng.sample(histo, rng.choice([0, 0, 1, 2])),
        }
        if rng.random() < 0.5:  # three-valued findings: some recorded as examined and absent
            s["findings"] = {f: rng.choice([True, False, None]) for f in rng.sample(find, rng.randint(0, 6))}
            s["histology"] = [
                {h: rng.choice([True, False])} for h in rng.sample(histo, rng.choice([0, 1, 2]))
            ]
        add("assess", scenario=s)
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
        assert isinstance(a, (int, float)) and isinstance(b, (int, float)) and a == b, (
            f"{path}: {a!r} != {b!r}"
        )
    elif isinstance(a, dict):
        assert isinstance(b, dict) and set(a) == set(b), (
            f"{path}: keys {sorted(a)} != {sorted(b) if isinstance(b, dict) else b!r}"
        )
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
        pytest.fail(
            "node (Node.js 20) is required for the parity test and was not found on PATH; install nodejs"
        )
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
    proc = subprocess.run(
        [node, "--no-warnings", str(RUNNER), str(rules_file), str(vectors_file)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
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


# ----------------------------------------------------------------------------- golden vectors
GOLDEN = vectorlib.load()


def test_golden_vectors_cover_hand_written_valid_and_invalid_input():
    assert len(GOLDEN) >= 200
    assert len({v["id"] for v in GOLDEN}) == len(GOLDEN)
    hand = [v for v in GOLDEN if v["source"] == "hand"]
    assert len(hand) >= 10 and all(v["note"] for v in hand)
    assert any("error" in v for v in hand) and any("expect" in v for v in hand)
    assert any("9.62" in v["note"] for v in hand)  # FACTS.md 1.4 worked check


@pytest.mark.parametrize("vector", GOLDEN, ids=lambda v: v["id"])
def test_golden_vector_python(vector):
    assert vectorlib.problems(vector, vectorlib.run(vector)) == []


def test_golden_vector_checker_can_fail():
    v = next(v for v in GOLDEN if v["id"] == "h01")
    wrong = {**v, "expect": [[["derived", "corrected_calcium", "mmol/L"], 2.41]]}
    assert vectorlib.problems(wrong, vectorlib.run(wrong))
    assert vectorlib.problems({**v, "error": []}, vectorlib.run(v))


def run_node_tests(tmp_path, vectors_file=None):
    rules_file = tmp_path / "rules.json"
    rules_file.write_text(json.dumps(rules_json()))
    env = {**os.environ, "CLINICAL_RULES_JSON": str(rules_file)}
    if vectors_file:
        env["CLINICAL_VECTORS_JSON"] = str(vectors_file)
    return subprocess.run(
        # the vectors' file alone: the components' state tests (tests/js/*-state.test.mjs) share the folder
        [node_path(), "--test", "tests/js/vectors.test.mjs"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )


def test_golden_vectors_node(tmp_path):
    """`node --test tests/js/` checks the same vectors against clinical.js alone."""
    proc = run_node_tests(tmp_path)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert f"# pass {len(GOLDEN) + 1}" in proc.stdout and "# fail 0" in proc.stdout


def test_node_golden_vector_test_can_fail(tmp_path):
    v = next(v for v in GOLDEN if v["id"] == "h01")
    wrong = {**v, "expect": [[["derived", "corrected_calcium", "mmol/L"], 2.41]]}
    path = tmp_path / "vectors.json"
    path.write_text(json.dumps({"about": "", "vectors": [wrong] + GOLDEN[1:]}))
    proc = run_node_tests(tmp_path, path)
    assert proc.returncode != 0 and "# fail 1" in proc.stdout
