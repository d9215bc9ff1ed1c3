"""Property tests (hypothesis): the model never fails with anything but its documented
ClinicalError, conversions round-trip, and raising phosphate never lowers Ca x P."""

from __future__ import annotations

import json
import math
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from widgets.clinical import ClinicalError, assess, convert, knowledge, parse_scenario, round_scaled  # noqa: E402

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
K = knowledge()
ANALYTES = K["units"]["analytes"]
VOCAB = K["vocabulary"]["items"]

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=True)
    | st.text(max_size=8)
)
json_like = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
weird = (
    json_like
    | st.integers()
    | st.tuples(st.integers())
    | st.dictionaries(st.integers(), st.integers(), max_size=2)
)

unit_names = st.sampled_from(
    sorted({u for a in ANALYTES.values() for u in a["units"]} | {"mg/L", "MMOL/L", "mEq/L", "", "mg/dl"})
)
numbers = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6) | st.integers(
    -1000, 10000
)
lab_entry = st.fixed_dictionaries({"value": numbers | weird, "unit": unit_names | weird}) | weird
ids = st.sampled_from([i["id"] for i in VOCAB] + ["nonsense", "Livedo"])
item_value = st.booleans() | st.none() | st.fixed_dictionaries({"days": numbers | weird}) | weird
section = (
    st.lists(ids | st.dictionaries(ids, item_value, min_size=1, max_size=1) | weird, max_size=6)
    | st.dictionaries(ids, item_value, max_size=6)
    | weird
)
scenarios = (
    st.fixed_dictionaries(
        {},
        optional={
            "patient": st.fixed_dictionaries(
                {},
                optional={
                    "age": numbers | weird,
                    "sex": st.sampled_from(["female", "male", "other", "F"]) | weird,
                    "bmi": numbers | weird,
                },
            )
            | weird,
            "labs": st.dictionaries(st.sampled_from(list(ANALYTES) + ["sodium"]), lab_entry, max_size=7)
            | weird,
            "history": section,
            "findings": section,
            "histology": section,
            "meta": weird,
            "extra": weird,
        },
    )
    | weird
)


@SETTINGS
@given(scenarios)
def test_no_exception_but_the_documented_one(s):
    try:
        result = assess(s).to_dict()
    except ClinicalError as exc:
        assert exc.field and exc.message
        return
    json.dumps(result, allow_nan=False)
    assert result["education_note"] == "For education, not for clinical decisions."


@SETTINGS
@given(weird)
def test_ranges_argument_never_crashes(r):
    try:
        assess({}, ranges=r)
    except ClinicalError:
        pass


plausible = st.floats(min_value=1e-3, max_value=1e4, allow_nan=False, allow_infinity=False)


@SETTINGS
@given(st.sampled_from(sorted(ANALYTES)), plausible, st.data())
def test_unit_round_trips(analyte, value, data):
    units = sorted(ANALYTES[analyte]["units"])
    a = data.draw(st.sampled_from(units))
    b = data.draw(st.sampled_from(units))
    back = convert(convert(value, a, b, analyte), b, a, analyte)
    assert math.isclose(back, value, rel_tol=1e-12)
    via_canonical = convert(
        convert(value, a, ANALYTES[analyte]["canonical"], analyte), ANALYTES[analyte]["canonical"], b, analyte
    )
    assert math.isclose(via_canonical, convert(value, a, b, analyte), rel_tol=1e-12)


def _lab(value, unit):
    return {"value": value, "unit": unit}


ca_values = st.floats(min_value=0.5, max_value=6.0, allow_nan=False)
p_values = st.floats(min_value=0.1, max_value=8.0, allow_nan=False)
alb_values = st.floats(min_value=5, max_value=80, allow_nan=False) | st.none()


@SETTINGS
@given(ca_values, alb_values, p_values, p_values, st.sampled_from(["mmol/L", "mg/dL"]))
def test_raising_phosphate_never_lowers_cap(ca, alb, p1, p2, p_unit):
    lo, hi = sorted((p1, p2))
    factor = 1 if p_unit == "mmol/L" else 3.097

    def run(p):
        s = {"labs": {"calcium": _lab(ca, "mmol/L"), "phosphate": _lab(p * factor, p_unit)}}
        if alb is not None:
            s["labs"]["albumin"] = _lab(alb, "g/L")
        try:
            return assess(s).to_dict()["derived"]
        except ClinicalError:
            return None  # p * 3.097 may leave the accepted range at its very edge

    a, b = run(lo), run(hi)
    if a is None or b is None:
        return
    assert a["ca_x_p"]["mg2/dL2"] <= b["ca_x_p"]["mg2/dL2"]
    assert a["ca_x_p"]["mmol2/L2"] <= b["ca_x_p"]["mmol2/L2"]
    order = [x["id"] for x in K["bands"]["bands"]["ca_x_p"]["bands"]]
    assert order.index(a["bands"]["ca_x_p"]["id"]) <= order.index(b["bands"]["ca_x_p"]["id"])


@SETTINGS
@given(ca_values, ca_values, st.floats(min_value=5, max_value=80, allow_nan=False))
def test_corrected_calcium_is_monotone_in_measured_calcium(c1, c2, alb):
    lo, hi = sorted((c1, c2))
    f = lambda c: assess({"labs": {"calcium": _lab(c, "mmol/L"), "albumin": _lab(alb, "g/L")}}).to_dict()[
        "derived"
    ]
    assert f(lo)["corrected_calcium"]["mmol/L"] <= f(hi)["corrected_calcium"]["mmol/L"]


@SETTINGS
@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12), st.integers(0, 6))
def test_rounding_matches_decimal_half_up(x, d):
    expected = int(Decimal(repr(x)).scaleb(d).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    assert round_scaled(x, d) == expected


@SETTINGS
@given(scenarios)
def test_parsed_scenarios_round_trip(s):
    try:
        sc = parse_scenario(s)
    except ClinicalError:
        return
    assert parse_scenario(sc.to_dict()) == sc


# ----------------------------------------------------------------------------- reasoning properties
groups = {g: [i for i in VOCAB if i["group"] == g] for g in ("history", "finding", "histology")}
SECTION = {"history": "history", "finding": "findings", "histology": "histology"}
recorded = st.fixed_dictionaries(
    {
        SECTION[g]: st.dictionaries(
            st.sampled_from([i["id"] for i in items]), st.sampled_from([True, False]), max_size=6
        )
        for g, items in groups.items()
    }
)
lab_sets = st.fixed_dictionaries(
    {},
    optional={
        "calcium": st.builds(_lab, st.floats(0.8, 4.0), st.just("mmol/L")),
        "albumin": st.builds(_lab, st.floats(20, 55), st.just("g/L")),
        "phosphate": st.builds(_lab, st.floats(0.3, 3.5), st.just("mmol/L")),
        "egfr": st.builds(_lab, st.integers(0, 120), st.just("mL/min/1.73m2")),
        "pth": st.builds(_lab, st.floats(0.5, 120), st.just("pmol/L")),
    },
)
warfarin_days = st.none() | st.integers(0, 2000)


def _scenario(rec, labs, days):
    s = {**rec, "labs": labs}
    if days is not None and s["history"].get("warfarin") is True:
        s["history"] = {**s["history"], "warfarin": {"days": days}}
    return s


@SETTINGS
@given(recorded, lab_sets, warfarin_days)
def test_every_reason_names_only_what_the_scenario_records(rec, labs, days):
    """A reason's finding lists only items the scenario records (present, or absent with
    false); a reason's text never says 'not recorded'."""
    s = _scenario(rec, labs, days)
    a = assess(s).to_dict()
    labels = {i["label"] for i in VOCAB}
    absent_labels = {i.get("absent_label", f"Examined, absent: {i['label']}") for i in VOCAB}
    present = {i["label"] for g, items in groups.items() for i in items if s[SECTION[g]].get(i["id"]) is True}
    present |= {i["label"] for i in groups["history"] if isinstance(s["history"].get(i["id"]), dict)}
    absent = {
        i.get("absent_label", f"Examined, absent: {i['label']}")
        for g, items in groups.items()
        for i in items
        if s[SECTION[g]].get(i["id"]) is False
    }
    for x in a["conditions"] + a["lookalikes"]:
        for r in x["reasons"]:
            assert "not recorded" not in r["text"], r
            for part in filter(None, r["finding"].split("; ")):
                assert part in labels | absent_labels, part
                assert part in present | absent, (part, r["rule"])


@SETTINGS
@given(recorded, lab_sets, warfarin_days, st.data())
def test_not_recorded_items_change_nothing(rec, labs, days, data):
    """Mentioning an item as null (not recorded) gives the same assessment as leaving it out."""
    s = _scenario(rec, labs, days)
    g = data.draw(st.sampled_from(sorted(groups)))
    free = [i["id"] for i in groups[g] if i["id"] not in s[SECTION[g]]]
    if not free:
        return
    extra = data.draw(st.sampled_from(free))
    t = {**s, SECTION[g]: {**s[SECTION[g]], extra: None}}
    assert assess(t).to_dict() == assess(s).to_dict()


@SETTINGS
@given(recorded, lab_sets, warfarin_days)
def test_levels_hold_what_they_require(rec, labs, days):
    """A condition at a level meets that level's requirement; risk factors alone (no finding
    or histology recorded present) never reach consistent; evidence lists match directions."""
    s = _scenario(rec, labs, days)
    a = assess(s).to_dict()
    cond_spec = {c["id"]: c for c in K["conditions"]}
    any_sign = any(v is True for sec in ("findings", "histology") for v in s[sec].values())
    for c in a["conditions"]:
        if c["verdict"] in ("supported", "consistent") and not any_sign:
            raise AssertionError(f"{c['id']} is {c['verdict']} without any finding or histology")
        assert c["evidence_for"] == [r for r in c["reasons"] if r["direction"] == "for"]
        assert c["evidence_against"] == [r for r in c["reasons"] if r["direction"] == "against"]
        assert all((r["points"] or 0) > 0 for r in c["evidence_for"])
        assert cond_spec[c["id"]]["levels"]  # every condition defines its levels
    assert a["headline"]["text"] == a["summary"]
    assert a["headline"]["kind"] in ("condition", "overlap", "lookalike", "nothing")


@SETTINGS
@given(
    st.integers(0, 10),
    st.integers(11, 5000),
    st.sampled_from(["skin_necrosis", "livedo", "haemorrhagic_blisters"]),
)
def test_warfarin_time_speaks_for_one_condition_never_both(early, late, sign):
    """Days 3-10 count for WISN and never for calciphylaxis; more than 90 days the reverse."""

    def rules_for(days):
        a = assess({"history": {"warfarin": {"days": days}}, "findings": [sign]}).to_dict()
        fired = {c["id"]: {r["rule"] for r in c["evidence_for"]} for c in a["conditions"]}
        return fired["wisn"], fired["calciphylaxis"]

    wisn, cx = rules_for(early)
    assert not any("warfarin" in r for r in cx)
    if 3 <= early:
        assert "wisn_window" in wisn
    wisn, cx = rules_for(late)
    if late > 90:
        assert "cx_long_term_warfarin" in cx and not {"wisn_window", "wisn_late"} & wisn


# ----------------------------------------------------------------------------- issue 18 properties
RANK = ["supported", "consistent", "possible", "not-judged", "unlikely"]
# Examined-and-absent findings and the conditions each is decisive evidence against.
DECISIVE_ABSENT = {
    ("findings", "ischaemic_pain"): ["calciphylaxis"],
    ("findings", "livedo"): ["calciphylaxis"],
    ("findings", "xray_calcification"): [
        "calciphylaxis",
        "dystrophic",
        "metastatic",
        "idiopathic",
        "iatrogenic",
    ],
    ("findings", "hard_white_deposits_wound_bed"): ["dystrophic", "metastatic", "idiopathic", "iatrogenic"],
    ("findings", "firm_nodules"): ["dystrophic", "metastatic", "idiopathic", "iatrogenic"],
    ("histology", "arteriolar_calcification_thrombosis"): ["calciphylaxis"],
    ("histology", "calcium_on_stain"): ["dystrophic", "metastatic", "idiopathic", "iatrogenic"],
    ("history", "warfarin"): ["wisn", "calciphylaxis"],
}
RISK_FACTORS = ["diabetes", "obesity", "corticosteroids", "smoker"]
# Each look-alike's defining setting as items to add, and the conditions it mimics.
LOOKALIKE_SETTINGS = {la["id"]: la for la in K["lookalikes"] if "defining" in la}
DEFINING_ITEMS = {
    "martorell_ulcer": {
        "history": {"hypertension": True},
        "findings": {"laterodorsal_leg_site": True, "absent_pulses": False},
    },
    "venous_limb_gangrene": {
        "history": {"heparin_induced_thrombocytopenia": True},
        "findings": {"dvt_same_limb": True},
    },
    "vasculitis": {"history": {"anca_positive": True}, "findings": {"palpable_purpura": True}},
    "pyoderma_gangrenosum": {
        "history": {"inflammatory_bowel_disease": True},
        "findings": {"undermined_violaceous_edge": True},
    },
    "necrotising_fasciitis": {"findings": {"rapid_spread_hours": True, "systemic_toxicity": True}},
}


def _verdicts(s):
    return {c["id"]: c["verdict"] for c in assess(s).to_dict()["conditions"]}


@SETTINGS
@given(recorded, lab_sets, warfarin_days, st.sampled_from(sorted(DECISIVE_ABSENT)))
def test_adding_a_decisive_absent_finding_never_raises_its_conditions(rec, labs, days, key):
    section, iid = key
    s = _scenario(rec, labs, days)
    if iid in s[section]:
        return
    before = _verdicts(s)
    after = _verdicts({**s, section: {**s[section], iid: False}})
    for cid in DECISIVE_ABSENT[key]:
        assert RANK.index(after[cid]) >= RANK.index(before[cid]), (cid, before[cid], after[cid])


@SETTINGS
@given(recorded, lab_sets, warfarin_days)
def test_no_condition_above_possible_without_its_setting(rec, labs, days):
    a = assess(_scenario(rec, labs, days)).to_dict()
    for c in a["conditions"]:
        if c["verdict"] in ("supported", "consistent"):
            assert c["setting"]["met"] is True, (c["id"], c["verdict"], c["setting"])
    if any(la["leads"] for la in a["lookalikes"]):
        assert all(c["verdict"] not in ("supported", "consistent") for c in a["conditions"])
        assert a["headline"]["kind"] == "lookalike" and a["lookalikes"][0]["name"] in a["summary"]


@SETTINGS
@given(recorded, lab_sets, warfarin_days, st.lists(st.sampled_from(RISK_FACTORS), min_size=1, unique=True))
def test_risk_factors_alone_never_lift_a_condition_without_its_setting(rec, labs, days, factors):
    s = _scenario(rec, labs, days)
    a = assess(s).to_dict()
    more = {**s, "history": {**s["history"], **{f: True for f in factors}}, "patient": {"sex": "female"}}
    b = assess(more).to_dict()
    for c_before, c_after in zip(
        sorted(a["conditions"], key=lambda c: c["id"]), sorted(b["conditions"], key=lambda c: c["id"])
    ):
        if c_after["setting"]["met"] is not True:
            assert c_after["verdict"] not in ("supported", "consistent"), c_after["id"]
        if c_before["verdict"] in ("possible", "not-judged", "unlikely"):
            assert c_after["verdict"] not in ("supported", "consistent") or c_after["setting"]["met"] is True


@SETTINGS
@given(recorded, lab_sets, warfarin_days, st.sampled_from(sorted(DEFINING_ITEMS)))
def test_a_lookalikes_setting_never_raises_what_it_mimics(rec, labs, days, la_id):
    s = _scenario(rec, labs, days)
    add = DEFINING_ITEMS[la_id]
    if any(iid in s[section] for section, items in add.items() for iid in items):
        return
    before = _verdicts(s)
    t = {**s, **{section: {**s[section], **items} for section, items in add.items()}}
    a = assess(t).to_dict()
    after = {c["id"]: c["verdict"] for c in a["conditions"]}
    for cid in LOOKALIKE_SETTINGS[la_id]["mimics"]:
        assert RANK.index(after[cid]) >= RANK.index(before[cid]), (la_id, cid, before[cid], after[cid])
    lead = a["lookalikes"][0] if a["lookalikes"] else None
    if lead is not None and lead["id"] == la_id and lead["defining"]:
        assert lead["leads"] and all(RANK.index(v) >= RANK.index("possible") for v in after.values())
