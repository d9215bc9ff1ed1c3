"""Short labels for the BibTeX entries in the course's references.bib, for components that
cite (e.g. "Enoch et al., 2005"). A small reader of the fields we use, not a BibTeX parser."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from .bibtex import is_beyond, read_bibtex

# The book's bibliography, beside the package in the repository (the book is built from a
# checkout); components of an installed package pass their own path.
BIBFILE = Path(__file__).resolve().parent.parent / "references.bib"
if not BIBFILE.is_file():  # installed from the book's wheel: the copy bundled into the package
    BIBFILE = Path(__file__).resolve().parent / "_course_data" / "references.bib"


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
    if not Path(path).is_file():
        return {}
    return {
        key: {"label": _label(fields, key), "list": 2 if is_beyond(fields) else 1}
        for key, fields in read_bibtex(path).items()
    }
