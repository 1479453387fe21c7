"""GK230 missing-start: the grammar (or a nested ``%lark`` grammar) has no ``start`` rule.

**What it flags.** A Lark grammar with no rule named ``start`` (``?start`` and ``!start``
count): an empty grammar, a grammar whose top rule has another name, a ``START``
terminal or ``%import … -> start`` instead of a rule. Each nested ``%lark { … }`` grammar
needs its own ``start``. Not reported when the text could not be read and a ``start``
definition may be among the unreadable parts (GK100 reports that).

**Why.** llguidance parses from the rule named ``start`` and rejects a grammar without
one ("no start rule found"; "Empty grammar" for one with no definitions at all), so the
API rejects the tool. Lark's default start symbol is also ``start``.

**Example.**

    command: VERB " " NAME
    VERB: "get" | "put"
    NAME: /[a-z]{1,32}/

**Fix.** Name the top-level rule ``start`` (``start: VERB " " NAME``), or add
``start: command``. A terminal cannot be the start symbol: ``start: START``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from grammarkit import analysis as p
from grammarkit.core.diagnostics import Finding, Severity

CODE = "GK230"
NAME = "missing-start"
SEVERITY = Severity.ERROR
SYNTAXES = ("lark",)

ENGINE_MESSAGES = ("no start rule found", "Empty grammar")
"""llguidance's messages for this problem (both of category "other" in grammarkit.llg)."""

_START_LINE = re.compile(r"(?m)^[ \t]*[!?]*start\b")


def has_start(scope: p.Scope) -> bool:
    d = scope.definitions.get("start")
    return d is not None and not d.is_terminal


def check(ctx) -> Iterator[Finding]:
    a = ctx.analysis
    for scope in a.scopes:
        if has_start(scope):
            continue
        if not a.read_ok and _maybe_unread_start(ctx, scope):
            continue
        yield _finding(ctx, scope)


def _maybe_unread_start(ctx, scope: p.Scope) -> bool:
    if scope.nested is None:
        text = ctx.text
    else:
        text = ctx.text[scope.nested.span.start : scope.nested.span.end]
    return _START_LINE.search(text) is not None


def _finding(ctx, scope: p.Scope) -> Finding:
    defs = scope.definition_list()
    what = "the grammar" if scope.nested is None else "the nested %lark grammar"
    lookalike = next((d for d in defs if d.name.lower() == "start"), None)
    first_rule = next((d for d in defs if not d.is_terminal), None)
    if scope.nested is not None:
        start = scope.nested.span.start
        span = ctx.index.span(start, start + len("%lark"))
    elif lookalike is not None:
        span = lookalike.name_span
    elif defs:
        span = defs[0].name_span
    else:
        imp = scope.imports.get("start")
        span = imp[1].span if imp else ctx.whole_span()
    if lookalike is not None:
        message = (
            f"{what} has no start rule ({lookalike.name} is a terminal): llguidance rejects it "
            '("no start rule found")'
        )
        hint = f"add a rule named start: start: {lookalike.name}"
    elif "start" in scope.imports:
        message = f'{what} has no start rule (start is an import): llguidance rejects it ("no start rule found")'
        hint = "import under another name (-> WORD) and add a rule: start: WORD"
    elif not defs:
        message = f"{what} is empty: there is no start rule, and llguidance rejects it"
        hint = 'write the top-level rule as start: … (e.g. start: "yes" | "no")'
    else:
        message = f'{what} has no start rule: llguidance rejects it ("no start rule found")'
        if first_rule is not None:
            hint = f"rename {first_rule.name} to start, or add start: {first_rule.name}"
        else:
            hint = f"add a rule named start that uses the terminals, e.g. start: {defs[0].name}"
    return Finding(span, message, hint)


__all__ = ["CODE", "ENGINE_MESSAGES", "NAME", "SEVERITY", "SYNTAXES", "check", "has_start"]
