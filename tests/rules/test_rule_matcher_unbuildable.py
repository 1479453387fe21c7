"""GK242: llguidance validates the grammar but cannot build a matcher for it."""

from __future__ import annotations

from grammarkit.lint.runner import lint_text
from grammarkit.llg.limits import LINT_SHARE, suspect_limits, verdict_and_limits


def _chain(n: int) -> str:
    lines = ["start: r0", *(f'r{i}: "a" r{i + 1}' for i in range(n - 1)), f'r{n - 1}: "a"']
    return "\n".join(lines) + "\n"


# 33,000 rules in a chain: past llguidance 1.9's 65,525 grammar symbols. Its validation
# passes; building the matcher stops on an assertion.
BIG = _chain(33000)


def test_the_compile_that_measures_limits_reports_the_matcher_error():
    found = verdict_and_limits("lark", BIG, keys=suspect_limits(BIG), only_above=LINT_SHARE)
    assert found is not None
    assert found.is_error is False
    assert found.matcher_error is not None and "symbols" in found.matcher_error


def test_lint_reports_it_as_an_error_at_the_start():
    result = lint_text(BIG)
    found = [d for d in result.diagnostics if d.code == "GK242"]
    assert [(d.line, d.column) for d in found] == [(1, 1)]
    assert "cannot build a matcher" in found[0].message
    assert "GK109" not in result.codes()
    assert not result.ok


def test_a_grammar_whose_matcher_builds_has_none():
    text = _chain(3000)
    found = verdict_and_limits("lark", text, keys=suspect_limits(text), only_above=LINT_SHARE)
    assert found is not None and found.matcher_error is None
    assert "GK242" not in lint_text(text).codes()
