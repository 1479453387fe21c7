"""Route the model's custom tool calls to Python handlers and build the outputs to send back.

::

    router = ToolRouter()

    @router.tool(CustomTool.from_file("grammars/sql_select.lark"))
    def sql_select(tree):
        return run_query(tree)

    response = client.responses.create(model=..., input=..., tools=router.tools())
    outputs = router.run(response)          # or: await router.arun(response)

For each call :meth:`ToolRouter.run` parses the input with the tool's grammar, calls the
handler with the parse result, and returns one output item per call, in call order. Every
failure becomes an output the model can read, never an exception:

==============================  ===============================================================
rejected input                  ``error: input rejected at 1:5: unexpected 'x'; expected NUMBER``
unknown tool                    ``error: unknown tool 'x'; available tools: a, b``
the user declined               ``error: the user declined to run tool 'x'``
no way to ask for confirmation  ``error: tool 'x' needs the user's confirmation and none was requested``
confirm(...) raised             ``error: could not get the user's confirmation to run tool 'x'``
the handler raised              ``error: tool 'x' failed: ValueError: message``
the result cannot be sent       ``error: tool 'x' returned a value that is not JSON-serialisable (set)``
malformed call: no/bad name     ``error: unknown tool (malformed call: no 'name'); available tools: a, b``
malformed call: bad input       ``error: input rejected: malformed call: 'input' is int, not a string``
==============================  ===============================================================

A call without a call id cannot be answered (no output can be paired with it): it is
skipped with a warning on the ``grammarkit.tools`` logger, and the other calls are answered.

Concurrency: all calls of a response are first resolved, parsed and (for tools marked
``confirm=True``) confirmed one after another in call order; then the handlers run.
``run`` calls sync handlers one after another in the calling thread (so thread-bound
resources such as a ``sqlite3`` connection work), and async handlers one after another on
one private event loop per ``run`` call (so a client or lock created on it can be reused
by the next call), closed when ``run`` returns; it runs in the calling thread, or in a
helper thread when ``run`` is called under a running event loop.
``ToolRouter(max_workers=N)`` with ``N > 1`` runs the handlers concurrently in a thread
pool instead (async ones on that one private loop, in its helper thread). ``arun`` awaits
async handlers concurrently (``asyncio.gather``); sync handlers run in the event loop's
thread, or in the thread pool when ``max_workers > 1``. Outputs always keep call order.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import inspect
import json
import logging
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from grammarkit.local.bounded import DEFAULT_RESPONSE_SECONDS
from grammarkit.runtime.calls import CustomToolCall, lenient_calls
from grammarkit.runtime.errors import ToolInputError
from grammarkit.runtime.tool import API, CustomTool, check_api

__all__ = ["ConfirmFn", "ToolResult", "ToolRouter"]

logger = logging.getLogger("grammarkit.tools")

ConfirmFn = Callable[[CustomToolCall], "bool | Awaitable[bool]"]
F = TypeVar("F", bound=Callable[..., Any])

ErrorKind = Literal["unknown_tool", "input_rejected", "declined", "handler_error", "bad_output"]


@dataclass(frozen=True, slots=True)
class ToolResult:
    """What happened to one call: ``output`` is the text sent back, ``error`` is ``None``
    on success or the kind of failure, ``exception`` the exception behind it, if any."""

    call: CustomToolCall
    output: str
    error: ErrorKind | None = None
    exception: BaseException | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def item(self) -> dict:
        """The item to send back: ``custom_tool_call_output`` (Responses) or a ``tool``
        message (Chat Completions)."""
        return self.call.output_item(self.output)


@dataclass(frozen=True, slots=True)
class _Registration:
    tool: CustomTool
    handler: Callable[..., Any]
    confirm: bool
    is_async: bool
    wants_call: bool  # called as handler(value, call)

    def call(self, job: _Job) -> Any:
        return self.handler(job.value, job.call) if self.wants_call else self.handler(job.value)


@dataclass(slots=True)
class _Job:
    index: int
    call: CustomToolCall
    reg: _Registration
    value: Any


class ToolRouter:
    """Handlers for custom tools, keyed by tool name."""

    def __init__(
        self,
        *,
        max_workers: int | None = None,
        show_exceptions: bool = False,
        response_seconds: float = DEFAULT_RESPONSE_SECONDS,
    ) -> None:
        """``max_workers > 1`` runs sync handlers concurrently in a thread pool of that
        size. A failing handler's exception never reaches the model unless asked for: the
        output is ``error: tool 'x' failed``, and the exception, with its traceback, goes
        to the ``grammarkit.tools`` logger. ``show_exceptions=True`` adds the exception's
        type and message to the output (they may hold secrets: connection strings, paths).
        ``response_seconds`` bounds the time all the input parses of one response take
        together; a call past it is answered ``error: input rejected: checking the input
        would take more than its budget (...)``."""
        if response_seconds <= 0:
            raise ValueError("response_seconds must be positive")
        self.response_seconds = response_seconds
        if max_workers is not None and max_workers < 1:
            raise ValueError("max_workers must be at least 1")
        self.max_workers = max_workers
        self.show_exceptions = show_exceptions
        self._routes: dict[str, _Registration] = {}

    # ------------------------------------------------------------ registration
    def tool(self, tool: CustomTool, *, confirm: bool = False) -> Callable[[F], F]:
        """Decorator: register the function (sync or async) as ``tool``'s handler. It gets
        the parsed input (what :meth:`CustomTool.parse` returns) and returns the output: a
        string, or a JSON-serialisable value (sent as ``json.dumps(value)``). A handler with
        two required positional parameters gets ``(value, call)``, the
        :class:`~grammarkit.CustomToolCall` (``call.input`` is the raw text).
        ``confirm=True`` runs it only when the ``confirm`` callable given to :meth:`run`
        returns ``True`` for the call."""

        def register(handler: F) -> F:
            self.add(tool, handler, confirm=confirm)
            return handler

        return register

    def add(self, tool: CustomTool, handler: Callable[..., Any], *, confirm: bool = False) -> None:
        """Register ``handler`` for ``tool`` (the non-decorator form of :meth:`tool`)."""
        if not isinstance(tool, CustomTool):
            raise TypeError(f"expected a CustomTool, not {type(tool).__name__}")
        if not callable(handler):
            raise TypeError("the handler must be callable")
        if tool.name in self._routes:
            raise ValueError(f"a handler for tool {tool.name!r} is already registered")
        self._routes[tool.name] = _Registration(
            tool, handler, bool(confirm), _is_async(handler), _wants_call(handler)
        )

    def __contains__(self, name: object) -> bool:
        return name in self._routes

    def __len__(self) -> int:
        return len(self._routes)

    def get(self, name: str) -> CustomTool | None:
        reg = self._routes.get(name)
        return reg.tool if reg else None

    @property
    def custom_tools(self) -> list[CustomTool]:
        """The registered tools, in registration order."""
        return [reg.tool for reg in self._routes.values()]

    def tools(self, api: API = "responses") -> list[dict]:
        """The tool definitions for ``tools=[...]`` of the Responses (``"responses"``) or
        Chat Completions (``"chat"``) API, in registration order."""
        check_api(api)
        return [reg.tool.to_api(api) for reg in self._routes.values()]

    # ------------------------------------------------------------ sync
    def run(self, response: Any, *, confirm: ConfirmFn | None = None) -> list[dict]:
        """Handle every custom tool call in ``response`` (a Responses or Chat Completions
        result, SDK object or dict) and return the items to send back, in call order:
        ``{"type": "custom_tool_call_output", "call_id", "output"}`` (Responses) or
        ``{"role": "tool", "tool_call_id", "content"}`` (Chat). No calls: ``[]``.

        Never raises for a call's failure: each becomes an output. A call without a call id
        cannot be answered; it is skipped with a warning on the ``grammarkit.tools``
        logger. Something that is not a model result raises ``TypeError``."""
        return [result.item for result in self.dispatch(response, confirm=confirm)]

    def dispatch(self, response: Any, *, confirm: ConfirmFn | None = None) -> list[ToolResult]:
        """Like :meth:`run`, but return a :class:`ToolResult` per call."""
        results, todo = self._resolve(response)
        deadline = self._deadline()
        pooled = bool(self.max_workers and self.max_workers > 1)
        loop = _PrivateLoop(threaded=pooled or _loop_running())
        ok = False
        try:
            jobs: list[_Job] = []
            for i, call, reg in todo:
                parsed, value = self._parse(reg, call, deadline)
                if not parsed:
                    results[i] = value
                    continue
                if reg.confirm:
                    refusal = self._confirm_sync(call, confirm, loop)
                    if refusal is not None:
                        results[i] = refusal
                        continue
                jobs.append(_Job(i, call, reg, value))
            if pooled and len(jobs) > 1:
                with concurrent.futures.ThreadPoolExecutor(min(self.max_workers or 1, len(jobs))) as pool:
                    for job, result in zip(jobs, pool.map(lambda j: self._execute_sync(j, loop), jobs), strict=False):
                        results[job.index] = result
            else:
                for job in jobs:
                    results[job.index] = self._execute_sync(job, loop)
            ok = True
        finally:
            loop.close(wait=ok)
        return [r for r in results if r is not None]

    def _confirm_sync(
        self, call: CustomToolCall, confirm: ConfirmFn | None, loop: _PrivateLoop
    ) -> ToolResult | None:
        if confirm is None:
            return self._refuse(call, f"tool {call.name!r} needs the user's confirmation and none was requested")
        try:
            answer = confirm(call)
            if inspect.isawaitable(answer):
                answer = loop.run(answer)
        except (Exception, asyncio.CancelledError) as exc:
            logger.warning("confirmation of tool %r (call %s) failed", call.name, call.call_id, exc_info=True)
            return self._refuse(call, f"could not get the user's confirmation to run tool {call.name!r}", exc)
        return None if answer is True else self._refuse(call, f"the user declined to run tool {call.name!r}")

    def _execute_sync(self, job: _Job, loop: _PrivateLoop) -> ToolResult:
        try:
            out = job.reg.call(job)
            if inspect.isawaitable(out):
                out = loop.run(out)
        except (Exception, asyncio.CancelledError) as exc:
            # (a CancelledError here is the handler's own: nothing cancels a sync run)
            return self._failed(job.call, exc)
        return self._finish(job.call, out)

    # ------------------------------------------------------------ async
    async def arun(self, response: Any, *, confirm: ConfirmFn | None = None) -> list[dict]:
        """The async form of :meth:`run`: async handlers run concurrently; ``confirm`` may be
        sync or async."""
        return [result.item for result in await self.adispatch(response, confirm=confirm)]

    async def adispatch(self, response: Any, *, confirm: ConfirmFn | None = None) -> list[ToolResult]:
        """Like :meth:`arun`, but return a :class:`ToolResult` per call."""
        results, todo = self._resolve(response)
        deadline = self._deadline()
        jobs: list[_Job] = []
        for i, call, reg in todo:
            ok, value = await asyncio.to_thread(self._parse, reg, call, deadline)
            if not ok:
                results[i] = value
                continue
            if reg.confirm:
                refusal = await self._confirm_async(call, confirm)
                if refusal is not None:
                    results[i] = refusal
                    continue
            jobs.append(_Job(i, call, reg, value))
        pool = (
            concurrent.futures.ThreadPoolExecutor(min(self.max_workers, len(jobs)))
            if self.max_workers and self.max_workers > 1 and len(jobs) > 1
            else None
        )
        try:
            done = await asyncio.gather(*(self._execute_async(job, pool) for job in jobs))
        finally:
            if pool is not None:
                pool.shutdown(wait=False)
        for job, result in zip(jobs, done, strict=False):
            results[job.index] = result
        return [r for r in results if r is not None]

    async def _confirm_async(self, call: CustomToolCall, confirm: ConfirmFn | None) -> ToolResult | None:
        if confirm is None:
            return self._refuse(call, f"tool {call.name!r} needs the user's confirmation and none was requested")
        try:
            answer = confirm(call)
            if inspect.isawaitable(answer):
                answer = await answer
        except (Exception, asyncio.CancelledError) as exc:
            if isinstance(exc, asyncio.CancelledError) and _being_cancelled():
                raise
            logger.warning("confirmation of tool %r (call %s) failed", call.name, call.call_id, exc_info=True)
            return self._refuse(call, f"could not get the user's confirmation to run tool {call.name!r}", exc)
        return None if answer is True else self._refuse(call, f"the user declined to run tool {call.name!r}")

    async def _execute_async(self, job: _Job, pool: concurrent.futures.Executor | None) -> ToolResult:
        try:
            if job.reg.is_async:
                out = await job.reg.call(job)
            elif pool is not None:
                out = await asyncio.get_running_loop().run_in_executor(pool, job.reg.call, job)
            else:
                out = job.reg.call(job)
            if inspect.isawaitable(out):
                out = await out
        except (Exception, asyncio.CancelledError) as exc:
            if isinstance(exc, asyncio.CancelledError) and _being_cancelled():
                raise  # arun itself is cancelled: not a failure of this call
            return self._failed(job.call, exc)
        return self._finish(job.call, out)

    # ------------------------------------------------------------ shared
    def _resolve(
        self, response: Any
    ) -> tuple[list[ToolResult | None], list[tuple[int, CustomToolCall, _Registration]]]:
        """A result slot per answerable call (filled in for malformed calls and unknown
        tools), and the calls to parse and run: ``(slot, call, registration)``."""
        answerable, skipped = lenient_calls(response)
        for where in skipped:
            logger.warning("skipped the custom tool call at %s: no output can be paired with it", where)
        results: list[ToolResult | None] = [None] * len(answerable)
        todo: list[tuple[int, CustomToolCall, _Registration]] = []
        seen: set[str] = set()
        for i, (call, problem) in enumerate(answerable):
            if call.call_id in seen:  # answered once: a second output would be refused by the API
                logger.warning("skipped a repeated custom tool call id %s (answered once)", call.call_id)
                continue
            seen.add(call.call_id)
            if problem is not None:
                results[i] = self._malformed(call, *problem)
                continue
            reg = self._routes.get(call.name)
            if reg is None:
                results[i] = self._unknown(call)
                continue
            todo.append((i, call, reg))
        return results, todo

    def _malformed(self, call: CustomToolCall, field: str, detail: str) -> ToolResult:
        logger.warning("malformed custom tool call %s: %s", call.call_id, detail)
        if field == "input":
            return ToolResult(call, f"error: input rejected: malformed call: {detail}", "input_rejected")
        known = ", ".join(self._routes) or "none"
        return ToolResult(
            call, f"error: unknown tool (malformed call: {detail}); available tools: {known}", "unknown_tool"
        )

    def _unknown(self, call: CustomToolCall) -> ToolResult:
        known = ", ".join(self._routes) or "none"
        return ToolResult(call, f"error: unknown tool {call.name!r}; available tools: {known}", "unknown_tool")

    def _deadline(self) -> float:
        """When the parses of one response must be done (``response_seconds`` from now)."""
        return time.monotonic() + self.response_seconds

    def _parse(self, reg: _Registration, call: CustomToolCall, deadline: float | None = None) -> tuple[bool, Any]:
        """``(True, parsed value)`` or ``(False, ToolResult)`` for a rejected input."""
        try:
            return True, reg.tool.parse(call.input, deadline=deadline)
        except ToolInputError as exc:
            return False, self._rejected(call, exc)
        except Exception as exc:
            return False, self._failed(call, exc)

    def _rejected(self, call: CustomToolCall, exc: ToolInputError) -> ToolResult:
        return ToolResult(call, f"error: {exc}", "input_rejected", exc)

    def _refuse(self, call: CustomToolCall, text: str, exc: BaseException | None = None) -> ToolResult:
        return ToolResult(call, f"error: {text}", "declined", exc)

    def _failed(self, call: CustomToolCall, exc: BaseException) -> ToolResult:
        logger.warning("tool %r (call %s) failed", call.name, call.call_id, exc_info=exc)
        text = f"error: tool {call.name!r} failed"
        if self.show_exceptions:
            detail = _exception_text(exc)
            text += f": {type(exc).__name__}" + (f": {detail}" if detail else "")
        return ToolResult(call, text, "handler_error", exc)

    def _finish(self, call: CustomToolCall, out: Any) -> ToolResult:
        if isinstance(out, str):
            return ToolResult(call, out)
        try:
            return ToolResult(call, json.dumps(out, ensure_ascii=False))
        except Exception as exc:
            logger.warning("tool %r (call %s) returned an unserialisable value", call.name, call.call_id, exc_info=exc)
            what = "nested too deeply to send as JSON" if isinstance(exc, RecursionError) else "not JSON-serialisable"
            return ToolResult(
                call,
                f"error: tool {call.name!r} returned a value that is {what} ({type(out).__name__})",
                "bad_output",
                exc,
            )


def _is_async(handler: Callable[..., Any]) -> bool:
    return inspect.iscoroutinefunction(handler) or inspect.iscoroutinefunction(
        getattr(handler, "__call__", None)  # noqa: B004 - the method itself (`async def __call__`?), not callability
    )


def _wants_call(handler: Callable[..., Any]) -> bool:
    """True when ``handler`` has (at least) two required positional parameters."""
    try:
        params = inspect.signature(handler).parameters.values()
    except (TypeError, ValueError):  # builtins without a signature
        return False
    positional = [
        p
        for p in params
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty
    ]
    return len(positional) >= 2


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _being_cancelled() -> bool:
    """True when the current task has been asked to cancel (so a ``CancelledError`` is not
    a handler's own failure)."""
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


def _as_coroutine(awaitable: Awaitable[Any]) -> Coroutine[Any, Any, Any]:
    if inspect.iscoroutine(awaitable):
        return awaitable

    async def wrap() -> Any:
        return await awaitable

    return wrap()


class _PrivateLoop:
    """The event loop of one sync :meth:`ToolRouter.dispatch`: created on first use, runs
    every awaitable of that call, closed (remaining tasks cancelled, async generators and
    the default executor shut down) by :meth:`close`.

    Unthreaded, it runs in the calling thread (``asyncio.Runner``, as ``asyncio.run``
    does). Threaded (the caller is inside a running event loop, or handlers run in a thread
    pool), it runs in a helper thread and awaitables are submitted to it, from any thread.
    """

    def __init__(self, *, threaded: bool) -> None:
        self._threaded = threaded
        self._runner: asyncio.Runner | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._lock = threading.Lock()

    def run(self, awaitable: Awaitable[Any]) -> Any:
        coro = _as_coroutine(awaitable)
        if not self._threaded:
            if self._runner is None:
                self._runner = asyncio.Runner()
            return self._runner.run(coro)
        try:
            loop = self._start()
        except BaseException:
            coro.close()
            raise
        return asyncio.run_coroutine_threadsafe(coro, loop).result()

    def _start(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._thread is None:
                ready = threading.Event()
                self._thread = threading.Thread(
                    target=self._serve, args=(ready,), name="grammarkit-router-loop", daemon=True
                )
                self._thread.start()
                ready.wait()
            if self._loop is None or self._stop is None:
                raise RuntimeError(f"the router's event loop did not start: {self._error!r}")
            return self._loop

    def _serve(self, ready: threading.Event) -> None:
        async def main() -> None:
            self._stop = asyncio.Event()
            self._loop = asyncio.get_running_loop()
            ready.set()
            await self._stop.wait()

        try:
            with asyncio.Runner() as runner:
                runner.run(main())
        except BaseException as exc:
            self._error = exc
        finally:
            ready.set()

    def close(self, *, wait: bool = True) -> None:
        """Close the loop. ``wait=False`` (after an interruption) asks the helper thread to
        stop without waiting for it."""
        if self._runner is not None:
            self._runner.close()
            self._runner = None
        with self._lock:
            thread, loop, stop = self._thread, self._loop, self._stop
        if thread is None:
            return
        if loop is not None and stop is not None:
            try:
                loop.call_soon_threadsafe(stop.set)
            except RuntimeError:  # already closed
                pass
        if wait:
            thread.join()


def _exception_text(exc: BaseException) -> str:
    """``str(exc)`` on one line, or ``""`` when the exception cannot be shown (its
    ``__str__`` raises or returns something that is not a string)."""
    try:
        text = str(exc)
    except Exception:
        return ""
    try:
        return _one_line(text)
    except Exception:
        return ""


def _one_line(text: str, limit: int = 500) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"

