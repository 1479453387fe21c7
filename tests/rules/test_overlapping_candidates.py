"""GK222 works out LR contexts only when its lexemes alone allow a claim."""

from __future__ import annotations

import pytest

from grammarkit.analysis.flow import Flow
from grammarkit.lint.runner import lint_text


@pytest.fixture
def contexts_asked(monkeypatch):
    asked = []
    real = Flow.contexts

    def spy(self):
        asked.append(self)
        return real(self)

    monkeypatch.setattr(Flow, "contexts", spy)
    return asked


def codes(text: str) -> list[str]:
    return [d.code for d in lint_text(text).diagnostics]


def test_lexemes_that_cannot_meet_need_no_contexts(contexts_asked):
    # NAME starts with a letter, NUMBER with a digit, the rest are keywords
    assert codes('start: "set" (NAME | NUMBER)\nNAME: /[a-z]{1,8}/\nNUMBER: /[0-9]{1,4}/\n') == []
    assert contexts_asked == []


@pytest.mark.parametrize(
    "text",
    [
        # two languages whose first characters meet: a pair
        'start: NAME | HEX\nNAME: /[a-z]{1,8}/\nHEX: /[a-f0-9]{1,4}/\n',
        # two terminals of the same language: a group
        'start: A | B\nA: /[a-z]{1,3}/\nB: /[a-z]{1,3}/\n',
        # an %ignore that takes what a terminal matches
        'start: "a" NUM\nNUM: /[0-9]{1,3}/\n%ignore /[0-9]/\n',
    ],
)
def test_a_possible_claim_is_still_looked_for(contexts_asked, text):
    assert "GK222" in codes(text)
    assert contexts_asked
