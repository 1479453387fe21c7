"""suppression_edit: the edit behind "suppress GKxxx on this line"."""

from __future__ import annotations

from grammarkit.core.diagnostics import Fix
from grammarkit.lint.runner import lint_text
from grammarkit.lint.suppressions import suppression_edit


def suppressed(text: str, line: int, code: str) -> str | None:
    edit = suppression_edit(text, line, code)
    return None if edit is None else Fix("suppress", (edit,)).apply(text)


def test_appends_a_comment_and_the_diagnostic_goes():
    text = 'start: "a"\nUNUSED: "b"   \n'
    assert lint_text(text).codes() == ["GK229"]
    fixed = suppressed(text, 2, "GK229")
    assert fixed == 'start: "a"\nUNUSED: "b"  // grammarkit: ignore[GK229]\n'
    assert lint_text(fixed).codes() == []


def test_extends_the_comment_that_applies_to_the_line():
    assert suppressed('X: "b" // grammarkit: ignore[GK229]\n', 1, "GK101").endswith("ignore[GK229, GK101]\n")
    own_line = '// grammarkit: ignore[GK229]\nX: "b"\n'
    assert suppressed(own_line, 2, "GK101") == '// grammarkit: ignore[GK229, GK101]\nX: "b"\n'
    assert suppression_edit('X: "b" // grammarkit: ignore[GK101]\n', 1, "GK101") is None
    assert suppression_edit('X: "b" // grammarkit: ignore\n', 1, "GK101") is None


def test_keeps_crlf_and_other_comments():
    assert suppressed('X: "b" // note\r\n', 1, "GK229") == 'X: "b" // note  // grammarkit: ignore[GK229]\r\n'


def test_a_line_ending_inside_json_gets_a_comment_line_above():
    text = 'start: J\nJ: %json {\n  "type": "string"\n}\n'
    fixed = suppressed(text, 2, "GK227")
    assert fixed == 'start: J\n// grammarkit: ignore[GK227]\nJ: %json {\n  "type": "string"\n}\n'
    assert "GK227" not in lint_text(fixed).codes()
    assert suppression_edit(text, 3, "GK227") is None  # starts and ends inside the JSON
    assert suppression_edit("start: J\n\n", 2, "GK229") is None  # a blank line
