"""Units, conversions, the Payne correction, Ca x P and the bands, against FACTS.md part 1
(worked example 1.4, conversion tables 1.8, band edges 1.5-1.7). Expected values are typed
from FACTS.md, not taken from the model."""

from __future__ import annotations

import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from widgets.clinical import (  # noqa: E402
    ValidationError,
    assess,
    convert,
    corrected_calcium,
    fmt,
    round_half_away,
    round_scaled,
)


def scenario(**labs):
    """A scenario with the given labs: name=(value, unit)."""
    return {"labs": {k: {"value": v, "unit": u} for k, (v, u) in labs.items()}}


# ----------------------------------------------------------------------------- worked example
def test_payne_worked_example_si():
    # FACTS 1.4: 2.10 mmol/L with albumin 25 g/L -> 2.10 + 0.02 x 15 = 2.40 mmol/L
    assert corrected_calcium(2.10, 25) == pytest.approx(2.40, abs=1e-12)


def test_payne_worked_example_conventional():
    # the same case in mg/dL: 8.42 + 0.8 x 1.5 = 9.62 mg/dL (= 2.40 x 4.008)
    assert round_half_away(corrected_calcium(8.42, 2.5, "mg/dL", "g/dL"), 2) == 9.62
    assert round_half_away(convert(2.40, "mmol/L", "mg/dL", "calcium"), 2) == 9.62


def test_payne_worked_example_in_the_assessment():
    d = assess(scenario(calcium=(2.10, "mmol/L"), albumin=(25, "g/L"))).to_dict()["derived"]
    assert d["corrected_calcium"]["mmol/L"] == 2.40
    assert d["corrected_calcium"]["mg/dL"] == 9.62
    assert d["calcium_for_bands"]["basis"] == "corrected"
    d2 = assess(scenario(calcium=(8.42, "mg/dL"), albumin=(2.5, "g/dL"))).to_dict()["derived"]
    assert d2["corrected_calcium"]["mmol/L"] == 2.40
    assert d2["corrected_calcium"]["mg/dL"] == 9.62


# ----------------------------------------------------------------------------- tables (FACTS 1.8)
CALCIUM_TABLE = [
    (2.10, 8.42),
    (2.12, 8.50),
    (2.37, 9.50),
    (2.54, 10.18),
    (2.60, 10.42),
    (2.62, 10.50),
    (3.00, 12.02),
    (3.50, 14.03),
]
PHOSPHATE_TABLE = [(0.81, 2.51), (1.13, 3.50), (1.45, 4.49), (1.49, 4.61), (1.78, 5.51), (2.10, 6.50)]
CAP_TABLE = [(4.20, 52.1), (4.43, 55.0), (4.80, 59.6), (4.83, 60.0), (5.64, 70.0)]


@pytest.mark.parametrize("mmol,mg", CALCIUM_TABLE)
def test_calcium_table(mmol, mg):
    assert round_half_away(convert(mmol, "mmol/L", "mg/dL", "calcium"), 2) == mg


@pytest.mark.parametrize("mmol,mg", PHOSPHATE_TABLE)
def test_phosphate_table(mmol, mg):
    assert round_half_away(convert(mmol, "mmol/L", "mg/dL", "phosphate"), 2) == mg


@pytest.mark.parametrize("mmol2,mg2", CAP_TABLE)
def test_cap_table(mmol2, mg2):
    # mg2/dL2 = mmol2/L2 x 4.008 x 3.097 (FACTS 1.1): a product with phosphate 1 mmol/L
    ca = mmol2  # calcium mmol/L with phosphate 1.00 mmol/L and albumin 40 (no correction)
    d = assess(scenario(calcium=(ca, "mmol/L"), albumin=(40, "g/L"), phosphate=(1.0, "mmol/L"))).to_dict()[
        "derived"
    ]
    assert d["ca_x_p"]["mmol2/L2"] == mmol2
    assert d["ca_x_p"]["mg2/dL2"] == mg2


def test_other_factors():
    assert convert(3.8, "g/dL", "g/L", "albumin") == pytest.approx(38)
    assert round_half_away(convert(65, "pg/mL", "pmol/L", "pth"), 1) == 6.9  # 10-65 pg/mL = 1.1-6.9 pmol/L
    assert round_half_away(convert(10, "pg/mL", "pmol/L", "pth"), 1) == 1.1
    assert convert(150, "ng/L", "pmol/L", "pth") == convert(150, "pg/mL", "pmol/L", "pth")
    assert round_half_away(convert(12, "ng/mL", "nmol/L", "vitamin_d"), 0) == 30  # NAM <12 ng/mL ~ <30 nmol/L
    assert round_half_away(convert(50, "ng/mL", "nmol/L", "vitamin_d"), 0) == 125
    assert convert(2.5, "mmol/L", "mEq/L", "calcium") == 5.0


def test_unit_spellings_are_accepted():
    assert convert(9.5, "MG/DL", "mmol/l", "calcium") == convert(9.5, "mg/dL", "mmol/L", "calcium")
    d = assess(scenario(egfr=(72, "mL/min/1.73 m²"))).to_dict()["derived"]
    assert d["gfr_category"] == "G2"


def test_phosphate_mEq_is_refused_with_a_reason():
    with pytest.raises(ValidationError) as exc:
        assess(scenario(phosphate=(2.0, "mEq/L")))
    assert exc.value.field == "labs.phosphate.unit"
    assert "pH" in exc.value.message


# ----------------------------------------------------------------------------- bands
@pytest.mark.parametrize(
    "ca,band",
    [
        (2.11, "low"),
        (2.12, "normal"),
        (2.62, "normal"),
        (2.63, "mild"),
        (2.99, "mild"),
        (3.00, "moderate"),
        (3.50, "moderate"),
        (3.51, "severe"),
    ],
)
def test_hypercalcaemia_bands(ca, band):
    d = assess(scenario(calcium=(ca, "mmol/L"), albumin=(40, "g/L"))).to_dict()["derived"]
    assert d["bands"]["calcium"]["id"] == band


def test_hypercalcaemia_bands_in_mg_dl():
    # 12.03 mg/dL = 3.0015 mmol/L -> 3.00, moderate; 14.05 mg/dL = 3.5055 -> 3.51, severe
    assert (
        assess(scenario(calcium=(12.03, "mg/dL"), albumin=(4.0, "g/dL"))).to_dict()["derived"]["bands"][
            "calcium"
        ]["id"]
        == "moderate"
    )
    assert (
        assess(scenario(calcium=(14.05, "mg/dL"), albumin=(4.0, "g/dL"))).to_dict()["derived"]["bands"][
            "calcium"
        ]["id"]
        == "severe"
    )


def test_bands_use_corrected_calcium():
    # measured 2.50 with albumin 30 -> corrected 2.70: mild hypercalcaemia
    d = assess(scenario(calcium=(2.50, "mmol/L"), albumin=(30, "g/L"))).to_dict()["derived"]
    assert d["bands"]["calcium"]["id"] == "mild"


@pytest.mark.parametrize("p,band", [(0.80, "low"), (0.81, "normal"), (1.45, "normal"), (1.46, "high")])
def test_phosphate_bands(p, band):
    assert assess(scenario(phosphate=(p, "mmol/L"))).to_dict()["derived"]["bands"]["phosphate"]["id"] == band


@pytest.mark.parametrize(
    "p_mg,band", [(5.49, "below_55"), (5.5, "55_to_70"), (7.0, "55_to_70"), (7.01, "above_70")]
)
def test_cap_thresholds(p_mg, band):
    # calcium 10 mg/dL (albumin 4.0 g/dL, no correction) x phosphate p mg/dL
    d = assess(scenario(calcium=(10, "mg/dL"), albumin=(4.0, "g/dL"), phosphate=(p_mg, "mg/dL"))).to_dict()[
        "derived"
    ]
    assert d["ca_x_p"]["mg2/dL2"] == round(10 * p_mg, 1)
    assert d["bands"]["ca_x_p"]["id"] == band
    flags = d["flags"]
    assert flags["cap_ge_55"] is (band != "below_55")
    assert flags["cap_gt_70"] is (band == "above_70")


@pytest.mark.parametrize(
    "egfr,cat",
    [
        (120, "G1"),
        (90, "G1"),
        (89, "G2"),
        (60, "G2"),
        (59, "G3a"),
        (45, "G3a"),
        (44, "G3b"),
        (30, "G3b"),
        (29, "G4"),
        (15, "G4"),
        (14, "G5"),
        (0, "G5"),
    ],
)
def test_gfr_categories(egfr, cat):
    assert assess(scenario(egfr=(egfr, "mL/min/1.73m2"))).to_dict()["derived"]["gfr_category"] == cat


def test_dialysis_is_g5d_with_or_without_egfr():
    assert assess({"history": ["dialysis"]}).to_dict()["derived"]["gfr_category"] == "G5D"
    a = assess({"history": ["dialysis"], **scenario(egfr=(8, "mL/min/1.73m2"))}).to_dict()
    assert a["derived"]["gfr_category"] == "G5D"
    assert any(w["field"] == "labs.egfr.value" for w in a["warnings"])


@pytest.mark.parametrize(
    "pth,multiple,band",
    [
        (6.9, 1.0, "up_to_2x"),
        (13.8, 2.0, "up_to_2x"),
        (13.9, 2.0, "up_to_2x"),
        (14.2, 2.1, "2x_to_9x"),
        (62.1, 9.0, "2x_to_9x"),
        (62.8, 9.1, "above_9x"),
    ],
)
def test_pth_multiple_of_upper_limit(pth, multiple, band):
    d = assess(scenario(pth=(pth, "pmol/L"))).to_dict()["derived"]
    assert d["pth_x_uln"] == multiple
    assert d["bands"]["pth_multiple"]["id"] == band


def test_pth_suppressed_and_high():
    assert assess(scenario(pth=(0.8, "pmol/L"))).to_dict()["derived"]["bands"]["pth"]["id"] == "low"
    assert assess(scenario(pth=(7.0, "pmol/L"))).to_dict()["derived"]["bands"]["pth"]["id"] == "high"


@pytest.mark.parametrize(
    "vd,band",
    [
        (29, "deficient"),
        (30, "some_risk"),
        (49, "some_risk"),
        (50, "sufficient"),
        (125, "sufficient"),
        (126, "high"),
    ],
)
def test_vitamin_d_bands(vd, band):
    assert assess(scenario(vitamin_d=(vd, "nmol/L"))).to_dict()["derived"]["bands"]["vitamin_d"]["id"] == band


# ----------------------------------------------------------------------------- caveats, local ranges
def test_payne_caveats():
    a = assess(
        {
            "history": ["dialysis", "critical_illness"],
            **scenario(calcium=(2.3, "mmol/L"), albumin=(30, "g/L")),
        }
    ).to_dict()
    caveats = a["derived"]["corrected_calcium"]["caveats"]
    assert any("chronic kidney disease" in c for c in caveats)
    assert any("critical illness" in c for c in caveats)
    assert any("Ionised calcium is the reference" in c for c in caveats)


def test_high_albumin_uses_measured_calcium():
    a = assess(scenario(calcium=(2.60, "mmol/L"), albumin=(55, "g/L"))).to_dict()
    assert a["derived"]["corrected_calcium"]["mmol/L"] == 2.30
    assert a["derived"]["calcium_for_bands"] == {
        "basis": "measured",
        "mmol/L": 2.60,
        "mg/dL": 10.42,
        "mEq/L": 5.2,
    }
    assert any("above its reference range" in c for c in a["derived"]["corrected_calcium"]["caveats"])


def test_missing_albumin_leaves_calcium_uncorrected_with_a_warning():
    a = assess(scenario(calcium=(2.40, "mmol/L"))).to_dict()
    assert a["derived"]["corrected_calcium"] is None
    assert a["derived"]["calcium_for_bands"]["basis"] == "measured"
    assert any(w["field"] == "labs.albumin" for w in a["warnings"])


def test_local_laboratory_range_replaces_the_default():
    s = scenario(calcium=(2.58, "mmol/L"), albumin=(40, "g/L"))
    assert assess(s).to_dict()["derived"]["bands"]["calcium"]["id"] == "normal"
    a = assess(s, ranges={"calcium": {"low": 8.6, "high": 10.2, "unit": "mg/dL"}}).to_dict()
    # 10.2 mg/dL = 2.545 mmol/L -> 2.54 (rounded half away from zero on 2.5449...)
    assert a["derived"]["ranges"]["calcium"]["source"] == "local"
    assert a["derived"]["bands"]["calcium"]["id"] == "mild"
    assert any(w["field"] == "ranges.calcium" for w in a["warnings"])


@pytest.mark.parametrize(
    "ranges,field",
    [
        ({"calcium": {"low": 2.6, "high": 2.1}}, "ranges.calcium"),
        ({"sodium": {"low": 1, "high": 2}}, "ranges.sodium"),
        ({"calcium": {"low": "a", "high": 2.6}}, "ranges.calcium.low"),
        ({"calcium": {"low": 2.1, "high": 2.6, "unit": "mg/L"}}, "ranges.calcium.unit"),
        ("2.1-2.6", "ranges"),
    ],
)
def test_bad_local_ranges(ranges, field):
    with pytest.raises(ValidationError) as exc:
        assess({}, ranges=ranges)
    assert exc.value.field == field


# ----------------------------------------------------------------------------- rounding helpers
@pytest.mark.parametrize(
    "x,d,expected",
    [
        (2.675, 2, 268),
        (-2.5, 0, -3),
        (0.5, 0, 1),
        (1.005, 2, 101),
        (9.995, 2, 1000),
        (2.4255000000000004, 2, 243),
        (1e-7, 2, 0),
        (123.449, 1, 1234),
    ],
)
def test_round_half_away_from_zero_on_decimal_digits(x, d, expected):
    assert round_scaled(x, d) == expected
    assert round_scaled(x, d) == int(Decimal(repr(x)).scaleb(d).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def test_fmt():
    assert fmt(40) == "40" and fmt(2.4) == "2.4" and fmt(-0.5) == "-0.5" and fmt(24.048, 2) == "24.05"
    assert fmt(1e300) == "1e300" and fmt(1e-9) == "1e-9"
