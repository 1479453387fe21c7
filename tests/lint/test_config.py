"""[tool.grammarkit] configuration, --config, and CLI precedence."""

from __future__ import annotations

import json
import textwrap

import pytest

from grammarkit.cli import main
from grammarkit.core.diagnostics import Severity
from grammarkit.lint.config import ConfigError, find_config, load_config

# GK107 fires on the unbounded %ignore, GK228 (any %ignore) on the bounded one.
WS_GRAMMAR = '%import common.WS\n%ignore WS\n%ignore " "\nstart: "a" "b"\n'


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def project(tmp_path, monkeypatch):
    write(
        tmp_path / "pyproject.toml",
        """\
        [project]
        name = "x"

        [tool.grammarkit]
        ignore = ["GK228"]
        engine = "llguidance"
        exclude = ["vendor/**"]
        samples = ["{stem}.samples.toml", "samples/{stem}.json"]

        [tool.grammarkit.severity]
        GK107 = "error"

        [tool.grammarkit.per-file-ignores]
        "legacy/*.lark" = ["GK107"]
        """,
    )
    write(tmp_path / "a.lark", WS_GRAMMAR)
    write(tmp_path / "legacy" / "b.lark", WS_GRAMMAR)
    write(tmp_path / "vendor" / "c.lark", "start: (\n")
    monkeypatch.chdir(tmp_path / "legacy")  # found by walking upwards
    return tmp_path


def run(args, capsys):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_find_and_load(project):
    assert find_config() == project / "pyproject.toml"
    config = load_config()
    assert config.ignore == ["GK228"] and config.engine == "llguidance"
    assert config.severity == {"GK107": Severity.ERROR}
    assert config.ignores_for(project / "legacy" / "b.lark") == ["GK228", "GK107"]
    assert config.ignores_for(project / "a.lark") == ["GK228"]
    assert config.ignores_for(project / "a.lark", override=["GK2"]) == ["GK2"]
    assert config.excluded(project / "vendor" / "c.lark") and not config.excluded(project / "a.lark")


def test_pyproject_without_table_is_skipped(tmp_path):
    write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n')
    assert find_config(tmp_path) is None
    assert load_config(start=tmp_path).select is None


def test_config_applies_to_check(project, capsys):
    code, out, _ = run(["check", "--format", "json", str(project)], capsys)
    data = json.loads(out)
    by_name = {f["path"].rsplit("/", 1)[-1]: f["diagnostics"] for f in data["files"]}
    assert set(by_name) == {"a.lark", "b.lark"}  # vendor/ excluded
    assert [(d["code"], d["severity"]) for d in by_name["a.lark"]] == [("GK107", "error")]
    assert by_name["b.lark"] == []  # per-file ignore
    assert code == 1


def test_explicit_file_is_checked_even_if_excluded(project, capsys):
    code, out, _ = run(["check", str(project / "vendor" / "c.lark")], capsys)
    assert code == 1 and "GK100" in out


def test_cli_ignore_overrides_config_ignore_but_not_per_file(project, capsys):
    code, out, _ = run(["check", "--format", "json", "--ignore", "GK107", str(project)], capsys)
    data = json.loads(out)
    codes = {d["code"] for f in data["files"] for d in f["diagnostics"]}
    assert "GK107" not in codes and "GK228" in codes  # --ignore replaced the config's ignore list
    assert code == 0


def test_cli_select_overrides_config(project, capsys):
    write(project / "pyproject.toml", '[tool.grammarkit]\nselect = ["GK1"]\n')
    code, out, _ = run(["check", "--format", "json", "--select", "GK228", str(project / "a.lark")], capsys)
    assert {d["code"] for d in json.loads(out)["files"][0]["diagnostics"]} == {"GK228"}


def test_sample_patterns_from_config(project, capsys):
    write(project / "samples" / "a.json", json.dumps([{"input": "ab", "should_parse": True}]))
    code, out, _ = run(["check", "--format", "json", str(project / "a.lark")], capsys)
    samples = json.loads(out)["files"][0]["samples"]
    assert [(s["input"], s["engines"]) for s in samples] == [("ab", {"llguidance": True, "lark": None})]


@pytest.mark.parametrize(
    "table, message",
    [
        ("bogus = 1", "unknown key(s) bogus"),
        ('ignore = ["GK999"]', "ignore: unknown rule 'GK999'"),
        ('select = "GK1"', "select must be a list of strings"),
        ('engine = "fast"', "engine must be one of"),
        ('[tool.grammarkit.severity]\nGK107 = "fatal"', 'severity.GK107: expected "error"'),
        ('[tool.grammarkit.severity]\nGK1 = "error"', "severity: unknown rule 'GK1'"),
        ('[tool.grammarkit.per-file-ignores]\n"*.lark" = ["nope"]', "unknown rule 'nope'"),
    ],
)
def test_bad_configuration_is_exit_2(tmp_path, monkeypatch, capsys, table, message):
    write(tmp_path / "pyproject.toml", f"[tool.grammarkit]\n{table}\n")
    write(tmp_path / "g.lark", 'start: "a"\n')
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_config()
    code, _, err = run(["check", "g.lark"], capsys)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1


def test_config_option_with_a_plain_toml_file(tmp_path, monkeypatch, capsys):
    write(tmp_path / "gk.toml", 'ignore = ["GK107", "GK228"]\n')
    write(tmp_path / "g.lark", WS_GRAMMAR)
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(["check", "--config", "gk.toml", "g.lark"], capsys)
    assert code == 0 and "All checks passed" in out
    code, _, err = run(["check", "--config", "missing.toml", "g.lark"], capsys)
    assert code == 2 and "missing.toml: no such file" in err


def test_double_star_prefix_matches_at_the_root_too(tmp_path):
    from grammarkit.lint.config import Config

    config = Config(per_file_ignores={"**/top.lark": ["GK220"]}, root=tmp_path)
    assert config.per_file_ignores_for(tmp_path / "top.lark") == ["GK220"]
    assert config.per_file_ignores_for(tmp_path / "a" / "top.lark") == ["GK220"]
