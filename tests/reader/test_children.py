"""Each model class's own ``children()`` returns what the generic, field-based reading
(``model.field_children``) returns: the same nodes, in the same order, for every node of
every bundled grammar and of the reader snapshot texts; and ``walk`` and
``Grammar.nodes()`` visit them in the same pre-order as a walk built on the generic
reading."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from grammarkit.reader import model as m
from grammarkit.reader import read_grammar

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SOURCES = {f"grammars-{p.stem}": p for p in sorted((ROOT / "grammars").glob("*.lark"))}
SOURCES.update({p.stem: p for p in sorted((HERE / "fixtures" / "models").glob("*.json"))})


def _text(path: Path) -> str:
    if path.suffix == ".json":
        return json.loads(path.read_text(encoding="utf-8"))["text"]
    return path.read_text(encoding="utf-8")


def _generic_walk(node: m.Node) -> list[m.Node]:
    out = [node]
    for child in m.field_children(node):
        out.extend(_generic_walk(child))
    return out


def _same_nodes(got: list[m.Node], want: list[m.Node]) -> bool:
    return len(got) == len(want) and all(a is b for a, b in zip(got, want, strict=True))


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_children_equal_the_field_based_children(name: str):
    grammar = read_grammar(_text(SOURCES[name])).grammar
    expected = [node for item in grammar.items for node in _generic_walk(item)]
    assert _same_nodes(grammar.nodes(), expected)
    assert _same_nodes([node for item in grammar.items for node in m.walk(item)], expected)
    for node in expected:
        fast, generic = node.children(), m.field_children(node)
        assert _same_nodes(fast, generic), node
        assert fast is not node.children()  # a new list each time: callers may change it


def test_every_model_class_has_its_own_children_and_is_covered():
    classes = {cls for cls in vars(m).values() if isinstance(cls, type) and issubclass(cls, m.Node)} - {m.Node}
    assert all("children" in vars(cls) for cls in classes)
    seen = set()
    for path in SOURCES.values():
        seen.update(type(node) for node in read_grammar(_text(path)).grammar.nodes())
    assert seen == classes


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_children_equal_on_partly_read_texts(name: str):
    """The same on texts with syntax errors (what the reader keeps of them)."""
    text = _text(SOURCES[name])
    if not text:
        return
    rng = random.Random(name)
    for _ in range(10):
        i = rng.randrange(len(text))
        variant = text[:i] + rng.choice(["(", "]", "|", "{", '"', "\n", "%lark {", "->", "~"]) + text[i:]
        grammar = read_grammar(variant).grammar
        expected = [node for item in grammar.items for node in _generic_walk(item)]
        assert _same_nodes(grammar.nodes(), expected), variant
        for node in expected:
            assert _same_nodes(node.children(), m.field_children(node)), node
