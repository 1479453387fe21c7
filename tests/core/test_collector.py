"""The shared pause of the garbage collector (grammarkit.core.collector)."""

from __future__ import annotations

import gc

from grammarkit.core import collector
from grammarkit.lint.runner import lint_text


def test_running_lets_the_collector_run_inside_a_pause():
    assert gc.isenabled()
    with collector.paused():
        assert not gc.isenabled()
        with collector.running():
            assert gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_running_keeps_a_pause_of_the_caller_and_an_outer_one():
    with collector.paused(), collector.paused(), collector.running():
        assert not gc.isenabled()  # the other pause still holds it
    gc.disable()
    try:
        with collector.paused(), collector.running():
            assert not gc.isenabled()  # paused by the caller before: stays paused
    finally:
        gc.enable()
    with collector.running():  # outside a pause: nothing changes
        assert gc.isenabled()
    assert gc.isenabled()


def test_a_lint_runs_no_collection_over_its_objects_and_leaves_no_cycles(monkeypatch):
    import weakref

    from grammarkit.lint.context import LintContext

    # Two terminals alike: GK222 proves its claim with llguidance (the witnesses helper,
    # which the lint context holds, is used).
    text = "start: " + " | ".join(f"T{i}" for i in range(300)) + "\n"
    text += "".join(f"T{i}: /[a-z]{{1,3}}/\n" for i in range(300))
    contexts = []
    real_init = LintContext.__init__

    def init(self, *args, **kwargs):
        contexts.append(weakref.ref(self))
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(LintContext, "__init__", init)
    gc.collect()
    during = []

    def note(phase, info):
        if phase == "start":
            during.append(any(ref() is not None for ref in contexts))

    gc.callbacks.append(note)
    try:
        result = lint_text(text)
    finally:
        gc.callbacks.remove(note)
    assert "GK222" in [d.code for d in result.diagnostics]
    assert contexts and True not in during  # no collection while the lint's objects lived
    assert contexts[0]() is None  # gone without the collector: no cycle held it
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        gc.collect()
        left = [type(o).__name__ for o in gc.garbage]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert "Witnesses" not in left


def test_samples_are_checked_with_the_collector_running():
    seen = []

    class Samples:
        def __iter__(self):
            seen.append(gc.isenabled())
            yield from []

    lint_text('start: "a"\n', samples=Samples())
    assert seen == [True]
    assert gc.isenabled()
