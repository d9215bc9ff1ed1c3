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

    if data["answer"]["id"] not in known:
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
    return errors


def successors(stage: dict) -> list[str]:
    if "decision" in stage:
        return [c["next"] for c in stage["decision"]["choices"]]
    return [stage["next"]] if "next" in stage else []


def reachable(case: dict, start: str | None = None) -> set:
    start = start or case["start"]
    seen, todo = set(), [start]
    while todo:
        sid = todo.pop()
        if sid in seen or sid not in case["stages"]:
            continue
        seen.add(sid)
        todo.extend(successors(case["stages"][sid]))
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
        for nxt in successors(case["stages"][sid]):
            todo.append((nxt, visited if nxt in visited else visited + (nxt,)))


def case_json(case: dict) -> str:
    """The case as JSON text for the walk-through component, with the names of the answer."""
    data = copy.deepcopy(case)
    names = targets()
    data["answer"]["name"] = names[data["answer"]["id"]]
    data["names"] = names
    data["kind_order"] = list(KIND_ORDER)
    return json.dumps(data, ensure_ascii=False)
