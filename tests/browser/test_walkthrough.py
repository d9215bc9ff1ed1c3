"""The case walk-through in the built static page (no kernel), driven as a learner would:
a wrong turn and then the right path to the ending, the feedback and the differential panel on
the way, progress kept over a reload and a corrupt store reset, 360 px without sideways
scrolling, keyboard only, and axe-core with no violation."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from widgets.cases import find_case, panel_view, scenario_for
from widgets.clinical import assess

from conftest import ROOT
from test_pages import open_page

PAGE = "chapters/cases.html"
CASE = "stalled-venous-ulcer"
SHOTS = ROOT.parent / "handoff" / "shots" / "cases"
pytestmark = pytest.mark.browser


@pytest.fixture
def case_page(browser, base_url):
    problems: list[str] = []
    page = open_page(browser, f"{base_url}/{PAGE}", problems, viewport={"width": 360, "height": 780})
    page.evaluate("localStorage.clear()")
    page.reload()
    page.wait_for_load_state("networkidle")
    root = page.locator(".wt-case").first
    root.wait_for()
    yield page, root, problems
    page.close()


def choose(root, text):
    root.locator(".wt-choice", has_text=text).click()


def commit(root, value):
    root.locator("select[name=working]").select_option(value)
    root.locator(".wt-working button").click()


def no_overflow(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=False)


def test_wrong_path_then_right_path_to_the_debrief(case_page):
    page, root, problems = case_page
    assert "Presentation: Eight months of compression" in root.inner_text()
    assert root.locator(".wt-panel").count() == 0, (
        "the panel is shown before a working diagnosis is committed"
    )
    assert "dystrophic calcification" not in root.locator(".wt-stage").inner_text().lower()

    commit(root, "venous_ulcer")
    panel = root.locator(".wt-panel")
    assert "Your working diagnosis: Venous leg ulcer" in panel.inner_text()
    names = panel.locator(".wt-item-name").all_inner_texts()
    assert names[0] == "Venous leg ulcer" and "Calciphylaxis" not in names
    root.scroll_into_view_if_needed()
    shot(page, "01-presentation-panel-360.png")

    # The wrong turn: more compression. Its feedback explains, and the story goes on to its consequence.
    choose(root, "Continue the same compression")
    fb = root.locator(".wt-feedback")
    assert "Not the best choice" in fb.inner_text() and "send you back to the assessment" in fb.inner_text()
    assert fb.locator("a[href*='references.html#ref-']").count() >= 1
    assert root.locator(".wt-choice[disabled]").count() == 2  # one answer per decision
    fb.scroll_into_view_if_needed()
    shot(page, "02-wrong-turn-feedback-360.png")
    fb.get_by_role("button", name="Continue").click()
    assert "Twelve weeks later" in root.locator(".wt-stage").inner_text()

    # The consequence stage leads on to the right path; Back undoes a step on the way.
    choose(root, "Reassess: fresh history")
    root.locator(".wt-feedback").get_by_role("button", name="Continue").click()
    assert "A fresh history" in root.locator(".wt-stage").inner_text()
    root.get_by_role("button", name="Back").click()
    assert "Twelve weeks later" in root.locator(".wt-stage").inner_text()
    assert root.locator(".wt-feedback").count() == 0
    choose(root, "Reassess: fresh history")
    assert "Better late than never" in root.locator(".wt-feedback").inner_text()
    root.locator(".wt-feedback").get_by_role("button", name="Continue").click()
    choose(root, "Feel the white areas")
    root.locator(".wt-feedback").get_by_role("button", name="Continue").click()
    assert "The wound bed" in root.locator(".wt-stage").inner_text()
    commit(root, "dystrophic")
    assert root.locator(".wt-panel .wt-item-name").first.inner_text() == "Dystrophic calcification"

    # A second wrong turn that leads back: hydrogel on calcium.
    choose(root, "Apply a hydrogel")
    assert "Calcium does not soften" in root.locator(".wt-feedback").inner_text()
    root.locator(".wt-feedback").get_by_role("button", name="Try again").click()
    choose(root, "Request calcium with albumin")
    root.locator(".wt-feedback").get_by_role("button", name="Continue").click()
    assert "2.32 mmol/L" in root.locator(".wt-stage").inner_text()
    commit(root, "dystrophic")
    panel = root.locator(".wt-panel")
    names = panel.locator(".wt-item-name").all_inner_texts()
    assert names[0] == "Dystrophic calcification" and "Metastatic calcification" not in names
    assert "as you did" in panel.inner_text()
    panel.locator("summary").first.click()
    # the reasons are the model's for this learner's path, naming this patient's values
    # (calcium 2.32 mmol/L with albumin 38 g/L corrects to 2.36 mmol/L by Payne)
    case = find_case("stalled-venous-ulcer")
    path = ["presentation", "history", "examination", "investigations"]
    top = panel_view(assess(scenario_for(case, path)).to_dict())["items"][0]
    shown = panel.inner_text()
    assert top["for"] and all(r["text"] in shown for r in top["for"]), shown
    assert "2.36 mmol/L" in shown
    panel.scroll_into_view_if_needed()
    shot(page, "03-investigations-panel-360.png")

    choose(root, "Plan removal of the deposits")
    root.locator(".wt-feedback").get_by_role("button", name="Continue").click()
    root.get_by_role("button", name="Continue").click()  # biopsy -> diagnosis
    choose(root, "Dystrophic calcification in a venous leg ulcer")
    root.locator(".wt-feedback").get_by_role("button", name="Continue").click()
    choose(root, "Resume compression")
    root.locator(".wt-feedback").get_by_role("button", name="Continue").click()

    debrief = root.locator(".wt-debrief")
    text = debrief.inner_text()
    assert "Key learning points" in text and "The diagnosis in this case: Dystrophic calcification" in text
    assert (
        "Continue the same compression" in text and "Not the best choice" in text
    )  # the wrong turn is on the path
    assert "Apply a hydrogel" in text
    assert debrief.locator("a[href*='references.html#ref-']").count() >= 3
    assert root.locator(".wt-panel .wt-item-name").first.inner_text() == "Dystrophic calcification"
    debrief.scroll_into_view_if_needed()
    shot(page, "04-debrief-360.png")
    assert no_overflow(page), "the page scrolls sideways at 360 px"

    # Progress survives a reload; a corrupt store is reset with a message.
    page.reload()
    page.wait_for_load_state("networkidle")
    root = page.locator(".wt-case").first
    assert "Debrief" in root.inner_text()
    page.evaluate(
        f'localStorage.setItem(\'calcinosis-course:case:{CASE}\', \'{{"v":1,"steps":[{{"stage":"nowhere"}}]}}\')'
    )
    page.reload()
    page.wait_for_load_state("networkidle")
    root = page.locator(".wt-case").first
    assert "could not be read" in root.locator(".wt-message").inner_text()
    assert "Eight months of compression" in root.locator(".wt-stage").inner_text()
    assert not problems, problems


def test_keyboard_only(case_page):
    page, root, problems = case_page
    root.locator("select[name=working]").focus()
    page.keyboard.press("Tab")  # the commit button
    page.keyboard.press("Enter")
    assert root.locator(".wt-panel").count() == 1
    root.locator(".wt-choice").nth(1).focus()
    page.keyboard.press("Enter")
    assert "Good choice" in root.locator(".wt-feedback").inner_text()
    assert page.evaluate("document.activeElement.classList.contains('wt-feedback')")
    for _ in range(10):  # past the feedback's reference links to its Continue button
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Continue":
            break
    page.keyboard.press("Enter")
    assert "A fresh history" in root.locator(".wt-stage").inner_text()
    assert not problems, problems


def test_phone_width_and_axe(case_page):
    page, root, problems = case_page
    commit(root, "unsure")
    root.locator(".wt-panel summary").first.click()
    choose(root, "Arrange a deep incisional skin biopsy")
    assert no_overflow(page)
    before_axe = list(problems)  # axe's CSS preload fetches @imports itself (see test_pages)
    results = Axe().run(page)
    violations = [
        f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]
    assert not violations, violations
    assert not before_axe, before_axe


def test_browser_panel_equals_the_tested_python_panel(case_page):
    """The graph tests check the Python panel; the static page computes its own with
    clinical.js. For every stage of every case, by every way a learner can reach it, the
    browser's mergeReveals + assess + panelView give the same ranking, levels and reasons."""
    import json

    from widgets import Walkthrough
    from widgets import cases as wc
    from widgets.clinical import assess, rules_json

    page, _, problems = case_page
    vectors = []
    for case in wc.load_cases().values():
        for sid, visited in wc.panel_states(case):
            reveals = [case["stages"][s].get("reveal") for s in visited]
            view = wc.panel_view(assess(wc.merge_reveals(reveals)).to_dict())
            vectors.append(
                {
                    "where": f"{case['id']}:{sid}:{'/'.join(visited)}",
                    "reveals": reveals,
                    "expect": [
                        [
                            x["id"],
                            x["level"],
                            [r["text"] for r in x["for"]],
                            [r["text"] for r in x["against"]],
                        ]
                        for x in view["items"]
                    ],
                    "summary": view["summary"],
                }
            )
    assert len(vectors) > 50
    got = page.evaluate(
        """async ([esm, clinical, rulesText, vectors]) => {
             const load = (text) => import(URL.createObjectURL(new Blob([text], { type: "text/javascript" })));
             const m = await load(esm);       // the bundled component (scripts/bundle.py)
             const c = await load(clinical);  // the evaluator it bundles, for assess
             const rules = JSON.parse(rulesText);
             return vectors.map((v) => {
               const view = m.panelView(rules, c.assess(rules, m.mergeReveals(v.reveals)));
               return { where: v.where, summary: view.summary,
                        items: view.items.map((x) => [x.id, x.level, x.for.map((r) => r.text), x.against.map((r) => r.text)]) };
             });
           }""",
        [
            Walkthrough._esm,
            (ROOT / "widgets" / "static" / "clinical.js").read_text(encoding="utf-8"),
            json.dumps(rules_json(), ensure_ascii=False),
            vectors,
        ],
    )
    mismatches = [
        (v["where"], v["expect"], g["items"])
        for v, g in zip(vectors, got)
        if v["expect"] != g["items"] or v["summary"] != g["summary"]
    ]
    assert not mismatches, mismatches[:3]
    assert not problems, problems


def test_overlap_case_names_both_before_the_biopsy_and_wisn_after(browser, base_url):
    problems: list[str] = []
    page = open_page(browser, f"{base_url}/{PAGE}", problems, viewport={"width": 360, "height": 780})
    try:
        page.evaluate("localStorage.clear()")
        page.reload()
        page.wait_for_load_state("networkidle")
        root = page.locator(".wt-case", has_text="after warfarin was restarted")
        assert "after warfarin was restarted" in root.locator(".wt-title").inner_text()
        choose(root, "Her medicines")
        root.locator(".wt-feedback").get_by_role("button", name="Continue").click()
        choose(root, "No: both windows fit")
        root.locator(".wt-feedback").get_by_role("button", name="Continue").click()
        choose(root, "Stop warfarin, give vitamin K")
        fb = root.locator(".wt-feedback").inner_text()
        assert "right for both" in fb
        root.locator(".wt-feedback").get_by_role("button", name="Continue").click()
        commit(root, "unsure")
        names = root.locator(".wt-panel .wt-item-name").all_inner_texts()
        assert set(names[:2]) == {"Warfarin-induced skin necrosis", "Calciphylaxis"}, names
        root.locator(".wt-panel").scroll_into_view_if_needed()
        shot(page, "05-overlap-before-biopsy-360.png")
        choose(root, "Yes: a deep incisional biopsy")
        assert "The risk is real" in root.locator(".wt-feedback").inner_text()
        root.locator(".wt-feedback").get_by_role("button", name="Continue").click()
        commit(root, "wisn")
        assert root.locator(".wt-panel .wt-item-name").first.inner_text() == "Warfarin-induced skin necrosis"
        assert "as you did" in root.locator(".wt-panel .wt-compare").inner_text()
        root.locator(".wt-panel").scroll_into_view_if_needed()
        shot(page, "06-overlap-after-biopsy-360.png")
        assert no_overflow(page)
        assert not problems, problems
    finally:
        page.close()


LIVE_CELLS = [
    'from widgets import Walkthrough\nwt = Walkthrough("stalled-venous-ulcer")\nwt',
    'print("LIVE", [s["stage"] for s in wt.steps], wt.panel["items"][0]["id"])',
    'wt.steps = [{"stage": "presentation", "choice": 1}, {"stage": "history", "choice": 0}, {"stage": "examination", "choice": None}]',
]


def test_walkthrough_live_with_a_kernel(live_notebook):
    """In JupyterLab the learner's path reaches Python, and a path set from Python (an educator
    in class) reaches the page."""
    nb = live_notebook("live-walkthrough.ipynb", LIVE_CELLS)
    nb.run(0)
    root = nb.page.locator(".wt-case").first
    root.wait_for(timeout=60_000)
    choose(root, "Reassess: take a fresh history")
    root.locator(".wt-feedback").get_by_role("button", name="Continue").click()
    nb.run(1)
    assert nb.output(1) == "LIVE ['presentation', 'history'] venous_ulcer"
    nb.run(2)
    nb.page.wait_for_function(
        "() => document.querySelector('.wt-stage-title')?.textContent.includes('The wound bed')",
        timeout=30_000,
    )
    assert not nb.errors, nb.errors
