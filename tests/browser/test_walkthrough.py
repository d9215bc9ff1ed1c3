"""The case walk-through in the built static page (no kernel), driven as a learner would: at
each stage they commit (a ranked differential, a confidence and the decision) before anything
that answers is shown; a harmful path reaches its own ending and debrief; the first commitment
is kept over Back and a reload; the run lands in the shared progress store; 360 px without
sideways scrolling, keyboard only, print, axe-core with no violation in light and dark."""

from __future__ import annotations

import json

import pytest
from axe_playwright_python.sync_playwright import Axe

from conftest import ROOT
from test_pages import MOUNTED, open_page

PAGE = "chapters/cases.html"
SHOTS = ROOT.parent / "shots" / "cases"  # /work/wt/shots/cases from a worktree
pytestmark = pytest.mark.browser


def case_root(page, title):
    root = page.locator(".wt-case", has_text=title).first
    root.wait_for()
    return root


@pytest.fixture
def fresh_page(browser, base_url):
    problems: list[str] = []
    page = open_page(browser, f"{base_url}/{PAGE}", problems, viewport={"width": 360, "height": 780})
    page.evaluate("localStorage.clear()")
    page.reload()
    page.wait_for_function(MOUNTED)  # loaded, every component drawn
    page.locator(".wt-case").first.wait_for()
    yield page, problems
    page.close()


def answers_shown(root):
    """Anything that would answer: the ranked panel, feedback, the think-aloud, the SBAR."""
    return {
        sel: root.locator(sel).count() for sel in (".wt-panel", ".wt-ranking", ".wt-feedback", ".wt-think")
    }


def commit(root, choice=None, ddx=("venous_ulcer",), confidence="unsure"):
    if choice is not None:
        root.locator(".wt-decision label", has_text=choice).click()
    for i, d in enumerate(ddx):
        root.locator(".wt-ddx select").nth(i).select_option(d)
    root.locator(".wt-confidence label", has_text=confidence).click()
    root.get_by_role("button", name="Commit").click()


def go_on(root):
    root.locator(".wt-continue").click()


def stage_title(root):
    return root.locator(".wt-stage-title").inner_text()


def no_overflow(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=False)


def axe_violations(page):
    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]


def test_no_ranked_panel_before_the_first_commitment_at_a_stage(fresh_page):
    page, problems = fresh_page
    root = case_root(page, "A venous leg ulcer that stopped healing")
    for choice in ("Reassess: fresh history", "Feel the white areas", "Calcium with albumin"):
        assert answers_shown(root) == {".wt-panel": 0, ".wt-ranking": 0, ".wt-feedback": 0, ".wt-think": 0}
        story = " ".join(root.locator(".wt-stage > p, .wt-decision").all_inner_texts()).lower()
        assert "dystrophic" not in story and "calcinosis" not in story
        commit(root, choice, ddx=("venous_ulcer", "dystrophic"))
        assert root.locator(".wt-panel .wt-ranking").count() == 1
        assert root.locator(".wt-feedback").count() == 1 and root.locator(".wt-think").count() == 1
        # focus lands on the panel heading (tabindex=-1), never on body
        page.wait_for_function("document.activeElement?.classList.contains('wt-panel-heading')")
        go_on(root)
    # a commitment needs a differential (carried over from the last one, theirs to change), a
    # confidence and the decision: nothing is shown without them
    assert root.locator(".wt-ddx select").first.input_value() == "venous_ulcer"
    root.get_by_role("button", name="Commit").click()
    assert root.locator(".wt-error").inner_text() == "Say how confident you are."
    assert root.locator(".wt-panel").count() == 0
    assert not problems, problems


def test_a_harmful_path_reaches_its_own_ending_and_debrief(fresh_page):
    page, problems = fresh_page
    root = case_root(page, "Painful thighs on haemodialysis")
    commit(root, "Examine the thighs now", ddx=("calciphylaxis",))
    go_on(root)
    commit(root, "Sharp-debride the dark and dead tissue", ddx=("calciphylaxis",))
    assert "This could harm the patient" in root.locator(".wt-feedback").inner_text()
    go_on(root)
    assert "Three days later" in stage_title(root)
    assert "extended beyond" in root.locator(".wt-stage").inner_text()
    commit(root, ddx=("calciphylaxis",))
    go_on(root)
    for choice in (
        "They neither confirm nor rule it out",
        "Treat as possible sepsis now",
        "A deep incisional biopsy from a plaque edge",
    ):
        commit(root, choice, ddx=("calciphylaxis",))
        go_on(root)
    commit(root, ddx=("calciphylaxis",))  # the histology
    go_on(root)
    commit(root, "Calciphylaxis", ddx=("calciphylaxis", "wisn"))
    go_on(root)
    commit(root, "Stop warfarin and calcium", ddx=("calciphylaxis",), confidence="confident")
    go_on(root)
    debrief = root.locator(".wt-debrief")
    assert "Debrief: The patient was harmed" in debrief.inner_text()
    assert "Bedside sharp debridement of calciphylaxis plaques extended the necrosis" in debrief.inner_text()
    page.wait_for_function("document.activeElement?.classList.contains('wt-debrief-heading')")
    root.locator(".wt-debrief-heading").evaluate(
        "(n) => { n.scrollIntoView({ block: 'start' }); window.scrollBy(0, -64); }"
    )
    shot(page, "04-harmful-path-debrief-360.png")
    path = root.locator(".wt-path").inner_text()
    assert "You chose: Sharp-debride the dark and dead tissue" in path
    assert "The expert would have chosen: Non-adherent dressings" in path
    assert "Harmful choices made: 1" in root.locator(".wt-score").inner_text()
    # the run is in the shared progress store, in the contract's shape
    store = json.loads(page.evaluate("localStorage.getItem('calcinosis-course:progress:v1')"))
    (run,) = store["cases"]["dialysis-thigh-pain"]["runs"]
    assert run["ending"] == "outcome-extended" and run["safety"] == {"harmful": 1}
    assert {"stage", "first", "later", "confidence", "correct"} <= set(run["stages"][0])
    # the print view carries the path, each decision's feedback and the debrief
    page.emulate_media(media="print")
    printed = page.locator(".ui-print", has_text="Painful thighs on haemodialysis").inner_text()
    assert "You chose: Sharp-debride" in printed and "Debrief" in printed
    page.emulate_media(media="screen")
    assert no_overflow(page)
    assert not problems, problems


def test_the_good_path_reaches_a_different_ending(fresh_page):
    page, problems = fresh_page
    root = case_root(page, "A swollen cannula site in intensive care")
    steps = [
        "Stop, aspirate through the cannula",
        "Finish treating the potassium",
        "Calcium with albumin, phosphate",
        None,
        "Iatrogenic calcification",
        "Wound care and pain relief",
    ]
    for choice in steps:
        commit(root, choice, ddx=("iatrogenic",), confidence="fairly sure")
        go_on(root)
    assert "Debrief: The patient did well" in root.locator(".wt-debrief").inner_text()
    assert "Decisions right first time: 5 of 5" in root.locator(".wt-score").inner_text()
    assert not problems, problems


def test_first_commitment_is_kept_over_back_and_reload(fresh_page):
    page, problems = fresh_page
    root = case_root(page, "A venous leg ulcer that stopped healing")
    commit(root, "Arrange a deep incisional skin biopsy", ddx=("calciphylaxis",))
    assert "Not the best choice" in root.locator(".wt-feedback").inner_text()
    root.get_by_role("button", name="Back").click()
    assert root.locator(".wt-panel").count() == 0
    page.wait_for_function("document.activeElement?.classList.contains('wt-stage-title')")
    root.locator(".wt-ddx select").nth(0).select_option("venous_ulcer")
    commit(root, "Reassess: fresh history", ddx=())
    page.reload()
    page.wait_for_function(MOUNTED)  # loaded, every component drawn
    root = case_root(page, "A venous leg ulcer that stopped healing")
    assert "Good choice" in root.locator(".wt-feedback").inner_text(), "progress kept over a reload"
    saved = json.loads(page.evaluate("localStorage.getItem('calcinosis-course:case:stalled-venous-ulcer')"))
    rec = saved["record"]["presentation"]
    assert rec["first"]["ddx"] == ["calciphylaxis"] and rec["later"][0]["ddx"] == ["venous_ulcer"]
    # a record that no longer fits the case resets alone, with a message; the path is kept
    saved["record"]["nope"] = {"first": {}, "later": []}
    page.evaluate(
        "(v) => localStorage.setItem('calcinosis-course:case:stalled-venous-ulcer', v)", json.dumps(saved)
    )
    page.reload()
    page.wait_for_function(MOUNTED)  # loaded, every component drawn
    root = case_root(page, "A venous leg ulcer that stopped healing")
    assert "some of your recorded answers reset" in root.locator(".wt-message").inner_text()
    assert root.locator(".wt-feedback").count() == 1
    assert not problems, problems


def test_option_order_is_per_learner_and_not_by_grade(fresh_page):
    page, problems = fresh_page
    firsts = set()
    for seed in ("a", "b", "c", "d", "e", "f"):
        page.evaluate(
            "(s) => { localStorage.clear(); localStorage.setItem('calcinosis-course:learner-seed', s); }",
            seed,
        )
        page.reload()
        page.wait_for_function(MOUNTED)  # loaded, every component drawn
        root = case_root(page, "A venous leg ulcer that stopped healing")
        labels = root.locator(".wt-decision label").all_inner_texts()
        page.reload()  # stable across reloads
        page.wait_for_function(MOUNTED)  # loaded, every component drawn
        assert case_root(page, "A venous leg ulcer").locator(".wt-decision label").all_inner_texts() == labels
        firsts.add(labels[0])
    assert len(firsts) >= 2, firsts
    assert not problems, problems


def test_keyboard_only(fresh_page):
    page, problems = fresh_page
    root = case_root(page, "A venous leg ulcer that stopped healing")
    root.locator(".wt-decision input").first.focus()
    page.keyboard.press("Space")  # picks the first option shown
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "SELECT"
    root.locator(".wt-ddx select").first.select_option("venous_ulcer")
    root.locator(".wt-confidence input").first.focus()
    page.keyboard.press("Space")
    for _ in range(8):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Commit":
            break
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement?.classList.contains('wt-panel-heading')")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Continue":
            break
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement?.classList.contains('wt-stage-title')")
    assert page.evaluate("document.activeElement !== document.body")
    assert not problems, problems


def test_phone_before_and_after_commit_with_axe_in_light_and_dark(fresh_page):
    page, problems = fresh_page
    root = case_root(page, "A venous leg ulcer that stopped healing")
    root.locator(".wt-stage-title").evaluate(
        "(n) => { n.scrollIntoView({ block: 'start' }); window.scrollBy(0, -64); }"
    )
    shot(page, "01-stage-before-commit-360.png")
    story_bottom = root.locator(".wt-stage > p").first.bounding_box()
    question = root.locator(".wt-decision legend").bounding_box()
    assert question["y"] - (story_bottom["y"] + story_bottom["height"]) < 120, (
        "the question sits by the story"
    )
    commit(root, "Reassess: fresh history", ddx=("venous_ulcer", "dystrophic"))
    page.wait_for_function("document.activeElement?.classList.contains('wt-panel-heading')")
    root.locator(".wt-panel-heading").evaluate(
        "(n) => { n.scrollIntoView({ block: 'start' }); window.scrollBy(0, -64); }"
    )
    shot(page, "02-stage-after-commit-360.png")
    assert root.locator(".wt-reasons[open]").count() == 0, "reasons collapsed by default"
    root.locator(".wt-reasons summary").first.click()
    assert no_overflow(page)
    before_axe = list(problems)  # axe's CSS preload fetches @imports itself (see test_pages)
    assert not axe_violations(page)
    page.evaluate("document.documentElement.dataset.theme = 'dark'")
    shot(page, "03-stage-after-commit-dark-360.png")
    assert not axe_violations(page)
    assert not before_axe, before_axe


def test_browser_panel_equals_the_tested_python_panel(fresh_page):
    """The graph tests check the Python panel; the static page computes its own with
    clinical.js. For every stage of every case, by every way a learner can reach it, the
    browser's mergeReveals + assess + panelView give the same ranking, levels and reasons."""
    from widgets import Walkthrough
    from widgets import cases as wc
    from widgets.clinical import assess, rules_json

    page, problems = fresh_page
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
               return view.items.map((x) => [x.id, x.level, x.for.map((r) => r.text), x.against.map((r) => r.text)]);
             });
           }""",
        [
            Walkthrough._esm,
            (ROOT / "widgets" / "static" / "clinical.js").read_text(encoding="utf-8"),
            json.dumps(rules_json(), ensure_ascii=False),
            vectors,
        ],
    )
    mismatches = [(v["where"], v["expect"], g) for v, g in zip(vectors, got) if v["expect"] != g]
    assert not mismatches, mismatches[:3]
    assert not problems, problems


LIVE_CELLS = [
    'from widgets import Walkthrough\nwt = Walkthrough("stalled-venous-ulcer")\nwt',
    'print("LIVE", [s["stage"] for s in wt.steps], wt.panel["items"][0]["id"])',
    'c = {"ddx": ["dystrophic"], "confidence": "unsure", "choice": 0}\n'
    'wt.progress = {"v": 2, "seed": "x", "steps": [{"stage": "presentation", "commit": {**c, "choice": 1}},'
    ' {"stage": "history", "commit": c}, {"stage": "examination", "commit": None}], "record": {}}',
]


def test_walkthrough_live_with_a_kernel(live_notebook):
    """In JupyterLab the learner's path reaches Python, and a path set from Python (an educator
    in class) reaches the page."""
    nb = live_notebook("live-walkthrough.ipynb", LIVE_CELLS)
    nb.run(0)
    root = nb.page.locator(".wt-case").first
    root.wait_for(timeout=60_000)
    commit(root, "Reassess: fresh history", ddx=("venous_ulcer",))
    go_on(root)
    nb.run(1)
    assert nb.output(1) == "LIVE ['presentation', 'history'] venous_ulcer"
    nb.run(2)
    nb.page.wait_for_function(
        "() => document.querySelector('.wt-stage-title')?.textContent.includes('The wound bed')",
        timeout=30_000,
    )
    assert not nb.errors, nb.errors


def test_cue_figures_from_the_built_page(fresh_page):
    """Per case, from what the built page serves (its case data and its bundled component): the
    share of decisions whose best option is shown first (over 200 learners) and whose best
    option is the longest; the wrong or harmful choices that change the outcome out of all of
    them; the endings. Written to shots/cases/figures.json for the report."""
    from widgets import cases as wc

    page, problems = fresh_page
    module = page.evaluate(
        "[...document.querySelectorAll('script, link')].map((n) => n.src || n.href)"
        ".concat(performance.getEntriesByType('resource').map((r) => r.name))"
        ".find((u) => /widgets\\.walkthrough\\.Walkthrough\\.[0-9a-f]+\\.js$/.test(u))"
    )
    data = [
        page.evaluate("(u) => fetch(u).then((r) => r.json())", u)
        for u in page.evaluate(
            "performance.getEntriesByType('resource').map((r) => r.name).filter((u) => u.includes('/_components/data/'))"
        )
    ]
    cases = {d["id"]: d for d in map(json.loads, (x for x in data if isinstance(x, str))) if "stages" in d}
    assert len(cases) >= 14, sorted(cases)
    first = page.evaluate(
        """async ([url, cases]) => {
             const m = await import(url);
             const out = {};
             for (const c of cases) {
               let n = 0, k = 0;
               for (const [sid, st] of Object.entries(c.stages)) {
                 if (!st.decision || st.decision.choices.length < 2) continue;
                 const best = st.decision.choices.findIndex((x) => x.grade === "best");
                 for (let i = 0; i < 200; i++) { n++; if (m.shownOrder(c, `learner-${i}`, sid)[0] === best) k++; }
               }
               out[c.id] = n ? k / n : null;
             }
             return out;
           }""",
        [module, list(cases.values())],
    )
    figures = {}
    for cid, c in sorted(cases.items()):
        decisions = [
            st["decision"]["choices"]
            for st in c["stages"].values()
            if len(st.get("decision", {}).get("choices", [])) > 1
        ]
        longest = sum(
            max(range(len(ch)), key=lambda i: len(ch[i]["text"]))
            == next(i for i, x in enumerate(ch) if x["grade"] == "best")
            for ch in decisions
        )
        wrong = [
            (sid, ci)
            for sid, st in c["stages"].items()
            for ci, ch in enumerate(st.get("decision", {}).get("choices", []))
            if ch["grade"] in ("wrong", "harmful")
        ]
        changing = [w for w in wrong if wc.changes_outcome(c, *w)]
        harmful = [(s, i) for s, i in wrong if c["stages"][s]["decision"]["choices"][i]["grade"] == "harmful"]
        ends = [st["debrief"]["result"] for st in c["stages"].values() if "debrief" in st]
        figures[cid] = {
            "decisions": len(decisions),
            "best_shown_first": round(first[cid], 2),
            "best_is_longest": f"{longest}/{len(decisions)}",
            "wrong_changing_outcome": f"{len(changing)}/{len(wrong)}",
            "harmful_changing_outcome": f"{sum(h in changing for h in harmful)}/{len(harmful)}",
            "endings": len(ends),
            "results": sorted(set(ends)),
        }
        assert first[cid] < 0.6, (cid, first[cid])
        assert all(h in changing for h in harmful), cid
        assert len(set(ends)) >= 2, cid
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "figures.json").write_text(json.dumps(figures, indent=1), encoding="utf-8")
    n = sum(f["decisions"] for f in figures.values())
    longest_all = sum(int(f["best_is_longest"].split("/")[0]) for f in figures.values())
    assert longest_all / n < 0.5, (longest_all, n)
    assert not problems, problems
