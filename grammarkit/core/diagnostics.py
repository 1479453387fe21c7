"""The :class:`Diagnostic` every rule reports, its severities, and what may come with it:
a :class:`Fix` (edits that remove it, safe or unsafe) and a :class:`Witness` (an input
llguidance judged, proving what the message claims about the language)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Literal

from grammarkit.core.span import LineIndex, Span


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 2, "warning": 1, "info": 0}[self.value]


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the characters ``[start, end)`` of a text with ``replacement``."""

    start: int
    end: int
    replacement: str

    def to_dict(self, index: LineIndex | None = None) -> dict:
        data: dict = {"start": self.start, "end": self.end, "replacement": self.replacement}
        if index is not None:
            span = index.span(self.start, self.end)
            data.update(line=span.line, column=span.column, end_line=span.end_line, end_column=span.end_column)
        return data


Safety = Literal["safe", "unsafe"]


@dataclass(frozen=True, slots=True)
class Fix:
    """Edits that remove a diagnostic. ``safe``: the grammar accepts the same inputs after
    it; ``unsafe``: what it accepts changes (a bound added, ``\\d`` made ASCII, a priority
    dropped), so it is applied only when asked for. ``title`` says what it does, for
    people and for an editor's code action."""

    title: str
    edits: tuple[Edit, ...]
    safety: Safety = "safe"

    def apply(self, text: str) -> str:
        """``text`` with the edits made (they must not overlap)."""
        out = text
        for edit in sorted(self.edits, key=lambda e: (e.start, e.end), reverse=True):
            out = out[: edit.start] + edit.replacement + out[edit.end :]
        return out

    def overlaps(self, other: Fix) -> bool:
        return any(a.start < b.end and b.start < a.end or a.start == b.start for a in self.edits for b in other.edits)

    def to_dict(self, index: LineIndex | None = None) -> dict:
        return {"title": self.title, "safety": self.safety, "edits": [e.to_dict(index) for e in self.edits]}


@dataclass(frozen=True, slots=True)
class Witness:
    """An input that proves a diagnostic's claim about the language, with llguidance's
    verdict on it (``accepted`` True or False, as the message says), checked before the
    diagnostic was reported."""

    input: str
    accepted: bool
    note: str = ""  # what it shows, in words

    def to_dict(self) -> dict:
        return {"input": self.input, "accepted": self.accepted, "note": self.note}


@dataclass(slots=True)
class Diagnostic:
    """One problem found in one grammar.

    ``line``/``column`` are 1-based and count characters; ``end_column`` is exclusive.
    """

    code: str
    name: str
    severity: Severity
    message: str
    line: int
    column: int
    end_line: int
    end_column: int
    hint: str = ""
    path: str = "<string>"
    extra: dict = field(default_factory=dict, compare=False, repr=False)
    fix: Fix | None = field(default=None, compare=False, repr=False)
    witness: Witness | None = field(default=None, compare=False, repr=False)

    @classmethod
    def at(
        cls,
        span: Span,
        *,
        code: str,
        name: str,
        severity: Severity,
        message: str,
        hint: str = "",
        path: str = "<string>",
        fix: Fix | None = None,
        witness: Witness | None = None,
    ) -> Diagnostic:
        return cls(
            code=code,
            name=name,
            severity=severity,
            message=message,
            line=span.line,
            column=span.column,
            end_line=span.end_line,
            end_column=span.end_column,
            hint=hint,
            path=path,
            fix=fix,
            witness=witness,
        )

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.code, self.message)

    def to_dict(self, index: LineIndex | None = None) -> dict:
        """The JSON form; ``fix`` and ``witness`` appear when there is one (``index``, the
        grammar's line index, adds lines and columns to a fix's edits)."""
        data: dict[str, object] = {
            "code": self.code,
            "name": self.name,
            "severity": self.severity.value,
            "message": self.message,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "hint": self.hint,
        }
        if self.fix is not None:
            data["fix"] = self.fix.to_dict(index)
        if self.witness is not None:
            data["witness"] = self.witness.to_dict()
        return data

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.code} {self.message}"


@dataclass(slots=True)
class Finding:
    """One problem a rule found: where, what, and how to fix it.

    ``path`` is set when the place is in another file than the grammar (a samples
    file); ``snippet`` is extra context to show (e.g. a sample input with a caret)."""

    span: Span
    message: str
    hint: str = ""
    path: str | None = None
    snippet: str = ""
    fix: Fix | None = None
    witness: Witness | None = None
