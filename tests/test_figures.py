"""The committed SVG figures are up to date with widgets/figures.py (`python -m widgets.figures`),
accessible, drawn from the clinical model's numbers, and each has a phone layout."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import page_text

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "chapters" / "images"
SVG_NS = "{http://www.w3.org/2000/svg}"


from widgets import clinical
from widgets import figures as MAKE

NAMES = sorted(MAKE.FIGURES)
ALL_NAMES = sorted([*NAMES, *(MAKE.narrow_name(n) for n in NAMES)])


def test_expected_figures_exist():
    assert NAMES, "widgets/figures.py defines no figures"
    missing = [n for n in ALL_NAMES if not (IMAGES / n).is_file()]
    assert not missing, f"run `python -m widgets.figures`: missing {missing}"


@pytest.fixture(scope="module")
def fresh():
    return MAKE.render_all()


@pytest.mark.parametrize("name", ALL_NAMES)
def test_committed_figure_is_up_to_date(fresh, name):
    committed = (IMAGES / name).read_text(encoding="utf-8")
    assert fresh[name] == committed, (
        f"chapters/images/{name} is out of date: run `python -m widgets.figures` and commit"
    )


@pytest.mark.parametrize("name", NAMES)
def test_narrow_layout_fits_a_phone(name):
    """The phone layout is 360 units wide with text >= 13 units: >= 11.8 CSS px in the 328 px
    column of a 360 px screen (the browser test measures it in the page)."""
    root = ET.parse(IMAGES / MAKE.narrow_name(name)).getroot()
    assert root.get("viewBox").split()[2] == "360"
    assert all("scale" not in (t.get("transform") or "") for t in root.iter(SVG_NS + "text"))
    sizes = [float(t.get("font-size")) for t in root.iter(SVG_NS + "text")]
    assert min(sizes) >= 13, f"{name}: narrow layout has text of {min(sizes)} units"


def test_plane_numbers_come_from_the_model():
    """The reference box, the upper calcium limit and every variant case sit where the model
    puts them: change ranges.yaml or a preset and this figure follows."""
    rules = clinical.rules_json()
    ca, ph = rules["ranges"]["calcium"], rules["ranges"]["phosphate"]
    data = MAKE.plane_data()
    assert data["reference_box"] == {"x": [ph["low"], ph["high"]], "y": [ca["low"], ca["high"]]}
    assert data["hypercalcaemia"][0] == ca["high"]
    expected = {}
    for preset in clinical.presets():
        if preset["taught"]["conditions"]:
            d = clinical.assess(preset["scenario"]).to_dict()["derived"]
            expected[preset["id"]] = (d["calcium_for_bands"]["mmol/L"], d["values"]["phosphate"]["mmol/L"])
    assert {c["id"]: (c["calcium"], c["phosphate"]) for c in data["cases"]} == expected
    for name in ("calcium-phosphate-plane.svg", "calcium-phosphate-plane-narrow.svg"):
        text = (IMAGES / name).read_text(encoding="utf-8")
        assert f"Ca {ca['high']:.2f}: hypercalcaemia" in text, name
        assert f"calcium {ca['low']:.2f} to {ca['high']:.2f}" in text, name


def test_plane_follows_a_changed_range(monkeypatch):
    """Not a copy: with another upper limit in the model's ranges, the drawing changes."""
    real = clinical.rules_json

    def patched():
        rules = real()
        rules["ranges"]["calcium"] = {**rules["ranges"]["calcium"], "high": 2.55}
        return rules

    monkeypatch.setattr(clinical, "rules_json", patched)
    if hasattr(clinical, "ca_p_plane"):  # the model's own figure data, given the same rules
        real_plane = clinical.ca_p_plane
        monkeypatch.setattr(
            clinical, "ca_p_plane", lambda rules=None, **kw: real_plane(rules or patched(), **kw)
        )
    assert "Ca 2.55: hypercalcaemia" in MAKE.ca_p_plane().render()


@pytest.mark.parametrize("name", ALL_NAMES)
def test_figure_is_accessible(name):
    root = ET.parse(IMAGES / name).getroot()
    assert root.tag == SVG_NS + "svg"
    assert root.get("role") == "img", f"{name}: <svg> needs role=img"
    title = root.find(SVG_NS + "title")
    desc = root.find(SVG_NS + "desc")
    assert title is not None and (title.text or "").strip(), f"{name}: no <title>"
    assert desc is not None and len((desc.text or "").strip()) > 80, f"{name}: no useful <desc>"
    labelled = set((root.get("aria-labelledby") or "").split())
    assert {title.get("id"), desc.get("id")} <= labelled, f"{name}: aria-labelledby must name title and desc"
    sizes = [float(t.get("font-size")) for t in root.iter(SVG_NS + "text")]
    assert sizes and min(sizes) >= 12, f"{name}: text smaller than 12px"


@pytest.mark.parametrize("name", NAMES)
def test_figure_is_used_with_alt_text(name):
    """Each figure is included by a chapter with a {figure} directive that has :alt:."""
    uses = []
    for md in sorted([*(ROOT / "chapters").glob("*.md"), *(ROOT / "chapters").glob("*.ipynb")]):
        text = page_text(md)
        for m in re.finditer(r"```\{figure\}\s+(\S+)\n((?::[^\n]*\n)+)", text):
            if m.group(1).endswith(name):
                uses.append((md.name, ":alt:" in m.group(2)))
    assert uses, f"{name} is not used by any chapter"
    assert all(has_alt for _, has_alt in uses), f"{name}: a {{figure}} lacks :alt: in {uses}"


@pytest.mark.parametrize("name", NAMES)
def test_wide_layout_is_legible_where_it_is_shown(name):
    """The wide layout (960 units) is shown from 1400 px screens up, in a column of about 770 px,
    and in print: text of 14 units renders at 11.2 CSS px there."""
    root = ET.parse(IMAGES / name).getroot()
    assert root.get("viewBox").split()[2] == "960"
    sizes = [float(t.get("font-size")) for t in root.iter(SVG_NS + "text")]
    assert min(sizes) >= 14, f"{name}: wide layout has text of {min(sizes)} units"
