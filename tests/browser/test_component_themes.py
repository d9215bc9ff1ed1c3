"""axe-core finds no violation, in the light and the dark theme, on every page with a course
component, after each component has been used (values typed, a case answered, a question
checked, a decision made): the components set text and background together from ui.js's theme
tokens. One browser context per theme; pages listed from the build."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser


def component_pages(site):
    return sorted(
        str(p.relative_to(site))
        for p in (site / "chapters").glob("*.html")
        if "widget-view+json" in p.read_text(encoding="utf-8")
    )


def use_explorer(root):
    if root.locator("select.cx-answer").count():
        root.locator("select.cx-preset").select_option(index=2)
        root.locator("select.cx-answer").select_option("unsure")
        root.get_by_role("button", name="Check my answer").click()
    else:
        root.locator('input[name="calcium"]').fill("2.9")
    root.locator("details.cx-findings > summary").click()
    root.locator("select.cx-tri").nth(1).select_option("yes")
    for summary in root.locator("details.cx-more > summary").all()[:3]:
        summary.click()


def use_quiz(root):
    choice = root.locator("input[type=radio], input[type=checkbox]").first
    if choice.count():
        choice.check(timeout=2000)
    sure = root.get_by_label("Sure", exact=True)  # the quiz asks for a confidence with each answer
    if sure.count():
        sure.first.check(timeout=2000)
    check = root.get_by_role("button", name="Check answer")
    if check.count() and check.first.is_enabled():
        check.first.click(timeout=2000)


def use_walkthrough(root):
    for _ in range(2):
        choice = root.locator("button.wt-choice:not([disabled])").first
        if not choice.count():
            break
        choice.click(timeout=2000)
        button = root.locator("button.wt-button:not([disabled])").first
        if button.count():
            button.click(timeout=2000)
    for summary in root.locator("details > summary").all()[:3]:
        summary.click(timeout=2000)


USE = {".cx-explorer": use_explorer, ".cq-quiz": use_quiz, ".wt-case": use_walkthrough}


@pytest.fixture(scope="module", params=["light", "dark"])
def themed(browser, request):
    theme = request.param
    context = browser.new_context(color_scheme=theme, viewport={"width": 1280, "height": 900})
    context.add_init_script(
        f"localStorage.setItem('mode', '{theme}'); localStorage.setItem('theme', '{theme}');"
    )
    yield theme, context
    context.close()


def test_no_axe_violation_after_use_in_light_and_dark(themed, site, base_url):
    theme, context = themed
    axe = Axe()
    failures = []
    pages = component_pages(site)
    assert len(pages) >= 10, pages
    for path in pages:
        page = context.new_page()
        try:
            page.goto(f"{base_url}/{path}")  # the load event; the components are awaited below
            views = page.locator('script[type="application/vnd.jupyter.widget-view+json"]').count()
            page.wait_for_function(
                "n => document.querySelectorAll('.anywidget-static').length === n", arg=views
            )
            assert page.evaluate("document.documentElement.dataset.theme") == theme
            used = 0
            for selector, use in USE.items():
                for root in page.locator(selector).all()[:3]:
                    use(root)
                    used += 1
            assert used, f"{path}: no component to use"
            for v in axe.run(page).response["violations"]:
                targets = [n["target"] for n in v["nodes"]][:4]
                failures.append(f"{theme} {path}: {v['id']} ({len(v['nodes'])}) {targets}")
        finally:
            page.close()
    assert not failures, "\n".join(failures)
