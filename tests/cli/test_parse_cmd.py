"""`grammarkit parse`: trees, located rejections, engine disagreements, inputs, exit statuses."""

from __future__ import annotations

import json

import pytest
from lark import Token, Tree
from parseutil import ARITH, GRAMMARS, GREEDY, TIMESTAMP, run

from grammarkit.core.rejection import InputRejected
from grammarkit.core.trees import pretty_tree, tree_to_json
from grammarkit.llg.matcher import EngineMatcher
from grammarkit.local.parser import LocalParser

JSON_GRAMMAR = 'start: %json {"type": "integer"}\n'
LINES = 'start: LINE ("\\n" LINE)*\nLINE: /[a-zé]{1,10}/\n'


# --------------------------------------------------------------------------- accepted


def test_accepted_prints_the_tree_and_exits_0(capsys):
    code, out, err = run(capsys, ARITH, "(1 + 2)*3")
    assert code == 0, err
    expected = LocalParser((GRAMMARS / "arithmetic.lark").read_text()).parse("(1 + 2)*3").pretty()
    assert out == expected
    assert out.splitlines()[:2] == ["start", "  mul"]
    assert err == ""


def test_json_shape_of_an_accepted_input(capsys):
    code, out, _ = run(capsys, ARITH, "1+2", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert set(doc) >= {"accepted", "tree", "error", "engines"}
    assert doc["accepted"] is True and doc["error"] is None
    assert doc["engines"] == {"llguidance": True, "lark": True}
    assert doc["tree"] == {
        "rule": "start",
        "children": [
            {
                "rule": "add",
                "children": [
                    {"token": "NUMBER", "value": "1", "line": 1, "column": 1},
                    {"token": "NUMBER", "value": "2", "line": 1, "column": 3},
                ],
            }
        ],
    }


# --------------------------------------------------------------------------- rejected


def test_rejection_is_located_with_snippet_and_expected(capsys):
    code, out, err = run(capsys, ARITH, "1 + x")
    assert code == 1
    assert out.splitlines() == [
        "input:1:5: unexpected 'x'",
        " 1 | 1 + x",
        "   |     ^",
        '  = expected: "(", "-", [0-9]',
    ]
    assert err == ""  # both engines reject: nothing to say about them


def test_input_that_ends_too_early(capsys):
    code, out, _ = run(capsys, ARITH, "1 +", "--format", "json")
    assert code == 1
    doc = json.loads(out)
    assert doc["accepted"] is False and doc["tree"] is None
    assert doc["engines"] == {"llguidance": False, "lark": False}
    assert doc["error"] == {
        "engine": "llguidance",
        "kind": "incomplete",
        "message": 'the input ends too early; expected " ", "(", "-", [0-9]',
        "line": 1,
        "column": 4,
        "offset": 3,
        "byte_offset": 3,
        "found": "",
        "allowed": ['" "', '"("', '"-"', "[0-9]"],
        "expected": [],
        "at_end": True,
    }


def test_location_counts_lines_and_characters_not_bytes(grammar_file, capsys):
    g = grammar_file(LINES)
    text = "éa\néé9"  # the "9": 3rd character of line 2, 6th of the input, byte 8
    code, out, _ = run(capsys, g, text, "--format", "json")
    assert code == 1
    err = json.loads(out)["error"]
    assert (err["line"], err["column"], err["offset"], err["byte_offset"], err["found"]) == (2, 3, 5, 8, "9")
    code, out, _ = run(capsys, g, text)
    assert out.splitlines()[:3] == ["input:2:3: unexpected '9'", " 2 | éé9", "   |   ^"]


def test_control_characters_in_the_snippet_are_escaped(grammar_file, capsys):
    g = grammar_file(LINES)
    code, out, _ = run(capsys, g, "a\tb")
    assert code == 1
    assert out.splitlines()[:3] == ["input:1:2: unexpected '\\t'", " 1 | a\\tb", "   |  ^"]


# --------------------------------------------------------------------------- the engines


def test_the_disagreement_grammar_really_splits_the_engines():
    engine, local = EngineMatcher(GREEDY), LocalParser(GREEDY)
    assert not engine.accepts("ab") and isinstance(local.parse("ab"), Tree)
    assert engine.accepts("abb")
    with pytest.raises(InputRejected):
        local.parse("abb")


def test_lark_accepts_what_llguidance_rejects(grammar_file, capsys):
    g = grammar_file(GREEDY)
    code, out, err = run(capsys, g, "ab")
    assert code == 1  # llguidance decides
    assert out.splitlines() == ["input:1:3: the input ends too early", " 1 | ab", "   |   ^", '  = expected: "b"']
    assert err.splitlines() == [
        "grammarkit: note: the local Lark parser accepts this input but llguidance rejects it "
        "(the model cannot emit it)"
    ]
    doc = json.loads(run(capsys, g, "ab", "--format", "json")[1])
    assert doc["accepted"] is False and doc["engines"] == {"llguidance": False, "lark": True}
    assert doc["tree"] == {"rule": "start", "children": [{"token": "A", "value": "a", "line": 1, "column": 1}]}


def test_llguidance_accepts_what_lark_rejects(grammar_file, capsys):
    g = grammar_file(GREEDY)
    code, out, err = run(capsys, g, "abb")
    assert code == 0
    assert out == 'accepted: "abb"\n'  # no tree: Lark has none
    assert err.splitlines() == [
        "grammarkit: note: llguidance accepts this input but the local Lark parser rejects it: "
        "1:3: unexpected 'b'"
    ]
    doc = json.loads(run(capsys, g, "abb", "--format", "json")[1])
    assert doc["engines"] == {"llguidance": True, "lark": False}
    assert doc["tree"] is None and doc["error"] is None
    assert doc["lark_error"]["column"] == 3


def test_unavailable_local_parser_is_one_line_and_llguidance_decides(grammar_file, capsys):
    g = grammar_file(JSON_GRAMMAR)
    code, out, err = run(capsys, g, "42")
    assert code == 0
    assert out == 'accepted: "42"\n'
    assert err.splitlines() == [
        "grammarkit: note: no parse tree: the local Lark parser is unavailable (no Lark equivalent for %json (at 1:8))"
    ]
    code, out, err = run(capsys, g, "4x", "--format", "json")
    assert code == 1
    doc = json.loads(out)
    assert doc["engines"] == {"llguidance": False, "lark": None}
    assert doc["tree"] is None
    assert (doc["error"]["line"], doc["error"]["column"]) == (1, 2)
    assert len(doc["notes"]) == 1 and "unavailable" in doc["notes"][0]


def test_regex_grammar_has_no_tree(capsys):
    code, out, err = run(capsys, TIMESTAMP, "2024-02-29T23:59:60Z")
    assert code == 1 and out.startswith("input:1:18: unexpected '6'")
    code, out, err = run(capsys, TIMESTAMP, "2024-02-29T23:59:59.5+01:00")
    assert code == 0 and out == 'accepted: "2024-02-29T23:59:59.5+01:00"\n' and err == ""
    doc = json.loads(run(capsys, TIMESTAMP, "2024-02-29T23:59:59Z", "--format", "json")[1])
    assert doc == {
        "accepted": True,
        "tree": None,
        "error": None,
        "engines": {"llguidance": True, "lark": None},
        "lark_error": None,
        "notes": [],
        "engines_run": ["llguidance"],
    }


def test_syntax_option_overrides_the_suffix(grammar_file, capsys):
    g = grammar_file("[a-c]{2}\n", name="pattern.txt")
    assert run(capsys, g, "ab", "--syntax", "regex")[0] == 0  # one trailing newline is dropped
    assert run(capsys, g, "ad", "--syntax", "regex")[0] == 1
    assert run(capsys, g, "ab")[0] == 2  # read as Lark, llguidance rejects it


def test_dead_end_leaves_the_matcher_usable(capsys):
    # llguidance's mask allows "a" first, but nothing can follow it; computing the mask
    # there puts a matcher in an error state that even reset() keeps.
    from grammarkit.verdict import judge

    grammar = 'start: A B | "z"\nA: /[a]/\nB: /[^\\x00-\\x{10FFFF}]/\n'
    matcher = EngineMatcher(grammar)
    report = judge("ab", matcher, grammar, "lark")
    assert not report.accepted and report.rejection is not None
    assert (report.rejection.column, report.rejection.allowed) == (2, [])
    assert matcher.accepts("z")
    report = judge("b", matcher, grammar, "lark")
    assert report.rejection is not None and report.rejection.allowed == ['"a"', '"z"']


# --------------------------------------------------------------------------- inputs


def test_input_from_standard_input(capsys, monkeypatch):
    code, out, _ = run(capsys, ARITH, "-", stdin=b"2*3", monkeypatch=monkeypatch)
    assert code == 0 and out.startswith("start\n  mul\n")
    code, out, _ = run(capsys, ARITH, "--input-file", "-", stdin=b"2*", monkeypatch=monkeypatch)
    assert code == 1 and out.startswith("<stdin>:1:3: the input ends too early")


def test_trailing_newline_is_kept_but_explained(capsys, monkeypatch):
    code, out, err = run(capsys, ARITH, "-", stdin=b"1+2\n", monkeypatch=monkeypatch)
    assert code == 1 and out.startswith("<stdin>:1:4: unexpected '\\n'")
    assert "without it the input is accepted" in err and "--strip-newline" in err
    code, out, _ = run(capsys, ARITH, "-", "--strip-newline", stdin=b"1+2\n", monkeypatch=monkeypatch)
    assert code == 0


def test_input_file(tmp_path, capsys):
    f = tmp_path / "in.txt"
    f.write_bytes(b"1 +\n(2)")
    code, out, _ = run(capsys, ARITH, "--input-file", f)
    assert code == 1 and out.splitlines()[0] == f"{f}:1:4: unexpected '\\n'"
    f.write_bytes(b"-(2)")
    code, out, _ = run(capsys, ARITH, "-f", f)
    assert code == 0 and out.splitlines()[:2] == ["start", "  neg\t2"]


def test_grammar_from_standard_input(capsys, monkeypatch):
    code, out, _ = run(capsys, "-", "xy", stdin=b'start: "x" "y"\n', monkeypatch=monkeypatch)
    assert code == 0 and out == "start\n"


# --------------------------------------------------------------------------- exit 2


@pytest.mark.parametrize(
    "args, message",
    [
        ([ARITH], "no input: give it as an argument, '-' for standard input, or --input-file FILE"),
        ([ARITH, "1", "--input-file", "x"], "give the input either as an argument or with --input-file, not both"),
        (["-", "-"], "the grammar and the input cannot both come from standard input"),
        ([str(GRAMMARS / "missing.lark"), "1"], f"{GRAMMARS / 'missing.lark'}: no such file"),
        ([ARITH, "--input-file", "/nonexistent/in.txt"], "/nonexistent/in.txt: no such file"),
    ],
)
def test_usage_problems_exit_2_with_one_line(capsys, args, message):
    code, out, err = run(capsys, *args)
    assert code == 2
    assert out == ""
    assert err == f"grammarkit: error: {message}\n"


def test_non_utf8_input_file_exits_2(tmp_path, capsys):
    f = tmp_path / "in.bin"
    f.write_bytes(b"1+\xff")
    code, out, err = run(capsys, ARITH, "--input-file", f)
    assert code == 2 and out == ""
    assert err == f"grammarkit: error: {f}: not valid UTF-8 (byte 0xff at offset 2, line 1)\n"


def test_grammar_llguidance_rejects_exits_2(grammar_file, capsys):
    g = grammar_file('start: A\nA: /(?=x)y/\n')
    code, out, err = run(capsys, g, "y")
    assert code == 2 and out == ""
    assert err.startswith(f"grammarkit: error: {g}: llguidance rejects the grammar: invalid regex")
    assert err.count("\n") == 1 and "Traceback" not in err


def test_unknown_option_is_a_usage_error(capsys):
    code, _, err = run(capsys, ARITH, "1", "--format", "xml")
    assert code == 2 and err.startswith("grammarkit: error:") and err.count("\n") == 1


# --------------------------------------------------------------------------- rendering


def test_pretty_tree_matches_lark_and_escapes_control_characters():
    tree = LocalParser((GRAMMARS / "sql_select.lark").read_text()).parse("SELECT a, b FROM t LIMIT 3;")
    assert pretty_tree(tree) == tree.pretty()
    odd = Tree("start", [Token("X", "a\nb"), Tree("r", [Token("Y", "\x1b[31m")])])
    assert pretty_tree(odd) == "start\n  a\\nb\n  r\t\\x1b[31m\n"


def test_deep_trees_render_without_recursion():
    tree: Tree = Tree("leaf", [Token("N", "1")])
    for _ in range(5000):
        tree = Tree("add", [tree, Token("N", "1")])
    text = pretty_tree(tree)
    assert text.count("\n") == 10001
    doc = tree_to_json(tree)
    depth = 0
    while doc.get("children"):
        doc = doc["children"][0]
        depth += 1
    assert depth == 5001 and doc == {"token": "N", "value": "1", "line": None, "column": None}


def test_json_tree_of_a_long_input_is_not_too_deep(tmp_path, capsys):
    # A 1,200-term sum is a tree 1,200 levels deep, past the default recursion limit.
    from grammarkit.cli import main as cli_main

    p = tmp_path / "sum.txt"
    p.write_text("+".join(["1"] * 1200), encoding="utf-8")
    code = cli_main(["parse", str(GRAMMARS / "arithmetic.lark"), "--input-file", str(p), "--format", "json"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith('{\n  "accepted": true,')
    assert out.count('"rule": "add"') == 1199  # one node per "+": complete, not cut off
