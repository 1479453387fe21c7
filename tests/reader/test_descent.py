"""The recursive-descent reading (grammarkit/reader/descent.py) builds exactly the model
the LALR parser builds, and leaves every text it does not follow to the LALR parser:
compared on the snapshot texts and on deterministic mutations of them (deleted, moved
and inserted pieces, which make many of them wrong in every possible way)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from mutations import mutants
from reader_snapshot import dump_result

import grammarkit.reader.parser as reader

MODELS = Path(__file__).resolve().parent / "fixtures" / "models"
TEXTS = [json.loads(p.read_text(encoding="utf-8"))["text"] for p in sorted(MODELS.glob("*.json"))]
# Names and strings in every position the descent reads them itself or hands to expr():
# alone, before a suffix, a template's braces, `::`, `..`; empty alternatives and
# sequences; several conjuncts, aliases and conditions.
TEXTS += [
    'start: a b* C+ "s"? "t"~2 "u"~1..3 "v"{2} D{,3} e{1,} "w".."z" "a".."b"* (a | ) [B] ~"c" ~C\n'
    "a: | b | \nb: c{d, \"e\"}* c{F} g::0x1 g::_ \"x\"i \"y\"i+ | -> h\nc{p}: p p\nC: \"c\" | \nD: /d/ E\n"
    'E: "e"\nF: "f"..\"g\" | ~"h"\n_G: F & E -> k\ng::_: "g" %if is_ones(_) | "G" & D\ne: "e" -> al | f\n'
    'f: e e e | "x" "y" "z" /w/ | "q"\n',
    'start: x\nx: (("a" | "b") ["c" "d"]) | ("e")* ((f)) | [[g]] "h"\nf: "f"\ng: "g" | \n',
]
PIECES = ["(", ")", "[", "]", "|", "~", "{", "}", ",", "->", "..", "::", "_", "%if", "\n", "\n|", "?", "*",
          "=", "a", "A", '"x"', "/y/", "%lark {", "0x1", "1", "{2}", "~ 3", "%import ", "-> b", ".2", "[lazy]"]


def _lalr(text: str):
    original = reader._read_quickly
    reader._read_quickly = lambda text, index: None
    try:
        return reader.read_grammar(text)
    finally:
        reader._read_quickly = original


@pytest.mark.parametrize("number", range(len(TEXTS)))
def test_descent_reads_what_lalr_reads(number: int):
    text = TEXTS[number]
    assert reader._read_quickly(text, reader.LineIndex(text)) is not None or not reader.read_grammar(text).ok
    rng = random.Random(number)
    for variant in [text, *(mutants(text, rng, pieces=PIECES, cut=0.4, move=0.7, count=40) if text else [])]:
        assert dump_result(reader.read_grammar(variant)) == dump_result(_lalr(variant)), variant



@pytest.mark.parametrize(
    ("text", "quick"),
    [
        ("start: " + "([" * 20 + '"a"' + "])" * 20 + "\n" + 'b: ["b"] ("c")\n' * 40, True),  # many brackets
        ("start: " + "(" * 98 + '"a"' + ")" * 98 + "\n", False),  # deeper than the reader goes
        ("start: " + "[" * 49 + "(" * 49 + '"a"' + ")" * 49 + "]" * 49 + "\n", False),
    ],
)
def test_nesting_limit_is_the_lalr_readers(text: str, quick: bool):
    assert (reader._read_quickly(text, reader.LineIndex(text)) is not None) == quick
    assert dump_result(reader.read_grammar(text)) == dump_result(_lalr(text))


def test_too_deep_is_where_the_lalr_lexer_stops():
    limit = reader.MAX_NESTING
    for depth in (limit - 1, limit, limit + 1):
        for opener, closer in (("LPAR", "RPAR"), ("LSQB", "RSQB")):
            kinds = ["RULE", "COLON"] + [opener] * depth + ["STRING"] + [closer] * depth + ["_NL"]
            assert reader._too_deep(kinds) == (depth > limit)
            shallow = ["RULE", "COLON"] + [opener, "STRING", closer] * (depth + 5) + ["_NL"]
            assert not reader._too_deep(shallow)
    text = "start: " + "(" * (limit + 1) + '"a"' + ")" * (limit + 1) + "\n"
    with pytest.raises(reader._TooDeep):
        list(reader._DialectLexer(None).lex(text))
    assert reader._too_deep([t.type for t in reader.tokenize(text)])
