"""Fixpoints over a grammar's productions, in rounds, re-evaluating only what changed.

The analyses relax their facts (shortest lengths, summaries, contexts) by sweeping the
productions in order, round after round, until a round changes nothing: each production
sees the values the productions before it set in the same round. :func:`sweep` gives
exactly the same sequence of updates, but evaluates a production only when one of the
values it reads has changed since it was last evaluated (an evaluation with unchanged
inputs can change nothing). A round then costs what changes in it, not the size of the
grammar, so a chain of 10,000 rules, which needs 10,000 rounds, is linear.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


def sweep(
    count: int,
    readers: Mapping[K, Sequence[int]],
    step: Callable[[int], Iterable[K] | None],
    initial: Iterable[int] | None = None,
) -> None:
    """Relax items ``0 .. count-1`` to a fixpoint, in rounds in item order.

    ``step(i)`` evaluates item ``i`` and returns the keys whose values it changed (or
    None); ``readers[key]`` lists the items whose evaluation reads ``key``. An item is
    evaluated again in the same round when an earlier item of the round changed what it
    reads, and in the next round when a later one (or itself) did: the order of a sweep
    over every item in every round, without the evaluations that could change nothing.
    ``initial``, when given, holds the items whose first evaluation can change anything
    (the others are evaluated once something they read changes).
    """
    current = list(range(count)) if initial is None else sorted(set(initial))  # sorted: a heap
    while current:
        queued = set(current)
        later: set[int] = set()
        while current:
            i = heapq.heappop(current)
            changed = step(i)
            if not changed:
                continue
            for key in changed:
                for j in readers.get(key, ()):
                    if j > i:
                        if j not in queued:
                            queued.add(j)
                            heapq.heappush(current, j)
                    else:
                        later.add(j)
        current = sorted(later)
