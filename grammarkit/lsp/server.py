"""``grammarkit lsp``: the language server (pygls over standard input and output).

The only module that speaks the protocol: the grammar analysis it shows lives below it
(:mod:`grammarkit.analysis.symbols`, :mod:`grammarkit.lint`), and what is editor-specific
but protocol-free in :mod:`grammarkit.lsp.documents`, :mod:`~grammarkit.lsp.positions`,
:mod:`~grammarkit.lsp.hover` and :mod:`~grammarkit.lsp.completion`.

Linting runs on one worker thread, debounced (:data:`DEFAULT_DEBOUNCE_MS` after the last
change), in two steps: the grammar's own diagnostics are published as soon as its rules
have run, then the samples' verdicts (which build llguidance's matcher and a Lark parser)
for the grammar and its samples files. A result is dropped when a document it read has
changed since. ``initializationOptions`` may set ``debounceMs`` and ``maxChars`` (see
:data:`grammarkit.lsp.documents.MAX_LIVE_CHARS`).
"""

from __future__ import annotations

import asyncio
import logging
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types as t
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from grammarkit.analysis.symbols import RenameError, Symbols
from grammarkit.core.diagnostics import Diagnostic, Edit, Severity
from grammarkit.core.source import Syntax
from grammarkit.core.version import __version__
from grammarkit.lint.fixes import FixOutcome
from grammarkit.lint.registry import get_rule
from grammarkit.lint.suppressions import suppression_edit
from grammarkit.lsp.completion import complete
from grammarkit.lsp.documents import (
    MAX_LIVE_CHARS,
    DocumentLint,
    fix_document,
    grammar_syntax,
    is_samples_file,
    lint_document,
    note,
    sample_verdicts,
    sidecar_grammars,
)
from grammarkit.lsp.hover import code_at, rule_markdown, symbol_markdown
from grammarkit.lsp.positions import UTF16, TextChange, TextPositions, apply_changes
from grammarkit.samples.checker import CheckCancelled, CheckerCache
from grammarkit.samples.files import SIDECAR_SUFFIXES

log = logging.getLogger("grammarkit.lsp")

DEFAULT_DEBOUNCE_MS = 200
SOURCE = "grammarkit"
REQUEST_FAILED = -32803  # LSP ErrorCodes.RequestFailed: shown to the user as is
UNNECESSARY = {"GK229", "GK290"}  # unused definitions and suppressions: shown faded

_SEVERITIES = {
    Severity.ERROR: t.DiagnosticSeverity.Error,
    Severity.WARNING: t.DiagnosticSeverity.Warning,
    Severity.INFO: t.DiagnosticSeverity.Information,
}


@dataclass
class OpenDocument:
    """A document the editor has open, with its current text."""

    uri: str
    path: str  # the file's path, or the URI for a document that is not a file
    text: str
    version: int | None
    language_id: str = ""
    on_disk: bool = True  # a file: URI (its folder's configuration and samples apply)

    @property
    def syntax(self) -> Syntax | None:
        """``lark`` or ``regex`` for a grammar (by suffix, else by language id), else None."""
        return grammar_syntax(self.path if self.on_disk else None, self.language_id)

    @property
    def is_samples(self) -> bool:
        return is_samples_file(self.path)


@dataclass
class Published:
    """What was last published for a document: the text it was computed on, and each
    grammarkit diagnostic with its protocol form (for code actions)."""

    version: int | None
    text: str
    items: list[tuple[Diagnostic, t.Diagnostic]] = field(default_factory=list)


class GrammarkitServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("grammarkit", __version__, text_document_sync_kind=t.TextDocumentSyncKind.Incremental)
        self.documents: dict[str, OpenDocument] = {}  # by URI
        self.debounce = DEFAULT_DEBOUNCE_MS / 1000
        self.max_chars = MAX_LIVE_CHARS
        self.published: dict[str, Published] = {}
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="grammarkit-lint")
        self.reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="grammarkit-symbols")
        self._checkers = CheckerCache()  # used on the worker thread only
        self._pending: dict[str, asyncio.Task] = {}  # grammar path -> its scheduled lint
        self._samples_of: dict[str, list[str]] = {}  # grammar path -> the samples files it used
        self._symbols: dict[str, tuple[int | None, str, Symbols | None, bool]] = {}
        self._uris: dict[str, str] = {}  # path -> the URI it was published under
        self.verdicts: dict[str, tuple[str, dict[int, str]]] = {}  # samples file URI -> text, line -> verdicts

    # -- documents ------------------------------------------------------------------

    @property
    def encoding(self) -> str:
        try:
            chosen = self.workspace.position_encoding
        except RuntimeError:
            return UTF16
        if isinstance(chosen, t.PositionEncodingKind):
            return chosen.value
        return chosen or UTF16

    @property
    def resolves_edits(self) -> bool:
        """Whether the client resolves a code action's edit lazily (codeAction/resolve)."""
        caps = self.client_capabilities.text_document
        support = caps.code_action.resolve_support if caps and caps.code_action else None
        return support is not None and "edit" in support.properties

    def positions(self, text: str) -> TextPositions:
        return TextPositions(text, self.encoding)

    def by_path(self, path: str) -> OpenDocument | None:
        for doc in self.documents.values():
            if doc.path == path:
                return doc
        return None

    def uri_for(self, path: str) -> str:
        doc = self.by_path(path)
        if doc is not None:
            self._uris[path] = doc.uri
            return doc.uri
        return self._uris.get(path) or from_fs_path(path) or path

    async def symbols(self, doc: OpenDocument) -> tuple[Symbols | None, bool]:
        """The symbols of a Lark document's current text (cached per version), and whether
        the whole text was read. Read on a thread of their own: a large grammar takes
        a while, and neither the protocol nor the linting waits for it."""
        if doc.syntax != "lark":
            return None, False
        cached = self._symbols.get(doc.uri)
        if cached is not None and cached[0] == doc.version and cached[1] == doc.text:
            return cached[2], cached[3]
        text, version = doc.text, doc.version
        found, read_ok = await self.in_reader(_read_symbols, text)
        self._symbols[doc.uri] = (version, text, found, read_ok)
        return found, read_ok

    async def in_reader(self, function, *args):
        """Run ``function(*args)`` on the thread that serves navigation requests."""
        return await asyncio.get_running_loop().run_in_executor(self.reader, function, *args)

    # -- scheduling -----------------------------------------------------------------

    def grammars_for(self, doc: OpenDocument) -> list[str]:
        """The grammar paths to lint when ``doc`` changes."""
        if doc.syntax is not None:
            return [doc.path]
        if not doc.is_samples:
            return []
        found = [g for g, files in self._samples_of.items() if doc.path in files]
        for candidate in sidecar_grammars(doc.path):
            path = str(candidate)
            if path not in found and (self.by_path(path) is not None or candidate.is_file()):
                found.append(path)
        return found

    def schedule(self, grammar: str, delay: float | None = None) -> None:
        previous = self._pending.pop(grammar, None)
        if previous is not None:
            previous.cancel()
        self._pending[grammar] = asyncio.get_running_loop().create_task(
            self._lint_later(grammar, self.debounce if delay is None else delay)
        )

    async def _lint_later(self, grammar: str, delay: float) -> None:
        if delay > 0:
            await asyncio.sleep(delay)
        loop = asyncio.get_running_loop()
        doc = self.by_path(grammar)
        if doc is not None:
            text, syntax, on_disk = doc.text, doc.syntax, doc.on_disk
        else:
            syntax = grammar_syntax(grammar)
            try:
                text = await loop.run_in_executor(self.worker, _read_text, grammar)
            except Exception as exc:  # the grammar went away: nothing to lint
                log.info("cannot read %s: %s", grammar, exc)
                return
            on_disk = True
        if syntax is None:
            return
        open_texts = {d.path: d.text for d in self.documents.values() if d.is_samples}
        # the documents this lint reads: a change to one of them makes its result stale
        related = {grammar, *self._samples_of.get(grammar, ()), *_sidecar_paths(grammar)}
        snapshot = {d.uri: d.version for d in self.documents.values() if d.path in related}

        def early(lint: DocumentLint) -> None:
            loop.call_soon_threadsafe(self.publish, lint, snapshot)

        def job() -> DocumentLint | None:
            if self.stale(snapshot):
                return None  # a document changed while this waited: a newer lint follows
            # ...or while the samples are checked: stop there, the next lint needs the thread
            self._checkers.should_stop = lambda: self.stale(snapshot)
            try:
                return lint_document(
                    grammar,
                    text,
                    syntax,
                    open_texts=open_texts,
                    on_disk=on_disk,
                    checkers=self._checkers,
                    on_grammar=early,
                    max_chars=self.max_chars,
                )
            except CheckCancelled:
                return None
            except Exception as exc:  # a bug: say so where the user looks, and keep serving
                log.exception("linting %s failed", grammar)
                failed = DocumentLint(grammar, texts={grammar: text})
                failed.diagnostics[grammar] = [note(grammar, f"grammarkit failed on this grammar: {exc!r}")]
                return failed
            finally:
                self._checkers.should_stop = None

        lint = await loop.run_in_executor(self.worker, job)
        if self._pending.get(grammar) is asyncio.current_task():
            del self._pending[grammar]
        if lint is not None:
            self._samples_of[grammar] = lint.sample_files
            self.publish(lint, snapshot)

    # -- publishing -----------------------------------------------------------------

    def stale(self, snapshot: dict[str, int | None]) -> bool:
        """Whether a document open when ``snapshot`` was taken has changed or closed since."""
        documents = dict(self.documents)  # may be called from the worker thread
        return any(uri not in documents or documents[uri].version != v for uri, v in snapshot.items())

    def publish(self, lint: DocumentLint, snapshot: dict[str, int | None]) -> None:
        """Publish a lint's diagnostics, unless a document it read has changed since (an
        early result: the grammar's only, the samples files keep theirs until the rest)."""
        if self.stale(snapshot):
            return  # a newer lint is on its way
        for path, diagnostics in lint.diagnostics.items():
            if not lint.complete and path != lint.grammar:
                continue
            doc = self.by_path(path)
            if doc is not None and doc.uri not in snapshot:
                continue  # opened since: its own lint is on its way
            uri = self.uri_for(path)
            version = doc.version if doc is not None else None
            text = lint.texts.get(path, "")
            positions = self.positions(text)
            items = [(d, to_lsp(d, positions, whole_line=path != lint.grammar)) for d in diagnostics]
            self.published[uri] = Published(version, text, items)
            self.text_document_publish_diagnostics(
                t.PublishDiagnosticsParams(uri=uri, diagnostics=[lsp for _, lsp in items], version=version)
            )
        if lint.complete and lint.result is not None and lint.sample_files:
            verdicts = sample_verdicts(lint.result)
            for path in lint.sample_files:
                self.verdicts[self.uri_for(path)] = (lint.texts.get(path, ""), verdicts.get(path, {}))
            caps = self.client_capabilities.workspace
            if caps and caps.inlay_hint and caps.inlay_hint.refresh_support:
                self.workspace_inlay_hint_refresh(None)

    def close_grammar(self, path: str) -> None:
        """A grammar was closed: lint it from disk while one of its samples files is still
        open (they show its verdicts), else clear its diagnostics and its samples files'."""
        files = self._samples_of.get(path, [])
        if any(self.by_path(f) is not None for f in files) and Path(path).is_file():
            self.schedule(path, delay=0)
            return
        self._samples_of.pop(path, None)
        still_used = {f for g, fs in self._samples_of.items() for f in fs}
        for p in [path, *files]:
            if p in still_used:
                continue
            uri = self.uri_for(p)
            self.published.pop(uri, None)
            self.verdicts.pop(uri, None)
            self.text_document_publish_diagnostics(t.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


def _read_symbols(text: str) -> tuple[Symbols, bool]:
    from grammarkit.reader import read_grammar

    read = read_grammar(text)
    return Symbols(read.grammar), read.ok


def _sidecar_paths(grammar: str) -> list[str]:
    p = Path(grammar)
    stem = p.name[: -len(p.suffix)] if p.suffix else p.name
    return [str(p.with_name(stem + suffix)) for suffix in SIDECAR_SUFFIXES]


def _read_text(path: str) -> str:
    from grammarkit.core.source import read_grammar_file

    return read_grammar_file(path)


def to_lsp(d: Diagnostic, positions: TextPositions, *, whole_line: bool = False) -> t.Diagnostic:
    """A grammarkit diagnostic in the protocol's form. ``whole_line``: the range is the
    text of the diagnostic's first line (a sample's line in its samples file)."""
    if whole_line:
        start = positions.grammarkit_offset(d.line, 1)
        line_end = positions.text.find("\n", start)
        line_end = len(positions.text) if line_end == -1 else line_end
        content = positions.text[start:line_end].rstrip()
        end = start + len(content)
        start += len(content) - len(content.lstrip())
    else:
        start = positions.grammarkit_offset(d.line, d.column)
        end = max(start, positions.grammarkit_offset(d.end_line, d.end_column))
    message = d.message + (f"\nhint: {d.hint}" if d.hint else "")
    data: dict[str, Any] = {"name": d.name}
    if d.fix is not None:
        data["fix"] = {"title": d.fix.title, "safety": d.fix.safety}
    return t.Diagnostic(
        range=_range(positions, start, end),
        message=message,
        severity=_SEVERITIES[d.severity],
        code=d.code or None,
        source=SOURCE,
        tags=[t.DiagnosticTag.Unnecessary] if d.code in UNNECESSARY else None,
        data=data,
    )


def _range(positions: TextPositions, start: int, end: int) -> t.Range:
    sl, sc = positions.position(start)
    el, ec = positions.position(end)
    return t.Range(start=t.Position(line=sl, character=sc), end=t.Position(line=el, character=ec))


def _text_edits(positions: TextPositions, edits: tuple[Edit, ...] | list[Edit]) -> list[t.TextEdit]:
    return [t.TextEdit(range=_range(positions, e.start, e.end), new_text=e.replacement) for e in edits]


def _overlaps(a: t.Range, b: t.Range) -> bool:
    def key(p: t.Position) -> tuple[int, int]:
        return p.line, p.character

    return key(a.start) <= key(b.end) and key(b.start) <= key(a.end)


def _request_failed(message: str) -> JsonRpcException:
    return JsonRpcException(message=message, code=REQUEST_FAILED)


# ---------------------------------------------------------------------- the handlers

server = GrammarkitServer()


@server.feature(t.INITIALIZE)
def initialize(ls: GrammarkitServer, params: t.InitializeParams) -> None:
    options = params.initialization_options if isinstance(params.initialization_options, dict) else {}
    if isinstance(options.get("debounceMs"), (int, float)) and options["debounceMs"] >= 0:
        ls.debounce = options["debounceMs"] / 1000
    if isinstance(options.get("maxChars"), int) and options["maxChars"] > 0:
        ls.max_chars = options["maxChars"]


@server.feature(t.INITIALIZED)
async def initialized(ls: GrammarkitServer, params: t.InitializedParams) -> None:
    """Ask the client to tell about configuration and samples files changing on disk."""
    caps = ls.client_capabilities.workspace
    watched = caps.did_change_watched_files if caps else None
    if watched is None or not watched.dynamic_registration:
        return
    patterns = ["**/pyproject.toml", "**/*.samples.toml", "**/*.samples.json", "**/*.lark", "**/*.regex"]
    options = t.DidChangeWatchedFilesRegistrationOptions(
        watchers=[t.FileSystemWatcher(glob_pattern=p) for p in patterns]
    )
    registration = t.Registration(
        id="grammarkit-files", method=t.WORKSPACE_DID_CHANGE_WATCHED_FILES, register_options=options
    )
    try:
        await ls.client_register_capability_async(t.RegistrationParams(registrations=[registration]))
    except Exception as exc:  # the client said no: configuration changes apply on the next edit
        log.info("could not register file watchers: %s", exc)


def _open(ls: GrammarkitServer, uri: str, text: str, version: int | None, language_id: str) -> OpenDocument:
    path = to_fs_path(uri) if uri.startswith("file:") else None
    doc = OpenDocument(uri, str(Path(path)) if path else uri, text, version, language_id, on_disk=path is not None)
    ls.documents[uri] = doc
    return doc


@server.feature(t.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: GrammarkitServer, params: t.DidOpenTextDocumentParams) -> None:
    item = params.text_document
    doc = _open(ls, item.uri, item.text, item.version, item.language_id)
    for grammar in ls.grammars_for(doc):
        ls.schedule(grammar, delay=0)


@server.feature(t.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: GrammarkitServer, params: t.DidChangeTextDocumentParams) -> None:
    doc = ls.documents.get(params.text_document.uri)
    if doc is None:
        return
    changes = []
    for change in params.content_changes:
        if isinstance(change, t.TextDocumentContentChangePartial):
            r = change.range
            changes.append(TextChange(change.text, (r.start.line, r.start.character), (r.end.line, r.end.character)))
        else:
            changes.append(TextChange(change.text))
    doc.text = apply_changes(doc.text, changes, ls.encoding)
    doc.version = params.text_document.version
    for grammar in ls.grammars_for(doc):
        ls.schedule(grammar)


@server.feature(t.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: GrammarkitServer, params: t.DidCloseTextDocumentParams) -> None:
    doc = ls.documents.pop(params.text_document.uri, None)
    ls._symbols.pop(params.text_document.uri, None)
    if doc is None:
        return
    if doc.syntax is not None:
        ls.close_grammar(doc.path)
    elif doc.is_samples:
        for grammar in ls.grammars_for(doc):
            if ls.by_path(grammar) is not None:
                ls.schedule(grammar, delay=0)  # the file on disk counts again
            else:
                ls.close_grammar(grammar)


@server.feature(t.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def did_change_watched_files(ls: GrammarkitServer, params: t.DidChangeWatchedFilesParams) -> None:
    # a configuration or samples file changed on disk: lint every open grammar again
    for doc in list(ls.documents.values()):
        if doc.syntax is not None:
            ls.schedule(doc.path)


FIX_ALL = "source.fixAll.grammarkit"
FIX_ALL_TITLE = "Fix all auto-fixable grammarkit problems (safe, verified)"


@server.feature(
    t.TEXT_DOCUMENT_CODE_ACTION,
    t.CodeActionOptions(code_action_kinds=[t.CodeActionKind.QuickFix, FIX_ALL], resolve_provider=True),
)
async def code_action(ls: GrammarkitServer, params: t.CodeActionParams) -> list[t.CodeAction]:
    uri = params.text_document.uri
    doc = ls.documents.get(uri)
    published = ls.published.get(uri)
    if doc is None or published is None or published.text != doc.text:
        return []  # diagnostics not computed on this text (yet): their edits would not fit
    only = [str(k.value if isinstance(k, t.CodeActionKind) else k) for k in params.context.only or ()]
    quick = not only or any(k.startswith("quickfix") for k in only)
    fix_all = any(k == "source" or FIX_ALL.startswith(k + ".") or k == FIX_ALL for k in only)
    actions = code_actions(uri, doc, published.items, params.range, ls.encoding) if quick else []
    safe = [d for d, _ in published.items if d.path == doc.path and d.fix is not None and d.fix.safety == "safe"]
    if not safe or not (fix_all or any(a.is_preferred for a in actions)):
        return actions
    action = t.CodeAction(
        title=FIX_ALL_TITLE,
        kind=FIX_ALL if fix_all else t.CodeActionKind.QuickFix,
        data={"uri": uri, "version": doc.version},
    )
    if ls.resolves_edits:
        actions.append(action)
    elif fix_all:  # asked for explicitly (on save, say): work it out now
        actions.append(await resolve_code_action(ls, action))
    return actions


@server.feature(t.CODE_ACTION_RESOLVE)
async def resolve_code_action(ls: GrammarkitServer, action: t.CodeAction) -> t.CodeAction:
    """"Fix all": every safe fix, each verified by linting again (see
    :mod:`grammarkit.lint.fixes`), as one edit of the current text."""
    data = action.data if isinstance(action.data, dict) else {}
    doc = ls.documents.get(str(data.get("uri", "")))
    if doc is None or doc.syntax is None or action.title != FIX_ALL_TITLE:
        return action
    text, version, syntax = doc.text, doc.version, doc.syntax
    open_texts = {d.path: d.text for d in ls.documents.values() if d.is_samples}

    def fix() -> FixOutcome | None:
        return fix_document(doc.path, text, syntax, open_texts=open_texts, on_disk=doc.on_disk, max_chars=ls.max_chars)

    outcome = await asyncio.get_running_loop().run_in_executor(ls.worker, fix)
    if outcome is None or not outcome.changed or doc.version != version:
        return action
    start, end, replacement = _one_edit(text, outcome.text)
    action.edit = t.WorkspaceEdit(changes={doc.uri: _text_edits(ls.positions(text), [Edit(start, end, replacement)])})
    return action


def _one_edit(old: str, new: str) -> tuple[int, int, str]:
    """One replacement turning ``old`` into ``new``: the span between their common prefix
    and suffix (so an editor keeps the cursor and folds outside it)."""
    prefix = 0
    limit = min(len(old), len(new))
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[len(old) - 1 - suffix] == new[len(new) - 1 - suffix]:
        suffix += 1
    return prefix, len(old) - suffix, new[prefix : len(new) - suffix]


def code_actions(
    uri: str, doc: OpenDocument, items: list[tuple[Diagnostic, t.Diagnostic]], where: t.Range, encoding: str = UTF16
) -> list[t.CodeAction]:
    """The quick fixes for the diagnostics of ``doc`` that touch ``where``: each
    diagnostic's own fix (unsafe ones say so in the title), and in Lark grammars "Suppress
    GKxxx on this line" (a ``// grammarkit: ignore[GKxxx]`` comment)."""
    positions = TextPositions(doc.text, encoding)
    actions: list[t.CodeAction] = []
    suppressed: set[tuple[str, int]] = set()
    for d, lsp in items:
        if not _overlaps(lsp.range, where) or d.path != doc.path:
            continue
        if d.fix is not None and d.fix.edits:
            title = d.fix.title
            if d.fix.safety != "safe":
                title += " (unsafe: changes what the grammar accepts)"
            actions.append(
                t.CodeAction(
                    title=title,
                    kind=t.CodeActionKind.QuickFix,
                    diagnostics=[lsp],
                    is_preferred=d.fix.safety == "safe",
                    edit=t.WorkspaceEdit(changes={uri: _text_edits(positions, d.fix.edits)}),
                )
            )
        rule = get_rule(d.code) if d.code else None
        if doc.syntax != "lark" or rule is None or not rule.suppressible or (d.code, d.line) in suppressed:
            continue
        edit = suppression_edit(doc.text, d.line, d.code)
        if edit is None:
            continue
        suppressed.add((d.code, d.line))
        actions.append(
            t.CodeAction(
                title=f"Suppress {d.code} on this line",
                kind=t.CodeActionKind.QuickFix,
                diagnostics=[lsp],
                edit=t.WorkspaceEdit(changes={uri: _text_edits(positions, [edit])}),
            )
        )
    return actions


@server.feature(t.TEXT_DOCUMENT_HOVER)
async def hover(ls: GrammarkitServer, params: t.HoverParams) -> t.Hover | None:
    doc = ls.documents.get(params.text_document.uri)
    if doc is None or doc.syntax != "lark":
        return None
    positions = ls.positions(doc.text)
    offset = positions.offset(params.position.line, params.position.character)
    found = code_at(doc.text, offset)
    if found is not None:
        markdown = rule_markdown(found[0])
        if markdown is not None:
            return t.Hover(
                contents=t.MarkupContent(kind=t.MarkupKind.Markdown, value=markdown),
                range=_range(positions, found[1], found[2]),
            )
    symbols, _ = await ls.symbols(doc)
    occ = symbols.at(offset) if symbols is not None else None
    if symbols is None or occ is None:
        return None
    facts = await ls.in_reader(symbols.facts, occ) if len(doc.text) <= ls.max_chars else None
    if facts is None:  # too large to analyse as you type: the definition only
        where = symbols.definition(occ)
        value = f"`{occ.name}`" + (f" (line {positions.position(where.start)[0] + 1})" if where else "")
    else:
        value = symbol_markdown(facts)
    return t.Hover(
        contents=t.MarkupContent(kind=t.MarkupKind.Markdown, value=value),
        range=_range(positions, occ.start, occ.end),
    )


async def _occurrence(ls: GrammarkitServer, uri: str, position: t.Position):
    doc = ls.documents.get(uri)
    if doc is None:
        return None, None, None
    symbols, _ = await ls.symbols(doc)
    if symbols is None:
        return doc, None, None
    offset = ls.positions(doc.text).offset(position.line, position.character)
    return doc, symbols, symbols.at(offset)


@server.feature(t.TEXT_DOCUMENT_DEFINITION)
async def definition(ls: GrammarkitServer, params: t.DefinitionParams) -> list[t.Location] | None:
    doc, symbols, occ = await _occurrence(ls, params.text_document.uri, params.position)
    if doc is None or symbols is None or occ is None:
        return None
    found = symbols.definition(occ)
    if found is None:
        return None
    return [t.Location(uri=doc.uri, range=_range(ls.positions(doc.text), found.start, found.end))]


@server.feature(t.TEXT_DOCUMENT_REFERENCES)
async def references(ls: GrammarkitServer, params: t.ReferenceParams) -> list[t.Location] | None:
    doc, symbols, occ = await _occurrence(ls, params.text_document.uri, params.position)
    if doc is None or symbols is None or occ is None:
        return None
    positions = ls.positions(doc.text)
    found = symbols.references(occ, include_definitions=params.context.include_declaration)
    return [t.Location(uri=doc.uri, range=_range(positions, o.start, o.end)) for o in found]


@server.feature(t.TEXT_DOCUMENT_PREPARE_RENAME)
async def prepare_rename(ls: GrammarkitServer, params: t.PrepareRenameParams):
    doc, symbols, occ = await _occurrence(ls, params.text_document.uri, params.position)
    if doc is None or symbols is None or occ is None:
        return None
    if occ.name == "start" and symbols.definition(occ) is not None:
        raise _request_failed("start is the grammar's entry point: llguidance needs a rule named start")
    return t.PrepareRenamePlaceholder(range=_range(ls.positions(doc.text), occ.start, occ.end), placeholder=occ.name)


@server.feature(t.TEXT_DOCUMENT_RENAME, t.RenameOptions(prepare_provider=True))
async def rename(ls: GrammarkitServer, params: t.RenameParams) -> t.WorkspaceEdit | None:
    doc, symbols, occ = await _occurrence(ls, params.text_document.uri, params.position)
    if doc is None or symbols is None or occ is None:
        raise _request_failed("no rule or terminal name here")
    _, read_ok = await ls.symbols(doc)
    if not read_ok:
        raise _request_failed(
            "the grammar has syntax errors: fix them first (a name in unreadable text would be missed)"
        )
    try:
        edits = symbols.rename(occ, params.new_name)
    except RenameError as err:
        raise _request_failed(str(err)) from None
    return t.WorkspaceEdit(changes={doc.uri: _text_edits(ls.positions(doc.text), edits)})


_SYMBOL_KINDS = {"rule": t.SymbolKind.Function, "terminal": t.SymbolKind.Constant, "import": t.SymbolKind.Constant}


@server.feature(t.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
async def document_symbols(ls: GrammarkitServer, params: t.DocumentSymbolParams) -> list[t.DocumentSymbol] | None:
    doc = ls.documents.get(params.text_document.uri)
    if doc is None:
        return None
    symbols, _ = await ls.symbols(doc)
    if symbols is None:
        return []
    positions = ls.positions(doc.text)

    def convert(item) -> t.DocumentSymbol:
        return t.DocumentSymbol(
            name=item.name,
            kind=_SYMBOL_KINDS[item.kind],
            range=_range(positions, item.start, item.end),
            selection_range=_range(positions, item.name_start, item.name_end),
            detail=item.detail or item.kind,
            children=[convert(c) for c in item.children] or None,
        )

    return [convert(item) for item in symbols.outline()]


_COMPLETION_KINDS = {
    "rule": t.CompletionItemKind.Function,
    "terminal": t.CompletionItemKind.Constant,
    "directive": t.CompletionItemKind.Keyword,
    "common": t.CompletionItemKind.Constant,
}


@server.feature(t.TEXT_DOCUMENT_COMPLETION, t.CompletionOptions(trigger_characters=["%", ".", "("]))
async def completion(ls: GrammarkitServer, params: t.CompletionParams) -> t.CompletionList | None:
    doc = ls.documents.get(params.text_document.uri)
    if doc is None or doc.syntax != "lark":
        return None
    positions = ls.positions(doc.text)
    offset = positions.offset(params.position.line, params.position.character)
    symbols, _ = await ls.symbols(doc)
    items = [
        t.CompletionItem(
            label=c.label,
            kind=_COMPLETION_KINDS[c.kind],
            detail=c.detail,
            text_edit=t.TextEdit(range=_range(positions, c.start, c.end), new_text=c.insert),
        )
        for c in complete(doc.text, offset, symbols)
    ]
    return t.CompletionList(is_incomplete=False, items=items)


@server.feature(t.TEXT_DOCUMENT_INLAY_HINT)
def inlay_hints(ls: GrammarkitServer, params: t.InlayHintParams) -> list[t.InlayHint] | None:
    """Each sample's verdict at the end of its line in the samples file."""
    doc = ls.documents.get(params.text_document.uri)
    found = ls.verdicts.get(params.text_document.uri)
    if doc is None or found is None or found[0] != doc.text:
        return None  # verdicts of another text: they would land on the wrong lines
    text, verdicts = found
    positions = ls.positions(text)
    hints = []
    for line, words in sorted(verdicts.items()):
        start = positions.grammarkit_offset(line, 1)
        end = text.find("\n", start)
        end = len(text) if end == -1 else end
        while end > start and text[end - 1] in " \t\r":
            end -= 1
        lsp_line, character = positions.position(end)
        if params.range.start.line <= lsp_line <= params.range.end.line:
            hints.append(
                t.InlayHint(position=t.Position(line=lsp_line, character=character), label=words, padding_left=True)
            )
    return hints


@server.feature(t.SHUTDOWN)
def shutdown(ls: GrammarkitServer, params: None) -> None:
    for task in ls._pending.values():
        task.cancel()
    ls._pending.clear()


def serve() -> int:
    """Serve over standard input and output until the client says exit."""
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="grammarkit lsp: %(levelname)s %(message)s")
    server.start_io()
    return 0


__all__ = ["DEFAULT_DEBOUNCE_MS", "GrammarkitServer", "serve", "server", "to_lsp"]
