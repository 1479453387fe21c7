"""LSP positions: UTF-16 (and UTF-8/32) columns, LSP line breaks, incremental changes."""

from __future__ import annotations

import pytest

from grammarkit.lsp.positions import UTF8, UTF16, UTF32, TextChange, TextPositions, apply_changes, units

TEXT = "ab\n😀x\r\nq\rz"


def test_units():
    assert [units("😀x", e) for e in (UTF8, UTF16, UTF32)] == [5, 3, 2]
    assert units("é", UTF16) == 1 and units("é", UTF8) == 2


@pytest.mark.parametrize(
    ("offset", "utf16", "utf8"),
    [(0, (0, 0), (0, 0)), (3, (1, 0), (1, 0)), (4, (1, 2), (1, 4)), (5, (1, 3), (1, 5)), (7, (2, 0), (2, 0)),
     (9, (3, 0), (3, 0)), (10, (3, 1), (3, 1))],
)
def test_offsets_to_positions_and_back(offset, utf16, utf8):
    assert TextPositions(TEXT, UTF16).position(offset) == utf16
    assert TextPositions(TEXT, UTF8).position(offset) == utf8
    assert TextPositions(TEXT, UTF16).offset(*utf16) == offset
    assert TextPositions(TEXT, UTF8).offset(*utf8) == offset


def test_out_of_range_and_split_positions_are_clamped():
    p = TextPositions(TEXT)
    assert p.offset(1, 1) == 3  # inside the surrogate pair: the emoji's start
    assert p.offset(1, 99) == 5  # past the line's end: before \r\n
    assert p.offset(99, 0) == len(TEXT)
    assert p.position(6) == (1, 3)  # between \r and \n: the end of the line
    assert p.line_count == 4


def test_apply_changes():
    text = "start: a\nX: /😀b/\n"
    changed = apply_changes(text, [TextChange("c", (1, 6), (1, 7)), TextChange("!", (0, 0), (0, 0))], UTF16)
    assert changed == "!start: a\nX: /😀c/\n"
    assert apply_changes(text, [TextChange("new")]) == "new"
    assert TextPositions("a", UTF32).offset(0, 1) == 1
