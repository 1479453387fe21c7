"""The library entry points: lint grammar text or files, get every diagnostic at once."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .context import LintContext
from .diagnostics import Diagnostic, Severity

GRAMMAR_SUFFIXES = {".lark": "lark", ".regex": "regex"}
MAX_GRAMMAR_BYTES = 4 * 1024 * 1024


class InputError(Exception):
    """A file that cannot be linted at all (missing, unreadable, not UTF-8, binary, too big)."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


@dataclass
class LintResult:
    """The diagnostics of one grammar, sorted by position, and its samples' results."""

    path: str
    syntax: str
    diagnostics: list[Diagnostic]
    text: str = field(repr=False, default="")
    samples: list = field(default_factory=list)  # SampleResult, when samples were given

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors

    def codes(self) -> list[str]:
        return [d.code for d in self.diagnostics]


def detect_syntax(path: str | os.PathLike[str]) -> str | None:
    return GRAMMAR_SUFFIXES.get(Path(path).suffix.lower())


def lint_text(
    text: str,
    *,
    syntax: str = "lark",
    path: str = "<string>",
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    samples: Sequence | None = None,
    engine: str = "auto",
    severity: dict[str, Severity] | None = None,
) -> LintResult:
    """Lint grammar ``text`` and return every diagnostic, sorted by position.

    Inline ``grammarkit: ignore[...]`` comments suppress diagnostics (see
    :mod:`grammarkit.suppressions`); ``severity`` maps rule codes to the severity to
    report them with.

    ``select``/``ignore`` take rule codes (or code prefixes such as ``GK1``) or names.
    ``samples`` (:class:`grammarkit.samples.Sample`) are checked with llguidance and the
    local Lark parser (``engine``: auto, both, llguidance or lark); mismatches and
    disagreements become diagnostics and ``LintResult.samples`` holds every verdict.
    """
    if syntax not in ("lark", "regex"):
        raise ValueError(f"unknown grammar syntax {syntax!r} (expected 'lark' or 'regex')")
    from .rules import all_rules

    ctx = LintContext(text=text, syntax=syntax, path=path, samples=list(samples or []), engine_choice=engine)
    produced: list[tuple[object, object]] = []
    for rule in sorted(all_rules(), key=lambda r: r.after_others):
        if syntax not in rule.syntaxes:
            continue
        for finding in rule.check(ctx):
            ctx.found.append((rule.code, finding))
            produced.append((rule, finding))
    suppressions = ctx.suppressions
    if suppressions:
        from .suppressions import apply as suppressed
    overrides = severity or {}
    diagnostics = []
    for rule, finding in produced:
        if not _selected(rule.code, rule.name, select, ignore):
            continue
        if (
            suppressions
            and finding.path is None
            and rule.code != "GK290"
            and suppressed(suppressions, rule.code, rule.name, finding.span.line)
        ):
            continue
        d = Diagnostic.at(
            finding.span,
            code=rule.code,
            name=rule.name,
            severity=overrides.get(rule.code, rule.severity),
            message=finding.message,
            hint=finding.hint,
            path=finding.path or path,
        )
        if finding.snippet:
            d.extra["snippet"] = finding.snippet
        diagnostics.append(d)
    if not ctx.engine.ok and ctx.engine.error is not None:
        _keep_engine_rejection(ctx, diagnostics, path, select, ignore)
    diagnostics.sort(key=lambda d: (d.path != path, d.path, d.line, d.column, d.code, d.message))
    return LintResult(path=path, syntax=syntax, diagnostics=diagnostics, text=text, samples=ctx.sample_results)


def _keep_engine_rejection(ctx, diagnostics: list[Diagnostic], path: str, select, ignore) -> None:
    """llguidance rejects the grammar: if the errors that explained it were suppressed or
    deselected, report GK109 after all (unless GK109 itself is), so it cannot pass."""
    if any(d.is_error and d.path == path for d in diagnostics):
        return
    from .rules import engine_rejected

    code, name = engine_rejected.CODE, engine_rejected.NAME
    if not _selected(code, name, select, ignore):
        return
    finding = engine_rejected.finding(ctx)
    if ctx.suppressions:
        from .suppressions import apply

        if apply(ctx.suppressions, code, name, finding.span.line):
            return
    diagnostics.append(
        Diagnostic.at(
            finding.span,
            code=code,
            name=name,
            severity=engine_rejected.SEVERITY,
            message=finding.message,
            hint=finding.hint,
            path=path,
        )
    )


def _matches(code: str, name: str, patterns: Iterable[str]) -> bool:
    from .rules import matches

    return any(matches(p, code, name) for p in patterns)


def _selected(code: str, name: str, select, ignore) -> bool:
    if select is not None and not _matches(code, name, select):
        return False
    if ignore is not None and _matches(code, name, ignore):
        return False
    return True


def read_grammar_file(path: str | os.PathLike[str]) -> str:
    """Read a grammar file as UTF-8 text, or raise :class:`InputError` with a clear message."""
    p = Path(path)
    shown = str(path)
    try:
        size = p.stat().st_size
        if p.is_dir():
            raise InputError(shown, "is a directory")
        if size > MAX_GRAMMAR_BYTES:
            raise InputError(shown, f"file is too large ({size} bytes; the limit is {MAX_GRAMMAR_BYTES})")
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError(shown, "no such file") from None
    except PermissionError:
        raise InputError(shown, "permission denied") from None
    except IsADirectoryError:
        raise InputError(shown, "is a directory") from None
    except OSError as exc:
        raise InputError(shown, f"cannot read: {exc.strerror or exc}") from None
    return decode_grammar_bytes(data, shown)


def read_grammar_stdin(limit: int = MAX_GRAMMAR_BYTES) -> str:
    """Grammar text from standard input, reading at most ``limit`` bytes (one more tells
    it is too large), decoded like a file."""
    import sys

    data = sys.stdin.buffer.read(limit + 1)
    if len(data) > limit:
        raise InputError("<stdin>", f"input is too large (more than {limit} bytes)")
    return decode_grammar_bytes(data, "<stdin>")


def decode_grammar_bytes(data: bytes, shown: str) -> str:
    if b"\x00" in data:
        pos = data.index(b"\x00")
        raise InputError(shown, f"binary file (NUL byte at offset {pos}); a grammar must be UTF-8 text")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            shown, f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}, line {line})"
        ) from None


def lint_file(
    path: str | os.PathLike[str],
    *,
    syntax: str | None = None,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    samples: Sequence | None = None,
    sidecars: bool = False,
    sample_files: Sequence[str | os.PathLike[str]] = (),
    engine: str = "auto",
    severity: dict[str, Severity] | None = None,
) -> LintResult:
    """Lint one grammar file. The syntax comes from the suffix unless given.

    Samples are checked too: ``samples`` given, then those in ``sample_files``, then with
    ``sidecars=True`` the samples files beside it (``x.samples.toml``, ``x.samples.json``)."""
    syntax = syntax or detect_syntax(path) or "lark"
    text = read_grammar_file(path)
    all_samples = list(samples or [])
    files = list(sample_files)
    if sidecars:
        from .samples import find_sidecars

        files.extend(f for f in find_sidecars(path) if f not in files)
    if files:
        from .samples import load_samples

        for sample_file in files:
            all_samples.extend(load_samples(sample_file))
    return lint_text(
        text,
        syntax=syntax,
        path=str(path),
        select=select,
        ignore=ignore,
        samples=all_samples,
        engine=engine,
        severity=severity,
    )


def collect_grammar_files(paths: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """Expand directories (recursively) to their ``.lark``/``.regex`` files, sorted.

    Raises :class:`InputError` for a missing path or a directory with no grammars.
    """
    files: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted(
                f
                for f in p.rglob("*")
                if f.is_file() and f.suffix.lower() in GRAMMAR_SUFFIXES and not _hidden(f, p)
            )
            if not found:
                raise InputError(str(raw), "directory has no .lark or .regex grammars")
            files.extend(found)
        elif p.exists():
            files.append(p)
        else:
            raise InputError(str(raw), "no such file or directory")
    return files


def _hidden(f: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in f.relative_to(root).parts)
