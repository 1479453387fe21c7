"""``grammarkit lsp``: the language server, over standard input and output."""

from __future__ import annotations

import sys
from typing import Annotated

import typer


def lsp(
    stdio: Annotated[
        bool,
        typer.Option("--stdio", help="Talk over standard input and output (the default; for clients that pass it)."),
    ] = True,
) -> int:
    """Run the language server (diagnostics as you type, quick fixes, hover, go to
    definition, references, rename, outline, completion) for .lark and .regex grammars
    and their samples files. Needs the lsp extra: pip install 'grammarkit[lsp]'."""
    try:
        from grammarkit.lsp.server import serve
    except ImportError as exc:  # pygls or lsprotocol missing
        print(
            f"grammarkit: error: the language server needs pygls ({exc.name or exc}): pip install 'grammarkit[lsp]'",
            file=sys.stderr,
        )
        return 2
    return serve()
