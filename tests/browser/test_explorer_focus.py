"""The explorer by keyboard alone: where focus lands after each action (never <body>, never an
empty element), and on a 360 px phone no focused field hides under the sticky result bar."""

from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from test_pages import open_page

pytestmark = pytest.mark.browser

# What has focus: its tag, name, class, whether it is body, whether it shows text or is a control.
FOCUSED = """() => {
  const a = document.activeElement;
  const control = /^(INPUT|SELECT|TEXTAREA|BUTTON|A|SUMMARY)$/.test(a.tagName);
  const r = a.getBoundingClientRect();
  return {tag: a.tagName, name: a.name || "", cls: String(a.className || ""), body: a === document.body,
          text: (a.textContent || "").trim(), meaningful: control || Boolean((a.textContent || "").trim()),
          visible: r.width > 0 && r.height > 0, inExplorer: Boolean(a.closest('.cx-explorer'))};
}"""


def focused(page):
    info = page.evaluate(FOCUSED)
    assert not info["body"], "focus fell to <body>"
    assert info["meaningful"] and info["visible"], f"focus on an empty or invisible element: {info}"
    return info


def test_keyboard_walk_through_a_practice_case(browser, base_url):
    problems: list[str] = []
    page = open_page(browser, f"{base_url}/chapters/differential.html", problems)
    try:
        root = page.locator(".cx-explorer").first
        root.wait_for()
        root.locator("select.cx-preset").focus()
        page.keyboard.press("ArrowDown")  # the first case, chosen by keyboard
        info = focused(page)
        assert info["cls"] == "cx-preset" and root.locator("select.cx-preset").input_value() != ""

        page.keyboard.press("Tab")  # the units
        assert focused(page)["tag"] == "INPUT"
        page.keyboard.press("ArrowRight")  # conventional units, by keyboard
        assert focused(page)["tag"] == "INPUT"
        assert "mg/dL" in root.locator('label[for$="-calcium"] + .cx-entry .cx-unit').inner_text()

        page.keyboard.press("Tab")  # into the first lab field; typing keeps focus there
        page.keyboard.press("Control+A")
        page.keyboard.type("9.9")
        info = focused(page)
        assert info["name"] == "calcium"
        assert root.locator('input[name="calcium"]').input_value() == "9.9"

        commit = root.get_by_role("button", name="Check my answer")
        commit.focus()
        page.keyboard.press("Enter")  # no answer chosen: focus goes to the answer to choose
        assert "cx-answer" in focused(page)["cls"]
        assert "Choose an answer first" in root.locator(".cx-feedback").inner_text()
        page.keyboard.press("ArrowDown")  # the first condition
        commit.focus()
        page.keyboard.press("Enter")
        info = focused(page)  # the feedback: what the learner needs next
        assert "cx-feedback" in info["cls"] and info["text"].startswith(("Yes", "Not quite"))
        assert root.locator(".cx-condition").count() > 0

        again = root.get_by_role("button", name="Try this case again")
        again.focus()
        page.keyboard.press("Enter")
        assert "cx-answer" in focused(page)["cls"]
        assert root.locator(".cx-condition").count() == 0  # the ranking waits for an answer again

        skip = page.locator(".cx-skip").first
        skip.focus()
        page.keyboard.press("Enter")
        info = focused(page)
        assert "cx-end" in info["cls"] and "For education" in info["text"]
        page.keyboard.press("Tab")
        assert not focused(page)["inExplorer"]
        assert not problems, problems
    finally:
        page.close()


# Is the focused element's top edge and centre drawn by itself (not covered by a sticky bar)?
COVERED = """() => {
  const a = document.activeElement;
  if (!a || a === document.body) return "body";
  const r = a.getBoundingClientRect();
  if (r.bottom <= 0 || r.top >= innerHeight) return "off screen";
  const x = Math.min(Math.max(r.left + Math.min(r.width / 2, 20), 1), innerWidth - 1);
  for (const y of [r.top + 2, r.top + r.height / 2]) {
    const hit = document.elementFromPoint(x, y);
    if (!hit || !(a.contains(hit) || hit.contains(a) || hit.closest('label') === a.labels?.[0]))
      return `covered at y=${Math.round(y)} by ${hit ? hit.className || hit.tagName : "nothing"}`;
  }
  return "";
}"""


@pytest.mark.parametrize("page_name", ["calcium-explorer", "dystrophic"])
def test_shift_tab_on_a_phone_never_hides_the_focused_field(browser, base_url, page_name):
    problems: list[str] = []
    page = open_page(
        browser, f"{base_url}/chapters/{page_name}.html", problems, viewport={"width": 360, "height": 740}
    )
    try:
        root = page.locator(".cx-explorer").first
        root.wait_for()
        if root.locator("select.cx-answer").count():  # practice: a case and a committed answer
            root.locator("select.cx-preset").select_option(index=3)
            root.locator("select.cx-answer").select_option("unsure")
            root.get_by_role("button", name="Check my answer").click()
        root.locator("details.cx-findings > summary").click()  # its fields become focusable too
        page.locator(".cx-end").first.focus()
        seen = []
        for _ in range(200):
            page.keyboard.press("Shift+Tab")
            # the guard scrolls on the next frame; on a loaded machine give it a few frames
            try:
                page.wait_for_function(f"() => !({COVERED})()", timeout=1500, polling="raf")
            except PlaywrightTimeout:
                pass  # still covered: the check below names what covers it
            info = page.evaluate(FOCUSED)
            if not info["inExplorer"]:
                break
            label = f"{info['tag']} {info['name'] or info['text'][:30]}"
            seen.append(label)
            problem = page.evaluate(COVERED)
            assert not problem, f"{label}: {problem} (after {len(seen)} Shift+Tab presses)"
        names = " | ".join(seen)
        assert "pth" in names and "phosphate" in names, names  # it did walk through the lab fields
        assert not problems, problems
    finally:
        page.close()
