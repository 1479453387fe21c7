"""LSP positions: 0-based lines and columns counted in the code units of the negotiated
encoding (UTF-16 unless the client offers another: a character outside the Basic
Multilingual Plane, such as an emoji, counts 2 in UTF-16, 4 in UTF-8, 1 in UTF-32).

Lines end at ``\\n``, ``\\r\\n`` or ``\\r``, as the protocol says (not at the other
characters :meth:`str.splitlines` breaks at). grammarkit itself counts 1-based lines
ending at ``\\n`` and columns in characters; everything converts through character
offsets.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from grammarkit.core.span import LineIndex

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"
ENCODINGS = (UTF8, UTF16, UTF32)

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def units(text: str, encoding: str = UTF16) -> int:
    """The length of ``text`` in code units of ``encoding``."""
    if encoding == UTF32 or text.isascii():
        return len(text)
    if encoding == UTF16:
        return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)
    return len(text.encode("utf-8", "surrogatepass"))


class TextPositions:
    """Converts between character offsets of one text and LSP (line, character) pairs."""

    __slots__ = ("text", "encoding", "_starts", "_grammarkit_index")

    def __init__(self, text: str, encoding: str = UTF16) -> None:
        if encoding not in ENCODINGS:
            encoding = UTF16
        self.text = text
        self.encoding = encoding
        self._starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]
        self._grammarkit_index: LineIndex | None = None

    @property
    def line_count(self) -> int:
        return len(self._starts)

    def line_bounds(self, line: int) -> tuple[int, int]:
        """Character offsets of the start and end (before its line break) of 0-based ``line``."""
        line = max(0, min(line, len(self._starts) - 1))
        start = self._starts[line]
        if line + 1 < len(self._starts):
            end = self._starts[line + 1]
            end -= 2 if self.text.startswith("\r\n", end - 2) else 1
        else:
            end = len(self.text)
        return start, end

    def position(self, offset: int) -> tuple[int, int]:
        """The LSP (line, character) of character ``offset`` (clamped to the text)."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self._starts, offset) - 1
        start, end = self.line_bounds(line)
        offset = min(offset, end)  # inside a \r\n: the end of the line
        return line, units(self.text[start:offset], self.encoding)

    def offset(self, line: int, character: int) -> int:
        """The character offset of an LSP position. A line past the end is the end of the
        text; a character past the line's end is the line's end; a position inside a
        character (half of a surrogate pair) is that character's start."""
        if line < 0:
            return 0
        if line >= len(self._starts):
            return len(self.text)
        start, end = self.line_bounds(line)
        if character <= 0:
            return start
        segment = self.text[start:end]
        if self.encoding == UTF32 or segment.isascii():
            return start + min(character, len(segment))
        count = 0
        for i, ch in enumerate(segment):
            size = units(ch, self.encoding)
            if count + size > character:
                return start + i
            count += size
        return end

    def grammarkit_offset(self, line: int, column: int) -> int:
        """The character offset of grammarkit's 1-based (line, column) (lines end at ``\\n``)."""
        if self._grammarkit_index is None:
            self._grammarkit_index = LineIndex(self.text)
        return self._grammarkit_index.offset(line, column)


@dataclass(frozen=True, slots=True)
class TextChange:
    """One ``contentChanges`` entry: replace ``range`` (LSP positions; None: the whole
    text) with ``text``."""

    text: str
    start: tuple[int, int] | None = None
    end: tuple[int, int] | None = None


def apply_changes(text: str, changes: list[TextChange], encoding: str = UTF16) -> str:
    """``text`` after the changes of one ``didChange``, applied in order."""
    for change in changes:
        if change.start is None or change.end is None:
            text = change.text
            continue
        positions = TextPositions(text, encoding)
        start = positions.offset(*change.start)
        end = max(start, positions.offset(*change.end))
        text = text[:start] + change.text + text[end:]
    return text


__all__ = ["ENCODINGS", "UTF8", "UTF16", "UTF32", "TextChange", "TextPositions", "apply_changes", "units"]
