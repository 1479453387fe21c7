"""normalize's shortcut: when a scan of the model says printing records and notes
nothing, the text is printed only when read; it must be what the full translation gives,
with the same (empty) rewrites, notes and renames."""

from __future__ import annotations

from pathlib import Path

import pytest

from grammarkit.local import normalize as nz
from grammarkit.reader import read_grammar

ROOT = Path(__file__).resolve().parents[2]

SMALL = [
    'start: "a"{2,3}\n',
    'start: my-rule\nmy-rule: "x"\n',
    'start: "a" ""\n',
    'start: x{1,} x{,2}\nx: "x"\n',
    'start: "a"~2..3\n',
    'start: my_rule\nmy_rule: "x"\n',
    'start: "a" ["b"]\n',
    'start: "{2}" /a{2}/\n',
    "start: /a*/ B\nB: /b?/\n",
    'start: A\nA: "a" | ""\n',
    'start: x\nx[lazy]: /[a-z]+/ ";"\n',
    'start: x\nx[stop="\\n"]: /.*/\n',
    'start: NAME\n%import common.CNAME -> NAME\n%import common.WS\n%ignore WS\n',
    'start: "a"\n%ignore /[ ]*/\n',
    'start: "a"\n%ignore " "\n',
    'start: "a" -> one\n  | "b" -> two\n',
    'start: a\na: "x" %if FOO\n',
    'start: A\nA: /[a-z]+/ & /[a-m]+/\n',
    'start: %json {"type": "string"}\n',
    'start: "a" <|end|>\n',
    'start: x\nx: "a" %lark {\n start: "b"\n}\n',
    'start: list{NAME}\nlist{x}: x ("," x)*\nNAME: /[a-z]+/\n',
    '%llguidance {}\nstart: "a"\n',
    'start: "a".."z"\n',
    'start: /\\w+\\z/\n',
    'start: ("a" | "b")+ ["c" "d"]*\n',
    'start: "->" "{" "&" my-x\nmy-x: "%if"\n',
]


def _corpus() -> list[str]:
    files = [*ROOT.glob("grammars/*.lark"), *ROOT.glob("tests/fixtures/clean/*.lark")]
    return [p.read_text() for p in sorted(files)] + SMALL


def _eager(text: str, hoist: frozenset[str] = frozenset()) -> nz.Normalized:
    read = read_grammar(text)
    printer = nz._Printer(read.grammar, hoist)
    try:
        printed: str | None = printer.print()
    except nz._Unsupported:
        printed = None
    if printer.unsupported:
        printed = None
    return nz.Normalized(printed, printer.unsupported, printer.renames_back, printer.rewrites)


@pytest.mark.parametrize("text", _corpus())
def test_plain_shortcut_gives_the_full_translation(text: str) -> None:
    read = read_grammar(text)
    if read.errors:
        pytest.skip("does not read")
    got = nz.normalize(text, read=read)
    want = _eager(text)
    assert got.rewrites == want.rewrites
    assert got.unsupported == want.unsupported
    assert got.renames == want.renames
    assert got.text == want.text
    if nz._Printer(read.grammar, frozenset()).plain():
        assert not want.rewrites and not want.unsupported and not want.renames


def test_the_shortcut_is_taken_on_plain_grammars() -> None:
    assert isinstance(nz.normalize('start: a+ B\na: "x" | "y"\nB: /[0-9]{1,3}/\n'), nz._Printed)
    assert not isinstance(nz.normalize('start: "a"{2,3}\n'), nz._Printed)
    assert not isinstance(nz.normalize('start: "a"\n', hoist_rules=frozenset({"start"})), nz._Printed)
