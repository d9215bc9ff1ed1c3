"""The components' state modules (widgets/static/*-state.js) under `node --test`: their
transitions and invariants (tests/js/*-state.test.mjs), run with the rules the Python model has."""

from __future__ import annotations

import json
import os
import re
import subprocess

from test_parity import node_path

from widgets.clinical import rules_json

from conftest import ROOT


def test_state_modules_pass_their_node_tests(tmp_path):
    files = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests" / "js").glob("*-state.test.mjs"))
    assert "tests/js/explorer-state.test.mjs" in files
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps(rules_json()))
    proc = subprocess.run(
        [node_path(), "--no-warnings", "--test", *files],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "CLINICAL_RULES_JSON": str(rules)},
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    passed = int(re.search(r"^# pass (\d+)", proc.stdout, re.M).group(1))
    assert passed >= 22 and "# fail 0" in proc.stdout, proc.stdout[-2000:]
