"""Moodle XML export of a question bank (`python -m widgets export-moodle quizzes/x.yml`).

What Moodle reads is what the bank says:
- numeric answers and tolerances are written with the digits the bank gives (the scalar as
  written in the file, as a plain decimal: `123.4567` stays `123.4567`, `1234567` stays
  `1234567`, `1.5e3` becomes `1500`), never rounded by a format such as `:g`;
- text XML cannot hold (control characters, lone surrogates, U+FFFE/U+FFFF) is refused with
  one line naming the file, line and field; the strict reader already refuses it in files,
  this guards banks given as data;
- bank text is data, never markup: it is escaped.

For education, not for clinical decisions.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from xml.etree import ElementTree as ET

from .clinical.reader import Document, text_problem, where

__all__ = ["ExportError", "export_file", "moodle_xml", "xml_problem"]


class ExportError(ValueError):
    """A bank cannot be written as Moodle XML; str() is one line naming the place."""


def xml_problem(text: str) -> str | None:
    """Why `text` cannot go into XML (control characters, lone surrogates, U+FFFE), or None."""
    problem = text_problem(text)
    return problem.replace("which is not text", "which XML cannot hold") if problem else None


def _check_text(data, at: list, doc: Document | None, name: str) -> None:
    if isinstance(data, str):
        problem = xml_problem(data)
        if problem:
            line = doc.line(at) if doc is not None else None
            place = f"{name}:{line}" if line else name
            raise ExportError(f"{place}: {where(at) or '(top level)'}: {problem}")
    elif isinstance(data, dict):
        for k, v in data.items():
            _check_text(k, at, doc, name)
            _check_text(v, at + [k], doc, name)
    elif isinstance(data, list):
        for i, v in enumerate(data):
            _check_text(v, at + [i], doc, name)


def _decimal(value, written: str | None) -> str:
    """A number as a plain decimal with exactly the digits the bank gives."""
    for text in (written, repr(value)):
        if text is None:
            continue
        try:
            d = Decimal(text.strip())
        except InvalidOperation:
            continue
        if d.is_finite():
            return format(d, "f")
    raise ExportError(f"{value!r} is not a finite number")


def _cite_text(cite: list[str]) -> str:
    from .references import reference_labels

    labels = reference_labels()
    return "; ".join(labels.get(k, {}).get("label", k) for k in cite)


def _html(text: str) -> str:
    """Bank text as HTML for Moodle: escaped (bank text is data, never markup)."""
    from html import escape

    return escape(text, quote=False)


def _text(parent, tag: str, text: str, fmt: str = "html"):
    el = ET.SubElement(parent, tag, {"format": fmt} if fmt else {})
    ET.SubElement(el, "text").text = text
    return el


def _fb(feedback: str, cite: list[str], beyond: bool | None = False) -> str:
    mark = " [beyond the article]" if beyond else ""
    return f"{_html(feedback)} ({_html(_cite_text(cite))}){mark}"


def _choices(q, item: dict) -> None:
    t = item["type"]
    ET.SubElement(q, "single").text = "true" if t == "sba" else "false"
    ET.SubElement(q, "shuffleanswers").text = "1"
    ET.SubElement(q, "answernumbering").text = "abc"
    n_key = sum(bool(o.get("correct")) for o in item["options"])
    n_wrong = len(item["options"]) - n_key
    for o in item["options"]:
        if t == "sba":
            frac = 100 if o.get("correct") else 0
        else:
            frac = round(100 / n_key, 5) if o.get("correct") else -round(100 / n_wrong, 5)
        a = _text(q, "answer", _html(o["text"]))
        a.set("fraction", _decimal(frac, None))
        _text(a, "feedback", _fb(o["feedback"], o["cite"], o.get("beyond")))


def _numeric(q, item: dict, i: int, doc: Document | None) -> None:
    ans = item["answer"]

    def written(key):
        return doc.source_text(["items", i, "answer", key]) if doc is not None else None

    a = _text(q, "answer", _decimal(ans["value"], written("value")), fmt="moodle_auto_format")
    a.set("fraction", "100")
    ET.SubElement(a, "tolerance").text = _decimal(ans["tolerance"], written("tolerance"))
    _text(a, "feedback", _fb(ans["feedback"], ans["cite"], ans.get("beyond")))
    w = _text(q, "answer", "*", fmt="moodle_auto_format")
    w.set("fraction", "0")
    _text(w, "feedback", _fb(ans["wrong_feedback"], ans["cite"], ans.get("beyond")))
    units = ET.SubElement(q, "units")
    u = ET.SubElement(units, "unit")
    ET.SubElement(u, "multiplier").text = "1"
    ET.SubElement(u, "unit_name").text = ans["unit"]
    ET.SubElement(q, "unitgradingtype").text = "0"
    ET.SubElement(q, "showunits").text = "3"
    ET.SubElement(q, "unitsleft").text = "0"


def _matching(q, item: dict) -> None:
    ET.SubElement(q, "shuffleanswers").text = "true"
    fb = "".join(
        f"<p>{_html(p['left'])} → {_html(p['right'])}: {_fb(p['feedback'], p['cite'], p.get('beyond'))}</p>"
        for p in item["pairs"]
    )
    _text(q, "correctfeedback", fb)
    _text(q, "incorrectfeedback", fb)
    _text(q, "partiallycorrectfeedback", fb)
    for p in item["pairs"]:
        s = _text(q, "subquestion", _html(p["left"]))
        ET.SubElement(ET.SubElement(s, "answer"), "text").text = p["right"]
    for spare in item.get("spares") or []:  # Moodle: a subquestion with no text is a spare answer
        s = _text(q, "subquestion", "")
        ET.SubElement(ET.SubElement(s, "answer"), "text").text = spare


QTYPE = {"sba": "multichoice", "multiple": "multichoice", "numeric": "numerical", "matching": "matching"}


def moodle_xml(bank_data: dict, doc: Document | None = None) -> str:
    """A Moodle XML <quiz> for one (checked) bank: multichoice (single / multiple), numerical
    and matching questions, with per-option feedback and its references, in a category named
    after the bank. With `doc` (the bank's Document) numbers keep the digits as written."""
    _check_text(bank_data, [], doc, doc.path if doc is not None else "bank")
    quiz = ET.Element("quiz")
    cat = ET.SubElement(quiz, "question", {"type": "category"})
    _text(cat, "category", f"$course$/Calcinosis course/{bank_data['title']}", fmt="")
    for i, item in enumerate(bank_data["items"]):
        t = item["type"]
        q = ET.SubElement(quiz, "question", {"type": QTYPE[t]})
        _text(q, "name", item["id"], fmt="")
        body = "".join(f"<p>{_html(part)}</p>" for part in (item.get("stem"), item["question"]) if part)
        _text(q, "questiontext", body)
        ET.SubElement(q, "idnumber").text = item["id"]
        tags = ET.SubElement(q, "tags")
        for tag in [f"chapter:{item['chapter']}", f"bank:{bank_data['bank']}"]:
            ET.SubElement(ET.SubElement(tags, "tag"), "text").text = tag
        _text(q, "generalfeedback", f"<p>Learning objective: {_html(item['objective'])}</p>")
        if t in ("sba", "multiple"):
            _choices(q, item)
        elif t == "numeric":
            _numeric(q, item, i, doc)
        else:
            _matching(q, item)
    ET.indent(quiz)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, encoding="unicode") + "\n"


def export_file(path: str | Path) -> str:
    """Read, check and export one bank file. Raises DataFileError (the bank is invalid: every
    problem in `.errors`) or ExportError."""
    from . import datafile, quizbank

    doc = datafile.load(path)
    errs = quizbank.check_document(doc)
    if errs:
        raise datafile.DataFileError(errs[0].path, errs[0].line, errs[0].message, errs)
    return moodle_xml(doc.data, doc)
