"""The library entry points: lint grammar text or files, get every diagnostic at once."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from grammarkit.core.diagnostics import Diagnostic, Finding, Severity
from grammarkit.core.source import Syntax, detect_syntax, read_grammar_file
from grammarkit.lint.context import LintContext
from grammarkit.lint.patterns import matches
from grammarkit.lint.registry import Rule, all_rules
from grammarkit.lint.suppressions import apply
from grammarkit.samples.checker import SampleChecker
from grammarkit.samples.files import find_sidecars, load_samples

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
    samples: Sequence | None = None,
    engine: str = "auto",
    severity: dict[str, Severity] | None = None,
    tokenizer: str = "byte",
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
    """
    if syntax not in ("lark", "regex"):
        raise ValueError(f"unknown grammar syntax {syntax!r} (expected 'lark' or 'regex')")
    if tokenizer != "byte":
        from grammarkit.llg.tokenizer import check_tokenizer_name

        check_tokenizer_name(tokenizer)
    samples = list(samples or [])
    factory: Callable[..., Any] | None = SampleChecker if samples else None
    ctx = LintContext(
        text=text,
        syntax=syntax,
        path=path,
        samples=samples,
        engine_choice=engine,
        sample_checker_factory=factory,
        tokenizer=tokenizer,
    )
    produced: list[tuple[Rule, Finding]] = []
    rules = all_rules()
    for rule in sorted(rules, key=lambda r: r.after_others):
        if syntax not in rule.syntaxes:
            continue
        for finding in rule.check(ctx):
            ctx.found.append((rule.code, finding))
            produced.append((rule, finding))
    suppressions = ctx.suppressions
    overrides = severity or {}
    diagnostics = []
    for rule, finding in produced:
        if not _selected(rule.code, rule.name, select, ignore):
            continue
        if (
            suppressions
            and finding.path is None
            and rule.suppressible
            and apply(suppressions, rule.code, rule.name, finding.span.line)
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
            fix=finding.fix,
            witness=finding.witness,
        )
        if finding.snippet:
            d.extra["snippet"] = finding.snippet
        diagnostics.append(d)
    if not ctx.engine.ok and not any(d.is_error and d.path == path for d in diagnostics):
        _fallbacks(ctx, rules, diagnostics, path, select, ignore)
    diagnostics.sort(key=lambda d: (d.path != path, d.path, d.line, d.column, d.code, d.message))
    if tokenizer != "byte":
        ctx.count_sample_tokens()
    return LintResult(
        path=path,
        syntax=syntax,
        diagnostics=diagnostics,
        text=text,
        samples=ctx.sample_results,
        token_profile=ctx.__dict__.get("token_profile"),
    )


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
    samples: Sequence | None = None,
    sidecars: bool = False,
    sample_files: Sequence[str | os.PathLike[str]] = (),
    engine: str = "auto",
    severity: dict[str, Severity] | None = None,
    tokenizer: str = "byte",
) -> LintResult:
    """Lint one grammar file. The syntax comes from the suffix unless given.

    Samples are checked too: ``samples`` given, then those in ``sample_files``, then with
    ``sidecars=True`` the samples files beside it (``x.samples.toml``, ``x.samples.json``)."""
    syntax = syntax or detect_syntax(path) or "lark"
    text = read_grammar_file(path)
    all_samples = list(samples or [])
    files = list(sample_files)
    if sidecars:
        files.extend(f for f in find_sidecars(path) if f not in files)
    if files:
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
        tokenizer=tokenizer,
    )
