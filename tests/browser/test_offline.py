"""The course saved for offline (issue 19): after "Save the whole course for offline" a page
reloaded with no network, and a chapter never opened before, render with their components
working; a new build replaces the cached version on the next visit, never mixing old and new
files; the site has a web app manifest."""

from __future__ import annotations

import json
import re
import shutil

import pytest

pytestmark = pytest.mark.browser

FIRST = "chapters/leg-ulcers.html"
NEVER_OPENED = "chapters/self-assessment.html"  # a chapter with components, not visited online


def _served_copy(site, tmp_path):
    """A copy of the built site on a server of its own (this test rewrites files in it)."""
    from serve import start

    copy = tmp_path / "html"
    shutil.copytree(site, copy)
    server = start(copy)
    return copy, server, f"http://127.0.0.1:{server.server_address[1]}"


def _save_all(page):
    page.wait_for_function("() => navigator.serviceWorker.controller || navigator.serviceWorker.ready")
    page.wait_for_function("async () => !!(await navigator.serviceWorker.ready).active")
    button = page.get_by_role("button", name="Save the whole course for offline")
    button.click()
    status = page.locator("#course-offline [role=status]")
    page.wait_for_function(
        "() => document.querySelector('#course-offline [role=status]').textContent.startsWith('Done')",
        timeout=120_000,
    )
    text = status.inner_text()
    assert " MB on this device" in text, text
    assert page.locator("#course-offline progress").evaluate("p => p.value === p.max && p.max > 10")
    return text


def _components_work(page):
    views = page.locator('script[type="application/vnd.jupyter.widget-view+json"]').count()
    assert views > 0
    page.wait_for_function(
        "n => [...document.querySelectorAll('.anywidget-static')].filter(e => e.childElementCount).length >= n",
        arg=views,
        timeout=30_000,
    )
    failed = page.locator(".anywidget-static-notice").all_inner_texts()
    assert not failed, failed


def test_saved_course_reads_offline(browser, site, tmp_path):
    copy, server, url = _served_copy(site, tmp_path)
    context = browser.new_context(viewport={"width": 360, "height": 800})
    try:
        page = context.new_page()
        page.goto(f"{url}/{FIRST}")
        _save_all(page)
        context.set_offline(True)
        page.reload()
        assert page.locator("h1").first.inner_text().strip()
        page.goto(f"{url}/{NEVER_OPENED}")
        assert "offline" not in page.title().lower()
        _components_work(page)
        # a page that was not saved says so in one line instead of the browser's error page
    finally:
        context.close()
        server.shutdown()


def test_a_new_build_replaces_the_cached_version(browser, site, tmp_path):
    copy, server, url = _served_copy(site, tmp_path)
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{url}/{FIRST}")
        _save_all(page)
        # a "new build": a changed page, and a new service worker listing its new revision
        page_file = copy / FIRST
        page_file.write_text(
            page_file.read_text(encoding="utf-8").replace("</h1>", " (second edition)</h1>", 1),
            encoding="utf-8",
        )
        sw = (copy / "sw.js").read_text(encoding="utf-8")
        entry = re.compile(r'"revision":"([0-9a-f]+)","url":"' + re.escape(FIRST) + '"')
        assert entry.search(sw), "the worker does not list the page"
        sw_new = entry.sub(lambda m: m.group(0).replace(m.group(1), "new" + m.group(1)), sw)
        (copy / "sw.js").write_text(sw_new, encoding="utf-8")
        # first visit after the build: the old version (cache first), the new worker installs
        page.goto(f"{url}/{FIRST}")
        page.wait_for_function(
            "() => /update of the course was installed/.test("
            "document.querySelector('#course-offline [role=status]').textContent)",
            timeout=60_000,
        )
        # next visit: the new version, also offline
        context.set_offline(True)
        page.goto(f"{url}/{FIRST}")
        assert "(second edition)" in page.locator("h1").first.inner_text()
        names = page.evaluate("caches.keys()")
        assert len([n for n in names if n.startswith("calcinosis-course-")]) == 1, names
    finally:
        context.close()
        server.shutdown()


def test_web_app_manifest(site):
    manifest = json.loads((site / "manifest.webmanifest").read_text(encoding="utf-8"))
    assert manifest["start_url"] == "intro.html" and manifest["display"] == "standalone"
    assert (site / manifest["icons"][0]["src"]).is_file()
    assert '<link rel="manifest" href="../manifest.webmanifest"' in (site / FIRST).read_text(encoding="utf-8")
