"""The built site takes the components' modules and data from the build, not from the
notebooks: a rule edited in a copy of the book reaches the explorer of the copy's built site
with no notebook re-executed, and the pages carry no copy of the rules or the module."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from test_pages import open_page

pytestmark = [pytest.mark.browser, pytest.mark.build]

MARK = "EDITED-IN-A-COPY"
SKIP = shutil.ignore_patterns(
    "_build",
    ".venv",
    "node_modules",
    ".git",
    ".hypothesis",
    ".pytest_cache",
    "*.egg-info",
    "__pycache__",
    ".ipynb_checkpoints",
    "_vendor",
)


def edit_rule_text(rules_yaml: Path, rule_id: str) -> None:
    data = yaml.safe_load(rules_yaml.read_text(encoding="utf-8"))
    found = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("id") == rule_id and isinstance(node.get("text"), str):
                node["text"] += f" {MARK}"
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(data)
    assert len(found) == 1, f"rule {rule_id} not found once in {rules_yaml}"
    rules_yaml.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


@pytest.fixture(scope="module")
def edited_site(tmp_path_factory):
    from widgets.clinical import assess, presets

    v1 = next(p for p in presets() if p["id"] == "V1")
    rule_id = assess(v1["scenario"]).to_dict()["conditions"][0]["reasons"][0]["rule"]
    copy = tmp_path_factory.mktemp("edited") / "book"
    shutil.copytree(ROOT, copy, ignore=SKIP)
    (copy / "_vendor").symlink_to(ROOT / "_vendor")
    (copy / "node_modules").symlink_to(ROOT / "node_modules")  # the build writes sw.js with workbox-build
    edit_rule_text(copy / "widgets/clinical/data/rules.yaml", rule_id)
    jb = Path(sys.executable).with_name("jupyter-book")
    env = {**os.environ, "PYTHONPATH": str(copy)}  # the copy's widgets package, not the installed one
    proc = subprocess.run(
        [str(jb), "build", str(copy), "-W", "-n", "--keep-going"],
        capture_output=True,
        text=True,
        cwd=copy,
        env=env,
    )
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    for nb in (ROOT / "chapters").glob("*.ipynb"):  # nothing was re-executed
        assert (copy / "chapters" / nb.name).read_bytes() == nb.read_bytes()
    return copy / "_build" / "html"


def test_an_edited_rule_reaches_the_built_explorer(browser, edited_site):
    from serve import start

    data = [p.read_text(encoding="utf-8") for p in (edited_site / "_components" / "data").glob("*.json")]
    assert sum(MARK in text for text in data) == 1  # the rules, written once for the whole site
    page_html = (edited_site / "chapters" / "calcium-explorer.html").read_text(encoding="utf-8")
    state = json.loads(re.search(r'widget-state\+json">(.*?)</script>', page_html, re.S).group(1))
    for model in state["state"].values():
        s = model["state"]
        if s.get("_anywidget_id") == "widgets.explorer.Explorer":
            assert "_esm" not in s and "rules_json" not in s and s["_site_module"].startswith("_components/")
    server = start(edited_site)
    try:
        problems: list[str] = []
        page = open_page(
            browser, f"http://127.0.0.1:{server.server_address[1]}/chapters/calcium-explorer.html", problems
        )
        root = page.locator(".cx-explorer").first
        root.wait_for()
        root.locator("select.cx-preset").select_option("V1")
        assert MARK in root.evaluate("e => e.textContent")
        assert not problems, problems
        page.close()
    finally:
        server.shutdown()
