"""The ``grammarkit`` command: a thin layer over the library API.

Exit status: 0 when no error-severity diagnostic, 1 when any, 2 for usage or input
problems (a one-line message on standard error, never a traceback), 3 for an internal
error (set ``GRAMMARKIT_DEBUG=1`` to see its traceback).
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import typer

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


def main(argv: list[str] | None = None) -> int:
    """Run the CLI. With ``argv`` given, return the exit status; as a script, exit with it."""
    args = sys.argv[1:] if argv is None else list(argv)
    _tolerant_streams()
    try:
        from grammarkit.cli.app import for_args

        result = for_args(args)(args=args, prog_name="grammarkit", standalone_mode=False)
        code = result if isinstance(result, int) else EXIT_OK
    except KeyboardInterrupt:
        code = 130
    except BrokenPipeError:
        _silence_stdout()
        code = EXIT_FINDINGS
    except Exception as exc:
        code = _report(exc)
    if code == 130:
        print("grammarkit: interrupted", file=sys.stderr)
    if argv is None:
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            _silence_stdout()
        except OSError as exc:  # e.g. > /dev/full
            print(f"grammarkit: error: cannot write the output: {exc.strerror or exc}", file=sys.stderr)
            code = EXIT_USAGE
        _exit_now_if_llguidance_is_busy(code)
        raise SystemExit(code)
    return code


def _tolerant_streams() -> None:
    """Inputs may hold text no encoding can print (a lone surrogate from a tool call):
    print it escaped (``\\ud800``, also a valid JSON escape) instead of failing."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
        except (AttributeError, ValueError):
            pass


def _exit_now_if_llguidance_is_busy(code: int) -> None:
    """Leave without interpreter finalisation after an interrupt, or while a worker thread
    is still inside llguidance (a timeout): finalising llguidance's native state at that
    point crashes the process (seen as a segmentation fault after Ctrl-C)."""
    import threading

    busy = any(t.name == "grammarkit-llguidance" and t.is_alive() for t in threading.enumerate())
    if code == 130 or busy:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def _report(exc: Exception) -> int:
    """Turn an exception escaping the command into one line and an exit status.

    Click (bundled with typer, or standalone in older typer versions) signals usage
    errors, aborts and exits with exceptions; they are matched by class name so this
    works with either."""
    kinds = {cls.__name__ for cls in type(exc).__mro__}
    if "Exit" in kinds:
        return int(getattr(exc, "exit_code", 0) or 0)
    if "NoArgsIsHelpError" in kinds:
        ctx = getattr(exc, "ctx", None)
        print(ctx.get_help() if ctx is not None else exc, file=sys.stderr)
        return EXIT_USAGE
    if "UsageError" in kinds or "ClickException" in kinds:
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        message = " ".join(message.split())
        ctx = getattr(exc, "ctx", None)
        where = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
        print(f"grammarkit: error: {message}{where}", file=sys.stderr)
        return EXIT_USAGE
    if "Abort" in kinds:
        print("grammarkit: aborted", file=sys.stderr)
        return EXIT_USAGE
    if os.environ.get("GRAMMARKIT_DEBUG"):
        import traceback

        traceback.print_exc()
    print(
        f"grammarkit: internal error: {type(exc).__name__}: {exc} "
        "(please report it; GRAMMARKIT_DEBUG=1 shows the traceback)",
        file=sys.stderr,
    )
    return EXIT_INTERNAL


def _silence_stdout() -> None:
    # The reader went away (e.g. `| head`): stop writing to the closed pipe.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass


def __getattr__(name: str) -> typer.Typer:
    if name == "app":  # every command (``main`` sets up only the one it runs)
        from grammarkit.cli.app import full

        return full()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["app", "main"]
