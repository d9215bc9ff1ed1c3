"""Scenario input: parsing and validation (mirrored by validateScenario in clinical.js).

A scenario is a mapping with optional keys patient, labs, history, findings, histology and
meta (free-form, ignored). Every problem is collected, in a fixed order, into one
ValidationError; numbers in messages use the shared formatter so the browser says the same.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .errors import ValidationError
from .messages import ascii_lower, code_point_key, fill, type_name
from .numbers import as_number, fmt, round_half_away
from .units import from_canonical, to_canonical, unit_problem

PATIENT_KEYS = ["age", "sex", "bmi"]
LAB_KEYS = ["value", "unit"]
MAX_DEPTH = 6  # levels of mappings and lists; a scenario needs 3 (history -> warfarin -> days)
MAX_TEXT = 2000  # characters in one key or text value


def shape_problem(rules: dict, data, depth: int = 0) -> str | None:
    """The first limit `data` breaks (nested too deep, a text too long), as a message, or None."""
    if isinstance(data, str):
        if len(data) > MAX_TEXT:
            return fill(rules["messages"]["validation"]["too_long"], {"length": len(data), "max": MAX_TEXT})
        return None
    if isinstance(data, (dict, list)):
        if depth >= MAX_DEPTH:
            return fill(rules["messages"]["validation"]["too_deep"], {"max": MAX_DEPTH})
        pairs = list(data.items()) if isinstance(data, dict) else [(None, v) for v in data]
        for key, value in pairs:
            problem = shape_problem(rules, key, depth + 1) if isinstance(key, str) else None
            problem = problem or shape_problem(rules, value, depth + 1)
            if problem:
                return problem
    return None


def sections(rules: dict) -> list[tuple[str, str]]:
    """[(scenario section, vocabulary group)] in the order of vocabulary.yaml's groups."""
    return [(g["section"], gid) for gid, g in rules["vocabulary"]["groups"].items()]


def top_keys(rules: dict) -> list[str]:
    return ["patient", "labs", *(s for s, _ in sections(rules)), "meta"]


@dataclass
class Scenario:
    """A validated scenario, values normalised (labs also in canonical SI units)."""

    patient: dict = field(default_factory=dict)  # age, sex, bmi: value or None
    labs: dict = field(default_factory=dict)  # analyte -> {value, unit, canonical}
    history: dict = field(default_factory=dict)  # id -> {param: value or None}
    findings: list = field(default_factory=list)  # ids present, vocabulary order
    histology: list = field(default_factory=list)
    absent: dict = field(default_factory=dict)  # section -> ids examined and absent, vocabulary order
    meta: object = None

    def to_dict(self) -> dict:
        """The scenario in input form (parse_scenario(s.to_dict()) gives it back)."""
        out: dict = {"patient": {k: v for k, v in self.patient.items() if v is not None}}
        out["labs"] = {a: {"value": lab["value"], "unit": lab["unit"]} for a, lab in self.labs.items()}
        out["history"] = {i: (dict(p) if p else True) for i, p in self.history.items()}
        out["history"].update({i: False for i in self.absent.get("history", [])})
        for section in ("findings", "histology"):
            out[section] = list(getattr(self, section)) + [{i: False} for i in self.absent.get(section, [])]
        if self.meta is not None:
            out["meta"] = self.meta
        return out


class _Collector:
    def __init__(self, rules):
        self.rules = rules
        self.errors: list[dict] = []

    def add(self, field_name, msg_key, **kw):
        self.errors.append(
            {"field": field_name, "message": fill(self.rules["messages"]["validation"][msg_key], kw)}
        )

    def keys(self, where, mapping, accepted):
        """Report non-text and unknown keys; return True if all keys are fine."""
        ok = True
        bad = [key for key in mapping if not isinstance(key, str)]
        if bad:
            self.add(where or "scenario", "key_not_text")
            ok = False
        unknown = sorted(
            (key for key in mapping if isinstance(key, str) and key not in accepted), key=code_point_key
        )
        for key in unknown:
            self.add(
                (f"{where}.{key}" if where else key) or "scenario",
                "unknown_key",
                key=key,
                accepted=", ".join(accepted),
            )
            ok = False
        return ok

    def number(self, where, v):
        f, problem = as_number(v)
        if problem == "not_number":
            self.add(where, "not_number", type=type_name(v))
        elif problem:
            self.add(where, problem)
        return f


def other_unit_in_range(rules: dict, analyte: str, value: float, unit: str, ref_range: dict | None = None):
    """Another unit of the analyte in which `value` would lie within the reference range (the
    default one unless given), or None: a value that looks like the other unit system."""
    r = ref_range or rules["ranges"].get(analyte)
    if r is None:
        return None
    for other in rules["units"]["analytes"][analyte]["units"]:
        if other != unit and r["low"] <= to_canonical(rules, analyte, value, other) <= r["high"]:
            return other
    return None


def _limit_value(rules, analyte, unit, canonical_value):
    dec = rules["units"]["analytes"][analyte]["units"][unit]["decimals"]
    return round_half_away(from_canonical(rules, analyte, canonical_value, unit), dec)


def parse_scenario(data, rules: dict | None = None) -> Scenario:
    """Validate `data` (a mapping as read from YAML/JSON) and return a Scenario.
    Raises ValidationError listing every problem."""
    if rules is None:
        from .knowledge import knowledge

        rules = knowledge()
    c = _Collector(rules)
    sc = Scenario()
    problem = shape_problem(rules, data)
    if problem:
        raise ValidationError([{"field": "scenario", "message": problem}])
    if not isinstance(data, dict):
        c.add("scenario", "not_mapping", type=type_name(data))
        raise ValidationError(c.errors)
    c.keys("", data, top_keys(rules))
    _patient(c, rules, data.get("patient"), sc)
    _labs(c, rules, data.get("labs"), sc)
    for section, group in sections(rules):
        _items(c, rules, section, group, data.get(section), sc)
    sc.meta = data.get("meta")
    if c.errors:
        raise ValidationError(c.errors)
    return sc


def _patient(c, rules, p, sc):
    sc.patient = {"age": None, "sex": None, "bmi": None}
    if p is None:
        return
    if not isinstance(p, dict):
        c.add("patient", "not_mapping", type=type_name(p))
        return
    c.keys("patient", p, PATIENT_KEYS)
    spec = rules["units"]["patient"]
    for key in ("age", "bmi"):
        if key not in p or p[key] is None:
            continue
        where = f"patient.{key}"
        f = c.number(where, p[key])
        if f is None:
            continue
        lo, hi = spec[key]["accept"]
        if f < 0:
            c.add(where, "negative", value=fmt(f))
        elif f < lo or f > hi:
            c.add(
                where,
                "out_of_range",
                value=fmt(f),
                unit=spec[key]["unit"],
                label=spec[key]["label"],
                min=fmt(lo),
                max=fmt(hi),
            )
        else:
            sc.patient[key] = f
    if "sex" in p and p["sex"] is not None:
        v = p["sex"]
        if not isinstance(v, str):
            c.add("patient.sex", "not_text", type=type_name(v))
        elif ascii_lower(v) not in spec["sex"]["values"]:
            c.add("patient.sex", "bad_choice", value=v, accepted=", ".join(spec["sex"]["values"]))
        else:
            sc.patient["sex"] = ascii_lower(v)


def _labs(c, rules, labs, sc):
    if labs is None:
        return
    if not isinstance(labs, dict):
        c.add("labs", "not_mapping", type=type_name(labs))
        return
    analytes = rules["units"]["analytes"]
    c.keys("labs", labs, list(analytes))
    for a, spec in analytes.items():
        if a not in labs or labs[a] is None:
            continue
        where = f"labs.{a}"
        entry = labs[a]
        accepted_units = ", ".join(spec["units"])
        if not isinstance(entry, dict):
            c.add(where, "lab_not_mapping", label=spec["label"], type=type_name(entry))
            continue
        c.keys(where, entry, LAB_KEYS)
        if entry.get("value") is None:
            continue
        f = c.number(f"{where}.value", entry["value"])
        unit = entry.get("unit")
        if unit is None:
            c.add(f"{where}.unit", "unit_missing", label=spec["label"], accepted=accepted_units)
            continue
        resolved, err = unit_problem(rules, a, unit, f"{where}.unit")
        if err:
            c.errors.append(err)
            continue
        if f is None:
            continue
        if f < 0:
            c.add(f"{where}.value", "negative", value=fmt(f))
            continue
        lo = _limit_value(rules, a, resolved, spec["accept"][0])
        hi = _limit_value(rules, a, resolved, spec["accept"][1])
        if f < lo or f > hi:
            lo_p, hi_p = spec["plausible"]
            other = other_unit_in_range(rules, a, f, resolved, {"low": lo_p, "high": hi_p})
            kw = {"value": fmt(f), "unit": resolved, "label": spec["label"], "min": fmt(lo), "max": fmt(hi)}
            c.add(f"{where}.value", "out_of_range_hint" if other else "out_of_range", other=other, **kw)
            continue
        sc.labs[a] = {"value": f, "unit": resolved, "canonical": to_canonical(rules, a, f, resolved)}


def _items(c, rules, section, group, value, sc):
    vocab = {i["id"]: i for i in rules["vocabulary"]["items"]}
    present: dict[str, dict] = {}
    absent: set[str] = set()
    seen: dict[str, str] = {}  # id -> present, absent or unrecorded, as first given
    if value is None:
        pairs = []
    elif isinstance(value, (list, tuple)):
        pairs = []
        for i, item in enumerate(value):
            if isinstance(item, str):
                pairs.append((item, True))
            elif isinstance(item, dict) and len(item) == 1 and isinstance(next(iter(item)), str):
                ((key, v),) = item.items()
                pairs.append((key, v))
            else:
                c.add(f"{section}[{i}]", "bad_item", type=type_name(item))
    elif isinstance(value, dict):
        ok_keys = [key for key in value if isinstance(key, str)]
        if len(ok_keys) != len(value):
            c.add(section, "key_not_text")
        pairs = [(key, value[key]) for key in sorted(ok_keys, key=code_point_key)]
    else:
        c.add(section, "not_list", type=type_name(value))
        pairs = []
    for item_id, v in pairs:
        where = f"{section}.{item_id}"
        item = vocab.get(item_id)
        if item is None or item["group"] != group:
            c.add(where, "unknown_item", group=group, item=item_id)
            continue
        kind = "unrecorded" if v is None else ("absent" if v is False else "present")
        if seen.setdefault(item_id, kind) != kind:
            c.add(where, "contradictory", item=item_id)
            continue
        present.pop(item_id, None)
        absent.discard(item_id)
        if v is None:  # not recorded
            continue
        if v is False:  # examined and absent
            absent.add(item_id)
            continue
        if v is True:
            present[item_id] = {p: None for p in item.get("params", {})}
            continue
        if not isinstance(v, dict):
            c.add(where, "item_value", type=type_name(v))
            continue
        params = item.get("params", {})
        if not params:
            if v:
                c.add(where, "no_params", item=item_id)
                continue
            present[item_id] = {}
            continue
        if not c.keys(where, v, list(params)):
            continue
        values = {}
        good = True
        for pname, pspec in params.items():
            pv = v.get(pname)
            if pv is None:
                values[pname] = None
                continue
            pwhere = f"{where}.{pname}"
            f = c.number(pwhere, pv)
            if f is None:
                good = False
                continue
            if pspec["integer"] and f != math.floor(f):
                c.add(pwhere, "not_integer")
                good = False
            elif f < pspec["min"] or f > pspec["max"]:
                c.add(
                    pwhere,
                    "param_range",
                    value=fmt(f),
                    label=pspec["label"],
                    min=fmt(pspec["min"]),
                    max=fmt(pspec["max"]),
                )
                good = False
            else:
                values[pname] = f
        if good:
            present[item_id] = values
    order = [i["id"] for i in rules["vocabulary"]["items"] if i["group"] == group]
    sc.absent[section] = [i for i in order if i in absent]
    if group == "history":
        sc.history = {i: present[i] for i in order if i in present}
    else:
        setattr(sc, section, [i for i in order if i in present])
