"""``grammarkit try GRAMMAR --prompt TEXT [--model M] [--name N]``

Send one real Responses request with the grammar as a forced custom tool, print the input
the model produced and the local verdicts on it (llguidance, and the local Lark parser for
Lark grammars).

Exit status: 0 both verdicts accept the input, 1 a local verdict rejects it (also an input
that is not valid Unicode, such as a lone surrogate, which the model cannot emit), 2 usage
or input problems (unreadable grammar, grammar with errors, no ``OPENAI_API_KEY``, an
invalid ``OPENAI_BASE_URL``, a network or API error, a malformed answer, no tool call in
the answer) with a one-line message on standard error. ``openai`` is imported only when
the command runs.
"""

from __future__ import annotations

import os
import sys
import unicodedata
from typing import Annotated

import typer

from grammarkit.core.errors import InputError

DEFAULT_MODEL = "gpt-5"
"""GPT-5 introduced custom tools with grammar-constrained input; later GPT-5.x models
support them too (``--model``)."""

MAX_TREE_LINES = 80


class _Fail(Exception):
    """A problem reported as one line on standard error, exit status 2."""


def try_(
    grammar: Annotated[str, typer.Argument(help="Grammar file (.lark, or .regex for a regex grammar).")],
    prompt: Annotated[str, typer.Option("--prompt", help="The user message sent to the model.")],
    model: Annotated[str, typer.Option("--model", help="Model to ask (must support custom tools).")] = DEFAULT_MODEL,
    name: Annotated[
        str | None, typer.Option("--name", help="Tool name (default: the grammar file's stem).")
    ] = None,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds to wait for the API.", min=1.0)] = 300.0,
) -> int:
    """Ask a model for one input under the grammar (a real API request) and check it locally."""
    try:
        return _try(grammar, prompt, model, name, timeout)
    except _Fail as exc:
        print(f"grammarkit: error: {exc}", file=sys.stderr)
        return 2


def _try(path: str, prompt: str, model: str, name: str | None, timeout: float) -> int:
    from grammarkit.runtime.errors import GrammarError
    from grammarkit.runtime.tool import CustomTool

    try:
        tool = CustomTool.from_file(path, name=name)
    except InputError as exc:
        raise _Fail(str(exc)) from None
    except GrammarError as exc:
        n = len(exc.diagnostics)
        what = f"{n} error{'s' if n != 1 else ''}" if n else exc.reason
        raise _Fail(f"{path}: the grammar has {what} (see 'grammarkit check {path}')") from None
    except ValueError as exc:  # an invalid tool name
        raise _Fail(_one_line(str(exc))) from None
    if not os.environ.get("OPENAI_API_KEY"):
        raise _Fail("OPENAI_API_KEY is not set; 'grammarkit try' sends a real request to the OpenAI API")

    response = _request(tool, prompt, model, timeout)

    from grammarkit.runtime.calls import custom_tool_calls

    try:
        calls = [c for c in custom_tool_calls(response) if c.name == tool.name]
    except (TypeError, ValueError) as exc:  # no call_id, no output, ...
        raise _Fail(f"the API's answer is malformed: {_one_line(str(exc))}") from None
    status = getattr(response, "status", None)
    if not calls:
        detail = f" (response status: {status})" if status and status != "completed" else ""
        raise _Fail(f"the model made no call to tool {tool.name!r}{detail}")
    text = calls[0].input
    print(f"model: {getattr(response, 'model', None) or model} (response {getattr(response, 'id', '?')})")
    if status and status != "completed":
        print(f"status: {status}")
    print(f"input ({len(text)} characters, {len(text.encode('utf-8', 'surrogatepass'))} bytes):")
    for row in _printable(text).split("\n"):
        print(f"  | {row}")
    ok = _report_engine(tool, text)
    ok = _report_lark(tool, text) and ok
    return 0 if ok else 1


def _request(tool, prompt: str, model: str, timeout: float):
    try:
        import openai
    except ImportError:  # pragma: no cover - openai is a dependency
        raise _Fail("the 'openai' package is not installed") from None
    try:
        client = openai.OpenAI(timeout=timeout)  # OPENAI_API_KEY, OPENAI_BASE_URL from the environment
        with client:
            return client.responses.create(
                model=model,
                input=prompt,
                tools=[tool.to_responses()],
                tool_choice=tool.tool_choice("responses"),
            )
    except openai.APIStatusError as exc:
        body = exc.body if isinstance(exc.body, dict) else {}
        message = body.get("message")
        if not isinstance(message, str):
            message = exc.message
        raise _Fail(f"the API request failed: HTTP {exc.status_code}: {_one_line(message)}") from None
    except openai.APITimeoutError:
        raise _Fail(f"the API request timed out after {timeout:g} seconds") from None
    except openai.APIConnectionError as exc:
        cause = exc.__cause__
        detail = f": {_one_line(str(cause))}" if cause and str(cause) else ""
        raise _Fail(f"cannot connect to the API at {_base_url()}{detail}") from None
    except openai.OpenAIError as exc:
        raise _Fail(f"the API request failed: {_one_line(str(exc))}") from None
    except Exception as exc:
        # httpx's InvalidURL (matched by name: the SDK's HTTP library may be httpx or a
        # renamed copy) for a malformed OPENAI_BASE_URL; ValueError, e.g. a URL the client
        # cannot use. Anything else is a bug (exit 3).
        if any(cls.__name__ == "InvalidURL" for cls in type(exc).__mro__):
            raise _Fail(f"invalid API address {_base_url()}: {_one_line(str(exc))}") from None
        if isinstance(exc, ValueError):
            detail = _one_line(str(exc)) or type(exc).__name__
            raise _Fail(f"the API request to {_base_url()} failed: {detail}") from None
        raise


def _report_engine(tool, text: str) -> bool:
    from grammarkit.runtime.errors import ToolInputError

    rejection = tool.rejection(text)
    if rejection is None:
        print("llguidance: accepted")
        return True
    err = ToolInputError.from_rejection(tool.name, rejection)
    where = f" at byte {err.byte_offset} (line {err.line}, column {err.column})" if err.line is not None else ""
    print(f"llguidance: rejected{where}: {_printable(err.message)}")
    return False


def _report_lark(tool, text: str) -> bool:
    if tool.syntax == "regex":
        print("lark: not applicable (regex grammar)")
        return True
    parser = tool.local_parser
    if parser is None:
        print(f"lark: not checked ({tool.local_parser_error})")
        return True
    from grammarkit.core.rejection import InputRejected
    from grammarkit.runtime.errors import ToolInputError

    try:
        tree = parser.parse(text)
    except InputRejected as exc:
        err = ToolInputError.from_rejection(tool.name, exc.rejection)
        print(f"lark: {_printable(str(err))}")
        for row in _printable(err.snippet).split("\n") if err.snippet else []:
            print(f"  | {row}")
        return False
    print("lark: accepted")
    for row in _tree_rows(tree, MAX_TREE_LINES):
        print(f"  {_printable(row)}")
    return True


def _tree_rows(tree, limit: int) -> list[str]:
    """The parse tree, one node a line: rules by name, tokens as ``TYPE "text"``. Iterative,
    so a deep tree cannot exhaust the recursion limit; at most ``limit`` lines."""
    import json

    from lark import Tree

    rows: list[str] = []
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if len(rows) >= limit:
            rows.append("... (the tree goes on)")
            break
        if isinstance(node, Tree):
            rows.append("  " * depth + str(node.data))
            stack.extend((child, depth + 1) for child in reversed(node.children))
        else:
            kind = getattr(node, "type", type(node).__name__)
            rows.append("  " * depth + f"{kind} {json.dumps(str(node), ensure_ascii=False)}")
    return rows


def _printable(text: str) -> str:
    """``text`` with control and format characters (escape sequences, bidi overrides)
    escaped, so model output cannot drive the terminal. Newlines and tabs stay."""
    out = []
    for ch in text:
        if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            out.append(ch)
        else:
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
    return "".join(out)


def _one_line(text: str, limit: int = 300) -> str:
    text = _printable(" ".join(str(text).split()))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _base_url() -> str:
    url = os.environ.get("OPENAI_BASE_URL")
    if url is None:
        return "https://api.openai.com/v1"
    return _one_line(url) if url.strip() else f"OPENAI_BASE_URL={url!r}"
