"""The witness helper: llguidance's verdict on the inputs rules build to prove a claim."""

from __future__ import annotations

from grammarkit.analysis import Analysis
from grammarkit.lint.context import LintContext
from grammarkit.reader import read_grammar


def ctx(text: str, syntax: str = "lark") -> LintContext:
    return LintContext(text=text, syntax=syntax)  # type: ignore[arg-type]


def test_confirm_returns_a_witness_only_when_llguidance_agrees():
    c = ctx('start: "a" NAME\nNAME: /[a-z]{1,4}/\n')
    w = c.witnesses.confirm("ab", accepted=True, note="fine")
    assert w is not None and w.input == "ab" and w.accepted and w.note == "fine"
    assert c.witnesses.confirm("ab", accepted=False) is None
    assert c.witnesses.confirm("a1", accepted=False) is not None
    assert c.witnesses.confirm("a1", accepted=True) is None


def test_a_claimed_rejection_must_not_fail_before_the_place():
    c = ctx('start: "a" "b" TEXT\nTEXT: /[a-z]{1,4}/\n')
    # rejected at byte 1 ("x"), before the place the claim is about (byte 2)
    assert c.witnesses.confirm("axc!", accepted=False, prefix="ab") is None
    assert c.witnesses.confirm("abc!", accepted=False, prefix="ab") is not None


def test_verdicts_are_cached_and_one_matcher_is_built():
    c = ctx('start: "a"\n')
    w = c.witnesses
    assert w.verdict("a") is w.verdict("a")
    assert w.matcher() is w.matcher()


def test_a_grammar_llguidance_rejects_has_no_witnesses():
    c = ctx("start: undefined_rule\n")
    assert c.witnesses.matcher() is None
    assert c.witnesses.confirm("x", accepted=False) is None


def test_regex_grammars_are_judged_as_regex():
    c = ctx("[0-9]{2}\n", "regex")
    assert c.witnesses.confirm("12", accepted=True) is not None
    assert c.witnesses.confirm("123", accepted=False) is not None


def test_nested_grammars_are_judged_on_their_own():
    text = 'start: "<" sub ">"\nsub: %lark {\n  start: "q" NAME\n  NAME: /[a-z]{1,3}/\n}\n'
    c = ctx(text)
    scope = Analysis(read_grammar(text).grammar).scopes[1]
    assert c.witnesses.grammar(scope).strip().startswith('start: "q" NAME')
    assert c.witnesses.confirm("qab", accepted=True, scope=scope) is not None
    assert c.witnesses.confirm("<qab>", accepted=True, scope=scope) is None


def test_find_accepted_tries_candidates_then_searches():
    c = ctx('start: "x" ("y" | "z")\n')
    assert c.witnesses.find_accepted(["xz"]) == "xz"
    assert c.witnesses.find_accepted([]) in ("xy", "xz")
    empty = ctx('start: "x" start\n')
    assert empty.witnesses.find_accepted(["x"], budget=50) is None


def test_a_prepared_matcher_is_built_on_another_thread_and_used(monkeypatch):
    import threading

    from grammarkit.lint import witness

    built = []
    real = witness.EngineMatcher

    def spy(*args, **kwargs):
        built.append(threading.current_thread() is threading.main_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(witness, "EngineMatcher", spy)
    c = ctx('start: "a" NAME\nNAME: /[a-z]{1,4}/\n')
    c.start_engine()
    c.witnesses.prepare()
    c.witnesses.prepare()  # once is enough
    assert c.witnesses.confirm("ab", accepted=True) is not None
    assert c.witnesses.confirm("a1", accepted=False) is not None
    assert built == [False]  # one matcher, and not built on the main thread
    assert "_engine_pending" not in c.__dict__


def test_a_prepared_matcher_for_a_rejected_grammar_is_none():
    c = ctx("start: undefined_rule\n")
    c.witnesses.prepare()
    assert c.witnesses.matcher() is None


def test_an_exception_while_preparing_reaches_the_caller(monkeypatch):
    import pytest

    from grammarkit.lint import witness

    def broken(*args, **kwargs):
        raise RuntimeError("matcher broke")

    monkeypatch.setattr(witness, "EngineMatcher", broken)
    c = ctx('start: "a"\n')
    c.witnesses.prepare()
    with pytest.raises(RuntimeError, match="matcher broke"):
        c.witnesses.matcher()


def test_overlapping_terminals_prepare_their_matcher_before_the_contexts(monkeypatch):
    from grammarkit.analysis.flow import Flow
    from grammarkit.lint.runner import lint_text
    from grammarkit.lint.witness import Witnesses

    events = []
    real_prepare, real_contexts = Witnesses.prepare, Flow.contexts

    def prepare(self, scope=None):
        events.append("prepare")
        return real_prepare(self, scope)

    def contexts(self):
        events.append("contexts")
        return real_contexts(self)

    monkeypatch.setattr(Witnesses, "prepare", prepare)
    monkeypatch.setattr(Flow, "contexts", contexts)
    result = lint_text('start: A | B\nA: /[a-z]{1,3}/\nB: /[a-z]{1,3}/\n')
    assert [d.code for d in result.diagnostics] == ["GK222"]
    assert events.index("prepare") < events.index("contexts")  # the compile ran beside them
    events.clear()
    assert lint_text('start: A B\nA: /[a-z]{1,3}/\nB: /[0-9]{1,3}/\n').diagnostics == []
    assert "prepare" not in events  # no two terminals alike: nothing to judge, nothing started
