"""Size statistics of a grammar: what it is made of, and its use of llguidance's limits.

:func:`grammar_stats` counts rules, terminals, alternatives and nesting
(:func:`count_structure`) and adds the limits measured by :mod:`grammarkit.llg.limits`.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any

from grammarkit.core.source import Syntax, strip_final_newline
from grammarkit.llg.limits import (
    DEFAULT_PRECISION,
    DEFAULT_TIME_BUDGET,
    MEASURED,
    RUNTIME_ONLY,
    LimitUsage,
    default_limits,
    measure_limits,
)


@dataclass
class GrammarStats:
    """What a grammar is made of, and how much of llguidance's limits it uses."""

    syntax: str
    characters: int
    bytes: int
    lines: int
    rules: int = 0
    terminals: int = 0
    alternatives: int = 0
    """``|`` branches of all rule and terminal bodies (nested groups included)."""
    string_literals: int = 0
    regex_literals: int = 0
    max_nesting: int = 0
    """Deepest nesting of ``( )`` and ``[ ]`` groups (regex grammars: of regex groups)."""
    ignores: int = 0
    imports: int = 0
    """Names imported with ``%import``."""
    read_errors: int = 0
    """Syntax problems the reader skipped (the counts cover what it could read)."""
    compiles: bool | None = None
    """Whether llguidance compiles the grammar with its default limits (None: not run,
    or llguidance timed out or crashed)."""
    error: str | None = None
    """llguidance's error when it does not compile it (or why it could not tell)."""
    limits: list[LimitUsage] = field(default_factory=list)
    seconds: float = 0.0
    """Time spent measuring the limits."""

    def usage(self, key: str) -> LimitUsage | None:
        return next((u for u in self.limits if u.key == key), None)

    @property
    def max_fraction(self) -> float:
        """The largest measured ``value / limit`` (0 when nothing was measured)."""
        return max((u.fraction for u in self.limits if u.fraction is not None), default=0.0)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["limits"] = [u.to_dict() for u in self.limits]
        data["seconds"] = round(self.seconds, 3)
        return data


# --------------------------------------------------------------------------- counting


def count_structure(text: str, syntax: Syntax = "lark") -> GrammarStats:
    """The counts of :class:`GrammarStats`, without compiling anything."""
    stats = GrammarStats(
        syntax=syntax,
        characters=len(text),
        bytes=len(text.encode("utf-8", "surrogatepass")),
        lines=text.count("\n") + (0 if text.endswith("\n") or not text else 1),
    )
    if syntax == "regex":
        _count_regex(text, stats)
    else:
        _count_lark(text, stats)
    return stats


def _count_lark(text: str, stats: GrammarStats) -> None:
    from grammarkit.reader import model as m
    from grammarkit.reader import read_grammar

    result = read_grammar(text)
    stats.read_errors = len(result.errors)
    for node in result.grammar.nodes():
        if type(node) is m.Definition:
            if node.is_terminal:
                stats.terminals += 1
            else:
                stats.rules += 1
            stats.max_nesting = max(stats.max_nesting, _nesting(node.body))
        elif type(node) is m.Alternative:
            stats.alternatives += 1
        elif type(node) is m.Literal:
            stats.string_literals += 1
        elif type(node) is m.RegexLiteral:
            stats.regex_literals += 1
        elif type(node) is m.Ignore:
            stats.ignores += 1
        elif type(node) is m.Import:
            stats.imports += len(node.names)


def _nesting(body) -> int:
    from grammarkit.reader import model as m

    deepest = 0
    stack = [(body, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (m.Group, m.Maybe)):
            depth += 1
            deepest = max(deepest, depth)
        stack.extend((child, depth) for child in node.children())
    return deepest


def _count_regex(text: str, stats: GrammarStats) -> None:
    from grammarkit import regex_syntax as rs

    pattern = strip_final_newline(text)
    stats.rules = 1  # llguidance compiles it as `start: /PATTERN/`
    stats.regex_literals = 1
    stats.alternatives = 1
    try:
        tree = rs.parse(pattern)
    except rs.RegexSyntaxError:
        stats.read_errors = 1
        return
    stats.alternatives = 1 + sum(
        len(n.branches) - 1 for n in rs.iter_nodes(tree) if isinstance(n, rs.Alternation)
    )
    deepest = 0
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, rs.Group):
            depth += 1
            deepest = max(deepest, depth)
        stack.extend((child, depth) for child in node.children())
    stats.max_nesting = deepest



# --------------------------------------------------------------------------- entry point


def grammar_stats(
    text: str,
    syntax: Syntax = "lark",
    *,
    measure: bool = True,
    precision: float = DEFAULT_PRECISION,
    time_budget: float = DEFAULT_TIME_BUDGET,
) -> GrammarStats:
    """Counts of ``text`` and, with ``measure``, its use of llguidance's limits.

    ``precision`` is the relative uncertainty the bisection stops at; ``time_budget``
    bounds the seconds spent compiling (a value not pinned down by then is reported as
    the range known so far). Raises ``ValueError`` for an unknown ``syntax``.
    """
    if syntax not in ("lark", "regex"):
        raise ValueError(f"unknown grammar syntax {syntax!r} (expected 'lark' or 'regex')")
    stats = count_structure(text, syntax)
    limits = default_limits()
    if measure:
        t0 = time.monotonic()
        compiles, error, usages = measure_limits(
            syntax, text, precision=precision, time_budget=time_budget
        )
        stats.seconds = time.monotonic() - t0
        stats.compiles, stats.error = compiles, error
        stats.limits = usages
    else:
        stats.limits = [LimitUsage(k, limits[k], note="not measured") for k in MEASURED]
    note = "checked while text is generated; depends on the tokenizer and on the text"
    stats.limits += [LimitUsage(k, limits[k], note=note) for k in RUNTIME_ONLY]
    return stats
