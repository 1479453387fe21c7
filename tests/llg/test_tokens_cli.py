"""--tokenizer on check, stats, sample and parse; [tool.grammarkit] tokenizer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import grammarkit.llg.tokenizer as tk
from grammarkit.cli import main
from grammarkit.lint.config import ConfigError, load_config
from grammarkit.llg.matcher import EngineMatcher

ROOT = Path(__file__).resolve().parents[2]
SQL = str(ROOT / "grammars" / "sql_select.lark")

needs_o200k = pytest.mark.skipif(not tk.o200k_available(), reason="bpe-openai (grammarkit[tokens]) is not installed")


@pytest.fixture
def no_bpe(monkeypatch):
    monkeypatch.setattr(tk, "o200k_available", lambda: False)


@pytest.mark.parametrize(
    "args",
    [
        ["check", "--tokenizer", "o200k", SQL],
        ["stats", "--tokenizer", "o200k", SQL],
        ["sample", "--tokenizer", "o200k", SQL],
        ["parse", "--tokenizer", "o200k", SQL, "SELECT * FROM t"],
    ],
    ids=lambda a: a[0],
)
def test_missing_package_is_one_line_and_exit_2(no_bpe, capsys, args):
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert err.startswith("grammarkit: error:") and "pip install 'grammarkit[tokens]'" in err


def test_unknown_tokenizer_is_a_usage_error(capsys):
    assert main(["check", "--tokenizer", "gpt2", SQL]) == 2


def test_configuration_key(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.grammarkit]\ntokenizer = "o200k"\n')
    config = load_config(tmp_path / "pyproject.toml")
    assert config.tokenizer == "o200k"
    assert config.lint_options("x.lark")["tokenizer"] == "o200k"
    assert config.lint_options("x.lark", tokenizer="byte")["tokenizer"] == "byte"
    assert load_config(None, start=tmp_path / "none").tokenizer in ("byte", "o200k")
    (tmp_path / "bad.toml").write_text('tokenizer = "cl100k"\n')
    with pytest.raises(ConfigError, match="tokenizer must be one of byte, o200k"):
        load_config(tmp_path / "bad.toml")


def test_configured_o200k_without_the_package(no_bpe, tmp_path, capsys, monkeypatch):
    (tmp_path / "pyproject.toml").write_text('[tool.grammarkit]\ntokenizer = "o200k"\n')
    monkeypatch.chdir(tmp_path)
    assert main(["check", SQL]) == 2
    assert "grammarkit[tokens]" in capsys.readouterr().err
    assert main(["check", "--tokenizer", "byte", SQL]) == 0


@needs_o200k
def test_check_json_carries_token_counts_and_cost(capsys):
    assert main(["check", "--tokenizer", "o200k", "--format", "json", SQL]) == 0
    data = json.loads(capsys.readouterr().out)
    (entry,) = data["files"]
    cost = entry["token_cost"]
    assert cost["tokenizer"] == "o200k" and cost["worst"]["ratio"] > 0 and cost["baseline_us"] > 0
    accepted = [s for s in entry["samples"] if s["accepted"]]
    assert accepted
    for s in accepted:
        tokens = s["tokens"]
        assert tokens["tokens"] >= 1 and tokens["complete"]
        assert tokens["forced"][0]["text"].startswith("SELECT")
    # Rejected samples are not counted.
    assert all("tokens" not in s for s in entry["samples"] if not s["accepted"])


def test_check_json_without_tokenizer_has_no_token_fields(capsys):
    assert main(["check", "--format", "json", SQL]) == 0
    (entry,) = json.loads(capsys.readouterr().out)["files"]
    assert "token_cost" not in entry
    assert all("tokens" not in s for s in entry["samples"])


@needs_o200k
def test_stats_shows_the_token_cost(capsys):
    assert main(["stats", "--tokenizer", "o200k", "--budget", "4", SQL]) == 0
    out = capsys.readouterr().out
    assert "llguidance's mask per o200k token" in out
    assert "worst step" in out and "step_lexer_fuel" in out
    assert main(["stats", "--tokenizer", "o200k", "--budget", "4", "--format", "json", SQL]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["token_cost"]["walks"] >= 1


@needs_o200k
def test_sample_walks_tokens(capsys):
    args = ["sample", "--tokenizer", "o200k", "-n", "5", "--seed", "3", "--format", "json", SQL]
    assert main(args) == 0
    first = json.loads(capsys.readouterr().out)
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out) == first
    matcher = EngineMatcher(Path(SQL).read_text())
    assert len(first) == 5
    assert all(matcher.accepts(s) for s in first)


@needs_o200k
def test_parse_counts_tokens(capsys):
    assert main(["parse", "--tokenizer", "o200k", "--format", "json", SQL, "SELECT * FROM users"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["tokens"]["tokens"] == 4
    assert data["tokens"]["forced"][0] == {"start": 0, "end": 7, "text": "SELECT "}
    assert main(["parse", "--tokenizer", "o200k", SQL, "SELECT * FROM users"]) == 0
    err = capsys.readouterr().err
    assert "4 o200k tokens" in err and '"SELECT "' in err


def test_parse_without_tokenizer_has_no_tokens(capsys):
    assert main(["parse", "--format", "json", SQL, "SELECT * FROM users"]) == 0
    assert "tokens" not in json.loads(capsys.readouterr().out)


