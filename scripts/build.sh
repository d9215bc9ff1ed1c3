#!/usr/bin/env bash
# `make build`: build the book into _build.next, starting from a copy of the previous _build
# (so an incremental build stays incremental), and swap it in only when the build succeeds.
# A failed build leaves the previous _build/html whole and says so in one line at the end.
# PY=<python> overrides the interpreter (the tests use it); extra arguments go to jupyter-book.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
rm -rf _build.next _build.old
mkdir -p _build.next
if [ -d _build ]; then cp -a _build _build.next/_build; fi
if "$PY" scripts/jb_build.py . --path-output _build.next -W -n --keep-going "$@"; then
  if [ -d _build ]; then mv _build _build.old; fi
  mv _build.next/_build _build
  rm -rf _build.old _build.next
else
  status=$?
  rm -rf _build.next
  echo "error: the book did not build (the first error is above); the previous _build/html is unchanged" >&2
  exit "$status"
fi
