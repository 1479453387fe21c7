"""`grammarkit try`: one real Responses request (to a local fake API via OPENAI_BASE_URL)
with the grammar as a forced custom tool, and the local verdicts on the model's input."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest
from openai_fake import custom_call, message, reasoning, response_body

from grammarkit.cli import main

ROOT = Path(__file__).resolve().parent.parent.parent
GRAMMARS = ROOT / "grammars"
ARITH = GRAMMARS / "arithmetic.lark"


@pytest.fixture
def env(monkeypatch, fake_openai):
    for name in ("OPENAI_ORG_ID", "OPENAI_PROJECT_ID", "OPENAI_ADMIN_KEY", "OPENAI_CUSTOM_HEADERS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-key")
    monkeypatch.setenv("OPENAI_BASE_URL", fake_openai.base_url)
    return fake_openai


def run(args, capsys):
    code = main(["try", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def test_accepted_input(env, capsys):
    env.reply(response_body([reasoning(), custom_call("call_1", "arithmetic", "1 + 2*3")], id="resp_abc"))
    code, out, err = run([ARITH, "--prompt", "Compute one plus two times three."], capsys)
    assert code == 0, out + err
    assert err == ""
    lines = out.splitlines()
    assert lines[0] == "model: gpt-5 (response resp_abc)"
    assert lines[1] == "input (7 characters, 7 bytes):"
    assert lines[2] == "  | 1 + 2*3"
    assert lines[3] == "llguidance: accepted"
    assert lines[4] == "lark: accepted"
    assert lines[5].strip() == "start" and any("mul" in line for line in lines[6:])

    (request,) = env.requests
    assert request.path == "/v1/responses"
    assert request.headers["authorization"] == "Bearer sk-test-key"
    body = request.body
    assert body["model"] == "gpt-5"
    assert body["input"] == "Compute one plus two times three."
    assert body["tools"] == [
        {
            "type": "custom",
            "name": "arithmetic",
            "description": "",
            "format": {"type": "grammar", "syntax": "lark", "definition": ARITH.read_text(encoding="utf-8")},
        }
    ]
    assert body["tool_choice"] == {"type": "custom", "name": "arithmetic"}


def test_model_and_name_options(env, capsys):
    env.reply(response_body([custom_call("call_1", "calc", "42")], model="gpt-5-mini"))
    code, out, _ = run([ARITH, "--prompt", "p", "--model", "gpt-5-mini", "--name", "calc"], capsys)
    assert code == 0
    body = env.requests[0].body
    assert body["model"] == "gpt-5-mini"
    assert body["tools"][0]["name"] == "calc" and body["tool_choice"] == {"type": "custom", "name": "calc"}
    assert out.startswith("model: gpt-5-mini ")


def test_rejected_input_exits_1(env, capsys):
    env.reply(response_body([custom_call("call_1", "arithmetic", "1 + x")]))
    code, out, err = run([ARITH, "--prompt", "p"], capsys)
    assert code == 1
    assert "llguidance: rejected at byte 4 (line 1, column 5): unexpected 'x'" in out
    assert "lark: input rejected at 1:5: unexpected 'x'; expected \"(\", \"-\", NUMBER" in out
    assert "  | 1 + x\n  |     ^" in out
    assert err == ""


def test_regex_grammar(env, capsys):
    env.reply(response_body([custom_call("call_1", "timestamp", "2024-02-29T12:30:00Z")]))
    code, out, _ = run([GRAMMARS / "timestamp.regex", "--prompt", "now"], capsys)
    assert code == 0
    assert "llguidance: accepted" in out and "lark: not applicable (regex grammar)" in out
    assert env.requests[0].body["tools"][0]["format"]["syntax"] == "regex"


def test_model_output_cannot_drive_the_terminal(env, capsys):
    env.reply(response_body([custom_call("call_1", "arithmetic", "1+\x1b[2J\u202e")]))
    code, out, _ = run([ARITH, "--prompt", "p"], capsys)
    assert code == 1
    assert "\x1b" not in out and "\u202e" not in out
    assert "  | 1+\\x1b[2J\\u202e" in out


def test_no_api_key_exits_2(env, capsys, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY")
    code, out, err = run([ARITH, "--prompt", "p"], capsys)
    assert code == 2 and out == ""
    assert err == "grammarkit: error: OPENAI_API_KEY is not set; 'grammarkit try' sends a real request to the OpenAI API\n"
    assert env.requests == []


def test_api_error_exits_2_with_one_line(env, capsys):
    env.reply_error(401, "Incorrect API key provided: sk-test-key.", code="invalid_api_key")
    code, out, err = run([ARITH, "--prompt", "p"], capsys)
    assert code == 2 and out == ""
    assert err == "grammarkit: error: the API request failed: HTTP 401: Incorrect API key provided: sk-test-key.\n"


def test_unknown_model_error(env, capsys):
    env.reply_error(400, "The model 'gpt-0' does not exist.\nSee the docs.")
    code, _, err = run([ARITH, "--prompt", "p", "--model", "gpt-0"], capsys)
    assert code == 2
    assert err.count("\n") == 1 and "HTTP 400: The model 'gpt-0' does not exist. See the docs." in err


def test_network_error_exits_2(env, capsys, monkeypatch):
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{port}/v1")
    code, out, err = run([ARITH, "--prompt", "p", "--timeout", "5"], capsys)
    assert code == 2 and out == ""
    assert err.startswith(f"grammarkit: error: cannot connect to the API at http://127.0.0.1:{port}/v1")
    assert err.count("\n") == 1 and "Traceback" not in err


def test_no_tool_call_exits_2(env, capsys):
    env.reply(response_body([message("I would rather not.")], status="incomplete"))
    code, out, err = run([ARITH, "--prompt", "p"], capsys)
    assert code == 2 and out == ""
    assert err == "grammarkit: error: the model made no call to tool 'arithmetic' (response status: incomplete)\n"


def test_grammar_problems_exit_2_before_any_request(env, capsys, tmp_path):
    bad = tmp_path / "bad.lark"
    bad.write_text('start: A\nA: /(?=x)y/\n', encoding="utf-8")
    code, _, err = run([bad, "--prompt", "p"], capsys)
    assert code == 2
    assert err == f"grammarkit: error: {bad}: the grammar has 1 error (see 'grammarkit check {bad}')\n"

    code, _, err = run([tmp_path / "missing.lark", "--prompt", "p"], capsys)
    assert code == 2 and err == f"grammarkit: error: {tmp_path / 'missing.lark'}: no such file\n"

    code, _, err = run([ARITH, "--prompt", "p", "--name", "bad name"], capsys)
    assert code == 2 and err.startswith("grammarkit: error: invalid tool name 'bad name'")
    assert env.requests == []


def test_prompt_is_required(env, capsys):
    code, _, err = run([ARITH], capsys)
    assert code == 2 and "--prompt" in err


def test_check_still_does_not_import_openai_with_try_registered(tmp_path):
    probe = (
        f"import sys, runpy; import grammarkit.cli.try_cmd; sys.argv=['grammarkit','check',{str(ARITH)!r}];"
        "\ntry:\n  runpy.run_module('grammarkit', run_name='__main__')\nexcept SystemExit as e: code=e.code"
        "\nprint('OPENAI' if 'openai' in sys.modules else 'NO-OPENAI', code)"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert proc.stdout.strip().splitlines()[-1] == "NO-OPENAI 0", proc.stdout + proc.stderr


def test_big_trees_are_cut_short(env, capsys):
    text = "1" + "+1" * 200
    env.reply(response_body([custom_call("call_1", "arithmetic", text)]))
    code, out, _ = run([ARITH, "--prompt", "p"], capsys)
    assert code == 0
    tree_lines = out.split("lark: accepted\n", 1)[1].splitlines()
    assert len(tree_lines) == 81 and tree_lines[-1] == "  ... (the tree goes on)"
    assert tree_lines[0] == "  start" and tree_lines[1] == "    add"  # left recursion: 200 levels of add


def test_lone_surrogate_input_is_rejected_not_an_internal_error(env, capsys):
    # the fake API sends JSON "\ud800"; the SDK makes a str with a lone surrogate of it
    env.reply(response_body([custom_call("call_1", "email", "a\ud800@b.com")]))
    code, out, err = run([GRAMMARS / "email.regex", "--prompt", "p"], capsys)
    assert code == 1, out + err
    assert "input (8 characters, 10 bytes):\n  | a\\ud800@b.com\n" in out
    assert "llguidance: rejected at byte 1 (line 1, column 2): unexpected '\\ud800'" in out
    assert err == ""

    env.reply(response_body([custom_call("call_1", "arithmetic", "1+\udfff")]))
    code, out, err = run([ARITH, "--prompt", "p"], capsys)
    assert code == 1 and err == ""
    assert "llguidance: rejected at byte 2 (line 1, column 3)" in out


@pytest.mark.parametrize(
    "body, message",
    [
        (
            response_body([{"type": "custom_tool_call", "name": "arithmetic", "input": "1"}]),
            "the API's answer is malformed: malformed custom tool call at output[0]: no 'call_id'",
        ),
        (
            response_body([{"type": "custom_tool_call", "call_id": "c", "name": "arithmetic", "input": 12}]),
            "the API's answer is malformed: malformed custom tool call at output[0]: 'input' is int, not a string",
        ),
        (
            {"error": "x"},  # a 200 answer without "output"
            "the API's answer is malformed: expected a Responses result (with 'output') or a Chat Completions result (with 'choices'), not Response",
        ),
    ],
)
def test_malformed_answers_exit_2_with_one_line(env, capsys, body, message):
    env.reply(body)
    code, out, err = run([ARITH, "--prompt", "p"], capsys)
    assert (code, out) == (2, "")
    assert err == f"grammarkit: error: {message}\n"


def test_malformed_base_url_exits_2_with_one_line(env, capsys, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", "http://[::1")
    code, out, err = run([ARITH, "--prompt", "p"], capsys)
    assert (code, out) == (2, "")
    assert err.startswith("grammarkit: error: invalid API address http://[::1: ") and err.count("\n") == 1
    assert env.requests == []


def test_value_error_from_the_client_exits_2(env, capsys, monkeypatch):
    import openai

    def broken(*args, **kwargs):
        raise ValueError("the client cannot use this address")

    monkeypatch.setattr(openai, "OpenAI", broken)
    code, out, err = run([ARITH, "--prompt", "p"], capsys)
    assert (code, out) == (2, "")
    assert err == f"grammarkit: error: the API request to {env.base_url} failed: the client cannot use this address\n"


def test_empty_base_url_is_shown_as_such(env, capsys, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", "")
    code, _, err = run([ARITH, "--prompt", "p", "--timeout", "5"], capsys)
    assert code == 2 and "OPENAI_BASE_URL=''" in err and err.count("\n") == 1


# --------------------------------------------------------------------------- --format json

TRY_JSON_KEYS = {
    "model", "response", "status", "tool", "syntax", "input", "characters", "bytes",
    "ok", "engines", "error", "lark_error", "tree", "lark_unavailable",
}


def run_json(args, capsys):
    import json

    code, out, err = run([*args, "--format", "json"], capsys)
    return code, json.loads(out), err


def test_json_of_an_accepted_input(env, capsys):
    env.reply(response_body([reasoning(), custom_call("call_1", "arithmetic", "1 + 2*3")], id="resp_abc"))
    code, doc, err = run_json([ARITH, "--prompt", "p"], capsys)
    assert (code, err) == (0, "")
    assert set(doc) == TRY_JSON_KEYS
    assert {k: doc[k] for k in ("model", "response", "status", "tool", "syntax", "input", "characters", "bytes")} == {
        "model": "gpt-5",
        "response": "resp_abc",
        "status": "completed",
        "tool": "arithmetic",
        "syntax": "lark",
        "input": "1 + 2*3",
        "characters": 7,
        "bytes": 7,
    }
    assert doc["ok"] is True and doc["engines"] == {"llguidance": True, "lark": True}
    assert doc["error"] is None and doc["lark_error"] is None and doc["lark_unavailable"] is None
    assert doc["tree"]["rule"] == "start" and doc["tree"]["children"][0]["rule"] == "add"
    assert env.requests[0].body["tools"][0]["name"] == "arithmetic"  # the same request as in text mode


def test_json_of_a_rejected_input_exits_1(env, capsys):
    env.reply(response_body([custom_call("call_1", "arithmetic", "1 + x")]))
    code, doc, err = run_json([ARITH, "--prompt", "p"], capsys)
    assert (code, err) == (1, "")
    assert doc["ok"] is False and doc["engines"] == {"llguidance": False, "lark": False} and doc["tree"] is None
    assert doc["error"]["engine"] == "llguidance"
    assert (doc["error"]["byte_offset"], doc["error"]["line"], doc["error"]["column"]) == (4, 1, 5)
    assert doc["error"]["message"].startswith("unexpected 'x'")
    assert doc["lark_error"]["engine"] == "lark" and doc["lark_error"]["found"] == "x"


def test_json_of_a_regex_grammar_and_a_grammar_without_a_local_parser(env, capsys, tmp_path):
    env.reply(response_body([custom_call("call_1", "timestamp", "2024-02-29T12:30:00Z")]))
    code, doc, _ = run_json([GRAMMARS / "timestamp.regex", "--prompt", "p"], capsys)
    assert code == 0 and doc["syntax"] == "regex"
    assert doc["engines"] == {"llguidance": True, "lark": None} and doc["lark_unavailable"] is None

    g = tmp_path / "num.lark"
    g.write_text('start: %json {"type": "integer"}\n', encoding="utf-8")
    env.reply(response_body([custom_call("call_1", "num", "42")]))
    code, doc, _ = run_json([g, "--prompt", "p"], capsys)
    assert code == 0 and doc["ok"] is True and doc["engines"] == {"llguidance": True, "lark": None}
    assert "%json" in doc["lark_unavailable"]


def test_json_escapes_what_could_drive_a_terminal_and_keeps_the_input_exact(env, capsys):
    import json

    env.reply(response_body([custom_call("call_1", "arithmetic", "1+\x1b[2J\u202e")]))
    code, out, err = run([ARITH, "--prompt", "p", "--format", "json"], capsys)
    assert code == 1 and err == ""
    assert "\x1b" not in out and "\u202e" not in out and "\\u202e" in out
    assert json.loads(out)["input"] == "1+\x1b[2J\u202e"


def test_json_of_a_lone_surrogate(env, capsys):
    import json

    env.reply(response_body([custom_call("call_1", "email", "a\ud800@b.com")]))
    code, out, err = run([GRAMMARS / "email.regex", "--prompt", "p", "--format", "json"], capsys)
    assert (code, err) == (1, "")
    doc = json.loads(out)
    assert doc["input"] == "a\ud800@b.com" and (doc["characters"], doc["bytes"]) == (8, 10)
    assert doc["error"]["byte_offset"] == 1 and doc["error"]["found"] == "\ud800"


def test_json_keeps_the_whole_tree(env, capsys):
    text = "1" + "+1" * 200
    env.reply(response_body([custom_call("call_1", "arithmetic", text)]))
    code, doc, _ = run_json([ARITH, "--prompt", "p"], capsys)
    assert code == 0
    depth, node = 0, doc["tree"]
    while node.get("children"):
        node, depth = node["children"][0], depth + 1
    assert depth == 201  # start, then 200 levels of add: not cut at 80 lines as in text


def test_json_problems_are_one_line_on_standard_error_and_nothing_on_standard_output(env, capsys):
    env.reply(response_body([message("I would rather not.")]))
    code, out, err = run([ARITH, "--prompt", "p", "--format", "json"], capsys)
    assert (code, out) == (2, "")
    assert err == "grammarkit: error: the model made no call to tool 'arithmetic'\n"
    env.reply_error(401, "Incorrect API key provided.")
    code, out, err = run([ARITH, "--prompt", "p", "--format", "json"], capsys)
    assert (code, out) == (2, "")
    assert err == "grammarkit: error: the API request failed: HTTP 401: Incorrect API key provided.\n"


def test_try_help_lists_the_json_format(capsys):
    assert main(["try", "--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "--format [text|json]" in out.replace("<text|json>", "[text|json]")
