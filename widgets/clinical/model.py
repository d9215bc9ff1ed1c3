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
from .scenario import Scenario, other_unit_in_range, parse_scenario, sections, shape_problem
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
    if "unknown" in expr:
        return evaluate(expr["unknown"], facts) is None
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
PLAUSIBLE_FACTOR = 4


def range_problem(rules: dict, analyte: str, r: dict) -> tuple[list, str] | None:
    """Where and why a local range makes no sense, or None: the unit is missing, or a limit is
    not within PLAUSIBLE_FACTOR times around the default range (inside the accepted input), so a
    range that would make a multiple of the upper limit infinite or absurd never reaches the
    model, whether it comes from a file or from Python."""
    spec = rules["units"]["analytes"].get(analyte)
    if spec is None or not isinstance(r, dict):
        return None
    if r.get("unit") is None:
        return ["unit"], f"give the unit of this range; accepted: {', '.join(spec['units'])}"
    unit, err = unit_problem(rules, analyte, r["unit"], f"ranges.{analyte}.unit")
    if err:
        return None  # the model names the unit problem
    default = rules["ranges"].get(analyte)
    lo_c = max(default["low"] / PLAUSIBLE_FACTOR, spec["accept"][0])
    hi_c = min(default["high"] * PLAUSIBLE_FACTOR, spec["accept"][1])
    lo, hi = sorted(from_canonical(rules, analyte, v, unit) for v in (lo_c, hi_c))
    d_lo, d_hi = sorted(from_canonical(rules, analyte, default[k], unit) for k in ("low", "high"))
    for bound, word in (("low", "lower"), ("high", "upper")):
        v = r.get(bound)
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            continue  # the model names a missing or non-numeric bound
        c = to_canonical(rules, analyte, v, unit)
        if v <= 0 or not lo_c <= c <= hi_c:
            return [bound], (
                f"{fmt(v)} {unit} is not a plausible {word} limit for {spec['label']}; accepted "
                f"{fmt(lo, 3)} to {fmt(hi, 3)} {unit} "
                f"(the default range is {fmt(d_lo, 3)} to {fmt(d_hi, 3)} {unit})"
            )
    return None


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
    problem = range_problem(rules, analyte, {**r, "unit": resolved})
    if problem:
        errors.append({"field": f"{where}.{problem[0][0]}", "message": problem[1]})
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
    problem = shape_problem(rules, ranges)
    if problem:
        raise ValidationError([{"field": "ranges", "message": problem}])
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
    checks = check_values(rules, sc)
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
        flagged = any(c["analyte"] == a for c in checks)
        if lab is not None and not flagged and (lab["canonical"] < lo or lab["canonical"] > hi):
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
    warnings.extend({"field": c["field"], "message": c["message"]} for c in checks)
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


def check_values(rules: dict, sc: Scenario) -> list[dict]:
    """Values implausible in the unit given but plausible in another unit of the same analyte
    (judged against the disease ranges in units.yaml `plausible`, not the reference range):
    they look like the other unit system. [{field, analyte, value, unit, other, message}]"""
    out = []
    for a, lab in sc.labs.items():
        spec = rules["units"]["analytes"][a]
        lo, hi = spec["plausible"]
        if lo <= lab["canonical"] <= hi:
            continue
        other = other_unit_in_range(rules, a, lab["value"], lab["unit"], {"low": lo, "high": hi})
        if other:
            kw = {"label": spec["label"], "value": fmt(lab["value"]), "unit": lab["unit"], "other": other}
            out.append({
                "field": f"labs.{a}.unit", "analyte": a, "value": lab["value"], "unit": lab["unit"],
                "other": other, "message": warning_message(rules, "unit_hint", **kw),
            })  # fmt: skip
    return out


# ----------------------------------------------------------------------------- stage: facts
def scenario_facts(rules: dict, sc: Scenario) -> dict:
    """The facts the scenario states: <group>.<item> for every vocabulary item (True present,
    False examined and absent, None not recorded), whether a biopsy result is recorded, sex,
    age, BMI and warfarin days (None when not recorded)."""
    facts: dict = {}
    present = {group: getattr(sc, section) for section, group in sections(rules)}
    absent = {group: sc.absent.get(section, []) for section, group in sections(rules)}
    for item in rules["vocabulary"]["items"]:
        g, i = item["group"], item["id"]
        facts[f"{g}.{i}"] = True if i in present[g] else (False if i in absent[g] else None)
    facts["biopsy_recorded"] = bool(sc.histology or sc.absent.get("histology"))
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
def patient_values(derived: dict, facts: dict) -> dict:
    """The patient's values a reason may name ({calcium}, {phosphate}, ...), as shown text."""

    def shown(v):
        return "not recorded" if v is None else fmt(v)

    cb, cxp = derived["calcium_for_bands"], derived["ca_x_p"]
    phosphate = derived["values"].get("phosphate", {}).get("mmol/L")
    minerals = []  # only the values this patient has
    if cb:
        minerals.append(f"calcium {fmt(cb['mmol/L'])} mmol/L ({cb['basis']})")
    if phosphate is not None:
        minerals.append(f"phosphate {fmt(phosphate)} mmol/L")
    if cxp:
        minerals.append(f"Ca x P {fmt(cxp['mg2/dL2'])} mg2/dL2")
    return {
        "calcium": shown(cb["mmol/L"] if cb else None),
        "calcium_basis": cb["basis"] if cb else "not recorded",
        "phosphate": shown(phosphate),
        "ca_x_p": shown(cxp["mg2/dL2"] if cxp else None),
        "minerals": ", ".join(minerals) or "not recorded",
        "pth_x_uln": shown(derived["pth_x_uln"]),
        "gfr_category": derived["gfr_category"] or "not recorded",
        "gfr_note": f" (GFR category {derived['gfr_category']})" if derived["gfr_category"] else "",
        "warfarin_days": shown(facts["warfarin_days"]),
        "age": shown(facts["age"]),
        "bmi": shown(facts["bmi"]),
        "bmi_note": f" (BMI {fmt(facts['bmi'])})" if facts["bmi"] is not None else "",
    }


def _fired(rules: dict, expr, facts: dict, want: bool, out: list) -> None:
    """Add to `out` the labels of the recorded vocabulary items that make `expr` `want`."""
    if isinstance(expr, str):
        if facts.get(expr) is not want:
            return
        item = vocabulary_by_fact(rules).get(expr)
        if item is not None:
            label = item["label"] if want else item.get("absent_label", f"Examined, absent: {item['label']}")
            _add_unique(out, label)
        elif expr in rules["facts"]["composites"]:
            _fired(rules, rules["facts"]["composites"][expr]["when"], facts, want, out)
        return
    if "not" in expr:
        _fired(rules, expr["not"], facts, not want, out)
        return
    for key in ("all", "any"):
        for sub in expr.get(key, []):
            if evaluate(sub, facts) is want:
                _fired(rules, sub, facts, want, out)


def vocabulary_by_fact(rules: dict) -> dict:
    """{"<group>.<id>": vocabulary item}."""
    return {f"{i['group']}.{i['id']}": i for i in rules["vocabulary"]["items"]}


def _apply_rules(rules: dict, facts: dict, values: dict) -> dict:
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
        points = rule.get("points")
        found: list = []
        _fired(rules, rule["when"], facts, True, found)
        if points is None or points < 0:
            direction = "against"
        else:
            direction = "note" if points == 0 else "for"
        t["reasons"].append({
            "rule": rule["id"], "text": fill(rule["text"], values), "finding": "; ".join(found),
            "direction": direction, "cite": list(rule["cite"]), "beyond": bool(rule.get("beyond", False)),
            "points": points, "cap": rule.get("cap"),
        })  # fmt: skip
        if "cap" in rule:
            t["caps"].append(rule["cap"])
        if points is not None:
            t["score"] += points
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
    scored = [v["id"] for v in rules["verdicts"] if "min_score" in v and t["score"] >= v["min_score"]]
    verdict = scored[0] if scored else "unlikely"
    for cap in t["caps"]:
        if verdict_ids.index(cap) > verdict_ids.index(verdict):
            verdict = cap
    return verdict


def _level(rules: dict, condition: dict, verdict: str, facts: dict) -> tuple[str, dict | None]:
    """The verdict lowered until the condition meets what its level requires, and the first
    limit applied ({level, requires, text}) or None."""
    scored = [v["id"] for v in rules["verdicts"] if "min_score" in v]
    labels = {v["id"]: v["label"] for v in rules["verdicts"]}
    limit = None
    while verdict in scored:
        need = condition["levels"].get(verdict)
        if need is None or evaluate(need["when"], facts) is True:
            break
        if limit is None:
            text = fill(
                rules["messages"]["level_limit"], {"level": labels[verdict], "requires": need["text"]}
            )
            limit = {"level": verdict, "requires": need["text"], "text": text}
        i = scored.index(verdict)
        verdict = scored[i + 1] if i + 1 < len(scored) else "unlikely"
    setting = condition.get("setting")
    if setting is not None and verdict in scored[:-1] and not setting_met(setting, facts):
        if limit is None:
            kw = {"level": labels[verdict], "setting": setting["text"]}
            text = fill(rules["messages"]["setting_limit"], kw)
            limit = {"level": verdict, "requires": setting["text"], "text": text}
        verdict = scored[-1]
    return verdict, limit


def setting_met(setting: dict, facts: dict) -> bool:
    """The condition's setting holds, or what decides without it (histology) does."""
    return evaluate(setting["when"], facts) is True or (
        "unless" in setting and evaluate(setting["unless"], facts) is True
    )


def _evidence(reasons: list) -> tuple[list, list]:
    return [r for r in reasons if r["direction"] == "for"], [
        r for r in reasons if r["direction"] == "against"
    ]


def judge(rules: dict, sc: Scenario, facts: dict, derived: dict) -> tuple[list, list, list]:
    """(conditions ranked, look-alikes suggested, not judged) from the rules over `facts`."""
    targets = _apply_rules(rules, facts, patient_values(derived, facts))
    verdict_label = {v["id"]: v["label"] for v in rules["verdicts"]}
    not_judged = _not_judged_derived(rules, sc, facts)
    conditions = []
    for order, c in enumerate(rules["conditions"]):
        t = targets[c["id"]]
        verdict, limit = _level(rules, c, _verdict(rules, t), facts)
        missing = list(t["missing"])
        unknown_needs = [n for n in c["needs"] if facts[n] is None]
        if verdict == "unlikely" and unknown_needs:
            verdict = "not-judged"
            composites = rules["facts"]["composites"]
            texts = [composites[n].get("missing", composites[n]["label"]) for n in unknown_needs]
            for text in texts:
                _add_unique(missing, text)
            reason = fill(rules["messages"]["condition_not_judged"], {"missing": "; ".join(texts)})
            not_judged.append({"id": c["id"], "label": c["name"], "reason": reason})
        setting = None
        if "setting" in c:
            met = True if setting_met(c["setting"], facts) else evaluate(c["setting"]["when"], facts)
            setting = {"text": c["setting"]["text"], "met": met}
        conditions.append({
            "id": c["id"], "name": c["name"], "verdict": verdict, "verdict_label": verdict_label[verdict],
            "score": t["score"], "reasons": t["reasons"], "evidence_for": [], "evidence_against": [],
            "level_limit": limit, "setting": setting, "confirm": c["confirm"], "missing": missing,
            "_order": order,
        })  # fmt: skip
    lookalikes = []
    for order, la in enumerate(rules["lookalikes"]):
        t = targets[la["id"]]
        defined = "defining" in la and evaluate(la["defining"]["when"], facts) is True
        if t["score"] >= rules["lookalike_suggest_at"] or defined:
            lookalikes.append({
                "id": la["id"], "name": la["name"], "score": t["score"], "reasons": t["reasons"],
                "evidence_for": [], "evidence_against": [], "distinguish": la["distinguish"],
                "defining": defined, "red_flag": la.get("red_flag"), "leads": False, "_order": order,
            })  # fmt: skip
    lookalikes.sort(key=lambda x: (not x["defining"], -x["score"], x["_order"]))
    _rank(rules, conditions)
    if lookalikes and _lookalike_leads(conditions[0], lookalikes[0]):
        lookalikes[0]["leads"] = True
        _cap_below_lookalike(rules, conditions, lookalikes[0], facts)
        _rank(rules, conditions)
    for x in conditions + lookalikes:
        del x["_order"]
        x["evidence_for"], x["evidence_against"] = _evidence(x["reasons"])
    return conditions, lookalikes, not_judged


def _rank(rules: dict, conditions: list) -> None:
    verdict_ids = [v["id"] for v in rules["verdicts"]]
    conditions.sort(key=lambda x: (verdict_ids.index(x["verdict"]), -x["score"], x["_order"]))


def _cap_below_lookalike(rules: dict, conditions: list, lead: dict, facts: dict) -> None:
    """A leading look-alike: no condition stays above possible, and a condition it mimics
    (when its defining setting is present) carries the reason, named, as evidence against."""
    la = next(x for x in rules["lookalikes"] if x["id"] == lead["id"])
    scored = [v["id"] for v in rules["verdicts"] if "min_score" in v]
    label = {v["id"]: v["label"] for v in rules["verdicts"]}
    for c in conditions:
        if lead["defining"] and c["id"] in la.get("mimics", []):
            found: list = []
            _fired(rules, la["defining"]["when"], facts, True, found)
            kw = {"name": la["name"], "setting": la["defining"]["text"], "condition": ascii_lower(c["name"])}
            c["reasons"].append({
                "rule": f"lookalike_{la['id']}", "text": fill(rules["messages"]["mimic_reason"], kw),
                "finding": "; ".join(found), "direction": "against", "cite": list(la["cite"]),
                "beyond": bool(la.get("beyond", False)), "points": None, "cap": scored[-1],
            })  # fmt: skip
        if c["verdict"] in scored[:-1]:
            kw = {"level": label[c["verdict"]], "name": la["name"]}
            text = fill(rules["messages"]["lookalike_limit"], kw)
            c["level_limit"] = {"level": c["verdict"], "requires": text, "text": text}
            c["verdict"], c["verdict_label"] = scored[-1], label[scored[-1]]


def used_vocabulary(rules: dict) -> set:
    """The vocabulary facts ("group.id") some rule, composite, level, setting, look-alike or band
    weighs (hints do not count: they ask for what is missing)."""
    used: set = set()
    vocab = vocabulary_by_fact(rules)

    def walk(expr):
        if isinstance(expr, str):
            if expr in vocab:
                used.add(expr)
            return
        for key in ("all", "any"):
            for sub in expr.get(key, []):
                walk(sub)
        for key in ("not", "unknown"):
            if key in expr:
                walk(expr[key])

    for rule in rules["rules"]:
        if "hint" not in rule:
            walk(rule["when"])
    for comp in rules["facts"]["composites"].values():
        walk(comp["when"])
    for c in rules["conditions"]:
        for level in c["levels"].values():
            walk(level["when"])
        for key in ("when", "unless"):
            if key in c.get("setting", {}):
                walk(c["setting"][key])
    for la in rules["lookalikes"]:
        if "defining" in la:
            walk(la["defining"]["when"])
    for caveat in rules["bands"]["payne"]["caveats"]:  # shown with the corrected calcium
        walk(caveat["when"])
    for band in rules["bands"]["bands"].values():
        if "override" in band:
            walk(band["override"]["when"])
    return used


def unused_recorded(rules: dict, facts: dict) -> list[dict]:
    """Recorded vocabulary items (present or examined and absent) that no rule weighs: shown
    to the learner as recorded but not used, never silently dropped."""
    used = used_vocabulary(rules)
    out = []
    for item in rules["vocabulary"]["items"]:
        key = f"{item['group']}.{item['id']}"
        if facts.get(key) is not None and key not in used:
            absent = item.get("absent_label", f"Examined, absent: {item['label']}")
            label = item["label"] if facts[key] else absent
            text = fill(rules["messages"]["unused"], {"label": label})
            out.append({"id": item["id"], "group": item["group"], "label": label, "text": text})
    return out


# ----------------------------------------------------------------------------- stage: summary
def _lookalike_leads(top: dict, lookalike: dict) -> bool:
    """A look-alike leads when its defining setting is present; otherwise when it outscores the
    top condition, or equals it while no condition is more than possible, and no condition is
    supported."""
    if lookalike["defining"]:
        return True
    if top["verdict"] == "supported":
        return False
    if lookalike["score"] > top["score"]:
        return True
    return top["verdict"] != "consistent" and lookalike["score"] == top["score"]


def _overlap(rules: dict, a: dict, b: dict):
    """What separates conditions a and b when both fit and the headline should name both."""
    fits = ("supported", "consistent", "possible")
    if a["verdict"] not in fits or b["verdict"] not in fits:
        return None
    for pair in rules["overlaps"]:
        same = a["verdict"] == b["verdict"] or not pair.get("same_level", False)
        pair_fits = same and "supported" not in (a["verdict"], b["verdict"])
        if {a["id"], b["id"]} == set(pair["ids"]) and pair_fits:
            return pair["separates"]
    if a["verdict"] == b["verdict"] and a["verdict"] in ("supported", "consistent"):
        return rules["messages"]["summary"]["separates_generic"]
    return None


def summarise(rules: dict, conditions: list, lookalikes: list, not_judged: list) -> dict:
    """The headline {text, kind, ids, separates, missing} (sentences in messages.yaml): a
    leading look-alike is named as such, two close candidates together with what separates
    them, and when nothing fits, the data that are missing."""
    sentences = rules["messages"]["summary"]
    phrase = {v["id"]: v["phrase"] for v in rules["verdicts"]}
    label = {v["id"]: v["label"] for v in rules["verdicts"]}
    top = conditions[0]
    if lookalikes and lookalikes[0]["leads"]:
        la = lookalikes[0]
        if top["verdict"] in ("unlikely", "not-judged"):
            rest = sentences["lookalike_none"]
        else:
            kw = {"top": ascii_lower(top["name"]), "level": ascii_lower(label[top["verdict"]])}
            rest = fill(sentences["lookalike_best"], kw)
        kw = {"name": la["name"], "distinguish": la["distinguish"], "rest": rest}
        return {"text": fill(sentences["lookalike"], kw), "kind": "lookalike", "ids": [la["id"]],
                "separates": None, "missing": []}  # fmt: skip
    separates = _overlap(rules, top, conditions[1]) if len(conditions) > 1 else None
    if separates is not None:
        other = conditions[1]
        kw = {"phrase": phrase[top["verdict"]], "name": ascii_lower(top["name"]), "separates": separates,
              "other_phrase": phrase[other["verdict"]], "other": ascii_lower(other["name"])}  # fmt: skip
        return {"text": fill(sentences["overlap"], kw), "kind": "overlap", "ids": [top["id"], other["id"]],
                "separates": separates, "missing": []}  # fmt: skip
    if top["verdict"] in ("unlikely", "not-judged"):
        missing = [n["label"] for n in not_judged]
        text = fill(
            sentences["none_missing"] if missing else sentences["none"], {"missing": "; ".join(missing)}
        )
        return {"text": text, "kind": "nothing", "ids": [], "separates": None, "missing": missing}
    text = fill(sentences["top"], {"phrase": phrase[top["verdict"]], "name": ascii_lower(top["name"])})
    return {"text": text, "kind": "condition", "ids": [top["id"]], "separates": None, "missing": []}


def _add_unique(lst, text):
    if text not in lst:
        lst.append(text)


# ----------------------------------------------------------------------------- assess
def assess_dict(sc: Scenario, rules: dict, ranges=None) -> dict:
    """The stages composed, on a parsed scenario."""
    ref_ranges = resolve_ranges(rules, ranges)
    warnings = input_warnings(rules, sc, ref_ranges)
    checks = check_values(rules, sc)
    facts = scenario_facts(rules, sc)
    derived, derive_warnings = derive(rules, sc, ref_ranges, facts)
    conditions, lookalikes, not_judged = judge(rules, sc, facts, derived)
    headline = summarise(rules, conditions, lookalikes, not_judged)
    red_flags = [la["red_flag"] for la in lookalikes if la["red_flag"]]
    prefix = [fill(rules["messages"]["summary"]["red_flag"], {"flag": f}) for f in red_flags]
    headline["check"] = "; ".join(c["message"] for c in checks)
    if checks:
        prefix.append(fill(rules["messages"]["summary"]["check"], {"check": headline["check"]}))
    headline["text"] = " ".join([*prefix, headline["text"]])
    return {
        "education_note": rules["education_note"],
        "summary": headline["text"],
        "headline": headline,
        "check_values": checks,
        "red_flags": red_flags,
        "unused": unused_recorded(rules, facts),
        "levels": [{key: v[key] for key in ("id", "label", "requires")} for v in rules["verdicts"]],
        "legend": rules["legend"],
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
