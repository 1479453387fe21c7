"""Running llguidance safely: on a thread with a big stack, or in a child process.

llguidance recurses on deep grammars and can crash the whole process (a chain of ~5000
rules overflows an ordinary thread's stack) or run for minutes on huge inputs.
:func:`call_with_big_stack` runs a call on a worker thread with a large stack and an
optional timeout; :func:`run_in_child` runs Python code in a child process, exchanging
JSON, so that crashes and runaways stay in the child.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Final, TypeVar

from grammarkit.core.children import child_env
from grammarkit.core.errors import GrammarkitError

if TYPE_CHECKING:  # pragma: no cover
    pass


WORKER_STACK_BYTES: Final = 512 * 1024 * 1024
"""Stack of the thread llguidance runs on (virtual memory; only what is used is paid)."""


_T = TypeVar("_T")
_stack_lock = threading.Lock()


class EngineFailure(GrammarkitError):
    """llguidance failed while it ran (timed out, crashed, raised, or could not start)."""


class EngineTimeout(EngineFailure):
    """llguidance did not answer in time."""


class NoBigStackThread(EngineFailure):
    """A thread with a large stack could not be started."""


class ChildCrashed(EngineFailure):
    """The child process died or answered garbage."""

    def __init__(self, returncode: int, stderr: str) -> None:
        super().__init__(returncode, stderr)
        self.returncode = returncode
        self.stderr = stderr


class LibraryError(EngineFailure):
    """llguidance raised a Python exception in the child process."""


def call_with_big_stack(fn: Callable[[], _T], timeout: float | None) -> _T:
    """Run ``fn`` on a fresh thread with a large stack (llguidance recurses deeply).

    Raises :class:`EngineTimeout` when ``fn`` is still running after ``timeout`` seconds (it
    cannot be interrupted and keeps running as a daemon thread), :class:`NoBigStackThread`
    when such a thread cannot be created, and whatever ``fn`` raises.
    """
    box: dict[str, object] = {}

    def target() -> None:
        try:
            box["result"] = fn()
        except BaseException as exc:
            box["error"] = exc

    with _stack_lock:
        previous = threading.stack_size()
        try:
            threading.stack_size(WORKER_STACK_BYTES)
            worker = threading.Thread(target=target, name="grammarkit-llguidance", daemon=True)
            worker.start()
        except (RuntimeError, ValueError, MemoryError) as exc:
            raise NoBigStackThread(str(exc)) from exc
        finally:
            threading.stack_size(previous)
    worker.join(timeout)
    if worker.is_alive():
        raise EngineTimeout
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["result"]  # type: ignore[return-value]


# The child process: reads {"syntax", "text"} as JSON on stdin, writes

def run_in_child(child_code: str, request: dict, timeout: float | None) -> dict:
    """Run ``python -c child_code`` with ``request`` as JSON on stdin; return its JSON reply.

    Crashes and runaways stay in the child. Raises :class:`EngineTimeout`, :class:`ChildCrashed`
    (non-zero exit or no JSON) or :class:`LibraryError` (the reply holds an exception).
    """
    proc = subprocess.Popen(
        [sys.executable, "-c", child_code],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=child_env(),
    )
    try:
        out, err = proc.communicate(json.dumps(request).encode("utf-8", "surrogatepass"), timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise EngineTimeout from None
    if proc.returncode != 0:
        raise ChildCrashed(proc.returncode, err.decode("utf-8", "replace"))
    try:
        reply = json.loads(out)
    except ValueError:
        raise ChildCrashed(proc.returncode, err.decode("utf-8", "replace")) from None
    if "exception" in reply:
        raise LibraryError(str(reply["exception"]))
    return reply
