"""llguidance's verdict on tool inputs: what the model can emit under a grammar.

One :class:`EngineMatcher` compiles the grammar once and checks any number of inputs,
each on a copy of a pristine matcher (``deep_copy`` costs microseconds; ``reset()`` costs
more and does not always give a fresh matcher's verdict: a nullable lexeme checked once
leaves state behind). When llguidance hits one of its internal limits on an input ("too
many expressions constructed", a row over its item limit), the state its copies share is
spent: the matcher is rebuilt, the input is tried once more on the fresh one, and if it
fails again the verdict says so (``engine_error``), so one hostile input never makes later
valid ones fail. An input is fed as bytes through a byte-level tokenizer (token id
= byte value), exactly the bytes the model would produce; it is accepted when every byte
is consumed and the grammar is in an accepting state at the end.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from grammarkit.llg.compile import byte_tokenizer, compile_report, grammar_for
from grammarkit.llg.runner import call_with_big_stack

if TYPE_CHECKING:
    from grammarkit.core.source import Syntax

from grammarkit.core.errors import EngineUnavailable
from grammarkit.core.rejection import Rejection
from grammarkit.core.span import char_start, utf8_bytes, utf8_length

DEFAULT_MAX_INPUT_BYTES = 4 * 1024 * 1024


class MatcherUnavailable(EngineUnavailable):
    """llguidance cannot compile the grammar (so nothing can be checked against it)."""

    engine = "llguidance"


@dataclass(frozen=True, slots=True)
class EngineVerdict:
    """llguidance's verdict on one input.

    ``consumed`` is the number of bytes llguidance accepted. When the input is rejected
    either ``stopped_at`` is the byte offset of the first byte that cannot match, or
    ``ended_early`` is True (every byte matched but the input is incomplete).
    """

    accepted: bool
    consumed: int
    length: int
    stopped_at: int | None = None
    ended_early: bool = False
    too_long: bool = False
    engine_error: str | None = None  # llguidance hit an internal limit on this input

    def describe(self, data: bytes | None = None) -> str:
        if self.accepted:
            return "accepted"
        if self.too_long:
            return f"input is too long ({self.length} bytes)"
        if self.engine_error:
            return f"llguidance could not check the input: {self.engine_error}"
        if self.ended_early:
            return "the input ends too early"
        shown = ""
        if data is not None and self.stopped_at is not None:
            shown = f" ({data[self.stopped_at:self.stopped_at + 1]!r})"
        return f"cannot match at byte {self.stopped_at}{shown}"


class EngineMatcher:
    """llguidance matcher for one grammar, reused across inputs."""

    def __init__(
        self,
        grammar: str,
        *,
        syntax: Syntax = "lark",
        max_input_bytes: int = DEFAULT_MAX_INPUT_BYTES,
        report=None,
    ) -> None:
        """``report`` is llguidance's verdict on ``grammar`` when the caller has it already
        (:func:`grammarkit.llg.compile.compile_report`); otherwise it is worked out here."""
        if report is None:
            report = compile_report(syntax, grammar)  # on a big-stack thread, never crashes
        if not report.ok:
            reason = report.error.message if report.error else "llguidance rejects the grammar"
            raise MatcherUnavailable(reason)
        self.syntax = syntax
        self.grammar = grammar
        self.max_input_bytes = max_input_bytes
        self.rebuilds = 0  # times llguidance's shared state was spent and rebuilt
        self.last_engine_error: str | None = None
        self._may_force_forever: bool | None = None
        self._matcher = _make_matcher(syntax, grammar)

    @property
    def raw(self):
        """The pristine ``llguidance.LLMatcher``: never consumes anything; use a
        :meth:`fresh` copy."""
        return self._matcher

    def fresh(self):
        """A copy of the pristine matcher, in its initial state."""
        return self._matcher.deep_copy()

    @property
    def may_force_forever(self) -> bool:
        """Whether llguidance may loop forever computing a mask in some state of this
        grammar (:mod:`grammarkit.llg.forcing`); then :meth:`bitmask` probes tokens."""
        found = self._may_force_forever
        if found is None:
            from grammarkit.llg.forcing import may_force_forever

            found = self._may_force_forever = may_force_forever(self.grammar, self.syntax)
        return found

    def bitmask(self, matcher) -> bytes:
        """``matcher.compute_bitmask()`` (``matcher`` is a copy of this grammar's), or the
        same mask found by probing each token when llguidance might loop forever on it."""
        if not self.may_force_forever:
            return matcher.compute_bitmask()
        from grammarkit.llg.forcing import probed_bitmask

        tok = byte_tokenizer()
        return probed_bitmask(matcher, tok.vocab_size, tok.eos_token)

    def rebuild(self, reason: str = "") -> None:
        """Replace the matcher by a newly compiled one (after llguidance's error state)."""
        self._matcher = _make_matcher(self.syntax, self.grammar)
        self.rebuilds += 1
        self.last_engine_error = reason or self.last_engine_error

    def check(self, data: str | bytes) -> EngineVerdict:
        """llguidance's verdict on one input. A ``str`` is fed as UTF-8; a lone surrogate
        (which has no UTF-8 form) goes in as its 3-byte encoding, which no grammar matches,
        so the input is rejected there instead of raising ``UnicodeEncodeError``."""
        raw = utf8_bytes(data) if isinstance(data, str) else bytes(data)
        n = len(raw)
        if n > self.max_input_bytes:
            return EngineVerdict(False, 0, n, too_long=True)
        verdict, error = self._run(raw)
        if error is None:
            return verdict
        self.rebuild(error)  # the shared state is spent: rebuild, try once more
        verdict, error = self._run(raw)
        if error is None:
            return verdict
        self.rebuild(error)  # leave a working matcher for the next input
        return EngineVerdict(False, verdict.consumed, n, engine_error=error)

    def _run(self, raw: bytes) -> tuple[EngineVerdict, str | None]:
        m = self._matcher.deep_copy()
        n = len(raw)
        consumed = m.try_consume_tokens(list(raw)) if n else 0
        if m.is_error():
            return EngineVerdict(False, consumed, n), _first_line(m.get_error())
        if consumed < n:
            return EngineVerdict(False, consumed, n, stopped_at=consumed), None
        if m.is_accepting():
            return EngineVerdict(True, consumed, n), None
        return EngineVerdict(False, consumed, n, ended_early=True), None

    def accepts(self, data: str | bytes) -> bool:
        return self.check(data).accepted

    def allowed_after(self, prefix: bytes) -> tuple[list[int], bool]:
        """The bytes llguidance allows after ``prefix`` (which it must accept as a
        prefix), and whether the input may end there.

        Works on a copy: computing the mask where nothing can follow puts a matcher into
        an error state."""
        probe = self._matcher.deep_copy()
        if prefix and probe.try_consume_tokens(list(prefix)) < len(prefix):
            return [], False
        can_end = probe.is_accepting()
        mask = self.bitmask(probe)
        if probe.is_error():
            return [], can_end
        # Tokens 0..254 are the bytes themselves (255 and up: special tokens and EOS).
        allowed = [b for b in range(255) if mask[b >> 3] >> (b & 7) & 1]
        return allowed, can_end


    # -- rejections, for people
    def rejection(self, text: str, verdict: EngineVerdict | None = None) -> Rejection | None:
        """llguidance's located :class:`~grammarkit.core.rejection.Rejection` of ``text``
        (None when it accepts it); ``verdict`` is :meth:`check`'s, when known. A stop
        inside a multi-byte character names the whole character, and what is allowed
        there is named in characters (``"é"``), not bytes."""
        if verdict is None:
            verdict = self.check(text)
        if verdict.accepted:
            return None
        if verdict.too_long:
            return Rejection.too_long(verdict.length, self.max_input_bytes, engine="llguidance", unit="bytes")
        if verdict.engine_error:
            return Rejection.engine_failure(verdict.engine_error)
        data = utf8_bytes(text)
        at = char_start(data, len(data) if verdict.ended_early else verdict.stopped_at or 0)
        allowed = self.allowed_names(data[:at], can_end_counts=not verdict.ended_early)
        return Rejection.at_byte(text, at, allowed=allowed, incomplete=verdict.ended_early)

    def allowed_names(self, prefix: bytes, *, can_end_counts: bool = True) -> list[str]:
        """What llguidance allows after ``prefix`` (which ends on a character boundary),
        for people: ASCII as :func:`describe_bytes` names it, non-ASCII as whole
        characters (``"é"``, not ``byte 0xc3``), and ``end of input`` when the input may
        end there (and ``can_end_counts``)."""
        allowed, can_end = self.allowed_after(prefix)
        leads = [b for b in allowed if b >= 0xC0]
        items = describe_bytes([b for b in allowed if b < 0xC0])
        if leads:
            chars = self._allowed_characters(prefix, leads)
            if chars is None:
                items.append("non-ASCII characters")
            else:
                items.extend(_show_character(c) for c in chars)
        if can_end and can_end_counts:
            items.append("end of input")
        return items

    def _allowed_characters(self, prefix: bytes, leads: list[int]) -> list[str] | None:
        """The non-ASCII characters llguidance allows after ``prefix``, given the lead
        bytes it allows there: each lead byte is extended by the continuation bytes the
        mask allows until a character completes. None when there are more than
        :data:`MAX_CHARACTERS_SHOWN` of them or naming them would take more than
        :data:`MAX_CHARACTER_PROBES` masks (``/[^"]/`` allows ~1.1 million)."""
        base = self._matcher.deep_copy()
        if prefix and base.try_consume_tokens(list(prefix)) < len(prefix):
            return None
        found: list[str] = []
        probes = 0

        def extend(seq: bytes) -> bool:  # False: give up
            nonlocal probes
            if len(seq) == utf8_length(seq[0]):
                try:
                    found.append(seq.decode("utf-8"))
                except UnicodeDecodeError:
                    pass  # not a character (llguidance only builds valid UTF-8; be safe)
                return len(found) <= MAX_CHARACTERS_SHOWN
            probes += 1
            if probes > MAX_CHARACTER_PROBES:
                return False
            probe = base.deep_copy()  # a mask where nothing follows puts a matcher in error
            if probe.try_consume_tokens(list(seq)) < len(seq):
                return True
            mask = self.bitmask(probe)
            if probe.is_error():
                return True
            return all(extend(seq + bytes([b])) for b in range(0x80, 0xC0) if mask[b >> 3] >> (b & 7) & 1)

        if not all(extend(bytes([lead])) for lead in leads if lead < 0xF8):
            return None
        return found


MAX_CHARACTER_PROBES = 64
"""llguidance masks computed at most to name the non-ASCII characters allowed somewhere."""
MAX_CHARACTERS_SHOWN = 10


def _show_character(ch: str) -> str:
    return json.dumps(ch, ensure_ascii=not ch.isprintable())


def _make_matcher(syntax: str, grammar: str):
    """Build the LLMatcher on a big-stack thread (llguidance recurses on deep grammars)."""
    import llguidance


    def build():
        return llguidance.LLMatcher(byte_tokenizer(), grammar_for(syntax, grammar), log_level=0)

    matcher = call_with_big_stack(build, None)
    if matcher.is_error():
        raise MatcherUnavailable(matcher.get_error().splitlines()[0])
    return matcher


def describe_bytes(allowed: list[int], can_end: bool = False, limit: int = 10) -> list[str]:
    """Readable names for a set of allowed bytes: ``"a"``, ``[0-9]``, ``end of input``.

    Runs of three or more digits or letters become ranges; everything else is listed."""
    items: list[str] = []
    pending = sorted(set(allowed))
    i = 0
    while i < len(pending):
        b = pending[i]
        j = i
        while j + 1 < len(pending) and pending[j + 1] == pending[j] + 1 and _same_class(b, pending[j + 1]):
            j += 1
        if j - i >= 2 and _range_class(b):
            items.append(f"[{chr(b)}-{chr(pending[j])}]")
            i = j + 1
        else:
            items.append(_show_byte(b))
            i += 1
    if len(items) > limit:
        items = items[:limit] + [f"... ({len(pending)} bytes in all)"]
    if can_end:
        items.append("end of input")
    return items


def _range_class(b: int) -> str | None:
    ch = chr(b)
    if ch.isdigit() and b < 0x80:
        return "digit"
    if "a" <= ch <= "z":
        return "lower"
    if "A" <= ch <= "Z":
        return "upper"
    return None


def _same_class(a: int, b: int) -> bool:
    return _range_class(a) is not None and _range_class(a) == _range_class(b)


def _show_byte(b: int) -> str:
    import json

    if b < 0x80:
        return json.dumps(chr(b))
    return f"byte 0x{b:02x}"


def _first_line(message: str | None) -> str:
    lines = (message or "").strip().splitlines()
    return lines[0] if lines else "llguidance reported an error"
