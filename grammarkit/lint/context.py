"""Everything a rule may look at for one grammar, computed once and on demand."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

from grammarkit.core.span import LineIndex, Span
from grammarkit.lint.suppressions import find_suppressions
from grammarkit.lint.witness import Witnesses
from grammarkit.llg.compile import compile_report

if TYPE_CHECKING:
    from grammarkit.analysis import Analysis
    from grammarkit.core.diagnostics import Finding
    from grammarkit.core.source import Syntax
    from grammarkit.llg.compile import EngineReport
    from grammarkit.reader import Grammar, ReadResult
    from grammarkit.reader.model import RegexLiteral


@dataclass(slots=True)
class RegexSite:
    """One regex to analyse: a ``/.../`` literal of a Lark grammar, or a whole regex grammar.

    ``offset`` is the character offset of the pattern's first character in the grammar
    text; ``literal`` is the Lark node, or None for a regex grammar.
    """

    pattern: str
    flags: str
    offset: int
    index: LineIndex
    literal: RegexLiteral | None = None
    _parsed: Any = None
    _error: Any = None
    _done: bool = False

    def span(self, start: int, end: int) -> Span:
        """The grammar-text span of pattern characters ``[start, end)``."""
        return self.index.span(self.offset + start, self.offset + end)

    @property
    def ast(self):
        """The parsed pattern (``regex_syntax`` node), or None when it does not parse."""
        self._parse()
        return self._parsed

    @property
    def error(self):
        """The ``RegexSyntaxError`` when the pattern does not parse, else None."""
        self._parse()
        return self._error

    def _parse(self) -> None:
        if self._done:
            return
        from grammarkit.regex_syntax import RegexSyntaxError, parse_remembered

        try:
            self._parsed = parse_remembered(self.pattern)
        except RegexSyntaxError as exc:
            self._error = exc
        self._done = True


@dataclass(slots=True)
class Unreadable:
    span: Span
    message: str
    hint: str
    engine_accepts: bool


@dataclass
class LintContext:
    """The grammar under lint: its text, syntax, model, regexes and llguidance's verdict."""

    text: str
    syntax: Syntax
    path: str = "<string>"
    samples: Iterable = field(default_factory=list)  # grammarkit.samples.Sample (and SampleProblem), read once
    engine_choice: str = "auto"
    keep_samples: bool = True  # keep every sample's result (else only the notable ones)
    jobs: int = 1  # worker processes for the samples
    found: list[tuple[str, Finding]] = field(default_factory=list)
    sample_checker_factory: Callable[..., Any] | None = None  # see sample_checker
    tokenizer: str = "byte"  # "byte" | "o200k": the vocabulary llguidance's cost is measured with

    @cached_property
    def index(self) -> LineIndex:
        return LineIndex(self.text)

    @cached_property
    def read(self) -> ReadResult | None:
        """The reader's result (Lark grammars only)."""
        if self.syntax != "lark":
            return None
        from grammarkit.reader import read_grammar

        result = read_grammar(self.text)
        # Share one LineIndex between the model and the context.
        self.__dict__["index"] = result.grammar.index
        return result

    @property
    def grammar(self) -> Grammar | None:
        return self.read.grammar if self.read is not None else None

    @cached_property
    def regex_pattern(self) -> str:
        """A regex grammar's pattern: the text minus one trailing newline."""
        text = self.text
        if text.endswith("\r\n"):
            return text[:-2]
        if text.endswith("\n"):
            return text[:-1]
        return text

    @cached_property
    def regex_sites(self) -> list[RegexSite]:
        if self.syntax == "regex":
            return [RegexSite(self.regex_pattern, "", 0, self.index)]
        from grammarkit.reader.model import RegexLiteral

        sites: list[RegexSite] = []
        grammar = self.grammar
        if grammar is None:
            return sites
        for node in grammar.nodes_of(RegexLiteral):
            sites.append(RegexSite(node.pattern, node.flags, node.pattern_offset, self.index, node))
        return sites

    def each_regex(self, check_site: Callable[[RegexSite], Iterable[Finding]]) -> Iterator[Finding]:
        """``check_site``'s findings for every regex site, in site order, for a rule whose
        findings depend only on the literal as written (pattern and flags) and the
        grammar's syntax. A literal written like an earlier one (large grammars repeat
        ``/[a-z]{1,8}/`` many times) is not checked again: the earlier one's findings are
        moved to it, spans and edits shifted by the distance between the two. A finding
        with anything else (a witness, another file) is never moved: such a site is
        checked on its own."""
        done: dict[tuple[str, str], tuple[RegexSite, list[Finding]] | None] = {}
        for site in self.regex_sites:
            key = (site.pattern, site.flags)
            if key not in done:
                found = list(check_site(site))
                movable = all(f.witness is None and f.path is None and not f.snippet for f in found)
                done[key] = (site, [replace(f) for f in found]) if movable else None
                yield from found
                continue
            seen = done[key]
            if seen is None:
                yield from check_site(site)
            else:
                first, found = seen
                shift = site.offset - first.offset
                for finding in found:
                    yield _moved(finding, shift, self.index)

    @cached_property
    def engine(self) -> EngineReport:
        """llguidance's verdict on the whole grammar. For a Lark grammar that may come
        near llguidance's size limits it comes from the compile that measures them (see
        :attr:`limit_usages`): one compile for both."""
        # (Popped only once it is done: a witness matcher built on another thread may ask
        # too, see Witnesses.prepare, and both wait for the same compile.)
        pending = self.__dict__.get("_engine_pending")
        if pending is not None:
            thread, box = pending
            thread.join()
            self.__dict__.pop("_engine_pending", None)
            if "error" in box:
                raise box["error"]
            report, measured, matcher_error = box["result"]
        else:
            report, measured, matcher_error = self._compile()
        if measured is not None:
            self.__dict__["_limits_measured"] = measured
        self.__dict__["_matcher_error"] = matcher_error
        return report

    @property
    def matcher_error(self) -> str | None:
        """llguidance's message when it validates the grammar but cannot build a matcher
        for it (known from the compile that measures its limits, for grammars big enough
        to be measured; else None)."""
        return self.engine.ok and self.__dict__.get("_matcher_error") or None

    def start_engine(self) -> None:
        """Start llguidance's compile (:attr:`engine`) on another thread, to run while
        the grammar is read and analysed here: llguidance releases the GIL while it
        compiles. :attr:`engine` waits for it."""
        if "engine" in self.__dict__ or "_engine_pending" in self.__dict__:
            return
        import threading

        box: dict[str, Any] = {}

        def run() -> None:
            try:
                box["result"] = self._compile()
            except BaseException as exc:  # handed to the thread that asks for the verdict
                box["error"] = exc

        thread = threading.Thread(target=run, name="grammarkit-engine", daemon=True)
        self.__dict__["_engine_pending"] = (thread, box)
        thread.start()

    def _compile(self) -> tuple[EngineReport, list | None, str | None]:
        """llguidance's verdict; GK240's measures when they came from the same compile
        (else None); and, from that compile, why llguidance could not build a matcher
        for a grammar it validates (else None)."""
        if self.syntax == "lark":
            from grammarkit.llg.compile import report_of
            from grammarkit.llg.limits import LINT_PRECISION, LINT_SHARE, LINT_TIME_BUDGET, verdict_and_limits

            keys = self._suspect_limits
            together = verdict_and_limits(
                "lark",
                self.text,
                keys=keys,
                only_above=LINT_SHARE,
                precision=LINT_PRECISION,
                time_budget=LINT_TIME_BUDGET,
            ) if keys else None
            if together is not None:
                report = report_of("lark", self.text, together.is_error, together.messages)
                return report, together.usages, together.matcher_error
        # A regex grammar's pattern is its text minus one trailing newline.
        return compile_report(self.syntax, self.regex_pattern if self.syntax == "regex" else self.text), None, None

    @cached_property
    def _suspect_limits(self) -> tuple[str, ...]:
        from grammarkit.llg.limits import suspect_limits

        return suspect_limits(self.text, self.syntax)

    @cached_property
    def limit_usages(self) -> list:
        """How much of llguidance's size limits the grammar uses, for every quantity above
        :data:`~grammarkit.llg.limits.LINT_SHARE` of its limit
        (:class:`~grammarkit.llg.limits.LimitUsage`, as
        :func:`~grammarkit.llg.limits.measure_limits` reports them); only the quantities
        whose cheap estimate is that high are measured, and nothing when llguidance
        rejects the grammar."""
        keys = self._suspect_limits
        if not keys or not self.engine.ok:
            return []
        measured = self.__dict__.get("_limits_measured")
        if measured is not None:
            return measured
        from grammarkit.llg.limits import LINT_PRECISION, LINT_SHARE, LINT_TIME_BUDGET, measure_limits

        _, _, usages = measure_limits(
            self.syntax,
            self.text,
            keys=keys,
            only_above=LINT_SHARE,
            check_compiles=False,
            precision=LINT_PRECISION,
            time_budget=LINT_TIME_BUDGET,
            in_process=True,  # llguidance compiled it already (self.engine)
        )
        return usages

    @cached_property
    def analysis(self) -> Analysis:
        """The static analysis of a Lark grammar (scopes, languages, lexemes, flow) that the
        practice rules share (only asked for when the grammar was read)."""
        from grammarkit.analysis import Analysis

        assert self.grammar is not None
        return Analysis(self.grammar, read_ok=self.read is not None and self.read.ok)

    @cached_property
    def witnesses(self) -> Witnesses:
        """llguidance's verdicts on the inputs rules build to prove their claims (one
        matcher per grammar, verdicts cached): see :mod:`grammarkit.lint.witness`."""
        return Witnesses(self)

    @cached_property
    def unreadable(self) -> list[Unreadable]:
        """Every place grammarkit could not read (GK100 and GK200 report them), and whether
        llguidance compiles it anyway (then grammarkit, not the grammar, is at fault)."""
        problems: list[Unreadable] = []
        if self.read is not None and self.read.errors:
            engine_ok = self.engine.ok  # (asked only when there is something to report)
            for p in self.read.errors:
                problems.append(Unreadable(p.span, p.message, p.hint, engine_ok))
        for site in self.regex_sites:
            err = site.error
            if err is None:
                continue
            accepts = self.engine.ok or _regex_compiles(site.pattern, site.flags, self.syntax)
            problems.append(
                Unreadable(
                    site.span(err.offset, max(err.end, err.offset + 1)),
                    f"invalid regex: {err.message}",
                    "llguidance reads regexes with Rust `regex` crate syntax",
                    accepts,
                )
            )
        return problems

    @cached_property
    def suppressions(self) -> list:
        """Inline ``grammarkit: ignore`` comments (Lark grammars only)."""
        if self.syntax != "lark":
            return []

        return find_suppressions(self.text, self.index)

    @cached_property
    def sample_checker(self):
        """The checker for this grammar's samples, made by the injected
        ``sample_checker_factory`` (the lint runner passes
        :class:`~grammarkit.samples.checker.SampleChecker`); None when there are no samples,
        or when llguidance rejects the grammar (its errors are reported already)."""
        if not self.samples or not self.engine.ok or self.sample_checker_factory is None:
            return None
        grammar = self.regex_pattern if self.syntax == "regex" else self.text
        return self.sample_checker_factory(
            grammar, syntax=self.syntax, engine=self.engine_choice, engine_report=self.engine
        )

    @cached_property
    def sample_run(self):
        """The samples checked (:class:`~grammarkit.samples.checker.SampleRun`): counts,
        the results kept, and the malformed entries of the samples files."""
        from grammarkit.samples.checker import SampleRun

        checker = self.sample_checker
        if checker is None:
            return SampleRun()
        return checker.run(self.samples, keep_all=self.keep_samples, jobs=self.jobs)

    @property
    def sample_results(self) -> list:
        """The results of the samples: every one, or only the notable ones (a verdict
        that differs from its expectation, or the engines disagreeing) when
        ``keep_samples`` is false."""
        return self.sample_run.results

    @cached_property
    def token_profile(self):
        """llguidance's cost per token with the model's vocabulary
        (:class:`grammarkit.llg.token_profile.TokenProfile`), walking the samples
        llguidance accepts and a few generated inputs; None with the byte tokenizer (there
        is nothing to measure) or when llguidance rejects the grammar."""
        if self.tokenizer == "byte" or not self.engine.ok:
            return None
        from grammarkit.llg.token_profile import LINT_MAX_SAMPLES, LINT_TIME_BUDGET, profile_grammar

        accepted = [r.sample.input for r in self.sample_results if r.llguidance]
        grammar = self.regex_pattern if self.syntax == "regex" else self.text
        return profile_grammar(
            grammar,
            self.syntax,
            tokenizer=self.tokenizer,
            samples=accepted[:LINT_MAX_SAMPLES],
            time_budget=LINT_TIME_BUDGET,
        )

    def count_sample_tokens(self) -> None:
        """Set ``tokens`` (:class:`grammarkit.llg.token_profile.TokenCount`) on every
        sample result llguidance accepts (not with the byte tokenizer)."""
        results = [r for r in self.sample_results if r.llguidance]
        if self.tokenizer == "byte" or not results:
            return
        from grammarkit.llg.token_profile import sample_token_counts

        grammar = self.regex_pattern if self.syntax == "regex" else self.text
        counts = sample_token_counts(grammar, self.syntax, [r.sample.input for r in results], tokenizer=self.tokenizer)
        for result, count in zip(results, counts, strict=True):
            result.tokens = count

    def whole_span(self) -> Span:
        return self.index.span(0, min(len(self.text), max(self.index.line_end(1), 0)))

    def found_codes(self) -> set[str]:
        return {code for code, _ in self.found}


def _regex_compiles(pattern: str, flags: str, syntax: str) -> bool:
    """Whether llguidance compiles this one regex on its own."""

    if syntax == "regex":
        return compile_report("regex", pattern).ok
    return compile_report("lark", f"start: /{pattern}/{flags}\n").ok


def _moved(finding: Finding, shift: int, index: LineIndex) -> Finding:
    """``finding`` of one regex literal, moved ``shift`` characters on to a literal
    written the same way."""
    span = finding.span
    fix = finding.fix
    if fix is not None:
        edits = tuple(replace(e, start=e.start + shift, end=e.end + shift) for e in fix.edits)
        fix = replace(fix, edits=edits)
    return replace(finding, span=index.span(span.start + shift, span.end + shift), fix=fix)
