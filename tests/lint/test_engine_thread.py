"""llguidance compiles on another thread while the rules run (LintContext.start_engine)."""

from __future__ import annotations

import threading

import pytest

from grammarkit.lint.context import LintContext
from grammarkit.lint.runner import lint_text
from grammarkit.llg.compile import compile_report


def test_the_verdict_from_the_thread_is_the_compile_report():
    text = 'start: A\nA: /(?=a)b/\n'
    ctx = LintContext(text=text, syntax="lark")
    ctx.start_engine()
    ctx.start_engine()  # once is enough: the second call starts nothing
    assert ctx.engine == compile_report("lark", text)
    assert "_engine_pending" not in ctx.__dict__


def test_the_compile_runs_on_another_thread(monkeypatch):
    seen = []
    real = LintContext._compile

    def spy(self):
        seen.append(threading.current_thread() is threading.main_thread())
        return real(self)

    monkeypatch.setattr(LintContext, "_compile", spy)
    result = lint_text('start: "a"\n')
    assert seen == [False]
    assert result.diagnostics == []


def test_an_exception_on_the_thread_reaches_the_caller(monkeypatch):
    def broken(self):
        raise RuntimeError("compile broke")

    monkeypatch.setattr(LintContext, "_compile", broken)
    with pytest.raises(RuntimeError, match="compile broke"):
        lint_text('start: "a"\n')
