"""The library entry points: lint grammar text or files, get every diagnostic at once."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from grammarkit.core.diagnostics import Diagnostic, Severity
from grammarkit.core.source import detect_syntax, read_grammar_file
from grammarkit.lint.context import LintContext


@dataclass
class LintResult:
    """The diagnostics of one grammar, sorted by position, and its samples' results."""

    path: str
    syntax: str
    diagnostics: list[Diagnostic]
    text: str = field(repr=False, default="")
    samples: list = field(default_factory=list)  # SampleResult, when samples were given
    sample_count: int | None = None  # samples checked (None: len(samples))

    @property
    def samples_checked(self) -> int:
        """How many samples were checked (``samples`` may hold only the notable ones)."""
        return len(self.samples) if self.sample_count is None else self.sample_count

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



def lint_text(
    text: str,
    *,
    syntax: str = "lark",
    path: str = "<string>",
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    samples: Iterable | None = None,
    engine: str = "auto",
    severity: dict[str, Severity] | None = None,
    keep_samples: bool = True,
    jobs: int = 1,
) -> LintResult:
    """Lint grammar ``text`` and return every diagnostic, sorted by position.

    Inline ``grammarkit: ignore[...]`` comments suppress diagnostics (see
    :mod:`grammarkit.lint.suppressions`); ``severity`` maps rule codes to the severity to
    report them with.

    ``select``/``ignore`` take rule codes (or code prefixes such as ``GK1``) or names.
    ``samples`` (:class:`grammarkit.samples.Sample`) are checked with llguidance and the
    local Lark parser (``engine``: auto, both, llguidance or lark); mismatches and
    disagreements become diagnostics and ``LintResult.samples`` holds every verdict
    (with ``keep_samples=False`` only the notable ones: memory stays flat on a long
    stream, and ``LintResult.sample_count`` says how many were checked). ``samples`` may
    be any iterable (it is read once, lazily: a JSON Lines file streams); ``jobs`` > 1
    checks them in that many worker processes.
    """
    if syntax not in ("lark", "regex"):
        raise ValueError(f"unknown grammar syntax {syntax!r} (expected 'lark' or 'regex')")
    from grammarkit.lint.registry import all_rules

    ctx = LintContext(
        text=text,
        syntax=syntax,
        path=path,
        samples=samples if samples is not None else [],
        engine_choice=engine,
        keep_samples=keep_samples,
        jobs=jobs,
    )
    produced: list[tuple[object, object]] = []
    for rule in sorted(all_rules(), key=lambda r: r.after_others):
        if syntax not in rule.syntaxes:
            continue
        for finding in rule.check(ctx):
            ctx.found.append((rule.code, finding))
            produced.append((rule, finding))
    suppressions = ctx.suppressions
    if suppressions:
        from grammarkit.lint.suppressions import apply as suppressed
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
        level = overrides.get(rule.code, rule.severity)
        message = finding.message
        if rule.code in UNREACHABLE_IS_WARNING and level is Severity.ERROR and finding.path is None:
            dead = _unreachable_definition(ctx, finding.span.start)
            if dead is not None:
                level = Severity.WARNING
                kind = "terminal" if dead.is_terminal else "rule"
                message += f" (in {kind} {dead.name}, which is unreachable from start: llguidance ignores it)"
        d = Diagnostic.at(
            finding.span,
            code=rule.code,
            name=rule.name,
            severity=level,
            message=message,
            hint=finding.hint,
            path=finding.path or path,
        )
        if finding.snippet:
            d.extra["snippet"] = finding.snippet
        diagnostics.append(d)
    if not ctx.engine.ok and ctx.engine.error is not None:
        _keep_engine_rejection(ctx, diagnostics, path, select, ignore)
    diagnostics.sort(key=lambda d: (d.path != path, d.path, d.line, d.column, d.code, d.message))
    run = ctx.sample_run
    return LintResult(
        path=path, syntax=syntax, diagnostics=diagnostics, text=text, samples=run.results, sample_count=run.count
    )


UNREACHABLE_IS_WARNING = frozenset({"GK101", "GK210"})
"""Rules whose errors are warnings inside a definition ``start`` never reaches, when
llguidance compiles the grammar: llguidance ignores unreachable definitions, so the API
accepts the tool (the construct is still wrong, and becomes an error once it is used)."""


def _unreachable_definition(ctx, offset: int):
    """The definition ``start`` never reaches that holds ``offset``, when llguidance
    compiles the grammar (None otherwise, or when it cannot be told)."""
    dead = ctx.__dict__.get("_grammarkit_unreachable")
    if dead is None:
        dead = []
        if ctx.syntax == "lark" and ctx.read is not None and ctx.read.ok and ctx.engine.ok:
            from grammarkit.analysis.reach import unreachable_definitions

            dead = unreachable_definitions(ctx.grammar)
        ctx.__dict__["_grammarkit_unreachable"] = dead
    for d in dead:
        if d.span.start <= offset < d.span.end:
            return d
    return None


def _keep_engine_rejection(ctx, diagnostics: list[Diagnostic], path: str, select, ignore) -> None:
    """llguidance rejects the grammar: if the errors that explained it were suppressed or
    deselected, report GK109 after all (unless GK109 itself is), so it cannot pass."""
    if any(d.is_error and d.path == path for d in diagnostics):
        return
    from grammarkit.rules import engine_rejected

    code, name = engine_rejected.CODE, engine_rejected.NAME
    if not _selected(code, name, select, ignore):
        return
    finding = engine_rejected.finding(ctx)
    if ctx.suppressions:
        from grammarkit.lint.suppressions import apply

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
    from grammarkit.lint.registry import matches

    return any(matches(p, code, name) for p in patterns)


def _selected(code: str, name: str, select, ignore) -> bool:
    if select is not None and not _matches(code, name, select):
        return False
    return not (ignore is not None and _matches(code, name, ignore))



def lint_file(
    path: str | os.PathLike[str],
    *,
    syntax: str | None = None,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    samples: Iterable | None = None,
    sidecars: bool = False,
    sample_files: Sequence[str | os.PathLike[str]] = (),
    engine: str = "auto",
    severity: dict[str, Severity] | None = None,
    keep_samples: bool = True,
    jobs: int = 1,
) -> LintResult:
    """Lint one grammar file. The syntax comes from the suffix unless given.

    Samples are checked too: ``samples`` given, then those in ``sample_files``, then with
    ``sidecars=True`` the samples files beside it (``x.samples.toml``, ``x.samples.json``,
    ``x.samples.jsonl``). Samples files are read as the samples are checked (a malformed
    JSON Lines line is a GK304 diagnostic; a broken file an ``InputError``)."""
    syntax = syntax or detect_syntax(path) or "lark"
    text = read_grammar_file(path)
    files = list(sample_files)
    if sidecars:
        from grammarkit.samples.files import find_sidecars

        files.extend(f for f in find_sidecars(path) if f not in files)
    all_samples: Iterable = samples if samples is not None else []
    if files:
        from itertools import chain

        from grammarkit.samples.files import iter_samples

        all_samples = chain(all_samples, *(iter_samples(f) for f in files))
    return lint_text(
        text,
        syntax=syntax,
        path=str(path),
        select=select,
        ignore=ignore,
        samples=all_samples,
        engine=engine,
        severity=severity,
        keep_samples=keep_samples,
        jobs=jobs,
    )
