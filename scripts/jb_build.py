"""`jupyter-book build ARGS`, but a failed build ends in one line, not jupyter-book's chained
tracebacks: the first cause (e.g. "chapters/x.ipynb: cell 4 (Explorer): the stored component
output is missing; run `make execute`"). Sphinx's own report of the error is printed above it
as usual. Used by scripts/build.sh (`make build`)."""

from __future__ import annotations

import sys

from widgets.clinical.reader import jsonschema

# Jupyter Book validates _config.yml with jsonschema; importing it first through the course's
# helper skips the optional rfc3987_syntax format checker, which builds a grammar at import
# (about 0.8 s of every build here, a no-op rebuild included) and which no schema here uses.
jsonschema()

from jupyter_book.cli.main import main  # noqa: E402 - after the import above, on purpose


def first_cause(exc: BaseException) -> BaseException:
    while exc.__cause__ is not None:
        exc = exc.__cause__
    return exc


if __name__ == "__main__":
    try:
        main(["build", *sys.argv[1:]], prog_name="jupyter-book", standalone_mode=False)
    except SystemExit as exc:
        sys.exit(exc.code)
    except Exception as exc:  # noqa: BLE001 - the point is to report any failure in one line
        cause = first_cause(exc)
        lines = [line for line in str(cause).splitlines() if line.strip() and "=====" not in line]
        print(f"error: {lines[0] if lines else type(cause).__name__}", file=sys.stderr)
        sys.exit(1)
