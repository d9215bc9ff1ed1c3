"""The explorer live in JupyterLab with a kernel: the learner's typing reaches Python, and a
scenario set from Python reaches the page (what an educator does in class)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

CELLS = [
    'from widgets import Explorer\nex = Explorer(preset="V1")\nex',
    'print("LIVE", ex.scenario["labs"]["calcium"]["value"], ex.assessment["derived"]["corrected_calcium"]["mmol/L"])',
    'ex.scenario = {"labs": {"calcium": {"value": 3.1, "unit": "mmol/L"}, "phosphate": {"value": 2.0, "unit": "mmol/L"}}}',
]


def test_explorer_syncs_both_ways_with_a_kernel(live_notebook):
    nb = live_notebook("live-explorer.ipynb", CELLS)
    page = nb.page
    nb.run(0)
    nb.cells.nth(0).locator(".jp-InputPrompt", has_text="[1]").wait_for(timeout=60_000)
    explorer = page.locator(".cx-explorer").first
    explorer.wait_for(timeout=60_000)
    assert explorer.locator(".cx-condition").first.get_attribute("data-id") == "dystrophic"

    explorer.locator('input[name="calcium"]').fill("2.10")  # the learner types
    explorer.locator('input[name="albumin"]').fill("25")
    nb.run(1)
    assert nb.output(1) == "LIVE 2.1 2.4"  # Python sees it, and its model agrees

    nb.run(2)  # the educator sets a scenario from Python
    page.wait_for_function(
        "() => document.querySelector('.cx-explorer input[name=calcium]').value === '3.10'", timeout=30_000
    )
    assert explorer.locator(".cx-condition").first.get_attribute("data-id") == "metastatic"
    assert not nb.errors, nb.errors
