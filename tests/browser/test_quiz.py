"""The quiz in the built static book (no kernel), as a learner uses it on a phone: answer one
item right and one wrong, read feedback and score, reload and find progress kept, corrupt the
stored progress and find a clean reset with a message; no sideways scrolling at 360 px; axe
finds nothing; bank text shows as text, never as markup."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from test_pages import open_page

PHONE = {"width": 360, "height": 780}
SHOTS = Path("/work/handoff/shots/quiz")
PAGE = "chapters/leg-ulcers.html"  # a Markdown page: the quiz comes from the {quiz} directive


def item(root, item_id):
    return root.locator(f'[data-item="{item_id}"]')


def answer(page, root, item_id, option_text):
    it = item(root, item_id)
    it.get_by_label(option_text, exact=True).check()
    it.get_by_role("button", name="Check answer").click()
    return item(root, item_id)


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=False)


@pytest.mark.browser
def test_answer_right_and_wrong_reload_and_corrupt(browser, base_url):
    problems: list[str] = []
    page = open_page(browser, f"{base_url}/{PAGE}", problems, viewport=PHONE)
    try:
        page.evaluate("localStorage.clear()")
        page.reload()
        root = page.locator(".cq-quiz").first
        root.wait_for()
        score = root.locator(".cq-score")
        assert score.inner_text() == "Score: 0 correct of 0 answered (4 questions)."
        # before committing, no feedback is in the page
        assert root.locator(".cq-feedback").count() == 0
        assert "Best answer" not in root.inner_text()

        first = answer(page, root, "lu-stalled-ulcer", "Reassess the diagnosis and look for another cause")
        assert first.locator(".cq-result").inner_text() == "Correct."
        key_row = first.locator(".cq-option.cq-key")
        assert "Your answer · Best answer" in key_row.inner_text()
        assert "fails to heal with best practice" in key_row.locator(".cq-feedback").inner_text()
        assert first.locator(".cq-feedback").count() == 5  # feedback beside every option
        assert first.locator(".cq-cite a").count() >= 5  # references link to the references page
        assert score.inner_text() == "Score: 1 correct of 1 answered (4 questions)."
        first.scroll_into_view_if_needed()
        shot(page, "01-answered-right-360.png")

        second = answer(page, root, "lu-burden", "They are rare in primary care")
        assert second.locator(".cq-result").inner_text().startswith("Not quite")
        chosen = second.locator(".cq-option.cq-chosen")
        assert "Your answer" in chosen.inner_text() and "Best answer" not in chosen.inner_text()
        assert "resource impact" in second.locator(".cq-option.cq-key").inner_text()
        assert score.inner_text() == "Score: 1 correct of 2 answered (4 questions)."
        second.scroll_into_view_if_needed()
        shot(page, "02-answered-wrong-360.png")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        key = page.evaluate("Object.keys(localStorage).find((k) => k.startsWith('calcinosis-quiz:'))")
        stored = json.loads(page.evaluate("(k) => localStorage.getItem(k)", key))
        assert stored["v"] == 1 and set(stored["answers"]) == {"lu-stalled-ulcer", "lu-burden"}

        page.reload()
        page.wait_for_load_state("networkidle")
        root = page.locator(".cq-quiz").first
        root.wait_for()
        assert root.locator(".cq-score").inner_text() == "Score: 1 correct of 2 answered (4 questions)."
        assert item(root, "lu-burden").locator(".cq-result").inner_text().startswith("Not quite")

        # review the wrong one: only it is shown, ready to answer again
        root.get_by_role("button", name="Review the ones I got wrong (1)").click()
        assert root.locator(".cq-item").count() == 1
        assert item(root, "lu-burden").get_by_role("button", name="Check answer").is_visible()
        root.get_by_role("button", name="Show all questions").click()
        assert root.locator(".cq-item").count() == 4

        # corrupt the stored progress: a clean reset with a message, nothing broken
        page.evaluate(
            """(k) => localStorage.setItem(k, '{"v":1,"answers":{"lu-burden":{"choice":"x"}}')""", key
        )
        page.reload()
        page.wait_for_load_state("networkidle")
        root = page.locator(".cq-quiz").first
        root.wait_for()
        assert "could not be read" in root.locator(".cq-notice").inner_text()
        assert root.locator(".cq-score").inner_text() == "Score: 0 correct of 0 answered (4 questions)."
        root.scroll_into_view_if_needed()
        shot(page, "03-corrupt-reset-360.png")
        # an older version's record resets too
        assert page.evaluate("(k) => localStorage.getItem(k)", key) is None  # the damaged record is gone
        page.evaluate("""(k) => localStorage.setItem(k, '{"v":0,"answers":{}}')""", key)
        page.reload()
        page.wait_for_load_state("networkidle")
        assert "has been reset" in page.locator(".cq-quiz .cq-notice").first.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert problems == []
    finally:
        page.close()


@pytest.mark.browser
def test_keyboard_numeric_matching_and_axe_on_the_self_assessment_page(browser, base_url):
    problems: list[str] = []
    page = open_page(browser, f"{base_url}/chapters/calcium.html", problems, viewport=PHONE)
    try:
        page.evaluate("localStorage.clear()")
        page.reload()
        page.wait_for_load_state("networkidle")
        root = page.locator(".cq-quiz").first
        root.wait_for()
        it = item(root, "ca-corrected-si")
        field = it.get_by_label("Your answer (mmol/L)")
        field.fill("abc")
        it.get_by_role("button", name="Check answer").click()
        assert "is not a number" in it.locator(".cq-msg").inner_text()
        field.fill("2.40")
        field.press("Tab")
        page.keyboard.press("Enter")  # keyboard: Tab to the button, Enter
        assert item(root, "ca-corrected-si").locator(".cq-result").inner_text() == "Correct."
        it.scroll_into_view_if_needed()
        shot(page, "04-numeric-360.png")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert problems == []
        results = Axe().run(
            page, context=".cq-quiz"
        )  # (axe fetches stylesheets' @imports itself: judged apart)
        assert results.violations_count == 0, results.generate_report()
        problems.clear()
    finally:
        page.close()
    page = open_page(browser, f"{base_url}/chapters/calcinosis-cutis.html", problems, viewport=PHONE)
    try:
        page.evaluate("localStorage.clear()")
        page.reload()
        page.wait_for_load_state("networkidle")
        root = page.locator(".cq-quiz").first
        root.wait_for()
        it = item(root, "cc-variant-feature")
        check = it.get_by_role("button", name="Check answer")
        pairs = {
            "Dystrophic calcification": "Damaged tissue, normal calcium and phosphate",
            "Metastatic calcification": "Abnormal calcium or phosphate metabolism",
            "Idiopathic calcification": "Extravasated intravenous calcium",  # wrong on purpose
            "Iatrogenic calcification": "Normal minerals and no tissue damage",  # wrong on purpose
            "Calciphylaxis": "Calcified small vessels with ischaemic necrosis",
        }
        for left, right in pairs.items():
            assert check.is_disabled()
            it.get_by_label(left, exact=True).select_option(label=right)
        check.click()
        it = item(root, "cc-variant-feature")
        assert it.locator(".cq-result").inner_text().startswith("Not quite")
        assert it.locator(".cq-pair.cq-wrong").count() == 2
        assert (
            'it matches "Normal minerals and no tissue damage"'
            in it.locator(".cq-pair.cq-wrong").first.inner_text()
        )
        assert (
            "Your match: Extravasated intravenous calcium"
            in it.locator(".cq-pair.cq-wrong").first.inner_text()
        )
        assert root.locator(".cq-score").inner_text() == "Score: 0 correct of 1 answered (4 questions)."
        it.scroll_into_view_if_needed()
        shot(page, "05-matching-360.png")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert problems == []
    finally:
        page.close()
    page = open_page(browser, f"{base_url}/chapters/self-assessment.html", problems, viewport=PHONE)
    try:
        page.evaluate("localStorage.clear()")
        page.reload()
        page.wait_for_load_state("networkidle")
        assert page.locator(".cq-quiz").count() == 2
        page.locator(".cq-quiz").first.evaluate("el => el.scrollIntoView({block: 'start'})")
        shot(page, "06-self-assessment-360.png")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert problems == []
        results = Axe().run(page)
        assert results.violations_count == 0, results.generate_report()
    finally:
        page.close()


@pytest.mark.browser
def test_bank_text_is_shown_as_text_never_as_markup(browser, base_url):
    problems: list[str] = []
    page = open_page(browser, f"{base_url}/{PAGE}", problems, viewport=PHONE)
    try:
        page.locator(".cq-quiz").first.wait_for()
        hostile = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1"> *emphasis* and Ca^2+^ and H~2~O'
        page.evaluate(
            """async (hostile) => {
            const state = JSON.parse(document.querySelector('script[type="application/vnd.jupyter.widget-state+json"]').textContent).state;
            const entry = Object.values(state).find((e) => e.state._anywidget_id === 'widgets.quiz.Quiz');
            // the module the build wrote once for the site (_ext/components.py), from the site root
            const root = new URL('../', document.querySelector('script[src*="anywidget-loader"]').src);
            const mod = await import(new URL(entry.state._site_module, root).href);
            const items = [{id: 'x1', type: 'sba', chapter: 'calcium', objective: 'o', stem: hostile, question: hostile + '?',
              options: [0,1,2,3,4].map((i) => ({text: hostile + i, correct: i === 0, feedback: hostile, cite: ['young2018']}))}];
            const data = {bank_json: JSON.stringify({items}), quiz_id: 'xss-test', seed: 0, ref_labels: {}, bibliography_url: '', answers: {}};
            const model = {get: (k) => data[k], set: (k, v) => { data[k] = v; }, save_changes() {}, on() {}};
            const el = document.createElement('div'); el.id = 'xss-host'; document.body.append(el);
            mod.default.render({model, el});
        }""",
            hostile,
        )
        host = page.locator("#xss-host")
        host.get_by_label(
            hostile.replace("*emphasis*", "emphasis").replace("Ca^2+^", "Ca2+").replace("H~2~O", "H2O") + "0"
        ).check()
        host.get_by_role("button", name="Check answer").click()
        assert page.evaluate("window.__pwned") is None
        assert host.locator("img, script").count() == 0
        assert "<script>window.__pwned=1</script>" in host.locator(".cq-stem").inner_text()
        assert host.locator(".cq-stem em").inner_text() == "emphasis"
        assert (
            host.locator(".cq-stem sup").inner_text() == "2+"
            and host.locator(".cq-stem sub").inner_text() == "2"
        )
        assert problems == []
    finally:
        page.close()


LIVE_CELLS = [
    'from widgets import Quiz\nq = Quiz(bank="differential", items=["dd-scrotal", "dd-myeloma"])\nq',
    'print("LIVE", q.score["answered"], q.score["correct"], [(r["item"], r["correct"]) for r in q.responses])',
    "q.answers = {}",
]


@pytest.mark.browser
def test_quiz_live_in_jupyterlab_reports_responses_to_python(live_notebook):
    """Live: the learner answers in the page, `q.responses` / `q.score` see it; the educator
    resets from Python and the page follows."""
    nb = live_notebook("live-quiz.ipynb", LIVE_CELLS)
    nb.run(0)
    root = nb.page.locator(".cq-quiz").first
    root.wait_for(timeout=60_000)
    answer(nb.page, root, "dd-scrotal", "Idiopathic calcification")  # right
    answer(nb.page, root, "dd-myeloma", "Dystrophic calcification")  # wrong
    assert root.locator(".cq-score").inner_text().startswith("Score: 1 correct of 2 answered")
    nb.run(1)
    assert nb.output(1) == "LIVE 2 1 [('dd-scrotal', True), ('dd-myeloma', False)]"
    nb.run(2)
    nb.page.wait_for_function(
        "() => document.querySelector('.cq-quiz .cq-score').textContent.startsWith('Score: 0 correct of 0')",
        timeout=30_000,
    )
    assert root.locator(".cq-feedback").count() == 0
    assert not nb.errors, nb.errors
