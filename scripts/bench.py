"""Benchmark: prints build times, test-suite time, per-page transfer in Chromium, and the
explorer's input-to-result time. Figures are printed, never asserted (see README).

    python scripts/bench.py [--skip-tests] [--runs 50]
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
        page.on("requestfinished", finished.append)
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


EXPLORER_TIMING = """
async (runs) => {
  const input = document.querySelector('.cx-explorer input[name="calcium"]');
  const output = document.querySelector('.cx-explorer .cx-derived');
  const times = [];
  for (let i = 0; i < runs; i++) {
    const before = output.textContent;
    const t0 = performance.now();
    input.value = (2.0 + (i % 40) * 0.02).toFixed(2);
    input.dispatchEvent(new Event('input', { bubbles: true }));
    if (output.textContent === before && i > 0) { /* unchanged value: still a full update */ }
    times.push(performance.now() - t0);
    await new Promise(requestAnimationFrame);
  }
  return times;
}
"""


def explorer_timing(base_url: str, browser, runs: int) -> list[float] | None:
    page = browser.new_page()
    page.goto(f"{base_url}/chapters/calcium-explorer.html")
    page.wait_for_load_state("networkidle")
    if page.locator('.cx-explorer input[name="calcium"]').count() == 0:
        page.close()
        return None
    times = page.evaluate(EXPLORER_TIMING, runs)
    page.close()
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-tests", action="store_true", help="do not time the test suite")
    parser.add_argument("--runs", type=int, default=50, help="input events for the explorer timing")
    args = parser.parse_args()

    out = Path(tempfile.mkdtemp(prefix="bench-book-"))
    build = [str(JB), "build", str(ROOT), "-W", "-n", "--keep-going", "--path-output", str(out)]
    print(f"clean build:        {timed(build):7.1f} s")
    print(f"no-op rebuild:      {timed(build):7.1f} s")
    if not args.skip_tests:
        suite = timed([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"])
        print(f"test suite:         {suite:7.1f} s")

    from playwright.sync_api import sync_playwright

    server = start(out / "_build" / "html")
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
        times = explorer_timing(base_url, browser, args.runs)
        if times:
            times.sort()
            p95 = times[int(0.95 * (len(times) - 1))]
            median = statistics.median(times)
            print(
                f"explorer input->result: median {median:.2f} ms, p95 {p95:.2f} ms over {len(times)} events"
            )
        else:
            print("explorer input->result: explorer not found on chapters/calcium-explorer.html")
        browser.close()
    server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
