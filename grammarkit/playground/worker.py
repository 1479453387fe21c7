"""Worker processes: every operation on untrusted input runs in one, with a timeout.

A grammar or an input can make the library work for a long time (a huge Earley parse, a
pathological regex) or crash the process (llguidance's native stack). Each request is sent
to an idle worker process of a small pool; when it has not answered within the request
timeout, the worker is killed and replaced, and the request fails with a one-line
:class:`RequestTimeout`. A worker that dies while working (a crash) is replaced too
(:class:`WorkerCrashed`). A worker is ``python -m grammarkit.playground.worker``, speaking
one JSON message a line on its standard input and output; it warms up
(:func:`grammarkit.playground.api.warm_up`) before it takes requests, so that the first
keystroke is answered as fast as the others.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import signal
import subprocess
import sys
import threading
from typing import IO, Any

from grammarkit.core.children import child_env
from grammarkit.core.errors import GrammarkitError
from grammarkit.playground.api import PlaygroundError

log = logging.getLogger("grammarkit.playground")

READY_TIMEOUT = 120.0
"""Seconds a new worker may take to start and warm up."""


class WorkerProblem(PlaygroundError):
    """A request the workers could not answer."""

    status = 503


class RequestTimeout(WorkerProblem):
    def __init__(self, seconds: float) -> None:
        super().__init__(f"the request took longer than {seconds:g} s and was stopped", 503)


class WorkerCrashed(WorkerProblem):
    def __init__(self) -> None:
        super().__init__("the worker handling the request stopped unexpectedly (it was restarted)", 500)


class PoolBusy(WorkerProblem):
    def __init__(self, seconds: float) -> None:
        super().__init__(f"every worker was busy for {seconds:g} s; try again", 503)


class InternalError(PlaygroundError):
    status = 500


def serve_requests(requests: IO[bytes], replies: IO[bytes]) -> None:  # runs in the worker process
    """The worker's loop: read one JSON request a line (``[operation, kwargs]``), answer one
    JSON line, ``["ok", result]`` or ``["error", status, message]``; stop at end of input."""
    import traceback

    from grammarkit.playground import api

    try:
        api.warm_up()
    except Exception:  # pragma: no cover - a broken installation; requests will say so
        traceback.print_exc()
    _send(replies, ["ready"])
    for line in requests:
        try:
            op, kwargs = json.loads(line)
            reply: list = ["ok", api.OPERATIONS[op](**kwargs)]
        except PlaygroundError as exc:
            reply = ["error", exc.status, exc.message]
        except GrammarkitError as exc:
            reply = ["error", 422, str(exc)]
        except RecursionError:
            reply = ["error", 422, "the input is nested too deeply to process"]
        except MemoryError:
            reply = ["error", 507, "the request needs more memory than is available"]
        except Exception as exc:
            # A bug: the traceback goes to the terminal that runs the server, not to the page.
            traceback.print_exc()
            reply = ["error", 500, f"internal error ({type(exc).__name__}); see the terminal running the playground"]
        _send(replies, reply)


def _send(stream: IO[bytes], message: list) -> None:
    # ASCII JSON: one line whatever the text holds (lone surrogates become escapes).
    stream.write(json.dumps(message, ensure_ascii=True, separators=(",", ":")).encode("ascii") + b"\n")
    stream.flush()


def main() -> None:  # python -m grammarkit.playground.worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    # Replies go to the original standard output; anything the library prints goes to
    # standard error instead, so it cannot break a reply.
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    try:
        serve_requests(sys.stdin.buffer, replies)
    except (BrokenPipeError, ConnectionError, KeyboardInterrupt):
        pass  # the server went away: so does the worker
    finally:
        try:
            replies.close()
        except OSError:
            pass


class _Worker:
    """One worker process, and a thread reading its replies into a queue."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "grammarkit.playground.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=child_env(),
        )
        self.replies: queue.Queue[bytes] = queue.Queue()
        threading.Thread(target=self._read, name="grammarkit-playground-reader", daemon=True).start()

    def _read(self) -> None:
        out = self.process.stdout
        assert out is not None
        try:
            for line in out:
                self.replies.put(line)
        except (OSError, ValueError):  # closed by stop()
            pass
        self.replies.put(b"")  # end of output: the process is gone

    def send(self, message: list) -> None:
        stdin = self.process.stdin
        assert stdin is not None
        _send(stdin, message)

    def receive(self, timeout: float) -> list | None:
        """The next reply, None after ``timeout`` seconds; EOFError when the process died."""
        try:
            line = self.replies.get(timeout=timeout)
        except queue.Empty:
            return None
        if not line:
            raise EOFError
        return json.loads(line)

    def stop(self) -> None:
        # Kill first: closing a pipe another thread is reading blocks until that read ends.
        if self.process.poll() is None:
            self.process.kill()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:  # pragma: no cover
            pass
        for stream in (self.process.stdin, self.process.stdout):
            try:
                if stream is not None:
                    stream.close()
            except (OSError, ValueError):
                pass


class WorkerPool:
    """``size`` worker processes; :meth:`call` runs one operation on an idle one, killing it
    after ``timeout`` seconds."""

    def __init__(self, size: int = 2, timeout: float = 15.0) -> None:
        if size < 1:
            raise ValueError("a pool needs at least one worker")
        self.size = size
        self.timeout = timeout
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._starting: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False

    # -- life
    def start(self, wait: bool = False) -> WorkerPool:
        """Start the workers (in the background; with ``wait``, until they are ready)."""
        threads = [self._replace_soon() for _ in range(self.size)]
        if wait:
            for t in threads:
                t.join()
        return self

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._all | self._starting)
            self._all.clear()
        for w in workers:
            w.stop()

    def __enter__(self) -> WorkerPool:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def ready(self) -> int:
        """How many workers are running."""
        return len(self._all)

    def _spawn(self) -> None:
        with self._lock:
            if self._closed:
                return
            try:
                worker = _Worker()
            except OSError as exc:  # pragma: no cover
                log.error("a playground worker could not start: %s", exc)
                return
            self._starting.add(worker)
        try:
            ok = worker.receive(READY_TIMEOUT) == ["ready"]
        except (EOFError, ValueError):
            ok = False
        with self._lock:
            self._starting.discard(worker)
            closed = self._closed
            if ok and not closed:
                self._all.add(worker)
        if not ok or closed:
            worker.stop()
            if not ok and not closed:
                log.error("a playground worker failed to start")
            return
        self._idle.put(worker)

    def _replace_soon(self) -> threading.Thread:
        t = threading.Thread(target=self._spawn, name="grammarkit-playground-spawn", daemon=True)
        t.start()
        return t

    def _retire(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
            closed = self._closed
        worker.stop()
        if not closed:
            self._replace_soon()

    # -- work
    def call(self, op: str, kwargs: dict[str, Any], timeout: float | None = None) -> dict[str, Any]:
        """Run operation ``op`` (see :data:`grammarkit.playground.api.OPERATIONS`) in a worker.

        Raises :class:`PlaygroundError` with the operation's own message, or one of the
        :class:`WorkerProblem` errors."""
        limit = self.timeout if timeout is None else timeout
        if self._closed:
            raise WorkerProblem("the playground is shutting down")
        # Waiting for a worker: up to the timeout, or while workers start, until they are up.
        wait = limit if self._all else max(limit, READY_TIMEOUT)
        try:
            worker = self._idle.get(timeout=wait)
        except queue.Empty:
            raise PoolBusy(limit) from None
        try:
            worker.send([op, kwargs])
            reply = worker.receive(limit)
        except (EOFError, OSError, ValueError):
            self._retire(worker)
            raise WorkerCrashed() from None
        if reply is None:
            self._retire(worker)
            raise RequestTimeout(limit)
        self._idle.put(worker)
        if reply[0] == "ok":
            return reply[1]
        _, status, message = reply
        raise (InternalError if status == 500 else PlaygroundError)(message, status)


LIVE = frozenset({"lint", "fix", "rule"})
"""The operations a person waits for as they type: they get a worker of their own."""


class Workers:
    """Two pools: one worker for the :data:`LIVE` operations, so that diagnostics never
    wait behind a slow sample check or limit measurement, and ``background`` workers for
    the rest."""

    def __init__(self, background: int = 2, timeout: float = 15.0) -> None:
        self.live = WorkerPool(1, timeout)
        self.background = WorkerPool(background, timeout)

    @property
    def timeout(self) -> float:
        return self.live.timeout

    def start(self, wait: bool = False) -> Workers:
        self.live.start()
        self.background.start()
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self, seconds: float = READY_TIMEOUT) -> bool:
        import time

        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.ready:
                return True
            time.sleep(0.05)
        return False

    @property
    def ready(self) -> bool:
        return self.live.ready == self.live.size and self.background.ready == self.background.size

    def call(self, op: str, kwargs: dict[str, Any], timeout: float | None = None) -> dict[str, Any]:
        return (self.live if op in LIVE else self.background).call(op, kwargs, timeout)

    def close(self) -> None:
        self.live.close()
        self.background.close()

    def __enter__(self) -> Workers:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


if __name__ == "__main__":
    main()
