"""Loading and checking the knowledge files in widgets/clinical/data.

Each file is validated against its JSON Schema (data/schema.yaml), then for what a schema
cannot see: ids that refer to each other exist, expressions name known facts of the right
type, cite keys are in the bibliography given. Any problem raises DataError naming the file,
the place and what is wrong. The result is one JSON-serialisable dict, the rules (`knowledge()`,
`rules_json()`), which the Python evaluator and the browser evaluator
(widgets/static/clinical.js) both interpret.

The package reads only its own data folder: the cite keys are checked against a BibTeX file
when one is given (`build(bib_path=...)`; the tests give the book's references.bib), never
by reaching outside the package.
"""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path

from ..bibtex import read_bibtex
from .errors import DataError

DATA_DIR = Path(__file__).parent / "data"
FILES = [
    "units.yaml",
    "ranges.yaml",
    "bands.yaml",
    "vocabulary.yaml",
    "facts.yaml",
    "conditions.yaml",
    "rules.yaml",
    "messages.yaml",
    "plots.yaml",
    "presets.yaml",
]


def _where(path) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(top level)"


def load_yaml(path: Path):
    """A knowledge file through the course's one strict reader (widgets/clinical/reader.py)."""
    from .reader import DataFileError, load

    try:
        return load(path).data
    except DataFileError as exc:
        place = f"line {exc.line}" if exc.line else ""
        raise DataError(f"{path.name}: {place}".rstrip(": "), exc.message) from None


def bib_keys(path: Path | None) -> set[str] | None:
    """The keys of the BibTeX file at `path`, or None (no check) when no path is given."""
    if path is None:
        return None
    try:
        return set(read_bibtex(path))
    except OSError as exc:
        raise DataError(str(path), f"cannot be read ({exc.strerror})") from None


def _validate_schema(name: str, data, schema_doc: dict) -> None:
    from .reader import jsonschema as _jsonschema

    jsonschema = _jsonschema()  # without the slow optional format checkers

    schema = dict(schema_doc["files"][name])
    schema["$defs"] = schema_doc["$defs"]
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        best = jsonschema.exceptions.best_match(errors) or errors[0]
        raise DataError(f"{name}: {_where(best.absolute_path)}", best.message)


class _Checker:
    """Semantic checks across files; each failure names the file and the place."""

    def __init__(self, rules: dict, keys: set[str] | None):
        self.k = rules
        self.keys = keys

    def fail(self, file: str, path: list, message: str):
        raise DataError(f"{file}: {_where(path)}", message)

    def cite(self, file, path, cites):
        if self.keys is None:
            return
        for i, key in enumerate(cites):
            if key not in self.keys:
                self.fail(file, path + [i], f"cite key '{key}' is not in references.bib")

    def fact_types(self) -> dict[str, tuple[str, list | None]]:
        types: dict[str, tuple[str, list | None]] = {}
        for item in self.k["vocabulary"]["items"]:
            types[f"{item['group']}.{item['id']}"] = ("bool", None)
        for name, spec in self.k["facts"]["computed"].items():
            values = spec.get("values")
            if spec["type"] == "category" and "band" in spec:
                band = self.k["bands"]["bands"].get(spec["band"])
                if band is None:
                    self.fail("facts.yaml", ["computed", name, "band"], f"unknown band '{spec['band']}'")
                values = [b["id"] for b in band["bands"]] + (
                    [band["override"]["id"]] if "override" in band else []
                )
            types[name] = ("bool" if spec["type"] == "bool" else spec["type"], values)
        return types

    def expr(self, file, path, e, types):
        if isinstance(e, str):
            if e not in types:
                self.fail(file, path, f"unknown fact '{e}'")
            if types[e][0] != "bool":
                self.fail(file, path, f"fact '{e}' is a {types[e][0]}; use {{fact: {e}, ...}}")
            return
        if "all" in e or "any" in e:
            op = "all" if "all" in e else "any"
            for i, sub in enumerate(e[op]):
                self.expr(file, path + [op, i], sub, types)
            return
        if "not" in e or "unknown" in e:
            op = "not" if "not" in e else "unknown"
            self.expr(file, path + [op], e[op], types)
            return
        fact = e["fact"]
        if fact not in types:
            self.fail(file, path + ["fact"], f"unknown fact '{fact}'")
        kind, values = types[fact]
        if "in" in e:
            if kind != "category":
                self.fail(file, path + ["in"], f"fact '{fact}' is a {kind}, not a category")
            for i, v in enumerate(e["in"]):
                if values is not None and v not in values:
                    self.fail(
                        file, path + ["in", i], f"'{v}' is not a value of '{fact}' ({', '.join(values)})"
                    )
        elif kind != "number":
            self.fail(file, path, f"fact '{fact}' is a {kind}; bounds need a number fact")

    def run(self):
        self.check_units()
        self.check_ranges()
        self.check_vocabulary()
        types = self.fact_types()
        self.check_bands(types)
        self.check_facts(types)
        verdict_ids = self.check_verdicts()
        targets = self.check_targets(types)
        self.check_rules(types, targets, verdict_ids)
        self.check_presets(targets)

    def check_units(self):
        """Units: canonical units, factors, aliases, limits."""
        k = self.k
        units = k["units"]["analytes"]
        for a, spec in units.items():
            if spec["canonical"] not in spec["units"]:
                self.fail(
                    "units.yaml",
                    ["analytes", a, "canonical"],
                    "the canonical unit must be listed under units",
                )
            for u, us in spec["units"].items():
                has = ("multiply" in us) + ("divide" in us)
                if u == spec["canonical"] and has:
                    self.fail("units.yaml", ["analytes", a, "units", u], "the canonical unit takes no factor")
                if u != spec["canonical"] and has != 1:
                    self.fail(
                        "units.yaml", ["analytes", a, "units", u], "give exactly one of multiply or divide"
                    )
            for alias, target in spec.get("aliases", {}).items():
                if target not in spec["units"]:
                    self.fail(
                        "units.yaml", ["analytes", a, "aliases", alias], f"'{target}' is not a unit of {a}"
                    )
            for key in ("accept", "usual"):
                lo, hi = spec[key]
                if lo > hi:
                    self.fail("units.yaml", ["analytes", a, key], "min is above max")
            self.cite("units.yaml", ["analytes", a, "cite"], spec["cite"])

    def check_ranges(self):
        """Reference ranges: known analytes in canonical units."""
        k = self.k
        units = k["units"]["analytes"]
        for a, r in k["ranges"].items():
            if a not in units:
                self.fail("ranges.yaml", [a], f"unknown analyte '{a}'")
            if r["unit"] != units[a]["canonical"]:
                self.fail(
                    "ranges.yaml",
                    [a, "unit"],
                    f"give the range in the canonical unit {units[a]['canonical']}",
                )
            if not r["low"] < r["high"]:
                self.fail("ranges.yaml", [a], "low must be below high")
            self.cite("ranges.yaml", [a, "cite"], r["cite"])

    def check_vocabulary(self):
        """Vocabulary groups and items."""
        k = self.k
        groups = k["vocabulary"]["groups"]
        sections = [g["section"] for g in groups.values()]
        if len(set(sections)) != len(sections) or set(sections) & {"patient", "labs", "meta"}:
            self.fail(
                "vocabulary.yaml", ["groups"], "each group needs its own section, not patient, labs or meta"
            )
        if "history" not in groups:
            self.fail(
                "vocabulary.yaml",
                ["groups"],
                "the history group (items with values, e.g. warfarin days) is required",
            )
        seen = set()
        for i, item in enumerate(k["vocabulary"]["items"]):
            if item["group"] not in groups:
                self.fail("vocabulary.yaml", ["items", i, "group"], f"unknown group '{item['group']}'")
            if item["id"] in seen:
                self.fail("vocabulary.yaml", ["items", i, "id"], f"duplicate id '{item['id']}'")
            seen.add(item["id"])
            self.cite("vocabulary.yaml", ["items", i, "cite"], item.get("cite", []))

    def check_bands(self, types):
        """Bands, Ca x P lines and the plot of the plane."""
        k = self.k
        for name, band in k["bands"]["bands"].items():
            ids = [b["id"] for b in band["bands"]]
            if len(set(ids)) != len(ids):
                self.fail("bands.yaml", ["bands", name, "bands"], "duplicate band id")
            if "below" in band["bands"][-1] or "upto" in band["bands"][-1]:
                self.fail(
                    "bands.yaml", ["bands", name, "bands", len(ids) - 1], "the last band must have no bound"
                )
            for i, b in enumerate(band["bands"][:-1]):
                if "below" not in b and "upto" not in b:
                    self.fail("bands.yaml", ["bands", name, "bands", i], "give a bound (below or upto)")
                bound = b.get("below", b.get("upto"))
                if isinstance(bound, dict) and "ref" in bound and band.get("range") not in k["ranges"]:
                    self.fail(
                        "bands.yaml",
                        ["bands", name, "range"],
                        "a bound {ref: ...} needs the band's range (an analyte of ranges.yaml)",
                    )
                if (
                    isinstance(bound, dict)
                    and "line" in bound
                    and bound["line"] not in k["bands"]["cap"]["lines"]
                ):
                    self.fail(
                        "bands.yaml",
                        ["bands", name, "bands", i],
                        f"unknown Ca x P line '{bound['line']}' (cap.lines)",
                    )
            if "override" in band and types.get(band["override"]["when"], ("", None))[0] != "bool":
                self.fail(
                    "bands.yaml",
                    ["bands", name, "override", "when"],
                    f"unknown fact '{band['override']['when']}'",
                )
            self.cite("bands.yaml", ["bands", name, "cite"], band["cite"])
        for name, line in k["bands"]["cap"]["lines"].items():
            self.cite("bands.yaml", ["cap", "lines", name, "cite"], line["cite"])
        plane = k["plots"]["ca_p_plane"]
        for axis in ("x", "y"):
            if plane[axis]["analyte"] not in k["ranges"]:
                self.fail(
                    "plots.yaml",
                    ["ca_p_plane", axis, "analyte"],
                    f"'{plane[axis]['analyte']}' has no reference range",
                )
            if not plane[axis]["min"] < plane[axis]["max"]:
                self.fail("plots.yaml", ["ca_p_plane", axis], "min must be below max")

    def check_facts(self, types):
        """Composite facts, Payne caveats and derived-value messages."""
        k = self.k
        units = k["units"]["analytes"]
        for name, c in k["facts"]["composites"].items():
            if name in types:
                self.fail("facts.yaml", ["composites", name], f"'{name}' is already a fact")
            self.expr("facts.yaml", ["composites", name, "when"], c["when"], types)
            types[name] = ("bool", None)
        for i, cav in enumerate(k["bands"]["payne"]["caveats"]):
            self.expr("bands.yaml", ["payne", "caveats", i, "when"], cav["when"], types)
        self.cite("bands.yaml", ["payne", "cite"], k["bands"]["payne"]["cite"])
        for name, d in k["messages"]["derived"].items():
            for j, lab in enumerate(d["needs"]):
                if lab not in units:
                    self.fail("messages.yaml", ["derived", name, "needs", j], f"unknown analyte '{lab}'")
            if "unless" in d and types.get(d["unless"], ("", None))[0] != "bool":
                self.fail("messages.yaml", ["derived", name, "unless"], f"unknown fact '{d['unless']}'")

    def check_verdicts(self):
        """The verdict scale; returns the verdict ids."""
        k = self.k
        verdict_ids = [v["id"] for v in k["verdicts"]]
        if verdict_ids[-2:] != ["not-judged", "unlikely"] or any(
            "min_score" not in v for v in k["verdicts"][:-2]
        ):
            self.fail(
                "conditions.yaml",
                ["verdicts"],
                "scored verdicts (with min_score) first, then not-judged, then unlikely",
            )
        return verdict_ids

    def check_targets(self, types):
        """Conditions, look-alikes and overlaps; returns {id: kind}."""
        k = self.k
        targets = {}
        for kind in ("conditions", "lookalikes"):
            for i, c in enumerate(k[kind]):
                if c["id"] in targets:
                    self.fail("conditions.yaml", [kind, i, "id"], f"duplicate id '{c['id']}'")
                targets[c["id"]] = kind
                self.cite("conditions.yaml", [kind, i, "cite"], c["cite"])
                for j, need in enumerate(c.get("needs", [])):
                    if types.get(need, ("", None))[0] != "bool":
                        self.fail("conditions.yaml", [kind, i, "needs", j], f"unknown fact '{need}'")
                for level, spec in c.get("levels", {}).items():
                    self.expr("conditions.yaml", [kind, i, "levels", level, "when"], spec["when"], types)
                for part in ("setting", "defining"):
                    for key in ("when", "unless"):
                        if key in c.get(part, {}):
                            self.expr("conditions.yaml", [kind, i, part, key], c[part][key], types)
                if "setting" in c:
                    self.cite("conditions.yaml", [kind, i, "setting", "cite"], c["setting"]["cite"])
        for i, la in enumerate(k["lookalikes"]):
            for j, cid in enumerate(la.get("mimics", [])):
                if targets.get(cid) != "conditions":
                    self.fail("conditions.yaml", ["lookalikes", i, "mimics", j], f"unknown condition '{cid}'")
        for i, pair in enumerate(k["overlaps"]):
            for j, cid in enumerate(pair["ids"]):
                if targets.get(cid) != "conditions":
                    self.fail("conditions.yaml", ["overlaps", i, "ids", j], f"unknown condition '{cid}'")
            self.cite("conditions.yaml", ["overlaps", i, "cite"], pair["cite"])
        return targets

    def check_rules(self, types, targets, verdict_ids):
        """Rules: targets, caps, expressions, citations."""
        k = self.k
        seen = set()
        for i, r in enumerate(k["rules"]):
            if r["id"] in seen:
                self.fail("rules.yaml", ["rules", i, "id"], f"duplicate rule id '{r['id']}'")
            seen.add(r["id"])
            if r["target"] not in targets:
                self.fail(
                    "rules.yaml", ["rules", i, "target"], f"unknown condition or look-alike '{r['target']}'"
                )
            if "cap" in r and (r["cap"] not in verdict_ids or r["cap"] == "not-judged"):
                self.fail("rules.yaml", ["rules", i, "cap"], f"'{r['cap']}' is not a verdict one can cap at")
            if targets[r["target"]] == "lookalikes" and "points" not in r:
                self.fail("rules.yaml", ["rules", i], "look-alike rules give points")
            self.expr("rules.yaml", ["rules", i, "when"], r["when"], types)
            self.cite("rules.yaml", ["rules", i, "cite"], r["cite"])

    def check_presets(self, targets):
        """Presets: taught answers exist."""
        k = self.k
        ids = [p["id"] for p in k["presets"]]
        if len(set(ids)) != len(ids):
            self.fail("presets.yaml", ["presets"], "duplicate preset id")
        for i, p in enumerate(k["presets"]):
            for j, c in enumerate(p["taught"]["conditions"]):
                if targets.get(c) != "conditions":
                    self.fail(
                        "presets.yaml", ["presets", i, "taught", "conditions", j], f"unknown condition '{c}'"
                    )
            la = p["taught"]["lookalike"]
            if la is not None and targets.get(la) != "lookalikes":
                self.fail("presets.yaml", ["presets", i, "taught", "lookalike"], f"unknown look-alike '{la}'")


def build(data_dir: Path = DATA_DIR, bib_path: Path | None = None, check_schema: bool = True) -> dict:
    """Load, validate and assemble the rules from `data_dir` (raises DataError); with
    `bib_path`, every cite key must be an entry of that BibTeX file. `check_schema=False`
    skips the JSON Schema pass (importing jsonschema costs seconds per command-line call);
    the tests, `python -m widgets validate` and the book build run it."""
    data_dir = Path(data_dir)
    schema_doc = load_yaml(data_dir / "schema.yaml") if check_schema else None
    raw = {}
    for name in FILES:
        doc = load_yaml(data_dir / name)
        if check_schema:
            _validate_schema(name, doc, schema_doc)
        raw[name] = doc
    cond = raw["conditions.yaml"]
    k = {
        "version": 1,
        "education_note": cond["education_note"],
        "units": raw["units.yaml"],
        "ranges": raw["ranges.yaml"],
        "bands": raw["bands.yaml"],
        "vocabulary": raw["vocabulary.yaml"],
        "facts": raw["facts.yaml"],
        "verdicts": cond["verdicts"],
        "legend": cond["legend"],
        "overlaps": cond["overlaps"],
        "conditions": cond["conditions"],
        "lookalike_suggest_at": cond["lookalike_suggest_at"],
        "lookalikes": cond["lookalikes"],
        "rules": raw["rules.yaml"]["rules"],
        "messages": raw["messages.yaml"],
        "plots": raw["plots.yaml"],
        "presets": raw["presets.yaml"]["presets"],
    }
    _Checker(k, bib_keys(bib_path)).run()
    return k


@functools.lru_cache(maxsize=1)
def _cached() -> dict:
    # The shipped data is schema-checked by the tests and the book build; a file edited since
    # that breaks the shape the checks below assume is reported by the schema pass, not a traceback.
    try:
        return build(check_schema=False)
    except (KeyError, TypeError, AttributeError, IndexError, ValueError):
        build(check_schema=True)
        raise


def knowledge() -> dict:
    """The validated knowledge (shared, do not modify)."""
    return _cached()


def rules_json() -> dict:
    """A deep copy of everything the browser evaluator needs (JSON-serialisable)."""
    return copy.deepcopy(_cached())


@functools.lru_cache(maxsize=1)
def rules_json_text() -> str:
    """rules_json() as the JSON text the components carry (text, so key order survives)."""
    return json.dumps(_cached(), ensure_ascii=False, separators=(",", ":"))  # compact: 9 % lighter
