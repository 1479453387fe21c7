"""`grammarkit check` on streamed samples: JSON Lines files and sidecars, malformed
lines as located GK304 diagnostics, --input-field, JSON output of every sample."""

from __future__ import annotations

import json
from pathlib import Path

from grammarkit.cli import main

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


def test_check_reports_malformed_lines_and_goes_on(tmp_path, capsys):
    p = lines(tmp_path / "log.jsonl", {"input": "1+2"}, "not json", {"input": "1 +"}, {"input": "(4)"})
    code, out, _ = run(["check", "--no-sidecars", str(ARITH), "--samples", str(p)], capsys)
    assert code == 1
    assert f"{p}:2:1: GK304 line 2 is not a sample: invalid JSON at column 1: Expecting value" in out
    assert f'{p}:3:1: GK300 sample 2 "1 +" should be accepted, but llguidance rejects it' in out
    assert out.splitlines()[-1] == "Found 2 errors (1 grammar, 3 samples)."


def test_check_with_input_field(tmp_path, capsys):
    p = lines(
        tmp_path / "calls.jsonl",
        {"call_id": "a", "item": {"input": "1+2"}},
        {"call_id": "b", "item": {"input": "2*"}},
    )
    code, out, _ = run(
        ["check", "--no-sidecars", str(ARITH), "--samples", str(p), "--input-field", "item.input"], capsys
    )
    assert code == 1
    assert out.startswith(f'{p}:2:1: GK300 sample 2 "2*" should be accepted, but llguidance rejects it')
    assert out.splitlines()[-1] == "Found 1 error (1 grammar, 2 samples)."


def test_check_json_output_lists_every_json_lines_sample(tmp_path, capsys):
    p = lines(tmp_path / "x.jsonl", {"input": "1+2"}, {"input": "1 +", "should_parse": False}, "[]")
    code, out, _ = run(["check", "--no-sidecars", "--format", "json", str(ARITH), "--samples", str(p)], capsys)
    assert code == 1  # the malformed line
    data = json.loads(out)
    assert [s["input"] for s in data["files"][0]["samples"]] == ["1+2", "1 +"]
    assert data["summary"]["samples"] == 2 and data["summary"]["samples_failed"] == 0
    assert [d["code"] for d in data["files"][0]["diagnostics"]] == ["GK304"]


def test_json_lines_sidecar_through_check(tmp_path, capsys):
    (tmp_path / "g.lark").write_text('start: "a"\n')
    lines(tmp_path / "g.samples.jsonl", {"input": "a"}, {"input": "b"})
    code, out, _ = run(["check", str(tmp_path / "g.lark")], capsys)
    assert code == 1
    assert out.startswith(f'{tmp_path / "g.samples.jsonl"}:2:1: GK300 sample 2 "b" should be accepted')


def test_samples_file_is_streamed_again_for_each_grammar(tmp_path, capsys):
    for name in ("a", "b"):
        (tmp_path / f"{name}.lark").write_text(f'start: "{name}"\n')
    p = lines(tmp_path / "x.jsonl", {"input": "a"})
    code, out, _ = run(["check", "--no-sidecars", str(tmp_path / "a.lark"), str(tmp_path / "b.lark"),
                        "--samples", str(p)], capsys)
    assert code == 1
    assert out.count("GK300") == 1 and out.splitlines()[-1] == "Found 1 error (2 grammars, 2 samples)."
