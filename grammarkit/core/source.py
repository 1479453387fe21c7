"""Grammar files: finding them, reading them (bounded), decoding them, and their syntax.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO, Literal

from grammarkit.core.errors import InputError

Syntax = Literal["lark", "regex"]
"""The two grammar syntaxes of an OpenAI custom tool."""

GRAMMAR_SUFFIXES: dict[str, Syntax] = {".lark": "lark", ".regex": "regex"}
MAX_GRAMMAR_BYTES = 4 * 1024 * 1024


def detect_syntax(path: str | os.PathLike[str]) -> Syntax | None:
    return GRAMMAR_SUFFIXES.get(Path(path).suffix.lower())



def open_input(path: str | os.PathLike[str], shown: str | None = None) -> BinaryIO:
    """``path`` opened for reading bytes, or :class:`InputError` naming why not (missing,
    a directory, permission denied, ...). Devices and pipes open like files."""
    shown = str(path) if shown is None else shown
    try:
        f = open(path, "rb")  # noqa: SIM115 - the caller closes it
    except OSError as exc:
        raise _input_error(shown, exc) from None
    try:
        is_dir = stat.S_ISDIR(os.fstat(f.fileno()).st_mode)
    except OSError as exc:
        f.close()
        raise _input_error(shown, exc) from None
    if is_dir:
        f.close()
        raise InputError(shown, "is a directory")
    return f


def _input_error(shown: str, exc: OSError) -> InputError:
    if isinstance(exc, FileNotFoundError):
        return InputError(shown, "no such file")
    if isinstance(exc, PermissionError):
        return InputError(shown, "permission denied")
    if isinstance(exc, IsADirectoryError):
        return InputError(shown, "is a directory")
    return InputError(shown, f"cannot read: {exc.strerror or exc}")


def read_bounded(path: str | os.PathLike[str], limit: int, shown: str | None = None, *, what: str = "file") -> bytes:
    """The bytes of ``path``, reading at most ``limit`` of them, or :class:`InputError`.

    Devices and pipes (``/dev/zero``, a FIFO, ``<(command)``) have no size to check in
    advance: at most ``limit + 1`` bytes are read, and one more than ``limit`` means the
    input is too large. ``what`` names the kind of file in the messages."""
    shown = str(path) if shown is None else shown
    with open_input(path, shown) as f:
        try:
            st = os.fstat(f.fileno())
            if stat.S_ISREG(st.st_mode) and st.st_size > limit:
                raise InputError(shown, f"{what} is too large ({st.st_size} bytes; the limit is {limit})")
            data = f.read(limit + 1)
        except OSError as exc:
            raise _input_error(shown, exc) from None
    if len(data) > limit:
        raise InputError(shown, f"{what} is too large (more than {limit} bytes)")
    return data


def read_grammar_file(path: str | os.PathLike[str]) -> str:
    """Read a grammar file as UTF-8 text (at most :data:`MAX_GRAMMAR_BYTES`, also from a
    device or a pipe), or raise :class:`InputError` with a clear message."""
    shown = str(path)
    return decode_grammar_bytes(read_bounded(path, MAX_GRAMMAR_BYTES, shown), shown)


def read_grammar_stdin(limit: int = MAX_GRAMMAR_BYTES) -> str:
    """Grammar text from standard input, reading at most ``limit`` bytes (one more tells
    it is too large), decoded like a file. A closed or unreadable standard input (``<&-``,
    ``< /``) is an :class:`InputError`."""
    import sys

    stream = getattr(sys.stdin, "buffer", None)
    if stream is None or getattr(stream, "closed", False):
        raise InputError("<stdin>", "standard input is closed")
    try:
        data = stream.read(limit + 1)
    except (OSError, ValueError) as exc:  # EBADF, EISDIR; ValueError: closed meanwhile
        raise InputError("<stdin>", f"cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    if data is None:  # a non-blocking descriptor with nothing to read
        raise InputError("<stdin>", "standard input is not ready (non-blocking, nothing to read)")
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

    Hidden files and directories (a name starting with ``.``) are skipped, and symbolic
    links to directories are not followed. Raises :class:`InputError` for a missing path,
    a directory that cannot be read (at any depth: a grammar in it would be skipped
    silently otherwise) or a directory with no grammars.
    """
    files: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted(_grammar_files_under(p))
            if not found:
                raise InputError(str(raw), "directory has no .lark or .regex grammars")
            files.extend(found)
        elif p.exists():
            files.append(p)
        else:
            raise InputError(str(raw), "no such file or directory")
    return files


def _grammar_files_under(root: Path) -> list[Path]:
    found: list[Path] = []
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except PermissionError:
            raise InputError(str(folder), "cannot read directory: permission denied") from None
        except OSError as exc:
            raise InputError(str(folder), f"cannot read directory: {exc.strerror or exc}") from None
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = folder / entry.name
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(path)
                elif entry.is_file() and path.suffix.lower() in GRAMMAR_SUFFIXES:
                    found.append(path)
            except OSError:
                continue  # vanished meanwhile
    return found


def strip_final_newline(text: str) -> str:
    """``text`` minus one trailing newline (``\n`` or ``\r\n``): a regex grammar's
    pattern is its file's text without it, and an input typed with ``echo`` has one."""
    if text.endswith("\r\n"):
        return text[:-2]
    if text.endswith("\n"):
        return text[:-1]
    return text
