"""The one BibTeX reader of the course: entries and the plain fields we use (author, year,
title, keywords, ...), read from a path the caller gives. A small reader of well-formed
entries, not a full BibTeX parser. Used by widgets.references, widgets.clinical.knowledge
(cite-key checks) and the tests."""

from __future__ import annotations

import re
from pathlib import Path

ENTRY = re.compile(r"@(\w+)\s*\{\s*([^,\s]+)\s*,")
FIELD = re.compile(r"(\w+)\s*=\s*\{")


def _fields(body: str) -> dict[str, str]:
    fields, pos = {}, 0
    while (m := FIELD.search(body, pos)) is not None:
        depth, i = 1, m.end()
        while depth and i < len(body):
            depth += {"{": 1, "}": -1}.get(body[i], 0)
            i += 1
        fields[m.group(1).lower()] = body[m.end() : i - 1]
        pos = i
    return fields


def parse_bibtex(text: str) -> dict[str, dict[str, str]]:
    """{key: {"entrytype": ..., field: value, ...}} in file order."""
    starts = list(ENTRY.finditer(text))
    out = {}
    for m, nxt in zip(starts, [*starts[1:], None]):
        fields = _fields(text[m.end() : nxt.start() if nxt else len(text)])
        out[m.group(2)] = {"entrytype": m.group(1).lower(), **fields}
    return out


def read_bibtex(path: Path | str) -> dict[str, dict[str, str]]:
    """The entries of the BibTeX file at `path` (FileNotFoundError if it is missing)."""
    return parse_bibtex(Path(path).read_text(encoding="utf-8"))


def is_beyond(entry: dict[str, str]) -> bool:
    """True for works beyond the source article (keywords = {beyond})."""
    return "beyond" in entry.get("keywords", "")
