"""Regenerate the "generated" vectors of tests/parity/vectors.json from the Python model.

    .venv/bin/python tests/parity/make_vectors.py

Hand-written vectors (source "hand") are kept as they are and checked: if the model disagrees
with one, nothing is written and the disagreement is printed (fix the model, or the vector
after checking FACTS.md). Review the diff of vectors.json before committing it."""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

import yaml  # noqa: E402

from widgets.clinical import convert, knowledge, presets  # noqa: E402

import vectorlib  # noqa: E402

ABOUT = (
    "Golden vectors of the clinical model: input -> expected output, checked against Python "
    "(tests/test_parity.py) and JavaScript (node --test tests/js/). "
    "See tests/parity/vectorlib.py for the format."
)


def lab(v, u):
    return {"value": v, "unit": u}


def with_albumin(ca, unit="mmol/L", alb=40):
    if unit == "mmol/L":
        return {"labs": {"calcium": lab(ca, unit), "albumin": lab(alb, "g/L")}}
    return {"labs": {"calcium": lab(ca, unit), "albumin": lab(alb / 10, "g/dL")}}


def to_conventional(scenario):
    """The same scenario with labs in conventional units (values converted, not rounded)."""
    s = copy.deepcopy(scenario)
    target = {
        "calcium": "mg/dL",
        "albumin": "g/dL",
        "phosphate": "mg/dL",
        "pth": "pg/mL",
        "vitamin_d": "ng/mL",
    }
    for a, entry in s.get("labs", {}).items():
        if a in target:
            entry["value"] = convert(entry["value"], entry["unit"], target[a], a)
            entry["unit"] = target[a]
    return s


def inputs() -> list[dict]:
    """Every preset in both unit systems, each lab dropped in turn, the edges of every band,
    warfarin windows, invalid input and local ranges (deterministic)."""
    out: list[dict] = []

    def add(note, **kw):
        out.append({"id": f"g{len(out):03d}", "source": "generated", "note": note, **kw})

    ps = presets()
    for p in ps:
        add(f"preset {p['id']}", kind="assess", scenario=p["scenario"])
        add(f"preset {p['id']}, conventional units", kind="assess", scenario=to_conventional(p["scenario"]))
    for p in ps[:8]:
        for a in list(p["scenario"].get("labs", {})):
            s = copy.deepcopy(p["scenario"])
            del s["labs"][a]
            add(f"preset {p['id']} without {a}", kind="assess", scenario=s)
    for ca in (2.11, 2.12, 2.62, 2.625, 2.63, 2.99, 2.995, 3.0, 3.005, 3.5, 3.51):
        add(f"calcium band edge {ca} mmol/L", kind="assess", scenario=with_albumin(ca))
        add(
            f"calcium band edge {ca} mmol/L in mg/dL",
            kind="assess",
            scenario=with_albumin(round(ca * 4.008, 2), "mg/dL"),
        )
    for ca, alb in ((2.5, 30), (2.6, 55), (2.8, 50.1), (2.62, 39.5), (2.1, 25)):
        add(
            f"calcium {ca} with albumin {alb}",
            kind="assess",
            scenario={"labs": {"calcium": lab(ca, "mmol/L"), "albumin": lab(alb, "g/L")}},
        )
    for p in (0.8, 0.81, 1.45, 1.455, 1.46):
        add(f"phosphate edge {p}", kind="assess", scenario={"labs": {"phosphate": lab(p, "mmol/L")}})
        add(
            f"phosphate edge {p} in mg/dL",
            kind="assess",
            scenario={"labs": {"phosphate": lab(round(p * 3.097, 2), "mg/dL")}},
        )
    for pmg in (5.49, 5.5, 7.0, 7.01):
        add(
            f"Ca x P edge, Ca 10 mg/dL x P {pmg} mg/dL",
            kind="assess",
            scenario={
                "labs": {
                    "calcium": lab(10, "mg/dL"),
                    "albumin": lab(4, "g/dL"),
                    "phosphate": lab(pmg, "mg/dL"),
                }
            },
        )
    for ca, p in ((2.215, 2.0), (2.5, 1.772), (2.82, 2.0), (2.82, 2.01), (2.0, 2.215)):
        add(
            f"Ca x P edge, Ca {ca} x P {p} mmol/L",
            kind="assess",
            scenario={
                "labs": {
                    "calcium": lab(ca, "mmol/L"),
                    "albumin": lab(40, "g/L"),
                    "phosphate": lab(p, "mmol/L"),
                }
            },
        )
    for e in (0, 14, 14.49, 14.5, 15, 29, 30, 44, 45, 59, 59.5, 60, 89, 90, 200):
        add(f"GFR edge {e}", kind="assess", scenario={"labs": {"egfr": lab(e, "mL/min/1.73m2")}})
    add(
        "dialysis overrides eGFR",
        kind="assess",
        scenario={"labs": {"egfr": lab(40, "mL/min/1.73m2")}, "history": ["dialysis"]},
    )
    for v, u in (
        (1.0, "pmol/L"),
        (1.1, "pmol/L"),
        (6.9, "pmol/L"),
        (7.0, "pmol/L"),
        (13.8, "pmol/L"),
        (13.9, "pmol/L"),
        (14.2, "pmol/L"),
        (62.1, "pmol/L"),
        (62.8, "pmol/L"),
        (10, "pg/mL"),
        (65, "pg/mL"),
        (66, "pg/mL"),
        (130, "pg/mL"),
        (586, "ng/L"),
        (593, "pg/mL"),
    ):
        add(f"PTH edge {v} {u}", kind="assess", scenario={"labs": {"pth": lab(v, u)}})
    for v, u in (
        (29, "nmol/L"),
        (30, "nmol/L"),
        (49, "nmol/L"),
        (50, "nmol/L"),
        (125, "nmol/L"),
        (126, "nmol/L"),
        (12, "ng/mL"),
        (20, "ng/mL"),
        (50, "ng/mL"),
        (51, "ng/mL"),
    ):
        add(f"vitamin D edge {v} {u}", kind="assess", scenario={"labs": {"vitamin_d": lab(v, u)}})
    for v, u in ((34.9, "g/L"), (35, "g/L"), (50, "g/L"), (50.1, "g/L"), (3.49, "g/dL"), (5.01, "g/dL")):
        add(
            f"albumin edge {v} {u}",
            kind="assess",
            scenario={"labs": {"albumin": lab(v, u), "calcium": lab(2.4, "mmol/L")}},
        )
    for days in (None, 0, 2, 3, 10, 11, 90, 91, 1000):
        h = {"warfarin": {"days": days}} if days is not None else ["warfarin"]
        add(
            f"warfarin, days {days}",
            kind="assess",
            scenario={"history": h, "findings": ["skin_necrosis", "fat_rich_site", "livedo"]},
        )
    invalid = [
        None,
        [],
        "text",
        3,
        {"labs": []},
        {"zzz": 1, "": 2},
        {"patient": {"age": -1, "sex": 3, "bmi": 1000, "x": 1}},
        {"patient": {"age": "old", "sex": "F"}},
        {"labs": {"calcium": lab(40, "mmol/L")}},
        {"labs": {"calcium": lab(40, "mg/dL"), "phosphate": lab(2, "mEq/L")}},
        {"labs": {"calcium": lab(2.3, "mg/L")}},
        {"labs": {"calcium": lab("2.3", "mmol/L")}},
        {"labs": {"calcium": {"value": 2.3}}},
        {"labs": {"calcium": 2.3}},
        {"labs": {"calcium": {"value": 2.3, "unit": 5, "x": 1}}},
        {"labs": {"sodium": lab(140, "mmol/L"), "Zinc": 1}},
        {"labs": {"pth": lab(-0.1, "pmol/L")}},
        {"labs": {"egfr": lab(250, "mL/min/1.73m2")}},
        {"history": ["nope", 3, {"a": 1, "b": 2}], "findings": "livedo", "histology": {"vasculitis": "yes"}},
        {"history": {"warfarin": {"days": 2.5, "dose": 5}}},
        {"history": {"warfarin": {"days": -1}}},
        {"history": {"diabetes": {"x": 1}}, "findings": ["dialysis"]},
        {"history": {"warfarin": {"days": True}}},
        {"patient": {"age": 0.5}, "labs": {"calcium": lab(0.5, "mmol/L")}},
        {"labs": {"vitamin_d": lab(1e20, "nmol/L")}, "patient": {"age": 1e300}},
        {"meta": {"a": {"b": {"c": {"d": {"e": {"f": 1}}}}}}},
        {"findings": ["x" * 2001]},
        {"labs": {"albumin": lab(4.1, "g/L")}},
    ]
    for s in invalid:
        add("invalid input", kind="assess", scenario=s)
    base = ps[1]["scenario"]
    for r in (
        {"calcium": {"low": 2.2, "high": 2.55, "unit": "mmol/L"}},
        {"calcium": {"low": 8.6, "high": 10.2, "unit": "mg/dL"}},
        {"pth": {"low": 15, "high": 65, "unit": "pg/mL"}, "phosphate": {"low": 0.8, "high": 1.5}},
        {
            "vitamin_d": {"low": 75, "high": 150, "unit": "nmol/L"},
            "albumin": {"low": 3.4, "high": 4.8, "unit": "g/dL"},
        },
        {"calcium": {"low": 2.6, "high": 2.1}},
        {"sodium": {}},
        {"calcium": {"low": "a", "high": -1, "unit": "mg/L"}},
        {"calcium": {"low": 1, "high": 2, "colour": 1}},
        "2.1-2.6",
        {"pth": {"low": -1, "high": 7}},
    ):
        add("local ranges on V1", kind="assess", scenario=base, ranges=r)
    for s in (
        {"labs": {"phosphate": lab(3.3, "mmol/L"), "calcium": lab(2.3, "mg/dL"), "albumin": lab(40, "g/L")}},
        {"labs": {"pth": lab(65, "pmol/L"), "vitamin_d": lab(20, "nmol/L")}},
        {
            "findings": {"absent_pulses": False, "livedo": None, "skin_necrosis": True},
            "history": {"warfarin": False},
        },
        {"histology": [{"calcium_on_stain": False}, "vasculitis"], "findings": ["violaceous_plaques"]},
    ):
        add("unit hints and three-valued findings", kind="assess", scenario=s)
    for path in sorted((ROOT / "tests" / "scenarios").glob("*.yaml")):  # the issue-9 scenario tests
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        doc.pop("meta")
        add(f"scenario {path.stem}", kind="assess", scenario=doc)
    for args in (
        (2.10, "mmol/L", "mg/dL", "calcium"),
        (4.5, "mg/dL", "mmol/L", "phosphate"),
        (3.8, "g/dL", "g/L", "albumin"),
        (65, "pg/mL", "pmol/L", "pth"),
        (30, "ng/mL", "nmol/L", "vitamin_d"),
        (2.5, "mmol/L", "mEq/L", "calcium"),
        (1, "mmol/L", "mEq/L", "phosphate"),
        (1, "mg/L", "mg/dL", "calcium"),
        ("x", "mmol/L", "mg/dL", "calcium"),
        (1, "mmol/L", "mg/dL", "sodium"),
    ):
        add("convert", kind="convert", args=list(args))
    for args in ((8.42, 2.5, "mg/dL", "g/dL"), (2.5, 45, "mmol/L", "g/L"), (10, 4, "mg/dL", "g/dL")):
        add("corrected calcium", kind="corrected", args=list(args))
    return out


def expectation(result) -> list:
    """The paths a generated vector pins down."""
    if not isinstance(result, dict):
        return [[[], result]]
    paths = [
        ["summary"],
        ["conditions", {"map": "id"}],
        ["conditions", {"map": "verdict"}],
        ["conditions", {"map": "score"}],
    ]
    paths += [["conditions", i, "reasons", {"map": "rule"}] for i in range(len(result["conditions"]))]
    paths += [["lookalikes", {"map": "id"}], ["lookalikes", {"map": "score"}]]
    paths += [
        ["derived", key]
        for key in ("values", "corrected_calcium", "calcium_for_bands", "ca_x_p", "pth_x_uln", "gfr_category")
    ]
    paths += [["derived", "bands", name] for name in result["derived"]["bands"]]
    paths += [["warnings"], ["not_judged", {"map": "id"}]]
    for key in ("headline", "levels", "legend"):
        if key in result:
            paths.append([key])
    return [[p, json.loads(json.dumps(vectorlib.pluck(result, p)))] for p in paths]


def dump(doc: dict) -> str:
    """One vector per block, one expectation per line: readable diffs."""
    lines = ["{", f' "about": {json.dumps(doc["about"])},', ' "vectors": [']
    blocks = []
    for v in doc["vectors"]:
        head = {k: v[k] for k in v if k not in ("expect", "error")}
        inner = [f"  {{{json.dumps(head, ensure_ascii=False)[1:-1]},"]
        if "error" in v:
            inner.append(f'   "error": {json.dumps(v["error"], ensure_ascii=False)}')
        else:
            pairs = [f"    {json.dumps(pair, ensure_ascii=False)}" for pair in v["expect"]]
            inner.append('   "expect": [\n' + ",\n".join(pairs) + "\n   ]")
        blocks.append("\n".join(inner) + "}")
    lines.append(",\n".join(blocks))
    lines.append(" ]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main() -> int:
    knowledge()
    old = vectorlib.load() if vectorlib.VECTORS.is_file() else []
    hand = [v for v in old if v["source"] == "hand"]
    bad = [p for v in hand for p in vectorlib.problems(v, vectorlib.run(v))]
    if bad:
        print("the model disagrees with hand-written vectors:\n  " + "\n  ".join(bad), file=sys.stderr)
        return 1
    generated = []
    for v in inputs():
        kind, value = vectorlib.run(v)
        generated.append({**v, "error": value} if kind == "error" else {**v, "expect": expectation(value)})
    doc = {"about": ABOUT, "vectors": hand + generated}
    vectorlib.VECTORS.write_text(dump(doc), encoding="utf-8")
    where = vectorlib.VECTORS.relative_to(ROOT)
    print(f"{len(hand)} hand-written + {len(generated)} generated vectors -> {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
