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
(``start: "SELECT" _WS NAME`` with ``_WS: /[ \\t]{1,4}/``; the leading underscore keeps
it out of parse trees). For ignored comments, bound them (``/#[^\\n]{0,200}/``) or make
them part of the rules where they belong. ``%llguidance {"ignore_once": true}`` with a
bounded ``%ignore`` also bounds the gap, but grammarkit's local Lark parser cannot read
such grammars (their samples are checked by llguidance alone), so the hint says so.
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
    for node in ctx.grammar.nodes_of(Ignore):
        widths = widths or WidthCalculator(ctx.grammar)
        if widths.of(node.body) is None:
            shown = ctx.text[node.body.span.start : node.body.span.end]
            yield Finding(node.body.span, f"%ignore {shown} can match unboundedly long text", hint(ctx, node))


IGNORE_ONCE_NOTE = (
    '%llguidance {"ignore_once": true} with a bounded %ignore would bound the gap too, but '
    "grammarkit's local Lark parser cannot read such grammars (samples are then checked by llguidance alone)"
)


def hint(ctx, node: Ignore) -> str:
    """What to do instead of an ``%ignore``: thread whitespace explicitly (for whitespace),
    or bound or place the ignored text (comments and the like)."""
    if whitespace_only(ctx, node):
        return (
            "thread explicit whitespace through the rules instead: a terminal such as "
            "_WS: /[ \\t]{1,4}/ where whitespace belongs (its leading underscore keeps it out of "
            f"parse trees); {IGNORE_ONCE_NOTE}"
        )
    return (
        "bound it (e.g. a comment of at most 200 characters: /#[^\\n]{0,200}/), or make it part of "
        f"the rules where it belongs; {IGNORE_ONCE_NOTE}"
    )


_WHITESPACE = " \t\n\r\x0b\x0c\u00a0\u2028"


def whitespace_only(ctx, node: Ignore) -> bool:
    """The ``%ignore`` pattern matches only white space (False when it cannot be analysed)."""
    from grammarkit import analysis as p

    a = ctx.analysis
    for scope in a.scopes:
        if node in scope.ignores:
            try:
                term = a.lexemes(scope).node_term(node.body)
            except p.Unanalysable:
                return False
            union = a.lang.leaf_union(term)
            space = sum(1 << i for i, c in enumerate(a.lang.chars) if c in _WHITESPACE)
            return bool(union) and not union & ~space
    return False
