"""Benchmark: prints build times (clean, one page touched, no-op), the command line's time per
call, test-suite time, per-page transfer (raw and gzip) and first paint / components ready under
emulated slow 3G with 4x CPU, and the explorer's input-to-result time. Figures are printed, never
asserted (see README).

    python scripts/bench.py [--skip-tests] [--runs 50] [--throttle 4] [--html _build/html]
    python scripts/bench.py --first-visit _build/html   # only the slow-3G first visits
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
# Targets of issue 19 for a first visit (the whole page scrolled through, so that figures
# loaded on demand count): a chapter <= 450 kB raw and <= 150 kB as sent; a page with a plotly
# figure (the explorer) <= 1.9 MB raw.
RAW_TARGET, SENT_TARGET, PLOTLY_RAW_TARGET = 450e3, 150e3, 1.9e6


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
    rows = []
    for path in pages:
        context = browser.new_context()
        page = context.new_page()
        context.new_cdp_session(page).send("Network.setCacheDisabled", {"cacheDisabled": True})
        urls: list[str] = []
        page.on("request", lambda r, urls=urls: urls.append(r.url) if r.url.startswith("http") else None)
        page.goto(f"{base_url}/{path}")
        page.wait_for_load_state("networkidle")
        # figures are drawn (plotly.js loaded) as they near the viewport: bring each into view
        page.evaluate("document.querySelectorAll('.plotly-graph-div').forEach((d) => d.scrollIntoView())")
        page.wait_for_timeout(300)
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        page.wait_for_timeout(300)
        page.wait_for_load_state("networkidle")
        context.close()
        sizes = [(url, _sent_bytes(url)) for url in urls]
        total = sum(n for _, (n, _d) in sizes)
        decoded = sum(d for _, (_n, d) in sizes)
        has_plotly = any(url.split("?")[0].endswith(PLOTLY_BASIC) for url in urls)
        budget = (PLOTLY_RAW_TARGET, None) if has_plotly else (RAW_TARGET, SENT_TARGET)
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
    print("\nper page, bytes as the server sends them (gzip) and raw, cache off, page scrolled through:")
    print(f"  {'page':36} {'requests':>8} {'sent':>10} {'raw':>10} {'target':>10}  heaviest files (MB sent)")
    for r in rows:
        raw_target, sent_target = r["budget"]
        ok = "ok  " if r["decoded"] <= raw_target and r["bytes"] <= (sent_target or r["bytes"]) else "OVER"
        heavy = ", ".join(f"{u.rsplit('/', 1)[-1].split('?')[0]} {n / 1e6:.2f}" for u, n in r["heaviest"])
        print(
            f"  {r['page']:36} {r['requests']:8d} {r['bytes'] / 1e6:7.3f} MB {r['decoded'] / 1e6:7.3f} MB"
            f" {raw_target / 1e6:7.3f} MB"
            f"  {ok} {heavy}"
        )
    heaviest = max(rows, key=lambda r: r["bytes"])
    over = [
        r["page"]
        for r in rows
        if r["decoded"] > r["budget"][0] or (r["budget"][1] and r["bytes"] > r["budget"][1])
    ]
    print(
        f"heaviest page:      {heaviest['page']} {heaviest['bytes'] / 1e6:.3f} MB,"
        f" {heaviest['requests']} requests"
    )
    print(
        f"over budget:        {', '.join(over) if over else 'none'}"
        f" (targets: raw {RAW_TARGET / 1e3:.0f} kB and sent {SENT_TARGET / 1e3:.0f} kB;"
        f" with plotly raw {PLOTLY_RAW_TARGET / 1e6} MB)"
    )


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


# A first visit on a slow connection: Chrome DevTools' "Slow 3G" preset (2 s round trip,
# 50 kB/s down) and 4x CPU slowdown, empty cache, the site served with gzip (scripts/serve.py).
SLOW_3G = {"offline": False, "latency": 2000, "downloadThroughput": 50_000, "uploadThroughput": 50_000}
FIRST_VISIT_PAGES = ("chapters/leg-ulcers.html", "chapters/treatment.html", "chapters/calcium-explorer.html",
                     "chapters/self-assessment.html")  # fmt: skip
# every component placeholder filled (by the component or by its failure notice)
COMPONENTS_READY = """() => {
  const views = document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]');
  const mounted = [...document.querySelectorAll('.anywidget-static')]
    .filter((el) => el.childElementCount > 0);
  return mounted.length >= views.length ? performance.now() : false;
}"""


def first_visit(base_url: str, browser, path: str, cpu: float = 4) -> dict:
    """Load `path` in a fresh context under SLOW_3G and `cpu`x CPU slowdown; return first
    contentful paint and components-ready (ms from navigation start), and bytes sent."""
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": cpu})
    sent = []
    cdp.on("Network.loadingFinished", lambda e: sent.append(e.get("encodedDataLength", 0)))
    page.goto(f"{base_url}/{path}", wait_until="commit", timeout=300_000)
    page.wait_for_function(
        "() => performance.getEntriesByName('first-contentful-paint').length > 0", timeout=300_000
    )
    fcp = page.evaluate("() => performance.getEntriesByName('first-contentful-paint')[0].startTime")
    page.wait_for_load_state("domcontentloaded")  # the first paint comes before the whole page
    views = page.locator('script[type="application/vnd.jupyter.widget-view+json"]').count()
    ready = None
    if views:
        ready = page.wait_for_function(COMPONENTS_READY, timeout=300_000, polling=100).json_value()
    page.wait_for_load_state("load", timeout=300_000)
    context.close()
    return {"page": path, "fcp": fcp, "ready": ready, "components": views, "sent": sum(sent)}


def print_first_visits(base_url: str, browser) -> None:
    print("\nfirst visit, slow 3G (2 s RTT, 50 kB/s) + 4x CPU, empty cache, 360 px:")
    for path in FIRST_VISIT_PAGES:
        r = first_visit(base_url, browser, path)
        ready = f"{r['ready'] / 1000:6.1f} s ({r['components']} components)" if r["ready"] else "     -"
        print(
            f"  {path:36} FCP {r['fcp'] / 1000:6.1f} s   components ready {ready}"
            f"   sent {r['sent'] / 1e3:7.0f} kB"
        )


def measure_existing(html: Path, first_visits: bool) -> int:
    """Reading grades and per-page weights of an existing build; with `first_visits`, also the
    slow-3G first visits."""
    print("reading level of each page's 'In short' box (scripts/reading_grade.py):", flush=True)
    subprocess.run([sys.executable, str(ROOT / "scripts" / "reading_grade.py")], check=False)

    from playwright.sync_api import sync_playwright

    server = start(html)
    base_url = f"http://127.0.0.1:{server.server_address[1]}"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        print_page_weights(page_weights(base_url, browser, [*toc_pages(), "search.html", "genindex.html"]))
        if first_visits:
            print_first_visits(base_url, browser)
        browser.close()
    server.shutdown()
    return 0


def cli_time(calls: int = 5) -> float:
    """Seconds per call of `python -m widgets assess` on the example scenario (median)."""
    cmd = [sys.executable, "-m", "widgets", "assess", "examples/scenario-v1.yaml"]
    return statistics.median(timed(cmd) for _ in range(calls))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-tests", action="store_true", help="do not time the test suite")
    parser.add_argument("--runs", type=int, default=50, help="keystrokes for the explorer timing")
    parser.add_argument("--throttle", type=float, default=4, help="CPU slowdown for the explorer timing")
    parser.add_argument("--html", type=Path, help="measure this built site instead of building one")
    parser.add_argument(
        "--weights-only",
        metavar="HTML_DIR",
        type=Path,
        help="only the per-page weights of an existing build (e.g. _build/html)",
    )
    parser.add_argument("--first-visit", metavar="HTML_DIR", type=Path,
                        help="only page weights and slow-3G first visits of an existing build")  # fmt: skip
    args = parser.parse_args()
    if args.weights_only:
        return measure_existing(args.weights_only, first_visits=False)
    if args.first_visit:
        return measure_existing(args.first_visit, first_visits=True)

    if args.html:
        html = args.html
    else:
        out = Path(tempfile.mkdtemp(prefix="bench-book-"))
        # as `make build` runs it (scripts/jb_build.py: jupyter-book build without its slow import)
        build = [sys.executable, str(ROOT / "scripts" / "jb_build.py"), str(ROOT), "-W", "-n", "--keep-going",
                 "--path-output", str(out)]  # fmt: skip
        print(f"clean build:        {timed(build):7.1f} s")
        print(f"no-op rebuild:      {timed(build):7.1f} s")
        touched = ROOT / "chapters" / "treatment.md"
        touched.touch()
        print(f"one page touched:   {timed(build):7.1f} s  ({touched.name})")
        html = out / "_build" / "html"
        print(f"command line:       {cli_time():7.2f} s per call (widgets assess)")
        if not args.skip_tests:
            # as `make test` runs it: two workers, whole files per worker
            pytest = [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                "-n",
                "2",
                "--dist",
                "loadfile",
                "--no-loadscope-reorder",
            ]
            t0 = time.perf_counter()
            run = subprocess.run(pytest, cwd=ROOT, capture_output=True, text=True)
            summary = (run.stdout.strip().splitlines() or ["(no output)"])[-1]
            print(f"test suite:         {time.perf_counter() - t0:7.1f} s  ({summary.strip('= ')})")

    print("reading level of each page's 'In short' box (scripts/reading_grade.py):", flush=True)
    subprocess.run([sys.executable, str(ROOT / "scripts" / "reading_grade.py")], check=False)

    from playwright.sync_api import sync_playwright

    server = start(html)
    base_url = f"http://127.0.0.1:{server.server_address[1]}"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        pages = [*toc_pages(), "search.html", "genindex.html"]
        print_page_weights(page_weights(base_url, browser, pages))
        print_first_visits(base_url, browser)
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
