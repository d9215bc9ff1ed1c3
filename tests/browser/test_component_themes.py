"""axe-core finds no violation in the dark theme on every page with a course component, after
each component has been used (values typed, a case answered, a question checked, a decision
made): the components set text and background together from ui.js's theme tokens. The light
theme is checked the same way, after the same use, by test_pages.py (one page load for both its
checks). One browser context for the theme; pages listed from the build."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from test_pages import MOUNTED, USE

pytestmark = pytest.mark.browser


def component_pages(site):
    return sorted(
        str(p.relative_to(site))
        for p in (site / "chapters").glob("*.html")
        if "widget-view+json" in p.read_text(encoding="utf-8")
    )


@pytest.fixture(scope="module", params=["dark"])
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
            page.goto(f"{base_url}/{path}")
            page.wait_for_function(MOUNTED)  # every component drawn
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
