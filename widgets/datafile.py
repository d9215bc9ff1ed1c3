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
when no line applies). Anchors and aliases are refused by default: course data has no need
of them, and refusing them rules out alias bombs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

__all__ = ["DataFileError", "Document", "MAX_BYTES", "load", "loads", "schema_errors", "validate"]

MAX_BYTES = 1_000_000
"""Default largest file accepted, in bytes (a large bank is ~100 kB)."""


class DataFileError(ValueError):
    """A data file is unreadable, malformed or invalid.

    `.path`, `.line` (1-based, or None) and `.message` give the parts; `str(err)` is
    "path:line: message". `.errors` lists every error found when several were collected
    (the first is this one).
    """

    def __init__(self, path: str, line: int | None, message: str, errors: list[DataFileError] | None = None):
        self.path = str(path)
        self.line = line
        self.message = message
        self.errors = errors or [self]
        super().__init__(f"{self.path}:{line}: {message}" if line else f"{self.path}: {message}")


def _where(path: Iterable) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


@dataclass
class Document:
    """A parsed data file: `.data` (plain Python values), `.path` (as given) and the composed
    YAML node tree for line look-ups."""

    path: str
    data: Any
    node: Any = field(repr=False, default=None)

    def node_at(self, path: Iterable) -> Any:
        """The YAML node at a JSON path (keys and list indices), or the deepest existing
        ancestor when the path runs past what the file holds."""
        node = self.node
        for part in path:
            nxt = None
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    if isinstance(key_node, yaml.ScalarNode) and _key_value(key_node) == part:
                        nxt = value_node
                        break
            elif (
                isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value)
            ):
                nxt = node.value[part]
            if nxt is None:
                break
            node = nxt
        return node

    def key_line(self, path: list, key: Any) -> int | None:
        """Line of `key` itself inside the mapping at `path` (for "unknown key" messages)."""
        node = self.node_at(path)
        if isinstance(node, yaml.MappingNode):
            for key_node, _ in node.value:
                if isinstance(key_node, yaml.ScalarNode) and _key_value(key_node) == key:
                    return key_node.start_mark.line + 1
        return self.line(path)

    def line(self, path: Iterable = ()) -> int | None:
        """1-based line where the value at `path` starts."""
        node = self.node_at(list(path))
        return node.start_mark.line + 1 if node is not None else None

    def error(self, path: Iterable, message: str, *, line: int | None = None) -> DataFileError:
        """A DataFileError for the value at `path`: "file:line: where: message"."""
        path = list(path)
        where = _where(path)
        return DataFileError(
            self.path,
            line if line is not None else self.line(path),
            f"{where}: {message}" if where else message,
        )


def _key_value(node: yaml.ScalarNode) -> Any:
    return yaml.SafeLoader("").construct_object(node) if node.tag != "tag:yaml.org,2002:str" else node.value


class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses aliases where they occur (the node tree alone cannot say
    where an alias was written: it shares the anchored node)."""

    path = "<string>"
    allow_aliases = False

    def compose_node(self, parent, index):
        if not self.allow_aliases and self.check_event(yaml.AliasEvent):
            line = self.peek_event().start_mark.line + 1
            raise DataFileError(self.path, line, "anchors and aliases (&, *) are not allowed")
        return super().compose_node(parent, index)


def _check_nodes(path: str, node: Any, allow_aliases: bool, seen: set[int]) -> None:
    if node is None or id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        keys: dict[Any, int] = {}
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                if key_node.tag == "tag:yaml.org,2002:merge":
                    if not allow_aliases:
                        raise DataFileError(
                            path, key_node.start_mark.line + 1, "merge keys (<<) are not allowed"
                        )
                else:
                    try:
                        key = _key_value(key_node)
                    except yaml.YAMLError:
                        key = key_node.value
                    line = key_node.start_mark.line + 1
                    if key in keys:
                        raise DataFileError(
                            path, line, f"duplicate key '{key_node.value}' (first given on line {keys[key]})"
                        )
                    keys[key] = line
            elif not isinstance(key_node, yaml.ScalarNode):
                raise DataFileError(
                    path, key_node.start_mark.line + 1, "a key must be a plain value, not a list or mapping"
                )
            _check_nodes(path, value_node, allow_aliases, seen)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _check_nodes(path, item, allow_aliases, seen)


def loads(text: str, path: str = "<string>", *, allow_aliases: bool = False) -> Document:
    """Parse YAML text into a Document. Raises DataFileError for a syntax error, a duplicate
    key, an alias (unless allowed) or an empty document."""
    try:
        loader = _Loader(text)
        loader.path, loader.allow_aliases = str(path), allow_aliases
        try:
            node = loader.get_single_node()
            if node is None:
                raise DataFileError(path, None, "the file is empty")
            _check_nodes(path, node, allow_aliases, set())
            data = loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = exc.problem or exc.context or "YAML syntax error"
        raise DataFileError(path, mark.line + 1 if mark else None, f"YAML syntax error: {what}") from None
    except yaml.YAMLError as exc:
        raise DataFileError(path, None, f"YAML error: {str(exc).splitlines()[0]}") from None
    except RecursionError:
        raise DataFileError(path, None, "the file nests too deeply") from None
    return Document(str(path), data, node)


def load(path: str | Path, *, max_bytes: int = MAX_BYTES, allow_aliases: bool = False) -> Document:
    """Read and parse a YAML file (UTF-8, at most `max_bytes`). Raises DataFileError."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if not p.is_file():
            raise DataFileError(str(path), None, "not a regular file")
        if size > max_bytes:
            raise DataFileError(str(path), None, f"file is {size} bytes; the limit is {max_bytes}")
        raw = p.read_bytes()
    except OSError as exc:
        raise DataFileError(str(path), None, f"cannot be read ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataFileError(str(path), line, "not UTF-8 text") from None
    return loads(text, str(path), allow_aliases=allow_aliases)


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _message(err) -> str:
    """A readable jsonschema message: no multi-kilobyte repr of the offending instance."""
    v = err.validator
    if v == "required":
        missing = [k for k in err.validator_value if k not in (err.instance or {})]
        return f"missing required key '{missing[0]}'" if missing else err.message
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
        import jsonschema

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
    import jsonschema

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
