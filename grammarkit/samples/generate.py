"""Random strings from a grammar, drawn from llguidance itself.

Each sample is a random walk through llguidance's byte-level token mask: at every step
the matcher says which bytes may come next (:meth:`LLMatcher.compute_bitmask`: one bit per
token in little-endian 32-bit words, so token ``t`` is bit ``t`` of
``int.from_bytes(mask, "little")``; in the byte tokenizer tokens 0-254 are the bytes
themselves, 255 and 256-260 are special tokens, 261 is EOS) and whether the text may end
there (:meth:`LLMatcher.is_accepting`, not the EOS bit, which is also set in an error
state); one allowed byte is picked at random and consumed, until the walk stops in an
accepting state. Every sample is therefore a string the model can emit under the grammar.

How a walk chooses (documented, because it shapes what the samples look like):

* **Classes first, then bytes.** The allowed bytes are grouped into classes (lower-case
  letters, upper-case letters, digits, space and punctuation, line breaks and tabs, other
  control characters, non-ASCII); the walk picks a class uniformly, then a byte in it
  uniformly. A free-text terminal such as ``/[^\n]{0,500}/`` followed by ``"\n"`` therefore
  ends its line after a few characters instead of ~95 (uniform bytes would make the line
  break one choice in 96), and delimiters are likely wherever they are allowed. A terminal
  such as ``/[a-z_][a-z0-9_]*/`` still produces gibberish like ``q_8x3``.
* **Stopping is geometric.** Whenever the text may end, the walk ends with probability
  ``max(stop_probability, 1 / (k + 1))`` (``k`` allowed bytes; the second term is what a
  uniform choice among the bytes and the end would give). The default 0.25 keeps samples
  short enough to read.
* **The byte budget** (``max_bytes``, UTF-8 bytes per sample): in the last quarter of the
  budget the walk ends at the first point where the text may end. A walk that runs out of
  budget ends at the last point where the text could have ended, if there was one, and is
  otherwise abandoned and retried (up to ``max_attempts`` times in a row before giving up).
* **Dead ends** (a byte the mask allowed, after which nothing can follow: llguidance's mask
  is exact for ordinary grammars but not for e.g. an empty character class) are undone and
  that byte is not tried again at that point; a grammar with no string at all is reported
  as :class:`GenerationError`. Computing the mask at a dead end puts an llguidance matcher
  in an error state that ``reset()`` and ``rollback()`` do not clear, so walks run on copies
  of a pristine matcher and a dead end replays the prefix on a fresh copy.
* Special tokens (``<|tool|>``, ``<[256]>``) have no text form and are never chosen.

llguidance only builds grammars whose strings are valid UTF-8 (a regex that can match
invalid UTF-8 is rejected when the grammar is compiled, and inside a multi-byte character
the mask allows only its continuation bytes), so walks end on whole characters. Should a
walk's bytes ever not be valid UTF-8, the sample shows each undecodable byte as ``\\xNN``
and is counted in :attr:`GenerationResult.invalid_utf8`.

Samples are reproducible: the same grammar, ``seed`` and settings give the same list
(``random.Random(seed)``; llguidance's masks are deterministic).

**Token walks.** With ``tokenizer="o200k"`` the walk goes token by token through the
mask over the model's own vocabulary instead (:func:`grammarkit.llg.token_profile.random_walk`:
common tokens are likely, special tokens never chosen; the same stopping rules and byte
budget), under llguidance's default limits. Inputs then split where a model's output
splits (whole words, `` name``, ``,\n``) rather than at arbitrary bytes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from grammarkit.core.errors import GrammarkitError
from grammarkit.llg.compile import byte_tokenizer
from grammarkit.llg.matcher import EngineMatcher, MatcherUnavailable
from grammarkit.llg.runner import call_with_big_stack
from grammarkit.samples.defaults import DEFAULT_COUNT, DEFAULT_MAX_BYTES
from grammarkit.samples.directed import Alt, Plan, Planner, PlannerUnavailable

if TYPE_CHECKING:
    from grammarkit.core.source import Syntax

DEFAULT_STOP_PROBABILITY = 0.25
DEFAULT_MAX_ATTEMPTS = 20
"""Consecutive failed walks after which generation gives up."""

_BYTE_TOKENS = 255
"""Token ids 0..254 of llguidance's byte tokenizer are the bytes themselves; 255 is a
special (empty) token, 256.. are special tokens and EOS."""


class GenerationError(GrammarkitError):
    """Fewer samples than requested could be drawn (``samples`` holds those that were),
    or the grammar matches no string at all (``empty_language``)."""

    def __init__(self, message: str, *, samples: list[str] | None = None, empty_language: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.samples = list(samples or [])
        self.empty_language = empty_language


@dataclass
class GenerationResult:
    """The outcome of :func:`generate`."""

    samples: list[str]
    """The samples, in the order drawn (decoded as UTF-8)."""
    data: list[bytes]
    """The same samples as the bytes llguidance accepted."""
    requested: int
    max_bytes: int
    failed_walks: int = 0
    """Walks abandoned (out of budget with no point where the text could end, or too many
    dead ends) and retried."""
    invalid_utf8: int = 0
    """Samples whose bytes are not valid UTF-8 (shown with ``\\xNN`` escapes); 0 in practice."""
    notes: list[str] = field(default_factory=list)
    walked: int = 0
    """Samples (wholly or partly) drawn by the byte-mask walk rather than a grammar-directed
    plan that llguidance accepted whole."""
    coverage: Coverage | None = None
    """Which alternatives and terminals the planned derivations used (grammar-directed
    generation of Lark grammars only)."""

    @property
    def complete(self) -> bool:
        return len(self.samples) == self.requested

    def shortfall_message(self) -> str:
        got, n = len(self.samples), self.requested
        return (
            f"only {got} of {n} sample{'s' if n != 1 else ''} could be drawn within "
            f"{self.max_bytes} byte{'s' if self.max_bytes != 1 else ''} "
            f"({self.failed_walks} walk{'s' if self.failed_walks != 1 else ''} found no end in time); "
            "try a larger max_bytes"
        )


def generate_samples(
    grammar: str,
    syntax: Syntax = "lark",
    n: int = DEFAULT_COUNT,
    seed: int | str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> list[str]:
    """``n`` random strings the grammar accepts (llguidance's verdict), each at most
    ``max_bytes`` UTF-8 bytes long; the same ``seed`` gives the same list.

    Raises :class:`~grammarkit.llg.matcher.MatcherUnavailable` when llguidance rejects the
    grammar, :class:`GenerationError` when the grammar matches no string or fewer than
    ``n`` samples fit in ``max_bytes`` (the error's ``samples`` holds those drawn), and
    ``ValueError`` for a negative ``n`` or ``max_bytes``.
    """
    result = generate(grammar, syntax=syntax, n=n, seed=seed, max_bytes=max_bytes)
    if not result.complete:
        raise GenerationError(result.shortfall_message(), samples=result.samples)
    return result.samples


def generate(
    grammar: str,
    *,
    syntax: Syntax = "lark",
    n: int = DEFAULT_COUNT,
    seed: int | str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    stop_probability: float = DEFAULT_STOP_PROBABILITY,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    matcher: EngineMatcher | None = None,
    tokenizer: str = "byte",
    method: str = "directed",
    coverage: bool = True,
) -> GenerationResult:
    """Draw up to ``n`` samples; see the module documentation for how.

    Unlike :func:`generate_samples` this returns what could be drawn when the budget is
    too small (``result.complete`` is False) instead of raising. Raises
    :class:`GenerationError` (``empty_language``) when the grammar matches no string,
    :class:`~grammarkit.llg.matcher.MatcherUnavailable` when llguidance rejects the grammar.
    ``matcher`` reuses an :class:`EngineMatcher` already built for ``grammar``.
    ``tokenizer="o200k"`` walks the model's tokens instead of bytes (see the module
    documentation; :class:`~grammarkit.llg.tokenizer.TokenizerUnavailable` when it cannot
    be built). ``method="walk"`` draws every sample by the byte-mask walk alone (what
    grammarkit did before grammar-directed generation; slower, and it fails on grammars
    that need keywords). ``coverage=False`` skips measuring :attr:`GenerationResult.coverage`
    (left None; the samples are the same).
    """
    if n < 0:
        raise ValueError(f"n must be at least 0, not {n}")
    if max_bytes < 0:
        raise ValueError(f"max_bytes must be at least 0, not {max_bytes}")
    if not 0.0 <= stop_probability <= 1.0:
        raise ValueError(f"stop_probability must be between 0 and 1, not {stop_probability}")
    if max_attempts < 1:
        raise ValueError(f"max_attempts must be at least 1, not {max_attempts}")
    em = matcher if matcher is not None else EngineMatcher(grammar, syntax=syntax)
    if tokenizer != "byte":
        return _generate_tokens(em, tokenizer, n, random.Random(seed), max_bytes, stop_probability, max_attempts)
    rng = random.Random(seed)
    walker = _Walker(em, rng, max_bytes, stop_probability)
    planner = None
    notes: list[str] = []
    if method == "directed":
        planner, why = _planner(grammar, syntax, stop_probability)
        if why:
            notes.append(f"grammar-directed generation is not available ({why}); samples come from the byte walk")
    elif method != "walk":
        raise ValueError(f"method must be 'directed' or 'walk', not {method!r}")

    def run() -> GenerationResult:
        result = GenerationResult([], [], n, max_bytes)
        result.notes.extend(notes)
        used_alts: set[int] = set()
        used_terminals: set[str] = set()
        measured = 0
        failures_in_a_row = 0
        while len(result.data) < n and failures_in_a_row < max_attempts:
            if planner is None:
                data, plan = walker.walk(), None
            else:
                data, plan = _directed(planner, walker, rng, max_bytes, coverage)
            if data is None:
                result.failed_walks += 1
                failures_in_a_row += 1
                continue
            failures_in_a_row = 0
            if plan is not None:
                measured += 1
                if coverage:
                    used_alts |= plan.alternatives
                    used_terminals |= plan.terminals
            else:
                result.walked += 1
            result.data.append(data)
            try:
                result.samples.append(data.decode("utf-8"))
            except UnicodeDecodeError:
                result.invalid_utf8 += 1
                result.samples.append(data.decode("utf-8", errors="backslashreplace"))
        if walker.special_only:
            result.notes.append(
                "some walks reached a point where only special tokens (e.g. <|tool|>) may "
                "follow; they have no text form and were not chosen"
            )
        if coverage and planner is not None and planner.regex_term is None:
            result.coverage = Coverage.of(planner, used_alts, used_terminals, measured, len(result.data))
        return result

    # The matcher is driven on a big-stack thread, like every llguidance call that can
    # recurse through a deep grammar.
    return call_with_big_stack(run, None)


def _generate_tokens(
    em: EngineMatcher,
    tokenizer: str,
    n: int,
    rng: random.Random,
    max_bytes: int,
    stop_probability: float,
    max_attempts: int,
) -> GenerationResult:
    """:func:`generate` by token walks over the ``tokenizer``'s vocabulary."""
    import llguidance

    from grammarkit.llg.compile import grammar_for
    from grammarkit.llg.token_profile import in_big_stack, random_walk
    from grammarkit.llg.tokenizer import get_tokenizer

    tok = get_tokenizer(tokenizer)
    grammar = grammar_for(em.syntax, em.grammar)
    limits = llguidance.LLParserLimits()  # the defaults: what the API would allow

    def run() -> GenerationResult:
        result = GenerationResult([], [], n, max_bytes)
        failures_in_a_row = 0
        while len(result.data) < n and failures_in_a_row < max_attempts:
            walk = random_walk(
                tok, grammar, rng, max_bytes=max_bytes, stop_probability=stop_probability, limits=limits
            )
            data = walk.sample
            if data is None:
                if not walk.tokens and walk.error:
                    if walk.error == "no token can follow":
                        raise GenerationError("the grammar matches no string", empty_language=True)
                    raise GenerationError(f"llguidance fails on the first token: {walk.error}")
                result.failed_walks += 1
                failures_in_a_row += 1
                continue
            failures_in_a_row = 0
            result.data.append(data)
            try:
                result.samples.append(data.decode("utf-8"))
            except UnicodeDecodeError:
                result.invalid_utf8 += 1
                result.samples.append(data.decode("utf-8", errors="backslashreplace"))
        return result

    return in_big_stack(run)


@dataclass
class Coverage:
    """What the drawn samples exercised, measured on the derivations the planner drew and
    llguidance accepted whole (samples finished by the byte walk are not counted:
    ``measured`` of ``samples``). An alternative is a top-level alternative of a rule; a
    terminal is a named terminal that a rule refers to."""

    alternatives: list[Alt]
    covered_alternatives: list[Alt]
    terminals: list[tuple[str, int, int]]
    """(name, line, column of its first use by a rule)."""
    covered_terminals: list[str]
    measured: int
    samples: int

    @classmethod
    def of(cls, planner: Planner, alts: set[int], terminals: set[str], measured: int, samples: int) -> Coverage:
        return cls(
            list(planner.alternatives),
            [a for i, a in enumerate(planner.alternatives) if i in alts],
            list(planner.terminals),
            [t for t, _, _ in planner.terminals if t in terminals],
            measured,
            samples,
        )

    @property
    def missed_alternatives(self) -> list[Alt]:
        covered = set(self.covered_alternatives)
        return [a for a in self.alternatives if a not in covered]

    @property
    def missed_terminals(self) -> list[tuple[str, int, int]]:
        covered = set(self.covered_terminals)
        return [t for t in self.terminals if t[0] not in covered]

    def to_json(self) -> dict:
        return {
            "alternatives": {
                "covered": len(self.covered_alternatives),
                "total": len(self.alternatives),
                "missed": [
                    {"rule": a.rule, "alternative": a.index + 1, "line": a.line, "column": a.column, "text": a.text}
                    for a in self.missed_alternatives
                ],
            },
            "terminals": {
                "covered": len(self.covered_terminals),
                "total": len(self.terminals),
                "missed": [{"name": t, "line": line, "column": col} for t, line, col in self.missed_terminals],
            },
            "measured_samples": self.measured,
            "samples": self.samples,
        }


def _planner(grammar: str, syntax: str, stop_probability: float) -> tuple[Planner | None, str]:
    try:
        return Planner(grammar, syntax, stop_probability=stop_probability), ""
    except PlannerUnavailable as exc:
        return None, str(exc)
    except (GrammarkitError, RecursionError) as exc:  # pragma: no cover - defensive
        return None, f"{type(exc).__name__}: {exc}"


def _directed(
    planner: Planner, walker: _Walker, rng: random.Random, max_bytes: int, record: bool = True
) -> tuple[bytes | None, Plan | None]:
    """One sample from a plan llguidance accepts (with the plan), or finished by the byte
    walk from the longest run of whole pieces llguidance accepts (without)."""
    plan = planner.plan(rng, max_bytes, record)
    data = b"".join(plan.pieces) if plan is not None else b""
    for _ in range(3):  # a plan over budget is drawn again before the walk takes over
        if plan is None or len(data) <= max_bytes:
            break
        plan = planner.plan(rng, max_bytes, record)
        data = b"".join(plan.pieces) if plan is not None else b""
    if plan is None:
        return walker.walk(), None
    if plan.complete and len(data) <= max_bytes:
        if walker.accepts(data):
            return data, plan
        good = walker.pristine.validate_tokens(list(data))
    else:
        good = walker.pristine.validate_tokens(list(data[:max_bytes])) if data else 0
    keep = 0
    for piece in plan.pieces:
        if keep + len(piece) > good:
            break
        keep += len(piece)
    return walker.walk(data[:keep]), None


class _Walker:
    """Random walks through one matcher's byte mask."""

    def __init__(self, em: EngineMatcher, rng: random.Random, max_bytes: int, stop_probability: float) -> None:
        # Walks run on copies: llguidance's error state survives reset(), and computing the
        # mask at a dead end enters it, so a used matcher is replaced by a pristine copy.
        pristine = em.fresh()
        if pristine.is_error():  # pragma: no cover - the pristine matcher never consumes
            em.rebuild()
            pristine = em.fresh()
        self.pristine = pristine
        self.m = pristine.deep_copy()
        # A grammar on which llguidance may force bytes forever has its masks probed.
        self.bitmask = em.bitmask if em.may_force_forever else None
        self.rng = rng
        self.max_bytes = max_bytes
        self.stop_probability = stop_probability
        self.low_water = max_bytes // 4
        tok = byte_tokenizer()
        self.eos = tok.eos_token
        self.vocab = tok.vocab_size
        self.max_steps = 8 * max_bytes + 256
        self.special_only = False
        self._verdicts: dict[bytes, bool] = {}

    def accepts(self, data: bytes) -> bool:
        """Whether llguidance accepts ``data`` whole: one ``validate_tokens`` call on the
        pristine matcher (it leaves the matcher as it was; EOS is allowed where the text
        may end), remembered for the same bytes drawn again."""
        verdict = self._verdicts.get(data)
        if verdict is None:
            tokens = list(data)
            good = self.pristine.validate_tokens([*tokens, self.eos])
            verdict = good == len(tokens) + 1
            if not verdict and good == len(tokens):
                # A stopped matcher (stop="...") allows no EOS but accepts.
                m = self.pristine.deep_copy()
                verdict = m.try_consume_tokens(tokens) == len(tokens) and not m.is_error() and m.is_accepting()
            self._verdicts[data] = verdict
        return verdict

    # -- the mask
    def allowed(self) -> list[int]:
        """Byte tokens the mask allows now (bit ``t`` of the little-endian mask is token ``t``)."""
        bitmask = self.bitmask
        mask = int.from_bytes(self.m.compute_bitmask() if bitmask is None else bitmask(self.m), "little")
        allowed = [b for b in range(_BYTE_TOKENS) if mask >> b & 1]
        if not allowed and mask >> _BYTE_TOKENS & ~(1 << (self.eos - _BYTE_TOKENS)):
            self.special_only = True
        return allowed

    # -- one walk
    def walk(self, start: bytes = b"") -> bytes | None:
        """One sample's bytes, or None when the walk was abandoned; with ``start`` (a
        prefix llguidance accepts), a sample that begins with it.

        Raises GenerationError when the grammar provably matches no string."""
        m = self.m = self.pristine.deep_copy()
        if start and m.try_consume_tokens(list(start)) != len(start):
            return None
        rng = self.rng
        out = bytearray(start)
        excluded: dict[int, set[int]] = {}  # position -> bytes that led to dead ends there
        ends: list[int] = []  # lengths at which the text could end (increasing)
        steps = 0
        while True:
            steps += 1
            if steps > self.max_steps:
                return None
            error = m.is_error()
            accepting = not error and m.is_accepting()
            if accepting and (not ends or ends[-1] != len(out)):
                ends.append(len(out))
            remaining = self.max_bytes - len(out)
            choices: list[int] = []
            if not error and remaining > 0:
                choices = self.allowed()
                banned = excluded.get(len(out))
                if banned:
                    choices = [b for b in choices if b not in banned]
            if accepting:
                if not choices or remaining <= self.low_water:
                    return bytes(out)
                if rng.random() < max(self.stop_probability, 1.0 / (len(choices) + 1)):
                    return bytes(out)
            if choices:
                b = _pick(rng, choices)
                m.consume_token(b)  # allowed by the mask; a failure shows as is_error()
                out.append(b)
                continue
            if not error and remaining <= 0 and self._can_continue():
                # Out of budget: end where the text last could, or give up on this walk.
                return bytes(out[: ends[-1]]) if ends else None
            # Dead end: nothing can follow here. Undo the last byte and never retry it here.
            if start and len(out) <= len(start):
                return None  # the prefix leads nowhere: the caller draws again
            if not out:
                message = "the grammar matches no string"
                if self.special_only:
                    message += " made of text (it needs special tokens such as <|tool|>, which have no text form)"
                raise GenerationError(message, empty_language=True)
            for pos in [p for p in excluded if p >= len(out)]:
                del excluded[pos]
            last = out.pop()
            excluded.setdefault(len(out), set()).add(last)
            while ends and ends[-1] > len(out):
                ends.pop()
            # A matcher in an error state can neither roll back nor reset: replay the prefix.
            m = self.m = self.pristine.deep_copy()
            if out and m.try_consume_tokens(list(out)) != len(out):  # pragma: no cover - defensive
                return None

    def _can_continue(self) -> bool:
        return bool(self.allowed())


__all__ = [
    "DEFAULT_COUNT",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_STOP_PROBABILITY",
    "GenerationError",
    "Coverage",
    "GenerationResult",
    "MatcherUnavailable",
    "generate",
    "generate_samples",
]


def _byte_class(b: int) -> int:
    if 0x61 <= b <= 0x7A:
        return 0  # a-z
    if 0x41 <= b <= 0x5A:
        return 1  # A-Z
    if 0x30 <= b <= 0x39:
        return 2  # 0-9
    if b in (0x09, 0x0A, 0x0D):
        return 4  # line breaks and tabs
    if b < 0x20 or b == 0x7F:
        return 5  # other control characters
    if b >= 0x80:
        return 6  # non-ASCII (lead or continuation bytes)
    return 3  # space and punctuation


def _pick(rng: random.Random, choices: list[int]) -> int:
    """A class of the allowed bytes uniformly, then a byte in it uniformly."""
    classes: dict[int, list[int]] = {}
    for b in choices:
        classes.setdefault(_byte_class(b), []).append(b)
    group = classes[rng.choice(sorted(classes))]
    return rng.choice(group)
