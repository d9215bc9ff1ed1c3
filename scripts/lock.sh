#!/usr/bin/env bash
# The lock file: requirements.lock pins every package of the Python environment (the
# top-level pins of requirements.txt, everything they pull in, and pip/setuptools/wheel) with
# the sha256 of every file PyPI has for that version. `make build`/`make test`/CI install it
# with `pip install --require-hashes`, then the course package itself with `-e .`.
#
#   bash scripts/lock.sh           regenerate requirements.lock from requirements.txt (PyPI)
#   bash scripts/lock.sh --check   fail in one line if requirements.txt pins something the
#                                  lock does not (run by the Makefile before installing)
set -euo pipefail
cd "$(dirname "$0")/.."
UV_VERSION=0.13.9

if [ "${1:-}" = "--check" ]; then
  python3 - <<'PY'
import re, sys
norm = lambda s: re.sub(r"[-_.]+", "-", s).lower()
lock = {}
for line in open("requirements.lock", encoding="utf-8"):
    m = re.match(r"^([A-Za-z0-9_.-]+)==([^ ;\\]+)", line)
    if m:
        lock[norm(m.group(1))] = m.group(2)
for line in open("requirements.txt", encoding="utf-8"):
    m = re.match(r"^([A-Za-z0-9_.-]+)==(\S+)", line.strip())
    if m and lock.get(norm(m.group(1))) != m.group(2):
        sys.exit(f"error: requirements.txt pins {m.group(1)}=={m.group(2)} but requirements.lock has "
                 f"{lock.get(norm(m.group(1)), 'nothing')}; run `make lock` (needs PyPI)")
PY
  exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/python" -m pip install --quiet "uv==$UV_VERSION"
{ grep -v '^-e' requirements.txt; printf 'pip\nsetuptools\nwheel\n'; } > "$tmp/lock.in"
"$tmp/venv/bin/uv" pip compile "$tmp/lock.in" --universal --python-version 3.11 --generate-hashes \
  --index-url https://pypi.org/simple --no-header --quiet -o "$tmp/requirements.lock"
{
  echo "# The whole Python environment, pinned with hashes (scripts/lock.sh; do not edit by hand)."
  echo "# Update: edit requirements.txt, then \`make lock\` (needs PyPI). Installed by \`make build\`."
  cat "$tmp/requirements.lock"
} > requirements.lock
echo "requirements.lock: $(grep -c '==' requirements.lock) packages"
