"""Ambiguous recursion, proven on an input, and what it costs the local Earley parser.

A rule with a left-recursive and a right-recursive alternative (``e: e "+" e``, or
``e: e "!" | "-" e``) is ambiguous: ``1+1+1`` parses as ``(1+1)+1`` and as ``1+(1+1)``.
The local parser keeps such grammars on Earley (:mod:`grammarkit.local.lr_parser`), and
Earley's work on them grows much faster than the input: every way of grouping is an item
it keeps.

:func:`ambiguity_cost` builds inputs that exercise the rule (``w (x w)^k`` for ``a: a x a``,
``y^k w x^k`` for ``a: a x | y a``, where ``w``, ``x`` and ``y`` are short strings the
grammar derives, put in a context ``start`` derives), checks on the smallest one that Lark's
Earley parser with ``ambiguity="explicit"`` really finds two parses (the lexer can glue
tokens together and undo an ambiguity on paper), then times :class:`LocalParser` on
inputs of growing ``k`` (CPU time, within a time budget) and extrapolates the growth to
``max_input_chars``.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

DEFAULT_LIMIT = 16_000
"""Characters: ``CustomTool``'s default ``max_input_chars``."""

_ALPHABET = (
    "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    " _-.,:;!?+*/=<>()[]{}\"'#@$%&|^~`\\\n\té"
)
_MAX_EXAMPLE = 64
_SHORT = 0.05  # seconds: a parse this short is timed twice
_TIMEABLE = 0.003  # seconds: shorter parses are left out of the growth estimate


@dataclass
class AmbiguityCost:
    """What :func:`ambiguity_cost` measured."""

    rule: str  # the rule's name in the grammar
    description: str  # which alternatives (Lark BNF)
    one_alternative: bool  # the same alternative is left- and right-recursive (a: a x a)
    example: str  # the smallest input it checked for two parses
    points: list[tuple[int, float]] = field(default_factory=list)  # (characters, CPU seconds)
    exponent: float | None = None  # cost ~ characters ** exponent (from the last two points)
    at_limit: float | None = None  # CPU seconds at the limit (measured or extrapolated)
    measured_at_limit: bool = False  # the last point is the largest input within the limit
    limit: int = DEFAULT_LIMIT


def ambiguity_cost(
    parser, *, limit: int = DEFAULT_LIMIT, time_budget: float = 1.0, long_enough: float = 0.15
) -> AmbiguityCost | None:
    """For a :class:`~grammarkit.local.parser.LocalParser` whose grammar has ambiguous
    recursion that an input really exercises: the measured cost (``points``: one parse per
    input, growing until one takes ``long_enough`` seconds, the input reaches ``limit``
    characters or the next one would overrun ``time_budget``). None when the grammar has no such rule or no
    input could be built that shows the ambiguity."""
    from grammarkit.local.lr_parser import ambiguous_recursion

    lark = parser._lark
    amb = ambiguous_recursion(lark.rules)
    if amb is None:
        return None
    strings = _Strings(lark)
    make = strings.inputs(amb)
    if make is None:
        return None
    example = make(2)
    if not _two_parses(lark, example):
        return None
    name = parser._renames.get(amb.name, amb.name)
    report = AmbiguityCost(name, amb.describe(), amb.left is amb.right, example, limit=limit)
    spent = 0.0
    k = 2
    while not report.points or spent + 4 * report.points[-1][1] <= time_budget:  # the next one takes ~4x
        text = make(k)
        capped = len(text) >= limit
        if len(text) > limit:
            text = _fit(make, k, limit)  # the largest input within the limit
            if report.points and len(text) <= report.points[-1][0]:
                break
        took = _time_parse(parser, text)
        if took is None:
            break  # not accepted after all (or nested too deeply): stop measuring
        spent += took
        if took < _SHORT:  # short runs are noisy: take the best of two
            again = _time_parse(parser, text)
            spent += again or 0.0
            took = min(took, again if again is not None else took)
        report.points.append((len(text), took))
        if capped:
            report.measured_at_limit = True
            break
        if took >= long_enough:
            break
        k *= 2
    _extrapolate(report)
    return report


def _time_parse(parser, text: str) -> float | None:
    start = time.process_time()
    try:
        parser._parse_earley(text)
    except Exception:
        return None
    return time.process_time() - start


def _fit(make, k: int, limit: int) -> str:
    """The input for the largest ``k`` that stays within ``limit`` characters."""
    lo, hi = 1, k
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if len(make(mid)) <= limit:
            lo = mid
        else:
            hi = mid - 1
    return make(lo)


def _extrapolate(report: AmbiguityCost) -> None:
    """The growth exponent: a least-squares line through log(time) against log(size) of
    the points long enough to time (the last two if fewer than three are)."""
    points = [(n, t) for n, t in report.points if t >= _TIMEABLE]
    if len(points) < 3:
        points = [(n, t) for n, t in report.points if t > 0][-2:]
    if len(points) < 2 or points[-1][0] <= points[0][0]:
        return
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(t) for _, t in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    report.exponent = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)
    n_last, t_last = report.points[-1]
    if report.measured_at_limit:
        report.at_limit = t_last
    else:
        report.at_limit = t_last * (report.limit / n_last) ** max(report.exponent, 1.0)


def _two_parses(lark, text: str) -> bool:
    """Whether Lark's Earley parser (as LocalParser configures it, but with
    ``ambiguity="explicit"``) finds more than one parse of ``text``."""
    from lark import Lark

    try:
        explicit = Lark(
            lark.source_grammar,
            parser="earley",
            lexer="dynamic",
            regex=True,
            start="start",
            maybe_placeholders=False,
            ambiguity="explicit",
        )
        tree = explicit.parse(text)
    except Exception:
        return False
    return any(t.data == "_ambig" for t in tree.iter_subtrees())


class _Strings:
    """Short strings the grammar's terminals and rules derive (Lark BNF), and contexts."""

    def __init__(self, lark) -> None:
        matcher = lark.parser.parser.term_matcher.__self__
        self.regexps = matcher.regexps
        self.terminals = {t.name: t for t in lark.terminals}
        self.rules = list(lark.rules)
        self._terminal: dict[str, str | None] = {}
        self.short = self._shortest_derivations()

    def terminal(self, name: str) -> str | None:
        if name not in self._terminal:
            self._terminal[name] = self._example(name)
        return self._terminal[name]

    def _example(self, name: str) -> str | None:
        t = self.terminals.get(name)
        rx = self.regexps.get(name)
        if t is None or rx is None:
            return None
        if type(t.pattern).__name__ == "PatternStr" and rx.fullmatch(t.pattern.value):
            return t.pattern.value
        # Walk the regex with partial matching: end as soon as one character completes a
        # match, else go on with the first character that can still lead to one.
        text = ""
        for _ in range(_MAX_EXAMPLE):
            step = None
            for c in _ALPHABET:
                candidate = text + c
                if rx.fullmatch(candidate):
                    return candidate
                if step is None and rx.fullmatch(candidate, partial=True):
                    step = candidate
            if step is None:
                return None
            text = step
        return None

    def _shortest_derivations(self) -> dict[str, str]:
        short: dict[str, str] = {}
        changed = True
        while changed:
            changed = False
            for r in self.rules:
                parts = []
                for sym in r.expansion:
                    piece = self.terminal(sym.name) if sym.is_term else short.get(sym.name)
                    if piece is None:
                        break
                    parts.append(piece)
                else:
                    text = "".join(parts)
                    name = str(r.origin.name)
                    if name not in short or len(text) < len(short[name]):
                        short[name] = text
                        changed = True
        return short

    def sequence(self, symbols) -> str | None:
        parts = []
        for sym in symbols:
            piece = self.terminal(sym.name) if sym.is_term else self.short.get(sym.name)
            if piece is None:
                return None
            parts.append(piece)
        return "".join(parts)

    def context(self, target: str) -> tuple[str, str] | None:
        """Short ``(before, after)`` with ``start`` deriving ``before target after``."""
        ctx: dict[str, tuple[str, str]] = {"start": ("", "")}
        changed = True
        while changed:
            changed = False
            for r in self.rules:
                outer = ctx.get(str(r.origin.name))
                if outer is None:
                    continue
                exp = r.expansion
                for i, sym in enumerate(exp):
                    if sym.is_term:
                        continue
                    before, after = self.sequence(exp[:i]), self.sequence(exp[i + 1 :])
                    if before is None or after is None:
                        continue
                    candidate = (outer[0] + before, after + outer[1])
                    known = ctx.get(sym.name)
                    if known is None or len(candidate[0]) + len(candidate[1]) < len(known[0]) + len(known[1]):
                        ctx[sym.name] = candidate
                        changed = True
        return ctx.get(target)

    def inputs(self, amb):
        """``k -> input`` exercising the ambiguous rule ``k`` times, or None."""
        name = amb.name
        core = self.short.get(name)
        around = self.context(name)
        if core is None or around is None:
            return None
        before, after = around
        if amb.left is amb.right:  # a: a x a  ->  w (x w)^k
            middle = self.sequence(amb.left.expansion[1:-1])
            if middle is None:
                return None
            return lambda k: before + core + (middle + core) * k + after
        x = self.sequence(amb.left.expansion[1:])  # a: a x
        y = self.sequence(amb.right.expansion[:-1])  # a: y a
        if x is None or y is None:
            return None
        return lambda k: before + y * k + core + x * k + after
