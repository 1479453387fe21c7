"""Witnesses: inputs that prove what a diagnostic claims about the language.

A rule that states something about what the model can or cannot send (a delimiter that
can never follow, two terminals that share a string, a Unicode digit the model can emit,
a rule that can never be completed) builds an input that shows it and asks
:meth:`Witnesses.confirm`: llguidance judges the input, and the claim is reported only
when llguidance agrees (the input is accepted, or rejected, as the message says). A claim
llguidance contradicts, or cannot judge (it rejects the grammar), is not reported.

One llguidance matcher is compiled per grammar (the whole grammar, or a nested
``%lark { … }`` grammar compiled on its own) and verdicts are cached per input, on the
lint context (``ctx.witnesses``). The work is bounded: at most :data:`MAX_VERDICTS`
inputs are judged per lint, and a matcher that llguidance had to rebuild
:data:`MAX_REBUILDS` times (it hit one of its internal limits on the inputs, such as a
parser row over ``max_items_in_row``: each time costs a compile) judges nothing more.
Past either bound a claim is not confirmed, so it is not reported.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any

from grammarkit.core.diagnostics import Witness
from grammarkit.core.span import utf8_bytes
from grammarkit.llg.compile import compile_report
from grammarkit.llg.matcher import EngineMatcher, EngineVerdict, MatcherUnavailable
from grammarkit.llg.search import find_accepted

if TYPE_CHECKING:
    from grammarkit.analysis import Scope
    from grammarkit.core.source import Syntax


MAX_VERDICTS = 2000
"""Inputs llguidance judges at most per lint (every rule's witnesses together)."""
MAX_REBUILDS = 2
"""Rebuilds of a matcher (after llguidance's internal limits) before it is given up."""


class Witnesses:
    """llguidance's verdicts on candidate witnesses for one lint context."""

    def __init__(self, ctx: Any) -> None:  # a LintContext (which builds this)
        # (A weak reference: the context holds this, and a cycle would keep every object
        # of the lint alive until the garbage collector's next full pass.)
        self._ctx = weakref.ref(ctx)
        self._matchers: dict[str, EngineMatcher | None] = {}
        self._verdicts: dict[tuple[str, str], EngineVerdict | None] = {}
        self._pending: dict[str, tuple[Any, dict]] = {}  # grammar -> (thread, box) of prepare()

    @property
    def ctx(self) -> Any:
        ctx = self._ctx()
        assert ctx is not None, "the lint context is gone"
        return ctx

    def grammar(self, scope: Scope | None = None) -> str:
        """The grammar text llguidance judges witnesses of ``scope`` against: the whole
        grammar (a regex grammar's pattern), or a nested ``%lark`` grammar's own text."""
        ctx = self.ctx
        if ctx.syntax == "regex":
            return ctx.regex_pattern
        if scope is None or scope.nested is None:
            return ctx.text
        seg = ctx.text[scope.nested.span.start : scope.nested.span.end]
        return seg[seg.find("{") + 1 : seg.rfind("}")]

    def prepare(self, scope: Scope | None = None) -> None:
        """Start building the matcher for ``scope``'s grammar on another thread, for a
        rule that will probably ask for a verdict once its own analysis is done:
        llguidance compiles without the GIL, so the compile runs beside that analysis.
        :meth:`matcher` waits for it. (Nothing is started when it is built already.)"""
        grammar = self.grammar(scope)
        if grammar in self._matchers or grammar in self._pending:
            return
        import threading

        box: dict[str, Any] = {}
        ctx = self.ctx  # (held by the thread until it ends)

        def run() -> None:
            try:
                box["result"] = self._build(ctx, grammar, scope)
            except BaseException as exc:  # handed to the thread that asks for the matcher
                box["error"] = exc

        thread = threading.Thread(target=run, name="grammarkit-witnesses", daemon=True)
        self._pending[grammar] = (thread, box)
        thread.start()

    def matcher(self, scope: Scope | None = None) -> EngineMatcher | None:
        """The matcher for ``scope``'s grammar, or None when llguidance rejects it."""
        grammar = self.grammar(scope)
        if grammar not in self._matchers:
            pending = self._pending.pop(grammar, None)
            if pending is not None:
                thread, box = pending
                thread.join()
                if "error" in box:
                    raise box["error"]
                self._matchers[grammar] = box["result"]
            else:
                self._matchers[grammar] = self._build(self.ctx, grammar, scope)
        return self._matchers[grammar]

    @staticmethod
    def _build(ctx: Any, grammar: str, scope: Scope | None) -> EngineMatcher | None:
        top = scope is None or scope.nested is None
        report = ctx.engine if top else compile_report("lark", grammar)
        syntax: Syntax = ctx.syntax if top else "lark"
        if top and report.ok and _judges_nothing(ctx):
            return None
        try:
            return EngineMatcher(grammar, syntax=syntax, report=report)
        except MatcherUnavailable:
            return None

    def verdict(self, text: str, scope: Scope | None = None) -> EngineVerdict | None:
        """llguidance's verdict on ``text`` (None: llguidance rejects the grammar)."""
        key = (self.grammar(scope), text)
        if key not in self._verdicts:
            matcher = self.matcher(scope)
            if matcher is None or matcher.rebuilds >= MAX_REBUILDS or len(self._verdicts) >= MAX_VERDICTS:
                return None  # (not remembered: the bound is reached, nothing is judged)
            self._verdicts[key] = matcher.check(text)
        return self._verdicts[key]

    def confirm(
        self,
        text: str,
        *,
        accepted: bool,
        note: str = "",
        scope: Scope | None = None,
        prefix: str | None = None,
    ) -> Witness | None:
        """The :class:`~grammarkit.core.diagnostics.Witness` when llguidance accepts (or
        rejects) ``text`` as claimed, else None. For a claimed rejection, ``prefix`` (the
        part of the input before the place the claim is about) must not be where it
        fails: llguidance must take all of it, so that the input is rejected at that
        place or after it, not for some earlier reason."""
        verdict = self.verdict(text, scope)
        if verdict is None or verdict.accepted != accepted:
            return None
        if not accepted and prefix:
            if verdict.too_long:
                return None
            if verdict.stopped_at is not None and verdict.stopped_at < len(utf8_bytes(prefix)):
                return None
        return Witness(text, accepted, note)

    def find_accepted(
        self, candidates: list[str], scope: Scope | None = None, *, budget: int | None = None
    ) -> str | None:
        """An input llguidance accepts (see :func:`grammarkit.llg.search.find_accepted`),
        or None when the bounded search found none (or llguidance rejects the grammar)."""
        matcher = self.matcher(scope)
        if matcher is None:
            return None
        if budget is None:
            return find_accepted(matcher, candidates)
        return find_accepted(matcher, candidates, budget=budget)


def _judges_nothing(ctx: Any) -> bool:
    """Whether llguidance, although it compiles the grammar, can judge no input of it:
    its matcher cannot be built (GK242), or its first row is over ``max_items_in_row``
    (GK240), so every input fails at its first byte. (Known when the limits were
    measured; building a matcher to learn it again would cost up to three compiles.)"""
    if ctx.matcher_error is not None:
        return True
    return any(
        u.key == "max_items_in_row" and u.low is not None and u.low > u.limit for u in ctx.limit_usages
    )
