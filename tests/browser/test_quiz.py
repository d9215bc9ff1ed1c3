"""The quiz, Review and My progress in the built static book (no kernel), as a learner uses them
on a 360 px phone: answer with confidence, nothing answering shows before commit, reload, review
the wrong ones (focus on the question), read the same first-attempt score on My progress; stored
progress that parses but does not fit resets only its item; the print view shows questions with
the key (or alone as a worksheet); axe finds nothing; bank text shows as text, never as markup."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from test_pages import MOUNTED, open_page

PHONE = {"width": 360, "height": 780}
SHOTS = Path("/work/wt/shots/quiz")
PAGE = "chapters/leg-ulcers.html"  # a Markdown page: the quiz comes from the {quiz} directive
KEY = "calcinosis-course:progress:v1"


def item(root, item_id):
    return root.locator(f'[data-item="{item_id}"]')


def answer(root, item_id, option_text, sure="Sure"):
    it = item(root, item_id)
    it.get_by_label(option_text, exact=True).check()
    it.get_by_label(sure, exact=True).check()
    it.get_by_role("button", name="Check answer").click()
    return item(root, item_id)


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=False)


def fresh(page):
    page.evaluate("localStorage.clear()")
    page.reload()
    page.wait_for_function(MOUNTED)  # loaded, every component drawn
    root = page.locator(".cq-quiz").first
    root.wait_for()
    return root


def first_score(root):
    return re.search(
        r"First-attempt score: (\d+) of (\d+) answered", root.locator(".cq-score").inner_text()
    ).groups()


@pytest.mark.browser
def test_confidence_reload_review_and_my_progress(browser, base_url):
    problems: list[str] = []
    page = open_page(browser, f"{base_url}/{PAGE}", problems, viewport=PHONE)
    try:
        root = fresh(page)
        assert first_score(root) == ("0", "0")
        assert root.locator(".cq-feedback").count() == 0 and "Best answer" not in root.inner_text()
        # a commit needs a confidence: nothing is recorded without one
        it = item(root, "lu-stalled-ulcer")
        it.get_by_label("Reassess the diagnosis and look for another cause", exact=True).check()
        it.get_by_role("button", name="Check answer").click()
        assert "how sure" in it.locator(".cq-msg").inner_text()
        assert page.evaluate(f"localStorage.getItem('{KEY}')") is None

        right = answer(root, "lu-stalled-ulcer", "Reassess the diagnosis and look for another cause")
        assert right.locator(".cq-result").inner_text().startswith("Correct.")
        assert right.locator(".cq-feedback").count() == 5 and right.locator(".cq-cite a").count() >= 5
        assert right.locator(".cq-teach a").get_attribute("href") == "leg-ulcers.html#when-healing-stalls"
        assert page.evaluate("document.activeElement.className").startswith("cq-result")
        wrong = answer(root, "lu-burden", "They are rare in primary care", sure="Sure")
        assert wrong.locator(".cq-result").inner_text().startswith("Not quite")
        assert first_score(root) == ("1", "2")
        assert (
            "certainty-based mark -3" in root.locator(".cq-score").inner_text()
        )  # +3 sure right, -6 sure wrong
        assert "sure: right 1 of 2" in root.locator(".cq-score").inner_text()
        wrong.scroll_into_view_if_needed()
        shot(page, "01-answered-with-confidence-360.png")

        page.reload()
        page.wait_for_function(MOUNTED)  # loaded, every component drawn
        root = page.locator(".cq-quiz").first
        root.wait_for()
        assert first_score(root) == ("1", "2")
        root.get_by_role("button", name=re.compile(r"Review the ones I got wrong \(1\)")).click()
        assert root.locator(".cq-item").count() == 1
        assert page.evaluate("document.activeElement.className") == "cq-question"  # not an empty node
        again = answer(
            root, "lu-burden", "They take a large share of health-care resources", sure="Fairly sure"
        )
        assert (
            again.locator(".cq-result")
            .inner_text()
            .startswith("Correct. First attempt: wrong; this is attempt 2")
        )
        assert first_score(root) == ("1", "2")  # the first attempt stays the score
        stored = json.loads(page.evaluate(f"localStorage.getItem('{KEY}')"))
        attempts = stored["items"]["foundations/lu-burden"]["attempts"]
        assert [a["correct"] for a in attempts] == [False, True] and attempts[0]["confidence"] == 3

        # Try again: focus lands on the question, and the record is kept
        again.get_by_role("button", name="Try this question again").click()
        assert page.evaluate("document.activeElement.textContent").startswith("Which finding did Posnett")
        assert (
            len(
                json.loads(page.evaluate(f"localStorage.getItem('{KEY}')"))["items"]["foundations/lu-burden"][
                    "attempts"
                ]
            )
            == 2
        )

        # an item met days ago and answered wrong is due on the Review page
        page.evaluate(
            """(key) => { const p = JSON.parse(localStorage.getItem(key));
            p.items['foundations/lu-abpi-calcified'] = {attempts: [{t: Date.now() - 3 * 864e5, choice: 2,
              correct: false, confidence: 2, dt: 30}]};
            localStorage.setItem(key, JSON.stringify(p)); }""",
            KEY,
        )
        page.goto(f"{base_url}/chapters/progress.html")
        page.wait_for_function(MOUNTED)  # loaded, every component drawn
        prog = page.locator(".cq-progress-page")
        prog.wait_for()
        assert prog.locator(".cq-score").get_attribute("data-first-attempt") == "1/3"
        assert "First-attempt score: 1 of 3 answered" in prog.inner_text()
        assert "Sure" in prog.inner_text() and "What did you learn from it?" in prog.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        prog.evaluate("el => el.scrollIntoView({block: 'start'})")
        shot(page, "02-my-progress-360.png")
        assert problems == []
        ax = Axe().run(page, context=".cq-progress-page")  # (axe fetches stylesheets' @imports itself)
        assert ax.violations_count == 0, ax.generate_report()
        problems.clear()

        page.goto(f"{base_url}/chapters/review.html")
        page.wait_for_function(MOUNTED)  # loaded, every component drawn
        rev = page.locator(".cq-review-page")
        rev.wait_for()
        assert rev.locator(".cq-item").count() >= 1
        assert rev.locator(".cq-item").first.get_attribute("data-item") == "lu-abpi-calcified"
        assert rev.locator(".cq-feedback").count() == 0  # due items come back unanswered
        rev.evaluate("el => el.scrollIntoView({block: 'start'})")
        shot(page, "03-review-360.png")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert problems == []
        ax = Axe().run(page, context=".cq-review-page")
        assert ax.violations_count == 0, ax.generate_report()
    finally:
        page.close()


CORRUPT = {
    # item -> a stored record that parses but does not fit the item
    "foundations/lu-stalled-ulcer": [{"t": 1, "choice": 99, "correct": True, "confidence": 3}],
    "foundations/lu-rare-causes": [{"t": 1, "choice": 3, "correct": True, "confidence": 2}],
    "foundations/mt-red-flag-actions": [{"t": 1, "choice": None, "correct": True, "confidence": 2}],
    "foundations/ca-corrected-si": [{"t": 1, "choice": "2.40", "correct": True, "confidence": 2}],
}


@pytest.mark.browser
@pytest.mark.parametrize("key", sorted(CORRUPT))
def test_corrupt_stored_answer_resets_that_item_alone(browser, base_url, key):
    page_name = "calcium" if "ca-" in key else "leg-ulcers"
    problems: list[str] = []
    page = open_page(browser, f"{base_url}/chapters/{page_name}.html", problems, viewport=PHONE)
    try:
        keep = "foundations/lu-burden" if page_name == "leg-ulcers" else "foundations/ca-which-range"
        keep_choice = 0 if page_name == "leg-ulcers" else 2
        store = {
            "version": 1,
            "items": {
                key: {"attempts": CORRUPT[key]},
                keep: {"attempts": [{"t": 1, "choice": keep_choice, "confidence": 2}]},
            },
            "cases": {},
        }
        page.evaluate("([k, v]) => localStorage.setItem(k, v)", [KEY, json.dumps(store)])
        page.reload()
        page.wait_for_function(MOUNTED)  # loaded, every component drawn
        root = page.locator(".cq-quiz").first
        root.wait_for()
        assert "did not fit the question and has been reset" in root.locator(".cq-notice").inner_text()
        item_id = key.split("/")[1]
        assert item(root, item_id).locator(".cq-check").count() == 1  # usable again
        assert item(root, keep.split("/")[1]).locator(".cq-result").inner_text().startswith("Correct.")
        assert first_score(root) == ("1", "1")  # a stored "correct: true" is never trusted
        stored = json.loads(page.evaluate(f"localStorage.getItem('{KEY}')"))
        assert (
            stored["items"][key]["attempts"] == []
            and stored["items"][key]["reset"]["dropped"] == CORRUPT[key]
        )
        assert len(stored["items"][keep]["attempts"]) == 1
        assert problems == []
    finally:
        page.close()


@pytest.mark.browser
def test_print_view_shows_questions_with_key_or_as_worksheet(browser, base_url):
    problems: list[str] = []
    page = open_page(browser, f"{base_url}/{PAGE}", problems)
    try:
        root = fresh(page)
        answer(root, "lu-burden", "They are rare in primary care", sure="Not sure")
        page.evaluate("window.print = () => {}")
        root.get_by_role("button", name="Print with answers").click()
        page.emulate_media(media="print")
        printed = page.locator(".ui-print").first
        assert printed.is_visible()
        text = printed.inner_text()
        assert "Which finding did Posnett et al report" in text and "Best answer" in text
        assert "Your answer" in text and "resource impact" in text
        assert text.count("Question ") >= 10  # every question, answered or not
        page.emulate_media(media="screen")
        root.get_by_role("button", name="Print as a worksheet").click()
        page.emulate_media(media="print")
        text = page.locator(".ui-print").first.inner_text()
        assert "Which finding did Posnett et al report" in text and "Best answer" not in text
        assert "resource impact" not in text
        assert problems == []
    finally:
        page.close()


@pytest.mark.browser
def test_keyboard_numeric_matching_and_axe(browser, base_url):
    problems: list[str] = []
    page = open_page(browser, f"{base_url}/chapters/calcium.html", problems, viewport=PHONE)
    try:
        root = fresh(page)
        it = item(root, "ca-corrected-si")
        field = it.get_by_label("Your answer (mmol/L)")
        field.fill("abc")
        it.get_by_label("Fairly sure", exact=True).check()
        it.get_by_role("button", name="Check answer").click()
        assert "is not a number" in it.locator(".cq-msg").inner_text()
        field.fill("2.40")
        it.get_by_role("button", name="Check answer").focus()
        page.keyboard.press("Enter")
        assert item(root, "ca-corrected-si").locator(".cq-result").inner_text().startswith("Correct.")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert problems == []
        results = Axe().run(page, context=".cq-quiz")
        assert results.violations_count == 0, results.generate_report()
        problems.clear()
    finally:
        page.close()
    page = open_page(browser, f"{base_url}/chapters/calcinosis-cutis.html", problems, viewport=PHONE)
    try:
        root = fresh(page)
        it = item(root, "cc-variant-feature")
        pairs = {
            "Dystrophic calcification": "Damaged tissue, normal calcium and phosphate",
            "Metastatic calcification": "Abnormal calcium or phosphate metabolism",
            "Idiopathic calcification": "Microthrombi in fat early in warfarin treatment",  # a spare
            "Iatrogenic calcification": "Extravasated intravenous calcium",
            "Calciphylaxis": "Calcified small vessels with ischaemic necrosis",
        }
        for left, right in pairs.items():
            it.get_by_label(left, exact=True).select_option(label=right)
        it.get_by_label("Sure", exact=True).check()
        it.get_by_role("button", name="Check answer").click()
        it = item(root, "cc-variant-feature")
        assert it.locator(".cq-result").inner_text().startswith("Partly right (80 %")
        assert it.locator(".cq-pair.cq-wrong").count() == 1
        assert "Your match: Microthrombi in fat" in it.locator(".cq-pair.cq-wrong").inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert problems == []
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
            const root = new URL('../', document.querySelector('script[src*="anywidget-loader"]').src);
            const mod = await import(new URL(entry.state._site_module, root).href);
            const items = [{bank: 'x', id: 'x1', type: 'sba', chapter: 'calcium', objective: 'o', stem: hostile, question: hostile + '?',
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
        host.get_by_label("Sure", exact=True).check()
        host.get_by_role("button", name="Check answer").click()
        assert page.evaluate("window.__pwned") is None
        assert host.locator(".cq-quiz img, .cq-quiz script").count() == 0
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
]


@pytest.mark.browser
def test_quiz_live_in_jupyterlab_reports_responses_to_python(live_notebook):
    """Live: the learner answers in the page, `q.responses` / `q.score` see it."""
    nb = live_notebook("live-quiz.ipynb", LIVE_CELLS)
    nb.run(0)
    root = nb.page.locator(".cq-quiz").first
    root.wait_for(timeout=60_000)
    answer(root, "dd-scrotal", "Idiopathic calcification")  # right
    answer(root, "dd-myeloma", "Dystrophic calcification")  # wrong
    assert first_score(root)[0] == "1"
    nb.run(1)
    assert nb.output(1) == "LIVE 2 1 [('dd-scrotal', True), ('dd-myeloma', False)]"
    assert not nb.errors, nb.errors


@pytest.mark.browser
def test_my_progress_saves_and_loads_progress_as_a_file(browser, base_url, tmp_path):
    problems: list[str] = []
    page = open_page(browser, f"{base_url}/{PAGE}", problems, viewport=PHONE)
    try:
        root = fresh(page)
        answer(root, "lu-burden", "They are rare in primary care", sure="Sure")  # wrong
        answer(root, "lu-stalled-ulcer", "Reassess the diagnosis and look for another cause")  # right
        page.goto(f"{base_url}/chapters/progress.html")
        page.wait_for_function(MOUNTED)  # loaded, every component drawn
        prog = page.locator(".cq-progress-page")
        prog.wait_for()
        prog.get_by_label("What did you learn from it?").fill("Red flags come first.")
        prog.get_by_label("What did you learn from it?").blur()
        with page.expect_download() as info:
            prog.get_by_role("button", name="Save my progress to a file").click()
        saved = tmp_path / "progress.json"
        info.value.save_as(saved)
        data = json.loads(saved.read_text(encoding="utf-8"))
        assert data["version"] == 1 and len(data["items"]["foundations/lu-burden"]["attempts"]) == 1
        assert data["reflection"]["learned"] == "Red flags come first."

        page.evaluate("localStorage.clear()")  # another device
        page.reload()
        page.wait_for_function(MOUNTED)  # loaded, every component drawn
        prog = page.locator(".cq-progress-page")
        assert prog.locator(".cq-score").get_attribute("data-first-attempt") == "0/0"
        prog.locator("input[type=file]").set_input_files(str(saved))
        page.wait_for_function(
            "() => document.querySelector('.cq-progress-page .cq-score').dataset.firstAttempt === '1/2'"
        )
        assert "Loaded: 2 question(s)" in prog.locator(".cq-notice").inner_text()
        assert prog.get_by_label("What did you learn from it?").input_value() == "Red flags come first."
        bad = tmp_path / "bad.json"
        bad.write_text("not a progress file", encoding="utf-8")
        prog.locator("input[type=file]").set_input_files(str(bad))
        page.wait_for_function(
            "() => document.querySelector('.cq-progress-page .cq-notice').textContent.startsWith('Not loaded')"
        )
        assert prog.locator(".cq-score").get_attribute("data-first-attempt") == "1/2"  # nothing lost
        assert problems == []
    finally:
        page.close()
