"""The assessment of a scenario, in stages (mirrored stage by stage by clinical.js):

    resolve_ranges   the reference ranges in use (defaults, or a local laboratory's)
    parse_scenario   validate the input (scenario.py)
    input_warnings   possible but unusual input
    scenario_facts   the facts the scenario states (vocabulary items, patient, warfarin days)
    derive           derived values (corrected calcium, Ca x P, PTH multiple), bands, composites
    judge            the rules: each condition's and look-alike's score, reasons and verdict
    summarise        the headline

`assess` composes them. All arithmetic is written in the same order as in the browser module,
and every derived number is rounded with numbers.round_scaled, so both give identical output.
"""

from __future__ import annotations

import copy

from .errors import ValidationError
from .messages import ascii_lower, code_point_key, error, fill, type_name, warning_message
from .numbers import as_number, fmt, round_half_away, round_scaled
from .scenario import Scenario, parse_scenario, sections
from .units import convert, from_canonical, to_canonical, unit_problem


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


# ----------------------------------------------------------------------------- stage: ranges
def _local_range(rules: dict, analyte: str, r, errors: list) -> dict | None:
    """One local range {low, high, unit} as canonical {low, high, source}, or None (errors added)."""
    where = f"ranges.{analyte}"
    if not isinstance(r, dict):
        errors.append(error(rules, where, "range_not_mapping", type=type_name(r)))
        return None
    nonstr = any(not isinstance(key, str) for key in r)
    unknown = sorted(
        (key for key in r if isinstance(key, str) and key not in ("low", "high", "unit")), key=code_point_key
    )
    if nonstr:
        errors.append(error(rules, where, "key_not_text"))
    for key in unknown:
        errors.append(error(rules, f"{where}.{key}", "unknown_key", key=key, accepted="low, high, unit"))
    if nonstr or unknown:
        return None
    vals = {}
    for bound in ("low", "high"):
        f, problem = as_number(r.get(bound))
        if problem:
            errors.append(error(rules, f"{where}.{bound}", problem, type=type_name(r.get(bound))))
        else:
            vals[bound] = f
    resolved, err = unit_problem(
        rules, analyte, r.get("unit", rules["ranges"][analyte]["unit"]), f"{where}.unit"
    )
    if err:
        errors.append(err)
        return None
    if len(vals) < 2:
        return None
    if vals["low"] < 0 or vals["high"] < 0:
        bound = "low" if vals["low"] < 0 else "high"
        errors.append(error(rules, f"{where}.{bound}", "negative", value=fmt(vals[bound])))
        return None
    if not vals["low"] < vals["high"]:
        errors.append(error(rules, where, "range_order", low=fmt(vals["low"]), high=fmt(vals["high"])))
        return None
    return {
        "low": to_canonical(rules, analyte, vals["low"], resolved),
        "high": to_canonical(rules, analyte, vals["high"], resolved),
        "source": "local",
    }


def resolve_ranges(rules: dict, ranges) -> dict:
    """Default ranges with local overrides applied, canonical units:
    {analyte: {low, high, source}}. Raises ValidationError for a bad override."""
    out = {
        a: {"low": float(r["low"]), "high": float(r["high"]), "source": "default"}
        for a, r in rules["ranges"].items()
    }
    if ranges is None:
        return out
    if not isinstance(ranges, dict):
        raise ValidationError([error(rules, "ranges", "not_mapping", type=type_name(ranges))])
    errors: list[dict] = []
    if any(not isinstance(key, str) for key in ranges):
        errors.append(error(rules, "ranges", "key_not_text"))
    for key in sorted(
        (key for key in ranges if isinstance(key, str) and key not in rules["ranges"]), key=code_point_key
    ):
        errors.append(
            error(rules, f"ranges.{key}", "range_analyte", key=key, accepted=", ".join(rules["ranges"]))
        )
    for a in rules["ranges"]:
        if ranges.get(a) is not None:
            local = _local_range(rules, a, ranges[a], errors)
            if local is not None:
                out[a] = local
    if errors:
        raise ValidationError(errors)
    return out


# ----------------------------------------------------------------------------- stage: input warnings
def _shown(rules, analyte, canonical_value, unit):
    dec = rules["units"]["analytes"][analyte]["units"][unit]["decimals"]
    return fmt(round_half_away(from_canonical(rules, analyte, canonical_value, unit), dec))


def input_warnings(rules: dict, sc: Scenario, ref_ranges: dict) -> list[dict]:
    """Possible but unusual input: a child, an unusual age or BMI, an unusual lab value, a local range."""
    warnings: list[dict] = []
    pspec = rules["units"]["patient"]
    age = sc.patient.get("age")
    if age is not None and age < pspec["age"]["usual"][0]:
        warnings.append({"field": "patient.age", "message": rules["messages"]["warnings"]["child"]})
    for key in ("age", "bmi"):
        v = sc.patient.get(key)
        lo, hi = pspec[key]["usual"]
        if v is not None and (v > hi or (key == "bmi" and v < lo)):
            warnings.append(
                {
                    "field": f"patient.{key}",
                    "message": warning_message(
                        rules,
                        "patient_unusual",
                        value=fmt(v),
                        unit=pspec[key]["unit"],
                        label=pspec[key]["label"],
                        min=fmt(lo),
                        max=fmt(hi),
                    ),
                }
            )
    for a, spec in rules["units"]["analytes"].items():
        lab = sc.labs.get(a)
        lo, hi = spec["usual"]
        if lab is not None and (lab["canonical"] < lo or lab["canonical"] > hi):
            warnings.append(
                {
                    "field": f"labs.{a}.value",
                    "message": warning_message(
                        rules,
                        "unusual",
                        value=fmt(lab["value"]),
                        unit=lab["unit"],
                        label=spec["label"],
                        min=_shown(rules, a, lo, lab["unit"]),
                        max=_shown(rules, a, hi, lab["unit"]),
                    ),
                }
            )
    for a, r in ref_ranges.items():
        if r["source"] == "local":
            unit = rules["units"]["analytes"][a]["canonical"]
            warnings.append(
                {
                    "field": f"ranges.{a}",
                    "message": warning_message(
                        rules,
                        "local_range",
                        label=rules["units"]["analytes"][a]["label"],
                        low=_shown(rules, a, r["low"], unit),
                        high=_shown(rules, a, r["high"], unit),
                        unit=unit,
                    ),
                }
            )
    return warnings


# ----------------------------------------------------------------------------- stage: facts
def scenario_facts(rules: dict, sc: Scenario) -> dict:
    """The facts the scenario states: <group>.<item> for every vocabulary item, sex, age, BMI
    and warfarin days (None when not recorded)."""
    facts: dict = {}
    present = {group: getattr(sc, section) for section, group in sections(rules)}
    for item in rules["vocabulary"]["items"]:
        facts[f"{item['group']}.{item['id']}"] = item["id"] in present[item["group"]]
    facts["sex"] = sc.patient.get("sex")
    facts["age"] = sc.patient.get("age")
    facts["bmi"] = sc.patient.get("bmi")
    facts["warfarin_days"] = sc.history["warfarin"].get("days") if "warfarin" in sc.history else None
    return facts


# ----------------------------------------------------------------------------- stage: derived values
def _all_units(rules, analyte, canonical_value):
    units = rules["units"]["analytes"][analyte]["units"]
    return {
        u: round_half_away(from_canonical(rules, analyte, canonical_value, u), spec["decimals"])
        for u, spec in units.items()
    }


def _bound_value(rules, bound, ref_range):
    if not isinstance(bound, dict):
        return bound
    if "line" in bound:
        return rules["bands"]["cap"]["lines"][bound["line"]]["mg2_dl2"]
    return ref_range[bound["ref"]]


def band_of(rules: dict, band: dict, value, ref_ranges: dict, facts: dict):
    """{id, label} of the band `value` (canonical float or None) falls in, or None."""
    if "override" in band and facts.get(band["override"]["when"]) is True:
        return {"id": band["override"]["id"], "label": band["override"]["label"]}
    if value is None:
        return None
    d = band["decimals"]
    scaled = round_scaled(value, d)
    ref_range = ref_ranges.get(band.get("range", ""), {})
    for b in band["bands"]:
        if "below" not in b and "upto" not in b:
            return {"id": b["id"], "label": b["label"]}
        lim = round_scaled(_bound_value(rules, b.get("below", b.get("upto")), ref_range), d)
        if ("below" in b and scaled < lim) or ("upto" in b and scaled <= lim):
            return {"id": b["id"], "label": b["label"]}
    return None


def _calcium_basis(rules, labs, ref_ranges, facts, warnings):
    """(Payne-corrected calcium or None, calcium used for bands or None, its basis)."""
    payne = rules["bands"]["payne"]
    ca, alb = labs.get("calcium"), labs.get("albumin")
    corrected = None
    if ca is not None and alb is not None:
        corrected = ca + payne["coefficient"] * (payne["pivot_albumin"] - alb)
    if ca is None:
        return corrected, None, None
    if corrected is None:
        warnings.append({"field": "labs.albumin", "message": rules["messages"]["warnings"]["not_corrected"]})
        return corrected, ca, "measured"
    albumin_band = band_of(rules, rules["bands"]["bands"]["albumin"], alb, ref_ranges, facts)
    if albumin_band is not None and albumin_band["id"] == "high":
        warnings.append({"field": "labs.albumin", "message": rules["messages"]["warnings"]["albumin_high"]})
        return corrected, ca, "measured"
    return corrected, corrected, "corrected"


def derive(rules: dict, sc: Scenario, ref_ranges: dict, facts: dict) -> tuple[dict, list[dict]]:
    """Derived values and bands; adds the band facts and the composites to `facts`.
    Returns (derived, warnings)."""
    warnings: list[dict] = []
    analytes = rules["units"]["analytes"]
    bands_spec = rules["bands"]
    ca_x_p_spec = bands_spec["cap"]
    labs = {a: sc.labs[a]["canonical"] for a in analytes if a in sc.labs}
    corrected, ca_bands, basis = _calcium_basis(rules, labs, ref_ranges, facts, warnings)
    p = labs.get("phosphate")
    ca_x_p_mmol = ca_x_p_mg = None
    if ca_bands is not None and p is not None:
        ca_x_p_mmol = ca_bands * p
        ca_x_p_mg = (ca_bands * ca_x_p_spec["mg_factor_calcium"]) * (p * ca_x_p_spec["mg_factor_phosphate"])
    pth_x_uln = None if labs.get("pth") is None else labs["pth"] / ref_ranges["pth"]["high"]
    sources = {
        "calcium_for_bands": ca_bands,
        "phosphate": p,
        "albumin": labs.get("albumin"),
        "cap_mg": ca_x_p_mg,
        "egfr": labs.get("egfr"),
        "pth": labs.get("pth"),
        "pth_x_uln": pth_x_uln,
        "vitamin_d": labs.get("vitamin_d"),
    }
    band_out = {
        name: band_of(rules, band, sources[band["source"]], ref_ranges, facts)
        for name, band in bands_spec["bands"].items()
    }
    for name, spec in rules["facts"]["computed"].items():
        if "band" in spec:
            facts[name] = band_out[spec["band"]]["id"] if band_out[spec["band"]] else None
    if facts.get("history.dialysis") and "egfr" in sc.labs:
        warnings.append(
            {
                "field": "labs.egfr.value",
                "message": warning_message(rules, "dialysis_egfr", value=fmt(sc.labs["egfr"]["value"])),
            }
        )
    flags = {}
    for name, comp in rules["facts"]["composites"].items():
        facts[name] = flags[name] = evaluate(comp["when"], facts)

    derived = {
        "values": {a: _all_units(rules, a, labs[a]) for a in analytes if a in labs},
        "corrected_calcium": None,
        "calcium_for_bands": None,
        "ca_x_p": None,
        "pth_x_uln": None
        if pth_x_uln is None
        else round_half_away(pth_x_uln, bands_spec["decimals"]["pth_x_uln"]),
        "gfr_category": band_out["gfr"]["id"] if band_out.get("gfr") else None,
        "bands": band_out,
        "ranges": {},
        "flags": flags,
    }
    if corrected is not None:
        cc = _all_units(rules, "calcium", corrected)
        payne = bands_spec["payne"]
        cc["caveats"] = [cv["text"] for cv in payne["caveats"] if evaluate(cv["when"], facts) is True] + [
            payne["always"]
        ]
        derived["corrected_calcium"] = cc
    if ca_bands is not None:
        derived["calcium_for_bands"] = {"basis": basis, **_all_units(rules, "calcium", ca_bands)}
    if ca_x_p_mmol is not None:
        derived["ca_x_p"] = {
            "mmol2/L2": round_half_away(ca_x_p_mmol, ca_x_p_spec["decimals_mmol"]),
            "mg2/dL2": round_half_away(ca_x_p_mg, ca_x_p_spec["decimals_mg"]),
            "basis": basis,
        }
    for a, r in ref_ranges.items():
        unit = analytes[a]["canonical"]
        dec = analytes[a]["units"][unit]["decimals"]
        derived["ranges"][a] = {
            "low": round_half_away(r["low"], dec),
            "high": round_half_away(r["high"], dec),
            "unit": unit,
            "source": r["source"],
        }
    return derived, warnings


# ----------------------------------------------------------------------------- stage: verdicts
def _apply_rules(rules: dict, facts: dict) -> dict:
    """{target id: {score, reasons, caps, missing}} from every rule whose condition holds."""
    targets = {
        t["id"]: {"score": 0, "reasons": [], "caps": [], "missing": []}
        for t in rules["conditions"] + rules["lookalikes"]
    }
    for rule in rules["rules"]:
        t = targets[rule["target"]]
        v = evaluate(rule["when"], facts)
        if v is None and "unknown" in rule:
            _add_unique(t["missing"], rule["unknown"])
        if v is not True:
            continue
        if "hint" in rule:
            _add_unique(t["missing"], rule["text"])
            continue
        reason = {
            "rule": rule["id"],
            "text": rule["text"],
            "cite": list(rule["cite"]),
            "beyond": bool(rule.get("beyond", False)),
            "points": rule.get("points"),
            "cap": rule.get("cap"),
        }
        if "points" in rule:
            t["score"] += rule["points"]
        else:
            t["caps"].append(rule["cap"])
        t["reasons"].append(reason)
    return targets


def _not_judged_derived(rules: dict, sc: Scenario, facts: dict) -> list[dict]:
    out = []
    for d_id, d in rules["messages"]["derived"].items():
        lacking = any(lab not in sc.labs for lab in d["needs"])
        if lacking and "unless" in d and facts.get(d["unless"]) is True:
            lacking = False
        if lacking:
            out.append({"id": d_id, "label": d["label"], "reason": d["text"]})
    return out


def _verdict(rules: dict, t: dict) -> str:
    verdict_ids = [v["id"] for v in rules["verdicts"]]
    verdict = next(
        (v["id"] for v in rules["verdicts"] if "min_score" in v and t["score"] >= v["min_score"]), "unlikely"
    )
    for cap in t["caps"]:
        if verdict_ids.index(cap) > verdict_ids.index(verdict):
            verdict = cap
    return verdict


def judge(rules: dict, sc: Scenario, facts: dict) -> tuple[list, list, list]:
    """(conditions ranked, look-alikes suggested, not judged) from the rules over `facts`."""
    targets = _apply_rules(rules, facts)
    verdict_ids = [v["id"] for v in rules["verdicts"]]
    verdict_label = {v["id"]: v["label"] for v in rules["verdicts"]}
    not_judged = _not_judged_derived(rules, sc, facts)
    conditions = []
    for order, c in enumerate(rules["conditions"]):
        t = targets[c["id"]]
        verdict = _verdict(rules, t)
        missing = list(t["missing"])
        unknown_needs = [n for n in c["needs"] if facts[n] is None]
        if verdict == "unlikely" and unknown_needs:
            verdict = "not-judged"
            composites = rules["facts"]["composites"]
            texts = [composites[n].get("missing", composites[n]["label"]) for n in unknown_needs]
            for text in texts:
                _add_unique(missing, text)
            not_judged.append(
                {
                    "id": c["id"],
                    "label": c["name"],
                    "reason": fill(rules["messages"]["condition_not_judged"], {"missing": "; ".join(texts)}),
                }
            )
        conditions.append(
            {
                "id": c["id"],
                "name": c["name"],
                "verdict": verdict,
                "verdict_label": verdict_label[verdict],
                "score": t["score"],
                "reasons": t["reasons"],
                "confirm": c["confirm"],
                "missing": missing,
                "_order": order,
            }
        )
    conditions.sort(key=lambda x: (verdict_ids.index(x["verdict"]), -x["score"], x["_order"]))
    lookalikes = []
    for order, la in enumerate(rules["lookalikes"]):
        t = targets[la["id"]]
        if t["score"] >= rules["lookalike_suggest_at"]:
            lookalikes.append(
                {
                    "id": la["id"],
                    "name": la["name"],
                    "score": t["score"],
                    "reasons": t["reasons"],
                    "distinguish": la["distinguish"],
                    "_order": order,
                }
            )
    lookalikes.sort(key=lambda x: (-x["score"], x["_order"]))
    for x in conditions + lookalikes:
        del x["_order"]
    return conditions, lookalikes, not_judged


# ----------------------------------------------------------------------------- stage: summary
def summarise(rules: dict, conditions: list, lookalikes: list) -> str:
    """The headline (sentences in messages.yaml)."""
    top = conditions[0]
    sentences = rules["messages"]["summary"]
    if top["verdict"] in ("unlikely", "not-judged"):
        return sentences["none"]
    phrase = next(v["phrase"] for v in rules["verdicts"] if v["id"] == top["verdict"])
    return fill(sentences["top"], {"phrase": phrase, "name": ascii_lower(top["name"])})


def _add_unique(lst, text):
    if text not in lst:
        lst.append(text)


# ----------------------------------------------------------------------------- assess
def assess_dict(sc: Scenario, rules: dict, ranges=None) -> dict:
    """The stages composed, on a parsed scenario."""
    ref_ranges = resolve_ranges(rules, ranges)
    warnings = input_warnings(rules, sc, ref_ranges)
    facts = scenario_facts(rules, sc)
    derived, derive_warnings = derive(rules, sc, ref_ranges, facts)
    conditions, lookalikes, not_judged = judge(rules, sc, facts)
    return {
        "education_note": rules["education_note"],
        "summary": summarise(rules, conditions, lookalikes),
        "derived": derived,
        "conditions": conditions,
        "lookalikes": lookalikes,
        "warnings": warnings + derive_warnings,
        "not_judged": not_judged,
    }


def assess(scenario, ranges=None, rules: dict | None = None) -> Assessment:
    """Assess a scenario (a Scenario or a mapping) against the six conditions.
    `ranges` replaces default reference ranges: {analyte: {low, high, unit}}.
    Raises ValidationError (a ClinicalError) for invalid input."""
    if rules is None:
        from .knowledge import knowledge

        rules = knowledge()
    sc = scenario if isinstance(scenario, Scenario) else parse_scenario(scenario, rules)
    return Assessment(assess_dict(sc, rules, ranges))


def corrected_calcium(
    calcium, albumin, calcium_unit: str = "mmol/L", albumin_unit: str = "g/L", rules: dict | None = None
) -> float:
    """Payne albumin-corrected total calcium, in `calcium_unit` (unrounded).
    Ca(mmol/L) + 0.02 x (40 - albumin g/L); equivalently Ca(mg/dL) + 0.8 x (4.0 - albumin g/dL).
    Unreliable in CKD, critical illness and with high albumin; ionised calcium is the reference."""
    if rules is None:
        from .knowledge import knowledge

        rules = knowledge()
    payne = rules["bands"]["payne"]
    ca = convert(calcium, calcium_unit, "mmol/L", "calcium", rules)
    alb = convert(albumin, albumin_unit, "g/L", "albumin", rules)
    corr = ca + payne["coefficient"] * (payne["pivot_albumin"] - alb)
    return convert(corr, "mmol/L", calcium_unit, "calcium", rules)
