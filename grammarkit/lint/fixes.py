"""Applying fixes: ``grammarkit check --fix``, the language server's code actions, the MCP
server's ``apply_fixes`` and the playground's one-click fixes.

A rule attaches a :class:`~grammarkit.core.diagnostics.Fix` to a finding when it knows
edits that remove it: *safe* when the grammar accepts the same inputs afterwards, *unsafe*
when what it accepts changes (applied only with ``unsafe=True``, ``--unsafe-fixes``).

Every fix is verified before it is kept, one at a time: the text is linted again with the
fix applied, and the fix is kept only when

* llguidance still compiles the grammar (if it compiled it before),
* the diagnostic is gone (one fewer of its code, or as many but one fewer with its
  message: the fix revealed another problem of the same kind),
* no new error appears, and
* every sample keeps its verdict.

Otherwise the fix is skipped and :attr:`FixOutcome.skipped` says why. Fixing repeats
until nothing more applies, so a second run changes nothing. :func:`fix_file` writes
atomically (a temporary file renamed over the original; mode, encoding and line endings
kept) and refuses to overwrite a file that changed on disk since it was read.
"""

from __future__ import annotations

import difflib
import os
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grammarkit.core.diagnostics import Diagnostic, Severity
from grammarkit.core.errors import InputError
from grammarkit.core.source import Syntax, detect_syntax, read_grammar_file
from grammarkit.lint.runner import LintResult, lint_text
from grammarkit.samples.files import find_sidecars, load_samples

MAX_ROUNDS = 200
"""Fixes tried on one text at most (each costs one lint)."""


@dataclass
class FixOutcome:
    """What fixing a grammar did. ``remaining`` is the lint of the fixed text."""

    original: str
    text: str
    applied: list[Diagnostic] = field(default_factory=list)
    skipped: list[tuple[Diagnostic, str]] = field(default_factory=list)
    remaining: LintResult | None = None

    @property
    def changed(self) -> bool:
        return self.text != self.original

    def diff(self, path: str = "grammar") -> str:
        return unified_diff(self.original, self.text, path)


def fixable(diagnostics: Iterable[Diagnostic], *, unsafe: bool = False, path: str | None = None) -> list[Diagnostic]:
    """The diagnostics (of the grammar at ``path``, when given) whose fix may be applied."""
    return [
        d
        for d in diagnostics
        if d.fix is not None and (unsafe or d.fix.safety == "safe") and (path is None or d.path == path)
    ]


def fix_text(
    text: str,
    *,
    syntax: Syntax = "lark",
    path: str = "<string>",
    unsafe: bool = False,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    samples: Sequence | None = None,
    engine: str = "auto",
    severity: dict[str, Severity] | None = None,
    tokenizer: str = "byte",
) -> FixOutcome:
    """Apply every verified fix to ``text`` (see the module documentation)."""
    options: dict[str, Any] = {
        "syntax": syntax,
        "path": path,
        "select": list(select) if select is not None else None,
        "ignore": list(ignore) if ignore is not None else None,
        "samples": list(samples or []),
        "engine": engine,
        "severity": severity,
        "tokenizer": tokenizer,
    }
    current = lint_text(text, **options)
    outcome = FixOutcome(text, text)
    refused: set[tuple[str, str, str]] = set()
    for _ in range(MAX_ROUNDS):
        candidates = [d for d in fixable(current.diagnostics, unsafe=unsafe, path=path) if _key(d, text) not in refused]
        if not candidates:
            break
        diagnostic = candidates[0]
        assert diagnostic.fix is not None
        fixed = diagnostic.fix.apply(text)
        after = lint_text(fixed, **options)
        reason = _refusal(diagnostic, current, after, text == fixed)
        if reason is not None:
            refused.add(_key(diagnostic, text))
            outcome.skipped.append((diagnostic, reason))
            continue
        outcome.applied.append(diagnostic)
        text, current = fixed, after
    outcome.text = text
    outcome.remaining = current
    return outcome


def fix_file(
    path: str | os.PathLike[str],
    *,
    syntax: Syntax | None = None,
    unsafe: bool = False,
    write: bool = True,
    sidecars: bool = True,
    sample_files: Sequence[str | os.PathLike[str]] = (),
    samples: Sequence | None = None,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    engine: str = "auto",
    severity: dict[str, Severity] | None = None,
    tokenizer: str = "byte",
) -> FixOutcome:
    """Fix the grammar file at ``path`` (its sidecar samples, ``sample_files`` and
    ``samples`` must keep their verdicts); with ``write``, replace the file atomically
    when something changed. Raises :class:`~grammarkit.core.errors.InputError` when the
    file cannot be read, or changed on disk while it was being fixed."""
    shown = str(path)
    text = read_grammar_file(path)  # bounded; refuses devices, binary and huge files
    raw_before = _read_bytes(shown)
    all_samples = list(samples or [])
    files = list(sample_files)
    if sidecars:
        files.extend(f for f in find_sidecars(path) if f not in files)
    for sample_file in files:
        all_samples.extend(load_samples(sample_file))
    outcome = fix_text(
        text,
        syntax=syntax or detect_syntax(path) or "lark",
        path=shown,
        unsafe=unsafe,
        select=select,
        ignore=ignore,
        samples=all_samples,
        engine=engine,
        severity=severity,
        tokenizer=tokenizer,
    )
    if write and outcome.changed:
        if _read_bytes(shown) != raw_before:
            raise InputError(shown, "changed on disk while it was being fixed; not written")
        write_atomically(shown, outcome.text, like=raw_before)
    return outcome


def write_atomically(path: str, text: str, *, like: bytes | None = None) -> None:
    """Replace the file at ``path`` with ``text``: written to a temporary file in the same
    directory, flushed, given the original's mode, then renamed over it. A file whose
    bytes (``like``) start with a UTF-8 byte order mark keeps it."""
    data = text.encode("utf-8")
    if like is not None and like.startswith(b"\xef\xbb\xbf") and not data.startswith(b"\xef\xbb\xbf"):
        data = b"\xef\xbb\xbf" + data
    target = Path(path)
    try:
        mode = target.stat().st_mode & 0o7777
    except OSError:
        mode = 0o644
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=str(target.parent) or ".")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def unified_diff(old: str, new: str, path: str) -> str:
    """A unified diff of the two texts (``a/PATH`` and ``b/PATH``); empty when equal."""
    if old == new:
        return ""
    lines = difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{path}", f"b/{path}"
    )
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


# --------------------------------------------------------------------------- verification


def _refusal(diagnostic: Diagnostic, before: LintResult, after: LintResult, unchanged: bool) -> str | None:
    """Why the fix must not be kept, or None when it may."""
    if unchanged:
        return "the fix changes nothing"
    compiles_before = not any(d.code in _ENGINE_ERRORS for d in before.errors)
    if compiles_before and any(d.code in _ENGINE_ERRORS for d in after.errors):
        return "llguidance would reject the fixed grammar"
    if not _removed(diagnostic, before, after):
        return "the fix does not remove the diagnostic"
    changed = [
        b.sample.label for b, a in zip(before.samples, after.samples, strict=False) if b.accepted != a.accepted
    ]
    if len(before.samples) != len(after.samples) or changed:
        shown = ", ".join(changed[:3]) + (", ..." if len(changed) > 3 else "")
        return f"a sample would change its verdict ({shown})" if changed else "the samples could not be checked"
    new_errors = Counter((d.code, d.path) for d in after.errors) - Counter((d.code, d.path) for d in before.errors)
    if new_errors:
        codes = ", ".join(sorted({code for code, _ in new_errors}))
        return f"the fixed grammar has a new error ({codes})"
    return None


# Codes whose errors mean llguidance (or the reader) rejects the grammar.
_ENGINE_ERRORS = frozenset({"GK100", "GK109", "GK200"})


def _count(diagnostics: Iterable[Diagnostic], code: str, path: str, message: str | None = None) -> int:
    return sum(
        1 for d in diagnostics if d.code == code and d.path == path and (message is None or d.message == message)
    )


def _removed(diagnostic: Diagnostic, before: LintResult, after: LintResult) -> bool:
    """Whether the fix removed ``diagnostic``: one fewer of its code, or as many but one
    fewer with its message (the fix revealed another problem of the same kind, as
    bounding ``B: /[a-z]+/`` reveals that ``A: B+`` is unbounded)."""
    code, path = diagnostic.code, diagnostic.path
    fewer = _count(after.diagnostics, code, path) - _count(before.diagnostics, code, path)
    if fewer < 0:
        return True
    message = diagnostic.message
    return fewer == 0 and _count(after.diagnostics, code, path, message) < _count(
        before.diagnostics, code, path, message
    )


def _key(diagnostic: Diagnostic, text: str) -> tuple[str, str, str]:
    """Identifies a diagnostic across re-lints of the same text (positions shift as other
    fixes are applied; the message and the edits' text do not)."""
    assert diagnostic.fix is not None
    replaced = "|".join(f"{text[e.start:e.end]}>{e.replacement}" for e in diagnostic.fix.edits)
    return diagnostic.code, diagnostic.message, replaced


def _read_bytes(path: str) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
