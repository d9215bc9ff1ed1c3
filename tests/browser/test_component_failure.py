"""A component whose module or data cannot load says what happened and what to do, and its Retry
works once the file is reachable again; with JavaScript off, a note stands where it would be."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

# page, the component's root once mounted, the file to fail (a glob on the request URL)
CASES = [
    ("chapters/calcium-explorer.html", ".cx-explorer", "**/_components/data/*.json*"),
    ("chapters/calcium-explorer.html", ".cx-explorer", "**/_components/widgets.explorer.*.js*"),
    ("chapters/self-assessment.html", ".cq-quiz", "**/_components/widgets.quiz.*.js*"),
    ("chapters/cases.html", ".wt-case", "**/_components/data/*.json*"),
]


@pytest.mark.parametrize("path, root, failing", CASES, ids=[f"{c[1]}-{c[2].split('/')[-1]}" for c in CASES])
def test_a_failed_load_explains_and_retry_works(browser, base_url, path, root, failing):
    # no service worker: Playwright's routing does not see what a service worker fetches, so the
    # page's own requests must reach the route that fails them
    page = browser.new_page(viewport={"width": 360, "height": 740}, service_workers="block")
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.route(failing, lambda route: route.abort("internetdisconnected"))
        page.goto(f"{base_url}/{path}")
        failure = page.locator(".ui-failure").first
        failure.wait_for()
        text = failure.inner_text()
        assert "did not load" in text and "What happened" in text
        assert "python -m http.server" in text and "hosted book" in text
        assert "For education, not for clinical decisions." in text
        assert failure.get_attribute("role") == "alert"
        assert page.locator(root).count() == 0
        assert page.locator(".anywidget-pending").count() == 0  # the loading note is gone

        retry = failure.get_by_role("button", name="Retry")
        retry.click()  # still failing: the view stays, the button works again
        page.wait_for_function("() => !document.querySelector('.ui-failure button').disabled")
        assert page.locator(".ui-failure").count() >= 1 and page.locator(root).count() == 0

        page.unroute(failing)
        before = page.locator(".ui-failure").count()
        page.locator(".ui-failure").first.get_by_role("button", name="Retry").click()
        page.locator(root).first.wait_for()
        assert page.locator(".ui-failure").count() == before - 1  # that one mounted; its view is gone
        assert not errors, errors
    finally:
        page.close()


def test_every_component_has_a_noscript_note_in_the_built_page(site):
    pages = [p for p in site.rglob("*.html") if "widget-view+json" in p.read_text(encoding="utf-8")]
    assert pages, "no page with a component"
    for html in pages:
        text = html.read_text(encoding="utf-8")
        views = len(re.findall(r'<script type="application/vnd\.jupyter\.widget-view\+json">', text))
        notes = len(
            re.findall(r"</script><noscript><p[^>]*>This interactive part of the page needs JavaScript", text)
        )
        assert views == notes, f"{html.relative_to(site)}: {views} components, {notes} noscript notes"


def test_with_javascript_off_the_note_shows_and_the_loading_note_does_not(browser, base_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{base_url}/chapters/calcium-explorer.html")
        body = page.locator("body").inner_text()
        assert "needs JavaScript" in body
        assert not page.locator(".anywidget-pending").first.is_visible()
    finally:
        context.close()
