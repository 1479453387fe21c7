"""What a rule is, and what it yields."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING

from ..diagnostics import Severity
from ..span import Span

if TYPE_CHECKING:
    from ..context import LintContext


@dataclass(slots=True)
class Finding:
    """One problem a rule found: where, what, and how to fix it."""

    span: Span
    message: str
    hint: str = ""


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    severity: Severity
    syntaxes: tuple[str, ...]
    check: Callable[["LintContext"], Iterable[Finding]]
    doc: str

    @classmethod
    def from_module(cls, module: ModuleType) -> "Rule":
        return cls(
            code=module.CODE,
            name=module.NAME,
            severity=module.SEVERITY,
            syntaxes=tuple(module.SYNTAXES),
            check=module.check,
            doc=inspect.cleandoc(module.__doc__ or ""),
        )

    @property
    def summary(self) -> str:
        """The first line of the documentation."""
        first = self.doc.strip().splitlines()[0] if self.doc.strip() else ""
        # "GK101 lookaround: summary" -> "summary"
        return first.split(":", 1)[1].strip() if ":" in first else first
