"""Samples files: JSON Lines (streamed, malformed lines located), exact lines for JSON,
deep nesting and devices as input errors, and --input-field through the command line."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from grammarkit.cli import main
from grammarkit.core.errors import InputError
from grammarkit.samples import files
from grammarkit.samples.files import (
    JsonLinesSamples,
    SampleProblem,
    find_sidecars,
    iter_samples,
    load_samples,
    open_samples,
    parse_json_samples,
)

ROOT = Path(__file__).resolve().parents[2]
ARITH = ROOT / "grammars" / "arithmetic.lark"


def run(args, capsys):
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def lines(path: Path, *rows) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows), encoding="utf-8")
    return path


def items(path, **kw):
    return [
        (i.line, i.message) if isinstance(i, SampleProblem) else (i.input, i.expected, i.description, i.index, i.line)
        for i in iter_samples(path, **kw)
    ]


# ---------------------------------------------------------------- JSON Lines


def test_json_lines_samples_are_located_by_line(tmp_path):
    p = lines(
        tmp_path / "x.jsonl",
        {"input": "1+2", "should_parse": True, "description": "sum"},
        "",
        "   ",
        {"input": "1 +", "should_parse": False},
        {"input": "(3)"},
    )
    assert items(p) == [("1+2", True, "sum", 1, 1), ("1 +", False, "", 2, 4), ("(3)", True, "", 3, 5)]


def test_byte_order_mark_and_crlf(tmp_path):
    p = tmp_path / "x.jsonl"
    p.write_bytes(b'\xef\xbb\xbf{"input": "1"}\r\n{"input": "2"}\r\n')
    assert items(p) == [("1", True, "", 1, 1), ("2", True, "", 2, 2)]


@pytest.mark.parametrize(
    "line, message",
    [
        ('{"input": "1", ', "invalid JSON at column 16: Expecting property name enclosed in double quotes"),
        ("[1, 2]", "expected a JSON object, not an array"),
        ('{"text": "1"}', 'no "input" field'),
        ('{"input": 3}', '"input" must be a string, not a number'),
        ('{"input": null}', '"input" must be a string, not null'),
        ('{"input": "1", "should_parse": "yes"}', '"should_parse" must be true or false'),
        ('{"input": "1", "description": 5}', '"description" must be a string'),
        ('{"input": ' + "[" * 100_000 + "]" * 100_000 + "}", "invalid JSON: nested too deeply"),
    ],
)
def test_malformed_lines_are_located_problems_and_reading_goes_on(tmp_path, line, message):
    p = tmp_path / "x.jsonl"
    p.write_text(f'{{"input": "1"}}\n{line}\n{{"input": "2"}}\n', encoding="utf-8")
    assert items(p) == [("1", True, "", 1, 1), (2, message), ("2", True, "", 2, 3)]


def test_invalid_utf8_line_is_a_problem(tmp_path):
    p = tmp_path / "x.jsonl"
    p.write_bytes(b'{"input": "1"}\n{"input": "\xff"}\n{"input": "2"}\n')
    assert items(p) == [("1", True, "", 1, 1), (2, "not valid UTF-8 (byte 0xff at column 12)"), ("2", True, "", 2, 3)]


def test_overlong_line_is_skipped_as_a_problem(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "MAX_SAMPLE_LINE_BYTES", 64)
    p = lines(tmp_path / "x.jsonl", {"input": "1"}, {"input": "9" * 500}, {"input": "2"})
    assert items(p) == [("1", True, "", 1, 1), (2, "line is too long (more than 64 bytes)"), ("2", True, "", 2, 3)]


def test_too_many_malformed_lines_stop_the_file(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "MAX_SAMPLE_PROBLEMS", 3)
    p = tmp_path / "x.jsonl"
    p.write_text("junk\n" * 10)
    found = []
    with pytest.raises(InputError, match="x.jsonl: 3 malformed lines; stopped reading"):
        for item in iter_samples(p):
            found.append(item)
    assert [i.line for i in found] == [1, 2, 3]


def test_nul_byte_is_a_binary_file(tmp_path):
    p = tmp_path / "x.jsonl"
    p.write_bytes(b'{"input": "1"}\n{"input": "\x00"}\n')
    with pytest.raises(InputError, match=r"x.jsonl:2: binary file \(NUL byte\)"):
        list(iter_samples(p))


def test_dev_zero_as_json_lines_is_refused_without_reading_it_all(tmp_path, capsys):
    link = tmp_path / "zero.jsonl"
    link.symlink_to("/dev/zero")
    code, out, err = run(["check", "--no-sidecars", str(ARITH), "--samples", str(link)], capsys)
    assert code == 2
    assert err.splitlines() == [
        f"grammarkit: error: {link}:1: binary file (NUL byte); a JSON Lines samples file must be UTF-8 text"
    ]
    assert out.startswith("All checks passed (1 grammar)")  # the grammar is still linted


def test_dotted_input_field_reads_logged_tool_calls(tmp_path):
    p = lines(
        tmp_path / "calls.jsonl",
        {"type": "response.output_item.done", "item": {"type": "custom_tool_call", "call_id": "c1", "input": "1+2"}},
        {"item": {"call_id": "c2"}},
        {"item": "x"},
    )
    assert items(p, input_field="item.input") == [
        ("1+2", True, "", 1, 1),
        (2, 'no "item.input" field'),
        (3, 'no "item.input" field'),
    ]
    with pytest.raises(InputError, match="input field 'item.': expected a name or a dotted path"):
        JsonLinesSamples(p, input_field="item.")


def test_json_lines_are_streamed_not_read_whole(tmp_path):
    # A FIFO whose writer waits: the first sample must arrive before the file ends.
    fifo = tmp_path / "live.jsonl"
    os.mkfifo(fifo)
    first_read = threading.Event()

    def write() -> None:
        with open(fifo, "w") as f:
            f.write('{"input": "1"}\n')
            f.flush()
            first_read.wait(30)
            f.write('{"input": "2"}\n')

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    stream = iter(JsonLinesSamples(fifo))
    assert next(stream).input == "1"
    first_read.set()
    assert [s.input for s in stream] == ["2"]
    writer.join(10)


def test_json_lines_can_be_iterated_again(tmp_path):
    p = lines(tmp_path / "x.jsonl", {"input": "1"})
    source = open_samples(p)
    assert isinstance(source, JsonLinesSamples)
    assert [s.input for s in source] == [s.input for s in source] == ["1"]


def test_missing_json_lines_file_is_an_input_error_when_opened(tmp_path):
    with pytest.raises(InputError, match="none.jsonl: no such file"):
        open_samples(tmp_path / "none.jsonl")
    with pytest.raises(InputError, match="must end in .json, .toml or .jsonl"):
        open_samples(tmp_path)
    (tmp_path / "d.jsonl").mkdir()
    with pytest.raises(InputError, match="d.jsonl: is a directory"):
        open_samples(tmp_path / "d.jsonl")


def test_load_samples_is_strict_about_malformed_lines(tmp_path):
    p = lines(tmp_path / "x.jsonl", {"input": "1"}, "junk")
    with pytest.raises(InputError, match="x.jsonl:2: invalid JSON"):
        load_samples(p)


def test_sidecar_json_lines(tmp_path):
    (tmp_path / "g.lark").write_text('start: "a"\n')
    lines(tmp_path / "g.samples.jsonl", {"input": "a"})
    assert [p.name for p in find_sidecars(tmp_path / "g.lark")] == ["g.samples.jsonl"]


def test_unknown_suffix_is_refused_before_reading(tmp_path):
    with pytest.raises(InputError, match="must end in .json, .toml or .jsonl"):
        list(iter_samples("/dev/zero"))


# ---------------------------------------------------------------- JSON and TOML


def test_json_samples_are_located_exactly_in_one_pass():
    text = json.dumps(
        {"name": "x", "tests": [{"description": "d", "input": "1+2"}, {"input": "1 +", "should_parse": False}]},
        indent=2,
    )
    located = [(s.input, s.line) for s in parse_json_samples(text, "x.json")]
    assert located == [("1+2", 6), ("1 +", 9)]
    assert text.splitlines()[5].strip() == '"input": "1+2"'
    # Escaped differently from json.dumps, and on one line.
    text = '[{"input": "\\u0031"},\n {"input": "caf\\u00e9"}]'
    assert [(s.input, s.line) for s in parse_json_samples(text, "x.json")] == [("1", 1), ("café", 2)]


@pytest.mark.parametrize(
    "text, message",
    [
        ("[1] x", "invalid JSON at line 1, column 5: Extra data"),
        ('[{"input": "a"},]', "invalid JSON at line 1, column 17: Expecting value"),
        ('[{"input": "a"} {"input": "b"}]', "invalid JSON at line 1, column 17: Expecting ',' delimiter"),
        ('{"tests": [], "x" 1}', "invalid JSON at line 1, column 19: Expecting ':' delimiter"),
        ('{"tests": "no"}', "expected a list"),
        ('{"tests": [{"input": "a"}], "tests": 3}', "expected a list"),
        ("3", "expected a list"),
        ("", "invalid JSON at line 1, column 1: Expecting value"),
    ],
)
def test_malformed_json_samples(text, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_json_samples(text, "bad.json")


@pytest.mark.parametrize("suffix, text", [(".json", "[" * 100_000), (".json", '{"tests": ' + "[" * 5000),
                                          (".toml", "valid = " + "[" * 5000)])
def test_deeply_nested_samples_files_exit_2(tmp_path, capsys, suffix, text):
    p = tmp_path / f"deep{suffix}"
    p.write_text(text)
    code, _, err = run(["check", "--no-sidecars", str(ARITH), "--samples", str(p)], capsys)
    assert code == 2
    assert err.splitlines() == [f"grammarkit: error: {p}: invalid {'JSON' if suffix == '.json' else 'TOML'}: "
                                "nested too deeply"]


def test_endless_fifo_json_samples_file_exits_2(tmp_path, capsys):
    fifo = tmp_path / "endless.json"
    os.mkfifo(fifo)

    def write() -> None:
        try:
            with open(fifo, "wb") as f:
                while True:
                    f.write(b" " * 65536)
        except OSError:
            pass

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    code, _, err = run(["check", "--no-sidecars", str(ARITH), "--samples", str(fifo)], capsys)
    writer.join(10)
    assert code == 2 and not writer.is_alive()
    assert err.splitlines() == [
        f"grammarkit: error: {fifo}: samples file is too large (more than {files.MAX_SAMPLE_FILE_BYTES} bytes)"
    ]


def test_toml_lines_in_a_long_file():
    # The locator counts lines through an index (was: from the start of the file for
    # every sample): lines stay right deep into a file.
    from grammarkit.samples.files import parse_toml_samples

    text = "valid = [\n" + "".join(f'  "{i}+{i}",\n' for i in range(5000)) + "]\ninvalid = [\n  \"1 +\",\n]\n"
    samples = parse_toml_samples(text, "x.toml")
    assert [(s.input, s.line) for s in samples[:2]] == [("0+0", 2), ("1+1", 3)]
    assert (samples[4999].input, samples[4999].line) == ("4999+4999", 5001)
    assert (samples[-1].input, samples[-1].expected, samples[-1].line) == ("1 +", False, 5004)
