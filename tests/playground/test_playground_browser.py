"""The playground in a real browser: Playwright driving headless Chromium (Debian's
``chromium``; ``.ci/run`` installs it). Typing a grammar underlines its diagnostics, a fix
is one click, samples get both engines' verdicts with carets and trees, generated inputs
can be added, the tool definition is ready to copy, and saving refuses to overwrite a file
changed on disk until asked to."""

from __future__ import annotations

import os
import shutil

import pytest

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")

from grammarkit.playground.disk import Workspace  # noqa: E402
from grammarkit.playground.server import start_in_thread  # noqa: E402

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


def chromium_path() -> str | None:
    for candidate in (os.environ.get("GRAMMARKIT_CHROMIUM"), "chromium", "chromium-browser", "/usr/bin/chromium"):
        if candidate and (found := shutil.which(candidate)):
            return found
    return None


@pytest.fixture(scope="module")
def browser():
    path = chromium_path()
    if path is None:
        pytest.skip("no Chromium found (apt-get install chromium, or set GRAMMARKIT_CHROMIUM)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("playground")
    with start_in_thread(Workspace(root, root / "tool.lark"), timeout=60.0) as running:
        yield running, root


@pytest.fixture
def page(browser, server):
    running, _ = server
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    # e.g. a Content Security Policy violation, or a failed request other than a refused save
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" and "409" not in m.text else None)
    pg.goto(running.url)
    wait_lint(pg, 0)
    yield pg
    context.close()
    assert errors == []


def lint_seq(pg) -> int:
    return int(pg.evaluate("() => Number(document.body.dataset.lintSeq || 0)"))


def wait_lint(pg, after: int) -> None:
    pg.wait_for_function("(n) => Number(document.body.dataset.lintSeq || 0) > n", arg=after, timeout=60_000)


def samples_seq(pg) -> int:
    return int(pg.evaluate("() => Number(document.body.dataset.samplesSeq || 0)"))


def wait_samples(pg, after: int) -> None:
    pg.wait_for_function("(n) => Number(document.body.dataset.samplesSeq || 0) > n", arg=after, timeout=60_000)


def type_grammar(pg, text: str) -> None:
    """Select everything in the editor and type ``text`` key by key; wait for its lint."""
    seq = lint_seq(pg)
    pg.click("#grammar")
    pg.keyboard.press("Control+A")
    pg.keyboard.press("Delete")
    pg.keyboard.type(text)
    pg.wait_for_function(
        "(t) => document.querySelector('#grammar').value === t && window.grammarkitPerf.lintSeq > 0", arg=text
    )
    wait_lint(pg, seq)
    pg.wait_for_function("(t) => document.querySelector('#grammar').value === t", arg=text)


def test_a_lookahead_is_underlined_as_you_type(page):
    type_grammar(page, "start: A\nA: /(?=a)a{1,3}/\n")
    item = page.locator("#diagnostics li[data-code=GK101]")
    item.wait_for()
    assert "lookahead `(?=` is not supported" in item.inner_text()
    assert "hint:" in item.inner_text()
    mark = page.locator("#overlay .m.error")
    assert mark.count() == 1 and mark.inner_text() == "(?="
    box = mark.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # hovering the underline
    assert page.get_attribute("#grammar", "title").startswith("GK101 lookahead `(?=` is not supported")
    assert "1 error" in page.inner_text("#counts")
    # the caret inside the span shows the diagnostic under the editor
    page.click("#diagnostics li[data-code=GK101]")
    assert page.inner_text("#here").startswith("GK101 lookahead")
    # and removing the lookahead removes the underline
    type_grammar(page, "start: A\nA: /a{1,3}/\n")
    assert page.locator("#overlay .m.error").count() == 0
    assert "no problems" in page.inner_text("#counts")


def test_a_fix_is_one_click(page):
    # GK101 (a lookahead) has no fix; GK102 (a lazy quantifier) has a safe one.
    type_grammar(page, "start: A\nA: /a{1,5}?/\n")
    button = page.locator("#diagnostics li[data-code=GK102] button.fix")
    assert button.inner_text() == "Fix: make `{1,5}?` greedy: `{1,5}`"
    seq = lint_seq(page)
    button.click()
    page.wait_for_function("() => document.querySelector('#grammar').value === 'start: A\\nA: /a{1,5}/\\n'")
    wait_lint(page, seq)
    assert page.locator("#diagnostics li[data-code=GK102]").count() == 0
    # undo brings the lazy quantifier back (the fix went through the editor's history)
    seq = lint_seq(page)
    page.click("#grammar")
    page.keyboard.press("Control+Z")
    wait_lint(page, seq)
    assert page.input_value("#grammar") == "start: A\nA: /a{1,5}?/\n"


def test_samples_show_both_verdicts_the_rejection_and_the_tree(page):
    type_grammar(page, 'start: "a" B\nB: /[0-9]{1,3}/\n')
    for text, button in (("a12", "#add-valid"), ("a1x", "#add-valid"), ("b", "#add-invalid")):
        seq = samples_seq(page)
        page.fill("#new-sample", text)
        page.click(button)
        wait_samples(page, seq)
    rows = page.locator("#samples tbody tr:not(.detail)")
    assert rows.count() == 3
    ok, bad, invalid = (rows.nth(i).inner_text() for i in range(3))
    assert ok.count("✓ accepts") == 2 and "as expected" in ok
    assert bad.count("✗ rejects") == 2 and "mismatch" in bad
    assert "as expected" in invalid
    detail = page.locator("#samples tr.detail").nth(1).inner_text()
    assert "llguidance 1:3: unexpected 'x'; expected [0-9], end of input" in detail
    assert " 1 | a1x\n   |   ^" in detail
    page.locator("#samples details.tree-box summary").first.click()
    tree = page.locator("#samples ul.tree").first
    assert tree.locator(".rule").first.inner_text() == "start"
    assert "B" in tree.inner_text() and "12" in tree.inner_text()


def test_drawn_samples_can_be_added(page):
    type_grammar(page, 'start: "id-" /[0-9]{2}/\n')
    page.click("#tabs button[data-tab=generate]")
    page.fill("#gen-n", "5")
    page.fill("#gen-seed", "3")
    page.click("#generate")
    items = page.locator("#generated li")
    items.nth(4).wait_for()
    assert items.count() == 5 and "seed 3" in page.inner_text("#gen-note")
    first = items.first.locator(".input").inner_text()
    assert first.startswith("id-") and len(first) == 5
    seq = samples_seq(page)
    items.first.locator("button", has_text="+ invalid").click()
    wait_samples(page, seq)
    page.click("#tabs button[data-tab=samples]")
    row = page.locator("#samples tbody tr:not(.detail)").last
    assert first in row.inner_text() and "mismatch" in row.inner_text()


def test_the_tool_definition_and_stats(page):
    type_grammar(page, 'start: "a" B\nB: /[0-9]{1,3}/\n')
    page.click("#tabs button[data-tab=tool]")
    page.wait_for_function("() => document.querySelector('#tool-responses').textContent.includes('custom')")
    responses = page.inner_text("#tool-responses")
    assert '"type": "custom"' in responses and '"syntax": "lark"' in responses and '"name": "tool"' in responses
    assert '"grammar": {' in page.inner_text("#tool-chat")
    page.wait_for_function("() => document.querySelector('#glance').textContent.startsWith('1 rules · 1 terminals')")
    assert "llguidance compiles it" in page.inner_text("#glance")
    page.click("#tabs button[data-tab=stats]")
    assert "max_grammar_size" in page.inner_text("#limits-table")


def test_save_refuses_to_overwrite_a_change_on_disk(page, server):
    _, root = server
    type_grammar(page, 'start: "saved"\n')
    page.click("#save")
    page.wait_for_function("() => document.querySelector('#file-status').textContent.startsWith('saved')")
    assert (root / "tool.lark").read_text() == 'start: "saved"\n'
    (root / "tool.lark").write_text('start: "theirs"\n')
    type_grammar(page, 'start: "mine"\n')
    page.click("#save")
    banner = page.locator("#banner")
    banner.wait_for()
    assert "tool.lark changed on disk since it was loaded" in banner.inner_text()
    assert (root / "tool.lark").read_text() == 'start: "theirs"\n'
    page.click("#banner-overwrite")
    page.wait_for_function("() => document.querySelector('#banner').hidden")
    assert (root / "tool.lark").read_text() == 'start: "mine"\n'
