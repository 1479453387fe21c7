"""``reads_as_is``: a scan of the model that tells, without printing, that normalize
records no rewrite, renames nothing and finds nothing unsupported (what lets GK217 skip
the translation)."""

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


@pytest.mark.parametrize("text", _corpus())
def test_reads_as_is_only_when_the_translation_changes_nothing(text: str) -> None:
    read = read_grammar(text)
    if read.errors:
        pytest.skip("does not read")
    norm = nz.normalize(text, read=read)
    if nz.reads_as_is(read.grammar):
        assert norm.text is not None
        assert not norm.rewrites and not norm.unsupported and not norm.renames


@pytest.mark.parametrize("text", _corpus())
def test_lark_incompatible_as_without_the_shortcut(text: str, monkeypatch) -> None:
    from lintutil import found

    with_shortcut = found(text, code="GK217")
    monkeypatch.setattr("grammarkit.local.parser.reads_as_is", lambda grammar: False)
    assert found(text, code="GK217") == with_shortcut


def test_the_scan_says_yes_to_plain_grammars() -> None:
    assert nz.reads_as_is(read_grammar('start: a+ B\na: "x" | "y"\nB: /[0-9]{1,3}/\n').grammar)
    assert not nz.reads_as_is(read_grammar('start: "a"{2,3}\n').grammar)
    assert not nz.reads_as_is(read_grammar("start: my-rule\nmy-rule: \"x\"\n").grammar)
    assert not nz.reads_as_is(read_grammar('start: "a" ""\n').grammar)
