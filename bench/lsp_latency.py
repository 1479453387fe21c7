"""What a keystroke costs in `grammarkit lsp`: from `didChange` to published diagnostics.

Starts the server (`python -m grammarkit lsp`) with pygls's own client over stdio, opens
each bundled grammar in grammars/ with its samples file, and types into it: each edit
changes the grammar's text but not its meaning, and makes a text the server has not seen
(a comment `// n` after the first line, or `(?:){n}` after a regex pattern), waits for the
diagnostics, then makes the next. Three timings per edit, client
side (transport included):

  grammar   didChange -> the grammar's diagnostics (published once its rules have run)
  samples   didChange -> the samples file's diagnostics (every sample checked again with
            llguidance and the local Lark parser: the grammar changed)
  sample    an edit of the samples file (a space after its first line) -> its diagnostics
            (only the changed samples run: verdicts are cached per grammar text)
  burst     eight keystrokes 50 ms apart: the last one -> the grammar's diagnostics (a
            lint still checking the samples of an older text gives way)

once without the debounce (`debounceMs: 0`) and once with the server's default (200 ms).
Prints medians and maxima in milliseconds. Goal: grammar < 150 ms without the debounce.

Wall times depend on how busy the machine is, so the CPU time the same work takes
(`lint_document` in this process: to the grammar's diagnostics, and to the end) is printed
as well; `--cpu-only` prints just that.

Usage: python bench/lsp_latency.py [--edits N] [GRAMMAR ...]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

from lsprotocol import types as t
from pygls.lsp.client import BaseLanguageClient
from pygls.uris import from_fs_path

ROOT = Path(__file__).resolve().parent.parent


class Client(BaseLanguageClient):
    def __init__(self) -> None:
        super().__init__("lsp-latency", "0")
        self.arrivals: dict[str, list[tuple[float, int | None, int]]] = defaultdict(list)
        self.event = asyncio.Event()

        @self.feature(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_diagnostics(params: t.PublishDiagnosticsParams) -> None:
            self.arrivals[params.uri].append((time.perf_counter(), params.version, len(params.diagnostics)))
            self.event.set()

    async def wait(self, uri: str, after: int, version: int | None = None, timeout: float = 60) -> float:
        """The arrival time of the first publication for ``uri`` past index ``after``
        (with ``version``, when given)."""
        deadline = time.perf_counter() + timeout
        while True:
            for when, got, _ in self.arrivals[uri][after:]:
                if version is None or got == version:
                    return when
            self.event.clear()
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"no diagnostics for {uri}")
            try:
                await asyncio.wait_for(self.event.wait(), left)
            except TimeoutError:
                pass


def edited(text: str, syntax: str, n: int) -> str:
    """``text`` changed but meaning the same, differently for each ``n`` (so that no cache
    of the server's knows the result): a comment ``// n`` after the first line, or a regex
    pattern followed by an empty group repeated ``n`` times, ``(?:){n}``."""
    if syntax == "regex":
        pattern = text[:-1] if text.endswith("\n") else text
        return pattern + f"(?:){{{n}}}" + text[len(pattern) :]
    first, _, rest = text.partition("\n")
    return f"{first} // {n}\n{rest}"


async def session(grammars: list[Path], debounce_ms: int, edits: int) -> dict[str, dict[str, list[float]]]:
    client = Client()
    await client.start_io(sys.executable, "-m", "grammarkit", "lsp", cwd=str(ROOT))
    await client.initialize_async(
        t.InitializeParams(capabilities=t.ClientCapabilities(), initialization_options={"debounceMs": debounce_ms})
    )
    client.initialized(t.InitializedParams())
    results: dict[str, dict[str, list[float]]] = {}
    version = 0

    def change(uri: str, text: str) -> tuple[int, float]:
        nonlocal version
        version += 1
        start = time.perf_counter()
        client.text_document_did_change(
            t.DidChangeTextDocumentParams(
                text_document=t.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[t.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        return version, start

    try:
        for grammar in grammars:
            syntax = "regex" if grammar.suffix == ".regex" else "lark"
            text = grammar.read_text(encoding="utf-8")
            samples = next((p for p in (grammar.with_suffix(".samples.toml"),) if p.is_file()), None)
            uri = from_fs_path(str(grammar))
            samples_uri = from_fs_path(str(samples)) if samples else None
            version += 1
            if samples is not None and samples_uri is not None:
                samples_text = samples.read_text(encoding="utf-8")
                client.text_document_did_open(
                    t.DidOpenTextDocumentParams(t.TextDocumentItem(samples_uri, "toml", version, samples_text))
                )
            client.text_document_did_open(t.DidOpenTextDocumentParams(t.TextDocumentItem(uri, syntax, version, text)))
            if samples_uri:
                await client.wait(samples_uri, 0)
            await client.wait(uri, 0)
            await asyncio.sleep(0.5)  # let the opening lints finish
            timings: dict[str, list[float]] = defaultdict(list)
            for i in range(edits):
                seen = len(client.arrivals[samples_uri]) if samples_uri else 0
                v, start = change(uri, edited(text, syntax, i + 1))
                timings["grammar"].append((await client.wait(uri, 0, v)) - start)
                if samples_uri:
                    timings["samples"].append((await client.wait(samples_uri, seen)) - start)
                await asyncio.sleep(0.05)
            # a burst: keystrokes 50 ms apart, timed from the last one (a lint still
            # checking the samples of an earlier text stops for the newer one)
            for i in range(edits):
                for k in range(8):
                    v, start = change(uri, edited(text, syntax, 1000 + 10 * i + k))
                    await asyncio.sleep(0.05)
                timings["burst"].append((await client.wait(uri, 0, v)) - start)
                await asyncio.sleep(0.8)
            change(uri, text)
            await asyncio.sleep(0.5)
            if samples is not None and samples_uri is not None:
                head, _, tail = samples_text.partition("\n")
                for i in range(edits):
                    v, start = change(samples_uri, f"{head}{' ' * (i + 1)}\n{tail}")
                    timings["sample"].append((await client.wait(samples_uri, 0, v)) - start)
                    await asyncio.sleep(0.05)
                change(samples_uri, samples_text)
                client.text_document_did_close(t.DidCloseTextDocumentParams(t.TextDocumentIdentifier(samples_uri)))
            client.text_document_did_close(t.DidCloseTextDocumentParams(t.TextDocumentIdentifier(uri)))
            results[grammar.name] = timings
            await asyncio.sleep(0.2)
    finally:
        await client.shutdown_async(None)
        client.exit(None)
        await client.stop()
    return results


def cpu_costs(grammars: list[Path], edits: int) -> dict[str, dict[str, list[float]]]:
    """CPU time (this process's: llguidance runs on a thread of its own) of one lint as
    the server runs it, per stage, on texts it has not seen."""
    from grammarkit.lint.runner import lint_text
    from grammarkit.lsp.documents import lint_document
    from grammarkit.samples.checker import CheckerCache

    lint_text('start: "warm"\n')  # imports and parse tables, as a running server has them
    cache = CheckerCache()
    results: dict[str, dict[str, list[float]]] = {}
    for grammar in grammars:
        syntax = "regex" if grammar.suffix == ".regex" else "lark"
        text = grammar.read_text(encoding="utf-8")
        timings: dict[str, list[float]] = defaultdict(list)
        for i in range(edits):
            early: list[float] = []

            def mark(_lint, early=early) -> None:
                early.append(time.process_time())

            start = time.process_time()
            lint_document(str(grammar), edited(text, syntax, 100 + i), syntax, checkers=cache, on_grammar=mark)
            end = time.process_time()
            timings["grammar"].append((early[0] if early else end) - start)
            timings["samples"].append(end - start)
        results[grammar.name] = timings
    return results


def show(values: list[float]) -> str:
    if not values:
        return "        -"
    return f"{statistics.median(values) * 1000:5.0f} {max(values) * 1000:5.0f}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("grammars", nargs="*", type=Path)
    ap.add_argument("--edits", type=int, default=9, help="edits per grammar and kind (default 9)")
    ap.add_argument("--cpu-only", action="store_true", help="only the CPU time of the lints, in this process")
    args = ap.parse_args()
    grammars = args.grammars or sorted((ROOT / "grammars").glob("*.lark")) + sorted((ROOT / "grammars").glob("*.regex"))
    grammars = [g.resolve() for g in grammars]
    costs = cpu_costs(grammars, args.edits)
    print(f"CPU time of one lint, as the server runs it; median and max in ms ({args.edits} edits)")
    print(f"{'grammar':24} {'grammar':>11} {'samples':>11}")
    for name, timings in costs.items():
        print(f"{name:24} {show(timings['grammar']):>11} {show(timings['samples']):>11}")
    if args.cpu_only:
        return 0
    for debounce in (0, 200):
        results = asyncio.run(session(grammars, debounce, args.edits))
        label = "without the debounce" if debounce == 0 else f"with the default debounce ({debounce} ms)"
        print(f"\nkeystroke -> published diagnostics, {label}; median and max in ms ({args.edits} edits each)")
        print(f"{'grammar':24} {'grammar':>11} {'samples':>11} {'sample edit':>11} {'burst':>11}")
        for name, timings in results.items():
            cells = [show(timings[kind]) for kind in ("grammar", "samples", "sample", "burst")]
            print(f"{name:24} " + " ".join(f"{cell:>11}" for cell in cells))
        every = [v for timings in results.values() for v in timings["grammar"]]
        print(f"{'all grammars':24} {show(every):>11}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
