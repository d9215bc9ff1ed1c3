"""Append the "Test yourself" cells (a heading and a Quiz cell) at the end of each notebook
chapter, once. Used after merging chapter revisions: `python scripts/add_quiz_cells.py`, then
`make execute`. Never edits cells above its own."""

from __future__ import annotations

from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
CALLS = {
    "calcium-explorer": 'Quiz(bank="foundations", chapter="calcium-explorer")',
    "dystrophic": 'Quiz(bank="variants", chapter="dystrophic")',
    "metastatic": 'Quiz(bank="variants", chapter="metastatic")',
    "idiopathic": 'Quiz(bank="variants", chapter="idiopathic")',
    "iatrogenic": 'Quiz(bank="variants", chapter="iatrogenic")',
    "calciphylaxis": 'Quiz(bank="variants", chapter="calciphylaxis")',
    "wisn": 'Quiz(bank="variants", chapter="wisn")',
    "differential": 'Quiz(bank="differential", n=10, seed=1)',
}
INTRO = (
    "## Test yourself\n\nAnswer, then check: each option's feedback says why it is right or wrong, "
    "with its references. Your answers stay in this browser. *For education, not for clinical decisions.*"
)


def main() -> int:
    for name, call in CALLS.items():
        path = ROOT / "chapters" / f"{name}.ipynb"
        nb = nbformat.read(path, as_version=4)
        if any(c.cell_type == "markdown" and c.source.startswith("## Test yourself") for c in nb.cells):
            continue
        intro = INTRO
        if name == "differential":
            intro += (
                "\n\nTen vignettes drawn from the differential-diagnosis bank; the whole bank "
                "is in the [Self-assessment](self-assessment) chapter."
            )
        nb.cells.append(nbformat.v4.new_markdown_cell(intro))
        nb.cells.append(nbformat.v4.new_code_cell("from widgets import Quiz\n\n" + call))
        nbformat.write(nb, path)
        print(f"appended to {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
