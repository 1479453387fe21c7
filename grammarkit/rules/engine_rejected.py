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

**Fix.** As llguidance's message says; here, define ``NAME: /[A-Za-z]{1,32}/``.
"""

from __future__ import annotations

from collections.abc import Iterator

from grammarkit.core.diagnostics import Finding, Severity
from grammarkit.lint.registry import get_rule

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
    yield finding(ctx)


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
    return "llguidance stops at its first error: fix this one and check again"


def fallback(ctx) -> Finding | None:
    """The finding to report when no error remains after selection and suppression."""
    if ctx.engine.ok or ctx.engine.error is None:
        return None
    return finding(ctx)
