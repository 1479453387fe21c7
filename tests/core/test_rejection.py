"""core/rejection.py: one located Rejection, one wording, whichever caller shows it."""

from __future__ import annotations

import json

import pytest

from grammarkit import CustomTool, GrammarkitError, ToolInputError, check_stream
from grammarkit.cli import main
from grammarkit.core.rejection import InputRejected, Rejection, disagreement
from grammarkit.core.span import byte_offset_to_position, caret_snippet, char_start, utf8_bytes
from grammarkit.llg.matcher import EngineMatcher
from grammarkit.local.parser import LocalParser
from grammarkit.samples.checker import check_samples
from grammarkit.samples.files import Sample
from grammarkit.verdict import judge

REGEX = "ab[0-9]{1,3}"
WORDING = "unexpected 'x'; expected [0-9]"


# --------------------------------------------------------------------------- the type


def test_wording_of_each_kind():
    text = "12+x"
    r = Rejection.at_offset(text, 3, engine="llguidance", allowed=['"("', "[0-9]"])
    assert (r.kind, r.line, r.column, r.offset, r.byte_offset, r.found) == ("unexpected", 1, 4, 3, 3, "x")
    assert r.message == "unexpected 'x'; expected \"(\", [0-9]"
    assert str(r) == "1:4: " + r.message and r.located == "at 1:4: " + r.message
    assert r.snippet == "12+x\n   ^"
    end = Rejection.at_offset("1+", 2, engine="lark", expected=["NUMBER"])
    assert (end.kind, end.at_end, end.message) == ("incomplete", True, "the input ends too early; expected NUMBER")
    assert end.byte_offset is None  # Lark works in characters
    long = Rejection.too_long(20_001, 16_000)
    assert (long.line, long.message) == (None, "input is too long (20001 characters; the limit is 16000)")
    assert str(long) == long.message == long.located
    assert Rejection.nested().message == "input is nested too deeply to process"


def test_allowed_wins_over_expected_and_long_lists_are_cut():
    r = Rejection.at_offset("x", 0, engine="llguidance", allowed=["a"], expected=["B"])
    assert r.choices == ["a"] and r.message.endswith("; expected a")
    many = Rejection.at_offset("x", 0, engine="lark", expected=[f"T{i}" for i in range(20)])
    assert many.message.endswith("T11, ...")


def test_at_byte_names_the_whole_character():
    text = "xè"  # "è" is C3 A8; a stop at byte 2 is inside it
    r = Rejection.at_byte(text, 2)
    assert (r.byte_offset, r.offset, r.column, r.found) == (1, 1, 2, "è")


def test_to_dict_has_every_field():
    d = Rejection.at_offset("ab", 1, engine="lark", expected=["A"]).to_dict()
    assert set(d) == {
        "engine", "kind", "message", "line", "column", "offset", "byte_offset", "found", "allowed", "expected", "at_end",
    }
    json.dumps(d)


def test_input_rejected_carries_the_rejection():
    r = Rejection.at_offset("ab", 1, engine="lark", expected=["A"])
    exc = InputRejected(r)
    assert isinstance(exc, GrammarkitError)
    assert (exc.rejection, exc.line, exc.column, exc.message) == (r, 1, 2, r.message)
    assert str(exc) == "1:2: unexpected 'b'; expected A"
    with pytest.raises(AttributeError):
        exc.no_such_field  # noqa: B018


def test_disagreement():
    assert disagreement(True, False) == "lark-rejects"
    assert disagreement(False, True) == "lark-accepts"
    assert disagreement(True, True) is None and disagreement(None, False) is None


# --------------------------------------------------------------------------- positions


def test_utf8_helpers():
    assert utf8_bytes("a\ud800") == b"a\xed\xa0\x80"  # a lone surrogate: its 3-byte form
    assert utf8_bytes("\ud83d\ude00") == "😀".encode()  # a pair that arrived as two halves
    assert char_start("é".encode(), 1) == 0
    assert byte_offset_to_position("a\néb", 4) == (2, 2, 3)
    assert caret_snippet("a\ud800b", 1, 3) == "a\ufffdb\n  ^"
    long = "x" * 500
    snippet = caret_snippet(long, 1, 300)
    assert snippet.split("\n")[1].index("^") == 79 and len(snippet.split("\n")[0]) == 160


# --------------------------------------------------------------------------- one wording everywhere


def test_the_same_sentence_from_every_caller(tmp_path, capsys):
    # samples
    (result,), _ = check_samples(REGEX, [Sample("abx")], syntax="regex")
    assert result.rejection.message == WORDING
    assert (result.rejection.line, result.rejection.column) == (1, 3)
    # the library verdict on one input, and `grammarkit parse`
    matcher = EngineMatcher(REGEX, syntax="regex")
    assert judge("abx", matcher, REGEX, "regex").rejection.message == WORDING
    g = tmp_path / "g.regex"
    g.write_text(REGEX + "\n")
    assert main(["parse", str(g), "abx", "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out)["error"]["message"] == WORDING
    assert main(["parse", str(g), "abx"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "input:1:3: unexpected 'x'" and out[-1] == "  = expected: [0-9]"
    # the OpenAI runtime
    tool = CustomTool("serial", REGEX, syntax="regex")
    with pytest.raises(ToolInputError) as info:
        tool.parse("abx")
    assert str(info.value) == f"input rejected at 1:3: {WORDING}"
    assert info.value.rejection is not None and info.value.rejection.message == WORDING
    # the stream checker
    events = [
        {"type": "response.output_item.added", "output_index": 0,
         "item": {"type": "custom_tool_call", "id": "i", "call_id": "c", "name": "serial", "input": ""}},
        {"type": "response.custom_tool_call_input.delta", "item_id": "i", "output_index": 0, "delta": "abx"},
    ]
    (report,) = check_stream(events, tool)
    assert report.message == WORDING and (report.line, report.column) == (1, 3)


def test_a_stop_inside_a_character_reads_the_same_everywhere():
    grammar = 'start: "xé"\n'
    expected = "unexpected 'è'; expected \"é\""
    (result,), _ = check_samples(grammar, [Sample("xè")], engine="llguidance")
    assert result.rejection.message == expected and result.rejection.byte_offset == 1
    tool = CustomTool("t", grammar)
    assert tool.rejection("xè").message == expected
    with pytest.raises(ToolInputError) as info:
        tool.parse("xè")  # Lark decides here, in tokens: its "xé" token cannot start
    assert str(info.value) == "input rejected at 1:1: unexpected 'x'; expected \"xé\""


def test_lark_and_llguidance_rejections_share_the_type():
    parser = LocalParser('start: "a" "b"\n')
    with pytest.raises(InputRejected) as info:
        parser.parse("ax")
    lark = info.value.rejection
    llg = EngineMatcher('start: "a" "b"\n').rejection("ax")
    assert type(lark) is type(llg) is Rejection
    assert (lark.engine, llg.engine) == ("lark", "llguidance")
    assert (lark.line, lark.column, lark.found) == (llg.line, llg.column, llg.found) == (1, 2, "x")
    assert lark.message == "unexpected 'x'; expected \"b\"" == llg.message
