"""OpenAI custom tools whose input is constrained by a grammar.

:class:`CustomTool` holds one grammar (Lark or regex) as a tool the model can call. Creating
one lints and compiles the grammar (a broken grammar raises :class:`GrammarError` right
away, not when the API rejects the request); the tool gives the definitions for the
Responses and Chat Completions APIs and parses the inputs the model sends.

:func:`custom_tool_calls` finds the custom tool calls in a Responses or Chat Completions
result (SDK objects or plain dicts) as :class:`CustomToolCall` values.

Tool inputs are untrusted text: their size is bounded (``max_input_chars``), deep nesting
that exhausts Python's recursion becomes a :class:`ToolInputError`, and nothing in them is
ever evaluated. This module never imports ``openai``.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .diagnostics import Diagnostic

if TYPE_CHECKING:  # pragma: no cover
    from .lint import LintResult
    from .local_parser import InputRejected, LocalParser
    from .matcher import EngineMatcher, EngineVerdict

__all__ = [
    "API",
    "DEFAULT_MAX_INPUT_CHARS",
    "CustomTool",
    "CustomToolCall",
    "GrammarError",
    "ToolInputError",
    "custom_tool_calls",
    "validate_tool_name",
]

API = Literal["responses", "chat"]
APIS = ("responses", "chat")

DEFAULT_MAX_INPUT_CHARS = 16_000
"""Default bound on a tool input's length, in characters. The local Earley parse costs
roughly 0.3 ms and 7-8 KB of memory per character of input (measured on the bundled
``arithmetic.lark`` with a long ``1+1+...`` chain: 16,000 characters took about 5 s and
110 MB; 64,000 took 17.6 s and 504 MB), so this caps one parse at about 5 seconds. Raise it
per tool (``max_input_chars=``) only for grammars whose inputs are known to parse faster."""

_TOOL_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")


def validate_tool_name(name: object) -> str:
    """Return ``name`` if it is a valid OpenAI tool name, else raise ``ValueError``.

    The rule is the one the API documents for function names (which custom tools share):
    1 to 64 characters from ``a-z``, ``A-Z``, ``0-9``, ``_`` and ``-``.
    """
    if not isinstance(name, str):
        raise TypeError(f"a tool name must be a string, not {type(name).__name__}")
    if not _TOOL_NAME.fullmatch(name):
        if not name:
            problem = "it is empty"
        elif len(name) > 64:
            problem = f"it has {len(name)} characters (at most 64)"
        else:
            bad = next(c for c in name if not _TOOL_NAME.fullmatch(c))
            problem = f"{bad!r} is not allowed"
        raise ValueError(
            f"invalid tool name {name!r}: {problem}; use 1-64 characters from a-z, A-Z, 0-9, '_' and '-'"
        )
    return name


# --------------------------------------------------------------------------- errors


class GrammarError(ValueError):
    """The grammar of a :class:`CustomTool` has errors (lint diagnostics of severity error,
    or llguidance cannot compile it). ``diagnostics`` holds the error diagnostics (empty
    when llguidance failed for a reason the linter does not locate; ``reason`` says why)."""

    def __init__(
        self,
        tool: str,
        diagnostics: Sequence[Diagnostic] = (),
        *,
        reason: str = "",
        warnings: Sequence[Diagnostic] = (),
    ) -> None:
        self.tool = tool
        self.diagnostics: list[Diagnostic] = list(diagnostics)
        self.warnings: list[Diagnostic] = list(warnings)
        self.reason = reason
        super().__init__(self._render())

    def _render(self) -> str:
        n = len(self.diagnostics)
        if not n:
            return f"the grammar of tool {self.tool!r} cannot be used: {self.reason}"
        lines = [f"the grammar of tool {self.tool!r} has {n} error{'s' if n != 1 else ''}:"]
        for d in self.diagnostics:
            lines.append(f"  {d}")
            if d.hint:
                lines.append(f"    hint: {d.hint}")
        return "\n".join(lines)


class ToolInputError(ValueError):
    """A tool input the grammar does not accept (or one too long or too deeply nested).

    ``str(error)`` is one stable line, e.g. ``input rejected at 1:5: unexpected 'x';
    expected NUMBER``. ``line``/``column`` are 1-based and count characters, ``offset`` is
    the 0-based character offset (all ``None`` when there is no position, as for
    ``kind="too_long"`` and ``kind="nested"``). ``byte_offset`` is the UTF-8 byte offset
    when llguidance gave the verdict. ``source`` says who rejected the input: ``"lark"``
    (the local Lark parser), ``"llguidance"`` or ``"limit"``.
    """

    def __init__(
        self,
        message: str,
        *,
        tool: str = "",
        kind: Literal["syntax", "too_long", "nested"] = "syntax",
        source: Literal["lark", "llguidance", "limit"] = "lark",
        line: int | None = None,
        column: int | None = None,
        offset: int | None = None,
        byte_offset: int | None = None,
        found: str = "",
        expected: Sequence[str] = (),
        at_end: bool = False,
        snippet: str = "",
    ) -> None:
        self.message = message
        self.tool = tool
        self.kind = kind
        self.source = source
        self.line = line
        self.column = column
        self.offset = offset
        self.byte_offset = byte_offset
        self.found = found
        self.expected = list(expected)
        self.at_end = at_end
        self.snippet = snippet
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.line is not None:
            return f"input rejected at {self.line}:{self.column}: {self.message}"
        return f"input rejected: {self.message}"

    def to_dict(self) -> dict:
        return {
            "tool": self.tool,
            "kind": self.kind,
            "source": self.source,
            "message": self.message,
            "line": self.line,
            "column": self.column,
            "offset": self.offset,
            "byte_offset": self.byte_offset,
            "found": self.found,
            "expected": self.expected,
            "at_end": self.at_end,
        }

    @classmethod
    def _from_rejection(cls, tool: str, exc: InputRejected) -> ToolInputError:
        if exc.message.startswith("input is nested too deeply"):
            return cls(exc.message, tool=tool, kind="nested", source="limit")
        return cls(
            exc.message,
            tool=tool,
            line=exc.line,
            column=exc.column,
            offset=exc.offset,
            found=exc.found,
            expected=exc.expected,
            at_end=exc.at_end,
            snippet=exc.snippet,
        )

    @classmethod
    def _from_verdict(
        cls, tool: str, text: str, verdict: EngineVerdict, expected: Sequence[str] = ()
    ) -> ToolInputError:
        from .local_parser import caret_snippet

        if verdict.too_long:
            return cls(
                f"input is too long ({verdict.length} bytes)", tool=tool, kind="too_long", source="limit"
            )
        byte_offset = verdict.length if verdict.ended_early else verdict.stopped_at or 0
        from .matcher import byte_offset_to_position

        line, column, offset = byte_offset_to_position(text, byte_offset)
        at_end = offset >= len(text)
        found = "" if at_end else text[offset]
        message = "the input ends too early" if at_end else f"unexpected {found!r}"
        if expected:
            message += "; expected " + ", ".join(expected)
        return cls(
            message,
            tool=tool,
            source="llguidance",
            expected=expected,
            line=line,
            column=column,
            offset=offset,
            byte_offset=byte_offset,
            found=found,
            at_end=at_end,
            snippet=caret_snippet(_printable_text(text), line, column),
        )


# --------------------------------------------------------------------------- the tool


class CustomTool:
    """An OpenAI custom tool whose input is constrained by a grammar.

    ``CustomTool(name, grammar, syntax="lark", description="", transformer=None)`` lints
    the grammar (:func:`grammarkit.lint.lint_text`) and compiles it with llguidance; error
    diagnostics raise :class:`GrammarError`, warnings stay in :attr:`warnings`. An invalid
    ``name`` raises ``ValueError``.

    ``transformer`` post-processes parsed inputs: a Lark ``Transformer`` (anything with a
    ``transform`` method; Lark grammars only) gets the parse tree, any other callable gets
    the parse result (the tree, or the text for regex tools). :meth:`parse` returns what
    it makes of the input.

    The object is safe to share between threads.
    """

    def __init__(
        self,
        name: str,
        grammar: str,
        *,
        syntax: Literal["lark", "regex"] = "lark",
        description: str = "",
        transformer: Any = None,
        max_input_chars: int = DEFAULT_MAX_INPUT_CHARS,
        _path: str | None = None,
    ) -> None:
        from .lint import lint_text

        self.name = validate_tool_name(name)
        if syntax not in ("lark", "regex"):
            raise ValueError(f"unknown grammar syntax {syntax!r} (expected 'lark' or 'regex')")
        if not isinstance(grammar, str):
            raise TypeError(f"the grammar must be a string, not {type(grammar).__name__}")
        if not isinstance(description, str):
            raise TypeError(f"the description must be a string, not {type(description).__name__}")
        if not isinstance(max_input_chars, int) or max_input_chars < 1:
            raise ValueError("max_input_chars must be a positive integer")
        self.grammar = grammar
        self.syntax = syntax
        self.description = description
        self.max_input_chars = max_input_chars
        self.path = _path
        self._transform, self._transform_is_lark = _transformer_call(transformer, syntax)
        self.transformer = transformer

        self.lint: LintResult = lint_text(grammar, syntax=syntax, path=_path or f"<tool {name}>")
        self.warnings: list[Diagnostic] = self.lint.warnings
        if self.lint.errors:
            raise GrammarError(name, self.lint.errors, warnings=self.warnings)
        self.matcher: EngineMatcher = self._compile()

        self._lock = threading.Lock()
        self._parser: LocalParser | None = None
        self._parser_error: str | None = None
        self._parser_built = syntax == "regex"
        if syntax == "regex":
            self._parser_error = "regex grammars are checked by llguidance, not parsed"
        if self._transform_is_lark:
            if self.local_parser is None:  # builds it now: the transformer needs a tree
                raise ValueError(
                    f"tool {name!r}: a Lark Transformer needs the local Lark parser, which is not "
                    f"available for this grammar ({self._parser_error}); pass a callable instead"
                )

    @classmethod
    def from_file(
        cls,
        path: str | os.PathLike[str],
        *,
        name: str | None = None,
        description: str = "",
        transformer: Any = None,
        syntax: Literal["lark", "regex"] | None = None,
        max_input_chars: int = DEFAULT_MAX_INPUT_CHARS,
    ) -> CustomTool:
        """A tool from a grammar file. ``name`` defaults to the file's stem; ``.regex``
        files are regex grammars (the whole file minus one trailing newline), anything else
        Lark unless ``syntax`` says otherwise. An unreadable file raises
        :class:`grammarkit.lint.InputError`."""
        from .lint import detect_syntax, read_grammar_file

        p = Path(path)
        chosen = syntax or detect_syntax(p) or "lark"
        text = read_grammar_file(p)
        if chosen == "regex":
            if text.endswith("\r\n"):
                text = text[:-2]
            elif text.endswith("\n"):
                text = text[:-1]
        if name is None:
            name = p.stem
            if not _TOOL_NAME.fullmatch(name):
                raise ValueError(
                    f"{path}: the file name {name!r} is not a valid tool name "
                    "(1-64 characters from a-z, A-Z, 0-9, '_' and '-'); pass name=..."
                )
        return cls(
            name,
            text,
            syntax=chosen,
            description=description,
            transformer=transformer,
            max_input_chars=max_input_chars,
            _path=str(path),
        )

    def _compile(self) -> EngineMatcher:
        from .matcher import EngineMatcher, MatcherUnavailable

        try:
            return EngineMatcher(self.grammar, syntax=self.syntax, max_input_bytes=4 * self.max_input_chars)
        except MatcherUnavailable as exc:
            raise GrammarError(self.name, reason=f"llguidance cannot compile it: {exc.reason}") from None

    def __repr__(self) -> str:
        return f"CustomTool(name={self.name!r}, syntax={self.syntax!r})"

    # ------------------------------------------------------------ API definitions
    def to_responses(self) -> dict:
        """The tool definition for the Responses API (``tools=[...]``)."""
        return {
            "type": "custom",
            "name": self.name,
            "description": self.description,
            "format": {"type": "grammar", "syntax": self.syntax, "definition": self.grammar},
        }

    def to_chat(self) -> dict:
        """The tool definition for the Chat Completions API (``tools=[...]``)."""
        return {
            "type": "custom",
            "custom": {
                "name": self.name,
                "description": self.description,
                "format": {"type": "grammar", "grammar": {"syntax": self.syntax, "definition": self.grammar}},
            },
        }

    def to_api(self, api: API = "responses") -> dict:
        return self.to_responses() if _check_api(api) == "responses" else self.to_chat()

    def tool_choice(self, api: API = "responses") -> dict:
        """``tool_choice`` that forces the model to call this tool."""
        if _check_api(api) == "responses":
            return {"type": "custom", "name": self.name}
        return {"type": "custom", "custom": {"name": self.name}}

    # ------------------------------------------------------------ inputs
    @property
    def local_parser(self) -> LocalParser | None:
        """The local Lark parser (built on first use, then cached), or ``None`` for regex
        tools and grammars with no Lark equivalent (:attr:`local_parser_error` says why)."""
        if not self._parser_built:
            with self._lock:
                if not self._parser_built:
                    from .local_parser import LocalParser, ParserUnavailable

                    try:
                        self._parser = LocalParser(self.grammar, max_input_chars=self.max_input_chars)
                    except ParserUnavailable as exc:
                        self._parser_error = exc.reason
                    except (Exception, RecursionError) as exc:  # noqa: BLE001 - llguidance still judges inputs
                        self._parser_error = f"the local parser cannot be built: {type(exc).__name__}: {exc}"
                    self._parser_built = True
        return self._parser

    @property
    def local_parser_error(self) -> str | None:
        """Why there is no local Lark parser (``None`` when there is one)."""
        _ = self.local_parser
        return self._parser_error

    def check(self, text: str | bytes) -> EngineVerdict:
        """llguidance's verdict on ``text``: could the model have produced it? (A ``str``
        is fed as its UTF-8 bytes; a lone surrogate, which has no UTF-8 form, goes in as
        its 3-byte encoding, which no grammar matches, so the verdict is a rejection
        there.)"""
        with self._lock:
            return self.matcher.check(text)

    def parse(self, text: str) -> Any:
        """Parse a tool input the model produced.

        Returns the Lark parse tree (with the grammar's rule and terminal names), or, for
        regex tools and Lark grammars the local parser cannot read (e.g. ``%json``), the
        text itself once llguidance accepts it; then the transformer's result, if the tool
        has one. Raises :class:`ToolInputError` for input the grammar rejects, input longer
        than ``max_input_chars``, input that is not valid Unicode (a lone surrogate, which
        the SDK makes of a JSON ``"\\ud800"``; the model cannot emit it, so it is rejected
        at its position whatever the local parser would say) and input nested too deeply
        to process. Threads may parse at the same time.
        """
        if not isinstance(text, str):
            raise TypeError(f"a tool input must be a string, not {type(text).__name__}")
        if len(text) > self.max_input_chars:
            raise ToolInputError(
                f"input is too long ({len(text)} characters; the limit is {self.max_input_chars})",
                tool=self.name,
                kind="too_long",
                source="limit",
            )
        bad = _LONE_SURROGATE.search(text)
        if bad is not None:  # not UTF-8: the model cannot emit it, whatever Lark would say
            raise _not_utf8(self.name, text, bad.start())
        parser = self.local_parser
        if parser is None:
            verdict = self.check(text)
            if not verdict.accepted:
                expected = self._engine_expected(text, verdict)
                raise ToolInputError._from_verdict(self.name, text, verdict, expected)
            value: Any = text
        else:
            from .local_parser import InputRejected

            try:
                # no lock: Lark's Earley parse keeps all its state in the call (the Lark
                # object is only read), so threads parse at the same time
                value = parser.parse(text)
            except InputRejected as exc:
                raise ToolInputError._from_rejection(self.name, exc) from None
        if self._transform is None:
            return value
        try:
            return self._transform(value)
        except RecursionError:
            raise _too_deep(self.name) from None
        except Exception as exc:
            orig = getattr(exc, "orig_exc", None)  # lark.exceptions.VisitError
            if isinstance(orig, RecursionError):
                raise _too_deep(self.name) from None
            if orig is not None and type(exc).__name__ == "VisitError":
                raise orig from exc
            raise

    def _engine_expected(self, text: str, verdict: EngineVerdict) -> list[str]:
        """What llguidance allows where it stopped (``[]`` when that is not available)."""
        allowed_after = getattr(self.matcher, "allowed_after", None)
        if allowed_after is None or verdict.too_long:
            return []
        try:
            from .matcher import describe_bytes

            raw = text.encode("utf-8", "surrogatepass")
            end = verdict.length if verdict.ended_early else verdict.stopped_at or 0
            with self._lock:
                allowed, can_end = allowed_after(raw[:end])
            return list(describe_bytes(allowed, can_end))
        except Exception:  # noqa: BLE001 - the expectation is a nicety, the verdict stands
            return []

    def _fresh_matcher(self):
        """A new ``llguidance.LLMatcher`` for this grammar in its initial state."""
        with self._lock:
            m = self.matcher.raw.deep_copy()
        m.reset()
        return m


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _not_utf8(tool: str, text: str, offset: int) -> ToolInputError:
    from .local_parser import caret_snippet

    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    found = text[offset]
    return ToolInputError(
        f"unexpected {found!r} (a lone surrogate, which has no UTF-8 form: the model cannot emit it)",
        tool=tool,
        source="llguidance",
        line=line,
        column=column,
        offset=offset,
        byte_offset=len(text[:offset].encode("utf-8")),
        found=found,
        snippet=caret_snippet(_printable_text(text), line, column),
    )


def _printable_text(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD (one character for one, so
    columns stay), so that it can be written out as UTF-8."""
    return _LONE_SURROGATE.sub("\ufffd", text)


def _too_deep(tool: str) -> ToolInputError:
    return ToolInputError("input is nested too deeply to process", tool=tool, kind="nested", source="limit")


def _transformer_call(transformer: Any, syntax: str) -> tuple[Callable[[Any], Any] | None, bool]:
    if transformer is None:
        return None, False
    transform = getattr(transformer, "transform", None)
    if callable(transform) and not isinstance(transformer, type):
        if syntax == "regex":
            raise TypeError("a Lark Transformer needs a Lark grammar; for regex tools pass a callable taking the text")
        return transform, True
    if isinstance(transformer, type) and callable(getattr(transformer, "transform", None)):
        raise TypeError("pass a Transformer instance (e.g. MyTransformer()), not the class")
    if callable(transformer):
        return transformer, False
    raise TypeError(f"transformer must be a Lark Transformer or a callable, not {type(transformer).__name__}")


def _check_api(api: str) -> str:
    if api not in APIS:
        raise ValueError(f"unknown API {api!r} (expected 'responses' or 'chat')")
    return api


# --------------------------------------------------------------------------- calls


@dataclass(frozen=True, slots=True)
class CustomToolCall:
    """One custom tool call the model made.

    ``call_id`` is what the output must quote (Responses ``call_id``, Chat ``id``);
    ``id`` is the Responses output item id (``ctc_...``; ``None`` for Chat); ``api`` is
    ``"responses"`` or ``"chat"``; ``index`` is the call's position in the result's
    output (Responses ``output`` index, or position in Chat ``tool_calls``).
    """

    call_id: str
    name: str
    input: str
    api: API
    id: str | None = None
    namespace: str | None = None
    index: int = field(default=0, compare=False)

    def output_item(self, output: str) -> dict:
        """The item that sends ``output`` back to the model for this call."""
        if self.api == "responses":
            return {"type": "custom_tool_call_output", "call_id": self.call_id, "output": output}
        return {"role": "tool", "tool_call_id": self.call_id, "content": output}


def _get(obj: Any, key: str) -> Any:
    if isinstance(obj, dict):
        return obj.get(key)
    return getattr(obj, key, None)


def custom_tool_calls(response: Any) -> list[CustomToolCall]:
    """The custom tool calls in a model result, in order.

    ``response`` is a Responses result (an ``openai`` ``Response``, or a dict with
    ``output``: its items of type ``custom_tool_call``; other items such as reasoning,
    messages and function calls are skipped) or a Chat Completions result (a
    ``ChatCompletion`` or dict with ``choices``: ``choices[0].message.tool_calls`` of type
    ``custom``; a message object with ``tool_calls`` works too). Raises ``TypeError`` for
    anything else and ``ValueError`` for a malformed call: no id, no name, or an input
    that is not a string.
    """
    calls = []
    for raw in _raw_calls(response):
        problem = raw.problem()
        if problem is not None:
            raise ValueError(f"malformed custom tool call at {raw.where}: {problem[1]}")
        calls.append(raw.to_call())
    return calls


@dataclass(frozen=True, slots=True)
class _RawCall:
    """One custom tool call item as found, before it is checked."""

    where: str  # e.g. "output[2]" or "tool_calls[0]"
    api: API
    index: int
    call_id: Any
    name: Any
    input: Any
    id: Any = None
    namespace: Any = None
    has_custom: bool = True  # Chat: the "custom" object is there

    def problem(self) -> tuple[Literal["call_id", "name", "input"], str] | None:
        """What makes the call malformed, as (field, description), or ``None``."""
        id_key = "call_id" if self.api == "responses" else "id"
        if not _nonempty_str(self.call_id):
            return "call_id", f"no {id_key!r}"
        if not self.has_custom:
            return "name", "no 'custom' object"
        if not _nonempty_str(self.name):
            return "name", "no 'name'" if self.name is None or self.name == "" else (
                f"'name' is {type(self.name).__name__}, not a string"
            )
        if not isinstance(self.input, str):
            return "input", "no 'input'" if self.input is None else (
                f"'input' is {type(self.input).__name__}, not a string"
            )
        return None

    def to_call(self) -> CustomToolCall:
        """The call, with an empty name or input where those are malformed (the call id
        must be good)."""
        return CustomToolCall(
            call_id=self.call_id,
            name=self.name if _nonempty_str(self.name) and self.has_custom else "",
            input=self.input if isinstance(self.input, str) else "",
            api=self.api,
            id=self.id if isinstance(self.id, str) else None,
            namespace=self.namespace if isinstance(self.namespace, str) else None,
            index=self.index,
        )


def _raw_calls(response: Any) -> list[_RawCall]:
    """Every custom tool call item in ``response``, well-formed or not (``TypeError`` for
    something that is not a model result)."""
    output = _get(response, "output")
    if isinstance(output, (list, tuple)):
        return [
            _RawCall(
                where=f"output[{i}]",
                api="responses",
                index=i,
                call_id=_get(item, "call_id"),
                name=_get(item, "name"),
                input=_get(item, "input"),
                id=_get(item, "id"),
                namespace=_get(item, "namespace"),
            )
            for i, item in enumerate(output)
            if _get(item, "type") == "custom_tool_call"
        ]
    choices = _get(response, "choices")
    if isinstance(choices, (list, tuple)):
        message = _get(choices[0], "message") if choices else None
    elif "tool_calls" in _keys(response):
        message = response
    else:
        raise TypeError(
            "expected a Responses result (with 'output') or a Chat Completions result (with 'choices'), "
            f"not {type(response).__name__}"
        )
    tool_calls = (_get(message, "tool_calls") if message is not None else None) or []
    raws = []
    for i, item in enumerate(tool_calls):
        if _get(item, "type") != "custom":
            continue
        custom = _get(item, "custom")
        raws.append(
            _RawCall(
                where=f"tool_calls[{i}]",
                api="chat",
                index=i,
                call_id=_get(item, "id"),
                name=_get(custom, "name") if custom is not None else None,
                input=_get(custom, "input") if custom is not None else None,
                has_custom=custom is not None,
            )
        )
    return raws


def _lenient_calls(response: Any) -> tuple[list[tuple[CustomToolCall, tuple[str, str] | None]], list[str]]:
    """For :class:`~grammarkit.ToolRouter`: the calls that can be answered (they have a call
    id), each with its problem (``("name" | "input", description)``, or ``None`` when it is
    well-formed), and a description of each call skipped because no output can be paired
    with it (no call id)."""
    answerable: list[tuple[CustomToolCall, tuple[str, str] | None]] = []
    skipped: list[str] = []
    for raw in _raw_calls(response):
        problem = raw.problem()
        if problem is not None and problem[0] == "call_id":
            skipped.append(f"{raw.where}: {problem[1]}")
            continue
        answerable.append((raw.to_call(), problem))
    return answerable, skipped


def _keys(obj: Any) -> set[str]:
    if isinstance(obj, dict):
        return set(obj)
    return {k for k in ("tool_calls",) if hasattr(obj, k)}


def _nonempty_str(value: Any) -> bool:
    return isinstance(value, str) and bool(value)
