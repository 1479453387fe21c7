"""Inline `grammarkit: ignore` comments and GK290 unused-suppression."""

from __future__ import annotations

from grammarkit.lint.runner import lint_text


def codes(text, **kw):
    return [(d.code, d.line, d.column) for d in lint_text(text, **kw).diagnostics]


BASE = '%import common.WS\n%ignore WS{comment}\nstart: "a" "b"\n'


def test_trailing_comment_suppresses_that_line():
    assert ("GK107", 2, 9) in codes(BASE.format(comment=""))
    got = codes(BASE.format(comment="  // grammarkit: ignore[GK107]"), select=["GK107", "GK290"])
    assert got == []


def test_comment_on_the_line_above():
    text = '%import common.WS\n# grammarkit: ignore[unbounded-ignore]\n%ignore WS\nstart: "a" "b"\n'
    assert codes(text, select=["GK107", "GK290"]) == []


def test_prefix_and_blanket_forms():
    assert codes(BASE.format(comment=" // grammarkit: ignore[GK1]"), select=["GK107", "GK290"]) == []
    assert codes(BASE.format(comment=" // grammarkit: ignore"), select=["GK107", "GK290"]) == []


def test_file_level_suppression():
    text = '// grammarkit: ignore-file[GK107]\n%import common.WS\n%ignore WS\nstart: "a" "b"\n'
    assert codes(text, select=["GK107", "GK290"]) == []
    text = '// grammarkit: ignore-file\n%import common.WS\n%ignore WS\nstart: A\nA: /(?=a)a/\n'
    assert codes(text) == []


def test_suppression_only_covers_its_line():
    text = '%import common.WS\n%ignore WS\n%ignore WS // grammarkit: ignore[GK107]\nstart: "a" "b"\n'
    assert codes(text, select=["GK107", "GK290"]) == [("GK107", 2, 9)]


def test_unused_suppression_is_reported():
    text = '%ignore " "  // grammarkit: ignore[GK107]\nstart: "a"\n'
    assert codes(text, select=["GK290"]) == [("GK290", 1, 14)]


def test_partly_unused_suppression():
    text = BASE.format(comment=" // grammarkit: ignore[GK107, GK103]")
    result = lint_text(text, select=["GK107", "GK290"])
    assert [(d.code, d.line) for d in result.diagnostics] == [("GK290", 2)]
    assert "GK103" in result.diagnostics[0].message and "GK107" not in result.diagnostics[0].message


def test_unknown_code_in_suppression():
    text = 'start: "a" // grammarkit: ignore[GK999]\n'
    result = lint_text(text, select=["GK290"])
    assert [d.code for d in result.diagnostics] == ["GK290"]
    assert "unknown rule(s): GK999" in result.diagnostics[0].message


def test_directive_inside_a_string_is_not_a_suppression():
    text = '%import common.WS\n%ignore WS\nstart: "// grammarkit: ignore-file" "b"\n'
    assert ("GK107", 2, 9) in codes(text)


def test_errors_can_be_suppressed_and_then_exit_0():
    text = "start: A\nA: /(?=a)a/ // grammarkit: ignore[GK101, GK109]\n"
    result = lint_text(text)
    assert result.ok and [d.code for d in result.diagnostics if d.code in ("GK101", "GK109")] == []


def test_suppressions_after_a_lexer_error_still_count():
    # Line 2 has a string llguidance cannot lex; the suppression on line 3 still applies.
    text = 'start: "a" B C\nC: "\\d"\nB: /[a-z]+/   # grammarkit: ignore[GK220]\n'
    assert [c for c in codes(text) if c[0] == "GK220"] == []


def test_ignore_all():
    text = '%import common.WS\n%ignore WS  // grammarkit: ignore[ALL]\nstart: "a" "b"\n'
    assert [c for c in codes(text) if c[1] == 2] == []
