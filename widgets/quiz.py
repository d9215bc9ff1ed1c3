"""The self-assessment quiz (an anywidget): one item or a set, live and in the static book.

    from widgets import Quiz
    Quiz(bank="differential")                       # a whole bank
    Quiz(bank="dystrophic", chapter="dystrophic")   # a chapter's items
    Quiz(bank=["foundations", "wisn"], n=8, seed=3) # a set drawn with a seed
    Quiz(bank="all", n=12, seed=7, mix=True)        # ... with every type of question in it
    q.responses                                     # what the learner answered (live)
    q.score                                         # {"answered": .., "correct": .., "total": ..}

The learner commits an answer, then sees per-option feedback with references; options are
shuffled with `seed`, so stored notebook outputs stay stable. In the static book progress is
kept in localStorage per quiz (versioned); corrupt stored progress resets with a message.
For education, not for clinical decisions.
"""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

import anywidget
import traitlets

from . import quizbank
from .references import reference_labels

STATIC = Path(__file__).parent / "static"


class Quiz(anywidget.AnyWidget):
    _esm = (STATIC / "dist" / "quiz.js").read_text(encoding="utf-8")  # make bundle
    _css = (STATIC / "quiz.css").read_text(encoding="utf-8")
    # the bank text is the same for every page that shows it: the site can supply it once
    _site_data_traits = ("bank_json",)

    item_ids = traitlets.List(traitlets.Unicode()).tag(sync=True)  # which items: stays in the page
    bank_json = traitlets.Unicode().tag(sync=True)  # their content: site data
    quiz_id = traitlets.Unicode().tag(sync=True)
    title = traitlets.Unicode("").tag(sync=True)
    seed = traitlets.Int(0).tag(sync=True)
    bibliography_url = traitlets.Unicode("references.html").tag(sync=True)
    ref_labels = traitlets.Dict().tag(sync=True)
    # learner state: {item_id: {"choice", "correct", "confidence", "first"}} (latest attempt;
    # "first": whether the first attempt was right); the page fills it
    answers = traitlets.Dict().tag(sync=True)

    def __init__(
        self,
        bank: str | list[str] = "differential",
        *,
        chapter: str | None = None,
        items: list[str] | None = None,
        n: int | None = None,
        seed: int = 0,
        title: str = "",
        bibliography_url: str = "references.html",
        mix: bool = False,
        **kwargs,
    ) -> None:
        banks = [bank] if isinstance(bank, str) else list(bank)
        if banks == ["all"]:
            banks = [p.stem for p in quizbank.bank_files()]
        selected = quizbank.page_data(items, banks)
        if chapter is not None:
            selected = [it for it in selected if it["chapter"] == chapter]
        if n is not None and n < len(selected):
            selected = _mixed(selected, n, seed) if mix else random.Random(seed).sample(selected, n)
        if not selected:
            raise ValueError(
                f"no items in bank(s) {', '.join(banks)}" + (f" for chapter {chapter!r}" if chapter else "")
            )
        ids = [it["id"] for it in selected]
        quiz_id = "-".join(banks)[:40] + "-" + hashlib.sha1(" ".join(ids).encode()).hexdigest()[:8]
        labels = reference_labels()
        keys = sorted({k for it in selected for k in _cites(it)})
        super().__init__(
            item_ids=ids,
            bank_json=quizbank.dumps({"items": selected}),
            quiz_id=quiz_id,
            title=title,
            seed=seed,
            bibliography_url=bibliography_url,
            ref_labels={k: labels[k] for k in keys if k in labels},
            **kwargs,
        )

    @classmethod
    def _site_data(cls, state: dict) -> dict:
        """The site data traits recomputed from the current banks, given a page's state."""
        return {"bank_json": quizbank.dumps({"items": quizbank.page_data(list(state["item_ids"]))})}

    @property
    def items(self) -> list[dict]:
        import json

        return json.loads(self.bank_json)["items"]

    @property
    def responses(self) -> list[dict]:
        """What the learner answered, item by item, in the quiz's order."""
        out = []
        for it in self.items:
            a = self.answers.get(it["id"])
            if a is not None:
                out.append(
                    {
                        "item": it["id"],
                        "chapter": it["chapter"],
                        "type": it["type"],
                        "choice": a.get("choice"),
                        "correct": bool(a.get("correct")),
                    }
                )
        return out

    @property
    def score(self) -> dict:
        r = self.responses
        return {"answered": len(r), "correct": sum(x["correct"] for x in r), "total": len(self.items)}

    def __repr__(self) -> str:
        return f"Quiz(quiz_id={self.quiz_id!r}, items={len(self.items)})"


# a mixed set keeps what its title promises: calculations, matching and multiple response
MIX_QUOTA = {"numeric": 3, "matching": 2, "multiple": 2}


def _mixed(items: list[dict], n: int, seed: int) -> list[dict]:
    """n items drawn with `seed`, at least MIX_QUOTA of each type (as far as the pool has them)."""
    rng = random.Random(seed)
    chosen: list[dict] = []
    for t, k in MIX_QUOTA.items():
        pool = [it for it in items if it["type"] == t]
        chosen += rng.sample(pool, min(k, len(pool), n - len(chosen)))
    rest = [it for it in items if it not in chosen]
    chosen += rng.sample(rest, n - len(chosen))
    rng.shuffle(chosen)
    return chosen


class CourseRecord(Quiz):
    """The course's "Review" page (mode="review": every item the learner has met, due first,
    scheduled with FSRS) and "My progress" page (mode="progress": the learner's record). The
    same front-end as Quiz, over all banks; the learner's progress is read in the browser."""

    mode = traitlets.Unicode("review").tag(sync=True)
    chapter_titles = traitlets.Dict().tag(sync=True)
    case_titles = traitlets.Dict().tag(sync=True)

    def __init__(self, mode: str = "review", **kwargs) -> None:
        if mode not in ("review", "progress"):
            raise ValueError(f"unknown mode {mode!r}: review or progress")
        kwargs.pop("bank", None)
        super().__init__(
            bank="all",
            mode=mode,
            chapter_titles=_chapter_titles(),
            case_titles=_case_titles() if mode == "progress" else {},
            **kwargs,
        )


def _chapter_titles() -> dict[str, str]:
    """{page: its first heading} for the chapters (the Review and My progress pages name them)."""
    import json
    import re

    out = {}
    for p in sorted(quizbank.CHAPTER_DIR.glob("*")):
        if p.suffix not in (".md", ".ipynb"):
            continue
        text = p.read_text(encoding="utf-8")
        if p.suffix == ".ipynb":
            text = "\n".join(
                "".join(c["source"]) for c in json.loads(text)["cells"] if c["cell_type"] == "markdown"
            )
        m = re.search(r"^# +(.+?)\s*$", text, re.M)
        out[p.stem] = m.group(1) if m else p.stem
    return out


def _case_titles() -> dict[str, str]:
    try:
        from .cases import load_cases

        return {cid: str(c.get("title", cid)) for cid, c in load_cases().items()}
    except Exception:  # a case file that does not load is reported by `validate`, not here
        return {}


def _cites(item: dict):
    for o in item.get("options", []):
        yield from o["cite"]
    for p in item.get("pairs", []):
        yield from p["cite"]
    if "answer" in item:
        yield from item["answer"]["cite"]
