"""Checking samples: each input's verdict from llguidance and from the local Lark parser.
"""

from __future__ import annotations

from grammarkit.core.errors import EngineUnavailable
from grammarkit.core.rejection import InputRejected, Rejection, disagreement
from grammarkit.llg.matcher import EngineMatcher, MatcherUnavailable
from grammarkit.samples.files import Sample

AUTO_LARK_LIMIT = 1000  # with engine "auto", Lark runs only for sets up to this size

ENGINES = ("auto", "both", "llguidance", "lark")



class SampleResult:
    """Both engines' verdicts on one sample. ``accepted`` is llguidance's verdict (or
    Lark's when only Lark ran); ``lark`` is None when Lark did not run.

    ``rejection`` (llguidance's located rejection, else Lark's) is worked out on first
    access: bulk checks of logged inputs mostly need verdicts only."""

    __slots__ = ("sample", "accepted", "llguidance", "lark", "lark_rejection", "tokens", "_rejection", "_explain")

    def __init__(
        self,
        sample: Sample,
        accepted: bool,
        llguidance: bool | None,
        lark: bool | None,
        rejection: Rejection | None = None,
        lark_rejection: Rejection | None = None,
        explain=None,
    ) -> None:
        self.sample = sample
        self.accepted = accepted
        self.llguidance = llguidance
        self.lark = lark
        self.lark_rejection = lark_rejection
        self.tokens = None  # llg.token_profile.TokenCount, when counted (--tokenizer o200k)
        self._rejection = rejection
        self._explain = explain  # () -> Rejection, for llguidance's rejection

    @property
    def rejection(self) -> Rejection | None:
        if self._explain is not None:
            self._rejection = self._explain()
            self._explain = None
            lark = self.lark_rejection
            if self._rejection is not None and lark is not None and lark.offset == self._rejection.offset:
                self._rejection.expected = lark.expected
        return self._rejection or self.lark_rejection

    def __repr__(self) -> str:
        return (
            f"SampleResult(input={self.sample.input!r}, accepted={self.accepted}, "
            f"llguidance={self.llguidance}, lark={self.lark})"
        )

    @property
    def as_expected(self) -> bool:
        return self.sample.expected is None or self.sample.expected == self.accepted

    @property
    def disagreement(self) -> str | None:
        """"lark-rejects" when the model can emit the input but Lark rejects it,
        "lark-accepts" when Lark accepts an input the model cannot emit, else None."""
        return disagreement(self.llguidance, self.lark)

    def to_dict(self) -> dict:
        error = self.rejection
        data = {
            "input": self.sample.input,
            "expected": self.sample.expected,
            "accepted": self.accepted,
            "engines": {"llguidance": self.llguidance, "lark": self.lark},
            "error": error.to_dict() if error else None,
            "description": self.sample.description,
        }
        if self.tokens is not None:
            data["tokens"] = self.tokens.to_dict()
        return data



# ---------------------------------------------------------------- checking


class SampleChecker:
    """Checks samples against one grammar with llguidance and/or the local Lark parser.

    ``engine_report`` is llguidance's compile verdict when the caller has it (the lint
    context does), so the grammar is not compiled twice.

    ``engine``: "llguidance", "lark", "both", or "auto" (both for up to
    :data:`AUTO_LARK_LIMIT` samples, llguidance alone beyond). With "lark", a grammar the
    local parser cannot read (a regex grammar, or one with no Lark equivalent) is judged
    by llguidance instead. One llguidance matcher and one Lark parser are built once and
    reused for every sample.
    """

    def __init__(self, grammar: str, *, syntax: str = "lark", engine: str = "auto", engine_report=None) -> None:
        if engine not in ENGINES:
            raise ValueError(f"unknown engine {engine!r}; expected one of {', '.join(ENGINES)}")
        self.grammar = grammar
        self.syntax = syntax
        self.engine = engine
        self.lark_unavailable: str | None = None
        self.engine_unavailable: str | None = None
        self._matcher = None
        self._engine_report = engine_report  # llguidance's verdict on the grammar, if known
        self._parser = None
        self._parser_built = False

    # -- engines, built on first use
    @property
    def matcher(self):
        if self._matcher is None and self.engine_unavailable is None:
            try:
                self._matcher = EngineMatcher(self.grammar, syntax=self.syntax, report=self._engine_report)
            except MatcherUnavailable as exc:
                self.engine_unavailable = exc.reason
        return self._matcher

    @property
    def parser(self):
        if not self._parser_built:
            self._parser_built = True
            if self.syntax != "lark":
                self.lark_unavailable = (
                    "regex grammars have no Lark parse tree; the application matches them with a regex"
                )
            else:
                from grammarkit.local.parser import LocalParser, ParserUnavailable

                try:
                    self._parser = LocalParser(self.grammar)
                except ParserUnavailable as exc:
                    self.lark_unavailable = exc.reason
        return self._parser

    def runs_lark(self, count: int) -> bool:
        if self.engine == "llguidance":
            return False
        return not (self.engine == "auto" and count > AUTO_LARK_LIMIT)

    def check_all(self, samples: list[Sample]) -> list[SampleResult]:
        use_lark = self.runs_lark(len(samples))
        return [self.check(s, use_lark=use_lark) for s in samples]

    def check(self, sample: Sample, *, use_lark: bool = True) -> SampleResult:
        """Both engines' verdicts on ``sample``. With engine "lark", llguidance runs only
        when the local parser cannot (a regex grammar, or one with no Lark equivalent),
        so that every verdict comes from an engine that ran. Raises
        :class:`NoEngineAvailable` when neither engine can check the grammar."""
        text = sample.input
        lark_runs = use_lark and self.parser is not None
        llg: bool | None = None
        explain = None
        if (self.engine != "lark" or not lark_runs) and self.matcher is not None:
            verdict = self.matcher.check(text)
            llg = verdict.accepted
            if not llg:
                matcher = self.matcher
                explain = lambda: matcher.rejection(text, verdict)  # noqa: E731
        lark_ok: bool | None = None
        lark_rejection = None
        if lark_runs:
            try:
                self.parser.parse(text)
                lark_ok = True
            except InputRejected as exc:
                lark_ok = False
                lark_rejection = exc.rejection
        if llg is None and lark_ok is None:
            reasons = [f"llguidance: {self.engine_unavailable or 'not run'}"]
            reasons.append(f"Lark: {self.lark_unavailable or 'not run'}")
            raise NoEngineAvailable("no engine can check samples against this grammar (" + "; ".join(reasons) + ")")
        accepted = llg if llg is not None else bool(lark_ok)
        return SampleResult(sample, accepted, llg, lark_ok, None, lark_rejection, explain)


class NoEngineAvailable(EngineUnavailable):
    """Neither llguidance nor the local parser can check samples against the grammar."""

    engine = "both"


def check_samples(
    grammar: str, samples: list[Sample], *, syntax: str = "lark", engine: str = "auto"
) -> tuple[list[SampleResult], SampleChecker]:
    """Check ``samples`` against ``grammar``; return the results and the checker (which
    says whether each engine was available)."""
    checker = SampleChecker(grammar, syntax=syntax, engine=engine)
    return checker.check_all(samples), checker
