"""ToolRouter against the real openai client and a local fake API: full two-request round
trips for both APIs, many calls, every kind of failure as an output, confirmation, async."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from pathlib import Path

import pytest
from lark import Transformer
from openai_fake import (
    chat_body,
    chat_custom_call,
    custom_call,
    function_call,
    message,
    reasoning,
    response_body,
)

from grammarkit import CustomTool, ToolResult, ToolRouter

ROOT = Path(__file__).resolve().parent.parent.parent
ARITH = ROOT / "grammars" / "arithmetic.lark"
SQL = ROOT / "grammars" / "sql_select.lark"


class Evaluate(Transformer):
    """Arithmetic parse tree -> float (no eval)."""

    def NUMBER(self, tok):
        return float(tok)

    def SP(self, tok):
        return None

    def _pair(self, c):
        nums = [x for x in c if x is not None]
        return nums[0], nums[-1]

    def add(self, c):
        a, b = self._pair(c)
        return a + b

    def sub(self, c):
        a, b = self._pair(c)
        return a - b

    def mul(self, c):
        a, b = self._pair(c)
        return a * b

    def div(self, c):
        a, b = self._pair(c)
        return a / b

    def neg(self, c):
        return -c[0]

    def start(self, c):
        return c[0]


@pytest.fixture(scope="module")
def calc_tool():
    return CustomTool.from_file(ARITH, name="calc", description="Arithmetic.", transformer=Evaluate())


@pytest.fixture(scope="module")
def sql_tool():
    return CustomTool.from_file(SQL, description="Read-only SQL.")


TABLE = {"users": [{"id": 1, "name": "ada"}, {"id": 2, "name": "bob"}]}


def table_of(tree) -> str:
    stmt = tree.children[0]
    return str([t for t in stmt.children if getattr(t, "type", None) == "IDENT"][-1])


@pytest.fixture
def router(calc_tool, sql_tool):
    r = ToolRouter()

    @r.tool(calc_tool)
    def calc(value):
        return value

    @r.tool(sql_tool)
    def sql_select(tree):
        return TABLE.get(table_of(tree), [])

    return r


USER = {"role": "user", "content": "What is 1 + 2*3, and who are the users?"}


# --------------------------------------------------------------------------- round trips


def test_responses_round_trip(fake_openai, router, calc_tool, sql_tool):
    fake_openai.reply(
        response_body(
            [
                reasoning(),
                custom_call("call_1", "calc", "1 + 2*3"),
                function_call("call_f", "not_mine"),
                message("checking the table"),
                custom_call("call_2", "sql_select", "SELECT * FROM users;"),
            ]
        )
    )
    fake_openai.reply(response_body([message("7, and the users are ada and bob.", id="msg_2")], id="resp_2"))
    client = fake_openai.client()
    tools = router.tools("responses")
    assert tools == [calc_tool.to_responses(), sql_tool.to_responses()]

    first = client.responses.create(model="gpt-5", input=[USER], tools=tools)
    outputs = router.run(first)
    assert outputs == [
        {"type": "custom_tool_call_output", "call_id": "call_1", "output": "7.0"},
        {"type": "custom_tool_call_output", "call_id": "call_2", "output": json.dumps(TABLE["users"])},
    ]
    final = client.responses.create(model="gpt-5", input=[USER, *first.output, *outputs], tools=tools)
    assert final.output_text == "7, and the users are ada and bob."

    req1, req2 = fake_openai.bodies("/responses")
    assert req1["tools"] == tools
    assert req1["tools"][1]["format"] == {"type": "grammar", "syntax": "lark", "definition": SQL.read_text(encoding="utf-8")}
    sent_back = [item for item in req2["input"] if item.get("type") == "custom_tool_call_output"]
    assert [(o["call_id"], o["output"]) for o in sent_back] == [("call_1", "7.0"), ("call_2", json.dumps(TABLE["users"]))]
    calls_echoed = [item["call_id"] for item in req2["input"] if item.get("type") == "custom_tool_call"]
    assert calls_echoed == ["call_1", "call_2"]


def test_chat_round_trip(fake_openai, router, calc_tool, sql_tool):
    fake_openai.reply(
        chat_body(
            tool_calls=[
                chat_custom_call("call_c1", "calc", "(1 + 2) * 3"),
                chat_custom_call("call_c2", "sql_select", "SELECT name FROM users"),
            ]
        )
    )
    fake_openai.reply(chat_body(content="9; ada and bob.", id="chatcmpl-2"))
    client = fake_openai.client()
    tools = router.tools("chat")
    assert tools == [calc_tool.to_chat(), sql_tool.to_chat()]

    messages = [USER]
    first = client.chat.completions.create(model="gpt-5", messages=messages, tools=tools)
    outputs = router.run(first)
    assert outputs == [
        {"role": "tool", "tool_call_id": "call_c1", "content": "9.0"},
        {"role": "tool", "tool_call_id": "call_c2", "content": json.dumps(TABLE["users"])},
    ]
    final = client.chat.completions.create(
        model="gpt-5", messages=[*messages, first.choices[0].message, *outputs], tools=tools
    )
    assert final.choices[0].message.content == "9; ada and bob."

    req1, req2 = fake_openai.bodies("/chat/completions")
    assert req1["tools"] == tools
    assert req1["tools"][0]["custom"]["format"]["grammar"]["syntax"] == "lark"
    assistant = req2["messages"][1]
    assert [c["id"] for c in assistant["tool_calls"]] == ["call_c1", "call_c2"]
    assert [(m["tool_call_id"], m["content"]) for m in req2["messages"][2:]] == [
        ("call_c1", "9.0"),
        ("call_c2", json.dumps(TABLE["users"])),
    ]


def test_async_round_trip_with_async_handlers(fake_openai, calc_tool):
    fake_openai.reply(response_body([custom_call("call_1", "calc", "2*21"), custom_call("call_2", "calc", "1/4")]))
    fake_openai.reply(response_body([message("42 and 0.25", id="msg_2")], id="resp_2"))
    router = ToolRouter()

    @router.tool(calc_tool)
    async def calc(value):
        await asyncio.sleep(0)
        return {"result": value}

    async def main():
        client = fake_openai.async_client()
        async with client:
            first = await client.responses.create(model="gpt-5", input="compute", tools=router.tools())
            outputs = await router.arun(first)
            final = await client.responses.create(
                model="gpt-5", previous_response_id=first.id, input=outputs, tools=router.tools()
            )
            return outputs, final

    outputs, final = asyncio.run(main())
    assert outputs == [
        {"type": "custom_tool_call_output", "call_id": "call_1", "output": '{"result": 42.0}'},
        {"type": "custom_tool_call_output", "call_id": "call_2", "output": '{"result": 0.25}'},
    ]
    assert final.output_text == "42 and 0.25"
    second = fake_openai.bodies("/responses")[1]
    assert second["previous_response_id"] == "resp_1"
    assert [o["call_id"] for o in second["input"]] == ["call_1", "call_2"]


# --------------------------------------------------------------------------- many calls, order


def test_many_calls_keep_their_order(fake_openai, calc_tool):
    n = 24
    items = []
    for i in range(n):
        items.append(custom_call(f"call_{i}", "calc", f"{i} * 2"))
        if i % 5 == 0:
            items.append(reasoning(f"rs_{i}"))
    fake_openai.reply(response_body(items))
    response = fake_openai.client().responses.create(model="gpt-5", input="x")

    threads: set[int] = set()
    router = ToolRouter(max_workers=8)

    @router.tool(calc_tool)
    def calc(value):
        threads.add(threading.get_ident())
        time.sleep(0.002 * (int(value) % 7))  # finish out of order
        return value

    outputs = router.run(response)
    assert [o["call_id"] for o in outputs] == [f"call_{i}" for i in range(n)]
    assert [o["output"] for o in outputs] == [str(float(i * 2)) for i in range(n)]
    assert len(threads) > 1  # max_workers > 1: a thread pool


def test_sync_handlers_run_in_the_calling_thread_by_default(calc_tool):
    router = ToolRouter()
    seen = []

    @router.tool(calc_tool)
    def calc(value):
        seen.append((threading.get_ident(), value))
        return value

    response = response_body([custom_call(f"c{i}", "calc", str(i)) for i in range(5)])
    router.run(response)
    assert seen == [(threading.get_ident(), float(i)) for i in range(5)]


def test_async_handlers_run_concurrently(calc_tool):
    router = ToolRouter()
    started = []

    @router.tool(calc_tool)
    async def calc(value):
        started.append(value)
        # every call waits until all have started: only possible if they run together
        for _ in range(200):
            if len(started) == 3:
                return value
            await asyncio.sleep(0.005)
        raise TimeoutError("handlers did not run concurrently")

    response = response_body([custom_call(f"c{i}", "calc", str(i)) for i in range(3)])
    outputs = asyncio.run(router.arun(response))
    assert [o["output"] for o in outputs] == ["0.0", "1.0", "2.0"]


def test_sync_run_drives_async_handlers_even_under_a_running_loop(calc_tool):
    router = ToolRouter()

    @router.tool(calc_tool)
    async def calc(value):
        await asyncio.sleep(0)
        return value + 1

    response = response_body([custom_call("c1", "calc", "1")])
    assert router.run(response)[0]["output"] == "2.0"

    async def inside_a_loop():
        return router.run(response)  # a sync caller inside async code

    assert asyncio.run(inside_a_loop())[0]["output"] == "2.0"


def test_arun_with_sync_handlers_and_a_thread_pool(calc_tool):
    router = ToolRouter(max_workers=4)

    @router.tool(calc_tool)
    def calc(value):
        time.sleep(0.01)
        return value

    response = response_body([custom_call(f"c{i}", "calc", str(i)) for i in range(6)])
    outputs = asyncio.run(router.arun(response))
    assert [o["output"] for o in outputs] == [str(float(i)) for i in range(6)]


def test_zero_calls(router):
    assert router.run(response_body([message("no tools needed")])) == []
    assert router.run(chat_body(content="hi")) == []
    assert asyncio.run(router.arun(response_body([]))) == []


# --------------------------------------------------------------------------- failures as outputs


def test_rejected_input_becomes_an_error_output(fake_openai, router):
    fake_openai.reply(response_body([custom_call("call_bad", "calc", "1 + x"), custom_call("call_ok", "calc", "2")]))
    response = fake_openai.client().responses.create(model="gpt-5", input="x")
    outputs = router.run(response)
    assert outputs == [
        {
            "type": "custom_tool_call_output",
            "call_id": "call_bad",
            "output": "error: input rejected at 1:5: unexpected 'x'; expected \"(\", \"-\", NUMBER",
        },
        {"type": "custom_tool_call_output", "call_id": "call_ok", "output": "2.0"},
    ]
    results = router.dispatch(response)
    assert [r.error for r in results] == ["input_rejected", None]
    assert results[0].exception.column == 5


def test_handler_exception_becomes_an_error_output(calc_tool, caplog):
    router = ToolRouter(show_exceptions=True)

    @router.tool(calc_tool)
    def calc(value):
        return 1 / (value - value)

    (result,) = router.dispatch(chat_body(tool_calls=[chat_custom_call("call_z", "calc", "3")]))
    assert result.output == "error: tool 'calc' failed: ZeroDivisionError: float division by zero"
    assert result.error == "handler_error" and isinstance(result.exception, ZeroDivisionError)
    assert result.item == {"role": "tool", "tool_call_id": "call_z", "content": result.output}
    assert "tool 'calc' (call call_z) failed" in caplog.text

    quiet = ToolRouter()
    quiet.add(calc_tool, calc)
    assert quiet.run(response_body([custom_call("c", "calc", "3")]))[0]["output"] == "error: tool 'calc' failed"


def test_async_handler_exception(calc_tool):
    router = ToolRouter(show_exceptions=True)

    @router.tool(calc_tool)
    async def calc(value):
        raise RuntimeError("database is down\nretry later")

    outputs = asyncio.run(router.arun(response_body([custom_call("c", "calc", "1")])))
    assert outputs[0]["output"] == "error: tool 'calc' failed: RuntimeError: database is down retry later"


def test_unknown_tool(router):
    outputs = router.run(response_body([custom_call("call_u", "rm_rf", "/")]))
    assert outputs == [
        {
            "type": "custom_tool_call_output",
            "call_id": "call_u",
            "output": "error: unknown tool 'rm_rf'; available tools: calc, sql_select",
        }
    ]
    assert ToolRouter().run(response_body([custom_call("c", "x", "")]))[0]["output"] == (
        "error: unknown tool 'x'; available tools: none"
    )


def test_unserialisable_result(calc_tool):
    router = ToolRouter()
    router.add(calc_tool, lambda value: {value})
    (result,) = router.dispatch(response_body([custom_call("c", "calc", "1")]))
    assert result.error == "bad_output"
    assert result.output == "error: tool 'calc' returned a value that is not JSON-serialisable (set)"


def test_outputs_strings_as_is_and_values_as_json(calc_tool):
    router = ToolRouter()
    values = iter(["plain text", None, [1, "é"], {"a": True}])
    router.add(calc_tool, lambda value: next(values))
    outputs = router.run(response_body([custom_call(f"c{i}", "calc", "1") for i in range(4)]))
    assert [o["output"] for o in outputs] == ["plain text", "null", '[1, "é"]', '{"a": true}']


def test_transformer_failure_is_reported_not_raised():
    class Strict(Transformer):
        def NUMBER(self, tok):
            raise ValueError(f"number {tok} is not allowed")

    tool = CustomTool.from_file(ARITH, name="strict", transformer=Strict())
    router = ToolRouter(show_exceptions=True)
    router.add(tool, lambda value: "unreachable")
    (result,) = router.dispatch(response_body([custom_call("c", "strict", "5")]))
    assert result.output == "error: tool 'strict' failed: ValueError: number 5 is not allowed"


# --------------------------------------------------------------------------- confirmation


@pytest.fixture
def destructive(calc_tool):
    router = ToolRouter()
    ran = []

    @router.tool(calc_tool, confirm=True)
    def calc(value):
        ran.append(value)
        return "done"

    return router, ran


CONFIRM_CALLS = response_body([custom_call("c1", "calc", "1"), custom_call("c2", "calc", "2"), custom_call("c3", "calc", "1 +")])


def test_confirmation_yes_and_no(destructive):
    router, ran = destructive
    asked = []

    def confirm(call):
        asked.append(call.call_id)
        return call.input == "1"

    outputs = router.run(CONFIRM_CALLS, confirm=confirm)
    assert [o["output"] for o in outputs] == [
        "done",
        "error: the user declined to run tool 'calc'",
        "error: input rejected at 1:4: the input ends too early; expected \" \", \"(\", \"-\", NUMBER",
    ]
    assert ran == [1.0]
    assert asked == ["c1", "c2"]  # never asked about an input that does not parse


def test_confirmation_must_be_exactly_true(destructive):
    router, ran = destructive
    outputs = router.run(CONFIRM_CALLS, confirm=lambda call: "yes")
    assert outputs[0]["output"] == "error: the user declined to run tool 'calc'" and ran == []


def test_confirmation_missing_means_no(destructive):
    router, ran = destructive
    outputs = router.run(CONFIRM_CALLS)
    assert outputs[0]["output"] == "error: tool 'calc' needs the user's confirmation and none was requested"
    assert ran == []


def test_confirmation_that_raises_means_no(destructive):
    router, ran = destructive

    def confirm(call):
        raise EOFError("no terminal")

    results = router.dispatch(CONFIRM_CALLS, confirm=confirm)
    assert results[0].output == "error: could not get the user's confirmation to run tool 'calc'"
    assert results[0].error == "declined" and isinstance(results[0].exception, EOFError)
    assert ran == []


def test_async_confirmation(destructive):
    router, ran = destructive

    async def confirm(call):
        await asyncio.sleep(0)
        return call.call_id == "c2"

    outputs = asyncio.run(router.arun(CONFIRM_CALLS, confirm=confirm))
    assert [o["output"] for o in outputs][:2] == ["error: the user declined to run tool 'calc'", "done"]
    assert ran == [2.0]
    # an async confirm works from the sync API too
    ran.clear()
    assert router.run(CONFIRM_CALLS, confirm=confirm)[1]["output"] == "done" and ran == [2.0]


def test_confirmation_only_for_marked_tools(calc_tool, sql_tool):
    router = ToolRouter()
    router.add(calc_tool, lambda v: "calc ran")
    router.add(sql_tool, lambda t: "sql ran", confirm=True)
    asked = []
    outputs = router.run(
        response_body([custom_call("a", "calc", "1"), custom_call("b", "sql_select", "SELECT * FROM t")]),
        confirm=lambda call: asked.append(call.name) or True,
    )
    assert [o["output"] for o in outputs] == ["calc ran", "sql ran"]
    assert asked == ["sql_select"]


# --------------------------------------------------------------------------- registration


def test_registration_rules(calc_tool):
    router = ToolRouter()

    @router.tool(calc_tool)
    def calc(value):
        return value

    assert calc(3) == 3  # the decorator returns the function unchanged
    assert "calc" in router and len(router) == 1 and router.get("calc") is calc_tool
    with pytest.raises(ValueError, match="already registered"):
        router.add(calc_tool, calc)
    with pytest.raises(TypeError):
        router.add("calc", calc)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown API"):
        router.tools("assistants")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        ToolRouter(max_workers=0)


def test_tool_result_item_for_each_api():
    from grammarkit import CustomToolCall

    r = ToolResult(CustomToolCall("id1", "t", "", "responses"), "out")
    assert r.ok and r.item == {"type": "custom_tool_call_output", "call_id": "id1", "output": "out"}


def test_handlers_with_two_parameters_get_the_call(sql_tool, calc_tool):
    router = ToolRouter()

    @router.tool(sql_tool)
    def sql_select(tree, call):
        return f"{call.call_id}: {call.input} ({tree.data})"

    @router.tool(calc_tool)
    async def calc(value, call, *, unit="m"):
        return f"{value} {unit} for {call.name}"

    response = response_body([custom_call("c1", "sql_select", "SELECT * FROM t"), custom_call("c2", "calc", "2")])
    expected = ["c1: SELECT * FROM t (start)", "2.0 m for calc"]
    assert [o["output"] for o in router.run(response)] == expected
    assert [o["output"] for o in asyncio.run(router.arun(response))] == expected

    optional = ToolRouter()
    optional.add(calc_tool, lambda value, extra=None: f"{value} {extra}")  # a default: value only
    assert optional.run(response_body([custom_call("c", "calc", "3")]))[0]["output"] == "3.0 None"


def test_readme_example_runs(fake_openai, monkeypatch, tmp_path, capsys):
    """The README's "OpenAI custom tools" example, verbatim, against the local fake API."""
    import re
    import runpy

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## OpenAI custom tools", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    script = tmp_path / "example.py"
    script.write_text(code, encoding="utf-8")

    fake_openai.reply(
        response_body([reasoning(), custom_call("call_1", "sql_select", "SELECT name FROM users WHERE age > 30 ORDER BY name")])
    )
    fake_openai.reply(response_body([message("ada and cy are older than 30.", id="msg_2")], id="resp_2"))
    monkeypatch.setenv("OPENAI_API_KEY", "test")
    monkeypatch.setenv("OPENAI_BASE_URL", fake_openai.base_url)
    monkeypatch.chdir(ROOT)
    runpy.run_path(str(script), run_name="__main__")
    assert capsys.readouterr().out == "ada and cy are older than 30.\n"
    first, second = fake_openai.bodies("/responses")
    assert first["tools"][0]["name"] == "sql_select"
    assert second["input"][-1] == {"type": "custom_tool_call_output", "call_id": "call_1", "output": '[["ada"], ["cy"]]'}


# --------------------------------------------------------------------------- never raises for one call


def test_a_result_nested_too_deeply_becomes_an_error_output(calc_tool):
    def deep(value):
        nested: list = []
        for _ in range(100_000):
            nested = [nested]
        return nested

    router = ToolRouter()
    router.add(calc_tool, lambda value: deep(value) if value == 1 else "fine")
    response = response_body([custom_call("c1", "calc", "1"), custom_call("c2", "calc", "2")])
    for results in (router.dispatch(response), asyncio.run(router.adispatch(response))):
        assert [(r.error, r.output) for r in results] == [
            ("bad_output", "error: tool 'calc' returned a value that is nested too deeply to send as JSON (list)"),
            (None, "fine"),
        ]
        assert isinstance(results[0].exception, RecursionError)


def test_an_exception_that_cannot_be_shown_becomes_an_error_output(calc_tool):
    class Unprintable(Exception):
        def __str__(self):
            raise RuntimeError("no text for you")

    class NotText(Exception):
        def __str__(self):
            return 42  # type: ignore[return-value]

    errors = iter([Unprintable(), NotText()])

    def fail(value):
        raise next(errors)

    router = ToolRouter(show_exceptions=True)
    router.add(calc_tool, fail)
    outputs = router.run(response_body([custom_call("c1", "calc", "1"), custom_call("c2", "calc", "2")]))
    assert [o["output"] for o in outputs] == [
        "error: tool 'calc' failed: Unprintable",
        "error: tool 'calc' failed: NotText",
    ]


def test_a_handlers_own_cancelled_error_is_a_failure_not_an_escape(calc_tool):
    router = ToolRouter(show_exceptions=True)

    @router.tool(calc_tool)
    async def calc(value):
        if value == 1:
            raise asyncio.CancelledError()
        return "ok"

    response = response_body([custom_call("c1", "calc", "1"), custom_call("c2", "calc", "2")])
    expected = ["error: tool 'calc' failed: CancelledError", "ok"]
    assert [o["output"] for o in router.run(response)] == expected
    assert [o["output"] for o in asyncio.run(router.arun(response))] == expected


def test_cancelling_arun_itself_still_cancels(calc_tool):
    router = ToolRouter()
    started = asyncio.Event

    @router.tool(calc_tool)
    async def calc(value):
        state["started"].set()
        await asyncio.Event().wait()  # forever

    state: dict = {}

    async def main():
        state["started"] = started()
        task = asyncio.create_task(router.arun(response_body([custom_call("c1", "calc", "1")])))
        await state["started"].wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())


# --------------------------------------------------------------------------- malformed calls


def test_a_call_without_call_id_is_skipped_and_the_others_answered(calc_tool, caplog):
    router = ToolRouter()
    router.add(calc_tool, lambda value: value)
    response = response_body(
        [
            custom_call("c1", "calc", "1"),
            {"type": "custom_tool_call", "id": "ctc_x", "name": "calc", "input": "2"},  # no call_id
            custom_call("c3", "calc", "3"),
        ]
    )
    expected = [
        {"type": "custom_tool_call_output", "call_id": "c1", "output": "1.0"},
        {"type": "custom_tool_call_output", "call_id": "c3", "output": "3.0"},
    ]
    assert router.run(response) == expected
    assert asyncio.run(router.arun(response)) == expected
    assert "skipped the custom tool call at output[1]: no 'call_id'" in caplog.text

    chat = chat_body(tool_calls=[{"type": "custom", "custom": {"name": "calc", "input": "4"}}, chat_custom_call("t2", "calc", "5")])
    assert router.run(chat) == [{"role": "tool", "tool_call_id": "t2", "content": "5.0"}]


def test_a_call_without_a_usable_name_gets_an_unknown_tool_output(calc_tool):
    router = ToolRouter()
    router.add(calc_tool, lambda value: value)
    response = response_body(
        [
            {"type": "custom_tool_call", "call_id": "c1", "input": "1"},
            {"type": "custom_tool_call", "call_id": "c2", "name": 7, "input": "1"},
            custom_call("c3", "calc", "3"),
        ]
    )
    results = router.dispatch(response)
    assert [(r.call.call_id, r.error, r.output) for r in results] == [
        ("c1", "unknown_tool", "error: unknown tool (malformed call: no 'name'); available tools: calc"),
        ("c2", "unknown_tool", "error: unknown tool (malformed call: 'name' is int, not a string); available tools: calc"),
        ("c3", None, "3.0"),
    ]
    chat = chat_body(tool_calls=[{"id": "t1", "type": "custom"}])
    assert router.run(chat) == [
        {"role": "tool", "tool_call_id": "t1", "content": "error: unknown tool (malformed call: no 'custom' object); available tools: calc"}
    ]


def test_an_input_that_is_not_a_string_is_malformed_not_coerced(calc_tool):
    ran = []
    router = ToolRouter()
    router.add(calc_tool, lambda value: ran.append(value) or "ran")
    response = response_body(
        [
            {"type": "custom_tool_call", "call_id": "c1", "name": "calc", "input": 12},
            {"type": "custom_tool_call", "call_id": "c2", "name": "calc", "input": ["1"]},
            {"type": "custom_tool_call", "call_id": "c3", "name": "calc"},
        ]
    )
    for results in (router.dispatch(response), asyncio.run(router.adispatch(response))):
        assert [(r.error, r.output) for r in results] == [
            ("input_rejected", "error: input rejected: malformed call: 'input' is int, not a string"),
            ("input_rejected", "error: input rejected: malformed call: 'input' is list, not a string"),
            ("input_rejected", "error: input rejected: malformed call: no 'input'"),
        ]
    assert ran == []


def test_a_lone_surrogate_input_is_a_rejected_input(fake_openai):
    # JSON "\ud800" in the API's answer: the SDK makes a str with a lone surrogate of it
    email = CustomTool.from_file(ROOT / "grammars" / "email.regex")
    router = ToolRouter()
    router.add(email, lambda text: "sent")
    fake_openai.reply(response_body([custom_call("c1", "email", "a\ud800@b.com"), custom_call("c2", "email", "a@b.com")]))
    response = fake_openai.client().responses.create(model="gpt-5", input="x")
    results = router.dispatch(response)
    assert [r.error for r in results] == ["input_rejected", None]
    assert results[0].output.startswith("error: input rejected at 1:2: unexpected '\\ud800'")
    assert results[0].exception.byte_offset == 1


# --------------------------------------------------------------------------- one event loop per run


def test_async_handlers_of_one_run_share_one_event_loop(fake_openai, calc_tool):
    """A client created once and reused by an async handler works for every call of a run
    (with an event loop per call, the second call failed: "Event loop is closed")."""
    client = fake_openai.async_client()
    router = ToolRouter()
    loops = []

    @router.tool(calc_tool)
    async def calc(value):
        loops.append(asyncio.get_running_loop())
        completion = await client.chat.completions.create(model="gpt-5", messages=[{"role": "user", "content": "x"}])
        return completion.choices[0].message.content

    for text in ("first", "second", "third"):
        fake_openai.reply(chat_body(content=text))
    outputs = router.run(response_body([custom_call(f"c{i}", "calc", str(i)) for i in range(3)]))
    assert [o["output"] for o in outputs] == ["first", "second", "third"]
    assert len(set(map(id, loops))) == 1 and loops[0].is_closed()  # one private loop, closed at the end


@pytest.mark.parametrize("where", ["plain", "under a running loop", "thread pool"])
def test_loop_bound_objects_survive_across_calls(calc_tool, where):
    shared: dict = {}
    loops = []

    async def calc(value):
        loops.append(asyncio.get_running_loop())
        event = shared.setdefault("event", asyncio.Event())
        event.clear()
        asyncio.get_running_loop().call_soon(event.set)
        await event.wait()  # binds the event to the loop it first waits on
        return value

    async def confirm(call):
        loops.append(asyncio.get_running_loop())
        return True

    workers = 4 if where == "thread pool" else None
    router, confirming = ToolRouter(max_workers=workers), ToolRouter(max_workers=workers)
    router.add(calc_tool, calc)
    confirming.add(calc_tool, calc, confirm=True)
    response = response_body([custom_call(f"c{i}", "calc", str(i)) for i in range(4)])

    def go():
        first = router.run(response)
        shared.clear()
        return first, confirming.run(response, confirm=confirm)

    if where == "under a running loop":

        async def inside():
            result = go()
            assert asyncio.get_running_loop() not in loops
            return result

        first, second = asyncio.run(inside())
    else:
        first, second = go()
    assert [o["output"] for o in first] == ["0.0", "1.0", "2.0", "3.0"]
    assert [o["output"] for o in second] == ["0.0", "1.0", "2.0", "3.0"]
    # one loop per run() call: the first run's calls share one, the second run's calls
    # and confirmations another; both closed when their run returned
    assert len(loops) == 12
    assert len(set(map(id, loops[:4]))) == 1 and len(set(map(id, loops[4:]))) == 1
    assert all(loop.is_closed() for loop in loops)


# --------------------------------------------------------------------------- safe defaults


def test_exception_text_never_reaches_the_model_by_default(calc_tool, caplog):
    secret = "could not connect to postgresql://admin:S3cr3t@db.internal:5432/orders"
    router = ToolRouter()

    @router.tool(calc_tool)
    def calc(value):
        raise ConnectionError(secret)

    (item,) = router.run(response_body([custom_call("c1", "calc", "1")]))
    assert item["output"] == "error: tool 'calc' failed"
    assert "S3cr3t" not in json.dumps(item)
    # the operator still sees it, with the traceback
    (record,) = [r for r in caplog.records if r.name == "grammarkit.tools" and "failed" in r.getMessage()]
    assert record.exc_info is not None and secret in str(record.exc_info[1])


def test_a_repeated_call_id_is_answered_once(calc_tool, caplog):
    router = ToolRouter()
    seen = []
    router.add(calc_tool, lambda value: seen.append(value) or "ok")
    outputs = router.run(response_body([custom_call("c1", "calc", "1"), custom_call("c1", "calc", "2")]))
    assert [o["call_id"] for o in outputs] == ["c1"] and len(seen) == 1
    assert "repeated custom tool call id c1" in caplog.text


def test_chat_tool_calls_that_are_not_a_list_do_not_raise(calc_tool):
    router = ToolRouter()
    router.add(calc_tool, lambda value: "ok")
    single = chat_custom_call("call_1", "calc", "1")
    assert router.run(chat_body(tool_calls=single)) == [{"role": "tool", "tool_call_id": "call_1", "content": "ok"}]
    for junk in (5, "calls", {"no": "type"}):
        assert router.run(chat_body(tool_calls=junk)) == []
