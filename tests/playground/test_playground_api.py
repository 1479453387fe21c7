"""The playground's operations, called directly: each is one library call, bounded like
the command line."""

from __future__ import annotations

import pytest

from grammarkit.core.source import MAX_GRAMMAR_BYTES
from grammarkit.llg.matcher import DEFAULT_MAX_INPUT_BYTES
from grammarkit.playground import api
from grammarkit.playground.api import PlaygroundError, validate

LOOKAHEAD = "start: A\nA: /(?=a)a{1,3}/\n"
LAZY = "start: A\nA: /a{1,5}?/\n"
DIGITS = 'start: "a" B\nB: /[0-9]+/\n'


def run(op: str, **data):
    return api.OPERATIONS[op](**validate(op, data))


def test_lint_reports_a_lookahead_where_it_is():
    result = run("lint", grammar=LOOKAHEAD)
    [d] = result["diagnostics"]
    assert (d["code"], d["line"], d["column"], d["end_line"], d["end_column"]) == ("GK101", 2, 5, 2, 8)
    assert d["severity"] == "error" and d["hint"]
    assert result["counts"] == {"error": 1, "warning": 0, "info": 0}


def test_lint_carries_fixes_with_positions():
    [d] = run("lint", grammar=LAZY)["diagnostics"]
    assert d["code"] == "GK102"
    assert d["fix"]["safety"] == "safe"
    [edit] = d["fix"]["edits"]
    assert (edit["line"], edit["column"], edit["replacement"]) == (2, 11, "")


def test_lint_takes_the_configuration():
    assert run("lint", grammar=LOOKAHEAD)["diagnostics"]
    assert api.lint(LOOKAHEAD, "lark", ignore=["GK1"])["diagnostics"] == []
    found = api.lint(LOOKAHEAD, "lark", severity={"GK101": "warning"})["diagnostics"]
    assert [d["severity"] for d in found if d["code"] == "GK101"] == ["warning"]


def test_regex_grammars_drop_one_final_newline_like_check():
    assert validate("lint", {"grammar": "[a-z]+\n", "syntax": "regex"})["grammar"] == "[a-z]+"
    assert run("lint", grammar="[a-z]+\n", syntax="regex")["diagnostics"] == []


def test_samples_get_both_verdicts_a_caret_and_a_tree():
    result = run(
        "samples",
        grammar=DIGITS,
        samples=[{"input": "a12", "expected": True}, {"input": "a1x", "expected": True}, {"input": "b"}],
    )
    ok, bad, other = result["results"]
    assert ok["accepted"] and ok["engines"] == {"llguidance": True, "lark": True} and ok["as_expected"]
    assert ok["tree"] == {"rule": "start", "children": [{"token": "B", "value": "12", "line": 1, "column": 2}]}
    assert not bad["accepted"] and not bad["as_expected"]
    assert bad["error"]["message"] == "unexpected 'x'; expected [0-9], end of input"
    assert bad["caret"] == [" 1 | a1x", "   |   ^"]
    assert other["expected"] is True and other["error"]["column"] == 1


def test_samples_say_when_llguidance_rejects_the_grammar():
    result = run("samples", grammar="start: A\n", samples=[{"input": "x"}])
    assert result["results"] == [] and "llguidance rejects the grammar" in result["unavailable"]


def test_samples_with_a_lone_surrogate():
    [r] = run("samples", grammar="start: /[^x]+/\n", samples=[{"input": "a\ud800", "expected": False}])["results"]
    assert r["accepted"] is False and r["error"]["column"] == 2


def test_generate_is_reproducible_with_its_seed():
    first = run("generate", grammar=DIGITS, n=5)
    again = run("generate", grammar=DIGITS, n=5, seed=first["seed"])
    assert first["samples"] == again["samples"] and len(first["samples"]) == 5
    assert all(s.startswith("a") and s[1:].isdigit() for s in first["samples"])


def test_generate_from_a_broken_grammar_is_one_line():
    with pytest.raises(PlaygroundError, match="llguidance rejects the grammar") as info:
        run("generate", grammar="start: A\n")
    assert info.value.status == 422 and "\n" not in info.value.message


def test_tool_definitions_for_both_apis():
    result = run("tool", grammar=DIGITS, name="digits", description="Digits after an a.")
    assert result["responses"] == {
        "type": "custom",
        "name": "digits",
        "description": "Digits after an a.",
        "format": {"type": "grammar", "syntax": "lark", "definition": DIGITS},
    }
    assert result["chat"]["custom"]["format"]["grammar"] == {"syntax": "lark", "definition": DIGITS}
    broken = run("tool", grammar=LOOKAHEAD, name="x")
    assert "error" in broken and broken["errors"] == [
        "2:5: GK101 lookahead `(?=` is not supported (Rust regex has no lookarounds)"
    ]
    assert "invalid tool name" in run("tool", grammar=DIGITS, name="no spaces")["error"]


def test_stats_live_and_measured():
    live = run("stats", grammar=DIGITS)
    assert (live["rules"], live["terminals"], live["compiles"]) == (1, 1, True)
    assert live["limits"][0]["name"] == "max_grammar_size" and live["limits"][0]["shown"] != "-"
    assert run("stats", grammar=DIGITS, measure=True)["limits"][0]["exact"] in (True, False)


def test_fix_one_diagnostic_and_fix_all():
    one = run("fix", grammar=LAZY, code="GK102", line=2, column=6)
    assert one["grammar"] == "start: A\nA: /a{1,5}/\n" and one["applied"] == ["GK102 2:6: make `{1,5}?` greedy: `{1,5}`"]
    every = run("fix", grammar=LAZY.replace("A\n", "A B\n", 1) + "B: /b{0,3}?/ // grammarkit: ignore[GK101]\n")
    assert every["changed"] and "?/" not in every["grammar"] and len(every["applied"]) >= 2
    with pytest.raises(PlaygroundError, match="has no fix any more") as info:
        run("fix", grammar=LAZY, code="GK102", line=1, column=1)
    assert info.value.status == 409


def test_fix_all_keeps_the_samples_verdicts():
    # GK202's fix (unwrapping /…/ in a regex grammar) changes what is accepted: unsafe.
    wrapped = "/[a-z]+/"
    assert run("fix", grammar=wrapped, syntax="regex")["changed"] is False
    kept = run("fix", grammar=wrapped, syntax="regex", unsafe=True, samples=[{"input": "/ab/", "expected": True}])
    assert kept["changed"] is False and "sample would change its verdict" in kept["skipped"][0]
    assert run("fix", grammar=wrapped, syntax="regex", unsafe=True)["grammar"] == "[a-z]+"


def test_rule_documentation():
    doc = run("rule", code="gk101")
    assert doc["code"] == "GK101" and doc["name"] == "lookaround" and "lookahead" in doc["doc"]
    with pytest.raises(PlaygroundError, match="no such rule"):
        run("rule", code="GK999")


@pytest.mark.parametrize(
    ("op", "data", "message", "status"),
    [
        ("lint", {}, "'grammar' is missing", 400),
        ("lint", {"grammar": 3}, "'grammar' must be a string", 400),
        ("lint", {"grammar": "x", "syntax": "yaml"}, "'syntax' must be 'lark' or 'regex'", 400),
        ("lint", {"grammar": "x" * (MAX_GRAMMAR_BYTES + 1)}, "grammar is too large", 413),
        ("lint", [], "must be a JSON object", 400),
        ("samples", {"grammar": "x", "samples": "a"}, "'samples' must be a list", 400),
        ("samples", {"grammar": "x", "samples": [{"input": 1}]}, 'sample 1: expected an object with a string "input"', 400),
        ("samples", {"grammar": "x", "samples": [{"input": "a", "expected": "yes"}]}, '"expected" must be', 400),
        ("samples", {"grammar": "x", "samples": [{"input": ""}] * (api.MAX_SAMPLES + 1)}, "too many samples", 413),
        (
            "samples",
            {"grammar": "x", "samples": [{"input": "é" * (DEFAULT_MAX_INPUT_BYTES // 2 + 1)}]},
            "sample 1: input is too large",
            413,
        ),
        ("generate", {"grammar": "x", "n": 0}, "'n' must be between 1 and 100", 400),
        ("generate", {"grammar": "x", "n": True}, "'n' must be a whole number", 400),
        ("generate", {"grammar": "x", "max_bytes": 10**6}, "'max_bytes' must be between", 400),
        ("fix", {"grammar": "x", "code": "GK102"}, "needs its 'code', 'line' and 'column'", 400),
        ("nope", {"grammar": "x"}, "no such operation", 404),
    ],
)
def test_bad_requests_are_refused_in_one_line(op, data, message, status):
    with pytest.raises(PlaygroundError) as info:
        validate(op, data)
    assert message in info.value.message and info.value.status == status and "\n" not in info.value.message


def test_hostile_grammars_get_the_command_lines_located_diagnostics():
    deep = run("lint", grammar="start: " + "(" * 3000 + '"a"' + ")" * 3000 + "\n")["diagnostics"]
    assert deep[0]["code"] == "GK100" and deep[0]["message"].startswith("grammar is nested too deeply to read")
    import random

    rng = random.Random(1)
    garbage = "".join(rng.choice('(){}[]|*+?:"/%#\n abcAB_-~&<>@') for _ in range(20000))
    found = run("lint", grammar=garbage)["diagnostics"]
    assert 10 <= sum(d["code"] == "GK100" for d in found) <= 50
    assert all(d["line"] >= 1 and d["column"] >= 1 for d in found)


def test_generate_can_walk_the_models_tokens():
    from grammarkit.llg.tokenizer import o200k_available

    if not o200k_available():
        with pytest.raises(PlaygroundError, match="grammarkit\\[tokens\\]"):
            run("generate", grammar=DIGITS, n=2, tokenizer="o200k")
        return
    drawn = run("generate", grammar=DIGITS, n=3, seed=5, tokenizer="o200k")["samples"]
    assert len(drawn) == 3 and all(s.startswith("a") and s[1:].isdigit() for s in drawn)
    with pytest.raises(PlaygroundError, match="'tokenizer' must be one of byte, o200k"):
        validate("generate", {"grammar": DIGITS, "tokenizer": "gpt2"})


def test_a_worker_that_dies_is_replaced():
    import threading

    from grammarkit.playground.worker import WorkerCrashed, WorkerPool

    pool = WorkerPool(1, timeout=60.0).start(wait=True)
    try:
        [worker] = list(pool._all)
        failure: list[Exception] = []

        def slow_call():
            try:
                pool.call("generate", {"grammar": "start: /[a-z]{4000}/\n", "syntax": "lark", "n": 100, "seed": 1,
                                       "max_bytes": 4096})
            except Exception as exc:
                failure.append(exc)

        t = threading.Thread(target=slow_call)
        t.start()
        import time

        time.sleep(0.5)
        worker.process.kill()  # as a crash in native code would
        t.join(30)
        assert len(failure) == 1 and isinstance(failure[0], WorkerCrashed) and failure[0].status == 500
        assert pool.call("rule", {"code": "GK101"})["code"] == "GK101"  # a new worker answers
    finally:
        pool.close()
