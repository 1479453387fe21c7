"""The typer application: every command is registered here, explicitly (each command
lives in its own module and knows nothing of the application).

A command's module is imported only when the command is registered: :func:`build` with
the name of the command being run registers that command alone, so ``grammarkit sample``
neither imports nor sets up the other nine (start-up counts for a command that runs for a
second). ``app`` (every command: ``grammarkit --help``, a mistyped command) is built on
first use.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Annotated, Any

import typer


def _check() -> Callable[..., Any]:
    from grammarkit.cli.check import check

    return check


def _diff() -> Callable[..., Any]:
    from grammarkit.cli.diff_cmd import diff

    return diff


def _lsp() -> Callable[..., Any]:
    from grammarkit.cli.lsp_cmd import lsp

    return lsp


def _mcp() -> Callable[..., Any]:
    from grammarkit.cli.mcp_cmd import mcp

    return mcp


def _parse() -> Callable[..., Any]:
    from grammarkit.cli.parse_cmd import parse

    return parse


def _playground() -> Callable[..., Any]:
    from grammarkit.cli.playground_cmd import playground

    return playground


def _rules() -> Callable[..., Any]:
    from grammarkit.cli.rules import rules

    return rules


def _sample() -> Callable[..., Any]:
    from grammarkit.cli.sample_cmd import sample

    return sample


def _stats() -> Callable[..., Any]:
    from grammarkit.cli.stats import stats

    return stats


def _try() -> Callable[..., Any]:
    from grammarkit.cli.try_cmd import try_

    return try_


COMMANDS: dict[str, Callable[[], Callable[..., Any]]] = {
    "check": _check,
    "diff": _diff,
    "lsp": _lsp,
    "mcp": _mcp,
    "parse": _parse,
    "playground": _playground,
    "rules": _rules,
    "sample": _sample,
    "stats": _stats,
    "try": _try,
}
"""Command name -> the function that imports and returns the command."""


def _version(value: bool) -> None:
    if value:
        from grammarkit.core.version import __version__

        print(f"grammarkit {__version__}")
        raise typer.Exit(0)


def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Lint, test and serve grammars for OpenAI custom tools (Lark and regex)."""


def build(names: Iterable[str] | None = None) -> typer.Typer:
    """The application with the commands ``names`` (all of them when None)."""
    application = typer.Typer(
        name="grammarkit",
        help="Lint, test and serve grammars for OpenAI custom tools (Lark and regex), "
        "checked against llguidance.",
        add_completion=False,
        no_args_is_help=True,
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
    )
    application.callback()(_root)
    for name in COMMANDS if names is None else names:
        application.command(name)(COMMANDS[name]())
    return application


def for_args(args: list[str]) -> typer.Typer:
    """The application to run ``args`` with: the named command alone when ``args`` starts
    with one, else every command."""
    if args and args[0] in COMMANDS:
        return build([args[0]])
    return full()


_built: list[typer.Typer] = []


def full() -> typer.Typer:
    """The application with every command (built once)."""
    if not _built:
        _built.append(build())
    return _built[0]


def __getattr__(name: str) -> typer.Typer:
    if name == "app":
        return full()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
