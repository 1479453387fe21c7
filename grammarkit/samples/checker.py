"""Checking samples: each input's verdict from llguidance and from the local Lark parser.

**Engines.** ``llguidance`` (what the model can emit), ``lark`` (what the application's
own Lark parser accepts), ``both``, or ``auto``: llguidance judges every sample, and the
local Lark parser also judges the first :data:`AUTO_LARK_FIRST` samples of a grammar and
every later sample whose llguidance verdict differs from its expectation (to say whether
the application would have accepted it). The cost of ``auto`` therefore grows with the
number of samples and never drops as a set grows (there used to be a cliff: Lark on every
sample up to 1,000 samples, on none beyond); disagreements between the engines are
looked for in the first :data:`AUTO_LARK_FIRST` samples and in the mismatches.

**Bulk checks.** :meth:`SampleChecker.run` takes any iterable of samples (a JSON Lines
file streams), keeps either every result or only the notable ones (a verdict that differs
from its expectation, or the engines disagreeing) and counts the rest, so memory stays
flat however many samples there are. The common case, llguidance alone on a sample
whose verdict is as expected, runs straight on llguidance's matcher with no objects
made. ``jobs`` > 1 checks chunks of samples in worker processes (one matcher each),
results in input order.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from grammarkit.core.errors import EngineUnavailable, GrammarkitError
from grammarkit.core.rejection import InputRejected, Rejection, disagreement
from grammarkit.llg.matcher import EngineMatcher, MatcherUnavailable
from grammarkit.samples.files import Sample, SampleProblem

AUTO_LARK_FIRST = 1000
"""With engine "auto", the local Lark parser judges this many samples first (and, after
them, only the samples whose llguidance verdict differs from their expectation)."""

ENGINES = ("auto", "both", "llguidance", "lark")

CHUNK_SAMPLES = 2000
"""Samples per chunk sent to a worker process (``jobs`` > 1)."""
CHUNK_CHARACTERS = 4 * 1024 * 1024
"""A chunk is sent early once its inputs hold this many characters (memory stays flat)."""



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

    def rebind(self, sample: Sample) -> SampleResult:
        """This verdict for another sample with the same input (another expectation,
        line or index), sharing the rejection once it is worked out."""
        if sample is self.sample:
            return self
        return SampleResult(
            sample, self.accepted, self.llguidance, self.lark, self._rejection, self.lark_rejection, self._explain
        )

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


@dataclass(slots=True)
class SampleRun:
    """The outcome of checking a stream of samples against one grammar.

    ``results`` holds every :class:`SampleResult` (``keep_all``) or only the notable ones:
    a verdict that differs from its expectation, or the engines disagreeing. ``problems``
    are the malformed entries of the samples files (JSON Lines lines that are not
    samples), in order."""

    results: list = field(default_factory=list)
    count: int = 0  # samples checked
    failed: int = 0  # samples whose verdict differs from their expectation
    lark_checked: int = 0  # samples the local Lark parser judged
    problems: list = field(default_factory=list)


class SampleChecker:
    """Checks samples against one grammar with llguidance and/or the local Lark parser.

    ``engine_report`` is llguidance's compile verdict when the caller has it (the lint
    context does), so the grammar is not compiled twice.

    ``engine``: "llguidance", "lark", "both", or "auto" (see the module documentation:
    llguidance on every sample, Lark on the first :data:`AUTO_LARK_FIRST` and on those
    whose llguidance verdict differs from their expectation). With "lark", a grammar the
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
        self.auto_lark_first = AUTO_LARK_FIRST  # with "auto": samples Lark judges first

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
        """Whether the local Lark parser judges any of ``count`` samples (every engine
        but "llguidance" does, on at least the first sample)."""
        return self.engine != "llguidance" and count > 0

    def lark_first(self) -> int | None:
        """How many samples, from the first, Lark judges whatever their verdict (None: all)."""
        return {"llguidance": 0, "auto": self.auto_lark_first}.get(self.engine)

    def check_all(self, samples: Iterable[Sample]) -> list[SampleResult]:
        """Every sample's result, in order."""
        return self.run(samples).results

    def run(self, samples: Iterable, *, keep_all: bool = True, jobs: int = 1) -> SampleRun:
        """Check a stream of samples (:class:`~grammarkit.samples.files.SampleProblem`
        items in it are collected in ``problems``), reading it once. ``keep_all=False``
        keeps only the notable results (memory stays flat on long streams); ``jobs`` > 1
        checks chunks in that many worker processes (0: one per CPU). The workers are
        started with ``spawn``, so a script calling this with ``jobs`` > 1 needs the usual
        ``if __name__ == "__main__":`` guard."""
        if jobs == 0:
            jobs = os.cpu_count() or 1
        outcome = SampleRun()
        if jobs > 1:
            run_in_workers(self, samples, outcome, keep_all=keep_all, jobs=jobs)
        else:
            self.run_chunk(samples, outcome, keep_all=keep_all)
        return outcome

    def run_chunk(self, samples: Iterable, outcome: SampleRun, *, keep_all: bool, start: int = 0) -> None:
        """Check ``samples`` into ``outcome``; ``start`` is the position of the first one
        in the whole stream (for the "auto" engine's first samples)."""
        results = outcome.results
        problems = outcome.problems
        first = self.lark_first()
        position = start
        fast: Any = None  # llguidance's raw matcher, once samples go to llguidance alone
        for sample in samples:
            if type(sample) is SampleProblem:
                problems.append(sample)
                continue
            position += 1
            if fast is None and first is not None and position > first:
                fast = self._fast_matcher() or False
            if fast:
                data = sample.input.encode("utf-8", "surrogatepass")
                n = len(data)
                if n <= fast[1]:
                    m = fast[0].fresh()  # a copy of the pristine matcher: a fresh verdict
                    accepted = (n == 0 or m.try_consume_tokens(list(data)) == n) and m.is_accepting()
                    expected = sample.expected
                    if m.is_error():  # an llguidance limit spent the shared state: rebuild, then
                        fast[0].rebuild(m.get_error() or "")  # the slow path judges this sample afresh
                        expected = not accepted
                    if expected is None or expected is accepted:
                        if keep_all:
                            if accepted:
                                results.append(SampleResult(sample, True, True, None))
                            else:
                                results.append(self.check(sample, use_lark=False))
                        continue
                # A mismatch (or an input too long to feed): the whole story, with Lark's
                # verdict when the engine is "auto".
                result = self.check(sample, use_lark=self.engine == "auto")
            else:
                result = self.check(sample, use_lark=first is None or position <= first)
            if result.lark is not None:
                outcome.lark_checked += 1
            mismatch = not result.as_expected
            if mismatch:
                outcome.failed += 1
            if keep_all or mismatch or result.disagreement is not None:
                results.append(result)
        outcome.count += position - start

    def _fast_matcher(self):
        """(llguidance's raw matcher, the input size limit) for the fast path, or None
        when llguidance cannot judge this grammar (then every sample takes the slow path,
        which falls back to Lark or says no engine can check it)."""
        matcher = self.matcher
        if matcher is None:
            return None
        return matcher, matcher.max_input_bytes

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


class CheckCancelled(GrammarkitError):
    """Checking stopped because the caller no longer needs the verdicts (an editor whose
    text changed meanwhile)."""


class ReusingSampleChecker(SampleChecker):
    """A :class:`SampleChecker` that remembers each input's verdict, so checking the same
    samples again (an editor re-checking a samples file after one sample changed) only
    runs the engines on inputs it has not seen. ``stop``, asked before each input it runs
    the engines on, ends the check with :class:`CheckCancelled` when it returns True."""

    MAX_REMEMBERED = 10_000

    def __init__(
        self,
        grammar: str,
        *,
        syntax: str = "lark",
        engine: str = "auto",
        engine_report=None,
        stop: Callable[[], bool] | None = None,
    ) -> None:
        super().__init__(grammar, syntax=syntax, engine=engine, engine_report=engine_report)
        self._verdicts: dict[tuple[str, bool], SampleResult] = {}
        self.stop = stop

    def check(self, sample: Sample, *, use_lark: bool = True) -> SampleResult:
        key = (sample.input, use_lark)
        found = self._verdicts.get(key)
        if found is None:
            if self.stop is not None and self.stop():
                raise CheckCancelled("the samples are no longer needed")
            found = super().check(sample, use_lark=use_lark)
            if len(self._verdicts) >= self.MAX_REMEMBERED:
                self._verdicts.clear()
            self._verdicts[key] = found
        return found.rebind(sample)


class CheckerCache:
    """A sample-checker factory (for ``lint_text(sample_checker=...)``) that keeps the
    checkers of the last ``size`` grammars: linting the same grammar text again reuses its
    llguidance matcher, its Lark parser and the verdicts already known. Not thread-safe:
    use one per thread. While ``should_stop`` is set and returns True, checking raises
    :class:`CheckCancelled` (the verdicts found so far are kept)."""

    def __init__(self, size: int = 8) -> None:
        self.size = size
        self.should_stop: Callable[[], bool] | None = None
        self._checkers: dict[tuple[str, str, str], ReusingSampleChecker] = {}

    def _stop(self) -> bool:
        return self.should_stop is not None and self.should_stop()

    def __call__(self, grammar: str, *, syntax: str = "lark", engine: str = "auto", engine_report=None):
        key = (grammar, syntax, engine)
        checker = self._checkers.pop(key, None)
        if checker is None:
            checker = ReusingSampleChecker(
                grammar, syntax=syntax, engine=engine, engine_report=engine_report, stop=self._stop
            )
            while len(self._checkers) >= self.size:
                del self._checkers[next(iter(self._checkers))]
        self._checkers[key] = checker  # most recently used last
        return checker

    def __len__(self) -> int:
        return len(self._checkers)


class NoEngineAvailable(EngineUnavailable):
    """Neither llguidance nor the local parser can check samples against the grammar."""

    engine = "both"


def check_samples(
    grammar: str, samples: Iterable[Sample], *, syntax: str = "lark", engine: str = "auto"
) -> tuple[list[SampleResult], SampleChecker]:
    """Check ``samples`` against ``grammar``; return the results and the checker (which
    says whether each engine was available)."""
    checker = SampleChecker(grammar, syntax=syntax, engine=engine)
    return checker.check_all(samples), checker


# --------------------------------------------------------------------------- worker processes
#
# Checking samples in worker processes (``jobs`` > 1).
#
# The stream is cut into chunks (:data:`~grammarkit.samples.checker.CHUNK_SAMPLES`
# samples, or fewer when their inputs are long); each worker process builds one
# :class:`~grammarkit.samples.checker.SampleChecker` (one llguidance matcher, one Lark
# parser) when it starts and checks whole chunks with it. At most two chunks per worker are
# in flight, so memory stays flat however long the stream, and chunks are collected in the
# order they were sent, so results come in input order. Only what a worker found notable
# (or everything, with ``keep_all``) comes back, with llguidance's located rejection
# already worked out (it needs the worker's matcher).
#
# Workers are started with the ``spawn`` method (a fresh interpreter: llguidance's native
# state is never copied by ``fork``), which costs a fraction of a second each; a stream
# that fits in one chunk is checked in this process instead.





_checker = None  # the worker process's SampleChecker


def run_in_workers(checker, samples: Iterable, outcome, *, keep_all: bool, jobs: int) -> None:
    """Check ``samples`` into ``outcome`` (a :class:`~grammarkit.samples.checker.SampleRun`)
    with ``jobs`` worker processes, as :meth:`SampleChecker.run` would in this process."""
    chunks = _chunks(iter(samples), outcome.problems)
    first = next(chunks, None)
    if first is None:
        return
    second = next(chunks, None)
    if second is None:  # not worth starting processes
        checker.run_chunk(first, outcome, keep_all=keep_all)
        return

    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")
    init = (checker.grammar, checker.syntax, checker.engine, checker._engine_report, checker.auto_lark_first)
    pending: deque = deque()
    start = 0
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_start, initargs=init) as pool:
        try:
            queued = _prepend([first, second], chunks)
            for chunk in queued:
                payload = [(s.input, s.expected) for s in chunk]
                pending.append((pool.submit(_check_chunk, payload, start, keep_all), chunk))
                start += len(chunk)
                if len(pending) >= 2 * jobs:
                    _collect(pending.popleft(), checker, outcome)
            while pending:
                _collect(pending.popleft(), checker, outcome)
        except BaseException:
            for future, _ in pending:
                future.cancel()
            raise


def _prepend(head: list, rest: Iterator) -> Iterator:
    yield from head
    yield from rest


def _chunks(samples: Iterator, problems: list) -> Iterator[list[Sample]]:
    """The samples in chunks; problems go straight to ``problems``."""

    chunk: list[Sample] = []
    size = 0
    for sample in samples:
        if type(sample) is SampleProblem:
            problems.append(sample)
            continue
        chunk.append(sample)
        size += len(sample.input)
        if len(chunk) >= CHUNK_SAMPLES or size >= CHUNK_CHARACTERS:
            yield chunk
            chunk = []
            size = 0
    if chunk:
        yield chunk


def _collect(entry, checker, outcome) -> None:

    future, chunk = entry
    count, failed, lark_checked, kept, lark_unavailable, engine_unavailable = future.result()
    outcome.count += count
    outcome.failed += failed
    outcome.lark_checked += lark_checked
    if lark_unavailable and checker.lark_unavailable is None:
        checker.lark_unavailable = lark_unavailable
        checker._parser_built = True  # as far as the caller can tell: it was tried
    if engine_unavailable and checker.engine_unavailable is None:
        checker.engine_unavailable = engine_unavailable
    for i, accepted, llg, lark, rejection, lark_rejection in kept:
        outcome.results.append(SampleResult(chunk[i], accepted, llg, lark, rejection, lark_rejection))


# ---------------------------------------------------------------- in the worker


def _start(grammar: str, syntax: str, engine: str, report, auto_lark_first: int) -> None:
    """Worker initializer: one checker for the process's lifetime. Interrupts are the
    parent's to handle (it cancels the work); a worker ignores them."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    global _checker
    _checker = SampleChecker(grammar, syntax=syntax, engine=engine, engine_report=report)
    _checker.auto_lark_first = auto_lark_first


def _check_chunk(payload: list[tuple[str, bool | None]], start: int, keep_all: bool):

    checker = _checker
    assert checker is not None, "the worker was not initialised"
    samples = [Sample(text, expected, "", "", i) for i, (text, expected) in enumerate(payload)]
    outcome = SampleRun()
    checker.run_chunk(samples, outcome, keep_all=keep_all, start=start)
    kept = []
    for result in outcome.results:
        rejection = result.rejection  # worked out here, where the matcher is
        llg_rejection = rejection if rejection is not None and rejection.engine == "llguidance" else None
        kept.append(
            (result.sample.index, result.accepted, result.llguidance, result.lark, llg_rejection, result.lark_rejection)
        )
    return (
        outcome.count,
        outcome.failed,
        outcome.lark_checked,
        kept,
        checker.lark_unavailable,
        checker.engine_unavailable,
    )
