"""Every built page in Chromium: no console error, no failed request, nothing fetched from
another host, every interactive component mounted, and axe-core finds no violation."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from axe_playwright_python.sync_playwright import Axe

from conftest import toc_pages

PAGES = [*toc_pages(), "genindex.html", "search.html"]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def open_page(browser, url, problems, viewport=None):
    page = browser.new_page(viewport=viewport or {"width": 1280, "height": 900})
    page.on(
        "console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"failed request: {r.url} ({r.failure})"))
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)

    def guard(route):
        url = route.request.url
        if url.startswith(("data:", "blob:")) or urlparse(url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            problems.append(f"request to another host: {url}")
            route.abort()

    page.route("**/*", guard)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page


@pytest.mark.browser
@pytest.mark.parametrize("path", PAGES)
def test_page_loads_clean_and_accessible(browser, base_url, path):
    problems: list[str] = []
    page = open_page(browser, f"{base_url}/{path}", problems)
    try:
        views = page.locator('script[type="application/vnd.jupyter.widget-view+json"]').count()
        if views:
            page.wait_for_function(
                "n => document.querySelectorAll('.anywidget-static').length === n", arg=views
            )
            failed = page.locator(".anywidget-static-notice").all_inner_texts()
            assert not failed, f"components that did not mount: {failed}"
        load_problems = list(problems)  # axe's CSS preload fetches @imports itself (and
        results = Axe().run(page)  # resolves them against the page): judge the page alone
        violations = [
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}"
            for v in results.response["violations"]
        ]
        assert not load_problems, "\n".join(load_problems)
        assert not violations, "\n".join(violations)
    finally:
        page.close()
