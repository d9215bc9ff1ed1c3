"""Practice mode on the teaching pages: neutral case names, and no case's answer on the page
until the learner commits one (or asks for it)."""

from __future__ import annotations

import re

import pytest
import yaml

from conftest import ROOT
from test_pages import open_page

pytestmark = pytest.mark.browser

PRESETS = {
    p["id"]: p for p in yaml.safe_load((ROOT / "widgets/clinical/data/presets.yaml").read_text())["presets"]
}
CONDITIONS = {
    c["id"]: c["name"]
    for c in yaml.safe_load((ROOT / "widgets/clinical/data/conditions.yaml").read_text())["conditions"]
}
PAGES = {
    "dystrophic": "V1",
    "metastatic": "V3",
    "idiopathic": "V6",
    "iatrogenic": "V7",
    "calciphylaxis": "V8",
    "wisn": "V11",
    "differential": "D1",
}

# Everything a screen reader or a curious learner can read in the explorer (hidden parts
# included): text, aria-labels, titles, ids, alt texts, values and data attributes; less the
# answer choices, which list every condition by design, and the input vocabulary's labels,
# which are the same for every case.
EXPLORER_TEXT = """root => {
    const copy = root.cloneNode(true);
    copy.querySelectorAll('select.cx-answer, .cx-check > label').forEach(s => s.remove());
    const attrs = [];
    for (const el of copy.querySelectorAll('*'))
        for (const a of ['aria-label', 'title', 'id', 'alt', 'value', 'data-id', 'name'])
            if (el.hasAttribute(a)) attrs.push(el.getAttribute(a));
    return copy.textContent + ' ' + attrs.join(' ');
}"""
VIGNETTE_ID = re.compile(r"\b(V\d{1,2}|VX|D\d)\b")


def taught_names(preset_id):
    from widgets.clinical import rules_json

    taught = PRESETS[preset_id]["taught"]
    lookalikes = {la["id"]: la["name"] for la in rules_json()["lookalikes"]}
    return [CONDITIONS[c] for c in taught["conditions"]] + (
        [lookalikes[taught["lookalike"]]] if taught["lookalike"] else []
    )


def verdict_words():
    # the headline's wording for a ranked condition ("strongly consistent with", ...)
    from widgets.clinical import rules_json

    return [v["phrase"] for v in rules_json()["verdicts"] if v["phrase"] != "consistent with"]


def without_vocabulary(text):
    # the inputs' own labels and ids ("Vasculitis" under Histology, "cx1-histology-vasculitis")
    # are the same for every case: a recorded finding is the case's data, not its answer
    from widgets.clinical import rules_json

    for item in rules_json()["vocabulary"]["items"]:
        text = re.sub(rf"\S*{item['group']}[.-]{item['id']}\S*", " ", text).replace(item["label"], " ")
    return text


def nothing_given_away(root, preset):
    text = without_vocabulary(root.evaluate(EXPLORER_TEXT))
    for word in taught_names(preset) + verdict_words():
        assert word.lower() not in text.lower(), f"{word!r} shown before the learner answered"
    assert not VIGNETTE_ID.search(text), f"vignette id {VIGNETTE_ID.search(text).group(0)!r} in the explorer"
    assert root.locator(".cx-condition, .cx-verdict, .cx-summary, .cx-lookalikes").count() == 0


@pytest.mark.parametrize("name, preset", PAGES.items())
def test_no_answer_before_the_learner_commits(browser, base_url, name, preset):
    problems: list[str] = []
    page = open_page(
        browser, f"{base_url}/chapters/{name}.html", problems, viewport={"width": 390, "height": 844}
    )
    root = page.locator(".cx-explorer").first
    root.wait_for()
    try:
        case = root.locator("select.cx-preset")
        assert case.input_value() == ""  # a neutral start, not the chapter's own case
        assert all(
            v.strip() == "" for v in root.locator(".cx-labs input").evaluate_all("n => n.map(i => i.value)")
        )
        options = " ".join(case.locator("option").all_inner_texts())
        assert not any(p["title"] in options for p in PRESETS.values())  # no diagnostic preset names
        nothing_given_away(root, preset)

        case.select_option(label=PRESETS[preset]["case"])  # the chapter's case, chosen by the learner
        nothing_given_away(root, preset)
        if name == "differential":
            body = page.evaluate("document.body.innerText")
            assert "Answer:" not in body  # the case's written answer waits in a closed dropdown

        root.locator("select.cx-answer").select_option("dystrophic" if preset != "V1" else "metastatic")
        root.get_by_role("button", name="Check my answer").click()
        assert "Not quite" in root.locator(".cx-feedback").inner_text()
        after = root.evaluate(EXPLORER_TEXT)
        assert any(word in after for word in taught_names(preset))
        assert root.locator(".cx-condition").count() == 6
        if name == "differential":
            page.get_by_text("Show the answer").click()
            assert "Answer: pyoderma gangrenosum" in page.evaluate("document.body.innerText")
        assert not problems, problems
    finally:
        page.close()


def test_no_case_of_the_list_is_given_away_before_commit(browser, base_url):
    # every case the practice list offers, on one page: band labels, tooltips and ids included
    problems: list[str] = []
    page = open_page(browser, f"{base_url}/chapters/calciphylaxis.html", problems)
    root = page.locator(".cx-explorer").first
    root.wait_for()
    try:
        cases = [p for p in PRESETS.values() if p.get("case")]
        for p in cases:
            root.locator("select.cx-preset").select_option(label=p["case"])
            nothing_given_away(root, p["id"])
        assert not problems, problems
    finally:
        page.close()


def test_the_answer_hides_again_for_the_next_case(browser, base_url):
    problems: list[str] = []
    page = open_page(browser, f"{base_url}/chapters/differential.html", problems)
    root = page.locator(".cx-explorer").first
    root.wait_for()
    root.locator("select.cx-preset").select_option(label=PRESETS["D1"]["case"])
    root.locator("select.cx-answer").select_option("unsure")
    root.get_by_role("button", name="Check my answer").click()
    assert root.locator(".cx-condition").count() == 6
    root.locator("select.cx-preset").select_option(label=PRESETS["V8"]["case"])
    assert root.locator(".cx-condition").count() == 0
    assert "Calciphylaxis" not in root.evaluate(EXPLORER_TEXT)
    assert "Commit an answer" in root.locator(".cx-bar-status").inner_text()
    root.locator("select.cx-answer").select_option("calciphylaxis")
    root.get_by_role("button", name="Check my answer").click()
    assert root.locator(".cx-feedback").inner_text().startswith("Yes")
    assert root.locator(".cx-condition").first.get_attribute("data-id") == "calciphylaxis"
    assert not problems, problems
    page.close()


def test_the_calcium_chapter_stays_open(browser, base_url):
    problems: list[str] = []
    page = open_page(browser, f"{base_url}/chapters/calcium-explorer.html", problems)
    root = page.locator(".cx-explorer").first
    root.wait_for()
    assert root.locator("select.cx-answer").count() == 0
    assert root.locator(".cx-condition").count() == 6
    assert not problems, problems
    page.close()
