"""The token cost profile of a grammar file (grammarkit/samples/token_profile.py): walks
the sidecar samples llguidance accepts, none of those it rejects or expects to fail."""

from __future__ import annotations

import pytest

from grammarkit.llg import tokenizer as tk
from grammarkit.samples.token_profile import grammar_file_token_profile

pytestmark = pytest.mark.skipif(not tk.o200k_available(), reason="bpe-openai (grammarkit[tokens]) is not installed")

GRAMMAR = 'start: WORD (" " WORD)*\nWORD: /[a-z]{1,12}/\n'
SIDECAR = (
    '[[valid]]\ninput = "hello world"\n'
    '[[valid]]\ninput = "Not accepted"\n'  # expected to pass, but llguidance rejects it
    '[[invalid]]\ninput = "bye"\n'
)


def sample_texts(profile) -> list[str]:
    return [w.text for w in profile.walks if w.label.startswith("sample")]


def test_walks_the_accepted_sidecar_samples_only(tmp_path):
    path = tmp_path / "g.lark"
    path.write_text(GRAMMAR, encoding="utf-8")
    (tmp_path / "g.samples.toml").write_text(SIDECAR, encoding="utf-8")
    profile = grammar_file_token_profile(str(path), GRAMMAR, "lark", "o200k", 1.0)
    assert profile.tokenizer == "o200k"
    assert sample_texts(profile) == ["hello world"]
    assert any(w.label.startswith("generated") for w in profile.walks)


def test_standard_input_and_a_broken_sidecar_have_no_samples(tmp_path):
    assert sample_texts(grammar_file_token_profile("-", GRAMMAR, "lark", "o200k", 1.0)) == []
    path = tmp_path / "g.lark"
    path.write_text(GRAMMAR, encoding="utf-8")
    (tmp_path / "g.samples.toml").write_text("[[valid]\n", encoding="utf-8")
    assert sample_texts(grammar_file_token_profile(str(path), GRAMMAR, "lark", "o200k", 1.0)) == []


def test_a_regex_grammar_loses_its_final_newline(tmp_path):
    path = tmp_path / "g.regex"
    path.write_text("[a-z]{1,5}\n", encoding="utf-8")
    (tmp_path / "g.samples.toml").write_text('[[valid]]\ninput = "abc"\n', encoding="utf-8")
    profile = grammar_file_token_profile(str(path), "[a-z]{1,5}\n", "regex", "o200k", 1.0)
    assert sample_texts(profile) == ["abc"]
