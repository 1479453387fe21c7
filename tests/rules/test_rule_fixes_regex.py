"""The automatic fixes of the regex rules: GK213 (ASCII classes), GK210 (Python-only
syntax), GK211 (Python readings), GK212 (Rust-only syntax) and GK220 (bounds): the
fixed text, safe or unsafe, verified by lint/fixes.py, and idempotent."""

from __future__ import annotations

import pytest

from grammarkit.cli import main
from grammarkit.lint.fixes import fix_text
from grammarkit.lint.runner import lint_text
from grammarkit.llg.matcher import EngineMatcher


def term(pattern: str) -> str:
    """A grammar whose one terminal is the regex literal ``/pattern/``."""
    return f"start: A\nA: /{pattern}/\n"


def fixes_of(text: str, code: str, syntax: str = "lark") -> list[tuple[str, str]]:
    """(title, safety) of every fix the diagnostics of ``code`` carry."""
    return [
        (d.fix.title, d.fix.safety)
        for d in lint_text(text, syntax=syntax).diagnostics
        if d.code == code and d.fix is not None
    ]


def fixed(text: str, *, unsafe: bool = False, syntax: str = "lark", select: list[str] | None = None) -> str:
    """The text after every verified fix; a second run must change nothing."""
    outcome = fix_text(text, syntax=syntax, unsafe=unsafe, select=select)
    assert outcome.skipped == [], outcome.skipped
    again = fix_text(outcome.text, syntax=syntax, unsafe=unsafe, select=select)
    assert not again.changed and again.applied == []
    return outcome.text


def same_language(a: str, b: str, inputs: list[str], syntax: str = "lark") -> None:
    ma, mb = EngineMatcher(a, syntax=syntax), EngineMatcher(b, syntax=syntax)
    for text in inputs:
        assert ma.check(text).accepted == mb.check(text).accepted, text


# --------------------------------------------------------------------------- GK213


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("\\d{1,5}", "[0-9]{1,5}"),
        ("\\D{1,5}", "[^0-9]{1,5}"),
        ("\\w{1,5}", "[0-9A-Za-z_]{1,5}"),
        ("\\W\\s\\S", "[^0-9A-Za-z_][\\t\\n\\v\\f\\r ][^\\t\\n\\v\\f\\r ]"),
        ("[\\d.]{1,5}", "[0-9.]{1,5}"),
        ("[^\\w-]{1,5}", "[^0-9A-Za-z_-]{1,5}"),
        ("[\\D]{1,5}", "[^0-9]{1,5}"),
        ("[^\\D]{1,5}", "[0-9]{1,5}"),
        ("[a\\S]{1,5}", "[a[^\\t\\n\\v\\f\\r ]]{1,5}"),  # a nested class (GK212's fix then spells it)
        ("(?x)\\s{1,5}", "(?x)[\\t\\n\\v\\f\\r\\ ]{1,5}"),  # verbose mode skips a bare space
    ],
)
def test_unicode_classes_become_ascii_only_when_unsafe_fixes_are_asked_for(pattern, expected):
    text = term(pattern)
    assert {s for _, s in fixes_of(text, "GK213")} == {"unsafe"}
    assert fix_text(text).text == text
    assert fixed(text, unsafe=True, select=["GK213"]) == term(expected)


def test_ascii_fix_in_a_regex_grammar_and_what_it_changes():
    assert fixed("\\d{1,3}\n", unsafe=True, syntax="regex") == "[0-9]{1,3}\n"
    before, after = EngineMatcher(term("\\d{1,3}")), EngineMatcher(term("[0-9]{1,3}"))
    assert before.check("٣").accepted and not after.check("٣").accepted  # why it is unsafe
    assert before.check("123").accepted and after.check("123").accepted
    folded = EngineMatcher(term("(?i)[0-9A-Za-z_]"))  # what the docstring says of the i flag
    assert folded.check("\u212a").accepted and folded.check("\u017f").accepted and not folded.check("é").accepted


def test_no_ascii_fix_where_the_items_would_make_a_range():
    assert fixes_of(term("[\\d-x]{1,5}"), "GK213") == []
    assert fixes_of(term("[\\d-]{1,5}"), "GK213") == [("write `\\d` as the ASCII `0-9`", "unsafe")]


# --------------------------------------------------------------------------- GK210


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("[a-z]{1,5}\\Z", "[a-z]{1,5}\\z"),
        ("[a-z]{,5}", "[a-z]{0,5}"),
        ("a\\N{EM DASH}b", "a\\u2014b"),
        ("\\N{GRINNING FACE}", "\\U0001F600"),
        ("[\\141-\\142]\\0", "[\\x61-\\x62]\\x00"),
        ("\\p{^Greek}{1,3}", "\\P{Greek}{1,3}"),
        ("\\P{^Greek}{1,3}", "\\p{Greek}{1,3}"),
        ("a(?#note)b", "ab"),
    ],
)
def test_python_only_syntax_gets_its_rust_spelling_safely(pattern, expected):
    text = term(pattern)
    assert "GK210" in lint_text(text).codes()
    assert {s for _, s in fixes_of(text, "GK210")} == {"safe"}
    out = fixed(text)
    assert out == term(expected)
    assert "GK210" not in lint_text(out).codes() and "GK109" not in lint_text(out).codes()


def test_python_Z_and_rust_z_mean_the_same_end():
    import re

    assert re.fullmatch("ab\\Z", "ab") and not re.search("ab\\Z", "ab\n")  # Python's \Z is not Perl's
    m = EngineMatcher(term("ab\\z"))
    assert m.check("ab").accepted and not m.check("ab\n").accepted


def test_atomic_group_is_an_unsafe_fix():
    text = term("(?>ab){1,3}")
    assert fixes_of(text, "GK210") == [("write the atomic group as a non-capturing group `(?:`", "unsafe")]
    assert fix_text(text).text == text
    assert fixed(text, unsafe=True) == term("(?:ab){1,3}")


def test_no_fix_without_a_rust_equivalent():
    assert fixes_of(term("(a)\\1"), "GK210") == []  # a backreference
    assert fixes_of(term("(<)?a(?(1)>)"), "GK210") == []  # a conditional
    assert fixes_of(term("a(?#x)*"), "GK210") == []  # the quantifier would apply to `a`
    outcome = fix_text(term("(a)\\1"))
    assert not outcome.changed


def test_every_python_only_construct_of_a_regex_is_fixed_in_a_regex_grammar():
    assert fixed("[a-z]{,5}\\Z\n", syntax="regex") == "[a-z]{0,5}\\z\n"


# --------------------------------------------------------------------------- GK211


def test_possessive_plus_after_an_unbounded_quantifier_is_dropped_safely():
    text = term("a*+b++c{2,}+")
    assert [s for _, s in fixes_of(text, "GK211")] == ["safe", "safe", "safe"]
    out = fixed(text, select=["GK211"])
    assert out == term("a*b+c{2,}")
    same_language(text, out, ["", "a", "b", "bcc", "aabbccc", "bc", "abbcccc"])


def test_possessive_plus_after_a_bounded_quantifier_is_an_unsafe_fix():
    text = term("a?+b{2}+")
    assert [s for _, s in fixes_of(text, "GK211")] == ["unsafe", "unsafe"]
    assert fix_text(text).text == text
    assert fixed(text, unsafe=True) == term("a?b{2}")
    assert EngineMatcher(text).check("aabbbb").accepted  # Rust's reading: what the fix changes


def test_verbose_class_space_is_escaped_as_an_unsafe_fix():
    text = term("(?x)[a-z ]{1,4}")
    assert fixes_of(text, "GK211") == [("escape it: `\\ `", "unsafe")]
    out = fixed(text, unsafe=True)
    assert out == term("(?x)[a-z\\ ]{1,4}")
    assert EngineMatcher(out).check("a b").accepted and not EngineMatcher(text).check("a b").accepted


def test_empty_set_operation_becomes_the_class_python_reads():
    assert fixed(term("[a-z--]{1,3}"), unsafe=True) == term("[\\-a-z]{1,3}")
    assert fixed(term("[+--]{1,3}"), unsafe=True) == term("[+-\\-]{1,3}")
    assert fix_text(term("[a-z--]{1,3}")).text == term("[a-z--]{1,3}")


# --------------------------------------------------------------------------- GK212


def test_rust_only_syntax_gets_the_spelling_both_read_alike():
    text = term("[a-z&&[^aeiou]]{1,3}[[:digit:]]x{ 2 }\\x{41}\\u{2014}(?P<a.b>y)z**")
    assert {s for _, s in fixes_of(text, "GK212")} == {"safe"}
    out = fixed(text, select=["GK212"])
    assert out == term("[b-df-hj-np-tv-z]{1,3}[0-9]x{2}\\x41\\u2014(?P<a_b>y)(?:z*)*")
    same_language(text, out, ["b1xxA\u2014y", "a1xxA\u2014y", "bcd9xxA\u2014yzz", "b1xA\u2014y"])


def test_a_spelled_class_escapes_the_slash_in_a_lark_literal_only():
    assert fixed(term("[\\/a&&[\\/]]")) == term("[\\/]")
    assert fixed("[/a&&[/]]\n", syntax="regex") == "[/]\n"


def test_no_spelled_class_under_the_i_flag():
    assert fixes_of(term("(?i)[a-z&&[^aeiou]]"), "GK212") == []


# --------------------------------------------------------------------------- the CLI


def test_check_fix_through_the_cli(tmp_path, capsys):
    g = tmp_path / "g.lark"
    g.write_text("start: A B\nA: /[a-z]{,5}\\Z/\nB: /\\d{1,3}/\n")
    assert main(["check", "--fix", "--select", "GK210,GK213", str(g)]) == 0  # a GK213 warning remains
    out = capsys.readouterr().out
    assert "Fixed 2 problems." in out and "GK213" in out
    assert g.read_text() == "start: A B\nA: /[a-z]{0,5}\\z/\nB: /\\d{1,3}/\n"
    assert main(["check", "--fix", "--unsafe-fixes", "--select", "GK210,GK213", str(g)]) == 0
    assert "Fixed 1 problem." in capsys.readouterr().out
    assert g.read_text() == "start: A B\nA: /[a-z]{0,5}\\z/\nB: /[0-9]{1,3}/\n"
    assert main(["check", "--fix", "--unsafe-fixes", "--select", "GK210,GK213", str(g)]) == 0
    assert "Fixed" not in capsys.readouterr().out


# --------------------------------------------------------------------------- GK220


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('start: "note: " TEXT\nTEXT: /.*/\n', 'start: "note: " TEXT\nTEXT: /.{0,500}/\n'),
        ("start: N\nN: /[0-9]+\\.[0-9]*/\n", "start: N\nN: /[0-9]{1,18}\\.[0-9]{0,18}/\n"),
        ("start: N\nN: /(ab){2,}/\n", "start: N\nN: /(ab){2,64}/\n"),
        ("start: C\nC: /\\/\\/.*/\n", "start: C\nC: /\\/\\/.{0,500}/\n"),
        ('start: "x" /[a-z]+/\n', 'start: "x" /[a-z]{1,64}/\n'),  # a regex in a rule
        (
            'start: W N\nW: LETTER+\nN: DIGIT* "." DIGIT{2,}\n%import common.LETTER\n%import common.DIGIT\n',
            'start: W N\nW: LETTER~1..64\nN: DIGIT~0..18 "." DIGIT~2..18\n%import common.LETTER\n%import common.DIGIT\n',
        ),
        ("start: INT\n%import common.INT\n", "start: INT\nINT: /[0-9]{1,18}/\n"),
        ("start: N\n%import common.INT -> N  // n\n", "start: N\nN: /[0-9]{1,18}/  // n\n"),
        ("start: C\n%import common.CPP_COMMENT -> C\n", "start: C\nC: /\\/\\/[^\\n]{0,500}/\n"),
        (
            'start: INT " " WORD\n%import common (INT, WORD)\n',
            'start: INT " " WORD\nWORD: /[A-Za-z]{1,64}/\nINT: /[0-9]{1,18}/\n',
        ),
    ],
)
def test_unbounded_terminals_get_the_proposed_bound_as_an_unsafe_fix(text, expected):
    assert {s for _, s in fixes_of(text, "GK220")} == {"unsafe"}
    assert fix_text(text).text == text
    out = fixed(text, unsafe=True)
    assert out == expected
    assert "GK220" not in lint_text(out).codes()


def test_an_unbounded_regex_grammar_of_free_text_is_bounded():
    assert fixed(".*\n", unsafe=True, syntax="regex") == ".{0,500}\n"
    assert fixed("note: [^\\n]+\n", unsafe=True, syntax="regex") == "note: [^\\n]{1,500}\n"


def test_the_bound_changes_what_is_accepted():
    before, after = EngineMatcher('start: "x" /[a-z]+/\n'), EngineMatcher('start: "x" /[a-z]{1,64}/\n')
    assert before.check("x" + "a" * 65).accepted and not after.check("x" + "a" * 65).accepted
    assert after.check("x" + "a" * 64).accepted


@pytest.mark.parametrize(
    "pattern",
    ["(?=a)[a-z]+", "[a-z]+?", "[a-z]*+", "[a-z]**", "(?U)[a-z]+", "[a-z]+\\Z", "([a-z])\\1+"],
)
def test_no_bound_for_a_regex_with_a_construct_another_rule_reports(pattern):
    text = term(pattern)
    assert "GK220" in lint_text(text).codes()
    assert fixes_of(text, "GK220") == []


def test_a_bound_that_would_reject_a_sample_is_not_applied():
    from grammarkit.samples.files import Sample

    text = 'start: "x" /[a-z]+/\n'
    outcome = fix_text(text, unsafe=True, samples=[Sample("x" + "a" * 70)])
    assert not outcome.changed
    ((d, reason),) = outcome.skipped
    assert d.code == "GK220" and reason.startswith("a sample would change its verdict")


def test_check_unsafe_fixes_bound_a_terminal_through_the_cli(tmp_path, capsys):
    g = tmp_path / "g.lark"
    g.write_text('start: "note: " TEXT\nTEXT: /.*/\n')
    assert main(["check", "--fix", str(g)]) == 0
    assert "GK220" in capsys.readouterr().out and g.read_text().endswith("/.*/\n")
    assert main(["check", "--fix", "--unsafe-fixes", str(g)]) == 0
    assert "Fixed 1 problem." in capsys.readouterr().out
    assert g.read_text() == 'start: "note: " TEXT\nTEXT: /.{0,500}/\n'
