"""GK216 unparenthesized-alternation."""

from __future__ import annotations

from pathlib import Path

from lintutil import found

from grammarkit.lint.runner import lint_text
from grammarkit.samples.files import Sample

VERSION = 'start: V\nV: NUM "." NUM\nNUM: /0|[1-9][0-9]{0,2}/\n'


def test_fires_on_each_reference_and_predicts_the_disagreement():
    assert found(VERSION, code="GK216") == [("GK216", 2, 4), ("GK216", 2, 12)]
    (r,) = lint_text(VERSION, samples=[Sample("1.2")]).samples
    assert (r.llguidance, r.lark) == (True, False)


def test_fires_on_an_inline_regex_in_a_sequence():
    assert found('start: V\nV: /0|1/ "."\n', code="GK216") == [("GK216", 2, 4)]


def test_fires_inside_a_group_sequence():
    assert found('start: V\nV: ("x" NUM)+\nNUM: /a|b/\n', code="GK216") == [("GK216", 2, 9)]


def test_traps():
    for grammar in [
        'start: V\nV: NUM "." NUM\nNUM: /(0|[1-9][0-9]{0,2})/\n',  # grouped
        'start: V\nV: NUM\nNUM: /0|1/\n',  # a lone part keeps its meaning
        'start: V\nV: NUM+\nNUM: /0|1/\n',  # Lark groups repeated parts
        'start: V\nV: NUM "." NUM\nNUM: "0" | /[1-9][0-9]{0,2}/\n',  # Lark-level alternatives
        'start: NUM "." NUM\nNUM: /0|1/\n',  # in a rule, each terminal stays whole
        'start: V\nV: /[a|b]/ "."\n',  # | inside a class
    ]:
        assert found(grammar, code="GK216") == [], grammar
        (r,) = lint_text(grammar, samples=[Sample("0.1")], select=["GK301"]).samples or [None]
        assert r is None or r.llguidance == r.lark, grammar


def test_silent_on_clean_and_bundled_grammars():
    root = Path(__file__).resolve().parent.parent.parent
    for path in [*root.glob("tests/fixtures/clean/*.lark"), *root.glob("grammars/*.lark")]:
        assert found(path.read_text(), code="GK216") == [], path.name
