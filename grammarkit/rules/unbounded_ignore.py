"""GK107 unbounded-ignore: an ``%ignore`` whose pattern can match unboundedly long text.

**What it flags.** ``%ignore`` of a pattern with no upper length, after resolving
terminal names and ``%import common`` names: ``%ignore WS`` (common's ``WS`` is
``/[ \\t\\f\\r\\n]+/``), ``%ignore /\\s+/``, ``%ignore COMMENT`` with ``COMMENT: /#[^\\n]*/``.

**Why.** Ignored text may appear between any two terminals, and the model's sampling is
constrained only by the grammar: with an unbounded ignore pattern, the model can emit
whitespace (or comments) without end, and runs out of tokens before the real input.
OpenAI advises explicit whitespace instead of unbounded ``%ignore``.

**Example.**

    %import common.WS
    %ignore WS
    start: "SELECT" NAME

**Fix.** Thread explicit, bounded whitespace through the rules
(``start: "SELECT" SP NAME`` with ``SP: " "``). If you keep ``%ignore``, bound it and
make llguidance apply it once per gap: ``%llguidance {"ignore_once": true}`` and
``%ignore /[ \\t]{1,4}/``.
"""

from __future__ import annotations

from collections.abc import Iterator

from grammarkit.core.diagnostics import Finding, Severity
from grammarkit.reader.model import Ignore

CODE = "GK107"
NAME = "unbounded-ignore"
SEVERITY = Severity.WARNING
SYNTAXES = ("lark",)


def check(ctx) -> Iterator[Finding]:
    from grammarkit.analysis.widths import WidthCalculator

    widths = None
    for node in ctx.grammar.nodes():
        if not isinstance(node, Ignore):
            continue
        widths = widths or WidthCalculator(ctx.grammar)
        if widths.of(node.body) is None:
            shown = ctx.text[node.body.span.start : node.body.span.end]
            yield Finding(
                node.body.span,
                f"%ignore {shown} can match unboundedly long text",
                'thread explicit whitespace through the rules (e.g. SP: " "), or bound it: '
                '%ignore /[ \\t]{1,4}/ with %llguidance {"ignore_once": true}',
            )
