"""Make docs/playground.png: the playground with a grammar, its diagnostics and samples.

Usage: python docs/screenshot.py   (needs the playground extra, playwright and Chromium)
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
GRAMMAR = """\
// Order lookup: "order AB-1234" or "orders since 2024-01-31"
start: "order " ORDER_ID
     | "orders since " date
date: YEAR "-" MONTH "-" DAY
ORDER_ID: /[A-Z]{2}-[0-9]{4,8}?/
YEAR: /\\d{4}/
MONTH: /0[1-9]|1[0-2]/
DAY: /[0-3][0-9]/
"""
SAMPLES = """\
valid = ['order AB-1234', 'orders since 2024-01-31', 'orders since 2024-1-31']
invalid = ['order ab-1234']
"""
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def main() -> int:
    from playwright.sync_api import sync_playwright

    from grammarkit.playground.disk import Workspace
    from grammarkit.playground.server import start_in_thread

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "order_lookup.lark").write_text(GRAMMAR)
        (root / "order_lookup.samples.toml").write_text(SAMPLES)
        with start_in_thread(Workspace(root, root / "order_lookup.lark")) as running, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1200, "height": 680})
            page.goto(running.url)
            page.wait_for_function("() => Number(document.body.dataset.samplesSeq || 0) > 0", timeout=60_000)
            page.wait_for_function("() => !document.querySelector('#glance').classList.contains('stale')")
            page.locator("#samples details.tree-box summary").nth(1).click()
            page.click("#diagnostics li[data-code=GK102]")
            page.wait_for_timeout(300)
            page.screenshot(path=str(HERE / "playground.png"))
            browser.close()
    print(HERE / "playground.png", (HERE / "playground.png").stat().st_size, "bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
