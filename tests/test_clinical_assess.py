"""The assessment: structure, the rules' citations, the points FACTS.md and the article
stress, missing data, bad input, the knowledge files' checks and the command line."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from widgets.bibtex import is_beyond, read_bibtex
from widgets.clinical import (  # noqa: E402
    PRESETS,
    VOCABULARY,
    ClinicalError,
    DataError,
    Scenario,
    ValidationError,
    assess,
    knowledge,
    load_scenario,
    parse_scenario,
    rules_json,
)
from widgets.clinical.knowledge import build  # noqa: E402

DATA = ROOT / "widgets" / "clinical" / "data"
RANK = ["supported", "consistent", "possible", "not-judged", "unlikely"]
SIX = {"dystrophic", "metastatic", "idiopathic", "iatrogenic", "calciphylaxis", "wisn"}


def bib_entries():
    return read_bibtex(ROOT / "references.bib")


def cond(a, cid):
    return next(c for c in a["conditions"] if c["id"] == cid)


def labs(**kw):
    return {k: {"value": v, "unit": u} for k, (v, u) in kw.items()}


NORMAL = labs(calcium=(2.35, "mmol/L"), albumin=(40, "g/L"), phosphate=(1.1, "mmol/L"))


# ----------------------------------------------------------------------------- structure
def test_to_dict_shape():
    a = assess(PRESETS[1]["scenario"]).to_dict()
    assert {
        "derived",
        "conditions",
        "lookalikes",
        "warnings",
        "not_judged",
        "education_note",
        "summary",
    } <= set(a)
    assert a["education_note"] == "For education, not for clinical decisions."
    assert {c["id"] for c in a["conditions"]} == SIX
    for c in a["conditions"]:
        assert {"id", "name", "verdict", "score", "reasons", "confirm", "missing"} <= set(c)
        assert c["verdict"] in RANK and isinstance(c["score"], int) and c["confirm"]
        for r in c["reasons"]:
            assert set(r) >= {"text", "cite", "beyond"} and isinstance(r["beyond"], bool)
    d = a["derived"]
    assert {"corrected_calcium", "ca_x_p", "bands", "gfr_category", "pth_x_uln"} <= set(d)
    assert {"mmol/L", "mg/dL"} <= set(d["corrected_calcium"]) and {"mmol2/L2", "mg2/dL2"} <= set(d["ca_x_p"])
    json.dumps(a)


def test_ranking_is_by_verdict_then_score_then_fixed_order():
    order = [c["id"] for c in knowledge()["conditions"]]
    for p in PRESETS:
        cs = assess(p["scenario"]).to_dict()["conditions"]
        keys = [(RANK.index(c["verdict"]), -c["score"], order.index(c["id"])) for c in cs]
        assert keys == sorted(keys)


def test_wording_is_consistent_with_never_diagnosis():
    k = knowledge()
    for r in k["rules"]:
        assert "diagnos" not in r["text"].lower(), r["id"]
    for v in k["verdicts"]:
        assert "diagnos" not in v["phrase"]
    assert "consistent with" in assess(PRESETS[1]["scenario"]).to_dict()["summary"]


# ----------------------------------------------------------------------------- citations
def test_every_rule_cites_existing_keys_and_flags_beyond():
    entries = bib_entries()
    beyond_keys = {k for k, fields in entries.items() if is_beyond(fields)}
    k = knowledge()
    for r in k["rules"]:
        assert r["cite"], r["id"]
        for key in r["cite"]:
            assert key in entries, f"{r['id']} cites {key}, not in references.bib"
        if all(key in beyond_keys for key in r["cite"]):
            assert r.get("beyond") is True, (
                f"{r['id']} cites only works beyond the article but is not marked beyond"
            )
    for c in k["conditions"] + k["lookalikes"]:
        assert all(key in entries for key in c["cite"])


# ----------------------------------------------------------------------------- what the article stresses
def test_normal_minerals_do_not_exclude_calciphylaxis():
    s = {
        "patient": {"sex": "female"},
        "labs": NORMAL,
        "history": ["dialysis", "diabetes"],
        "findings": ["livedo", "violaceous_plaques", "ischaemic_pain"],
    }
    a = assess(s).to_dict()
    c = cond(a, "calciphylaxis")
    assert RANK.index(c["verdict"]) <= RANK.index("consistent")
    assert "cx_normal_minerals" in [r["rule"] for r in c["reasons"]]
    assert a["conditions"][0]["id"] == "calciphylaxis"


def test_dystrophic_and_metastatic_can_coexist():
    s = {
        "labs": labs(calcium=(2.70, "mmol/L"), albumin=(40, "g/L"), phosphate=(1.9, "mmol/L")),
        "history": ["leg_ulcer", "hyperparathyroidism_secondary"],
        "findings": ["hard_white_deposits_wound_bed"],
        "histology": ["calcium_in_damaged_tissue"],
    }
    a = assess(s).to_dict()
    assert {c["id"] for c in a["conditions"][:2]} == {"dystrophic", "metastatic"}
    assert "dc_overlap" in [r["rule"] for r in cond(a, "dystrophic")["reasons"]]


def test_histology_tells_wisn_from_calciphylaxis():
    base = {
        "patient": {"sex": "female", "bmi": 35},
        "labs": NORMAL,
        "history": {"warfarin": {"days": 5}},
        "findings": ["violaceous_plaques", "haemorrhagic_blisters", "fat_rich_site"],
    }
    a = assess(base).to_dict()
    assert any(
        t.startswith("When doubt remains between WISN and calciphylaxis") and "deep biopsy" in t
        for t in cond(a, "wisn")["missing"]
    )
    assert any(
        t.startswith("When doubt remains between WISN and calciphylaxis") and "deep biopsy" in t
        for t in cond(a, "calciphylaxis")["missing"]
    )
    w = assess({**base, "histology": ["microthrombi_no_calcification"]}).to_dict()
    c = assess({**base, "histology": ["arteriolar_calcification_thrombosis"]}).to_dict()
    assert w["conditions"][0]["id"] == "wisn"
    assert c["conditions"][0]["id"] == "calciphylaxis"
    assert RANK.index(cond(w, "calciphylaxis")["verdict"]) >= RANK.index("possible")
    assert RANK.index(cond(c, "wisn")["verdict"]) >= RANK.index("possible")


@pytest.mark.parametrize(
    "days,in_window", [(0, False), (2, False), (3, True), (4, True), (10, True), (11, False), (400, False)]
)
def test_wisn_window_is_days_3_to_10_not_24_hours(days, in_window):
    s = {
        "labs": NORMAL,
        "history": {"warfarin": {"days": days}},
        "findings": ["skin_necrosis", "fat_rich_site"],
    }
    rules = [r["rule"] for r in cond(assess(s).to_dict(), "wisn")["reasons"]]
    assert ("wisn_window" in rules) is in_window
    window = next(r for r in knowledge()["rules"] if r["id"] == "wisn_window")
    assert window["beyond"] is True and {"jamapediatr2013", "sallah1998"} <= set(window["cite"])


def test_wisn_without_warfarin_is_unlikely():
    s = {
        "labs": NORMAL,
        "findings": ["skin_necrosis", "fat_rich_site", "haemorrhagic_blisters"],
        "histology": ["microthrombi_no_calcification"],
    }
    a = cond(assess(s).to_dict(), "wisn")
    # warfarin not recorded: not judged, and the model asks (issue 18: not recorded is no evidence)
    assert a["verdict"] == "not-judged" and any("warfarin" in m for m in a["missing"])
    assert cond(assess({**s, "history": {"warfarin": False}}).to_dict(), "wisn")["verdict"] == "unlikely"


def test_warfarin_days_missing_is_said():
    s = {"labs": NORMAL, "history": ["warfarin"], "findings": ["skin_necrosis"]}
    assert any("Days since warfarin" in m for m in cond(assess(s).to_dict(), "wisn")["missing"])


def test_renal_metastatic_calcification_is_phosphate_driven_with_normal_calcium():
    s = {
        "labs": labs(calcium=(2.30, "mmol/L"), albumin=(40, "g/L"), phosphate=(2.6, "mmol/L")),
        "history": ["dialysis"],
        "findings": ["firm_nodules"],
    }
    a = assess(s).to_dict()
    mc = cond(a, "metastatic")
    assert a["conditions"][0]["id"] == "metastatic" and RANK.index(mc["verdict"]) <= RANK.index("consistent")
    assert "mc_phosphate_driven" in [r["rule"] for r in mc["reasons"]]


def test_no_verdict_hinges_on_intima_or_media():
    for item in knowledge()["vocabulary"]["items"]:
        assert "intima" not in item["id"] and "media" not in item["id"]
    text = json.dumps(knowledge()["facts"]) + json.dumps([r["when"] for r in knowledge()["rules"]])
    assert "intima" not in text and "media" not in text


def test_iv_extravasation_is_iatrogenic():
    s = {
        "labs": NORMAL,
        "history": ["iv_calcium_extravasation"],
        "findings": ["painful_nodules_infusion_site"],
    }
    assert assess(s).to_dict()["conditions"][0]["id"] == "iatrogenic"


def test_lookalikes_named_by_the_article_and_beyond():
    # the article's five, the two FACTS.md 2D adds (Martorell ulcer, venous limb gangrene), and
    # skin cancer in a non-healing ulcer (FACTS.md 2E item 2: SIGN 120, Senet 2012, Miller 2004)
    ids = [la["id"] for la in knowledge()["lookalikes"]]
    assert ids == [
        "vasculitis",
        "pyoderma_gangrenosum",
        "peripheral_arterial_disease",
        "venous_ulcer",
        "necrotising_fasciitis",
        "martorell_ulcer",
        "venous_limb_gangrene",
        "skin_cancer",
    ]
    beyond_only = {la["id"]: la for la in knowledge()["lookalikes"]}
    assert beyond_only["martorell_ulcer"]["cite"] == ["hafner2010"]
    assert beyond_only["venous_limb_gangrene"]["cite"] == ["warkentin1997"]
    assert beyond_only["skin_cancer"]["cite"] == ["sign120", "senet2012", "miller2004"]


# ----------------------------------------------------------------------------- missing data
def test_empty_scenario_is_not_judged_where_labs_decide():
    a = assess({}).to_dict()
    verdicts = {c["id"]: c["verdict"] for c in a["conditions"]}
    assert verdicts["metastatic"] == "not-judged" and verdicts["idiopathic"] == "not-judged"
    nj = {n["id"] for n in a["not_judged"]}
    assert {"corrected_calcium", "ca_x_p", "gfr_category", "metastatic"} <= nj
    assert a["summary"].startswith("No condition")


def test_deposits_without_labs_say_what_would_decide():
    a = assess({"history": ["leg_ulcer"], "findings": ["hard_white_deposits_wound_bed"]}).to_dict()
    dc = cond(a, "dystrophic")
    assert dc["verdict"] in ("consistent", "possible")
    assert any("calcium" in m.lower() and "phosphate" in m.lower() for m in dc["missing"])


# ----------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    "scenario,field,words",
    [
        ({"labs": {"calcium": {"value": 40, "unit": "mmol/L"}}}, "labs.calcium.value", ["0.5-6 mmol/L"]),
        ({"labs": {"calcium": {"value": 40, "unit": "mg/dL"}}}, "labs.calcium.value", ["2-24.05 mg/dL"]),
        ({"labs": {"calcium": {"value": -1, "unit": "mmol/L"}}}, "labs.calcium.value", ["negative"]),
        ({"labs": {"calcium": {"value": "2.3", "unit": "mmol/L"}}}, "labs.calcium.value", ["number"]),
        ({"labs": {"calcium": {"value": 2.3, "unit": "mg/L"}}}, "labs.calcium.unit", ["mmol/L, mg/dL"]),
        ({"labs": {"calcium": {"value": 2.3}}}, "labs.calcium.unit", ["unit is required"]),
        ({"labs": {"calcium": 2.3}}, "labs.calcium", ["value"]),
        ({"labs": {"sodium": {"value": 140, "unit": "mmol/L"}}}, "labs.sodium", ["unknown key"]),
        ({"patient": {"age": 300}}, "patient.age", ["0-120"]),
        ({"patient": {"sex": "x"}}, "patient.sex", ["female"]),
        ({"history": ["warfarin_forever"]}, "history.warfarin_forever", ["vocabulary.yaml"]),
        ({"findings": ["dialysis"]}, "findings.dialysis", ["finding"]),
        ({"history": {"warfarin": {"days": -2}}}, "history.warfarin.days", ["0-36500"]),
        ({"history": {"diabetes": {"days": 2}}}, "history.diabetes", ["takes no values"]),
        ({"history": "dialysis"}, "history", ["list"]),
        ([1, 2], "scenario", ["mapping"]),
        ({"lab": {}}, "lab", ["unknown key"]),
    ],
)
def test_validation_errors_name_the_field(scenario, field, words):
    with pytest.raises(ValidationError) as exc:
        assess(scenario)
    e = exc.value
    assert isinstance(e, ClinicalError)
    assert e.field == field, e.errors
    for w in words:
        assert w in e.message, e.message


def test_unusual_values_warn():
    a = assess({"labs": labs(calcium=(4.8, "mmol/L"), albumin=(40, "g/L")), "patient": {"age": 12}}).to_dict()
    fields = [w["field"] for w in a["warnings"]]
    assert "labs.calcium.value" in fields and "patient.age" in fields


def test_all_errors_are_collected():
    with pytest.raises(ValidationError) as exc:
        assess(
            {
                "patient": {"age": "old"},
                "labs": {"calcium": {"value": 99, "unit": "mmol/L"}},
                "findings": ["nope"],
            }
        )
    assert [e["field"] for e in exc.value.errors] == ["patient.age", "labs.calcium.value", "findings.nope"]


def test_scenario_round_trip_and_forms():
    s = parse_scenario(
        {
            "patient": {"age": 52, "sex": "Female"},
            "history": ["dialysis", {"warfarin": {"days": 4}}],
            "findings": {"livedo": True, "skin_necrosis": False},
            "labs": labs(calcium=(9.3, "mg/dl")),
        }
    )
    assert isinstance(s, Scenario)
    assert s.patient["sex"] == "female" and s.history == {"dialysis": {}, "warfarin": {"days": 4.0}}
    assert s.findings == ["livedo"] and s.labs["calcium"]["unit"] == "mg/dL"
    assert parse_scenario(s.to_dict()) == s
    assert assess(s).to_dict() == assess(s.to_dict()).to_dict()


def test_load_scenario_errors(tmp_path):
    with pytest.raises(ValidationError) as exc:
        load_scenario(tmp_path / "nope.yaml")
    assert exc.value.field == "file"
    bad = tmp_path / "bad.yaml"
    bad.write_text("labs: [unclosed\n")
    with pytest.raises(ValidationError) as exc:
        load_scenario(bad)
    assert exc.value.field == "file" and "line" in exc.value.message
    js = tmp_path / "s.json"
    js.write_text(json.dumps({"labs": NORMAL}))
    assert load_scenario(js).labs["calcium"]["value"] == 2.35


# ----------------------------------------------------------------------------- knowledge files
def _copy_data(tmp_path):
    d = tmp_path / "data"
    shutil.copytree(DATA, d)
    return d


def _edit(path, fn):
    doc = yaml.safe_load(path.read_text())
    fn(doc)
    path.write_text(yaml.safe_dump(doc, sort_keys=False))


@pytest.mark.parametrize(
    "file,edit,place,words",
    [
        (
            "rules.yaml",
            lambda d: d["rules"][0].update(when="history.flying"),
            "rules.yaml: rules[0]",
            "unknown fact",
        ),
        (
            "rules.yaml",
            lambda d: d["rules"][1].update(cite=["nobody1999"]),
            "rules.yaml: rules[1].cite[0]",
            "references.bib",
        ),
        ("rules.yaml", lambda d: d["rules"][2].update(points="two"), "rules.yaml: rules[2]", ""),
        ("rules.yaml", lambda d: d["rules"][3].update(target="gout"), "rules.yaml: rules[3].target", "gout"),
        (
            "bands.yaml",
            lambda d: d["bands"]["calcium"]["bands"][1].update(upto={"ref": "middle"}),
            "bands.yaml: bands.calcium.bands[1]",
            "",
        ),
        (
            "units.yaml",
            lambda d: d["analytes"]["calcium"]["units"]["mg/dL"].update(multiply=0.25),
            "units.yaml: analytes.calcium.units.mg/dL",
            "",
        ),
        (
            "facts.yaml",
            lambda d: d["composites"]["ca_high"].update(when={"fact": "calcium_band", "in": ["huge"]}),
            "facts.yaml: composites.ca_high.when.in[0]",
            "huge",
        ),
    ],
)
def test_malformed_knowledge_names_file_place_and_problem(tmp_path, file, edit, place, words):
    d = _copy_data(tmp_path)
    _edit(d / file, edit)
    with pytest.raises(DataError) as exc:
        build(d, ROOT / "references.bib")
    assert exc.value.field.startswith(place), exc.value.field
    assert words in exc.value.message
    assert isinstance(exc.value, ClinicalError)


def test_yaml_syntax_error_names_line(tmp_path):
    d = _copy_data(tmp_path)
    (d / "conditions.yaml").write_text("verdicts: [\n  - x\n")
    with pytest.raises(DataError) as exc:
        build(d, ROOT / "references.bib")
    assert exc.value.field.startswith("conditions.yaml: line")


def test_rules_json_has_what_the_browser_needs():
    r = rules_json()
    assert {
        "units",
        "ranges",
        "bands",
        "rules",
        "vocabulary",
        "presets",
        "facts",
        "conditions",
        "lookalikes",
        "verdicts",
        "messages",
        "education_note",
    } <= set(r)
    json.dumps(r)
    assert VOCABULARY["livedo"]["group"] == "finding" and VOCABULARY["livedo"]["label"]


# ----------------------------------------------------------------------------- command line
def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "widgets", *args], capture_output=True, text=True, cwd=ROOT)


def test_cli_text_and_json():
    p = run_cli("assess", "examples/scenario-v1.yaml")
    assert p.returncode == 0, p.stderr
    assert "For education, not for clinical decisions." in p.stdout
    assert "1. Dystrophic calcification: supported" in p.stdout
    p = run_cli("assess", "examples/scenario-v1.yaml", "--json")
    assert p.returncode == 0
    assert json.loads(p.stdout)["conditions"][0]["id"] == "dystrophic"


def test_cli_bad_input_exits_2_with_one_line(tmp_path):
    for args in (("assess", str(tmp_path / "missing.yaml")),):
        p = run_cli(*args)
        assert p.returncode == 2 and "Traceback" not in p.stderr
        assert len(p.stderr.strip().splitlines()) == 1 and p.stderr.startswith("error: ")
        assert "missing.yaml: cannot be read (no such file)" in p.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("labs:\n  calcium: {value: 40, unit: mmol/L}\n")
    p = run_cli("assess", str(bad))
    assert (
        p.returncode == 2
        and p.stderr.startswith(f"error: {bad}:2: labs.calcium.value:")
        and "Traceback" not in p.stderr
    )
    rng = tmp_path / "ranges.yaml"
    rng.write_text("calcium: {low: 2.2, high: 2.55, unit: mmol/L}\n")
    p = run_cli("assess", "examples/scenario-v1.yaml", "--ranges", str(rng), "--json")
    assert p.returncode == 0 and json.loads(p.stdout)["derived"]["ranges"]["calcium"]["high"] == 2.55


def test_real_data_cite_only_keys_of_the_book_bibliography():
    # the package itself never reaches outside its folder; the check runs when a path is given
    assert build(bib_path=ROOT / "references.bib")["rules"]
    assert "parents[2]" not in (ROOT / "widgets" / "clinical" / "knowledge.py").read_text()


# ----------------------------------------------------------------------------- contradictory entries
@pytest.mark.parametrize(
    "section,value",
    [
        ("findings", ["livedo", {"livedo": False}]),
        ("findings", [{"livedo": False}, "livedo"]),
        ("histology", ["vasculitis", {"vasculitis": None}]),
        ("history", [{"warfarin": {"days": 4}}, {"warfarin": False}]),
    ],
)
def test_an_id_both_present_and_absent_is_refused_naming_it(section, value):
    with pytest.raises(ValidationError) as e:
        assess({section: value})
    iid = next(iter(value[0])) if isinstance(value[0], dict) else value[0]
    assert len(e.value.errors) == 1 and e.value.errors[0]["field"] == f"{section}.{iid}"
    assert f"'{iid}' is given twice" in e.value.errors[0]["message"]


def test_the_same_id_twice_with_the_same_value_is_accepted():
    assert assess({"findings": ["livedo", "livedo"]}).to_dict()["conditions"]


def test_contradictory_file_exits_2_with_one_line(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("findings: [livedo, {livedo: false}]\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "widgets", "assess", str(path)], capture_output=True, text=True, cwd=ROOT
    )
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip().count("\n") == 0 and "livedo" in proc.stderr, proc.stderr


@pytest.mark.parametrize(
    "ranges, field",
    [
        ({"pth": {"low": 1.0, "high": 5e-300, "unit": "pmol/L"}}, "ranges.pth"),
        ({"calcium": {"low": 2.0, "high": 1e300, "unit": "mmol/L"}}, "ranges.calcium.high"),
        ({"pth": {"low": 1e-9, "high": 6.9}}, "ranges.pth.low"),
    ],
)
def test_absurd_local_ranges_from_python_are_refused_naming_the_field(ranges, field):
    # the same plausibility check as a --ranges file: an absurd limit never reaches a multiple
    # of the upper limit (PTH high 5e-324 once made it infinite and ended in a traceback)
    with pytest.raises(ValidationError) as info:
        assess({"labs": {"pth": {"value": 5, "unit": "pmol/L"}}}, ranges=ranges)
    assert field in str(info.value)
