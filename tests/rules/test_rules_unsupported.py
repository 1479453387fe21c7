"""GK100–GK109 and the regex-grammar checks: cases that must fire, traps that must not."""

from __future__ import annotations

import pytest
from lintutil import found

from grammarkit.lint.runner import lint_text

# ------------------------------------------------------------------ GK101 lookaround


@pytest.mark.parametrize(
    "regex, col",
    [("(?=x)y", 5), ("a(?!b)", 6), ("(?<=\\$)[0-9]+", 5), ("x(?<!y)", 6), ("[a](?=b)", 8)],
)
def test_lookaround_fires(regex, col):
    text = f"start: A\nA: /{regex}/\n"
    assert found(text, code="GK101") == [("GK101", 2, col)]


@pytest.mark.parametrize(
    "regex",
    ["[(?=]", "\\(?=x", "(?<name>x)", "(?P<name>x)", "(?:x)", "(?i)x", "[?!<=]+", "\\(\\?=", "[[(?=]]"],
)
def test_lookaround_traps(regex):
    assert found(f"start: A\nA: /{regex}/\n", code="GK101") == []


def test_lookaround_in_strings_and_comments_is_not_flagged():
    text = 'start: "(?=x)" A // /(?=x)/\nA: "(?!y)" # (?<=z)\n'
    assert found(text, code="GK101") == []


@pytest.mark.parametrize("regex, col, end", [("\\bfoo", 5, 7), ("a\\B", 6, 8), ("\\b{start}x", 5, 14), ("x\\>", 6, 8)])
def test_word_boundaries_are_lookarounds_to_llguidance(regex, col, end):
    result = lint_text(f"start: A\nA: /{regex}/\n")
    assert [(d.code, d.line, d.column, d.end_column) for d in result.errors] == [("GK101", 2, col, end)]


def test_lookaround_in_regex_grammar():
    assert found("abc(?=d)\n", syntax="regex", code="GK101") == [("GK101", 1, 4)]


def test_lookaround_in_multiline_regex_literal_is_located():
    text = 'start: A\nA: /ab\nc(?=d)/\n'
    assert found(text, code="GK101") == [("GK101", 3, 2)]


# ------------------------------------------------------------------ GK102 lazy


@pytest.mark.parametrize(
    "regex, col",
    [(".*?", 6), ("a+?", 6), ("b??", 6), ("c{1,3}?", 6), ("d{2}?", 6), ("e{2,}?", 6)],
)
def test_lazy_fires_at_quantifier(regex, col):
    text = f"start: A\nA: /{regex}/\n"
    assert found(text, code="GK102") == [("GK102", 2, col)]


@pytest.mark.parametrize("regex", ["a\\*?", "[*?]", "a?", "(?:ab)+", "[+?]{2}", "a\\+?", "\\??"])
def test_lazy_traps(regex):
    assert found(f"start: A\nA: /{regex}/\n", code="GK102") == []


def test_swap_greed_flag_is_lazy():
    assert found("start: A\nA: /(?U)a+/\n", code="GK102") == [("GK102", 2, 5)]


def test_lazy_in_regex_grammar():
    assert found("<b>.+?</b>", syntax="regex", code="GK102") == [("GK102", 1, 5)]


# ------------------------------------------------------------------ GK103 priority


def test_priority_on_terminal_and_rule():
    text = 'start: expr\nexpr.2: KW\nKW.10: "select"\n'
    assert found(text, code="GK103") == [("GK103", 2, 5), ("GK103", 3, 3)]


def test_priority_traps():
    assert found('start: "a"~1..2 "b"{1,2}\nA: "a"\n', code="GK103") == []


# ------------------------------------------------------------------ GK104 template


def test_template_definition_and_use():
    text = 'start: sep{X, ","}\nsep{x, s}: x (s x)*\nX: "x"\n'
    assert found(text, code="GK104") == [("GK104", 1, 8), ("GK104", 2, 4)]


def test_template_traps_repetition_braces():
    assert found('start: x{2} x{1,3} x{,2}\nx: "x"\n', code="GK104") == []


# ------------------------------------------------------------------ GK105 import


def test_import_from_other_module():
    text = '%import mylib.NAME\n%import .rel (A, B)\nstart: NAME A B\n'
    assert found(text, code="GK105") == [("GK105", 1, 9), ("GK105", 2, 9)]


def test_import_unknown_common_name():
    text = "%import common.NOPE\n%import common (WS, BAD)\nstart: NOPE BAD\n"
    assert found(text, code="GK105") == [("GK105", 1, 16), ("GK105", 2, 21)]


@pytest.mark.parametrize(
    "imports",
    [
        "%import common.WS",
        "%import common.INT -> NUMBER",
        "%import common (WS, INT, LETTER)",
        "%import common (WS_INLINE)",
        "%import common.ESCAPED_STRING -> STR",
    ],
)
def test_import_common_traps(imports):
    assert found(imports + '\nstart: "a"\n', code="GK105") == []


# ------------------------------------------------------------------ GK106 declare


def test_declare():
    assert found('%declare _INDENT _DEDENT\nstart: "a"\n', code="GK106") == [("GK106", 1, 1)]


def test_declare_word_in_string_is_not_flagged():
    assert found('start: "%declare X"\n', code="GK106") == []


# ------------------------------------------------------------------ GK107 unbounded ignore


@pytest.mark.parametrize(
    "grammar, col",
    [
        ('%import common.WS\n%ignore WS\nstart: "a"\n', 9),
        ('%ignore /\\s+/\nstart: "a"\n', 9),
        ('COMMENT: /#[^\\n]*/\n%ignore COMMENT\nstart: "a"\n', 9),
        ('%import common.WS_INLINE -> W\n%ignore W\nstart: "a"\n', 9),
        ('SP: " "+\n%ignore SP\nstart: "a"\n', 9),
    ],
)
def test_unbounded_ignore(grammar, col):
    line = 2 if grammar.startswith(("%import", "COMMENT", "SP")) else 1
    assert found(grammar, code="GK107") == [("GK107", line, col)]


@pytest.mark.parametrize(
    "grammar",
    [
        '%ignore " "\nstart: "a"\n',
        '%ignore /[ \\t]{1,4}/\nstart: "a"\n',
        'SP: " " | "\\t"\n%ignore SP\nstart: "a"\n',
        '%import common.WS\nstart: "a" WS "b"\n',
    ],
)
def test_bounded_ignore_traps(grammar):
    assert found(grammar, code="GK107") == []


# ------------------------------------------------------------------ GK108


def test_override_and_extend():
    text = 'start: "a"\n%override start: "b"\n%extend start: "c"\n'
    assert found(text, code="GK108") == [("GK108", 2, 1), ("GK108", 3, 1)]


# ------------------------------------------------------------------ GK109


def test_engine_rejected_unknown_name_is_reported_at_the_name():
    # llguidance points at the start of the body it compiles (1:8); the name is at 1:17
    result = lint_text('start: greeting NAME\ngreeting: "hi "\n')
    errors = [(d.code, d.line, d.column, d.end_column) for d in result.errors]
    assert errors == [("GK109", 1, 17, 21)]
    assert result.errors[0].message == 'llguidance rejects the grammar: unknown name "NAME"'


def test_engine_rejected_lists_every_undefined_name():
    # OpenAI's cookbook counter-example: the sentence's parts are left undefined
    text = (
        "start: sentence\n"
        "sentence: /[A-Za-z, ]+/ subject /[A-Za-z, ]+/ verb /[A-Za-z, ]+/ object /[A-Za-z, ]+/\n"
    )
    result = lint_text(text)
    located = [(d.code, d.line, d.column) for d in result.errors]
    assert located == [("GK109", 2, 25), ("GK109", 2, 47), ("GK109", 2, 66)]
    assert [d.message for d in result.errors] == [
        f'llguidance rejects the grammar: unknown name "{n}" (undefined names: subject, verb, object)'
        for n in ("subject", "verb", "object")
    ]
    # in two rules, listed in the order of the text
    result = lint_text('start: a b\na: "x" C\n')
    assert [(d.line, d.column) for d in result.errors] == [(1, 10), (2, 8)]
    assert all(d.message.endswith("(undefined names: b, C)") for d in result.errors)


def test_engine_rejected_special_tokens_of_the_byte_tokenizer_are_not_offered():
    result = lint_text('start: <think> "x"\n')
    (d,) = [d for d in result.errors if d.code == "GK109"]
    assert d.message == 'llguidance rejects the grammar: unknown special token: "<think>"'
    assert "available" not in d.message and "<|tool|>" not in d.message and "<|tool|>" not in d.hint
    assert "string literal" in d.hint


def test_engine_rejected_not_duplicated_when_a_rule_explains_it():
    result = lint_text("start: A\nA: /(?=x)y/\n")
    assert [d.code for d in result.errors] == ["GK101"]


def test_engine_rejected_when_reader_accepts_but_llguidance_does_not():
    # llguidance stops at the duplicate rule; no grammarkit rule reports duplicates.
    result = lint_text('start: "a"\nstart: "b"\n')
    assert [d.code for d in result.errors] == ["GK109"]


# ------------------------------------------------------------------ GK100


def test_syntax_errors_all_reported():
    text = 'start: a b\na: ("x"\nb: "y"\nc: "\\q"\n'
    assert [(c, line) for c, line, _ in found(text, code="GK100")] == [("GK100", 2), ("GK100", 4)]


def test_invalid_regex_is_syntax_error_with_location():
    text = 'start: A B\nA: /[a-z/\nB: /(x/\n'
    codes = found(text, code="GK100")
    assert [(c, line) for c, line, _ in codes] == [("GK100", 2), ("GK100", 3)]


def test_regex_grammar_syntax_error():
    assert [(c, line) for c, line, _ in found("[a-z", syntax="regex") if c == "GK100"] == [("GK100", 1)]


# ------------------------------------------------------------------ regex grammar checks


def test_regex_multiline_and_trailing_newline():
    assert found("[a-z]+\n", syntax="regex", code="GK201") == []
    assert found("[a-z]+\n[0-9]\n", syntax="regex", code="GK201") == [("GK201", 1, 7)]


def test_regex_slashes():
    assert found("/[a-z]+/\n", syntax="regex", code="GK202") == [("GK202", 1, 1)]
    assert found("[a-z]+/x\n", syntax="regex", code="GK202") == []


# ------------------------------------------------------------------ everything at once

ALL_UNSUPPORTED = """\
%import mylib.IDENT
%declare _INDENT
start: expr
expr.2: IDENT | sep{IDENT, ","}
sep{x, s}: x (s x)*
LOOK: /(?<=\\$)[0-9]+/
LAZY: /.+?/
KW.3: "select"
%override start: LOOK LAZY KW
%extend expr: "x"
%import common.WS
%ignore WS
"""


def test_every_unsupported_feature_in_one_run():
    result = lint_text(ALL_UNSUPPORTED)
    got = {(d.code, d.line) for d in result.diagnostics}
    expected = {
        ("GK105", 1),
        ("GK106", 2),
        ("GK103", 4),
        ("GK104", 4),
        ("GK104", 5),
        ("GK101", 6),
        ("GK102", 7),
        ("GK103", 8),
        ("GK108", 9),
        ("GK108", 10),
        ("GK107", 12),
    }
    assert expected <= got, expected - got
    # Sorted by position.
    positions = [(d.line, d.column) for d in result.diagnostics]
    assert positions == sorted(positions)


# ------------------------------------------------------------------ GK200 / GK203


def test_unanalysed_when_llguidance_compiles_what_grammarkit_cannot_read():
    # llguidance's regex front end drops a trailing lone backslash; Rust syntax says it is
    # an error, so grammarkit cannot parse it, but llguidance is the authority.
    result = lint_text("abc\\\n", syntax="regex")
    assert [(d.code, d.severity.value, d.line, d.column) for d in result.diagnostics] == [
        ("GK200", "warning", 1, 4)
    ]
    assert result.ok


def test_engine_warning_is_reported_as_warning():
    grammar = 'start: j\nj: %json {"type": "string", "format": "foo", "x-guidance": {"lenient": true}}\n'
    result = lint_text(grammar)
    warnings = [(d.code, d.severity.value, d.message) for d in result.diagnostics if d.code == "GK203"]
    assert [(code, severity) for code, severity, _ in warnings] == [("GK203", "warning")]
    assert "Unknown format" in warnings[0][2]
    assert result.ok


# ------------------------------------------------------------------ review regressions


def test_suppressing_the_explaining_rule_brings_out_gk109():
    text = 'start: "a" B\nB: /(?=x)y/  // grammarkit: ignore[GK101]\n'
    result = lint_text(text)
    assert [(d.code, d.line) for d in result.errors] == [("GK109", 2)]


def test_a_gk100_explains_the_engine_error_only_at_its_place():
    # llguidance stops at the same ")" on line 2: explained, one error.
    text = 'start: a B C\na: "x" )\nB: /\\p{Foo}/\nC: "c"\n'
    assert [(d.code, d.line) for d in lint_text(text).errors] == [("GK100", 2)]
    # An invalid regex on line 3 that llguidance reports first is not explained by a
    # reader error elsewhere (the suppressed lookahead on line 2 explains nothing there).
    text = 'start: A B\nA: /(?=a)b/ // grammarkit: ignore[GK101]\nB: /\\p{Foo}/\n'
    assert [(d.code, d.line) for d in lint_text(text).errors] == [("GK109", 2)]


def test_build_error_keeps_the_rest_of_the_model():
    text = 'start: "a"{0} B\nB: /(?=x)y/\nC: /a+?/\n'
    codes = [(d.code, d.line) for d in lint_text(text).diagnostics if d.code in ("GK100", "GK101", "GK102")]
    assert codes == [("GK100", 1), ("GK101", 2), ("GK102", 3)]


def test_any_llguidance_attribute_value_reads():
    text = 'start: a\na[stop="x".."z"]: /[a-z]{1,5}/\n'
    assert [d.code for d in lint_text(text).diagnostics if d.code in ("GK100", "GK200")] == []


def test_escaped_backslash_before_x_hex_is_not_a_hex_escape():
    from grammarkit.reader import read_grammar
    from grammarkit.reader.model import Literal

    g = read_grammar('start: "\\\\x41" "\\x41"\n').grammar
    assert [n.value for n in g.nodes() if isinstance(n, Literal)] == ["\\x41", "A"]


# ------------------------------------------------------------------ GK101 hints and fix


def gk101(text: str, syntax: str = "lark"):
    return [d for d in lint_text(text, syntax=syntax).diagnostics if d.code == "GK101"]


@pytest.mark.parametrize(
    "text, syntax, expected",
    [
        ('start: A\nA: /(?<=\\$)[0-9]+/\n', "lark", 'a rule `"$" AMOUNT` rather than /(?<=\\$)[0-9]+/'),
        ("(?<=\\$)[0-9]+", "regex", "`\\$[0-9]+` rather than `(?<=\\$)[0-9]+`"),
        ('start: A\nA: /[0-9]+(?= USD)/\n', "lark", 'e.g. `AMOUNT " USD"` rather than /[0-9]+(?= USD)/'),
        ("[0-9]+(?= USD)", "regex", "`[0-9]+ USD` rather than `[0-9]+(?= USD)`"),
        ('start: A\nA: /(?<!-)[0-9]+/\n', "lark", "decided by the rules that use it"),
        ("(?<!-)[0-9]+", "regex", "nothing comes before the input"),
        ('start: A\nA: /(?!ab)[a-z]+/\n', "lark", "`&`/`~` operators"),
        ("\\bword\\b", "regex", "the pattern is the whole input"),
        ('start: A\nA: /\\bword/\n', "lark", "delimit the word in the grammar"),
    ],
)
def test_lookaround_hint_fits_the_assertion(text, syntax, expected):
    d = gk101(text, syntax)[0]
    assert expected in d.hint
    if "(?<=" not in text:
        assert "(?<=\\$)" not in d.hint  # the lookbehind example is only for lookbehinds


@pytest.mark.parametrize(
    "regex, fixed",
    [
        ("(?!-)[^\\s;]+", "[^\\s;\\-][^\\s;]*"),
        ("(?!x)[a-z]{2,5}", "[a-z--x][a-z]{1,4}"),
        ("(?!a).*", "(?:[^\\na].*)?"),
    ],
)
def test_negative_lookahead_of_one_character_is_fixed(regex, fixed):
    from grammarkit.lint.fixes import fix_text
    from grammarkit.llg.matcher import EngineMatcher

    (d,) = gk101(f"start: A\nA: /{regex}/\n")
    assert d.fix is not None and d.fix.safety == "safe"
    assert d.hint == f"exclude it from the class instead: `{fixed}` instead of `{regex}`"
    outcome = fix_text(f"start: A\nA: /{regex}/\n")
    assert outcome.applied[0].code == "GK101"  # later fixes may respell the class (GK212)
    import regex as python_regex

    m = EngineMatcher(fixed, syntax="regex")
    for sample in ("", "-a", "a-", "ab", "x", "xa", "aa", "b", "abcdef", ";", "a b"):
        assert m.check(sample).accepted == bool(python_regex.fullmatch(regex, sample)), sample
