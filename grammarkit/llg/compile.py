"""Compiling a grammar with llguidance: the verdict every check defers to.

:func:`compile_report` compiles any text (never raising) and returns an
:class:`EngineReport` whose messages are located in the user's text
(:mod:`grammarkit.llg.messages`). Small texts are compiled on a big-stack worker thread,
large ones in a child process with a timeout (:mod:`grammarkit.llg.runner`).
"""

from __future__ import annotations

import json
import signal
import sys
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from grammarkit.core.source import Syntax
from grammarkit.core.span import LineIndex
from grammarkit.llg.messages import EngineMessage, MessageContext, engine_message, interpret_message
from grammarkit.llg.runner import (
    ChildCrashed,
    EngineTimeout,
    LibraryError,
    NoBigStackThread,
    call_with_big_stack,
    run_in_child,
)

if TYPE_CHECKING:  # pragma: no cover
    import llguidance


DEFAULT_TIMEOUT: Final = 30.0
"""Seconds :func:`compile_report` waits for llguidance by default."""

IN_PROCESS_MAX_BYTES: Final = 256 * 1024
"""Texts up to this size (UTF-8) are compiled in this process (a few ms to ~0.3 s)."""



@dataclass
class EngineReport:
    """llguidance's verdict on one grammar."""

    ok: bool
    error: EngineMessage | None = None
    warnings: list[EngineMessage] = field(default_factory=list)


# --------------------------------------------------------------------------- llguidance

_tokenizer: llguidance.LLTokenizer | None = None
_tokenizer_lock = threading.Lock()


def byte_tokenizer() -> llguidance.LLTokenizer:
    """The process-wide ``LLTokenizer("byte")`` used to validate grammars."""
    global _tokenizer
    if _tokenizer is None:
        with _tokenizer_lock:
            if _tokenizer is None:
                import llguidance

                _tokenizer = llguidance.LLTokenizer("byte")
    return _tokenizer


def grammar_for(syntax: Syntax, text: str) -> str:
    """The llguidance grammar definition for ``text``.

    ``grammar_from("lark", ...)`` passes the text through unchanged, and llguidance then
    reads a text whose first non-blank character is ``{`` as a JSON grammar list, not as
    Lark. Such texts are wrapped explicitly so they are always judged as Lark.
    """
    import llguidance

    if syntax == "lark" and text.lstrip().startswith("{"):
        return json.dumps({"grammars": [{"lark_grammar": text}]})
    return llguidance.grammar_from(syntax, text)


def _validate(syntax: Syntax, text: str) -> tuple[bool, list[str]]:
    """``(is_error, messages)`` straight from llguidance (may raise)."""
    import llguidance

    grammar = grammar_for(syntax, text)
    is_error, messages = llguidance.LLMatcher.validate_grammar_with_warnings(
        grammar, byte_tokenizer()
    )
    return bool(is_error), [str(m) for m in messages]



# {"is_error", "messages"} or {"exception"} as JSON on stdout.
_CHILD_CODE: Final = "from grammarkit.llg.compile import child_main; child_main()"


def child_main() -> None:
    """Entry point of the validation child process (see :func:`_validate_in_child`)."""
    request = json.loads(sys.stdin.buffer.read())
    syntax, text = request["syntax"], request["text"]
    try:
        try:
            is_error, messages = call_with_big_stack(lambda: _validate(syntax, text), None)
        except NoBigStackThread:  # pragma: no cover - only under tight memory limits
            is_error, messages = _validate(syntax, text)
        reply: dict[str, object] = {"is_error": is_error, "messages": messages}
    except Exception as exc:
        reply = {"exception": f"{type(exc).__name__}: {exc}"}
    sys.stdout.write(json.dumps(reply))
    sys.stdout.flush()




def _validate_in_child(syntax: Syntax, text: str, timeout: float | None) -> tuple[bool, list[str]]:
    """Run :func:`_validate` in a child process (see :func:`run_in_child`)."""
    reply = run_in_child(_CHILD_CODE, {"syntax": syntax, "text": text}, timeout)
    return bool(reply["is_error"]), [str(m) for m in reply["messages"]]


# --------------------------------------------------------------------------- public API


def compile_report(
    syntax: Syntax, text: str, *, timeout: float | None = DEFAULT_TIMEOUT
) -> EngineReport:
    """Compile ``text`` with llguidance and report its verdict with located messages.

    Never raises for any ``text``: exceptions from llguidance, crashes of the child
    process and timeouts (``timeout`` seconds; ``None`` waits forever) become an
    ``error`` with category ``"other"``. Raises ``ValueError`` for an unknown ``syntax``.
    """
    if syntax not in ("lark", "regex"):
        raise ValueError(f"unknown grammar syntax {syntax!r}; expected 'lark' or 'regex'")
    if not isinstance(text, str):
        raise TypeError(f"grammar text must be str, not {type(text).__name__}")

    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError as exc:
        line, column = LineIndex(text).position(exc.start)
        bad = exc.object[exc.start]
        msg = f"the grammar text cannot be encoded as UTF-8 ({exc.reason}: {bad!r})"
        return _failure(msg, line=line, column=column)

    try:
        if size <= IN_PROCESS_MAX_BYTES:
            try:
                is_error, messages = call_with_big_stack(
                    lambda: _validate(syntax, text), timeout
                )
            except NoBigStackThread:  # pragma: no cover - only under tight memory limits
                is_error, messages = _validate_in_child(syntax, text, timeout)
        else:
            is_error, messages = _validate_in_child(syntax, text, timeout)
    except EngineTimeout:
        return _failure(f"llguidance did not finish compiling the grammar within {timeout:g} s")
    except ChildCrashed as exc:
        return _failure(_crash_message(exc), raw=exc.stderr or None)
    except LibraryError as exc:
        return _failure(f"llguidance raised {exc}")
    except OSError as exc:  # the child process could not be started
        return _failure(f"could not run llguidance in a child process: {exc}")
    except Exception as exc:
        return _failure(f"llguidance raised {type(exc).__name__}: {exc}")

    return report_of(syntax, text, is_error, messages)


def report_of(syntax: Syntax, text: str, is_error: bool, messages: list[str]) -> EngineReport:
    """The :class:`EngineReport` of llguidance's validation result ``(is_error,
    messages)`` for ``text``, its messages located in the text."""
    context = MessageContext(syntax, text)
    interpreted = [interpret_message(m, syntax, text, _context=context) for m in messages]
    if is_error:
        return EngineReport(ok=False, error=interpreted[0] if interpreted else _generic_error())
    return EngineReport(ok=True, warnings=interpreted)


def _generic_error() -> EngineMessage:
    return engine_message("llguidance rejected the grammar without a message")


def _crash_message(exc: ChildCrashed) -> str:
    code = exc.returncode
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        how = f"crashed ({name})"
    else:
        how = f"failed (exit status {code})"
    hint = ""
    if code in (-signal.SIGSEGV, -getattr(signal, "SIGBUS", 0)):
        hint = "; this usually means the grammar nests or chains rules too deeply"
    return f"llguidance {how} while compiling the grammar{hint}"




def _failure(
    text: str, *, line: int | None = None, column: int | None = None, raw: str | None = None
) -> EngineReport:
    return EngineReport(ok=False, error=engine_message(text, line=line, column=column, raw=raw))
