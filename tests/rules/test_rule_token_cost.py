"""GK241 token-mask-cost: silent with the byte tokenizer and on every bundled or clean
grammar; fires on the expensive shapes, with the measurement and the terminals to blame.

The decision is tested on hand-made profiles (no vocabulary, no timing); the real runs use
o200k where bpe-openai is installed. The firing test relies on lexer fuel (deterministic),
not on a time."""

from __future__ import annotations

import string
from pathlib import Path

import pytest

import grammarkit.llg.token_profile as tp
from grammarkit.lint.context import LintContext
from grammarkit.lint.runner import lint_file, lint_text
from grammarkit.llg.tokenizer import o200k_available
from grammarkit.rules import token_cost

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = sorted(p for p in (ROOT / "grammars").iterdir() if p.suffix in (".lark", ".regex"))
CLEAN = sorted((ROOT / "tests" / "fixtures" / "clean").glob("*.lark"))
LIMITS = {"step_lexer_fuel": 200_000, "step_max_items": 50_000}

needs_o200k = pytest.mark.skipif(not o200k_available(), reason="bpe-openai (grammarkit[tokens]) is not installed")


def alternatives(k: int) -> str:
    letters = string.ascii_lowercase[:k]
    lines = ["start: " + " | ".join(c.upper() * 2 for c in letters)]
    lines += [f'{c.upper() * 2}: /[^{c}]{{1,200}}/ "{c}{c}"' for c in letters]
    return "\n".join(lines) + "\n"


def profile(steps, *, worst_ratio=None, error=None, baseline=100.0):
    walk = tp.Walk("sample 1", b"hello world", [1, 2, 3], steps, error=error)
    worst = None
    if worst_ratio is not None:
        worst = tp.WorstStep(walk, steps[0], worst_ratio * baseline, 3, worst_ratio)
    return tp.TokenProfile("o200k", [walk], baseline, worst, dict(LIMITS))


# --------------------------------------------------------------------------- the decision


def test_cheap_profile_is_silent():
    p = profile([tp.Step(0, 0, 500, 5_000, 100, 1000)], worst_ratio=12.0)
    assert token_cost._problem(p) is None


def test_worst_step_far_above_the_baseline():
    p = profile([tp.Step(0, 0, 5000, 40_000, 10, 1000)], worst_ratio=token_cost.RATIO + 5)
    message = token_cost._problem(p)
    assert message is not None
    assert "30x the free-text baseline" in message and "at token 0 of sample 1 (1:1)" in message
    assert "lexer fuel 40,000" in message


def test_more_than_half_of_step_lexer_fuel():
    p = profile([tp.Step(0, 0, 500, 143_376, 10, 1000)], worst_ratio=3.0)
    message = token_cost._problem(p)
    assert "143,376 lexer fuel, more than half of llguidance's step_lexer_fuel of 200,000" in message


def test_over_step_max_items():
    p = profile([tp.Step(0, 0, 500, 10, 60_000, 1000)], worst_ratio=3.0)
    assert "over llguidance's step_max_items of 50,000 (generation fails there)" in token_cost._problem(p)


def test_a_limit_hit_during_the_walk():
    p = profile([], error="lexer error: too many states: 250000 >= 250000")
    message = token_cost._problem(p)
    assert "stops generating at token 0 of sample 1" in message and "too many states" in message


def test_other_walk_errors_are_not_limits():
    p = profile([tp.Step(0, 0, 5, 5, 5, 5)], worst_ratio=1.0, error="the grammar does not allow token 3 (x)")
    assert token_cost._problem(p) is None


# --------------------------------------------------------------------------- attribution


def test_the_terminals_that_can_match_together_are_named():
    ctx = LintContext(alternatives(8), "lark")
    span, text = token_cost._culprits(ctx)
    assert "8 terminals that repeat a broad class can match at the same point (in rule start)" in text
    assert "AA, BB, CC, DD, EE, FF, … (8 in all)" in text
    assert (span.line, span.column) == (1, 1)


def test_a_single_broad_terminal():
    ctx = LintContext('start: "note: " TEXT\nTEXT: /[^\\n]{1,500}/\n', "lark")
    span, text = token_cost._culprits(ctx)
    assert text == "; TEXT repeats a broad class of characters"
    assert span.line == 2


def test_no_broad_terminal_reports_the_grammar():
    ctx = LintContext('start: "a" NAME\nNAME: /[a-z]{1,8}/\n', "lark")
    assert token_cost._culprits(ctx)[1] == ""


# --------------------------------------------------------------------------- end to end


def test_byte_tokenizer_measures_nothing():
    result = lint_text(alternatives(12))
    assert "GK241" not in result.codes()
    assert result.token_profile is None


@needs_o200k
def test_fires_on_many_broad_alternatives(monkeypatch):
    monkeypatch.setattr(tp, "LINT_TIME_BUDGET", 4.0)
    # Twelve alternatives: the first mask spends ~143k lexer fuel (over half of the
    # default step_lexer_fuel), counted by llguidance, whatever the machine.
    result = lint_text(alternatives(12), tokenizer="o200k")
    found = [d for d in result.diagnostics if d.code == "GK241"]
    assert len(found) == 1, result.diagnostics
    d = found[0]
    assert (d.line, d.column) == (1, 1)
    assert "o200k vocabulary" in d.message and "12 terminals that repeat a broad class" in d.message
    assert "distinct" in d.hint
    assert result.token_profile is not None and result.token_profile.max_fuel.fuel > 100_000


@needs_o200k
@pytest.mark.parametrize("path", BUNDLED + CLEAN, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_silent_on_bundled_and_clean_grammars(path):
    result = lint_file(path, sidecars=True, tokenizer="o200k")
    assert "GK241" not in result.codes(), [d.message for d in result.diagnostics if d.code == "GK241"]
    profile = result.token_profile
    assert profile is not None and profile.walks and not profile.errors
    # Every accepted sample has its token count.
    for sample in result.samples:
        if sample.llguidance:
            assert sample.tokens is not None and sample.tokens.complete
