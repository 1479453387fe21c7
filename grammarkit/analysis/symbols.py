"""Symbols of a Lark grammar: where each rule and terminal name is defined and used, for
editors (go to definition, references, rename, outline, hover).

Every name is resolved in its scope: the top-level grammar and each nested ``%lark { … }``
grammar are separate name spaces (see :mod:`grammarkit.analysis.scoping`), so ``a`` in a
nested grammar and ``a`` outside it are different symbols. A name occurs as

* a **definition** (``name: …``, ``NAME: …``, and the definitions of ``%override`` and
  ``%extend``; the first one in a scope is *the* definition),
* an **import** (``%import common.WS``, ``%import common (A, B)``, or the alias of
  ``%import common.NUMBER -> NUM``), which defines the name in its scope, or
* a **reference** (in an expansion, in ``%ignore``, a template use, ``name::expr``, or a
  rule attribute naming a terminal such as ``[stop=END]``).

Template parameters (``sep`` in ``_list{item, sep}: item (sep item)*``) are local to
their definition and are not symbols. Positions are character offsets into the grammar
text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from grammarkit.analysis.flow import Flow
from grammarkit.analysis.lexemes import EOS, describe_key
from grammarkit.analysis.scoping import Scope, body_nodes, scopes
from grammarkit.analysis.widths import UNKNOWN, MinWidthCalculator, WidthCalculator
from grammarkit.core.diagnostics import Edit
from grammarkit.core.errors import GrammarkitError
from grammarkit.reader import model as m
from grammarkit.reader.common_terminals import common_regex

Role = Literal["definition", "import", "reference"]

RULE_NAME = re.compile(r"_?[a-z][_a-z0-9\-]*")
"""A rule name as llguidance's lexer reads one (``-`` is llguidance's; see GK217)."""
TERMINAL_NAME = re.compile(r"_?[A-Z][_A-Z0-9\-]*")
"""A terminal name as llguidance's lexer reads one."""


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One place a name is written: ``[start, end)`` of the grammar text."""

    name: str
    start: int
    end: int
    role: Role
    scope: int  # index into Symbols.scopes
    node: m.Node = field(compare=False, repr=False)  # the Definition, ImportName or reference node

    @property
    def is_terminal(self) -> bool:
        return m.is_terminal_name(self.name)

    @property
    def defines(self) -> bool:
        return self.role != "reference"


@dataclass(slots=True)
class OutlineItem:
    """A rule, terminal or imported name for an outline: the whole definition's range,
    the name's, and the definitions of the nested grammars inside it."""

    name: str
    kind: Literal["rule", "terminal", "import"]
    start: int
    end: int
    name_start: int
    name_end: int
    detail: str = ""
    children: list[OutlineItem] = field(default_factory=list)


class RenameError(GrammarkitError):
    """A rename that cannot be done (an invalid or clashing name); ``str()`` says why."""


class Symbols:
    """Every occurrence of every name in one read grammar."""

    def __init__(self, grammar: m.Grammar) -> None:
        self.grammar = grammar
        self.text = grammar.text
        self.scopes: list[Scope] = scopes(grammar)
        self.occurrences: list[Occurrence] = []
        for i, scope in enumerate(self.scopes):
            self.occurrences.extend(self._scan(scope, i))
        self.occurrences.sort(key=lambda o: (o.start, o.end))
        self._defined: list[dict[str, Occurrence]] = [{} for _ in self.scopes]
        for occ in self.occurrences:
            if occ.defines:
                self._defined[occ.scope].setdefault(occ.name, occ)

    # -- building -------------------------------------------------------------------

    def _scan(self, scope: Scope, index: int) -> Iterator[Occurrence]:
        text = self.text
        for item in scope.items:
            definitions: list[m.Definition] = []
            if isinstance(item, m.Definition):
                definitions.append(item)
            elif isinstance(item, m.Override):
                definitions.append(item.definition)
            elif isinstance(item, m.Import):
                yield from self._imports(item, index)
                continue
            elif isinstance(item, m.Ignore):
                yield from self._references(item.body, index, ())
                continue
            elif isinstance(item, m.Declare):
                # %declare has no located names: find them in its text (GK106 reports it anyway)
                for found in re.finditer(r"[\w\-]+", text[item.span.start : item.span.end]):
                    if found.group() != "declare":
                        start = item.span.start + found.start()
                        yield Occurrence(found.group(), start, start + len(found.group()), "reference", index, item)
                continue
            for d in definitions:
                start = text.find(d.name, d.name_span.start, d.name_span.end)
                if start != -1:
                    yield Occurrence(d.name, start, start + len(d.name), "definition", index, d)
                params = tuple(d.params or ())
                for attr in d.attributes:
                    value = (attr.value or "").strip()
                    if attr.value_span is not None and TERMINAL_NAME.fullmatch(value):
                        at = text.find(value, attr.value_span.start, attr.value_span.end)
                        if at != -1:
                            yield Occurrence(value, at, at + len(value), "reference", index, attr)
                yield from self._references(d.body, index, params)

    def _imports(self, item: m.Import, index: int) -> Iterator[Occurrence]:
        for n in item.names:
            if n.alias is None:
                yield Occurrence(n.name, n.span.start, n.span.end, "import", index, n)
                continue
            # `%import common.NUMBER -> NUM`: the alias is the local name, written last
            at = self.text.rfind(n.alias, n.span.end, item.span.end)
            if at != -1:
                yield Occurrence(n.alias, at, at + len(n.alias), "import", index, n)

    def _references(self, body: m.Node, index: int, params: tuple[str, ...]) -> Iterator[Occurrence]:
        for node in body_nodes(body):
            if isinstance(node, m.NameRef):
                if node.name not in params:
                    yield Occurrence(node.name, node.span.start, node.span.end, "reference", index, node)
            elif isinstance(node, m.TemplateUsage):
                if node.name not in params:
                    span = node.name_span
                    yield Occurrence(node.name, span.start, span.end, "reference", index, node)
            elif isinstance(node, m.ParamName):
                start = node.span.start
                if self.text.startswith(node.name, start):
                    yield Occurrence(node.name, start, start + len(node.name), "reference", index, node)

    # -- queries --------------------------------------------------------------------

    def at(self, offset: int) -> Occurrence | None:
        """The occurrence under ``offset`` (a cursor just after a name is on it too)."""
        best = None
        for occ in self.occurrences:
            if occ.start > offset:
                break
            if occ.start <= offset <= occ.end:
                best = occ
                if offset < occ.end:
                    break
        return best

    def definition(self, occ: Occurrence) -> Occurrence | None:
        """Where ``occ``'s name is defined (or imported) in its scope; None when nowhere."""
        return self._defined[occ.scope].get(occ.name)

    def defined_names(self, scope: int = 0) -> dict[str, Occurrence]:
        """Name → defining occurrence, for every rule, terminal and import of a scope."""
        return dict(self._defined[scope])

    def references(self, occ: Occurrence, *, include_definitions: bool = True) -> list[Occurrence]:
        """Every occurrence of ``occ``'s name in its scope, in text order."""
        return [
            o
            for o in self.occurrences
            if o.scope == occ.scope and o.name == occ.name and (include_definitions or not o.defines)
        ]

    def scope_at(self, offset: int) -> int:
        """The innermost scope whose text holds ``offset`` (0: the top level)."""
        best, size = 0, len(self.text) + 1
        for i, scope in enumerate(self.scopes):
            if scope.nested is None:
                continue
            span = scope.nested.span
            if span.start < offset < span.end and span.end - span.start < size:
                best, size = i, span.end - span.start
        return best

    def definition_at(self, offset: int) -> m.Definition | None:
        """The definition (of the innermost scope) whose text holds ``offset``."""
        scope = self.scopes[self.scope_at(offset)]
        for item in scope.items:
            d = item.definition if isinstance(item, m.Override) else item
            if isinstance(d, m.Definition) and d.span.start <= offset <= d.span.end:
                return d
        return None

    # -- rename ---------------------------------------------------------------------

    def rename(self, occ: Occurrence, new_name: str) -> list[Edit]:
        """The edits that rename ``occ``'s symbol to ``new_name``: its definition(s) and
        every reference in its scope. An imported name gets (or changes) an alias:
        ``%import common.NUMBER`` becomes ``%import common.NUMBER -> NEW``.

        Raises :class:`RenameError` for a name of the wrong kind or shape (a rule must stay
        a lowercase rule name, a terminal an uppercase terminal name), a name already
        defined in the scope, ``start`` itself, and an import inside a
        ``%import common (A, B)`` list (which cannot carry an alias)."""
        old = occ.name
        new_name = new_name.strip()
        if new_name == old:
            return []
        if occ.is_terminal:
            if not TERMINAL_NAME.fullmatch(new_name):
                raise RenameError(
                    f"{new_name!r} is not a terminal name: {old} is a terminal, so its name must be "
                    "uppercase letters, digits and _ (such as NEW_NAME)"
                )
        elif not RULE_NAME.fullmatch(new_name):
            raise RenameError(
                f"{new_name!r} is not a rule name: {old} is a rule, so its name must be lowercase "
                "letters, digits and _ (such as new_name)"
            )
        if old == "start" and self.definition(occ) is not None:
            raise RenameError("start is the grammar's entry point: llguidance needs a rule named start")
        clash = self._defined[occ.scope].get(new_name)
        if clash is not None:
            line, _ = self.grammar.index.position(clash.start)
            what = "imported" if clash.role == "import" else "defined"
            raise RenameError(f"{new_name} is already {what} on line {line}")
        edits = []
        for o in self.references(occ):
            if o.role == "import":
                edits.append(self._rename_import(o, new_name))
            else:
                edits.append(Edit(o.start, o.end, new_name))
        return edits

    def _rename_import(self, occ: Occurrence, new_name: str) -> Edit:
        assert isinstance(occ.node, m.ImportName)
        if occ.node.alias is not None:
            return Edit(occ.start, occ.end, new_name)
        imp = next(
            item
            for item in self.scopes[occ.scope].items
            if isinstance(item, m.Import) and any(n is occ.node for n in item.names)
        )
        if len(imp.names) > 1 or self.text.find("(", imp.path_span.start, imp.span.end) != -1:
            raise RenameError(
                f"{occ.name} is imported in a list, which cannot rename it: import it on its own "
                f"(%import {imp.module_name}.{occ.name} -> NEW_NAME) first"
            )
        return Edit(occ.end, occ.end, f" -> {new_name}")

    # -- outline --------------------------------------------------------------------

    def outline(self) -> list[OutlineItem]:
        """The rules, terminals and imports of the grammar in text order, each with the
        definitions of the nested ``%lark`` grammars written inside it as children."""
        return self._outline(0)

    def _outline(self, index: int) -> list[OutlineItem]:
        items: list[OutlineItem] = []
        nested = [i for i, s in enumerate(self.scopes) if s.nested is not None]
        for occ in self.occurrences:
            if occ.scope != index or not occ.defines:
                continue
            if occ.role == "import":
                imp = occ.node
                assert isinstance(imp, m.ImportName)
                detail = f"common.{imp.name}" if imp.alias else "common"
                items.append(OutlineItem(occ.name, "import", occ.start, occ.end, occ.start, occ.end, detail))
                continue
            d = occ.node
            assert isinstance(d, m.Definition)
            item = OutlineItem(
                occ.name, "terminal" if d.is_terminal else "rule", d.span.start, d.span.end, occ.start, occ.end
            )
            for j in nested:
                span = self.scopes[j].nested.span  # type: ignore[union-attr]
                if d.span.start <= span.start and span.end <= d.span.end and self._parent(j) == index:
                    item.children.extend(self._outline(j))
            items.append(item)
        return items

    def _parent(self, index: int) -> int:
        """The scope a nested scope is written in."""
        span = self.scopes[index].nested.span  # type: ignore[union-attr]
        best, size = 0, len(self.text) + 1
        for i, scope in enumerate(self.scopes):
            if i == index or scope.nested is None:
                continue
            outer = scope.nested.span
            if outer.start < span.start and span.end <= outer.end and outer.end - outer.start < size:
                best, size = i, outer.end - outer.start
        return best

    # -- facts ----------------------------------------------------------------------

    def facts(self, occ: Occurrence) -> SymbolFacts:
        """What an editor shows when hovering ``occ``: the definition, how long a match
        can be, and what can come after it."""
        found = self.definition(occ)
        scope = self.scopes[occ.scope]
        facts = SymbolFacts(occ.name, "undefined")
        if found is None:
            return facts
        index = self.grammar.index
        facts.line = index.position(found.start)[0]
        if found.role == "import":
            imp = found.node
            assert isinstance(imp, m.ImportName)
            facts.kind = "import"
            pattern = common_regex(imp.name)
            facts.text = index.line_text(facts.line).strip()
            if pattern is not None:
                facts.text += f"\n// {imp.name} is /{pattern}/"
        else:
            d = found.node
            assert isinstance(d, m.Definition)
            facts.kind = "terminal" if d.is_terminal else "rule"
            facts.text = self.text[d.span.start : d.span.end]
        local = m.Grammar(text=self.text, items=list(scope.items), index=index)
        facts.min_width = MinWidthCalculator(local).of_name(occ.name)
        facts.max_width = WidthCalculator(local).of_name(occ.name)
        self._follow(occ, scope, facts)
        return facts

    def _follow(self, occ: Occurrence, scope: Scope, facts: SymbolFacts) -> None:
        flow = Flow(scope)
        if flow.start is None:
            facts.follow_note = "no start rule, so nothing follows anything"
            return
        if not occ.is_terminal:
            follow = flow.follow_sets.get(occ.name)
            if follow is None:
                facts.follow_note = "not a rule of this grammar"
                return
            facts.follow = _shown(follow)
        else:
            key = ("T", occ.name)
            found: set = set()
            seen = False
            for prod in flow.prods:
                for pos, sym in enumerate(prod.rhs):
                    if sym == key:
                        seen = True
                        found |= flow.followers(prod, pos)
            if seen:
                facts.follow = _shown(found)
            else:
                users = sorted(
                    d.name
                    for d in scope.definition_list()
                    if d.is_terminal
                    and any(isinstance(n, m.NameRef) and n.name == occ.name for n in scope.body(d))
                )
                if users:
                    facts.follow_note = "used only inside the terminal(s) " + ", ".join(users)
                elif any(
                    isinstance(n, m.NameRef) and n.name == occ.name for i in scope.ignores for n in body_nodes(i)
                ):
                    facts.follow_note = "ignored (%ignore): it may come between any two tokens"
                else:
                    facts.follow_note = "not used by any rule"
        if scope.ignores and facts.follow is not None:
            facts.follow_note = "text that %ignore allows may come in between"


@dataclass(slots=True)
class SymbolFacts:
    """What is known about one name: ``kind`` is "rule", "terminal", "import" or
    "undefined"; ``text`` the definition as written (for an import, its line and the
    regex it stands for); ``min_width``/``max_width`` the fewest and most characters it
    matches (None: no finite minimum / unbounded; ``UNKNOWN`` when grammarkit cannot
    tell); ``follow`` what can come right after it, as written (``end of input``
    included), or None with ``follow_note`` saying why not."""

    name: str
    kind: str
    line: int = 0
    text: str = ""
    min_width: Any = UNKNOWN
    max_width: Any = UNKNOWN
    follow: list[str] | None = None
    follow_note: str = ""


def _shown(keys: set) -> list[str]:
    """Lexeme keys as written, end of input last."""
    named = sorted({describe_key(k) for k in keys if k != EOS and k[0] != "O"})
    if any(k[0] == "O" for k in keys if k != EOS):
        named.append("(an embedded %json/%lark/special token)")
    if EOS in keys:
        named.append("end of input")
    return named


__all__ = ["RULE_NAME", "TERMINAL_NAME", "Occurrence", "OutlineItem", "RenameError", "SymbolFacts", "Symbols"]
