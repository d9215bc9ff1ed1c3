"""Phone first: no page of the book is wider than a 360 px screen, with its components
mounted (a component that renders late could still push the page sideways) and every <details>
open; and in the same page load, its figures and tables read on a phone
(test_reading.reading_problems)."""

from __future__ import annotations

import pytest

from test_pages import PAGES, open_page
from test_reading import reading_problems

pytestmark = pytest.mark.browser

WIDTH = 360


@pytest.mark.parametrize("path", PAGES)
def test_page_fits_360_px(browser, base_url, path):
    problems: list[str] = []
    page = open_page(browser, f"{base_url}/{path}", problems, viewport={"width": WIDTH, "height": 740})
    try:
        views = page.locator('script[type="application/vnd.jupyter.widget-view+json"]').count()
        if views:
            page.wait_for_function(
                "n => document.querySelectorAll('.anywidget-static').length === n", arg=views
            )
            page.wait_for_function(
                "() => [...document.querySelectorAll('.anywidget-static')].every(e => e.childElementCount)"
            )
        unreadable = reading_problems(page)
        # open every closed <details> too: what a tap reveals must fit as well
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        wide = page.evaluate(f"""() => {{
            const out = [];
            for (const el of document.querySelectorAll('body *')) {{
                const r = el.getBoundingClientRect();
                if (r.width && r.right > {WIDTH} + 1 && getComputedStyle(el).position !== 'fixed'
                    && !el.closest('.bd-sidebar-primary, .bd-sidebar-secondary, .MathJax, mjx-container, .highlight, .table-wrapper, .pst-scrollable-table-container'))
                    out.push(`${{el.tagName.toLowerCase()}}.${{el.className}} right=${{Math.round(r.right)}}`);
            }}
            return out.slice(0, 8);
        }}""")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= WIDTH, f"{path} is {width} px wide at {WIDTH} px: {wide}"
        assert not unreadable, "\n".join(unreadable)
        assert not problems, problems
    finally:
        page.close()
