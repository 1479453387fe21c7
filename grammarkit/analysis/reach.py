"""Reachability: which definitions of a scope a derivation from ``start`` can use.

Uses are followed through rules, through terminals used inside other terminals, through
``%ignore`` (a terminal used only by ``%ignore`` is used), through parametric references
and template uses, and through terminal names given to ``stop=``/``suffix=`` attributes;
``%override`` bodies and further definitions of an already defined name count as uses of
what they reference. llguidance compiles only what ``start`` reaches: an unreachable
definition is ignored, errors and all.
"""

from __future__ import annotations

from dataclasses import dataclass

from grammarkit.analysis.scoping import Scope, body_nodes, scopes
from grammarkit.reader import model as m


@dataclass
class Reachability:
    """``edges``: name → names its definition references; ``reached``: the names a
    derivation from ``start`` (or from ``%ignore`` and the other roots) uses."""

    edges: dict[str, set[str]]
    reached: set[str]


def refs(nodes) -> set[str]:
    """Names referenced by ``nodes`` (rules, terminals, parametric and template uses)."""
    return {sub.name for sub in nodes if type(sub) in _NAMED}


_NAMED = frozenset({m.NameRef, m.ParamName, m.TemplateUsage})


def reachability(scope: Scope) -> Reachability:
    """What ``start`` reaches in ``scope`` (whether or not the scope has a ``start``)."""
    defs = scope.definitions
    edges: dict[str, set[str]] = {}
    # Without parametric references and template uses, a body's names are its NameRefs,
    # which the scope has read already (Scope.refs) for other analyses.
    grammar = scope.grammar
    plain = grammar is not None and not grammar.nodes_of(m.ParamName) and not grammar.nodes_of(m.TemplateUsage)
    for name, d in defs.items():
        found = set(scope.refs(d)) if plain else refs(scope.body(d))
        for attr in d.attributes:
            if attr.key in ("stop", "suffix") and attr.value and m.is_terminal_name(attr.value):
                found.add(attr.value)
        edges[name] = found
    roots = {"start"}
    for item in scope.items:
        if isinstance(item, m.Definition):  # (the usual item first)
            if defs.get(item.name) is not item:
                roots |= refs(body_nodes(item.body))
        elif isinstance(item, m.Ignore):
            roots |= refs(body_nodes(item.body))
        elif isinstance(item, m.Override):
            roots |= refs(body_nodes(item.definition.body))
    reached: set[str] = set()
    stack = list(roots)
    while stack:
        name = stack.pop()
        if name in reached:
            continue
        reached.add(name)
        stack.extend(edges.get(name, ()))
    return Reachability(edges, reached)


def has_start_rule(scope: Scope) -> bool:
    start = scope.definitions.get("start")
    return start is not None and not start.is_terminal


def unreachable_definitions(grammar: m.Grammar) -> list[m.Definition]:
    """Every definition, in any scope with a ``start`` rule, that ``start`` never reaches
    (nested ``%lark`` grammars inside an unreachable definition are inside its span)."""
    dead: list[m.Definition] = []
    for scope in scopes(grammar):
        if not has_start_rule(scope):
            continue
        reached = reachability(scope).reached
        dead.extend(d for name, d in scope.definitions.items() if name not in reached)
    return dead


def unreachable_definition_at(grammar: m.Grammar, offset: int, dead: list[m.Definition] | None = None):
    """The unreachable definition whose text holds character ``offset``, or None."""
    for d in unreachable_definitions(grammar) if dead is None else dead:
        if d.span.start <= offset < d.span.end:
            return d
    return None
