"""lint_text for editors: the grammar's own diagnostics before the samples are checked,
and checkers and verdicts reused across calls."""

from __future__ import annotations

from grammarkit.lint.runner import lint_text
from grammarkit.samples.checker import CheckerCache, SampleChecker
from grammarkit.samples.files import Sample

GRAMMAR = 'start: "a" "b"\nUNUSED: "x"\n'


def samples(*inputs: str) -> list[Sample]:
    return [Sample(text, True, "", "s.toml", i, i) for i, text in enumerate(inputs, 1)]


def test_on_grammar_gets_the_grammars_diagnostics_first_and_the_result_is_complete():
    early = []
    result = lint_text(GRAMMAR, samples=samples("ab", "abc"), on_grammar=early.append)
    (first,) = early
    assert first.codes() == ["GK229"] and first.samples == []
    assert result.codes() == ["GK229", "GK300"]
    assert result.diagnostics == lint_text(GRAMMAR, samples=samples("ab", "abc")).diagnostics
    assert lint_text(GRAMMAR, on_grammar=early.append).codes() == ["GK229"] and len(early) == 1  # no samples


def test_on_grammar_comes_before_the_samples_are_read():
    events = []

    class Stream:  # a samples stream: reading it is checking it
        def __iter__(self):
            events.append("samples read")
            yield from samples("ab", "abc")

    result = lint_text(GRAMMAR, samples=Stream(), on_grammar=lambda r: events.append("on_grammar"))
    assert events == ["on_grammar", "samples read"]
    assert result.codes() == ["GK229", "GK300"]


def test_unused_suppression_is_judged_with_the_samples_findings():
    text = 'start: "a" %json {"type": "string"} // grammarkit: ignore[GK227]\n'
    early = []
    final = lint_text(text, samples=samples("a\"x\""), on_grammar=early.append)
    assert "GK290" not in early[0].codes() and "GK290" not in final.codes()


def test_checker_cache_reuses_checkers_and_verdicts(monkeypatch):
    cache = CheckerCache(size=2)
    lint_text(GRAMMAR, samples=samples("ab", "abc"), sample_checker=cache)
    checked = []
    original = SampleChecker.check

    def counting(self, sample, *, use_lark=True):
        checked.append(sample.input)
        return original(self, sample, use_lark=use_lark)

    monkeypatch.setattr(SampleChecker, "check", counting)
    again = lint_text(GRAMMAR, samples=samples("abc", "ab", "zz"), sample_checker=cache)
    assert checked == ["zz"]  # only the new input ran
    assert [d.line for d in again.diagnostics if d.code == "GK300"] == [1, 3]  # bound to the new samples
    assert 'sample 1 "abc" should be accepted' in again.diagnostics[1].message
    lint_text('start: "q"\n', samples=samples("q"), sample_checker=cache)
    lint_text('start: "r"\n', samples=samples("r"), sample_checker=cache)
    assert len(cache) == 2


def test_checking_stops_when_asked():
    import pytest

    from grammarkit.samples.checker import CheckCancelled

    cache = CheckerCache()
    asked = []

    def stop() -> bool:
        asked.append(1)
        return len(asked) > 1

    cache.should_stop = stop
    with pytest.raises(CheckCancelled):
        lint_text(GRAMMAR, samples=samples("ab", "abc", "abcd"), sample_checker=cache)
    cache.should_stop = None
    result = lint_text(GRAMMAR, samples=samples("ab", "abc"), sample_checker=cache)
    assert result.codes() == ["GK229", "GK300"]  # the first verdict was kept, the rest checked now
