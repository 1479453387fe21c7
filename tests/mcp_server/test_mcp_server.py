"""The MCP server, end to end: `python -m grammarkit mcp` launched by the SDK's own stdio
client, every tool listed (with input and output schemas) and called, and the errors a
client gets for bad calls (one line each, never a traceback)."""

from __future__ import annotations

import json
import subprocess
import sys
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from grammarkit.lint.registry import all_rules

pytest.importorskip("mcp")

from anyio.from_thread import start_blocking_portal
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

from grammarkit.llg.matcher import EngineMatcher
from grammarkit.runtime.tool import CustomTool

ROOT = Path(__file__).resolve().parent.parent.parent
ORDER_LOOKUP = (ROOT / "grammars" / "order_lookup.lark").read_text(encoding="utf-8")
ARITH = 'start: sum\nsum: NUM ("+" NUM)*\nNUM: /[0-9]{1,9}/\n'
GREEDY = 'start: A "b"\nA: /a|ab/\n'  # Lark splits "ab" differently from llguidance
NESTED = 'start: e\ne: "(" e ")" | "x"\n'
TOOLS = {
    "check_grammar",
    "apply_fixes",
    "parse_input",
    "run_samples",
    "generate_samples",
    "explain_rule",
    "grammar_stats",
    "tool_definitions",
    "diff_grammars",
}
CALL_TIMEOUT = 240.0  # seconds: the machine may be busy; the server's own budget is shorter


class Client:
    """A live MCP session, driven from synchronous tests."""

    def __init__(self, portal, session: ClientSession, log: Path) -> None:
        self.portal = portal
        self.session = session
        self.log = log

    def list_tools(self):
        return self.portal.call(self.session.list_tools)

    def call(self, tool: str, /, **args):
        return self.portal.call(self.session.call_tool, tool, args)

    def ok(self, tool: str, /, **args) -> dict:
        result = self.call(tool, **args)
        assert not result.is_error, result.content[0].text
        data = result.structured_content
        assert isinstance(data, dict)
        # The text content carries the same JSON, for clients without structured output.
        assert json.loads(result.content[0].text) == data
        return data

    def error(self, tool: str, /, **args) -> str:
        result = self.call(tool, **args)
        assert result.is_error, result.structured_content
        assert result.structured_content is None
        (item,) = result.content
        text = item.text
        assert "\n" not in text and "Traceback" not in text
        return text


@asynccontextmanager
async def _session(args: list[str], log_path: Path):
    params = StdioServerParameters(command=sys.executable, args=["-m", "grammarkit", "mcp", *args], cwd=str(ROOT))
    with open(log_path, "w", encoding="utf-8") as log:
        async with (
            stdio_client(params, errlog=log) as (read, write),
            ClientSession(read, write, read_timeout_seconds=CALL_TIMEOUT) as session,
        ):
            await session.initialize()
            yield session


def _start(tmp_path_factory, *args: str):
    log = tmp_path_factory.mktemp("mcp") / "server.log"
    portal_cm = start_blocking_portal()
    portal = portal_cm.__enter__()
    session_cm = portal.wrap_async_context_manager(_session(list(args), log))
    session = session_cm.__enter__()
    return Client(portal, session, log), session_cm, portal_cm


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    c, session_cm, portal_cm = _start(tmp_path_factory)
    try:
        yield c
    finally:
        session_cm.__exit__(None, None, None)
        portal_cm.__exit__(None, None, None)
    log = c.log.read_text(encoding="utf-8")
    assert "Traceback" not in log, log


# --------------------------------------------------------------------------- listing


def test_every_tool_is_listed_with_input_and_output_schemas(client):
    tools = {t.name: t for t in client.list_tools().tools}
    assert set(tools) == TOOLS
    for name, tool in tools.items():
        assert tool.description and len(tool.description) > 40, name
        schema = tool.input_schema
        assert schema["type"] == "object" and schema["properties"], name
        out = tool.output_schema
        assert out is not None and out["type"] == "object" and out["properties"], name
        assert tool.annotations.read_only_hint is True
    # The limits are in the schemas, for clients to see before they call.
    grammar = tools["check_grammar"].input_schema["properties"]["grammar"]
    assert grammar["maxLength"] == 100_000
    assert tools["generate_samples"].input_schema["properties"]["n"]["maximum"] == 200
    assert tools["parse_input"].input_schema["required"] == ["grammar", "input"]
    assert set(tools["check_grammar"].output_schema["properties"]) >= {"ok", "diagnostics", "samples"}


# --------------------------------------------------------------------------- each tool


def test_check_grammar_reports_codes_positions_hints_and_fixes(client):
    grammar = 'start: A\nA: /a+?b/\n%ignore /[ ]+/\n'
    data = client.ok("check_grammar", grammar=grammar)
    assert data["ok"] is False and data["errors"] >= 1
    by_code = {d["code"]: d for d in data["diagnostics"]}
    lazy = by_code["GK102"]
    assert (lazy["line"], lazy["column"], lazy["path"], lazy["severity"]) == (2, 6, "<grammar>", "error")
    assert lazy["hint"]
    assert lazy["fix"]["safety"] == "safe"
    (edit,) = lazy["fix"]["edits"]
    assert grammar[edit["start"] : edit["end"]] == "?" and edit["line"] == 2
    assert "GK107" in by_code  # unbounded %ignore
    assert data["samples"] == []


def test_check_grammar_with_samples_and_select(client):
    samples = [
        {"input": "1+2", "should_parse": True, "description": "a sum"},
        {"input": "1+", "should_parse": True, "description": "broken"},
        {"input": "x", "should_parse": False},
    ]
    data = client.ok("check_grammar", grammar=ARITH, samples=samples, select=["GK300"])
    assert [d["code"] for d in data["diagnostics"]] == ["GK300"]
    (mismatch,) = data["diagnostics"]
    assert mismatch["path"] == "<samples>" and mismatch["line"] == 2  # the sample's number
    verdicts = data["samples"]
    assert [v["passed"] for v in verdicts] == [True, False, True]
    assert verdicts[1]["error"]["kind"] == "incomplete"
    assert verdicts[0]["engines"] == {"llguidance": True, "lark": True}


def test_apply_fixes_applies_verified_fixes_and_lists_unsafe_ones(client):
    data = client.ok("apply_fixes", grammar='start: A\nA: /a+?b/\n')
    assert data["changed"] is True and data["text"] == "start: A\nA: /a+b/\n"
    assert [d["code"] for d in data["applied"]] == ["GK102"]
    assert data["diff"].startswith("--- a/<grammar>\n+++ b/<grammar>\n")
    assert "GK102" not in [d["code"] for d in data["remaining"]]
    regex = client.ok("apply_fixes", grammar="/[0-9]{1,3}/", syntax="regex")
    assert regex["changed"] is False
    (skipped,) = regex["skipped"]
    assert skipped["diagnostic"]["code"] == "GK202" and "unsafe=true" in skipped["reason"]
    unsafe = client.ok("apply_fixes", grammar="/[0-9]{1,3}/", syntax="regex", unsafe=True)
    assert unsafe["text"] == "[0-9]{1,3}" and unsafe["skipped"] == []


def test_parse_input_gives_both_verdicts_the_tree_and_located_rejections(client):
    data = client.ok("parse_input", grammar=ARITH, input="12+3")
    assert data["accepted"] is True and data["engines"] == {"llguidance": True, "lark": True}
    assert data["tree"]["rule"] == "start"
    tokens = data["tree"]["children"][0]["children"]
    assert [(t["token"], t["value"], t["column"]) for t in tokens] == [("NUM", "12", 1), ("NUM", "3", 4)]
    bad = client.ok("parse_input", grammar=ARITH, input="12+x")
    assert bad["accepted"] is False and bad["tree"] is None
    error = bad["error"]
    assert (error["engine"], error["kind"], error["line"], error["column"], error["found"]) == (
        "llguidance",
        "unexpected",
        1,
        4,
        "x",
    )
    assert error["allowed"] == ["[0-9]"]
    assert bad["lark_error"]["engine"] == "lark"
    greedy = client.ok("parse_input", grammar=GREEDY, input="abb")
    assert greedy["accepted"] is True and greedy["engines"]["lark"] is False
    assert greedy["disagreement"] == "lark-rejects" and greedy["notes"]
    regex = client.ok("parse_input", grammar="[a-z]{1,3}", syntax="regex", input="abc")
    assert regex["accepted"] is True and regex["engines"]["lark"] is None


def test_parse_input_cuts_deep_trees(client):
    depth = 150
    data = client.ok("parse_input", grammar=NESTED, input="(" * depth + "x" + ")" * depth)
    assert data["accepted"] is True
    assert any("deeper than 64 levels" in n for n in data["notes"])
    node, levels = data["tree"], 1
    while node.get("children") and "rule" in node["children"][0]:
        node, levels = node["children"][0], levels + 1
    assert node.get("truncated") is True and levels == 64


def test_run_samples_takes_guidance_lark_mcp_files(client):
    tests = [
        {"input": "1+2", "should_parse": True, "description": "sum"},
        {"input": "1++2", "should_parse": False, "description": "double plus"},
        {"input": "7", "should_parse": False, "description": "wrongly expected to fail"},
    ]
    for samples in (tests, {"tests": tests}):
        data = client.ok("run_samples", grammar=ARITH, samples=samples)
        assert data["summary"] == {
            "total": 3,
            "passed": 2,
            "failed": 1,
            "accepted": 2,
            "rejected": 1,
            "disagreements": 0,
            "lark_ran": True,
            "lark_unavailable": None,
        }
        third = data["results"][2]
        assert (third["index"], third["input"], third["passed"], third["description"]) == (
            3,
            "7",
            False,
            "wrongly expected to fail",
        )
        assert data["results"][1]["error"]["column"] == 3
    greedy = client.ok("run_samples", grammar=GREEDY, samples=[{"input": "ab", "should_parse": None}], engine="both")
    assert greedy["summary"]["disagreements"] == 1 and greedy["summary"]["passed"] == 1
    assert greedy["results"][0]["disagreement"] == "lark-accepts"
    assert greedy["results"][0]["expected"] is None


def test_generate_samples_draws_inputs_the_model_can_emit(client):
    data = client.ok("generate_samples", grammar=ORDER_LOOKUP, n=8, seed=7)
    assert len(data["samples"]) == 8 and data["complete"] is True and data["seed"] == 7
    matcher = EngineMatcher(ORDER_LOOKUP)
    assert all(matcher.accepts(s) for s in data["samples"])
    assert client.ok("generate_samples", grammar=ORDER_LOOKUP, n=8, seed=7)["samples"] == data["samples"]
    coverage = data["coverage"]
    assert coverage["samples"] == 8 and 0 < coverage["measured_samples"] <= 8
    alternatives = coverage["alternatives"]
    assert 0 < alternatives["covered"] <= alternatives["total"]
    assert len(alternatives["missed"]) == alternatives["total"] - alternatives["covered"]
    assert all(m["line"] >= 1 and m["column"] >= 1 and m["rule"] for m in alternatives["missed"])
    assert not any("coverage" in n for n in data["notes"])
    wide = client.ok("generate_samples", grammar='start: "a" | "b" | "c"\n', n=60, seed=1)["coverage"]
    assert wide["alternatives"] == {"covered": 3, "total": 3, "missed": []}
    regex = client.ok("generate_samples", grammar="[ab]{1,3}", syntax="regex", n=3, seed=1)
    assert regex["coverage"] is None and any("coverage is not measured" in n for n in regex["notes"])
    short = client.ok("generate_samples", grammar='start: /a{300}/', n=2, max_bytes=10)
    assert short["complete"] is False and short["samples"] == []
    assert "cannot generate: the grammar matches no string" in client.error(
        "generate_samples", grammar="start: A\nA: /[a-z]/ & /[0-9]/\n"
    )


def test_explain_rule_by_code_and_by_name(client):
    data = client.ok("explain_rule", rule="GK107")
    assert data["name"] == "unbounded-ignore" and data["severity"] == "warning"
    assert data["doc"].startswith("GK107 unbounded-ignore") and "``" not in data["summary"]
    assert client.ok("explain_rule", rule="lookaround")["code"] == "GK101"


def test_grammar_stats_counts_and_limits(client):
    data = client.ok("grammar_stats", grammar=ARITH)
    assert (data["rules"], data["terminals"], data["compiles"]) == (2, 1, True)
    names = {limit["name"] for limit in data["limits"]}
    assert "max_grammar_size" in names
    size = next(limit for limit in data["limits"] if limit["name"] == "max_grammar_size")
    assert size["value"] and size["limit"] > size["value"]


def test_tool_definitions_match_custom_tool(client):
    data = client.ok("tool_definitions", grammar=ARITH, name="calc", description="Adds numbers.")
    tool = CustomTool("calc", ARITH, description="Adds numbers.")
    assert data["responses"] == tool.to_responses()
    assert data["chat"] == tool.to_chat()
    assert data["warnings"] == []
    refused = client.error("tool_definitions", grammar='start: /(?<=a)b/', name="t")
    assert "the grammar has errors: 1:" in refused and "GK101" in refused
    assert "invalid arguments: name:" in client.error("tool_definitions", grammar=ARITH, name="bad name")


def test_diff_grammars_finds_a_narrowing(client):
    new = ORDER_LOOKUP.replace("LIMIT: /100|[1-9][0-9]?/", "LIMIT: /100|[1-9]/")
    samples = [{"input": "orders for ACC-0042 limit 42", "description": "logged"}, {"input": "account ACC-0042"}]
    data = client.ok("diff_grammars", old=ORDER_LOOKUP, new=new, samples=samples, n=0, examples=1)
    assert data["narrowing"] is True
    assert data["inputs"] == {"from_samples": 2, "generated_from_old": 0, "generated_from_new": 0, "distinct": 2}
    (group,) = data["narrowed"]["groups"]
    assert group["rejected_by"] == "new" and group["gained"] == ["[0-9]"]
    (example,) = group["examples"]
    assert example["origin"] == {"source": "<samples>", "line": 1, "description": "logged", "expected": True}
    assert example["column"] == 28
    same = client.ok("diff_grammars", old=ARITH, new=ARITH, n=10)
    assert same["narrowing"] is False and same["widened"]["count"] == 0


# --------------------------------------------------------------------------- errors


def test_oversized_inputs_are_refused_in_one_line(client):
    text = client.error("parse_input", grammar="x" * 100_001, input="a")
    assert text == (
        "Error executing tool parse_input: invalid arguments: grammar: String should have at most 100000 characters"
    )
    assert "xxxx" not in text  # the caller's value is not echoed
    assert "n: Input should be less than or equal to 200" in client.error("generate_samples", grammar=ARITH, n=10_000)
    too_many = [{"input": "1"}] * 1001
    assert "samples" in client.error("run_samples", grammar=ARITH, samples=too_many)


def test_a_grammar_llguidance_rejects_is_a_one_line_error(client):
    for tool, args in (
        ("parse_input", {"grammar": 'start: /(?<=a)b/', "input": "b"}),
        ("run_samples", {"grammar": 'start: /(?<=a)b/', "samples": [{"input": "b"}]}),
        ("generate_samples", {"grammar": 'start: /(?<=a)b/'}),
    ):
        text = client.error(tool, **args)
        assert "llguidance rejects the grammar: " in text and "look-around" in text
    assert "llguidance rejects the new grammar" in client.error("diff_grammars", old=ARITH, new="start: /(?<=a)b/")
    # check_grammar reports it as diagnostics instead: that is its job.
    assert client.ok("check_grammar", grammar='start: /(?<=a)b/')["ok"] is False


def test_an_unknown_rule_is_a_one_line_error(client):
    assert client.error("explain_rule", rule="GK999") == (
        "Error executing tool explain_rule: unknown rule 'GK999': give a code "
        f"({all_rules()[0].code}..{all_rules()[-1].code}) or a name such as 'lookaround'"
    )
    assert "unknown rule 'nope' in select" in client.error("check_grammar", grammar=ARITH, select=["nope"])


def test_wrong_argument_types_are_one_line_errors(client):
    text = client.error("parse_input", grammar=ARITH, input=5)
    assert text == "Error executing tool parse_input: invalid arguments: input: Input should be a valid string"
    assert "invalid arguments: grammar: Field required" in client.error("check_grammar")
    assert "syntax" in client.error("check_grammar", grammar=ARITH, syntax="ebnf")


def test_the_server_keeps_serving_after_errors(client):
    client.error("explain_rule", rule="nope")
    assert client.ok("parse_input", grammar=ARITH, input="1")["accepted"] is True


# --------------------------------------------------------------------------- the time budget


def test_a_call_over_the_time_budget_fails_and_the_next_one_works(tmp_path_factory):
    slow, session_cm, portal_cm = _start(tmp_path_factory, "--timeout", "1", "--workers", "1")
    try:
        ambiguous = 'start: e\ne: e "+" e | NUM\nNUM: /[0-9]/\n'
        text = slow.error("parse_input", grammar=ambiguous, input="1+" * 7999 + "1")
        assert text == "Error executing tool parse_input: the call ran over its time budget of 1 seconds"
        assert slow.ok("explain_rule", rule="GK101")["code"] == "GK101"
        # A fresh worker answers the next call (it may take a while to start on a busy machine,
        # so the quick call is tried a few times).
        for _ in range(10):
            result = slow.call("parse_input", grammar=ARITH, input="1+2")
            if not result.is_error:
                break
            assert "time budget" in result.content[0].text
        assert not result.is_error
    finally:
        session_cm.__exit__(None, None, None)
        portal_cm.__exit__(None, None, None)


# --------------------------------------------------------------------------- the extra


def test_without_the_mcp_extra_one_line_and_exit_2():
    code = "import sys; sys.modules['mcp'] = None; from grammarkit.cli import main; sys.exit(main(['mcp']))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr == "grammarkit: error: the MCP server needs the 'mcp' extra: pip install 'grammarkit[mcp]'\n"
