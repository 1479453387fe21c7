"""GK225 unrolled-repetition: the same item written four or more times in a row.

**What it flags.** Four or more identical consecutive items in a rule or terminal
(``one one one one``, ``DIGIT DIGIT DIGIT DIGIT``, ``"-" "-" "-" "-"``), compared by
their source text, the last ones possibly optional (``DIGIT DIGIT [DIGIT] [DIGIT]``,
``DIGIT DIGIT? DIGIT? DIGIT?``).

**Why.** llguidance's docs: "use ``one{N}`` and not ``one one ... one``. The resulting
rules will be ``O(log N)`` in size, while the unfolded version would be ``O(N)``." The
counted form is also easier to read and to change.

**Example.**

    YEAR: DIGIT DIGIT DIGIT DIGIT
    %import common.DIGIT

**Fix.** Write the count: ``YEAR: DIGIT{4}`` (``DIGIT~4`` in standard Lark syntax); for a
range of counts, ``one{2,5}`` (``one~2..5``).

**Fix (automatic, safe).** ``--fix`` writes the count in the spelling both llguidance and
Python Lark read: ``DIGIT~4``, ``DIGIT~2..4`` for two required and two optional copies,
``(a | b)~4`` for an item that needs parentheses. Safe: ``x x [x] [x]`` and ``x~2..4``
accept the same text (the parse tree of a rule can differ: Lark gives no placeholder for
a missing ``[x]``).
"""

from __future__ import annotations

from collections.abc import Iterator

from grammarkit import analysis as p
from grammarkit.core.diagnostics import Edit, Finding, Fix, Severity
from grammarkit.lint.edits import lark_tokens
from grammarkit.reader import model as m

CODE = "GK225"
NAME = "unrolled-repetition"
SEVERITY = Severity.INFO
SYNTAXES = ("lark",)

MIN_RUN = 4


def check(ctx) -> Iterator[Finding]:
    a = ctx.analysis
    for scope in a.scopes:
        # (the grammar's index of sequences: most are too short to hold a run)
        for d, node in scope.nodes_in_bodies(m.Sequence, lambda s: len(s.items) >= MIN_RUN):
            kind = "terminal" if d.is_terminal else "rule"
            copies = [_copy_of(ctx, i) for i in node.items]
            i = 0
            while i < len(copies):
                j = i
                while j + 1 < len(copies) and copies[j + 1][0] == copies[i][0] and (
                    copies[j + 1][1] or not copies[j][1]  # the optional copies come last
                ):
                    j += 1
                run = j - i + 1
                if run >= MIN_RUN:
                    optional = sum(1 for _, opt, _ in copies[i : j + 1] if opt)
                    item = copies[i][2]
                    yield _finding(ctx, kind, d, node.items[i], node.items[j], item, run, optional)
                i = j + 1


def _copy_of(ctx, item: m.Node) -> tuple[tuple[str, ...], bool, m.Node]:
    """(the Lark tokens of the item copied, whether this copy is optional, the item
    copied): ``[x]`` and ``x?`` are optional copies of ``x``."""
    inner = None
    if isinstance(item, m.Maybe):
        alts = item.body.alternatives
        if len(alts) == 1 and alts[0].alias is None and len(alts[0].conjuncts) == 1:
            items = alts[0].conjuncts[0].items
            if len(items) == 1:
                inner = items[0]
    elif isinstance(item, m.Repeat) and item.form == "op" and item.op == "?":
        inner = item.item
    if inner is not None:
        return _tokens(ctx, inner), True, inner
    return _tokens(ctx, item), False, item


def _tokens(ctx, node: m.Node) -> tuple[str, ...]:
    """The Lark tokens of a node's source (see :func:`lark_tokens`): a name, string or
    regex literal is one token, its source."""
    if isinstance(node, (m.NameRef, m.Literal, m.RegexLiteral)):
        return (_source(ctx, node),)
    return lark_tokens(_source(ctx, node))


def _source(ctx, node: m.Node) -> str:
    return ctx.text[node.span.start : node.span.end]


def _finding(ctx, kind, d, first: m.Node, last: m.Node, item: m.Node, run: int, optional: int) -> Finding:
    text = p.item_text(ctx, item)  # as shown in the message
    simple = isinstance(item, (m.NameRef, m.Literal, m.RegexLiteral, m.Group, m.LiteralRange))
    exact = _source(ctx, item) if simple else f"({_source(ctx, item)})"
    unit = text if simple else f"({text})"
    required = run - optional
    if optional:
        count, tilde = f"{{{required},{run}}}", f"~{required}..{run}"
        what = f"{text} is written {run} times in a row ({optional} of them optional)"
    else:
        count, tilde = f"{{{run}}}", f"~{run}"
        what = f"{text} is written {run} times in a row"
    return Finding(
        ctx.index.span(first.span.start, last.span.end),
        f"{what} in {kind} {d.name}",
        f"write the count: {unit}{count} (or {unit}{tilde}); llguidance builds counted "
        "repetitions in O(log n) rules",
        fix=Fix(f"write the count: {unit}{tilde}", (Edit(first.span.start, last.span.end, exact + tilde),)),
    )
