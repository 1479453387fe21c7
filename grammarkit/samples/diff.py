"""What changes between two versions of a grammar: the inputs one accepts and the other
rejects, judged by llguidance (what the model can emit).

The inputs come from two places:

* **samples** (logged tool inputs, sample files): each is judged by both grammars, whatever
  its ``should_parse`` says;
* **generated** inputs: ``generated_n`` random strings drawn from *each* grammar's own
  token mask (:mod:`grammarkit.samples.generate`; the old grammar's walks use ``seed``,
  the new one's ``f"{seed}/new"``, so that two similar grammars do not yield the same
  strings). A string drawn from
  the old grammar that the new one rejects shows a narrowing; one drawn from the new
  grammar that the old one rejects, a widening.

Each distinct input is judged once. An input judged differently is a :class:`Divergence`:
**narrowed** when the old grammar accepts it and the new one rejects it (a tool call that
worked before fails now), **widened** the other way round (fine, but worth knowing).

Divergences are grouped by where the two grammars first part: the rejecting grammar's
located rejection (llguidance stops at the first byte it cannot match, or the input ends
too early), what that grammar allows at that point, and what the accepting grammar allows
there besides (``gained``: bytes named as ``[0-9]``, ``"z"``, ``end of input``). Inputs
that break the same way, ``"abz"`` and ``"zzz"`` after ``[a-z]`` became ``[a-y]``, fall
into one group whatever the offending character and position.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from grammarkit.core.errors import GrammarkitError
from grammarkit.core.rejection import Rejection
from grammarkit.core.span import utf8_bytes
from grammarkit.llg.matcher import EngineMatcher, MatcherUnavailable, describe_bytes
from grammarkit.samples.files import Sample
from grammarkit.samples.generate import DEFAULT_MAX_BYTES, GenerationError, generate

if TYPE_CHECKING:  # pragma: no cover
    from grammarkit.core.source import Syntax

Direction = Literal["narrowed", "widened"]
Which = Literal["old", "new"]

DEFAULT_GENERATED = 50
"""Inputs generated from each grammar when the caller does not say."""
CONTEXT_CHARS = 24
"""Characters of context kept on each side of the point where an input diverges."""


class GrammarUnusable(GrammarkitError):
    """llguidance rejects one of the two grammars, so nothing can be judged against it.
    ``which`` is ``"old"`` or ``"new"``, ``reason`` is llguidance's first line."""

    def __init__(self, which: Which, reason: str) -> None:
        self.which = which
        self.reason = (reason.strip().splitlines() or ["no reason given"])[0]
        super().__init__(f"llguidance rejects the {which} grammar: {self.reason}")


@dataclass
class Origin:
    """Where an input came from: a samples file (``source``, ``line``) or a grammar it was
    generated from (``source`` ``"generated from old"``/``"generated from new"``)."""

    source: str
    line: int | None = None
    description: str = ""
    expected: bool | None = None

    def __str__(self) -> str:
        return f"{self.source}:{self.line}" if self.line is not None else self.source

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "line": self.line, "description": self.description, "expected": self.expected}


@dataclass
class Divergence:
    """One input the two grammars judge differently."""

    input: str
    direction: Direction
    rejection: Rejection
    """llguidance's located rejection by the grammar that rejects the input."""
    gained: list[str]
    """What the accepting grammar allows at that point and the rejecting one does not."""
    origin: Origin
    occurrences: int = 1
    """How many times the input appeared among the samples and generated inputs."""

    @property
    def rejected_by(self) -> Which:
        return "new" if self.direction == "narrowed" else "old"

    @property
    def context(self) -> tuple[str, str]:
        """Up to :data:`CONTEXT_CHARS` characters before and after the divergence point
        (``…`` marks a cut)."""
        text = self.input
        at = self.rejection.offset if self.rejection.offset is not None else len(text)
        start, end = max(0, at - CONTEXT_CHARS), min(len(text), at + CONTEXT_CHARS)
        before = ("…" if start > 0 else "") + text[start:at]
        after = text[at:end] + ("…" if end < len(text) else "")
        return before, after

    def to_dict(self) -> dict[str, Any]:
        r = self.rejection
        before, after = self.context
        return {
            "input": self.input,
            "origin": self.origin.to_dict(),
            "occurrences": self.occurrences,
            "line": r.line,
            "column": r.column,
            "offset": r.offset,
            "byte_offset": r.byte_offset,
            "found": r.found,
            "message": r.message,
            "context": {"before": before, "after": after},
        }


@dataclass
class DivergenceGroup:
    """Inputs that diverge the same way (see the module documentation)."""

    direction: Direction
    kind: str
    """The rejection's kind: ``unexpected`` (a character the rejecting grammar cannot
    take), ``incomplete`` (the input ends too early for it), or ``too_long``."""
    allowed: list[str]
    """What the rejecting grammar allows at the divergence point."""
    gained: list[str]
    """What the accepting grammar allows there besides."""
    inputs: list[Divergence] = field(default_factory=list)

    @property
    def rejected_by(self) -> Which:
        return "new" if self.direction == "narrowed" else "old"

    @property
    def accepted_by(self) -> Which:
        return "old" if self.direction == "narrowed" else "new"

    @property
    def count(self) -> int:
        """Distinct inputs in the group."""
        return len(self.inputs)

    @property
    def occurrences(self) -> int:
        return sum(d.occurrences for d in self.inputs)

    @property
    def summary(self) -> str:
        """One line saying where the grammars part, for people."""
        rej, acc = self.rejected_by, self.accepted_by
        allowed = ", ".join(self.allowed) or "nothing"
        if self.kind == "incomplete":
            return f"the input ends too early for the {rej} grammar, which expects {allowed} (the {acc} one may end)"
        if self.kind == "too_long":
            return f"the input is too long for the {rej} grammar's matcher"
        gained = ", ".join(self.gained) or "the character found"
        if self.allowed == ["end of input"]:
            return f"the {rej} grammar can only end where the {acc} one also allows {gained}"
        if not self.allowed:
            return f"nothing can follow in the {rej} grammar where the {acc} one allows {gained}"
        return f"the {rej} grammar allows only {allowed} where the {acc} one also allows {gained}"

    def to_dict(self, examples: int | None = 3) -> dict[str, Any]:
        shown = self.inputs if examples is None else self.inputs[:examples]
        return {
            "rejected_by": self.rejected_by,
            "kind": self.kind,
            "allowed": list(self.allowed),
            "gained": list(self.gained),
            "summary": self.summary,
            "count": self.count,
            "occurrences": self.occurrences,
            "examples": [d.to_dict() for d in shown],
        }


@dataclass
class GrammarDiff:
    """The outcome of :func:`diff_grammars`."""

    old_syntax: str
    new_syntax: str
    seed: int | str | None
    from_samples: int = 0
    """Samples given (before removing duplicates)."""
    generated_from_old: int = 0
    generated_from_new: int = 0
    distinct: int = 0
    """Distinct inputs judged."""
    accepted_by_both: int = 0
    rejected_by_both: int = 0
    narrowed: list[DivergenceGroup] = field(default_factory=list)
    widened: list[DivergenceGroup] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def narrowed_count(self) -> int:
        return sum(g.count for g in self.narrowed)

    @property
    def widened_count(self) -> int:
        return sum(g.count for g in self.widened)

    @property
    def same(self) -> bool:
        """No input judged differently (among those tried: not a proof of equality)."""
        return not self.narrowed and not self.widened

    def to_dict(self, examples: int | None = 3) -> dict[str, Any]:
        return {
            "syntax": {"old": self.old_syntax, "new": self.new_syntax},
            "seed": self.seed,
            "inputs": {
                "from_samples": self.from_samples,
                "generated_from_old": self.generated_from_old,
                "generated_from_new": self.generated_from_new,
                "distinct": self.distinct,
            },
            "accepted_by_both": self.accepted_by_both,
            "rejected_by_both": self.rejected_by_both,
            "narrowed": _side(self.narrowed, examples),
            "widened": _side(self.widened, examples),
            "notes": list(self.notes),
        }


def _side(groups: list[DivergenceGroup], examples: int | None) -> dict[str, Any]:
    return {
        "count": sum(g.count for g in groups),
        "occurrences": sum(g.occurrences for g in groups),
        "groups": [g.to_dict(examples) for g in groups],
    }


# --------------------------------------------------------------------------- diffing


def diff_grammars(
    old: str,
    new: str,
    *,
    syntax: Syntax = "lark",
    new_syntax: Syntax | None = None,
    samples: Iterable[Sample | str] = (),
    generated_n: int = DEFAULT_GENERATED,
    seed: int | str | None = 0,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> GrammarDiff:
    """Judge ``samples`` and ``generated_n`` inputs generated from each grammar (with
    ``seed``, each at most ``max_bytes`` UTF-8 bytes) by both grammars with llguidance, and
    group the inputs judged differently (see the module documentation).

    ``syntax`` is the old grammar's syntax and, unless ``new_syntax`` says otherwise, the
    new one's. A sample may be a plain string (an input with no expectation). Raises
    :class:`GrammarUnusable` when llguidance rejects either grammar, ``ValueError`` for a
    negative ``generated_n`` or ``max_bytes``.
    """
    if generated_n < 0:
        raise ValueError(f"generated_n must be at least 0, not {generated_n}")
    if max_bytes < 0:
        raise ValueError(f"max_bytes must be at least 0, not {max_bytes}")
    new_syntax = new_syntax or syntax
    sides: tuple[tuple[Which, str, Syntax], ...] = (("old", old, syntax), ("new", new, new_syntax))
    matchers: dict[Which, EngineMatcher] = {}
    for which, text, chosen in sides:
        try:
            matchers[which] = EngineMatcher(text, syntax=chosen)
        except MatcherUnavailable as exc:
            raise GrammarUnusable(which, exc.reason) from None
    result = GrammarDiff(old_syntax=syntax, new_syntax=new_syntax, seed=seed)

    inputs: dict[str, list] = {}  # input -> [origin, occurrences], in first-seen order

    def add(text: str, origin: Origin) -> None:
        entry = inputs.get(text)
        if entry is None:
            inputs[text] = [origin, 1]
        else:
            entry[1] += 1

    for sample in samples:
        result.from_samples += 1
        if isinstance(sample, str):
            add(sample, Origin("<sample>", None, "", None))
        else:
            add(sample.input, Origin(sample.source, sample.line, sample.description, sample.expected))
    if generated_n:
        for which, text, chosen in sides:
            # Walks with one seed through two similar grammars make the same choices and
            # mostly the same strings: the new grammar's walks get a seed of their own.
            own_seed = seed if which == "old" or seed is None else f"{seed}/new"
            drawn = _generate(which, text, chosen, generated_n, own_seed, max_bytes, matchers[which], result.notes)
            if which == "old":
                result.generated_from_old = len(drawn)
            else:
                result.generated_from_new = len(drawn)
            for s in drawn:
                add(s, Origin(f"generated from {which}"))
    result.distinct = len(inputs)

    groups: dict[tuple, DivergenceGroup] = {}
    for text, (origin, occurrences) in inputs.items():
        old_ok = matchers["old"].check(text)
        new_ok = matchers["new"].check(text)
        if old_ok.accepted and new_ok.accepted:
            result.accepted_by_both += 1
            continue
        if not old_ok.accepted and not new_ok.accepted:
            result.rejected_by_both += 1
            continue
        direction: Direction = "narrowed" if old_ok.accepted else "widened"
        rejecting, accepting = (
            (matchers["new"], matchers["old"]) if direction == "narrowed" else (matchers["old"], matchers["new"])
        )
        rejection = rejecting.rejection(text, new_ok if direction == "narrowed" else old_ok)
        assert rejection is not None
        gained = _gained(text, rejection, rejecting, accepting)
        key = (direction, rejection.kind, tuple(rejection.allowed), tuple(gained))
        group = groups.get(key)
        if group is None:
            group = groups[key] = DivergenceGroup(direction, rejection.kind, list(rejection.allowed), gained)
        group.inputs.append(Divergence(text, direction, rejection, gained, origin, occurrences))
    ordered = sorted(groups.values(), key=lambda g: -g.count)  # stable: first seen first among equals
    result.narrowed = [g for g in ordered if g.direction == "narrowed"]
    result.widened = [g for g in ordered if g.direction == "widened"]
    return result


def _generate(
    which: Which,
    text: str,
    syntax: Syntax,
    n: int,
    seed: int | str | None,
    max_bytes: int,
    matcher: EngineMatcher,
    notes: list[str],
) -> list[str]:
    try:
        drawn = generate(text, syntax=syntax, n=n, seed=seed, max_bytes=max_bytes, matcher=matcher, coverage=False)
    except GenerationError as exc:
        notes.append(f"nothing was generated from the {which} grammar: {exc.message}")
        return []
    if not drawn.complete:
        notes.append(f"from the {which} grammar, {drawn.shortfall_message()}")
    return list(drawn.samples)


def _gained(text: str, rejection: Rejection, rejecting: EngineMatcher, accepting: EngineMatcher) -> list[str]:
    """What ``accepting`` allows where ``rejecting`` stops, and ``rejecting`` does not."""
    if rejection.kind == "too_long":
        return []
    data = utf8_bytes(text)
    prefix = data[: rejection.byte_offset if rejection.byte_offset is not None else len(data)]
    acc_bytes, acc_end = accepting.allowed_after(prefix)
    rej_bytes, rej_end = rejecting.allowed_after(prefix)
    extra = sorted(set(acc_bytes) - set(rej_bytes))
    names = describe_bytes([b for b in extra if b < 0x80])
    if any(b >= 0x80 for b in extra):
        names.append("non-ASCII characters")
    if acc_end and not rej_end:
        names.append("end of input")
    if not names and rejection.found:
        names.append(_quoted(rejection.found))  # the difference is inside a multi-byte character
    return names


def _quoted(ch: str) -> str:
    import json

    return json.dumps(ch, ensure_ascii=not ch.isprintable())


def samples_from_texts(texts: Sequence[str], source: str = "<sample>") -> list[Sample]:
    """Plain inputs as :class:`Sample` values with no expectation, numbered from 1."""
    return [Sample(t, None, "", source, i, 1) for i, t in enumerate(texts, 1)]


__all__ = [
    "DEFAULT_GENERATED",
    "Divergence",
    "DivergenceGroup",
    "GrammarDiff",
    "GrammarUnusable",
    "Origin",
    "diff_grammars",
    "samples_from_texts",
]
