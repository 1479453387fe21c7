"""GK215 alternation-order."""

from __future__ import annotations

from pathlib import Path

import pytest
from lintutil import found

from grammarkit.lint.runner import lint_text
from grammarkit.samples.files import Sample


@pytest.mark.parametrize(
    "regex, col",
    [("a|ab", 5), ("if|iffy", 5), ("<|<=", 5), ("x(=|==)", 7), ("|a", 5), ("=|!=|==", 5)],
)
def test_fires_on_earlier_prefix_branch(regex, col):
    assert found(f"start: T\nT: /{regex}/\n", code="GK215") == [("GK215", 2, col)]


@pytest.mark.parametrize("regex", ["ab|a", "<=|<", "a|b", "[a-z]|ab", "if|else", "(?i)a|ab"])
def test_traps(regex):
    assert found(f"start: T\nT: /{regex}/\n", code="GK215") == []


def test_string_literal_alternatives_are_sorted_by_lark():
    assert found('start: OP\nOP: "=" | "=="\n', code="GK215") == []


def test_case_insensitive_flag_is_skipped():
    assert found("start: T\nT: /a|ab/i\n", code="GK215") == []


def test_the_warning_predicts_a_real_disagreement():
    grammar = 'start: T "c"\nT: /a|ab/\n'
    assert found(grammar, code="GK215") == [("GK215", 2, 5)]
    (result,) = lint_text(grammar, samples=[Sample("abc")]).samples
    assert (result.llguidance, result.lark) == (True, False)


def test_silent_on_clean_real_world_grammars():
    root = Path(__file__).resolve().parent.parent / "fixtures" / "clean"
    for path in root.glob("*.lark"):
        assert found(path.read_text(), code="GK215") == [], path.name
