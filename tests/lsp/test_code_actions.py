"""The quick fixes built from diagnostics: a diagnostic's own fix (safe or unsafe) and the
suppression comment (the server test drives the suppression end to end)."""

from __future__ import annotations

import pytest

pytest.importorskip("pygls")

from lsprotocol import types as t

from grammarkit.core.diagnostics import Diagnostic, Edit, Fix, Severity
from grammarkit.lsp.positions import TextPositions
from grammarkit.lsp.server import OpenDocument, code_actions, to_lsp

TEXT = 'start: X\nX: /😀[0-9]+/\n'
URI = "file:///g.lark"


def diagnostic(fix: Fix | None, code: str = "GK220") -> Diagnostic:
    return Diagnostic(code, "unbounded-terminal", Severity.WARNING, "unbounded", 2, 5, 2, 13, path="/g.lark", fix=fix)


def actions(d: Diagnostic) -> list[t.CodeAction]:
    doc = OpenDocument(URI, "/g.lark", TEXT, 3, "lark")
    lsp = to_lsp(d, TextPositions(TEXT))
    return code_actions(URI, doc, [(d, lsp)], lsp.range)


def test_a_safe_fix_is_the_preferred_quick_fix():
    fix = Fix("bound the repetition", (Edit(18, 19, "{1,10}"),))
    fixed, suppress = actions(diagnostic(fix))
    assert fixed.title == "bound the repetition" and fixed.is_preferred and fixed.kind == t.CodeActionKind.QuickFix
    (edit,) = fixed.edit.changes[URI]
    # character offset 18 is UTF-16 column 10 on line 1: the emoji counts 2
    assert edit.range == t.Range(start=t.Position(1, 10), end=t.Position(1, 11)) and edit.new_text == "{1,10}"
    assert suppress.title == "Suppress GK220 on this line"
    assert suppress.edit.changes[URI][0].new_text == "  // grammarkit: ignore[GK220]"


def test_an_unsafe_fix_says_so():
    (fixed, _) = actions(diagnostic(Fix("make \\d ASCII", (Edit(18, 19, "x"),), "unsafe")))
    assert fixed.title == "make \\d ASCII (unsafe: changes what the grammar accepts)" and not fixed.is_preferred


def test_no_suppression_for_an_unsuppressible_rule():
    assert actions(diagnostic(None, code="GK290")) == []
