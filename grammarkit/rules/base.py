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
    """One problem a rule found: where, what, and how to fix it.

    ``path`` is set when the place is in another file than the grammar (a samples
    file); ``snippet`` is extra context to show (e.g. a sample input with a caret)."""

    span: Span
    message: str
    hint: str = ""
    path: str | None = None
    snippet: str = ""


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    severity: Severity
    syntaxes: tuple[str, ...]
    check: Callable[["LintContext"], Iterable[Finding]]
    doc: str
    after_others: bool = False  # runs once every other rule's findings are known
    # llguidance error messages (substrings) this rule's findings explain (see GK109)
    engine_messages: tuple[str, ...] = ()

    @classmethod
    def from_module(cls, module: ModuleType) -> "Rule":
        return cls(
            code=module.CODE,
            name=module.NAME,
            severity=module.SEVERITY,
            syntaxes=tuple(module.SYNTAXES),
            check=module.check,
            doc=inspect.cleandoc(module.__doc__ or ""),
            after_others=getattr(module, "AFTER_OTHERS", False),
            engine_messages=tuple(getattr(module, "ENGINE_MESSAGES", ())),
        )

    @property
    def summary(self) -> str:
        """The first line of the documentation."""
        first = self.doc.strip().splitlines()[0] if self.doc.strip() else ""
        # "GK101 lookaround: summary" -> "summary"
        return first.split(":", 1)[1].strip() if ":" in first else first
