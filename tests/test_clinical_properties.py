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
