"""GK216 unparenthesized-alternation: a regex alternation pasted ungrouped into a longer terminal.

**What it flags.** A terminal made of several parts (``V: NUM "." NUM``) where one part is
a regex whose alternation is not enclosed in a group: a ``/0|[1-9][0-9]{0,2}/`` literal, or
a terminal (``NUM``) defined as such a regex.

**Why.** Python Lark builds the terminal's regex by pasting the parts' texts together
without a group (lark-parser/lark#1414): ``V`` becomes ``0|[1-9][0-9]{0,2}\\.0|…``, which
means something else. llguidance composes terminals correctly, so the model can send
``1.2`` and the application's Lark parser rejects it.

**Example.**

    VERSION: NUM "." NUM
    NUM: /0|[1-9][0-9]{0,2}/

**Fix.** Group the alternation inside the regex: ``NUM: /(0|[1-9][0-9]{0,2})/`` (or
``/(?:…)/``), or write the alternatives with Lark's ``|`` outside the slashes:
``NUM: "0" | /[1-9][0-9]{0,2}/``.
"""

from __future__ import annotations

from collections.abc import Iterator

from grammarkit.core.diagnostics import Finding, Severity
from grammarkit.reader import model as m

CODE = "GK216"
NAME = "unparenthesized-alternation"
SEVERITY = Severity.WARNING
SYNTAXES = ("lark",)


def check(ctx) -> Iterator[Finding]:
    grammar = ctx.grammar
    definitions = grammar.definition_map()
    # Without nested grammars, a body's walk is the top scope's (shared) body list.
    top = ctx.analysis.scopes[0] if "%lark" not in grammar.text else None
    for d in grammar.definitions:
        if not d.is_terminal:
            continue
        for node in top.body(d) if top is not None else m.walk(d.body):
            if type(node) is m.Sequence and len(node.items) >= 2:  # a lone part keeps its meaning
                for item in node.items:
                    yield from _check_part(item, definitions)


def _check_part(item: m.Node, definitions: dict) -> Iterator[Finding]:
    if isinstance(item, m.RegexLiteral) and _top_level_alternation(item.pattern):
        yield Finding(
            item.span,
            f"Lark pastes /{item.pattern}/ into this terminal without a group, so its `|` splits the whole terminal",
            f"group it: /({item.pattern})/",
        )
    elif isinstance(item, m.NameRef) and item.is_terminal:
        target = definitions.get(item.name)
        regex = _single_regex(target)
        if regex is not None and _top_level_alternation(regex.pattern):
            yield Finding(
                item.span,
                f"{item.name} is /{regex.pattern}/: Lark pastes it into this terminal without a group, so its `|` "
                "splits the whole terminal",
                f"group the alternation in {item.name}: /({regex.pattern})/",
            )


def _single_regex(definition) -> m.RegexLiteral | None:
    if definition is None or len(definition.body.alternatives) != 1:
        return None
    (alt,) = definition.body.alternatives
    if len(alt.conjuncts) != 1 or len(alt.conjuncts[0].items) != 1:
        return None
    item = alt.conjuncts[0].items[0]
    return item if isinstance(item, m.RegexLiteral) else None


def _top_level_alternation(pattern: str) -> bool:
    from grammarkit.regex_syntax import Alternation, RegexSyntaxError, parse_remembered

    try:
        return isinstance(parse_remembered(pattern), Alternation)
    except RegexSyntaxError:
        return False
