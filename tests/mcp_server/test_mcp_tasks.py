"""The MCP server's parts without a client: the tasks as plain functions, the worker pool
(time budget, crashes), one-line errors, and what `grammarkit check` does not import."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest

from grammarkit.mcp import limits, tasks
from grammarkit.mcp.tasks import MAX_TREE_DEPTH, ToolProblem
from grammarkit.mcp.worker import WorkerFailure, WorkerPool, WorkerTimeout

ARITH = 'start: sum\nsum: NUM ("+" NUM)*\nNUM: /[0-9]{1,9}/\n'
AMBIGUOUS = 'start: e\ne: e "+" e | NUM\nNUM: /[0-9]/\n'
SLOW_INPUT = "1+" * 7999 + "1"  # seconds of Earley parsing


# --------------------------------------------------------------------------- tasks


def test_samples_take_both_guidance_lark_mcp_shapes_and_plain_strings():
    items = [{"input": "a", "should_parse": False, "description": "d"}, "b", {"input": "c", "should_parse": None}]
    for given in (items, {"tests": items}):
        samples = tasks._samples(given)
        assert [(s.input, s.expected, s.description, s.index, s.line) for s in samples] == [
            ("a", False, "d", 1, 1),
            ("b", True, "", 2, 2),
            ("c", None, "", 3, 3),
        ]
        assert all(s.source == "<samples>" for s in samples)
    assert tasks._samples(None) == []


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("text", "samples must be a list"),
        ([{"inpt": "a"}], 'sample 1: expected an object with a string "input"'),
        ([{"input": "a", "should_parse": "yes"}], '"should_parse" must be true, false or null'),
        ([{"input": "a"}] * (limits.MAX_SAMPLES + 1), "too many samples"),
        ([{"input": "a" * (limits.MAX_INPUT_CHARS + 1)}], "sample 1 is too long"),
        ([{"input": "a" * limits.MAX_INPUT_CHARS}] * 11, "the samples are too long together"),
    ],
)
def test_bad_samples_are_tool_problems(given, message):
    with pytest.raises(ToolProblem, match=message):
        tasks._samples(given)


def test_tasks_check_their_own_bounds():
    with pytest.raises(ToolProblem, match="grammar is too long"):
        tasks.check_grammar("x" * (limits.MAX_GRAMMAR_CHARS + 1))
    with pytest.raises(ToolProblem, match="n must be a whole number from 0 to 200"):
        tasks.generate_samples(ARITH, n=201)
    with pytest.raises(ToolProblem, match="syntax must be 'lark' or 'regex'"):
        tasks.parse_input(ARITH, "1", syntax="ebnf")
    with pytest.raises(ToolProblem, match="unknown rule 'GK999' in ignore"):
        tasks.check_grammar(ARITH, ignore=["GK999"])
    with pytest.raises(ToolProblem, match="unknown task"):
        tasks.run("rm_rf", {})
    with pytest.raises(ToolProblem, match="unexpected keyword argument"):
        tasks.run("explain_rule", {"code": "GK101"})


def test_parse_trees_are_cut_at_a_depth():
    depth = MAX_TREE_DEPTH + 20
    data = tasks.parse_input('start: e\ne: "(" e ")" | "x"\n', "(" * depth + "x" + ")" * depth)
    node, levels = data["tree"], 1
    while node["children"] and "rule" in node["children"][0]:
        node, levels = node["children"][0], levels + 1
    assert levels == MAX_TREE_DEPTH and node["truncated"] is True
    shallow = tasks.parse_input('start: e\ne: "(" e ")" | "x"\n', "((x))")
    assert shallow["notes"] == [] and "truncated" not in str(shallow["tree"])


def test_parse_input_says_when_a_trailing_newline_is_the_problem():
    data = tasks.parse_input(ARITH, "1+2\n")
    assert data["accepted"] is False
    assert "ends with a newline" in data["notes"][-1]


def test_parse_input_runs_lark_only_up_to_its_limit():
    long_sum = "+".join(["1"] * (limits.MAX_LARK_INPUT_CHARS // 2 + 1))
    data = tasks.parse_input(ARITH, long_sum)
    assert data["accepted"] is True and data["engines"]["lark"] is None
    assert "longer than its limit of 16000 characters" in data["notes"][0]


def test_diff_task_caps_examples_and_names_the_rejected_grammar():
    data = tasks.diff_grammars("start: /[a-z]{1,3}/", "start: /[a-y]{1,3}/", n=60, seed=2, examples=1)
    assert data["narrowing"] is True
    assert all(len(g["examples"]) <= 1 for g in data["narrowed"]["groups"])
    with pytest.raises(ToolProblem, match="llguidance rejects the old grammar"):
        tasks.diff_grammars("start: /(?<=a)b/", ARITH)


# --------------------------------------------------------------------------- one line


def test_pydantic_reports_become_one_line_without_the_values():
    from grammarkit.mcp.server import one_line

    report = (
        "Error executing tool echo: 2 validation errors for echoArguments\n"
        "text\n"
        "  Field required [type=missing, input_value={'n': 9}, input_type=dict]\n"
        "    For further information visit https://errors.pydantic.dev/2.14/v/missing\n"
        "samples.0.input\n"
        "  Input should be a valid string [type=string_type, input_value=3, input_type=int]\n"
        "    For further information visit https://errors.pydantic.dev/2.14/v/string_type"
    )
    assert one_line(report) == (
        "Error executing tool echo: invalid arguments: text: Field required; "
        "samples.0.input: Input should be a valid string"
    )
    assert one_line("a\n  b") == "a b"


# --------------------------------------------------------------------------- workers


@pytest.fixture
def pool():
    p = WorkerPool(1, timeout=60.0)
    yield p
    p.close()


def test_a_worker_answers_and_is_reused(pool):
    assert pool.run("explain_rule", {"rule": "GK101"})["name"] == "lookaround"
    first = pool._idle[0].proc.pid
    assert pool.run("parse_input", {"grammar": ARITH, "input": "1+2"})["accepted"] is True
    assert pool._idle[0].proc.pid == first
    with pytest.raises(ToolProblem, match="unknown rule"):
        pool.run("explain_rule", {"rule": "GK999"})
    assert pool._idle[0].proc.pid == first  # a problem is an answer, not a failure


def test_a_call_over_its_budget_kills_its_worker(pool):
    pool.run("explain_rule", {"rule": "GK101"})
    worker = pool._idle[0]
    started = time.monotonic()
    with pytest.raises(WorkerTimeout, match="ran over its time budget of 0.5 seconds"):
        pool.run("parse_input", {"grammar": AMBIGUOUS, "input": SLOW_INPUT}, timeout=0.5)
    assert time.monotonic() - started < 30
    assert worker.proc.poll() is not None and pool._idle == []
    assert pool.run("parse_input", {"grammar": ARITH, "input": "1"})["accepted"] is True  # a new worker


def test_a_worker_that_dies_mid_call_is_a_failure(pool):
    pool.run("explain_rule", {"rule": "GK101"})
    worker = pool._idle[0]
    threading.Timer(1.0, worker.proc.kill).start()
    with pytest.raises(WorkerFailure, match="died while working"):
        pool.run("parse_input", {"grammar": AMBIGUOUS, "input": SLOW_INPUT})
    assert pool.run("explain_rule", {"rule": "GK102"})["name"] == "lazy-quantifier"


def test_closing_the_pool_ends_its_workers():
    p = WorkerPool(2, timeout=60.0)
    p.start(2)
    procs = [w.proc for w in p._idle]
    assert len(procs) == 2
    p.close()
    assert all(proc.poll() is not None for proc in procs)
    with pytest.raises(WorkerFailure, match="shutting down"):
        p.run("explain_rule", {"rule": "GK101"})


# --------------------------------------------------------------------------- start-up cost


def test_the_cli_does_not_import_the_sdk():
    code = (
        "import sys; import grammarkit.cli.app; "
        "bad = [m for m in ('mcp', 'pydantic', 'grammarkit.mcp.server', 'grammarkit.mcp.tasks') if m in sys.modules]; "
        "print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120).stdout
    assert out.strip() == "[]"
