"""GK240 near-engine-limits: a grammar that uses more than half of one of llguidance's size limits.

**What it flags.** A grammar that needs more than 50% of what llguidance allows for the
number of symbols it compiles to (``max_grammar_size``), the size of its lexer
(``initial_lexer_fuel``), or the number of parser items after the first token
(``max_items_in_row``), with the numbers (measured by compiling the grammar under lowered
limits; ``grammarkit stats`` shows all of them). It is reported at the grammar's largest
definition when that holds at least a quarter of the text, otherwise at the start.

**Why.** Over ``max_grammar_size`` or ``initial_lexer_fuel`` llguidance rejects the
grammar; a grammar near them breaks after a small edit, and a big lexer makes every
request slower. ``max_items_in_row`` is checked only while text is generated: a grammar
over it compiles, but every generation fails at its first token ("Current row has N
items"), typically because one rule has thousands of alternatives.

**Example.**

    start: w0 | w1 | w2 | ... | w2999
    w0: "apple"
    w1: "banana"
    ...

(3,001 parser items after the first token, 150% of ``max_items_in_row``.)

**Fix.** Make word lists lexer-level: one terminal ``WORD: "apple" | "banana" | ...``
(or a regex) instead of one rule per word. Split a very large grammar into several tools.
Use few distinct Unicode classes (each of ``\\w``, ``\\p{L}``, ``\\d`` costs thousands
of lexer fuel; ``[A-Za-z0-9_]`` costs almost none). Make right-recursive rules
left-recursive.
"""

from __future__ import annotations

from collections.abc import Iterator

from grammarkit.core.diagnostics import Finding, Severity
from grammarkit.llg.limits import LINT_SHARE, LINT_TIME_BUDGET

CODE = "GK240"
NAME = "near-engine-limits"
SEVERITY = Severity.WARNING
SYNTAXES = ("lark", "regex")

THRESHOLD = LINT_SHARE
"""Fraction of a limit above which the rule fires."""
TIME_BUDGET = LINT_TIME_BUDGET
"""Seconds of compiling allowed to pin the numbers down once a limit is crossed."""
ATTRIBUTION_SHARE = 0.25
"""The largest definition is blamed when it is at least this share of the text."""

_HINTS = {
    "max_grammar_size": "split the grammar into smaller tools, or turn long lists of rules "
    "into one terminal (a regex or string alternatives)",
    "initial_lexer_fuel": "use fewer distinct Unicode classes (\\w, \\p{..}, \\d) and shorter "
    "literal lists; ASCII classes such as [A-Za-z0-9_] cost almost nothing",
    "max_items_in_row": "turn rule alternatives into one terminal (WORD: \"a\" | \"b\" | ... or "
    "a regex), and make right-recursive rules left-recursive",
}


def check(ctx) -> Iterator[Finding]:
    # Measured (with llguidance's own verdict when the estimates are high: one compile
    # for both) only for the quantities whose estimate is above THRESHOLD; nothing when
    # llguidance rejects the grammar (GK109 reports it, its own "too big" errors too).
    usages = ctx.limit_usages
    if not usages:
        return
    from grammarkit.llg.limits import format_percent

    span, where = report_location(ctx)
    for usage in usages:
        if usage.low is None:
            continue
        if usage.exact:
            numbers = f"{usage.value:,}"
        elif usage.value is not None:
            numbers = f"about {usage.value:,}"
        else:  # above the search range
            numbers = f"at least {usage.low:,}"
        if usage.key == "max_items_in_row" and usage.low > usage.limit:
            message = (
                f"{numbers} parser items after the first token, over llguidance's limit of "
                f"{usage.limit:,} (max_items_in_row): every generation fails at its first token"
            )
        else:
            message = (
                f"the grammar uses {format_percent(usage.percent)} of llguidance's limit on "
                f"{usage.what} ({numbers} of {usage.limit:,} {usage.unit}; {usage.key})"
            )
        yield Finding(span, message + where, _HINTS.get(usage.key, ""))


def report_location(ctx):
    """The largest definition's name (when it dominates), else the start of the grammar."""
    grammar = ctx.grammar
    if grammar is not None and ctx.text:
        definitions = grammar.definitions
        if definitions:
            largest = max(definitions, key=lambda d: d.span.end - d.span.start)
            size = largest.span.end - largest.span.start
            if size >= ATTRIBUTION_SHARE * len(ctx.text):
                return largest.name_span, f"; the largest definition is `{largest.name}`"
    return ctx.whole_span(), ""
