"""``grammarkit try GRAMMAR --prompt TEXT [--model M] [--name N]``

Send one real Responses request with the grammar as a forced custom tool, print the input
the model produced and the local verdicts on it (llguidance, and the local Lark parser for
Lark grammars).

``--format json`` prints the same as one object instead (see :meth:`_Outcome.to_dict`);
problems are still one line on standard error, with nothing on standard output.

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
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

import typer

from grammarkit.cli.options import TextOrJson
from grammarkit.core.errors import InputError

if TYPE_CHECKING:
    from grammarkit.core.rejection import Rejection
    from grammarkit.runtime.tool import CustomTool

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
    output_format: Annotated[
        TextOrJson,
        typer.Option(
            "--format",
            help='Output format: text, or json (one object: "model", "response", "status", "tool", "syntax", '
            '"input", "characters", "bytes", "ok", "engines", "error", "lark_error", "tree", "lark_unavailable").',
        ),
    ] = TextOrJson.text,
) -> int:
    """Ask a model for one input under the grammar (a real API request) and check it locally."""
    try:
        outcome = _try(grammar, prompt, model, name, timeout)
    except _Fail as exc:
        print(f"grammarkit: error: {exc}", file=sys.stderr)
        return 2
    if output_format is TextOrJson.json:
        from grammarkit.output.json_format import dumps_deep, escape_unprintable

        print(escape_unprintable(dumps_deep(outcome.to_dict(), ensure_ascii=False, indent=2)))
    else:
        _print_text(outcome)
    return 0 if outcome.ok else 1


@dataclass
class _Outcome:
    """The model's input and the local verdicts on it."""

    model: str
    response_id: str | None
    status: str | None
    tool: CustomTool
    input: str
    rejection: Rejection | None  # llguidance's; None: accepted
    lark: bool | None = None  # None: not run (a regex grammar, or no local parser)
    tree: Any = None
    lark_rejection: Rejection | None = None
    lark_unavailable: str | None = None  # why a Lark grammar has no local parser

    @property
    def ok(self) -> bool:
        """Every verdict that was given accepts the input (exit status 0)."""
        return self.rejection is None and self.lark is not False

    def to_dict(self) -> dict[str, Any]:
        from grammarkit.core.trees import tree_to_json

        return {
            "model": self.model,
            "response": self.response_id,
            "status": self.status,
            "tool": self.tool.name,
            "syntax": self.tool.syntax,
            "input": self.input,
            "characters": len(self.input),
            "bytes": len(self.input.encode("utf-8", "surrogatepass")),
            "ok": self.ok,
            "engines": {"llguidance": self.rejection is None, "lark": self.lark},
            "error": self.rejection.to_dict() if self.rejection else None,
            "lark_error": self.lark_rejection.to_dict() if self.lark_rejection else None,
            "tree": tree_to_json(self.tree) if self.tree is not None else None,
            "lark_unavailable": self.lark_unavailable,
        }


def _try(path: str, prompt: str, model: str, name: str | None, timeout: float) -> _Outcome:
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
    response_id = getattr(response, "id", None)
    outcome = _Outcome(
        model=getattr(response, "model", None) or model,
        response_id=response_id if isinstance(response_id, str) else None,
        status=status if isinstance(status, str) else None,
        tool=tool,
        input=text,
        rejection=tool.rejection(text),
    )
    _judge_lark(outcome)
    return outcome


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


def _judge_lark(outcome: _Outcome) -> None:
    tool = outcome.tool
    if tool.syntax == "regex":
        return
    parser = tool.local_parser
    if parser is None:
        outcome.lark_unavailable = tool.local_parser_error
        return
    from grammarkit.core.rejection import InputRejected

    try:
        outcome.tree = parser.parse(outcome.input)
        outcome.lark = True
    except InputRejected as exc:
        outcome.lark = False
        outcome.lark_rejection = exc.rejection


def _print_text(outcome: _Outcome) -> None:
    from grammarkit.runtime.errors import ToolInputError

    text, name = outcome.input, outcome.tool.name
    print(f"model: {outcome.model} (response {outcome.response_id or '?'})")
    if outcome.status and outcome.status != "completed":
        print(f"status: {outcome.status}")
    print(f"input ({len(text)} characters, {len(text.encode('utf-8', 'surrogatepass'))} bytes):")
    for row in _printable(text).split("\n"):
        print(f"  | {row}")
    if outcome.rejection is None:
        print("llguidance: accepted")
    else:
        err = ToolInputError.from_rejection(name, outcome.rejection)
        where = f" at byte {err.byte_offset} (line {err.line}, column {err.column})" if err.line is not None else ""
        print(f"llguidance: rejected{where}: {_printable(err.message)}")
    if outcome.tool.syntax == "regex":
        print("lark: not applicable (regex grammar)")
    elif outcome.lark is None:
        print(f"lark: not checked ({outcome.lark_unavailable})")
    elif outcome.lark_rejection is not None:
        err = ToolInputError.from_rejection(name, outcome.lark_rejection)
        print(f"lark: {_printable(str(err))}")
        for row in _printable(err.snippet).split("\n") if err.snippet else []:
            print(f"  | {row}")
    else:
        print("lark: accepted")
        for row in _tree_rows(outcome.tree, MAX_TREE_LINES):
            print(f"  {_printable(row)}")


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
