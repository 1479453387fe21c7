"""Grammar-directed generation at volume: what the terminal tables, folded choices and the
coverage switch must keep (every sample accepted, the same samples for a seed, the odds of
alternatives and characters, every alternative reached). No timings: bench/generate_speed.py
measures speed."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest

from grammarkit.llg.matcher import EngineMatcher
from grammarkit.samples.directed import Planner
from grammarkit.samples.generate import generate

ROOT = Path(__file__).resolve().parent.parent.parent
BUNDLED = sorted(p for p in (ROOT / "grammars").iterdir() if p.suffix in (".lark", ".regex"))


def grammar_text(path: Path) -> tuple[str, str]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".regex":
        return text[:-1] if text.endswith("\n") else text, "regex"
    return text, "lark"


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_many_samples_are_all_accepted_and_planned(path):
    text, syntax = grammar_text(path)
    engine = EngineMatcher(text, syntax=syntax)
    result = generate(text, syntax=syntax, n=400, seed=21, matcher=engine, coverage=False)
    assert result.complete and result.walked == 0
    assert all(engine.accepts(d) for d in result.data)
    assert len(set(result.samples)) > 100  # varied, not the shortest string over and over


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_coverage_bookkeeping_does_not_change_the_samples(path):
    text, syntax = grammar_text(path)
    counted = generate(text, syntax=syntax, n=200, seed=5)
    plain = generate(text, syntax=syntax, n=200, seed=5, coverage=False)
    assert plain.samples == counted.samples
    assert plain.coverage is None
    assert (counted.coverage is None) == (syntax == "regex")


@pytest.mark.parametrize("path", [p for p in BUNDLED if p.suffix == ".lark"], ids=lambda p: p.name)
def test_every_alternative_and_terminal_of_a_bundled_grammar_is_reached(path):
    text, _ = grammar_text(path)
    coverage = generate(text, n=1500, seed=2).coverage
    assert coverage is not None and coverage.measured == 1500
    assert coverage.missed_alternatives == []
    assert coverage.missed_terminals == []


def test_same_seed_same_samples_across_fresh_planners():
    text, _ = grammar_text(ROOT / "grammars" / "unified_diff.lark")
    first = generate(text, n=300, seed=9, coverage=False).samples
    assert generate(text, n=300, seed=9, coverage=False).samples == first
    assert generate(text, n=300, seed=10, coverage=False).samples != first


def test_choices_among_choices_keep_their_odds():
    # start picks one of its two alternatives evenly, then `pair` one of its two: folding
    # the choices into one draw must keep z at 1/2 and x, y at 1/4 each.
    samples = generate('start: pair | "z"\npair: "x" | "y"\n', n=4000, seed=3, coverage=False).samples
    counts = Counter(samples)
    assert set(counts) == {"x", "y", "z"}
    assert abs(counts["z"] / 4000 - 0.5) < 0.04
    assert abs(counts["x"] / 4000 - 0.25) < 0.04
    assert abs(counts["y"] / 4000 - 0.25) < 0.04


def test_folded_choices_still_count_every_alternative_on_the_way():
    grammar = 'start: a | "z"\na: b | "y"\nb: "x" | "w"\n'
    coverage = generate(grammar, n=200, seed=1).coverage
    assert coverage is not None and coverage.missed_alternatives == []
    seen = set()
    for seed in range(60):
        one = generate(grammar, n=1, seed=seed)
        assert one.coverage is not None
        covered = {(a.rule, a.index) for a in one.coverage.covered_alternatives}
        expected = {
            "x": {("start", 0), ("a", 0), ("b", 0)},  # start -> a -> b -> "x": one draw
            "w": {("start", 0), ("a", 0), ("b", 1)},
            "y": {("start", 0), ("a", 1)},
            "z": {("start", 1)},
        }
        assert covered == expected[one.samples[0]]
        seen.add(one.samples[0])
    assert seen == {"x", "w", "y", "z"}


def test_terminal_characters_are_drawn_class_first():
    # Letters and digits are two classes of equal weight: about half the characters are
    # digits although there are 10 digits and 26 letters.
    planner = Planner("start: W\nW: /[a-z0-9]{40}/\n")
    t = planner.lexemes.term(("T", "W"))
    assert t is not None
    rng = random.Random(1)
    text = "".join(planner.sample_term(t, rng, False) or "" for _ in range(50))
    assert len(text) == 2000
    digits = sum(c.isdigit() for c in text)
    assert 0.42 < digits / len(text) < 0.58
    assert len(set(text)) == 36


def test_forced_runs_and_one_string_terminals():
    planner = Planner('start: ID " " K\nID: /ORD-[0-9]{2,4}/\nK: "key"\n')
    samples = generate('start: ID " " K\nID: /ORD-[0-9]{2,4}/\nK: "key"\n', n=200, seed=6).samples
    assert all(s.startswith("ORD-") and s.endswith(" key") for s in samples)
    assert {len(s) for s in samples} == {len("ORD-12 key"), len("ORD-123 key"), len("ORD-1234 key")}
    k = planner.lexemes.term(("T", "K"))
    assert k is not None and planner.fixed_string(k) == "key"
    i = planner.lexemes.term(("T", "ID"))
    assert i is not None and planner.fixed_string(i) is None


def test_terminal_strings_end_at_the_stop_probability():
    # Where a string may end it ends with the stop probability (0.25): the extra length
    # of /a[b]*/ is geometric, mean (1 - 0.25) / 0.25 = 3, capped by the soft limit.
    planner = Planner("start: A\nA: /a[b]*/\n")
    t = planner.lexemes.term(("T", "A"))
    assert t is not None
    rng = random.Random(2)
    lengths = [len(planner.sample_term(t, rng, False) or "") - 1 for _ in range(4000)]
    assert 2.6 < sum(lengths) / len(lengths) < 3.4
    assert lengths.count(0) / len(lengths) == pytest.approx(0.25, abs=0.03)
    assert planner.sample_term(t, rng, True) == "a"  # pressed: the shortest end at once


def test_long_chains_of_choices_are_folded_within_bounds():
    # 1,500 rules, each a choice whose options are other rules: folding stays shallow and
    # bounded (no recursion error), and the plans are still derivations of the grammar.
    n = 1500
    grammar = "start: r0\n" + "".join(f'r{i}: r{i + 1} | "x{i}" | r{(i * 7) % n}\n' for i in range(n - 1))
    grammar += f'r{n - 1}: "end"\n'
    planner = Planner(grammar)
    rng = random.Random(1)
    plans = [planner.plan(rng, 256) for _ in range(50)]
    assert all(p is not None and p.complete for p in plans)
    texts = {b"".join(p.pieces).decode() for p in plans if p is not None}
    assert all(t == "end" or (t[0] == "x" and t[1:].isdigit()) for t in texts)
    assert len(texts) > 10


def test_language_transitions_group_characters_by_where_they_lead():
    from grammarkit.analysis import Lang

    lang = Lang("ab,.")
    t = lang.regex(r"[a-c]+(,[0-9])?|\.")
    pairs = lang.transitions(t)
    union = 0
    for mask, d in pairs:
        assert union & mask == 0  # the groups do not overlap
        union |= mask
        for i in range(len(lang.chars)):
            if mask >> i & 1:
                assert lang.deriv(t, i) == d  # one derivative for the whole group
    assert union == lang.first_mask(t)
    assert len({d for _, d in pairs}) == len(pairs) == 2  # [a-c] and "."
    assert lang.transitions(lang.regex("")) == []
