"""Source positions: 1-based lines and columns, counted in characters.

A :class:`Span` covers ``[start, end)`` of the source text. ``end_column`` is the
column just after the last character, as in Lark tokens and ruff's JSON output, so a
one-character span at column 5 has ``end_column == 6``.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Span:
    line: int
    column: int
    end_line: int
    end_column: int
    start: int = 0  # character offset of the first character
    end: int = 0  # character offset just after the last character

    def __str__(self) -> str:
        return f"{self.line}:{self.column}"


class LineIndex:
    """Maps character offsets of one text to (line, column) and back."""

    __slots__ = ("text", "_starts")

    def __init__(self, text: str) -> None:
        self.text = text
        starts = [0]
        find = text.find
        i = find("\n")
        while i != -1:
            starts.append(i + 1)
            i = find("\n", i + 1)
        self._starts = starts

    @property
    def line_count(self) -> int:
        return len(self._starts)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset (clamped to the text)."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self._starts, offset) - 1
        return line + 1, offset - self._starts[line] + 1

    def offset(self, line: int, column: int) -> int:
        """Character offset of a 1-based (line, column), clamped to the text."""
        if line < 1:
            return 0
        if line > len(self._starts):
            return len(self.text)
        start = self._starts[line - 1]
        return min(start + max(column, 1) - 1, self.line_end(line))

    def line_end(self, line: int) -> int:
        """Offset of the newline ending ``line`` (or the end of the text)."""
        if line < len(self._starts):
            return self._starts[line] - 1
        return len(self.text)

    def line_text(self, line: int) -> str:
        if line < 1 or line > len(self._starts):
            return ""
        return self.text[self._starts[line - 1] : self.line_end(line)].rstrip("\r")

    def span(self, start: int, end: int) -> Span:
        """The span of ``[start, end)``; a span ending with a newline ends on its line."""
        line, col = self.position(start)
        if end > start and self.text[end - 1 : end] == "\n":
            end_line, end_col = self.position(end - 1)
            end_col += 1
        else:
            end_line, end_col = self.position(end)
        return Span(line, col, end_line, end_col, start, end)

    def byte_column_to_char(self, line: int, byte_column: int) -> int:
        """Convert a 1-based UTF-8 byte column (as llguidance reports) to a character column."""
        text = self.line_text(line)
        raw = text.encode("utf-8")
        prefix = raw[: max(byte_column - 1, 0)]
        return len(prefix.decode("utf-8", errors="ignore")) + 1


# ---------------------------------------------------------------- UTF-8 positions

def byte_offset_to_position(text: str, byte_offset: int) -> tuple[int, int, int]:
    """(line, column, character offset) in ``text`` of the character holding UTF-8 byte
    ``byte_offset`` (line and column 1-based). ``text`` is measured as llguidance was fed
    it: a lone surrogate counts as its 3-byte ``surrogatepass`` form. A byte inside a
    character locates that character; an offset at or past the end locates the end."""
    raw = text.encode("utf-8", "surrogatepass")
    byte_offset = max(0, min(byte_offset, len(raw)))
    offset = count_characters(raw[:byte_offset])  # characters begun before it
    if 0 < byte_offset < len(raw) and 0x80 <= raw[byte_offset] < 0xC0:
        offset -= 1  # inside a character: that character
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column, offset


_CONTINUATION_BYTES = bytes(range(0x80, 0xC0))


def count_characters(data: bytes) -> int:
    """The number of characters whose first byte is in UTF-8 ``data`` (its non-continuation
    bytes; a character cut at either end counts where its first byte is)."""
    return len(data.translate(None, _CONTINUATION_BYTES))


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def caret_snippet(text: str, line: int, column: int) -> str:
    """The input's line with a caret under ``column`` (both 1-based). A lone surrogate
    (which cannot be written out as UTF-8) shows as U+FFFD, one character for one."""
    lines = text.split("\n")
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    source = _LONE_SURROGATE.sub("\ufffd", source)
    if len(source) > 160:
        start = max(0, column - 80)
        source = source[start : start + 160]
        column -= start
    return f"{source}\n{' ' * (column - 1)}^"
