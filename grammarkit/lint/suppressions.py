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
    """Whether a diagnostic is suppressed; marks the suppressions that match as used."""
    hit = False
    for s in suppressions:
        if s.matches(code, name, line):
            s.used.add(code)
            hit = True
    return hit
