"""GK228 ignore-directive: an ``%ignore`` with a bounded pattern (advice: thread whitespace).

**What it flags.** Every ``%ignore`` whose pattern is bounded, as advice (info). An
unbounded ``%ignore`` pattern is GK107's warning and is not reported again here. Without
``%llguidance {"ignore_once": true}`` the message says that the bounded pattern can
still repeat.

**Why.** Ignored text may appear between *any* two terminals, wherever the model
chooses, and the grammar never requires it: the output's whitespace is up to the model,
which makes it less predictable, and ignored characters cannot be used by any terminal
of the rules (llguidance skips text both match, see GK222). By default llguidance
matches an ``%ignore`` pattern repeatedly at the same point, so ``%ignore /[ ]{1,2}/``
still allows any number of spaces; only ``"ignore_once": true`` makes the bound hold.
OpenAI's guide recommends explicit whitespace.

**Example.**

    %ignore " "
    start: "SELECT" NAME "FROM" NAME

The whitespace advice is given only for an ``%ignore`` of white space; for ignored
comments and the like the hint says to place them in the rules if it matters where they
appear.

**Fix.** Thread explicit whitespace through the rules where it belongs:
``start: "SELECT" _SP NAME _SP "FROM" _SP NAME`` with ``_SP: " "`` (the leading underscore
keeps it out of parse trees). If you keep ``%ignore``, ``%llguidance {"ignore_once": true}``
makes its bound the bound of the whole gap, but grammarkit's local Lark parser cannot read
such grammars (the hint says so).
"""

from __future__ import annotations

from collections.abc import Iterator

from grammarkit import analysis as p
from grammarkit.core.diagnostics import Finding, Severity
from grammarkit.reader import model as m
from grammarkit.rules.unbounded_ignore import IGNORE_ONCE_NOTE, whitespace_only

CODE = "GK228"
NAME = "ignore-directive"
SEVERITY = Severity.INFO
SYNTAXES = ("lark",)


def check(ctx) -> Iterator[Finding]:
    a = ctx.analysis
    ignore_once = _ignore_once(ctx.grammar)
    widths = None
    for scope in a.scopes:
        lex = a.lexemes(scope)
        for ig in scope.ignores:
            try:
                bound = a.lang.lengths(lex.node_term(ig.body))[1]
            except p.Unanalysable:
                if scope.nested is not None:
                    continue
                from grammarkit.analysis.widths import UNKNOWN, WidthCalculator

                widths = widths or WidthCalculator(ctx.grammar)
                width = widths.of(ig.body)
                bound = None if width is None else (0 if width is UNKNOWN else width)
            if bound is None:
                continue  # GK107 reports unbounded %ignore patterns
            shown = p.item_text(ctx, ig.body)
            if ignore_once:
                message = (
                    f"%ignore {shown} lets the model put ignored text between any two "
                    "terminals, where the grammar never asks for it"
                )
            else:
                message = (
                    f"%ignore {shown} lets the model put ignored text between any two "
                    "terminals, and without \"ignore_once\" llguidance matches it repeatedly, "
                    "so the gap is not bounded by the pattern"
                )
            if whitespace_only(ctx, ig):
                hint = 'thread explicit whitespace through the rules instead (e.g. _SP: " " where a space belongs)'
            else:
                hint = "if it matters where this text may appear, make it part of the rules there instead"
            if not ignore_once:
                hint += f"; if you keep %ignore: {IGNORE_ONCE_NOTE}"
            yield Finding(ig.body.span, message, hint)


def _ignore_once(grammar: m.Grammar) -> bool:
    for item in grammar.items:
        if (
            isinstance(item, m.LLGuidanceOptions)
            and isinstance(item.value, dict)
            and item.value.get("ignore_once") is True
        ):
            return True
    return False
