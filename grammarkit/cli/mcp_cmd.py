"""``grammarkit mcp``: run grammarkit's MCP server over standard input and output.

An MCP client starts it (see the README for Claude Desktop, Claude Code, Cursor and VS
Code); it serves until the client closes standard input. Needs the ``mcp`` extra (``pip
install 'grammarkit[mcp]'``): without it, one line says so and the exit status is 2.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from grammarkit.mcp.limits import DEFAULT_TIMEOUT, DEFAULT_WORKERS

MISSING = "grammarkit: error: the MCP server needs the 'mcp' extra: pip install 'grammarkit[mcp]'"


def mcp(
    timeout: Annotated[
        float,
        typer.Option("--timeout", min=1.0, max=600.0, help="Seconds of work allowed per tool call."),
    ] = DEFAULT_TIMEOUT,
    workers: Annotated[
        int, typer.Option("--workers", min=1, max=16, help="Worker processes (tool calls that run at once).")
    ] = DEFAULT_WORKERS,
) -> int:
    """Serve grammarkit's tools to an MCP client over standard input/output (stdio):
    check_grammar, apply_fixes, parse_input, run_samples, generate_samples, explain_rule,
    grammar_stats, tool_definitions and diff_grammars."""
    try:
        from grammarkit.mcp.server import serve
    except ImportError as exc:
        if (exc.name or "").split(".")[0] in ("mcp", "pydantic"):
            print(MISSING, file=sys.stderr)
            return 2
        raise
    serve(timeout=timeout, workers=workers)
    return 0


__all__ = ["MISSING", "mcp"]
