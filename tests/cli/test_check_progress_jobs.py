"""`grammarkit check` for long runs: --jobs (same output as one process), the progress
line on standard error (terminals only, off with -q), and a reader that goes away."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from grammarkit.cli import main, progress
from grammarkit.samples import checker as checker_module

ROOT = Path(__file__).resolve().parents[2]
ARITH = ROOT / "grammars" / "arithmetic.lark"


def run(args, capsys):
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@pytest.fixture
def log(tmp_path) -> Path:
    """300 samples, every 7th one a mismatch, with a malformed line."""
    p = tmp_path / "log.jsonl"
    rows = []
    for i in range(300):
        text = f"{i}+{i}" if i % 7 else f"{i} +"
        rows.append(json.dumps({"input": text, "description": f"call {i}"}))
    rows.insert(150, "{oops")
    p.write_text("\n".join(rows) + "\n")
    return p


def test_jobs_give_the_same_output_as_one_process(log, capsys, monkeypatch):
    monkeypatch.setattr(checker_module, "CHUNK_SAMPLES", 32)
    outputs = {}
    for fmt in ("text", "json"):
        for jobs in ("1", "2"):
            args = ["check", "--no-sidecars", "--engine", "llguidance", "--format", fmt, "--jobs", jobs,
                    "--samples", str(log), str(ARITH)]
            code, out, _ = run(args, capsys)
            assert code == 1
            outputs[fmt, jobs] = out
        assert outputs[fmt, "1"] == outputs[fmt, "2"]
    assert outputs["text", "1"].count("GK300") == 43
    assert outputs["text", "1"].splitlines()[-1] == "Found 44 errors (1 grammar, 300 samples)."
    assert len(json.loads(outputs["json", "2"])["files"][0]["samples"]) == 300


def test_jobs_must_not_be_negative(capsys):
    code, _, err = run(["check", "--jobs", "-1", str(ARITH)], capsys)
    assert code == 2 and "--jobs" in err


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_line_is_drawn_in_place_and_wiped(monkeypatch):
    monkeypatch.setattr(progress, "DELAY", 0.0)
    monkeypatch.setattr(progress, "INTERVAL", 0.0)
    stream = Terminal()
    bar = progress.Progress(stream)
    assert bar.enabled
    assert list(bar.wrap(range(100), "checking samples of g.lark")) == list(range(100))
    written = stream.getvalue()
    assert "\n" not in written
    assert "\rchecking samples of g.lark: 96 samples (" in written
    last = written.rsplit("\r", 2)
    assert last[-1] == "" and last[-2].strip() == ""  # wiped at the end


def test_progress_is_off_when_not_a_terminal():
    stream = io.StringIO()
    bar = progress.Progress(stream)
    items = [1, 2]
    assert not bar.enabled and bar.wrap(items, "x") is items


def test_check_shows_progress_on_a_terminal_unless_quiet(log, capsys, monkeypatch):
    monkeypatch.setattr(progress, "DELAY", 0.0)
    monkeypatch.setattr(progress, "INTERVAL", 0.0)
    monkeypatch.setattr(progress, "stream_is_terminal", lambda stream: True)
    args = ["check", "--no-sidecars", "--samples", str(log), str(ARITH)]
    _, out, err = run(args, capsys)
    assert f"\rchecking samples of {ARITH}: " in err and "\n" not in err
    assert "\r" not in out
    _, out_quiet, err_quiet = run([*args, "-q"], capsys)
    assert err_quiet == "" and out_quiet == out


def test_input_error_clears_the_progress_line_first(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(progress, "DELAY", 0.0)
    monkeypatch.setattr(progress, "INTERVAL", 0.0)
    monkeypatch.setattr(progress, "stream_is_terminal", lambda stream: True)
    p = tmp_path / "bad.jsonl"
    p.write_bytes(b'{"input": "1"}\n' * 40 + b"\x00\n")
    code, _, err = run(["check", "--no-sidecars", "--samples", str(p), str(ARITH)], capsys)
    assert code == 2
    line = err.rsplit("\r", 1)[-1]
    assert line == f"grammarkit: error: {p}:41: binary file (NUL byte); a JSON Lines samples file must be UTF-8 text\n"


@pytest.mark.parametrize("extra", [[], ["--jobs", "2"]])
def test_reader_going_away_is_quiet(tmp_path, extra):
    # `grammarkit check ... | head -c 1`: no traceback, no "Exception ignored" noise.
    p = tmp_path / "many.jsonl"
    p.write_text("".join(json.dumps({"input": f"{i}+{i}"}) + "\n" for i in range(5000)))
    proc = subprocess.Popen(
        [sys.executable, "-m", "grammarkit", "check", "--no-sidecars", "--engine", "llguidance", "--format", "json",
         "--samples", str(p), *extra, str(ARITH)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout.read(1)
    proc.stdout.close()
    err = proc.stderr.read()
    proc.wait(120)
    assert err == b""
    assert proc.returncode in (0, 1)


def test_help_states_the_auto_rule_with_the_real_threshold():
    from grammarkit.cli import check

    assert check.AUTO_LARK_FIRST == checker_module.AUTO_LARK_FIRST
