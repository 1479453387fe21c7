"""``grammarkit check --statistics``: how many diagnostics each rule reported.

One :class:`RuleCount` per rule code, most frequent first (ties by code). Text: one line
per rule, the count right-aligned, the code, ``[*]`` when ``--fix`` would fix at least one
of them, and the rule's name::

    12  GK213  [*] unicode-class
     1  GK107      ignore-unbounded

JSON: a list of ``{"code", "name", "count", "fixable"}``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from grammarkit.lint.runner import LintResult

FIXABLE_MARK = "[*]"


@dataclass(frozen=True, slots=True)
class RuleCount:
    """How many diagnostics one rule reported. ``fixable``: at least one of them carries a
    fix that ``--fix`` applies (a safe one; an unsafe one too when unsafe fixes are on)."""

    code: str
    name: str
    count: int
    fixable: bool

    def to_dict(self) -> dict:
        return {"code": self.code, "name": self.name, "count": self.count, "fixable": self.fixable}


def rule_statistics(results: Iterable[LintResult], *, unsafe_fixes: bool = False) -> list[RuleCount]:
    """The diagnostics of ``results`` counted per rule code, sorted by count (highest
    first), then code. ``unsafe_fixes``: an unsafe fix makes its diagnostic fixable too."""
    counts: dict[str, int] = {}
    names: dict[str, str] = {}
    fixable: set[str] = set()
    for result in results:
        for d in result.diagnostics:
            counts[d.code] = counts.get(d.code, 0) + 1
            names.setdefault(d.code, d.name)
            if d.fix is not None and (d.fix.safety == "safe" or unsafe_fixes):
                fixable.add(d.code)
    ordered = sorted(counts, key=lambda code: (-counts[code], code))
    return [RuleCount(code, names[code], counts[code], code in fixable) for code in ordered]


def render_statistics_text(stats: list[RuleCount]) -> str:
    """One aligned line per rule (empty when there is none)."""
    if not stats:
        return ""
    count_width = max(len(str(s.count)) for s in stats)
    code_width = max(len(s.code) for s in stats)
    blank = " " * len(FIXABLE_MARK)
    return "\n".join(
        f"{s.count:>{count_width}}  {s.code:<{code_width}}  {FIXABLE_MARK if s.fixable else blank} {s.name}"
        for s in stats
    )


def render_statistics_json(stats: list[RuleCount]) -> str:
    """``[{"code", "name", "count", "fixable"}, ...]``."""
    return json.dumps([s.to_dict() for s in stats], indent=2, ensure_ascii=False)
