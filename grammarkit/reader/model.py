"""The located model of a Lark grammar that lint rules read.

Every node carries a :class:`~grammarkit.core.span.Span` (1-based line/column, end exclusive,
plus character offsets). Expressions form a tree:

``Expansions`` (``a | b``) → ``Alternative`` (one branch, with its ``-> alias``) →
``Sequence`` (items one after another; several when joined with llguidance's ``&``) →
items: ``Repeat`` (``x*``, ``x~2..3``, ``x{2,3}``), ``Group`` (``( … )``), ``Maybe``
(``[ … ]``), ``Not`` (llguidance's ``~x``) and the leaves ``Literal``, ``RegexLiteral``,
``LiteralRange``, ``NameRef``, ``TemplateUsage``, ``ParamName``, ``SpecialToken``,
``GrammarRef``, ``JsonValue``, ``RegexExt`` and ``NestedLark``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from typing import Any

from grammarkit.core.records import ValueRecord
from grammarkit.core.span import LineIndex, Span

# Only __init__ is generated for the node classes (repr and eq come from ValueRecord):
# generating methods for every class costs measurable start-up time.
_NODE = {"slots": True, "repr": False, "eq": False}
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}
# Fields of these declared types never hold a node: children() does not look at them.
_SCALAR_FIELDS = frozenset(
    {"Span", "Span | None", "bool", "int", "int | None", "str", "str | None", "list[str]", "list[str] | None"}
)


@dataclass(**_NODE)
class Node(ValueRecord):
    span: Span

    def children(self) -> list[Node]:
        """The nodes directly below this one, in field order (a new list each time).

        Every model class below has its own direct version of this, which returns what
        :func:`field_children` (the generic reading of the fields) returns: tests/reader
        compares the two on every node of the snapshot texts."""
        return field_children(self)

    __hash__ = None  # type: ignore[assignment]  # model nodes hold lists: not hashable


def field_children(node: Node) -> list[Node]:
    """The nodes directly below ``node``, in field order, found from its declared fields
    (what each class's own ``children()`` returns, more slowly)."""
    cls = type(node)
    names = _CHILD_FIELDS.get(cls)
    if names is None:
        names = _CHILD_FIELDS[cls] = tuple(
            f.name for f in fields(node) if f.name != "span" and f.type not in _SCALAR_FIELDS
        )
    out: list[Node] = []
    for name in names:
        value = getattr(node, name)
        if type(value) is list:
            out.extend(v for v in value if isinstance(v, Node))
        elif isinstance(value, Node):
            out.append(value)
    return out


def walk(node: Node) -> Iterator[Node]:
    """Pre-order walk of ``node`` and everything below it (iterative)."""
    stack = [node]
    pop = stack.pop
    extend = stack.extend
    while stack:
        current = pop()
        yield current
        children = current.children()
        if children:
            children.reverse()
            extend(children)


def _preorder(items: list) -> list[Node]:
    """Every node of ``items`` and below, in pre-order: ``walk`` of each item, as one list."""
    out: list[Node] = []
    append = out.append
    leaves = _LEAVES
    stack = items[::-1]
    pop = stack.pop
    extend = stack.extend
    while stack:
        current = pop()
        append(current)
        if type(current) in leaves:
            continue
        children = current.children()
        if children:
            children.reverse()
            extend(children)
    return out


def _no_children(self: Node) -> list[Node]:
    """``children()`` of the classes that hold no node."""
    return []


# ---------------------------------------------------------------- leaves


@dataclass(**_NODE)
class Literal(Node):
    """A string literal ``"..."`` (``value`` decoded, ``raw`` as written)."""

    value: str
    raw: str
    flags: str = ""  # "i" for case-insensitive

    children = _no_children


@dataclass(**_NODE)
class RegexLiteral(Node):
    """A regex literal ``/.../flags``. ``pattern`` is the text between the slashes
    exactly as written (``\\/`` included); ``pattern_offset`` is the character offset
    of its first character in the grammar text."""

    pattern: str
    flags: str
    pattern_offset: int

    children = _no_children


@dataclass(**_NODE)
class LiteralRange(Node):
    """``"a".."z"``."""

    low: Literal
    high: Literal

    def children(self) -> list[Node]:
        return [self.low, self.high]


@dataclass(**_NODE)
class NameRef(Node):
    name: str

    @property
    def is_terminal(self) -> bool:
        return is_terminal_name(self.name)

    children = _no_children


@dataclass(**_NODE)
class TemplateUsage(Node):
    """``name{arg, …}``: a use of a Lark template."""

    name: str
    name_span: Span
    args: list[Node]

    def children(self) -> list[Node]:
        return list(self.args)


@dataclass(**_NODE)
class ParamName(Node):
    """``name::expr``: a reference to a parametric rule (llguidance)."""

    name: str
    expr: str

    children = _no_children


@dataclass(**_NODE)
class SpecialToken(Node):
    """``<|token|>`` or ``<[123]>`` (llguidance)."""

    text: str

    children = _no_children


@dataclass(**_NODE)
class GrammarRef(Node):
    """``@name``: a reference to another grammar (llguidance)."""

    name: str

    children = _no_children


@dataclass(**_NODE)
class JsonValue(Node):
    """``%json { … }``: an inline JSON schema (llguidance)."""

    value: Any
    raw: str

    children = _no_children


@dataclass(**_NODE)
class RegexExt(Node):
    """``%regex { … }``: a structured regex (llguidance)."""

    value: Any
    raw: str

    children = _no_children


@dataclass(**_NODE)
class NestedLark(Node):
    """``%lark { … }``: a nested grammar (llguidance)."""

    items: list[Item]

    def children(self) -> list[Node]:
        return list(self.items)


# ---------------------------------------------------------------- structure


@dataclass(**_NODE)
class Group(Node):
    body: Expansions

    def children(self) -> list[Node]:
        return [self.body]


@dataclass(**_NODE)
class Maybe(Node):
    body: Expansions

    def children(self) -> list[Node]:
        return [self.body]


@dataclass(**_NODE)
class Not(Node):
    """llguidance's negation ``~x`` (terminals only)."""

    operand: Node

    def children(self) -> list[Node]:
        return [self.operand]


@dataclass(**_NODE)
class Repeat(Node):
    """``item op``. ``form`` is ``"op"`` (``* + ?``), ``"tilde"`` (``~ m..n``) or
    ``"braces"`` (``{m,n}``); ``max`` is None when unbounded."""

    item: Node
    form: str
    op: str
    min: int
    max: int | None
    op_span: Span

    def children(self) -> list[Node]:
        return [self.item]


@dataclass(**_NODE)
class Sequence(Node):
    items: list[Node]

    def children(self) -> list[Node]:
        return list(self.items)


@dataclass(**_NODE)
class Alternative(Node):
    """One branch of an ``|``. ``conjuncts`` has more than one sequence only when
    llguidance's ``&`` joins them. ``condition`` is the text after ``%if``."""

    conjuncts: list[Sequence]
    alias: str | None = None
    alias_span: Span | None = None
    condition: str | None = None

    def children(self) -> list[Node]:
        return list(self.conjuncts)


@dataclass(**_NODE)
class Expansions(Node):
    alternatives: list[Alternative]

    def children(self) -> list[Node]:
        return list(self.alternatives)


# ---------------------------------------------------------------- items


@dataclass(**_NODE)
class Attribute(Node):
    """``[key]`` or ``[key=value]`` on a rule (llguidance: lazy, capture, stop, …)."""

    key: str
    value: str | None
    value_span: Span | None = None

    children = _no_children


@dataclass(**_NODE)
class Definition(Node):
    """A rule (lowercase) or terminal (uppercase) definition."""

    kind: str  # "rule" | "terminal"
    name: str  # without the ! and ? modifiers
    name_span: Span
    modifiers: str  # "", "!", "?", "!?"
    body: Expansions
    params: list[str] | None = None  # template parameters
    params_span: Span | None = None
    priority: int | None = None
    priority_span: Span | None = None
    attributes: list[Attribute] = field(default_factory=list)
    parametric: bool = False  # llguidance `name::_`

    @property
    def is_terminal(self) -> bool:
        return self.kind == "terminal"

    def children(self) -> list[Node]:
        return [self.body, *self.attributes]


@dataclass(**_NODE)
class ImportName(Node):
    name: str
    alias: str | None = None

    children = _no_children


@dataclass(**_NODE)
class Import(Node):
    """``%import a.b.C [-> D]`` or ``%import a.b (C, D)``."""

    module: list[str]  # path without the imported name(s): ["common"]
    relative: bool
    names: list[ImportName]
    path_span: Span

    @property
    def module_name(self) -> str:
        return ("." if self.relative else "") + ".".join(self.module)

    def children(self) -> list[Node]:
        return list(self.names)


@dataclass(**_NODE)
class Ignore(Node):
    body: Expansions

    def children(self) -> list[Node]:
        return [self.body]


@dataclass(**_NODE)
class Declare(Node):
    names: list[str]

    children = _no_children


@dataclass(**_NODE)
class Override(Node):
    """``%override`` or ``%extend`` (``directive`` says which) of a definition."""

    directive: str
    definition: Definition

    def children(self) -> list[Node]:
        return [self.definition]


@dataclass(**_NODE)
class LLGuidanceOptions(Node):
    value: Any
    raw: str

    children = _no_children


Item = Definition | Import | Ignore | Declare | Override | LLGuidanceOptions


@dataclass(**_NODE)
class Grammar:
    """A read grammar: its items in source order and lookup tables."""

    text: str
    items: list[Item]
    index: LineIndex
    _nodes: list[Node] | None = field(default=None, repr=False, compare=False)
    _by_type: dict[type, list[Node]] | None = field(default=None, repr=False, compare=False)

    @property
    def definitions(self) -> list[Definition]:
        return [i for i in self.items if isinstance(i, Definition)]

    def definition_map(self) -> dict[str, Definition]:
        """Name → first definition (imports are not included)."""
        result: dict[str, Definition] = {}
        for d in self.definitions:
            result.setdefault(d.name, d)
        return result

    def imported_names(self) -> dict[str, tuple[Import, ImportName]]:
        """Local name → the import that provides it."""
        result = {}
        for item in self.items:
            if isinstance(item, Import):
                for n in item.names:
                    result[n.alias or n.name] = (item, n)
        return result

    def nodes(self) -> list[Node]:
        """Every node of every item, including nested ``%lark`` grammars, in pre-order
        (computed once: the model is not changed after reading)."""
        found = self._nodes
        if found is None:
            found = self._nodes = _preorder(self.items)
        return found

    def nodes_by_class(self) -> dict[type, list[Any]]:
        """The nodes of :meth:`nodes` by their exact class, each list in pre-order (built
        once; not to be changed)."""
        index = self._by_type
        if index is None:
            index = {}
            for node in self.nodes():
                kind = type(node)
                bucket = index.get(kind)
                if bucket is None:
                    bucket = index[kind] = []
                bucket.append(node)
            self._by_type = index
        return index

    def nodes_of(self, *kinds: type) -> list[Any]:
        """The nodes of :meth:`nodes` that are of one of ``kinds`` (model classes), in
        pre-order, from :meth:`nodes_by_class`: a rule that looks for one rare kind of
        node does not walk the whole model."""
        index = self.nodes_by_class()
        buckets = [index[k] for k in index if issubclass(k, kinds)]
        if len(buckets) == 1:
            return list(buckets[0])
        found = [node for bucket in buckets for node in bucket]
        if len(found) > 1:  # several kinds: back in pre-order
            order = {id(n): i for i, n in enumerate(self.nodes())}
            found.sort(key=lambda n: order[id(n)])
        return found


# The classes whose children() is always empty: _preorder does not call it for them.
_LEAVES = frozenset(cls for cls in Node.__subclasses__() if cls.children is _no_children)


def is_terminal_name(name: str) -> bool:
    stripped = name.lstrip("_")
    return bool(stripped) and stripped[0].isupper()
