"""Fixtures shared by the command-line tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def grammar_file(tmp_path):
    """``make(text, name="g.lark")``: the path (a string) of a grammar file holding ``text``."""

    def make(text: str, name: str = "g.lark") -> str:
        p = tmp_path / name
        p.write_text(text, encoding="utf-8")
        return str(p)

    return make
