"""GK223 single-char-repeat: a rule repeats a one-character terminal.

**What it flags.** In a rule (lowercase), a repetition (``*``, ``+``, ``{m,n}``, ``~m..n``
unbounded, or bounded at five or more) of something that matches exactly one character and is
lexed as a terminal: ``digits: /[0-9]/+``, ``word: LETTER*`` where ``LETTER`` is one
character, ``hex: ("0".."9" | "a".."f"){1,16}``, or a rule that is only a choice of
one-character terminals (``digit: "0" | "1" | …`` used as ``digit+``). Repetitions
inside terminals (uppercase definitions) are not flagged: they compile to one regex.

**Why.** llguidance's docs: "Putting a repeating operator like ``+`` or ``*`` on a
single-character lexeme is typically not what you want and will slow down the parser,
up to the point it will refuse to run." In a rule, every character becomes a lexeme of
its own and an Earley item per character; and with ``%ignore``, ignored text may appear
between the characters (``1 2 3`` for ``digits``).

**Example.**

    start: "id=" digits
    digits: /[0-9]/+

**Fix.** Make it one terminal with a bounded repetition and use that:
``DIGITS: /[0-9]{1,18}/`` and ``start: "id=" DIGITS``.
"""

from __future__ import annotations

from collections.abc import Iterator

from grammarkit import analysis as p
from grammarkit.core.diagnostics import Finding, Severity
from grammarkit.reader import model as m

CODE = "GK223"
NAME = "single-char-repeat"
SEVERITY = Severity.WARNING
SYNTAXES = ("lark",)

MIN_MAX = 5
"""Bounded repetitions are flagged from this many characters on (``{1,5}``, ``~5``)."""


def check(ctx) -> Iterator[Finding]:
    a = ctx.analysis
    for scope in a.scopes:
        lex = a.lexemes(scope)
        memo: dict[str, bool] = {}
        ignores = bool(scope.ignores)
        for d, node in scope.nodes_in_bodies(m.Repeat):  # (the grammar's index of repetitions)
            if d.is_terminal or (node.max is not None and node.max < MIN_MAX):
                continue
            if node.max is not None and node.max < node.min:
                continue  # an invalid range; llguidance rejects it
            if not _single(scope, lex, node.item, memo, set()):
                continue
            yield _finding(ctx, d, node, ignores)


def _single(scope, lex, node: m.Node, memo: dict, active: set) -> bool:
    """Does ``node`` always match exactly one character, lexed as terminals?"""
    if isinstance(node, (m.Literal, m.RegexLiteral, m.LiteralRange)) or (
        isinstance(node, m.NameRef) and m.is_terminal_name(node.name)
    ):
        term = lex.term(p.lexeme_key(scope, node))
        return term is not None and lex.lang.lengths(term) == (1, 1)
    if isinstance(node, m.NameRef):
        d = scope.definitions.get(node.name)
        if d is None or d.is_terminal or d.params is not None or node.name in active:
            return False
        if node.name not in memo:
            memo[node.name] = _choice_of_single(scope, lex, d.body, memo, active | {node.name})
        return memo[node.name]
    if isinstance(node, m.Group):
        return _choice_of_single(scope, lex, node.body, memo, active)
    return False


def _choice_of_single(scope, lex, body: m.Expansions, memo, active) -> bool:
    for alt in body.alternatives:
        if len(alt.conjuncts) != 1 or len(alt.conjuncts[0].items) != 1:
            return False
        if not _single(scope, lex, alt.conjuncts[0].items[0], memo, active):
            return False
    return bool(body.alternatives)


def _finding(ctx, d: m.Definition, node: m.Repeat, ignores: bool) -> Finding:
    item = node.item
    shown = p.item_text(ctx, item)
    op = ctx.text[node.op_span.start : node.op_span.end]
    quant = _quantifier(node)
    whole = _is_whole_body(d, node)
    if isinstance(item, m.RegexLiteral):
        body = item.pattern if _atomic(item.pattern) else f"(?:{item.pattern})"
        suggestion = f"/{body}{quant}/{item.flags}"
        new = d.name.upper() if whole else "CHARS"
    elif isinstance(item, m.NameRef) and m.is_terminal_name(item.name):
        suggestion = f"{item.name}{quant}"
        new = d.name.upper() if whole else item.name.rstrip("_") + "S"
    elif isinstance(item, (m.Literal, m.LiteralRange)):
        suggestion = f"{shown}{quant}"
        new = d.name.upper() if whole else "CHARS"
    else:
        body = shown if isinstance(item, m.Group) else f"({shown})"
        suggestion = f"{body.upper() if isinstance(item, m.NameRef) else body}{quant}"
        new = d.name.upper() if whole else "CHARS"
    extra = ", and %ignore lets ignored text appear between the characters" if ignores else ""
    if isinstance(item, m.NameRef) and not m.is_terminal_name(item.name):
        new = d.name.upper() if whole else item.name.upper() + "S"
        fix = (
            f"make it one terminal: define {item.name} as a terminal ({item.name.upper()}: …) "
            f"and write {new}: {item.name.upper()}{quant}, then use {new} in rule {d.name}"
        )
    else:
        where = "instead of the rule" if whole else f"in rule {d.name}"
        fix = f"make it one terminal: {new}: {suggestion}, and use {new} {where}"
    return Finding(
        node.span,
        f"rule {d.name} repeats {shown}, which matches one character, with `{op}`: every character "
        f"becomes a lexeme of its own, which slows llguidance's parser down{extra}",
        fix,
    )


def _quantifier(node: m.Repeat) -> str:
    if node.max is not None:
        return f"{{{node.min}}}" if node.min == node.max else f"{{{node.min},{node.max}}}"
    return p.bounded_quantifier(node.op if node.form == "op" else "", node.min, 64)


def _is_whole_body(d: m.Definition, node: m.Repeat) -> bool:
    alts = d.body.alternatives
    return (
        len(alts) == 1
        and len(alts[0].conjuncts) == 1
        and alts[0].conjuncts[0].items == [node]
        and alts[0].alias is None
    )


def _atomic(pattern: str) -> bool:
    """A regex that a quantifier can follow as is: one class, escape or character."""
    try:
        tree = p.parse_regex(pattern)
    except p.Unanalysable:
        return False
    from grammarkit import regex_syntax as rx

    return isinstance(tree, (rx.Literal, rx.Class, rx.Dot, rx.PerlClass, rx.UnicodeClass, rx.Group))
