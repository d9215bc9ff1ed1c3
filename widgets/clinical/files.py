"""Reading input files (scenarios, local reference ranges) safely: YAML or JSON by extension,
with limits a scenario never needs to exceed. Each refusal is one ValidationError with field
'file' and a short message naming what is wrong; the command line prints it and exits 2.

Limits (a teaching scenario is a few hundred bytes; the largest preset is under 1 KB):
- file size at most MAX_BYTES (64 KiB);
- nesting at most MAX_DEPTH (6) levels of mappings and lists (a scenario needs 3:
  history -> warfarin -> days; meta may add a little) and each text (key or value) at most
  MAX_TEXT (2,000) characters: scenario.shape_problem, which parse_scenario applies to any
  input, files or not (the browser evaluator too);
- no duplicate keys in a mapping (YAML or JSON): never "last one wins".
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from .errors import ValidationError
from .scenario import MAX_DEPTH, MAX_TEXT, Scenario, parse_scenario, shape_problem  # noqa: F401  (the limits are shared)

MAX_BYTES = 64 * 1024


class _Problem(Exception):
    pass


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice in one mapping."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
            except TypeError:  # an unhashable key: let PyYAML report it
                duplicate = False
            if duplicate:
                line = key_node.start_mark.line + 1
                raise _Problem(f"duplicate key '{key}' at line {line}")
            if not isinstance(key, (list, dict)):
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _no_duplicate_pairs(pairs):
    out = {}
    for key, value in pairs:
        if key in out:
            raise _Problem(f"duplicate key '{key}'")
        out[key] = value
    return out


def read_data_file(path) -> object:
    """The data in a YAML or JSON file (by extension; YAML otherwise), within the limits above.
    Raises ValidationError (field 'file') with one short message."""
    p = Path(path)

    def fail(message):
        return ValidationError([{"field": "file", "message": f"{p}: {message}"}])

    try:
        size = p.stat().st_size
    except FileNotFoundError:
        raise fail("no such file") from None
    except OSError as exc:
        raise fail(f"cannot be read ({exc.strerror})") from None
    if not p.is_file():
        raise fail("not a file")
    if size > MAX_BYTES:
        raise fail(f"{size} bytes is more than the {MAX_BYTES}-byte limit for a scenario or ranges file")
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(f"cannot be read ({exc})") from None
    try:
        if p.suffix.lower() == ".json":
            data = json.loads(text, object_pairs_hook=_no_duplicate_pairs)
        else:
            data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 (a SafeLoader subclass)
    except _Problem as exc:
        raise fail(str(exc)) from None
    except json.JSONDecodeError as exc:
        raise fail(f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise fail(f"invalid YAML{where}: {exc.problem}") from None
    except (yaml.YAMLError, RecursionError) as exc:
        raise fail(f"invalid YAML: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None
    from .knowledge import knowledge

    problem = shape_problem(knowledge(), data)
    if problem:
        raise fail(problem)
    return data


def load_scenario(path) -> Scenario:
    """Read a scenario from a YAML or JSON file (by extension; YAML otherwise) and parse it.
    A missing or unreadable file, a syntax error, a duplicate key or a file beyond the limits
    of read_data_file is a ValidationError with field 'file'."""
    return parse_scenario(read_data_file(path))
