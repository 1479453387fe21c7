"""The :class:`Diagnostic` every rule reports, and its severities."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import Enum

from grammarkit.core.span import Span


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 2, "warning": 1, "info": 0}[self.value]


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
        )

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.code, self.message)

    def to_dict(self) -> dict:
        data = asdict(self)
        data.pop("extra")
        data.pop("path")
        data["severity"] = self.severity.value
        return {
            k: data[k]
            for k in (
                "code",
                "name",
                "severity",
                "message",
                "line",
                "column",
                "end_line",
                "end_column",
                "hint",
            )
        }

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
