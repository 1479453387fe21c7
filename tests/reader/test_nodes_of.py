"""Grammar.nodes_of: the nodes of some classes, as a walk of the whole model finds them."""

from __future__ import annotations

from pathlib import Path

import pytest

from grammarkit.reader import model as m
from grammarkit.reader import read_grammar

GRAMMARS = sorted((Path(__file__).resolve().parents[2] / "grammars").glob("*.lark"))

TEXT = """\
%import common.WS
%import common (DIGIT, LETTER)
%declare X
%ignore WS
start: a{"x"} B | C -> alias
a{t}: t "y" /z+/
B.2: /b/i
%override C: "c" | %lark { start: /n/ }
"""

KINDS = [
    (m.Definition,),
    (m.RegexLiteral,),
    (m.Import,),
    (m.NameRef, m.TemplateUsage),
    (m.Declare, m.Ignore, m.Override),
    (m.NestedLark,),
    (m.Node,),
]


@pytest.mark.parametrize("text", [TEXT, *(p.read_text(encoding="utf-8") for p in GRAMMARS)])
@pytest.mark.parametrize("kinds", KINDS, ids=lambda ks: "+".join(k.__name__ for k in ks))
def test_nodes_of_is_the_filtered_walk(text, kinds):
    grammar = read_grammar(text).grammar
    walked = [n for n in grammar.nodes() if isinstance(n, kinds)]
    found = grammar.nodes_of(*kinds)
    assert len(found) == len(walked)
    assert all(a is b for a, b in zip(found, walked, strict=True))


def test_the_test_text_has_every_kind_asked_for():
    grammar = read_grammar(TEXT).grammar
    for kinds in KINDS:
        assert grammar.nodes_of(*kinds), kinds
