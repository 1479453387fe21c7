"""`grammarkit check`: output shapes and every exit status."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from grammarkit.cli import main

ROOT = Path(__file__).resolve().parent.parent.parent
GRAMMARS = ROOT / "grammars"


def run(args, capsys, stdin: bytes | None = None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def bad_grammar(tmp_path):
    p = tmp_path / "bad.lark"
    p.write_text('start: A B\nA: /(?=x)y/\nB.2: "b"\n', encoding="utf-8")
    return p


def test_clean_grammars_exit_0(capsys):
    code, out, err = run(["check", str(GRAMMARS)], capsys)
    assert code == 0, out + err
    assert re.fullmatch(r"All checks passed \(\d+ grammars, \d+ samples\)\.", out.strip())


def test_errors_exit_1_with_location_snippet_and_hint(bad_grammar, capsys):
    code, out, err = run(["check", str(bad_grammar)], capsys)
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == f"{bad_grammar}:2:5: GK101 lookahead `(?=` is not supported (Rust regex has no lookarounds)"
    assert lines[1] == " 2 | A: /(?=x)y/"
    assert lines[2] == "   |     ^^^"
    assert lines[3].startswith("  = hint: ")
    assert f"{bad_grammar}:3:2: GK103" in out
    assert lines[-1] == "Found 2 errors (1 grammar)."


def test_warnings_only_exit_0(tmp_path, capsys):
    p = tmp_path / "ws.lark"
    p.write_text('%import common.WS\n%ignore WS\nstart: "a" "b"\n', encoding="utf-8")
    code, out, _ = run(["check", str(p)], capsys)
    assert code == 0
    assert "GK107" in out and "1 warning" in out


def test_json_format_shape(bad_grammar, capsys):
    code, out, _ = run(["check", "--format", "json", str(bad_grammar)], capsys)
    assert code == 1
    data = json.loads(out)
    assert set(data) == {"files", "summary"}
    (f,) = data["files"]
    assert f["path"] == str(bad_grammar) and f["syntax"] == "lark"
    first = f["diagnostics"][0]
    assert set(first) == {"code", "name", "severity", "message", "line", "column", "end_line", "end_column", "hint"}
    assert (first["code"], first["name"], first["severity"]) == ("GK101", "lookaround", "error")
    assert (first["line"], first["column"], first["end_line"], first["end_column"]) == (2, 5, 2, 8)
    assert data["summary"]["errors"] == 2 and data["summary"]["files"] == 1


def test_missing_file_exit_2(tmp_path, capsys):
    code, out, err = run(["check", str(tmp_path / "nope.lark")], capsys)
    assert code == 2
    assert err.strip() == f"grammarkit: error: {tmp_path / 'nope.lark'}: no such file or directory"
    assert "Traceback" not in err


def test_non_utf8_file_exit_2(tmp_path, capsys):
    p = tmp_path / "latin1.lark"
    p.write_bytes(b'start: "caf\xe9"\n')
    code, _, err = run(["check", str(p)], capsys)
    assert code == 2
    assert "not valid UTF-8 (byte 0xe9 at offset 11, line 1)" in err
    assert len(err.strip().splitlines()) == 1


def test_binary_file_exit_2(tmp_path, capsys):
    p = tmp_path / "blob.lark"
    p.write_bytes(b"\x7fELF\x00\x01\x02")
    code, _, err = run(["check", str(p)], capsys)
    assert code == 2 and "binary file" in err


def test_directory_without_grammars_exit_2(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("x")
    code, _, err = run(["check", str(tmp_path)], capsys)
    assert code == 2 and "directory has no .lark or .regex grammars" in err


def test_usage_error_exit_2(capsys):
    code, _, err = run(["check", "--format", "yaml", "x.lark"], capsys)
    assert code == 2
    assert err.startswith("grammarkit: error: ") and len(err.strip().splitlines()) == 1


def test_unknown_rule_code_exit_2(capsys):
    code, _, err = run(["check", "--select", "GK999", str(GRAMMARS)], capsys)
    assert code == 2 and "unknown rule 'GK999'" in err


def test_select_and_ignore(bad_grammar, capsys):
    code, out, _ = run(["check", "--select", "GK103", str(bad_grammar)], capsys)
    assert code == 1 and "GK103" in out and "GK101" not in out
    # llguidance rejects this grammar: ignoring the rules that explain it brings out GK109,
    # so the grammar cannot pass unless GK109 is ignored too.
    code, out, _ = run(["check", "--ignore", "GK101,priority", str(bad_grammar)], capsys)
    assert code == 1 and out.startswith(f"{bad_grammar}:3:2: GK109 llguidance rejects the grammar: priority")
    code, out, _ = run(["check", "--ignore", "GK101,priority,GK109", str(bad_grammar)], capsys)
    assert code == 0 and "All checks passed" in out


def test_stdin(capsys, monkeypatch):
    code, out, _ = run(["check", "-"], capsys, stdin=b'start: greeting\n', monkeypatch=monkeypatch)
    assert code == 1
    assert out.startswith("<stdin>:1:8: GK109 llguidance rejects the grammar: unknown name")


def test_stdin_regex_syntax(capsys, monkeypatch):
    code, out, _ = run(["check", "--syntax", "regex", "-"], capsys, stdin=b"a(?=b)\n", monkeypatch=monkeypatch)
    assert code == 1 and out.startswith("<stdin>:1:2: GK101")


def test_directory_recursion_and_regex_suffix(tmp_path, capsys):
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    (sub / "t.regex").write_text("x+?\n", encoding="utf-8")
    (tmp_path / "ok.lark").write_text('start: "a"\n', encoding="utf-8")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "skip.lark").write_text("start: (\n", encoding="utf-8")
    code, out, _ = run(["check", "--format", "json", str(tmp_path)], capsys)
    data = json.loads(out)
    assert [Path(f["path"]).name for f in data["files"]] == ["t.regex", "ok.lark"]
    assert data["files"][0]["syntax"] == "regex"
    assert data["files"][0]["diagnostics"][0]["code"] == "GK102"
    assert code == 1


def test_mixed_good_and_missing_reports_both_and_exits_2(bad_grammar, tmp_path, capsys):
    code, out, err = run(["check", str(bad_grammar), str(tmp_path / "missing.lark")], capsys)
    assert code == 2
    assert "GK101" in out and "missing.lark: no such file or directory" in err


def test_console_script_runs_without_importing_openai(tmp_path):
    probe = (
        "import sys, runpy; sys.argv=['grammarkit','check',{!r}];"
        "\ntry:\n  runpy.run_module('grammarkit', run_name='__main__')\nexcept SystemExit as e: code=e.code"
        "\nprint('OPENAI' if 'openai' in sys.modules else 'NO-OPENAI', code)"
    ).format(str(GRAMMARS / "arithmetic.lark"))
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path)
    assert proc.stdout.strip().splitlines()[-1] == "NO-OPENAI 0", proc.stdout + proc.stderr


def test_empty_select_is_a_usage_error(bad_grammar, capsys):
    code, out, err = run(["check", "--select", "", str(bad_grammar)], capsys)
    assert code == 2 and "needs at least one rule code" in err and out == ""


def test_broken_samples_file_does_not_hide_the_grammars_diagnostics(tmp_path, capsys):
    (tmp_path / "g.lark").write_text("start: A\nA: /(?=a)b/\n")
    (tmp_path / "g.samples.toml").write_text('valid = ["a"\n')
    code, out, err = run(["check", "--format", "json", str(tmp_path / "g.lark")], capsys)
    assert code == 2 and "g.samples.toml: invalid TOML" in err
    data = json.loads(out)
    assert [d["code"] for d in data["files"][0]["diagnostics"]] == ["GK101"]
    assert data["summary"]["input_errors"] == 1
