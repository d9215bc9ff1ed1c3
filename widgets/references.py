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


def _names(field: str) -> list[str]:
    """The names of an author field, split on "and" outside braces, so that a corporate
    author such as {Current Medical Diagnosis and Treatment} stays one name."""
    names, depth, start = [], 0, 0
    for m in re.finditer(r"[{}]|\s+and\s+", field):
        if m.group() == "{":
            depth += 1
        elif m.group() == "}":
            depth -= 1
        elif depth == 0:
            names.append(field[start : m.start()])
            start = m.end()
    names.append(field[start:])
    return [n.strip() for n in names if n.strip()]


def _label(fields: dict[str, str], key: str) -> str:
    """ "Author, year", "Author et al., year" or "Organisation, year"; "n.d." without a year.
    A `shortauthor` field, if present, names the work in place of its authors (used for the
    works whose entry has no author); the book's citations (_ext/bibstyle.py) honour it too.
    Without author or shortauthor the title stands in, as sphinxcontrib-bibtex does
    (tests/test_references_labels.py keeps every entry of the course from needing that)."""
    year = fields.get("year") or "n.d."
    authors = _names(fields.get("author", ""))
    if fields.get("shortauthor"):
        who = fields["shortauthor"].replace("{", "").replace("}", "")
    elif not authors:
        who = (fields.get("title") or key).replace("{", "").replace("}", "")
    else:
        names = [_surname(a) for a in authors]
        if len(names) > 2 or names[-1] == "others":
            who = f"{names[0]} et al."
        else:
            who = " and ".join(names)
    return f"{who}, {year}"


@lru_cache(maxsize=1)
def reference_labels(path: Path = BIBFILE) -> dict[str, dict]:
    """{key: {"label": short label, "list": 1 | 2, "unverified": bool}}: list 2 holds the works
    beyond the article (keywords = {beyond}), as on the book's references page; `unverified`
    marks works the article cites whose details could not be verified (keywords = {unverified}),
    which every page and component shows with the course's ‡ marker. Empty if the file is absent."""
    if not Path(path).is_file():
        return {}
    return {
        key: {
            "label": _label(fields, key),
            "list": 2 if is_beyond(fields) else 1,
            "unverified": "unverified" in fields.get("keywords", ""),
        }
        for key, fields in read_bibtex(path).items()
    }


@lru_cache(maxsize=1)
def bib_keys() -> frozenset[str]:
    """The keys of references.bib (the bundled copy when installed from the wheel); empty if
    the file is absent. Banks and cases check their `cite:` keys against it."""
    return frozenset(reference_labels())
