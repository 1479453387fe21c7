"""GK221 split-free-text: precision (several alternatives, %ignore), witnesses and the fix.
(The first cases and traps are in test_rules_practice.py.)"""

from __future__ import annotations

import pytest
from lintutil import found

from grammarkit.lint.fixes import fix_text
from grammarkit.lint.runner import lint_text
from grammarkit.llg.matcher import EngineMatcher

GUIDE_EXAMPLE = 'start: TEXT "(" TEXT ")" TEXT\nTEXT: /[^\\n]{1,200}/\n'


def gk221(text: str):
    return [d for d in lint_text(text).diagnostics if d.code == "GK221"]


@pytest.mark.parametrize(
    "text, accepted",
    [
        # one alternative of ID can swallow "(", the other cannot: ab(cd) is accepted
        ('start: ID "(" ID ")"\nID: /[a-z]+/ | "\\\\" /[^ \\n]+/\n', "ab(cd)"),
        # %ignore separates the two arguments: a b is accepted by both engines
        ('start: ARG ARG\nARG: /[^ \\n]{1,100}/\n%ignore " "\n', "a b"),
        # a regex alternation is several alternatives too
        ('start: ID "(" ID ")"\nID: /[a-z]+|\\\\[^ \\n]+/\n', "ab(cd)"),
    ],
)
def test_the_overstated_cases_are_not_reported(text, accepted):
    assert found(text, code="GK221") == []
    assert EngineMatcher(text).check(accepted).accepted


def test_any_terminal_that_always_swallows_its_delimiter():
    text = 'start: item+\nitem: WORD "\\n" | "."\nWORD: /[a-z]{1,16}[ \\n]*/\n'
    (d,) = gk221(text)
    assert (d.line, d.column) == (2, 7)
    assert d.message.startswith('terminal WORD in rule item is followed by "\\n", but WORD can go on with "\\n"')
    assert "never ends WORD" in d.message
    assert d.witness is not None and not d.witness.accepted


def test_every_finding_carries_a_witness_llguidance_rejects():
    findings = gk221(GUIDE_EXAMPLE)
    assert [(d.line, d.column) for d in findings] == [(1, 8), (1, 17)]
    m = EngineMatcher(GUIDE_EXAMPLE)
    # the place asked about is written short; the other free text at the length that lets
    # its delimiter follow, so that the input is rejected for the reason the message gives
    long = "a" * 200
    assert [d.witness.input for d in findings] == [f"a({long})a", f"{long}(a)a"]
    for d in findings:
        assert d.witness.accepted is False and not m.check(d.witness.input).accepted
    assert m.check(f"{long}({long})a").accepted
    assert "at its maximum length" in findings[0].message


def test_a_claim_llguidance_contradicts_is_not_reported(monkeypatch):
    from grammarkit.lint.witness import Witnesses

    monkeypatch.setattr(Witnesses, "confirm", lambda self, text, **kw: None)
    assert found(GUIDE_EXAMPLE, code="GK221") == []


def test_with_ignore_the_witness_has_the_ignored_text_too():
    text = 'start: TEXT "(" NAME ")"\nTEXT: /[^\\n]{1,50}/\nNAME: /[a-z]{1,9}/\n%ignore " "\n'
    (d,) = gk221(text)
    assert d.witness.input == "a (a)"  # NAME is not free text: short
    assert "(nor after ignored text)" in d.message


def test_the_fix_adds_the_delimiter_to_the_negated_class():
    (d,) = gk221('start: "say " /.{1,80}/ "!"\n')
    assert d.fix is not None and d.fix.safety == "unsafe"
    assert d.hint.startswith('keep "!" out of the free text: /[^!\\n]{1,80}/')
    outcome = fix_text(GUIDE_EXAMPLE, unsafe=True)
    assert outcome.text == 'start: TEXT "(" TEXT ")" TEXT\nTEXT: /[^)(\\n]{1,200}/\n'
    assert found(outcome.text, code="GK221") == []
    assert EngineMatcher(outcome.text).check("a(b)c").accepted
    # safe fixes only: nothing changes
    assert fix_text(GUIDE_EXAMPLE).text == GUIDE_EXAMPLE


def test_no_fix_when_the_free_text_is_not_one_negated_class():
    (d,) = gk221('start: SENTENCE " and " SENTENCE\nSENTENCE: /[A-Za-z ,]{1,100}/\n')
    assert d.fix is None
    assert d.hint.startswith('keep " " out of the characters SENTENCE can contain')
