"""local/bounded.py: parsing untrusted inputs within a budget of time and memory."""

from __future__ import annotations

import os

import pytest

from grammarkit import CustomTool, ToolInputError, ToolRouter
from grammarkit.core.rejection import InputRejected
from grammarkit.local.bounded import BoundedParser, Budget
from grammarkit.local.parser import LocalParser

AMBIGUOUS = 'start: e\ne: e "+" e | "1"\n'  # lint-clean; Earley's work grows like n^3 here


def _sum(terms: int) -> str:
    return "+".join(["1"] * terms)


def test_budget_validation():
    with pytest.raises(ValueError):
        Budget(seconds=0)
    with pytest.raises(ValueError):
        Budget(memory_mb=10)
    with pytest.raises(ValueError):
        Budget(inline_chars=-1)


def test_short_inputs_parse_in_process_and_long_ones_in_the_worker():
    parser = LocalParser(AMBIGUOUS)
    bounded = BoundedParser(AMBIGUOUS, parser, max_input_chars=16_000, budget=Budget(inline_chars=10))
    try:
        assert bounded.parse("1+1").data == "start"
        assert bounded._worker is None  # inline
        tree = bounded.parse(_sum(8))  # 15 characters: the worker
        assert tree.data == "start" and bounded._worker is not None
        with pytest.raises(InputRejected) as info:
            bounded.parse(_sum(8) + "+")
        assert info.value.rejection.engine == "lark" and info.value.rejection.at_end
    finally:
        bounded.close()


def test_a_parse_past_its_time_is_stopped_and_the_next_input_gets_a_new_worker():
    tool = CustomTool("sum", AMBIGUOUS, budget=Budget(seconds=1.0))
    try:
        with pytest.raises(ToolInputError) as info:
            tool.parse(_sum(201))  # 401 characters: ~20 s and 400 MB unbounded
        err = info.value
        assert (err.kind, err.source) == ("budget", "limit")
        assert str(err) == "input rejected: checking the input would take more than its budget (1 s per input)"
        assert tool.parse(_sum(20)).data == "start"  # a fresh worker
    finally:
        tool._bounded.close()


def test_a_parse_past_its_memory_is_stopped():
    tool = CustomTool("sum", AMBIGUOUS, budget=Budget(seconds=600.0, memory_mb=96))
    try:
        with pytest.raises(ToolInputError) as info:
            tool.parse(_sum(400))  # 799 characters: ~3 GB unbounded
        assert info.value.kind == "budget"
        assert str(info.value).endswith("(96 MB of memory)")
    finally:
        tool._bounded.close()


def test_the_router_bounds_a_whole_response():
    tool = CustomTool("sum", AMBIGUOUS, budget=Budget(seconds=30.0))
    router = ToolRouter(response_seconds=1.0)
    router.add(tool, lambda tree: "ok")
    calls = [
        {"type": "custom_tool_call", "call_id": f"c{i}", "name": "sum", "input": _sum(201)} for i in range(3)
    ]
    try:
        outputs = router.run({"output": calls})
        assert [o["call_id"] for o in outputs] == ["c0", "c1", "c2"]
        for o in outputs:
            assert o["output"].startswith("error: input rejected: checking the input would take more than its budget")
        assert "the time left for this response" in outputs[-1]["output"]
    finally:
        tool._bounded.close()
    with pytest.raises(ValueError):
        ToolRouter(response_seconds=0)


def test_trees_from_the_worker_are_the_in_process_trees(tmp_path):
    from pathlib import Path

    from grammarkit.local.bounded import flatten, unflatten

    grammar = (Path(__file__).resolve().parent.parent.parent / "grammars" / "arithmetic.lark").read_text()
    parser = LocalParser(grammar)
    text = " + ".join(f"({i} * -{i + 1}.5)" for i in range(12))
    here = parser.parse(text)
    bounded = BoundedParser(grammar, parser, max_input_chars=16_000, budget=Budget(inline_chars=8))
    try:
        there = bounded.parse(text)
    finally:
        bounded.close()
    assert there == here and there.pretty() == here.pretty()
    tokens_here, tokens_there = list(here.scan_values(lambda _: True)), list(there.scan_values(lambda _: True))
    assert [(t.type, t.start_pos, t.line, t.column, t.end_pos) for t in tokens_there] == [
        (t.type, t.start_pos, t.line, t.column, t.end_pos) for t in tokens_here
    ]
    assert (there.meta.line, there.meta.end_column) == (here.meta.line, here.meta.end_column)
    deep = LocalParser('start: x\nx: "a" x "b" | "c"\n').parse("a" * 3000 + "c" + "b" * 3000)
    from grammarkit.core.trees import pretty_tree

    assert pretty_tree(unflatten(flatten(deep))) == pretty_tree(deep)  # no recursion either way


def test_a_worker_near_its_memory_budget_is_stopped_from_outside():
    # Near RLIMIT_AS a process can take long to fail (each allocation failing in turn):
    # the parent watches the worker's resident size and stops it at 90% of the budget.
    from grammarkit.local.bounded import _resident_bytes, _Worker

    assert _resident_bytes(os.getpid()) > 1024 * 1024
    assert _resident_bytes(None) is None
    worker = _Worker(AMBIGUOUS, 100_000, 1024)
    try:
        assert worker.parse("1", 60.0)[0] == "tree"
        worker.memory_bytes = 1  # any resident size is now over the budget
        assert worker.parse(_sum(300), 600.0) == ("memory", None)
        assert not worker.alive
    finally:
        worker.stop()


def test_the_worker_does_not_run_the_callers_script_again(tmp_path):
    # A script without an `if __name__ == "__main__":` guard: a multiprocessing spawn
    # would run it again in the worker (its parse failing there, its work done twice).
    import subprocess
    import sys

    marks = tmp_path / "runs.txt"
    script = tmp_path / "script.py"
    script.write_text(
        "from grammarkit import CustomTool\n"
        f"open({str(marks)!r}, 'a').write('run\\n')\n"
        f"tool = CustomTool('calc', {AMBIGUOUS!r})\n"
        f"print(tool.parse({_sum(40)!r}).data)\n",  # 79 characters: the worker parses it
        encoding="utf-8",
    )
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "start"
    assert marks.read_text() == "run\n"  # the script ran once
    assert "Traceback" not in done.stderr


def test_a_worker_stops_when_its_parent_is_gone(tmp_path):
    # The worker reads its socket: when the parent dies, it gets EOF and ends.
    import subprocess
    import sys
    import time

    script = tmp_path / "parent.py"
    script.write_text(
        "import os\n"
        "from grammarkit.local.bounded import BoundedParser, Budget\n"
        "from grammarkit.local.parser import LocalParser\n"
        f"g = {AMBIGUOUS!r}\n"
        "b = BoundedParser(g, LocalParser(g), max_input_chars=1000, budget=Budget(inline_chars=1))\n"
        "b.parse('1+1')\n"
        "print(b._worker.process.pid, flush=True)\n"
        "os._exit(0)\n",  # no clean-up of any kind
        encoding="utf-8",
    )
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    pid = int(done.stdout.split()[0])
    for _ in range(100):
        try:
            with open(f"/proc/{pid}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                    break  # ended, not reaped yet
        except FileNotFoundError:
            break
        time.sleep(0.05)
    else:
        pytest.fail("the worker outlived its parent")
