"""GitHub Actions workflow commands: one annotation per diagnostic.

``::error file=grammars/x.lark,line=6,col=8,endLine=6,endColumn=12,title=GK101
lookaround::lookbehind ...`` (``::warning`` for warnings, ``::notice`` for infos), which a
workflow step turns into an annotation on the file, shown in the pull request's diff.
Files that could not be read are ``::error file=PATH::message``.

Escaping follows GitHub's runner (``@actions/core``): in the message ``%``, CR and LF
become ``%25``, ``%0D`` and ``%0A``; property values also escape ``:`` and ``,``
(``%3A``, ``%2C``). Columns are sent only for one-line spans (GitHub accepts no columns
when ``line`` and ``endLine`` differ); ``endColumn`` is grammarkit's own, one past the
last character.
"""

from __future__ import annotations

from grammarkit.core.diagnostics import Diagnostic, Severity
from grammarkit.lint.runner import LintResult

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """A workflow command's message: ``%``, CR and LF percent-encoded."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value: as :func:`escape_data`, and ``:`` and ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def workflow_command(command: str, message: str, **properties: object) -> str:
    """``::command k=v,k=v::message``, properties in the order given, None values left out."""
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items() if value is not None)
    return f"::{command}{' ' + props if props else ''}::{escape_data(message)}"


def diagnostic_command(d: Diagnostic, path: str | None = None) -> str:
    """The annotation of one diagnostic (in ``path``, default: its own path)."""
    one_line = d.end_line == d.line
    message = f"{d.message}\nhint: {d.hint}" if d.hint else d.message
    return workflow_command(
        COMMANDS[d.severity],
        message,
        file=path or d.path,
        line=d.line,
        col=d.column if one_line else None,
        endLine=d.end_line,
        endColumn=d.end_column if one_line else None,
        title=f"{d.code} {d.name}",
    )


def render_github(results: list[LintResult], input_errors: list[dict] | None = None) -> str:
    """Every diagnostic as a workflow command, then one ``::error`` per unreadable input."""
    lines = []
    for result in results:
        for d in result.diagnostics:
            lines.append(diagnostic_command(d, d.path or result.path))
    for err in input_errors or []:
        path = err.get("path")
        message = str(err.get("message", ""))
        lines.append(workflow_command("error", f"{path}: {message}" if path else message, file=path or None))
    return "\n".join(lines)
