"""The playground's web server: a Starlette application served by uvicorn.

Routes: ``GET /`` the page, ``GET /static/NAME`` its assets (from the package, so it works
offline), ``POST /api/OPERATION`` the library's operations (:mod:`grammarkit.playground.api`,
run in worker processes with a timeout), ``POST /api/load`` and ``POST /api/save`` the
files (:mod:`grammarkit.playground.disk`).

Who may talk to it (:class:`Guard`, in front of everything):

* the ``Host`` header must name the server itself (127.0.0.1, localhost or [::1] with its
  port, or the ``--host`` given), so a page on another site cannot reach it through DNS
  rebinding;
* a request with an ``Origin`` header is refused unless it is the page's own origin;
* a request other than GET/HEAD must come from the page: its ``Origin`` (or, without one,
  its ``Referer``) must be the page's own, and it must carry the page's token (a random
  value the server puts in the page, sent back in the ``X-Grammarkit-Token`` header, which
  another site can neither read nor send without a CORS preflight, which is never granted);
* API requests must be ``application/json`` and at most :data:`MAX_BODY_BYTES` long.

Errors reach the page as ``{"error": "one line"}`` with a status code; tracebacks go only
to the terminal.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
import secrets
from dataclasses import dataclass, field
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from grammarkit.core.source import MAX_GRAMMAR_BYTES
from grammarkit.lint.config import Config
from grammarkit.playground.api import CONFIGURED, MAX_NAME_CHARS, OPERATIONS, PlaygroundError, validate
from grammarkit.playground.disk import Workspace
from grammarkit.playground.worker import Workers

log = logging.getLogger("grammarkit.playground")

MAX_BODY_BYTES = 2 * MAX_GRAMMAR_BYTES + 8 * 1024 * 1024
"""The largest request body: a grammar of the largest size, as JSON, and samples."""

TOKEN_HEADER = "x-grammarkit-token"
LOOPBACK = ("127.0.0.1", "localhost", "[::1]")
WILDCARD = ("0.0.0.0", "::", "")

STATIC_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}
_STATIC_NAME = re.compile(r"[a-z0-9_-]+\.[a-z]+")

SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        b"connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
]


@dataclass
class Settings:
    """What the server needs to know about itself."""

    host: str
    port: int
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))

    @property
    def url(self) -> str:
        return f"http://{_url_host(self.host)}:{self.port}/"

    def host_names(self) -> set[str] | None:
        """The ``Host`` headers accepted, None for any (a wildcard address)."""
        if self.host in WILDCARD:
            return None
        names = set(LOOPBACK) if _url_host(self.host) in LOOPBACK else {_url_host(self.host)}
        return {f"{name}:{self.port}" for name in names}

    def own_origin(self, host_header: str) -> str:
        return f"http://{host_header}"


def _url_host(host: str) -> str:
    if host in WILDCARD:
        return "127.0.0.1"
    if ":" in host and not host.startswith("["):
        return f"[{host}]"
    return host


# --------------------------------------------------------------------------- the guard


class Guard:
    """ASGI middleware: the checks of the module documentation, and the security headers
    on every response."""

    def __init__(self, app: Any, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.hosts = settings.host_names()

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":  # no websockets
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        problem = self.refusal(scope["method"], headers)

        async def send_secured(message: dict) -> None:
            if message["type"] == "http.response.start":
                message = dict(message)
                present = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in SECURITY_HEADERS if k not in present
                ]
            await send(message)

        if problem is not None:
            status, text = problem
            await _send_json(send_secured, status, {"error": text})
            return
        await self.app(scope, receive, send_secured)

    def refusal(self, method: str, headers: dict[str, str]) -> tuple[int, str] | None:
        """Why a request is refused (status, one line), None when it may go on."""
        host = headers.get("host", "")
        if self.hosts is not None and host not in self.hosts:
            return 421, "this server answers only to its own address (the Host header names another)"
        own = self.settings.own_origin(host)
        origin = headers.get("origin")
        if origin is not None and origin != own:
            return 403, "requests from other sites are refused"
        if method in ("GET", "HEAD"):
            return None
        if method != "POST":
            return 405, "only GET and POST are allowed"
        if origin is None:
            referer = headers.get("referer")
            if referer is None:
                return 403, "a request without Origin or Referer is refused"
            parts = urlsplit(referer)
            if f"{parts.scheme}://{parts.netloc}" != own:
                return 403, "requests from other sites are refused"
        token = headers.get(TOKEN_HEADER, "")
        if not hmac.compare_digest(token.encode("latin-1"), self.settings.token.encode("latin-1")):
            return 403, "the page's token is missing or wrong (reload the page)"
        return None


async def _send_json(send: Any, status: int, data: Any) -> None:
    body = json.dumps(data, ensure_ascii=True, separators=(",", ":")).encode("ascii")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


# --------------------------------------------------------------------------- the application


def static_text(name: str) -> bytes | None:
    """An asset of the page, from the package (None when there is no such asset)."""
    if not _STATIC_NAME.fullmatch(name):
        return None
    item = resources.files("grammarkit.playground").joinpath("static", name)
    try:
        return item.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


def create_app(workspace: Workspace, pool: Workers, settings: Settings, config: Config | None = None) -> Any:
    """The ASGI application (a Starlette app behind :class:`Guard`)."""
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    config = config or workspace.config or Config()

    def json_response(data: Any, status: int = 200) -> Response:
        body = json.dumps(data, ensure_ascii=True, separators=(",", ":"))
        return Response(body, status_code=status, media_type="application/json")

    async def read_json(request: Request) -> Any:
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            raise PlaygroundError("the request must be application/json", 415)
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY_BYTES):
            raise PlaygroundError(f"the request is too large (the limit is {MAX_BODY_BYTES:,} bytes)", 413)
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                raise PlaygroundError(f"the request is too large (the limit is {MAX_BODY_BYTES:,} bytes)", 413)
            chunks.append(chunk)
        body = b"".join(chunks)

        def decode() -> Any:
            try:
                return json.loads(body.decode("utf-8", "surrogatepass"))
            except (ValueError, UnicodeDecodeError):
                raise PlaygroundError("the request is not valid JSON") from None
            except RecursionError:
                raise PlaygroundError("the request is nested too deeply") from None

        return await run_in_threadpool(decode)

    def options_for(path: str | None) -> dict[str, Any]:
        """The configuration's select/ignore/severity for the grammar at ``path``."""
        target = workspace.root / path if path and not path.startswith("<") else workspace.root / "playground.lark"
        opts = config.lint_options(target, sidecars=False)
        return {
            "select": opts["select"],
            "ignore": opts["ignore"],
            "severity": {k: v.value for k, v in opts["severity"].items()},
        }

    async def page(request: Request) -> Response:
        html = static_text("index.html")
        assert html is not None, "the playground's static files are missing from the installation"
        html = html.replace(b"__GRAMMARKIT_TOKEN__", settings.token.encode("ascii"))
        return Response(html, media_type=STATIC_TYPES[".html"])

    async def asset(request: Request) -> Response:
        name = request.path_params["name"]
        data = static_text(name)
        suffix = name[name.rfind(".") :] if "." in name else ""
        if data is None or suffix not in STATIC_TYPES or name == "index.html":
            return json_response({"error": "no such file"}, 404)
        return Response(data, media_type=STATIC_TYPES[suffix])

    async def operation(request: Request) -> Response:
        op = request.path_params["op"]
        try:
            if op not in OPERATIONS:
                raise PlaygroundError(f"no such operation: {op}", 404)
            data = await read_json(request)
            kwargs = validate(op, data)
            if op in CONFIGURED:
                kwargs.update(options_for(kwargs.get("path")))
            result = await run_in_threadpool(pool.call, op, kwargs)
        except PlaygroundError as exc:
            return json_response({"error": exc.message}, exc.status)
        return json_response(result)

    async def files(request: Request) -> Response:
        action = request.path_params["action"]
        try:
            data = await read_json(request)
            if not isinstance(data, dict):
                raise PlaygroundError("the request must be a JSON object")
            if action == "load":
                path = data.get("path")
                if path is not None and (not isinstance(path, str) or len(path) > MAX_NAME_CHARS):
                    raise PlaygroundError("'path' must be a file name")
                result = await run_in_threadpool(workspace.load, path)
            elif action == "save":
                args = save_arguments(data)
                result = await run_in_threadpool(lambda: workspace.save(**args))
            else:
                raise PlaygroundError(f"no such operation: {action}", 404)
        except PlaygroundError as exc:
            return json_response({"error": exc.message, **_conflict_files(exc)}, exc.status)
        return json_response(result)

    routes = [
        Route("/", page, methods=["GET"]),
        Route("/static/{name}", asset, methods=["GET"]),
        Route("/api/file/{action}", files, methods=["POST"]),
        Route("/api/{op}", operation, methods=["POST"]),
    ]

    async def not_found(request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 404)
        return json_response({"error": "no such page" if status == 404 else "not allowed"}, status)

    async def crashed(request: Request, exc: Exception) -> Response:
        log.exception("internal error in the playground", exc_info=exc)
        return json_response({"error": "internal error; see the terminal running the playground"}, 500)

    app = Starlette(routes=routes, exception_handlers={404: not_found, 405: not_found, Exception: crashed})
    return Guard(app, settings)


def _conflict_files(exc: PlaygroundError) -> dict[str, Any]:
    files = getattr(exc, "files", None)
    return {"conflict": files} if files else {}


def save_arguments(data: dict) -> dict[str, Any]:
    """The keyword arguments of :meth:`Workspace.save` from a save request."""
    from grammarkit.playground.api import grammar_of

    path = data.get("path")
    if not isinstance(path, str) or not path or len(path) > MAX_NAME_CHARS:
        raise PlaygroundError("'path' must be a file name")
    grammar_of({"grammar": data.get("grammar"), "syntax": "lark"})  # type and size
    items = data.get("samples", [])
    if not isinstance(items, list) or len(items) > 100_000:
        raise PlaygroundError("'samples' must be a list")
    samples = []
    for i, item in enumerate(items, 1):
        if not isinstance(item, dict) or not isinstance(item.get("input"), str):
            raise PlaygroundError(f'sample {i}: expected an object with a string "input"')
        if not isinstance(item.get("expected", True), bool):
            raise PlaygroundError(f'sample {i}: "expected" must be true or false')
        for key in ("description", "source"):
            if not isinstance(item.get(key) or "", str):
                raise PlaygroundError(f'sample {i}: "{key}" must be a string')
        samples.append(
            {
                "input": item["input"],
                "expected": item.get("expected", True),
                "description": item.get("description") or "",
                "source": item.get("source") or "",
            }
        )
    base = data.get("base") or {}
    if not isinstance(base, dict):
        raise PlaygroundError("'base' must be an object")
    newline = data.get("newline", "\n")
    force = data.get("force", False)
    if not isinstance(force, bool):
        raise PlaygroundError("'force' must be true or false")
    return {
        "rel": path,
        "grammar": data["grammar"],
        "samples": samples,
        "base": base,
        "newline": newline if isinstance(newline, str) else "\n",
        "force": force,
    }


# --------------------------------------------------------------------------- running it


class Running:
    """A server running on a thread (tests, the latency benchmark): ``url``, ``stop()``."""

    def __init__(self, server: Any, thread: Any, pool: Workers, settings: Settings) -> None:
        self.server = server
        self.thread = thread
        self.pool = pool
        self.settings = settings

    @property
    def url(self) -> str:
        return self.settings.url

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.pool.close()

    def __enter__(self) -> Running:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def bind(host: str, port: int) -> Any:
    """A listening socket on ``host``:``port`` (0: a free port); ``OSError`` when taken."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Connections send each response at once (headers and body are two writes; with Nagle's
    # algorithm and the client's delayed acknowledgement the body would wait ~40 ms).
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def make_server(
    workspace: Workspace,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    timeout: float = 15.0,
    workers: int = 2,
    config: Config | None = None,
) -> tuple[Any, Any, Workers, Settings]:
    """``(uvicorn server, socket, workers, settings)``; the workers are starting."""
    import uvicorn

    sock = bind(host, port)
    settings = Settings(host=host, port=sock.getsockname()[1])
    pool = Workers(workers, timeout=timeout).start()
    app = create_app(workspace, pool, settings, config)
    uv_config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off", timeout_graceful_shutdown=2)
    return uvicorn.Server(uv_config), sock, pool, settings


def start_in_thread(workspace: Workspace, **kwargs: Any) -> Running:
    """Serve on a background thread; returns once the server accepts connections and the
    workers are up."""
    import threading
    import time

    server, sock, pool, settings = make_server(workspace, **kwargs)

    def run() -> None:
        asyncio.run(server.serve(sockets=[sock]))

    # uvicorn installs no signal handlers off the main thread
    thread = threading.Thread(target=run, name="grammarkit-playground-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 120
    while not server.started or not pool.ready:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the playground server did not start")
        time.sleep(0.05)
    return Running(server, thread, pool, settings)


def serve(
    grammar: str | None,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    open_browser: bool = True,
    syntax: str | None = None,
    timeout: float = 15.0,
    config_path: str | None = None,
    workers: int = 2,
) -> int:
    """``grammarkit playground``: print the URL (the first line of standard output), open
    the page, serve until Ctrl-C. Returns the exit status."""
    import os
    import sys
    import threading
    import time
    from pathlib import Path

    from grammarkit.lint.config import ConfigError, load_config

    def fail(message: str) -> int:
        print(f"grammarkit: error: {message}", file=sys.stderr)
        return 2

    cwd = Path.cwd()
    path = None
    if grammar is not None:
        path = Path(grammar)
        if path.is_dir():
            return fail(f"{grammar}: is a directory (give a grammar file)")
        if not path.parent.is_dir():
            return fail(f"{grammar}: no such directory {path.parent}")
        if not path.exists():
            print(f"grammarkit: note: {grammar} does not exist yet; it is created when you save", file=sys.stderr)
    try:
        config = load_config(config_path, start=path.parent if path is not None else None)
    except ConfigError as exc:
        return fail(str(exc))
    root = cwd
    if path is not None:
        real = Path(os.path.realpath(path))
        if Path(os.path.realpath(cwd)) not in real.parents:
            root = real.parent
    workspace = Workspace(root, path, syntax, config)  # type: ignore[arg-type]
    try:
        server, sock, pool, settings = make_server(
            workspace, host=host, port=port, timeout=timeout, workers=workers, config=config
        )
    except OSError as exc:
        return fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}")
    print(settings.url, flush=True)
    if settings.host_names() is None:
        print(
            f"grammarkit: warning: listening on {host}: every machine that can reach this one can use the "
            "playground, and read and write grammar files in its folder",
            file=sys.stderr,
        )
    if open_browser:

        def show() -> None:
            import webbrowser

            while not server.started and not server.should_exit:
                time.sleep(0.05)
            if server.started:
                webbrowser.open(settings.url)

        threading.Thread(target=show, name="grammarkit-playground-browser", daemon=True).start()
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        pool.close()
        sock.close()
    return 0
