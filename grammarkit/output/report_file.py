"""Writing a report to a file (``grammarkit check --output-file PATH``).

A regular file (or a path that does not exist yet) is replaced atomically: the report is
written to a temporary file beside it, which is then renamed over it, so a reader never
sees half a report and an interrupted run leaves the previous one. Anything else that can
be opened for writing (``/dev/stdout``, a named pipe) is written to directly.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from grammarkit.lint.fixes import write_atomically


def report_path_problem(path: str) -> str | None:
    """Why a report cannot be written to ``path`` (checked before any work is done), or
    None. Only what is certain is said: permissions are left to the write itself."""
    target = Path(path)
    if not path:
        return "an empty path"
    if target.is_dir():
        return "is a directory"
    parent = target.parent
    if not parent.exists():
        return f"no such directory: {parent}"
    if not parent.is_dir():
        return f"not a directory: {parent}"
    return None


def write_report(path: str, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path``: atomically for a regular file (through a
    symbolic link to one), directly to a device or a pipe. Text no encoding can hold (a
    lone surrogate from a sample) is written escaped (``\\ud800``), as on standard output.
    Raises :class:`OSError`."""
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    if os.path.islink(path):
        path = os.path.realpath(path)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        return
    write_atomically(path, text)
