"""Trees for people and programs (grammarkit/core/trees.py) when the root is a token:
``?start`` that reduces to one token gives Lark a bare Token as the whole tree."""

from __future__ import annotations

import json

from lark import Token

from grammarkit.cli import main
from grammarkit.core.trees import pretty_tree, tree_to_json
from grammarkit.local.parser import LocalParser

INLINED = "?start: NUMBER\n%import common.NUMBER\n"


def test_a_token_root_converts_and_prints():
    tree = LocalParser(INLINED).parse("42")
    assert isinstance(tree, Token)
    assert tree_to_json(tree) == {"token": "NUMBER", "value": "42", "line": 1, "column": 1}
    assert pretty_tree(tree) == "42\n"


def test_parse_json_of_a_token_root(tmp_path, capsys):
    grammar = tmp_path / "n.lark"
    grammar.write_text(INLINED, encoding="utf-8")
    assert main(["parse", str(grammar), "42", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["accepted"] is True
    assert data["tree"] == {"token": "NUMBER", "value": "42", "line": 1, "column": 1}


def test_a_token_root_keeps_the_grammar_s_own_terminal_name():
    # Lark cannot spell MY-NUM; the local parser renames it and must name it back.
    tree = LocalParser("?start: MY-NUM\nMY-NUM: /[0-9]+/\n").parse("42")
    assert tree == Token("MY-NUM", "42") and tree.type == "MY-NUM"
