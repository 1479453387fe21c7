"""``grammarkit playground [GRAMMAR]``: a local web page to edit a grammar and its samples,
with diagnostics as you type (see :mod:`grammarkit.playground`).

The first line of standard output is the page's URL. Needs the ``playground`` extra
(Starlette and uvicorn); without it the command says so in one line and exits 2. Exit
status: 0 after Ctrl-C, 2 for a usage problem (no such folder, port taken, bad
configuration).
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from grammarkit.cli.options import SyntaxOption

EXTRA_MISSING = (
    "grammarkit: error: the playground needs the 'playground' extra (Starlette and uvicorn): "
    "pip install 'grammarkit[playground]'"
)


def playground(
    grammar: Annotated[
        str | None,
        typer.Argument(
            metavar="[GRAMMAR]",
            help="The grammar file to open (created when first saved if it does not exist yet).",
        ),
    ] = None,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (only this machine by default).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port (default: a free one).")] = 0,
    no_browser: Annotated[bool, typer.Option("--no-browser", help="Do not open the page in a browser.")] = False,
    syntax: SyntaxOption = None,
    timeout: Annotated[
        float, typer.Option("--timeout", min=0.5, help="Seconds one request may take before it is stopped.")
    ] = 15.0,
    config_path: Annotated[
        str | None,
        typer.Option("--config", help="Configuration file (default: [tool.grammarkit] of the nearest pyproject.toml)."),
    ] = None,
) -> int:
    """A local web page to edit a grammar: diagnostics as you type, samples judged by both
    engines with parse trees, random inputs, the tool definition, stats; saves atomically."""
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        print(EXTRA_MISSING, file=sys.stderr)
        return 2
    from grammarkit.playground.server import serve

    return serve(
        grammar,
        host=host,
        port=port,
        open_browser=not no_browser,
        syntax=syntax.value if syntax else None,
        timeout=timeout,
        config_path=config_path,
    )


__all__ = ["EXTRA_MISSING", "playground"]
