"""A located parser of Rust ``regex``-crate syntax.

llguidance, which checks and runs the grammars of OpenAI custom tools, reads every
regex (Lark ``/.../`` literals and whole "regex" grammars) with the Rust ``regex``
crate's syntax (https://docs.rs/regex/latest/regex/#syntax), not Python's ``re``.
Lint rules need a syntax tree with exact character offsets to flag constructs
precisely, and must not be fooled by look-alikes such as ``[(?=]`` (a class),
``\\(?=x`` (an escaped parenthesis made optional), ``a\\*?`` (an optional escaped
star, not a lazy quantifier) or ``(?<name>...)`` (a named group, not a lookbehind).

This parser is hand-written because no Python library parses Rust regex syntax with
positions: Python's own ``re`` parser (``re._parser``) implements a different
dialect and keeps no offsets, and the third-party ``regex`` module exposes no parser.

The parser follows the Rust crate's parser (``regex-syntax`` 0.8) step by step, so
whatever it accepts parses the same way here, including the quirks: stacked
quantifiers (``a**`` is ``(a*)*``), whitespace inside counted repetitions, nested
classes and class set operations (``[a-z&&[^aeiou]]``), scoped flags, and verbose
mode (``(?x)``), which in Rust also ignores whitespace inside classes.

It also *represents* constructs that people bring from Python or PCRE and that Rust
rejects, so that lint rules can report them at their exact place: lookarounds,
atomic groups, comment groups, conditionals, backreferences, ``\\Z``, ``\\N{...}``,
octal escapes and ``{,n}``. Those nodes answer ``unsupported == True``. Only
malformed text raises :class:`RegexSyntaxError`.

Two Python-isms are read the Rust way, because that is what llguidance runs:
``a*+`` is Rust's ``(a*)+`` (a :class:`Repeat` of a :class:`Repeat`, the outer one
marked ``possessive``), and ``(?x)`` scopes to the end of its group.

Offsets count Python ``str`` characters (code points), ``end`` exclusive.

Beyond the parser proper, the only check made is Rust's nesting limit (250); Unicode
property names, and errors the crate raises while compiling rather than parsing
(``(?-u)\\xFF``, for one), are left to llguidance.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from grammarkit.core.errors import GrammarkitError
from grammarkit.core.records import ValueRecord

__all__ = [
    "ANCHOR_KINDS",
    "NEST_LIMIT",
    "UNSUPPORTED_GROUP_KINDS",
    "Alternation",
    "Anchor",
    "Backref",
    "Class",
    "ClassRange",
    "ClassSetOp",
    "ClassUnion",
    "Concat",
    "Dot",
    "Empty",
    "Group",
    "Literal",
    "NamedChar",
    "Node",
    "PerlClass",
    "PosixClass",
    "RegexSyntaxError",
    "Repeat",
    "SetFlags",
    "UnicodeClass",
    "iter_nodes",
    "iter_with_flags",
    "max_length",
    "min_length",
    "parse",
]

#: The Rust parser's default nesting limit, which llguidance keeps.
NEST_LIMIT = 250

#: Group kinds that Rust's ``regex`` crate rejects.
UNSUPPORTED_GROUP_KINDS = frozenset(
    {
        "lookahead",
        "neg_lookahead",
        "lookbehind",
        "neg_lookbehind",
        "atomic",
        "comment",
        "conditional",
    }
)


class RegexSyntaxError(GrammarkitError, ValueError):
    """Malformed regex text, located at ``[offset, end)`` of the pattern."""

    def __init__(self, message: str, offset: int, end: int | None = None) -> None:
        self.message = message
        self.offset = offset
        # exclusive, and never empty: at the end of the pattern it is len(pattern) + 1
        self.end = max(offset + 1, end) if end is not None else offset + 1
        super().__init__(f"{message} (at offset {offset})")


# ---------------------------------------------------------------------------
# Nodes
# ---------------------------------------------------------------------------


# Only __init__ is generated per class; repr, eq and hash come from ValueRecord:
# generating methods for every class (frozen's guards included) costs start-up time.
# Nodes are not modified after parsing.
_NODE = {"slots": True, "repr": False, "eq": False}


@dataclass(**_NODE)
class Node(ValueRecord):
    """Base of all nodes: ``start``/``end`` are character offsets, end exclusive."""

    start: int
    end: int

    @property
    def unsupported(self) -> bool:
        """True for a construct that Rust's ``regex`` crate (so llguidance) rejects."""
        return False

    def children(self) -> tuple[Node, ...]:
        return ()


@dataclass(**_NODE)
class Empty(Node):
    """Matches the empty string: an empty pattern, branch or group body."""


@dataclass(**_NODE)
class Literal(Node):
    """One character.

    ``form`` tells how it was written: ``"verbatim"`` (``a``), ``"escaped"``
    (``\\.``, ``\\-``, ``\\ ``), ``"special"`` (``\\n \\t \\r \\f \\v \\a``),
    ``"hex"`` (``\\x41 \\x{41} \\u0041 \\u{41} \\U00000041``) or ``"octal"``
    (Python's ``\\0`` and ``\\141``; Rust rejects those).
    """

    char: str
    form: str = "verbatim"

    @property
    def escaped(self) -> bool:
        return self.form != "verbatim"

    @property
    def unsupported(self) -> bool:
        return self.form == "octal"


@dataclass(**_NODE)
class Dot(Node):
    """``.``"""


#: Anchor kinds, by spelling.
ANCHOR_KINDS: dict[str, str] = {
    "^": "start",
    "$": "end",
    "\\A": "start_text",
    "\\z": "end_text",
    "\\b": "word_boundary",
    "\\B": "not_word_boundary",
    "\\<": "word_start",
    "\\>": "word_end",
    "\\b{start}": "word_start",
    "\\b{end}": "word_end",
    "\\b{start-half}": "word_start_half",
    "\\b{end-half}": "word_end_half",
    "\\Z": "python_Z",
}


@dataclass(**_NODE)
class Anchor(Node):
    """A zero-width assertion; ``kind`` is a value of :data:`ANCHOR_KINDS`.

    ``python_Z`` is Python's ``\\Z`` (end of text), which Rust spells ``\\z``.
    """

    kind: str

    @property
    def unsupported(self) -> bool:
        return self.kind == "python_Z"


@dataclass(**_NODE)
class PerlClass(Node):
    """``\\d \\w \\s`` (``letter`` lower-case) or their negations ``\\D \\W \\S``."""

    letter: str
    negated: bool = False


@dataclass(**_NODE)
class UnicodeClass(Node):
    """``\\pL``, ``\\p{Greek}``, ``\\p{Script=Greek}``, ``\\PL``...

    ``name`` is the text between the braces (or the single letter), without a
    leading ``^``. ``\\p{^Greek}`` (``caret=True``) is a negation in PCRE and in
    Python's ``regex`` module; Rust looks up a property named ``^Greek`` and fails.
    Rust checks property names only when compiling, so unknown names parse here.
    """

    name: str
    negated: bool = False
    caret: bool = False

    @property
    def unsupported(self) -> bool:
        return self.caret


@dataclass(**_NODE)
class NamedChar(Node):
    """Python's ``\\N{EM DASH}`` (Rust rejects it); ``char`` is None if unknown."""

    name: str
    char: str | None = None

    @property
    def unsupported(self) -> bool:
        return True


@dataclass(**_NODE)
class PosixClass(Node):
    """``[:alpha:]`` or ``[:^alpha:]`` inside a bracket class."""

    name: str
    negated: bool = False


@dataclass(**_NODE)
class ClassRange(Node):
    """``a-z`` inside a bracket class."""

    lo: Literal
    hi: Literal

    def children(self) -> tuple[Node, ...]:
        return (self.lo, self.hi)


@dataclass(**_NODE)
class ClassUnion(Node):
    """The items on one side of a class set operation (``a-z`` in ``[a-z&&b]``)."""

    items: tuple[Node, ...]

    def children(self) -> tuple[Node, ...]:
        return self.items


@dataclass(**_NODE)
class ClassSetOp(Node):
    """``lhs && rhs`` (intersection), ``--`` (difference) or ``~~`` (symmetric).

    Operators are left-associative with equal precedence: in ``[a&&b--c]`` the
    ``lhs`` of ``--`` is the ``&&`` operation. ``rhs`` is always a :class:`ClassUnion`.
    """

    op: str
    lhs: Node
    rhs: Node
    op_start: int = 0

    def children(self) -> tuple[Node, ...]:
        return (self.lhs, self.rhs)


@dataclass(**_NODE)
class Class(Node):
    """A bracket class ``[...]``.

    ``items`` are :class:`Literal`, :class:`ClassRange`, :class:`PerlClass`,
    :class:`UnicodeClass`, :class:`PosixClass`, :class:`NamedChar` and nested
    :class:`Class` nodes; a class using a set operation has one item, a
    :class:`ClassSetOp`. A leading ``]`` or ``-`` is a literal item.
    """

    negated: bool
    items: tuple[Node, ...]

    def children(self) -> tuple[Node, ...]:
        return self.items


@dataclass(**_NODE)
class Group(Node):
    """A parenthesised group.

    ``kind`` is ``"capture"``, ``"named"`` (``(?P<n>`` or ``(?<n>``),
    ``"noncapture"`` (``(?:``), ``"flags"`` (``(?i-s:``), or one of
    :data:`UNSUPPORTED_GROUP_KINDS`: ``"lookahead"`` ``(?=``, ``"neg_lookahead"``
    ``(?!``, ``"lookbehind"`` ``(?<=``, ``"neg_lookbehind"`` ``(?<!``,
    ``"atomic"`` ``(?>``, ``"comment"`` ``(?#...)`` and ``"conditional"``
    ``(?(1)yes|no)``.

    ``open_end`` ends the opener (``(?<=``, ``(?P<name>``, ``(?i:``). ``name`` is the
    group name, the condition of a conditional, or the text of a comment. ``flags``
    is the flag text of a ``"flags"`` group. ``index`` numbers capturing groups
    from 1, as Rust does.
    """

    kind: str
    child: Node
    open_end: int = 0
    name: str | None = None
    flags: str | None = None
    index: int | None = None

    @property
    def unsupported(self) -> bool:
        return self.kind in UNSUPPORTED_GROUP_KINDS

    @property
    def is_lookaround(self) -> bool:
        return self.kind in ("lookahead", "neg_lookahead", "lookbehind", "neg_lookbehind")

    def children(self) -> tuple[Node, ...]:
        return (self.child,)


@dataclass(**_NODE)
class SetFlags(Node):
    """``(?i)``, ``(?x-s)``: flags as written, in force to the end of the group.

    ``i`` case-insensitive, ``m`` multi-line, ``s`` dot matches newline, ``U``
    swap greed, ``u`` Unicode, ``x`` verbose (whitespace and ``#`` comments are
    ignored, in classes too), ``R`` CRLF mode; ``-`` turns the following ones off.
    """

    flags: str


@dataclass(**_NODE)
class Repeat(Node):
    """A quantified expression: ``* + ? {m} {m,} {m,n}`` and ``{,n}``.

    ``max`` is None when unbounded. ``form`` is the quantifier's shape (``"*"``,
    ``"+"``, ``"?"``, ``"{m}"``, ``"{m,}"``, ``"{m,n}"``, ``"{,n}"``); ``{,n}`` is
    Python syntax that Rust rejects. ``op_start``/``op_end`` span the quantifier
    including a lazy ``?`` suffix.

    ``greedy`` is the effective greediness: ``lazy_suffix`` says a ``?`` suffix was
    written, and the ``U`` flag swaps greed; ``lazy_by_flag`` is True when the
    quantifier is lazy only because of ``U`` (``(?U)a*``). In ``(?U)a*?`` the
    quantifier is greedy again (``lazy_suffix`` and ``greedy`` both True).

    ``possessive`` marks a ``+`` written right after another quantifier (``a*+``,
    ``a{2}+``): possessive in Python 3.11+, but Rust reads it as a quantifier of a
    quantifier, ``(a*)+``. The tree keeps Rust's reading (this node's ``child`` is
    the inner :class:`Repeat`), and ``op_start`` is the inner quantifier's, so
    ``op_start:op_end`` spans the whole ``*+``. Since Rust accepts it, a possessive
    quantifier is not ``unsupported``; a lint rule should test ``possessive``.
    """

    child: Node
    min: int
    max: int | None
    greedy: bool = True
    possessive: bool = False
    op_start: int = 0
    op_end: int = 0
    lazy_suffix: bool = False
    lazy_by_flag: bool = False
    form: str = "*"

    @property
    def unsupported(self) -> bool:
        return self.form == "{,n}"

    def children(self) -> tuple[Node, ...]:
        return (self.child,)


@dataclass(**_NODE)
class Backref(Node):
    """A backreference (Rust rejects them all).

    ``ref`` is the group number or name; ``form`` is ``"\\\\N"`` (``\\1``),
    ``"(?P="``, ``"\\\\k"`` (``\\k<name>``) or ``"\\\\g"`` (``\\g<name>``).
    """

    ref: str
    form: str = "\\N"

    @property
    def unsupported(self) -> bool:
        return True


@dataclass(**_NODE)
class Concat(Node):
    """Two or more items in sequence."""

    items: tuple[Node, ...]

    def children(self) -> tuple[Node, ...]:
        return self.items


@dataclass(**_NODE)
class Alternation(Node):
    """``a|b|c``: two or more branches (an empty branch is :class:`Empty`)."""

    branches: tuple[Node, ...]

    def children(self) -> tuple[Node, ...]:
        return self.branches


# ---------------------------------------------------------------------------
# Walking and measuring
# ---------------------------------------------------------------------------


def iter_nodes(node: Node) -> Iterator[Node]:
    """Every node of the tree, parents before children, in pattern order."""
    stack = [node]
    pop, extend = stack.pop, stack.extend
    while stack:
        current = pop()
        yield current
        kids = current.children()
        if kids:
            extend(reversed(kids))


def max_length(node: Node) -> int | None:
    """The most characters ``node`` can match; None when unbounded.

    Backreferences count as unbounded; lookarounds and comments as zero-width.
    """
    return _length_bounds(node)[1]


def min_length(node: Node) -> int:
    """The fewest characters ``node`` can match (backreferences count as 0)."""
    return _length_bounds(node)[0]


_ONE_CHAR = (Literal, Dot, Class, PerlClass, UnicodeClass, NamedChar, PosixClass, ClassRange)


def _length_operands(node: Node) -> tuple[Node, ...]:
    if isinstance(node, (Concat, Alternation, Repeat)):
        return node.children()
    if isinstance(node, Group) and not (node.is_lookaround or node.kind == "comment"):
        return (node.child,)
    return ()


def _length_bounds(root: Node) -> tuple[int, int | None]:
    """(min, max) match length, computed by an iterative post-order walk."""
    results: list[tuple[int, int | None]] = []
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        operands = _length_operands(node)
        if not expanded and operands:
            stack.append((node, True))
            stack.extend((op, False) for op in reversed(operands))
            continue
        if operands:
            got = results[-len(operands) :]
            del results[-len(operands) :]
        else:
            got = []
        results.append(_combine_lengths(node, got))
    return results[0]


def _combine_lengths(node: Node, got: list[tuple[int, int | None]]) -> tuple[int, int | None]:
    if isinstance(node, _ONE_CHAR):
        return 1, 1
    if isinstance(node, Concat):
        lo = sum(g[0] for g in got)
        his = [g[1] for g in got]
        return lo, None if None in his else sum(h for h in his if h is not None)
    if isinstance(node, Alternation):
        lo = min(g[0] for g in got)
        his = [g[1] for g in got]
        return lo, None if None in his else max(h for h in his if h is not None)
    if isinstance(node, Repeat):
        child_lo, child_hi = got[0]
        if node.max == 0 or child_hi == 0:
            return child_lo * node.min, 0
        if node.max is None or child_hi is None:
            return child_lo * node.min, None
        return child_lo * node.min, child_hi * node.max
    if isinstance(node, Group) and got:
        if node.kind == "conditional" and not isinstance(node.child, Alternation):
            return 0, got[0][1]  # no "else" branch: the empty string may match
        return got[0]
    if isinstance(node, Backref):
        return 0, None
    return 0, 0  # Empty, Anchor, SetFlags, lookarounds, comments


# ---------------------------------------------------------------------------
# Parsing
# ---------------------------------------------------------------------------

# Unicode White_Space, which Rust's char::is_whitespace tests (str.isspace differs).
_WHITESPACE = frozenset(
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_META = frozenset("\\.+*?()|[]{}^$#&-~")
_SPECIAL_ESCAPES = {"a": "\x07", "f": "\x0c", "t": "\t", "n": "\n", "r": "\r", "v": "\x0b"}
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
_HEX_WIDTH = {"x": 2, "u": 4, "U": 8}
_FLAG_LETTERS = frozenset("imsUuxR")
_POSIX_NAMES = frozenset(
    [
        "alnum",
        "alpha",
        "ascii",
        "blank",
        "cntrl",
        "digit",
        "graph",
        "lower",
        "print",
        "punct",
        "space",
        "upper",
        "word",
        "xdigit",
    ]
)
_WORD_BOUNDARY_KINDS = {
    "start": "word_start",
    "end": "word_end",
    "start-half": "word_start_half",
    "end-half": "word_end_half",
}
_LOOKAROUND_PREFIXES = (
    ("?=", "lookahead"),
    ("?!", "neg_lookahead"),
    ("?<=", "lookbehind"),
    ("?<!", "neg_lookbehind"),
)
# Characters that cannot start anything but a literal, outside verbose mode.
_PLAIN_STOP = frozenset("()|[?*+{\\.^$")
_MAX_U32 = 2**32 - 1


def parse(pattern: str) -> Node:
    """Parse ``pattern`` as Rust ``regex`` syntax (plus representable Python-isms).

    Raises :class:`RegexSyntaxError` for malformed text: unclosed or unopened
    groups and classes, quantifiers with nothing to repeat, an invalid ``{...}``
    repetition, unknown escapes, bad hex escapes, invalid flags, duplicate group
    names, and nesting deeper than :data:`NEST_LIMIT` (counted as Rust counts it).
    """
    tree = _Parser(pattern).parse()
    _check_nesting(tree)
    return tree


_MEMO: ContextVar[dict[str, Node | RegexSyntaxError] | None] = ContextVar("grammarkit_regex_memo", default=None)


@contextmanager
def remembered() -> Iterator[None]:
    """Within this block, :func:`parse_remembered` reads each pattern once (per thread):
    the lint of one grammar asks for the same patterns in many places."""
    token = _MEMO.set({}) if _MEMO.get() is None else None
    try:
        yield
    finally:
        if token is not None:
            _MEMO.reset(token)


def parse_remembered(pattern: str) -> Node:
    """:func:`parse`, read once per pattern inside a :func:`remembered` block (the tree is
    shared: nodes are never modified); outside one, the same as :func:`parse`."""
    memo = _MEMO.get()
    if memo is None:
        return parse(pattern)
    found = memo.get(pattern)
    if found is None:
        try:
            found = parse(pattern)
        except RegexSyntaxError as exc:
            found = exc
        memo[pattern] = found
    if isinstance(found, RegexSyntaxError):
        raise RegexSyntaxError(found.message, found.offset, found.end)
    return found


def _is_capture_char(c: str, first: bool) -> bool:
    """Rust's rule for group-name characters.

    Rust tests the Unicode ``Alphabetic`` property, which ``str.isalpha`` only
    approximates; marks and letter-like symbols are accepted too, erring lenient.
    """
    if c == "_" or c.isalpha():
        return True
    if not first and (c in ".[]" or c.isalnum()):
        return True
    return not c.isascii() and unicodedata.category(c) in ("Mn", "Mc", "Nl", "So")


class _GroupFrame:
    """An open group (or the whole pattern) while its body is being parsed."""

    __slots__ = (
        "start", "open_end", "kind", "name", "flags", "index",
        "items", "items_start", "branches", "saved_verbose", "saved_swap",
    )  # fmt: skip

    def __init__(
        self,
        start: int,
        open_end: int,
        kind: str,
        saved_verbose: bool,
        saved_swap: bool,
        name: str | None = None,
        flags: str | None = None,
        index: int | None = None,
    ) -> None:
        self.start = start
        self.open_end = open_end
        self.kind = kind
        self.name = name
        self.flags = flags
        self.index = index
        self.items: list[Node] = []
        self.items_start = open_end
        self.branches: list[Node] = []
        self.saved_verbose = saved_verbose
        self.saved_swap = saved_swap

    def end_branch(self, end: int) -> None:
        self.branches.append(_sequence(self.items, self.items_start, end))
        self.items = []
        self.items_start = end + 1

    def body(self, end: int) -> Node:
        last = _sequence(self.items, self.items_start, end)
        if not self.branches:
            return last
        return Alternation(self.open_end, end, (*self.branches, last))


def _sequence(items: list[Node], start: int, end: int) -> Node:
    if not items:
        return Empty(start, end)
    if len(items) == 1:
        return items[0]
    return Concat(items[0].start, items[-1].end, tuple(items))


class _ClassFrame:
    """An open bracket class while its items are being parsed."""

    __slots__ = ("start", "negated", "items", "items_start", "lhs", "op", "op_start")

    def __init__(self, start: int, negated: bool, items_start: int) -> None:
        self.start = start
        self.negated = negated
        self.items: list[Node] = []
        self.items_start = items_start
        self.lhs: Node | None = None
        self.op = ""
        self.op_start = 0

    def _operand(self, end: int) -> ClassUnion:
        return ClassUnion(self.items_start, end, tuple(self.items))

    def push_op(self, op: str, at: int) -> None:
        operand = self._operand(at)
        if self.lhs is None:
            self.lhs = operand
        else:
            self.lhs = ClassSetOp(self.lhs.start, at, self.op, self.lhs, operand, self.op_start)
        self.op, self.op_start = op, at
        self.items = []
        self.items_start = at + 2

    def close(self, at: int) -> Class:
        if self.lhs is None:
            items = tuple(self.items)
        else:
            rhs = self._operand(at)
            items = (ClassSetOp(self.lhs.start, at, self.op, self.lhs, rhs, self.op_start),)
        return Class(self.start, at + 1, self.negated, items)


class _Parser:
    """One parse of one pattern; mirrors ``regex_syntax::ast::parse::ParserI``."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.n = len(pattern)
        self.pos = 0
        self.verbose = False  # the x flag
        self.swap_greed = False  # the U flag
        self.capture_count = 0
        self.names: dict[str, int] = {}
        self.depth = 0  # open groups plus open classes, for an early nesting check

    # -- low-level cursor -----------------------------------------------------

    def error(self, message: str, start: int, end: int | None = None) -> RegexSyntaxError:
        return RegexSyntaxError(message, start, end)

    def bump_space(self) -> None:
        """In verbose mode, skip whitespace and ``#`` comments (to end of line)."""
        if not self.verbose:
            return
        p, n, pos = self.pattern, self.n, self.pos
        while pos < n:
            c = p[pos]
            if c in _WHITESPACE:
                pos += 1
            elif c == "#":
                newline = p.find("\n", pos)
                pos = n if newline < 0 else newline + 1
            else:
                break
        self.pos = pos

    def bump_and_bump_space(self) -> bool:
        """Step over one character, then over verbose-mode space; False at the end."""
        self.pos += 1
        self.bump_space()
        return self.pos < self.n

    def char(self) -> str:
        return self.pattern[self.pos]

    def at_end(self) -> bool:
        return self.pos >= self.n

    def peek_space(self) -> str | None:
        """The next character after the current one, skipping verbose-mode space.

        Reproduces Rust's ``peek_space``, whose comment handling returns the first
        non-space character after a ``#`` rather than skipping the comment.
        """
        p, n = self.pattern, self.n
        if not self.verbose:
            return p[self.pos + 1] if self.pos + 1 < n else None
        if self.pos >= n:
            return None
        start = self.pos + 1
        in_comment = False
        for i in range(start, n):
            c = p[i]
            if c in _WHITESPACE:
                continue
            if not in_comment and c == "#":
                in_comment = True
                continue
            start = i
            break
        return p[start] if start < n else None

    def enter(self, start: int) -> None:
        self.depth += 1
        if self.depth > NEST_LIMIT:
            raise self.error(f"exceeds the nesting limit of {NEST_LIMIT}", start)

    # -- the main loop ----------------------------------------------------------

    def parse(self) -> Node:
        p, n = self.pattern, self.n
        root = _GroupFrame(0, 0, "root", False, False)
        stack = [root]
        frame = root
        while True:
            if self.verbose:
                self.bump_space()
            pos = self.pos
            if pos >= n:
                break
            c = p[pos]
            if c not in _PLAIN_STOP:
                frame.items.append(Literal(pos, pos + 1, c))
                self.pos = pos + 1
            elif c == "(":
                opened = self.open_group()
                if isinstance(opened, _GroupFrame):
                    stack.append(opened)
                    frame = opened
                else:
                    frame.items.append(opened)
            elif c == ")":
                if frame is root:
                    raise self.error("unopened group", pos)
                stack.pop()
                node = self.close_group(frame, pos)
                frame = stack[-1]
                frame.items.append(node)
            elif c == "|":
                frame.end_branch(pos)
                self.pos = pos + 1
            elif c == "[":
                frame.items.append(self.parse_class())
            elif c in "?*+":
                self.parse_uncounted_repetition(frame.items)
            elif c == "{":
                self.parse_counted_repetition(frame.items)
            elif c == "\\":
                frame.items.append(self.parse_escape(in_class=False))
            elif c == ".":
                frame.items.append(Dot(pos, pos + 1))
                self.pos = pos + 1
            else:  # ^ or $
                frame.items.append(Anchor(pos, pos + 1, "start" if c == "^" else "end"))
                self.pos = pos + 1
        if frame is not root:
            raise self.error("unclosed group", frame.start, frame.open_end)
        return root.body(n)

    # -- groups -------------------------------------------------------------------

    def open_group(self) -> _GroupFrame | Node:
        """Parse a group opener at ``(``: a new frame, or a complete node."""
        p = self.pattern
        start = self.pos
        self.pos += 1
        self.bump_space()
        pos = self.pos
        for prefix, kind in _LOOKAROUND_PREFIXES:
            if p.startswith(prefix, pos):
                self.pos = pos + len(prefix)
                return self.push_frame(start, kind)
        if p.startswith("?P<", pos) or p.startswith("?<", pos):
            self.pos = pos + (3 if p[pos + 1] == "P" else 2)
            self.capture_count += 1
            index = self.capture_count
            name = self.parse_capture_name(index)
            return self.push_frame(start, "named", name=name, index=index)
        if p.startswith("?P=", pos):
            return self.parse_python_backref(start)
        if p.startswith("?>", pos):
            self.pos = pos + 2
            return self.push_frame(start, "atomic")
        if p.startswith("?#", pos):
            return self.parse_comment_group(start)
        if p.startswith("?(", pos):
            close = p.find(")", pos + 2)
            if close < 0:
                raise self.error("unclosed group condition", start, self.n)
            condition = p[pos + 2 : close]
            if not condition:
                raise self.error("empty group condition", pos + 1, close + 1)
            self.pos = close + 1
            return self.push_frame(start, "conditional", name=condition)
        if p.startswith("?", pos):
            self.pos = pos + 1
            if self.at_end():
                raise self.error("unclosed group", start, self.pos)
            flags = self.parse_flags()
            terminator = self.char()
            self.pos += 1
            if terminator == ")":
                if not flags:
                    raise self.error("repetition operator missing expression", pos, self.pos)
                self.apply_flags(flags)
                return SetFlags(start, self.pos, flags)
            if flags:
                return self.push_frame(start, "flags", flags=flags)
            return self.push_frame(start, "noncapture")
        self.capture_count += 1
        return self.push_frame(start, "capture", index=self.capture_count)

    def push_frame(
        self,
        start: int,
        kind: str,
        *,
        name: str | None = None,
        flags: str | None = None,
        index: int | None = None,
    ) -> _GroupFrame:
        self.enter(start)
        frame = _GroupFrame(
            start,
            self.pos,
            kind,
            self.verbose,
            self.swap_greed,
            name=name,
            flags=flags,
            index=index,
        )
        if flags:
            self.apply_flags(flags)
        return frame

    def close_group(self, frame: _GroupFrame, at: int) -> Group:
        self.depth -= 1
        self.verbose = frame.saved_verbose
        self.swap_greed = frame.saved_swap
        self.pos = at + 1
        return Group(
            frame.start,
            at + 1,
            frame.kind,
            frame.body(at),
            frame.open_end,
            frame.name,
            frame.flags,
            frame.index,
        )

    def parse_capture_name(self, index: int) -> str:
        p, n = self.pattern, self.n
        start = self.pos
        if start >= n:
            raise self.error("unclosed capture group name", start)
        pos = start
        while pos < n and p[pos] != ">":
            if not _is_capture_char(p[pos], pos == start):
                raise self.error("invalid capture group character", pos)
            pos += 1
        if pos >= n:
            raise self.error("unclosed capture group name", start, n)
        name = p[start:pos]
        if not name:
            raise self.error("empty capture group name", pos)
        if name in self.names:
            raise self.error("duplicate capture group name", start, pos)
        self.names[name] = index
        self.pos = pos + 1
        return name

    def parse_python_backref(self, start: int) -> Backref:
        """``(?P=name)``: Python's named backreference."""
        p = self.pattern
        name_start = self.pos + 3
        close = p.find(")", name_start)
        if close < 0:
            raise self.error("unclosed group", start, self.n)
        name = p[name_start:close]
        if not name or not all(_is_capture_char(c, i == 0) for i, c in enumerate(name)):
            raise self.error("invalid group name in backreference", name_start, close)
        self.pos = close + 1
        return Backref(start, close + 1, name, "(?P=")

    def parse_comment_group(self, start: int) -> Group:
        """``(?#...)``: a comment, which ends at the first ``)``."""
        text_start = self.pos + 2
        close = self.pattern.find(")", text_start)
        if close < 0:
            raise self.error("unclosed comment group", start, self.n)
        self.pos = close + 1
        text = self.pattern[text_start:close]
        return Group(start, close + 1, "comment", Empty(close, close), close + 1, name=text)

    def parse_flags(self) -> str:
        """Flag letters up to ``:`` or ``)``, validated as Rust does."""
        p, n = self.pattern, self.n
        start = pos = self.pos
        seen: dict[str, int] = {}
        negation_at = -1
        last_was_negation = False
        while True:
            if pos >= n:
                raise self.error("unexpected end of flags", start, n)
            c = p[pos]
            if c == ":" or c == ")":
                break
            if c == "-":
                if negation_at >= 0:
                    raise self.error("flag negation operator repeated", pos)
                negation_at = pos
                last_was_negation = True
            else:
                if c not in _FLAG_LETTERS:
                    raise self.error(f"unrecognized flag {c!r}", pos)
                if c in seen:
                    raise self.error(f"duplicate flag {c!r}", pos)
                seen[c] = pos
                last_was_negation = False
            pos += 1
        if last_was_negation:
            raise self.error("dangling flag negation operator", negation_at)
        self.pos = pos
        return p[start:pos]

    def apply_flags(self, flags: str) -> None:
        """Update the parser's verbose and swap-greed state from a flag string."""
        on = True
        for c in flags:
            if c == "-":
                on = False
            elif c == "x":
                self.verbose = on
            elif c == "U":
                self.swap_greed = on

    # -- repetitions ----------------------------------------------------------

    def take_operand(self, items: list[Node], op_start: int) -> Node:
        if not items or isinstance(items[-1], SetFlags):
            raise self.error("repetition operator missing expression", op_start)
        return items.pop()

    def make_repeat(
        self,
        child: Node,
        lo: int,
        hi: int | None,
        form: str,
        op_start: int,
        op_end: int,
        lazy: bool,
        possessive: bool = False,
    ) -> Repeat:
        effectively_lazy = lazy != self.swap_greed
        return Repeat(
            child.start,
            op_end,
            child,
            lo,
            hi,
            not effectively_lazy,
            possessive,
            op_start,
            op_end,
            lazy,
            effectively_lazy and not lazy,
            form,
        )

    def parse_uncounted_repetition(self, items: list[Node]) -> None:
        p = self.pattern
        op_start = self.pos
        op = p[op_start]
        child = self.take_operand(items, op_start)
        self.pos += 1
        lazy = self.pos < self.n and p[self.pos] == "?"
        if lazy:
            self.pos += 1
        possessive = (
            op == "+"
            and isinstance(child, Repeat)
            and child.op_end == op_start
            and not child.lazy_suffix
            and not child.possessive
        )
        if possessive:
            assert isinstance(child, Repeat)
            op_start = child.op_start
        lo, hi = {"?": (0, 1), "*": (0, None), "+": (1, None)}[op]
        items.append(self.make_repeat(child, lo, hi, op, op_start, self.pos, lazy, possessive))

    def parse_counted_repetition(self, items: list[Node]) -> None:
        p = self.pattern
        op_start = self.pos
        child = self.take_operand(items, op_start)
        if not self.bump_and_bump_space():
            raise self.error("unclosed counted repetition", op_start, self.n)
        lo, lo_error, lo_empty = self.parse_decimal()
        if self.at_end():
            raise self.error("unclosed counted repetition", op_start, self.n)
        hi: int | None
        if self.char() == ",":
            if not self.bump_and_bump_space():
                raise self.error("unclosed counted repetition", op_start, self.n)
            if self.char() != "}":
                if lo_empty:
                    lo, form = 0, "{,n}"  # Python's {,n}; Rust rejects it
                else:
                    form = "{m,n}"
                hi, hi_error, _ = self.parse_decimal()
                if hi_error:
                    raise hi_error
            else:
                hi, form = None, "{m,}"
        else:
            hi, form = lo, "{m}"
        if lo is None:
            assert lo_error is not None
            raise lo_error
        if self.at_end() or self.char() != "}":
            raise self.error("unclosed counted repetition", op_start, self.pos)
        self.pos += 1
        op_end = self.pos
        self.bump_space()
        lazy = self.pos < self.n and p[self.pos] == "?"
        if lazy:
            self.pos += 1
            op_end = self.pos
        if hi is not None and lo > hi:
            raise self.error(
                "invalid repetition count range, the start must be <= the end", op_start, op_end
            )
        items.append(self.make_repeat(child, lo, hi, form, op_start, op_end, lazy))

    def parse_decimal(self) -> tuple[int | None, RegexSyntaxError | None, bool]:
        """A repetition count, or None with the error to raise and whether it was empty.

        Whitespace around the digits is skipped even outside verbose mode, as in Rust.
        """
        p, n = self.pattern, self.n
        while self.pos < n and p[self.pos] in _WHITESPACE:
            self.pos += 1
        start = self.pos
        digits: list[str] = []
        while self.pos < n and "0" <= p[self.pos] <= "9":
            digits.append(p[self.pos])
            self.bump_and_bump_space()
        end = self.pos
        while self.pos < n and p[self.pos] in _WHITESPACE:
            self.bump_and_bump_space()
        if not digits:
            error = self.error("repetition quantifier expects a valid decimal", start, end)
            return None, error, True
        value = int("".join(digits))
        if value > _MAX_U32:
            return None, self.error("decimal literal invalid", start, end), False
        return value, None, False

    # -- escapes ------------------------------------------------------------------

    def parse_escape(self, in_class: bool) -> Node:
        """An escape sequence at ``\\``; in a class, digits are octal (as in Python)."""
        p = self.pattern
        start = self.pos
        if start + 1 >= self.n:
            raise self.error("incomplete escape sequence, reached end of pattern", start)
        self.pos = start + 1
        c = p[self.pos]
        if "0" <= c <= "9":
            return self.parse_digit_escape(start, in_class)
        if c in "xuU":
            return self.parse_hex(start)
        if c == "p" or c == "P":
            return self.parse_unicode_class(start)
        if c in "dswDSW":
            self.pos += 1
            return PerlClass(start, self.pos, c.lower(), c.isupper())
        self.pos += 1
        end = self.pos
        if c in _META:
            return Literal(start, end, c, "escaped")
        if c.isascii() and not c.isalnum() and c not in "<>":
            return Literal(start, end, c, "escaped")
        if c in _SPECIAL_ESCAPES:
            return Literal(start, end, _SPECIAL_ESCAPES[c], "special")
        if c == "A":
            return Anchor(start, end, "start_text")
        if c == "z":
            return Anchor(start, end, "end_text")
        if c == "Z":
            return Anchor(start, end, "python_Z")
        if c == "B":
            return Anchor(start, end, "not_word_boundary")
        if c == "<":
            return Anchor(start, end, "word_start")
        if c == ">":
            return Anchor(start, end, "word_end")
        if c == "b":
            return self.parse_word_boundary(start)
        if c == "k" or c == "g":
            return self.parse_angle_backref(start, c)
        if c == "N":
            return self.parse_named_char(start)
        hint = " (Python's \\Q...\\E quoting is not Rust syntax)" if c == "Q" else ""
        raise self.error(f"unrecognized escape sequence \\{c}{hint}", start, end)

    def parse_digit_escape(self, start: int, in_class: bool) -> Node:
        """``\\1`` backreferences and Python's octal escapes; Rust rejects both.

        As in Python: ``\\0`` and three octal digits are octal escapes, so is any
        digit escape in a class; otherwise one or two digits make a backreference.
        """
        p, n = self.pattern, self.n
        pos = self.pos
        octal = "01234567"
        three_octal = p[pos : pos + 3]
        is_octal = (
            p[pos] == "0"
            or in_class
            or (len(three_octal) == 3 and all(d in octal for d in three_octal))
        )
        if is_octal:
            end = pos + 1
            while end < n and end < pos + 3 and p[end] in octal:
                end += 1
            if p[pos] not in octal:
                raise self.error("backreference not allowed in a class", start, end)
            self.pos = end
            return Literal(start, end, chr(int(p[pos:end], 8)), "octal")
        end = pos + 1
        if end < n and "0" <= p[end] <= "9":
            end += 1
        self.pos = end
        return Backref(start, end, p[pos:end], "\\N")

    def parse_hex(self, start: int) -> Literal:
        """``\\x41 \\x{41} \\u0041 \\u{41} \\U00000041 \\U{41}`` (``pos`` at the letter)."""
        p = self.pattern
        width = _HEX_WIDTH[p[self.pos]]
        if not self.bump_and_bump_space():
            raise self.error("incomplete escape sequence, reached end of pattern", start, self.n)
        digits: list[str] = []
        if self.char() == "{":
            brace = self.pos
            while self.bump_and_bump_space() and self.char() != "}":
                if self.char() not in _HEX_DIGITS:
                    raise self.error("invalid hexadecimal digit", self.pos)
                digits.append(self.char())
            if self.at_end():
                raise self.error(
                    "incomplete escape sequence, reached end of pattern", start, self.n
                )
            end = self.pos + 1
            self.pos = end
            self.bump_space()
            if not digits:
                raise self.error("hexadecimal literal empty", brace, end)
        else:
            for i in range(width):
                if i > 0 and not self.bump_and_bump_space():
                    raise self.error(
                        "incomplete escape sequence, reached end of pattern", start, self.n
                    )
                if self.char() not in _HEX_DIGITS:
                    raise self.error("invalid hexadecimal digit", self.pos)
                digits.append(self.char())
            end = self.pos + 1
            self.bump_and_bump_space()
        value = int("".join(digits), 16)
        if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
            raise self.error("hexadecimal literal is not a Unicode scalar value", start, end)
        return Literal(start, end, chr(value), "hex")

    def parse_unicode_class(self, start: int) -> UnicodeClass:
        """``\\pL \\p{Greek} \\PL \\P{Greek}`` (``pos`` at ``p``/``P``)."""
        negated = self.char() == "P"
        if not self.bump_and_bump_space():
            raise self.error("incomplete escape sequence, reached end of pattern", start, self.n)
        if self.char() == "{":
            chars: list[str] = []
            while self.bump_and_bump_space() and self.char() != "}":
                chars.append(self.char())
            if self.at_end():
                raise self.error(
                    "incomplete escape sequence, reached end of pattern", start, self.n
                )
            self.pos += 1
            end = self.pos
            name = "".join(chars)
        else:
            name = self.char()
            if name == "\\":
                raise self.error("invalid Unicode character class", start, self.pos + 1)
            end = self.pos + 1
            self.bump_and_bump_space()
        caret = name.startswith("^")
        if caret:
            name, negated = name[1:], not negated
        return UnicodeClass(start, end, name, negated, caret)

    def parse_word_boundary(self, start: int) -> Anchor:
        """``\\b``, or ``\\b{start}`` and friends (``pos`` just after the ``b``)."""
        p, n = self.pattern, self.n
        end = self.pos
        if end >= n or p[end] != "{":
            return Anchor(start, end, "word_boundary")
        if not self.bump_and_bump_space():
            raise self.error("unclosed special word boundary or repetition", start, n)
        c = self.char()
        if not (c.isascii() and (c.isalpha() or c == "-")):
            self.pos = end  # a counted repetition of \b, as in \b{2}
            return Anchor(start, end, "word_boundary")
        chars: list[str] = []
        while not self.at_end():
            c = self.char()
            if not (c.isascii() and (c.isalpha() or c == "-")):
                break
            chars.append(c)
            self.bump_and_bump_space()
        if self.at_end() or self.char() != "}":
            raise self.error("unclosed special word boundary assertion", start, self.pos)
        self.pos += 1
        kind = _WORD_BOUNDARY_KINDS.get("".join(chars))
        if kind is None:
            raise self.error(
                "unrecognized special word boundary assertion (valid: start, end, "
                "start-half, end-half)",
                start,
                self.pos,
            )
        return Anchor(start, self.pos, kind)

    def parse_angle_backref(self, start: int, letter: str) -> Backref:
        """``\\k<name>`` or ``\\g<name>`` (``pos`` just after the letter)."""
        p = self.pattern
        if self.pos >= self.n or p[self.pos] != "<":
            raise self.error(f"unrecognized escape sequence \\{letter}", start, self.pos)
        close = p.find(">", self.pos + 1)
        if close < 0 or close == self.pos + 1:
            raise self.error(f"invalid \\{letter}<...> backreference", start, self.n)
        ref = p[self.pos + 1 : close]
        self.pos = close + 1
        return Backref(start, close + 1, ref, "\\" + letter)

    def parse_named_char(self, start: int) -> NamedChar:
        """Python's ``\\N{NAME}`` (``pos`` just after the ``N``)."""
        p = self.pattern
        if self.pos >= self.n or p[self.pos] != "{":
            raise self.error("unrecognized escape sequence \\N", start, self.pos)
        close = p.find("}", self.pos + 1)
        if close < 0 or close == self.pos + 1:
            raise self.error("invalid \\N{...} escape", start, self.n)
        name = p[self.pos + 1 : close]
        self.pos = close + 1
        try:
            char: str | None = unicodedata.lookup(name)
        except KeyError:
            char = None
        return NamedChar(start, close + 1, name, char)

    # -- bracket classes ----------------------------------------------------------

    def parse_class(self) -> Class:
        """A bracket class at ``[``, nested classes included, without recursion."""
        p, n = self.pattern, self.n
        frames = [self.open_class()]
        while True:
            self.bump_space()
            if self.pos >= n:
                raise self.error("unclosed character class", frames[-1].start, n)
            c = p[self.pos]
            frame = frames[-1]
            if c == "[":
                posix = self.maybe_parse_posix_class()
                if posix is not None:
                    frame.items.append(posix)
                else:
                    frames.append(self.open_class())
            elif c == "]":
                cls = frame.close(self.pos)
                self.pos += 1
                self.depth -= 1
                frames.pop()
                if not frames:
                    return cls
                frames[-1].items.append(cls)
            elif c in "&-~" and self.pos + 1 < n and p[self.pos + 1] == c:
                frame.push_op(c + c, self.pos)
                self.pos += 2
            else:
                frame.items.append(self.parse_class_range(frame.start))

    def open_class(self) -> _ClassFrame:
        """``[``, an optional ``^``, then leading ``-`` and ``]`` taken literally."""
        p = self.pattern
        start = self.pos
        self.enter(start)
        if not self.bump_and_bump_space():
            raise self.error("unclosed character class", start, self.n)
        negated = self.char() == "^"
        if negated and not self.bump_and_bump_space():
            raise self.error("unclosed character class", start, self.n)
        frame = _ClassFrame(start, negated, self.pos)
        while p[self.pos] == "-":
            frame.items.append(Literal(self.pos, self.pos + 1, "-"))
            if not self.bump_and_bump_space():
                raise self.error("unclosed character class", start, self.n)
        if not frame.items and p[self.pos] == "]":
            frame.items.append(Literal(self.pos, self.pos + 1, "]"))
            if not self.bump_and_bump_space():
                raise self.error("unclosed character class", start, self.n)
        return frame

    def maybe_parse_posix_class(self) -> PosixClass | None:
        """``[:alpha:]`` or ``[:^alpha:]`` at ``[``, or None (nothing consumed)."""
        p = self.pattern
        start = self.pos
        if not p.startswith("[:", start):
            return None
        pos = start + 2
        negated = p.startswith("^", pos)
        if negated:
            pos += 1
        close = p.find(":", pos)
        if close < 0 or not p.startswith(":]", close):
            return None
        name = p[pos:close]
        if name not in _POSIX_NAMES:
            return None
        self.pos = close + 2
        return PosixClass(start, self.pos, name, negated)

    def parse_class_range(self, class_start: int) -> Node:
        """One class item, or a range ``lo-hi`` of two literals."""
        first = self.parse_class_item()
        self.bump_space()
        if self.at_end():
            raise self.error("unclosed character class", class_start, self.n)
        if self.char() != "-" or self.peek_space() in ("]", "-"):
            return self.as_class_item(first)
        if not self.bump_and_bump_space():
            raise self.error("unclosed character class", class_start, self.n)
        second = self.parse_class_item()
        lo, hi = self.as_range_bound(first), self.as_range_bound(second)
        if lo.char > hi.char:
            raise self.error(
                "invalid character class range, the start must be <= the end", lo.start, hi.end
            )
        return ClassRange(lo.start, hi.end, lo, hi)

    def parse_class_item(self) -> Node:
        if self.char() == "\\":
            return self.parse_escape(in_class=True)
        pos = self.pos
        self.pos += 1
        return Literal(pos, pos + 1, self.pattern[pos])

    def as_class_item(self, node: Node) -> Node:
        if isinstance(node, (Literal, PerlClass, UnicodeClass, NamedChar)):
            return node
        if isinstance(node, Anchor) and node.kind == "word_boundary":
            raise self.error(
                "\\b is not allowed in a class (Rust has no backspace escape; use \\x08)",
                node.start,
                node.end,
            )
        raise self.error("invalid escape sequence found in character class", node.start, node.end)

    def as_range_bound(self, node: Node) -> Literal:
        if isinstance(node, Literal):
            return node
        self.as_class_item(node)  # raises for what is not a class item at all
        raise self.error("invalid range boundary, must be a literal", node.start, node.end)


# ---------------------------------------------------------------------------
# Rust's nesting limit
# ---------------------------------------------------------------------------


def _nesting_cost(node: Node) -> int:
    """How much ``node`` adds to nesting depth as Rust's ``NestLimiter`` counts it.

    Rust counts groups, repetitions, alternations, concatenations, bracket
    classes, class set operations and class unions of two or more items (a class
    with several items holds such a union). Leaves and ranges count nothing.
    """
    if isinstance(node, (Concat, Alternation, Group, Repeat, ClassSetOp)):
        return 1
    if isinstance(node, Class):
        return 2 if len(node.items) >= 2 else 1
    if isinstance(node, ClassUnion):
        return 1 if len(node.items) >= 2 else 0
    return 0


def _check_nesting(root: Node) -> None:
    stack: list[tuple[Node, int]] = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        depth += _nesting_cost(node)
        if depth > NEST_LIMIT:
            raise RegexSyntaxError(
                f"exceeds the nesting limit of {NEST_LIMIT}", node.start, node.end
            )
        for child in node.children():
            stack.append((child, depth))


def iter_with_flags(ast: Node, initial: str = "") -> Iterator[tuple[Node, dict[str, bool]]]:
    """Every node of ``ast`` in pattern order, with the flags in force at that node.

    Flags are the Rust ones (``i m s U u x R``); ``u`` starts on, the others off, then
    ``initial`` (a Lark literal's ``/…/x``-style flags) is applied. A ``(?flags:…)``
    group sets flags for its body; ``(?flags)`` sets them to the end of the enclosing
    group, later alternatives included (as in Rust: ``a|(?i)b|c`` matches ``C``).

    The dict is shared and updated as the walk goes on: read it before the next step.
    """
    base = {"u": True}
    _apply_flags(base, "".join(c for c in initial if c in "imsUuxR"))
    stack: list[tuple[Node, dict[str, bool]]] = [(ast, base)]
    while stack:
        node, state = stack.pop()
        if isinstance(node, Group):
            state = dict(state)
            if node.kind == "flags" and node.flags:
                _apply_flags(state, node.flags)
        elif isinstance(node, SetFlags):
            _apply_flags(state, node.flags)
        yield node, state
        kids = node.children()
        if kids:
            stack.extend((kid, state) for kid in reversed(kids))


def _apply_flags(state: dict[str, bool], flags: str) -> None:
    on = True
    for c in flags:
        if c == "-":
            on = False
        else:
            state[c] = on
