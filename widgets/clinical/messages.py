"""Messages: every sentence the model composes comes from data/messages.yaml; this module fills
their {placeholders} and names the types of bad input (mirrored by clinical.js)."""

from __future__ import annotations

import re


def type_name(v) -> str:
    """The user-facing name of a value's type ("number", "text", "mapping", ...)."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "text"
    if isinstance(v, (list, tuple)):
        return "list"
    if isinstance(v, dict):
        return "mapping"
    return "other"


def code_point_key(s: str):
    """Sort key by Unicode code points (as clinical.js sorts)."""
    return [ord(c) for c in s]


def ascii_lower(s: str) -> str:
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in s)


def fill(text: str, kw: dict) -> str:
    """Fill {name} placeholders in one pass (a filled value is not filled again)."""
    return re.sub(
        r"\{([A-Za-z0-9_]+)\}", lambda m: str(kw[m.group(1)]) if m.group(1) in kw else m.group(0), text
    )


def validation_message(rules: dict, msg_key: str, **kw) -> str:
    """messages.yaml validation.<msg_key>, filled."""
    return fill(rules["messages"]["validation"][msg_key], kw)


def warning_message(rules: dict, msg_key: str, **kw) -> str:
    """messages.yaml warnings.<msg_key>, filled."""
    return fill(rules["messages"]["warnings"][msg_key], kw)


def error(rules: dict, field: str, msg_key: str, **kw) -> dict:
    """One validation problem, {field, message}."""
    return {"field": field, "message": validation_message(rules, msg_key, **kw)}
