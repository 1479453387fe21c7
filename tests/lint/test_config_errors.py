"""Configuration that cannot be used is an error that names its file (exit status 2):
an empty ``select``, a ``pyproject.toml`` on the way up that cannot be read or parsed,
TOML nested thousands deep, and devices or pipes given as configuration."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from grammarkit.cli import main
from grammarkit.lint.config import MAX_CONFIG_BYTES, ConfigError, find_config, load_config

GRAMMAR = 'start: "a"\n'


def run(args, capsys):
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@pytest.fixture
def project(tmp_path, monkeypatch):
    """tmp_path/pyproject.toml (written by the test) above the working directory tmp_path/sub."""
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "g.lark").write_text(GRAMMAR)
    monkeypatch.chdir(sub)
    return tmp_path


def test_empty_select_is_an_error_like_an_empty_command_line_select(project, capsys):
    (project / "pyproject.toml").write_text("[tool.grammarkit]\nselect = []\n")
    code, out, err = run(["check", "g.lark"], capsys)
    assert code == 2 and out == ""
    assert err.splitlines() == [
        f"grammarkit: error: {project / 'pyproject.toml'}: select needs at least one rule code, prefix or name "
        "(an empty list selects nothing)"
    ]


def test_empty_ignore_is_fine(project, capsys):
    (project / "pyproject.toml").write_text("[tool.grammarkit]\nignore = []\n")
    code, out, _ = run(["check", "g.lark"], capsys)
    assert code == 0 and out.startswith("All checks passed")


def test_broken_pyproject_on_the_way_up_is_named(project, capsys):
    (project / "pyproject.toml").write_text("[project\nname = 'x'\n")
    code, out, err = run(["check", "g.lark"], capsys)
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1
    assert err.startswith(f"grammarkit: error: {project / 'pyproject.toml'}: invalid TOML: ")


def test_pyproject_that_is_not_utf8_is_named(project):
    (project / "pyproject.toml").write_bytes(b"[tool.grammarkit]\n# \xff\n")
    with pytest.raises(ConfigError, match=r"pyproject.toml: cannot read: not valid UTF-8 \(byte 0xff at offset 20\)"):
        find_config()


def test_pyproject_that_is_a_directory_is_named(project):
    (project / "pyproject.toml").mkdir()
    with pytest.raises(ConfigError, match="pyproject.toml: is a directory"):
        load_config()


def test_pyproject_without_a_table_is_passed_over(project):
    (project / "sub" / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (project / "pyproject.toml").write_text('[tool.grammarkit]\nignore = ["GK229"]\n')
    assert find_config() == project / "pyproject.toml"
    assert load_config().ignore == ["GK229"]


@pytest.mark.parametrize("depth", [5000, 100_000])
def test_deeply_nested_pyproject_above_the_working_directory_exits_2(project, capsys, depth):
    (project / "pyproject.toml").write_text("[tool.grammarkit]\nx = " + "[" * depth + "\n")
    code, out, err = run(["check", "g.lark"], capsys)
    assert code == 2 and out == ""
    assert err.splitlines() == [f"grammarkit: error: {project / 'pyproject.toml'}: invalid TOML: nested too deeply"]


def test_dev_zero_as_configuration_exits_2(project, capsys):
    code, _, err = run(["check", "--config", "/dev/zero", "g.lark"], capsys)
    assert code == 2
    assert err.splitlines() == [
        f"grammarkit: error: /dev/zero: configuration file is too large (more than {MAX_CONFIG_BYTES} bytes)"
    ]


def test_endless_fifo_pyproject_on_the_way_up_exits_2(project, capsys):
    fifo = project / "pyproject.toml"
    os.mkfifo(fifo)

    def write() -> None:
        try:
            with open(fifo, "wb") as f:
                while True:
                    f.write(b"# " + b"x" * 65000 + b"\n")
        except OSError:
            pass

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    code, _, err = run(["check", "g.lark"], capsys)
    writer.join(10)
    assert code == 2 and not writer.is_alive()
    assert err.splitlines() == [
        f"grammarkit: error: {fifo}: configuration file is too large (more than {MAX_CONFIG_BYTES} bytes)"
    ]


def test_missing_configuration_file_is_named(tmp_path):
    with pytest.raises(ConfigError, match="nope.toml: no such file"):
        load_config(Path(tmp_path / "nope.toml"))
