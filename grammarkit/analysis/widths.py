"""How long a piece of grammar can match: the maximum length in characters, or None
when it is unbounded. Used to tell bounded terminals from unbounded ones.

Names are resolved through the grammar's definitions and ``%import common``;
recursion makes a definition unbounded. Anything grammarkit cannot measure (an
unreadable regex, ``%json``) counts as unbounded only where that is certain, and as
:data:`UNKNOWN` otherwise, so callers can stay silent instead of guessing.
"""

from __future__ import annotations

from enum import Enum
from typing import Final

from grammarkit.reader import model as m

UNBOUNDED = None


class _Unknown(Enum):
    # a one-member enum, so that type checkers narrow ``x is UNKNOWN`` (PEP 484 sentinels)
    UNKNOWN = "UNKNOWN"

    def __repr__(self) -> str:
        return "UNKNOWN"

    __str__ = __repr__


UNKNOWN: Final = _Unknown.UNKNOWN

Width = int | None | _Unknown


def _add(a: Width, b: Width) -> Width:
    if a is UNKNOWN or b is UNKNOWN:
        return UNKNOWN
    if a is None or b is None:
        return None
    return a + b


def _max(a: Width, b: Width) -> Width:
    if a is None or b is None:
        return None
    if a is UNKNOWN or b is UNKNOWN:
        return UNKNOWN
    return max(a, b)


def _min_bound(a: Width, b: Width) -> Width:
    """Width of an intersection: the smaller bound wins."""
    if a is None:
        return b
    if b is None:
        return a
    if a is UNKNOWN or b is UNKNOWN:
        return UNKNOWN
    return min(a, b)


class WidthCalculator:
    """Maximum widths of nodes of one grammar (memoised per definition)."""

    def __init__(self, grammar: m.Grammar) -> None:
        self.grammar = grammar
        self.definitions = grammar.definition_map()
        self.imports = grammar.imported_names()
        self._memo: dict[str, Width] = {}
        self._active: set[str] = set()

    def of_name(self, name: str) -> Width:
        if name in self._memo:
            return self._memo[name]
        if name in self._active:
            return None  # recursion: unbounded repetition
        if name in self.definitions:
            self._active.add(name)
            try:
                width = self.of(self.definitions[name].body)
            finally:
                self._active.discard(name)
        elif name in self.imports:
            width = common_width(self.imports[name][1].name)
        else:
            width = UNKNOWN
        self._memo[name] = width
        return width

    def of(self, node: m.Node) -> Width:
        if isinstance(node, m.Literal):
            return len(node.value)
        if isinstance(node, m.LiteralRange):
            return 1
        if isinstance(node, m.RegexLiteral):
            return regex_width(node.pattern)
        if isinstance(node, m.NameRef):
            return self.of_name(node.name)
        if isinstance(node, m.Repeat):
            inner = self.of(node.item)
            if inner == 0:
                return 0
            if node.max is None:
                return None if inner is not UNKNOWN else UNKNOWN
            if inner is None or inner is UNKNOWN:
                return inner if node.max > 0 else 0
            return inner * node.max
        if isinstance(node, (m.Group, m.Maybe)):
            return self.of(node.body)
        if isinstance(node, m.Expansions):
            width: Width = 0
            for alt in node.alternatives:
                width = _max(width, self.of(alt))
            return width
        if isinstance(node, m.Alternative):
            width = None
            for seq in node.conjuncts:
                width = _min_bound(width, self.of(seq))
            return width if node.conjuncts else 0
        if isinstance(node, m.Sequence):
            width = 0
            for item in node.items:
                width = _add(width, self.of(item))
            return width
        if isinstance(node, m.Not):
            return None
        return UNKNOWN


def regex_width(pattern: str) -> Width:
    from grammarkit.regex_syntax import RegexSyntaxError, max_length, parse

    try:
        return max_length(parse(pattern))
    except RegexSyntaxError:
        return UNKNOWN


def common_width(name: str) -> Width:
    from grammarkit.reader.common_terminals import common_regex

    pattern = common_regex(name)
    return UNKNOWN if pattern is None else regex_width(pattern)


class MinWidthCalculator:
    """Minimum widths of nodes of one grammar: the fewest characters a node can match
    (text between tokens that ``%ignore`` allows not counted), or :data:`UNKNOWN`.

    Recursive definitions are solved as a least fixpoint over every definition (each
    starts unreachable, then takes the shortest alternative that bottoms out), so
    ``list: item | item "," list`` measures as one item."""

    def __init__(self, grammar: m.Grammar) -> None:
        self.definitions = grammar.definition_map()
        self.imports = grammar.imported_names()
        self._widths: dict[str, int | _Unknown | None] = {}  # None: no finite derivation found yet
        self._solve()

    def of_name(self, name: str) -> int | _Unknown | None:
        """The fewest characters ``name`` matches; None when it matches nothing finite
        (a rule that only calls itself), UNKNOWN when grammarkit cannot tell."""
        if name in self._widths:
            return self._widths[name]
        if name in self.imports:
            return common_min_width(self.imports[name][1].name)
        return UNKNOWN

    def _solve(self) -> None:
        widths = self._widths
        for name in self.definitions:
            widths[name] = None
        for _ in range(len(self.definitions) + 1):
            changed = False
            for name, d in self.definitions.items():
                width = self.of(d.body)
                if width != widths[name]:
                    widths[name] = width
                    changed = True
            if not changed:
                break

    def of(self, node: m.Node) -> int | _Unknown | None:
        if isinstance(node, m.Literal):
            return len(node.value)
        if isinstance(node, m.LiteralRange):
            return 1
        if isinstance(node, m.RegexLiteral):
            return regex_min_width(node.pattern)
        if isinstance(node, m.NameRef):
            return self.of_name(node.name)
        if isinstance(node, m.Repeat):
            if node.min == 0:
                return 0
            inner = self.of(node.item)
            return inner * node.min if isinstance(inner, int) else inner
        if isinstance(node, m.Maybe):
            return 0
        if isinstance(node, m.Group):
            return self.of(node.body)
        if isinstance(node, m.Expansions):
            found: list[int] = []
            unknown = False
            for alt in node.alternatives:
                width = self.of(alt)
                if isinstance(width, int):
                    found.append(width)
                elif width is UNKNOWN:
                    unknown = True
            if unknown:
                return UNKNOWN
            return min(found) if found else None
        if isinstance(node, m.Alternative):
            widths = [self.of(seq) for seq in node.conjuncts]
            if not widths:
                return 0
            if any(w is None for w in widths):
                return None
            if any(w is UNKNOWN for w in widths):
                return UNKNOWN
            return max(w for w in widths if isinstance(w, int))  # `&`: a lower bound
        if isinstance(node, m.Sequence):
            total = 0
            for item in node.items:
                width = self.of(item)
                if not isinstance(width, int):
                    return width
                total += width
            return total
        return UNKNOWN


def regex_min_width(pattern: str) -> int | _Unknown:
    from grammarkit.regex_syntax import RegexSyntaxError, min_length, parse

    try:
        return min_length(parse(pattern))
    except RegexSyntaxError:
        return UNKNOWN


def common_min_width(name: str) -> int | _Unknown:
    from grammarkit.reader.common_terminals import common_regex

    pattern = common_regex(name)
    return UNKNOWN if pattern is None else regex_min_width(pattern)
