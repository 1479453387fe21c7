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
#
# Tool inputs are checked as llguidance sees them: as UTF-8 bytes, a lone surrogate (which
# has no UTF-8 form, but which a JSON "\ud800" in a model's output becomes) as its 3-byte
# ``surrogatepass`` encoding, which no grammar matches. People read positions in
# characters. Every conversion between the two lives here.

LONE_SURROGATE = re.compile("[\ud800-\udfff]")
"""A lone surrogate: a character with no UTF-8 form."""

_CONTINUATION_BYTES = bytes(range(0x80, 0xC0))


def utf8_bytes(text: str) -> bytes:
    """``text`` as llguidance is fed it: UTF-8, with surrogate pairs that arrived as two
    code units joined, and each lone surrogate in its (invalid) 3-byte form."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        joined = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
        return joined.encode("utf-8", "surrogatepass")


def printable_text(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD (one character for one, so
    columns stay), so that it can be written out as UTF-8."""
    return LONE_SURROGATE.sub("\ufffd", text)


def count_characters(data: bytes) -> int:
    """The number of characters whose first byte is in UTF-8 ``data`` (its non-continuation
    bytes; a character cut at either end counts where its first byte is)."""
    return len(data.translate(None, _CONTINUATION_BYTES))


def char_start(data: bytes, offset: int) -> int:
    """``offset`` moved back to the first byte of the UTF-8 character it is inside (at
    most 3 bytes back)."""
    start = offset
    while 0 < start < len(data) and offset - start < 3 and 0x80 <= data[start] < 0xC0:
        start -= 1
    return start


def utf8_length(lead: int) -> int:
    """The length of the UTF-8 sequence a lead byte (0xC0 and up) starts."""
    return 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4


def char_at(data: bytes, offset: int) -> str:
    """The whole character that starts at byte ``offset``, or "" when the bytes there are
    not (yet) a whole character."""
    for size in (1, 2, 3, 4):
        try:
            return data[offset : offset + size].decode("utf-8", "surrogatepass")
        except UnicodeDecodeError:
            continue
    return ""


def cut_after_chars(data: bytes, room: int) -> int | None:
    """The offset in ``data`` where the character after the first ``room`` characters
    starts, or ``None`` when ``data`` starts no more than ``room`` characters."""
    if count_characters(data) <= room:
        return None
    seen = 0
    for i, byte in enumerate(data):
        if not 0x80 <= byte < 0xC0:
            if seen == max(room, 0):
                return i
            seen += 1
    return len(data)  # pragma: no cover - unreachable: there are more than room lead bytes


def byte_offset_to_position(text: str, byte_offset: int) -> tuple[int, int, int]:
    """(line, column, character offset) in ``text`` of the character holding UTF-8 byte
    ``byte_offset`` (line and column 1-based), ``text`` measured as :func:`utf8_bytes`
    encodes it. A byte inside a character locates that character; an offset at or past
    the end locates the end."""
    raw = utf8_bytes(text)
    byte_offset = max(0, min(byte_offset, len(raw)))
    offset = count_characters(raw[:byte_offset])  # characters begun before it
    if 0 < byte_offset < len(raw) and 0x80 <= raw[byte_offset] < 0xC0:
        offset -= 1  # inside a character: that character
    offset = max(0, min(offset, len(text)))
    return (*char_offset_to_position(text, offset), offset)


def char_offset_to_position(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of character ``offset`` of ``text`` (clamped to the text)."""
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


MAX_SNIPPET_CHARS = 160


def caret_snippet(text: str, line: int, column: int) -> str:
    """The text's ``line`` with a caret under ``column`` (both 1-based): two lines. A lone
    surrogate shows as U+FFFD, one character for one; a long line is cut around the
    caret."""
    lines = text.split("\n")
    source = printable_text(lines[line - 1] if 0 < line <= len(lines) else "")
    if len(source) > MAX_SNIPPET_CHARS:
        start = max(0, column - MAX_SNIPPET_CHARS // 2)
        source = source[start : start + MAX_SNIPPET_CHARS]
        column -= start
    return f"{source}\n{' ' * (column - 1)}^"
