"""Command line: `python -m widgets assess FILE [--json] [--ranges FILE]`,
`python -m widgets rules-json [--out FILE]`, `python -m widgets validate PATH...` and
`python -m widgets export-moodle FILE [--out FILE]` and
`python -m widgets export-anki [BANK...] [--out FILE]`.

Every file goes through the one strict reader (widgets/clinical/reader.py). Bad input exits
with status 2 and one line on stderr, "error: file:line: field: what is wrong", never a
traceback (validate prints one such line per problem). The `assess` path imports neither
jsonschema nor the components, so a call takes a fraction of a second.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m widgets",
        description="Calcinosis course tools (for education, not for clinical decisions).",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    pa = sub.add_parser("assess", help="assess a scenario file (YAML or JSON) against the six conditions")
    pa.add_argument("file", help="scenario file, .yaml/.yml or .json")
    pa.add_argument("--json", action="store_true", help="print the assessment as JSON")
    pa.add_argument(
        "--ranges",
        metavar="FILE",
        help="local laboratory reference ranges (YAML or JSON): {analyte: {low, high, unit}}",
    )
    pr = sub.add_parser("rules-json", help="print the knowledge the browser evaluator needs, as JSON")
    pr.add_argument("--out", metavar="FILE", help="write to FILE instead of standard output")
    pv = sub.add_parser(
        "validate",
        help="check question banks and case files (.yml or .yaml, told apart by content) and the "
        "knowledge YAML; print item counts per chapter and type",
    )
    pv.add_argument("paths", nargs="+", help="bank or case files or folders (e.g. quizzes/ cases/)")
    pm = sub.add_parser("export-moodle", help="write a question bank as Moodle XML")
    pm.add_argument("file", help="a bank, e.g. quizzes/differential.yml")
    pm.add_argument("--out", metavar="FILE", help="write to FILE instead of standard output")
    pk = sub.add_parser("export-anki", help="write the question banks as an Anki deck (.apkg)")
    pk.add_argument("--out", metavar="FILE", default="calcinosis-course.apkg", help="the .apkg to write")
    pk.add_argument("banks", nargs="*", help="bank ids (default: all)")
    return parser


def _fail(message) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def _out_problem(out: str) -> str | None:
    """Why `--out` cannot be written, or None."""
    p = Path(out)
    if not out:
        return "--out: no file named; give a file path"
    if p.is_dir():
        return f"--out {out}: is a folder; give a file path inside it"
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        return f"--out {out}: the folder {parent} does not exist; create it first"
    return None


def _write(out: str | None, text: str) -> int:
    if not out:
        sys.stdout.write(text)
        return 0
    problem = _out_problem(out)
    if problem:
        return _fail(problem)
    try:
        Path(out).write_text(text, encoding="utf-8")
    except OSError as exc:
        return _fail(f"--out {out}: cannot be written ({exc.strerror or exc})")
    return 0


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "validate":
            return _validate(args.paths)
        if args.command == "export-moodle":
            return _export_moodle(args)
        if args.command == "export-anki":
            return _export_anki(args)
        if args.command == "rules-json":
            from .clinical import rules_json

            return _write(args.out, json.dumps(rules_json(), ensure_ascii=False, indent=1) + "\n")
        return _assess(args)
    except KeyboardInterrupt:
        return _fail("interrupted")
    except RecursionError:
        return _fail("the input nests too deeply")
    except MemoryError:
        return _fail("the input is too large")


def _assess(args) -> int:
    from .clinical import ClinicalError, assess
    from .clinical.files import load_ranges, read_scenario
    from .clinical.reader import DataFileError
    from .clinical.report import render_text

    try:
        _doc, scenario = read_scenario(args.file)
        ranges = load_ranges(args.ranges) if args.ranges is not None else None
        result = assess(scenario, ranges=ranges).to_dict()
    except DataFileError as exc:
        return _fail(exc)
    except ClinicalError as exc:  # the knowledge files themselves (DataError)
        return _fail(f"{exc.field}: {exc.message}")
    if args.json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(render_text(result, title=args.file))
    return 0


# ----------------------------------------------------------------------------- validate
SKIP = {"schema.yml", "schema.yaml"}
DATA_SUFFIXES = {".yml", ".yaml", ".json"}


def _data_files(paths) -> tuple[list[Path], list[str]]:
    files, errors = [], []
    for p in map(Path, paths):
        if p.is_dir():
            found = (f for f in p.iterdir() if f.suffix.lower() in DATA_SUFFIXES and f.name not in SKIP)
            files.extend(sorted(found))
        elif p.exists():
            files.append(p)
        else:
            errors.append(f"{p}: no such file or folder")
    return files, errors


def _kind(data) -> str | None:
    """'bank' or 'case' by what the file holds, never by its name or folder."""
    if isinstance(data, dict):
        if "bank" in data or "items" in data:
            return "bank"
        if "stages" in data or "start" in data:
            return "case"
    return None


def _check_knowledge() -> list[str]:
    from .clinical.errors import ClinicalError
    from .clinical.knowledge import build

    bib = Path(__file__).resolve().parent.parent / "references.bib"
    try:
        build(bib_path=bib if bib.is_file() else None, check_schema=True)
    except ClinicalError as exc:
        return [f"widgets/clinical/data/{exc.field}: {exc.message}"]
    return []


def _validate(paths) -> int:
    from .clinical.reader import jsonschema

    jsonschema()  # first, so that no later import pays for the optional format checkers
    from . import quizbank
    from .cases import validate_paths as validate_cases
    from .datafile import DataFileError, load

    files, errors = _data_files(paths)
    banks, cases, case_ids = [], [], {}
    for f in files:
        try:
            doc = load(f)
        except DataFileError as exc:
            errors.append(str(exc))
            continue
        kind = _kind(doc.data)
        if kind is None:
            errors.append(
                f"{f}: neither a question bank (keys bank, items) nor a case walk-through "
                "(keys id, start, stages)"
            )
        elif kind == "bank":
            banks.append(f)
        else:
            cases.append(f)
            cid = doc.data.get("id")
            if isinstance(cid, str):
                if cid in case_ids:
                    errors.append(str(doc.error(["id"], f"case id '{cid}' is also used by {case_ids[cid]}")))
                case_ids.setdefault(cid, str(f))
    bank_errors, items = quizbank.validate_paths(banks) if banks else ([], [])
    errors += [str(e) for e in bank_errors]
    errors += validate_cases(cases) if cases else []
    errors += _check_knowledge()
    for e in errors:
        print(f"error: {e}", file=sys.stderr)
    table = quizbank.counts(items)
    types = ["sba", "multiple", "numeric", "matching"]
    print(f"{'chapter':<20}" + "".join(f"{t:>10}" for t in types) + f"{'total':>8}")
    for chapter in sorted(table):
        c = table[chapter]
        print(f"{chapter:<20}" + "".join(f"{c[t]:>10}" for t in types) + f"{sum(c.values()):>8}")
    totals = {t: sum(c[t] for c in table.values()) for t in types}
    print(f"{'all':<20}" + "".join(f"{totals[t]:>10}" for t in types) + f"{sum(totals.values()):>8}")
    if items:
        from .itemcues import figures_text

        print(figures_text(items))
    print(f"{len(banks)} bank file(s), {len(cases)} case file(s) checked")
    print(f"{len(errors)} error(s)")
    return 2 if errors else 0


# ----------------------------------------------------------------------------- export
def _export_anki(args) -> int:
    from .anki import export

    problem = _out_problem(args.out)
    if problem:
        return _fail(problem)
    try:
        n = export(args.out, args.banks or None)
    except (ValueError, OSError) as exc:
        return _fail(exc)
    print(f"wrote {n} notes to {args.out}")
    return 0


def _export_moodle(args) -> int:
    from .datafile import DataFileError
    from .moodle import ExportError, export_file

    if args.out is not None and _out_problem(args.out):
        return _fail(_out_problem(args.out))
    try:
        text = export_file(args.file)
    except DataFileError as exc:
        more = f" (and {len(exc.errors) - 1} more; run validate)" if len(exc.errors) > 1 else ""
        return _fail(f"{exc}{more}")
    except ExportError as exc:
        return _fail(exc)
    return _write(args.out, text)


GUARD_SECONDS = 120  # no command takes more than a few seconds; a runaway input is stopped


class _Stopped(BaseException):
    """Raised by the guard's alarm; a BaseException so no `except Exception` swallows it."""


def _guard() -> None:
    """A process-level guard for the command line: SIGALRM after GUARD_SECONDS ends the call
    with one line, not a hang (POSIX; elsewhere the limits of the reader must do)."""
    import signal

    def stop(signum, frame):
        raise _Stopped

    if hasattr(signal, "SIGALRM"):
        signal.signal(signal.SIGALRM, stop)
        signal.alarm(GUARD_SECONDS)


if __name__ == "__main__":
    _guard()
    try:
        sys.exit(main())
    except _Stopped:
        sys.exit(_fail(f"stopped after {GUARD_SECONDS} s: the input is too large to process"))
