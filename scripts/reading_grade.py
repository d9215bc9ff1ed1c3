"""Print the Flesch-Kincaid grade of each page's "In short" box (the plain reading level).

Usage: python scripts/reading_grade.py [--json]

Reads every page listed in _toc.yml (Markdown as is, notebooks' markdown cells), takes the body
of the `:::{admonition} In short` box, strips MyST markup and prints the Flesch-Kincaid grade,
the number of sentences and a note when a box is missing or has a citation. A measurement for the
benchmark, not a test: it always exits 0 unless the table of contents cannot be read.

Syllables are counted with the usual vowel-group rule (a silent final "e" dropped, at least one
per word), not a dictionary: textstat, the maintained library, needs NLTK's CMU dictionary
downloaded at run time, which the offline build cannot do. The rule tracks dictionary counts
closely enough for a grade to one decimal place to be compared between pages and over time.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
BOX = re.compile(r"^:::\{admonition\} In short\n(?::[^\n]*\n)*(.*?)^:::\s*$", re.S | re.M)
# pages that are not teaching chapters and so carry no box
NO_BOX = {
    "intro",  # the course front page
    "chapters/glossary",
    "chapters/review",  # practice tools, not teaching pages
    "chapters/progress",
    "chapters/errata",
    "chapters/references",
    "chapters/educators",
    "chapters/cases",  # practice pages: the walk-throughs and the quiz
    "chapters/self-assessment",
}


def toc_pages() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    found = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                found.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(toc.get("parts", []))
    return found


def prose(name: str) -> str | None:
    md, nb = ROOT / f"{name}.md", ROOT / f"{name}.ipynb"
    if md.is_file():
        return md.read_text(encoding="utf-8")
    if nb.is_file():
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        return "\n\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return None


WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")
SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)")


def syllables(word: str) -> int:
    w = word.lower().replace("’", "'").split("'")[0]
    n = len(re.findall(r"[aeiouy]+", w))
    # vowel pairs spoken as two syllables: di-a-lysis, cal-ci-um, u-su-al, vi-o-let
    n += len(re.findall(r"(?<![ct])ia|iu|eo|(?<!q)ua|(?<![cst])io", w))
    if w.endswith("e") and not w.endswith(("le", "ee", "ye")) and n > 1:
        n -= 1  # silent final e: tissue, stone
    elif w.endswith("ed") and not w.endswith(("ted", "ded")) and n > 1:
        n -= 1  # leaked, blocked
    return max(1, n)


def fk_grade(text: str) -> tuple[float, int]:
    """Flesch-Kincaid grade: 0.39 words/sentence + 11.8 syllables/word - 15.59."""
    words = WORD.findall(text)
    sentences = max(1, len(SENTENCE_END.findall(text)))
    if not words:
        return 0.0, 0
    syl = sum(syllables(w) for w in words)
    return 0.39 * len(words) / sentences + 11.8 * syl / len(words) - 15.59, sentences


def plain(text: str) -> str:
    text = re.sub(r"\{[a-z:]+\}`([^`<]*?)\s*(?:<[^>]*>)?`", r"\1", text)  # {term}`x <y>` -> x
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links
    text = re.sub(r"[*_`]", "", text)
    return " ".join(text.split())


def measure() -> list[dict]:
    rows = []
    for name in toc_pages():
        text = prose(name)
        if text is None or name in NO_BOX:
            continue
        m = BOX.search(text)
        if not m:
            rows.append({"page": name, "grade": None, "sentences": 0, "note": "no In short box"})
            continue
        body = m.group(1)
        words = plain(body)
        note = "has a citation" if "{cite" in body else ""
        grade, sentences = fk_grade(words)
        rows.append({"page": name, "grade": round(grade, 1), "sentences": sentences, "note": note})
    return rows


def main() -> int:
    rows = measure()
    if "--json" in sys.argv[1:]:
        print(json.dumps(rows, indent=1))
        return 0
    print(f"{'page':34} {'FK grade':>8} {'sentences':>9}  note")
    for r in rows:
        grade = "-" if r["grade"] is None else f"{r['grade']:.1f}"
        print(f"{r['page']:34} {grade:>8} {r['sentences']:>9}  {r['note']}")
    graded = [r["grade"] for r in rows if r["grade"] is not None]
    if graded:
        print(f"{len(graded)} boxes; mean grade {sum(graded) / len(graded):.1f}, highest {max(graded):.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
