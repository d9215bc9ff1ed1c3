"""Benchmark: prints build times, test-suite time, per-page transfer in Chromium, and the
explorer's input-to-result time. Figures are printed, never asserted (see README).

    python scripts/bench.py [--skip-tests] [--runs 50] [--throttle 4] [--html _build/html]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "tests"))

from serve import start  # noqa: E402

from conftest import CHROMIUM, CHROMIUM_ARGS, toc_pages  # noqa: E402

JB = Path(sys.executable).with_name("jupyter-book")


def timed(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - t0


def page_weights(base_url: str, browser, pages: list[str]) -> list[tuple[str, int, int, int]]:
    rows = []
    for path in pages:
        page = browser.new_page()
        finished = []
        # a lambda, not finished.append: Playwright tags the handler object (a builtin cannot be)
        page.on("requestfinished", lambda request, done=finished: done.append(request))
        page.goto(f"{base_url}/{path}")
        page.wait_for_load_state("networkidle")
        transferred = decoded = 0
        for request in finished:
            sizes = request.sizes()
            transferred += sizes["responseBodySize"] + sizes["responseHeadersSize"]
            response = request.response()
            if response is not None and not request.url.startswith(("data:", "blob:")):
                try:
                    decoded += len(response.body())
                except Exception:  # a body Chromium no longer holds; count transfer only
                    pass
        rows.append((path, len(finished), transferred, decoded))
        page.close()
    return rows


# Input -> painted result, per real keystroke. The listener runs first (capture phase on
# window) and takes the event's own timestamp; the result counts as painted after the next
# animation frame has run and the task after it starts (the frame is then on screen).
PAINT_PROBE = """
(selector) => {
  window.__cxTimes = [];
  window.addEventListener('input', (event) => {
    if (!event.target.matches(selector)) return;
    const t0 = event.timeStamp;
    requestAnimationFrame(() => setTimeout(() => window.__cxTimes.push(performance.now() - t0), 0));
  }, true);
}
"""
# The floor on the same page: a plain input with no handler, so the explorer's own share shows.
PLAIN_INPUT = """
() => {
  const input = Object.assign(document.createElement('input'), { id: 'bench-plain', type: 'text' });
  document.querySelector('article, main, body').prepend(input);
}
"""


def explorer_timing(
    base_url: str, browser, runs: int, viewport: dict, throttle: float, plain: bool = False
) -> list[float] | None:
    """Press `runs` keys in the calcium field (a digit, then Backspace, ...) at `throttle`x CPU
    slowdown (Chromium's CDP Emulation.setCPUThrottlingRate); return input->paint times in ms.
    With `plain`, type into a plain input on the same page instead (the page's floor)."""
    page = browser.new_page(viewport=viewport)
    page.goto(f"{base_url}/chapters/calcium-explorer.html")
    page.wait_for_load_state("networkidle")
    selector = '.cx-explorer input[name="calcium"]'
    if page.locator(selector).count() == 0:
        page.close()
        return None
    if plain:
        page.evaluate(PLAIN_INPUT)
        selector = "#bench-plain"
    page.evaluate(PAINT_PROBE, selector)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": throttle})
    page.locator(selector).first.click()
    page.keyboard.press("End")
    for i in range(runs):
        page.keyboard.press(str(i % 10) if i % 2 == 0 else "Backspace")
        page.wait_for_function("n => window.__cxTimes.length >= n", arg=i + 1)
    times = page.evaluate("window.__cxTimes")
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
    page.close()
    return times


def cached_weight(base_url: str, browser, first: str, then: str) -> int:
    """Bytes transferred for `then` visited after `first` in the same browser (cache on)."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base_url}/{first}")
    page.wait_for_load_state("networkidle")
    finished = []
    page.on("requestfinished", lambda request: finished.append(request))
    page.goto(f"{base_url}/{then}")
    page.wait_for_load_state("networkidle")
    total = sum(r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"] for r in finished)
    context.close()
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-tests", action="store_true", help="do not time the test suite")
    parser.add_argument("--runs", type=int, default=50, help="keystrokes for the explorer timing")
    parser.add_argument("--throttle", type=float, default=4, help="CPU slowdown for the explorer timing")
    parser.add_argument("--html", type=Path, help="measure this built site instead of building one")
    args = parser.parse_args()

    if args.html:
        html = args.html
    else:
        out = Path(tempfile.mkdtemp(prefix="bench-book-"))
        build = [str(JB), "build", str(ROOT), "-W", "-n", "--keep-going", "--path-output", str(out)]
        print(f"clean build:        {timed(build):7.1f} s")
        print(f"no-op rebuild:      {timed(build):7.1f} s")
        html = out / "_build" / "html"
    if not args.skip_tests:
        suite = timed([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"])
        print(f"test suite:         {suite:7.1f} s")

    from playwright.sync_api import sync_playwright

    server = start(html)
    base_url = f"http://127.0.0.1:{server.server_address[1]}"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        pages = [*toc_pages(), "search.html", "genindex.html"]
        rows = page_weights(base_url, browser, pages)
        print("\nper page (gzip as a static host serves it):")
        print(f"  {'page':42} {'requests':>8} {'transferred':>12} {'uncompressed':>13}")
        for path, n, transferred, decoded in rows:
            print(f"  {path:42} {n:8d} {transferred / 1e6:10.3f} MB {decoded / 1e6:10.3f} MB")
        heaviest = max(rows, key=lambda r: r[2])
        mb = heaviest[2] / 1e6
        print(f"heaviest page:      {heaviest[0]} {mb:.3f} MB transferred, {heaviest[1]} requests")
        after = cached_weight(base_url, browser, "chapters/dystrophic.html", "chapters/metastatic.html")
        print(f"metastatic.html after dystrophic.html, cache on: {after / 1e6:.3f} MB transferred")
        for label, viewport in (
            ("desktop 1280x900", {"width": 1280, "height": 900}),
            ("phone 390x844", {"width": 390, "height": 844}),
        ):
            for what, plain in (("explorer", False), ("plain input, same page", True)):
                times = explorer_timing(base_url, browser, args.runs, viewport, args.throttle, plain)
                if not times:
                    print("explorer keystroke->paint: explorer not found on chapters/calcium-explorer.html")
                    break
                median, worst = statistics.median(times), max(times)
                print(
                    f"keystroke->paint, {args.throttle:g}x CPU slowdown, {label}, {what}: "
                    f"median {median:.1f} ms, max {worst:.1f} ms over {len(times)} keystrokes"
                )
        browser.close()
    server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
