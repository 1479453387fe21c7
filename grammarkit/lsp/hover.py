"""Hover text (Markdown) for grammar documents: a rule code's documentation, and a rule's
or terminal's definition, length bounds and followers."""

from __future__ import annotations

import re

from grammarkit.analysis.symbols import SymbolFacts
from grammarkit.analysis.widths import UNKNOWN
from grammarkit.lint.docs import markdown_text
from grammarkit.lint.registry import get_rule

_CODE = re.compile(r"\bGK\d{3}\b", re.IGNORECASE)
MAX_DEFINITION_LINES = 25


def code_at(text: str, offset: int) -> tuple[str, int, int] | None:
    """The rule code (``GK101``) written at ``offset``, with its start and end offsets."""
    line_start = text.rfind("\n", 0, offset) + 1
    line_end = text.find("\n", offset)
    line_end = len(text) if line_end == -1 else line_end
    for m in _CODE.finditer(text, line_start, line_end):
        if m.start() <= offset <= m.end():
            return m.group().upper(), m.start(), m.end()
    return None


def rule_markdown(code: str) -> str | None:
    """A rule's documentation as Markdown, or None for an unknown code."""
    rule = get_rule(code)
    if rule is None:
        return None
    doc = rule.doc
    first, _, rest = doc.partition("\n")
    title = f"**{rule.code} {rule.name}** ({rule.severity.value})"
    return f"{title}\n\n{markdown_text(first)}\n{markdown_text(rest)}".rstrip()


def width_text(low, high) -> str:
    """Length bounds in words: ``1 to 3 characters``, ``at least 2 characters``."""
    if low is UNKNOWN and high is UNKNOWN:
        return "unknown (grammarkit cannot measure it)"
    lo = "?" if low is UNKNOWN else "nothing finite" if low is None else str(low)
    if high is None:
        return f"at least {lo} characters (no upper bound)" if low is not None else "no finite match"
    hi = "?" if high is UNKNOWN else str(high)
    if lo == hi:
        return f"exactly {lo} character{'s' if lo != '1' else ''}"
    return f"{lo} to {hi} characters"


def symbol_markdown(facts: SymbolFacts) -> str:
    """Hover text for a rule, terminal or imported name."""
    if facts.kind == "undefined":
        return f"`{facts.name}` is not defined in this grammar"
    lines = facts.text.splitlines()
    if len(lines) > MAX_DEFINITION_LINES:
        lines = lines[:MAX_DEFINITION_LINES] + ["// …"]
    parts = [
        f"**{facts.kind}** `{facts.name}` (line {facts.line})",
        "```lark\n" + "\n".join(lines) + "\n```",
        f"**Length:** {width_text(facts.min_width, facts.max_width)}"
        + (" (not counting text that %ignore allows)" if facts.kind == "rule" else ""),
    ]
    if facts.follow is not None:
        shown = ", ".join(f"`{f}`" if f != "end of input" else f for f in facts.follow) or "nothing"
        note = f" ({facts.follow_note})" if facts.follow_note else ""
        parts.append(f"**Can be followed by:** {shown}{note}")
    elif facts.follow_note:
        parts.append(f"**Can be followed by:** {facts.follow_note}")
    return "\n\n".join(parts)


__all__ = ["code_at", "rule_markdown", "symbol_markdown", "width_text"]
