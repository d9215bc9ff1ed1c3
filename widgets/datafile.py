"""Loading the course's YAML data files (question banks, case walk-throughs) with line numbers.

An educator who edits a bank needs to be told *where* it is wrong. This module parses YAML
keeping the position of every node (PyYAML's composed nodes carry marks), refuses what
plain `yaml.safe_load` silently accepts (a key given twice: the last one would win), limits
the file size, and turns JSON Schema errors into "file:line: what is wrong".

    from widgets import datafile
    doc = datafile.load("quizzes/differential.yml")      # DataFileError on any problem
    doc.data                                             # plain dicts, lists, scalars
    doc.line(["items", 3, "options", 0])                 # 1-based line of that node
    for err in datafile.schema_errors(doc, schema):      # every schema error, by line
        print(err)                                       # quizzes/differential.yml:57: ...
    raise doc.error(["items", 3], "two options are keyed") # same format for your own rules

Every failure is a `DataFileError`; its message is "path:line: message" (or "path: message"
when no line applies). Reading is widgets.clinical.reader, the one strict reader every data
file of the course goes through (YAML 1.2 core: no tags, no aliases by default, no YAML 1.1
octal/base-60/yes-no surprises, finite numbers).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .clinical import reader
from .clinical.reader import DataFileError, Document

__all__ = ["DataFileError", "Document", "MAX_BYTES", "load", "loads", "schema_errors", "validate"]

MAX_BYTES = 1_000_000
"""Default largest file accepted, in bytes (a large bank is ~100 kB)."""


def loads(text: str, path: str = "<string>", *, allow_aliases: bool = False) -> Document:
    """Parse YAML text into a Document (widgets.clinical.reader: YAML 1.2 core, strict).
    Raises DataFileError for a syntax error, a duplicate key, a tag, an alias (unless allowed;
    their expansion is capped), a number YAML 1.1 would read otherwise, or an empty document."""
    return reader.loads(text, str(path), kind="yaml", allow_aliases=allow_aliases)


def load(path: str | Path, *, max_bytes: int = MAX_BYTES, allow_aliases: bool = False) -> Document:
    """Read and parse a YAML file (UTF-8, at most `max_bytes`; JSON if it ends in .json).
    Raises DataFileError."""
    return reader.load(path, max_bytes=max_bytes, allow_aliases=allow_aliases)


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _message(err) -> str:
    """A readable jsonschema message: no multi-kilobyte repr of the offending instance."""
    v = err.validator
    if v == "required":
        missing = [k for k in err.validator_value if k not in (err.instance or {})]
        if not missing:
            return err.message
        keys = ", ".join(f"'{k}'" for k in missing)
        return f"missing required key{'s' if len(missing) > 1 else ''} {keys}"
    if v == "additionalProperties":
        return (
            err.message.replace("Additional properties are not allowed", "unknown key").split(" (")[0]
            if "(" in err.message
            else err.message
        )
    if v == "type":
        want = err.validator_value
        want = " or ".join(want) if isinstance(want, list) else want
        return f"should be {want}, not {_short(err.instance)}"
    if v == "enum":
        return f"{_short(err.instance)} is not one of {', '.join(map(str, err.validator_value))}"
    if v in ("minItems", "maxItems") and isinstance(err.instance, list):
        word = "at least" if v == "minItems" else "at most"
        return f"has {len(err.instance)} entries; {word} {err.validator_value} expected"
    if v in ("oneOf", "anyOf") and err.context:
        jsonschema = reader.jsonschema()

        best = jsonschema.exceptions.best_match(err.context)
        return _message(best) if best is not None else err.message
    msg = err.message
    return msg if len(msg) <= 200 else msg[:197] + "..."


def _extra_keys(err) -> list:
    props = err.schema.get("properties", {})
    patterns = err.schema.get("patternProperties", {})
    import re

    return [
        k for k in (err.instance or {}) if k not in props and not any(re.search(p, str(k)) for p in patterns)
    ]


def schema_errors(doc: Document, schema: dict) -> list[DataFileError]:
    """Every JSON Schema (draft 2020-12) error of `doc.data`, as DataFileErrors sorted by line.
    An unknown key is reported on its own line; a missing key on the line of its mapping."""
    jsonschema = reader.jsonschema()

    validator = jsonschema.Draft202012Validator(schema)
    out: list[DataFileError] = []
    for err in validator.iter_errors(doc.data):
        path = list(err.absolute_path)
        if err.validator == "additionalProperties" and isinstance(err.instance, dict):
            for key in _extra_keys(err):
                out.append(doc.error(path, f"unknown key '{key}'", line=doc.key_line(path, key)))
            continue
        # a oneOf/anyOf error is reported where its best sub-error points
        if err.validator in ("oneOf", "anyOf") and err.context:
            best = jsonschema.exceptions.best_match(err.context)
            if best is not None:
                path = list(best.absolute_path)
                if best.validator == "additionalProperties" and isinstance(best.instance, dict):
                    for key in _extra_keys(best):
                        out.append(doc.error(path, f"unknown key '{key}'", line=doc.key_line(path, key)))
                    continue
                out.append(doc.error(path, _message(best)))
                continue
        out.append(doc.error(path, _message(err)))
    out.sort(key=lambda e: (e.line or 0, e.message))
    return out


def validate(doc: Document, schema: dict) -> Any:
    """Check `doc` against `schema`; return `doc.data` or raise the first DataFileError (by
    line) with all of them in `.errors`."""
    errors = schema_errors(doc, schema)
    if errors:
        first = errors[0]
        raise DataFileError(first.path, first.line, first.message, errors)
    return doc.data
