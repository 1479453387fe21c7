"""The errors of the OpenAI runtime: a grammar that cannot serve as a tool, and a tool
input the tool refuses (both located, both :class:`grammarkit.errors.GrammarkitError`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from grammarkit.core.diagnostics import Diagnostic
from grammarkit.core.errors import GrammarkitError
from grammarkit.core.rejection import Rejection

# --------------------------------------------------------------------------- errors


class GrammarError(GrammarkitError, ValueError):
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


class ToolInputError(GrammarkitError, ValueError):
    """A tool input the grammar does not accept, or one that could not be checked.

    ``kind``: ``"syntax"`` (rejected by the grammar), ``"too_long"``, ``"nested"`` (too
    deeply nested to process), ``"engine_limit"`` (llguidance hit one of its internal
    limits on this input) or ``"budget"`` (checking it would take more than the tool's
    time or memory budget).

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
        kind: Literal["syntax", "too_long", "nested", "engine_limit", "budget"] = "syntax",
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
        self.rejection: Rejection | None = None  # set when built from one
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
    def from_rejection(cls, tool: str, rejection: Rejection) -> ToolInputError:
        """The error for a located :class:`~grammarkit.core.rejection.Rejection` (its
        wording, its place; ``expected`` is what could have come instead)."""
        kind: Literal["syntax", "too_long", "nested", "engine_limit", "budget"] = "syntax"
        if rejection.kind in ("too_long", "nested", "engine_limit", "budget"):
            kind = rejection.kind
        error = cls(
            rejection.message,
            tool=tool,
            kind=kind,
            source=rejection.engine if kind in ("syntax", "engine_limit") else "limit",
            line=rejection.line,
            column=rejection.column,
            offset=rejection.offset,
            byte_offset=rejection.byte_offset,
            found=rejection.found,
            expected=rejection.choices,
            at_end=rejection.at_end,
            snippet=rejection.snippet,
        )
        error.rejection = rejection
        return error


def not_utf8(tool: str, text: str, offset: int) -> ToolInputError:
    """A lone surrogate at ``offset``: no UTF-8 form, so the model cannot emit it."""
    rejection = Rejection.at_offset(
        text,
        offset,
        engine="llguidance",
        detail=" (a lone surrogate, which has no UTF-8 form: the model cannot emit it)",
    )
    return ToolInputError.from_rejection(tool, rejection)


def too_deep(tool: str) -> ToolInputError:
    return ToolInputError.from_rejection(tool, Rejection.nested())
