"""A bounded search for an input llguidance accepts, over its byte masks.

Used to refute a claim that a grammar accepts no input (GK110): if the search finds an
accepted input, the claim is wrong and is not reported. The search cannot prove that
there is none (languages are infinite); it only looks hard in the right places:

1. the candidate inputs it is given (built from the grammar's rules), then
2. a breadth-first walk over prefixes, expanding at each point one byte of every *class*
   of allowed bytes (lower-case letters, upper-case letters, digits, each punctuation
   character, space, each line break or tab, and a non-ASCII lead byte) rather than
   every byte, and
3. greedy walks that prefer the bytes that lead to an end soonest.

Each step asks llguidance for one mask; ``budget`` bounds the number of masks computed
and ``seconds`` the time spent (masks get slow on long inputs of deeply recursive rules).
"""

from __future__ import annotations

import random
import time
from collections import deque

from grammarkit.llg.matcher import EngineMatcher

DEFAULT_BUDGET = 1500
DEFAULT_SECONDS = 0.5
MAX_BYTES = 48


def find_accepted(
    matcher: EngineMatcher,
    candidates: list[str] = (),  # type: ignore[assignment]
    *,
    budget: int = DEFAULT_BUDGET,
    seconds: float = DEFAULT_SECONDS,
    max_bytes: int = MAX_BYTES,
    seed: int = 0,
) -> str | None:
    """An input llguidance accepts (decoded as UTF-8, undecodable bytes replaced), or
    None when none was found within ``budget`` masks and ``seconds``."""
    for text in candidates:
        if matcher.check(text).accepted:
            return text
    deadline = time.monotonic() + seconds
    spent = 0
    queue: deque[bytes] = deque([b""])
    seen = {b""}
    bfs_budget = budget * 2 // 3
    while queue and spent < bfs_budget and time.monotonic() < deadline:
        prefix = queue.popleft()
        allowed, can_end = matcher.allowed_after(prefix)
        spent += 1
        if can_end:
            return prefix.decode("utf-8", "replace")
        if len(prefix) >= max_bytes:
            continue
        for b in _representatives(allowed):
            nxt = prefix + bytes([b])
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    rng = random.Random(seed)
    while spent < budget and time.monotonic() < deadline:
        # A walk keeps its own matcher and asks each mask of a copy (a mask where nothing
        # can follow puts a matcher in an error state).
        raw = matcher.raw
        raw.reset()
        walk = raw.deep_copy()
        prefix = b""
        while spent < budget and len(prefix) <= max_bytes and time.monotonic() < deadline:
            probe = walk.deep_copy()
            if probe.is_accepting():
                return prefix.decode("utf-8", "replace")
            mask = matcher.bitmask(probe)
            spent += 1
            if probe.is_error():
                break
            allowed = [b for b in range(255) if mask[b >> 3] >> (b & 7) & 1]
            if not allowed:
                break
            b = rng.choice(_representatives(allowed))
            if walk.try_consume_tokens([b]) < 1:
                break
            prefix += bytes([b])
    return None


def _representatives(allowed: list[int]) -> list[int]:
    """One byte per class of the allowed bytes (see the module documentation)."""
    out: list[int] = []
    classes: set[str] = set()
    for b in allowed:
        if 0x61 <= b <= 0x7A:
            cls = "lower"
        elif 0x41 <= b <= 0x5A:
            cls = "upper"
        elif 0x30 <= b <= 0x39:
            cls = "digit"
        elif b >= 0xC0:
            cls = "lead"
        elif b >= 0x80:
            cls = "continuation"
        else:
            cls = f"byte{b}"
        if cls not in classes:
            classes.add(cls)
            out.append(b)
    return out
