"""Differential check of the local parsers: does the linear-time parser
(:mod:`grammarkit.local.lr_parser`) give exactly what the Earley parser gives?

Used by the tests and by ``bench/parse_differential.py``. :func:`outcome` is everything
one parse produces, in a form that compares with ``==``: the tree (rule names and their
type, children in order, every token's type, text and positions, every node's ``meta``
positions) or the rejection (message, line, column, offset, found, expected, snippet).
"""

from __future__ import annotations

from dataclasses import dataclass


def signature(node) -> tuple:
    """``node`` (a tree, a token or anything else) as nested tuples that compare equal
    exactly when the trees are the same, positions and ``meta`` included."""
    from lark import Token, Tree

    if isinstance(node, Token):
        return (
            "token",
            node.type,
            str(node),
            node.start_pos,
            node.line,
            node.column,
            node.end_line,
            node.end_column,
            node.end_pos,
        )
    if isinstance(node, Tree):
        meta = node._meta  # None when nothing set positions (then Tree.meta would create one)
        shown_meta = None if meta is None else tuple(sorted(vars(meta).items()))
        data = node.data
        return (
            "tree",
            str(data),
            type(data).__name__,
            getattr(data, "type", None),
            shown_meta,
            tuple(signature(c) for c in node.children),
        )
    return ("value", repr(node))


def outcome(parse, text: str) -> tuple:
    """What ``parse(text)`` (a :class:`LocalParser` method) gives, comparably:
    ``("tree", signature)`` or ``("rejected", fields...)``."""
    from grammarkit.local.parser import InputRejected

    try:
        return ("tree", signature(parse(text)))
    except InputRejected as exc:
        return ("rejected", exc.message, exc.line, exc.column, exc.offset, exc.found, tuple(exc.expected),
                exc.at_end, exc.snippet)


@dataclass
class Comparison:
    """One input through both parsers of one :class:`LocalParser`."""

    text: str
    fast: tuple | None  # None: the fast parser handed the input to Earley
    earley: tuple

    @property
    def fell_back(self) -> bool:
        return self.fast is None

    @property
    def agrees(self) -> bool:
        return self.fast is None or self.fast == self.earley


def compare(parser, text: str) -> Comparison:
    """Parse ``text`` with ``parser``'s fast parser (when it has one) and with its Earley
    parser, and return both outcomes."""
    from grammarkit.local.lr_parser import FALLBACK, Rejected

    fast = None
    if parser._fast is not None:
        try:
            handed_over = parser._fast.parse(text) is FALLBACK
        except Rejected:
            handed_over = False
        if not handed_over:
            fast = outcome(parser.parse, text)
    return Comparison(text, fast, outcome(parser._parse_earley, text))
