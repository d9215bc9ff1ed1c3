"""The explorer live in JupyterLab with a kernel: the learner's typing reaches Python, and a
scenario set from Python reaches the page (what an educator does in class)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT

pytestmark = pytest.mark.browser

CELLS = [
    'from widgets import Explorer\nex = Explorer(preset="V1")\nex',
    'print("LIVE", ex.scenario["labs"]["calcium"]["value"], ex.assessment["derived"]["corrected_calcium"]["mmol/L"])',
    'ex.scenario = {"labs": {"calcium": {"value": 3.1, "unit": "mmol/L"}, "phosphate": {"value": 2.0, "unit": "mmol/L"}}}',
]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab")
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nb.cells = [nbformat.v4.new_code_cell(src) for src in CELLS]
    nbformat.write(nb, root / "live.ipynb")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    jupyter = Path(sys.executable).with_name("jupyter")
    proc = subprocess.Popen(
        [str(jupyter), "lab", "--no-browser", "--allow-root", f"--port={port}", "--ip=127.0.0.1",
         "--IdentityProvider.token=", "--ServerApp.password=", "--LabApp.news_url=None",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{url}/lab", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("JupyterLab did not start")
    yield url
    proc.terminate()
    proc.wait(timeout=20)


def test_explorer_syncs_both_ways_with_a_kernel(browser, lab):
    page = browser.new_page(viewport={"width": 1300, "height": 1000})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{lab}/lab/tree/live.ipynb")
    cells = page.locator(".jp-Notebook .jp-CodeCell")
    cells.first.wait_for(timeout=60_000)
    page.get_by_text("| Idle").first.wait_for(timeout=90_000)  # the kernel is ready

    def run(i):
        cells.nth(i).locator(".jp-InputArea-editor").click()
        page.keyboard.press("Shift+Enter")

    run(0)
    cells.nth(0).locator(".jp-InputPrompt", has_text="[1]").wait_for(timeout=60_000)
    explorer = page.locator(".cx-explorer").first
    explorer.wait_for(timeout=60_000)
    assert explorer.locator(".cx-condition").first.get_attribute("data-id") == "dystrophic"

    explorer.locator('input[name="calcium"]').fill("2.10")  # the learner types
    explorer.locator('input[name="albumin"]').fill("25")
    run(1)
    out = cells.nth(1).locator(".jp-OutputArea-output")
    out.wait_for(timeout=30_000)
    assert out.inner_text().strip() == "LIVE 2.1 2.4"  # Python sees it, and its model agrees

    run(2)  # the educator sets a scenario from Python
    page.wait_for_function(
        "() => document.querySelector('.cx-explorer input[name=calcium]').value === '3.10'", timeout=30_000)
    assert explorer.locator(".cx-condition").first.get_attribute("data-id") == "metastatic"
    assert not errors, errors
    page.close()
