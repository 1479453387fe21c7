"""Random edits of a text, for differential tests of the readers (the descent reader
against the LALR one, the tokenizer against its reference)."""

from __future__ import annotations

import random


def mutants(text: str, rng: random.Random, count: int, pieces: list[str], *, cut: float, move: float) -> list[str]:
    """``count`` copies of ``text``, each with one edit: a stretch of up to 5 characters
    cut out (with probability ``cut``), copied elsewhere (up to ``move``), or one of
    ``pieces`` inserted (the rest)."""
    out = []
    for _ in range(count):
        i = rng.randrange(len(text))
        j = min(len(text), i + rng.randrange(1, 6))
        roll = rng.random()
        if roll < cut:
            out.append(text[:i] + text[j:])
        elif roll < move:
            k = rng.randrange(len(text))
            out.append(text[:k] + text[i:j] + text[k:])
        else:
            out.append(text[:i] + rng.choice(pieces) + text[i:])
    return out
