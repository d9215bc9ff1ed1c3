#!/usr/bin/env bash
# `make audit`: known vulnerabilities of the locked Python environment (pip-audit, run from a
# throwaway venv so it is not part of the course's environment) and of the npm packages
# (npm audit). Each says plainly whether it ran; exit 1 if a vulnerability is found or an
# audit could not run, 0 only when both ran clean.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if python3 -m venv "$tmp/venv" && "$tmp/venv/bin/python" -m pip install --quiet pip-audit >"$tmp/pip.log" 2>&1; then
  "$tmp/venv/bin/pip-audit" --requirement requirements.lock --require-hashes --disable-pip --progress-spinner off >"$tmp/audit.log" 2>&1
  rc=$?
  skipped=$(grep -c "could not be audited" "$tmp/audit.log")
  if [ "$skipped" -gt 0 ]; then
    echo "pip-audit: could NOT check $skipped packages (the vulnerability service did not answer for them); Python packages unchecked"; status=1
  elif [ $rc -eq 0 ]; then
    echo "pip-audit: ran; no known vulnerabilities in requirements.lock"
  elif grep -q "Found [0-9]* known vulnerabilit" "$tmp/audit.log"; then
    cat "$tmp/audit.log"; echo "pip-audit: ran; vulnerabilities found (above)"; status=1
  else
    tail -3 "$tmp/audit.log"; echo "pip-audit: could NOT run (no access to the vulnerability database?); Python packages unchecked"; status=1
  fi
else
  echo "pip-audit: could NOT be installed from PyPI (no network?); Python packages unchecked"; status=1
fi

if npm audit --package-lock-only >"$tmp/npm.log" 2>&1; then
  echo "npm audit: ran; no known vulnerabilities in package-lock.json"
elif grep -qiE "vulnerabilit(y|ies)" "$tmp/npm.log" && ! grep -qiE "ENOTFOUND|ECONNREFUSED|EAI_AGAIN|audit endpoint returned an error|request to .* failed" "$tmp/npm.log"; then
  cat "$tmp/npm.log"; echo "npm audit: ran; vulnerabilities found (above)"; status=1
else
  tail -3 "$tmp/npm.log"; echo "npm audit: could NOT run (no access to the npm advisory service?); npm packages unchecked"; status=1
fi
exit $status
