"""The analyses' fixpoints at scale: ``sweep`` gives what a sweep over every item in
every round gives, FIRST/FOLLOW propagation reaches the same sets as a worklist, and deep
grammars are analysed to the end (no round limit cuts them short)."""

from __future__ import annotations

import random

from grammarkit.analysis import Analysis
from grammarkit.analysis.fixpoint import sweep
from grammarkit.analysis.flow import Flow
from grammarkit.lint.runner import lint_text
from grammarkit.reader import read_grammar


def _relax(system: tuple, full: bool) -> tuple[dict[int, int], list[tuple[int, int]]]:
    """Item ``i`` lowers value ``writes[i]`` to the least of ``seeds[i]`` and ``value[k] +
    weights[i]`` for the ``k`` it reads (a shortest-path relaxation); run by ``sweep``, or
    by the reference: every item in every round until a round changes nothing. Returns
    the values and every update, in order."""
    count, reads, writes, seeds, weights = system
    value: dict[int, int] = {}
    log: list[tuple[int, int]] = []

    def update(i: int):
        candidates = [value[k] + weights[i] for k in reads[i] if k in value]
        if seeds[i] is not None:
            candidates.append(seeds[i])
        if candidates and min(candidates) < value.get(writes[i], 1 << 30):
            value[writes[i]] = min(candidates)
            log.append((i, value[writes[i]]))
            return (writes[i],)
        return None

    if full:
        changed = True
        while changed:
            changed = False
            for i in range(count):
                if update(i):
                    changed = True
    else:
        readers: dict[int, list[int]] = {}
        for i, ks in enumerate(reads):
            for k in dict.fromkeys(ks):
                readers.setdefault(k, []).append(i)
        sweep(count, readers, update)
    return value, log


def test_sweep_matches_full_rounds_on_random_systems():
    # Both must reach the same values through the same updates in the same order.
    rng = random.Random(7)
    for _ in range(200):
        count = rng.randrange(1, 25)
        keys = rng.randrange(1, 10)
        system = (
            count,
            [rng.sample(range(keys), rng.randrange(0, min(keys, 3) + 1)) for _ in range(count)],
            [rng.randrange(keys) for _ in range(count)],
            [rng.choice([None, rng.randrange(0, 20)]) for _ in range(count)],
            [rng.randrange(0, 5) for _ in range(count)],
        )
        assert _relax(system, full=False) == _relax(system, full=True)


def _chain(n: int) -> str:
    return "start: r0\n" + "".join(f'r{i}: "a" r{i + 1}\n' for i in range(n - 1)) + f'r{n - 1}: "a"\n'


def test_a_deep_chain_is_analysed_to_its_end():
    # 600 rules deep: the old fixpoints stopped after 200/400 rounds and took the chain for
    # a grammar no input completes (GK110) until llguidance's search said otherwise.
    text = _chain(600)
    analysis = Analysis(read_grammar(text).grammar)
    scope = analysis.scopes[0]
    completable = analysis.greedy(scope).completable()
    assert completable is not None and completable["start"]
    sentences = analysis.sentences(scope)
    assert sentences.costs()["start"] == 600
    assert "GK110" not in lint_text(text).codes()


def test_first_and_follow_on_a_long_left_recursive_chain():
    n = 60
    text = "start: e0\n" + "".join(f'e{i}: e{i} "+{i}" e{i + 1} | e{i + 1}\n' for i in range(n)) + f'e{n}: "x"\n'
    flow = Flow(Analysis(read_grammar(text).grammar).scopes[0])
    # e_i can be followed by every "+j" with j <= i, and by the end of input
    follow = flow.follow_sets[f"e{n}"]
    assert {k[1] for k in follow if k[0] == "L"} == {f"+{i}" for i in range(n)}
    assert flow.first_sets["e0"] == {("L", "x", "")}
