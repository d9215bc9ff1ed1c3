"""Derived laboratory values and the assessment of a scenario (mirrored by clinical.js).

The evaluator is deliberately small: it computes the derived values and bands, turns the
scenario into facts, evaluates the composite facts and the rules of the knowledge data, and
ranks the conditions. All arithmetic is written in the same order as in the browser module,
and every derived number is rounded with numbers.round_scaled, so both give identical output.
"""

from __future__ import annotations

import copy
import math

from .errors import ValidationError
from .numbers import fmt, round_half_away, round_scaled
from .scenario import Scenario, _number, ascii_lower, fill, from_canonical, msg, parse_scenario, resolve_unit, to_canonical, type_name, code_point_key


class Assessment:
    """The result of assess(); `.to_dict()` is JSON-serialisable."""

    def __init__(self, data: dict):
        self._data = data

    def to_dict(self) -> dict:
        return copy.deepcopy(self._data)

    @property
    def conditions(self) -> list:
        return self._data["conditions"]

    @property
    def lookalikes(self) -> list:
        return self._data["lookalikes"]

    @property
    def derived(self) -> dict:
        return self._data["derived"]

    @property
    def warnings(self) -> list:
        return self._data["warnings"]

    def __repr__(self) -> str:
        top = self._data["conditions"][0]
        return f"Assessment(top={top['id']!r}, verdict={top['verdict']!r})"


# ----------------------------------------------------------------------------- expressions
def evaluate(expr, facts: dict):
    """Three-valued evaluation: True, False or None (unknown)."""
    if isinstance(expr, str):
        return facts[expr]
    if "all" in expr:
        vals = [evaluate(e, facts) for e in expr["all"]]
        if any(v is False for v in vals):
            return False
        return None if any(v is None for v in vals) else True
    if "any" in expr:
        vals = [evaluate(e, facts) for e in expr["any"]]
        if any(v is True for v in vals):
            return True
        return None if any(v is None for v in vals) else False
    if "not" in expr:
        v = evaluate(expr["not"], facts)
        return None if v is None else (not v)
    v = facts[expr["fact"]]
    if v is None:
        return None
    if "in" in expr:
        return v in expr["in"]
    ok = True
    if "min" in expr and not v >= expr["min"]:
        ok = False
    if "max" in expr and not v <= expr["max"]:
        ok = False
    if "below" in expr and not v < expr["below"]:
        ok = False
    if "above" in expr and not v > expr["above"]:
        ok = False
    return ok


# ----------------------------------------------------------------------------- ranges
def resolve_ranges(k: dict, ranges) -> dict:
    """Default ranges with local overrides applied, canonical units:
    {analyte: {low, high, source}}. Raises ValidationError for a bad override."""
    out = {a: {"low": float(r["low"]), "high": float(r["high"]), "source": "default"} for a, r in k["ranges"].items()}
    if ranges is None:
        return out
    errors: list[dict] = []
    analytes = k["units"]["analytes"]
    if not isinstance(ranges, dict):
        raise ValidationError([{"field": "ranges", "message": msg(k, "not_mapping", type=type_name(ranges))}])
    if any(not isinstance(key, str) for key in ranges):
        errors.append({"field": "ranges", "message": msg(k, "key_not_text")})
    for key in sorted((key for key in ranges if isinstance(key, str) and key not in k["ranges"]), key=code_point_key):
        errors.append({"field": f"ranges.{key}", "message": msg(k, "range_analyte", key=key, accepted=", ".join(k["ranges"]))})
    for a in k["ranges"]:
        if a not in ranges or ranges[a] is None:
            continue
        where = f"ranges.{a}"
        r = ranges[a]
        if not isinstance(r, dict):
            errors.append({"field": where, "message": msg(k, "range_not_mapping", type=type_name(r))})
            continue
        nonstr = any(not isinstance(key, str) for key in r)
        unknown = sorted((key for key in r if isinstance(key, str) and key not in ("low", "high", "unit")), key=code_point_key)
        if nonstr:
            errors.append({"field": where, "message": msg(k, "key_not_text")})
        for key in unknown:
            errors.append({"field": f"{where}.{key}", "message": msg(k, "unknown_key", key=key, accepted="low, high, unit")})
        if nonstr or unknown:
            continue
        vals = {}
        for bound in ("low", "high"):
            f, problem = _number(r.get(bound))
            if problem == "not_number":
                errors.append({"field": f"{where}.{bound}", "message": msg(k, "not_number", type=type_name(r.get(bound)))})
            elif problem:
                errors.append({"field": f"{where}.{bound}", "message": msg(k, problem)})
            else:
                vals[bound] = f
        unit = r.get("unit", k["ranges"][a]["unit"])
        spec = analytes[a]
        if not isinstance(unit, str):
            errors.append({"field": f"{where}.unit", "message": msg(k, "not_text", type=type_name(unit))})
            continue
        resolved, reason = resolve_unit(k, a, unit)
        if resolved is None:
            text = msg(k, "unknown_unit", unit=unit, label=spec["label"], accepted=", ".join(spec["units"])) if reason == "unknown" else reason
            errors.append({"field": f"{where}.unit", "message": text})
            continue
        if len(vals) < 2:
            continue
        if vals["low"] < 0 or vals["high"] < 0:
            bound = "low" if vals["low"] < 0 else "high"
            errors.append({"field": f"{where}.{bound}", "message": msg(k, "negative", value=fmt(vals[bound]))})
            continue
        if not vals["low"] < vals["high"]:
            errors.append({"field": where, "message": msg(k, "range_order", low=fmt(vals["low"]), high=fmt(vals["high"]))})
            continue
        out[a] = {"low": to_canonical(k, a, vals["low"], resolved), "high": to_canonical(k, a, vals["high"], resolved), "source": "local"}
    if errors:
        raise ValidationError(errors)
    return out


# ----------------------------------------------------------------------------- assessment
def _all_units(k, analyte, canonical_value):
    units = k["units"]["analytes"][analyte]["units"]
    return {u: round_half_away(from_canonical(k, analyte, canonical_value, u), spec["decimals"]) for u, spec in units.items()}


def _band(k, band, value, rng, facts):
    """{id, label} of the band `value` (canonical float or None) falls in, or None."""
    if "override" in band and facts.get(band["override"]["when"]) is True:
        return {"id": band["override"]["id"], "label": band["override"]["label"]}
    if value is None:
        return None
    d = band["decimals"]
    scaled = round_scaled(value, d)
    for b in band["bands"]:
        if "below" in b or "upto" in b:
            bound = b.get("below", b.get("upto"))
            limit = rng[bound["ref"]] if isinstance(bound, dict) else bound
            lim = round_scaled(limit, d)
            if ("below" in b and scaled < lim) or ("upto" in b and scaled <= lim):
                return {"id": b["id"], "label": b["label"]}
        else:
            return {"id": b["id"], "label": b["label"]}
    return None


def _unit_text(k, analyte):
    return k["units"]["analytes"][analyte]["canonical"]


def assess_dict(sc: Scenario, k: dict, ranges=None) -> dict:
    rng = resolve_ranges(k, ranges)
    an = k["units"]["analytes"]
    labs = {a: sc.labs[a]["canonical"] for a in an if a in sc.labs}
    warnings: list[dict] = []

    # ---- patient and lab warnings
    pspec = k["units"]["patient"]
    age = sc.patient.get("age")
    if age is not None and age < pspec["age"]["usual"][0]:
        warnings.append({"field": "patient.age", "message": k["messages"]["warnings"]["child"]})
    for key in ("age", "bmi"):
        v = sc.patient.get(key)
        lo, hi = pspec[key]["usual"]
        if v is None:
            continue
        if v > hi or (key == "bmi" and v < lo):
            warnings.append({"field": f"patient.{key}", "message": _w(k, "patient_unusual", value=fmt(v), unit=pspec[key]["unit"],
                                                                      label=pspec[key]["label"], min=fmt(lo), max=fmt(hi))})
    for a, spec in an.items():
        if a not in sc.labs:
            continue
        lab = sc.labs[a]
        c = lab["canonical"]
        lo, hi = spec["usual"]
        if c < lo or c > hi:
            dec = spec["units"][lab["unit"]]["decimals"]
            warnings.append({"field": f"labs.{a}.value", "message": _w(
                k, "unusual", value=fmt(lab["value"]), unit=lab["unit"], label=spec["label"],
                min=fmt(round_half_away(from_canonical(k, a, lo, lab["unit"]), dec)),
                max=fmt(round_half_away(from_canonical(k, a, hi, lab["unit"]), dec)))})

    # ---- facts from the scenario
    facts: dict = {}
    for item in k["vocabulary"]["items"]:
        g, i = item["group"], item["id"]
        if g == "history":
            facts[f"history.{i}"] = i in sc.history
        elif g == "finding":
            facts[f"finding.{i}"] = i in sc.findings
        else:
            facts[f"histology.{i}"] = i in sc.histology
    facts["sex"] = sc.patient.get("sex")
    facts["age"] = sc.patient.get("age")
    facts["bmi"] = sc.patient.get("bmi")
    facts["warfarin_days"] = sc.history["warfarin"].get("days") if "warfarin" in sc.history else None

    # ---- derived values
    bands_k = k["bands"]
    bands = bands_k["bands"]
    payne = bands_k["payne"]
    ca, alb, p = labs.get("calcium"), labs.get("albumin"), labs.get("phosphate")
    albumin_band = _band(k, bands["albumin"], alb, rng["albumin"], facts) if "albumin" in bands else None
    corrected = None
    if ca is not None and alb is not None:
        corrected = ca + payne["coefficient"] * (payne["pivot_albumin"] - alb)
    cab, basis = None, None
    if ca is not None:
        if corrected is None:
            cab, basis = ca, "measured"
            warnings.append({"field": "labs.albumin", "message": k["messages"]["warnings"]["not_corrected"]})
        elif albumin_band is not None and albumin_band["id"] == "high":
            cab, basis = ca, "measured"
            warnings.append({"field": "labs.albumin", "message": k["messages"]["warnings"]["albumin_high"]})
        else:
            cab, basis = corrected, "corrected"
    cap = bands_k["cap"]
    cap_mmol = cap_mg = None
    if cab is not None and p is not None:
        cap_mmol = cab * p
        cap_mg = (cab * cap["mg_factor_calcium"]) * (p * cap["mg_factor_phosphate"])
    pth_x_uln = None
    if labs.get("pth") is not None:
        pth_x_uln = labs["pth"] / rng["pth"]["high"]
    sources = {"calcium_for_bands": cab, "phosphate": p, "albumin": alb, "cap_mg": cap_mg,
               "egfr": labs.get("egfr"), "pth": labs.get("pth"), "pth_x_uln": pth_x_uln, "vitamin_d": labs.get("vitamin_d")}
    source_range = {"calcium_for_bands": "calcium", "phosphate": "phosphate", "albumin": "albumin", "pth": "pth", "vitamin_d": "vitamin_d"}
    band_out = {}
    for name, band in bands.items():
        r = rng.get(source_range.get(band["source"], ""), {})
        band_out[name] = _band(k, band, sources[band["source"]], r, facts)
    for fname, spec in k["facts"]["computed"].items():
        if "band" in spec:
            b = band_out[spec["band"]]
            facts[fname] = b["id"] if b else None
    if facts.get("history.dialysis") and "egfr" in sc.labs:
        warnings.append({"field": "labs.egfr.value", "message": _w(k, "dialysis_egfr", value=fmt(sc.labs["egfr"]["value"]))})
    for a in k["ranges"]:
        if rng[a]["source"] == "local":
            dec = an[a]["units"][_unit_text(k, a)]["decimals"]
            warnings.append({"field": f"ranges.{a}", "message": _w(k, "local_range", label=an[a]["label"],
                                                                     low=fmt(round_half_away(rng[a]["low"], dec)),
                                                                     high=fmt(round_half_away(rng[a]["high"], dec)),
                                                                     unit=_unit_text(k, a))})

    # ---- composites
    flags = {}
    for name, comp in k["facts"]["composites"].items():
        facts[name] = evaluate(comp["when"], facts)
        flags[name] = facts[name]

    derived = {
        "values": {a: _all_units(k, a, labs[a]) for a in an if a in labs},
        "corrected_calcium": None,
        "calcium_for_bands": None,
        "ca_x_p": None,
        "pth_x_uln": None if pth_x_uln is None else round_half_away(pth_x_uln, bands_k["decimals"]["pth_x_uln"]),
        "gfr_category": band_out["gfr"]["id"] if band_out.get("gfr") else None,
        "bands": band_out,
        "ranges": {},
        "flags": flags,
    }
    if corrected is not None:
        cc = _all_units(k, "calcium", corrected)
        caveats = [cv["text"] for cv in payne["caveats"] if evaluate(cv["when"], facts) is True]
        caveats.append(payne["always"])
        cc["caveats"] = caveats
        derived["corrected_calcium"] = cc
    if cab is not None:
        cb = {"basis": basis}
        cb.update(_all_units(k, "calcium", cab))
        derived["calcium_for_bands"] = cb
    if cap_mmol is not None:
        derived["ca_x_p"] = {"mmol2/L2": round_half_away(cap_mmol, cap["decimals_mmol"]),
                             "mg2/dL2": round_half_away(cap_mg, cap["decimals_mg"]), "basis": basis}
    for a, r in rng.items():
        dec = an[a]["units"][_unit_text(k, a)]["decimals"]
        derived["ranges"][a] = {"low": round_half_away(r["low"], dec), "high": round_half_away(r["high"], dec),
                                "unit": _unit_text(k, a), "source": r["source"]}

    # ---- rules
    targets = {}
    for c in k["conditions"]:
        targets[c["id"]] = {"score": 0, "reasons": [], "caps": [], "missing": []}
    for la in k["lookalikes"]:
        targets[la["id"]] = {"score": 0, "reasons": [], "caps": [], "missing": []}
    for rule in k["rules"]:
        t = targets[rule["target"]]
        v = evaluate(rule["when"], facts)
        if v is None:
            if "unknown" in rule:
                _add_unique(t["missing"], rule["unknown"])
            continue
        if v is False:
            continue
        if "hint" in rule:
            _add_unique(t["missing"], rule["text"])
            continue
        reason = {"rule": rule["id"], "text": rule["text"], "cite": list(rule["cite"]), "beyond": bool(rule.get("beyond", False))}
        if "points" in rule:
            t["score"] += rule["points"]
            reason["points"] = rule["points"]
            reason["cap"] = None
        else:
            t["caps"].append(rule["cap"])
            reason["points"] = None
            reason["cap"] = rule["cap"]
        t["reasons"].append(reason)

    verdict_ids = [v["id"] for v in k["verdicts"]]
    verdict_label = {v["id"]: v["label"] for v in k["verdicts"]}
    conditions = []
    not_judged = []
    for d_id, d in k["messages"]["derived"].items():
        lacking = any(lab not in sc.labs for lab in d["needs"])
        if lacking and "unless" in d and facts.get(d["unless"]) is True:
            lacking = False
        if lacking:
            not_judged.append({"id": d_id, "label": d["label"], "reason": d["text"]})
    for order, c in enumerate(k["conditions"]):
        t = targets[c["id"]]
        verdict = "unlikely"
        for v in k["verdicts"]:
            if "min_score" in v and t["score"] >= v["min_score"]:
                verdict = v["id"]
                break
        for capv in t["caps"]:
            if verdict_ids.index(capv) > verdict_ids.index(verdict):
                verdict = capv
        missing = list(t["missing"])
        if verdict == "unlikely":
            unknown_needs = [n for n in c["needs"] if facts[n] is None]
            if unknown_needs:
                verdict = "not-judged"
                texts = []
                for n in unknown_needs:
                    text = k["facts"]["composites"][n].get("missing", k["facts"]["composites"][n]["label"])
                    _add_unique(missing, text)
                    texts.append(text)
                not_judged.append({"id": c["id"], "label": c["name"],
                                   "reason": k["messages"]["condition_not_judged"].replace("{missing}", "; ".join(texts))})
        conditions.append({"id": c["id"], "name": c["name"], "verdict": verdict, "verdict_label": verdict_label[verdict],
                           "score": t["score"], "reasons": t["reasons"], "confirm": c["confirm"], "missing": missing,
                           "_order": order})
    conditions.sort(key=lambda x: (verdict_ids.index(x["verdict"]), -x["score"], x["_order"]))
    for x in conditions:
        del x["_order"]
    lookalikes = []
    for order, la in enumerate(k["lookalikes"]):
        t = targets[la["id"]]
        if t["score"] >= k["lookalike_suggest_at"]:
            lookalikes.append({"id": la["id"], "name": la["name"], "score": t["score"], "reasons": t["reasons"],
                               "distinguish": la["distinguish"], "_order": order})
    lookalikes.sort(key=lambda x: (-x["score"], x["_order"]))
    for x in lookalikes:
        del x["_order"]

    top = conditions[0]
    phrase = {v["id"]: v["phrase"] for v in k["verdicts"]}
    if top["verdict"] in ("unlikely", "not-judged"):
        summary = "No condition is more than unlikely on these data."
    else:
        summary = f"The findings are {phrase[top['verdict']]} {ascii_lower(top['name'])}."
    return {
        "education_note": k["education_note"],
        "summary": summary,
        "derived": derived,
        "conditions": conditions,
        "lookalikes": lookalikes,
        "warnings": warnings,
        "not_judged": not_judged,
    }


def _w(k, key, **kw):
    return fill(k["messages"]["warnings"][key], kw)


def _add_unique(lst, text):
    if text not in lst:
        lst.append(text)


def assess(scenario, ranges=None, k: dict | None = None) -> Assessment:
    """Assess a scenario (a Scenario or a mapping) against the six conditions.
    `ranges` replaces default reference ranges: {analyte: {low, high, unit}}.
    Raises ValidationError (a ClinicalError) for invalid input."""
    if k is None:
        from .knowledge import knowledge

        k = knowledge()
    sc = scenario if isinstance(scenario, Scenario) else parse_scenario(scenario, k)
    return Assessment(assess_dict(sc, k, ranges))


def convert(value, from_unit: str, to_unit: str, analyte: str, k: dict | None = None) -> float:
    """Convert `value` of `analyte` between units (unrounded). Raises ValidationError for an
    unknown analyte or unit, or a value that is not a finite number."""
    if k is None:
        from .knowledge import knowledge

        k = knowledge()
    analytes = k["units"]["analytes"]
    if analyte not in analytes:
        raise ValidationError([{"field": "analyte", "message": msg(k, "bad_choice", value=analyte, accepted=", ".join(analytes))}])
    f, problem = _number(value)
    if problem:
        raise ValidationError([{"field": "value", "message": msg(k, problem, type=type_name(value))}])
    spec = analytes[analyte]
    units = []
    for where, u in (("from_unit", from_unit), ("to_unit", to_unit)):
        if not isinstance(u, str):
            raise ValidationError([{"field": where, "message": msg(k, "not_text", type=type_name(u))}])
        resolved, reason = resolve_unit(k, analyte, u)
        if resolved is None:
            text = msg(k, "unknown_unit", unit=u, label=spec["label"], accepted=", ".join(spec["units"])) if reason == "unknown" else reason
            raise ValidationError([{"field": where, "message": text}])
        units.append(resolved)
    return from_canonical(k, analyte, to_canonical(k, analyte, f, units[0]), units[1])


def corrected_calcium(calcium, albumin, calcium_unit: str = "mmol/L", albumin_unit: str = "g/L",
                      k: dict | None = None) -> float:
    """Payne albumin-corrected total calcium, in `calcium_unit` (unrounded).
    Ca(mmol/L) + 0.02 x (40 - albumin g/L); equivalently Ca(mg/dL) + 0.8 x (4.0 - albumin g/dL).
    Unreliable in CKD, critical illness and with high albumin; ionised calcium is the reference."""
    if k is None:
        from .knowledge import knowledge

        k = knowledge()
    payne = k["bands"]["payne"]
    ca = convert(calcium, calcium_unit, "mmol/L", "calcium", k)
    alb = convert(albumin, albumin_unit, "g/L", "albumin", k)
    corr = ca + payne["coefficient"] * (payne["pivot_albumin"] - alb)
    return convert(corr, "mmol/L", calcium_unit, "calcium", k)
