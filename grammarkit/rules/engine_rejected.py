"""GK109 engine-rejected: llguidance rejects the grammar for a reason no other rule explains.

**What it flags.** The error llguidance's own validation reports
(``LLMatcher.validate_grammar_with_warnings`` with a byte-level tokenizer), at the
location it gives, when none of grammarkit's rules already reports that problem: an
unknown rule or terminal name, a recursive terminal, a duplicate rule, a grammar with
no ``start``, an invalid regex in a form grammarkit's parser accepted, and anything
else llguidance refuses.

**Why.** llguidance is what the API runs: when it rejects a grammar, the API rejects
the tool definition. llguidance stops at its first error, so fix this and check again.

**Example.**

    start: greeting NAME
    greeting: "hi "

(llguidance: ``unknown name: "NAME"``)

An unknown name is reported where it is used (llguidance points at the start of the
body it was compiling), and every undefined name is listed, not only the first (the
grammar is compiled again with a stub for each name found, until llguidance reports
something else). An unknown special token (``<think>``) is named without the "available"
tokens llguidance lists: those are grammarkit's byte tokenizer's, not any model's.

**Fix.** As llguidance's message says; here, define ``NAME: /[A-Za-z]{1,32}/``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from grammarkit.core.diagnostics import Finding, Severity
from grammarkit.core.span import Span
from grammarkit.lint.registry import get_rule
from grammarkit.llg.compile import compile_report
from grammarkit.reader import model as m

CODE = "GK109"
NAME = "engine-rejected"
SEVERITY = Severity.ERROR
SYNTAXES = ("lark", "regex")
AFTER_OTHERS = True  # needs every other rule's findings to know what is explained

FALLBACK = True  # reported even when every error that explained it is deselected or suppressed


def check(ctx) -> Iterator[Finding]:
    report = ctx.engine
    if report.ok or report.error is None:
        return
    if _explained(ctx, report.error):
        return
    undefined = _undefined_names(ctx)
    if not undefined:
        yield finding(ctx)
        return
    undefined.sort(key=lambda found: found[1].start)
    names = [name for name, _ in undefined]
    for name, span in undefined:
        also = f" (undefined names: {', '.join(names)})" if len(names) > 1 else ""
        yield Finding(span, f'llguidance rejects the grammar: unknown name "{name}"{also}', _hint(ctx.engine.error))


MAX_UNDEFINED = 30
"""Undefined names listed at most (each costs one llguidance compile)."""


def _undefined_names(ctx) -> list[tuple[str, Span]]:
    """Every name llguidance finds undefined, located at its first use: llguidance stops
    at the first one, so the grammar is compiled again with a stub definition of each
    name found until it reports another error (or none)."""
    err = ctx.engine.error
    if ctx.syntax != "lark" or ctx.grammar is None or not _UNKNOWN_NAME.match(err.message):
        return []
    found: list[tuple[str, Span]] = []
    text = ctx.text
    for _ in range(MAX_UNDEFINED):
        report = compile_report("lark", text)
        error = report.error
        match = _UNKNOWN_NAME.match(error.message) if error is not None else None
        if error is None or match is None:
            break
        name = match.group(1)
        if any(name == n for n, _ in found):
            break  # (in a nested %lark grammar: a stub at the end does not define it)
        span = _use_of(ctx, name, error.line, error.column)
        if span is None:
            break
        found.append((name, span))
        text += f'\n{name}: "a"\n'
    return found


_UNKNOWN_NAME = re.compile(r'unknown name: "([^"]+)"')


def _use_of(ctx, name: str, line: int | None, column: int | None) -> Span | None:
    """The first reference to ``name`` at or after llguidance's location (the start of
    the body it was compiling), else the first one anywhere."""
    uses = [n.span for n in ctx.grammar.nodes_of(m.NameRef, m.ParamName, m.TemplateUsage) if n.name == name]
    if not uses:
        return None
    if line is not None:
        at = (line, column or 1)
        later = [s for s in uses if (s.line, s.column) >= at]
        if later:
            return min(later, key=lambda s: s.start)
    return min(uses, key=lambda s: s.start)


def finding(ctx) -> Finding:
    """llguidance's error as a finding at its location (``ctx.engine`` must have one).

    Also the rule's ``fallback``: the lint runner reports it when the diagnostics that
    explained the error were suppressed or deselected, so a grammar llguidance rejects
    never passes."""
    err = ctx.engine.error
    if err.line is not None:
        column = err.column or 1
        start = ctx.index.offset(err.line, column)
        end = ctx.index.offset(err.line, err.end_column) if err.end_column else start + 1
        span = ctx.index.span(start, max(end, start))
    else:
        span = ctx.index.span(0, 0)
    match = _UNKNOWN_NAME.match(err.message)
    if match is not None and ctx.syntax == "lark" and ctx.grammar is not None:
        span = _use_of(ctx, match.group(1), err.line, err.column) or span
    return Finding(span, f"llguidance rejects the grammar: {err.message}", _hint(err))


def _explained(ctx, err) -> bool:
    errors = [(code, f) for code, f in ctx.found if code != CODE and _is_error(code) and f.path is None]
    # Rules declare the llguidance errors their findings explain: by category
    # (ENGINE_CATEGORIES) or by message (ENGINE_MESSAGES).

    for c, _ in errors:
        rule = get_rule(c)
        if rule is not None and rule.explains(err.category, err.message):
            return True
    if err.category in ("syntax", "regex") and err.line is not None:
        # A lexer/parser error or an invalid regex where a rule already reports an error:
        # the same place when llguidance gives a column, else the same line.
        if err.column is None:
            return any(f.span.line <= err.line <= f.span.end_line for _, f in errors)
        return any(_covers(f.span, err.line, err.column) for _, f in errors)
    return False


def _covers(span, line: int, column: int) -> bool:
    if not span.line <= line <= span.end_line:
        return False
    if span.line == span.end_line:
        return span.column <= column <= max(span.end_column, span.column + 1)
    return True


def _is_error(code: str) -> bool:
    rule = get_rule(code)
    return rule is not None and rule.severity is Severity.ERROR


def _hint(err) -> str:
    text = err.message.lower()
    if "unknown name" in text:
        return "define the rule or terminal, or fix the spelling of the reference"
    if "duplicate" in text:
        return "merge the two definitions into one with alternatives (a | b)"
    if "start" in text and "not" in text:
        return "the top rule must be called start"
    if "unknown special token" in text:
        return (
            "special tokens come from a model's tokenizer, and OpenAI's API may not accept them (GK227): "
            "write the text as a string literal instead"
        )
    return "llguidance stops at its first error: fix this one and check again"


def fallback(ctx) -> Finding | None:
    """The finding to report when no error remains after selection and suppression."""
    if ctx.engine.ok or ctx.engine.error is None:
        return None
    return finding(ctx)
