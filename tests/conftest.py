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
    # no name but this machine's resolves: a request to another host fails at once, without
    # leaving the machine (test_pages.open_page records it as a problem)
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
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


def _shared(tmp_path_factory, worker_id) -> Path:
    """A folder all workers of this session see (tmp_path_factory's base folder's parent is
    common to the xdist workers)."""
    base = tmp_path_factory.getbasetemp()
    return base if worker_id == "master" else base.parent


def _needs_site(item) -> bool:
    return bool({"site", "book_build"} & set(getattr(item, "fixturenames", ())))  # nbval cells have none


# The longest files of the browser suite (about a minute each on two workers), started first
# among the files that need the site so that no worker is left with one at the end. Only the
# order changes; a file missing here runs after them.
LONGEST_FIRST = ("test_pages.py", "test_component_themes.py", "test_walkthrough.py", "test_explorer.py")


def pytest_collection_modifyitems(session, config, items):
    """Whole files that need no built site run first: with the build started in the background
    at once (_start_book_build), the workers have work while it runs. Then LONGEST_FIRST, then
    the rest in their order (`make test` passes --no-loadscope-reorder, so xdist keeps it)."""
    needs = {}
    for item in items:
        needs[item.path] = needs.get(item.path, False) or _needs_site(item)

    def rank(item) -> tuple[bool, int]:
        name = item.path.name
        return needs[item.path], LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)


@pytest.fixture(scope="session", autouse=True)
def _start_book_build(request, tmp_path_factory, worker_id):
    """The first worker to get here starts the shared build in the background (tests/book_build.py)
    when any collected test needs the built site; book_build then waits for it."""
    if os.environ.get("BOOK_HTML") or not any(_needs_site(item) for item in request.session.items):
        yield
        return
    shared = _shared(tmp_path_factory, worker_id)
    try:
        os.close(os.open(shared / "book-build.started", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:  # another worker started it
        yield
        return
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "book_build.py"), str(shared)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
    )
    yield
    proc.wait()  # some test needs it (see above): it is finished or about to be


@pytest.fixture(scope="session")
def book_build(tmp_path_factory, worker_id):
    """The session's one fresh, strict build of the whole book: (returncode, log, html_dir)."""
    from book_build import build_once

    return build_once(_shared(tmp_path_factory, worker_id))


@pytest.fixture(scope="session")
def worker_id(request):
    """pytest-xdist's worker name ("gw0", ...), or "master" when the suite runs in one process
    (xdist defines this fixture itself when it is active)."""
    return getattr(request.config, "workerinput", {}).get("workerid", "master")


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


@pytest.fixture(scope="session")
def jupyterlab(tmp_path_factory):
    """One JupyterLab server (no token, loopback only) for the live-notebook tests. Yields a
    function `open_notebook(name, cells) -> url` that writes a notebook of code cells into the
    server's folder and returns its address."""
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    import nbformat

    root = tmp_path_factory.mktemp("lab")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [str(Path(sys.executable).with_name("jupyter")), "lab", "--no-browser", "--allow-root",
         f"--port={port}", "--ip=127.0.0.1", "--IdentityProvider.token=", "--ServerApp.password=",
         "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{url}/lab", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("JupyterLab did not start")

    def open_notebook(name: str, cells: list[str]) -> str:
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
        nb.cells = [nbformat.v4.new_code_cell(src) for src in cells]
        nbformat.write(nb, root / name)
        # each notebook in a workspace of its own, reset: no tab of an earlier test reopens
        return f"{url}/lab/workspaces/{Path(name).stem}/tree/{name}?reset"

    yield open_notebook
    proc.terminate()
    proc.wait(timeout=20)


class LiveNotebook:
    """A notebook open in JupyterLab in a Chromium page, its kernel ready: `run(i)` runs code
    cell i, `output(i)` waits for and returns its output text, `errors` collects console errors."""

    def __init__(self, browser, url: str):
        self.page = browser.new_page(viewport={"width": 1300, "height": 1000})
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.goto(url)
        self.cells = self.page.locator(".jp-Notebook .jp-CodeCell")
        self.cells.first.wait_for(timeout=60_000)
        self.page.get_by_text("| Idle").first.wait_for(timeout=90_000)  # the kernel is ready

    def run(self, i: int) -> None:
        self.cells.nth(i).locator(".jp-InputArea-editor").click()
        self.page.keyboard.press("Shift+Enter")

    def output(self, i: int) -> str:
        out = self.cells.nth(i).locator(".jp-OutputArea-output")
        out.wait_for(timeout=30_000)
        return out.inner_text().strip()


@pytest.fixture
def live_notebook(browser, jupyterlab):
    """`live_notebook(name, cells)` -> a LiveNotebook; its page is closed after the test."""
    opened: list[LiveNotebook] = []

    def open_(name: str, cells: list[str]) -> LiveNotebook:
        opened.append(LiveNotebook(browser, jupyterlab(name, cells)))
        return opened[-1]

    yield open_
    for nb in opened:
        nb.page.close()
