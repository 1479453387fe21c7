"""Every rule is registered with a fixed code and documented in four parts."""

from __future__ import annotations

import re

import pytest

from grammarkit.core.diagnostics import Severity
from grammarkit.lint.registry import all_rules, get_rule

FIXED = {
    "GK100": ("syntax-error", Severity.ERROR),
    "GK101": ("lookaround", Severity.ERROR),
    "GK102": ("lazy-quantifier", Severity.ERROR),
    "GK103": ("priority", Severity.ERROR),
    "GK104": ("template", Severity.ERROR),
    "GK105": ("import", Severity.ERROR),
    "GK106": ("declare", Severity.ERROR),
    "GK107": ("unbounded-ignore", Severity.WARNING),
    "GK108": ("unsupported-directive", Severity.ERROR),
    "GK109": ("engine-rejected", Severity.ERROR),
    "GK110": ("empty-language", Severity.ERROR),
}


def test_fixed_codes_names_and_severities():
    for code, (name, severity) in FIXED.items():
        rule = get_rule(code)
        assert rule is not None, code
        assert (rule.name, rule.severity) == (name, severity)
        assert get_rule(name) is rule


def test_codes_and_names_are_unique_and_well_formed():
    rules = all_rules()
    assert len({r.code for r in rules}) == len(rules)
    assert len({r.name for r in rules}) == len(rules)
    for r in rules:
        assert re.fullmatch(r"GK[1-9]\d\d", r.code)
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", r.name)
        assert not (r.code.startswith("GK1") and r.code not in FIXED), "GK1xx is reserved for the fixed rules"


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.code)
def test_docstring_has_the_four_parts(rule):
    doc = rule.doc
    assert doc.splitlines()[0].startswith(f"{rule.code} {rule.name}: ")
    for part in ("**What it flags.**", "**Why.**", "**Example.**", "**Fix.**"):
        assert part in doc, f"{rule.code} lacks {part}"
    assert rule.summary and not rule.summary.endswith(":")
