"""Checking samples in worker processes (``jobs`` > 1).

The stream is cut into chunks (:data:`~grammarkit.samples.checker.CHUNK_SAMPLES`
samples, or fewer when their inputs are long); each worker process builds one
:class:`~grammarkit.samples.checker.SampleChecker` (one llguidance matcher, one Lark
parser) when it starts and checks whole chunks with it. At most two chunks per worker are
in flight, so memory stays flat however long the stream, and chunks are collected in the
order they were sent, so results come in input order. Only what a worker found notable
(or everything, with ``keep_all``) comes back, with llguidance's located rejection
already worked out (it needs the worker's matcher).

Workers are started with the ``spawn`` method (a fresh interpreter: llguidance's native
state is never copied by ``fork``), which costs a fraction of a second each; a stream
that fits in one chunk is checked in this process instead.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator

from grammarkit.samples.files import Sample, SampleProblem

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
    from grammarkit.samples.checker import CHUNK_CHARACTERS, CHUNK_SAMPLES

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
    from grammarkit.samples.checker import SampleResult

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

    from grammarkit.samples.checker import SampleChecker

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    global _checker
    _checker = SampleChecker(grammar, syntax=syntax, engine=engine, engine_report=report)
    _checker.auto_lark_first = auto_lark_first


def _check_chunk(payload: list[tuple[str, bool | None]], start: int, keep_all: bool):
    from grammarkit.samples.checker import SampleRun

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
