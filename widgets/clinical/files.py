"""Reading scenario and local-ranges files through the course's one strict reader
(widgets/clinical/reader.py: YAML 1.2 core or JSON, no tags or aliases, finite numbers, no
duplicate keys), with limits a scenario never needs to exceed, and every problem as one
DataFileError "file:line: field: what is wrong (what is accepted)".

Limits (a teaching scenario is a few hundred bytes; the largest preset is under 1 KB):
- file size at most MAX_BYTES (64 KiB);
- nesting at most MAX_DEPTH (6) levels and each text at most MAX_TEXT (2,000) characters
  (scenario.shape_problem, which parse_scenario applies to any input, files or not);
- a lab with a unit but no value is refused (a unit alone says nothing was measured: leave
  the lab out);
- a local range (`--ranges`) gives its unit, and low < high with both within a plausible
  span for the analyte: PLAUSIBLE_FACTOR times around the default range, inside the limits
  of accepted input. So a range that would make a multiple of the upper limit infinite or
  absurd (PTH high 5e-324, calcium 0 to 1e300) never reaches the model.
"""

from __future__ import annotations

from . import reader
from .errors import ValidationError
from .model import range_problem
from .reader import DataFileError, Document
from .scenario import MAX_DEPTH, MAX_TEXT, Scenario, parse_scenario, shape_problem

__all__ = ["MAX_BYTES", "load_ranges", "load_scenario", "read_data_file", "read_scenario"]

MAX_BYTES = 64 * 1024


def _knowledge():
    from .knowledge import knowledge

    return knowledge()


def _read(path) -> Document:
    return reader.load(path, max_bytes=MAX_BYTES, max_depth=MAX_DEPTH)


def _shape(doc: Document, rules: dict) -> None:
    """The first text too long (or nesting too deep), with its line."""

    def walk(value, at):
        if isinstance(value, str) and len(value) > MAX_TEXT:
            raise doc.error(at, shape_problem(rules, value))
        if isinstance(value, list):
            value = dict(enumerate(value))
        for key, v in value.items() if isinstance(value, dict) else ():
            if isinstance(key, str) and len(key) > MAX_TEXT:
                raise doc.error(at, f"a key: {shape_problem(rules, key)}", line=doc.key_line(at, key))
            walk(v, at + [key])

    walk(doc.data, [])
    problem = shape_problem(rules, doc.data)
    if problem:
        raise doc.error([], problem)


def _from_validation(doc: Document, exc: ValidationError, strip: str = "") -> DataFileError:
    """A model ValidationError as one DataFileError at the line of its first field; the other
    problems are counted at the end of the same line (all of them in `.errors`)."""
    errors = []
    for e in exc.errors:
        path = reader.parse_where(e["field"])
        if path[:1] in (["scenario"], [strip]):
            path = path[1:]
        errors.append(DataFileError(doc.path, doc.line(path), e["message"], field=e["field"]))
    more = ""
    if len(errors) > 1:
        more = f" (and {len(errors) - 1} more: {', '.join(e.field for e in errors[1:4])})"
    first = exc.errors[0]
    return DataFileError(doc.path, errors[0].line, first["message"] + more, errors, field=first["field"])


def read_data_file(path) -> object:
    """The data of a scenario or ranges file, within the limits above (DataFileError)."""
    doc = _read(path)
    _shape(doc, _knowledge())
    return doc.data


def read_scenario(path) -> tuple[Document, Scenario]:
    """Read and check a scenario file: (Document, Scenario). Raises DataFileError."""
    rules = _knowledge()
    doc = _read(path)
    _shape(doc, rules)
    labs = doc.data.get("labs") if isinstance(doc.data, dict) else None
    if isinstance(labs, dict):
        for a, lab in labs.items():
            if isinstance(lab, dict) and lab.get("value") is None and lab.get("unit") is not None:
                raise doc.error(
                    ["labs", a], f"a unit ({lab['unit']}) without a value; give the value, or leave {a} out"
                )
    try:
        return doc, parse_scenario(doc.data, rules)
    except ValidationError as exc:
        raise _from_validation(doc, exc) from None


def load_ranges(path) -> dict:
    """Read and check a local-ranges file ({analyte: {low, high, unit}}); return its data,
    ready for assess(..., ranges=...). Raises DataFileError."""
    rules = _knowledge()
    doc = _read(path)
    _shape(doc, rules)
    if isinstance(doc.data, dict):
        for analyte, r in doc.data.items():
            problem = range_problem(rules, analyte, r)
            if problem:
                at = [analyte, *problem[0]]
                raise DataFileError(doc.path, doc.line(at), problem[1], field=reader.where(["ranges", *at]))
    from .model import resolve_ranges

    try:
        resolve_ranges(rules, doc.data)
    except ValidationError as exc:
        raise _from_validation(doc, exc, "ranges") from None
    return doc.data


def load_scenario(path) -> Scenario:
    """Read a scenario from a YAML or JSON file (by extension; YAML otherwise) and parse it.
    Any problem is a ValidationError with field 'file' and the one-line message
    "file:line: field: what is wrong"."""
    try:
        return read_scenario(path)[1]
    except DataFileError as exc:
        place = f"{exc.path}, line {exc.line}" if exc.line else exc.path
        raise ValidationError([{"field": "file", "message": f"{place}: {exc.message}"}]) from None
