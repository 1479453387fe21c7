"""GK217 lark-incompatible."""

from __future__ import annotations

from pathlib import Path

import pytest
from lark import Lark
from lark.exceptions import LarkError
from lintutil import found


@pytest.mark.parametrize(
    "grammar, expected",
    [
        ('start: "a"{2,3}\n', [("GK217", 1, 11)]),
        ("start: my-rule\nmy-rule: \"x\"\n", [("GK217", 2, 1)]),
        ('start: "a" ""\n', [("GK217", 1, 12)]),
        ('start: x{1,} x{,2}\nx: "x"\n', [("GK217", 1, 9), ("GK217", 1, 15)]),
    ],
)
def test_fires_where_plain_lark_fails(grammar, expected):
    assert found(grammar, code="GK217") == expected
    with pytest.raises(LarkError):
        Lark(grammar, parser="earley", lexer="dynamic", regex=True)


@pytest.mark.parametrize(
    "grammar",
    ['start: "a"~2..3\n', "start: my_rule\nmy_rule: \"x\"\n", 'start: "a" ["b"]\n', 'start: "{2}" /a{2}/\n'],
)
def test_traps_load_in_plain_lark(grammar):
    assert found(grammar, code="GK217") == []
    Lark(grammar, parser="earley", lexer="dynamic", regex=True)


def test_silent_on_clean_and_bundled_grammars():
    root = Path(__file__).resolve().parent.parent.parent
    for path in [*root.glob("tests/fixtures/clean/*.lark"), *root.glob("grammars/*.lark")]:
        assert found(path.read_text(), code="GK217") == [], path.name


MATH_EXP = (  # OpenAI's function-calling guide, the math_exp tool
    'start: expr\nexpr: term (SP ADD SP term)* -> add\n| term\nterm: factor (SP MUL SP factor)* -> mul\n'
    '| factor\nfactor: INT\nSP: " "\nADD: "+"\nMUL: "*"\n%import common.INT\n'
)
APPLY_PATCH_LINES = 'start: line+\nline: "+" /(.*)/ LF -> add\n%import common.LF\n'  # Codex's apply_patch shape


@pytest.mark.parametrize(
    "grammar, expected",
    [
        (MATH_EXP, [("GK217", 2, 12), ("GK217", 4, 14)]),
        (APPLY_PATCH_LINES, [("GK217", 2, 11)]),
        ('start: "a" T\nT: /[a-z]*/\n', [("GK217", 2, 1)]),
        ('start: "a" "b"\n%ignore /[ ]*/\n', [("GK217", 2, 9)]),
        ("start: x-y\nx-y: \"x\" -> my-alias\n", [("GK217", 2, 1), ("GK217", 2, 13)]),
    ],
)
def test_names_every_construct_the_normaliser_rewrites(grammar, expected):
    assert found(grammar, code="GK217") == expected
    with pytest.raises(LarkError):
        Lark(grammar, parser="earley", lexer="dynamic", regex=True, maybe_placeholders=False)


def test_the_list_is_the_normalisers():
    from grammarkit.local.parser import lark_rewrites

    kinds = [(r.kind, r.span.line) for r in lark_rewrites(MATH_EXP) if r.refused]
    assert kinds == [("colliding-expansions", 2), ("colliding-expansions", 4)]
    # inside a terminal, a zero-width part is fine for Lark: rewritten, not refused
    (rewrite,) = [r for r in lark_rewrites('start: T\nT: "a" /b*/\n') if r.kind.startswith("zero-width")]
    assert not rewrite.refused
    assert found('start: T\nT: "a" /b*/\n', code="GK217") == []
    Lark('start: T\nT: "a" /b*/\n', parser="earley", lexer="dynamic", regex=True)


@pytest.mark.parametrize(
    "grammar, fixed",
    [
        (MATH_EXP, MATH_EXP.replace("term)* -> add", "term)+ -> add").replace("factor)* -> mul", "factor)+ -> mul")),
        (APPLY_PATCH_LINES, APPLY_PATCH_LINES.replace("/(.*)/", "/(.+)/?")),
        ('start: "a"{2,3} x{1,}\nx: "x"\n', 'start: "a"~2..3 x+\nx: "x"\n'),
        ('start: "a" "b"\n%ignore /[ ]*/\n', 'start: "a" "b"\n%ignore /[ ]+/\n'),
    ],
)
def test_safe_fixes_make_it_load_in_plain_lark_with_the_same_inputs(grammar, fixed):
    from grammarkit.lint.fixes import fix_text
    from grammarkit.llg.matcher import EngineMatcher

    outcome = fix_text(grammar, select=["GK217"])
    assert outcome.text == fixed and not outcome.skipped
    assert found(fixed, code="GK217") == []
    Lark(fixed, parser="earley", lexer="dynamic", regex=True, maybe_placeholders=False)
    before, after = EngineMatcher(grammar), EngineMatcher(fixed)
    for sample in ("4", "4 + 4", "2 * 3 + 5", "+a\n+\n", "aa x", "aaax", "a b", "ab", "a  b"):
        assert before.check(sample).accepted == after.check(sample).accepted, sample
