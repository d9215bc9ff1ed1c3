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
    root.locator("select.cx-preset").select_option("")  # your own scenario
    fill(root, "calcium", "2.10")
    fill(root, "albumin", "25")
    derived = root.locator(".cx-derived")
    assert "2.40 mmol/L" in derived.locator("tr", has_text="Corrected calcium").inner_text()
    root.get_by_label("Conventional (mg/dL)").check()
    assert "9.62 mg/dL" in derived.locator("tr", has_text="Corrected calcium").inner_text()
    # the entered values were converted, not reinterpreted: 2.10 mmol/L is 8.42 mg/dL
    assert root.locator('input[name="calcium"]').input_value() == "8.42"
    assert root.locator('input[name="albumin"]').input_value() == "2.50"
    assert "9.62 mg/dL" in root.locator(".cx-bar").inner_text()  # in the bar that stays in view
    assert "consistent" in root.locator(".cx-bar-status").inner_text()  # the headline, announced (aria-live)
    assert not problems, problems


PRESETS = yaml.safe_load((ROOT / "widgets/clinical/data/presets.yaml").read_text())["presets"]


@pytest.mark.parametrize("preset", [p for p in PRESETS if p["taught"]["conditions"]], ids=lambda p: p["id"])
def test_preset_puts_its_taught_condition_on_top(explorer, preset):
    page, root, problems = explorer
    root.locator("select.cx-preset").select_option(preset["id"])
    taught = set(preset["taught"]["conditions"])
    ranked = [
        (li.get_attribute("data-id"), li.locator(".cx-verdict").inner_text())
        for li in root.locator(".cx-condition").all()
    ]
    assert {cid for cid, _ in ranked[: len(taught)]} == taught, ranked
    # the page's whole ranking is the Python model's for the same scenario
    from widgets.clinical import assess

    expected = [(c["id"], c["verdict_label"]) for c in assess(preset["scenario"]).to_dict()["conditions"]]
    assert ranked == expected
    assert not problems, problems


@pytest.mark.parametrize("preset", [p for p in PRESETS if p["taught"]["lookalike"]], ids=lambda p: p["id"])
def test_lookalike_preset_shows_its_lookalike(explorer, preset):
    page, root, problems = explorer
    root.locator("select.cx-preset").select_option(preset["id"])
    shown = [li.get_attribute("data-id") for li in root.locator(".cx-lookalikes > li").all()]
    assert preset["taught"]["lookalike"] in shown, shown
    assert not problems, problems


@pytest.mark.parametrize("garbage", ["abc", "2..1", "-3", "40", "1e999", "2.1 mmol", " "])
def test_bad_input_gets_a_message_at_the_field_and_the_rest_keeps_working(explorer, garbage):
    page, root, problems = explorer
    fill(root, "calcium", garbage)
    error = root.locator(f"#{root.locator('input[name=calcium]').get_attribute('id')}-err")
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
    select = root.locator("select.cx-preset")
    select.focus()
    page.keyboard.press("ArrowDown")  # next preset, chosen by keyboard
    assert select.input_value() != ""
    assert not problems, problems


def test_reference_links_land_on_their_bibliography_entries(explorer, browser, base_url):
    page, root, problems = explorer
    hrefs = set()
    for preset in ("V1", "V3", "V8", "V11", "D1"):
        root.locator("select.cx-preset").select_option(preset)
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
    root.locator("select.cx-preset").select_option("V1")
    kidney = root.locator(".cx-derived tr", has_text="Kidney function")
    assert "G2" in kidney.inner_text()
    root.locator(".cx-labs").get_by_label("On dialysis").select_option("yes")
    assert "G5D" in kidney.inner_text()
    assert not problems, problems


def values(root):
    return {
        name: root.locator(f'input[name="{name}"]').input_value()
        for name in ("calcium", "albumin", "phosphate", "pth", "vitamin_d", "egfr", "warfarin_days")
    }


def switch(root, system):
    root.get_by_label("Conventional (mg/dL)" if system == "conventional" else "SI (mmol/L)").check()


def test_units_there_and_back_give_the_value_entered(explorer):
    page, root, problems = explorer
    switch(root, "conventional")
    fill(root, "calcium", "13.13")
    fill(root, "phosphate", "5.78")
    fill(root, "vitamin_d", "224.67")
    for _ in range(3):
        switch(root, "SI")
        switch(root, "conventional")
    got = values(root)
    assert (got["calcium"], got["phosphate"], got["vitamin_d"]) == ("13.13", "5.78", "224.67")
    assert not problems, problems


def test_a_units_switch_keeps_invalid_text_and_empties_no_field(explorer):
    page, root, problems = explorer
    root.locator("details.cx-findings summary").click()
    fill(root, "warfarin_days", "12")  # typed while "Taking warfarin" is unticked
    fill(root, "albumin", "abc")
    before = values(root)
    switch(root, "conventional")
    after = values(root)
    assert after["albumin"] == "abc" and after["warfarin_days"] == "12"
    assert after["calcium"] != before["calcium"]  # valid entries are converted
    error = root.locator(".cx-error", has_text="Albumin")
    assert "number" in error.inner_text()
    assert not problems, problems


def test_results_are_marked_not_current_while_a_field_is_invalid(explorer):
    page, root, problems = explorer
    for bad in ("abc", "-1", "40"):
        fill(root, "calcium", bad)
        assert "cx-is-stale" in root.get_attribute("class"), bad
        assert "Not current" in root.locator(".cx-stale-note").inner_text()
        assert "Check the highlighted field" in root.locator(".cx-bar-status").inner_text()
    fill(root, "calcium", "2.30")
    assert "cx-is-stale" not in root.get_attribute("class")
    assert root.locator(".cx-stale-note").inner_text() == ""
    assert not problems, problems


def test_a_comma_that_may_be_a_thousands_separator_is_asked_about(explorer):
    page, root, problems = explorer
    switch(root, "conventional")
    fill(root, "pth", "1,250")
    error = root.locator(".cx-error", has_text="PTH").inner_text()
    assert "1250" in error and "1.250" in error, error
    assert "cx-is-stale" in root.get_attribute("class")
    fill(root, "pth", "1250")
    assert "× upper limit" in root.locator(".cx-derived tr", has_text="PTH").inner_text()
    fill(root, "calcium", "9,4")  # a decimal comma that cannot be a thousands separator
    assert root.locator(".cx-error", has_text="calcium").count() == 0
    assert "cx-is-stale" not in root.get_attribute("class")
    assert not problems, problems


def test_examples_in_messages_fit_their_field(explorer):
    page, root, problems = explorer
    root.locator("details.cx-findings summary").click()
    root.locator(".cx-toggles").get_by_label("Taking warfarin", exact=False).first.select_option("yes")
    fill(root, "warfarin_days", "x")
    message = root.locator('[id$="warfarin-days-err"]').inner_text()
    assert "e.g. 4" in message and "2.10" not in message, message
    fill(root, "egfr", "x")
    assert "e.g. 95" in root.locator(".cx-error", has_text="eGFR").inner_text()
    assert not problems, problems


def test_units_are_typeset_one_way(explorer):
    page, root, problems = explorer
    for preset in ("V3", "V8"):
        root.locator("select.cx-preset").select_option(preset)
        text = root.evaluate("e => e.textContent")
        assert "mg2/dL2" not in text and "mmol2/L2" not in text and "1.73m2" not in text
        assert "mg²/dL²" in text
    assert not problems, problems


def test_an_off_scale_point_is_drawn_at_the_edge_with_its_label_inside(explorer):
    page, root, problems = explorer
    root.locator("details.cx-plane-details summary").click()
    fill(root, "calcium", "5.5")
    fill(root, "albumin", "40")
    marker = root.locator(".cx-plane .cx-offscale")
    assert marker.count() == 1
    label = root.locator(".cx-point-group text")
    assert "off scale" in label.text_content()
    svg, box = root.locator(".cx-plane").bounding_box(), label.bounding_box()
    assert svg["x"] <= box["x"] and box["x"] + box["width"] <= svg["x"] + svg["width"] + 0.5
    assert svg["y"] <= box["y"] and box["y"] + box["height"] <= svg["y"] + svg["height"] + 0.5
    assert not problems, problems


def test_skip_link_moves_focus_past_the_explorer(explorer):
    page, root, problems = explorer
    skip = page.locator(".cx-skip").first
    skip.focus()
    assert skip.is_visible()
    page.keyboard.press("Enter")
    focused = page.evaluate("document.activeElement.className")
    assert "cx-end" in focused.split()
    assert "For education" in page.evaluate("document.activeElement.textContent")  # not an empty target
    page.keyboard.press("Tab")
    assert page.evaluate("!document.activeElement.closest('.cx-explorer')")
    assert not problems, problems


def test_print_view_shows_inputs_verdict_and_reasons_without_controls(explorer):
    page, root, problems = explorer
    root.locator("select.cx-preset").select_option("V1")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    page.emulate_media(media="print")
    printed = root.locator(".cx-print")
    assert printed.is_visible()
    assert not root.locator(".cx-inputs").is_visible() and not root.locator("select.cx-preset").is_visible()
    text = printed.inner_text()
    assert "Total calcium" in text and "2.32 mmol/L" in text
    assert "dystrophic calcification" in text.lower() and "Supported" in text
    from widgets.clinical import assess, presets

    v1 = next(p for p in presets() if p["id"] == "V1")
    top = assess(v1["scenario"]).to_dict()["conditions"][0]
    assert top["reasons"][0]["text"] in text  # its reasons, not just the verdict
    printed_notes = root.locator("xpath=..").locator(".cx-edu").filter(visible=True)  # the component
    assert printed_notes.count() == 1, "the education line printed once"
    page.emulate_media(media="screen")
    assert not printed.is_visible()
    assert not problems, problems
