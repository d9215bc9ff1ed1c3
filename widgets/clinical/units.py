"""Units and conversion (data/units.yaml): resolving a unit as written, converting to and from
the canonical SI unit, and `convert` (mirrored by clinical.js)."""

from __future__ import annotations

from .errors import ValidationError
from .messages import type_name, validation_message
from .numbers import as_number


def normalise_unit(u: str) -> str:
    """ASCII lower case, spaces dropped, "²" read as "2"."""
    out = []
    for c in u:
        if "A" <= c <= "Z":
            out.append(chr(ord(c) + 32))
        elif c == " ":
            continue
        elif c == "\u00b2":
            out.append("2")
        else:
            out.append(c)
    return "".join(out)


def to_canonical(rules: dict, analyte: str, value: float, unit: str) -> float:
    spec = rules["units"]["analytes"][analyte]["units"][unit]
    if "multiply" in spec:
        return value * spec["multiply"]
    if "divide" in spec:
        return value / spec["divide"]
    return value


def from_canonical(rules: dict, analyte: str, value: float, unit: str) -> float:
    spec = rules["units"]["analytes"][analyte]["units"][unit]
    if "multiply" in spec:
        return value / spec["multiply"]
    if "divide" in spec:
        return value * spec["divide"]
    return value


def resolve_unit(rules: dict, analyte: str, unit: str):
    """(unit, None) for a known unit or alias, (None, reason) otherwise; reason is "unknown"
    or the explanation units.yaml gives for a rejected unit."""
    spec = rules["units"]["analytes"][analyte]
    if unit in spec["units"]:
        return unit, None
    n = normalise_unit(unit)
    for u in spec["units"]:
        if normalise_unit(u) == n:
            return u, None
    aliases = spec.get("aliases", {})
    if n in aliases:
        return aliases[n], None
    rejected = spec.get("rejected", {})
    if n in rejected:
        return None, rejected[n]
    return None, "unknown"


def unit_problem(rules: dict, analyte: str, unit, field: str) -> tuple[str | None, dict | None]:
    """(resolved unit, None) or (None, {field, message}) for a unit as written."""
    spec = rules["units"]["analytes"][analyte]
    if not isinstance(unit, str):
        return None, {"field": field, "message": validation_message(rules, "not_text", type=type_name(unit))}
    resolved, reason = resolve_unit(rules, analyte, unit)
    if resolved is not None:
        return resolved, None
    if reason == "unknown":
        reason = validation_message(
            rules, "unknown_unit", unit=unit, label=spec["label"], accepted=", ".join(spec["units"])
        )
    return None, {"field": field, "message": reason}


def convert(value, from_unit: str, to_unit: str, analyte: str, rules: dict | None = None) -> float:
    """Convert `value` of `analyte` between units (unrounded). Raises ValidationError for an
    unknown analyte or unit, or a value that is not a finite number."""
    if rules is None:
        from .knowledge import knowledge

        rules = knowledge()
    analytes = rules["units"]["analytes"]
    if analyte not in analytes:
        raise ValidationError(
            [
                {
                    "field": "analyte",
                    "message": validation_message(
                        rules, "bad_choice", value=analyte, accepted=", ".join(analytes)
                    ),
                }
            ]
        )
    f, problem = as_number(value)
    if problem:
        raise ValidationError(
            [{"field": "value", "message": validation_message(rules, problem, type=type_name(value))}]
        )
    units = []
    for field, u in (("from_unit", from_unit), ("to_unit", to_unit)):
        resolved, err = unit_problem(rules, analyte, u, field)
        if err:
            raise ValidationError([err])
        units.append(resolved)
    return from_canonical(rules, analyte, to_canonical(rules, analyte, f, units[0]), units[1])
