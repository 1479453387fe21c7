"""Rule patterns: how ``--select``, ``--ignore``, the configuration and suppression
comments name rules (``ALL``, a code or code prefix such as ``GK1``, or a rule's name)."""

from __future__ import annotations


def matches(pattern: str, code: str, name: str) -> bool:
    """Whether ``pattern`` names the rule: ``ALL``, a code or code prefix (``GK1``), or the
    rule's name. Used by --select/--ignore, the configuration and suppressions alike."""
    p = pattern.strip()
    if not p:
        return False
    key = p.upper()
    return key == "ALL" or key.startswith("GK") and code.startswith(key) or p.lower() == name
