"""GK225 unrolled-repetition: the same item written four or more times in a row.

**What it flags.** Four or more identical consecutive items in a rule or terminal
(``one one one one``, ``DIGIT DIGIT DIGIT DIGIT``, ``"-" "-" "-" "-"``), compared by
their source text.

**Why.** llguidance's docs: "use ``one{N}`` and not ``one one ... one``. The resulting
rules will be ``O(log N)`` in size, while the unfolded version would be ``O(N)``." The
counted form is also easier to read and to change.

**Example.**

    YEAR: DIGIT DIGIT DIGIT DIGIT
    %import common.DIGIT

**Fix.** Write the count: ``YEAR: DIGIT{4}`` (``DIGIT~4`` in standard Lark syntax); for a
range of counts, ``one{2,5}``.
"""

from __future__ import annotations

from collections.abc import Iterator

from grammarkit import analysis as p
from grammarkit.core.diagnostics import Finding, Severity
from grammarkit.reader import model as m

CODE = "GK225"
NAME = "unrolled-repetition"
SEVERITY = Severity.INFO
SYNTAXES = ("lark",)

MIN_RUN = 4


def check(ctx) -> Iterator[Finding]:
    a = ctx.analysis
    for scope in a.scopes:
        for d in scope.definition_list():
            kind = "terminal" if d.is_terminal else "rule"
            for node in scope.body(d):
                if not isinstance(node, m.Sequence):
                    continue
                texts = [p.item_text(ctx, i) for i in node.items]
                i = 0
                while i < len(texts):
                    j = i
                    while j + 1 < len(texts) and texts[j + 1] == texts[i]:
                        j += 1
                    run = j - i + 1
                    if run >= MIN_RUN:
                        yield _finding(ctx, kind, d, node.items[i], node.items[j], texts[i], run)
                    i = j + 1


def _finding(ctx, kind, d, first: m.Node, last: m.Node, text: str, run: int) -> Finding:
    simple = isinstance(first, (m.NameRef, m.Literal, m.RegexLiteral, m.Group, m.LiteralRange))
    unit = text if simple else f"({text})"
    return Finding(
        ctx.index.span(first.span.start, last.span.end),
        f"{text} is written {run} times in a row in {kind} {d.name}",
        f"write the count: {unit}{{{run}}} (or {unit}~{run}); llguidance builds counted "
        "repetitions in O(log n) rules",
    )
