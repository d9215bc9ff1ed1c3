"""Header navigation by touch and keyboard at 360 and 1280 px (issue 19): both sidebars open
and close, focus stays on the control, no tooltip is left covering a neighbour, the colour-mode
control says which mode is on, follows the system setting by default and keeps focus, and every
header control shows a focus ring. The themes' own bug (pydata-sphinx-theme 0.17's
querySelector(".primary-toggle") finds a hidden button) is corrected by _ext/static/nav-fix.js."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

PAGE = "chapters/leg-ulcers.html"
PRIMARY = ".bd-header-article .primary-toggle"
SECONDARY = ".bd-header-article .secondary-toggle"
PRIMARY_LINK = 'a.reference.internal[href="calcium.html"]'  # an entry of the chapter list


def open_at(browser, base_url, width, *, touch=False, scheme="light"):
    context = browser.new_context(
        viewport={"width": width, "height": 800}, has_touch=touch, is_mobile=touch and width < 800,
        color_scheme=scheme,
    )  # fmt: skip
    page = context.new_page()
    page.goto(f"{base_url}/{PAGE}")
    page.wait_for_load_state("load")
    page.wait_for_function("() => document.querySelector('.theme-switch-button')?.title")
    return page


def chapter_list_visible(page) -> bool:
    link = page.locator(f"#pst-primary-sidebar-modal {PRIMARY_LINK}, #pst-primary-sidebar {PRIMARY_LINK}")
    return link.first.is_visible()


def activate(page, selector, how):
    if how == "tap":
        page.locator(selector).tap()
    elif how == "click":
        page.locator(selector).click()
    else:
        page.locator(selector).focus()
        page.keyboard.press("Enter")
    page.wait_for_timeout(400)  # the theme's sidebar transition is 0.25 s


def focused(page) -> str:
    return page.evaluate("document.activeElement.matches('.bd-header-article *') ? "
                         "document.activeElement.className : document.activeElement.tagName")  # fmt: skip


def no_tooltip(page):
    assert page.locator(".tooltip").count() == 0, "a tooltip is left on screen"


@pytest.mark.parametrize("how", ["tap", "keyboard"])
def test_chapter_list_at_360(browser, base_url, how):
    page = open_at(browser, base_url, 360, touch=how == "tap")
    try:
        assert not chapter_list_visible(page)
        activate(page, PRIMARY, how)
        assert page.locator("#pst-primary-sidebar-modal").evaluate("d => d.open"), (
            "the chapter list did not open"
        )
        assert chapter_list_visible(page)
        no_tooltip(page)
        page.keyboard.press("Escape")
        page.wait_for_timeout(300)
        assert not page.locator("#pst-primary-sidebar-modal").evaluate("d => d.open")
        assert not chapter_list_visible(page)
        assert "primary-toggle" in focused(page), f"focus went to {focused(page)}"
    finally:
        page.context.close()


@pytest.mark.parametrize("how", ["tap", "keyboard"])
def test_page_contents_at_360(browser, base_url, how):
    page = open_at(browser, base_url, 360, touch=how == "tap")
    try:
        activate(page, SECONDARY, how)
        dialog = page.locator("#pst-secondary-sidebar-modal")
        assert dialog.evaluate("d => d.open"), "the page's contents did not open"
        assert dialog.locator("nav.page-toc a").first.is_visible()
        no_tooltip(page)
        page.keyboard.press("Escape")
        page.wait_for_timeout(300)
        assert not dialog.evaluate("d => d.open")
        assert "secondary-toggle" in focused(page)
        # a tap does not leave a tooltip over the search button either
        page.locator(SECONDARY).tap() if how == "tap" else None
        page.keyboard.press("Escape")
        no_tooltip(page)
    finally:
        page.context.close()


@pytest.mark.parametrize("how", ["click", "keyboard"])
def test_chapter_list_at_1280(browser, base_url, how):
    page = open_at(browser, base_url, 1280)
    try:
        assert chapter_list_visible(page)
        activate(page, PRIMARY, how)
        assert not chapter_list_visible(page), "the chapter list did not close"
        assert "primary-toggle" in focused(page), f"focus went to {focused(page)}"
        activate(page, PRIMARY, how)
        assert chapter_list_visible(page), "the chapter list did not open again"
        assert "primary-toggle" in focused(page)
        no_tooltip(page)
    finally:
        page.context.close()


def test_page_contents_at_1280_shown_beside_the_text(browser, base_url):
    # at 1200 px and wider the theme shows the page's contents in a column and hides its toggle
    page = open_at(browser, base_url, 1280)
    try:
        assert page.locator("#pst-secondary-sidebar nav.page-toc a").first.is_visible()
    finally:
        page.context.close()


DOWNLOAD = ".bd-header-article .dropdown-download-buttons"


@pytest.mark.parametrize(("width", "how"), [(360, "tap"), (1280, "keyboard")])
def test_download_menu_opens_fits_and_closes(browser, base_url, width, how):
    # the theme's Bootstrap dropdown (_ext/offline.py builds the theme's bootstrap.js with the
    # dropdown alone): the menu opens by tap or keyboard inside a 360 px screen and lists this
    # page's source; a tap elsewhere closes it, or Escape with focus back on its button
    page = open_at(browser, base_url, width, touch=how == "tap")
    try:
        toggle, menu = (
            page.locator(f"{DOWNLOAD} .dropdown-toggle"),
            page.locator(f"{DOWNLOAD} .dropdown-menu"),
        )
        assert not menu.is_visible()
        activate(page, f"{DOWNLOAD} .dropdown-toggle", how)
        assert menu.is_visible(), "the download menu did not open"
        assert toggle.get_attribute("aria-expanded") == "true"
        box = menu.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, f"the menu leaves the screen: {box}"
        assert menu.get_by_text(".md").is_visible()
        if how == "tap":  # a phone has no Escape key: a tap elsewhere closes the menu
            page.touchscreen.tap(width // 2, 700)  # the text, below the menu
            page.wait_for_timeout(200)
            assert not menu.is_visible(), "a tap outside did not close the download menu"
            return
        page.keyboard.press("ArrowDown")
        assert page.evaluate("document.activeElement.classList.contains('dropdown-item')"), (
            "ArrowDown did not move into the menu"
        )
        page.keyboard.press("Escape")
        page.wait_for_timeout(200)
        assert not menu.is_visible(), "Escape did not close the download menu"
        assert page.evaluate("document.activeElement.classList.contains('dropdown-toggle')"), (
            f"focus went to {focused(page)}"
        )
    finally:
        page.context.close()


def test_back_to_top_shows_when_scrolling_up_and_goes_up(browser, base_url):
    page = open_at(browser, base_url, 360, touch=True)
    try:
        button = page.locator("#pst-back-to-top")
        page.mouse.wheel(0, 3000)
        page.wait_for_timeout(200)
        page.mouse.wheel(0, -300)  # the theme shows it while the reader scrolls back up
        page.wait_for_function("() => document.querySelector('#pst-back-to-top').style.display === 'block'")
        button.tap()
        page.wait_for_function("() => window.scrollY === 0")
    finally:
        page.context.close()


@pytest.mark.parametrize("width", [360, 1280])
def test_colour_mode_by_keyboard_says_which_and_keeps_focus(browser, base_url, width):
    page = open_at(browser, base_url, width, scheme="dark")
    try:
        html = page.locator("html")
        # follows the system setting until the reader chooses
        assert html.get_attribute("data-mode") == "auto"
        assert html.get_attribute("data-theme") == "dark"
        button = page.locator(".bd-header-article .theme-switch-button")
        assert "system" in button.get_attribute("aria-label")
        seen = set()
        for _ in range(3):
            button.focus()
            page.keyboard.press("Enter")
            page.wait_for_timeout(100)
            label = button.get_attribute("aria-label")
            mode = html.get_attribute("data-mode")
            seen.add(mode)
            assert page.evaluate("document.activeElement.classList.contains('theme-switch-button')"), (
                "focus left the colour-mode button"
            )
            expected = {"light": "light", "dark": "dark", "auto": "system"}[mode]
            assert expected in label, f"mode {mode} but the button says {label!r}"
        assert seen == {"light", "dark", "auto"}
    finally:
        page.context.close()


@pytest.mark.parametrize("width", [360, 1280])
def test_every_header_control_has_a_focus_ring(browser, base_url, width):
    page = open_at(browser, base_url, width)
    try:
        controls = page.locator(".bd-header-article button:visible, .bd-header-article a.btn:visible")
        assert controls.count() >= 3
        page.locator("body").press("Tab")  # keyboard modality: :focus-visible applies
        for i in range(controls.count()):
            control = controls.nth(i)
            control.focus()
            ring = control.evaluate(
                "el => { const s = getComputedStyle(el); return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"
            )
            name = control.get_attribute("aria-label") or control.get_attribute("title")
            assert ring[0] != "none" and ring[1] >= 2, f"{name}: no focus ring ({ring})"
    finally:
        page.context.close()


def _luminance(rgb):
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_back_to_top_has_contrast(browser, base_url, scheme):
    page = open_at(browser, base_url, 360, scheme=scheme)
    try:
        colours = page.locator("#pst-back-to-top").evaluate(
            "el => { const s = getComputedStyle(el); return [s.color, s.backgroundColor]; }"
        )
        fg, bg = ([int(v) for v in c[c.index("(") + 1 : c.index(")")].split(",")[:3]] for c in colours)
        light, dark = sorted((_luminance(fg), _luminance(bg)), reverse=True)
        ratio = (light + 0.05) / (dark + 0.05)
        assert ratio >= 4.5, f"Back to top is {ratio:.2f}:1 ({colours})"
    finally:
        page.context.close()


# What the first paint shows: each page's own critical CSS (_ext/critical_css.py), with its
# stylesheets and scripts not yet arrived, must look as the page does once everything loaded.
LOOK = """() => {
  const pick = (sel, props) => {
    const el = document.querySelector(sel);
    if (!el) return null;
    const s = getComputedStyle(el), box = el.getBoundingClientRect();
    return [sel, props.map((p) => s[p]), Math.round(box.left), Math.round(box.width)];
  };
  return [
    document.documentElement.dataset.theme,
    pick("body", ["backgroundColor", "color", "fontFamily", "fontSize"]),
    pick(".bd-header-article", ["display", "backgroundColor", "height"]),
    pick(".bd-sidebar-primary", ["position", "visibility"]),
    pick("article h1", ["fontSize", "color", "marginTop"]),
    pick(".admonition .admonition-title", ["backgroundColor", "color"]),
    pick("a.reference.internal", ["color"]),
  ];
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_first_paint_needs_no_stylesheet(browser, base_url, scheme):
    looks = {}
    for blocked in (True, False):
        context = browser.new_context(
            viewport={"width": 360, "height": 800}, color_scheme=scheme, service_workers="block"
        )
        page = context.new_page()
        if blocked:  # the page's HTML alone, as on a slow connection before anything else arrives
            page.route(
                "**/*", lambda r: r.abort() if r.request.resource_type != "document" else r.continue_()
            )
        page.goto(f"{base_url}/{PAGE}")
        page.wait_for_load_state("load")
        if not blocked:  # the theme's script has set the colours and the sidebars up
            page.wait_for_function("() => document.querySelector('.theme-switch-button')?.title")
        looks[blocked] = page.evaluate(LOOK)
        context.close()
    assert looks[True][0] == scheme, looks[True][0]
    assert looks[True] == looks[False]
