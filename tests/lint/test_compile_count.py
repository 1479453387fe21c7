"""How often a lint compiles the grammar with llguidance: once for a grammar whose size
estimates call for GK240's measure (the verdict and the measure share the compile), and
a bounded number of times when llguidance fails on every witness input."""

from __future__ import annotations

import pytest

import grammarkit.llg.compile as compile_module
import grammarkit.llg.limits as limits_module
import grammarkit.llg.matcher as matcher_module
from grammarkit.lint.runner import lint_text


@pytest.fixture
def compiles(monkeypatch):
    counts = {"validate": 0, "matcher": 0, "probe": 0}

    def counting(name, original):
        def wrapper(*args, **kwargs):
            counts[name] += 1
            return original(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(compile_module, "_validate", counting("validate", compile_module._validate))
    monkeypatch.setattr(matcher_module, "_make_matcher", counting("matcher", matcher_module._make_matcher))
    for method in ("validate", "verdict", "matcher"):
        original = getattr(limits_module._Probe, method)
        monkeypatch.setattr(limits_module._Probe, method, counting("probe", original))
    return counts


def test_a_large_grammar_is_compiled_once(compiles):
    # 800 rules: the estimate of the first parser row is above GK240's threshold
    text = "start: r0\n" + "".join(f'r{i}: "a" r{i + 1}\n' for i in range(799)) + 'r799: "a"\n'
    assert lint_text(text).diagnostics == []
    assert compiles == {"validate": 0, "matcher": 0, "probe": 1}


def test_a_small_grammar_is_validated_once(compiles):
    assert lint_text('start: "a" | "b"\n').diagnostics == []
    assert compiles == {"validate": 1, "matcher": 0, "probe": 0}


def test_no_witness_matcher_for_a_grammar_whose_first_row_is_over_the_limit(compiles):
    # 2,500 alternatives of one identical terminal: every input fails at its first byte
    # (a parser row over max_items_in_row, which GK240's measure found). GK222's claim
    # cannot be confirmed, and no witness matcher is built for it.
    names = [f"T{i}" for i in range(2500)]
    text = "start: " + " | ".join(names) + "\n" + "".join(f"{n}: /[a-z]{{1,8}}/\n" for n in names)
    codes = lint_text(text).codes()
    assert "GK222" not in codes and "GK240" in codes
    assert compiles == {"validate": 0, "matcher": 0, "probe": 1}


def test_witness_matchers_are_bounded_when_the_row_is_not_known(compiles, monkeypatch):
    # Without GK240's measure nothing tells the witnesses in advance: the matcher is
    # rebuilt at most twice, not for every witness tried.
    monkeypatch.setattr(limits_module, "suspect_limits", lambda *a, **k: ())
    names = [f"T{i}" for i in range(2500)]
    text = "start: " + " | ".join(names) + "\n" + "".join(f"{n}: /[a-z]{{1,8}}/\n" for n in names)
    codes = lint_text(text).codes()
    assert "GK222" not in codes
    assert 1 <= compiles["matcher"] <= 3
