"""Citation labels: every work is cited as "Author, year", "Author et al., year" or
"Organisation, year" ("n.d." without a year), the same in the components (widgets/references.py)
and in the chapters (sphinxcontrib-bibtex with _ext/bibstyle.py), never by a raw or bracketed
title and never longer than a label should be."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from widgets.bibtex import parse_bibtex
from widgets.references import BIBFILE, _label, reference_labels

ROOT = Path(__file__).resolve().parent.parent
MAX_LEN = 40
LABEL_RE = re.compile(r"^(?P<who>[^\[\]{}]+), (?P<year>\d{4}|n\.d\.)$")


def _plain(text: str) -> str:
    return text.replace("{", "").replace("}", "").strip()


def label_problems(entries: dict[str, dict[str, str]]) -> list[str]:
    problems = []
    for key, fields in entries.items():
        label = _label(fields, key)
        m = LABEL_RE.match(label)
        if not m:
            problems.append(f"{key}: {label!r} is not 'Name, year' or 'Name, n.d.'")
            continue
        if len(label) > MAX_LEN:
            problems.append(f"{key}: {label!r} is longer than {MAX_LEN} characters")
        if not (fields.get("author") or fields.get("shortauthor")):
            problems.append(f"{key}: no author and no shortauthor, so the label is the title")
        elif m["who"] == _plain(fields.get("title", "")) and not fields.get("shortauthor"):
            problems.append(f"{key}: {label!r} names the work by its raw title")
        expected_year = fields.get("year") or "n.d."
        if m["year"] != expected_year:
            problems.append(f"{key}: label year {m['year']!r}, entry year {expected_year!r}")
    return problems


def test_every_label_of_the_bibliography_is_author_year():
    labels = reference_labels()
    assert len(labels) >= 60  # the whole bibliography was read
    assert label_problems(parse_bibtex(BIBFILE.read_text(encoding="utf-8"))) == []


def test_the_checker_catches_titles_brackets_long_names_and_missing_years():
    bad = parse_bibtex(
        "@misc{a, title = {[Calciphylaxis risk factors table]}}\n"
        "@misc{b, title = {Phosphorus, blood}, howpublished = {Davis}}\n"
        "@misc{c, author = {{US National Academy of Medicine (Institute of Medicine)}}, year = {2011}}\n"
        "@misc{d, shortauthor = {JAMA Dermatol}, title = {x}}\n"
    )
    found = "\n".join(label_problems(bad))
    assert "a: '[Calciphylaxis risk factors table], n.d.' is not 'Name, year'" in found
    assert "b: no author and no shortauthor" in found
    assert "c: 'US National Academy of Medicine (Institute of Medicine), 2011' is longer" in found
    assert "d:" not in found  # "JAMA Dermatol, n.d.": a short name, no year claimed


def test_label_rules():
    def label(bib: str) -> str:
        ((key, fields),) = parse_bibtex(bib).items()
        return _label(fields, key)

    # a corporate author containing "and" is one name
    assert label("@misc{k, author = {{Current Medical Diagnosis and Treatment}}}") == (
        "Current Medical Diagnosis and Treatment, n.d."
    )
    assert label("@misc{k, author = {Posnett, J. and others}, year = {2009}}") == "Posnett et al., 2009"
    assert label("@misc{k, author = {Sato and Ichioka}, year = {2010}}") == "Sato and Ichioka, 2010"
    assert label("@misc{k, author = {A and B and C}, year = {2001}}") == "A et al., 2001"
    # shortauthor names the work in place of (absent) authors; no year gives n.d.
    assert label("@misc{k, title = {[A table]}, shortauthor = {PMC2952095}}") == "PMC2952095, n.d."


def test_the_book_cites_each_work_with_the_same_label():
    """The chapters' citations (sphinxcontrib-bibtex, reference style of _ext/bibstyle.py)
    render the author-and-year part exactly as the components' labels."""
    from pybtex.database import parse_file
    from sphinxcontrib.bibtex.style.template import join, year

    sys.path.insert(0, str(ROOT / "_ext"))
    import bibstyle

    style = bibstyle.ShortAuthorYearReferenceStyle()
    template = join(sep=", ")[style.person.author_or_editor_or_title(full=False), year]
    labels = reference_labels()
    data = parse_file(str(BIBFILE))
    differ = {}
    for key, entry in data.entries.items():
        text = template.format_data({"entry": entry, "style": style}).render_as("text")
        if text != labels[key]["label"]:
            differ[key] = (text, labels[key]["label"])
    assert differ == {}
