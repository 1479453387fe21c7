"""The errors of the OpenAI runtime: a grammar that cannot serve as a tool, and a tool
input the tool refuses (both located, both :class:`grammarkit.errors.GrammarkitError`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

from grammarkit.core.diagnostics import Diagnostic

if TYPE_CHECKING:  # pragma: no cover
    from grammarkit.llg.matcher import EngineVerdict
    from grammarkit.local.parser import InputRejected


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
        from grammarkit.core.span import caret_snippet

        if verdict.too_long:
            return cls(
                f"input is too long ({verdict.length} bytes)", tool=tool, kind="too_long", source="limit"
            )
        byte_offset = verdict.length if verdict.ended_early else verdict.stopped_at or 0
        from grammarkit.core.span import byte_offset_to_position

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



_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _not_utf8(tool: str, text: str, offset: int) -> ToolInputError:
    from grammarkit.core.span import caret_snippet

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
