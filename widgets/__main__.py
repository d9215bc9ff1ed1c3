"""Command line: `python -m widgets assess FILE [--json] [--ranges FILE]` and
`python -m widgets rules-json [--out FILE]`. Bad input exits with status 2 and one line on
stderr, never a traceback."""

from __future__ import annotations

import argparse
import json
import sys


def _load_ranges(path):
    from .clinical.files import read_data_file

    return read_data_file(path)


def main(argv=None) -> int:
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
    # --- quiz banks (validate, export-moodle): widgets/quizbank.py ---
    pv = sub.add_parser(
        "validate", help="check question banks (and case files) and print item counts per chapter and type"
    )
    pv.add_argument("paths", nargs="+", help="bank files or folders (e.g. quizzes/ cases/)")
    pm = sub.add_parser("export-moodle", help="write a question bank as Moodle XML")
    pm.add_argument("file", help="a bank, e.g. quizzes/differential.yml")
    pm.add_argument("--out", metavar="FILE", help="write to FILE instead of standard output")
    pk = sub.add_parser("export-anki", help="write the question banks as an Anki deck (.apkg)")
    pk.add_argument("--out", metavar="FILE", default="calcinosis-course.apkg", help="the .apkg to write")
    pk.add_argument("banks", nargs="*", help="bank ids (default: all)")
    args = parser.parse_args(argv)
    if args.command == "export-anki":
        from .anki import export

        try:
            n = export(args.out, args.banks or None)
        except (ValueError, OSError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        print(f"wrote {n} notes to {args.out}")
        return 0
    if args.command in ("validate", "export-moodle"):
        return _quiz_command(args)

    from .clinical import ClinicalError, assess, load_scenario, rules_json
    from .clinical.report import render_text

    try:
        if args.command == "rules-json":
            text = json.dumps(rules_json(), ensure_ascii=False, indent=1) + "\n"
            if args.out:
                with open(args.out, "w", encoding="utf-8") as fh:
                    fh.write(text)
            else:
                sys.stdout.write(text)
            return 0
        scenario = load_scenario(args.file)
        ranges = _load_ranges(args.ranges) if args.ranges else None
        result = assess(scenario, ranges=ranges).to_dict()
    except ClinicalError as exc:
        extra = ""
        errors = getattr(exc, "errors", None)
        if errors and len(errors) > 1:
            extra = "; " + "; ".join(f"{e['field']}: {e['message']}" for e in errors[1:])
        print(f"error: {exc.field}: {exc.message}{extra}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(render_text(result, title=args.file))
    return 0


def _quiz_command(args) -> int:
    """validate / export-moodle: every error as 'file:line: message' on stderr, exit 2."""
    from pathlib import Path

    from . import quizbank
    from .datafile import DataFileError

    if args.command == "export-moodle":
        try:
            data = quizbank.load_bank(args.file)
        except DataFileError as exc:
            for e in exc.errors:
                print(f"error: {e}", file=sys.stderr)
            return 2
        text = quizbank.moodle_xml(data)
        if args.out:
            Path(args.out).write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
        return 0
    bank_paths, case_paths = [], []
    for p in map(Path, args.paths):
        # a folder or file of case walk-throughs (cases/, tests/data/broken-cases/) goes to the case checker
        (case_paths if "case" in p.name or "case" in p.parent.name else bank_paths).append(p)
    errors, items = quizbank.validate_paths(bank_paths) if bank_paths else ([], [])
    case_note = ""
    if case_paths:
        from .cases import case_files
        from .cases import validate_paths as validate_cases

        errors += [str(e) for e in validate_cases(case_paths)]
        n = sum(len(case_files(p)) if p.is_dir() else 1 for p in case_paths)
        case_note = f"{n} case file(s) checked"
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
    if case_note:
        print(case_note)
    print(f"{len(errors)} error(s)")
    return 2 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
