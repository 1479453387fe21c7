"""grammarkit.analysis.stats: counts, the sizes llguidance compiles a grammar to, and GK240."""

from __future__ import annotations

import json
from pathlib import Path

import llguidance
import pytest

import grammarkit.analysis.stats as stats
import grammarkit.llg.limits as limits
import grammarkit.rules.near_limits as near_limits
from grammarkit.analysis.stats import grammar_stats
from grammarkit.lint.runner import lint_file, lint_text
from grammarkit.llg.compile import byte_tokenizer
from grammarkit.llg.limits import MEASURED, RUNTIME_ONLY, estimate_usage

ROOT = Path(__file__).resolve().parent.parent.parent
BUNDLED = sorted(p for p in (ROOT / "grammars").iterdir() if p.suffix in (".lark", ".regex"))
CLEAN = sorted((ROOT / "tests" / "fixtures" / "clean").glob("*.lark"))

SMALL = """\
// a comment with "quotes" | and bars
start: greeting (SP name)? ["!" | "?"]
greeting: "hello" | "hi"i | /hey+/
name: WORD ("," SP WORD)*
SP: " "
WORD: /[a-z]+/
%import common.WS
%ignore WS
"""


def _syntax(path: Path) -> str:
    return "regex" if path.suffix == ".regex" else "lark"


def _many_rule_alternatives(n: int) -> str:
    """`start: w0 | w1 | ...` with one rule per word: n + 1 parser items after one token."""
    head = "start: " + " | ".join(f"w{i}" for i in range(n)) + "\n"
    return head + "".join(f'w{i}: "word{i}"\n' for i in range(n))


def _validates(text: str, **limits: int) -> bool:
    grammar = llguidance.grammar_from("lark", text)
    is_error, _ = llguidance.LLMatcher.validate_grammar_with_warnings(
        grammar, byte_tokenizer(), limits=llguidance.LLParserLimits(**limits)
    )
    return not is_error


# --------------------------------------------------------------------------- counts


def test_counts_of_a_known_grammar():
    s = grammar_stats(SMALL, measure=False)
    assert (s.rules, s.terminals) == (3, 2)
    # start: 1; ( ... ): 1; [ ... ]: 2; greeting: 3; name: 1; ( ... ): 1; SP, WORD: 2; %ignore WS: 1
    assert s.alternatives == 12
    assert s.string_literals == 6  # "!" "?" "hello" "hi"i "," " " (not the comment's)
    assert s.regex_literals == 2
    assert s.max_nesting == 1
    assert (s.ignores, s.imports) == (1, 1)
    assert s.read_errors == 0
    assert s.lines == 8 and s.characters == len(SMALL)
    assert s.compiles is None and all(u.low is None for u in s.limits)


def test_nesting_and_regex_grammar_counts():
    assert grammar_stats('start: ("a" ["b" ("c")])\n', measure=False).max_nesting == 3
    s = grammar_stats("(a|b)|((c))\n", "regex", measure=False)
    assert (s.rules, s.regex_literals, s.alternatives, s.max_nesting) == (1, 1, 3, 2)


def test_unknown_syntax_is_a_value_error():
    with pytest.raises(ValueError):
        grammar_stats("start: x", "json")


# --------------------------------------------------------------------------- measuring


def test_limits_shape_on_a_bundled_grammar():
    s = grammar_stats((ROOT / "grammars" / "sql_select.lark").read_text(encoding="utf-8"))
    assert s.compiles is True and s.error is None
    assert [u.key for u in s.limits] == list(MEASURED) + list(RUNTIME_ONLY)
    limits = stats.default_limits()
    for u in s.limits:
        assert u.limit == limits[u.key]
        if u.key in MEASURED:
            assert 1 <= u.low <= u.value < u.limit
            assert u.value <= u.low * 1.02 + 1  # the default precision
            assert u.percent == pytest.approx(100 * u.value / u.limit)
        else:
            assert u.value is None and u.percent is None and u.note
    data = json.loads(json.dumps(s.to_dict()))
    assert {"rules", "terminals", "alternatives", "limits", "compiles"} <= set(data)
    assert {"name", "value", "low", "exact", "limit", "percent", "unit", "what", "note"} == set(data["limits"][0])
    assert s.seconds < 2


def test_measured_sizes_are_llguidances_thresholds():
    s = grammar_stats(SMALL, precision=0)
    size = s.usage("max_grammar_size")
    fuel = s.usage("initial_lexer_fuel")
    assert size.exact and fuel.exact
    assert _validates(SMALL, max_grammar_size=size.value)
    assert not _validates(SMALL, max_grammar_size=size.value - 1)
    assert _validates(SMALL, initial_lexer_fuel=fuel.value)
    assert not _validates(SMALL, initial_lexer_fuel=fuel.value - 1)


def test_first_row_items_are_counted_exactly():
    s = grammar_stats(_many_rule_alternatives(300))
    items = s.usage("max_items_in_row")
    assert items.exact and items.value == 301
    assert items.percent == pytest.approx(100 * 301 / 2000)


def test_first_row_items_by_bisection_when_the_message_changes(monkeypatch):
    import re

    monkeypatch.setattr(limits, "_ROW_ITEMS", re.compile(r"(?!)"))
    items = grammar_stats(_many_rule_alternatives(300), precision=0).usage("max_items_in_row")
    assert items.exact and items.value == 301


def test_grammar_that_does_not_compile():
    s = grammar_stats("start: missing\n")
    assert s.compiles is False
    assert s.error == '1:8: unknown name: "missing"'
    assert all(u.low is None for u in s.limits)


def test_grammar_over_a_limit_is_measured_beyond_it(monkeypatch):
    lowered = dict(stats.default_limits(), max_grammar_size=20)
    monkeypatch.setattr(stats, "default_limits", lambda: dict(lowered))
    monkeypatch.setattr(limits, "default_limits", lambda: dict(lowered))
    s = grammar_stats(SMALL, precision=0)
    assert s.compiles is False and "too big" in s.error
    size = s.usage("max_grammar_size")
    assert size.limit == 20 and size.value > 20 and size.percent > 100


def test_time_budget_bounds_the_search():
    text = (ROOT / "grammars" / "sql_select.lark").read_text(encoding="utf-8")
    exact = grammar_stats(text, precision=0)
    rough = grammar_stats(text, precision=0, time_budget=0)
    for key in ("max_grammar_size", "initial_lexer_fuel"):
        u, e = rough.usage(key), exact.usage(key)
        assert not u.exact and u.low <= e.value <= u.value
    assert rough.usage("max_grammar_size").rough  # a wide range: shown as one
    used, share = rough.usage("max_grammar_size").shown()
    assert "–" in used and share.startswith("<=")


@pytest.mark.parametrize("path", BUNDLED + CLEAN, ids=lambda p: p.name)
def test_estimate_is_above_the_measurement_and_far_below_the_limits(path):
    text = path.read_text(encoding="utf-8")
    est = estimate_usage(text, _syntax(path))
    s = grammar_stats(text, _syntax(path), precision=0.1)
    for key in MEASURED:
        u = s.usage(key)
        assert u.value <= est[key] < near_limits.THRESHOLD * u.limit, key


def test_estimate_gives_up_on_constructs_it_does_not_model():
    est = estimate_usage('start: %json {"type": "object"}\n')
    assert all(v == float("inf") for v in est.values())


# --------------------------------------------------------------------------- GK240


def _gk240(text: str, syntax: str = "lark"):
    return [d for d in lint_text(text, syntax=syntax).diagnostics if d.code == "GK240"]


def test_gk240_fires_on_thousands_of_rule_alternatives():
    found = _gk240(_many_rule_alternatives(2100))
    assert len(found) == 1
    d = found[0]
    assert d.severity.value == "warning"
    assert (d.line, d.column) == (1, 1)  # `start`, the largest definition
    assert d.message.startswith("2,101 parser items after the first token, over llguidance's limit of 2,000")
    assert "every generation fails at its first token" in d.message
    assert d.message.endswith("the largest definition is `start`")
    assert "terminal" in d.hint


def test_gk240_reports_the_percentage_between_half_and_the_limit():
    (d,) = _gk240(_many_rule_alternatives(1200))
    assert "uses 60% of llguidance's limit on parser items after the first token" in d.message
    assert "(1,201 of 2,000 items; max_items_in_row)" in d.message


def test_gk240_fires_on_a_large_lexer():
    # 40 distinct Unicode word classes: each costs ~16k of initial lexer fuel.
    text = "start: " + " ".join(f"W{i}" for i in range(40)) + "\n"
    text += "".join(f"W{i}: /x{i}[\\w--[{chr(97 + i % 26)}{i}]]+/\n" for i in range(40))
    (d,) = _gk240(text)
    assert "of llguidance's limit on lexer construction cost" in d.message
    assert "initial_lexer_fuel" in d.message
    assert (d.line, d.column) == (1, 1)  # no dominant definition: the start of the grammar


def test_gk240_on_grammar_size_at_the_largest_definition(monkeypatch):
    # 16 symbols; with the limit lowered to 24 that is 67% of it.
    lowered = dict(stats.default_limits(), max_grammar_size=24)
    monkeypatch.setattr(stats, "default_limits", lambda: dict(lowered))
    monkeypatch.setattr(limits, "default_limits", lambda: dict(lowered))  # (GK240 reads them there)
    text = 'start: item+\nitem: "a" | "b" | "c" | "d" | "e" | "f" | "g" | "h" | "i" | "j" x\nx: "y"\n'
    (d,) = _gk240(text)
    assert "uses 67% of llguidance's limit on symbols in the compiled grammar" in d.message
    assert "(16 of 24 symbols; max_grammar_size)" in d.message
    assert (d.line, d.column) == (2, 1)  # `item`


def test_gk240_silent_and_cheap_on_ordinary_grammars(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("ordinary grammars must not be measured")

    monkeypatch.setattr(stats, "measure_limits", forbidden)
    monkeypatch.setattr(limits, "measure_limits", forbidden)
    for path in BUNDLED + CLEAN:
        result = lint_file(path)
        assert "GK240" not in result.codes(), path


def test_gk240_silent_when_llguidance_rejects_the_grammar():
    text = _many_rule_alternatives(1200).replace("start: ", "start: missing | ", 1)
    assert _gk240(text) == []


def test_large_texts_are_measured_in_a_child_process(monkeypatch):
    import grammarkit.llg.limits as engine

    in_process = grammar_stats(SMALL, precision=0)
    monkeypatch.setattr(engine, "IN_PROCESS_MAX_BYTES", 0)
    monkeypatch.setattr(limits, "_measure", None)  # would fail if called in this process
    in_child = grammar_stats(SMALL, precision=0)
    assert in_child.compiles is True
    assert [(u.key, u.low, u.high) for u in in_child.limits] == [(u.key, u.low, u.high) for u in in_process.limits]
