"""Check custom tool inputs while the Responses API streams them.

The API streams a custom tool call's input as ``response.custom_tool_call_input.delta``
events. :class:`StreamChecker` feeds each delta to llguidance (a fresh matcher per call,
by item id) as UTF-8 bytes and reports the first byte at which the input can no longer
match, before the call completes; when the input is done it reports the final verdict::

    checker = StreamChecker(router)              # or a CustomTool, or a list of them
    with client.responses.stream(model=..., input=..., tools=router.tools()) as stream:
        for event in stream:
            report = checker.feed(event)
            if report is not None and report.status == "rejected":
                print(report)                    # e.g. stop the stream here
                break

or ``for report in check_stream(events, tools): ...``.

Deltas are ``str`` (as the SDK gives them) or ``bytes``. A ``bytes`` delta may end in the
middle of a multi-byte character; a ``str`` delta may end between the two halves of a
surrogate pair (JSON ``"\\ud83d"`` then ``"\\ude00"``), which is held back until the other
half arrives. Byte offsets count UTF-8 bytes of the call's input from 0.

Reports (:class:`StreamReport`), at most two per call:

* ``rejected``: the first byte that cannot match (``byte_offset``, with the ``line`` and
  ``column`` of its character), as soon as the delta carrying it arrives. Nothing more is
  reported for that call.
* ``accepted`` / ``incomplete``: when the input is done (``...input.done`` or
  ``output_item.done``), whether the grammar accepts the whole input or needs more.
* ``unknown_tool``: a custom tool call to a tool the checker does not know (once).

Size: a call's input is rejected as too long (``rejected``, "input is too long") as soon as
it has more than the tool's ``max_input_chars`` characters, counted the way the router
counts them (``len()`` of the decoded text: one per UTF-8 character, whatever its byte
length), at the byte offset of the first character past the limit; so a stream never
reports ``accepted`` for an input :meth:`CustomTool.parse` rejects as too long. Deltas that
arrive before the call's tool is known are held back, up to the largest ``max_input_chars``
of the checker's tools (beyond it the call is rejected the same way).

Memory: once a call is finished or rejected, its matcher and input bytes are dropped; a
small marker remains so that later events for it are ignored. The markers of the most
recent calls are kept (``StreamChecker.MAX_FINISHED``), older ones are forgotten.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from grammarkit.core.rejection import Rejection
from grammarkit.core.span import char_at, char_start, count_characters, cut_after_chars, utf8_bytes
from grammarkit.runtime.tool import CustomTool

__all__ = ["StreamChecker", "StreamReport", "check_stream"]

Status = Literal["rejected", "accepted", "incomplete", "unknown_tool", "engine_error", "dropped"]

DELTA = "response.custom_tool_call_input.delta"
INPUT_DONE = "response.custom_tool_call_input.done"
ITEM_ADDED = "response.output_item.added"
ITEM_DONE = "response.output_item.done"


@dataclass(frozen=True, slots=True)
class StreamReport:
    """llguidance's verdict on one streamed custom tool call input.

    ``byte_offset`` (rejected: the first byte that cannot match; incomplete: the input's
    length) is a 0-based UTF-8 byte offset into the call's input; ``line``/``column``
    (1-based, in characters) locate the character that byte belongs to. ``received`` is
    the number of input bytes seen so far.
    """

    status: Status
    item_id: str | None
    output_index: int | None
    name: str | None
    call_id: str | None
    received: int
    byte_offset: int | None = None
    line: int | None = None
    column: int | None = None
    found: str = ""
    message: str = ""
    rejection: Rejection | None = None

    @property
    def ok(self) -> bool:
        return self.status == "accepted"

    def __str__(self) -> str:
        who = f"tool {self.name!r}" if self.name else "custom tool call"
        where = f" (call {self.call_id})" if self.call_id else ""
        return f"{who}{where}: {self.message}"


@dataclass(slots=True)
class _Call:
    key: str
    item_id: str | None = None
    output_index: int | None = None
    name: str | None = None
    call_id: str | None = None
    tool: CustomTool | None = None
    matcher: Any = None
    data: bytearray = field(default_factory=bytearray)
    consumed: int = 0
    chars: int = 0  # characters in data (UTF-8 lead bytes)
    held: str = ""  # a high surrogate waiting for its other half
    pending: bytearray = field(default_factory=bytearray)  # bytes seen before the tool was known
    pending_chars: int = 0
    rejected: bool = False
    finished: bool = False
    unknown_reported: bool = False

    @property
    def done(self) -> bool:
        return self.rejected or self.finished


class StreamChecker:
    """Feed Responses stream events; get a :class:`StreamReport` when a custom tool call's
    input goes bad (at the first byte that cannot match) and when it is done.

    ``tools`` is a :class:`~grammarkit.ToolRouter`, a :class:`~grammarkit.CustomTool`, an
    iterable of tools or a mapping of name to tool. ``on_report`` is called with every
    report too. Events are ``openai`` SDK event objects or dicts; events other than custom
    tool call events are ignored.
    """

    MAX_FINISHED = 4096
    """How many finished or rejected calls are remembered (as small markers, so that late
    events for them are ignored); older ones are forgotten."""

    MAX_OPEN_CALLS = 256
    """How many unfinished calls are tracked at once by default: past it, the oldest is
    dropped (reported with status ``dropped``), so memory stays bounded however many calls
    a stream opens and never finishes."""

    def __init__(
        self,
        tools: Any,
        *,
        on_report: Callable[[StreamReport], None] | None = None,
        max_open_calls: int = MAX_OPEN_CALLS,
    ) -> None:
        if max_open_calls < 1:
            raise ValueError("max_open_calls must be at least 1")
        self.tools: dict[str, CustomTool] = _tool_map(tools)
        self.on_report = on_report
        self.max_open_calls = max_open_calls
        self.reports: list[StreamReport] = []
        self._calls: dict[str, _Call] = {}
        self._by_index: dict[int, str] = {}
        self._retired: deque[_Call] = deque()
        # deltas held back before a call's tool is known: at most this many characters
        self._pending_limit = max((t.max_input_chars for t in self.tools.values()), default=0)

    @property
    def rejected(self) -> list[StreamReport]:
        """The reports of calls that went bad (``rejected`` or ``incomplete``)."""
        return [r for r in self.reports if r.status in ("rejected", "incomplete")]

    def feed(self, event: Any) -> StreamReport | None:
        """Process one stream event; return the report it caused, if any."""
        kind = _get(event, "type")
        if kind == DELTA:
            call = self._call_for(event)
            return self._emit(self._feed_delta(call, _get(event, "delta")))
        if kind == INPUT_DONE:
            call = self._call_for(event)
            return self._emit(self._finish(call, _get(event, "input")))
        if kind == "response.created":
            self._by_index.clear()  # a new response: output indexes start again
            return None
        if kind in (ITEM_ADDED, ITEM_DONE):
            item = _get(event, "item")
            if _get(item, "type") != "custom_tool_call":
                return None
            call = self._call_for(event, item_id=_get(item, "id"))
            report = self._learn(call, item)
            if report is None and kind == ITEM_DONE:
                report = self._finish(call, _get(item, "input"))
            return self._emit(report)
        return None

    # ------------------------------------------------------------ internals
    def _emit(self, report: StreamReport | None) -> StreamReport | None:
        if report is not None:
            self.reports.append(report)
            if self.on_report is not None:
                self.on_report(report)
        return report

    def _call_for(self, event: Any, *, item_id: Any = None) -> _Call:
        item_id = item_id or _get(event, "item_id")
        item_id = item_id if isinstance(item_id, str) and item_id else None
        index = _get(event, "output_index")
        index = index if isinstance(index, int) else None
        if item_id is not None:
            key = item_id
        elif index is not None:
            key = self._by_index.get(index, f"#{index}")
        else:
            key = "#?"
        call = self._calls.get(key)
        if call is None and item_id is not None and f"#{index}" in self._calls:
            # first seen by its output index alone, now by its item id: the same call
            call = self._calls.pop(f"#{index}")
            call.key = key
            self._calls[key] = call
        if call is None:
            self._make_room()
            call = self._calls[key] = _Call(key)
        if item_id is not None:
            call.item_id = item_id
        if index is not None:
            call.output_index = index
            self._by_index[index] = key
        return call

    def _learn(self, call: _Call, item: Any) -> StreamReport | None:
        if call.name is None:
            name = _get(item, "name")
            call.name = name if isinstance(name, str) else None
        if call.call_id is None:
            call_id = _get(item, "call_id")
            call.call_id = call_id if isinstance(call_id, str) else None
        if call.tool is None and call.name is not None and not call.done:
            return self._attach(call)
        return None

    def _make_room(self) -> None:
        """Drop the oldest unfinished call when ``max_open_calls`` are open."""
        open_calls = [c for c in self._calls.values() if not c.done]
        if len(open_calls) < self.max_open_calls:
            return
        oldest = open_calls[0]
        oldest.rejected = True
        self._retire(oldest)
        self._emit(
            self._report(
                oldest,
                "dropped",
                message=f"not checked: more than {self.max_open_calls} calls were open at once",
            )
        )

    def _retire(self, call: _Call) -> None:
        """Drop what a finished or rejected call holds; remember it as a small marker (the
        oldest markers beyond MAX_FINISHED are forgotten)."""
        call.matcher = None
        call.data = bytearray()
        call.pending = bytearray()
        call.held = ""
        self._retired.append(call)
        while len(self._retired) > self.MAX_FINISHED:
            old = self._retired.popleft()
            if self._calls.get(old.key) is old:
                del self._calls[old.key]

    def _attach(self, call: _Call) -> StreamReport | None:
        tool = self.tools.get(call.name or "")
        if tool is None:
            if call.unknown_reported:
                return None
            call.unknown_reported = True
            call.rejected = True
            report = self._report(call, "unknown_tool", message=f"unknown tool {call.name!r}")
            self._retire(call)
            return report
        call.tool = tool
        call.matcher = tool._fresh_matcher()
        if call.pending:
            pending, call.pending, call.pending_chars = bytes(call.pending), bytearray(), 0
            return self._consume(call, pending)
        return None

    def _feed_delta(self, call: _Call, delta: Any) -> StreamReport | None:
        if call.done:
            return None
        if isinstance(delta, (bytes, bytearray, memoryview)):
            chunk = bytes(delta)
        elif isinstance(delta, str):
            chunk = self._encode(call, delta)
        else:
            return None
        if call.tool is None:  # the tool's name is not known yet: hold the bytes back
            if not self.tools:  # whatever its name, the call goes to an unknown tool
                return None
            cut = cut_after_chars(chunk, self._pending_limit - call.pending_chars)
            if cut is not None:
                offset = len(call.pending) + cut
                received = len(call.pending) + len(chunk)
                call.rejected = True
                report = self._report(
                    call,
                    "rejected",
                    received=received,
                    byte_offset=offset,
                    message=f"input is too long (over {self._pending_limit} characters)",
                )
                self._retire(call)
                return report
            call.pending += chunk
            call.pending_chars += count_characters(chunk)
            return None
        return self._consume(call, chunk)

    @staticmethod
    def _encode(call: _Call, delta: str) -> bytes:
        text = call.held + delta
        call.held = ""
        if text and "\ud800" <= text[-1] <= "\udbff":
            call.held, text = text[-1], text[:-1]
        return utf8_bytes(text)

    def _consume(self, call: _Call, chunk: bytes) -> StreamReport | None:
        """Feed ``chunk`` to the call's matcher; a report (and the call retired) when the
        input can no longer match or has grown past the tool's ``max_input_chars``."""
        if not chunk:
            return None
        assert call.tool is not None
        limit = call.tool.max_input_chars
        cut = cut_after_chars(chunk, limit - call.chars)  # where the first character past the limit starts
        start = len(call.data)
        call.data += chunk
        fed = chunk if cut is None else chunk[:cut]
        n = call.matcher.try_consume_tokens(list(fed)) if fed else 0
        call.consumed += n
        report = None
        if call.matcher.is_error():  # one of llguidance's internal limits: not the input's fault
            report = self._engine_error(call, call.matcher.get_error())
        elif n < len(fed):  # a bad byte before the limit is the better answer
            report = self._rejection(call, call.consumed)
        elif cut is not None:
            report = self._report(
                call,
                "rejected",
                byte_offset=start + cut,
                message=f"input is too long (over {limit} characters)",
            )
        if report is not None:
            call.rejected = True
            self._retire(call)
            return report
        call.chars += count_characters(chunk)
        return None

    def _finish(self, call: _Call, full_input: Any) -> StreamReport | None:
        if call.done or call.tool is None:  # done, unknown tool, or its name not known yet
            call.finished = call.finished or call.rejected
            return None
        if call.held:  # a lone high surrogate at the very end
            held, call.held = call.held, ""
            report = self._consume(call, utf8_bytes(held))
            if report is not None:
                call.finished = True
                return report
        if isinstance(full_input, str):
            full = utf8_bytes(full_input)
            if full != call.data:  # deltas were missed: judge the whole input
                call.data, call.consumed, call.chars = bytearray(), 0, 0
                call.matcher = call.tool._fresh_matcher()
                report = self._consume(call, full)
                if report is not None:
                    call.finished = True
                    return report
        call.finished = True
        if call.matcher.is_accepting():
            report = self._report(call, "accepted", message="accepted")
        else:
            report = self._rejection(call, len(call.data), incomplete=True)
        self._retire(call)
        return report

    def _rejection(self, call: _Call, offset: int, *, incomplete: bool = False) -> StreamReport:
        data = bytes(call.data)
        text = _decoded(data)
        assert call.tool is not None
        try:
            rejection = call.tool.rejection(text)  # with what llguidance allows there
        except Exception:
            rejection = None
        if rejection is None or rejection.byte_offset != char_start(data, offset):
            rejection = Rejection.at_byte(text, offset, incomplete=incomplete)
        if not incomplete and not char_at(data, char_start(data, offset)):  # a character still arriving
            rejection.found, rejection.found_byte = "", data[offset]
        status: Status = "incomplete" if incomplete else "rejected"
        return self._report(
            call,
            status,
            byte_offset=offset,
            line=rejection.line,
            column=rejection.column,
            found=rejection.found,
            message=rejection.message,
            rejection=rejection,
        )

    def _engine_error(self, call: _Call, error: str | None) -> StreamReport:
        """llguidance hit an internal limit on this call: the tool's matcher is rebuilt (its
        copies share the spent state), and the report says the input could not be checked."""
        lines = (error or "").strip().splitlines()
        rejection = Rejection.engine_failure(lines[0] if lines else "llguidance reported an error")
        assert call.tool is not None
        call.tool.rebuild_matcher(rejection.detail)
        return self._report(call, "engine_error", message=rejection.message, rejection=rejection)

    def _report(self, call: _Call, status: Status, *, received: int | None = None, **fields: Any) -> StreamReport:
        return StreamReport(
            status=status,
            item_id=call.item_id,
            output_index=call.output_index,
            name=call.name,
            call_id=call.call_id,
            received=len(call.data) if received is None else received,
            **fields,
        )


def check_stream(events: Iterable[Any], tools: Any) -> Iterator[StreamReport]:
    """Yield the :class:`StreamReport` of every custom tool call in a stream of Responses
    events (see :class:`StreamChecker`), each as soon as the event causing it arrives."""
    checker = StreamChecker(tools)
    for event in events:
        report = checker.feed(event)
        if report is not None:
            yield report


# --------------------------------------------------------------------------- helpers


def _tool_map(tools: Any) -> dict[str, CustomTool]:
    custom = getattr(tools, "custom_tools", None)  # a ToolRouter
    if custom is not None:
        tools = custom
    if isinstance(tools, CustomTool):
        return {tools.name: tools}
    if isinstance(tools, Mapping):
        items = list(tools.values())
    else:
        items = list(tools)
    out: dict[str, CustomTool] = {}
    for tool in items:
        if not isinstance(tool, CustomTool):
            raise TypeError(f"expected CustomTool objects, not {type(tool).__name__}")
        out[tool.name] = tool
    return out


def _get(obj: Any, key: str) -> Any:
    if isinstance(obj, dict):
        return obj.get(key)
    return getattr(obj, key, None)


def _decoded(data: bytes) -> str:
    """The text of a call's input so far: a character cut at the end (still arriving) or
    an invalid sequence reads as U+FFFD; lone surrogates in their 3-byte form stay."""
    try:
        return data.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError as exc:
        return data[: exc.start].decode("utf-8", "surrogatepass") + data[exc.start :].decode("utf-8", "replace")
