"""The committed SVG figures are up to date with scripts/make_figures.py and accessible."""

from __future__ import annotations

import importlib.util
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import page_text

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "chapters" / "images"
SVG_NS = "{http://www.w3.org/2000/svg}"


def _load_script():
    spec = importlib.util.spec_from_file_location("make_figures", ROOT / "scripts" / "make_figures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MAKE = _load_script()
NAMES = sorted(MAKE.FIGURES)


def test_expected_figures_exist():
    assert NAMES, "make_figures.py defines no figures"
    missing = [n for n in NAMES if not (IMAGES / n).is_file()]
    assert not missing, f"run `python scripts/make_figures.py`: missing {missing}"


@pytest.mark.parametrize("name", NAMES)
def test_committed_figure_is_up_to_date(tmp_path, name):
    MAKE.main(tmp_path)
    fresh = (tmp_path / name).read_text(encoding="utf-8")
    committed = (IMAGES / name).read_text(encoding="utf-8")
    assert fresh == committed, (
        f"chapters/images/{name} is out of date: run `python scripts/make_figures.py` and commit"
    )


@pytest.mark.parametrize("name", NAMES)
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
