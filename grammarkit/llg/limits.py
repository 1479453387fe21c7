"""llguidance's limits: how close a grammar comes to them, estimated and measured.

How close it comes to llguidance's limits.

:func:`grammar_stats` counts what the grammar is made of (rules, terminals, alternatives,
literals, nesting, ``%ignore``) and measures the size llguidance compiles it to, as a
fraction of llguidance's limits (``LLParserLimits`` defaults).

What llguidance exposes, and how it is measured (llguidance 1.9; see
``parser/src/grammar_builder.rs: check_limits`` and ``parser/src/earley/parser.rs``):
its Python API gives no sizes (``validate_grammar_with_warnings`` returns only errors
and warnings; ``LLMatcher`` has no statistics; the verbose log goes to the process's
standard error in an undocumented format). What it does give is a verdict against
limits we choose, so each quantity is the smallest limit under which the grammar still
compiles, found by bisection:

* ``max_grammar_size`` — the number of symbols (terminals and non-terminals, helper
  symbols included) of the grammar llguidance builds, before optimisation. Checked when
  the grammar is compiled: a grammar over the limit is rejected.
* ``initial_lexer_fuel`` — the cost of the regular expressions llguidance builds for the
  lexer (every literal and regex, with Unicode classes expanded to UTF-8 byte ranges).
  Also checked when the grammar is compiled.
* ``max_items_in_row`` — the number of Earley items in the parser's row after the first
  token. This limit is checked *when text is generated*, not when the grammar is
  compiled: a grammar over it compiles but every generation fails at its first token.
  Read from llguidance's own error message (``Current row has N items``) after one token
  with the limit at 0, or by bisection if that message changes.

Bisection stops when the value is known within ``precision`` (2 % by default; exact for
small values) or when ``time_budget`` seconds are used up; the reported value is the
upper end of what is known (``low <= value <= high``). The other limits
(``step_lexer_fuel``, ``step_max_items``, ``max_lexer_states``) apply to each step of
generation and depend on the tokenizer and on the text generated, so they are listed
but not measured.
"""

from __future__ import annotations

import json
import math
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

from grammarkit.core.source import Syntax, strip_final_newline
from grammarkit.llg.compile import IN_PROCESS_MAX_BYTES, byte_tokenizer, grammar_for
from grammarkit.llg.messages import interpret_message
from grammarkit.llg.runner import LibraryError, call_with_big_stack, run_in_child

HUGE = 1 << 40
"""A limit no grammar reaches, used for the limits not being measured."""

LINT_SHARE = 0.5
"""Lint (GK240) reports a quantity above this fraction of its limit."""
LINT_PRECISION = 0.05
LINT_TIME_BUDGET = 5.0
"""Seconds of compiling lint allows to pin the numbers down once a limit is crossed."""

DEFAULT_VERDICT_TIMEOUT = 30.0
"""Seconds :func:`verdict_and_limits` waits (as :func:`grammarkit.llg.compile.compile_report`)."""

DEFAULT_PRECISION = 0.02
DEFAULT_TIME_BUDGET = 10.0
SEARCH_CAP_FACTOR = 64
"""Above the default limit, values are searched up to this many times the limit."""

RUNTIME_ONLY = ("step_lexer_fuel", "step_max_items", "max_lexer_states")

DESCRIPTIONS: dict[str, tuple[str, str]] = {
    # key: (what is counted, unit)
    "max_grammar_size": ("symbols in the compiled grammar", "symbols"),
    "initial_lexer_fuel": ("lexer construction cost", "fuel"),
    "max_items_in_row": ("parser items after the first token", "items"),
    "step_lexer_fuel": ("lexer work per generated token", "fuel"),
    "step_max_items": ("parser items per generated token", "items"),
    "max_lexer_states": ("lexer states over a generation", "states"),
}

_SIZE_ERROR = "grammar size (number of symbols) too big"
_FUEL_ERROR = "initial lexer configuration (grammar) too big"
_ROW_ITEMS = re.compile(r"Current row has (\d+) items")


# --------------------------------------------------------------------------- results


@dataclass
class LimitUsage:
    """How much of one llguidance limit a grammar uses: ``low <= value <= high``."""

    key: str
    """The ``LLParserLimits`` field, e.g. ``"max_grammar_size"``."""
    limit: int
    low: int | None = None
    high: int | None = None
    """None when not measured, or (with ``low`` set) above the search range."""
    note: str = ""
    """Why there is no value, when there is none."""

    @property
    def what(self) -> str:
        return DESCRIPTIONS.get(self.key, (self.key, ""))[0]

    @property
    def unit(self) -> str:
        return DESCRIPTIONS.get(self.key, ("", ""))[1]

    @property
    def measured(self) -> bool:
        return self.low is not None

    @property
    def value(self) -> int | None:
        """The upper end of what is known (None when not measured or above the range)."""
        return self.high

    @property
    def exact(self) -> bool:
        return self.low is not None and self.low == self.high

    @property
    def fraction(self) -> float | None:
        """``value / limit`` (from ``low`` when the value is above the search range)."""
        if self.low is None:
            return None
        return (self.high if self.high is not None else self.low) / self.limit

    @property
    def percent(self) -> float | None:
        f = self.fraction
        return None if f is None else 100.0 * f

    @property
    def rough(self) -> bool:
        """Known only as a wide range (the time budget ran out): more than 10% apart."""
        return self.low is not None and (self.high is None or self.high > self.low * 1.1 + 1)

    def shown(self) -> tuple[str, str]:
        """The value and the share of the limit as text: ``("74", "0.01%")``,
        ``("~536", "0.05%")``, ``("1–1,000,000", "<=100%")``, ``(">=3,000", ">=150%")``."""
        if self.low is None:
            return "-", "not measured"
        share = format_percent(self.percent)
        if self.high is None:
            return f">={self.low:,}", f">={share}"
        if self.exact:
            return f"{self.high:,}", share
        if self.rough:
            return f"{self.low:,}–{self.high:,}", f"<={share}"
        return f"~{self.high:,}", share

    def describe(self) -> str:
        """``"74 / 500,000 symbols (0.01%)"``, ``"~536 / …"`` or ``"not measured (…)"``."""
        if self.low is None:
            return f"not measured ({self.note})" if self.note else "not measured"
        used, share = self.shown()
        return f"{used} / {self.limit:,} {self.unit} ({share})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.key,
            "what": self.what,
            "unit": self.unit,
            "value": self.value,
            "low": self.low,
            "exact": self.exact,
            "limit": self.limit,
            "percent": None if self.percent is None else round(self.percent, 4),
            "note": self.note,
        }


def format_percent(p: float | None) -> str:
    if p is None:
        return "?"
    if p == 0:
        return "0%"
    if p < 0.01:
        return "<0.01%"
    if p < 10:
        return f"{p:.2f}%"
    return f"{p:.0f}%"


# --------------------------------------------------------------------------- the cheap gate
# (kept here rather than in grammarkit.analysis.stats, which re-exports it, so that a check of an
# ordinary grammar never imports the measuring machinery)

MEASURED = ("max_grammar_size", "initial_lexer_fuel", "max_items_in_row")
"""The limits that are measured (the others apply to each generation step)."""

_FALLBACK_LIMITS = {
    "max_items_in_row": 2000,
    "initial_lexer_fuel": 1_000_000,
    "step_lexer_fuel": 200_000,
    "step_max_items": 50_000,
    "max_lexer_states": 250_000,
    "max_grammar_size": 500_000,
}


@lru_cache(maxsize=1)
def _defaults() -> tuple[tuple[str, int], ...]:
    try:
        import llguidance

        defaults = llguidance.LLParserLimits()
        return tuple((key, int(getattr(defaults, key))) for key in _FALLBACK_LIMITS)
    except Exception:
        return tuple(_FALLBACK_LIMITS.items())


def default_limits() -> dict[str, int]:
    """llguidance's default ``LLParserLimits``, read from the installed llguidance."""
    return dict(_defaults())


# Lexical pieces of a Lark grammar for the estimate: comments, strings, regexes, digits.
_EST_TOKENS = re.compile(
    r"""
      (?P<comment>(?:\#|//)[^\n]*)
    | (?P<string>"(?:[^"\\\n]|\\.)*")
    | (?P<regex>/(?!/)(?:[^/\\\n]|\\.)+/)
    | (?P<word>[A-Za-z_][A-Za-z0-9_\-]*)
    | (?P<digits>[0-9]+)
    | (?P<special>%(?:json|regex)\b|@[A-Za-z_])
    | (?P<punct>[|()\[\]?*+~&:])
    | \s+
    | .
    """,
    re.X | re.S,
)
# Escapes that expand to large Unicode classes (a distinct one costs up to ~16k fuel),
# and constructs that cost a few hundred (negated classes, `.`, `\s`).
_BIG_CLASS = re.compile(r"\\[wWdDpPS]")
_WIDE = re.compile(r"\[\^|\.|\\s|:\^")


def estimate_usage(text: str, syntax: str = "lark") -> dict[str, float]:
    """Cheap over-estimates of the measured quantities, from the text alone.

    About 100 µs for a 1 kB grammar. Calibrated to stay above the real values (by 2x or
    more on llguidance's own test grammars and on generated large ones), so a grammar
    whose estimates are all below the threshold need not be compiled. ``inf`` for
    grammars using constructs the estimate does not model (``%json`` schemas, ``%regex``
    specifications, ``@grammar`` references); nested ``%lark { }`` grammars count as
    ordinary text.
    """
    big = len(_BIG_CLASS.findall(text))
    wide = len(_WIDE.findall(text))
    fuel = 8.0 * len(text) + 17_000.0 * big + 400.0 * wide + 50
    if syntax == "regex":  # compiled as `start: /PATTERN/`: a handful of symbols and items
        return {"max_grammar_size": 8.0, "initial_lexer_fuel": fuel, "max_items_in_row": 8.0}
    pieces = 0
    digits = 0
    for m in _EST_TOKENS.finditer(text):
        kind = m.lastgroup
        if kind is None or kind == "comment":
            continue
        if kind == "special":
            return {key: math.inf for key in MEASURED}
        if kind == "digits":
            digits += len(m.group())
        pieces += 1
    # Repetition bounds expand into helper rules (about 3.3 binary levels per digit).
    symbols = 2.0 * pieces + 24.0 * digits + 8
    items = 2.0 * pieces + 24.0 * digits + 8
    return {"max_grammar_size": symbols, "initial_lexer_fuel": fuel, "max_items_in_row": items}

# --------------------------------------------------------------------------- measuring


@dataclass
class _Probe:
    """Compiles one grammar under chosen limits (llguidance calls; run on a big stack)."""

    syntax: Syntax
    text: str
    deadline: float
    compiles: int = 0

    def __post_init__(self) -> None:
        import llguidance


        self._llg = llguidance
        self._grammar = grammar_for(self.syntax, self.text)
        self._tok = byte_tokenizer()

    def limits(self, **overrides: int):
        values: dict[str, Any] = {"max_grammar_size": HUGE, "initial_lexer_fuel": HUGE}  # parameter names
        values.update(overrides)
        return self._llg.LLParserLimits(**values)

    def validate(self, **limits: int) -> tuple[bool, str]:
        """``(ok, error)`` of llguidance's validation with these limits (others huge)."""
        self.compiles += 1
        is_error, messages = self._llg.LLMatcher.validate_grammar_with_warnings(
            self._grammar, self._tok, limits=self.limits(**limits)
        )
        return (not is_error, str(messages[0]) if is_error and messages else "")

    def verdict(self, lowered: dict[str, int] | None = None) -> tuple[bool, list[str]]:
        """llguidance's validation with its default limits (some ``lowered``):
        ``(is_error, messages)``, as :func:`grammarkit.llg.compile.compile_report` asks
        for it (which gives no limits: the defaults)."""
        self.compiles += 1
        if lowered:
            limits = self.limits(**{**default_limits(), **lowered})
            is_error, messages = self._llg.LLMatcher.validate_grammar_with_warnings(
                self._grammar, self._tok, limits=limits
            )
        else:
            is_error, messages = self._llg.LLMatcher.validate_grammar_with_warnings(self._grammar, self._tok)
        return bool(is_error), [str(m) for m in messages]

    def matcher(self, limits: dict[str, int], defaults: bool = False):
        """An ``LLMatcher`` compiled with these limits (the other compile-time limits
        huge, or llguidance's defaults with ``defaults``): ``(matcher, error)``, the
        matcher None when it does not compile."""
        self.compiles += 1
        chosen = {**default_limits(), **limits} if defaults else limits
        matcher = self._llg.LLMatcher(self._tok, self._grammar, log_level=0, limits=self.limits(**chosen))
        if matcher.is_error():
            return None, matcher.get_error()
        return matcher, ""

    def first_row(self, max_items_in_row: int, matcher=None) -> tuple[bool | None, str]:
        """Consume one allowed token with ``max_items_in_row``: ``(ok, error)``.

        ``ok`` is None when no first token exists (the grammar only allows EOS) or the
        matcher fails for another reason. ``matcher`` is one compiled with that
        ``max_items_in_row`` already (and not used yet).
        """
        if matcher is None:
            self.compiles += 1
            matcher = self._llg.LLMatcher(
                self._tok, self._grammar, log_level=0, limits=self.limits(max_items_in_row=max_items_in_row)
            )
        if matcher.is_error():
            return None, matcher.get_error()
        # The first allowed token is found by trying each in turn, lowest first (the
        # one the mask would name first): llguidance may never finish a mask on some
        # grammars (grammarkit.llg.forcing), while consuming always ends.
        eos = set(self._tok.eos_tokens)
        for token in range(self._tok.vocab_size):
            if token in eos:
                continue
            if matcher.try_consume_tokens([token]) == 1:
                return True, ""
            if matcher.is_error():
                return False, matcher.get_error()
        return None, "no first token"

    def out_of_time(self) -> bool:
        return time.monotonic() >= self.deadline


def _bisect(
    passes: Callable[[int], bool],
    limit: int,
    probe: _Probe,
    *,
    precision: float,
    start: float | None = None,
    low: int = 0,
) -> tuple[int, int | None]:
    """``(lo, hi)`` with ``lo < value <= hi``, where ``passes(L)`` iff ``L >= value``.

    ``hi`` is None when the value is above ``SEARCH_CAP_FACTOR * limit``. ``start`` is a
    first guess (an over-estimate) tried before bisecting; ``low`` a known lower bound
    (``passes(low)`` is false). Geometric bisection: about ``log2(ln(hi/lo)/precision)``
    compiles, ending early when time runs out.
    """
    lo, hi = low, None
    guess = int(start) if start is not None and math.isfinite(start) and low < start < limit else None
    if guess is not None:
        if passes(guess):
            hi = guess
        else:
            lo = guess
    if hi is None:
        candidate = limit
        while candidate <= SEARCH_CAP_FACTOR * limit:
            if candidate > lo and passes(candidate):
                hi = candidate
                break
            lo = max(lo, candidate)
            if probe.out_of_time():
                return lo, None
            candidate *= 4
        if hi is None:
            return lo, None
    while hi - lo > 1 and hi > lo * (1 + precision) and not probe.out_of_time():
        mid = int(math.sqrt(lo * hi)) if lo >= 1 else max(1, int(math.sqrt(hi)))
        mid = min(max(mid, lo + 1), hi - 1)
        if passes(mid):
            hi = mid
        else:
            lo = mid
    return lo, hi


def measure_limits(
    syntax: Syntax,
    text: str,
    *,
    precision: float = DEFAULT_PRECISION,
    time_budget: float = DEFAULT_TIME_BUDGET,
    keys: tuple[str, ...] = MEASURED,
    only_above: float | None = None,
    check_compiles: bool = True,
    in_process: bool = False,
) -> tuple[bool | None, str | None, list[LimitUsage]]:
    """Measure ``keys`` of :data:`MEASURED`: ``(compiles, error, usages)``.

    ``compiles``/``error`` are llguidance's verdict with its default limits
    (``compiles`` is None, and ``error`` says why, when llguidance timed out or crashed). Runs on a
    thread with a large stack, or in a child process for large texts (as
    :func:`grammarkit.llg.compile.compile_report` does), and never raises for grammar
    problems. With ``only_above`` (a fraction), each quantity is first tested against
    that fraction of its limit (one compile) and only those above it are measured and
    returned. ``check_compiles=False`` skips the first compile with the default limits
    (when the caller already knows the grammar compiles). ``error`` is llguidance's
    message as one line, prefixed with ``line:column:`` when it gives a location.
    ``in_process=True`` measures on a big-stack thread of this process whatever the
    size, for a caller that has seen llguidance compile the grammar already (in a child
    process: it neither crashed nor ran out of time), saving a process start.
    """

    if syntax == "regex":  # the pattern is the text minus one trailing newline
        text = strip_final_newline(text)
    request = _request(syntax, text, precision, time_budget, keys, only_above, check_compiles=check_compiles)
    try:
        reply = _run_measure(request, time_budget + 30.0, in_process=in_process)
    except Exception as exc:
        note = _failure_note(exc)
        limits = default_limits()
        return None, note, [LimitUsage(k, limits[k], note=note) for k in keys]
    error = reply["error"]
    if error:
        msg = interpret_message(error, syntax, text)
        error = f"{msg.line}:{msg.column}: {msg.message}" if msg.line is not None else msg.message
    return reply["compiles"], error, [LimitUsage(**u) for u in reply["usages"]]


def suspect_limits(text: str, syntax: str = "lark", share: float = LINT_SHARE) -> tuple[str, ...]:
    """The quantities of :data:`MEASURED` whose estimate (:func:`estimate_usage`) is
    above ``share`` of their limit: the ones worth measuring."""
    limits = default_limits()
    estimates = estimate_usage(text, syntax)
    return tuple(k for k in MEASURED if estimates[k] > share * limits[k])


class VerdictAndLimits(NamedTuple):
    """What :func:`verdict_and_limits` found."""

    is_error: bool
    messages: list[str]  # llguidance's validation messages (its warnings when it compiles)
    usages: list[LimitUsage]
    matcher_error: str | None  # the grammar validates, but llguidance cannot build a matcher for it


def verdict_and_limits(
    syntax: Syntax,
    text: str,
    *,
    keys: tuple[str, ...],
    only_above: float,
    precision: float = DEFAULT_PRECISION,
    time_budget: float = DEFAULT_TIME_BUDGET,
    timeout: float | None = DEFAULT_VERDICT_TIMEOUT,
) -> VerdictAndLimits | None:
    """llguidance's validation of a grammar, ``(is_error, messages)`` as
    :func:`grammarkit.llg.compile.compile_report` reads them, and the usages of ``keys``
    above ``only_above`` of their limits (as :func:`measure_limits` reports them; none
    when the grammar does not compile), in one go: the first compile is a matcher under
    llguidance's default limits with the compile-time ones of ``keys`` lowered to that
    fraction (when it compiles, so does the grammar; its warnings are the validation's,
    and it reads the first row). Only when it does not compile are the verdict and the
    floors asked for apart; when the grammar validates while the matcher failed for
    another reason than a limit, ``matcher_error`` is llguidance's message (its first
    line). None when llguidance crashed or ran out of time (the caller then asks
    :func:`grammarkit.llg.compile.compile_report`, which reports that). Runs on a
    big-stack thread, or in a child process for large texts."""
    if syntax == "regex":
        text = strip_final_newline(text)
    request = _request(syntax, text, precision, time_budget, keys, only_above, check_compiles=False, verdict=True)
    try:
        reply = _run_measure(request, timeout)
    except Exception:
        return None
    is_error, messages = reply["verdict"]
    return VerdictAndLimits(
        bool(is_error),
        [str(m) for m in messages],
        [LimitUsage(**u) for u in reply["usages"]],
        reply.get("matcher_error"),
    )


def _request(
    syntax: Syntax,
    text: str,
    precision: float,
    time_budget: float,
    keys: tuple[str, ...],
    only_above: float | None,
    *,
    check_compiles: bool,
    verdict: bool = False,
) -> dict[str, Any]:
    """:func:`_measure`'s arguments (also sent to a child process as JSON)."""
    request: dict[str, Any] = {
        "syntax": syntax,
        "text": text,
        "precision": precision,
        "time_budget": time_budget,
        "keys": list(keys),
        "only_above": only_above,
        "check_compiles": check_compiles,
    }
    if verdict:
        request["verdict"] = True
    return request


def _run_measure(request: dict[str, Any], timeout: float | None, *, in_process: bool = False) -> dict[str, Any]:
    """:func:`_measure` on a big-stack thread, or in a child process for a large text."""
    if in_process or len(request["text"].encode("utf-8", "surrogatepass")) <= IN_PROCESS_MAX_BYTES:
        return call_with_big_stack(lambda: _measure(**request), timeout)
    return _measure_in_child(request, timeout)


def _failure_note(exc: Exception) -> str:
    name = type(exc).__name__
    if name == "EngineTimeout":
        return "llguidance did not finish in time"
    if name == "ChildCrashed":
        return "llguidance crashed while compiling the grammar"
    return f"measurement failed: {name}: {exc}"


def _measure(
    syntax: Syntax,
    text: str,
    precision: float,
    time_budget: float,
    keys: list[str],
    only_above: float | None,
    check_compiles: bool,
    verdict: bool = False,
) -> dict[str, Any]:
    """The measurement itself (llguidance calls); returns plain data (JSON-able).

    With ``verdict`` (and ``only_above``, without ``check_compiles``), the first compile
    is a matcher under llguidance's default limits with the suspect compile-time ones
    lowered to their floors: when it compiles, so does the grammar with the defaults, and
    ``"verdict"`` holds llguidance's warnings (the verdict of
    :func:`grammarkit.llg.compile.compile_report`, from the same compile); when it does
    not, ``"verdict"`` is None and nothing is measured."""
    limits = default_limits()
    probe = _Probe(syntax, text, time.monotonic() + time_budget)
    if verdict:
        return _measure_with_verdict(probe, syntax, text, precision, keys, only_above or 0.0)
    compiles, error = True, ""
    if check_compiles:
        compiles, error = probe.validate(
            max_grammar_size=limits["max_grammar_size"], initial_lexer_fuel=limits["initial_lexer_fuel"]
        )
    usages: list[dict[str, Any]] = []
    limit_error = not compiles and (_SIZE_ERROR in error or _FUEL_ERROR in error)
    if not compiles and not limit_error:
        note = "the grammar does not compile"
        return {
            "compiles": False,
            "error": error,
            "usages": [{"key": k, "limit": limits[k], "note": note} for k in keys],
        }
    if not limit_error:
        error = ""
    else:
        # Over a compile-time limit: it may still compile with that limit lifted.
        ok, _ = probe.validate()
        if not ok:
            note = "the grammar does not compile"
            return {
                "compiles": False,
                "error": error,
                "usages": [{"key": k, "limit": limits[k], "note": note} for k in keys],
            }
    below, first_row = _under_floors(probe, keys, only_above) if not limit_error else (set(), None)
    usages = _measure_keys(probe, syntax, text, keys, precision, only_above, below, first_row)
    return {"compiles": not limit_error, "error": error or None, "usages": usages}


_AT_COMPILE = ("max_grammar_size", "initial_lexer_fuel")


def _under_floors(
    probe: _Probe, keys: list[str], only_above: float | None
) -> tuple[set[str], tuple[Any, str] | None]:
    """With ``only_above``, one compile under every floor at once: when the grammar
    compiles, each compile-time quantity is at most its floor, and the same matcher
    (compiled with max_items_in_row at 0) reads the first row's size. A matcher that
    fails for another reason than those floors fails the same way with them lifted, so
    the first row is not tried again (and the floors are checked by one validation).
    Returns the compile-time keys below their floors and, for the first row, the matcher
    (or None and its error)."""
    below: set[str] = set()
    first_row: tuple[Any, str] | None = None
    if only_above is None:
        return below, first_row
    limits = default_limits()
    at_compile = [k for k in keys if k in _AT_COMPILE]
    floors = {k: max(1, int(only_above * limits[k])) for k in at_compile}
    if "max_items_in_row" in keys:
        matcher, why = probe.matcher({**floors, "max_items_in_row": 0})
        if matcher is not None:
            return set(at_compile), (matcher, "")
        if _SIZE_ERROR in why or _FUEL_ERROR in why:
            return below, first_row
        first_row = (None, why)
        if not at_compile:
            return below, first_row
    elif len(at_compile) < 2:
        return below, first_row
    if probe.validate(**floors)[0]:
        below.update(at_compile)
    return below, first_row


def _measure_keys(
    probe: _Probe,
    syntax: Syntax,
    text: str,
    keys: list[str],
    precision: float,
    only_above: float | None,
    below: set[str],
    first_row: tuple[Any, str] | None,
) -> list[dict[str, Any]]:
    """The usage of each key (see :func:`_measure`); ``below``: the keys known to be
    at most ``only_above`` of their limit; ``first_row``: see :func:`_under_floors`."""
    limits = default_limits()
    estimates = estimate_usage(text, syntax)
    usages: list[dict[str, Any]] = []
    end = probe.deadline
    for position, key in enumerate(keys):
        # Share what is left of the budget among the quantities still to measure.
        now = time.monotonic()
        probe.deadline = now + max(0.0, end - now) / (len(keys) - position)
        limit = limits[key]
        floor = max(1, int(only_above * limit)) if only_above is not None else None
        if key in _AT_COMPILE:
            marker = _SIZE_ERROR if key == "max_grammar_size" else _FUEL_ERROR

            def passes(value: int, key: str = key, marker: str = marker) -> bool:
                ok, err = probe.validate(**{key: value})
                if not ok and marker not in err:
                    raise _Unmeasurable(err.splitlines()[0] if err else "unknown error")
                return ok

            try:
                if floor is not None and (key in below or passes(floor)):
                    continue  # at most `only_above` of the limit
                lo, hi = _bisect(
                    passes,
                    limit,
                    probe,
                    precision=precision,
                    start=None if floor is not None else estimates.get(key),
                    low=floor or 0,
                )
            except _Unmeasurable as exc:
                if floor is None:
                    usages.append({"key": key, "limit": limit, "note": f"llguidance: {exc}"})
                continue
            usages.append({"key": key, "limit": limit, "low": lo + 1, "high": hi})
        elif key == "max_items_in_row":
            usage = _measure_first_row(probe, limit, precision, floor or 0, first_row)
            if floor is None or (usage.get("low") or 0) > floor:
                usages.append(usage)
    return usages


def _measure_with_verdict(
    probe: _Probe, syntax: Syntax, text: str, precision: float, keys: list[str], only_above: float
) -> dict[str, Any]:
    """See :func:`_measure` (``verdict``): ``"verdict"`` is ``[is_error, messages]`` as
    llguidance's validation gives them."""
    limits = default_limits()
    at_compile = [k for k in keys if k in _AT_COMPILE]
    floors = {k: max(1, int(only_above * limits[k])) for k in at_compile}
    if "max_items_in_row" in keys:
        floors["max_items_in_row"] = 0
    matcher_error: str | None = None
    matcher, why = probe.matcher(floors, defaults=True)
    if matcher is not None:
        # It compiles under lowered limits, so under the defaults: its warnings are the
        # verdict, and every compile-time quantity is at most its floor.
        verdict = [False, [str(w) for w in matcher.get_grammar_warnings()]]
        below, first_row = set(at_compile), ((matcher, "") if "max_items_in_row" in keys else None)
    else:
        # (A matcher failing for another reason than the floors fails so whatever the
        # limits: the first row cannot be read, and no request can use the grammar.)
        over_floor = _SIZE_ERROR in why or _FUEL_ERROR in why
        first_row = None if over_floor else (None, why)
        is_error, messages = probe.verdict({k: floors[k] for k in at_compile})
        if not is_error:  # under the floors, so under the defaults
            verdict, below = [False, messages], set(at_compile)
        else:
            is_error, messages = probe.verdict()
            if is_error:
                return {"verdict": [True, messages], "usages": []}
            verdict, below = [False, messages], set()
        if not over_floor:
            matcher_error = why.strip().splitlines()[0] if why.strip() else "llguidance could not build a matcher"
    usages = _measure_keys(probe, syntax, text, keys, precision, only_above, below, first_row)
    return {"verdict": verdict, "usages": usages, "matcher_error": matcher_error}


class _Unmeasurable(Exception):
    """llguidance failed for a reason other than the limit being measured."""


def _measure_first_row(
    probe: _Probe, limit: int, precision: float, start_low: int, compiled: tuple[Any, str] | None = None
) -> dict[str, Any]:
    """``compiled``: a matcher compiled with ``max_items_in_row`` at 0 (not used yet), or
    None and the error it failed with."""
    key = "max_items_in_row"
    if compiled is not None and compiled[0] is None:
        ok, error = None, compiled[1]
    else:
        ok, error = probe.first_row(0, compiled[0] if compiled is not None else None)
    if ok is None:
        note = "no first token to try" if error == "no first token" else f"llguidance: {error.splitlines()[0]}"
        return {"key": key, "limit": limit, "note": note}
    m = _ROW_ITEMS.search(error) if ok is False else None
    if m:
        n = int(m.group(1))
        return {"key": key, "limit": limit, "low": n, "high": n}

    # The message changed: find the threshold by bisection.
    def passes(value: int) -> bool:
        ok, err = probe.first_row(value)
        if ok is None:
            raise _Unmeasurable(err)
        return ok

    try:
        if start_low and passes(start_low):
            return {"key": key, "limit": limit, "low": 1, "high": start_low}
        lo, hi = _bisect(passes, limit, probe, precision=precision, low=start_low)
    except _Unmeasurable as exc:
        return {"key": key, "limit": limit, "note": f"llguidance: {str(exc).splitlines()[0]}"}
    return {"key": key, "limit": limit, "low": lo + 1, "high": hi}


_CHILD_CODE = "from grammarkit.llg.limits import child_main; child_main()"


def child_main() -> None:
    """Entry point of the measuring child process: JSON request on stdin, reply on stdout."""

    request = json.loads(sys.stdin.buffer.read())
    try:
        reply = call_with_big_stack(lambda: _measure(**request), None)
    except Exception as exc:
        reply = {"exception": f"{type(exc).__name__}: {exc}"}
    sys.stdout.write(json.dumps(reply))
    sys.stdout.flush()


def _measure_in_child(request: dict[str, Any], timeout: float | None) -> dict[str, Any]:
    try:
        return run_in_child(_CHILD_CODE, request, timeout)
    except LibraryError as exc:
        raise RuntimeError(str(exc)) from None
