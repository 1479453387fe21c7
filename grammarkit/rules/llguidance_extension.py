"""GK227 llguidance-extension: syntax only llguidance has, which OpenAI's API may not accept.

**What it flags.** The extensions llguidance adds to Lark, each named in the message:
``%json { … }`` inline JSON schemas, special tokens (``<|end|>``, ``<[128010]>``),
``%llguidance { … }`` options, ``@name`` references to other grammars, ``%regex { … }``,
nested ``%lark { … }`` grammars, the ``&`` (and) and ``~`` (not) operators on terminals,
rule attributes such as ``[lazy]``, ``[capture]`` and ``[suffix=…]`` (``stop=``,
``max_tokens=`` and ``temperature=`` are GK226), and parametric rules (``perm::_: …``).
Not flagged: ``%llguidance {"ignore_once": true}``, which GK107 and GK228 mention together with a
bounded ``%ignore``.

**Why.** OpenAI documents grammar tools in terms of Lark syntax; these constructs are
llguidance's own (its docs call several of them experimental or tokenizer-specific), and
the API may reject them or treat them differently from a local llguidance: special
tokens depend on the model's tokenizer, captures and lexeme options are not returned or
honoured by the API, ``@name`` needs several grammars where a tool has one.

**Example.**

    start: "call " %json {"type": "object"} tail
    tail[lazy]: /[^;]{0,50};/

**Fix.** Write the same language in plain Lark: JSON shapes as rules with bounded
terminals, special tokens as string literals, ``A & ~B`` as one regex, nested and
referenced grammars inlined as ordinary rules, parametric rules expanded, and attributes
removed (end a terminal with an explicit delimiter instead of ``[lazy]``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from grammarkit import analysis as p
from grammarkit.core.diagnostics import Finding, Severity
from grammarkit.reader import model as m

CODE = "GK227"
NAME = "llguidance-extension"
SEVERITY = Severity.WARNING
SYNTAXES = ("lark",)

_AVOIDED = ("stop", "max_tokens", "temperature")  # GK226

_TAIL = "an llguidance extension that OpenAI's API may not accept"

_ATTR_FIX = {
    "lazy": "remove [lazy] and end the terminal with an explicit delimiter (a bounded "
    'terminal followed by the delimiter as a literal: TEXT "</end>")',
    "capture": "remove the capture: the API returns the whole tool input; split it after parsing",
    "suffix": "remove suffix= and write the suffix as a literal after the terminal",
    "stop_capture": "remove stop_capture=: the API does not return captures",
}


def check(ctx) -> Iterator[Finding]:
    a = ctx.analysis
    for scope in a.scopes:
        walk = _may_flag(scope)
        for item in scope.items:
            if isinstance(item, m.LLGuidanceOptions):
                if _only_ignore_once(item.value):
                    continue
                yield Finding(
                    _prefix(ctx, item, "%llguidance"),
                    f"%llguidance options are {_TAIL}",
                    "remove the %llguidance line; for a bounded %ignore, only "
                    '{"ignore_once": true} is worth keeping',
                )
            elif isinstance(item, m.Definition):
                if walk or item.parametric or item.attributes:  # (else nothing to report)
                    yield from _definition(ctx, scope, item, walk)
            else:
                for node in p.body_nodes(item):
                    if node is not item:
                        yield from _node(ctx, node, "a directive")


def _may_flag(scope: p.Scope) -> bool:
    """Can a definition's body in ``scope`` hold a node :func:`_node` reports? False when
    the grammar's index by class has none of them (then no body is walked)."""
    grammar = scope.grammar
    if grammar is None:
        return True
    if any(grammar.nodes_of(kind) for kind in _FLAGGED):
        return True
    return any(len(alt.conjuncts) > 1 for alt in grammar.nodes_of(m.Alternative))


def _definition(ctx, scope: p.Scope, d: m.Definition, walk: bool) -> Iterator[Finding]:
    kind = "terminal" if d.is_terminal else "rule"
    where = f"{kind} {d.name}"
    if d.parametric:
        start = ctx.text.find("::", d.name_span.end)
        if start >= 0:
            end = start + 3 if ctx.text.startswith("_", start + 2) else start + 2
            yield Finding(
                ctx.index.span(start, end),
                f"parametric rule {d.name}::_ is {_TAIL}",
                "expand it into ordinary rules, one per parameter value the grammar needs",
            )
    for attr in d.attributes:
        if attr.key in _AVOIDED:
            continue
        shown = ctx.text[attr.span.start : attr.span.end]
        yield Finding(
            attr.span,
            f"attribute [{shown}] on {where} is {_TAIL}",
            _ATTR_FIX.get(attr.key, f"remove [{shown}]"),
        )
    if not walk:
        return
    node: Any
    for node in scope.body(d):
        # (most nodes are none of these: _node is not called for them)
        if type(node) in _FLAGGED or (type(node) is m.Alternative and len(node.conjuncts) > 1):
            yield from _node(ctx, node, where)


_FLAGGED = frozenset({m.JsonValue, m.SpecialToken, m.GrammarRef, m.RegexExt, m.NestedLark, m.Not})
"""The node types :func:`_node` reports (and alternatives joined with ``&``)."""


def _node(ctx, node: m.Node, where: str) -> Iterator[Finding]:
    if isinstance(node, m.JsonValue):
        yield Finding(
            _prefix(ctx, node, "%json"),
            f"%json (an inline JSON schema) in {where} is {_TAIL}",
            "describe the JSON with Lark rules and bounded terminals, or use a function tool "
            "with a JSON schema (strict mode) instead",
        )
    elif isinstance(node, m.SpecialToken):
        yield Finding(
            node.span,
            f"special token {node.text} in {where} is {_TAIL} (special tokens depend on the "
            "model's tokenizer)",
            "write the text you expect as a string literal instead",
        )
    elif isinstance(node, m.GrammarRef):
        yield Finding(
            node.span,
            f"grammar reference {ctx.text[node.span.start : node.span.end]} in {where} is {_TAIL}",
            "a custom tool has one grammar: copy the referenced grammar's rules into this one",
        )
    elif isinstance(node, m.RegexExt):
        yield Finding(
            _prefix(ctx, node, "%regex"),
            f"%regex {{…}} in {where} is {_TAIL}",
            "write it as a /…/ regex, or as alternatives of string literals",
        )
    elif isinstance(node, m.NestedLark):
        yield Finding(
            _prefix(ctx, node, "%lark"),
            f"nested %lark {{…}} grammar in {where} is {_TAIL}",
            "move the nested grammar's rules into the main grammar (its start rule under "
            "another name)",
        )
    elif isinstance(node, m.Not):
        yield Finding(
            ctx.index.span(node.span.start, node.span.start + 1),
            f"the ~ (not) operator in {where} is {_TAIL}",
            "write the complement as a regex instead (e.g. a negated class /[^…]{1,64}/)",
        )
    elif isinstance(node, m.Alternative) and len(node.conjuncts) > 1:
        for left, right in zip(node.conjuncts, node.conjuncts[1:], strict=False):
            between = ctx.text[left.span.end : right.span.start]
            at = between.find("&")
            if at < 0:
                continue
            start = left.span.end + at
            yield Finding(
                ctx.index.span(start, start + 1),
                f"the & (and) operator in {where} is {_TAIL}",
                "write one regex that matches exactly the intended strings",
            )


def _prefix(ctx, node: m.Node, keyword: str):
    start = node.span.start
    if ctx.text.startswith(keyword, start):
        return ctx.index.span(start, start + len(keyword))
    return node.span


def _only_ignore_once(value) -> bool:
    return isinstance(value, dict) and bool(value) and set(value) <= {"ignore_once"}
