"""Case walk-throughs as data: loading, schema and graph checks, and the scenario a learner
has revealed along a path (run through `widgets.clinical.assess` by the differential panel).

A case file (cases/*.yml, schema cases/schema.yaml, guide cases/README.md) is a graph of
stages. Each stage may reveal scenario data; the scenario at a stage is the merge of what the
stages on the learner's path revealed. Every problem is reported as "file:line: message".

    from widgets.cases import load_case, check_file, scenario_for, panel_view
    case = load_case("cases/stalled-venous-ulcer.yml")

For education, not for clinical decisions.
"""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
# In a copy of the repository: cases/ beside the package. Installed from the wheel the book
# ships (a downloaded notebook): the copy bundled into the package (_ext/offline.py).
CASES_DIR = ROOT / "cases" if (ROOT / "cases").is_dir() else Path(__file__).parent / "_course_data" / "cases"
SCHEMA_FILE = CASES_DIR / "schema.yaml"
KIND_ORDER = (
    "presentation",
    "history",
    "examination",
    "investigations",
    "biopsy",
    "diagnosis",
    "management",
    "outcome",
)
MAX_BYTES = 200_000  # a case file larger than this is refused (the largest case is about 20 kB)


class CaseError(Exception):
    """A case file is invalid; `errors` lists "file:line: message" strings."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


# ----------------------------------------------------------------------------- YAML with lines
class _Loader(yaml.SafeLoader):
    pass


def _construct_mapping(loader, node, deep=False):
    seen = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (first at line {seen[key] + 1})", key_node.start_mark
            )
        seen[key] = key_node.start_mark.line
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _lines(node, path=(), out=None):
    """{path tuple: 1-based line} for every node of a composed YAML document."""
    out = {} if out is None else out
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            key = k.value
            out[path + (key,)] = k.start_mark.line + 1
            _lines(v, path + (key,), out)
            out[path + (key,)] = k.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            _lines(v, path + (i,), out)
    return out


def read_yaml(path: Path) -> tuple[object, dict]:
    """(data, lines) or CaseError naming the file and line. Reading, the size limit and the
    refusal of duplicate keys and aliases are widgets.datafile's (shared with the quiz banks)."""
    from . import datafile

    try:
        doc = datafile.load(path, max_bytes=MAX_BYTES)
    except datafile.DataFileError as exc:
        raise CaseError([str(e) for e in exc.errors]) from None
    return doc.data, (_lines(doc.node) if doc.node is not None else {(): 1})


def _line(lines: dict, path) -> int:
    path = tuple(path)
    while path and path not in lines:
        path = path[:-1]
    return lines.get(path, 1)


# ----------------------------------------------------------------------------- references
def bib_keys() -> frozenset:
    from .references import bib_keys as keys

    return keys()


@lru_cache(maxsize=1)
def _schema() -> dict:
    return yaml.safe_load(SCHEMA_FILE.read_text(encoding="utf-8"))


def targets() -> dict:
    """{id: name} of every condition and look-alike the clinical model knows."""
    from .clinical import knowledge

    k = knowledge()
    return {
        **{c["id"]: c["name"] for c in k["conditions"]},
        **{la["id"]: la["name"] for la in k["lookalikes"]},
    }


# ----------------------------------------------------------------------------- checks
def _schema_errors(data, lines, where) -> list[str]:
    import jsonschema

    validator = jsonschema.Draft202012Validator(_schema())
    out = []
    for err in sorted(
        validator.iter_errors(data),
        key=lambda e: (_line(lines, e.absolute_path), list(map(str, e.absolute_path))),
    ):
        loc = ".".join(str(p) for p in err.absolute_path) or "(top level)"
        out.append(f"{where}:{_line(lines, err.absolute_path)}: {loc}: {err.message}")
    return out


def check_data(data, lines, where) -> list[str]:
    """Every problem of a parsed case: schema, graph, citations, scenario vocabulary, panel ids."""
    errors = _schema_errors(data, lines, where)
    if errors:
        return errors
    from .clinical import ClinicalError, parse_scenario

    known = targets()
    keys = bib_keys()
    stages = data["stages"]
    at = lambda *p: f"{where}:{_line(lines, p)}"  # noqa: E731

    if data["answer"].get("outside_model"):
        if "name" not in data["answer"]:
            errors.append(f"{at('answer')}: answer: a diagnosis outside the model needs its name")
        elif data["answer"]["id"] in known:
            errors.append(f"{at('answer', 'id')}: answer.id: {data['answer']['id']!r} is in the model")
    elif data["answer"]["id"] not in known:
        errors.append(
            f"{at('answer', 'id')}: answer.id: {data['answer']['id']!r} is not a condition or look-alike "
            f"({', '.join(known)})"
        )
    for i, v in enumerate(data["variants"]):
        if v not in known:
            errors.append(f"{at('variants', i)}: variants: {v!r} is not a condition or look-alike")
    if data["start"] not in stages:
        errors.append(f"{at('start')}: start: no stage {data['start']!r}")
    elif stages[data["start"]]["kind"] != "presentation":
        errors.append(f"{at('start')}: start: the first stage must be of kind 'presentation'")

    def cites(seq, path):
        for i, key in enumerate(seq):
            if key not in keys:
                errors.append(f"{at(*path, i)}: cite: {key!r} is not a key of references.bib")

    for sid, st in stages.items():
        base = ("stages", sid)
        if "decision" in st and "next" in st:
            errors.append(f"{at(*base)}: stage {sid!r}: give either a decision or next, not both")
        is_end = "decision" not in st and "next" not in st
        if is_end and "debrief" not in st:
            errors.append(
                f"{at(*base)}: stage {sid!r}: a dead end without a debrief (add decision, next or debrief)"
            )
        if not is_end and "debrief" in st:
            errors.append(f"{at(*base, 'debrief')}: stage {sid!r}: only an ending has a debrief")
        if is_end and st["kind"] != "outcome":
            errors.append(f"{at(*base, 'kind')}: stage {sid!r}: an ending must be of kind 'outcome'")
        if "next" in st and st["next"] not in stages:
            errors.append(f"{at(*base, 'next')}: stage {sid!r}: next: no stage {st['next']!r}")
        if "cite" in st:
            cites(st["cite"], base + ("cite",))
        if "debrief" in st:
            cites(st["debrief"]["cite"], base + ("debrief", "cite"))
        for ci, ch in enumerate(st.get("decision", {}).get("choices", [])):
            cp = base + ("decision", "choices", ci)
            if ch["next"] not in stages:
                errors.append(
                    f"{at(*cp, 'next')}: stage {sid!r} choice {ci + 1}: next: no stage {ch['next']!r}"
                )
            cites(ch["cite"], cp + ("cite",))
        if "decision" in st and not any(c["grade"] == "best" for c in st["decision"]["choices"]):
            errors.append(f"{at(*base, 'decision')}: stage {sid!r}: no choice is graded 'best'")
        if "reveal" in st:
            try:
                parse_scenario(st["reveal"])
            except ClinicalError as exc:
                sub = [str(p) for p in exc.field.split(".") if p]
                errors.append(
                    f"{at(*base, 'reveal', *sub)}: stage {sid!r}: reveal.{exc.field}: {exc.message}"
                )
        for key in ("top", "include", "exclude", "at_most"):
            for i, tid in enumerate(st.get("panel", {}).get(key, [])):
                if tid not in known:
                    errors.append(
                        f"{at(*base, 'panel', key, i)}: stage {sid!r}: panel.{key}: {tid!r} "
                        "is not a condition or look-alike"
                    )
    if errors:
        return errors

    reach = reachable(data)
    for sid in stages:
        if sid not in reach:
            errors.append(f"{at('stages', sid)}: stage {sid!r} cannot be reached from {data['start']!r}")
    # From every stage an ending must be reachable (no trap without a way out).
    ends = {sid for sid, st in stages.items() if "decision" not in st and "next" not in st}
    for sid in stages:
        if not (reachable(data, sid) & ends):
            errors.append(f"{at('stages', sid)}: stage {sid!r}: no ending can be reached from here")
    # The best path runs through the stages in their order and ends in an outcome.
    sid, seen, last = data["start"], set(), -1
    while sid not in seen:
        seen.add(sid)
        st = stages[sid]
        if st["kind"] in KIND_ORDER:
            idx = KIND_ORDER.index(st["kind"])
            if idx < last:
                errors.append(
                    f"{at('stages', sid, 'kind')}: stage {sid!r}: on the best path a {st['kind']!r} stage "
                    f"comes after {KIND_ORDER[last]!r}"
                )
            last = max(last, idx)
        if "decision" in st:
            sid = next(c for c in st["decision"]["choices"] if c["grade"] == "best")["next"]
        elif "next" in st:
            sid = st["next"]
        else:
            break
    else:
        errors.append(
            f"{at('start')}: following the 'best' choices loops back to stage {sid!r} without an ending"
        )
    missing = [
        k for k in ("presentation", "diagnosis", "outcome") if not any(stages[s]["kind"] == k for s in seen)
    ]
    if missing:
        errors.append(f"{at('stages')}: the best path has no {', '.join(missing)} stage")
    errors.extend(story_errors(data, lines, where))
    errors.extend(cue_errors(data, lines, where))
    return errors


def successors(stage: dict) -> list[str]:
    """The stages a learner can go to from here (a redirect's target is a successor of the
    stage whose arrival it replaces: see `leads_to`)."""
    if "decision" in stage:
        return [c["next"] for c in stage["decision"]["choices"]]
    return [stage["next"]] if "next" in stage else []


def leads_to(case: dict, sid: str) -> list[str]:
    """`sid` and every stage a redirect on arrival at it can land on instead."""
    out, todo = [], [sid]
    while todo:
        s = todo.pop()
        if s in out or s not in case["stages"]:
            continue
        out.append(s)
        todo.extend(r["to"] for r in case["stages"][s].get("redirect", []))
    return out


def reachable(case: dict, start: str | None = None) -> set:
    start = start or case["start"]
    seen, todo = set(), [start]
    while todo:
        sid = todo.pop()
        if sid in seen or sid not in case["stages"]:
            continue
        seen.add(sid)
        for nxt in successors(case["stages"][sid]):
            todo.extend(leads_to(case, nxt))
    return seen


def check_file(path) -> list[str]:
    """All problems of one case file as "file:line: message" (empty when it is valid)."""
    try:
        data, lines = read_yaml(Path(path))
    except CaseError as exc:
        return exc.errors
    return check_data(data, lines, str(path))


def load_case(path) -> dict:
    """A validated case (raises CaseError listing every problem)."""
    errors = check_file(path)
    if errors:
        raise CaseError(errors)
    data, _ = read_yaml(Path(path))
    return data


def validate_paths(paths) -> list[str]:
    """Every problem of the case files given (files, or folders of *.yml) as "file:line: message"
    (used by `python -m widgets validate`)."""
    errors = []
    for p in map(Path, paths):
        if p.is_dir():
            for f in case_files(p):
                errors.extend(check_file(f))
        elif p.exists():
            errors.extend(check_file(p))
        else:
            errors.append(f"{p}: no such file or folder")
    return errors


def case_files(directory=CASES_DIR) -> list[Path]:
    return sorted(Path(directory).glob("*.yml"))


def load_cases(directory=CASES_DIR) -> dict:
    """{id: case} for every case file of a directory (raises CaseError on the first bad file)."""
    out = {}
    for f in case_files(directory):
        case = load_case(f)
        if case["id"] in out:
            raise CaseError([f"{f}:1: id {case['id']!r} is used by another case too"])
        out[case["id"]] = case
    return out


def find_case(case_id: str) -> dict:
    cases = load_cases()
    if case_id not in cases:
        raise ValueError(f"unknown case {case_id!r}; choose one of {', '.join(cases)}")
    return cases[case_id]


# ----------------------------------------------------------------------------- scenario and panel
def _as_map(section) -> dict:
    if section is None:
        return {}
    if isinstance(section, list):
        return {i: True for i in section}
    return dict(section)


def merge_reveals(reveals) -> dict:
    """The scenario revealed by a sequence of stage reveals (later stages add or override).
    Mirrored by mergeReveals() in widgets/static/walkthrough.js."""
    out: dict = {}
    for rv in reveals:
        for key, value in (rv or {}).items():
            if key in ("patient", "labs"):
                out.setdefault(key, {}).update(copy.deepcopy(value))
            else:
                merged = _as_map(out.get(key))
                merged.update(copy.deepcopy(_as_map(value)))
                out[key] = merged
    for key, value in list(out.items()):
        if key not in ("patient", "labs") and isinstance(value, dict):
            out[key] = (
                list(value)
                if all(v is True for v in value.values())
                else {k: ({} if v is True else v) for k, v in value.items()}
            )
    return out


def scenario_for(case: dict, visited) -> dict:
    """The scenario revealed once the learner has visited these stages (in order)."""
    return merge_reveals(case["stages"][s].get("reveal") for s in visited)


def panel_view(assessment: dict) -> dict:
    """What the differential panel shows: the model's conditions and look-alikes in one ranking.
    The one place that reads the model's output (mirrored by panelView() in walkthrough.js),
    so a change of the assessment's shape is adapted here.

    Today's model gives conditions a verdict and look-alikes only a score; a look-alike gets
    the level its score would give a condition. Items at 'unlikely' or 'not-judged' are left
    out. Reasons with points < 0 or marked against speak against."""
    from .clinical import knowledge

    k = knowledge()
    order = [v["id"] for v in k["verdicts"]]
    labels = {v["id"]: v["label"] for v in k["verdicts"]}
    items = []
    for i, c in enumerate(assessment.get("conditions", [])):
        level = c.get("level", c.get("verdict"))
        items.append(
            {
                "id": c["id"],
                "name": c["name"],
                "kind": "condition",
                "level": level,
                "score": c.get("score", 0),
                "order": i,
                **_split_reasons(c),
            }
        )
    for i, la in enumerate(assessment.get("lookalikes", [])):
        level = (
            la.get("level")
            or la.get("verdict")
            or next(
                (v["id"] for v in k["verdicts"] if "min_score" in v and la.get("score", 0) >= v["min_score"]),
                "unlikely",
            )
        )
        items.append(
            {
                "id": la["id"],
                "name": la["name"],
                "kind": "lookalike",
                "level": level,
                "score": la.get("score", 0),
                "order": 100 + i,
                **_split_reasons(la),
            }
        )
    shown = [x for x in items if x["level"] in order and order.index(x["level"]) < order.index("not-judged")]
    shown.sort(key=lambda x: (order.index(x["level"]), -x["score"], x["order"]))
    for x in shown:
        x["level_label"] = labels.get(x["level"], x["level"])
        del x["order"]
    headline = assessment.get("headline") or {}
    return {
        "summary": headline.get("text") or assessment.get("summary", ""),
        "legend": assessment.get("legend", ""),
        "items": shown,
    }


def _split_reasons(item: dict) -> dict:
    if "evidence_for" in item or "evidence_against" in item:  # the model of issue 9
        pick = lambda rs: [{"text": r.get("text", ""), "cite": r.get("cite", [])} for r in rs or []]  # noqa: E731
        return {"for": pick(item.get("evidence_for")), "against": pick(item.get("evidence_against"))}
    pro, con = [], []
    for r in item.get("reasons", []) + item.get("against", []):
        against = (
            r.get("direction") == "against"
            or r in item.get("against", [])
            or (r.get("points") or 0) < 0
            or r.get("cap") is not None
        )
        (con if against else pro).append({"text": r.get("text", ""), "cite": r.get("cite", [])})
    return {"for": pro, "against": con}


def check_panel(view: dict, expect: dict) -> list[str]:
    """Problems of a panel view against a stage's `panel` expectation (empty when it agrees)."""
    ids = [x["id"] for x in view["items"]]
    out = []
    if "top" in expect and (not ids or ids[0] not in expect["top"]):
        out.append(f"first item is {ids[0] if ids else 'nothing'}, expected one of {expect['top']}")
    for t in expect.get("include", []):
        if t not in ids:
            out.append(f"{t} is not listed")
    for t in expect.get("exclude", []):
        if t in ids:
            out.append(f"{t} is listed")
    levels = ("supported", "consistent", "possible", "not-judged", "unlikely")
    shown = {x["id"]: x["level"] for x in view["items"]}
    for t, most in expect.get("at_most", {}).items():
        if t in shown and levels.index(shown[t]) < levels.index(most):
            out.append(f"{t} is shown as {shown[t]}, expected at most {most}")
    return out


def panel_states(case: dict):
    """Every (stage, visited stages) a learner can reach: the visited set decides the scenario.
    Yields (stage id, visited tuple in first-visit order)."""
    start = case["start"]
    seen = set()
    todo = [(start, (start,))]
    while todo:
        sid, visited = todo.pop()
        key = (sid, frozenset(visited))
        if key in seen:
            continue
        seen.add(key)
        yield sid, visited
        for step in successors(case["stages"][sid]):
            for nxt in leads_to(case, step):
                todo.append((nxt, visited if nxt in visited else visited + (nxt,)))


def course_names() -> dict:
    """{id: name} of the course's list of diagnoses a learner ranks from: the model's conditions
    and look-alikes and every diagnosis a case names outside the model (the same list in every
    case, so the list itself gives nothing away)."""
    names = dict(targets())
    for f in case_files():
        try:
            data, _ = read_yaml(f)
        except CaseError:
            continue
        ans = data.get("answer", {}) if isinstance(data, dict) else {}
        if ans.get("outside_model") and ans.get("name"):
            names.setdefault(ans["id"], ans["name"])
    return names


def case_json(case: dict) -> str:
    """The case as JSON text for the walk-through component, with the names of the answer."""
    data = copy.deepcopy(case)
    names = course_names()
    data["answer"]["name"] = names[data["answer"]["id"]]
    data["names"] = names
    data["kind_order"] = list(KIND_ORDER)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


# ----------------------------------------------------------------------------- cues and story
ABSOLUTE = frozenset(
    "always never only all none every must cannot exclude excludes excluded definitely certainly".split()
)
STOP = frozenset(
    """a an and are as at be before by do does for from has have her his how in is it its next now of on or
    she should that the their them then there this to was what when which who why will with you your
    he him they we our not no yes""".split()
)
CUE_LENGTH_RATIO = 1.5


def _words(text: str) -> list[str]:
    import re

    return re.findall(r"[a-z0-9]+(?:[-'][a-z0-9]+)*", text.lower())


def _content(text: str) -> list[str]:
    return [w for w in _words(text) if w not in STOP and len(w) > 2]


def _key_phrases(best: dict, others: list[dict]) -> list[str]:
    """The best option's key phrase: its `key`, else each pair of adjacent content words of
    its text that no other option has."""
    if best.get("key"):
        return [best["key"].lower()]  # compared as content words: "999" stays, "the" goes
    words = _content(best["text"])
    other = " ".join(" ".join(_content(o["text"])) for o in others)
    return [f"{a} {b}" for a, b in zip(words, words[1:]) if f"{a} {b}" not in other]


def _shown_before(case: dict, sid: str) -> list[tuple[tuple, str]]:
    """(path, text) of everything a learner has read when the decision at `sid` is asked: the
    stage itself and, from each stage that leads here, what it showed after its commitment."""
    st = case["stages"][sid]
    out = [(("stages", sid, "title"), st["title"]), (("stages", sid, "text"), st["text"])]
    for pid, ps in case["stages"].items():
        if pid == sid:
            continue
        if sid in successors(ps):
            for key in ("think_aloud",):
                if key in ps:
                    out.append((("stages", pid, key), ps[key]))
            if "note" in ps.get("panel", {}):
                out.append((("stages", pid, "panel", "note"), ps["panel"]["note"]))
            for ci, ch in enumerate(ps.get("decision", {}).get("choices", [])):
                if ch["next"] == sid:
                    out.append((("stages", pid, "decision", "choices", ci, "feedback"), ch["feedback"]))
    return out


def cue_errors(case: dict, lines: dict, where: str) -> list[str]:
    """Cues that give a decision's answer away: a best option much longer than the others,
    absolute words only the distractors carry, a best option repeating the question's words,
    the best option in the same place in every decision (when not shuffled), and text shown
    before a decision that states its answer."""
    errors = []
    at = lambda *p: f"{where}:{_line(lines, p)}"  # noqa: E731
    positions = []
    for sid, st in case["stages"].items():
        dec = st.get("decision")
        if not dec or len(dec["choices"]) < 2:
            continue
        base = ("stages", sid, "decision")
        choices = dec["choices"]
        bi = next((i for i, c in enumerate(choices) if c["grade"] == "best"), None)
        if bi is None:
            continue
        positions.append((sid, bi, len(choices)))
        best, others = choices[bi], [c for i, c in enumerate(choices) if i != bi]
        mean = sum(len(o["text"]) for o in others) / len(others)
        if len(best["text"]) >= CUE_LENGTH_RATIO * mean:
            errors.append(
                f"{at(*base, 'choices', bi, 'text')}: stage {sid!r}: length cue: the best option has "
                f"{len(best['text'])} characters, {len(best['text']) / mean:.1f} x the mean of the others "
                f"({mean:.0f}); balance them (under {CUE_LENGTH_RATIO} x)"
            )
        best_abs = ABSOLUTE & set(_words(best["text"]))
        for i, o in enumerate(choices):
            if i == bi:
                continue
            only = sorted((ABSOLUTE & set(_words(o["text"]))) - best_abs)
            if only:
                errors.append(
                    f"{at(*base, 'choices', i, 'text')}: stage {sid!r}: absolute word cue: "
                    f"{', '.join(only)!s} only in a distractor (reword, or give the best option one too)"
                )
        q = set(_content(dec["question"]))
        shared = [len(q & set(_content(c["text"]))) for c in choices]
        if shared[bi] >= 2 and shared[bi] > max(n for i, n in enumerate(shared) if i != bi):
            errors.append(
                f"{at(*base, 'choices', bi, 'text')}: stage {sid!r}: the best option repeats the "
                f"question's words ({', '.join(sorted(q & set(_content(best['text']))))})"
            )
        for path, text in _shown_before(case, sid) + [(base + ("question",), dec["question"])]:
            low = f" {' '.join(_content(text))} "
            hit = [k for k in _key_phrases(best, others) if f" {' '.join(_content(k))} " in low]
            if hit:
                errors.append(
                    f"{at(*path)}: shown before the decision at stage {sid!r}, this states its answer "
                    f"({hit[0]!r}, the best option's key phrase)"
                )
    longest = [
        sid
        for sid, st in case["stages"].items()
        if len(st.get("decision", {}).get("choices", [])) > 1
        and (ch := st["decision"]["choices"])
        and (b := next((i for i, c in enumerate(ch) if c["grade"] == "best"), None)) is not None
        and all(len(ch[b]["text"]) > len(c["text"]) for i, c in enumerate(ch) if i != b)
    ]
    if len(positions) >= 4 and len(longest) * 2 > len(positions):
        errors.append(
            f"{at('stages')}: length pattern: the best option is the longest in {len(longest)} of "
            f"{len(positions)} decisions ({', '.join(longest)}); lengthen a distractor in some"
        )
    if case.get("order", "shuffled") == "authored" and len(positions) >= 2:
        first = {bi for _, bi, _ in positions}
        if len(first) == 1:
            (bi,) = first
            errors.append(
                f"{at('order')}: position cue: the best option is choice {bi + 1} in every decision "
                f"({len(positions)}) and the choices are shown as authored; vary it or use order: shuffled"
            )
    return errors


def walk(case: dict, sid: str, flags=frozenset(), limit: int = 200) -> str:
    """The ending reached from `sid` following the best choices, with these flags set (the
    choices' flags are collected on the way and redirects applied)."""
    stages = case["stages"]
    flags = set(flags)
    for _ in range(limit):
        sid = arrive(case, sid, flags)
        st = stages[sid]
        if "decision" in st:
            ch = next(c for c in st["decision"]["choices"] if c["grade"] == "best")
            if "flag" in ch:
                flags.add(ch["flag"])
            sid = ch["next"]
        elif "next" in st:
            sid = st["next"]
        else:
            return sid
    return sid


def arrive(case: dict, sid: str, flags) -> str:
    """The stage a learner lands on when a step leads to `sid` with these flags set."""
    for _ in range(20):
        red = next((r["to"] for r in case["stages"][sid].get("redirect", []) if r["if"] in flags), None)
        if red is None:
            return sid
        sid = red
    return sid


def changes_outcome(case: dict, sid: str, ci: int) -> bool:
    """Does this choice lead (going on with the best choices) to an ending other than the one
    the best path reaches?"""
    ch = case["stages"][sid]["decision"]["choices"][ci]
    main = walk(case, case["start"])
    flags = {ch["flag"]} if "flag" in ch else set()
    if ch["next"] == sid and not flags:
        return False
    return walk(case, ch["next"], flags) != main


def story_errors(case: dict, lines: dict, where: str) -> list[str]:
    """A wrong turn costs something, the team and an escalation are named, the expert thinks aloud."""
    errors = []
    at = lambda *p: f"{where}:{_line(lines, p)}"  # noqa: E731
    stages = case["stages"]
    ends = [sid for sid, st in stages.items() if "debrief" in st]
    results = {stages[e]["debrief"]["result"] for e in ends}
    if len(results) < 2:
        errors.append(
            f"{at('stages')}: the endings all turn out {'/'.join(sorted(results))}: give a wrong turn "
            "an ending of its own (debrief.result good, delayed or harmed)"
        )
    for sid, st in stages.items():
        for ci, ch in enumerate(st.get("decision", {}).get("choices", [])):
            if ch["grade"] == "harmful" and not changes_outcome(case, sid, ci):
                errors.append(
                    f"{at('stages', sid, 'decision', 'choices', ci)}: stage {sid!r}: a harmful choice that "
                    "changes nothing: send it to a consequence and an ending of its own (flag + redirect)"
                )
        if "decision" in st and "think_aloud" not in st:
            errors.append(f"{at('stages', sid)}: stage {sid!r}: a decision without the expert's think_aloud")
        for r in st.get("redirect", []):
            if r["to"] not in stages:
                errors.append(
                    f"{at('stages', sid, 'redirect')}: stage {sid!r}: redirect: no stage {r['to']!r}"
                )
    if not any(st.get("roles") for st in stages.values()):
        errors.append(f"{at('stages')}: no stage names the team roles its decision belongs to (roles)")
    if not any(st.get("escalation") for st in stages.values()):
        errors.append(f"{at('stages')}: no escalation in SBAR form (escalation)")
    flags = {
        ch["flag"]
        for st in stages.values()
        for ch in st.get("decision", {}).get("choices", [])
        if "flag" in ch
    }
    for sid, st in stages.items():
        for r in st.get("redirect", []):
            if r["if"] not in flags:
                errors.append(
                    f"{at('stages', sid, 'redirect')}: stage {sid!r}: no choice sets flag {r['if']!r}"
                )
    return errors
