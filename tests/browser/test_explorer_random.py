"""Seeded random use of the explorer, at phone and desktop width: typing (numbers, commas,
garbage), unit switches, presets and findings. Fails on any page or console error, a page
wider than the screen, results shown as current while a field is invalid, the result bar out
of view while typing on a phone, or a value that changed without the learner changing it (a
field the learner did not touch since it was filled must show the same text each time the
same unit system is shown)."""

from __future__ import annotations

import random

import pytest

from test_pages import open_page

pytestmark = pytest.mark.browser

LABS = ["calcium", "albumin", "phosphate", "pth", "vitamin_d", "egfr"]
FIELDS = [*LABS, "warfarin_days"]
ACTIONS = 250
GARBAGE = [
    "abc",
    "",
    " ",
    "-1",
    "40",
    "1e999",
    "1,250",
    "2,1",
    "2..1",
    "0",
    "12,345,678",
    "3.",
    ".5",
    "9,40",
    "+2.3",
]

SNAPSHOT = """root => ({
    values: Object.fromEntries([...root.querySelectorAll('input[type=text]')].map(i => [i.name, i.value])),
    invalid: [...root.querySelectorAll('[aria-invalid=true]')].map(i => i.name),
    stale: root.classList.contains('cx-is-stale'),
    conditions: root.querySelectorAll('.cx-condition').length,
    units: root.querySelector('.cx-units input:checked').value,
    width: document.documentElement.scrollWidth,
    viewport: window.innerWidth,
    bar: (() => { const r = root.querySelector('.cx-bar').getBoundingClientRect(); return [r.top, r.bottom]; })(),
    height: window.innerHeight,
})"""


def a_number(rng: random.Random) -> str:
    value = rng.choice([rng.uniform(0, 5), rng.uniform(0, 60), rng.uniform(0, 400)])
    text = f"{value:.{rng.randint(0, 3)}f}"
    return text.replace(".", ",") if rng.random() < 0.1 else text


@pytest.mark.parametrize(
    "width, height, seed", [(360, 740, 20261126), (1280, 900, 7)], ids=["phone", "desktop"]
)
def test_random_actions_change_nothing_silently(browser, base_url, width, height, seed):
    rng = random.Random(seed)
    problems: list[str] = []
    page = open_page(
        browser,
        f"{base_url}/chapters/calcium-explorer.html",
        problems,
        viewport={"width": width, "height": height},
    )
    root = page.locator(".cx-explorer").first
    root.wait_for()
    root.locator("details.cx-findings summary").click()
    toggles = root.locator("select.cx-tri")  # present / examined: absent / not recorded
    n_toggles = toggles.count()
    states = toggles.first.locator("option").evaluate_all("os => os.map(o => o.value)")
    presets = [
        o for o in root.locator("select.cx-preset option").evaluate_all("os => os.map(o => o.value)") if o
    ]
    seen: dict[str, dict[str, str]] = {f: {} for f in FIELDS}
    log: list[str] = []

    def check(after: str):
        snap = root.evaluate(SNAPSHOT)
        where = f"after {after} (actions: {log[-5:]})"
        assert not problems, f"{problems} {where}"
        assert snap["width"] <= snap["viewport"], (
            f"page {snap['width']} px wide at {snap['viewport']} {where}"
        )
        assert snap["stale"] == bool(snap["invalid"]), (
            f"stale={snap['stale']} invalid={snap['invalid']} {where}"
        )
        if not snap["stale"]:
            assert snap["conditions"] == 6, where
        for field in FIELDS:
            key = "any" if field == "warfarin_days" else snap["units"]
            text = snap["values"][field]
            if key in seen[field]:
                assert text == seen[field][key], (
                    f"{field} shows {text!r}, was {seen[field][key]!r} in {key} {where}"
                )
            else:
                seen[field][key] = text
        return snap

    check("loading")
    for _ in range(ACTIONS):
        kind = rng.choices(["type", "units", "preset", "finding"], weights=[6, 2, 1, 2])[0]
        if kind == "type":
            field = rng.choice(FIELDS)
            text = rng.choice(GARBAGE) if rng.random() < 0.3 else a_number(rng)
            if field == "warfarin_days" and rng.random() < 0.7:
                text = str(rng.randint(0, 400))
            root.locator(f'input[name="{field}"]').fill(text)
            units = root.locator(".cx-units input:checked").get_attribute("value")
            seen[field] = {("any" if field == "warfarin_days" else units): text}
            log.append(f"{field}={text!r}")
            snap = check(log[-1])
            if width < 600:  # on a phone the result bar stays in view while typing
                top, bottom = snap["bar"]
                assert 0 <= top and bottom <= snap["height"], (
                    f"result bar at {top}-{bottom} px while typing {log[-1]}"
                )
        elif kind == "units":
            label = rng.choice(["SI (mmol/L)", "Conventional (mg/dL)"])
            root.get_by_label(label).check()
            log.append(label)
            check(label)
        elif kind == "preset":
            preset = rng.choice(presets)
            root.locator("select.cx-preset").select_option(preset)
            seen = {f: {} for f in FIELDS}  # the learner chose new values
            log.append(f"preset {preset}")
            check(log[-1])
        else:
            toggle = toggles.nth(rng.randrange(n_toggles))
            state = rng.choice(states)
            toggle.select_option(state)
            log.append(f"{toggle.get_attribute('name')}={state!r}")
            check(log[-1])
    page.close()
