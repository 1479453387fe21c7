"""A real LSP client for the tests: pygls's own client, talking over stdio to
`python -m grammarkit lsp` started as a subprocess, its asyncio loop on a background
thread so that tests stay plain functions."""

from __future__ import annotations

import asyncio
import os
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

import pytest

pytest.importorskip("pygls")

from lsprotocol import types as t
from pygls.lsp.client import BaseLanguageClient
from pygls.uris import from_fs_path

TIMEOUT = 60

CAPABILITIES = t.ClientCapabilities(
    text_document=t.TextDocumentClientCapabilities(
        rename=t.RenameClientCapabilities(prepare_support=True),
        code_action=t.CodeActionClientCapabilities(
            resolve_support=t.ClientCodeActionResolveOptions(properties=["edit"])
        ),
        hover=t.HoverClientCapabilities(content_format=[t.MarkupKind.Markdown, t.MarkupKind.PlainText]),
        publish_diagnostics=t.PublishDiagnosticsClientCapabilities(version_support=True),
        document_symbol=t.DocumentSymbolClientCapabilities(hierarchical_document_symbol_support=True),
    ),
    general=t.GeneralClientCapabilities(position_encodings=[t.PositionEncodingKind.Utf16]),
)


class Client(BaseLanguageClient):
    def __init__(self) -> None:
        super().__init__("grammarkit-tests", "0")
        self.published: dict[str, list[t.PublishDiagnosticsParams]] = defaultdict(list)
        self.changed = threading.Condition()
        self.versions: dict[str, int] = {}

        @self.feature(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_diagnostics(params: t.PublishDiagnosticsParams) -> None:
            with self.changed:
                self.published[params.uri].append(params)
                self.changed.notify_all()

        @self.feature(t.WINDOW_LOG_MESSAGE)
        def on_log(params) -> None:
            pass


class Session:
    """One server process and one client; every method blocks until its answer."""

    def __init__(self, init_options: dict | None = None, cwd: str | os.PathLike | None = None) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.client = Client()
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        self.run(self.client.start_io(sys.executable, "-m", "grammarkit", "lsp", cwd=cwd, env=env))
        self.init = self.run(
            self.client.initialize_async(
                t.InitializeParams(
                    capabilities=CAPABILITIES,
                    initialization_options=init_options or {"debounceMs": 20},
                )
            )
        )
        self.client.initialized(t.InitializedParams())

    def run(self, coro, timeout: float = TIMEOUT):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def close(self) -> None:
        try:
            self.run(self.client.shutdown_async(None), timeout=20)
            self.client.exit(None)
            self.run(self.client.stop(), timeout=20)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(5)

    # -- documents

    def open(self, path: Path, text: str | None = None, language: str = "lark") -> str:
        uri = from_fs_path(str(path))
        text = path.read_text(encoding="utf-8") if text is None else text
        self.client.versions[uri] = 1
        self.client.text_document_did_open(
            t.DidOpenTextDocumentParams(t.TextDocumentItem(uri=uri, language_id=language, version=1, text=text))
        )
        return uri

    def change(self, uri: str, text: str, range: t.Range | None = None) -> int:
        version = self.client.versions[uri] = self.client.versions[uri] + 1
        change = (
            t.TextDocumentContentChangeWholeDocument(text=text)
            if range is None
            else t.TextDocumentContentChangePartial(range=range, text=text)
        )
        self.client.text_document_did_change(
            t.DidChangeTextDocumentParams(
                text_document=t.VersionedTextDocumentIdentifier(uri=uri, version=version), content_changes=[change]
            )
        )
        return version

    def close_doc(self, uri: str) -> None:
        self.client.text_document_did_close(t.DidCloseTextDocumentParams(t.TextDocumentIdentifier(uri=uri)))

    # -- diagnostics

    def diagnostics(self, uri: str, *, after: int = 0, where=None, timeout: float = TIMEOUT) -> list[t.Diagnostic]:
        """The diagnostics of the first publication for ``uri`` past the first ``after``
        ones that satisfies ``where`` (default: any)."""
        deadline = time.monotonic() + timeout
        with self.client.changed:
            while True:
                for params in self.client.published[uri][after:]:
                    if where is None or where(params):
                        return list(params.diagnostics)
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no matching diagnostics for {uri}: {self.client.published[uri]}")
                self.client.changed.wait(left)

    def count(self, uri: str) -> int:
        with self.client.changed:
            return len(self.client.published[uri])

    def settled(self, uri: str, quiet: float = 0.6) -> list[t.Diagnostic]:
        """The last diagnostics published for ``uri`` once nothing new came for ``quiet`` s."""
        with self.client.changed:
            while True:
                seen = len(self.client.published[uri])
                self.client.changed.wait(quiet)
                if len(self.client.published[uri]) == seen and seen:
                    return list(self.client.published[uri][-1].diagnostics)

    # -- requests

    def request(self, name: str, params):
        return self.run(getattr(self.client, name + "_async")(params))


def doc_id(uri: str) -> t.TextDocumentIdentifier:
    return t.TextDocumentIdentifier(uri=uri)


def pos(line: int, character: int) -> t.Position:
    return t.Position(line=line, character=character)


def apply_edits(text: str, edits) -> str:
    """``text`` with LSP text edits (UTF-16 positions) applied."""
    from grammarkit.lsp.positions import TextPositions

    positions = TextPositions(text)
    spans = sorted(
        ((positions.offset(e.range.start.line, e.range.start.character),
          positions.offset(e.range.end.line, e.range.end.character), e.new_text) for e in edits),
        reverse=True,
    )
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text
