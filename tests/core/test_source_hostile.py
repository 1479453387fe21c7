"""Hostile grammar paths: devices, pipes, closed standard input and directories that
cannot be read each give one located line and exit status 2, never a hang, a memory
blow-up or a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from grammarkit.cli import main
from grammarkit.core.errors import InputError
from grammarkit.core.source import MAX_GRAMMAR_BYTES, collect_grammar_files, read_bounded, read_grammar_file

ROOT = Path(__file__).resolve().parents[2]


def run(args, capsys):
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def endless_writer(path: Path, chunk: bytes = b"/" * 65536) -> threading.Thread:
    """A thread writing ``chunk`` to the FIFO ``path`` until the reader goes away."""

    def write() -> None:
        try:
            with open(path, "wb") as f:
                while True:
                    f.write(chunk)
        except (BrokenPipeError, ValueError, OSError):
            pass

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    return thread


def test_dev_zero_is_read_with_a_bound():
    with pytest.raises(InputError, match=f"file is too large \\(more than {MAX_GRAMMAR_BYTES} bytes\\)"):
        read_grammar_file("/dev/zero")


def test_dev_zero_grammar_exits_2_with_one_line(capsys):
    code, out, err = run(["check", "--no-sidecars", "--syntax", "lark", "/dev/zero"], capsys)
    assert code == 2 and out == ""
    assert err.splitlines() == [f"grammarkit: error: /dev/zero: file is too large (more than {MAX_GRAMMAR_BYTES} bytes)"]


def test_endless_fifo_grammar_exits_2_with_one_line(tmp_path, capsys):
    fifo = tmp_path / "pipe.lark"
    os.mkfifo(fifo)
    writer = endless_writer(fifo)
    code, _, err = run(["check", "--no-sidecars", str(fifo)], capsys)
    writer.join(10)
    assert code == 2 and not writer.is_alive()
    assert err.splitlines() == [f"grammarkit: error: {fifo}: file is too large (more than {MAX_GRAMMAR_BYTES} bytes)"]


def test_short_fifo_grammar_is_read(tmp_path, capsys):
    fifo = tmp_path / "pipe.lark"
    os.mkfifo(fifo)

    def write() -> None:
        with open(fifo, "wb") as f:
            f.write(b'start: "a"\n')

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    code, out, _ = run(["check", "--no-sidecars", str(fifo)], capsys)
    thread.join(10)
    assert code == 0 and out.startswith("All checks passed")


def test_regular_file_over_the_limit_is_refused_before_reading(tmp_path):
    p = tmp_path / "big.bin"
    with open(p, "wb") as f:
        f.truncate(10_000)  # sparse: the size is known without reading
    with pytest.raises(InputError, match=r"thing is too large \(10000 bytes; the limit is 100\)"):
        read_bounded(p, 100, what="thing")
    assert read_bounded(p, 10_000) == b"\0" * 10_000


def test_closed_standard_input_exits_2(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", None)
    code, out, err = run(["check", "-"], capsys)
    assert code == 2 and out == ""
    assert err.splitlines() == ["grammarkit: error: <stdin>: standard input is closed"]


def test_closed_standard_input_in_a_real_process(tmp_path):
    # `grammarkit check - <&-`: Python starts with sys.stdin set to None.
    proc = subprocess.run(
        ["sh", "-c", 'exec "$0" -m grammarkit check - <&-', sys.executable],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.splitlines() == ["grammarkit: error: <stdin>: standard input is closed"]


def test_standard_input_that_cannot_be_read_exits_2(capsys, monkeypatch):
    import errno
    import io

    class Failing(io.RawIOBase):
        def readable(self):
            return True

        def readinto(self, b):
            raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(Failing())))
    code, _, err = run(["check", "-"], capsys)
    assert code == 2
    assert err.splitlines() == ["grammarkit: error: <stdin>: cannot read: Input/output error"]


# ---------------------------------------------------------------- directories


def grammar_tree(tmp_path: Path) -> Path:
    root = tmp_path / "g"
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / ".hidden").mkdir()
    (root / "a.lark").write_text('start: "a"\n')
    (root / "sub" / "b.regex").write_text("[0-9]{1,3}\n")
    (root / "sub" / "deeper" / "c.LARK").write_text('start: "c"\n')
    (root / "sub" / "notes.txt").write_text("not a grammar\n")
    (root / ".hidden" / "h.lark").write_text('start: "h"\n')
    (root / ".dot.lark").write_text('start: "d"\n')
    (root / "link").symlink_to(root / "sub")  # a link to a directory is not followed
    return root


def test_directories_are_walked_sorted_without_hidden_files_or_linked_directories(tmp_path):
    root = grammar_tree(tmp_path)
    found = collect_grammar_files([root])
    assert [p.relative_to(root).as_posix() for p in found] == ["a.lark", "sub/b.regex", "sub/deeper/c.LARK"]


def test_unreadable_directory_is_an_input_error(tmp_path, monkeypatch):
    # Tests run as root, which can read anything: make one directory unreadable instead.
    root = grammar_tree(tmp_path)
    real = os.scandir

    def scandir(path):
        if Path(path) == root / "sub" / "deeper":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    with pytest.raises(InputError, match="deeper: cannot read directory: permission denied"):
        collect_grammar_files([root])


def test_unreadable_directory_exits_2(tmp_path, monkeypatch, capsys):
    root = grammar_tree(tmp_path)
    real = os.scandir

    def scandir(path):
        if Path(path) == root / "sub":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    code, out, err = run(["check", str(root)], capsys)
    assert code == 2 and out == ""
    assert err.splitlines() == [f"grammarkit: error: {root / 'sub'}: cannot read directory: permission denied"]


def test_directory_that_vanishes_or_is_not_a_directory(tmp_path, monkeypatch):
    root = grammar_tree(tmp_path)
    real = os.scandir

    def scandir(path):
        if Path(path) == root / "sub":
            raise NotADirectoryError(20, "Not a directory", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    with pytest.raises(InputError, match="sub: cannot read directory: Not a directory"):
        collect_grammar_files([root])
