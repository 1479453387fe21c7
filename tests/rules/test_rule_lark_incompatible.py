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
