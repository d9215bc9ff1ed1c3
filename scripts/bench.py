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


# ---------------------------------------------------------------- page weight (per page)
# Bytes as the server sends them (scripts/serve.py, gzip like a static host), caching off:
# Chromium loads each page in a fresh context (empty cache) and lists what it requested;
# each response is then fetched again from the same server with `Accept-Encoding: gzip`
# and its body counted as sent. (Chromium's own `request.sizes()` proved unreliable here.)
PLOTLY_BASIC = "_static/vendor/plotly/plotly-basic.min.js"
PAGE_BUDGET = 1.5e6  # every page
PLOTLY_PAGE_EXTRA = 0.8e6  # a page with a plotly figure: plotly-basic plus this much


def _sent_bytes(url: str) -> tuple[int, int]:
    """(bytes of the body as sent, bytes once decompressed)."""
    import gzip
    from urllib.request import Request, urlopen

    with urlopen(Request(url, headers={"Accept-Encoding": "gzip"})) as response:
        body = response.read()  # still gzip-compressed if the server compressed it
        gzipped = response.headers.get("Content-Encoding") == "gzip"
    return len(body), len(gzip.decompress(body)) if gzipped else len(body)


def page_weights(base_url: str, browser, pages: list[str]) -> list[dict]:
    """Per page: requests, bytes sent by the server, the three heaviest files, the budget."""
    plotly_bytes = _sent_bytes(f"{base_url}/{PLOTLY_BASIC}")[0]
    rows = []
    for path in pages:
        context = browser.new_context()
        page = context.new_page()
        context.new_cdp_session(page).send("Network.setCacheDisabled", {"cacheDisabled": True})
        urls: list[str] = []
        page.on("request", lambda r, urls=urls: urls.append(r.url) if r.url.startswith("http") else None)
        page.goto(f"{base_url}/{path}")
        page.wait_for_load_state("networkidle")
        context.close()
        sizes = [(url, _sent_bytes(url)) for url in urls]
        total = sum(n for _, (n, _d) in sizes)
        decoded = sum(d for _, (_n, d) in sizes)
        has_plotly = any(url.split("?")[0].endswith(PLOTLY_BASIC) for url in urls)
        budget = plotly_bytes + PLOTLY_PAGE_EXTRA if has_plotly else PAGE_BUDGET
        heaviest = [(u, n) for u, (n, _d) in sorted(sizes, key=lambda s: -s[1][0])[:3]]
        rows.append(
            {
                "page": path,
                "requests": len(urls),
                "bytes": total,
                "decoded": decoded,
                "plotly": has_plotly,
                "budget": budget,
                "heaviest": heaviest,
            }
        )
    return rows


def print_page_weights(rows: list[dict]) -> None:
    print("\nper page, bytes as the server sends them (gzip), cache off:")
    print(
        f"  {'page':36} {'requests':>8} {'sent':>10} {'unzipped':>10} {'budget':>10}"
        "  heaviest files (MB sent)"
    )
    for r in rows:
        ok = "ok  " if r["bytes"] <= r["budget"] else "OVER"
        heavy = ", ".join(f"{u.rsplit('/', 1)[-1].split('?')[0]} {n / 1e6:.2f}" for u, n in r["heaviest"])
        print(
            f"  {r['page']:36} {r['requests']:8d} {r['bytes'] / 1e6:7.3f} MB {r['decoded'] / 1e6:7.3f} MB"
            f" {r['budget'] / 1e6:7.3f} MB"
            f"  {ok} {heavy}"
        )
    heaviest = max(rows, key=lambda r: r["bytes"])
    over = [r["page"] for r in rows if r["bytes"] > r["budget"]]
    print(
        f"heaviest page:      {heaviest['page']} {heaviest['bytes'] / 1e6:.3f} MB,"
        f" {heaviest['requests']} requests"
    )
    print(
        f"over budget:        {', '.join(over) if over else 'none'}"
        f" (budget: {PAGE_BUDGET / 1e6} MB; with plotly: plotly-basic + {PLOTLY_PAGE_EXTRA / 1e6} MB)"
    )


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


def weights_only(html: Path) -> int:
    from playwright.sync_api import sync_playwright

    server = start(html)
    base_url = f"http://127.0.0.1:{server.server_address[1]}"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        print_page_weights(page_weights(base_url, browser, [*toc_pages(), "search.html", "genindex.html"]))
        browser.close()
    server.shutdown()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-tests", action="store_true", help="do not time the test suite")
    parser.add_argument("--runs", type=int, default=50, help="input events for the explorer timing")
    parser.add_argument(
        "--weights-only",
        metavar="HTML_DIR",
        type=Path,
        help="only the per-page weights of an existing build (e.g. _build/html)",
    )
    args = parser.parse_args()
    if args.weights_only:
        return weights_only(args.weights_only)

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
        print_page_weights(page_weights(base_url, browser, pages))
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
