"""StreamChecker: llguidance on streamed custom tool call inputs, delta by delta, through
the real openai client reading server-sent events from a local fake API."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from openai_fake import stream_events

from grammarkit import CustomTool, StreamChecker, StreamReport, ToolRouter, check_stream

ROOT = Path(__file__).resolve().parent.parent.parent
ARITH = ROOT / "grammars" / "arithmetic.lark"

# multi-byte characters: "é" is 2 bytes in UTF-8, the emoji 4 (two UTF-16 surrogates)
GREETING = 'start: "café " EMOJI " " NUM\nEMOJI: "😀" | "🎉"\nNUM: /[0-9]{1,3}/\n'


@pytest.fixture(scope="module")
def greet():
    return CustomTool("greet", GREETING)


@pytest.fixture(scope="module")
def calc():
    return CustomTool.from_file(ARITH, name="calc")


def delta(item_id, text, index=0):
    return {"type": "response.custom_tool_call_input.delta", "item_id": item_id, "output_index": index, "delta": text}


def added(item_id, name, index=0, call_id=None):
    item = {"type": "custom_tool_call", "id": item_id, "call_id": call_id or f"call_{item_id}", "name": name, "input": ""}
    return {"type": "response.output_item.added", "output_index": index, "item": item}


def done(item_id, text, index=0):
    return {"type": "response.custom_tool_call_input.done", "item_id": item_id, "output_index": index, "input": text}


# --------------------------------------------------------------------------- through the SDK


def test_sdk_stream_reports_the_first_bad_byte_before_the_call_completes(fake_openai, greet):
    good = ["ca", "fé ", "\ud83d", "\ude00", " 4", "2"]  # the emoji split between two deltas
    bad = ["café ", "🎉", " 4x", "2"]  # goes bad at "x": byte 6 + 4 + 2 = 12
    # the HTTP body is also cut in the middle of the first "é"'s UTF-8 bytes
    fake_openai.reply_events(stream_events([("c1", "greet", good), ("c2", "greet", bad)]), split_inside="é")
    client = fake_openai.client()

    checker = StreamChecker(greet)
    seen = []
    stream = client.responses.create(model="gpt-5", input="greet", tools=[greet.to_responses()], stream=True)
    for _i, event in enumerate(stream):
        seen.append(event.type)
        report = checker.feed(event)
        if report is not None:
            seen.append(report)

    reports = [x for x in seen if isinstance(x, StreamReport)]
    assert [(r.call_id, r.status) for r in reports] == [("c1", "accepted"), ("c2", "rejected")]
    rejected = reports[1]
    assert rejected.byte_offset == 12
    assert (rejected.line, rejected.column, rejected.found) == (1, 9, "x")
    assert rejected.received == 13 and rejected.item_id == "ctc_c2" and rejected.output_index == 1
    assert rejected.name == "greet"
    assert str(rejected) == (
        "tool 'greet' (call c2): unexpected 'x'; expected [0-9], end of input"
    )
    # reported on the delta carrying the "x", before the rest of that call's events
    at = seen.index(rejected)
    assert seen[at - 1] == "response.custom_tool_call_input.delta"
    assert "response.custom_tool_call_input.done" in seen[at:]
    assert seen.count("response.custom_tool_call_input.delta") == len(good) + len(bad)
    assert checker.rejected == [rejected]


def test_sdk_stream_helper_and_check_stream(fake_openai, calc):
    fake_openai.reply_events(stream_events([("a", "calc", ["1 ", "+ 2", "*3"]), ("b", "calc", ["(1 + ", "2))"])]))
    client = fake_openai.client()
    router = ToolRouter()
    router.add(calc, lambda value: "ok")
    with client.responses.stream(model="gpt-5", input="x", tools=router.tools()) as stream:
        reports = list(check_stream(stream, router))
    assert [(r.call_id, r.status, r.byte_offset) for r in reports] == [("a", "accepted", None), ("b", "rejected", 7)]
    assert reports[1].message.startswith("unexpected ')'; expected ")


def test_async_sdk_stream(fake_openai, calc):
    fake_openai.reply_events(stream_events([("a", "calc", ["1 +", " x"])]))

    async def main():
        checker = StreamChecker([calc])
        client = fake_openai.async_client()
        async with client:
            stream = await client.responses.create(model="gpt-5", input="x", stream=True)
            async for event in stream:
                checker.feed(event)
        return checker.reports

    (report,) = asyncio.run(main())
    assert (report.status, report.byte_offset, report.column) == ("rejected", 4, 5)


# --------------------------------------------------------------------------- bytes and characters


def test_bytes_deltas_may_split_a_character():
    tool = CustomTool("e", 'start: "é" "x"\n')
    checker = StreamChecker(tool)
    events = [added("i1", "e"), delta("i1", b"\xc3"), delta("i1", b"\xa9x"), done("i1", "éx")]
    assert [checker.feed(e) for e in events][:3] == [None, None, None]
    assert checker.reports[-1].status == "accepted"


def test_bad_continuation_byte_is_located_in_its_character():
    tool = CustomTool("e", 'start: "é"\n')
    reports = list(check_stream([added("i1", "e"), delta("i1", b"\xc3"), delta("i1", b"\xa8"), done("i1", "è")], tool))
    (r,) = reports
    # "è" is C3 A8 and "é" is C3 A9: the first byte matches, the second cannot
    assert (r.status, r.byte_offset, r.line, r.column, r.found) == ("rejected", 1, 1, 1, "è")


def test_bad_lead_byte_of_an_incomplete_character():
    tool = CustomTool("e", 'start: "a" "é"\n')
    (r,) = check_stream([added("i1", "e"), delta("i1", b"a\xe2")], tool)
    assert (r.byte_offset, r.column, r.found) == (1, 2, "")
    assert r.message == 'unexpected byte 0xe2; expected "é"'


def test_multiline_position():
    tool = CustomTool("lines", 'start: LINE ("\\n" LINE)*\nLINE: /[a-zé]{1,10}/\n')
    (r,) = check_stream([added("i", "lines"), delta("i", "abc\nd"), delta("i", "é!f")], tool)
    assert (r.byte_offset, r.line, r.column) == (7, 2, 3)  # "abc\nd" 5 bytes + "é" 2


def test_incomplete_input_is_reported_when_done(greet):
    reports = list(check_stream([added("i", "greet"), delta("i", "café "), delta("i", "😀"), done("i", "café 😀")], greet))
    (r,) = reports
    assert r.status == "incomplete" and r.byte_offset == 10 and not r.ok
    assert (r.line, r.column) == (1, 7)
    assert r.message == 'the input ends too early; expected " "'


# --------------------------------------------------------------------------- bookkeeping


def test_unknown_tool_is_reported_once(greet):
    reports = list(check_stream([added("i", "other"), delta("i", "x"), delta("i", "y"), done("i", "xy")], greet))
    assert [(r.status, r.name, r.message) for r in reports] == [("unknown_tool", "other", "unknown tool 'other'")]


def test_deltas_before_the_name_are_buffered(calc):
    events = [delta("i", "1 +"), delta("i", " y"), added("i", "calc")]
    (r,) = check_stream(events, calc)
    assert (r.status, r.byte_offset) == ("rejected", 4)


def test_missed_deltas_are_judged_from_the_done_input(calc):
    (ok,) = check_stream([added("i", "calc"), done("i", "2*3")], calc)
    assert ok.status == "accepted"
    (bad,) = check_stream([added("i", "calc"), delta("i", "2"), done("i", "2*(3")], calc)
    assert (bad.status, bad.byte_offset) == ("incomplete", 4)


def test_output_item_done_alone_is_enough(calc):
    item = {"type": "custom_tool_call", "id": "i", "call_id": "c", "name": "calc", "input": "7 -"}
    (r,) = check_stream([{"type": "response.output_item.done", "output_index": 0, "item": item}], calc)
    assert (r.status, r.call_id) == ("incomplete", "c")


def test_events_without_item_id(calc):
    events = [
        added("i", "calc", index=3),
        {"type": "response.custom_tool_call_input.delta", "output_index": 3, "delta": "1+"},
        {"type": "response.custom_tool_call_input.delta", "output_index": 3, "delta": "+"},
    ]
    (r,) = check_stream(events, calc)
    assert (r.status, r.byte_offset, r.item_id) == ("rejected", 2, "i")


def test_one_checker_for_several_responses(calc):
    checker = StreamChecker(calc)
    for item_id, text in [("first", "1+1"), ("second", "2+")]:
        checker.feed({"type": "response.created"})
        for event in [added(item_id, "calc"), delta(item_id, text), done(item_id, text)]:
            checker.feed(event)
    assert [(r.item_id, r.status) for r in checker.reports] == [("first", "accepted"), ("second", "incomplete")]


def test_input_size_is_bounded():
    tool = CustomTool("letters", "start: /[a-z]{0,100}/\n", max_input_chars=3)
    (r,) = check_stream([added("i", "letters"), delta("i", "a" * 8), delta("i", "a" * 8)], tool)
    assert (r.status, r.byte_offset) == ("rejected", 3) and r.message == "input is too long (over 3 characters)"


def test_the_size_limit_is_the_routers_limit_in_characters():
    """A stream must not report ``accepted`` for an input the router rejects as too long:
    both count the characters of the input against ``max_input_chars``."""
    tool = CustomTool("letters", "start: /[a-zé]{0,100}/\n", max_input_chars=3)
    router = ToolRouter()
    router.add(tool, lambda text: "ok")

    def stream(*deltas):
        text = b"".join(d if isinstance(d, bytes) else d.encode() for d in deltas).decode()
        reports = list(check_stream([added("i", "letters"), *(delta("i", d) for d in deltas), done("i", text)], tool))
        (routed,) = router.dispatch({"output": [{"type": "custom_tool_call", "call_id": "c", "name": "letters", "input": text}]})
        return reports[0], routed

    report, routed = stream("aa", "aa")  # 4 characters: too long for both
    assert (report.status, report.byte_offset) == ("rejected", 3) and "too long" in report.message
    assert routed.exception.kind == "too_long"
    report, routed = stream("ééé")  # 3 characters in 6 bytes: fine for both
    assert report.status == "accepted" and routed.ok
    report, routed = stream(b"\xc3\xa9\xc3", b"\xa9\xc3\xa9", b"a")  # split characters, 4th char too many
    assert (report.status, report.byte_offset) == ("rejected", 6) and routed.exception.kind == "too_long"


def test_a_bad_byte_before_the_limit_is_reported_rather_than_the_length():
    tool = CustomTool("letters", "start: /[a-z]{0,100}/\n", max_input_chars=3)
    (r,) = check_stream([added("i", "letters"), delta("i", "a1aaaa")], tool)
    assert (r.status, r.byte_offset, r.found) == ("rejected", 1, "1")


def test_deltas_before_the_name_are_bounded():
    tool = CustomTool("letters", "start: /[a-z]{0,100}/\n", max_input_chars=5)
    checker = StreamChecker(tool)
    assert checker.feed(delta("i", "abc")) is None
    r = checker.feed(delta("i", "defgh"))  # 8 characters held back: more than any tool takes
    assert (r.status, r.byte_offset, r.received, r.name) == ("rejected", 5, 8, None)
    assert r.message == "input is too long (over 5 characters)"
    call = checker._calls["i"]
    assert not call.pending and call.matcher is None
    assert checker.feed(delta("i", "x" * 1000)) is None and not call.pending  # ignored from now on
    assert checker.feed(added("i", "letters")) is None and call.matcher is None
    assert checker.feed(done("i", "abcdefgh")) is None
    assert checker.reports == [r]


def test_finished_and_rejected_calls_drop_their_matcher_and_bytes(calc):
    checker = StreamChecker(calc)
    for item_id, text in [("ok", "1+2"), ("bad", "1+x"), ("short", "1+")]:
        for event in [added(item_id, "calc"), delta(item_id, text), done(item_id, text)]:
            checker.feed(event)
    checker.feed(added("other", "nope"))
    assert [r.status for r in checker.reports] == ["accepted", "rejected", "incomplete", "unknown_tool"]
    for call in checker._calls.values():
        assert call.matcher is None and not call.data and not call.pending
    # late events for finished calls are still ignored
    assert checker.feed(done("ok", "1+2")) is None and checker.feed(delta("bad", "3")) is None


def test_finished_calls_are_forgotten_beyond_a_bound(calc, monkeypatch):
    monkeypatch.setattr(StreamChecker, "MAX_FINISHED", 10)
    checker = StreamChecker(calc)
    for n in range(50):
        checker.feed({"type": "response.created"})
        item_id = f"ctc_{n}"
        for event in [added(item_id, "calc"), delta(item_id, "1+2"), done(item_id, "1+2")]:
            checker.feed(event)
    assert len(checker._calls) == 10 and len(checker.reports) == 50
    assert all(r.status == "accepted" for r in checker.reports)


def test_on_report_callback_and_other_events_ignored(calc):
    got = []
    checker = StreamChecker({"calc": calc}, on_report=got.append)
    assert checker.feed({"type": "response.output_text.delta", "delta": "hello"}) is None
    assert checker.feed({"type": "response.output_item.added", "item": {"type": "message", "id": "m"}}) is None
    checker.feed(added("i", "calc"))
    checker.feed(delta("i", "x"))
    assert [r.status for r in got] == ["rejected"] and got == checker.reports


def test_tools_argument_must_be_tools():
    with pytest.raises(TypeError):
        StreamChecker(["not a tool"])


# --------------------------------------------------------------------------- bounds


def test_open_calls_are_bounded(greet):
    checker = StreamChecker(greet, max_open_calls=3)
    for i in range(5):
        checker.feed(added(f"i{i}", "greet", index=i))
        checker.feed(delta(f"i{i}", "café ", index=i))
    dropped = [r for r in checker.reports if r.status == "dropped"]
    assert [r.item_id for r in dropped] == ["i0", "i1"]
    assert dropped[0].message == "not checked: more than 3 calls were open at once"
    open_calls = [k for k, c in checker._calls.items() if not c.done]
    assert open_calls == ["i2", "i3", "i4"]
    # a late event of a dropped call is ignored, the others still finish
    assert checker.feed(done("i0", "café 😀 4")) is None
    assert checker.feed(done("i4", "café 😀 42", index=4)).status == "accepted"
    with pytest.raises(ValueError):
        StreamChecker(greet, max_open_calls=0)
