"""The local Lark parser: normalisations (each on a grammar plain Lark refuses), located
rejections, names, and constructs with no Lark equivalent."""

from __future__ import annotations

import random

import pytest
from lark import Lark, Tree
from lark.exceptions import GrammarError, LarkError

from grammarkit.llg.matcher import EngineMatcher
from grammarkit.local.parser import InputRejected, LocalParser, ParserUnavailable
from grammarkit.reader.common_terminals import COMMON_NAMES
from grammarkit.samples.generate import generate

MATH_EXP = """\
start: expr
expr: term (SP ADD SP term)* -> add
    | term
term: NUMBER
ADD: "+"
SP: " "
NUMBER: /[0-9]{1,10}/
"""

NORMALISATIONS = {
    # name: (grammar Lark refuses, inputs that must parse, inputs that must not)
    "duplicate expansions (OpenAI math_exp)": (MATH_EXP, ["1 + 2 + 3", "7"], ["1 +", "+ 1"]),
    "zero-width terminal in a patch grammar": (
        'start: "*** Begin Patch\\n" line* "*** End Patch"\nline: "+" LINE "\\n"\nLINE: /(.*)/\n',
        ["*** Begin Patch\n+hello\n+\n*** End Patch"],
        ["*** Begin Patch\nhello\n*** End Patch"],
    ),
    "brace repetition on rules": ('start: item{2,3} item{1,}\nitem: "a"\n', ["aaa", "aaaaa"], ["a"]),
    "names with dashes": ('start: my-rule\nmy-rule: "x" MY-TOKEN\nMY-TOKEN: /[0-9]{1,3}/\n', ["x12"], ["x"]),
    "hash comments": ('start: "a" # a comment\n  | "b" # another\n', ["a", "b"], ["c"]),
    "llguidance common names": ("%import common.INT -> N\nstart: N (\",\" N)*\n", ["1,22"], ["1,,2"]),
    "empty string literal": ('start: "a" "" "b"\n', ["ab"], ["a b"]),
    "terminal that can be empty": ('start: X "b"\nX: "a" | ""\n', ["b", "ab"], ["aab"]),
    "alias with a dash": ('start: greeting\ngreeting: "hi" -> say-hi\n    | "yo"\n', ["hi", "yo"], ["hey"]),
    "%ignore of a terminal that can be empty": (
        'start: "a" "b"\n%ignore WS\nWS: /[ \\t]*/\n',
        ["ab", "a b", "a \t  b"],
        ["a", "abc", "a_b"],
    ),
    "%ignore of a regex that can be empty": ('start: "a" "b"\n%ignore /[ ]*/\n', ["ab", "a  b"], ["a\tb"]),
    "brace repetition of a regex that can be empty": ('start: A "!"\nA: /a?/{2}\n', ["!", "a!", "aa!"], ["aaa!"]),
    "repetition of a regex that can be empty after an optional": (
        'start: A "!"\nA: "x"? /b?/*\n',
        ["!", "x!", "b!", "xbbb!"],
        ["bx!", "xx!"],
    ),
}


# Lark reads `#` comments and has the same `common` names itself; those two are kept in
# NORMALISATIONS to show the translation stays equivalent, but Lark does not refuse them.
LARK_READS_AS_WRITTEN = {"hash comments", "llguidance common names"}


@pytest.mark.parametrize("name", sorted(set(NORMALISATIONS) - LARK_READS_AS_WRITTEN))
def test_plain_lark_refuses_the_grammar_as_written(name):
    grammar, _, _ = NORMALISATIONS[name]
    with pytest.raises((GrammarError, LarkError)):
        Lark(grammar, parser="earley", lexer="dynamic", regex=True)


@pytest.mark.parametrize("name", NORMALISATIONS)
def test_normalised_grammar_parses_what_llguidance_accepts(name):
    grammar, good, bad = NORMALISATIONS[name]
    parser = LocalParser(grammar)
    engine = EngineMatcher(grammar)
    for sample in good:
        assert engine.accepts(sample), sample
        assert isinstance(parser.parse(sample), Tree)
    for sample in bad:
        assert not engine.accepts(sample), sample
        with pytest.raises(InputRejected):
            parser.parse(sample)


def test_tree_keeps_the_grammars_own_names():
    parser = LocalParser(NORMALISATIONS["names with dashes"][0])
    tree = parser.parse("x12")
    rule = tree.children[0]
    assert rule.data == "my-rule"
    assert rule.children[0].type == "MY-TOKEN" and rule.children[0] == "12"


def test_alias_with_a_dash_keeps_its_name_in_the_tree():
    parser = LocalParser(NORMALISATIONS["alias with a dash"][0])
    assert parser.parse("hi").children[0].data == "say-hi"
    assert parser.parse("yo").children[0].data == "greeting"


# ---------------------------------------------------------------- %import common

# Every common name (internal ones such as _EXP aside) is probed on strings llguidance
# draws from it, hand-written edge cases, and mutations of both: the local parser must
# accept exactly what llguidance accepts. (Python's regex alternation takes the first
# branch that matches: llguidance's NUMBER regex, ``[0-9]+|<float>``, read "1.5" as "1".)
COMMON_PROBES = [
    "0", "1.5", "1e5", ".5", "-2.5e-3", "+1.", "1.e5", "1E+07", "-.5e1", "12", "-", "e5", "1.2.3",
    "/**/", "/* a */", "/***/", "/* * / */", "/*\n*/", "/* */ */", "// x", "# x", "-- x",
    '"a\\"b"', '"\\\\"', '"a\nb"', '"\\"', "x_1", "_", " \t", "\r\n\n", "\r", "é",
]
_MUTATION_ALPHABET = list("0123456789.eE+-\"\\\n\r\t\f /*#_aZé") + ['\\"', "*/", "/*", "--", "//"]


def _mutate(rng, text):
    chars = list(text)
    op = rng.randrange(4)
    if op == 0 and chars:
        del chars[rng.randrange(len(chars))]
    elif op == 1:
        chars.insert(rng.randrange(len(chars) + 1), rng.choice(_MUTATION_ALPHABET))
    elif op == 2 and chars:
        chars[rng.randrange(len(chars))] = rng.choice(_MUTATION_ALPHABET)
    else:
        chars.append(rng.choice(_MUTATION_ALPHABET))
    return "".join(chars)


@pytest.mark.parametrize("name", sorted(n for n in COMMON_NAMES if not n.startswith("_")))
def test_common_import_accepts_what_llguidance_accepts(name):
    grammar = f"start: {name}\n%import common.{name}\n"
    engine, parser = EngineMatcher(grammar), LocalParser(grammar)
    rng = random.Random(name)
    drawn = generate(grammar, n=60, seed=name, max_bytes=48, max_attempts=50).samples  # C_COMMENT rarely ends
    probes = set(drawn) | set(COMMON_PROBES)
    for text in sorted(probes):
        for _ in range(3):
            text = _mutate(rng, text)
            probes.add(text)
    verdicts = {}
    for text in probes:
        try:
            parser.parse(text)
            lark = True
        except InputRejected:
            lark = False
        verdicts[text] = (engine.accepts(text), lark)
    assert len(probes) >= 100 and {llg for llg, _ in verdicts.values()} == {True, False}
    assert {t: v for t, v in verdicts.items() if v[0] != v[1]} == {}


@pytest.mark.parametrize("name", ["NUMBER", "SIGNED_NUMBER", "FLOAT", "SIGNED_FLOAT"])
def test_common_numbers_read_floats_whole(name):
    grammar = f'start: {name} ("," {name})*\n%import common.{name}\n'
    parser = LocalParser(grammar)
    signed = name.startswith("SIGNED")
    for text in ["1.5", "1e5", ".5", "1.5,2e3,.25", *(["-2.5e-3", "+1.5,-2.0"] if signed else [])]:
        tree = parser.parse(text)
        assert [str(t) for t in tree.children] == text.split(","), text


def test_common_import_alias_with_a_dash():
    parser = LocalParser("start: N-UM\n%import common.SIGNED_NUMBER -> N-UM\n")
    token = parser.parse("-2.5e-3").children[0]
    assert (token.type, str(token)) == ("N-UM", "-2.5e-3")


def test_rejection_is_located_with_expected_terminals():
    parser = LocalParser(MATH_EXP)
    with pytest.raises(InputRejected) as info:
        parser.parse("1 + x")
    err = info.value
    assert (err.line, err.column, err.offset, err.found) == (1, 5, 4, "x")
    assert err.expected == ["NUMBER"]
    assert err.snippet == "1 + x\n    ^"


def test_rejection_at_end_of_input():
    parser = LocalParser(MATH_EXP)
    with pytest.raises(InputRejected) as info:
        parser.parse("1 +")
    err = info.value
    assert err.at_end and (err.line, err.column) == (1, 4)
    assert err.message.startswith("the input ends too early")
    assert err.expected == ['" "']


def test_rejection_on_a_later_line():
    parser = LocalParser('start: LINE ("\\n" LINE)*\nLINE: /[a-z]{1,10}/\n')
    with pytest.raises(InputRejected) as info:
        parser.parse("abc\nde!f")
    assert (info.value.line, info.value.column, info.value.found) == (2, 3, "!")


@pytest.mark.parametrize(
    "grammar, construct",
    [
        ('start: %json {"type": "string"}\n', "%json"),
        ("start: <|tool|> \"x\"\n", "special token <|tool|>"),
        ('start: foo\nfoo[lazy]: /.*x/\n', "[lazy] on foo"),
        ('start: foo\nfoo[stop="x"]: /.*/\n', "[stop] on foo"),
        ('start: A\nA: /[a-z]+/ & ~/bad/\n', "& (intersection)"),
    ],
)
def test_no_lark_equivalent_says_so(grammar, construct):
    with pytest.raises(ParserUnavailable) as info:
        LocalParser(grammar)
    assert construct in info.value.reason


def test_input_size_is_bounded():
    parser = LocalParser('start: /[a-z]{1,10}/\n', max_input_chars=100)
    with pytest.raises(InputRejected, match="too long"):
        parser.parse("a" * 101)


def test_rust_end_anchor_is_translated():
    parser = LocalParser("start: /[a-z]{1,3}\\z/\n")
    assert parser.parse("abc")
    with pytest.raises(InputRejected):
        parser.parse("abcd")
