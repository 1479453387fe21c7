"""Sentences built from the rules (candidate witnesses) and the greedy-lexing analysis."""

from __future__ import annotations

from grammarkit.analysis import Analysis
from grammarkit.reader import read_grammar


def analysed(text: str):
    a = Analysis(read_grammar(text).grammar)
    scope = a.scopes[0]
    return a, scope, a.greedy(scope), a.sentences(scope)


def text_of(sentences, sentence, overrides=None) -> str:
    rendered = sentences.render(sentence, overrides)
    assert rendered is not None
    return rendered.text


def test_shortest_input_prefers_letters_and_cheap_alternatives():
    _, _, _, s = analysed('start: item ("," item)*\nitem: NAME | "long-keyword"\nNAME: /[a-z]{1,9}/\n')
    assert text_of(s, s.shortest()) == "a"


def test_through_a_place_with_its_follower():
    a, scope, g, s = analysed('start: TEXT ["(" NOTE ")"] "\\n"\nTEXT: /[^\\n]{1,99}/\nNOTE: /[a-z]{1,9}/\n')
    flow = a.flow(scope)
    i, pos = next((i, pos) for i, p in enumerate(flow.prods) for pos, sym in enumerate(p.rhs) if sym == ("T", "TEXT"))
    paren = ("L", "(", "")
    sentence = s.through(i, pos, paren)
    # TEXT only ends before "(" at its maximum length: written at that length
    assert text_of(s, sentence) == "a" * 99 + "(a)\n"
    assert text_of(s, sentence, {sentence.slot: "x"}) == "x(a)\n"
    assert sentence.tokens[sentence.follower][0] == paren
    newline = ("L", "\n", "")
    assert text_of(s, s.through(i, pos, newline)) == "a\n"


def test_follower_from_the_rule_that_uses_it():
    a, scope, g, s = analysed('start: part "(" NAME ")"\npart: TEXT\nTEXT: /[^\\n]{1,9}/\nNAME: /[a-z]{1,9}/\n')
    flow = a.flow(scope)
    i = next(i for i, p in enumerate(flow.prods) if p.lhs == "part")
    sentence = s.through(i, 0, ("L", "(", ""))
    assert text_of(s, sentence, {sentence.slot: "x y"}) == "x y(a)"


def test_ignore_separates_lexemes_that_would_run_together():
    _, _, _, s = analysed('start: NAME NAME "!"\nNAME: /[a-z]{1,9}/\n%ignore " "\n')
    assert text_of(s, s.shortest()) == "a a!"


def test_nullable_terminals_are_left_out():
    _, _, _, s = analysed('start: "a" WS "b"\nWS: /[ ]*/\n')
    assert text_of(s, s.shortest()) == "ab"


def test_greedy_follow():
    _, _, g, _ = analysed(
        'start: TEXT "(" ID ")" LONG "\\n" WORD "x"\nTEXT: /[^\\n]{1,20}/\nID: /[a-z]+/ | "\\\\" /[^ \\n]+/\n'
        "LONG: /[a-z]{1,8}[ \\n]*/\nWORD: /[a-z]{2}/\n"
    )
    paren, close, nl, x = ("L", "(", ""), ("L", ")", ""), ("L", "\n", ""), ("L", "x", "")
    assert g.follow(("T", "TEXT"), paren) == "at-limit"  # only once TEXT is 20 characters long
    assert g.follow(("T", "ID"), close) == "free"  # "ab" cannot go on with ")"
    assert g.follow(("T", "LONG"), nl) == "never"
    assert g.follow(("T", "WORD"), x) == "free"  # a fixed-length token always ends
    assert set(g.blocked()) == {(("T", "LONG"), nl)}


def test_ignore_lets_the_delimiter_follow():
    _, _, g, _ = analysed('start: ARG ARG\nARG: /[^ \\n]{1,100}/\n%ignore " "\n')
    assert g.follow(("T", "ARG"), ("T", "ARG")) == "free"


def test_completable():
    _, _, g, _ = analysed('start: ID "\\n" | "q"\nID: /[a-z]{1,8}[ \\n]*/\n')
    assert g.completable()["start"]
    _, _, g, _ = analysed('start: ID "\\n"\nID: /[a-z]{1,8}[ \\n]*/\n')
    assert not g.completable()["start"]
