"""The lint rules: one module per rule, its docstring is its documentation.

Every public module of this package (other than ``base``) is a rule. A rule module defines ``CODE``, ``NAME``, ``SEVERITY``, ``SYNTAXES`` (the grammar
syntaxes it applies to) and ``check(ctx)``, a generator of
:class:`~grammarkit.rules.base.Finding`. The module docstring has four parts — what it
flags, why, an example, and how to fix it — and is what ``grammarkit rules CODE`` prints.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import import_module

from .base import Finding, Rule



def rule_module_names() -> list[str]:
    """Every rule module in this package: the public modules other than ``base``."""
    import pkgutil

    return sorted(
        info.name
        for info in pkgutil.iter_modules(__path__)
        if not info.name.startswith("_") and info.name != "base"
    )


@lru_cache(maxsize=1)
def all_rules() -> tuple[Rule, ...]:
    """Every registered rule, in code order."""
    rules = [Rule.from_module(import_module(f"{__name__}.{name}")) for name in rule_module_names()]
    return tuple(sorted(rules, key=lambda r: r.code))


def matches(pattern: str, code: str, name: str) -> bool:
    """Whether ``pattern`` names the rule: ``ALL``, a code or code prefix (``GK1``), or the
    rule's name. Used by --select/--ignore, the configuration and suppressions alike."""
    p = pattern.strip()
    if not p:
        return False
    key = p.upper()
    return key == "ALL" or key.startswith("GK") and code.startswith(key) or p.lower() == name


def get_rule(code_or_name: str) -> Rule | None:
    key = code_or_name.strip()
    for rule in all_rules():
        if key.upper() == rule.code or key.lower() == rule.name:
            return rule
    return None


__all__ = ["Finding", "Rule", "all_rules", "get_rule", "matches", "rule_module_names"]
