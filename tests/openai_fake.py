"""A local stand-in for the OpenAI HTTP API, for tests that run the real ``openai`` client.

``FakeOpenAI`` is a stdlib ``http.server`` on 127.0.0.1 (port chosen by the OS) serving in
a thread. Tests queue replies (a JSON body, an error, or a list of server-sent events)
which are served in order, one per request, and read what the client sent from
``requests``. Nothing leaves the machine; bodies, request counts and socket waits are
bounded, and the ``fake_openai`` fixture shuts the server down in teardown.

Import the fixture into a test module with ``from openai_fake import fake_openai``.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

MAX_BODY_BYTES = 4 * 1024 * 1024
MAX_REQUESTS = 200
SOCKET_TIMEOUT = 10.0


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: Any  # the decoded JSON body (None when there was none)


@dataclass
class _Reply:
    status: int = 200
    body: Any = None
    events: list[dict] | None = None  # server-sent events
    split_inside: str | None = None  # send an SSE body in two writes, cut inside this character


class FakeOpenAI:
    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self._replies: deque[_Reply] = deque()
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            timeout = SOCKET_TIMEOUT

            def do_POST(self) -> None:
                fake._handle(self)

            do_GET = do_POST

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        self._clients: list[Any] = []

    # ------------------------------------------------------------ test side
    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def reply(self, body: Any, *, status: int = 200) -> None:
        """Queue a JSON reply."""
        with self._lock:
            self._replies.append(_Reply(status=status, body=body))

    def reply_error(self, status: int, message: str, *, code: str | None = None) -> None:
        self.reply({"error": {"message": message, "type": "invalid_request_error", "param": None, "code": code}}, status=status)

    def reply_events(self, events: list[dict], *, split_inside: str | None = None) -> None:
        """Queue a server-sent-events reply (``stream=True``). With ``split_inside`` (a
        multi-byte character), the body goes out in two writes cut one byte into that
        character's first occurrence (raw UTF-8, as JSON with ``ensure_ascii=False``)."""
        with self._lock:
            self._replies.append(_Reply(events=events, split_inside=split_inside))

    def client(self, **kwargs: Any):
        import openai

        kwargs.setdefault("timeout", SOCKET_TIMEOUT)
        kwargs.setdefault("max_retries", 0)
        client = openai.OpenAI(base_url=self.base_url, api_key="test", **kwargs)
        self._clients.append(client)
        return client

    def async_client(self, **kwargs: Any):
        import openai

        kwargs.setdefault("timeout", SOCKET_TIMEOUT)
        kwargs.setdefault("max_retries", 0)
        return openai.AsyncOpenAI(base_url=self.base_url, api_key="test", **kwargs)

    def bodies(self, path_suffix: str = "") -> list[Any]:
        return [r.body for r in self.requests if r.path.endswith(path_suffix)]

    def close(self) -> None:
        for client in self._clients:
            try:
                client.close()
            except Exception:
                pass
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # ------------------------------------------------------------ server side
    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        length = int(h.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            self._send_json(h, 413, {"error": {"message": "fake server: body too large"}})
            return
        raw = h.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        with self._lock:
            self.requests.append(Recorded(h.command, h.path, {k.lower(): v for k, v in h.headers.items()}, body))
            too_many = len(self.requests) > MAX_REQUESTS
            reply = self._replies.popleft() if self._replies and not too_many else None
        if reply is None:
            # max_retries=0 and a 400 (not retried): an unexpected request fails the test fast
            self._send_json(h, 400, {"error": {"message": "fake server: no reply queued for this request"}})
        elif reply.events is not None:
            self._send_events(h, reply)
        else:
            self._send_json(h, reply.status, reply.body)

    @staticmethod
    def _send_json(h: BaseHTTPRequestHandler, status: int, body: Any) -> None:
        data = json.dumps(body).encode("utf-8")
        h.send_response(status)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)

    @staticmethod
    def _send_events(h: BaseHTTPRequestHandler, reply: _Reply) -> None:
        # raw UTF-8, except lone surrogates (a character split across deltas), which
        # "backslashreplace" writes as the JSON escapes \ud83d / \ude00
        data = b"".join(
            f"event: {e['type']}\ndata: {json.dumps(e, ensure_ascii=False)}\n\n".encode("utf-8", "backslashreplace")
            for e in reply.events or []
        )
        h.send_response(200)
        h.send_header("Content-Type", "text/event-stream")
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        cut = data.find(reply.split_inside.encode("utf-8")) + 1 if reply.split_inside else 0
        if cut <= 0:
            h.wfile.write(data)
        else:
            h.wfile.write(data[:cut])
            h.wfile.flush()
            time.sleep(0.02)
            h.wfile.write(data[cut:])


@pytest.fixture
def fake_openai():
    server = FakeOpenAI()
    try:
        yield server
    finally:
        server.close()


# --------------------------------------------------------------------------- bodies


def response_body(output: list[dict], *, id: str = "resp_1", model: str = "gpt-5", status: str = "completed") -> dict:
    """A Responses API result with these output items."""
    return {
        "id": id,
        "object": "response",
        "created_at": 1_700_000_000,
        "model": model,
        "status": status,
        "output": output,
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
    }


def custom_call(call_id: str, name: str, input: str, *, id: str | None = None) -> dict:
    return {
        "type": "custom_tool_call",
        "id": id or f"ctc_{call_id}",
        "call_id": call_id,
        "name": name,
        "input": input,
        "status": "completed",
    }


def reasoning(id: str = "rs_1") -> dict:
    return {"type": "reasoning", "id": id, "summary": []}


def message(text: str, *, id: str = "msg_1") -> dict:
    return {
        "type": "message",
        "id": id,
        "role": "assistant",
        "status": "completed",
        "content": [{"type": "output_text", "text": text, "annotations": []}],
    }


def function_call(call_id: str, name: str, arguments: str = "{}") -> dict:
    return {"type": "function_call", "id": f"fc_{call_id}", "call_id": call_id, "name": name, "arguments": arguments, "status": "completed"}


def chat_body(*, content: str | None = None, tool_calls: list[dict] | None = None, id: str = "chatcmpl-1") -> dict:
    """A Chat Completions result with one choice."""
    msg: dict[str, Any] = {"role": "assistant", "content": content}
    if tool_calls:
        msg["tool_calls"] = tool_calls
    return {
        "id": id,
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": "gpt-5",
        "choices": [{"index": 0, "finish_reason": "tool_calls" if tool_calls else "stop", "message": msg, "logprobs": None}],
    }


def chat_custom_call(id: str, name: str, input: str) -> dict:
    return {"id": id, "type": "custom", "custom": {"name": name, "input": input}}


def chat_function_call(id: str, name: str, arguments: str = "{}") -> dict:
    return {"id": id, "type": "function", "function": {"name": name, "arguments": arguments}}


def stream_events(calls: list[tuple[str, str, list[Any]]], *, response_id: str = "resp_s") -> list[dict]:
    """The Responses stream events for custom tool calls ``(call_id, name, deltas)``: the
    input of each call arrives as the given deltas, then done events and the completed
    response."""
    seq = iter(range(1_000_000))
    events: list[dict] = [
        {"type": "response.created", "sequence_number": next(seq), "response": response_body([], id=response_id, status="in_progress")}
    ]
    items = []
    for index, (call_id, name, deltas) in enumerate(calls):
        item_id = f"ctc_{call_id}"
        full = "".join(deltas)
        added = custom_call(call_id, name, "", id=item_id) | {"status": "in_progress"}
        events.append({"type": "response.output_item.added", "sequence_number": next(seq), "output_index": index, "item": added})
        for delta in deltas:
            events.append(
                {
                    "type": "response.custom_tool_call_input.delta",
                    "sequence_number": next(seq),
                    "output_index": index,
                    "item_id": item_id,
                    "delta": delta,
                }
            )
        events.append(
            {"type": "response.custom_tool_call_input.done", "sequence_number": next(seq), "output_index": index, "item_id": item_id, "input": full}
        )
        item = custom_call(call_id, name, full, id=item_id)
        items.append(item)
        events.append({"type": "response.output_item.done", "sequence_number": next(seq), "output_index": index, "item": item})
    events.append({"type": "response.completed", "sequence_number": next(seq), "response": response_body(items, id=response_id)})
    return events
