"""GK220–GK230, the tool-grammar practice rules: cases that must fire, traps that must not,
and real-world-shaped grammars where none may fire."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from lintutil import found

from grammarkit.lint.registry import all_rules, get_rule
from grammarkit.lint.runner import lint_text
from grammarkit.llg.compile import compile_report

ROOT = Path(__file__).resolve().parent.parent.parent
PRACTICE = [f"GK{n}" for n in range(220, 231)]


def messages(text: str, code: str, syntax: str = "lark") -> list[str]:
    return [d.message for d in lint_text(text, syntax=syntax).diagnostics if d.code == code]


def hints(text: str, code: str) -> list[str]:
    return [d.hint for d in lint_text(text).diagnostics if d.code == code]


def accepts(grammar: str, text: str) -> bool:
    """Does llguidance accept ``text`` as a whole input of ``grammar``?"""
    import llguidance

    tok = llguidance.LLTokenizer("byte")
    matcher = llguidance.LLMatcher(tok, llguidance.grammar_from("lark", grammar), log_level=0)
    for byte in text.encode():
        if not matcher.consume_token(tok.tokenize_bytes(bytes([byte]))[0]):
            return False
    return matcher.is_accepting()


# ------------------------------------------------------------------ registration


def test_codes_names_severities():
    expected = {
        "GK220": ("unbounded-terminal", "warning"),
        "GK221": ("split-free-text", "warning"),
        "GK222": ("overlapping-terminals", "warning"),
        "GK223": ("single-char-repeat", "warning"),
        "GK224": ("right-recursion", "warning"),
        "GK225": ("unrolled-repetition", "info"),
        "GK226": ("avoid-option", "warning"),
        "GK227": ("llguidance-extension", "warning"),
        "GK228": ("ignore-directive", "info"),
        "GK229": ("unused-definition", "warning"),
        "GK230": ("missing-start", "error"),
    }
    for code, (name, severity) in expected.items():
        rule = get_rule(code)
        assert rule is not None and (rule.name, rule.severity.value) == (name, severity)


def _example(rule) -> str:
    block = rule.doc.split("**Example.**", 1)[1].split("**", 1)[0]
    lines = [ln for ln in block.splitlines() if ln.startswith("    ") or not ln.strip()]
    return textwrap.dedent("\n".join(lines)).strip() + "\n"


@pytest.mark.parametrize("code", PRACTICE)
def test_the_documented_example_fires(code):
    rule = get_rule(code)
    example = _example(rule)
    assert [c for c, _, _ in found(example)].count(code) >= 1, example


# ------------------------------------------------------------------ GK220 unbounded-terminal


@pytest.mark.parametrize(
    "text, expected",
    [
        ('start: "note: " TEXT\nTEXT: /.*/\n', [("GK220", 2, 9)]),
        ("start: NAME\nNAME: /[a-z]+/\n", [("GK220", 2, 13)]),
        ('start: "x=" /[0-9]+/\n', [("GK220", 1, 19)]),
        ("start: W\nW: LETTER+\nLETTER: /[a-z]/\n", [("GK220", 2, 10)]),
        ("start: INT\n%import common.INT\n", [("GK220", 2, 16)]),
        ("start: X\nX: /(.|\\n)*/\n", [("GK220", 2, 11)]),
        ('start: A\nA: "a" B\nB: /\\S+/\n', [("GK220", 3, 7)]),
        # used in many places: reported once, at the definition
        ('start: TEXT "," TEXT | "(" TEXT ")"\nTEXT: /[^\\n,()]+/\n', [("GK220", 2, 16)]),
        # an unbounded item repeated: only the item's own quantifier
        ("start: A\nA: B+\nB: /[a-z]+/\n", [("GK220", 3, 10)]),
        # the free-text quantifier of a terminal, not the identifier before it
        ("start: A\nA: /[a-z]+: .*/\n", [("GK220", 2, 14)]),
    ],
)
def test_unbounded_terminal_fires(text, expected):
    assert found(text, code="GK220") == expected


def test_unbounded_terminal_free_text_and_token_messages():
    (free,) = messages('start: "note: " TEXT\nTEXT: /.*/\n', "GK220")
    assert free.startswith("terminal TEXT is unbounded free text (`.*`")
    (token,) = messages("start: NAME\nNAME: /[a-z]+/\n", "GK220")
    assert token == "terminal NAME has no upper length bound (`[a-z]+`)"
    assert hints('start: "note: " TEXT\nTEXT: /.*/\n', "GK220") == ["bound it: TEXT: /.{0,500}/"]
    assert hints("start: NAME\nNAME: /[a-z]+/\n", "GK220") == ["bound it: NAME: /[a-z]{1,64}/"]
    assert hints("start: INT\n%import common.INT\n", "GK220") == [
        "define a bounded terminal instead of the import: INT: /[0-9]{1,18}/"
    ]


def test_unbounded_terminal_in_regex_grammar_only_for_free_text():
    assert found(".*\n", syntax="regex", code="GK220") == [("GK220", 1, 2)]
    assert found("[a-z]+: [^\\n]+\n", syntax="regex", code="GK220") == [("GK220", 1, 14)]


@pytest.mark.parametrize(
    "text",
    [
        "start: T\nT: /[^\\n]{1,500}/\n",
        "start: INT\nINT: DIGIT{1,9}\n%import common.DIGIT\n",
        '%import common.WS\n%ignore WS\nstart: "a"\n',  # GK107's case
        'start: "a"\nX: /.*/\n',  # unused: GK229's case
        "start: A\nA: /a\\+b\\*/\n",  # escaped quantifier characters
        "start: A\nA: /[+*]{1,3}/\n",  # quantifier characters in a class
        "start: A\nA: /(ab){2,}{0}/\n",
    ],
)
def test_unbounded_terminal_traps(text):
    assert found(text, code="GK220") == []


@pytest.mark.parametrize("regex", ["[a-z]+", "[0-9]{4}-[0-9]{2}", "(a|b)*c"])
def test_unbounded_terminal_regex_grammar_tokens_are_not_flagged(regex):
    assert found(regex + "\n", syntax="regex", code="GK220") == []


# ------------------------------------------------------------------ GK221 split-free-text

GUIDE_EXAMPLE = 'start: TEXT "(" TEXT ")" TEXT\nTEXT: /[^\\n]{1,200}/\n'


@pytest.mark.parametrize(
    "text, expected",
    [
        (GUIDE_EXAMPLE, [("GK221", 1, 8), ("GK221", 1, 17)]),
        ('start: part "(" NAME ")"\npart: TEXT\nTEXT: /[^\\n]{1,99}/\nNAME: /[a-z]{1,9}/\n', [("GK221", 2, 7)]),
        ('start: SENTENCE " and " SENTENCE\nSENTENCE: /[A-Za-z ,]{1,100}/\n', [("GK221", 1, 8)]),
        ('start: "say " /.{1,80}/ "!"\n', [("GK221", 1, 15)]),
        ("start: TEXT TEXT\nTEXT: /[^\\n]{1,50}/\n", [("GK221", 1, 8)]),
    ],
)
def test_split_free_text_fires(text, expected):
    assert found(text, code="GK221") == expected


def test_split_free_text_message_shows_the_absorbed_delimiter():
    (msg,) = messages('start: "say " /.{1,80}/ "!"\n', "GK221")
    assert '"!"' in msg and '"a!"' in msg


def test_split_free_text_is_what_llguidance_does():
    # llguidance reads the "(" as more TEXT: the input the grammar seems to allow is rejected.
    assert not accepts(GUIDE_EXAMPLE, "a(b)c")
    fixed = 'start: TEXT "(" TEXT ")" TEXT\nTEXT: /[^()\\n]{1,200}/\n'
    assert accepts(fixed, "a(b)c")
    assert found(fixed, code="GK221") == []


@pytest.mark.parametrize(
    "text",
    [
        'start: TEXT "\\n" TEXT\nTEXT: /[^\\n]{1,200}/\n',  # the delimiter cannot be text
        "start: \"'\" TEXT \"'\"\nTEXT: /[^'\\n]{1,200}/\n",
        'start: "note: " TEXT\nTEXT: /[^\\n]{1,200}/\n',  # free text at the end
        'start: NAME "_" NAME\nNAME: /[a-z_]{1,20}/\n',  # an identifier is not free text
        'start: body "END"\nbody[lazy]: /(.|\\n){0,500}END/\n',  # lazy: ends at the first match
        "start: STRING \")\"\nSTRING: /'([^'\\n]|''){0,256}'/\n",  # closed by its quote
        'start: "x" TEXT? "\\n"\nTEXT: /[^\\n]{1,10}/\n',  # short: a token, not free text
        # the optional part is read as more text, but the input is still accepted (as text):
        # llguidance accepts the witness "a(a)\n", so there is nothing to show
        'start: TEXT ["(" NOTE ")"] "\\n"\nTEXT: /[^\\n]{1,99}/\nNOTE: /[a-z]{1,9}/\n',
    ],
)
def test_split_free_text_traps(text):
    assert found(text, code="GK221") == []


# ------------------------------------------------------------------ GK222 overlapping-terminals

NAME_NUMBER = "start: value\nvalue: NAME | NUMBER\nNAME: /[a-z0-9]{1,32}/\nNUMBER: /[0-9]{1,9}/\n"
WS_NEWLINE = (
    "%import common.WS\n%ignore WS\nstart: line+\nline: WORD NL\nWORD: /[a-z]{1,20}/\nNL: /\\n/\n"
)


@pytest.mark.parametrize(
    "text, expected",
    [
        (NAME_NUMBER, [("GK222", 4, 1)]),
        (WS_NEWLINE, [("GK222", 6, 1)]),
        ('start: "a" " " "b"\n%ignore /[ \\t]{1,4}/\n', [("GK222", 1, 12)]),
        ('start: a | b\na: "x" NAME\nb: "x" NUM\nNAME: /[a-z0-9]{1,9}/\nNUM: /[0-9]{1,9}/\n', [("GK222", 5, 1)]),
        ('start: "v=" (/[0-9]{1,3}/ | NUM)\nNUM: /[0-9]{1,9}/\n', [("GK222", 2, 1)]),
        ('start: "a" (A | B)\nA: /[a-z]{1,5}/\nB: /[a-z]{1,5}/\n', [("GK222", 3, 1)]),
    ],
)
def test_overlapping_terminals_fires(text, expected):
    assert found(text, code="GK222") == expected


def test_overlapping_terminals_messages_show_a_string_both_match():
    (msg,) = messages(NAME_NUMBER, "GK222")
    assert msg.startswith('NAME and NUMBER both match "0" where both can come next (in rule value)')
    (msg,) = messages(WS_NEWLINE, "GK222")
    assert msg.startswith('NL and the %ignore pattern WS both match "\\n"')


def test_identical_terminals_are_one_finding_per_group():
    # Five terminals of one language where they all meet: one warning, not ten pairs, at
    # the second one, naming the first ones.
    text = 'start: "a" (A | B | C | D | E)\n' + "".join(f"{n}: /[a-z]{{1,5}}/\n" for n in "ABCDE")
    (d,) = [d for d in lint_text(text).diagnostics if d.code == "GK222"]
    assert (d.line, d.column) == (3, 1)
    assert d.message.startswith('A, B, C and 2 more match exactly the same strings, such as "a", where they')
    assert "all 5 of them" in d.message
    assert d.witness is not None and d.witness.accepted and accepts(text, d.witness.input)


def test_identical_terminals_many():
    names = [f"T{i}" for i in range(300)]
    text = "start: " + " | ".join(names) + "\n" + "".join(f"{n}: /[a-z]{{1,8}}/\n" for n in names)
    assert found(text, code="GK222") == [("GK222", 3, 1)]


def test_a_group_meets_another_terminal_through_its_first_member():
    text = 'start: "a" (A | B | Z)\nA: /[a-z]{1,5}/\nB: /[a-z]{1,5}/\nZ: /[a-c]{1,3}/\n'
    assert found(text, code="GK222") == [("GK222", 3, 1), ("GK222", 4, 1)]
    assert [m.split(" both")[0] for m in messages(text, "GK222")] == ["A and B", "A and Z"]


def test_overlapping_terminals_output_is_bounded():
    from grammarkit.rules.overlapping_terminals import MAX_FINDINGS

    # 150 pairs of different languages that all share "a": at most MAX_FINDINGS, in order
    names = [f"T{i}" for i in range(18)]
    text = "start: " + " | ".join(names) + "\n" + "".join(f"{n}: /a[a-z]{{0,{i + 1}}}/\n" for i, n in enumerate(names))
    msgs = messages(text, "GK222")
    assert len(msgs) == MAX_FINDINGS
    assert sum(f"grammarkit stops after {MAX_FINDINGS} findings" in m for m in msgs) == 1


def test_overlapping_ignore_is_what_llguidance_does():
    # The ignored pattern wins the tie: the newline terminal can never be produced.
    assert not accepts(WS_NEWLINE, "ab\n")
    fixed = WS_NEWLINE.replace("%import common.WS\n%ignore WS\n", "%ignore /[ \\t]{1,4}/\n")
    assert accepts(fixed, "ab\n")
    assert found(fixed, code="GK222") == []


@pytest.mark.parametrize(
    "text",
    [
        # a keyword that is also an identifier: scanned as both, the normal Lark idiom
        'start: "select" SP NAME | NAME SP "=" SP NAME\nNAME: /[a-z]{1,9}/\nSP: " "\n',
        'start: VERB | IDENT\nVERB: "get" | "put"\nIDENT: /[a-z]{1,9}/\n',
        # overlapping terminals that never meet
        'start: "a" NAME ";" NUM\nNAME: /[a-z0-9]{1,9}/\nNUM: /[0-9]{1,9}/\n',
        # disjoint terminals at the same point
        "start: value\nvalue: NAME | NUMBER\nNAME: /[a-z][a-z0-9]{0,31}/\nNUMBER: /[0-9]{1,9}/\n",
        # %ignore that leaves the newline alone
        "%ignore /[ \\t]{1,4}/\nstart: (WORD NL)+\nWORD: /[a-z]{1,20}/\nNL: /\\n/\n",
        # free text may contain ignored characters
        '%ignore " "\nstart: "say:" TEXT\nTEXT: /[^\\n]{1,100}/\n',
        # lazy lexemes end at their first match
        'start: (a | b) "!"\na[lazy]: /[a-z]{1,9}x/\nb: /[a-z]{1,9}/\n',
    ],
)
def test_overlapping_terminals_traps(text):
    assert found(text, code="GK222") == []


# ------------------------------------------------------------------ GK223 single-char-repeat


@pytest.mark.parametrize(
    "text, expected",
    [
        ('start: "id=" digits\ndigits: /[0-9]/+\n', [("GK223", 2, 9)]),
        ("start: word\nword: LETTER*\nLETTER: /[a-z]/\n", [("GK223", 2, 7)]),
        ('start: hex\nhex: ("0".."9" | "a".."f"){1,16}\n', [("GK223", 2, 6)]),
        ('start: digit+\ndigit: "0" | "1" | "2"\n', [("GK223", 1, 8)]),
        ("start: DIGIT+\n%import common.DIGIT\n", [("GK223", 1, 8)]),
        ('start: "a" "b"~5\n', [("GK223", 1, 12)]),
    ],
)
def test_single_char_repeat_fires(text, expected):
    assert found(text, code="GK223") == expected


def test_single_char_repeat_hint_is_a_bounded_terminal():
    assert hints('start: "id=" digits\ndigits: /[0-9]/+\n', "GK223") == [
        "make it one terminal: DIGITS: /[0-9]{1,64}/, and use DIGITS instead of the rule"
    ]


@pytest.mark.parametrize(
    "text",
    [
        "start: DIGITS\nDIGITS: DIGIT{1,9}\n%import common.DIGIT\n",  # inside a terminal
        'start: "-"? NUM\nNUM: /[0-9]{1,9}/\n',  # at most one
        'start: x{2}\nx: "x"\n',  # a short count
        "start: /ab/+\n",  # two characters
        'start: ("a" "b")+\n',
        "start: DIGIT~1..4\n%import common.DIGIT\n",
    ],
)
def test_single_char_repeat_traps(text):
    assert found(text, code="GK223") == []


# ------------------------------------------------------------------ GK224 right-recursion


@pytest.mark.parametrize(
    "text, expected, hint",
    [
        ('start: many\nmany: one many | one\none: "a"\n', [("GK224", 2, 11)], "many: one+"),
        (
            'start: items\nitems: item "," items | item\nitem: /[a-z]{1,16}/\n',
            [("GK224", 2, 17)],
            'items: item ("," item)*',
        ),
        ("start: chars\nchars: CHAR chars?\nCHAR: /[a-z]/\n", [("GK224", 2, 13)], "chars: CHAR+"),
        ('start: list\nlist: item ["," list]\nitem: /[a-z]{1,9}/\n', [("GK224", 2, 17)], 'list: item ("," item)*'),
        (
            'start: list\nlist: item ["," list] | "x"\nitem: /[a-z]{1,9}/\n',
            [("GK224", 2, 17)],
            'list: (item ",")* (item | "x")',
        ),
        ("start: c\nc: CH c? | \"!\"\nCH: /[a-z]/\n", [("GK224", 2, 7)], 'c: CH* (CH | "!")'),
    ],
)
def test_right_recursion_fires(text, expected, hint):
    assert found(text, code="GK224") == expected
    assert hints(text, "GK224") == [f"write the repetition with an operator: {hint}"]


@pytest.mark.parametrize(
    "text",
    [
        'start: many\nmany: many one | one\none: "a"\n',  # left recursion
        'start: expr\nexpr: "(" expr ")" | "x"\n',  # recursion in the middle
        'start: e\ne: e "+" e | "x"\n',  # both ends
        'start: perm::0x0\nperm::_: "a" perm::set_bit(0) %if bit_clear(0) | ""\n',
        'start: one+\none: "a"\n',
        # prefix operators are not lists: a unary minus (Lark's calc example), "not", an if chain
        'start: atom\natom: "-" atom | NUMBER | "(" atom ")"\n%import common.NUMBER\n',
        'start: neg\nneg: "not " neg | ATOM\nATOM: /[a-z]{1,9}/\n',
        'start: neg\nneg: MINUS neg | ATOM\nMINUS: "-" | "~"\nATOM: /[a-z]{1,9}/\n',
        'start: s\ns: "if" c "then" s | p\nc: "c"\np: "p"\n',
    ],
)
def test_right_recursion_traps(text):
    assert found(text, code="GK224") == []


# ------------------------------------------------------------------ GK225 unrolled-repetition


@pytest.mark.parametrize(
    "text, expected",
    [
        ('start: one one one one\none: "a"\n', [("GK225", 1, 8)]),
        ("start: YEAR\nYEAR: DIGIT DIGIT DIGIT DIGIT\n%import common.DIGIT\n", [("GK225", 2, 7)]),
        ('start: "x" "-" "-" "-" "-" "-"\n', [("GK225", 1, 12)]),
        ('start: (a | b) (a | b) (a | b) (a | b) "!" a a a a\na: "a"\nb: "b"\n', [("GK225", 1, 8), ("GK225", 1, 44)]),
    ],
)
def test_unrolled_repetition_fires(text, expected):
    assert found(text, code="GK225") == expected


def test_unrolled_repetition_message_and_hint():
    text = "start: YEAR\nYEAR: DIGIT DIGIT DIGIT DIGIT\n%import common.DIGIT\n"
    assert messages(text, "GK225") == ["DIGIT is written 4 times in a row in terminal YEAR"]
    assert hints(text, "GK225")[0].startswith("write the count: DIGIT{4} (or DIGIT~4)")


@pytest.mark.parametrize(
    "text",
    [
        'start: one one one\none: "a"\n',
        'start: a b a b a b a b\na: "a"\nb: "b"\n',
        'start: one one one | one\none: "a"\n',
        'start: one{4}\none: "a"\n',
    ],
)
def test_unrolled_repetition_traps(text):
    assert found(text, code="GK225") == []


# ------------------------------------------------------------------ GK226 avoid-option


def test_avoid_option_fires_on_each_attribute():
    text = 'start: foo\nfoo[stop="\\n", max_tokens=5, temperature=0.5]: /[a-z]{1,5}/\n'
    assert found(text, code="GK226") == [("GK226", 2, 5), ("GK226", 2, 16), ("GK226", 2, 30)]
    msgs = messages(text, "GK226")
    assert msgs[0].startswith('`stop="\\n"` on rule foo: llguidance advises against stop=')


@pytest.mark.parametrize(
    "text, expected",
    [
        ('start: a\na[stop=""]: /[a-z]{1,9}/\n', [("GK226", 2, 3)]),
        ("start: a\na[max_tokens=10]: /[a-z]{1,9}/\n", [("GK226", 2, 3)]),
        ("start: a\na[capture, temperature=0.7]: /[a-z]{1,9}/\n", [("GK226", 2, 12)]),
    ],
)
def test_avoid_option_fires(text, expected):
    assert found(text, code="GK226") == expected


@pytest.mark.parametrize(
    "text",
    [
        'start: a\na[suffix="x"]: /[a-z]{1,9}/\n',  # llguidance's recommended replacement
        "start: a\na[lazy]: /[a-z]{1,9}x/\n",
        'start: "stop=1 max_tokens=2"\n',
        'start: stop\nstop: "temperature"\n',
    ],
)
def test_avoid_option_traps(text):
    assert found(text, code="GK226") == []


# ------------------------------------------------------------------ GK227 llguidance-extension


@pytest.mark.parametrize(
    "text, expected, construct",
    [
        ('start: "n=" %json {"type": "integer"}\n', [("GK227", 1, 13)], "%json"),
        ("start: <|tool|> \"x\"\n", [("GK227", 1, 8)], "special token <|tool|>"),
        ('start: "a" <[12]>\n', [("GK227", 1, 12)], "special token <[12]>"),
        ("start: @sub\n", [("GK227", 1, 8)], "grammar reference @sub"),
        ('start: A\nA: %regex {"substring_words": "a b"}\n', [("GK227", 2, 4)], "%regex"),
        ('start: sub\nsub: %lark {\n  start: "q"\n}\n', [("GK227", 2, 6)], "nested %lark"),
        ("start: A\nA: /[a-z]{1,4}/ & /[a-c]{1,9}/\n", [("GK227", 2, 17)], "the & (and) operator"),
        ("start: A\nA: ~/ab/\n", [("GK227", 2, 4)], "the ~ (not) operator"),
        ("start: a\na[lazy]: /[a-z]{1,9}x/\n", [("GK227", 2, 3)], "attribute [lazy]"),
        ('start: a\na[capture="x"]: /[a-z]{1,9}/\n', [("GK227", 2, 3)], 'attribute [capture="x"]'),
        ('start: perm::0x0\nperm::_: "a" perm::set_bit(0) %if bit_clear(0) | ""\n', [("GK227", 2, 5)], "parametric rule perm::_"),
        ('%llguidance {"no_forcing": true}\nstart: "a"\n', [("GK227", 1, 1)], "%llguidance options"),
    ],
)
def test_llguidance_extension_fires(text, expected, construct):
    assert found(text, code="GK227") == expected
    (msg,) = messages(text, "GK227")
    assert construct in msg and "an llguidance extension that OpenAI's API may not accept" in msg


@pytest.mark.parametrize(
    "text",
    [
        '%llguidance {"ignore_once": true}\n%ignore /[ ]{1,2}/\nstart: "a" "b"\n',  # GK107's advice
        'start: "%json {}" "<|tool|>" "@sub"\n',  # inside strings
        "start: A\nA: /[a-z&&[^q]]{1,4}/\n",  # & and ~ inside a regex are regex syntax
        "start: A\nA: /~{1,3}/\n",
        'start: "a" // %json @sub <|x|> ~A & B\n',  # a comment
        'start: a\na[stop="x"]: /[a-z]{1,9}/\n',  # GK226's case
    ],
)
def test_llguidance_extension_traps(text):
    assert found(text, code="GK227") == []


# ------------------------------------------------------------------ GK228 ignore-directive


@pytest.mark.parametrize(
    "text, expected",
    [
        ('%ignore " "\nstart: "a" "b"\n', [("GK228", 1, 9)]),
        ('%ignore SP\nSP: " "\nstart: "a" "b"\n', [("GK228", 1, 9)]),
        ('%llguidance {"ignore_once": true}\nstart: "a" "b"\n%ignore /[ \\t]{1,2}/\n', [("GK228", 3, 9)]),
    ],
)
def test_ignore_directive_fires(text, expected):
    assert found(text, code="GK228") == expected


def test_ignore_directive_message_depends_on_ignore_once():
    (repeating,) = messages('%ignore /[ ]{1,2}/\nstart: "a" "b"\n', "GK228")
    assert "without \"ignore_once\" llguidance matches it repeatedly" in repeating
    assert accepts('%ignore /[ ]{1,2}/\nstart: "a" "b"\n', "a     b")  # the bound does not hold
    once = '%llguidance {"ignore_once": true}\n%ignore /[ ]{1,2}/\nstart: "a" "b"\n'
    (msg,) = messages(once, "GK228")
    assert "repeatedly" not in msg
    assert not accepts(once, "a     b")


@pytest.mark.parametrize(
    "text",
    [
        '%import common.WS\n%ignore WS\nstart: "a"\n',  # unbounded: GK107 only
        "%ignore /[ \\t]+/\nstart: \"a\"\n",
        'start: "a" " " "b"\n',
        'start: "%ignore x"\n',
    ],
)
def test_ignore_directive_traps(text):
    assert found(text, code="GK228") == []


def test_unbounded_ignore_is_reported_once_by_gk107():
    codes = [c for c, _, _ in found('%import common.WS\n%ignore WS\nstart: "a"\n')]
    assert "GK107" in codes and "GK228" not in codes


# ------------------------------------------------------------------ GK229 unused-definition


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            'start: greeting\ngreeting: "hi " NAME\nfarewell: "bye " NAME\nNAME: /[A-Za-z]{1,20}/\n',
            [("GK229", 3, 1)],
        ),
        ('start: "a"\nx: y\ny: "b"\n', [("GK229", 2, 1), ("GK229", 3, 1)]),
        ('start: "a"\nUNUSED: "u"\n%import common.INT\n', [("GK229", 2, 1), ("GK229", 3, 16)]),
        ('start: sub\nsub: %lark {\n  start: "q"\n  extra: "e"\n}\n', [("GK229", 4, 3)]),
        ('start: "a"\nloop: "x" loop\n', [("GK229", 2, 1)]),
    ],
)
def test_unused_definition_fires(text, expected):
    assert found(text, code="GK229") == expected


def test_unused_definition_messages():
    msgs = messages('start: "a"\nx: y\ny: "b"\n', "GK229")
    assert msgs == [
        "rule x is never used",
        "rule y is not reachable from start (it is used only by x, which start does not reach)",
    ]


@pytest.mark.parametrize(
    "text",
    [
        '%ignore WS\nWS: " "\nstart: "a"\n',  # used by %ignore
        "start: NUM\n%import common.INT -> NUM\n",  # an import alias
        'start: A\nA: B "x"\nB: "b"\n',  # a terminal inside a terminal
        'start: x\nx: "a" -> y\n',  # an alias is not a definition
        'start: perm::0x0\nperm::_: "a" perm::set_bit(0) %if bit_clear(0) | ""\n',
        'start: a\na[suffix=END]: /[a-z]{1,9}/\nEND: ";"\n',
        'x: "a"\n',  # no start: GK230's case
        'start: a\na: "a" (\nb: "b"\n',  # unreadable text: nothing reported
    ],
)
def test_unused_definition_traps(text):
    assert found(text, code="GK229") == []


# ------------------------------------------------------------------ GK230 missing-start


@pytest.mark.parametrize(
    "text, expected, engine_message",
    [
        ('command: VERB " " NAME\nVERB: "get" | "put"\nNAME: /[a-z]{1,32}/\n', [("GK230", 1, 1)], "no start rule found"),
        ('START: "a"\n', [("GK230", 1, 1)], "no start rule found"),
        ('WORD: "w"\nSTART: "a"\n', [("GK230", 2, 1)], "no start rule found"),
        ("// nothing here\n", [("GK230", 1, 1)], "no start rule found"),
        ("", [("GK230", 1, 1)], "Empty grammar"),
        ('start: foo\nfoo: %lark {\n  bar: "a"\n}\n', [("GK230", 2, 6)], "no start rule found"),
        ("%import common.WORD -> start\n", [("GK230", 1, 16)], "no start rule found"),
    ],
)
def test_missing_start_fires_where_llguidance_rejects(text, expected, engine_message):
    assert found(text, code="GK230") == expected
    report = compile_report("lark", text)
    assert not report.ok and report.error.message == engine_message
    assert get_rule("GK230").severity.value == "error"


def test_missing_start_hints():
    assert hints('command: VERB\nVERB: "get"\n', "GK230") == ["rename command to start, or add start: command"]
    assert hints('START: "a"\n', "GK230") == ["add a rule named start: start: START"]


@pytest.mark.parametrize(
    "text",
    ['?start: "a" | "b"\n', '!start: "a"\n', 'start: "a"\n', 'start: "a\n', 'start: sub\nsub: %lark {\n  start: "q"\n}\n'],
)
def test_missing_start_traps(text):
    assert found(text, code="GK230") == []


# ------------------------------------------------------------------ real-world grammars

UNIT_CONVERTER = """\
// convert 12.5 km to mi
start: command
command: "convert" SP NUMBER SP UNIT SP "to" SP UNIT
NUMBER: /-?[0-9]{1,9}(\\.[0-9]{1,6})?/
UNIT: "km" | "mi" | "m" | "ft" | "kg" | "lb"
SP: " "
"""

MEMO = """\
// A short memo: a subject line, then 1-20 lines of text.
start: header LF body
header: "Subject: " SUBJECT
body: (LINE LF){1,20}
SUBJECT: /[^\\n]{1,120}/
LINE: /[^\\n]{1,200}/
LF: "\\n"
"""

SHELL_COMMANDS = """\
// ls -l /tmp ; grep -n "todo" src/main.py
start: command (SEP command){0,4}
command: ls | grep
ls: "ls" (SP FLAG)? (SP PATH)?
grep: "grep" (SP FLAG)? SP PATTERN SP PATH
FLAG: /-[a-z]{1,3}/
PATH: /[A-Za-z0-9_.\\/][A-Za-z0-9_.\\/-]{0,199}/
PATTERN: /"[^"\\n]{1,100}"/
SEP: " ; "
SP: " "
"""

REAL_WORLD = sorted((ROOT / "tests" / "fixtures" / "clean").glob("*.lark")) + sorted(
    (ROOT / "grammars").glob("*.lark")
)


@pytest.mark.parametrize("path", REAL_WORLD, ids=lambda p: p.name)
def test_no_practice_rule_fires_on_real_world_grammars(path):
    text = path.read_text(encoding="utf-8")
    assert [f for f in found(text) if f[0] in PRACTICE] == []


@pytest.mark.parametrize("text", [UNIT_CONVERTER, MEMO, SHELL_COMMANDS], ids=["units", "memo", "shell"])
def test_no_practice_rule_fires_on_inline_real_world_grammars(text):
    assert compile_report("lark", text).ok
    # Only GK217's info note may remain: these use llguidance's recommended `x{m,n}`,
    # which the application's own Lark could not load.
    assert [f for f in found(text) if f[0] != "GK217"] == []


def test_no_practice_rule_fires_on_the_regex_grammar():
    text = (ROOT / "grammars" / "timestamp.regex").read_text(encoding="utf-8")
    assert [f for f in found(text, syntax="regex") if f[0] in PRACTICE] == []


def test_every_practice_rule_is_registered_once():
    codes = [r.code for r in all_rules() if r.code in PRACTICE]
    assert codes == PRACTICE
    assert all(re.fullmatch(r"GK2[23]\d", c) for c in codes)


def test_overlapping_terminals_carry_witnesses():
    (d,) = [d for d in lint_text(NAME_NUMBER).diagnostics if d.code == "GK222"]
    assert d.witness is not None and (d.witness.input, d.witness.accepted) == ("0", True)
    (d,) = [d for d in lint_text(WS_NEWLINE).diagnostics if d.code == "GK222"]
    assert d.witness is not None and (d.witness.input, d.witness.accepted) == ("a\n", False)
    assert not accepts(WS_NEWLINE, d.witness.input)


@pytest.mark.parametrize(
    "text, fixed",
    [
        ('start: items\nitems: item "," items | item\nitem: /[a-z]{1,16}/\n', 'items: item ("," item)*'),
        ('start: many\nmany: one many | one\none: "a"\n', "many: one+"),
        ('start: list\nlist: item ["," list] | "x"\nitem: /[a-z]{1,9}/\n', 'list: (item ",")* (item | "x")'),
    ],
)
def test_right_recursion_fix_keeps_the_inputs(text, fixed):
    from grammarkit.lint.fixes import fix_text

    (d,) = [d for d in lint_text(text).diagnostics if d.code == "GK224"]
    name = fixed.split(":")[0]
    assert d.fix is not None and d.fix.safety == "safe" and d.fix.title == f"write {name} as a repetition: {fixed}"
    outcome = fix_text(text, select=["GK224"])
    assert outcome.text.splitlines()[1] == fixed and not outcome.skipped
    for sample in ("a", "a,b,c", "x", "a,x", "aaa"):
        assert accepts(text, sample) == accepts(outcome.text, sample), sample


def test_right_recursion_no_fix_with_aliases():
    (d,) = [d for d in lint_text('start: l\nl: i "," l -> more | i\ni: "a"\n').diagnostics if d.code == "GK224"]
    assert d.fix is None
