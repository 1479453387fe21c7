"""GK110 empty-language and GK231 rule-never-completes: grammars (and rules) under which
llguidance can never complete an input, claimed only after llguidance found no input."""

from __future__ import annotations

import pytest
from lintutil import found

from grammarkit.lint.runner import lint_text
from grammarkit.llg.matcher import EngineMatcher

SWALLOWED = 'start: ID "\\n"\nID: /[a-z]{1,8}/ WS\nWS: /[ \\n]*/\n'


def only(text: str, code: str):
    (d,) = [d for d in lint_text(text).diagnostics if d.code == code]
    return d


def test_the_brief_example_is_an_error_at_the_terminal():
    assert found(SWALLOWED, code="GK110") == [("GK110", 1, 8)]
    d = only(SWALLOWED, "GK110")
    assert d.is_error
    assert d.message.startswith('no input can ever be completed: ID always goes on with "\\n"')
    assert "in rule start" in d.message and "token limit" in d.message
    assert d.witness is not None and d.witness.input == "a\n" and not d.witness.accepted
    assert not lint_text(SWALLOWED).ok  # exit status 1, not 0


def test_llguidance_agrees_that_nothing_completes():
    m = EngineMatcher(SWALLOWED)
    for text in ["a\n", "a \n", "abcdefgh\n", "a\n\n", "a"]:
        assert not m.check(text).accepted
    # the newline can always be read as more ID: the input never ends
    allowed, can_end = m.allowed_after(b"a\n")
    assert not can_end and ord("\n") in allowed


@pytest.mark.parametrize(
    "text, expected",
    [
        (SWALLOWED, [("GK110", 1, 8)]),
        # unbounded free text before a delimiter it contains
        ('start: part "(" NAME ")"\npart: TEXT\nTEXT: /[^\\n]+/\nNAME: /[a-z]{1,9}/\n', [("GK110", 2, 7)]),
        # start only goes on with itself
        ('start: "x" start\n', [("GK110", 1, 1)]),
        ('start: a\na: "x" a | "y" b\nb: "z" b\n', [("GK110", 1, 1)]),
        # in a nested grammar
        ('start: sub\nsub: %lark {\n  start: ID "\\n"\n  ID: /[a-z]{1,8}[ \\n]*/\n}\n', [("GK110", 3, 10)]),
    ],
)
def test_empty_language_fires(text, expected):
    assert found(text, code="GK110") == expected


@pytest.mark.parametrize(
    "text",
    [
        'start: ID "\\n"\nID: /[a-z]{1,8}/\n',
        # bounded free text: the delimiter can follow a maximal match (GK221 warns instead)
        'start: TEXT "(" TEXT ")"\nTEXT: /[^\\n]{1,20}/\n',
        # llama.cpp's arithmetic.gbnf through gbnf_to_lark: "a=(a)\\n" is accepted, because the
        # WS after ")" may match nothing (GK221 warns about IDENT and NUM)
        '%llguidance {}\n\nstart: (expr "=" WS term "\\n")+\nexpr: term (/[-+*\\/]/ term)*\n\n'
        'term: IDENT\n     | NUM\n     | "(" WS expr ")" WS\n\nIDENT: /[a-z]/ /[a-z0-9_]/* WS\n'
        "NUM: /[0-9]/+ WS\nWS: /[ \\t\\n]/*\n",
        # %ignore separates what the terminal would otherwise swallow
        'start: ARG ARG\nARG: /[^ \\n]{1,100}/\n%ignore " "\n',
        # a lazy terminal ends at its first match
        'start: body "END"\nbody[lazy]: /(.|\\n){0,500}END/\n',
        # several alternatives: one of them can end before "("
        'start: ID "(" ID ")"\nID: /[a-z]+/ | "\\\\" /[^ \\n]+/\n',
    ],
)
def test_empty_language_traps(text):
    assert found(text, code="GK110") == []


def test_arithmetic_from_llama_cpp_is_not_empty():
    grammar = (
        '%llguidance {}\n\nstart: (expr "=" WS term "\\n")+\nexpr: term (/[-+*\\/]/ term)*\n\n'
        'term: IDENT\n     | NUM\n     | "(" WS expr ")" WS\n\nIDENT: /[a-z]/ /[a-z0-9_]/* WS\n'
        "NUM: /[0-9]/+ WS\nWS: /[ \\t\\n]/*\n"
    )
    m = EngineMatcher(grammar)
    assert m.check("a=(a)\n").accepted and not m.check("a=a\n").accepted
    got = found(grammar, code="GK221")
    assert ("GK221", 6, 7) in got and ("GK221", 7, 8) in got  # IDENT and NUM swallow the "\n"


def test_a_wrong_analysis_is_refuted_by_llguidance(monkeypatch):
    # When llguidance finds an accepted input, the claim is dropped, whatever the analysis says.
    from grammarkit.lint.witness import Witnesses

    monkeypatch.setattr(Witnesses, "find_accepted", lambda self, candidates, scope=None, budget=None: "x")
    assert found(SWALLOWED, code="GK110") == []


def test_not_reported_when_llguidance_rejects_the_grammar():
    assert found('start: ID "\\n" undefined\nID: /[a-z]{1,8}[ \\n]*/\n', code="GK110") == []


# --------------------------------------------------------------------------- GK231

NEVER = 'start: command | "quit"\ncommand: WORD "\\n"\nWORD: /[a-z]{1,16}[ \\n]*/\n'


def test_rule_that_never_completes_is_a_warning_at_the_rule():
    assert found(NEVER, code="GK231") == [("GK231", 2, 1)]
    assert found(NEVER, code="GK110") == []
    d = only(NEVER, "GK231")
    assert not d.is_error
    assert d.message.startswith('rule command can never be completed: WORD always goes on with "\\n"')
    assert d.witness is not None and d.witness.input == "a\n" and not d.witness.accepted
    m = EngineMatcher(NEVER)
    assert m.check("quit").accepted and not m.check("a\n").accepted


@pytest.mark.parametrize(
    "text",
    [
        'start: command | "quit"\ncommand: WORD "\\n"\nWORD: /[a-z]{1,16}[ ]*/\n',
        SWALLOWED,  # nothing completes at all: GK110, not GK231
        'start: a | "q"\na: "x" a\n',  # never ends, but there is no input to show
    ],
)
def test_rule_never_completes_traps(text):
    assert found(text, code="GK231") == []
