"""The one located rejection of a tool input, whichever engine gave it.

llguidance (what the model can emit) and the local Lark parser (what the application's
own parse does) both say "no" to inputs; samples, ``grammarkit parse``, ``grammarkit
sample``, :class:`~grammarkit.runtime.tool.CustomTool`, the stream checker, the language
server and the playground all report that "no" as a :class:`Rejection`, in one wording:

* ``unexpected 'x'; expected [0-9], "-"`` — a character that cannot come next;
* ``the input ends too early; expected ")"`` — every character matched, but the input is
  not complete;
* ``input is too long (20001 characters; the limit is 16000)``;
* ``input is nested too deeply to process``;
* ``llguidance could not check the input: too many expressions constructed`` (one of
  llguidance's internal limits, on this input);
* ``checking the input would take more than its budget (...)``.

Positions are 1-based lines and columns in characters, with the 0-based character and
UTF-8 byte offsets beside them. When llguidance stops inside a multi-byte character, the
rejection names that whole character, at its first byte. ``allowed`` is what llguidance
allows at that point (readable names: ``"a"``, ``[0-9]``, ``"é"``, ``end of input``);
``expected`` is what Lark expected there (terminal names or literals). The message shows
``allowed`` when llguidance gave it, else ``expected``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from grammarkit.core.errors import GrammarkitError
from grammarkit.core.span import byte_offset_to_position, caret_snippet, char_offset_to_position, utf8_bytes

Engine = Literal["llguidance", "lark", "limit"]
Kind = Literal["unexpected", "incomplete", "too_long", "nested", "engine_limit", "budget"]

MAX_CHOICES_SHOWN = 12


@dataclass(slots=True)
class Rejection:
    """Where and why an input was rejected (see the module documentation).

    ``line``, ``column`` and ``offset`` are ``None`` only for the kinds without a place
    (``too_long``, ``nested``); ``byte_offset`` is ``None`` when no engine worked in bytes.
    ``detail`` is said after the offending text (e.g. why a lone surrogate cannot match).
    """

    engine: Engine
    kind: Kind
    line: int | None = None
    column: int | None = None
    offset: int | None = None
    byte_offset: int | None = None
    found: str = ""
    allowed: list[str] = field(default_factory=list)
    expected: list[str] = field(default_factory=list)
    snippet: str = ""
    detail: str = ""
    length: int | None = None  # too_long: the input's length ...
    limit: int | None = None  # ... and the limit, in ``unit``
    unit: str = "characters"
    found_byte: int | None = None  # the offending byte, when it is no whole character (yet)

    # -- construction
    @classmethod
    def at_offset(
        cls,
        text: str,
        offset: int,
        *,
        engine: Engine,
        allowed: Sequence[str] = (),
        expected: Sequence[str] = (),
        byte_offset: int | None = None,
        incomplete: bool | None = None,
        detail: str = "",
    ) -> Rejection:
        """A rejection at character ``offset`` of ``text`` (at or past the end: the input
        ends too early, unless ``incomplete`` says otherwise)."""
        offset = max(0, min(offset, len(text)))
        at_end = offset >= len(text) if incomplete is None else incomplete
        line, column = char_offset_to_position(text, offset)
        if byte_offset is None and engine == "llguidance":
            byte_offset = len(utf8_bytes(text[:offset]))
        return cls(
            engine,
            "incomplete" if at_end else "unexpected",
            line,
            column,
            offset,
            byte_offset,
            "" if at_end or offset >= len(text) else text[offset],
            list(allowed),
            list(expected),
            caret_snippet(text, line, column),
            detail,
        )

    @classmethod
    def at_byte(
        cls,
        text: str,
        byte_offset: int,
        *,
        engine: Engine = "llguidance",
        allowed: Sequence[str] = (),
        incomplete: bool = False,
        detail: str = "",
    ) -> Rejection:
        """A rejection at UTF-8 byte ``byte_offset`` of ``text`` (as
        :func:`~grammarkit.core.span.utf8_bytes` encodes it). A byte inside a character
        names that whole character; ``byte_offset`` is moved to its first byte."""
        _, _, offset = byte_offset_to_position(text, byte_offset)
        start = len(utf8_bytes(text[:offset]))
        return cls.at_offset(
            text, offset, engine=engine, allowed=allowed, byte_offset=start, incomplete=incomplete, detail=detail
        )

    @classmethod
    def too_long(cls, length: int, limit: int, *, engine: Engine = "limit", unit: str = "characters") -> Rejection:
        return cls(engine, "too_long", length=length, limit=limit, unit=unit)

    @classmethod
    def nested(cls, *, engine: Engine = "limit") -> Rejection:
        return cls(engine, "nested")

    @classmethod
    def engine_failure(cls, reason: str) -> Rejection:
        """llguidance hit one of its internal limits on this input (it says which)."""
        return cls("llguidance", "engine_limit", detail=reason)

    @classmethod
    def over_budget(cls, what: str) -> Rejection:
        """Checking the input would take more than its budget (``what``: which one)."""
        return cls("limit", "budget", detail=what)

    # -- reading
    @property
    def at_end(self) -> bool:
        return self.kind == "incomplete"

    @property
    def choices(self) -> list[str]:
        """What could have come instead: llguidance's ``allowed`` when known, else Lark's
        ``expected``."""
        return self.allowed or self.expected

    @property
    def summary(self) -> str:
        """The message without what was expected instead."""
        if self.kind == "too_long":
            return f"input is too long ({self.length} {self.unit}; the limit is {self.limit})"
        if self.kind == "nested":
            return "input is nested too deeply to process"
        if self.kind == "engine_limit":
            return f"llguidance could not check the input: {self.detail}"
        if self.kind == "budget":
            return f"checking the input would take more than its budget ({self.detail})"
        if self.at_end:
            return "the input ends too early"
        if not self.found and self.found_byte is not None:
            return f"unexpected byte 0x{self.found_byte:02x}{self.detail}"
        return f"unexpected {self.found!r}{self.detail}"

    @property
    def message(self) -> str:
        """The one wording (see the module documentation)."""
        text = self.summary
        choices = self.choices
        if choices:
            shown = choices[:MAX_CHOICES_SHOWN]
            text += "; expected " + ", ".join(shown) + (", ..." if len(choices) > MAX_CHOICES_SHOWN else "")
        return text

    @property
    def located(self) -> str:
        """``"at 1:5: message"``, or the message alone when there is no place."""
        if self.line is None:
            return self.message
        return f"at {self.line}:{self.column}: {self.message}"

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        return f"{self.line}:{self.column}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "engine": self.engine,
            "kind": self.kind,
            "message": self.message,
            "line": self.line,
            "column": self.column,
            "offset": self.offset,
            "byte_offset": self.byte_offset,
            "found": self.found,
            "allowed": list(self.allowed),
            "expected": list(self.expected),
            "at_end": self.at_end,
        }


class InputRejected(GrammarkitError):
    """An input an engine does not accept; ``rejection`` says where and why. The
    rejection's fields are readable on the exception too (``exc.line``, ``exc.message``)."""

    def __init__(self, rejection: Rejection) -> None:
        super().__init__(str(rejection))
        self.rejection = rejection

    def __getattr__(self, name: str) -> Any:
        if name == "rejection":  # not set yet (unpickling)
            raise AttributeError(name)
        return getattr(self.rejection, name)

    def __str__(self) -> str:
        return str(self.rejection)

    def to_dict(self) -> dict[str, Any]:
        return self.rejection.to_dict()


def disagreement(llguidance: bool | None, lark: bool | None) -> str | None:
    """How the two engines disagree on one input: ``"lark-rejects"`` when the model can
    emit it but the local Lark parser rejects it, ``"lark-accepts"`` when Lark accepts an
    input the model cannot emit, None when they agree or one did not run."""
    if llguidance is None or lark is None or llguidance == lark:
        return None
    return "lark-rejects" if llguidance else "lark-accepts"
