"""GK245 ambiguous-recursion: a rule recursive on both sides, which makes the local parse super-linear.

**What it flags.** A rule with an alternative that starts with the rule itself and one that
ends with it (possibly the same alternative): ``e: e "+" e``, ``list: list "," list``,
``e: e "!" | "-" e``. Such a rule is ambiguous: ``1+1+1`` is ``(1+1)+1`` and ``1+(1+1)``.
The rule fires only when it is proven and measured: grammarkit builds an input that
exercises the rule (``1+1+1``, in the context ``start`` puts it in) and checks that Lark's
Earley parser finds two parses of it (a lexer that glues tokens together can make a
grammar unambiguous in practice), then times the local parser on longer and longer such
inputs (for up to about a second) and reports how its work grows and what one input of
``max_input_chars`` (16,000, ``CustomTool``'s default) would cost, measured or extrapolated.
It warns when the work grows at least as the 1.5th power of the length.

**Why.** llguidance does not mind the ambiguity (the model's output is checked with a
greedy lexer and an Earley parser that keeps no parse trees), but the application's own
parse of the tool input does: ``CustomTool.parse`` and ``grammarkit parse`` read inputs
with a linear-time LR parser wherever the grammar allows it, and an ambiguous grammar
does not, so every input goes through Lark's Earley parser, whose work grows with the
number of ways to group the input: ``e: e "+" e | "1"`` takes about 20 seconds for 400
characters, and hours for a long input the model can produce.

**Example.**

    start: expr
    expr: expr "+" expr | expr "*" expr | NUMBER
    NUMBER: /[0-9]{1,9}/

**Fix.** Make the recursion one-sided, with one rule per precedence level:
``expr: expr "+" term | term`` and ``term: term "*" NUMBER | NUMBER`` (or with
repetition: ``expr: term ("+" term)*``). For a prefix and a postfix operator
(``e: e "!" | "-" e``), give them different levels: ``e: "-" e | post``,
``post: post "!" | atom``.
"""

from __future__ import annotations

from collections.abc import Iterator

from grammarkit.core.diagnostics import Finding, Severity
from grammarkit.reader import model as m

CODE = "GK245"
NAME = "ambiguous-recursion"
SEVERITY = Severity.WARNING
SYNTAXES = ("lark",)

MAX_INPUT_CHARS = 16_000
"""The input size the cost is reported at: ``CustomTool``'s default ``max_input_chars``."""
MIN_EXPONENT = 1.5
"""The rule fires when the local parser's work grows at least this fast with the length."""
TIME_BUDGET = 1.0
"""CPU seconds of parsing spent, at most, measuring the growth."""


def check(ctx) -> Iterator[Finding]:
    grammar = ctx.grammar
    if grammar is None or not ctx.read.ok:
        return
    # (a rule that calls itself names itself in its body: the names of each body, read
    # once for the top-level scope, rule out most rules before their items are looked at)
    refs = ctx.analysis.scopes[0].refs
    candidates = [d for d in grammar.definitions if not d.is_terminal and d.name in refs(d) and _calls_itself(d)]
    if not candidates:
        return  # the usual case: nothing built, nothing timed
    from grammarkit.local.ambiguity import ambiguity_cost
    from grammarkit.local.parser import LocalParser, ParserUnavailable

    try:
        parser = LocalParser(ctx.text, max_input_chars=MAX_INPUT_CHARS)
    except (ParserUnavailable, RecursionError):
        return
    cost = ambiguity_cost(parser, limit=MAX_INPUT_CHARS, time_budget=TIME_BUDGET)
    if cost is None or cost.exponent is None or cost.exponent < MIN_EXPONENT:
        return
    where = next((d for d in candidates if d.name == cost.rule), None)
    span = where.name_span if where is not None else ctx.whole_span()
    n_last, t_last = cost.points[-1]
    if cost.measured_at_limit:
        at_limit = f"{_duration(t_last)} at {n_last:,} characters (measured; max_input_chars is {MAX_INPUT_CHARS:,})"
    else:
        at_limit = (
            f"{_duration(t_last)} at {n_last:,} characters, about {_duration(cost.at_limit)} "
            f"at {MAX_INPUT_CHARS:,} (max_input_chars)"
        )
    example = cost.example if len(cost.example) <= 40 else cost.example[:37] + "..."
    yield Finding(
        span,
        f"rule {cost.rule} is ambiguous ({example!r} parses two ways): the local parser must "
        f"use Earley, whose work grows as n^{cost.exponent:.1f} on such input: {at_limit}",
        _hint(cost),
    )


def _hint(cost) -> str:
    r = cost.rule
    if cost.one_alternative:
        return (
            f"make {r}'s recursion one-sided, one rule per precedence level: "
            f"`{r}: {r} OP item | item` or `{r}: item (OP item)*`"
        )
    return (
        "put the prefix and the postfix forms on different levels: "
        f"`{r}: PREFIX {r} | post` and `post: post POSTFIX | item`"
    )


def _calls_itself(d: m.Definition) -> bool:
    """Whether the rule's first and last items can be the rule itself (a cheap filter
    before the local parser is built: the exact test runs on Lark's rules)."""
    long = [conj.items for alt in d.body.alternatives for conj in alt.conjuncts if len(conj.items) >= 2]
    return any(_mentions(items[0], d.name) for items in long) and any(
        _mentions(items[-1], d.name) for items in long
    )


def _mentions(node: m.Node, name: str) -> bool:
    if type(node) is m.NameRef:  # (the usual items: nothing below them)
        return node.name == name
    if type(node) is m.Literal or type(node) is m.RegexLiteral:
        return False
    from grammarkit.analysis.scoping import body_nodes

    return any(isinstance(n, m.NameRef) and n.name == name for n in body_nodes(node))


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    for unit, size in (("years", 365 * 86400), ("days", 86400), ("hours", 3600), ("minutes", 60)):
        if seconds >= 2 * size:
            return f"{seconds / size:,.0f} {unit}"
    if seconds >= 10:
        return f"{seconds:,.0f} s"
    if seconds >= 0.1:
        return f"{seconds:.1f} s"
    return f"{seconds * 1000:.0f} ms"
