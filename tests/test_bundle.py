"""The components' bundled ES modules (widgets/static/dist/) are what scripts/bundle.py makes
from the current sources: a live notebook and the site load the bundle, so an edit to
explorer.js or clinical.js that was not bundled would not reach a learner."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT

DIST = ROOT / "widgets" / "static" / "dist"


def test_committed_bundles_are_current(tmp_path):
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bundle.py"), "--out", str(tmp_path)], check=True, cwd=ROOT
    )
    fresh = {p.name: p.read_text(encoding="utf-8") for p in tmp_path.glob("*.js")}
    committed = {p.name: p.read_text(encoding="utf-8") for p in DIST.glob("*.js")}
    assert "explorer.js" in fresh
    assert sorted(committed) == sorted(fresh), "bundles differ from the entry points: run make bundle"
    stale = [name for name in fresh if committed[name] != fresh[name]]
    assert not stale, f"stale bundles {stale}: run make bundle"


def test_bundle_is_one_module_without_imports():
    # anywidget hands the text to import() as one module: an import left in it cannot resolve.
    text = (DIST / "explorer.js").read_text(encoding="utf-8")
    assert "import " not in "\n".join(line for line in text.splitlines() if line.startswith("import"))
    # minified, so no names: the evaluator (clinical.js) shows by a message key only it uses
    assert '"not_mapping"' in text and "export{" in text and "as default" in text
