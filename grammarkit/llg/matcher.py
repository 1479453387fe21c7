"""llguidance's verdict on tool inputs: what the model can emit under a grammar.

One :class:`EngineMatcher` compiles the grammar once and checks any number of inputs,
resetting between them. An input is fed as bytes through a byte-level tokenizer (token id
= byte value), exactly the bytes the model would produce; it is accepted when every byte
is consumed and the grammar is in an accepting state at the end.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from grammarkit.core.source import Syntax

DEFAULT_MAX_INPUT_BYTES = 4 * 1024 * 1024


class MatcherUnavailable(Exception):
    """llguidance cannot compile the grammar (so nothing can be checked against it)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


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

    def describe(self, data: bytes | None = None) -> str:
        if self.accepted:
            return "accepted"
        if self.too_long:
            return f"input is too long ({self.length} bytes)"
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
            from grammarkit.llg.compile import compile_report

            report = compile_report(syntax, grammar)  # on a big-stack thread, never crashes
        if not report.ok:
            reason = report.error.message if report.error else "llguidance rejects the grammar"
            raise MatcherUnavailable(reason)
        self.syntax = syntax
        self.grammar = grammar
        self.max_input_bytes = max_input_bytes
        self._matcher = _make_matcher(syntax, grammar)

    @property
    def raw(self):
        """The underlying ``llguidance.LLMatcher`` (reset before use)."""
        return self._matcher

    def check(self, data: str | bytes) -> EngineVerdict:
        """llguidance's verdict on one input. A ``str`` is fed as UTF-8; a lone surrogate
        (which has no UTF-8 form) goes in as its 3-byte encoding, which no grammar matches,
        so the input is rejected there instead of raising ``UnicodeEncodeError``."""
        raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else bytes(data)
        n = len(raw)
        if n > self.max_input_bytes:
            return EngineVerdict(False, 0, n, too_long=True)
        m = self._matcher
        m.reset()
        consumed = m.try_consume_tokens(list(raw)) if n else 0
        if consumed < n:
            return EngineVerdict(False, consumed, n, stopped_at=consumed)
        if m.is_accepting():
            return EngineVerdict(True, consumed, n)
        return EngineVerdict(False, consumed, n, ended_early=True)

    def accepts(self, data: str | bytes) -> bool:
        return self.check(data).accepted

    def allowed_after(self, prefix: bytes) -> tuple[list[int], bool]:
        """The bytes llguidance allows after ``prefix`` (which it must accept as a
        prefix), and whether the input may end there.

        Works on a copy: computing the mask where nothing can follow puts a matcher into
        an error state that ``reset()`` does not clear."""
        m = self._matcher
        m.reset()
        probe = m.deep_copy()
        if prefix and probe.try_consume_tokens(list(prefix)) < len(prefix):
            return [], False
        can_end = probe.is_accepting()
        mask = probe.compute_bitmask()
        if probe.is_error():
            return [], can_end
        # Tokens 0..254 are the bytes themselves (255 and up: special tokens and EOS).
        allowed = [b for b in range(255) if mask[b >> 3] >> (b & 7) & 1]
        return allowed, can_end


def _make_matcher(syntax: str, grammar: str):
    """Build the LLMatcher on a big-stack thread (llguidance recurses on deep grammars)."""
    import llguidance

    from grammarkit.llg.compile import byte_tokenizer, grammar_for
    from grammarkit.llg.runner import call_with_big_stack

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
