"""Size statistics of a grammar, and how close it comes to llguidance's limits.

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
from dataclasses import asdict, dataclass, field
from typing import Any

from .rules.near_limits import MEASURED, default_limits, estimate_usage

Syntax = str  # "lark" | "regex"

HUGE = 1 << 40
"""A limit no grammar reaches, used for the limits not being measured."""

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


@dataclass
class GrammarStats:
    """What a grammar is made of, and how much of llguidance's limits it uses."""

    syntax: str
    characters: int
    bytes: int
    lines: int
    rules: int = 0
    terminals: int = 0
    alternatives: int = 0
    """``|`` branches of all rule and terminal bodies (nested groups included)."""
    string_literals: int = 0
    regex_literals: int = 0
    max_nesting: int = 0
    """Deepest nesting of ``( )`` and ``[ ]`` groups (regex grammars: of regex groups)."""
    ignores: int = 0
    imports: int = 0
    """Names imported with ``%import``."""
    read_errors: int = 0
    """Syntax problems the reader skipped (the counts cover what it could read)."""
    compiles: bool | None = None
    """Whether llguidance compiles the grammar with its default limits (None: not run,
    or llguidance timed out or crashed)."""
    error: str | None = None
    """llguidance's error when it does not compile it (or why it could not tell)."""
    limits: list[LimitUsage] = field(default_factory=list)
    seconds: float = 0.0
    """Time spent measuring the limits."""

    def usage(self, key: str) -> LimitUsage | None:
        return next((u for u in self.limits if u.key == key), None)

    @property
    def max_fraction(self) -> float:
        """The largest measured ``value / limit`` (0 when nothing was measured)."""
        return max((u.fraction for u in self.limits if u.fraction is not None), default=0.0)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["limits"] = [u.to_dict() for u in self.limits]
        data["seconds"] = round(self.seconds, 3)
        return data


# --------------------------------------------------------------------------- counting


def count_structure(text: str, syntax: Syntax = "lark") -> GrammarStats:
    """The counts of :class:`GrammarStats`, without compiling anything."""
    stats = GrammarStats(
        syntax=syntax,
        characters=len(text),
        bytes=len(text.encode("utf-8", "surrogatepass")),
        lines=text.count("\n") + (0 if text.endswith("\n") or not text else 1),
    )
    if syntax == "regex":
        _count_regex(text, stats)
    else:
        _count_lark(text, stats)
    return stats


def _count_lark(text: str, stats: GrammarStats) -> None:
    from .reader import read_grammar
    from .reader import model as m

    result = read_grammar(text)
    stats.read_errors = len(result.errors)
    for node in result.grammar.nodes():
        kind = type(node)
        if kind is m.Definition:
            if node.is_terminal:
                stats.terminals += 1
            else:
                stats.rules += 1
            stats.max_nesting = max(stats.max_nesting, _nesting(node.body))
        elif kind is m.Alternative:
            stats.alternatives += 1
        elif kind is m.Literal:
            stats.string_literals += 1
        elif kind is m.RegexLiteral:
            stats.regex_literals += 1
        elif kind is m.Ignore:
            stats.ignores += 1
        elif kind is m.Import:
            stats.imports += len(node.names)


def _nesting(body) -> int:
    from .reader import model as m

    deepest = 0
    stack = [(body, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (m.Group, m.Maybe)):
            depth += 1
            deepest = max(deepest, depth)
        stack.extend((child, depth) for child in node.children())
    return deepest


def _count_regex(text: str, stats: GrammarStats) -> None:
    from . import regex_syntax as rs

    pattern = _without_final_newline(text)
    stats.rules = 1  # llguidance compiles it as `start: /PATTERN/`
    stats.regex_literals = 1
    stats.alternatives = 1
    try:
        tree = rs.parse(pattern)
    except rs.RegexSyntaxError:
        stats.read_errors = 1
        return
    stats.alternatives = 1 + sum(
        len(n.branches) - 1 for n in rs.iter_nodes(tree) if isinstance(n, rs.Alternation)
    )
    deepest = 0
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, rs.Group):
            depth += 1
            deepest = max(deepest, depth)
        stack.extend((child, depth) for child in node.children())
    stats.max_nesting = deepest


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

        from .engine import _grammar_for, byte_tokenizer

        self._llg = llguidance
        self._grammar = _grammar_for(self.syntax, self.text)  # type: ignore[arg-type]
        self._tok = byte_tokenizer()

    def limits(self, **overrides: int):
        values = {"max_grammar_size": HUGE, "initial_lexer_fuel": HUGE}
        values.update(overrides)
        return self._llg.LLParserLimits(**values)

    def validate(self, **limits: int) -> tuple[bool, str]:
        """``(ok, error)`` of llguidance's validation with these limits (others huge)."""
        self.compiles += 1
        is_error, messages = self._llg.LLMatcher.validate_grammar_with_warnings(
            self._grammar, self._tok, limits=self.limits(**limits)
        )
        return (not is_error, str(messages[0]) if is_error and messages else "")

    def first_row(self, max_items_in_row: int) -> tuple[bool | None, str]:
        """Consume one allowed token with ``max_items_in_row``: ``(ok, error)``.

        ``ok`` is None when no first token exists (the grammar only allows EOS) or the
        matcher fails for another reason.
        """
        self.compiles += 1
        matcher = self._llg.LLMatcher(
            self._tok, self._grammar, log_level=0, limits=self.limits(max_items_in_row=max_items_in_row)
        )
        if matcher.is_error():
            return None, matcher.get_error()
        bias = matcher.compute_logit_bias()
        if matcher.is_error():
            return None, matcher.get_error()
        eos = set(self._tok.eos_tokens)
        token = next((t for t, b in enumerate(bias) if b and t not in eos), None)
        if token is None:
            return None, "no first token"
        if matcher.consume_token(token):
            return True, ""
        return False, matcher.get_error()

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
) -> tuple[bool | None, str | None, list[LimitUsage]]:
    """Measure ``keys`` of :data:`MEASURED`: ``(compiles, error, usages)``.

    ``compiles``/``error`` are llguidance's verdict with its default limits
    (``compiles`` is None, and ``error`` says why, when llguidance timed out or crashed). Runs on a
    thread with a large stack, or in a child process for large texts (as
    :func:`grammarkit.engine.compile_report` does), and never raises for grammar
    problems. With ``only_above`` (a fraction), each quantity is first tested against
    that fraction of its limit (one compile) and only those above it are measured and
    returned. ``check_compiles=False`` skips the first compile with the default limits
    (when the caller already knows the grammar compiles). ``error`` is llguidance's
    message as one line, prefixed with ``line:column:`` when it gives a location.
    """
    from .engine import IN_PROCESS_MAX_BYTES

    if syntax == "regex":  # the pattern is the text minus one trailing newline
        text = _without_final_newline(text)
    request = {
        "syntax": syntax,
        "text": text,
        "precision": precision,
        "time_budget": time_budget,
        "keys": list(keys),
        "only_above": only_above,
        "check_compiles": check_compiles,
    }
    timeout = time_budget + 30.0
    try:
        if len(text.encode("utf-8", "surrogatepass")) <= IN_PROCESS_MAX_BYTES:
            from .engine import _call_with_big_stack

            reply = _call_with_big_stack(lambda: _measure(**request), timeout)
        else:
            reply = _measure_in_child(request, timeout)
    except Exception as exc:  # noqa: BLE001 - timeouts, crashes: report, do not raise
        note = _failure_note(exc)
        limits = default_limits()
        return None, note, [LimitUsage(k, limits[k], note=note) for k in keys]
    error = reply["error"]
    if error:
        from .engine import interpret_message

        msg = interpret_message(error, syntax, text)  # type: ignore[arg-type]
        error = f"{msg.line}:{msg.column}: {msg.message}" if msg.line is not None else msg.message
    return reply["compiles"], error, [LimitUsage(**u) for u in reply["usages"]]


def _without_final_newline(text: str) -> str:
    return text[:-2] if text.endswith("\r\n") else text[:-1] if text.endswith("\n") else text


def _failure_note(exc: Exception) -> str:
    name = type(exc).__name__
    if name == "_Timeout":
        return "llguidance did not finish in time"
    if name == "_Crash":
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
) -> dict[str, Any]:
    """The measurement itself (llguidance calls); returns plain data (JSON-able)."""
    limits = default_limits()
    probe = _Probe(syntax, text, time.monotonic() + time_budget)
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
    estimates = estimate_usage(text, syntax)

    end = probe.deadline
    for position, key in enumerate(keys):
        # Share what is left of the budget among the quantities still to measure.
        now = time.monotonic()
        probe.deadline = now + max(0.0, end - now) / (len(keys) - position)
        limit = limits[key]
        floor = max(1, int(only_above * limit)) if only_above is not None else None
        if key in ("max_grammar_size", "initial_lexer_fuel"):
            marker = _SIZE_ERROR if key == "max_grammar_size" else _FUEL_ERROR

            def passes(value: int, key: str = key, marker: str = marker) -> bool:
                ok, err = probe.validate(**{key: value})
                if not ok and marker not in err:
                    raise _Unmeasurable(err.splitlines()[0] if err else "unknown error")
                return ok

            try:
                if floor is not None and passes(floor):
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
            usage = _measure_first_row(probe, limit, precision, floor or 0)
            if floor is None or (usage.get("low") or 0) > floor:
                usages.append(usage)
    return {"compiles": not limit_error, "error": error or None, "usages": usages}


class _Unmeasurable(Exception):
    """llguidance failed for a reason other than the limit being measured."""


def _measure_first_row(probe: _Probe, limit: int, precision: float, start_low: int) -> dict[str, Any]:
    key = "max_items_in_row"
    ok, error = probe.first_row(0)
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


_CHILD_CODE = "from grammarkit.stats import _child_main; _child_main()"


def _child_main() -> None:
    """Entry point of the measuring child process: JSON request on stdin, reply on stdout."""
    from .engine import _call_with_big_stack

    request = json.loads(sys.stdin.buffer.read())
    try:
        reply = _call_with_big_stack(lambda: _measure(**request), None)
    except Exception as exc:  # noqa: BLE001 - reported to the parent
        reply = {"exception": f"{type(exc).__name__}: {exc}"}
    sys.stdout.write(json.dumps(reply))
    sys.stdout.flush()


def _measure_in_child(request: dict[str, Any], timeout: float) -> dict[str, Any]:
    from .engine import _LibraryError, run_in_child

    try:
        return run_in_child(_CHILD_CODE, request, timeout)
    except _LibraryError as exc:
        raise RuntimeError(str(exc)) from None


# --------------------------------------------------------------------------- entry point


def grammar_stats(
    text: str,
    syntax: Syntax = "lark",
    *,
    measure: bool = True,
    precision: float = DEFAULT_PRECISION,
    time_budget: float = DEFAULT_TIME_BUDGET,
) -> GrammarStats:
    """Counts of ``text`` and, with ``measure``, its use of llguidance's limits.

    ``precision`` is the relative uncertainty the bisection stops at; ``time_budget``
    bounds the seconds spent compiling (a value not pinned down by then is reported as
    the range known so far). Raises ``ValueError`` for an unknown ``syntax``.
    """
    if syntax not in ("lark", "regex"):
        raise ValueError(f"unknown grammar syntax {syntax!r} (expected 'lark' or 'regex')")
    stats = count_structure(text, syntax)
    limits = default_limits()
    if measure:
        t0 = time.monotonic()
        compiles, error, usages = measure_limits(
            syntax, text, precision=precision, time_budget=time_budget
        )
        stats.seconds = time.monotonic() - t0
        stats.compiles, stats.error = compiles, error
        stats.limits = usages
    else:
        stats.limits = [LimitUsage(k, limits[k], note="not measured") for k in MEASURED]
    note = "checked while text is generated; depends on the tokenizer and on the text"
    stats.limits += [LimitUsage(k, limits[k], note=note) for k in RUNTIME_ONLY]
    return stats


__all__ = [
    "GrammarStats",
    "LimitUsage",
    "count_structure",
    "default_limits",
    "estimate_usage",
    "format_percent",
    "grammar_stats",
    "measure_limits",
]
