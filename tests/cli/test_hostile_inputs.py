"""Hostile grammar files: every one gets a clear, located diagnostic or a one-line input
error and a defined exit status, never a traceback."""

from __future__ import annotations

import random

import pytest

from grammarkit.cli import main
from grammarkit.core.source import MAX_GRAMMAR_BYTES


def check(path, capsys, *extra):
    code = main(["check", "--no-sidecars", *extra, str(path)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_deeply_nested_group(tmp_path, capsys):
    p = tmp_path / "deep.lark"
    p.write_text("start: " + "(" * 3000 + '"a"' + ")" * 3000 + "\n")
    code, out, _ = check(p, capsys)
    assert code == 1 and out.startswith(f"{p}:1:1: GK100 grammar is nested too deeply to read")


def test_random_garbage_reports_many_located_syntax_errors(tmp_path, capsys):
    rng = random.Random(1)
    p = tmp_path / "garbage.lark"
    p.write_text("".join(rng.choice('(){}[]|*+?:"/%#\n abcAB_-~&<>@') for _ in range(20000)))
    code, out, _ = check(p, capsys, "--format", "json")
    import json

    diagnostics = json.loads(out)["files"][0]["diagnostics"]
    assert code == 1
    assert 10 <= sum(d["code"] == "GK100" for d in diagnostics) <= 50  # capped
    assert all(d["line"] >= 1 and d["column"] >= 1 for d in diagnostics)


def test_empty_file(tmp_path, capsys):
    p = tmp_path / "empty.lark"
    p.write_text("")
    code, out, _ = check(p, capsys)
    assert code == 1 and "GK230" in out


def test_byte_order_mark_and_crlf(tmp_path, capsys):
    p = tmp_path / "bom.lark"
    p.write_bytes(b'\xef\xbb\xbfstart: "a" B\r\nB: "b"\r\n')
    code, out, _ = check(p, capsys)
    assert code == 0 and out.startswith("All checks passed")


def test_too_large_file_is_an_input_error(tmp_path, capsys):
    p = tmp_path / "huge.lark"
    p.write_bytes(b'start: "a"\n' + b"// x\n" * (MAX_GRAMMAR_BYTES // 5 + 1))
    code, _, err = check(p, capsys)
    assert code == 2 and "file is too large" in err and len(err.strip().splitlines()) == 1


def test_very_long_line_is_shown_as_a_window(tmp_path, capsys):
    p = tmp_path / "long.lark"
    p.write_text('start: "' + "x" * 50000 + '" A\n')
    code, out, _ = check(p, capsys)
    assert code == 1  # A is undefined
    snippet = out.splitlines()[1]
    assert len(snippet) < 400 and "…" in snippet


def test_long_rule_chain_does_not_crash_the_process(tmp_path, capsys):
    # llguidance overflows its native stack on long chains: it runs on a big-stack thread.
    p = tmp_path / "chain.lark"
    p.write_text("start: r0\n" + "".join(f'r{i}: "a" r{i + 1}\n' for i in range(6000)) + 'r6000: "b"\n')
    code, _, _ = check(p, capsys)
    assert code in (0, 1)


@pytest.mark.parametrize("pattern", ["(" * 300 + "a" + ")" * 300, "[" * 500, "\\", "a{99999999999}"])
def test_hostile_regex_grammars(tmp_path, capsys, pattern):
    p = tmp_path / "x.regex"
    p.write_text(pattern)
    code, out, _ = check(p, capsys)
    assert code in (0, 1) and out.strip()


def test_standard_input_is_read_with_a_bound(capsys, monkeypatch):
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"/" * (MAX_GRAMMAR_BYTES + 10))))
    code = main(["check", "-"])
    err = capsys.readouterr().err
    assert code == 2 and "<stdin>: input is too large" in err


def test_interrupted_sample_exits_130_without_crashing(tmp_path):
    # Ctrl-C while llguidance works on a helper thread: a clean exit status and message
    # (finalising llguidance's native state at that point used to crash the process).
    import signal
    import subprocess
    import sys
    from pathlib import Path

    grammar = Path(__file__).resolve().parent.parent.parent / "grammars" / "arithmetic.lark"
    proc = subprocess.Popen(
        [sys.executable, "-m", "grammarkit", "sample", str(grammar), "-n", "100000000"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
    )
    # Interrupt once it is generating, i.e. once its llguidance worker thread exists
    # (it prints nothing before the end).
    import os
    import time

    tasks = f"/proc/{proc.pid}/task"
    if not os.path.isdir(tasks):
        proc.kill()
        pytest.skip("needs /proc to see the worker thread")
    deadline = time.monotonic() + 60
    while len(os.listdir(tasks)) < 2 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err.decode()[-500:]
    assert b"grammarkit: interrupted" in err
