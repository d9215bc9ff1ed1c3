"""What a picture of the calcium-phosphate plane needs, from the model alone: the axes
(plots.yaml), the adult reference box (ranges.yaml), the Ca x P curves (bands.yaml cap.lines,
converted to SI with the model's mg/dL factors) and the teaching vignettes placed by the
model (presets.yaml, assessed). widgets/plots.py, the static figure and the explorer draw
from it, so the three cannot disagree."""

from __future__ import annotations

from .numbers import round_half_away


def curve_points(mmol2_l2: float, x_min: float, x_max: float, y_max: float, step: float) -> list[list[float]]:
    """[[phosphate, calcium]] on Ca x P = mmol2_l2 (SI) from x_min (or where the curve enters
    below y_max) to x_max, every `step`, rounded to 3 decimals."""
    start = max(x_min, mmol2_l2 / y_max)
    n = int((x_max - start) / step + 1e-9)
    xs = [start + i * step for i in range(n + 1)]
    if xs[-1] < x_max - 1e-9:
        xs.append(x_max)
    return [[round_half_away(x, 3), round_half_away(mmol2_l2 / x, 3)] for x in xs]


def ca_p_plane(rules: dict | None = None, with_points: bool = True) -> dict:
    """{x, y: axis specs (analyte, label, unit, min, max, tick_step),
    reference_box: {x: [low, high], y: [low, high]} (default ranges, SI),
    curves: [{id, mg2_dl2, mmol2_l2, label, cite, points: [[phosphate, calcium], ...]}],
    vignettes: [{id, title, taught, calcium, phosphate, ca_x_p_mg2_dl2}]} (with_points)."""
    from . import presets as _presets
    from .knowledge import knowledge
    from .model import assess

    rules = rules or knowledge()
    spec = rules["plots"]["ca_p_plane"]
    ca_x_p = rules["bands"]["cap"]
    factor = ca_x_p["mg_factor_calcium"] * ca_x_p["mg_factor_phosphate"]
    axes = {}
    for axis in ("x", "y"):
        a = dict(spec[axis])
        a["unit"] = rules["units"]["analytes"][a["analyte"]]["canonical"]
        axes[axis] = a
    x, y = axes["x"], axes["y"]
    curves = []
    for line_id, line in ca_x_p["lines"].items():
        mmol = line["mg2_dl2"] / factor
        curves.append(
            {
                "id": line_id,
                "mg2_dl2": line["mg2_dl2"],
                "mmol2_l2": round_half_away(mmol, ca_x_p["decimals_mmol"]),
                "label": line["label"],
                "cite": list(line["cite"]),
                "points": curve_points(mmol, x["min"], x["max"], y["max"], spec["curve_step"]),
            }
        )
    out = {
        "x": x,
        "y": y,
        "reference_box": {
            axis: [
                rules["ranges"][axes[axis]["analyte"]]["low"],
                rules["ranges"][axes[axis]["analyte"]]["high"],
            ]
            for axis in ("x", "y")
        },
        "curves": curves,
        "vignettes": [],
    }
    if with_points:
        for p in _presets():
            d = assess(p["scenario"], rules=rules).to_dict()["derived"]
            if d["calcium_for_bands"] and "phosphate" in d["values"]:
                out["vignettes"].append(
                    {
                        "id": p["id"],
                        "title": p["title"],
                        "taught": p["taught"],
                        "calcium": d["calcium_for_bands"]["mmol/L"],
                        "phosphate": d["values"]["phosphate"]["mmol/L"],
                        "ca_x_p_mg2_dl2": d["ca_x_p"]["mg2/dL2"],
                    }
                )
    return out
