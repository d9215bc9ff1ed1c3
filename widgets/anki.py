"""The question banks as an Anki deck (`python -m widgets export-anki --out course.apkg`).

One note per item, made with genanki (PyPI): the front is the vignette, the lead-in and the
options (for a matching item: the left column and every answer, spares included); the back is
the key, why each option is right or wrong, the references (author-year labels, ‡ after an
unverified work, "beyond the article" where the course goes past the source article) and the
chapter paragraph that teaches it. Note ids are stable (from the item id), so a re-imported
deck updates the learner's cards instead of duplicating them. Bank text is escaped: it is data.
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

from . import quizbank
from .references import reference_labels

DECK_ID = 1733218800  # fixed: the same deck on every export
MODEL_ID = 1733218801
FOOTER = "For education, not for clinical decisions."


def _rich(text: str) -> str:
    t = escape(str(text or ""), quote=False)
    t = re.sub(r"\*([^*\n]+)\*", r"<i>\1</i>", t)
    t = re.sub(r"\^([^^\n]+)\^", r"<sup>\1</sup>", t)
    return re.sub(r"~([^~\n]+)~", r"<sub>\1</sub>", t)


def _refs(cite: list[str], beyond: bool | None) -> str:
    labels = reference_labels()
    parts = []
    for key in cite or []:
        info = labels.get(key, {"label": key})
        parts.append(escape(info["label"]) + ("‡" if info.get("unverified") else ""))
    out = f" <small>({'; '.join(parts)})</small>" if parts else ""
    return out + (" <small>[beyond the article]</small>" if beyond else "")


def _shown(item: dict) -> list[dict]:
    """The options in the order the page shows them (seed 0): written order would put the key
    first in most items."""
    from .itemcues import shown_order

    return [item["options"][i] for i in shown_order(len(item["options"]), 0, item["id"])]


def front(item: dict) -> str:
    parts = [f"<p>{_rich(item['stem'])}</p>"] if item.get("stem") else []
    parts.append(f"<p><b>{_rich(item['question'])}</b></p>")
    if item["type"] in ("sba", "multiple"):
        hint = "Single best answer" if item["type"] == "sba" else "Choose every answer that applies"
        opts = "".join(f"<li>{_rich(o['text'])}</li>" for o in _shown(item))
        parts.append(f"<p><i>{hint}</i></p><ol type='A'>{opts}</ol>")
    elif item["type"] == "numeric":
        parts.append(f"<p><i>Answer in {escape(item['answer']['unit'])}</i></p>")
    else:
        answers = [p["right"] for p in item["pairs"]] + list(item.get("spares") or [])
        lefts = "".join(f"<li>{_rich(p['left'])}</li>" for p in item["pairs"])
        rights = "".join(f"<li>{_rich(r)}</li>" for r in sorted(answers))
        parts.append(f"<p><i>Match (some answers match nothing)</i></p><ol>{lefts}</ol><ul>{rights}</ul>")
    return "".join(parts)


def back(item: dict) -> str:
    rows = []
    if item["type"] in ("sba", "multiple"):
        for o in _shown(item):
            mark = "✔" if o.get("correct") else "✘"
            why = _rich(o["feedback"]) + _refs(o["cite"], o.get("beyond"))
            rows.append(f"<li>{mark} <b>{_rich(o['text'])}</b>: {why}</li>")
        body = f"<ul>{''.join(rows)}</ul>"
    elif item["type"] == "numeric":
        a = item["answer"]
        body = (
            f"<p><b>{a['value']:g} {escape(a['unit'])}</b> (± {a['tolerance']:g})</p>"
            f"<p>{_rich(a['feedback'])}{_refs(a['cite'], a.get('beyond'))}</p>"
        )
    else:
        for p in item["pairs"]:
            rows.append(
                f"<li>{_rich(p['left'])} → <b>{_rich(p['right'])}</b>: {_rich(p['feedback'])}"
                f"{_refs(p['cite'], p.get('beyond'))}</li>"
            )
        body = f"<ul>{''.join(rows)}</ul>"
    teach = item.get("teach", "")
    page, _, anchor = teach.partition("#")
    where = f"<p><small>Taught in: {escape(page)}.html#{escape(anchor)}</small></p>" if teach else ""
    objective = f"<p><small>Objective: {_rich(item['objective'])}</small></p>"
    return f"{body}{objective}{where}<p><small>{FOOTER}</small></p>"


def build_package(banks: list[str] | None = None):
    import genanki

    model = genanki.Model(
        MODEL_ID,
        "Calcinosis course question",
        fields=[{"name": "Id"}, {"name": "Front"}, {"name": "Back"}],
        templates=[{"name": "Card", "qfmt": "{{Front}}", "afmt": "{{FrontSide}}<hr id=answer>{{Back}}"}],
        sort_field_index=0,
    )
    deck = genanki.Deck(DECK_ID, "Calcinosis, calciphylaxis and WISN (course questions)")
    for name in banks or [p.stem for p in quizbank.bank_files()]:
        for item in quizbank.bank(name)["items"]:
            deck.add_note(
                genanki.Note(
                    model=model,
                    fields=[item["id"], front(item), back(item)],
                    guid=genanki.guid_for("calcinosis-course", item["id"]),
                    tags=[f"chapter::{item['chapter']}", f"bank::{name}", item["type"]],
                )
            )
    return genanki.Package(deck)


def export(out: str | Path, banks: list[str] | None = None) -> int:
    """Write the deck to `out`; returns the number of notes."""
    pkg = build_package(banks)
    pkg.write_to_file(str(out))
    return len(pkg.decks[0].notes)
