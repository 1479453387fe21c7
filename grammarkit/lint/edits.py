"""Text edits that several rules' fixes need: deleting an item's whole lines, and
inserting lines after one. Offsets are 0-based character offsets into the grammar text,
as in :class:`~grammarkit.core.diagnostics.Edit`."""

from __future__ import annotations

import re

from grammarkit.core.diagnostics import Edit
from grammarkit.reader.lexer import LexError, tokenize

_COMMENT_OR_BLANK = re.compile(r"[ \t]*(?:(?://|#)[^\n]*)?\r?")


def line_start(text: str, offset: int) -> int:
    """The offset of the first character of the line holding ``offset``."""
    return text.rfind("\n", 0, offset) + 1


def next_line_start(text: str, offset: int) -> int:
    """The offset just after the newline ending the line holding ``offset`` (the text's
    length on its last line)."""
    newline = text.find("\n", offset)
    return len(text) if newline == -1 else newline + 1


def whole_lines(text: str, start: int, end: int) -> tuple[int, int] | None:
    """``[first line start, start of the line after the last)`` for the item at
    ``[start, end)`` when it has its lines to itself: only blanks before it on its first
    line, only blanks or a comment after it on its last. None otherwise."""
    first = line_start(text, start)
    if text[first:start].strip(" \t"):
        return None
    stop = text.find("\n", end)
    stop = len(text) if stop == -1 else stop
    if not _COMMENT_OR_BLANK.fullmatch(text, end, stop):
        return None
    return first, (stop + 1 if stop < len(text) else stop)


def delete_lines(text: str, start: int, end: int) -> Edit | None:
    """An edit deleting the whole lines of the item at ``[start, end)`` (see
    :func:`whole_lines`), and one blank line after them when a blank line (or the start of
    the text) precedes them, so that no run of blank lines is left behind. None when the
    item shares a line with something else."""
    lines = whole_lines(text, start, end)
    if lines is None:
        return None
    first, stop = lines
    before_blank = first == 0 or _blank_line_before(text, first)
    if before_blank and stop < len(text):
        after = next_line_start(text, stop)
        if not text[stop:after].strip():
            stop = after
    return Edit(first, stop, "")


def _blank_line_before(text: str, first: int) -> bool:
    if first < 1:
        return True
    previous = line_start(text, first - 1)
    return not text[previous : first - 1].strip()


def newline_of(text: str) -> str:
    """The text's line ending: ``\\r\\n`` when its first line ends so, else ``\\n``."""
    newline = text.find("\n")
    return "\r\n" if newline > 0 and text[newline - 1] == "\r" else "\n"


def for_site(site, regex: str) -> str:
    """``regex`` as it must be written in ``site`` (a
    :class:`~grammarkit.lint.context.RegexSite`): escaped for a Lark ``/…/`` literal
    (see :func:`slashes_escaped`), as it is for a regex grammar."""
    return regex if site.literal is None else slashes_escaped(regex)


def slashes_escaped(regex: str) -> str:
    """``regex`` with every unescaped ``/`` written ``\\/``, as a Lark ``/…/`` literal needs
    (an unescaped ``/`` would end the literal)."""
    if "/" not in regex:
        return regex
    out = []
    escaped = False
    for c in regex:
        if c == "/" and not escaped:
            out.append("\\/")
        else:
            out.append(c)
        escaped = c == "\\" and not escaped
    return "".join(out)


def lark_tokens(source: str) -> tuple[str, ...]:
    """The Lark tokens of a piece of grammar source, to compare two items as Lark reads
    them (``(a|b)`` and ``( a | b )`` alike, ``"a  b"`` and ``"a b"`` not); the source
    itself when it cannot be tokenized."""
    try:
        return tuple(t.value for t in tokenize(source) if t.type != "_NL")
    except LexError:
        return (source,)
