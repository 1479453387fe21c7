"""A grammar whose file name is not valid UTF-8 (byte 0xff): every output format gives a
defined result (was an internal error, exit 3, with --format sarif)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from grammarkit.output.sarif import artifact_uri

NAME = os.fsdecode(b"x\xff.lark")  # "x\udcff.lark"


def run(cwd, *args):
    return subprocess.run(
        [sys.executable, "-m", "grammarkit", "check", "--no-sidecars", *args],
        capture_output=True,
        cwd=cwd,
        timeout=120,
    )


@pytest.fixture
def undecodable(tmp_path):
    (tmp_path / NAME).write_text('start: A\nA: /(?=x)a/\n')
    return tmp_path


def test_artifact_uri_keeps_the_bytes_percent_encoded(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert artifact_uri(NAME) == "x%FF.lark"
    assert artifact_uri(str(tmp_path / "d" / NAME)) == "d/x%FF.lark"
    assert artifact_uri(os.fsdecode(b"/elsewhere/x\xff.lark")) == "file:///elsewhere/x%FF.lark"


def test_sarif_for_an_undecodable_file_name(undecodable):
    proc = run(undecodable, "--format", "sarif", NAME)
    assert proc.returncode == 1, proc.stderr
    log = json.loads(proc.stdout)
    run_ = log["runs"][0]
    assert run_["artifacts"][0]["location"]["uri"] == "x%FF.lark"
    assert [r["ruleId"] for r in run_["results"]] == ["GK101"]
    assert run_["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "x%FF.lark"


def test_sarif_input_error_for_an_undecodable_file_name(undecodable):
    (undecodable / os.fsdecode(b"y\xff.lark")).write_bytes(b"\xff\xfe")
    proc = run(undecodable, "--format", "sarif", os.fsdecode(b"y\xff.lark"))
    assert proc.returncode == 2
    invocation = json.loads(proc.stdout)["runs"][0]["invocations"][0]
    note = invocation["toolExecutionNotifications"][0]
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "y%FF.lark"
    assert note["message"]["text"].startswith("y\udcff.lark: not valid UTF-8")


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_other_formats_for_an_undecodable_file_name(undecodable, fmt):
    proc = run(undecodable, "--format", fmt, NAME)
    assert proc.returncode == 1, proc.stderr
    assert b"Traceback" not in proc.stderr and proc.stderr == b""
    out = proc.stdout.decode("utf-8")  # always valid UTF-8: the byte is shown escaped
    assert "x\\udcff.lark" in out
    if fmt == "json":
        assert json.loads(out)["files"][0]["path"] == NAME
