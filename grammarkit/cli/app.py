"""The typer application: every command is registered here, explicitly (each command
lives in its own module and knows nothing of the application)."""

from __future__ import annotations

from typing import Annotated

import typer

from grammarkit.cli import (
    check,
    diff_cmd,
    lsp_cmd,
    mcp_cmd,
    parse_cmd,
    playground_cmd,
    rules,
    sample_cmd,
    stats,
    try_cmd,
)

app = typer.Typer(
    name="grammarkit",
    help="Lint, test and serve grammars for OpenAI custom tools (Lark and regex), "
    "checked against llguidance.",
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from grammarkit.core.version import __version__

        print(f"grammarkit {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Lint, test and serve grammars for OpenAI custom tools (Lark and regex)."""


app.command("check")(check.check)
app.command("diff")(diff_cmd.diff)
app.command("lsp")(lsp_cmd.lsp)
app.command("mcp")(mcp_cmd.mcp)
app.command("parse")(parse_cmd.parse)
app.command("playground")(playground_cmd.playground)
app.command("rules")(rules.rules)
app.command("sample")(sample_cmd.sample)
app.command("stats")(stats.stats)
app.command("try")(try_cmd.try_)
