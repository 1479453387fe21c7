"""The library entry points: lint grammar text or files, get every diagnostic at once."""

from __future__ import annotations

import os
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from grammarkit.core import collector
from grammarkit.core.diagnostics import Diagnostic, Finding, Severity
from grammarkit.core.source import Syntax, detect_syntax, read_grammar_file
from grammarkit.lint.context import LintContext
from grammarkit.lint.patterns import matches
from grammarkit.lint.registry import Rule, all_rules
from grammarkit.lint.suppressions import SuppressionIndex, apply
from grammarkit.regex_syntax import remembered
from grammarkit.samples.checker import SampleChecker
from grammarkit.samples.files import find_sidecars

if TYPE_CHECKING:
    from grammarkit.llg.token_profile import TokenProfile


@dataclass
class LintResult:
    """The diagnostics of one grammar, sorted by position, and its samples' results."""

    path: str
    syntax: str
    diagnostics: list[Diagnostic]
    text: str = field(repr=False, default="")
    samples: list = field(default_factory=list)  # SampleResult, when samples were given
    token_profile: TokenProfile | None = None  # with a tokenizer other than "byte"
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
    syntax: Syntax = "lark",
    path: str = "<string>",
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    samples: Iterable | None = None,
    engine: str = "auto",
    severity: dict[str, Severity] | None = None,
    tokenizer: str = "byte",
    sample_checker: Callable[..., Any] | None = None,
    on_grammar: Callable[[LintResult], None] | None = None,
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
    disagreements become diagnostics and ``LintResult.samples`` holds every verdict.

    ``tokenizer="o200k"`` also measures llguidance's cost per token with the model's
    vocabulary (``LintResult.token_profile``, and GK241) and counts the tokens of each
    accepted sample (``SampleResult.tokens``).

    For editors: ``sample_checker`` makes the sample checker (default
    :class:`~grammarkit.samples.checker.SampleChecker`; a
    :class:`~grammarkit.samples.checker.CheckerCache` reuses checkers and verdicts across
    calls), and ``on_grammar``, when there are samples, is called with the grammar's own
    diagnostics once its rules have run and before the samples are checked (which can take
    longer than everything else), so they can be shown early. The result returned is
    always the complete one.

    With ``keep_samples=False`` ``LintResult.samples`` holds only the notable verdicts:
    memory stays flat on a long stream, and ``LintResult.sample_count`` says how many
    were checked. ``samples`` may be any iterable (it is read once, lazily: a JSON Lines
    file streams); ``jobs`` > 1 checks them in that many worker processes.
    """
    if syntax not in ("lark", "regex"):
        raise ValueError(f"unknown grammar syntax {syntax!r} (expected 'lark' or 'regex')")
    if tokenizer != "byte":
        from grammarkit.llg.tokenizer import check_tokenizer_name

        check_tokenizer_name(tokenizer)
    # Each regex of the grammar is read once; the garbage collector is paused until the
    # lint's objects are gone (see grammarkit.core.collector), except while samples are
    # checked.
    with remembered(), collector.paused():
        return _lint(
            text,
            syntax=syntax,
            path=path,
            select=select,
            ignore=ignore,
            samples=samples if samples is not None else [],
            engine=engine,
            severity=severity,
            tokenizer=tokenizer,
            sample_checker=sample_checker,
            on_grammar=on_grammar,
            keep_samples=keep_samples,
            jobs=jobs,
        )




def _lint(
    text: str,
    *,
    syntax: Syntax,
    path: str,
    select: Iterable[str] | None,
    ignore: Iterable[str] | None,
    samples: Iterable,
    engine: str,
    severity: dict[str, Severity] | None,
    tokenizer: str,
    sample_checker: Callable[..., Any] | None,
    on_grammar: Callable[[LintResult], None] | None,
    keep_samples: bool,
    jobs: int,
) -> LintResult:
    factory: Callable[..., Any] = sample_checker if sample_checker is not None else SampleChecker
    ctx = LintContext(
        text=text,
        syntax=syntax,
        path=path,
        samples=samples,
        engine_choice=engine,
        sample_checker_factory=factory,
        tokenizer=tokenizer,
        keep_samples=keep_samples,
        jobs=jobs,
    )
    ctx.start_engine()  # llguidance compiles on another thread while the rules read and analyse
    rules = [rule for rule in all_rules() if syntax in rule.syntaxes]
    own = [rule for rule in rules if not rule.uses_samples and not rule.after_others]
    of_samples = [rule for rule in rules if rule.uses_samples and not rule.after_others]
    last = [rule for rule in rules if rule.after_others]  # they read every other rule's findings

    produced = _run(ctx, own)
    if on_grammar is not None and samples and of_samples:
        mark = len(ctx.found)
        early = produced + _run(ctx, last)
        del ctx.found[mark:]  # the final run of `last` sees the samples' findings too
        diagnostics = _diagnostics(ctx, rules, early, select, ignore, severity or {})
        on_grammar(LintResult(path=path, syntax=syntax, diagnostics=diagnostics, text=text))
    with collector.running() if samples else nullcontext():  # a stream of samples may be long
        produced += _run(ctx, of_samples)
    produced += _run(ctx, last)
    diagnostics = _diagnostics(ctx, rules, produced, select, ignore, severity or {})
    if tokenizer != "byte":
        ctx.count_sample_tokens()
    return LintResult(
        path=path,
        syntax=syntax,
        diagnostics=diagnostics,
        text=text,
        samples=ctx.sample_results,
        sample_count=ctx.sample_run.count,
        token_profile=ctx.__dict__.get("token_profile"),
    )


def _run(ctx: LintContext, rules: Iterable[Rule]) -> list[tuple[Rule, Finding]]:
    produced: list[tuple[Rule, Finding]] = []
    for rule in rules:
        for finding in rule.check(ctx):
            ctx.found.append((rule.code, finding))
            produced.append((rule, finding))
    return produced


def _diagnostics(ctx: LintContext, rules, produced, select, ignore, overrides: dict) -> list[Diagnostic]:
    """The findings as diagnostics: selected, unsuppressed, with their severities, sorted
    (the grammar's own first)."""
    path = ctx.path
    suppressions = SuppressionIndex(ctx.suppressions)
    diagnostics = []
    for rule, finding in produced:
        if not _selected(rule.code, rule.name, select, ignore):
            continue
        if (
            suppressions
            and finding.path is None
            and rule.suppressible
            and suppressions.apply(rule.code, rule.name, finding.span.line)
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
            fix=finding.fix,
            witness=finding.witness,
        )
        if finding.snippet:
            d.extra["snippet"] = finding.snippet
        diagnostics.append(d)
    if not ctx.engine.ok and not any(d.is_error and d.path == path for d in diagnostics):
        _fallbacks(ctx, rules, diagnostics, path, select, ignore)
    diagnostics.sort(key=lambda d: (d.path != path, d.path, d.line, d.column, d.code, d.message))
    return diagnostics


UNREACHABLE_IS_WARNING = frozenset({"GK101", "GK210"})
"""Rules whose errors are warnings inside a definition ``start`` never reaches, when
llguidance compiles the grammar: llguidance ignores unreachable definitions, so the API
accepts the tool (the construct is still wrong, and becomes an error once it is used)."""


def _unreachable_definition(ctx, offset: int):
    """The definition ``start`` never reaches that holds ``offset``, when llguidance
    compiles the grammar (None otherwise, or when it cannot be told)."""
    found = ctx.__dict__.get("_grammarkit_unreachable")
    if found is None:
        dead: list = []
        if ctx.syntax == "lark" and ctx.read is not None and ctx.read.ok and ctx.engine.ok:
            from grammarkit.analysis.reach import unreachable_definitions

            # The outermost ones: a nested grammar's definitions are inside the outer
            # definition that holds it (which comes first: scopes are listed outside in).
            for d in sorted(unreachable_definitions(ctx.grammar), key=lambda d: (d.span.start, -d.span.end)):
                if not dead or d.span.start >= dead[-1].span.end:
                    dead.append(d)
        found = ctx.__dict__["_grammarkit_unreachable"] = (dead, [d.span.start for d in dead])
    dead, starts = found
    # (they do not overlap: the one starting last at or before the offset)
    at = bisect_right(starts, offset) - 1
    if at >= 0 and dead[at].span.start <= offset < dead[at].span.end:
        return dead[at]
    return None


def _fallbacks(ctx, rules, diagnostics: list[Diagnostic], path: str, select, ignore) -> None:
    """llguidance rejects the grammar but no error remains (the errors that explained it
    were suppressed or deselected): report the rules' fallback findings (GK109's), unless
    those rules are deselected or suppressed too, so such a grammar cannot pass."""
    for rule in rules:
        if rule.fallback is None or ctx.syntax not in rule.syntaxes:
            continue
        if not _selected(rule.code, rule.name, select, ignore):
            continue
        finding = rule.fallback(ctx)
        if finding is None:
            continue
        if ctx.suppressions and apply(ctx.suppressions, rule.code, rule.name, finding.span.line):
            continue
        diagnostics.append(
            Diagnostic.at(
                finding.span,
                code=rule.code,
                name=rule.name,
                severity=rule.severity,
                message=finding.message,
                hint=finding.hint,
                path=path,
            )
        )


def _matches(code: str, name: str, patterns: Iterable[str]) -> bool:
    return any(matches(p, code, name) for p in patterns)


def _selected(code: str, name: str, select, ignore) -> bool:
    if select is not None and not _matches(code, name, select):
        return False
    return not (ignore is not None and _matches(code, name, ignore))



def lint_file(
    path: str | os.PathLike[str],
    *,
    syntax: Syntax | None = None,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    samples: Iterable | None = None,
    sidecars: bool = False,
    sample_files: Sequence[str | os.PathLike[str]] = (),
    engine: str = "auto",
    severity: dict[str, Severity] | None = None,
    tokenizer: str = "byte",
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
        tokenizer=tokenizer,
        keep_samples=keep_samples,
        jobs=jobs,
    )
