"""Reuse: licences, citation metadata, one repository address, and the package wheel the
educators' chapter links."""

from __future__ import annotations

import subprocess
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SKIP_DIRS = {".git", ".venv", "_build", "node_modules", "_vendor", ".pytest_cache", ".hypothesis"}


def _tracked_text_files():
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    for name in out.splitlines():
        path = ROOT / name
        if path.is_file() and path.suffix in {
            ".md",
            ".yml",
            ".yaml",
            ".py",
            ".js",
            ".ipynb",
            ".cff",
            ".toml",
            ".txt",
            ".json",
            "",
        }:
            yield path


def test_licence_covers_code_and_text():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License")
    assert "Permission is hereby granted, free of charge" in text
    assert "CC BY 4.0" in text and "creativecommons.org/licenses/by/4.0/" in text


def test_citation_cff_has_what_cff_1_2_requires():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0"
    assert cff["message"] and cff["title"] and cff["authors"]
    assert all("name" in a or "family-names" in a for a in cff["authors"])
    assert set(cff["license"]) == {"MIT", "CC-BY-4.0"}
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert str(cff["version"]) == version, "CITATION.cff version differs from pyproject.toml"


def test_repository_address_is_written_once():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    url = config["repository"]["url"]
    assert url.startswith("https://")
    where = [
        p.relative_to(ROOT).as_posix()
        for p in _tracked_text_files()
        if url in p.read_text(encoding="utf-8", errors="replace")
    ]
    assert where == ["_config.yml"], f"the repository address is repeated in {where}"
    raw = (ROOT / "_config.yml").read_text(encoding="utf-8")
    assert "PLACEHOLDER" in raw.split("url:")[0].rsplit("repository:", 1)[1], "mark the placeholder address"


def test_educators_chapter_is_in_the_book_and_links_the_current_wheel():
    assert "chapters/educators" in (ROOT / "_toc.yml").read_text(encoding="utf-8")
    text = (ROOT / "chapters" / "educators.md").read_text(encoding="utf-8")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wheel = f"{project['name'].replace('-', '_')}-{project['version']}-py3-none-any.whl"
    assert f'href="../_downloads/package/{wheel}"' in text
    for command in (
        "python -m widgets validate",
        "python -m widgets export-moodle",
        "--ranges",
        "presets.yaml",
        "nbgitpuller",
        "mybinder.org",
        "pip install",
    ):
        assert command in text, f"the educators' chapter does not mention {command!r}"


@pytest.mark.build
def test_site_ships_an_installable_wheel_of_the_package(site):
    wheels = list((site / "_downloads" / "package").glob("*.whl"))
    assert len(wheels) == 1
    with zipfile.ZipFile(wheels[0]) as wheel:
        names = set(wheel.namelist())
    assert "widgets/__init__.py" in names and "widgets/explorer.py" in names
    assert any(n.startswith("widgets/clinical/data/") and n.endswith(".yaml") for n in names)
    assert any(n.startswith("widgets/static/") and n.endswith(".js") for n in names)
    package_files = {
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "widgets").rglob("*")
        if p.is_file()
        and "__pycache__" not in p.parts
        and p.suffix in {".py", ".yaml", ".json", ".js", ".css"}
    }
    missing = sorted(package_files - names)
    assert not missing, (
        f"files of the package the wheel leaves out (package-data in pyproject.toml?): {missing}"
    )
    for folder in ("cases", "quizzes"):
        for data in sorted((ROOT / folder).glob("*.y*ml")):
            assert f"widgets/_course_data/{folder}/{data.name}" in names, (
                f"{folder}/{data.name} is not in the wheel"
            )
