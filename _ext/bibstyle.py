"""Local Sphinx extension: author-year citations that name every work briefly.

sphinxcontrib-bibtex's ``author_year`` style cites a work without an author by its title
(e.g. "([Calciphylaxis risk factors table], n.d.)"). This style ``author_year_short`` is the
same, except that:

- a ``shortauthor`` field, where an entry has one, names the work in place of its authors
  ("JAMA Dermatol, 2017", "Wikipedia, n.d."); references.bib gives one to every entry without
  an author, taken from what the entry itself says (its journal, publisher or site);
- an author list ending in "and others" is cited as "First et al.", not "First and others".

The components' labels (widgets/references.py) follow the same rules, so a citation reads
the same in a chapter and in a widget; tests/test_references_labels.py checks both.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from importlib.metadata import entry_points

import pybtex.plugin
import sphinxcontrib.bibtex.plugin
from pybtex.richtext import Text
from pybtex.style.template import node
from sphinxcontrib.bibtex.plugin import register_plugin
from sphinxcontrib.bibtex.style.referencing import PersonStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle
from sphinxcontrib.bibtex.style.template import author_or_editor_or_title

NAME = "author_year_short"

# pybtex 0.24 and sphinxcontrib-bibtex 2.6/2.7 look a plugin (a style, a name format, a label
# style) up for every citation they format by scanning the entry points of every installed
# distribution (importlib.metadata.entry_points(group=..., name=...)): 29 % of a clean build
# of this book (issue 19). The installed distributions do not change during a build, so each
# lookup is made once. (Runtime-registered plugins such as ours are found before the scan.)
_cached_entry_points = functools.lru_cache(maxsize=None)(entry_points)
pybtex.plugin.entry_points = _cached_entry_points
sphinxcontrib.bibtex.plugin._entry_points = _cached_entry_points


@node
def shortauthor_or_author(children, data, other=None, **kwargs):
    """The entry's shortauthor, else "First et al." for "First and others", else the
    standard author / editor / title of sphinxcontrib-bibtex."""
    assert not children
    entry = data["entry"]
    short = entry.fields.get("shortauthor")
    if short:
        return Text(short.replace("{", "").replace("}", ""))
    persons = entry.persons.get("author", [])
    if other is not None and len(persons) >= 2 and str(persons[-1]) == "others":
        style = data["style"].person
        first = style.style_plugin.format(persons[0], style.abbreviate).format_data(data)
        return Text(first, other)
    return author_or_editor_or_title(other=other, **kwargs).format_data(data)


@dataclass
class ShortAuthorPersonStyle(PersonStyle):
    def author_or_editor_or_title(self, full: bool):
        return shortauthor_or_author(
            sep=self.sep,
            sep2=self.sep2,
            last_sep=self.last_sep,
            other=None if full else self.other,
        )


@dataclass
class ShortAuthorYearReferenceStyle(AuthorYearReferenceStyle):
    person: PersonStyle = field(default_factory=ShortAuthorPersonStyle)


register_plugin("sphinxcontrib.bibtex.style.referencing", NAME, ShortAuthorYearReferenceStyle)


def setup(app):
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
