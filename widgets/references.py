"""Short labels for the BibTeX entries in the course's references.bib, for components that
cite (e.g. "Enoch et al., 2005"). A small reader of the fields we use, not a BibTeX parser."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

BIBFILE = Path(__file__).resolve().parent.parent / "references.bib"
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


def _surname(name: str) -> str:
    name = name.strip()
    if name.startswith("{") and name.endswith("}"):
        return name[1:-1]
    return name.split(",")[0].strip() if "," in name else name.split()[-1]


def _label(fields: dict[str, str], key: str) -> str:
    authors = [a for a in re.split(r"\s+and\s+", fields.get("author", "")) if a.strip()]
    year = fields.get("year", "")
    if not authors:
        text = fields.get("title") or fields.get("howpublished") or key
        text = text.replace("{", "").replace("}", "")
        return text if len(text) <= 60 else text[:57] + "…"
    names = [_surname(a) for a in authors]
    if len(names) > 2 or "others" in names:
        who = f"{names[0]} et al."
    else:
        who = " and ".join(names)
    return f"{who}, {year}" if year else who


@lru_cache(maxsize=1)
def reference_labels(path: Path = BIBFILE) -> dict[str, dict]:
    """{key: {"label": short label, "list": 1 | 2}}: list 2 holds the works beyond the article
    (keywords = {beyond}), as on the book's references page. Empty if the file is absent."""
    if not path.is_file():
        return {}
    text = path.read_text(encoding="utf-8")
    starts = list(ENTRY.finditer(text))
    out = {}
    for m, nxt in zip(starts, [*starts[1:], None]):
        fields = _fields(text[m.end() : nxt.start() if nxt else len(text)])
        key = m.group(2)
        out[key] = {"label": _label(fields, key), "list": 2 if "beyond" in fields.get("keywords", "") else 1}
    return out
