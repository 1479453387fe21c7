"""``grammarkit playground``: the URL first, the page served from the package, a clear
line when the extra is missing, and nothing of it loaded by the other commands."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from grammarkit.cli import main
from grammarkit.cli.playground_cmd import EXTRA_MISSING

ROOT = Path(__file__).resolve().parents[2]


def test_without_the_extra_one_line_names_it_and_exit_2(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "starlette", None)  # import starlette -> ImportError
    assert main(["playground", "--no-browser"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err == EXTRA_MISSING + "\n"
    assert "'playground' extra" in err and "pip install 'grammarkit[playground]'" in err


def test_help_lists_the_options(capsys):
    main(["playground", "--help"])
    out = capsys.readouterr().out
    for option in ("--host", "--port", "--no-browser", "--syntax", "--timeout", "--config"):
        assert option in out


def test_a_directory_is_a_usage_error(tmp_path, capsys):
    assert main(["playground", str(tmp_path), "--no-browser"]) == 2
    assert "is a directory" in capsys.readouterr().err


def test_other_commands_never_import_the_server():
    code = (
        "import sys; from grammarkit.cli import main; main(['check', '--no-sidecars', 'grammars/arithmetic.lark']); "
        "print(sorted(m for m in ('starlette', 'uvicorn', 'grammarkit.playground') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120).stdout
    assert out.strip().splitlines()[-1] == "[]"


def _start(args, cwd):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "grammarkit", "playground", "--no-browser", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _get(url: str, retries: int = 200) -> str:
    for _ in range(retries):
        try:
            with urllib.request.urlopen(url, timeout=10) as r:
                return r.read().decode()
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{url} does not answer")


def test_the_first_line_is_the_url_of_a_page_on_this_machine(tmp_path):
    (tmp_path / "tool.lark").write_text('start: "a"\n')
    proc = _start(["tool.lark"], tmp_path)
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", url)
        page = _get(url)
        assert "grammarkit playground" in page and re.search(r'name="grammarkit-token" content="[\w-]{40,}"', page)
        assert "const token" in _get(url + "static/app.js")
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "Traceback" not in err


def test_a_port_in_use_is_a_usage_error(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        proc = _start(["--port", str(port)], tmp_path)
        out, err = proc.communicate(timeout=120)
    assert proc.returncode == 2 and out == ""
    assert err.startswith(f"grammarkit: error: cannot listen on 127.0.0.1:{port}:") and len(err.splitlines()) == 1


@pytest.mark.parametrize("name", ["index.html", "app.js", "style.css"])
def test_the_assets_are_package_data(name):
    # A non-editable install carries them (pyproject's package-data); see also the wheel test.
    from grammarkit.playground.server import static_text

    assert static_text(name)
    assert "playground/static/*" in (ROOT / "pyproject.toml").read_text()
