"""Human-readable output: ``path:line:col: CODE message``, the source line with a caret
under the span, and the hint, then a summary line; or, concise, the first line of each
diagnostic alone (:func:`render_concise`).

On a terminal the output is coloured (plain ANSI escapes): the location and code bold,
the code and the caret in the severity's colour (error red, warning yellow, info cyan),
the hint green. :func:`use_color` decides: ``NO_COLOR`` (any non-empty value) turns colour
off, else ``FORCE_COLOR`` (any non-empty value) turns it on, else ``TERM=dumb`` turns it
off, else colour goes to terminals only. Without colour the output is plain text."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable
from typing import TextIO

from grammarkit.core.diagnostics import Diagnostic, Severity
from grammarkit.core.span import LineIndex
from grammarkit.lint.runner import LintResult

MAX_SHOWN_LINE = 200

RESET = "\x1b[0m"
BOLD = "\x1b[1m"
RED = "\x1b[31m"
GREEN = "\x1b[32m"
YELLOW = "\x1b[33m"
BLUE = "\x1b[34m"
CYAN = "\x1b[36m"

SEVERITY_COLORS = {Severity.ERROR: RED, Severity.WARNING: YELLOW, Severity.INFO: CYAN}


def use_color(stream: TextIO | None = None) -> bool:
    """Whether to colour output written to ``stream`` (default: standard output).

    ``NO_COLOR`` set to anything but the empty string wins (https://no-color.org), then
    ``FORCE_COLOR`` likewise (https://force-color.org), then ``TERM=dumb`` means no
    colour; otherwise colour only when ``stream`` is a terminal."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    if os.environ.get("TERM") == "dumb":
        return False
    stream = sys.stdout if stream is None else stream
    try:
        if not stream.isatty():
            return False
    except (AttributeError, ValueError, OSError):  # no isatty, or a closed stream
        return False
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        return _enable_windows_ansi(stream)
    return True


def _enable_windows_ansi(stream: TextIO) -> bool:  # pragma: no cover - Windows only
    """Turn on ANSI escape processing for a Windows console; False when that fails."""
    if sys.platform != "win32":  # only called there; tells type checkers msvcrt and windll exist
        return False
    try:
        import ctypes
        import msvcrt
        from ctypes import wintypes

        handle = msvcrt.get_osfhandle(stream.fileno())
        kernel32 = ctypes.windll.kernel32
        mode = wintypes.DWORD()
        if not kernel32.GetConsoleMode(handle, ctypes.byref(mode)):
            return False
        enable_vt = 0x0004  # ENABLE_VIRTUAL_TERMINAL_PROCESSING
        return bool(mode.value & enable_vt or kernel32.SetConsoleMode(handle, mode.value | enable_vt))
    except Exception:
        return False


def _paint(text: str, *styles: str, color: bool) -> str:
    return f"{''.join(styles)}{text}{RESET}" if color and text else text


def render_diagnostic(d: Diagnostic, index: LineIndex | None, color: bool | None = None) -> str:
    """``path:line:col: CODE message``, the source line with a caret, the hint.

    ``index`` is the grammar's text; diagnostics in another file (a samples file) show
    their own snippet (the sample input with a caret) instead. ``color``: ANSI colours
    (None: :func:`use_color` on standard output)."""
    if color is None:
        color = use_color()
    tint = SEVERITY_COLORS.get(d.severity, "")
    lines = [_headline(d, d.message, color)]
    extra = d.extra.get("snippet") if d.extra else None
    if extra:
        rows = extra.split("\n")
        gutter = _paint("  input |", BLUE, color=color)
        for i, row in enumerate(rows):
            if color and i == len(rows) - 1 and i and row.strip() and set(row.strip()) <= {"^"}:
                row = row.replace(row.strip(), _paint(row.strip(), BOLD, tint, color=True), 1)
            lines.append(f"{gutter} {row}")
    elif index is not None:
        lines.extend(_snippet(d, index, color, tint))
    if d.hint:
        lines.append(f"  {_paint('= hint:', BOLD, GREEN, color=color)} {_paint(d.hint, GREEN, color=color)}")
    if d.witness is not None:
        verdict = "accepts" if d.witness.accepted else "rejects"
        shown = _clip_witness(d.witness.input)
        note = f" ({d.witness.note})" if d.witness.note else ""
        lines.append(f"  {_paint('= witness:', BOLD, color=color)} llguidance {verdict} {shown}{note}")
    if d.fix is not None:
        how = "--fix" if d.fix.safety == "safe" else "--unsafe-fixes"
        lines.append(f"  {_paint('= fix:', BOLD, GREEN, color=color)} {d.fix.title} ({d.fix.safety}; {how})")
    return "\n".join(lines)


def _headline(d: Diagnostic, message: str, color: bool) -> str:
    location = _paint(f"{d.path}:{d.line}:{d.column}:", BOLD, color=color)
    return f"{location} {_paint(d.code, BOLD, SEVERITY_COLORS.get(d.severity, ''), color=color)} {message}"


def _snippet(d: Diagnostic, index: LineIndex, color: bool = False, tint: str = "") -> list[str]:
    if d.line < 1 or d.line > index.line_count:
        return []
    source = index.line_text(d.line).replace("\t", " ")
    col = max(d.column, 1)
    if d.end_line == d.line:
        width = max(d.end_column - d.column, 1)
    else:
        width = max(len(source) - col + 1, 1)
    # Keep very long lines readable: show a window around the caret.
    shift = 0
    if len(source) > MAX_SHOWN_LINE:
        shift = max(0, col - 1 - MAX_SHOWN_LINE // 2)
        source = ("…" if shift else "") + source[shift : shift + MAX_SHOWN_LINE] + "…"
        col = col - shift + (1 if shift else 0)
        width = min(width, MAX_SHOWN_LINE)
    gutter = str(d.line)
    pad = " " * len(gutter)
    if not color:
        return [
            f" {gutter} | {source}",
            f" {pad} | {' ' * (col - 1)}{'^' * width}",
        ]
    return [
        f"{_paint(f' {gutter} |', BLUE, color=True)} {source}",
        f"{_paint(f' {pad} |', BLUE, color=True)} {' ' * (col - 1)}{_paint('^' * width, BOLD, tint, color=True)}",
    ]


def render_results(results: Iterable[LintResult], color: bool | None = None) -> str:
    """Every diagnostic of ``results``, in order (``color`` as in :func:`render_diagnostic`)."""
    if color is None:
        color = use_color()
    out = []
    for result in results:
        index = LineIndex(result.text) if result.text else None
        for d in result.diagnostics:
            out.append(render_diagnostic(d, index if d.path == result.path else None, color=color))
    return "\n".join(out)


def render_concise(results: Iterable[LintResult], color: bool | None = None) -> str:
    """One line per diagnostic, ``path:line:col: CODE message``: no snippet, hint, witness
    or fix (a message that spans lines is joined into one). ``color`` as in
    :func:`render_diagnostic`."""
    if color is None:
        color = use_color()
    return "\n".join(
        _headline(d, " ".join(d.message.splitlines()), color) for result in results for d in result.diagnostics
    )


def summary_line(results: list[LintResult], color: bool | None = None) -> str:
    """``Found 2 errors, 1 warning and 1 info (1 grammar, 3 samples).`` or ``All checks
    passed (1 grammar).`` (``(1 grammar; 2 infos)`` when there are only infos: they never
    fail a check)."""
    if color is None:
        color = use_color()
    errors = sum(len(r.errors) for r in results)
    warnings = sum(len(r.warnings) for r in results)
    files = len(results)
    checked = f"{files} {'grammar' if files == 1 else 'grammars'}"
    samples = sum(r.samples_checked for r in results)
    if samples:
        checked += f", {samples} sample{'s' if samples != 1 else ''}"
    infos = sum(1 for r in results for d in r.diagnostics if d.severity is Severity.INFO)
    shown_infos = f"{infos} info{'s' if infos != 1 else ''}"
    if not errors and not warnings:
        passed = _paint("All checks passed", BOLD, GREEN, color=color)
        return f"{passed} ({checked}; {shown_infos})." if infos else f"{passed} ({checked})."
    parts = []
    if errors:
        parts.append(_paint(f"{errors} error{'s' if errors != 1 else ''}", BOLD, RED, color=color))
    if warnings:
        parts.append(_paint(f"{warnings} warning{'s' if warnings != 1 else ''}", BOLD, YELLOW, color=color))
    if infos:
        parts.append(shown_infos)
    listed = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
    return f"Found {listed} ({checked})."


def severity_counts(results: list[LintResult]) -> dict[str, int]:
    counts = {s.value: 0 for s in Severity}
    for r in results:
        for d in r.diagnostics:
            counts[d.severity.value] += 1
    return counts


WITNESS_SHOWN = 100
"""Characters of a witness input shown at most (JSON and SARIF output carry all of it)."""


def _clip_witness(text: str) -> str:
    """The witness input as a JSON string; a long one as its start and end around ``…``
    (with its length), since free text is often written out at its maximum length."""
    if len(text) <= WITNESS_SHOWN:
        return json.dumps(text, ensure_ascii=False)
    head = json.dumps(text[: WITNESS_SHOWN * 2 // 3], ensure_ascii=False)[:-1]
    tail = json.dumps(text[-WITNESS_SHOWN // 4 :], ensure_ascii=False)[1:]
    return f"{head}…{tail} ({len(text)} characters)"
