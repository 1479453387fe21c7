"""Human-readable output: ``path:line:col: CODE message``, the source line with a caret
under the span, and the hint, then a summary line."""

from __future__ import annotations

from collections.abc import Iterable

from ..diagnostics import Diagnostic, Severity
from ..lint import LintResult
from ..span import LineIndex

MAX_SHOWN_LINE = 200


def render_diagnostic(d: Diagnostic, index: LineIndex | None) -> str:
    """``path:line:col: CODE message``, the source line with a caret, the hint.

    ``index`` is the grammar's text; diagnostics in another file (a samples file) show
    their own snippet (the sample input with a caret) instead."""
    lines = [f"{d.path}:{d.line}:{d.column}: {d.code} {d.message}"]
    extra = d.extra.get("snippet") if d.extra else None
    if extra:
        lines.extend(f"  input | {row}" for row in extra.split("\n"))
    elif index is not None:
        lines.extend(_snippet(d, index))
    if d.hint:
        lines.append(f"  = hint: {d.hint}")
    return "\n".join(lines)


def _snippet(d: Diagnostic, index: LineIndex) -> list[str]:
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
    return [
        f" {gutter} | {source}",
        f" {pad} | {' ' * (col - 1)}{'^' * width}",
    ]


def render_results(results: Iterable[LintResult]) -> str:
    out = []
    for result in results:
        index = LineIndex(result.text) if result.text else None
        for d in result.diagnostics:
            out.append(render_diagnostic(d, index if d.path == result.path else None))
    return "\n".join(out)


def summary_line(results: list[LintResult]) -> str:
    errors = sum(len(r.errors) for r in results)
    warnings = sum(len(r.warnings) for r in results)
    files = len(results)
    checked = f"{files} {'grammar' if files == 1 else 'grammars'}"
    samples = sum(len(r.samples) for r in results)
    if samples:
        checked += f", {samples} sample{'s' if samples != 1 else ''}"
    if not errors and not warnings:
        return f"All checks passed ({checked})."
    parts = []
    if errors:
        parts.append(f"{errors} error{'s' if errors != 1 else ''}")
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    return f"Found {' and '.join(parts)} ({checked})."


def severity_counts(results: list[LintResult]) -> dict[str, int]:
    counts = {s.value: 0 for s in Severity}
    for r in results:
        for d in r.diagnostics:
            counts[d.severity.value] += 1
    return counts
