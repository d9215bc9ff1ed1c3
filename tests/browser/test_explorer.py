"""The explorer in the built static page (no kernel), driven as a learner would."""

from __future__ import annotations

import pytest
import yaml

from conftest import ROOT
from test_pages import open_page

PAGE = "chapters/calcium-explorer.html"
pytestmark = pytest.mark.browser


@pytest.fixture
def explorer(browser, base_url):
    problems: list[str] = []
    page = open_page(browser, f"{base_url}/{PAGE}", problems)
    root = page.locator(".cx-explorer").first
    root.wait_for()
    yield page, root, problems
    page.close()


def fill(root, name, text):
    field = root.locator(f'input[name="{name}"]')
    field.fill(text)  # fires input events, as typing does


def test_corrected_calcium_worked_example_and_unit_switch(explorer):
    page, root, problems = explorer
    root.locator("select").select_option("")  # your own scenario
    fill(root, "calcium", "2.10")
    fill(root, "albumin", "25")
    derived = root.locator(".cx-derived")
    assert "2.40 mmol/L" in derived.locator("tr", has_text="Corrected calcium").inner_text()
    root.get_by_label("Conventional (mg/dL)").check()
    assert "9.62 mg/dL" in derived.locator("tr", has_text="Corrected calcium").inner_text()
    # the entered values were converted, not reinterpreted: 2.10 mmol/L is 8.42 mg/dL
    assert root.locator('input[name="calcium"]').input_value() == "8.42"
    assert root.locator('input[name="albumin"]').input_value() == "2.50"
    assert "9.62 mg/dL" in root.locator(".cx-status").inner_text()  # announced (aria-live)
    assert not problems, problems


PRESETS = yaml.safe_load((ROOT / "widgets/clinical/data/presets.yaml").read_text())["presets"]


@pytest.mark.parametrize(
    "preset", [p for p in PRESETS if p["taught"]["conditions"]], ids=lambda p: p["id"]
)
def test_preset_puts_its_taught_condition_on_top(explorer, preset):
    page, root, problems = explorer
    root.locator("select").select_option(preset["id"])
    taught = set(preset["taught"]["conditions"])
    ranked = [(li.get_attribute("data-id"), li.locator(".cx-verdict").inner_text())
              for li in root.locator(".cx-condition").all()]
    assert {cid for cid, _ in ranked[: len(taught)]} == taught, ranked
    # the page's whole ranking is the Python model's for the same scenario
    from widgets.clinical import assess

    expected = [(c["id"], c["verdict_label"]) for c in assess(preset["scenario"]).to_dict()["conditions"]]
    assert ranked == expected
    assert not problems, problems


@pytest.mark.parametrize("preset", [p for p in PRESETS if p["taught"]["lookalike"]], ids=lambda p: p["id"])
def test_lookalike_preset_shows_its_lookalike(explorer, preset):
    page, root, problems = explorer
    root.locator("select").select_option(preset["id"])
    shown = [li.get_attribute("data-id") for li in root.locator(".cx-lookalikes > li").all()]
    assert preset["taught"]["lookalike"] in shown, shown
    assert not problems, problems


@pytest.mark.parametrize("garbage", ["abc", "2..1", "-3", "40", "1e999", "2.1 mmol", " "])
def test_bad_input_gets_a_message_at_the_field_and_the_rest_keeps_working(explorer, garbage):
    page, root, problems = explorer
    fill(root, "calcium", garbage)
    error = root.locator(f'#{root.locator("input[name=calcium]").get_attribute("id")}-err')
    if garbage.strip():
        assert "calcium" in error.inner_text().lower()
        assert root.locator('input[name="calcium"]').get_attribute("aria-invalid") == "true"
    else:  # an empty field is a missing value, not an error
        assert error.inner_text() == ""
    fill(root, "calcium", "2.30")
    assert error.inner_text() == ""
    assert root.locator(".cx-condition").count() == 6
    assert not problems, problems


def test_keyboard_only(explorer):
    page, root, problems = explorer
    field = root.locator('input[name="phosphate"]')
    field.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("2.45")
    page.keyboard.press("Tab")
    assert "2.45" in root.locator(".cx-derived").inner_text()
    select = root.locator("select")
    select.focus()
    page.keyboard.press("ArrowDown")  # next preset, chosen by keyboard
    assert select.input_value() != ""
    assert not problems, problems


def test_reference_links_land_on_their_bibliography_entries(explorer, browser, base_url):
    page, root, problems = explorer
    hrefs = set()
    for preset in ("V1", "V3", "V8", "V11", "D1"):
        root.locator("select").select_option(preset)
        hrefs.update(a.get_attribute("href") for a in root.locator(".cx-refs a").all())
    assert hrefs
    refs = browser.new_page()
    refs.goto(f"{base_url}/chapters/references.html")
    ids = set(refs.eval_on_selector_all("[id]", "els => els.map(e => e.id)"))
    refs.close()
    broken = sorted(h for h in hrefs if not h.startswith("references.html#") or h.split("#", 1)[1] not in ids)
    assert not broken, broken


def test_dialysis_beside_egfr_sets_g5d(explorer):
    page, root, problems = explorer
    root.locator("select").select_option("V1")
    kidney = root.locator(".cx-derived tr", has_text="Kidney function")
    assert "G2" in kidney.inner_text()
    root.locator(".cx-labs").get_by_label("On dialysis").check()
    assert "G5D" in kidney.inner_text()
    assert not problems, problems
