"""GK220 unbounded-terminal: replacements that hold (they compile, drop no lookaround, use
a spelling Python Lark reads) and the unsafe fix. (The cases are in test_rules_practice.py.)"""

from __future__ import annotations

import pytest
from lintutil import found

from grammarkit.lint.fixes import fix_text
from grammarkit.lint.runner import lint_text


def gk220(text: str, syntax: str = "lark"):
    return [d for d in lint_text(text, syntax=syntax).diagnostics if d.code == "GK220"]


def test_no_replacement_that_keeps_a_lookahead():
    (d,) = gk220("start: A\nA: /(?!-)[^\\s;]+/\n")
    assert "(?!" not in d.hint and d.fix is None
    assert d.hint.startswith("bound it once the regex is otherwise fixed (a lookaround")


def test_lark_repetition_is_bounded_with_the_spelling_lark_reads():
    (d,) = gk220("start: WORD\nWORD: LETTER+\nLETTER: /[a-z]/\n")
    assert d.hint == "bound the repetition: LETTER~1..64" and "{" not in d.hint
    outcome = fix_text("start: WORD\nWORD: LETTER+\nLETTER: /[a-z]/\n", unsafe=True, select=["GK220"])
    assert outcome.text == "start: WORD\nWORD: LETTER~1..64\nLETTER: /[a-z]/\n"
    assert found(outcome.text, code="GK217") == []


@pytest.mark.parametrize(
    "text, syntax, fixed",
    [
        ('start: "note: " TEXT\nTEXT: /.*/\n', "lark", 'start: "note: " TEXT\nTEXT: /.{0,500}/\n'),
        ('start: "n=" /[0-9]+/\n', "lark", 'start: "n=" /[0-9]{1,18}/\n'),
        ("[^\\n]+", "regex", "[^\\n]{1,500}"),
    ],
)
def test_the_bound_is_a_verified_unsafe_fix(text, syntax, fixed):
    (d,) = gk220(text, syntax)
    assert d.fix is not None and d.fix.safety == "unsafe"
    assert all(e.replacement in d.hint for e in d.fix.edits)  # the prose says what the fix does
    assert fix_text(text, syntax=syntax).text == text  # not applied without --unsafe-fixes
    outcome = fix_text(text, syntax=syntax, unsafe=True, select=["GK220"])
    assert outcome.text == fixed and not outcome.skipped
    assert gk220(fixed, syntax) == []
