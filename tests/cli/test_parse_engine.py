"""`grammarkit parse --engine both|llguidance|lark`: which engines run, what the output
says about it, and the exit statuses."""

from __future__ import annotations

import json

import pytest
from parseutil import ARITH, GRAMMARS, GREEDY, TIMESTAMP, run

from grammarkit.cli import main
from grammarkit.llg.matcher import EngineMatcher
from grammarkit.verdict import judge

LLG_HEAD = "engine: llguidance only (the local Lark parser did not run: no parse tree)"
LARK_HEAD = "engine: lark only (llguidance did not run: whether the model can emit this is unchecked)"


def doc_of(capsys, *args):
    code, out, err = run(capsys, *args, "--format", "json")
    return code, json.loads(out), err


def test_both_is_the_default_and_lists_both_engines(capsys):
    default = run(capsys, ARITH, "1+2")
    assert run(capsys, ARITH, "1+2", "--engine", "both") == default
    assert default[0] == 0 and default[1].startswith("start\n  add\n")  # no engine line: as before
    code, doc, _ = doc_of(capsys, ARITH, "1+2")
    assert code == 0
    assert doc["engines_run"] == ["llguidance", "lark"]
    assert doc["engines"] == {"llguidance": True, "lark": True} and doc["tree"]["rule"] == "start"


def test_llguidance_alone_has_no_tree(capsys):
    code, out, err = run(capsys, ARITH, "1+2", "--engine", "llguidance")
    assert (code, err) == (0, "")
    assert out.splitlines() == [LLG_HEAD, 'accepted: "1+2"']
    code, doc, _ = doc_of(capsys, ARITH, "1+2", "--engine", "llguidance")
    assert code == 0
    assert doc["engines_run"] == ["llguidance"]
    assert doc["engines"] == {"llguidance": True, "lark": None}
    assert doc["accepted"] is True and doc["tree"] is None and doc["notes"] == []


def test_llguidance_alone_rejects_with_exit_1(capsys):
    code, out, _ = run(capsys, ARITH, "1+x", "--engine", "llguidance")
    assert code == 1
    assert out.splitlines()[:2] == [LLG_HEAD, "input:1:3: unexpected 'x'"]
    code, doc, _ = doc_of(capsys, ARITH, "1+x", "--engine", "llguidance")
    assert code == 1 and doc["accepted"] is False
    assert doc["error"]["engine"] == "llguidance" and doc["error"]["column"] == 3
    assert doc["lark_error"] is None


def test_lark_alone_gives_the_tree(capsys):
    code, out, err = run(capsys, ARITH, "(1+2)*3", "--engine", "lark")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == LARK_HEAD and lines[1:3] == ["start", "  mul"]
    code, doc, _ = doc_of(capsys, ARITH, "(1+2)*3", "--engine", "lark")
    assert code == 0
    assert doc["engines_run"] == ["lark"]
    assert doc["engines"] == {"llguidance": None, "lark": True}
    assert doc["accepted"] is True and doc["tree"]["children"][0]["rule"] == "mul"


def test_lark_alone_rejects_with_its_own_error(capsys):
    code, out, _ = run(capsys, ARITH, "1+x", "--engine", "lark")
    assert code == 1
    assert out.splitlines() == [
        LARK_HEAD,
        "input:1:3: unexpected 'x'",
        " 1 | 1+x",
        "   |   ^",
        '  = expected: " ", "(", "-", NUMBER',
    ]
    code, doc, _ = doc_of(capsys, ARITH, "1+x", "--engine", "lark")
    assert code == 1 and doc["accepted"] is False
    assert doc["error"] is None and doc["lark_error"]["engine"] == "lark"


def test_the_engine_asked_for_decides_where_they_disagree(grammar_file, capsys):
    g = grammar_file(GREEDY)
    # "ab": Lark accepts, llguidance rejects; "abb" the other way round
    assert run(capsys, g, "ab")[0] == 1  # both: llguidance decides
    assert run(capsys, g, "ab", "--engine", "llguidance")[0] == 1
    code, out, err = run(capsys, g, "ab", "--engine", "lark")
    assert code == 0 and out.splitlines()[1] == "start\ta" and err == ""  # no disagreement note: one engine
    assert run(capsys, g, "abb")[0] == 0
    assert run(capsys, g, "abb", "--engine", "llguidance")[:2] == (0, f'{LLG_HEAD}\naccepted: "abb"\n')
    assert run(capsys, g, "abb", "--engine", "lark")[0] == 1
    code, doc, _ = doc_of(capsys, g, "ab", "--engine", "lark")
    assert doc["notes"] == [] and doc["engines"] == {"llguidance": None, "lark": True}


def test_lark_alone_parses_a_grammar_llguidance_rejects(grammar_file, capsys):
    g = grammar_file('start: A B\nA: "a"\nB.2: "b"\n')  # llguidance has no terminal priorities
    code, _, err = run(capsys, g, "ab")
    assert code == 2 and "llguidance rejects the grammar" in err
    code, out, err = run(capsys, g, "ab", "--engine", "lark")
    assert (code, err) == (0, "") and out.splitlines()[:2] == [LARK_HEAD, "start"]


def test_lark_alone_cannot_judge_regex_or_grammars_without_a_lark_equivalent(grammar_file, capsys):
    code, out, err = run(capsys, TIMESTAMP, "2024-02-29T12:00:00Z", "--engine", "lark")
    assert (code, out) == (2, "")
    assert err == (
        f"grammarkit: error: {TIMESTAMP}: a regex grammar has no Lark parser (use --engine llguidance or both)\n"
    )
    g = grammar_file('start: %json {"type": "integer"}\n')
    code, out, err = run(capsys, g, "42", "--engine", "lark")
    assert (code, out) == (2, "")
    assert err == f"grammarkit: error: {g}: the local Lark parser is unavailable: no Lark equivalent for %json (at 1:8)\n"
    # llguidance alone needs no Lark parser, and notes nothing about it
    assert run(capsys, g, "42", "--engine", "llguidance") == (0, f'{LLG_HEAD}\naccepted: "42"\n', "")


def test_lark_alone_explains_a_final_newline(tmp_path, capsys):
    f = tmp_path / "in.txt"
    f.write_text("1+2\n")
    code, out, err = run(capsys, ARITH, "-f", f, "--engine", "lark")
    assert code == 1 and out.splitlines()[1] == f"{f}:1:4: unexpected '\\n'"
    assert "without it the input is accepted" in err
    assert run(capsys, ARITH, "-f", f, "--engine", "lark", "--strip-newline")[0] == 0


def test_unknown_engine_is_a_usage_error(capsys):
    code, out, err = run(capsys, ARITH, "1", "--engine", "auto")
    assert (code, out) == (2, "") and err.startswith("grammarkit: error:") and err.count("\n") == 1


def test_help_lists_the_engines(capsys):
    assert main(["parse", "--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "--engine <both|llguidance|lark>" in out and "llguidance alone (no tree)" in out


def test_judge_with_one_engine():
    grammar = (GRAMMARS / "arithmetic.lark").read_text(encoding="utf-8")
    lark_only = judge("1+2", None, grammar, "lark", engines=("lark",))
    assert lark_only.accepted and lark_only.tree is not None and lark_only.engines_run == ["lark"]
    assert lark_only.to_dict()["engines"] == {"llguidance": None, "lark": True}
    llg_only = judge("1+2", EngineMatcher(grammar), grammar, "lark", engines=("llguidance",))
    assert llg_only.accepted and llg_only.tree is None and llg_only.engines_run == ["llguidance"]
    nobody = judge("x", None, "x", "regex", engines=("lark",))
    assert nobody.engines_run == [] and not nobody.accepted and "regex" in (nobody.lark_unavailable or "")
    with pytest.raises(ValueError):
        judge("1", None, grammar, "lark")  # llguidance needs its matcher
    with pytest.raises(ValueError):
        judge("1", None, grammar, "lark", engines=())
