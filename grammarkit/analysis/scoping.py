"""Scopes: the top-level grammar and every nested ``%lark { ... }`` grammar are separate
name spaces in llguidance, so every name is resolved in its :class:`Scope`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

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

    def body(self, d: m.Definition) -> list[m.Node]:
        """Every node of a definition's body (cached; nested grammars not entered)."""
        found = self._bodies.get(id(d))
        if found is None:
            found = self._bodies[id(d)] = list(body_nodes(d.body))
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
    result = [Scope(list(grammar.items))]
    if "%lark" not in grammar.text:
        return result
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
    for sub in scope.body(d):
        if isinstance(sub, m.NameRef) and m.is_terminal_name(sub.name):
            yield sub.name


def rule_lexeme_nodes(scope: Scope) -> Iterator[tuple[m.Definition, m.Node]]:
    """(rule, leaf) for every terminal-like leaf written directly in a rule body."""
    for d in scope.definition_list():
        if d.is_terminal:
            continue
        for sub in scope.body(d):
            if isinstance(sub, (m.Literal, m.RegexLiteral, m.LiteralRange)) or (
                isinstance(sub, m.NameRef) and m.is_terminal_name(sub.name)
            ):
                yield d, sub


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
