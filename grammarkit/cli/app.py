"""The typer application and its commands (each command in its own module)."""

from __future__ import annotations

from typing import Annotated

import typer

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
        from .. import __version__

        print(f"grammarkit {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Lint, test and serve grammars for OpenAI custom tools (Lark and regex)."""


from . import check as _check  # noqa: E402,F401  (registers the command)
from . import parse_cmd as _parse_cmd  # noqa: E402,F401
from . import sample_cmd as _sample_cmd  # noqa: E402,F401
from . import try_cmd as _try_cmd  # noqa: E402,F401
from . import rules as _rules  # noqa: E402,F401
from . import stats as _stats  # noqa: E402,F401
