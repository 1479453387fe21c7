"""Grammar files: finding them, reading them (bounded), decoding them, and their syntax.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from grammarkit.core.errors import InputError

Syntax = Literal["lark", "regex"]
"""The two grammar syntaxes of an OpenAI custom tool."""

GRAMMAR_SUFFIXES: dict[str, Syntax] = {".lark": "lark", ".regex": "regex"}
MAX_GRAMMAR_BYTES = 4 * 1024 * 1024


def detect_syntax(path: str | os.PathLike[str]) -> Syntax | None:
    return GRAMMAR_SUFFIXES.get(Path(path).suffix.lower())



def read_grammar_file(path: str | os.PathLike[str]) -> str:
    """Read a grammar file as UTF-8 text, or raise :class:`InputError` with a clear message."""
    p = Path(path)
    shown = str(path)
    try:
        size = p.stat().st_size
        if p.is_dir():
            raise InputError(shown, "is a directory")
        if size > MAX_GRAMMAR_BYTES:
            raise InputError(shown, f"file is too large ({size} bytes; the limit is {MAX_GRAMMAR_BYTES})")
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError(shown, "no such file") from None
    except PermissionError:
        raise InputError(shown, "permission denied") from None
    except IsADirectoryError:
        raise InputError(shown, "is a directory") from None
    except OSError as exc:
        raise InputError(shown, f"cannot read: {exc.strerror or exc}") from None
    return decode_grammar_bytes(data, shown)


def read_grammar_stdin(limit: int = MAX_GRAMMAR_BYTES) -> str:
    """Grammar text from standard input, reading at most ``limit`` bytes (one more tells
    it is too large), decoded like a file."""
    import sys

    data = sys.stdin.buffer.read(limit + 1)
    if len(data) > limit:
        raise InputError("<stdin>", f"input is too large (more than {limit} bytes)")
    return decode_grammar_bytes(data, "<stdin>")


def decode_grammar_bytes(data: bytes, shown: str) -> str:
    if b"\x00" in data:
        pos = data.index(b"\x00")
        raise InputError(shown, f"binary file (NUL byte at offset {pos}); a grammar must be UTF-8 text")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            shown, f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}, line {line})"
        ) from None



def collect_grammar_files(paths: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """Expand directories (recursively) to their ``.lark``/``.regex`` files, sorted.

    Raises :class:`InputError` for a missing path or a directory with no grammars.
    """
    files: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted(
                f
                for f in p.rglob("*")
                if f.is_file() and f.suffix.lower() in GRAMMAR_SUFFIXES and not _hidden(f, p)
            )
            if not found:
                raise InputError(str(raw), "directory has no .lark or .regex grammars")
            files.extend(found)
        elif p.exists():
            files.append(p)
        else:
            raise InputError(str(raw), "no such file or directory")
    return files


def _hidden(f: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in f.relative_to(root).parts)


def strip_final_newline(text: str) -> str:
    """``text`` minus one trailing newline (``\n`` or ``\r\n``): a regex grammar's
    pattern is its file's text without it, and an input typed with ``echo`` has one."""
    if text.endswith("\r\n"):
        return text[:-2]
    if text.endswith("\n"):
        return text[:-1]
    return text
