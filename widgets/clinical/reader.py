"""The one strict reader for every data file the course reads: scenarios, local ranges,
question banks, case walk-throughs and the knowledge YAML in widgets/clinical/data.

YAML is read with the YAML 1.2 core schema (PyYAML's parser, a resolver and a constructor of
our own), so nothing typed is silently turned into another value:

- read as written: `2.5e3` and `2e0` are numbers (YAML 1.1 read them as text); `2024-01-01`
  is text (no timestamps);
- refused with one line saying why, because YAML 1.1 tools read them differently: a number
  with a leading zero (`077`, octal 63 in YAML 1.1), base-60 `1:20` (80), `2_3` (23), `0x1F`,
  `0o17`, `0b101`, and the YAML 1.1 booleans `yes`, `no`, `on`, `off` (write
  `true`/`false`, or quote the text);
- refused: tags (`!!int abc`, `!!float`, `!!bool`, `!!timestamp`, `!custom`), aliases (`*a`:
  no alias bombs; an anchor `&a` alone is inert), merge keys (`<<`), keys that are not text, a key given
  twice, numbers that are not finite (`.inf`, `.nan`, `1e309`) or have more than MAX_DIGITS
  digits, nesting deeper than `max_depth`.

JSON is read by the standard library with the same rules (duplicate keys, NaN/Infinity,
huge numbers, depth). A UTF-8 byte-order mark is accepted and dropped in both.

Every refusal is a DataFileError whose text is one line: "file:line: field: what is wrong",
with what is accepted. A Document keeps the YAML node tree, so later checks (schemas, the
clinical model) can name the line of any field, and the numbers exactly as the file wrote
them (`Document.source_text`).

Pure Python with no component imports: widgets/datafile.py (banks, cases) builds on it.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

__all__ = ["DataFileError", "Document", "load", "loads", "parse_where", "text_problem", "where"]

MAX_BYTES = 1_000_000
MAX_DEPTH = 32
MAX_NODES = 200_000  # values in one file once aliases (where allowed) are expanded
MAX_DIGITS = 15  # digits in one number: more than a double holds exactly is never course data

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_SPECIAL_FLOAT = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$")
# Plain scalars a YAML 1.1 reader (PyYAML's safe_load, many editors' tools) turns into
# something other than the text typed: refused, with what YAML 1.1 would make of them.
_YAML11 = [
    (
        re.compile(r"^[-+]?0[0-9]+$"),
        lambda v: (
            f"has a leading zero (YAML 1.1 reads it as octal); write {int(v)}, or quote it if it is text"
        ),
    ),
    (
        re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$"),
        lambda v: "is base-60 in YAML 1.1 (1:20 is 80); write a decimal number, or quote it if it is text",
    ),
    (
        re.compile(r"^[-+]?(?:[0-9][0-9_]*_[0-9_]*|[0-9_]*_[0-9_]*\.[0-9_]*)$"),
        lambda v: (
            f"has '_' in it (YAML 1.1 reads 2_3 as 23); write {v.replace('_', '')}, or quote it if it is text"
        ),
    ),
    (
        re.compile(r"^[-+]?0[xob][0-9a-fA-F_]+$"),
        lambda v: "is a hexadecimal, octal or binary number; write it in decimal, or quote it if it is text",
    ),
    (
        re.compile(r"^(?:yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF)$"),
        lambda v: f"is a YAML 1.1 boolean; write true or false, or quote it ('{v}') if it is text",
    ),
]


# Characters that are not text: C0 controls but tab and newlines, lone surrogates (only an
# escape such as "\ud800" makes one), U+FFFE and U+FFFF. No file, page or XML export can hold them.
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def text_problem(text: str) -> str | None:
    """Why `text` is not acceptable text, or None."""
    m = _NOT_TEXT.search(text)
    if not m:
        return None
    c = ord(m.group(0))
    kind = "a control character"
    if 0xD800 <= c <= 0xDFFF:
        kind = "a lone surrogate"
    elif c > 0xFFFD:
        kind = "a non-character"
    return f"contains U+{c:04X} ({kind}), which is not text; remove it"


class DataFileError(ValueError):
    """A data file is unreadable, malformed or invalid.

    `.path`, `.line` (1-based, or None), `.field` (e.g. "items[3].value", or "") and
    `.message`; `str(err)` is "path:line: message" with the field leading the message.
    `.errors` lists every error found when several were collected (the first is this one).
    """

    def __init__(
        self,
        path: str,
        line: int | None,
        message: str,
        errors: list[DataFileError] | None = None,
        *,
        field: str = "",
    ):
        self.path = str(path) or "(empty path)"
        self.line = line
        self.field = field
        self.message = f"{field}: {message}" if field else message
        self.errors = errors or [self]
        super().__init__(f"{self.path}:{line}: {self.message}" if line else f"{self.path}: {self.message}")


def where(path: Iterable) -> str:
    """A JSON path as text: ["items", 3, "value"] -> "items[3].value"."""
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def parse_where(text: str) -> list:
    """The inverse of where() for simple keys: "labs.calcium.value" -> ["labs", "calcium", "value"]."""
    out: list = []
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", text):
        out.append(int(part[1:-1]) if part.startswith("[") else part)
    return out


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


@dataclass
class Document:
    """A parsed data file: `.data` (plain Python values), `.path` (as given) and the YAML node
    tree (for JSON, composed on first use) for line look-ups and the numbers as written."""

    path: str
    data: Any
    node: Any = field(repr=False, default=None)
    text: str | None = field(repr=False, default=None)

    def _root(self):
        if self.node is None and self.text is not None:
            try:  # JSON is YAML 1.2 flow syntax: its node tree gives the lines
                self.node = yaml.compose(self.text, Loader=yaml.SafeLoader)
            except (yaml.YAMLError, RecursionError):
                self.text = None
        return self.node

    def node_at(self, path: Iterable) -> Any:
        """The YAML node at a JSON path (keys and list indices), or the deepest existing
        ancestor when the path runs past what the file holds."""
        node = self._root()
        for part in path:
            nxt = None
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    if isinstance(key_node, yaml.ScalarNode) and key_node.value == str(part):
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
                if isinstance(key_node, yaml.ScalarNode) and key_node.value == str(key):
                    return key_node.start_mark.line + 1
        return self.line(path)

    def line(self, path: Iterable = ()) -> int | None:
        """1-based line where the value at `path` starts."""
        node = self.node_at(list(path))
        return node.start_mark.line + 1 if node is not None else None

    def source_text(self, path: Iterable) -> str | None:
        """The scalar at `path` exactly as the file wrote it (e.g. "123.4567"), or None."""
        path = list(path)
        node = self.node_at(path)
        if isinstance(node, yaml.ScalarNode) and node is not self.node_at(path[:-1]):
            return node.value
        return None

    def error(self, path: Iterable, message: str, *, line: int | None = None) -> DataFileError:
        """A DataFileError for the value at `path`: "file:line: field: message"."""
        path = list(path)
        return DataFileError(
            self.path, line if line is not None else self.line(path), message, field=where(path)
        )


# ------------------------------------------------------------------------------------ YAML


class _Loader(yaml.SafeLoader):
    """PyYAML's scanner, parser and composer; refuses anchors, aliases and tags as they come."""

    path = "<string>"
    allow_aliases = False

    def compose_node(self, parent, index):
        event = self.peek_event()
        line = event.start_mark.line + 1
        if not self.allow_aliases and isinstance(event, yaml.AliasEvent):  # an anchor alone is inert
            raise DataFileError(self.path, line, "anchors and aliases (&name, *name) are not allowed")
        tag = getattr(event, "tag", None)
        if tag is not None:
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            raise DataFileError(
                self.path, line, f"tags such as '{_short(shown)}' are not allowed; write the value plainly"
            )
        return super().compose_node(parent, index)


def _scalar(node: yaml.ScalarNode, path: str, at: list) -> Any:
    """A scalar node's value under the YAML 1.2 core schema, with the refusals above."""
    v = node.value
    line = node.start_mark.line + 1

    def fail(message):
        return DataFileError(path, line, message, field=where(at))

    problem = text_problem(v)
    if problem:
        raise fail(problem)
    if node.style:  # quoted or block scalar: always text (plain is None, or "" from libyaml)
        return v
    if _NULL.match(v):
        return None
    if v in _BOOL:
        return _BOOL[v]
    for pattern, why in _YAML11:
        if pattern.match(v):
            raise fail(f"'{_short(v)}' {why(_short(v))}")
    if _SPECIAL_FLOAT.match(v):
        raise fail(f"'{v}' is not a finite number; give a finite decimal number")
    if _INT.match(v) or _FLOAT.match(v):
        return _number(v, fail)
    return v


def _number(text: str, fail) -> int | float:
    digits = len(re.sub(r"[eE].*$", "", text).lstrip("+-").replace(".", "").lstrip("0"))
    if digits > MAX_DIGITS:
        raise fail(f"a number with {digits} digits; at most {MAX_DIGITS} digits are accepted")
    if _INT.match(text):
        return int(text)
    try:
        f = float(text)
    except (ValueError, OverflowError):
        f = math.inf
    if not math.isfinite(f):
        raise fail(f"'{_short(text)}' is too large to be a finite number")
    return f


def _construct(node, path: str, at: list, max_depth: int, budget: list) -> Any:
    budget[0] -= 1
    if budget[0] < 0:
        raise DataFileError(path, None, f"more than {MAX_NODES} values (aliases expand too far)")
    if len(at) > max_depth:
        raise DataFileError(
            path, node.start_mark.line + 1, f"nested deeper than {max_depth} levels", field=where(at)
        )
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node, path, at)
    if isinstance(node, yaml.SequenceNode):
        return [_construct(n, path, at + [i], max_depth, budget) for i, n in enumerate(node.value)]
    out: dict = {}
    lines: dict = {}
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        if not isinstance(key_node, yaml.ScalarNode):
            raise DataFileError(path, line, "a key must be text, not a list or mapping", field=where(at))
        kat = at + [key_node.value]
        key = _scalar(key_node, path, kat)
        if key_node.value == "<<" and not key_node.style:
            raise DataFileError(path, line, "merge keys (<<) are not allowed", field=where(at))
        if not isinstance(key, str):
            hint = " (in {...} a comma separates entries: write a decimal with a point, 2.5)"
            raise DataFileError(
                path,
                line,
                f"key '{_short(key_node.value)}' is not text; keys are words"
                + (hint if node.flow_style and isinstance(key, (int, float)) else ""),
                field=where(kat),
            )
        if key in out:
            inside = f" in {where(at)}" if at else ""
            raise DataFileError(
                path, line, f"duplicate key '{_short(key)}'{inside} (first given on line {lines[key]})"
            )
        lines[key] = line
        out[key] = _construct(value_node, path, at + [key], max_depth, budget)
    return out


_FAST = getattr(yaml, "CSafeLoader", None)  # libyaml: scanning and parsing in C, 20x faster


def _events(text: str, path: str, max_depth: int, allow_aliases: bool) -> None:
    """One pass over the parser's events (libyaml): aliases and explicit tags refused where
    they are written, and nesting bounded before any node tree is built."""
    depth = 0
    for event in yaml.parse(text, Loader=_FAST):
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent) and not allow_aliases:  # an anchor alone is inert
            raise DataFileError(path, line, "anchors and aliases (&name, *name) are not allowed")
        tag = getattr(event, "tag", None)
        if tag is not None:
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            raise DataFileError(
                path, line, f"tags such as '{_short(shown)}' are not allowed; write the value plainly"
            )
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > max(max_depth, MAX_DEPTH) + 2:  # a runaway; the field is named below otherwise
                raise DataFileError(path, line, f"nested deeper than {max_depth} levels")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _compose(text: str, path: str, max_depth: int, allow_aliases: bool):
    if _FAST is not None:
        try:
            _events(text, path, max_depth, allow_aliases)
            return yaml.compose(text, Loader=_FAST)  # tags were refused above: the resolver's are unused
        except yaml.MarkedYAMLError as exc:
            if "nesting depth" in str(exc.problem):
                raise
            # a syntax error: PyYAML's own parser says more ("expected <block end>, but found
            # '<scalar>'" where libyaml says "did not find expected key"); it raises below
    loader = _Loader(text)
    loader.path, loader.allow_aliases = path, allow_aliases
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def _yaml(text: str, path: str, max_depth: int, allow_aliases: bool = False) -> Document:
    m = _NOT_TEXT.search(text)
    if m:  # a raw control character: name its line (PyYAML would give a character offset)
        line = text.count("\n", 0, m.start()) + 1
        raise DataFileError(path, line, text_problem(m.group(0)))
    try:
        node = _compose(text, path, max_depth, allow_aliases)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = (exc.problem or exc.context or "syntax error").strip()
        line = mark.line + 1 if mark else None
        if "nesting depth" in what:  # libyaml's own limit (1,000 levels)
            raise DataFileError(path, line, f"YAML nested deeper than {max_depth} levels") from None
        raise DataFileError(path, line, f"YAML syntax error: {what}") from None
    except yaml.YAMLError as exc:
        raise DataFileError(path, None, f"YAML syntax error: {str(exc).splitlines()[0]}") from None
    except RecursionError:
        raise DataFileError(path, None, f"YAML nested deeper than {max_depth} levels") from None
    if node is None:
        raise DataFileError(path, None, "the file is empty")
    return Document(path, _construct(node, path, [], max_depth, [MAX_NODES]), node)


# ------------------------------------------------------------------------------------ JSON


def _json(text: str, path: str, max_depth: int) -> Document:
    def fail(message, found=None):
        pos = text.find(found) if found else -1
        return DataFileError(path, text.count("\n", 0, pos) + 1 if pos >= 0 else None, message)

    def pairs(items):
        out = {}
        for key, value in items:
            if key in out:
                raise fail(f"duplicate key '{_short(key)}'")
            out[key] = value
        return out

    def constant(name):
        raise fail(f"'{name}' is not a finite number; give a finite decimal number", name)

    def number(t):
        return _number(t, lambda message: fail(message, t))

    try:
        hooks = {"parse_constant": constant, "parse_int": number, "parse_float": number}
        data = json.loads(text, object_pairs_hook=pairs, **hooks)
    except json.JSONDecodeError as exc:
        raise DataFileError(path, exc.lineno, f"invalid JSON at column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise fail(f"invalid JSON: nested deeper than {max_depth} levels") from None
    doc = Document(path, data, None, text)
    _json_depth(doc, data, [], max_depth)
    return doc


def _json_depth(doc: Document, data, at: list, max_depth: int) -> None:
    """Nesting and text of JSON data (the YAML reader checks both as it constructs)."""
    if len(at) > max_depth:
        raise doc.error(at, f"nested deeper than {max_depth} levels")
    for text in [data] if isinstance(data, str) else data if isinstance(data, dict) else ():
        if text_problem(text):
            raise doc.error(at, text_problem(text))
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in items:
        _json_depth(doc, value, at + [key], max_depth)


# ------------------------------------------------------------------------------------ schemas


def jsonschema():
    """The jsonschema module, imported without the optional format-checker library
    rfc3987_syntax, which builds a grammar at import (2.4 s per process here; JupyterLab's
    extras install it). The course's schemas use no `format`, so nothing is lost; the library
    stays importable for anyone else afterwards."""
    import sys

    if "jsonschema" not in sys.modules and "rfc3987_syntax" not in sys.modules:
        sys.modules["rfc3987_syntax"] = None  # makes `import rfc3987_syntax` fail: jsonschema skips it
        try:
            import jsonschema as module
        finally:
            del sys.modules["rfc3987_syntax"]
        return module
    import jsonschema as module

    return module


# ------------------------------------------------------------------------------------ files


def loads(
    text: str,
    path: str = "<string>",
    *,
    kind: str | None = None,
    max_depth: int = MAX_DEPTH,
    allow_aliases: bool = False,
) -> Document:
    """Parse YAML (or JSON, with kind="json" or a .json path) text into a Document.
    Raises DataFileError for anything refused above or an empty document."""
    path = str(path)
    text = text.removeprefix("\ufeff")
    is_json = kind == "json" or (kind is None and path.lower().endswith(".json"))
    if is_json and not text.strip():
        raise DataFileError(path, None, "the file is empty")
    return _json(text, path, max_depth) if is_json else _yaml(text, path, max_depth, allow_aliases)


def load(
    path: str | Path,
    *,
    max_bytes: int = MAX_BYTES,
    kind: str | None = None,
    max_depth: int = MAX_DEPTH,
    allow_aliases: bool = False,
) -> Document:
    """Read and parse a YAML or JSON file (UTF-8, at most `max_bytes`). Raises DataFileError."""
    name = str(path)
    if not name:
        raise DataFileError("(empty path)", None, "no file named; give the path of a YAML or JSON file")
    p = Path(path)
    try:
        if p.is_dir():
            raise DataFileError(name, None, "is a folder; give a YAML or JSON file")
        size = p.stat().st_size
        if not p.is_file():
            raise DataFileError(name, None, "not a regular file; give a YAML or JSON file")
        if size > max_bytes:
            raise DataFileError(name, None, f"file is {size} bytes; the limit is {max_bytes}")
        raw = p.read_bytes()[: max_bytes + 1]
    except FileNotFoundError:
        raise DataFileError(name, None, "cannot be read (no such file)") from None
    except OSError as exc:
        raise DataFileError(name, None, f"cannot be read ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataFileError(name, line, "not UTF-8 text; save the file as UTF-8") from None
    return loads(text, name, kind=kind, max_depth=max_depth, allow_aliases=allow_aliases)
