"""Regex literals written alike are checked once (LintContext.each_regex): the findings
moved to the others must be the ones checking each literal on its own gives."""

from __future__ import annotations

import pytest

from grammarkit.lint.context import LintContext
from grammarkit.lint.runner import lint_text

# Each pattern is written several times, at different lines and columns, and gives
# findings (with fixes for some) from the regex rules.
PATTERNS = [
    "(?=x)[a-z]+?",  # GK101 lookaround, GK102 lazy (fix)
    "(?!-)[a-z-]{1,8}",  # GK101 with its exclusion fix
    "a{,3}\\Z",  # GK210 Python-only spellings (fixes)
    "x++y",  # GK211 possessive in Python
    "(?u:\\d){1,3}|[[:alpha:]]{1,3}",  # GK212 Rust-only
    "ab|abc",  # GK215 alternation order
    "[^tab]{1,9}",  # GK214 a negated "word"
]


def _grammar() -> str:
    names = [f"T{i}_{j}" for j in range(3) for i in range(len(PATTERNS))]
    lines = ["start: " + " ".join(names)]
    for j in range(3):
        for i, pattern in enumerate(PATTERNS):
            pad = " " * j  # the same literal at another column too
            flags = "i" if j == 2 and i == 5 else ""
            lines.append(f"T{i}_{j}:{pad} /{pattern}/{flags}")
    return "\n".join(lines) + "\n"


def _each_site_alone(self, check_site):
    for site in self.regex_sites:
        yield from check_site(site)


def _shapes(result):
    return [
        (d.code, d.line, d.column, d.end_line, d.end_column, d.message, d.hint, d.fix, d.witness)
        for d in result.diagnostics
    ]


def test_moved_findings_are_those_of_each_literal_checked_alone(monkeypatch):
    text = _grammar()
    shared = _shapes(lint_text(text))
    monkeypatch.setattr(LintContext, "each_regex", _each_site_alone)
    alone = _shapes(lint_text(text))
    assert shared == alone
    codes = {shape[0] for shape in shared}
    assert {"GK101", "GK102", "GK210", "GK211", "GK212", "GK214", "GK215"} <= codes


def test_a_repeated_literal_is_reported_at_each_place_with_its_own_fix():
    text = "start: A B\nA: /x+?/\nB:   /x+?/\n"
    result = lint_text(text)
    lazy = [d for d in result.diagnostics if d.code == "GK102"]
    assert [(d.line, d.column) for d in lazy] == [(2, 6), (3, 8)]
    assert [(e.start, e.end) for d in lazy for e in d.fix.edits] == [(17, 18), (28, 29)]
    fixed = text
    for d in reversed(lazy):
        fixed = d.fix.apply(fixed)
    assert fixed == "start: A B\nA: /x+/\nB:   /x+/\n"


@pytest.mark.parametrize("flags", ["", "i"])
def test_flags_keep_literals_apart(flags):
    # GK215 does not look at case-insensitive literals: the two must not share findings.
    text = f"start: A B\nA: /ab|abc/\nB: /ab|abc/{flags}\n"
    lines = [d.line for d in lint_text(text).diagnostics if d.code == "GK215"]
    assert lines == ([2, 3] if flags == "" else [2])


def test_unicode_classes_of_literals_written_alike_are_each_reported():
    # GK213 walks a literal written like an earlier one once, but confirms and reports
    # each with its own witness and place.
    text = 'start: A " " B\nA: /\\d{1,3}/\nB:  /\\d{1,3}/\n'
    found = [(d.line, d.column) for d in lint_text(text).diagnostics if d.code == "GK213"]
    assert found == [(2, 5), (3, 6)]
