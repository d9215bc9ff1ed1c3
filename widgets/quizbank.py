"""Question banks (quizzes/*.yml): loading, the item-writing rules and counts (the Moodle XML
export is widgets/moodle.py).

Pure data code with no widget imports, used by `widgets.Quiz`, the command line
(`python -m widgets validate`, `python -m widgets export-moodle`) and the tests. Every
problem is a `widgets.datafile.DataFileError` whose message is "file:line: what is wrong".
The schema is quizzes/schema.yml; the rules it cannot express are checked here:

- single best answer (sba): five options, exactly one keyed; multiple response: two or more
  keyed, one or more not keyed; numeric: value, unit, tolerance; matching: distinct answers;
- the lead-in is a question (ends with "?") and is not negatively worded (not, except, least);
- no "all of the above" / "none of the above", no cueing absolute terms (always, never, every,
  only) in options; option texts in an item are distinct;
- every cite key is in references.bib; every chapter is a page in chapters/; item ids are
  unique across all banks; a scenario is valid for the clinical model; an option's
  `condition` is a condition or look-alike id of the model;
- across a bank, the key is not systematically the longest option (at most 40 % of its
  single-best-answer items);
- in `validate` (not when a page loads a bank), the measurable cues of widgets/itemcues.py
  (key length, absolute words, stem echo, parallel form, matching spares, numeric formula,
  unverified sources for clinical actions, vignette labs the model ranks unlikely, teach anchor).
"""

from __future__ import annotations

import functools
import json
import re
from collections import Counter
from pathlib import Path

from . import datafile, itemcues
from .datafile import DataFileError, Document
from .references import bib_keys

ROOT = Path(__file__).resolve().parent.parent
# In a copy of the repository: quizzes/ beside the package. Installed from the wheel the book
# ships (a downloaded notebook): the copy bundled into the package (_ext/offline.py).
BUNDLED = Path(__file__).resolve().parent / "_course_data"
QUIZ_DIR = ROOT / "quizzes" if (ROOT / "quizzes").is_dir() else BUNDLED / "quizzes"
SCHEMA_PATH = QUIZ_DIR / "schema.yml"
CHAPTER_DIR = ROOT / "chapters"
KEY_LONGEST_MAX = 0.40
BANNED_OPTION = re.compile(
    r"\b(all of the above|none of the above|all of these|none of these|both [a-e] and [a-e])\b", re.I
)
ABSOLUTE = re.compile(r"\b(always|never|every|only)\b", re.I)
NEGATIVE_LEAD = re.compile(r"\b(not|except|least|false|incorrect|untrue)\b", re.I)


@functools.lru_cache(maxsize=1)
def schema() -> dict:
    """The bank schema (quizzes/schema.yml) as a dict."""
    return datafile.load(SCHEMA_PATH).data


@functools.lru_cache(maxsize=1)
def _model_ids() -> frozenset[str]:
    from .clinical import knowledge

    k = knowledge()
    return frozenset(c["id"] for c in k["conditions"]) | frozenset(c["id"] for c in k["lookalikes"])


def _chapters() -> set[str]:
    return {p.stem for p in CHAPTER_DIR.glob("*") if p.suffix in (".md", ".ipynb")}


def _item_rules(
    doc: Document, i: int, item: dict, chapters: set[str], keys: frozenset[str]
) -> list[DataFileError]:
    errs: list[DataFileError] = []
    at = ["items", i]

    def err(path, msg):
        errs.append(doc.error(at + path, msg))

    t = item.get("type")
    q = item.get("question", "")
    if not q.rstrip().endswith("?"):
        err(["question"], "the lead-in must be a question (end with '?')")
    m = NEGATIVE_LEAD.search(q)
    if m:
        err(["question"], f"negatively worded lead-in ('{m.group(0)}'); ask for the best answer instead")
    if chapters and item.get("chapter") not in chapters:
        err(["chapter"], f"no chapter '{item.get('chapter')}' in chapters/")

    def cites(path, cite):
        for j, key in enumerate(cite or []):
            if keys and key not in keys:
                err(path + ["cite", j], f"cite key '{key}' is not in references.bib")

    present = {k for k in ("options", "pairs", "answer") if k in item}
    need = {"sba": "options", "multiple": "options", "numeric": "answer", "matching": "pairs"}.get(t)
    if need and need not in present:
        err([], f"a {t} item needs '{need}'")
    for extra in sorted(present - {need}):
        err([extra], f"'{extra}' does not belong in a {t} item")

    if t in ("sba", "multiple") and "options" in item:
        opts = item["options"]
        n_key = sum(1 for o in opts if o.get("correct"))
        if t == "sba":
            if len(opts) != 5:
                err(["options"], f"a single-best-answer item has five options, not {len(opts)}")
            if n_key != 1:
                err(
                    ["options"],
                    f"a single-best-answer item has exactly one keyed option (correct: true), not {n_key}",
                )
        else:
            if len(opts) < 4:
                err(["options"], f"a multiple-response item has at least four options, not {len(opts)}")
            if n_key < 2 or n_key == len(opts):
                err(
                    ["options"],
                    "a multiple-response item keys two or more options and leaves at least one "
                    f"unkeyed ({n_key} of {len(opts)} keyed)",
                )
        seen: dict[str, int] = {}
        for j, o in enumerate(opts):
            text = o.get("text", "")
            if BANNED_OPTION.search(text):
                err(
                    ["options", j, "text"],
                    f"'{BANNED_OPTION.search(text).group(0)}' is not allowed in an option",
                )
            if ABSOLUTE.search(text):
                err(
                    ["options", j, "text"],
                    f"absolute term '{ABSOLUTE.search(text).group(0)}' cues the answer; reword the option",
                )
            norm = text.strip().lower()
            if norm in seen:
                err(["options", j, "text"], f"same text as option {seen[norm] + 1}")
            seen[norm] = j
            if "condition" in o and o["condition"] not in _model_ids():
                err(
                    ["options", j, "condition"],
                    f"'{o['condition']}' is not a condition or look-alike id of the clinical model",
                )
            cites(["options", j], o.get("cite"))
    if t == "matching" and "pairs" in item:
        for side in ("left", "right"):
            vals = [p.get(side, "").strip().lower() for p in item["pairs"]]
            for j, v in enumerate(vals):
                if v in vals[:j]:
                    err(["pairs", j, side], f"same {side} text as an earlier pair")
        rights = {p.get("right", "").strip().lower() for p in item["pairs"]}
        for j, sp in enumerate(item.get("spares") or []):
            if sp.strip().lower() in rights:
                err(["spares", j], "a spare answer repeats a pair's answer")
        for j, p in enumerate(item["pairs"]):
            cites(["pairs", j], p.get("cite"))
    if t == "numeric" and "answer" in item:
        cites(["answer"], item["answer"].get("cite"))
    if "scenario" in item:
        from .clinical import ClinicalError, parse_scenario

        try:
            parse_scenario(item["scenario"])
        except ClinicalError as exc:
            err(["scenario"], f"not a valid clinical-model scenario: {exc}")
    return errs


def _key_is_longest(item: dict) -> bool:
    lens = [len(o["text"]) for o in item["options"]]
    key = next(len(o["text"]) for o in item["options"] if o.get("correct"))
    return key == max(lens) and lens.count(key) == 1


def check_document(
    doc: Document, *, chapters: set[str] | None = None, cues: bool = True
) -> list[DataFileError]:
    """Every schema and rule error of one bank document, sorted by line."""
    errs = datafile.schema_errors(doc, schema())
    if errs:
        return errs
    data = doc.data
    stem = Path(doc.path).stem
    if data["bank"] != stem and not doc.path.startswith("<"):
        errs.append(doc.error(["bank"], f"bank id '{data['bank']}' must match the file name '{stem}'"))
    chapters = _chapters() if chapters is None else chapters
    keys = bib_keys()
    ids: dict[str, int] = {}
    for i, item in enumerate(data["items"]):
        if item["id"] in ids:
            errs.append(
                doc.error(
                    ["items", i, "id"], f"duplicate item id '{item['id']}' (first on line {ids[item['id']]})"
                )
            )
        ids.setdefault(item["id"], doc.line(["items", i, "id"]))
        errs.extend(_item_rules(doc, i, item, chapters, keys))
        if cues:
            errs.extend(itemcues.check_item(doc, i, item))
    sba = [
        it
        for it in data["items"]
        if it["type"] == "sba"
        and len(it.get("options", [])) == 5
        and sum(bool(o.get("correct")) for o in it["options"]) == 1
    ]
    if len(sba) >= 5:
        longest = [it["id"] for it in sba if _key_is_longest(it)]
        if len(longest) > KEY_LONGEST_MAX * len(sba):
            errs.append(
                doc.error(
                    ["items"],
                    f"the keyed option is the longest in {len(longest)} of {len(sba)} single-best-answer "
                    f"items (at most {int(KEY_LONGEST_MAX * 100)} %): a length cue; shorten some keys, "
                    f"e.g. {', '.join(longest[:4])}",
                )
            )
    errs.sort(key=lambda e: (e.line or 0, e.message))
    return errs


def load_bank(path: str | Path) -> dict:
    """Load and check one bank file; raise the first DataFileError (all in `.errors`)."""
    doc = datafile.load(path)
    errs = check_document(doc, cues=False)  # the cue rules run in `validate` (and its tests)
    if errs:
        raise DataFileError(errs[0].path, errs[0].line, errs[0].message, errs)
    return doc.data


def bank_files(directory: Path = QUIZ_DIR) -> list[Path]:
    return sorted(p for p in Path(directory).glob("*.yml") if p.name != "schema.yml")


@functools.cache
def _bank_cached(path: str, mtime: float) -> dict:
    return load_bank(path)


def bank(name: str) -> dict:
    """The bank quizzes/<name>.yml, checked (cached until the file changes)."""
    p = QUIZ_DIR / f"{name}.yml"
    if not re.fullmatch(r"[a-z][a-z0-9-]*", name) or not p.is_file():
        raise ValueError(f"unknown bank {name!r}; banks: {', '.join(b.stem for b in bank_files())}")
    return _bank_cached(str(p), p.stat().st_mtime)


def all_banks() -> dict[str, dict]:
    return {p.stem: bank(p.stem) for p in bank_files()}


def validate_paths(paths: list[str | Path]) -> tuple[list[DataFileError], list[dict]]:
    """Check every bank under the given files or folders (schema.yml skipped).
    Returns (errors, items of the valid banks); item ids must be unique across all banks."""
    files: list[Path] = []
    for p in map(Path, paths):
        files.extend(bank_files(p) if p.is_dir() else [p])
    errors: list[DataFileError] = []
    items: list[dict] = []
    seen: dict[str, str] = {}
    for f in files:
        try:
            doc = datafile.load(f)
        except DataFileError as exc:
            errors.append(exc)
            continue
        errs = check_document(doc)
        errors.extend(errs)
        if errs:
            continue
        for i, item in enumerate(doc.data["items"]):
            where = f"{f}:{doc.line(['items', i, 'id'])}"
            if item["id"] in seen:
                errors.append(
                    doc.error(
                        ["items", i, "id"], f"item id '{item['id']}' is also used at {seen[item['id']]}"
                    )
                )
            seen[item["id"]] = where
            items.append({**item, "_bank": doc.data["bank"]})
    return errors, items


def counts(items: list[dict]) -> dict[str, Counter]:
    """{chapter: Counter(type)} for a list of items."""
    out: dict[str, Counter] = {}
    for it in items:
        out.setdefault(it["chapter"], Counter())[it["type"]] += 1
    return out


def page_data(item_ids: list[str] | None = None, banks: list[str] | None = None) -> list[dict]:
    """Items as the quiz front-end reads them (all fields the page needs, nothing else)."""
    items = []
    for name in banks or [b.stem for b in bank_files()]:
        for it in bank(name)["items"]:
            items.append({k: v for k, v in it.items() if k not in ("scenario", "tags")} | {"bank": name})
    if item_ids is not None:
        by_id = {it["id"]: it for it in items}
        missing = [i for i in item_ids if i not in by_id]
        if missing:
            raise ValueError(f"unknown item id(s): {', '.join(missing)}")
        items = [by_id[i] for i in item_ids]
    return items


def dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
