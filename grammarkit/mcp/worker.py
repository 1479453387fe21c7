"""Worker processes for the MCP server: every tool's engine work runs in one, with a time
budget.

llguidance and the Earley parser cannot be interrupted inside a call, and a grammar or
input can make them run for minutes or exhaust the stack; a thread that runs over its time
keeps burning a core. So each call is sent to a worker process (``python -m
grammarkit.mcp.worker``) as one line of JSON, and the answer comes back as one line. A call
that is not answered within its budget has its worker killed (and a fresh one started for
the next call); a worker that dies (a crash inside native code) is reported the same way.
Crashes and runaways never reach the server.

The protocol, one JSON object a line (ASCII, so lone surrogates survive as ``\\udXXX``):

* request: ``{"task": NAME, "args": {...}}``;
* answer: ``{"ok": RESULT}``, ``{"problem": MESSAGE}`` (a :class:`ToolProblem`: one line for
  the client) or ``{"internal": TYPE}`` (a bug; the traceback goes to the worker's standard
  error, which is the server's).

The worker's standard output is the protocol channel only: anything else printed there
goes to standard error instead, because the server's own standard output is the MCP
stream.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from typing import IO, Any

from grammarkit.core.children import child_env
from grammarkit.core.errors import GrammarkitError
from grammarkit.mcp import limits
from grammarkit.mcp.tasks import ToolProblem


class WorkerFailure(GrammarkitError):
    """A call the worker could not answer: it timed out, died, or hit a bug."""


class WorkerTimeout(WorkerFailure):
    """The call ran over its time budget (its worker was killed)."""


class WorkerDied(WorkerFailure):
    """The worker process ended without answering (a crash in native code, or killed)."""


# --------------------------------------------------------------------------- client side


class Worker:
    """One worker process, serving one call at a time."""

    def __init__(self, start_timeout: float = limits.WORKER_START_TIMEOUT) -> None:
        env = child_env()
        env["PYTHONUNBUFFERED"] = "1"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "grammarkit.mcp.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=None,  # the server's: MCP clients log a stdio server's standard error
            env=env,
        )
        self.calls = 0
        try:
            ready = self._read_line(time.monotonic() + start_timeout)
        except WorkerDied:
            ready = None
        if ready is None or json.loads(ready) != {"ready": True}:
            self.kill()
            raise WorkerFailure("the worker process did not start")

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def call(self, task: str, args: dict[str, Any], timeout: float) -> dict[str, Any]:
        """Send one call and wait up to ``timeout`` seconds for its answer. Raises
        :class:`ToolProblem` (the task's own), :class:`WorkerTimeout` and
        :class:`WorkerFailure`; after either of the last two the worker is dead."""
        assert self.proc.stdin is not None
        self.calls += 1
        line = json.dumps({"task": task, "args": args}, ensure_ascii=True) + "\n"
        try:
            self.proc.stdin.write(line.encode("ascii"))
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            self.kill()
            raise WorkerFailure("the worker process died") from None
        try:
            answer = self._read_line(time.monotonic() + timeout)
        except WorkerDied:
            self.kill()
            raise WorkerDied("the worker process died while working (a crash in the engine)") from None
        if answer is None:
            self.kill()
            raise WorkerTimeout(f"the call ran over its time budget of {timeout:g} seconds")
        try:
            reply = json.loads(answer)
        except ValueError:
            self.kill()
            raise WorkerFailure("the worker process answered garbage") from None
        if "ok" in reply:
            return reply["ok"]
        if "problem" in reply:
            raise ToolProblem(str(reply["problem"]))
        raise WorkerFailure(f"internal error ({reply.get('internal', 'unknown')}); the server's log has the details")

    def _read_line(self, deadline: float) -> str | None:
        """One line from the worker, or None when the deadline passes first; raises
        :class:`WorkerDied` when its output ends (it died, or is dying)."""
        import selectors

        out = self.proc.stdout
        assert out is not None
        with selectors.DefaultSelector() as sel:
            sel.register(out, selectors.EVENT_READ)
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                if sel.select(left):
                    break
        data = out.readline()  # the worker writes each answer whole, then flushes
        if not data.endswith(b"\n"):
            raise WorkerDied("the worker process died")  # before or while answering
        return data.decode("ascii", "replace")

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover - a process that ignores SIGKILL
            pass
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass


class WorkerPool:
    """Up to ``size`` worker processes; :meth:`run` blocks (call it from a thread)."""

    def __init__(self, size: int = limits.DEFAULT_WORKERS, timeout: float = limits.DEFAULT_TIMEOUT) -> None:
        if size < 1:
            raise ValueError("a worker pool needs at least one worker")
        self.size = size
        self.timeout = timeout
        self._slots = threading.BoundedSemaphore(size)
        self._idle: list[Worker] = []
        self._lock = threading.Lock()
        self._closed = False

    def start(self, count: int = 1) -> None:
        """Start ``count`` workers now (so that the first calls do not wait for one)."""
        for _ in range(min(count, self.size)):
            worker = Worker()
            with self._lock:
                if self._closed:
                    worker.kill()
                    return
                self._idle.append(worker)

    def run(self, task: str, args: dict[str, Any], timeout: float | None = None) -> dict[str, Any]:
        """Run ``task`` in a worker; raises :class:`ToolProblem` or :class:`WorkerFailure`."""
        with self._slots:
            with self._lock:
                if self._closed:
                    raise WorkerFailure("the server is shutting down")
                worker = self._idle.pop() if self._idle else None
            if worker is None or not worker.alive:
                if worker is not None:
                    worker.kill()
                worker = Worker()
            try:
                result = worker.call(task, args, self.timeout if timeout is None else timeout)
            except WorkerFailure:
                worker.kill()
                raise
            except BaseException:
                self._put_back(worker)
                raise
            self._put_back(worker)
            return result

    def _put_back(self, worker: Worker) -> None:
        with self._lock:
            if self._closed or not worker.alive:
                worker.kill()
            else:
                self._idle.append(worker)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.kill()


# --------------------------------------------------------------------------- worker side


def _watch_parent(parent: int) -> None:
    """Leave when the server is gone (this process was re-parented), even mid-call."""
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(0)


def serve(stdin: IO[bytes], channel: IO[str]) -> None:
    """Answer calls from ``stdin`` on ``channel`` until the input ends."""
    from grammarkit.mcp import tasks

    for raw in iter(stdin.readline, b""):
        try:
            request = json.loads(raw)
            reply: dict[str, Any] = {"ok": tasks.run(request["task"], request.get("args") or {})}
        except ToolProblem as exc:
            reply = {"problem": " ".join(str(exc).split())}
        except MemoryError:
            reply = {"problem": "the call needs more memory than there is"}
        except Exception as exc:
            import traceback

            traceback.print_exc(file=sys.stderr)
            reply = {"internal": type(exc).__name__}
        try:
            text = json.dumps(reply, ensure_ascii=True)
        except (TypeError, ValueError, RecursionError) as exc:
            print(f"grammarkit mcp worker: cannot encode the answer: {exc}", file=sys.stderr)
            text = json.dumps({"internal": type(exc).__name__})
        channel.write(text + "\n")
        channel.flush()


def main() -> None:
    # The protocol keeps the real standard output; everything else printed to it
    # (by a library, say) goes to standard error.
    channel = os.fdopen(os.dup(1), "w", encoding="ascii")
    os.dup2(2, 1)
    threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True, name="parent-watch").start()
    from grammarkit.mcp import tasks

    try:
        tasks.warm_up()
    except Exception as exc:  # pragma: no cover - a broken installation
        print(f"grammarkit mcp worker: warm-up failed: {type(exc).__name__}: {exc}", file=sys.stderr)
    channel.write(json.dumps({"ready": True}) + "\n")
    channel.flush()
    try:
        serve(sys.stdin.buffer, channel)
    except KeyboardInterrupt:  # pragma: no cover
        pass
    # llguidance may still run on a big-stack thread; leave without finalising it.
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
