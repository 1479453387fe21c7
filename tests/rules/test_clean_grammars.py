"""No rule fires on well-written, real-world-shaped grammars (the hidden-case discipline),
nor on the bundled grammar library."""

from __future__ import annotations

from pathlib import Path

import pytest

from grammarkit.lint.runner import lint_file

ROOT = Path(__file__).resolve().parent.parent.parent
CLEAN = sorted((ROOT / "tests" / "fixtures" / "clean").glob("*.lark"))
BUNDLED = sorted(p for p in (ROOT / "grammars").iterdir() if p.suffix in (".lark", ".regex"))


@pytest.mark.parametrize("path", CLEAN + BUNDLED, ids=lambda p: p.name)
def test_no_diagnostics(path):
    result = lint_file(path)
    assert [str(d) for d in result.diagnostics] == []


def test_fixture_sets_are_not_empty():
    assert len(CLEAN) >= 4 and len(BUNDLED) >= 3
