"""Shared fixtures: one fresh strict build of the book per test session, a local server for it,
and a Chromium browser driven by Playwright (Debian's /usr/bin/chromium)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def toc_entries() -> list[str]:
    """Every page the table of contents lists, as written there (no suffix), in order."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    pages = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                pages.append(entry["file"])
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return pages


def toc_pages() -> list[str]:
    """Every page the table of contents lists, as the path of its built HTML file."""
    return [f"{page}.html" for page in toc_entries()]


@pytest.fixture(scope="session")
def book_build(tmp_path_factory):
    """A fresh, strict build of the whole book (never an incremental one, which would hide
    warnings of unchanged pages). Returns (returncode, log, html_dir)."""
    out = tmp_path_factory.mktemp("book")
    jb = Path(sys.executable).with_name("jupyter-book")
    proc = subprocess.run(
        [str(jb), "build", str(ROOT), "-W", "-n", "--keep-going", "--path-output", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return proc.returncode, proc.stdout + proc.stderr, out / "_build" / "html"


@pytest.fixture(scope="session")
def site(request):
    if os.environ.get("BOOK_HTML"):  # development: test an existing build instead of building
        return Path(os.environ["BOOK_HTML"])
    returncode, log, html = request.getfixturevalue("book_build")
    if returncode != 0 or not (html / "index.html").is_file():
        pytest.fail(f"the book did not build (exit {returncode}):\n{log[-4000:]}")
    return html


@pytest.fixture(scope="session")
def base_url(site):
    from serve import start

    server = start(site)
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def page_text(page: str | Path) -> str:
    """A page's source as MyST Markdown: .md as is; .ipynb through jupytext (cells as MyST,
    without the jupytext front matter), so prose checks read both kinds of page alike."""
    path = page if isinstance(page, Path) else ROOT / page
    if path.suffix != ".ipynb":
        return path.read_text(encoding="utf-8")
    import jupytext

    text = jupytext.writes(jupytext.read(path), fmt="md:myst")
    return re.sub(r"\A---\n.*?\n---\n+", "", text, flags=re.S)
