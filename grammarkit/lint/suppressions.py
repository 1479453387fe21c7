"""Inline suppressions in Lark grammars.

* ``// grammarkit: ignore[GK107]`` (or ``# grammarkit: ignore[GK107, GK220]``) at the
  end of a line suppresses those codes on that line; on a line of its own, on the next
  line. Without ``[...]`` it suppresses every code there.
* ``// grammarkit: ignore-file[GK220]`` anywhere suppresses those codes in the whole
  file; ``// grammarkit: ignore-file`` suppresses everything.

Codes may be full codes, prefixes (``GK2``) or rule names. A suppression that suppresses
nothing is reported (GK290 unused-suppression). Regex grammars have no comments; use the
configuration's per-file ignores for them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from grammarkit.core.diagnostics import Edit
from grammarkit.core.span import LineIndex, Span
from grammarkit.lint.patterns import matches

_DIRECTIVE = re.compile(r"(?:#|//)\s*grammarkit:\s*(ignore-file|ignore)\b(?:\[([^\]]*)\])?", re.IGNORECASE)


@dataclass
class Suppression:
    span: Span  # the directive in the comment
    codes: list[str] | None  # None: every code
    file_level: bool
    line: int  # the line it applies to (unused for file-level ones)
    used: set[str] = field(default_factory=set)

    def matches(self, code: str, name: str, line: int) -> bool:
        if not self.file_level and line != self.line:
            return False
        if self.codes is None:
            return True

        return any(matches(c, code, name) for c in self.codes)


def find_suppressions(text: str, index: LineIndex | None = None) -> list[Suppression]:
    if "grammarkit:" not in text.lower():
        return []  # nothing to find: skip tokenizing
    from grammarkit.reader.lexer import comments

    index = index or LineIndex(text)
    found = []
    for offset, comment in comments(text):
        m = _DIRECTIVE.search(comment)
        if m is None:
            continue
        start = offset + m.start()
        span = index.span(start, offset + m.end())
        codes = None if m.group(2) is None else [c.strip() for c in m.group(2).split(",") if c.strip()]
        line, column = index.position(offset)
        own_line = index.line_text(line)[: column - 1].strip() == ""
        target = line + 1 if own_line else line
        found.append(Suppression(span, codes, m.group(1).lower() == "ignore-file", target))
    return found


def apply(suppressions: list[Suppression], code: str, name: str, line: int) -> bool:
    """Whether a diagnostic is suppressed; marks the suppressions that match as used.
    (For many diagnostics, :class:`SuppressionIndex` looks only at the line's.)"""
    hit = False
    for s in suppressions:
        if s.matches(code, name, line):
            s.used.add(code)
            hit = True
    return hit


class SuppressionIndex:
    """:func:`apply` for many diagnostics: the suppressions of each line, and the
    file-level ones, looked up instead of tried one by one."""

    def __init__(self, suppressions: list[Suppression]) -> None:
        self.file_level = [s for s in suppressions if s.file_level]
        self.by_line: dict[int, list[Suppression]] = {}
        for s in suppressions:
            if not s.file_level:
                self.by_line.setdefault(s.line, []).append(s)

    def __bool__(self) -> bool:
        return bool(self.file_level or self.by_line)

    def apply(self, code: str, name: str, line: int) -> bool:
        """Whether a diagnostic on ``line`` is suppressed; marks the suppressions that
        match as used (as :func:`apply` does)."""
        hit = apply(self.file_level, code, name, line)
        on_line = self.by_line.get(line)
        if on_line and apply(on_line, code, name, line):
            hit = True
        return hit


def suppression_edit(text: str, line: int, code: str) -> Edit | None:
    """The edit that suppresses ``code`` on ``line`` (1-based) of a Lark grammar: the
    code added to the ``grammarkit: ignore[...]`` comment that already applies to that line
    (at its end, or on the line of its own above it), else ``  // grammarkit: ignore[CODE]``
    appended to the line, or, when the line ends inside a value spanning several lines
    (``%json {`` …), put on a line of its own above it. None when there is no way: a
    blank line, or a line that starts inside such a value."""
    index = LineIndex(text)
    if not 1 <= line <= index.line_count:
        return None
    for s in find_suppressions(text, index):
        if s.file_level or s.line != line:
            continue
        if s.codes is None:
            return None  # everything is suppressed there already
        directive = text[s.span.start : s.span.end]
        if directive.endswith("]"):
            if any(c.upper() == code.upper() for c in s.codes):
                return None
            separator = ", " if s.codes else ""
            return Edit(s.span.end - 1, s.span.end - 1, f"{separator}{code}")
    content = index.line_text(line)
    if not content.strip():
        return None
    start = index.offset(line, 1)
    end = start + len(content.rstrip())
    if not _inside_token(text, end):
        return Edit(end, start + len(content), f"  // grammarkit: ignore[{code}]")
    if _inside_token(text, start):
        return None
    indent = content[: len(content) - len(content.lstrip())]
    return Edit(start, start, f"{indent}// grammarkit: ignore[{code}]\n")


def _inside_token(text: str, offset: int) -> bool:
    """Whether ``offset`` falls strictly inside one token (a JSON value spanning lines)."""
    from grammarkit.reader.lexer import LexError, tokenize

    try:
        for tok in tokenize(text):
            start = tok.start_pos or 0
            if start >= offset:
                return False
            if (tok.end_pos or 0) > offset and tok.type != "_NL":
                return True
    except LexError:
        return False
    return False
