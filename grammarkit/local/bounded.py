"""Parsing untrusted tool inputs within a budget of time and memory.

An Earley parse of an ambiguous grammar grows faster than the input: ``e: e "+" e | "1"``
takes seconds at a few hundred characters and gigabytes at a thousand, although
llguidance accepts such inputs (so a constrained model can send them). A
:class:`BoundedParser` keeps every parse inside a :class:`Budget`:

* inputs the linear-time parser decides (:meth:`LocalParser.parse_linear`), and short
  inputs (``Budget.inline_chars``), are parsed in this process;
* longer inputs to a general (Earley) parser go to a worker process (a fresh interpreter,
  see :class:`_Worker`), started on first use and reused, whose address space is capped
  (``Budget.memory_mb``, ``RLIMIT_AS``) and which is killed when a parse runs past
  ``Budget.seconds`` (or past the deadline the caller gives, for a whole response). The
  next input starts a fresh worker.

Past the budget the parse raises :class:`~grammarkit.core.rejection.InputRejected` with
a ``budget`` rejection: never minutes, never gigabytes in the caller's process.
"""

from __future__ import annotations

import atexit
import os
import threading
import time
import weakref
from dataclasses import dataclass
from typing import Any

from grammarkit.core.rejection import InputRejected, Rejection

DEFAULT_SECONDS = 5.0
DEFAULT_MEMORY_MB = 1024
DEFAULT_INLINE_CHARS = 64
DEFAULT_RESPONSE_SECONDS = 10.0


@dataclass(frozen=True)
class Budget:
    """What one parse (and one response's parses together) may cost.

    ``seconds``: wall-clock time per input; ``memory_mb``: the worker's address space;
    ``inline_chars``: inputs up to this length are parsed in this process even by a
    general parser (cheap whatever the grammar); ``response_seconds``: all the parses of
    one model response together (:class:`~grammarkit.ToolRouter`)."""

    seconds: float = DEFAULT_SECONDS
    memory_mb: int = DEFAULT_MEMORY_MB
    inline_chars: int = DEFAULT_INLINE_CHARS
    response_seconds: float = DEFAULT_RESPONSE_SECONDS

    def __post_init__(self) -> None:
        if self.seconds <= 0 or self.response_seconds <= 0:
            raise ValueError("budget times must be positive")
        if self.memory_mb < 64:
            raise ValueError("memory_mb must be at least 64")
        if self.inline_chars < 0:
            raise ValueError("inline_chars must not be negative")


class BoundedParser:
    """``parse(text, deadline=None)`` with the local parser, within ``budget``.

    ``grammar`` and ``max_input_chars`` rebuild the parser in the worker; ``parser`` is
    the in-process one (a :class:`~grammarkit.local.parser.LocalParser`)."""

    def __init__(self, grammar: str, parser: Any, *, max_input_chars: int, budget: Budget | None = None) -> None:
        self.grammar = grammar
        self.parser = parser
        self.max_input_chars = max_input_chars
        self.budget = budget or Budget()
        self._worker: _Worker | None = None
        self._lock = threading.Lock()

    def parse(self, text: str, *, deadline: float | None = None) -> Any:
        if len(text) <= self.budget.inline_chars:
            return self.parser.parse(text)
        linear = getattr(self.parser, "parse_linear", None)
        if linear is not None:
            tree = linear(text)  # InputRejected propagates: a verdict in linear time
            if tree is not None:
                return tree
        seconds = self.budget.seconds
        what = f"{seconds:g} s per input"
        if deadline is not None:
            left = deadline - time.monotonic()
            if left < seconds:
                seconds, what = max(left, 0.0), "the time left for this response"
        if seconds <= 0:
            raise InputRejected(Rejection.over_budget(what))
        with self._lock:
            if self._worker is None or not self._worker.alive:
                self._worker = _Worker(self.grammar, self.max_input_chars, self.budget.memory_mb)
            outcome = self._worker.parse(text, seconds)
            if outcome is None:  # past the time: the worker is killed, the next input gets a new one
                self._worker = None
                raise InputRejected(Rejection.over_budget(what))
        kind, value = outcome
        if kind == "tree":
            return unflatten(value)
        if kind == "rejected":
            raise InputRejected(value)
        if kind == "memory":
            self._worker = None
            raise InputRejected(Rejection.over_budget(f"{self.budget.memory_mb} MB of memory"))
        raise RuntimeError(value)  # the worker failed; the caller reports it as a failure

    def close(self) -> None:
        with self._lock:
            if self._worker is not None:
                self._worker.stop()
                self._worker = None

    def __del__(self) -> None:  # pragma: no cover - best effort at interpreter exit
        try:
            self.close()
        except Exception:
            pass


class _Worker:
    """One worker process holding a LocalParser; parses one input at a time.

    The process is a fresh interpreter running :func:`_child` (``python -c``), connected
    by a socket pair: not a ``multiprocessing`` spawn, which would run the caller's main
    script again in the worker (a script without an ``if __name__ == "__main__":`` guard
    would do all its work twice, API calls included, and its parses would fail there).
    No fork either: the parent may run llguidance threads. Workers still alive when the
    interpreter exits are killed."""

    def __init__(self, grammar: str, max_input_chars: int, memory_mb: int) -> None:
        import subprocess
        import sys
        from multiprocessing import Pipe

        from grammarkit.core.children import child_env

        self.conn, child = Pipe()
        fd = child.fileno()
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-c", _CHILD, str(fd)],
                pass_fds=(fd,),
                env=child_env(),
                stdin=subprocess.DEVNULL,
            )
        finally:
            child.close()
        _LIVE.add(self.process)
        self.conn.send((grammar, max_input_chars, memory_mb))
        self.started = False
        self.memory_bytes = memory_mb * 1024 * 1024

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def parse(self, text: str, seconds: float) -> tuple[str, Any] | None:
        """``(kind, value)``, or None when the parse ran past ``seconds`` (the process is
        then killed). The first call also waits for the worker to build its parser."""
        limit = seconds
        if not self.started:
            limit += 30.0  # starting Python and building the parser is not the input's cost
        try:
            self.conn.send(text)
            if not self.started:
                if not self.conn.poll(limit):
                    self.stop()
                    return None
                ready = self.conn.recv()
                if ready != ("ready", None):
                    self.stop()
                    return ready
                self.started = True
            waited = self._wait(seconds)
            if waited != "answered":
                self.stop()
                return ("memory", None) if waited == "memory" else None
            return self.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            self.stop()
            return ("memory", None) if self.process.returncode not in (0, None) else ("error", "the worker stopped")

    def _wait(self, seconds: float) -> str:
        """Wait up to ``seconds`` for the answer: ``"answered"``, ``"time"`` (none came),
        or ``"memory"`` (the worker holds nearly all the memory it may have: near its
        ``RLIMIT_AS`` a process can take long to fail, each allocation failing in turn, so
        its resident size is watched from here)."""
        deadline = time.monotonic() + seconds
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return "time"
            if self.conn.poll(min(left, WATCH_INTERVAL)):
                return "answered"
            rss = _resident_bytes(self.process.pid)
            if rss is not None and rss >= MEMORY_WATCH_SHARE * self.memory_bytes:
                return "memory"

    def stop(self) -> None:
        import subprocess

        if self.process.poll() is None:
            self.process.kill()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:  # pragma: no cover - a killed process always ends
            pass
        _LIVE.discard(self.process)
        self.conn.close()


_CHILD = "import sys; from grammarkit.local.bounded import _child; _child(int(sys.argv[1]))"
"""What a worker process runs: the fd of its end of the socket pair is its argument."""

_LIVE: weakref.WeakSet = weakref.WeakSet()
"""The worker processes not stopped yet (killed when the interpreter exits)."""


@atexit.register
def _kill_live_workers() -> None:  # pragma: no cover - runs at interpreter exit
    for process in list(_LIVE):
        if process.poll() is None:
            process.kill()


def _child(fd: int) -> None:
    """A worker process's main: its end of the socket pair, then :func:`worker_main` with
    the grammar and limits the parent sends first."""
    from multiprocessing.connection import Connection

    conn = Connection(fd)
    try:
        grammar, max_input_chars, memory_mb = conn.recv()
    except (EOFError, OSError):
        return
    worker_main(conn, grammar, max_input_chars, memory_mb)


WATCH_INTERVAL = 0.05
"""Seconds between two looks at a busy worker's resident size."""

MEMORY_WATCH_SHARE = 0.9
"""A worker whose resident size reaches this share of its memory budget is stopped as over it."""


def _resident_bytes(pid: int | None) -> int | None:
    """The resident size of process ``pid`` (Linux's ``/proc``), or None where unknown."""
    if pid is None:
        return None
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * _PAGE_SIZE
    except (OSError, ValueError, IndexError):
        return None


try:
    _PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
except (AttributeError, ValueError, OSError):  # pragma: no cover - platforms without it
    _PAGE_SIZE = 4096


def worker_main(conn: Any, grammar: str, max_input_chars: int, memory_mb: int) -> None:
    """The worker process: cap memory, build the parser, then answer one input at a time."""
    try:
        import resource

        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):  # pragma: no cover - platforms without it
        pass
    from grammarkit.local.parser import LocalParser

    try:
        parser = LocalParser(grammar, max_input_chars=max_input_chars)
    except Exception as exc:
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
        return
    first = True
    while True:
        try:
            text = conn.recv()
        except (EOFError, OSError):
            return
        if first:
            conn.send(("ready", None))
            first = False
        try:
            conn.send(("tree", flatten(parser.parse_general(text))))
        except InputRejected as exc:
            conn.send(("rejected", exc.rejection))
        except MemoryError:
            conn.send(("memory", None))
            return
        except Exception as exc:
            conn.send(("error", f"{type(exc).__name__}: {exc}"))


# --------------------------------------------------------------------------- trees across processes
# Pickle recurses, so a tree as deep as an input allows cannot be pickled as it is: it
# travels as a flat list, built and rebuilt without recursion.

_TOKEN_FIELDS = ("start_pos", "line", "column", "end_line", "end_column", "end_pos")
_META_FIELDS = ("line", "column", "end_line", "end_column", "start_pos", "end_pos")


def flatten(tree: Any) -> list[tuple]:
    """The tree in post-order: ``("K", type, value, positions)`` for a token,
    ``("T", data, children count, meta positions or None)`` for a subtree."""
    from lark import Tree

    out: list[tuple] = []
    stack: list[tuple[Any, bool]] = [(tree, False)]
    while stack:
        node, expanded = stack.pop()
        if not isinstance(node, Tree):
            out.append(("K", node.type, str(node), tuple(getattr(node, f, None) for f in _TOKEN_FIELDS)))
        elif expanded:
            meta = node._meta if getattr(node, "_meta", None) is not None else None
            where = None if meta is None or meta.empty else tuple(getattr(meta, f, None) for f in _META_FIELDS)
            out.append(("T", node.data, len(node.children), where))
        else:
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(node.children))
    return out


def unflatten(items: list[tuple]) -> Any:
    """The tree :func:`flatten` took apart."""
    from lark import Token, Tree

    stack: list[Any] = []
    for item in items:
        if item[0] == "K":
            _, type_, value, where = item
            token = Token(type_, value)
            for name, v in zip(_TOKEN_FIELDS, where, strict=True):
                setattr(token, name, v)
            stack.append(token)
            continue
        _, data, count, where = item
        children = stack[len(stack) - count :] if count else []
        del stack[len(stack) - count :]
        tree = Tree(data, children)
        if where is not None:
            for name, v in zip(_META_FIELDS, where, strict=True):
                setattr(tree.meta, name, v)
            tree.meta.empty = False
        stack.append(tree)
    (root,) = stack
    return root
