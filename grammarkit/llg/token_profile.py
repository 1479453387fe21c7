"""What a grammar costs per generated token: llguidance's mask computation, step by step.

For every token a model generates under a grammar, llguidance computes a mask over the
whole vocabulary by walking the vocabulary's token trie against the grammar's lexer. With
a byte tokenizer that walk is trivial; with o200k (200,019 tokens) its cost depends on the
grammar, and some grammars cost hundreds of milliseconds per token. This module walks a
grammar the way a model does, with the model's vocabulary, and records each step.

What llguidance exposes per step (llguidance 1.9, ``LLInterpreter.compute_mask``, whose
JSON reply carries ``progress[-1].stats``, the parser's ``last_step_stats``): its own
clock time for parts of the step (``compute_time_us``, ``runtime_us``), the lexer fuel
spent building new lexer states (``lexer_cost``: what ``LLParserLimits.step_lexer_fuel`` limits), the Earley items
added (``all_items``: what ``step_max_items`` limits) and the trie nodes walked
(``trie_nodes_walked``). ``LLMatcher`` exposes none of these, so the walks run on an
``LLInterpreter`` (backtracking and fast-forward off: one mask per token, as a model that
samples every token needs). Lexer fuel is spent once per new lexer state, so the first
steps of a walk usually cost the most.

The walks run under :data:`PROFILE_LIMIT_FACTOR` times the default ``step_lexer_fuel``
and ``step_max_items``, so that a step over the default limits is measured (and reported
as over them) instead of stopping the walk; ``max_lexer_states`` stays at its default
(it counts states over a whole generation), and a walk that hits it stops there with
llguidance's error.

A step's time here is the CPU time of the ``compute_mask`` call (on the calling thread,
where llguidance computes the mask): a clock would also count the time spent waiting for a
core on a busy machine, which grows with the length of the step and skews ratios.
Times depend on the machine, so they are compared with a **baseline** measured in the same
run: the first mask of :data:`BASELINE_GRAMMAR` (free text up to a newline), one full walk
of the vocabulary with a trivial lexer. The worst steps are measured again (their walk's
prefix replayed on a fresh interpreter), each time right after a measurement of the
baseline, and the ratio is the median of those paired ratios: a busy machine slows both
members of a pair alike.

Also here: :func:`token_counts` (how many tokens the model spends on an input and which
stretches the grammar forces: llguidance's fast-forward tokens) and :func:`random_walk`
(random inputs drawn token by token from the mask).
"""

from __future__ import annotations

import json
import math
import random
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

BASELINE_GRAMMAR: Final = 'start: TEXT "\\n"\nTEXT: /[^\\n]+/\n'
"""The grammar whose first mask is the unit of cost: free text, then a newline."""

PROFILE_LIMIT_FACTOR: Final = 16
"""``step_lexer_fuel`` and ``step_max_items`` are raised this much while profiling."""

MAX_WALK_TOKENS: Final = 512
"""Inputs are walked up to this many tokens."""

DEFAULT_TIME_BUDGET: Final = 10.0
DEFAULT_GENERATED: Final = 6
"""Random walks added to the samples in a profile."""
DEFAULT_GENERATED_BYTES: Final = 160
GENERATED_STOP_PROBABILITY: Final = 0.1
LINT_TIME_BUDGET: Final = 8.0
"""Seconds ``check --tokenizer o200k`` spends profiling one grammar (at most)."""
LINT_MAX_SAMPLES: Final = 20
"""Samples walked by ``check --tokenizer o200k`` (the first ones), besides generated inputs."""
BASELINE_RUNS: Final = 7
REMEASURE_TOP: Final = 3
REMEASURE_RUNS: Final = 4

COMMON_TOKENS: Final = 32_768
COMMON_SHARE: Final = 0.85
"""Random walks draw from the first ``COMMON_TOKENS`` ids this often (in o200k mostly
English words, code and punctuation), else from the whole vocabulary."""

_ALLOWED: Final = b"\xc8"  # LLInterpreter's masks: one byte per token, 200 = allowed


# --------------------------------------------------------------------------- results


@dataclass(slots=True)
class Step:
    """One mask computation: before the walk's token ``index`` (``index == len(tokens)``:
    the last mask, where the model may end), after ``offset`` bytes of text."""

    index: int
    offset: int
    us: int
    """The time of llguidance's mask computation, in microseconds of CPU time."""
    fuel: int
    """Lexer fuel spent in this step (``lexer_cost``; limit: ``step_lexer_fuel``)."""
    items: int
    """Earley items added in this step (``all_items``; limit: ``step_max_items``)."""
    trie_nodes: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "offset": self.offset,
            "us": self.us,
            "lexer_fuel": self.fuel,
            "items": self.items,
            "trie_nodes": self.trie_nodes,
        }


@dataclass
class Walk:
    """One input walked token by token."""

    label: str
    """``"sample 3"``, ``"generated 2"``..."""
    data: bytes
    tokens: list[int]
    steps: list[Step] = field(default_factory=list)
    error: str | None = None
    """llguidance's error (first line) when the walk stopped on one (a limit hit)."""
    truncated: bool = False
    """The input was longer than :data:`MAX_WALK_TOKENS` (or the time ran out)."""
    end: int | None = None
    """For a random walk: the length in bytes of the sample it drew (``data`` is all it
    walked, which may go on past that); None when it found no point where the input may
    end (its steps still count for a profile, but it is no sample)."""

    @property
    def sample(self) -> bytes | None:
        """The input a random walk drew (None if it found no end)."""
        return None if self.end is None else self.data[: self.end]

    @property
    def text(self) -> str:
        return self.data.decode("utf-8", errors="replace")


@dataclass
class WorstStep:
    """The most expensive step found, where it happens, and what it cost."""

    walk: Walk
    step: Step
    us: float
    """The step's time (the median of its measurements), in microseconds."""
    measurements: int
    ratio: float
    """The step's time over the baseline's: the median of paired measurements."""

    @property
    def text_before(self) -> str:
        return self.walk.data[: self.step.offset].decode("utf-8", errors="replace")

    def position(self) -> tuple[int, int]:
        """1-based line and column (characters) in the input where the step happens."""
        before = self.text_before
        line = before.count("\n") + 1
        return line, len(before) - (before.rfind("\n") + 1) + 1


@dataclass
class TokenProfile:
    """What a grammar costs per token, over a set of walks."""

    tokenizer: str
    walks: list[Walk]
    baseline_us: float
    """The baseline's first mask (median of its measurements), in microseconds."""
    worst: WorstStep | None
    limits: dict[str, int]
    """llguidance's default ``step_lexer_fuel`` and ``step_max_items``."""
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def steps(self) -> list[Step]:
        return [s for w in self.walks for s in w.steps]

    @property
    def median_us(self) -> float | None:
        steps = self.steps
        return float(statistics.median(s.us for s in steps)) if steps else None

    @property
    def worst_ratio(self) -> float | None:
        """The worst step's time over the baseline's (median of paired measurements)."""
        return None if self.worst is None else self.worst.ratio

    @property
    def median_ratio(self) -> float | None:
        m = self.median_us
        return None if m is None or self.baseline_us <= 0 else m / self.baseline_us

    @property
    def max_fuel(self) -> Step | None:
        steps = self.steps
        return max(steps, key=lambda s: s.fuel) if steps else None

    @property
    def max_items(self) -> Step | None:
        steps = self.steps
        return max(steps, key=lambda s: s.items) if steps else None

    @property
    def errors(self) -> list[Walk]:
        return [w for w in self.walks if w.error]

    def over_limits(self) -> list[tuple[str, Step, Walk]]:
        """``(limit, step, walk)`` for the first step of each walk over a default limit."""
        out = []
        for w in self.walks:
            for s in w.steps:
                if s.fuel > self.limits["step_lexer_fuel"]:
                    out.append(("step_lexer_fuel", s, w))
                    break
                if s.items > self.limits["step_max_items"]:
                    out.append(("step_max_items", s, w))
                    break
        return out

    def to_dict(self) -> dict[str, Any]:
        worst = self.worst
        fuel, items = self.max_fuel, self.max_items
        data: dict[str, Any] = {
            "tokenizer": self.tokenizer,
            "walks": len(self.walks),
            "steps": len(self.steps),
            "baseline_us": round(self.baseline_us, 1),
            "median_us": None if self.median_us is None else round(self.median_us, 1),
            "median_ratio": _round(self.median_ratio),
            "worst": None,
            "max_lexer_fuel": fuel.fuel if fuel else None,
            "step_lexer_fuel": self.limits["step_lexer_fuel"],
            "max_items": items.items if items else None,
            "step_max_items": self.limits["step_max_items"],
            "errors": [{"walk": w.label, "input": w.text, "error": w.error} for w in self.errors],
            "seconds": round(self.seconds, 3),
            "notes": list(self.notes),
        }
        if worst is not None:
            line, column = worst.position()
            data["worst"] = {
                "us": round(worst.us, 1),
                "ratio": _round(self.worst_ratio),
                "walk": worst.walk.label,
                "input": worst.walk.text,
                "token_index": worst.step.index,
                "byte_offset": worst.step.offset,
                "line": line,
                "column": column,
                **{k: v for k, v in worst.step.to_dict().items() if k not in ("index", "offset", "us")},
            }
        return data


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 2)


# --------------------------------------------------------------------------- llguidance


def default_step_limits() -> dict[str, int]:
    from grammarkit.llg.limits import default_limits

    limits = default_limits()
    return {"step_lexer_fuel": limits["step_lexer_fuel"], "step_max_items": limits["step_max_items"]}


def profile_limits(factor: int = PROFILE_LIMIT_FACTOR):
    """``LLParserLimits`` with the per-step limits raised ``factor`` times."""
    import llguidance

    d = default_step_limits()
    return llguidance.LLParserLimits(
        step_lexer_fuel=d["step_lexer_fuel"] * factor, step_max_items=d["step_max_items"] * factor
    )


class _Stepper:
    """One fresh ``LLInterpreter``: a mask per token, with llguidance's step statistics."""

    def __init__(self, tokenizer, grammar: str, limits) -> None:
        import llguidance

        self.it = llguidance.LLInterpreter(
            tokenizer, grammar, enable_backtrack=False, enable_ff_tokens=False, log_level=0, limits=limits
        )
        self.it.start_without_prompt()

    def mask(self) -> tuple[bytes | None, dict[str, int], bool]:
        """``(mask, stats, stop)``; raises ``ValueError`` with llguidance's error.

        ``stats["cpu_us"]`` is the CPU time of this thread in the call (llguidance
        computes one mask on the calling thread): unlike a clock, it does not count the
        time the thread waits for a core on a busy machine."""
        cpu = time.thread_time_ns()
        mask, reply = self.it.compute_mask()
        cpu = time.thread_time_ns() - cpu
        data = json.loads(reply)
        progress = data.get("progress") or []
        stats = dict(progress[-1].get("stats", {})) if progress else {}
        stats["cpu_us"] = cpu // 1000
        return mask, stats, bool(data.get("stop"))

    def commit(self, token: int) -> None:
        self.it.commit_token(token)


def _step(index: int, offset: int, stats: dict[str, int]) -> Step:
    return Step(
        index,
        offset,
        int(stats.get("cpu_us", 0)),
        int(stats.get("lexer_cost", 0)),
        int(stats.get("all_items", 0)),
        int(stats.get("trie_nodes_walked", 0)),
    )


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def walk_input(
    tokenizer, grammar: str, data: bytes, *, label: str = "input", limits=None, deadline: float | None = None
) -> Walk:
    """Walk ``data`` (tokenized as the tokenizer does: o200k's BPE) through a fresh
    interpreter for ``grammar`` (an llguidance grammar definition), one mask per token
    and one after the last token. Stops early at :data:`MAX_WALK_TOKENS`, at the
    ``deadline`` (``time.monotonic()``), at a token the grammar does not allow, or when
    llguidance fails (``walk.error``)."""
    tokens = list(tokenizer.tokenize_bytes(data))
    walk = Walk(label, data, tokens)
    try:
        stepper = _Stepper(tokenizer, grammar, limits if limits is not None else profile_limits())
    except ValueError as exc:
        walk.error = _first_line(exc)
        return walk
    offset = 0
    for index in range(len(tokens) + 1):
        if index >= MAX_WALK_TOKENS or (deadline is not None and time.monotonic() > deadline):
            walk.truncated = True
            break
        try:
            mask, stats, stop = stepper.mask()
        except ValueError as exc:
            walk.error = _first_line(exc)
            break
        walk.steps.append(_step(index, offset, stats))
        if index == len(tokens) or stop or mask is None:
            break
        token = tokens[index]
        if not mask[token]:
            walk.error = f"the grammar does not allow token {index} ({tokenizer.dbg_tokens([token])})"
            break
        stepper.commit(token)
        offset += len(tokenizer.decode_bytes([token]))
    return walk


def _remeasure(tokenizer, grammar: str, walk: Walk, index: int, limits) -> int | None:
    """The time of step ``index`` of ``walk`` measured again on a fresh interpreter, every
    step before it replayed (so the lexer has built the same states), or None on failure."""
    try:
        stepper = _Stepper(tokenizer, grammar, limits)
        for i in range(index + 1):
            _, stats, _ = stepper.mask()
            if i == index:
                return int(stats.get("cpu_us", 0))
            stepper.commit(walk.tokens[i])
    except ValueError:
        return None
    return None


def estimated_ns(step: Step) -> int:
    """llguidance's cost model of a mask step, in nanoseconds (machine-independent)."""
    return 4 * step.trie_nodes + 60 * step.fuel + 50 * step.items


def measure_baseline(tokenizer, runs: int = BASELINE_RUNS) -> list[int]:
    """The baseline's first mask, measured ``runs`` times on fresh interpreters (µs)."""
    from grammarkit.llg.compile import grammar_for

    grammar = grammar_for("lark", BASELINE_GRAMMAR)
    out = []
    for _ in range(runs):
        _, stats, _ = _Stepper(tokenizer, grammar, None).mask()
        out.append(max(1, int(stats.get("cpu_us", 0))))
    return out


def profile_walks(
    tokenizer,
    grammar: str,
    walks: Sequence[Walk],
    *,
    tokenizer_name: str = "o200k",
    limits=None,
    deadline: float | None = None,
    baseline: Sequence[int] = (),
) -> TokenProfile:
    """The profile of ``walks`` already made (by :func:`walk_input` or
    :func:`random_walk`): the baseline is measured, and the worst steps again."""
    start = time.monotonic()
    limits = limits if limits is not None else profile_limits()
    base = list(baseline) or measure_baseline(tokenizer)
    # Candidates: the slowest steps as measured (a busy machine adds spikes), and the
    # costliest by llguidance's own counters (deterministic; its cost model, as in its
    # json_stats tool: ~4 ns per trie node, ~60 ns per unit of lexer fuel, ~50 ns per item).
    steps = [(w, s) for w in walks for s in w.steps]
    by_time = sorted(steps, key=lambda c: -c[1].us)[:REMEASURE_TOP]
    by_work = sorted(steps, key=lambda c: -estimated_ns(c[1]))[:REMEASURE_TOP]
    # Each candidate is measured again, each time right after a baseline measurement, so
    # both see the same load; the ratio is the median of these paired ratios (the walk's
    # own measurement is paired with the fastest baseline before the walks).
    worst: WorstStep | None = None
    seen: set[tuple[int, int]] = set()
    first = min(base)
    for w, s in by_work + by_time:
        key = (id(w), s.index)
        if key in seen:
            continue
        seen.add(key)
        pairs = [(s.us, first)]
        for _ in range(REMEASURE_RUNS):
            if deadline is not None and time.monotonic() > deadline:
                break
            b = measure_baseline(tokenizer, 1)[0]
            t = _remeasure(tokenizer, grammar, w, s.index, limits)
            base.append(b)
            if t is not None:
                pairs.append((t, b))
        ratio = statistics.median(t / b for t, b in pairs)
        us = float(statistics.median(t for t, _ in pairs))
        if worst is None or ratio > worst.ratio:
            worst = WorstStep(w, s, us, len(pairs), ratio)
    if len(base) < BASELINE_RUNS:
        base += measure_baseline(tokenizer, BASELINE_RUNS - len(base))
    profile = TokenProfile(
        tokenizer_name, list(walks), float(statistics.median(base)), worst, default_step_limits()
    )
    profile.seconds = time.monotonic() - start
    if any(w.truncated for w in walks):
        profile.notes.append(f"some inputs were walked only in part (at most {MAX_WALK_TOKENS} tokens, or out of time)")
    return profile


def profile_grammar(
    text: str,
    syntax: str = "lark",
    *,
    tokenizer: str = "o200k",
    samples: Sequence[str | bytes] = (),
    generated: int = DEFAULT_GENERATED,
    seed: int | str | None = 0,
    max_bytes: int = DEFAULT_GENERATED_BYTES,
    time_budget: float = DEFAULT_TIME_BUDGET,
) -> TokenProfile:
    """The token cost profile of a grammar (``text``; a regex grammar's pattern) with
    the ``tokenizer``: each of ``samples`` walked as the tokenizer splits it, then
    ``generated`` random walks (:func:`random_walk`, reproducible with ``seed``).

    Walks stop when 70% of ``time_budget`` seconds are used; the rest goes to measuring
    the worst steps again. llguidance's failures (a limit hit) end their walk with
    ``walk.error``. Raises :class:`~grammarkit.llg.tokenizer.TokenizerUnavailable` when the
    tokenizer cannot be built (call it only for grammars that compile)."""
    from grammarkit.llg.compile import grammar_for
    from grammarkit.llg.tokenizer import get_tokenizer

    tok = get_tokenizer(tokenizer)
    grammar = grammar_for(syntax, text)  # type: ignore[arg-type]

    def run() -> TokenProfile:
        start = time.monotonic()
        walks_until = start + 0.7 * time_budget
        limits = profile_limits()
        baseline = measure_baseline(tok, max(1, BASELINE_RUNS // 2))
        walks: list[Walk] = []
        for i, sample in enumerate(samples, 1):
            if time.monotonic() > walks_until:
                break
            data = sample.encode("utf-8", "surrogatepass") if isinstance(sample, str) else bytes(sample)
            walks.append(walk_input(tok, grammar, data, label=f"sample {i}", limits=limits, deadline=walks_until))
        rng = random.Random(seed)
        for i in range(1, generated + 1):
            if time.monotonic() > walks_until:
                break
            walks.append(
                random_walk(
                    tok,
                    grammar,
                    rng,
                    max_bytes=max_bytes,
                    stop_probability=GENERATED_STOP_PROBABILITY,
                    label=f"generated {i}",
                    limits=limits,
                    deadline=walks_until,
                )
            )
        profile = profile_walks(
            tok, grammar, walks, tokenizer_name=tokenizer, limits=limits,
            deadline=start + time_budget, baseline=baseline,
        )
        profile.seconds = time.monotonic() - start
        if len(walks) < len(samples) + generated:
            profile.notes.append(
                f"the time budget ({time_budget:g} s) ran out after {len(walks)} of "
                f"{len(samples) + generated} walks"
            )
        return profile

    return in_big_stack(run)


# --------------------------------------------------------------------------- random walks


def random_walk(
    tokenizer,
    grammar: str,
    rng: random.Random,
    *,
    max_bytes: int,
    stop_probability: float,
    label: str = "generated",
    limits=None,
    deadline: float | None = None,
) -> Walk:
    """One random input drawn token by token from llguidance's mask, with every step's
    statistics. ``walk.sample`` is the input drawn, or None when the walk found no point
    where the input may end within ``max_bytes`` (or before the ``deadline``): its steps
    still count for a profile, but it is no sample.

    Token choice: a rank ``r`` is drawn log-uniformly from the first
    :data:`COMMON_TOKENS` ids (85% of the time; else from the whole vocabulary) and the
    first allowed token at or after it is taken (BPE vocabularies put frequent, short
    tokens at low ids, so common pieces are likely and rare ones possible). Where the input may end
    it ends with probability ``max(stop_probability, 1 / (allowed + 1))``; in the last
    quarter of ``max_bytes`` it ends at the first point where it may, and past the budget
    it ends where it last could. Special tokens are never chosen. When llguidance fails
    (a limit hit), the walk stops there with ``walk.error``."""
    eos = set(tokenizer.eos_tokens)
    out = bytearray()
    walk = Walk(label, b"", [])
    try:
        stepper = _Stepper(tokenizer, grammar, limits if limits is not None else profile_limits())
    except ValueError as exc:
        walk.error = _first_line(exc)
        return walk
    ends: list[int] = []  # lengths at which the input may end
    low_water = max_bytes // 4
    for index in range(4 * max_bytes + 64):
        if deadline is not None and time.monotonic() > deadline:
            walk.truncated = True
            break
        try:
            mask, stats, stop = stepper.mask()
        except ValueError as exc:
            walk.error = _first_line(exc)
            break
        walk.steps.append(_step(index, len(out), stats))
        if mask is None or stop:
            break
        eos_allowed = [e for e in eos if e < len(mask) and mask[e]]
        accepting = bool(eos_allowed)
        if accepting:
            ends.append(len(out))
        remaining = max_bytes - len(out)
        allowed = mask.count(_ALLOWED) - len(eos_allowed)
        if accepting and (allowed == 0 or remaining <= low_water):
            break
        if accepting and rng.random() < max(stop_probability, 1.0 / (allowed + 1)):
            break
        token = _choose(tokenizer, mask, rng, eos) if allowed else None
        if token is None:
            if not accepting:
                walk.error = "no token can follow"
            break
        piece = tokenizer.decode_bytes([token])
        if len(piece) > remaining:
            break  # out of budget: end where the input last could
        stepper.commit(token)
        walk.tokens.append(token)
        out += piece
    walk.data = bytes(out)
    walk.end = ends[-1] if ends else None
    return walk


def _choose(tokenizer, mask: bytes, rng: random.Random, eos: set[int]) -> int | None:
    n = len(mask)
    for _ in range(8):
        top = COMMON_TOKENS if rng.random() < COMMON_SHARE else n
        r = min(n - 1, int(math.exp(rng.uniform(0.0, math.log(min(n, top))))) - 1)
        t = mask.find(_ALLOWED, r)
        if t < 0:
            t = mask.rfind(_ALLOWED, 0, r)
        if t < 0:
            return None
        if t not in eos and not tokenizer.is_special_token(t):
            return t
    # Only special tokens near the draws: scan the whole mask once.
    t = mask.find(_ALLOWED)
    while t >= 0:
        if t not in eos and not tokenizer.is_special_token(t):
            return t
        t = mask.find(_ALLOWED, t + 1)
    return None


# --------------------------------------------------------------------------- token counts


@dataclass
class TokenCount:
    """How many tokens an input costs, and which stretches of it the grammar forces."""

    tokens: int
    """Tokens of the input as the tokenizer splits it (o200k: the BPE tokens)."""
    sampled: int
    """Tokens the model chooses when the forced stretches are fast-forwarded."""
    forced_tokens: int
    """Tokens llguidance fast-forwards (``compute_ff_tokens``): the model never samples them."""
    forced: list[tuple[int, int, str]] = field(default_factory=list)
    """Stretches the grammar forces (``compute_ff_bytes``): ``(start, end, text)`` with
    character offsets into the input."""
    complete: bool = True
    """False when the input could not be walked to its end (llguidance rejects it)."""

    @property
    def forced_chars(self) -> int:
        return sum(end - start for start, end, _ in self.forced)

    def to_dict(self) -> dict[str, Any]:
        return {
            "tokens": self.tokens,
            "sampled": self.sampled,
            "forced_tokens": self.forced_tokens,
            "forced": [{"start": s, "end": e, "text": t} for s, e, t in self.forced],
            "complete": self.complete,
        }


def token_counts(tokenizer, matcher, data: bytes) -> TokenCount:
    """The token cost of ``data`` under ``matcher`` (an ``LLMatcher`` for the grammar,
    built with ``tokenizer``; it is reset here and used from its start).

    The input is walked as a model writes it with fast-forwarding on: wherever the grammar
    forces text (``compute_ff_tokens``) those tokens are taken, and otherwise the next
    token of the input's own tokenization (of the rest of the input) is."""
    from grammarkit.core.span import count_characters

    matcher.reset()
    total = len(tokenizer.tokenize_bytes(data))
    count = TokenCount(total, 0, 0)
    pos = 0
    queue: list[int] = list(tokenizer.tokenize_bytes(data))
    head = 0
    while pos < len(data):
        forced = matcher.compute_ff_bytes()
        if forced:
            n = len(forced) if data.startswith(forced, pos) else _common_prefix(forced, data[pos:])
            if n:
                _add_stretch(count, count_characters(data[:pos]), data[pos : pos + n])
        ff = matcher.compute_ff_tokens()
        if ff:
            piece = tokenizer.decode_bytes(ff)
            if piece and data.startswith(piece, pos) and matcher.consume_tokens(ff):
                count.forced_tokens += len(ff)
                pos += len(piece)
                queue, head = list(tokenizer.tokenize_bytes(data[pos:])), 0
                continue
        if head >= len(queue):
            count.complete = False
            break
        token = queue[head]
        head += 1
        if not matcher.consume_token(token):
            count.complete = False
            break
        count.sampled += 1
        pos += len(tokenizer.decode_bytes([token]))
    if count.complete and not matcher.is_accepting():
        count.complete = False
    matcher.reset()
    return count


def _common_prefix(a: bytes, b: bytes) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _add_stretch(count: TokenCount, start: int, piece: bytes) -> None:
    text = piece.decode("utf-8", errors="replace")
    end = start + len(text)
    if count.forced and count.forced[-1][1] >= start:
        s, e, t = count.forced[-1]
        if end > e:
            count.forced[-1] = (s, end, t + text[e - start :])
        return
    count.forced.append((start, end, text))


def sample_token_counts(
    text: str, syntax: str, inputs: Sequence[str | bytes], *, tokenizer: str = "o200k"
) -> list[TokenCount]:
    """:func:`token_counts` of each input under the grammar ``text`` (one matcher)."""
    import llguidance

    from grammarkit.llg.compile import grammar_for
    from grammarkit.llg.tokenizer import get_tokenizer

    tok = get_tokenizer(tokenizer)
    grammar = grammar_for(syntax, text)  # type: ignore[arg-type]

    def run() -> list[TokenCount]:
        matcher = llguidance.LLMatcher(tok, grammar, log_level=0)
        out = []
        for item in inputs:
            data = item.encode("utf-8", "surrogatepass") if isinstance(item, str) else bytes(item)
            if matcher.is_error():
                matcher = llguidance.LLMatcher(tok, grammar, log_level=0)
            out.append(token_counts(tok, matcher, data))
        return out

    return in_big_stack(run)


def in_big_stack(fn: Callable[[], Any]) -> Any:
    """Run ``fn`` on llguidance's big-stack thread (deep grammars recurse)."""
    from grammarkit.llg.runner import call_with_big_stack

    return call_with_big_stack(fn, None)


__all__ = [
    "BASELINE_GRAMMAR",
    "Step",
    "TokenCount",
    "TokenProfile",
    "Walk",
    "WorstStep",
    "measure_baseline",
    "profile_grammar",
    "profile_walks",
    "random_walk",
    "sample_token_counts",
    "token_counts",
    "walk_input",
]
