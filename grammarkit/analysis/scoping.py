"""Scopes: the top-level grammar and every nested ``%lark { ... }`` grammar are separate
name spaces in llguidance, so every name is resolved in its :class:`Scope`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from grammarkit.core.errors import GrammarkitError
from grammarkit.reader import model as m


class Unanalysable(GrammarkitError):
    """A construct the language model does not represent; callers stay silent."""


# ---------------------------------------------------------------------------- scopes


@dataclass
class Scope:
    """One name space: the top-level grammar, or one nested ``%lark { … }``."""

    items: list
    nested: m.NestedLark | None = None
    _defs: dict | None = field(default=None, repr=False)
    _bodies: dict = field(default_factory=dict, repr=False)
    _ignores: list | None = field(default=None, repr=False)
    grammar: m.Grammar | None = field(default=None, repr=False, compare=False)
    """The grammar whose items these are, when it has no nested ``%lark`` (then a
    definition's body is a slice of :meth:`~grammarkit.reader.model.Grammar.nodes`)."""
    _slices: dict | None = field(default=None, repr=False, compare=False)
    _refs: dict = field(default_factory=dict, repr=False, compare=False)
    _refs_read: bool = field(default=False, repr=False, compare=False)
    _item_spans: list | None = field(default=None, repr=False, compare=False)

    def body(self, d: m.Definition) -> list[m.Node]:
        """Every node of a definition's body (cached; nested grammars not entered)."""
        found = self._bodies.get(id(d))
        if found is None:
            found = self._body_slice(d)
            if found is None:
                found = list(body_nodes(d.body))
            self._bodies[id(d)] = found
        return found

    def _body_slice(self, d: m.Definition) -> list[m.Node] | None:
        """``d``'s body nodes cut from the grammar's pre-order node list (which the lint
        has walked already), or None when ``d`` is not one of its top-level items.

        In pre-order, item ``i``'s nodes run from where it is to where item ``i + 1`` is;
        a definition's own nodes are itself, its body's nodes, then its attributes (leaves)."""
        if self.grammar is None:
            return None
        if self._slices is None:
            nodes = self.grammar.nodes()
            starts: list[int] = []
            items = self.items
            if items:
                expected, k = items[0], 0
                for i, node in enumerate(nodes):
                    if node is expected:
                        starts.append(i)
                        k += 1
                        if k == len(items):
                            break
                        expected = items[k]
            bounds: dict[int, tuple[int, int]] = {}
            if len(starts) == len(items):
                ends = starts[1:] + [len(nodes)]
                for item, start, end in zip(items, starts, ends, strict=True):
                    bounds[id(item)] = (start, end)
            self._slices = bounds
        where = self._slices.get(id(d))
        if where is None:
            return None
        start, end = where
        nodes = self.grammar.nodes()
        end -= len(d.attributes)
        if nodes[start + 1] is not d.body or (d.attributes and nodes[end] is not d.attributes[0]):
            return None
        return nodes[start + 1 : end]

    def refs(self, d: m.Definition) -> list[str]:
        """Names of the rules and terminals (``NameRef``) in a definition's body, in
        order, with repeats (cached)."""
        found = self._refs.get(id(d))
        if found is None and not self._refs_read:
            # the first time: every definition's names at once, from the grammar's
            # index of names instead of a walk of each body
            self._refs_read = True
            pairs = self.definition_nodes(self.grammar.nodes_of(m.NameRef)) if self.grammar else None
            if pairs is not None:
                read: dict[int, list[str]] = {id(i): [] for i in self.items if isinstance(i, m.Definition)}
                for owner, sub in pairs:
                    read[id(owner)].append(sub.name)
                for key, names in read.items():
                    self._refs.setdefault(key, names)
                found = self._refs.get(id(d))
        if found is None:
            found = self._refs[id(d)] = [sub.name for sub in self.body(d) if type(sub) is m.NameRef]
        return found

    def nodes_in_bodies(self, kind: type, where: Callable[[Any], bool] | None = None) -> list[tuple[m.Definition, Any]]:
        """(definition, node) for every node of class ``kind`` (for which ``where`` holds,
        when given) in the body of one of this scope's definitions, in the order of the
        definitions and of a walk of each body: from the grammar's index by class when
        :meth:`definition_nodes` can tell, else by that walk."""
        if self.grammar is not None:
            nodes = self.grammar.nodes_of(kind)
            found = self.definition_nodes(nodes if where is None else [n for n in nodes if where(n)])
            if found is not None:
                return found
        return [
            (d, node)
            for d in self.definition_list()
            for node in self.body(d)
            if isinstance(node, kind) and (where is None or where(node))
        ]

    def definition_nodes(self, nodes: list) -> list[tuple[m.Definition, Any]] | None:
        """(definition, node) for each of ``nodes`` (in pre-order, as
        :meth:`~grammarkit.reader.model.Grammar.nodes_of` gives them) that is in the body
        of one of this scope's top-level definitions, in the order a walk of each
        definition's :meth:`body` meets them; nodes of directives are left out. None when
        the scope cannot tell (a nested ``%lark`` scope): the caller walks the bodies.

        A rule looking for a rare kind of node reads it from the grammar's index by class
        instead of walking every body. A node's span lies within its item's (the reader
        spans a node over its children) and items do not overlap, so the item whose span
        holds the node is the item it is in; a node outside every item's span, or an empty
        one, also gives None."""
        if self.grammar is None:
            return None
        spans = self._item_spans
        if spans is None:
            spans = [(i.span.start, i.span.end) for i in self.items]
            if any(spans[k][1] > spans[k + 1][0] for k in range(len(spans) - 1)):
                spans = []  # overlapping items (never from the reader): cannot tell
            self._item_spans = spans
        if not spans and self.items:
            return None
        items = self.items
        last = len(items) - 1
        found: list[tuple[m.Definition, Any]] = []
        k = 0
        for node in nodes:
            at, end = node.span.start, node.span.end
            while k < last and spans[k + 1][0] <= at:
                k += 1
            if not items or at == end or not (spans[k][0] <= at and end <= spans[k][1]):
                return None  # (an empty node could be at the end of the item before)
            owner = items[k]
            if isinstance(owner, m.Definition) and node is not owner and type(node) is not m.Attribute:
                found.append((owner, node))
        return found

    @property
    def definitions(self) -> dict[str, m.Definition]:
        """Name → first definition of that name in this scope."""
        if self._defs is None:
            defs: dict[str, m.Definition] = {}
            for item in self.items:
                if isinstance(item, m.Definition):
                    defs.setdefault(item.name, item)
            self._defs = defs
        return self._defs

    def definition_list(self) -> list[m.Definition]:
        return [i for i in self.items if isinstance(i, m.Definition)]

    @property
    def imports(self) -> dict[str, tuple[m.Import, m.ImportName]]:
        result = {}
        for item in self.items:
            if isinstance(item, m.Import):
                for n in item.names:
                    result[n.alias or n.name] = (item, n)
        return result

    @property
    def ignores(self) -> list[m.Ignore]:
        if self._ignores is None:
            self._ignores = [i for i in self.items if isinstance(i, m.Ignore)]
        return self._ignores

    def nodes(self) -> Iterator[m.Node]:
        """Every node of this scope; a nested ``%lark`` is yielded but not entered."""
        stack: list[m.Node] = list(reversed(self.items))
        while stack:
            node = stack.pop()
            yield node
            if isinstance(node, m.NestedLark):
                continue
            stack.extend(reversed(list(node.children())))


def scopes(grammar: m.Grammar) -> list[Scope]:
    """The top-level scope followed by every nested ``%lark`` scope."""
    if "%lark" not in grammar.text:
        return [Scope(list(grammar.items), grammar=grammar)]
    result = [Scope(list(grammar.items))]
    i = 0
    while i < len(result):
        for node in result[i].nodes():
            if isinstance(node, m.NestedLark):
                result.append(Scope(list(node.items), node))
        i += 1
    return result


def body_nodes(node: m.Node) -> Iterator[m.Node]:
    """``node`` and everything below it, without entering a nested ``%lark``."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, m.NestedLark):
            continue
        stack.extend(reversed(list(current.children())))



# ---------------------------------------------------------------------------- misc helpers


def terminal_refs(scope: Scope, d: m.Definition) -> Iterator[str]:
    """Names of terminals referenced in a definition's body."""
    for name in scope.refs(d):
        if m.is_terminal_name(name):
            yield name


def rule_lexeme_nodes(scope: Scope) -> Iterator[tuple[m.Definition, m.Node]]:
    """(rule, leaf) for every terminal-like leaf written directly in a rule body."""
    for d in scope.definition_list():
        if d.is_terminal:
            continue
        for sub in scope.body(d):
            if type(sub) in _LEAVES or (type(sub) is m.NameRef and m.is_terminal_name(sub.name)):
                yield d, sub


_LEAVES = frozenset({m.Literal, m.RegexLiteral, m.LiteralRange})


def terminals_used_by_rules(scope: Scope) -> set[str]:
    """Terminal names referenced from any rule, closed over terminal-in-terminal use."""
    used: set[str] = set()
    stack: list[str] = []
    for d in scope.definition_list():
        if d.is_terminal:
            continue
        for name in terminal_refs(scope, d):
            if name not in used:
                used.add(name)
                stack.append(name)
        for attr in d.attributes:
            if attr.value and m.is_terminal_name(attr.value.strip()):
                name = attr.value.strip()
                if name not in used:
                    used.add(name)
                    stack.append(name)
    while stack:
        name = stack.pop()
        found = scope.definitions.get(name)
        if found is None or not found.is_terminal:
            continue
        for ref in terminal_refs(scope, found):
            if ref not in used:
                used.add(ref)
                stack.append(ref)
    return used


def item_text(ctx, node: m.Node) -> str:
    """The source text of a node, whitespace runs collapsed."""
    return " ".join(ctx.text[node.span.start : node.span.end].split())
