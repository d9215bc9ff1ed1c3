"""Item-writing cues that can be measured, checked per item by `python -m widgets validate`.

Each rule has an id. A finding is an error "file:line: where: [rule] what is wrong"; an item
whose finding a reviewer has read and accepts carries `reviewed: {<rule>: "<reason>"}` (the
reason is required, and a `reviewed` entry for a rule that no longer fires is itself an error,
so exceptions do not outlive their cause).

- key-length: the key is at least 1.5 x the mean length of the distractors (single best answer);
- absolute-distractor: an absolute word (confirms, excludes, alone, must ...) in a distractor
  while the key has none: test-wise learners strike such options;
- stem-echo: a word of the stem or lead-in repeated in the key and in no distractor (clang cue);
- parallel-form: one option is written in another form than the rest (a clause among phrases,
  or "... alone" beside plain options);
- matching-spares: a matching item offers no spare answers, so the last pair is free;
- numeric-formula: a numeric item states its formula or conversion factor, so the learner
  only does arithmetic instead of choosing the formula;
- unverified-action: an option of an item about a clinical action rests only on a citation
  FACTS.md could not verify (references.bib keywords = {unverified});
- model-unlikely: the clinical model (widgets.clinical.assess) ranks the keyed condition of a
  vignette's labs and findings "unlikely": the labs do not fit what the course teaches;
- teach-anchor (not reviewable): every item names the chapter paragraph that teaches its point,
  `teach: "<page>#<anchor>"`, and the anchor exists in that page (a `(label)=` or a heading).
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

from .datafile import DataFileError, Document

ROOT = Path(__file__).resolve().parent.parent
CHAPTER_DIR = ROOT / "chapters"
KEY_LENGTH_RATIO = 1.5
RULES = (
    "key-length",
    "absolute-distractor",
    "stem-echo",
    "parallel-form",
    "matching-spares",
    "numeric-formula",
    "unverified-action",
    "model-unlikely",
)
ABSOLUTE_WORDS = re.compile(
    r"\b(always|never|every|only|alone|must|cannot|confirms?|excludes?|rules? out|proves?|guarantees?|"
    r"certainly|definitely|completely|entirely|invariably|impossible|none|all)\b",
    re.I,
)
FORMULA = re.compile(
    r"(=|\bformula\b|\bmultipl\w*|\bdivid\w*|\b0\.02\b|\b4\.008\b|\b3\.097\b|\b0\.0806\b|\b12\.41\b|"
    r"\b0\.323\b|\b0\.106\b|\b2\.496\b|\b0\.8 ?×|\(40 ?[−-])",
    re.I,
)
ACTION = re.compile(
    r"\b(next|first|steps?|manag\w*|treat\w*|give|giving|stop|refer\w*|should|plan|priority|"
    r"actions?|dose|dosing|analgesi\w*|debrid\w*|prescrib\w*|offer)\b",
    re.I,
)
VIGNETTE = re.compile(
    r"\b\d{1,3}-(year|month|week|day)-old\b|\b(a|an) (man|woman|patient|boy|girl|infant|baby|nurse)\b",
    re.I,
)
STOP = set(
    """about above after again against among another because been before being below between both
    could does doing during each either every first from further have having here into itself just
    least less more most much must other otherwise over same should since some still such than that
    their them then there these they this those through under until very were what when where which
    while whom whose will with within without would your years year-old which best most likely
    patient patients answer option options question following""".split()
)


def is_vignette(item: dict) -> bool:
    """A clinical vignette: the stem presents a patient (an age or 'a man/woman/patient')."""
    return bool(VIGNETTE.search(item.get("stem", "") or ""))


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]{5,}", text.lower()) if w not in STOP}


def _form(text: str) -> str:
    t = text.strip()
    if re.search(r"[;:]", t) or t.endswith(".") or len(t.split()) > 9 or re.search(r",\s", t):
        return "clause"
    return "phrase"


@functools.lru_cache(maxsize=1)
def unverified_keys() -> frozenset[str]:
    from .references import reference_labels

    return frozenset(k for k, v in reference_labels().items() if v.get("unverified"))


def _make_id(text: str) -> str:
    from docutils.nodes import make_id

    return make_id(text)


@functools.lru_cache(maxsize=64)
def _anchors_of(page: str, mtime: float) -> frozenset[str]:
    path = next((p for p in CHAPTER_DIR.glob(f"{page}.*") if p.suffix in (".md", ".ipynb")), None)
    if path is None:
        return frozenset()
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":
        nb = json.loads(text)
        text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    out = set(re.findall(r"^\((\S+)\)=\s*$", text, re.M))
    out |= {_make_id(h) for h in re.findall(r"^#{1,4} +(.+?)\s*$", text, re.M)}
    return frozenset(out)


def anchors(page: str) -> frozenset[str]:
    """The anchors a chapter page has: its `(label)=` targets and its headings' ids."""
    path = next((p for p in CHAPTER_DIR.glob(f"{page}.*") if p.suffix in (".md", ".ipynb")), None)
    return _anchors_of(page, path.stat().st_mtime if path else 0.0)


@functools.lru_cache(maxsize=512)
def _model_verdict(scenario_json: str, condition: str) -> tuple[str, int]:
    """(the model's likelihood label for `condition`, its rank among conditions and look-alikes)."""
    from .clinical import assess

    res = assess(json.loads(scenario_json)).to_dict()
    rows = list(res.get("conditions", [])) + list(res.get("lookalikes", []))
    rows.sort(key=lambda c: -(c.get("score") or 0))
    for rank, c in enumerate(rows, 1):
        if c.get("id") == condition:
            return str(c.get("verdict") or ""), rank
    return "absent", len(rows) + 1


def check_item(doc: Document, i: int, item: dict) -> list[DataFileError]:
    """Every measurable cue of one item (after `reviewed` exceptions), as file:line errors."""
    found: list[tuple[str, list, str]] = []  # (rule, path, message)
    t = item.get("type")
    opts = item.get("options") or []
    stem_q = f"{item.get('stem', '')} {item.get('question', '')}"

    if t == "sba" and len(opts) >= 2 and sum(bool(o.get("correct")) for o in opts) == 1:
        k = next(j for j, o in enumerate(opts) if o.get("correct"))
        others = [len(o["text"]) for j, o in enumerate(opts) if j != k]
        mean = sum(others) / len(others)
        ratio = len(opts[k]["text"]) / mean if mean else 0
        if ratio >= KEY_LENGTH_RATIO:
            found.append(
                (
                    "key-length",
                    ["options", k, "text"],
                    f"the key is {ratio:.1f} × the distractors' mean length (at least {KEY_LENGTH_RATIO} "
                    "cues it); shorten it or lengthen the distractors",
                )
            )
    if t in ("sba", "multiple") and opts:
        keyed = [o for o in opts if o.get("correct")]
        if keyed and not any(ABSOLUTE_WORDS.search(o["text"]) for o in keyed):
            for j, o in enumerate(opts):
                m = None if o.get("correct") else ABSOLUTE_WORDS.search(o["text"])
                if m:
                    found.append(
                        (
                            "absolute-distractor",
                            ["options", j, "text"],
                            f"absolute word '{m.group(0)}' in a distractor while the key has none: "
                            "a test-wise learner strikes it",
                        )
                    )
    if t == "sba" and opts:
        stem_words = _words(stem_q)
        k = next((j for j, o in enumerate(opts) if o.get("correct")), None)
        if k is not None:
            dis = set().union(*(_words(o["text"]) for j, o in enumerate(opts) if j != k))
            echo = sorted((_words(opts[k]["text"]) & stem_words) - dis)
            if echo:
                found.append(
                    (
                        "stem-echo",
                        ["options", k, "text"],
                        f"the key repeats '{echo[0]}' from the stem or lead-in and no distractor does",
                    )
                )
        forms = [_form(o["text"]) for o in opts]
        for form in ("clause", "phrase"):
            odd = [j for j, f in enumerate(forms) if f == form]
            if len(odd) == 1 and len(opts) >= 4:
                found.append(
                    (
                        "parallel-form",
                        ["options", odd[0], "text"],
                        f"this option is a {form} while the others are "
                        f"{'phrases' if form == 'clause' else 'clauses'}: write the options in one form",
                    )
                )
        alone = [j for j, o in enumerate(opts) if re.search(r"\balone\b", o["text"], re.I)]
        if alone and len(alone) < len(opts):
            found.append(
                (
                    "parallel-form",
                    ["options", alone[0], "text"],
                    "'… alone' in some options but not in others: the odd ones stand out",
                )
            )
    if t == "matching" and not item.get("spares"):
        found.append(
            (
                "matching-spares",
                ["pairs"],
                "a matching item needs spare answers (`spares`) so the last pair is not free",
            )
        )
    if t == "numeric":
        m = FORMULA.search(stem_q)
        if m:
            found.append(
                (
                    "numeric-formula",
                    ["question"] if FORMULA.search(item.get("question", "")) else ["stem"],
                    f"the item states its formula or factor ('{m.group(0)}'): let the learner choose it",
                )
            )
    if ACTION.search(item.get("question", "")):
        unv = unverified_keys()

        def rests_on_unverified(path, cite, keyed):
            cite = cite or []
            if cite and (all(c in unv for c in cite) or (keyed and any(c in unv for c in cite))):
                bad = next(c for c in cite if c in unv)
                found.append(
                    (
                        "unverified-action",
                        path + ["cite"],
                        f"'{bad}' is unverified (FACTS.md) and this item is about a clinical action: "
                        "cite a verified source (FACTS.md 2D/2E)",
                    )
                )

        for j, o in enumerate(opts):
            rests_on_unverified(["options", j], o.get("cite"), bool(o.get("correct")))
        for j, p in enumerate(item.get("pairs") or []):
            rests_on_unverified(["pairs", j], p.get("cite"), True)
        if "answer" in item:
            rests_on_unverified(["answer"], item["answer"].get("cite"), True)
    if "scenario" in item and t == "sba":
        key = next((o for o in opts if o.get("correct")), None)
        if key and key.get("condition"):
            try:
                label, rank = _model_verdict(json.dumps(item["scenario"], sort_keys=True), key["condition"])
            except Exception as exc:  # an invalid scenario is reported by the schema check
                label, rank = f"error: {exc}", 0
            if label in ("unlikely", "absent"):
                found.append(
                    (
                        "model-unlikely",
                        ["scenario"],
                        f"the clinical model ranks the keyed '{key['condition']}' {label or 'unranked'} "
                        f"(rank {rank}) for these labs and findings: make the vignette coherent",
                    )
                )

    errs: list[DataFileError] = []
    at = ["items", i]
    reviewed = item.get("reviewed") or {}
    for rule in reviewed:
        if rule not in RULES:
            errs.append(
                doc.error(at + ["reviewed", rule], f"unknown rule '{rule}' (rules: {', '.join(RULES)})")
            )
    fired = {r for r, _, _ in found}
    for rule, path, msg in found:
        if rule not in reviewed:
            errs.append(
                doc.error(at + path, f"[{rule}] {msg} (or mark `reviewed: {{{rule}: <reason>}}` on the item)")
            )
    for rule in reviewed:
        if rule in RULES and rule not in fired:
            errs.append(
                doc.error(
                    at + ["reviewed", rule], f"[{rule}] marked as reviewed but no longer fires: remove it"
                )
            )
    teach = item.get("teach")
    if not teach:
        errs.append(
            doc.error(at, "[teach-anchor] name the paragraph that teaches the point: teach: <page>#<anchor>")
        )
    else:
        page, _, anchor = teach.partition("#")
        if not anchor or anchor not in anchors(page):
            errs.append(
                doc.error(
                    at + ["teach"],
                    f"[teach-anchor] no anchor '{anchor}' in chapters/{page} (a `(label)=` or a heading)",
                )
            )
    return errs


# ---------------------------------------------------------------- bank figures


def _u32(x: int) -> int:
    return x & 0xFFFFFFFF


def _imul(a: int, b: int) -> int:
    return _u32(_u32(a) * _u32(b))


def _hash_string(s: str) -> int:
    """FNV-1a as widgets/static/quiz-state.js computes it (Math.imul, UTF-16 code units)."""
    x = 2166136261
    for unit in s.encode("utf-16-le")[::2]:  # ids are ASCII: one code unit per character
        x = _imul(x ^ unit, 16777619)
    return x


def _seeded(seed: int):
    a = _u32(seed)

    def rnd() -> float:
        nonlocal a
        a = _u32(a + 0x6D2B79F5)
        t = a
        t = _imul(t ^ (t >> 15), t | 1)
        t = _u32(t ^ _u32(t + _imul(t ^ (t >> 7), t | 61)))
        return _u32(t ^ (t >> 14)) / 4294967296

    return rnd


def shown_order(n: int, seed: int, salt: str) -> list[int]:
    """The order in which the page shows n options (the same shuffle as quiz-state.js)."""
    rnd = _seeded(_hash_string(f"{seed}:{salt}"))
    out = list(range(n))
    for i in range(n - 1, 0, -1):
        j = int(rnd() * (i + 1))
        out[i], out[j] = out[j], out[i]
    return out


def figures(items: list[dict], seed: int = 0) -> dict:
    """Items by type, the vignette share of SBA, the key's position as written and as shown
    (with the page's shuffle and `seed`), and the key-longest rate."""
    from collections import Counter

    by_type = Counter(it["type"] for it in items)
    sba = [it for it in items if it["type"] == "sba"]
    written, shown, longest = Counter(), Counter(), 0
    for it in sba:
        k = next(j for j, o in enumerate(it["options"]) if o.get("correct"))
        written[k + 1] += 1
        shown[shown_order(len(it["options"]), seed, it["id"]).index(k) + 1] += 1
        lens = [len(o["text"]) for o in it["options"]]
        longest += lens[k] == max(lens) and lens.count(lens[k]) == 1
    return {
        "items": len(items),
        "by_type": dict(by_type),
        "sba": len(sba),
        "vignettes": sum(is_vignette(it) for it in sba),
        "key_position_written": dict(sorted(written.items())),
        "key_position_shown": dict(sorted(shown.items())),
        "key_longest": longest,
        "matching_with_spares": sum(1 for it in items if it["type"] == "matching" and it.get("spares")),
    }


def figures_text(items: list[dict], seed: int = 0) -> str:
    f = figures(items, seed)
    share = f["vignettes"] / f["sba"] if f["sba"] else 0
    pos = lambda d: " ".join(f"{k}:{v}" for k, v in d.items())  # noqa: E731
    types = ", ".join(f"{k} {v}" for k, v in sorted(f["by_type"].items()))
    longest = f["key_longest"] / f["sba"] if f["sba"] else 0
    return (
        f"{f['items']} items ({types}); SBA vignettes {f['vignettes']} of {f['sba']} ({share:.0%}); "
        f"key position as written {pos(f['key_position_written'])}, "
        f"as shown (seed {seed}) {pos(f['key_position_shown'])}; "
        f"key longest in {f['key_longest']} of {f['sba']} ({longest:.0%}); "
        f"matching items with spares {f['matching_with_spares']}"
    )
