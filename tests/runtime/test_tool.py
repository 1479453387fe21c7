"""CustomTool: creation (lint, compile, names, files), the API shapes (checked with the
openai SDK's own types), parsing untrusted inputs, and finding calls in results."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path
from typing import get_type_hints

import pytest
from lark import Transformer, Tree
from openai_fake import (
    chat_body,
    chat_custom_call,
    chat_function_call,
    custom_call,
    function_call,
    message,
    reasoning,
    response_body,
)
from pydantic import TypeAdapter

import grammarkit
from grammarkit import CustomTool, CustomToolCall, GrammarError, ToolInputError, custom_tool_calls
from grammarkit.core.errors import InputError
from grammarkit.local.bounded import Budget

ROOT = Path(__file__).resolve().parent.parent.parent
GRAMMARS = ROOT / "grammars"
ARITH = GRAMMARS / "arithmetic.lark"
SQL = GRAMMARS / "sql_select.lark"
TIMESTAMP = GRAMMARS / "timestamp.regex"


@pytest.fixture(scope="module")
def calc():
    return CustomTool.from_file(ARITH, name="calc", description="Evaluate arithmetic.")


class Evaluate(Transformer):
    def NUMBER(self, tok):
        return float(tok)

    def SP(self, tok):
        return None

    def _operands(self, children):
        nums = [c for c in children if c is not None]
        return nums[0], nums[-1]

    def add(self, c):
        a, b = self._operands(c)
        return a + b

    def sub(self, c):
        a, b = self._operands(c)
        return a - b

    def mul(self, c):
        a, b = self._operands(c)
        return a * b

    def div(self, c):
        a, b = self._operands(c)
        return a / b

    def neg(self, c):
        return -c[0]

    def start(self, c):
        return c[0]


# --------------------------------------------------------------------------- creation


def test_from_file_name_syntax_and_description(calc):
    assert calc.name == "calc" and calc.syntax == "lark"
    assert calc.grammar == ARITH.read_text(encoding="utf-8")
    assert calc.description == "Evaluate arithmetic."
    assert calc.warnings == []
    tool = CustomTool.from_file(SQL)
    assert tool.name == "sql_select" and tool.description == ""


def test_from_file_regex_drops_one_trailing_newline(tmp_path):
    tool = CustomTool.from_file(TIMESTAMP)
    assert tool.syntax == "regex" and tool.name == "timestamp"
    assert tool.grammar == TIMESTAMP.read_text(encoding="utf-8")[:-1] and not tool.grammar.endswith("\n")
    p = tmp_path / "digits.regex"
    p.write_bytes(b"[0-9]{1,3}\r\n")
    assert CustomTool.from_file(p).grammar == "[0-9]{1,3}"
    p.write_bytes(b"[0-9]{1,3}\n\n")
    assert CustomTool.from_file(p, name="two").grammar == "[0-9]{1,3}\n"  # only one newline goes


def test_from_file_bad_stem_asks_for_a_name(tmp_path):
    p = tmp_path / "my grammar.lark"
    p.write_text('start: "a"\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"not a valid tool name.*pass name="):
        CustomTool.from_file(p)
    assert CustomTool.from_file(p, name="mine").name == "mine"


def test_from_file_missing_file(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        CustomTool.from_file(tmp_path / "nope.lark")


@pytest.mark.parametrize("name", ["a", "Z", "sql_select", "get-weather", "A1_b-2", "x" * 64])
def test_valid_names(name):
    assert CustomTool(name, 'start: "a"').name == name


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("", "it is empty"),
        ("x" * 65, "65 characters"),
        ("has space", "' ' is not allowed"),
        ("dotted.name", "'.' is not allowed"),
        ("café", "'é' is not allowed"),
        ("slash/name", "'/' is not allowed"),
    ],
)
def test_invalid_names(name, problem):
    with pytest.raises(ValueError, match="invalid tool name") as info:
        CustomTool(name, 'start: "a"')
    assert problem in str(info.value)


def test_name_must_be_a_string():
    with pytest.raises(TypeError):
        CustomTool(None, 'start: "a"')  # type: ignore[arg-type]


def test_unknown_syntax():
    with pytest.raises(ValueError, match="unknown grammar syntax 'ebnf'"):
        CustomTool("t", 'start: "a"', syntax="ebnf")  # type: ignore[arg-type]


def test_grammar_errors_raise_with_diagnostics():
    with pytest.raises(GrammarError) as info:
        CustomTool("bad", 'start: A\nA: /(?=x)y/\nB.2: "b"\n')
    err = info.value
    assert [d.code for d in err.diagnostics] == ["GK101", "GK103"]
    assert (err.diagnostics[0].line, err.diagnostics[0].column) == (2, 5)
    text = str(err)
    assert text.splitlines()[0] == "the grammar of tool 'bad' has 2 errors:"
    assert "<tool bad>:2:5: GK101 lookahead `(?=` is not supported" in text
    assert "hint:" in text
    assert isinstance(err, ValueError)


def test_grammar_errors_from_a_file_name_the_file(tmp_path):
    p = tmp_path / "broken.lark"
    p.write_text("start: greeting\n", encoding="utf-8")
    with pytest.raises(GrammarError) as info:
        CustomTool.from_file(p)
    assert info.value.diagnostics[0].code == "GK109"
    assert f"{p}:1:8: GK109" in str(info.value)  # at the unknown name greeting


def test_regex_grammar_errors():
    with pytest.raises(GrammarError) as info:
        CustomTool("r", "a(?=b)", syntax="regex")
    assert info.value.diagnostics[0].code == "GK101"


def test_warnings_stay_on_the_tool():
    tool = CustomTool("ws", '%import common.WS\n%ignore WS\nstart: "a" "b"\n')
    assert [d.code for d in tool.warnings] == ["GK107"]
    assert isinstance(tool.parse("a  b"), Tree)


# --------------------------------------------------------------------------- API shapes


def _assert_known_keys(value, typed_dict):
    """Every key of ``value`` is declared by ``typed_dict`` (pydantic ignores extra keys
    of a TypedDict, so validation alone would not notice a misspelt one)."""
    hints = get_type_hints(typed_dict, include_extras=False)
    assert set(value) <= set(hints), set(value) - set(hints)


def test_to_responses_shape_and_sdk_types(calc):
    from openai.types.responses import CustomTool as SDKCustomTool
    from openai.types.responses import CustomToolParam, ToolParam
    from openai.types.shared_params.custom_tool_input_format import Grammar

    d = calc.to_responses()
    assert d == {
        "type": "custom",
        "name": "calc",
        "description": "Evaluate arithmetic.",
        "format": {"type": "grammar", "syntax": "lark", "definition": calc.grammar},
    }
    TypeAdapter(ToolParam).validate_python(d)
    TypeAdapter(CustomToolParam).validate_python(d)
    _assert_known_keys(d, CustomToolParam)
    _assert_known_keys(d["format"], Grammar)
    model = SDKCustomTool.model_validate(d)
    assert model.format.type == "grammar" and model.format.definition == calc.grammar
    assert model.format.syntax == "lark"


def test_to_chat_shape_and_sdk_types(calc):
    from openai.types.chat import ChatCompletionCustomToolParam, ChatCompletionToolUnionParam
    from openai.types.chat.chat_completion_custom_tool_param import (
        Custom,
        CustomFormatGrammar,
        CustomFormatGrammarGrammar,
    )

    d = calc.to_chat()
    assert d == {
        "type": "custom",
        "custom": {
            "name": "calc",
            "description": "Evaluate arithmetic.",
            "format": {"type": "grammar", "grammar": {"syntax": "lark", "definition": calc.grammar}},
        },
    }
    TypeAdapter(ChatCompletionToolUnionParam).validate_python(d)
    TypeAdapter(ChatCompletionCustomToolParam).validate_python(d)
    _assert_known_keys(d, ChatCompletionCustomToolParam)
    _assert_known_keys(d["custom"], Custom)
    _assert_known_keys(d["custom"]["format"], CustomFormatGrammar)
    _assert_known_keys(d["custom"]["format"]["grammar"], CustomFormatGrammarGrammar)


def test_regex_tool_shapes():
    from openai.types.responses import ToolParam

    tool = CustomTool.from_file(TIMESTAMP)
    assert tool.to_responses()["format"] == {"type": "grammar", "syntax": "regex", "definition": tool.grammar}
    assert tool.to_chat()["custom"]["format"]["grammar"]["syntax"] == "regex"
    TypeAdapter(ToolParam).validate_python(tool.to_responses())


def test_tool_choice_shapes(calc):
    from openai.types.chat import ChatCompletionToolChoiceOptionParam
    from openai.types.chat.chat_completion_named_tool_choice_custom_param import (
        ChatCompletionNamedToolChoiceCustomParam,
    )
    from openai.types.responses import ToolChoiceCustomParam
    from openai.types.responses.response_create_params import ToolChoice

    assert calc.tool_choice() == {"type": "custom", "name": "calc"}
    TypeAdapter(ToolChoice).validate_python(calc.tool_choice("responses"))
    _assert_known_keys(calc.tool_choice(), ToolChoiceCustomParam)
    assert calc.tool_choice("chat") == {"type": "custom", "custom": {"name": "calc"}}
    TypeAdapter(ChatCompletionToolChoiceOptionParam).validate_python(calc.tool_choice("chat"))
    _assert_known_keys(calc.tool_choice("chat"), ChatCompletionNamedToolChoiceCustomParam)
    with pytest.raises(ValueError, match="unknown API"):
        calc.tool_choice("assistants")  # type: ignore[arg-type]


def test_output_items_match_sdk_types():
    from openai.types.chat import ChatCompletionMessageParam, ChatCompletionToolMessageParam
    from openai.types.responses import ResponseCustomToolCallOutputParam, ResponseInputItemParam

    r = CustomToolCall("call_1", "calc", "1+1", "responses").output_item("2")
    assert r == {"type": "custom_tool_call_output", "call_id": "call_1", "output": "2"}
    TypeAdapter(ResponseInputItemParam).validate_python(r)
    _assert_known_keys(r, ResponseCustomToolCallOutputParam)
    c = CustomToolCall("call_2", "calc", "1+1", "chat").output_item("2")
    assert c == {"role": "tool", "tool_call_id": "call_2", "content": "2"}
    TypeAdapter(ChatCompletionMessageParam).validate_python(c)
    _assert_known_keys(c, ChatCompletionToolMessageParam)


# --------------------------------------------------------------------------- parsing


def test_parse_returns_the_tree_with_grammar_names(calc):
    tree = calc.parse("1 + 2*3")
    assert isinstance(tree, Tree) and tree.data == "start"
    (add,) = tree.children
    assert add.data == "add"
    assert [t.type for t in add.scan_values(lambda v: True)] == ["NUMBER", "SP", "SP", "NUMBER", "NUMBER"]


def test_parse_rejection_has_position_and_expectation(calc):
    with pytest.raises(ToolInputError) as info:
        calc.parse("1 + x")
    err = info.value
    assert str(err) == "input rejected at 1:5: unexpected 'x'; expected \"(\", \"-\", NUMBER"
    assert (err.line, err.column, err.offset, err.found) == (1, 5, 4, "x")
    assert err.expected == ['"("', '"-"', "NUMBER"]
    assert err.kind == "syntax" and err.source == "lark" and err.tool == "calc"
    assert err.snippet == "1 + x\n    ^"
    assert err.to_dict()["column"] == 5
    assert isinstance(err, ValueError)


def test_parse_input_that_ends_early(calc):
    with pytest.raises(ToolInputError) as info:
        calc.parse("(1 + 2")
    assert info.value.at_end and str(info.value).startswith("input rejected at 1:7: the input ends too early")


def test_parse_multiline_position():
    tool = CustomTool("lines", 'start: LINE ("\\n" LINE)*\nLINE: /[a-z]{1,10}/\n')
    with pytest.raises(ToolInputError) as info:
        tool.parse("abc\ndéf\nxyz")
    assert (info.value.line, info.value.column) == (2, 2)


def test_parse_bounds_the_input_size():
    tool = CustomTool("digits", "start: D+\nD: /[0-9]/\n", max_input_chars=10)
    assert isinstance(tool.parse("1" * 10), Tree)
    with pytest.raises(ToolInputError) as info:
        tool.parse("1" * 11)
    assert info.value.kind == "too_long" and info.value.line is None
    assert str(info.value) == "input rejected: input is too long (11 characters; the limit is 10)"
    with pytest.raises(ValueError, match="max_input_chars"):
        CustomTool("digits", "start: D+\nD: /[0-9]/\n", max_input_chars=0)


def test_parse_rejects_non_strings(calc):
    with pytest.raises(TypeError):
        calc.parse(b"1+1")  # type: ignore[arg-type]


def test_parse_with_a_lark_transformer():
    tool = CustomTool.from_file(ARITH, transformer=Evaluate())
    assert tool.parse("1 + 2*3") == 7.0
    assert tool.parse("-(2 - 5) / 2") == 1.5


def test_parse_with_a_callable_transformer(calc):
    tool = CustomTool.from_file(ARITH, name="calc", transformer=lambda tree: tree.data)
    assert tool.parse("1") == "start"


def test_transformer_exceptions_are_the_transformers():
    class Boom(Transformer):
        def NUMBER(self, tok):
            raise OverflowError("too big")

    tool = CustomTool.from_file(ARITH, transformer=Boom())
    with pytest.raises(OverflowError, match="too big"):
        tool.parse("1")


def test_deep_nesting_becomes_a_tool_input_error():
    class Count(Transformer):
        def x(self, children):
            return 1 + sum(c for c in children if isinstance(c, int))

    tool = CustomTool("nest", 'start: x\nx: "a" x "b" | "c"\n', transformer=Count(), budget=Budget(seconds=120))
    assert tool.parse("aacbb").children == [3]
    with pytest.raises(ToolInputError) as info:
        tool.parse("a" * 3000 + "c" + "b" * 3000)
    assert info.value.kind == "nested"
    assert str(info.value) == "input rejected: input is nested too deeply to process"


def test_inputs_are_never_evaluated():
    tool = CustomTool("text", "start: /[ -~]{0,200}/\n")
    sneaky = "__import__('os').system('echo pwned')"
    tree = tool.parse(sneaky)
    assert str(tree.children[0]) == sneaky


def test_regex_tool_parse_returns_the_text():
    tool = CustomTool.from_file(TIMESTAMP)
    assert tool.local_parser is None and "regex" in tool.local_parser_error
    assert tool.parse("2024-02-29T12:30:00Z") == "2024-02-29T12:30:00Z"
    with pytest.raises(ToolInputError) as info:
        tool.parse("2024-13-01T00:00:00Z")
    err = info.value
    assert err.source == "llguidance" and err.byte_offset == 6  # "1" may start 10-12; "3" cannot follow
    assert str(err).startswith("input rejected at 1:7: unexpected '3'")
    if err.expected:  # llguidance's allowed bytes, when the matcher can tell
        assert err.expected == ["[0-2]"] and str(err).endswith("; expected [0-2]")


def test_regex_rejection_counts_characters_not_bytes():
    tool = CustomTool("word", "é{1,5}x", syntax="regex")
    assert tool.parse("ééx") == "ééx"
    with pytest.raises(ToolInputError) as info:
        tool.parse("ééy")
    assert (info.value.byte_offset, info.value.column, info.value.offset) == (4, 3, 2)
    with pytest.raises(ToolInputError) as info:
        tool.parse("éé")
    assert info.value.at_end and str(info.value).startswith("input rejected at 1:3: the input ends too early")


def test_regex_tool_with_a_callable_transformer():
    from datetime import datetime

    tool = CustomTool.from_file(TIMESTAMP, transformer=datetime.fromisoformat)
    assert tool.parse("2024-02-29T12:30:00Z").year == 2024


def test_lark_transformer_needs_a_lark_parser():
    with pytest.raises(TypeError, match="needs a Lark grammar"):
        CustomTool.from_file(TIMESTAMP, transformer=Evaluate())
    with pytest.raises(ValueError, match="needs the local Lark parser"):
        CustomTool("j", 'start: %json {"type": "integer"}\n', transformer=Evaluate())
    with pytest.raises(TypeError, match="not the class"):
        CustomTool.from_file(ARITH, transformer=Evaluate)
    with pytest.raises(TypeError, match="callable"):
        CustomTool.from_file(ARITH, transformer=42)


def test_grammar_without_a_lark_equivalent_is_checked_by_llguidance():
    schema = '{"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"], "additionalProperties": false}'
    tool = CustomTool("obj", f"start: %json {schema}\n")
    assert tool.local_parser is None and "%json" in tool.local_parser_error
    assert tool.parse('{"a": 1}') == '{"a": 1}'
    with pytest.raises(ToolInputError) as info:
        tool.parse('{"a": "x"}')
    assert info.value.source == "llguidance" and info.value.column == 7


def test_local_parser_is_built_lazily_once(monkeypatch):
    from grammarkit.local import parser as local_parser

    built = []
    original = local_parser.LocalParser.__init__

    def counting(self, *args, **kwargs):
        built.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(local_parser.LocalParser, "__init__", counting)
    tool = CustomTool.from_file(ARITH)
    assert built == []
    tool.parse("1")
    tool.parse("2")
    assert tool.local_parser is tool.local_parser
    assert built == [1]


def test_parse_from_many_threads(calc):
    inputs = [f"{i} + {i}*2" for i in range(40)]
    results: dict[int, object] = {}

    def work(i):
        results[i] = calc.parse(inputs[i]).children[0].data

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(inputs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert results == {i: "add" for i in range(len(inputs))}


def test_parses_run_at_the_same_time_in_threads(monkeypatch):
    # The local parse (the linear-time parser, or Lark's Earley) keeps its state in the
    # call, so CustomTool.parse takes no lock around it: a parse blocked inside the parser
    # must not hold up another thread's parse.
    tool = CustomTool.from_file(ARITH, name="calc")
    local = tool.local_parser
    lark = local._fast if local._fast is not None else local._lark  # what reads the input
    real_parse = lark.parse
    inside, other_done = threading.Event(), threading.Event()

    def parse(text, *args, **kwargs):
        if text == "1":  # the first thread: wait inside the parse for the second one
            inside.set()
            waited.append(other_done.wait(30))
        return real_parse(text, *args, **kwargs)

    waited: list[bool] = []
    monkeypatch.setattr(lark, "parse", parse)
    first = threading.Thread(target=tool.parse, args=("1",))
    first.start()
    try:
        assert inside.wait(30)
        assert tool.parse("2*3").children[0].data == "mul"  # while the first parse is under way
        other_done.set()
    finally:
        other_done.set()
        first.join(30)
    assert waited == [True]


def test_threads_get_the_same_trees_as_one_thread():
    tool = CustomTool.from_file(ARITH, name="calc")
    inputs = [f"{i} + {i}*({i} - 2) / 7" + " + 1" * (i % 13) for i in range(32)]
    expected = [tool.parse(text) for text in inputs]
    got: dict[int, object] = {}
    barrier = threading.Barrier(8)

    def work(k):
        barrier.wait(30)
        for i in range(k, len(inputs), 8):
            got[i] = tool.parse(inputs[i])

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert [got.get(i) for i in range(len(inputs))] == expected


def test_default_input_bound():
    from grammarkit.runtime.tool import DEFAULT_MAX_INPUT_CHARS

    assert DEFAULT_MAX_INPUT_CHARS == 16_000
    tool = CustomTool("digits", "start: D+\nD: /[0-9]/\n")
    assert tool.max_input_chars == 16_000
    with pytest.raises(ToolInputError) as info:
        tool.parse("1" * 16_001)
    assert info.value.kind == "too_long"


# --------------------------------------------------------------------------- lone surrogates
# The SDK turns a JSON "\ud800" into a lone surrogate: a str with no UTF-8 form, which the
# model (emitting UTF-8 bytes under the grammar) can never have produced.


def test_lone_surrogate_is_a_located_rejection_for_regex_tools():
    tool = CustomTool.from_file(GRAMMARS / "email.regex")
    for text, column in [("a\ud800@b.com", 2), ("a@b.com\udc00", 8)]:
        with pytest.raises(ToolInputError) as info:
            tool.parse(text)
        err = info.value
        assert (err.line, err.column, err.offset, err.found) == (1, column, column - 1, text[column - 1])
        assert err.byte_offset == column - 1 and err.kind == "syntax"
        assert str(err).startswith(f"input rejected at 1:{column}: unexpected {text[column - 1]!r}")
        assert "lone surrogate" in str(err)
        str(err).encode("utf-8")  # the message itself is sendable


def test_lone_surrogate_is_rejected_for_lark_tools_even_where_lark_would_accept():
    # Lark's regex matches a lone surrogate inside [^"]; llguidance (and the model) cannot
    tool = CustomTool("conf", 'start: "host = " STRING\nSTRING: /"[^"\\n]{0,50}"/\n')
    assert tool.parse('host = "ab"').children[0] == '"ab"'
    text = 'host = "a\ud800b"'
    with pytest.raises(ToolInputError) as info:
        tool.parse(text)
    err = info.value
    assert (err.line, err.column, err.offset, err.byte_offset) == (1, 10, 9, 9)
    assert err.snippet == 'host = "a\ufffdb"\n         ^'  # printable: U+FFFD in the surrogate's place
    with pytest.raises(ToolInputError) as info:
        tool.parse('host = "éé\udfff"')
    assert (info.value.column, info.value.byte_offset) == (11, 12)  # "é" is 2 bytes


def test_check_rejects_a_lone_surrogate_instead_of_raising():
    tool = CustomTool.from_file(GRAMMARS / "email.regex")
    verdict = tool.check("a\ud800@b.com")
    assert not verdict.accepted and verdict.stopped_at in (1, 2)  # at the surrogate's bytes
    assert tool.matcher.check("ab\udc00").accepted is False
    err = ToolInputError.from_rejection(tool.name, tool.rejection("a\ud800@b.com"))
    assert (err.line, err.column, err.offset, err.found) == (1, 2, 1, "\ud800")


def test_check_is_llguidance(calc):
    assert calc.check("1+2").accepted
    verdict = calc.check("1+")
    assert not verdict.accepted and verdict.ended_early


# --------------------------------------------------------------------------- calls


def test_custom_tool_calls_in_responses_dicts_and_objects():
    from openai.types.responses import Response

    body = response_body(
        [
            reasoning(),
            message("Let me compute."),
            custom_call("call_a", "calc", "1+1"),
            function_call("call_f", "lookup"),
            custom_call("call_b", "sql", "SELECT * FROM t"),
        ]
    )
    for response in (body, Response.model_validate(body)):
        calls = custom_tool_calls(response)
        assert [(c.call_id, c.name, c.input, c.api, c.id, c.index) for c in calls] == [
            ("call_a", "calc", "1+1", "responses", "ctc_call_a", 2),
            ("call_b", "sql", "SELECT * FROM t", "responses", "ctc_call_b", 4),
        ]
    assert custom_tool_calls(response_body([message("no tools")])) == []


def test_custom_tool_calls_in_chat_dicts_and_objects():
    from openai.types.chat import ChatCompletion

    body = chat_body(
        tool_calls=[chat_function_call("call_f", "lookup"), chat_custom_call("call_c", "calc", "2*3")]
    )
    for response in (body, ChatCompletion.model_validate(body)):
        calls = custom_tool_calls(response)
        assert [(c.call_id, c.name, c.input, c.api, c.id, c.index) for c in calls] == [
            ("call_c", "calc", "2*3", "chat", None, 1)
        ]
    message_only = ChatCompletion.model_validate(body).choices[0].message
    assert [c.call_id for c in custom_tool_calls(message_only)] == ["call_c"]
    assert custom_tool_calls(chat_body(content="hello")) == []
    assert custom_tool_calls({"choices": []}) == []


def test_custom_tool_calls_rejects_other_things():
    with pytest.raises(TypeError, match="expected a Responses result"):
        custom_tool_calls("not a response")
    with pytest.raises(ValueError, match=r"output\[0\]: no 'call_id'"):
        custom_tool_calls({"output": [{"type": "custom_tool_call", "name": "x", "input": ""}]})


def test_custom_tool_calls_rejects_inputs_that_are_not_strings():
    def call(value):
        return {"output": [{"type": "custom_tool_call", "call_id": "c", "name": "x", "input": value}]}

    with pytest.raises(ValueError, match=r"output\[0\]: 'input' is int, not a string"):
        custom_tool_calls(call(12))
    with pytest.raises(ValueError, match=r"output\[0\]: no 'input'"):
        custom_tool_calls(call(None))
    with pytest.raises(ValueError, match=r"tool_calls\[0\]: 'input' is list, not a string"):
        custom_tool_calls(chat_body(tool_calls=[{"id": "t", "type": "custom", "custom": {"name": "x", "input": ["1"]}}]))
    with pytest.raises(ValueError, match=r"tool_calls\[0\]: no 'custom' object"):
        custom_tool_calls(chat_body(tool_calls=[{"id": "t", "type": "custom"}]))
    assert custom_tool_calls(call(""))[0].input == ""


# --------------------------------------------------------------------------- the package


def test_public_names_are_lazy_and_openai_free():
    probe = (
        "import sys, grammarkit\n"
        "before = sorted(m for m in ('grammarkit.tools', 'grammarkit.router', 'grammarkit.streaming', 'openai', 'lark') if m in sys.modules)\n"
        "from grammarkit import CustomTool, ToolRouter, StreamChecker, custom_tool_calls\n"
        "tool = CustomTool('calc', 'start: \"a\"')\n"
        "print(before, 'openai' in sys.modules)\n"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert proc.stdout.strip() == "[] False", proc.stdout + proc.stderr


def test_public_names_are_listed():
    for name in [
        "CustomTool",
        "CustomToolCall",
        "GrammarError",
        "ToolInputError",
        "custom_tool_calls",
        "ToolRouter",
        "ToolResult",
        "StreamChecker",
        "StreamReport",
        "check_stream",
    ]:
        assert name in grammarkit.__all__ and name in dir(grammarkit)
        assert getattr(grammarkit, name) is not None
    with pytest.raises(AttributeError):
        grammarkit.NoSuchThing  # noqa: B018
