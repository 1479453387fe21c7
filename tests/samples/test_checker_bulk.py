"""SampleChecker.run: streams of samples with flat memory (only notable results kept),
the "auto" engine's rule (no cliff), the llguidance fast path agreeing with the full
check, and worker processes giving the same results in input order."""

from __future__ import annotations

from pathlib import Path

import pytest

from grammarkit.samples import checker as checker_module
from grammarkit.samples.checker import NoEngineAvailable, SampleChecker
from grammarkit.samples.files import Sample, SampleProblem

ROOT = Path(__file__).resolve().parents[2]
ARITH = (ROOT / "grammars" / "arithmetic.lark").read_text()
ALTERNATION = 'start: A "b"\nA: /a|ab/\n'  # llguidance's longest match vs Python's first branch
JSON_INTEGER = 'start: %json {"type": "integer"}\n'


def verdicts(results):
    return [
        (r.sample.input, r.accepted, r.llguidance, r.lark, r.rejection.message if r.rejection else None)
        for r in results
    ]


def mixed(n: int) -> list:
    """Samples with mismatches, expectations of every kind, and problems in between."""
    texts = ["1+2", "1 +", "(3)*4", "", "x", "é", "\ud800", "12.5/-(2)", "1  + 2"]
    out: list = []
    for i in range(n):
        text = texts[i % len(texts)]
        expected = (True, False, None)[i % 3]
        out.append(Sample(text, expected, "", "s.jsonl", i + 1, i + 1))
        if i % 97 == 5:
            out.append(SampleProblem("s.jsonl", i + 1, "junk"))
    return out


def test_notable_results_only_and_counts():
    samples = [Sample("1+2"), Sample("1 +"), Sample("1 +", False), Sample("2", None), Sample("3", False)]
    run = SampleChecker(ARITH, engine="llguidance").run(samples, keep_all=False)
    assert (run.count, run.failed, run.lark_checked) == (5, 2, 0)
    assert [r.sample.input for r in run.results] == ["1 +", "3"]
    assert run.results[0].rejection.message.startswith("the input ends too early")


def test_problems_are_collected_in_order():
    stream = [Sample("1"), SampleProblem("f", 2, "bad"), Sample("2"), SampleProblem("f", 4, "worse")]
    run = SampleChecker(ARITH, engine="llguidance").run(iter(stream))
    assert run.count == 2 and [p.line for p in run.problems] == [2, 4]


def test_disagreements_are_kept_even_when_as_expected():
    samples = [Sample("abb"), Sample("aab", None), Sample("b", False)]
    run = SampleChecker(ALTERNATION, engine="both").run(samples, keep_all=False)
    assert [(r.sample.input, r.disagreement) for r in run.results] == [("abb", "lark-rejects")]
    assert run.failed == 0 and run.count == 3


@pytest.mark.parametrize("engine", ["llguidance", "auto", "both", "lark"])
def test_fast_path_agrees_with_the_full_check(engine):
    samples = mixed(60)
    checker = SampleChecker(ARITH, engine=engine)
    checker.auto_lark_first = 7
    fresh = SampleChecker(ARITH, engine=engine)
    run = checker.run(samples)
    expected = [fresh.check(s, use_lark=engine != "llguidance" and (engine != "auto" or i < 7 or _mismatch(fresh, s)))
                for i, s in enumerate(x for x in samples if isinstance(x, Sample))]
    assert verdicts(run.results) == verdicts(expected)
    assert run.count == 60 and run.failed == sum(not r.as_expected for r in expected)


def _mismatch(checker, sample) -> bool:
    return not checker.check(sample, use_lark=False).as_expected


def test_input_too_long_for_the_fast_path_takes_the_full_check():
    checker = SampleChecker(ARITH, engine="llguidance")
    checker.matcher.max_input_bytes = 4
    run = checker.run([Sample("1+2"), Sample("1+2+3")], keep_all=False)
    assert [(r.sample.input, r.rejection.message) for r in run.results] == [("1+2+3", "input is too long (5 bytes; the limit is 4)")]


def test_auto_runs_lark_on_the_first_samples_and_on_mismatches(monkeypatch):
    monkeypatch.setattr(checker_module, "AUTO_LARK_FIRST", 5)
    checker = SampleChecker(ARITH)  # engine "auto"
    assert checker.auto_lark_first == 5
    samples = [Sample("1+2")] * 8 + [Sample("1 +"), Sample("4", False), Sample("5")]
    run = checker.run(samples)
    assert [r.lark for r in run.results] == [True] * 5 + [None] * 3 + [False, True, None]
    assert run.lark_checked == 7 and run.failed == 2


def test_auto_cost_never_drops_as_a_set_grows():
    # Lark's share of the work: the first samples, then the mismatches. It only grows
    # with the number of samples (there used to be a cliff at 1,000).
    counts = []
    for n in (1, 3, 4, 6, 10, 20):
        checker = SampleChecker(ARITH)
        checker.auto_lark_first = 4
        samples = [Sample("1+2" if i % 5 else "1 +") for i in range(n)]
        counts.append(checker.run(samples, keep_all=False).lark_checked)
    assert counts == sorted(counts) and counts == [1, 3, 4, 5, 5, 7]


@pytest.mark.parametrize("engine, keep_all", [("auto", True), ("both", False)])
def test_worker_processes_give_the_same_results_in_input_order(monkeypatch, engine, keep_all):
    monkeypatch.setattr(checker_module, "CHUNK_SAMPLES", 40)
    samples = mixed(300)
    sequential = SampleChecker(ARITH, engine=engine)
    parallel = SampleChecker(ARITH, engine=engine)
    sequential.auto_lark_first = parallel.auto_lark_first = 50
    one = sequential.run(samples, keep_all=keep_all)
    two = parallel.run(iter(samples), keep_all=keep_all, jobs=2)
    assert verdicts(two.results) == verdicts(one.results)
    assert [r.sample for r in two.results] == [r.sample for r in one.results]
    assert (two.count, two.failed, two.lark_checked) == (one.count, one.failed, one.lark_checked)
    assert two.problems == one.problems


def test_worker_processes_report_what_the_engines_could_not_do(monkeypatch):
    monkeypatch.setattr(checker_module, "CHUNK_SAMPLES", 2)
    checker = SampleChecker(JSON_INTEGER, engine="both")
    run = checker.run([Sample("5"), Sample("x", False), Sample("7"), Sample("y")], jobs=2, keep_all=False)
    assert "%json" in checker.lark_unavailable
    assert [(r.sample.input, r.llguidance, r.lark) for r in run.results] == [("y", False, None)]
    with pytest.raises(NoEngineAvailable, match="no engine can check"):
        SampleChecker("start: nope\n", engine="lark").run([Sample("x")] * 5, jobs=2)


def test_a_single_chunk_is_checked_without_processes(monkeypatch):
    import concurrent.futures

    def refuse(*args, **kwargs):
        raise AssertionError("no worker processes for one chunk")

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", refuse)
    run = SampleChecker(ARITH).run([Sample("1")] * 10, jobs=4)
    assert run.count == 10
