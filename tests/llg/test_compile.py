"""Tests for grammarkit.llg (llguidance verdicts as located messages) and grammarkit.reader.common_terminals."""

from __future__ import annotations

import json
import sys

import llguidance
import pytest

from grammarkit.core.span import LineIndex
from grammarkit.llg import compile as engine
from grammarkit.llg.compile import EngineReport, byte_tokenizer, compile_report
from grammarkit.llg.messages import EngineMessage
from grammarkit.reader.common_terminals import COMMON_NAMES, COMMON_REGEXES, common_regex


def error_of(syntax: engine.Syntax, text: str, **kwargs: object) -> EngineMessage:
    report = compile_report(syntax, text, **kwargs)  # type: ignore[arg-type]
    assert not report.ok, report
    assert report.error is not None
    assert report.warnings == []
    return report.error


def where(msg: EngineMessage) -> tuple[str, int | None, int | None, int | None]:
    return msg.category, msg.line, msg.column, msg.end_column


def marked(text: str, msg: EngineMessage) -> str:
    """The part of ``text`` a message points at (column..end_column on its line)."""
    assert msg.line is not None and msg.column is not None and msg.end_column is not None
    return LineIndex(text).line_text(msg.line)[msg.column - 1 : msg.end_column - 1]


# --------------------------------------------------------------------------- basics


def test_valid_grammars() -> None:
    assert compile_report("lark", 'start: "a" | b\nb: /[0-9]+/\n') == EngineReport(ok=True)
    assert compile_report("regex", r"[a-z]+\d{2,3}") == EngineReport(ok=True)


def test_byte_tokenizer_is_a_cached_singleton() -> None:
    tok = byte_tokenizer()
    assert isinstance(tok, llguidance.LLTokenizer)
    assert byte_tokenizer() is tok


def test_unknown_syntax_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        compile_report("json", "{}")  # type: ignore[arg-type]


def test_messages_are_single_lines_without_location_prefix() -> None:
    texts = [
        "start: a\na: /(?=x)y/\n",
        'start: ("a"\n\n',
        "start: a\n  a: x\n\n$",
        "start: b\n",
        'start: %lark { start: "a" \n "b" ) }\n',
        "start: a\na: /ab\n(c/\n",
    ]
    for text in texts:
        err = error_of("lark", text)
        assert "\n" not in err.message
        assert not err.message.startswith(("at ", "1(", "2(", "3(", "4("))
        assert " | " not in err.message and "^" not in err.message
        assert err.raw.startswith(("at ", "1(", "2(", "4("))


# --------------------------------------------------------------------------- message formats


def test_regex_parse_error_points_into_the_literal() -> None:
    text = "start: a\na: /(?=x)y/\n"
    err = error_of("lark", text)
    assert where(err) == ("lookaround", 2, 5, 8)
    assert marked(text, err) == "(?="
    assert err.message == (
        'invalid regex "(?=x)y" (in regex): regex parse error: '
        "look-around, including look-ahead and look-behind, is not supported"
    )
    assert err.raw.startswith('at 2(4): invalid regex "(?=x)y"')


def test_regex_error_later_in_the_body() -> None:
    # llguidance points at the start of the rule body ("q"); the literal is found anyway
    text = 'start: a\na: "q" "/" /(?=x)y/\n'
    err = error_of("lark", text)
    assert where(err) == ("lookaround", 2, 13, 16)
    assert err.raw.startswith("at 2(4): ")


def test_non_ascii_before_the_error_column() -> None:
    # compiler error: llguidance counts bytes ("at 2(8)"), the literal is at char 16
    text = '// ñandú\nstart: "ñ" "ü" /(?=x)/\n'
    err = error_of("lark", text)
    assert where(err) == ("lookaround", 2, 17, 20)
    assert marked(text, err) == "(?="
    # parser error: "1(18)" in bytes is the newline after "(" at char column 17
    err = error_of("lark", 'start: "é" "x" (\n')
    assert err.raw.startswith("1(18): ")
    assert where(err) == ("syntax", 1, 17, None)
    # lexer error: "1(13)" in bytes is "¿" at char column 12
    err = error_of("lark", 'start: "ñ" ¿\n')
    assert err.raw.startswith("1(13): lexer error")
    assert where(err) == ("syntax", 1, 12, None)
    assert err.message == "lexer error"


def test_parser_error() -> None:
    err = error_of("lark", 'start: ("a"\n\n')
    assert err.raw.startswith("1(12): Expected token ')', found '\\n' (at ")
    assert err.message == "Expected token ')', found '\\n'"
    assert where(err) == ("syntax", 1, 12, None)


def test_parser_error_crlf() -> None:
    err = error_of("lark", 'start: "a"\r\nb: ( \r\n')
    assert where(err) == ("syntax", 2, 6, None)


def test_parser_error_inside_nested_lark_uses_innermost_location() -> None:
    err = error_of("lark", 'start: %lark { start: "a" \n "b" ) }\n')
    assert err.raw.startswith("2(9): 2(2): ")
    assert err.message == "expecting rule, token or statement"
    assert where(err) == ("syntax", 2, 2, None)


def test_at_eof_error() -> None:
    err = error_of("lark", 'start: %lark { start: "a" "b" ( }\n')
    assert "at EOF: Expected value" in err.raw
    assert err.message == "Expected value"
    assert err.category == "syntax"


def test_lexer_error() -> None:
    err = error_of("lark", 'start: a\n  a: "x"\n\n$')
    assert err.raw.startswith("4(1): lexer error")
    assert where(err) == ("syntax", 4, 1, None)


def test_lexer_error_nul_bytes() -> None:
    assert where(error_of("lark", "\x00" * 1000)) == ("syntax", 1, 1, None)
    assert where(error_of("lark", 'start: "a\x00"\n')) == ("syntax", 1, 10, None)


def test_compiler_error_with_location() -> None:
    err = error_of("lark", "start: b\n")
    assert err.raw.startswith('at 1(8): unknown name: "b"')
    assert err.message == 'unknown name: "b"'
    assert where(err) == ("other", 1, 8, None)


def test_recursive_terminals() -> None:
    err = error_of("lark", "start: A\nA: B\nB: A\n")
    assert err.message == 'circular reference in token "A" definition'
    assert where(err) == ("other", 3, 4, None)


def test_errors_without_location() -> None:
    err = error_of("lark", 'a: "a"\n')
    assert (err.message, err.raw) == ("no start rule found", "no start rule found")
    assert where(err) == ("other", None, None, None)
    err = error_of("lark", 'start: %json { "type": \n')
    assert err.message.startswith('failed to parse "%json": EOF while parsing')
    assert where(err) == ("syntax", None, None, None)
    assert error_of("lark", "").message == "Empty grammar"


def test_lark_text_starting_with_brace_is_not_read_as_json() -> None:
    err = error_of("lark", '{"grammars": [{"lark_grammar": "start: \\"a\\""}]}')
    assert err.message == "expecting rule, token or statement"
    assert where(err) == ("syntax", 1, 1, None)


# --------------------------------------------------------------------------- categories


def test_priority() -> None:
    text = 'start.2: "a"\n'
    err = error_of("lark", text)
    assert err.message == "priority not supported yet"
    assert err.raw.startswith("at 1(10): ")  # llguidance points at the body
    assert where(err) == ("priority", 1, 6, 8)
    assert marked(text, err) == ".2"
    text = 'start: A\nA.-1: "a"\n'
    err = error_of("lark", text)
    assert err.category == "priority" and marked(text, err) == ".-1"


def test_template() -> None:
    text = 'start: a{"x"}\na{p}: p\n'
    err = error_of("lark", text)
    assert err.message == "params not supported yet"
    assert where(err) == ("template", 2, 2, 5)
    assert marked(text, err) == "{p}"
    err = error_of("lark", 'start: a{"x", "y"}\na: "q"\n')
    assert err.message == "template usage not supported yet"
    assert where(err) == ("template", 1, 8, None)


def test_import() -> None:
    err = error_of("lark", '%import common.FOO\nstart: "a"\n')
    assert err.message.startswith("Unknown common regex: common.FOO;")
    assert where(err) == ("import", 1, 1, None)
    err = error_of("lark", 'start: "a"\n%import other.INT\n')
    assert err.message.startswith("Unknown common regex: other.INT;")
    assert where(err) == ("import", 2, 1, None)
    err = error_of("lark", "%import common.INT\n%import common.INT\nstart: INT\n")
    assert where(err) == ("import", 2, 1, None)


def test_declare_override_extend() -> None:
    err = error_of("lark", '%declare FOO\nstart: "a"\n')
    assert err.message == "declare statement not supported yet"
    assert where(err) == ("declare", 1, 1, None)
    assert error_of("lark", '%declare\nstart: "a"\n').category == "declare"
    err = error_of("lark", '%override start: "b"\nstart: "a"\n')
    assert err.message == "override statement not supported yet"
    assert where(err) == ("override", 1, 1, None)
    # llguidance's lexer does not know %extend: a lexer error at the "e"
    err = error_of("lark", 'start: "a"\n%extend start: "b"\n')
    assert err.raw.startswith("2(2): lexer error")
    assert where(err) == ("extend", 2, 1, 8)
    assert where(error_of("lark", 'start: "a"\n%foo start: "b"\n')) == ("syntax", 2, 2, None)


def test_lazy_quantifiers_are_accepted() -> None:
    # docs/syntax.md lists them as unsupported, but 1.9.1 compiles them: no "lazy" errors
    assert compile_report("lark", "start: /a+?b/\n").ok
    assert compile_report("regex", "a*?").ok


@pytest.mark.parametrize(
    ("text", "expected", "mark", "words"),
    [
        ("start: /a\\1/\n", ("regex", 1, 10, 12), "\\1", "backreferences are not supported"),
        ("start: /(/\n", ("regex", 1, 9, 10), "(", "unclosed group"),
        ("start: /(?P<n>a)(?P<n>b)/\n", ("regex", 1, 21, 22), "n", "duplicate capture group name"),
        ('start: "a"i /a{3,1}/\n', ("regex", 1, 15, 20), "{3,1}", "invalid repetition count"),
        ("start: /(?=x)/i\n", ("lookaround", 1, 9, 12), "(?=", "look-around"),
        ('start: "x" /\\bfoo/\n', ("lookaround", 1, 12, 19), "/\\bfoo/", "lookarounds not"),
    ],
)
def test_invalid_regexes(
    text: str, expected: tuple[str, int, int, int], mark: str, words: str
) -> None:
    err = error_of("lark", text)
    assert where(err) == expected
    assert marked(text, err) == mark
    assert words in err.message


def test_l_flag() -> None:
    err = error_of("lark", "start: /x/l\n")
    assert err.message == "l-flag is not supported in regexes"
    assert where(err) == ("regex", 1, 8, None)


def test_regex_in_stop_attribute_has_no_llguidance_location() -> None:
    text = 'start[stop=/(?=x)/]: "a"\n'
    err = error_of("lark", text)
    assert not err.raw.startswith("at ")
    assert where(err) == ("lookaround", 1, 13, 16)


def test_same_regex_twice_picks_the_one_after_the_location() -> None:
    text = 'start: a b\na: "x" /[/\nb: "/" /[/\n'
    err = error_of("lark", text)
    assert err.raw.startswith("at 2(4): ")
    assert where(err) == ("regex", 2, 9, 10)


# --------------------------------------------------------------------------- multi-line regexes


def test_multiline_regex_literal_in_lark() -> None:
    text = 'start: a\na: "x" /ab\n(?=c)/\n'
    err = error_of("lark", text)
    assert err.raw.startswith("at 2(4): ")
    assert where(err) == ("lookaround", 3, 1, 4)
    # caret on the first pattern line, after non-ASCII
    err = error_of("lark", 'start: a\na: "é" /ñb(\nc/\n')
    assert where(err) == ("regex", 2, 11, 12)
    # a span crossing lines: only its start is known
    err = error_of("lark", "start: /xa{3,\n1}/\n")
    assert where(err) == ("regex", 1, 11, None)


def test_regex_syntax_error_location() -> None:
    err = error_of("regex", "ab(c")
    assert err.raw.startswith("at 1(8): ")  # in llguidance's "start: /ab(c/"
    assert where(err) == ("regex", 1, 3, 4)
    err = error_of("regex", "[a-z]{3,1}")
    assert where(err) == ("regex", 1, 6, 11)
    err = error_of("regex", "(?=x)y")
    assert where(err) == ("lookaround", 1, 1, 4)


def test_regex_syntax_escapes_are_mapped_back() -> None:
    # llguidance rewrites "/" as "\/" (and "ñ" is two bytes)
    err = error_of("regex", "ñ/(?=x)")
    assert where(err) == ("lookaround", 1, 3, 6)
    err = error_of("regex", "a\\/(?=x)")
    assert where(err) == ("lookaround", 1, 4, 7)
    err = error_of("regex", "a\x00(")
    assert where(err) == ("regex", 1, 3, 4)


def test_multiline_regex_syntax_pattern() -> None:
    pattern = "a\nbé\n(?=x)"
    err = error_of("regex", pattern)
    assert where(err) == ("lookaround", 3, 1, 4)
    assert marked(pattern, err) == "(?="
    err = error_of("regex", "a\nb(\nx")
    assert where(err) == ("regex", 2, 2, 3)


def test_regex_syntax_error_without_caret() -> None:
    err = error_of("regex", "a/\\b")
    assert "lookarounds not supported" in err.message
    assert where(err) == ("lookaround", 1, 1, None)


# --------------------------------------------------------------------------- warnings

LENIENT = '{"x-guidance": {"lenient": true}, "type": "string", "format": "foo"}'


def test_warnings() -> None:
    report = compile_report("lark", f"start: %json {LENIENT}\n")
    assert report.ok and report.error is None
    assert [(w.message, w.category, w.line, w.column) for w in report.warnings] == [
        ("Unknown format: foo", "other", None, None)
    ]
    assert report.warnings[0].raw == "Unknown format: foo"


def test_repeated_warnings_are_counted() -> None:
    schema = json.dumps(
        {
            "x-guidance": {"lenient": True},
            "type": "object",
            "properties": {"a": {"type": "string", "format": "f"}, "b": {"format": "f"}},
        }
    )
    report = compile_report("lark", f"start: %json {schema}\n")
    assert [w.message for w in report.warnings] == ["Unknown format: f (2 times)"]


# --------------------------------------------------------------------------- hostile input


def test_deep_nesting() -> None:
    deep = "(" * 100_000
    err = error_of("lark", f'start: {deep}"a"{")" * 100_000}\n')
    assert (err.message, err.category) == ("lark grammar too deeply nested", "syntax")
    assert error_of("lark", "start: " + deep).category == "syntax"
    err = error_of("regex", deep + "a" + ")" * 100_000)
    assert err.category == "regex" and "nested" in err.message
    assert len(err.message) < 300  # the quoted pattern is shortened; raw keeps it
    assert len(err.raw) > 200_000
    err = error_of("regex", deep)
    assert err.category == "regex" and err.line == 1


def test_long_rule_chain_does_not_crash() -> None:
    # ~5000 chained rules overflow an 8 MB main-thread stack inside llguidance
    n = 8000
    text = "start: x0\n" + "".join(f'x{i}: "a" x{i + 1}\n' for i in range(n)) + f'x{n}: "b"\n'
    assert len(text.encode()) <= engine.IN_PROCESS_MAX_BYTES
    assert compile_report("lark", text).ok


def test_ten_megabyte_grammar() -> None:
    text = 'start: "' + "a" * 10_000_000 + '"\n'
    assert compile_report("lark", text).ok
    err = error_of("lark", text + "$")
    assert where(err) == ("syntax", 2, 1, None)


def test_timeout_becomes_an_error() -> None:
    n = 200_000
    text = "start: x0\n" + "".join(f'x{i}: "a" x{i + 1}\n' for i in range(n)) + f'x{n}: "b"\n'
    err = error_of("lark", text, timeout=1.0)
    assert err.category == "other"
    assert "did not finish" in err.message


def test_child_process_gives_the_same_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = ["start: a\na: /(?=x)y/\n", 'start: ("a"\n', f"start: %json {LENIENT}\n"]
    expected = [compile_report("lark", t) for t in texts]
    monkeypatch.setattr(engine, "IN_PROCESS_MAX_BYTES", 0)
    assert [compile_report("lark", t) for t in texts] == expected
    assert compile_report("regex", "a(").error == error_of("regex", "a(")


def test_child_process_crash_becomes_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "IN_PROCESS_MAX_BYTES", 0)
    suicide = "import os, signal; os.kill(os.getpid(), signal.SIGTERM)"
    monkeypatch.setattr(engine, "_CHILD_CODE", suicide)
    err = error_of("lark", 'start: "a"\n')
    assert err.category == "other" and "crashed (SIGTERM)" in err.message
    monkeypatch.setattr(engine, "_CHILD_CODE", "import sys; sys.exit(3)")
    assert "exit status 3" in error_of("lark", 'start: "a"\n').message


def test_library_exception_becomes_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(syntax: str, text: str) -> tuple[bool, list[str]]:
        raise RuntimeError("boom")

    monkeypatch.setattr(engine, "_validate", boom)
    err = error_of("lark", 'start: "a"\n')
    assert err.message == "llguidance raised RuntimeError: boom"
    assert where(err) == ("other", None, None, None)


def test_surrogates_are_reported_not_raised() -> None:
    err = error_of("lark", 'start: "a"\nb: "\udc80"\n')
    assert where(err) == ("other", 2, 5, None)
    assert "UTF-8" in err.message


# --------------------------------------------------------------------------- common.py


def test_common_table_shape() -> None:
    assert frozenset(COMMON_REGEXES) == COMMON_NAMES
    assert len(COMMON_NAMES) == 25
    assert {"INT", "SIGNED_NUMBER", "ESCAPED_STRING", "CNAME", "WS", "_EXP"} <= COMMON_NAMES
    assert common_regex("common.INT") == common_regex("INT") == "[0-9]+"
    assert common_regex("common.FOO") is None


def test_llguidance_names_every_common_terminal() -> None:
    err = error_of("lark", '%import common.NO_SUCH_NAME\nstart: "a"\n')
    listed = err.message.split("following are available: ", 1)[1]
    assert {name.removeprefix("common.") for name in listed.split(", ")} == COMMON_NAMES


@pytest.mark.parametrize("name", sorted(COMMON_NAMES))
def test_every_common_name_imports(name: str) -> None:
    report = compile_report("lark", f"%import common.{name}\nstart: {name}\n")
    assert report == EngineReport(ok=True)
    assert compile_report("lark", f"%import common.{name} -> MY_T\nstart: MY_T\n").ok


PROBES = [
    "", "0", "7", "42", "-3", "+12", "1.5", ".5", "3.", "1e5", "2.5E-3", "-1.5e+2", "e5",
    "a", "Z", "abc", "AbC", "_x1", "x_2", "1x", "f0", "G", " ", " \t", "\n", "\r\n", "\r",
    "\n\n", " \n", "#c", "# x", "//c", "/* c */", "/**/", "/* a */ b */", "-- q", "\"\"",
    "\"a\\\"b\"", "\"a", "é",
]


def _accepts(grammar: str, text: str) -> bool:
    tok = byte_tokenizer()
    matcher = llguidance.LLMatcher(tok, llguidance.grammar_from("lark", grammar), log_level=0)
    assert not matcher.is_error(), matcher.get_error()
    return matcher.consume_tokens(tok.tokenize_bytes(text.encode())) and matcher.is_accepting()


@pytest.mark.parametrize("name", sorted(COMMON_NAMES))
def test_common_regex_matches_like_the_import(name: str) -> None:
    ours = llguidance.regex_to_lark(COMMON_REGEXES[name], "")
    imported = f"%import common.{name}\nstart: {name}\n"
    literal = f"start: /{ours}/\n"
    for probe in PROBES:
        assert _accepts(literal, probe) == _accepts(imported, probe), (name, probe)
    assert any(_accepts(imported, probe) for probe in PROBES), name


def test_module_does_not_import_llguidance_eagerly() -> None:
    import subprocess

    code = "import sys, grammarkit.llg; print('llguidance' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
