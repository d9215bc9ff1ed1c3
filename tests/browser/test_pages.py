"""Every built page in Chromium: no console error, no failed request, nothing fetched from
another host, every interactive component mounted, and axe-core finds no violation in the light
theme once the page's components have been used (test_component_themes.py: the dark theme)."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from axe_playwright_python.sync_playwright import Axe

from conftest import toc_pages

PAGES = [*toc_pages(), "genindex.html", "search.html"]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
# every component placeholder filled, by the component or by its failure notice
MOUNTED = """() => {
  const views = document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]');
  const roots = [...document.querySelectorAll('.anywidget-static')];
  return roots.length === views.length && roots.every((el) => el.childElementCount > 0);
}"""


def browser_aborted_favicon(request):
    """Chromium fetches the favicon itself and aborts that fetch when the document goes away
    (a reload, a navigation): not the page's failure. A missing favicon still shows as HTTP 404."""
    return request.url.endswith("/favicon.svg") and "ERR_ABORTED" in (request.failure or "")


def open_page(browser, url, problems, viewport=None, wait_until="load"):
    """A new page at `url`, every console error, page error, failed request, HTTP error and
    request to another host recorded in `problems` (the browser resolves no other host:
    conftest.CHROMIUM_ARGS). Returns once the page has loaded and every component on it has
    mounted (or shown its failure notice); `wait_until="networkidle"` waits for the network to
    be quiet too (half a second more)."""
    page = browser.new_page(viewport=viewport or {"width": 1280, "height": 900})
    page.on(
        "console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))

    def failed(request):
        if not browser_aborted_favicon(request):
            problems.append(f"failed request: {request.url} ({request.failure})")

    page.on("requestfailed", failed)
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)

    def guard(request):
        url = request.url
        if not (url.startswith(("data:", "blob:")) or urlparse(url).hostname in LOCAL_HOSTS):
            problems.append(f"request to another host: {url}")

    page.on("request", guard)  # a listener, not a route: routing every request costs 0.15 s a page
    page.goto(url, wait_until=wait_until)
    page.wait_for_function(MOUNTED)
    return page


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


# how a learner uses each component before axe looks (here and in test_component_themes.py)
USE = {".cx-explorer": use_explorer, ".cq-quiz": use_quiz, ".wt-case": use_walkthrough}


@pytest.mark.browser
@pytest.mark.parametrize("path", PAGES)
def test_page_loads_clean_and_accessible(browser, base_url, path):
    problems: list[str] = []
    page = open_page(browser, f"{base_url}/{path}", problems)  # components mounted
    try:
        failed = page.locator(".anywidget-static-notice").all_inner_texts()
        assert not failed, f"components that did not mount: {failed}"
        # axe looks after the components have been used, as a learner leaves them
        for selector, use in USE.items():
            for root in page.locator(selector).all()[:3]:
                use(root)
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


@pytest.mark.browser
def test_a_request_to_another_host_is_a_problem(browser, base_url):
    """The guard above can fail: a script that reaches for a CDN is reported, and the request
    never leaves the machine."""
    problems: list[str] = []
    page = open_page(browser, f"{base_url}/intro.html", problems)
    try:
        reached = page.evaluate("fetch('https://cdn.example.org/lib.js').then(() => true, () => false)")
        assert reached is False
        assert any("request to another host: https://cdn.example.org/lib.js" in p for p in problems), problems
    finally:
        page.close()
