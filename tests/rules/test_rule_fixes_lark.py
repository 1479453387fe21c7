"""The automatic fixes of the Lark rules: GK229 (unused definitions), GK225 (unrolled
repetitions), GK224 (right recursion), GK104 (templates) and GK105 (local imports): the
fixed text, verified by lint/fixes.py, idempotent, and the same language where safe."""

from __future__ import annotations

import textwrap

import pytest

from grammarkit.cli import main
from grammarkit.lint.fixes import fix_text
from grammarkit.lint.runner import lint_text
from grammarkit.llg.matcher import EngineMatcher


def g(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def fixes_of(text: str, code: str, path: str = "<string>") -> list[tuple[str, str]]:
    return [
        (d.fix.title, d.fix.safety)
        for d in lint_text(text, path=path).diagnostics
        if d.code == code and d.fix is not None
    ]


def fixed(text: str, *, select: list[str] | None = None, path: str = "<string>", unsafe: bool = False) -> str:
    """The text after every verified fix; a second run must change nothing."""
    outcome = fix_text(text, select=select, path=path, unsafe=unsafe)
    assert outcome.skipped == [], outcome.skipped
    again = fix_text(outcome.text, select=select, path=path, unsafe=unsafe)
    assert not again.changed and again.applied == []
    return outcome.text


def same_language(a: str, b: str, inputs: list[str]) -> None:
    ma, mb = EngineMatcher(a), EngineMatcher(b)
    for text in inputs:
        assert ma.check(text).accepted == mb.check(text).accepted, text


# --------------------------------------------------------------------------- GK229


def test_unused_definitions_and_imports_are_deleted():
    text = g("""
        start: greeting

        greeting: "hi " NAME
        farewell: "bye " NAME2
            | "ciao"   // informal

        NAME: /[A-Za-z]{1,20}/
        NAME2: /[A-Za-z]{1,20}/
        %import common (WS, INT, WORD)
        %import common.DIGIT -> D
        %ignore WS
        """)
    assert {s for _, s in fixes_of(text, "GK229")} == {"safe"}
    assert fixed(text, select=["GK229"]) == g("""
        start: greeting

        greeting: "hi " NAME

        NAME: /[A-Za-z]{1,20}/
        %import common (WS)
        %ignore WS
        """)


def test_a_definition_between_blank_lines_takes_one_blank_line_with_it():
    text = 'start: a\n\nb: "b"\n\na: "a"\n'
    assert fixed(text) == 'start: a\n\na: "a"\n'
    assert fixed('start: a\na: "a"\nb: "b"') == 'start: a\na: "a"\n'  # no final newline


def test_the_last_unused_import_of_a_list_deletes_the_statement():
    assert fixed('start: "x"\n%import common (INT)\n') == 'start: "x"\n'
    assert fixed('start: "x"\n%import common.INT -> N  // n\n') == 'start: "x"\n'


def test_crlf_line_endings_are_kept():
    assert fixed('start: a\r\nb: "b"\r\na: "a"\r\n') == 'start: a\r\na: "a"\r\n'


def test_a_definition_sharing_its_line_gets_no_fix():
    from grammarkit.core.diagnostics import Edit
    from grammarkit.lint.edits import delete_lines

    assert delete_lines("a: b  c: d\n", 5, 9) is None
    assert delete_lines("x\n  a: b  // note\ny\n", 4, 8) == Edit(2, 18, "")


# --------------------------------------------------------------------------- GK225


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('start: one one one one\none: "a"\n', 'start: one~4\none: "a"\n'),
        (
            "start: YEAR\nYEAR: DIGIT DIGIT DIGIT DIGIT\n%import common.DIGIT\n",
            "start: YEAR\nYEAR: DIGIT~4\n%import common.DIGIT\n",
        ),
        (
            "start: YEAR\nYEAR: DIGIT DIGIT [DIGIT] [DIGIT]\n%import common.DIGIT\n",
            "start: YEAR\nYEAR: DIGIT~2..4\n%import common.DIGIT\n",
        ),
        ('start: "x" d d? d? d?\nd: "d"\n', 'start: "x" d~1..4\nd: "d"\n'),
        ('start: "x" d? d? d? d?\nd: "d"\n', 'start: "x" d~0..4\nd: "d"\n'),
        (
            'start: (a | b) (a|b) ( a | b ) (a | b) "!"\na: "a"\nb: "b"\n',
            'start: (a | b)~4 "!"\na: "a"\nb: "b"\n',
        ),
        ('start: "x" a? a? a? a? a?\na: "a"\n', 'start: "x" a~0..5\na: "a"\n'),
        ('start: "x" a* a* a* a*\na: "a"\n', 'start: "x" (a*)~4\na: "a"\n'),
    ],
)
def test_unrolled_repetitions_become_counts(text, expected):
    assert {s for _, s in fixes_of(text, "GK225")} == {"safe"}
    out = fixed(text, select=["GK225"])
    assert out == expected
    assert "GK217" not in lint_text(out).codes()  # Python Lark reads `~` too
    words = ["", "x", "xd", "xdd", "xddd", "xdddd", "xddddd", "aaaa", "xaaaa", "xaaaaa", "abab!", "aaaa!"]
    same_language(text, out, words + ["1", "12", "123", "1234", "12345"])


def test_optional_copies_are_reported_with_their_count():
    text = "start: YEAR\nYEAR: DIGIT DIGIT [DIGIT] [DIGIT]\n%import common.DIGIT\n"
    (d,) = [d for d in lint_text(text).diagnostics if d.code == "GK225"]
    assert d.message == "DIGIT is written 4 times in a row (2 of them optional) in terminal YEAR"
    assert d.hint.startswith("write the count: DIGIT{2,4} (or DIGIT~2..4)")


@pytest.mark.parametrize(
    "text",
    [
        'start: "a  b" "a b" "a b" "a b"\n',  # not the same literal
        'start: "x" d? d d d\nd: "d"\n',  # the optional copy comes first
        'start: "x" d d [d] d\nd: "d"\n',
        'start: "x" d d [d] [e]\nd: "d"\ne: "e"\n',
    ],
)
def test_what_is_not_an_unrolled_repetition(text):
    assert "GK225" not in lint_text(text).codes()


# --------------------------------------------------------------------------- GK224

RECURSIVE_WORDS = ["", "a", "ab", "a,b", "a,b,c", "a,", ",a", "ab,cd,ef", "x", "y", "xy", "x,y", "x,x,y", "x,x"]


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ('r: item "," r | item', 'r: item ("," item)*'),
        ("r: item r | item", "r: item+"),
        ("r: item r?", "r: item+"),
        ("r: item [r]", "r: item+"),
        ('r: item ["," r]', 'r: item ("," item)*'),
        ('r: item ("," r)?', 'r: item ("," item)*'),
        ('r: item "," r | "x" | "y"', 'r: (item ",")* ("x" | "y")'),
        ('r: item "," r | "x" "y"', 'r: (item ",")* "x" "y"'),
        ('r: item r? | "x"', 'r: item* (item | "x")'),
        ('r: item ","  r\n | item', 'r: item ("," item)*'),  # over two lines
    ],
)
def test_right_recursion_becomes_a_repetition_with_the_same_language(rule, expected):
    text = f"start: r\n{rule}\nitem: /[a-z]{{1,2}}/\n"
    assert {s for _, s in fixes_of(text, "GK224")} == {"safe"}
    out = fixed(text, select=["GK224"])
    assert out == f"start: r\n{expected}\nitem: /[a-z]{{1,2}}/\n"
    same_language(text, out, RECURSIVE_WORDS)


@pytest.mark.parametrize(
    "rule",
    [
        'r: "(" r ")" r | "x"',  # the prefix refers to r
        'r: "a" r | "b" -> bee',  # an alias
        'r: "a" r  // more\n | "b"',  # a comment inside the body
        'r: "a" r |',  # an empty alternative
        'r: "a" r | "b" r | "c"',  # two recursive alternatives
        'r[lazy]: "a" r | "b"',  # attributes
    ],
)
def test_no_rewrite_where_it_is_not_sure_to_keep_the_language_or_the_text(rule):
    text = f"start: r\n{rule}\n"
    # GK224 flags list-like recursion only; where it fires here, it offers no rewrite
    assert fixes_of(text, "GK224") == []


# --------------------------------------------------------------------------- GK104


def lark_accepts(grammar: str, text: str) -> bool:
    """Does Python Lark, which expands templates itself, accept ``text``?"""
    import lark

    try:
        lark.Lark(grammar, parser="earley").parse(text)
    except lark.exceptions.LarkError:
        return False
    return True


TEMPLATES = g("""
    start: list | pair{"a", b{x}} | pair{x, x}
    _separated{it, sep}: it (sep it)*
    list: _separated{ITEM, ","} ";" _separated{x, ";"}
    pair{l, r}: l "=" r
        | r
    b{y}: y y
    x: "x"
    ITEM: /[0-9]{1,5}/
    """)


def test_templates_are_expanded_into_plain_rules():
    assert {s for _, s in fixes_of(TEMPLATES, "GK104")} == {"safe"}
    out = fixed(TEMPLATES, select=["GK104"])
    assert out == g("""
        start: list | pair_a_b_x | pair_x_x
        _separated_item_comma: ITEM ("," ITEM)*
        _separated_x_semicolon: x (";" x)*
        list: _separated_item_comma ";" _separated_x_semicolon
        pair_a_b_x: "a" "=" b_x
            | b_x
        pair_x_x: x "=" x
            | x
        b_x: x x
        x: "x"
        ITEM: /[0-9]{1,5}/
        """)
    assert "GK109" not in lint_text(out).codes()
    expanded = EngineMatcher(out)
    for text in ["12,3;x", "12;x;x", "a=xx", "xx", "x=x", "x", "12,;x", "a=x", "12,3;x;", "12;", "1;x"]:
        assert expanded.check(text).accepted == lark_accepts(TEMPLATES, text), text


def test_a_recursive_template_becomes_a_recursive_rule():
    text = 'start: nest{"a"}\nnest{v}: v | "(" nest{v} ")"\n'
    out = fixed(text)
    assert out == 'start: nest_a\nnest_a: "a" | "(" nest_a ")"\n'
    for word in ["a", "(a)", "((a))", "(a", "()"]:
        assert EngineMatcher(out).check(word).accepted == lark_accepts(text, word), word


def test_instance_names_do_not_clash_and_arguments_keep_their_grouping():
    text = 'start: t{"a"} t{"a".."c"} t_a\nt{v}: v+\nt_a: "z"\n'
    out = fixed(text)
    assert out == 'start: t_a_2 t_2 t_a\nt_a_2: "a"+\nt_2: ("a".."c")+\nt_a: "z"\n'
    for word in ["aaz", "aabcz", "az", "abz", "aadz"]:
        assert EngineMatcher(out).check(word).accepted == lark_accepts(text, word), word


@pytest.mark.parametrize(
    "text",
    [
        'start: t{"a"} u{"a"}\nt{v}: v\n',  # u is not defined
        'start: t{"a", "b"}\nt{v}: v\n',  # the wrong number of arguments
        'start: t{"a"}\nt{v}: v | t{u{v}}\nu{x}: x x\n',  # arguments that keep growing
        'start: t{"a"}\nt{v}[lazy]: v\n',
        'start: t{"a"}\nt{v}: v\nv: "v"\n',  # a parameter named like a rule
    ],
)
def test_no_expansion_where_lark_would_not_expand_or_never_finish(text):
    assert fixes_of(text, "GK104") == []


def test_check_fix_expands_templates_through_the_cli(tmp_path, capsys):
    path = tmp_path / "g.lark"
    path.write_text('start: list\n_separated{x, sep}: x (sep x)*\nlist: _separated{ITEM, ","}\nITEM: /[a-z]{1,5}/\n')
    assert main(["check", "--fix", str(path)]) == 0
    assert "Fixed 1 problem." in capsys.readouterr().out
    assert path.read_text() == (
        'start: list\n_separated_item_comma: ITEM ("," ITEM)*\nlist: _separated_item_comma\nITEM: /[a-z]{1,5}/\n'
    )


# --------------------------------------------------------------------------- GK105

UTIL = g("""
    // util grammar
    ident: LETTER (LETTER | DIGIT)*
    LETTER: /[a-z]/
    _sep: ","
    list: ident (_sep ident)*
    unused: "u"
    %import common.DIGIT
    %ignore " "
    """)


def project(tmp_path, grammar: str, util: str = UTIL, name: str = "util.lark"):
    (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / name).write_text(util)
    path = tmp_path / "g.lark"
    path.write_text(grammar)
    return path


def test_a_local_import_is_inlined_as_lark_imports_it(tmp_path):
    import lark

    from grammarkit.lint.fixes import fix_file

    grammar = 'start: list ";" name\n%import .util.list\n%import .util (ident)\nname: ident\n'
    path = project(tmp_path, grammar)
    assert {s for _, s in fixes_of(grammar, "GK105", path=str(path))} == {"safe"}
    assert fixes_of(grammar, "GK105") == []  # not a file: nothing to resolve against
    outcome = fix_file(path)
    assert outcome.skipped == []
    assert path.read_text() == g("""
        start: list ";" name
        // list, ident: inlined from util.lark
        list: ident (_util__sep ident)*
        ident: UTIL__LETTER (UTIL__LETTER | UTIL__DIGIT)*
        UTIL__LETTER: /[a-z]/
        %import common.DIGIT -> UTIL__DIGIT
        _util__sep: ","
        name: ident
        """)
    assert not fix_file(path).changed
    original = lark.Lark(grammar, parser="earley", source_path=str(path))  # Lark reads util.lark itself
    inlined = EngineMatcher(path.read_text())
    for word in ["ab;c", "a1,b2;c", "a;b", "a,b", "1a;b", "a ,b;c", "a;"]:
        try:
            original.parse(word)
            lark_ok = True
        except lark.exceptions.LarkError:
            lark_ok = False
        assert inlined.check(word).accepted == lark_ok, word


def test_an_aliased_import_from_a_package_path(tmp_path):
    from grammarkit.lint.fixes import fix_file

    path = project(tmp_path, "start: W\n%import lex.words.word -> W\n", 'word: "w" A\nA: "a"\n', "lex/words.lark")
    fix_file(path)
    assert path.read_text() == 'start: W\n// W: inlined from lex/words.lark\nW: "w" LEX__WORDS__A\nLEX__WORDS__A: "a"\n'


@pytest.mark.parametrize(
    ("grammar", "util"),
    [
        ("start: list\n%import .missing.list\n", UTIL),  # no such file
        ("start: list\n%import .util.list\nUTIL__LETTER: /x/\n", UTIL),  # the name is taken
        ("start: x\n%import .util.x\n", 'x: "x" y\n'),  # y is undefined
        ("start: x\n%import .util.x\n", 'x: t{"a"}\nt{v}: v\n'),  # templates
        ("start: x\n%import .util.x\n", 'x: "x"\n%import .other.y\n'),  # a further local import
        ("start: x\n%import .util.x\n", 'x: "x" (\n'),  # unreadable
    ],
)
def test_no_inlining_where_lark_would_fail_or_the_file_is_not_simple(tmp_path, grammar, util):
    path = project(tmp_path, grammar, util)
    assert "GK105" in lint_text(grammar, path=str(path)).codes()
    assert fixes_of(grammar, "GK105", path=str(path)) == []


def test_check_fix_inlines_an_import_through_the_cli(tmp_path, capsys):
    path = project(tmp_path, 'start: list\n%import .util.list\n', 'list: "a"+\n')
    assert main(["check", "--fix", "--select", "GK105", str(path)]) == 0
    assert "Fixed 1 problem." in capsys.readouterr().out
    assert path.read_text() == 'start: list\n// list: inlined from util.lark\nlist: "a"+\n'


# --------------------------------------------------------------------------- the CLI


def test_check_fix_deletes_and_counts_through_the_cli(tmp_path, capsys):
    path = tmp_path / "g.lark"
    path.write_text('start: YEAR\nYEAR: D D D D\nunused: "u"\nD: /[0-9]/\n')
    assert main(["check", "--fix", str(path)]) == 0
    assert "Fixed 2 problems." in capsys.readouterr().out
    assert path.read_text() == "start: YEAR\nYEAR: D~4\nD: /[0-9]/\n"
    assert main(["check", "--fix", str(path)]) == 0
    assert "Fixed" not in capsys.readouterr().out


def test_check_fix_rewrites_right_recursion_through_the_cli(tmp_path, capsys):
    path = tmp_path / "g.lark"
    path.write_text('start: items\nitems: item "," items | item\nitem: /[a-z]{1,16}/\n')
    assert main(["check", "--fix", str(path)]) == 0
    assert "Fixed 1 problem." in capsys.readouterr().out
    assert path.read_text() == 'start: items\nitems: item ("," item)*\nitem: /[a-z]{1,16}/\n'
