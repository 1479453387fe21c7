"""Pulling ``custom_tool_call`` items out of model responses (Responses and Chat
Completions), strictly for users and leniently for the router.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from grammarkit.runtime.tool import API

if TYPE_CHECKING:  # pragma: no cover
    pass


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
    if not isinstance(tool_calls, (list, tuple)):
        # a single call object where a list belongs: still one call; anything else: none
        tool_calls = [tool_calls] if _get(tool_calls, "type") is not None else []
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


def lenient_calls(response: Any) -> tuple[list[tuple[CustomToolCall, tuple[str, str] | None]], list[str]]:
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
