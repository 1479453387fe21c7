"""llg/matcher.py: a hostile input never poisons a matcher, and every check gives a fresh
matcher's verdict (issue: "a poisoned tool")."""

from __future__ import annotations

import random

import pytest

from grammarkit import CustomTool, ToolInputError, check_stream
from grammarkit.llg.matcher import EngineMatcher
from grammarkit.samples.checker import check_samples
from grammarkit.samples.files import Sample

HEAVY = "(?:[ab]*a[ab]{12}){3}"  # derivatives multiply: llguidance's expression limit
VALID = "a" * 13 * 3


def _hostile_inputs(n=10, size=2000, seed=1):
    rng = random.Random(seed)
    return ["".join(rng.choice("ab") for _ in range(size)) for _ in range(n)]


def test_the_engine_limit_is_reported_and_later_inputs_are_judged_afresh():
    m = EngineMatcher(HEAVY, syntax="regex")
    verdicts = [m.check(text) for text in _hostile_inputs()]
    assert m.rebuilds >= 1  # llguidance's shared state was spent at least once
    assert m.last_engine_error and "too many expressions" in m.last_engine_error
    failed = [v for v in verdicts if v.engine_error]
    for v in failed:
        assert not v.accepted and v.describe().startswith("llguidance could not check the input: ")
    assert m.check(VALID).accepted  # the bug: every later input was "unexpected 'a'"
    assert m.check("b").ended_early


def test_rejection_of_an_unchecked_input_says_why():
    m = EngineMatcher(HEAVY, syntax="regex")
    for text in _hostile_inputs():
        v = m.check(text)
        if v.engine_error:
            r = m.rejection(text, v)
            assert r is not None and r.kind == "engine_limit"
            assert r.message == f"llguidance could not check the input: {v.engine_error}"
            break


def test_tool_check_parse_and_stream_survive_a_hostile_input():
    tool = CustomTool("heavy", HEAVY, syntax="regex")
    for text in _hostile_inputs():
        try:
            tool.parse(text)
        except ToolInputError as err:
            assert err.kind in ("syntax", "engine_limit")
    assert tool.check(VALID).accepted
    assert tool.parse(VALID) == VALID
    events = [
        {"type": "response.output_item.added", "output_index": 0,
         "item": {"type": "custom_tool_call", "id": "i", "call_id": "c", "name": "heavy", "input": ""}},
        {"type": "response.custom_tool_call_input.delta", "item_id": "i", "output_index": 0, "delta": VALID},
        {"type": "response.custom_tool_call_input.done", "item_id": "i", "output_index": 0, "input": VALID},
    ]
    (report,) = check_stream(events, tool)
    assert report.status == "accepted"


def test_samples_after_a_hostile_sample_keep_their_verdicts():
    samples = [Sample(t, None) for t in _hostile_inputs()] + [Sample(VALID, True), Sample("b", False)]
    results, _ = check_samples(HEAVY, samples, syntax="regex", engine="llguidance")
    assert [r.accepted for r in results[-2:]] == [True, False]


@pytest.mark.parametrize("used", ["a", "aa", "b"])
def test_each_check_gives_a_fresh_matchers_verdict(used):
    # llguidance's conformance case test_ll_nullable_lexeme#1: after reset() the empty
    # input was rejected once "a" had been checked, though a fresh matcher accepts it
    m = EngineMatcher('start: gen\ngen[stop=""]: /a*/\n')
    assert m.check("").accepted
    m.check(used)
    assert m.check("").accepted
