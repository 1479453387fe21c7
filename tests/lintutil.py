"""Small helpers shared by the rule tests."""

from __future__ import annotations

from grammarkit.lint.runner import lint_text


def found(text: str, syntax: str = "lark", code: str | None = None) -> list[tuple[str, int, int]]:
    """(code, line, column) of every diagnostic (of ``code`` if given), in order."""
    result = lint_text(text, syntax=syntax)
    return [(d.code, d.line, d.column) for d in result.diagnostics if code is None or d.code == code]
