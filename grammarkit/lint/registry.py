"""The rule registry: what a rule is, and every rule module found in :mod:`grammarkit.rules`.

Rules are found by name (every public module of the ``grammarkit.rules`` package), so
this module never imports a rule: rules sit above the lint engine, which loads them the
way pytest loads plugins."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING

from grammarkit.core.diagnostics import Finding, Severity

RULES_PACKAGE = "grammarkit.rules"

if TYPE_CHECKING:
    from grammarkit.lint.context import LintContext


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    severity: Severity
    syntaxes: tuple[str, ...]
    check: Callable[[LintContext], Iterable[Finding]]
    doc: str
    after_others: bool = False  # runs once every other rule's findings are known
    uses_samples: bool = False  # reads the samples' verdicts (runs after the grammar's own rules)
    # the llguidance errors this rule's findings explain (see GK109): by category of
    # grammarkit.llg.messages, or by message substring
    engine_categories: tuple[str, ...] = ()
    engine_messages: tuple[str, ...] = ()
    suppressible: bool = True  # inline suppression comments apply to it
    # the finding to report when every error explaining llguidance's rejection of the
    # grammar was deselected or suppressed (so that such a grammar never passes)
    fallback: Callable[[LintContext], Finding | None] | None = None

    @classmethod
    def from_module(cls, module: ModuleType) -> Rule:
        return cls(
            code=module.CODE,
            name=module.NAME,
            severity=module.SEVERITY,
            syntaxes=tuple(module.SYNTAXES),
            check=module.check,
            doc=inspect.cleandoc(module.__doc__ or ""),
            after_others=getattr(module, "AFTER_OTHERS", False),
            uses_samples=getattr(module, "USES_SAMPLES", False),
            engine_categories=tuple(getattr(module, "ENGINE_CATEGORIES", ())),
            engine_messages=tuple(getattr(module, "ENGINE_MESSAGES", ())),
            suppressible=getattr(module, "SUPPRESSIBLE", True),
            fallback=getattr(module, "fallback", None) if getattr(module, "FALLBACK", False) else None,
        )

    def explains(self, category: str, message: str) -> bool:
        """Whether this rule's findings explain an llguidance error."""
        return category in self.engine_categories or any(m in message for m in self.engine_messages)

    @property
    def summary(self) -> str:
        """The first line of the documentation."""
        first = self.doc.strip().splitlines()[0] if self.doc.strip() else ""
        # "GK101 lookaround: summary" -> "summary"
        return first.split(":", 1)[1].strip() if ":" in first else first


def rule_module_names() -> list[str]:
    """Every rule module: the public modules of the ``grammarkit.rules`` package."""
    import pkgutil

    package = import_module(RULES_PACKAGE)
    return sorted(info.name for info in pkgutil.iter_modules(package.__path__) if not info.name.startswith("_"))


@lru_cache(maxsize=1)
def all_rules() -> tuple[Rule, ...]:
    """Every registered rule, in code order."""
    rules = [Rule.from_module(import_module(f"{RULES_PACKAGE}.{name}")) for name in rule_module_names()]
    return tuple(sorted(rules, key=lambda r: r.code))


def get_rule(code_or_name: str) -> Rule | None:
    key = code_or_name.strip()
    for rule in all_rules():
        if key.upper() == rule.code or key.lower() == rule.name:
            return rule
    return None
