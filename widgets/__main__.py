"""Command line: `python -m widgets assess FILE [--json] [--ranges FILE]` and
`python -m widgets rules-json [--out FILE]`. Bad input exits with status 2 and one line on
stderr, never a traceback."""

from __future__ import annotations

import argparse
import json
import sys


def _load_ranges(path):
    from pathlib import Path

    import yaml

    from .clinical.errors import ValidationError
    from .clinical.scenario import load_scenario  # noqa: F401  (same file reader rules)

    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError:
        raise ValidationError([{"field": "file", "message": f"{p}: no such file or unreadable"}]) from None
    try:
        return json.loads(text) if p.suffix.lower() == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise ValidationError(
            [{"field": "file", "message": f"{p}: cannot be parsed ({str(exc).splitlines()[0]})"}]
        ) from None


# ---- validate: case walk-throughs (the quiz banks' validation is a separate block)
def _validate_cases(paths) -> int:
    """Print every problem of the case files as file:line: message on stderr; exit 0 when all
    are valid, 2 otherwise (as the quiz banks' validate)."""
    from pathlib import Path

    from .cases import case_files, validate_paths

    if any(not Path(p).exists() for p in paths):
        print(
            f"error: {next(p for p in paths if not Path(p).exists())}: no such file or folder",
            file=sys.stderr,
        )
        return 2
    errors = validate_paths(paths)
    n = sum(len(case_files(p)) if Path(p).is_dir() else 1 for p in paths)
    for e in errors:
        print(f"error: {e}", file=sys.stderr)
    print(f"{n} case file(s) checked, {len(errors)} error(s)")
    return 2 if errors else 0


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
    pv = sub.add_parser("validate", help="check case walk-throughs (cases/*.yml): schema, graph, citations")
    pv.add_argument("paths", nargs="+", help="case files or folders")
    args = parser.parse_args(argv)
    if args.command == "validate":
        return _validate_cases(args.paths)

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


if __name__ == "__main__":
    sys.exit(main())
