"""The playground's latency: from a keystroke in the grammar editor to its diagnostics drawn.

For each bundled grammar (grammars/*.lark, grammars/*.regex, copied with their samples to a
temporary folder), opens it in the playground in headless Chromium (Playwright, Debian's
``chromium``) and types N single keystrokes at the end of the text (alternately "x" and
Backspace). The page itself measures each one with ``performance.now()``
(``window.grammarkitPerf``):

  keystroke->drawn   from the keystroke's input event to the frame after the diagnostics
                     were drawn (list and underlines), including the debounce delay
  request->drawn     the same without the debounce delay: from the moment the debounced
                     lint request is sent to that frame (aim: under 150 ms)
  server             the time the lint itself took in the worker (lint_text)

After each keystroke the benchmark waits until the samples table was refreshed too (the
samples, stats and tool requests follow each lint on the other workers), so every
keystroke starts from a quiet page, as after a person's short pause.

Usage: python bench/playground_latency.py [--n N] [--grammar PATH ...] [--json]
Needs the playground extra and playwright (pip install -e '.[test]') and Chromium.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return ordered[k]


def measure(page, rel: str, n: int) -> list[dict]:
    seq = lambda key: int(page.evaluate(f"() => Number(document.body.dataset.{key} || 0)"))  # noqa: E731
    before = seq("lintSeq")
    page.fill("#path", rel)
    page.click("#open")
    page.wait_for_function("(n) => Number(document.body.dataset.lintSeq || 0) > n", arg=before, timeout=60_000)
    page.wait_for_timeout(1500)  # let the first samples/stats requests settle
    page.click("#grammar")
    page.keyboard.press("Control+End")
    entries = []
    for i in range(n):
        lint_before, samples_before = seq("lintSeq"), seq("samplesSeq")
        page.keyboard.press("x" if i % 2 == 0 else "Backspace")
        page.wait_for_function(
            "(n) => Number(document.body.dataset.lintSeq || 0) > n", arg=lint_before, timeout=60_000
        )
        entry = page.evaluate("() => window.grammarkitPerf.samples[window.grammarkitPerf.samples.length - 1]")
        entries.append(entry)
        if page.evaluate("() => document.querySelectorAll('#samples tbody tr').length") > 0:
            page.wait_for_function(
                "(n) => Number(document.body.dataset.samplesSeq || 0) > n", arg=samples_before, timeout=60_000
            )
        page.wait_for_timeout(100)
    return entries


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=12, help="keystrokes per grammar")
    ap.add_argument("--grammar", action="append", help="grammar file(s) (default: every bundled one)")
    ap.add_argument("--json", action="store_true", help="print the measurements as JSON")
    ap.add_argument("--chromium", default=os.environ.get("GRAMMARKIT_CHROMIUM") or shutil.which("chromium"))
    args = ap.parse_args()
    if not args.chromium:
        print("playground_latency: no Chromium found (apt-get install chromium)", file=sys.stderr)
        return 2

    from playwright.sync_api import sync_playwright

    from grammarkit.playground.disk import Workspace
    from grammarkit.playground.server import start_in_thread
    from grammarkit.samples.files import SIDECAR_SUFFIXES

    grammars = [Path(g) for g in args.grammar] if args.grammar else sorted(
        p for p in (ROOT / "grammars").iterdir() if p.suffix in (".lark", ".regex")
    )
    results: dict[str, list[dict]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for g in grammars:
            shutil.copy(g, root / g.name)
            stem = g.name[: -len(g.suffix)]
            for suffix in SIDECAR_SUFFIXES:
                if (g.parent / (stem + suffix)).is_file():
                    shutil.copy(g.parent / (stem + suffix), root / (stem + suffix))
        with start_in_thread(Workspace(root), timeout=60.0) as running, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1300, "height": 900})
            page.goto(running.url)
            page.wait_for_function("() => Number(document.body.dataset.lintSeq || 0) > 0", timeout=60_000)
            debounce = page.evaluate("() => window.grammarkitPerf.debounceMs")
            for g in grammars:
                page.on("dialog", lambda d: d.accept())
                results[g.name] = measure(page, g.name, args.n)
            browser.close()

    if args.json:
        print(json.dumps({"debounce_ms": debounce, "grammars": results}, indent=2))
        return 0
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{args.n} keystrokes per grammar; debounce {debounce} ms; load average {load:.1f} on {os.cpu_count()} cores")
    header = f"{'grammar':24} {'keystroke->drawn':>22} {'request->drawn':>22} {'server lint':>16}"
    print(header)
    print(f"{'':24} {'median':>10} {'p90':>11} {'median':>10} {'p90':>11} {'median':>10} {'p90':>5}")
    every_request, every_total = [], []
    for name, entries in results.items():
        total = [e["keystrokeToDrawnMs"] for e in entries if "keystrokeToDrawnMs" in e]
        request = [e["requestToDrawnMs"] for e in entries]
        server = [e["serverMs"] for e in entries]
        every_request += request
        every_total += total
        print(
            f"{name:24} {statistics.median(total):8.0f}ms {percentile(total, 0.9):9.0f}ms "
            f"{statistics.median(request):8.0f}ms {percentile(request, 0.9):9.0f}ms "
            f"{statistics.median(server):8.0f}ms {percentile(server, 0.9):4.0f}ms"
        )
    print(
        f"{'all':24} {statistics.median(every_total):8.0f}ms {percentile(every_total, 0.9):9.0f}ms "
        f"{statistics.median(every_request):8.0f}ms {percentile(every_request, 0.9):9.0f}ms"
    )
    entries = [e for es in results.values() for e in es]
    parts = {
        key: statistics.median(e[key] for e in entries)
        for key in ("serverMs", "responseMs", "renderMs", "paintMs")
        if all(key in e for e in entries)
    }
    if parts:
        print(
            "request->drawn, medians of its parts: "
            f"lint in the worker {parts['serverMs']:.0f} ms, whole request (HTTP, worker, JSON) "
            f"{parts['responseMs']:.0f} ms, drawing the list and underlines {parts['renderMs']:.1f} ms, "
            f"until the next frame {parts['paintMs']:.0f} ms"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
