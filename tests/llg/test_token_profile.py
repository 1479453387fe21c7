"""grammarkit.llg.token_profile: walks with llguidance's step statistics, random token
walks, token counts with forced stretches, and the profile (ratios to a baseline).

Most tests run on a small synthetic vocabulary (llguidance builds a tokenizer from any
list of byte strings), so they run without bpe-openai; a few use the real o200k
vocabulary where it is installed. No test asserts a time, only what llguidance counts."""

from __future__ import annotations

import random

import llguidance
import pytest

from grammarkit.llg import token_profile as tp
from grammarkit.llg.compile import grammar_for
from grammarkit.llg.matcher import EngineMatcher
from grammarkit.llg.tokenizer import o200k_available, tokenizer_from_vocabulary

needs_o200k = pytest.mark.skipif(not o200k_available(), reason="bpe-openai (grammarkit[tokens]) is not installed")

WORDS = [b"SELECT", b" FROM", b" WHERE", b" name", b" id", b" users", b"name", b"id", b", ", b" =", b"ab", b"abc"]
VOCAB = [bytes([b]) for b in range(256)] + WORDS
SQL = 'start: "SELECT " COL (", " COL)* " FROM users" (" WHERE " COL " = " /[0-9]{1,5}/)?\nCOL: /[a-z]{1,10}/\n'


@pytest.fixture(scope="module")
def small():
    return tokenizer_from_vocabulary(VOCAB)


def g(text: str, syntax: str = "lark") -> str:
    return grammar_for(syntax, text)


def test_walk_has_one_step_per_token_and_one_at_the_end(small):
    data = b"SELECT id, name FROM users WHERE id = 42"
    walk = tp.walk_input(small, g(SQL), data, label="sample 1")
    assert walk.error is None
    assert walk.tokens == small.tokenize_bytes(data)
    assert [s.index for s in walk.steps] == list(range(len(walk.tokens) + 1))
    offsets = [s.offset for s in walk.steps]
    assert offsets == sorted(offsets) and offsets[0] == 0 and offsets[-1] == len(data)
    for s in walk.steps:
        assert s.us >= 0 and s.fuel >= 0 and s.items >= 0 and s.trie_nodes >= 0
    # The first mask builds the lexer's first states: llguidance charges fuel for them.
    assert walk.steps[0].fuel > 0 or any(s.fuel for s in walk.steps)


def test_walk_stops_at_a_token_the_grammar_refuses(small):
    walk = tp.walk_input(small, g(SQL), b"SELECT id FROM x")
    assert walk.error is not None and "does not allow token" in walk.error


def test_walk_reports_llguidance_limits(small):
    # A step fuel of 1 cannot build even the first lexer state.
    limits = llguidance.LLParserLimits(step_lexer_fuel=1)
    walk = tp.walk_input(small, g(SQL), b"SELECT id FROM users", limits=limits)
    assert walk.error is not None and "lexer" in walk.error.lower()


def test_random_walks_are_accepted_and_reproducible(small):
    grammar = g(SQL)
    em = EngineMatcher(SQL)

    def draw(seed):
        rng = random.Random(seed)
        return [tp.random_walk(small, grammar, rng, max_bytes=120, stop_probability=0.3) for _ in range(8)]

    walks = draw(7)
    drawn = [w.sample for w in walks if w.sample is not None]
    assert drawn, "no walk found an end"
    for data in drawn:
        assert em.accepts(data), data
    assert [w.sample for w in draw(7)] == [w.sample for w in walks]
    for w in walks:
        assert len(w.steps) >= len(w.tokens)


def test_token_counts_and_forced_stretches(small):
    m = llguidance.LLMatcher(small, g(SQL), log_level=0)
    data = b"SELECT id, name FROM users"
    count = tp.token_counts(small, m, data)
    assert count.complete
    assert count.tokens == len(small.tokenize_bytes(data))
    assert count.sampled + count.forced_tokens <= count.tokens + 2
    # "SELECT " is forced; after a column the model chooses "," or " FROM", and once it
    # has written " FROM" the grammar forces " users".
    assert count.forced == [(0, 7, "SELECT "), (20, 26, " users")]
    assert (count.tokens, count.sampled, count.forced_tokens) == (6, 4, 2)
    # Offsets are characters into the input, and the texts are the input's own.
    for start, end, text in count.forced:
        assert data.decode()[start:end] == text
    assert count.to_dict()["forced"][0]["start"] == 0


def test_token_counts_of_a_rejected_input(small):
    m = llguidance.LLMatcher(small, g(SQL), log_level=0)
    assert not tp.token_counts(small, m, b"SELECT id FROM nobody").complete


def test_profile_of_walks(small):
    grammar = g(SQL)
    walks = [tp.walk_input(small, grammar, b"SELECT id, name FROM users WHERE id = 7", label="sample 1")]
    walks.append(tp.random_walk(small, grammar, random.Random(1), max_bytes=80, stop_probability=0.2))
    profile = tp.profile_walks(small, grammar, walks, tokenizer_name="small")
    assert profile.baseline_us > 0
    assert profile.worst is not None and profile.worst.measurements >= 1
    assert profile.worst_ratio is not None and profile.worst_ratio > 0
    assert profile.worst.step in profile.worst.walk.steps
    line, column = profile.worst.position()
    assert line >= 1 and column >= 1
    data = profile.to_dict()
    assert data["tokenizer"] == "small"
    assert data["steps"] == len(profile.steps)
    assert data["step_lexer_fuel"] == llguidance.LLParserLimits().step_lexer_fuel
    assert data["worst"]["walk"] in ("sample 1", "generated")
    assert data["max_lexer_fuel"] == max(s.fuel for s in profile.steps)


def test_profile_over_default_limits_is_seen():
    steps = [tp.Step(0, 0, 10, 150_000, 5, 100), tp.Step(1, 3, 10, 10, 60_000, 100)]
    walk = tp.Walk("sample 1", b"abc", [1, 2], steps)
    profile = tp.TokenProfile("o200k", [walk], 5.0, None, {"step_lexer_fuel": 200_000, "step_max_items": 50_000})
    assert [(key, s.index) for key, s, _ in profile.over_limits()] == [("step_max_items", 1)]
    assert profile.max_fuel is steps[0] and profile.max_items is steps[1]


@needs_o200k
def test_o200k_counts_and_forced_text():
    (count,) = tp.sample_token_counts('start: "SELECT * FROM " /[a-z]{1,20}/', "lark", ["SELECT * FROM users"])
    assert count.complete
    assert count.tokens == 4  # SELECT, " *", " FROM", " users"
    assert count.forced[0] == (0, 14, "SELECT * FROM ")
    assert count.forced_tokens >= 2 and count.sampled >= 1


@needs_o200k
def test_o200k_profile_of_a_costly_grammar_uses_more_fuel_than_free_text():
    cheap = tp.profile_grammar(tp.BASELINE_GRAMMAR, samples=["hello world\n"], generated=0)
    costly = tp.profile_grammar(
        'start: AA | BB | CC\nAA: /[^a]{1,200}/ "aa"\nBB: /[^b]{1,200}/ "bb"\nCC: /[^c]{1,200}/ "cc"\n',
        samples=["hello world, some text aa"],
        generated=1,
    )
    assert cheap.max_fuel.fuel < costly.max_fuel.fuel
    # Each of the three alternatives' lexers is built at the first token: about 9k fuel each.
    assert costly.walks[0].steps[0].fuel > 3 * cheap.walks[0].steps[0].fuel
    assert costly.worst.step.index == 0 or costly.worst.step.fuel < costly.walks[0].steps[0].fuel
