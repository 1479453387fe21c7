"""The playground's operations: what the page asks of the library, as JSON-ready dicts.

Each operation is one call into the library (``lint_text``, ``judge``, ``generate``,
``CustomTool``, ``grammar_stats``, ``get_rule``, fixes) and a ``to_dict`` of its result;
the page adds nothing to the verdicts. Requests are checked first by :func:`validate`
(types and sizes, in the server process, before anything reaches a worker); the
operations themselves run in a worker process (:mod:`grammarkit.playground.worker`), which
is killed when one takes longer than the request timeout.

The bounds are the command line's: a grammar of at most
:data:`~grammarkit.core.source.MAX_GRAMMAR_BYTES`, a tool input of at most
:data:`~grammarkit.llg.matcher.DEFAULT_MAX_INPUT_BYTES` (llguidance's bound), and at most
:data:`MAX_SAMPLES` samples, :data:`MAX_GENERATE` drawn inputs of at most
:data:`MAX_GENERATE_BYTES` bytes per request.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from grammarkit.core.errors import GrammarkitError
from grammarkit.core.source import MAX_GRAMMAR_BYTES, Syntax, strip_final_newline
from grammarkit.core.span import LineIndex, utf8_bytes
from grammarkit.llg.matcher import DEFAULT_MAX_INPUT_BYTES
from grammarkit.llg.tokenizer import TOKENIZERS

MAX_SAMPLES = 500
MAX_GENERATE = 100
MAX_GENERATE_BYTES = 4096
MAX_NAME_CHARS = 4096
"""Tool names, descriptions, paths and rule codes."""
LIVE_STATS_BUDGET = 0.5
"""Seconds of compiling the live stats may spend measuring llguidance's limits."""
FULL_STATS_BUDGET = 5.0


class PlaygroundError(GrammarkitError):
    """A request the playground refuses, with the HTTP status to answer with and one
    line for the page."""

    status = 400

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status


# --------------------------------------------------------------------------- requests


def _field(data: dict, key: str, kind: type | tuple[type, ...], default: Any = ..., *, what: str = "") -> Any:
    if key not in data or data[key] is None:
        if default is ...:
            raise PlaygroundError(f"'{key}' is missing")
        return default
    value = data[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise PlaygroundError(f"'{key}' must be {what or getattr(kind, '__name__', 'valid')}")
    return value


def _text(data: dict, key: str, default: Any = ..., limit: int = MAX_NAME_CHARS) -> Any:
    value = _field(data, key, str, default, what="a string")
    if isinstance(value, str) and len(value) > limit:
        raise PlaygroundError(f"'{key}' is too long ({len(value):,} characters; the limit is {limit:,})", 413)
    return value


def _int(data: dict, key: str, default: Any, low: int, high: int) -> Any:
    value = _field(data, key, int, default, what="a whole number")
    if value is not None and not low <= value <= high:
        raise PlaygroundError(f"'{key}' must be between {low:,} and {high:,}")
    return value


def grammar_of(data: dict) -> tuple[str, Syntax]:
    """The grammar text and syntax of a request, bounded as a grammar file is. A regex
    grammar is the text minus one trailing newline, as for ``grammarkit check``."""
    if not isinstance(data, dict):
        raise PlaygroundError("the request must be a JSON object")
    syntax = _field(data, "syntax", str, "lark", what="'lark' or 'regex'")
    if syntax not in ("lark", "regex"):
        raise PlaygroundError("'syntax' must be 'lark' or 'regex'")
    text = _field(data, "grammar", str, what="a string")
    size = len(utf8_bytes(text))
    if size > MAX_GRAMMAR_BYTES:
        raise PlaygroundError(f"grammar is too large ({size:,} bytes; the limit is {MAX_GRAMMAR_BYTES:,})", 413)
    if syntax == "regex":
        text = strip_final_newline(text)
    return text, syntax


def _samples_of(data: dict) -> list[dict]:
    items = _field(data, "samples", list, what="a list")
    if len(items) > MAX_SAMPLES:
        raise PlaygroundError(f"too many samples ({len(items):,}; the limit is {MAX_SAMPLES:,} per request)", 413)
    out = []
    for i, item in enumerate(items, 1):
        if not isinstance(item, dict) or not isinstance(item.get("input"), str):
            raise PlaygroundError(f'sample {i}: expected an object with a string "input"')
        expected = item.get("expected", True)
        if expected is not None and not isinstance(expected, bool):
            raise PlaygroundError(f'sample {i}: "expected" must be true, false or null')
        size = len(utf8_bytes(item["input"]))
        if size > DEFAULT_MAX_INPUT_BYTES:
            raise PlaygroundError(
                f"sample {i}: input is too large ({size:,} bytes; the limit is {DEFAULT_MAX_INPUT_BYTES:,})", 413
            )
        out.append({"input": item["input"], "expected": expected})
    return out


def validate(op: str, data: Any) -> dict[str, Any]:
    """The keyword arguments of operation ``op`` from a request's JSON, or
    :class:`PlaygroundError` (one line: which field, what is wrong)."""
    if op not in OPERATIONS:
        raise PlaygroundError(f"no such operation: {op}", 404)
    if not isinstance(data, dict):
        raise PlaygroundError("the request must be a JSON object")
    if op == "rule":
        return {"code": _text(data, "code", limit=64)}
    grammar, syntax = grammar_of(data)
    args: dict[str, Any] = {"grammar": grammar, "syntax": syntax}
    if op in ("lint", "fix"):
        args["path"] = _text(data, "path", "<playground>")
    if op == "samples":
        args["samples"] = _samples_of(data)
    elif op == "generate":
        args["n"] = _int(data, "n", 10, 1, MAX_GENERATE)
        args["seed"] = _int(data, "seed", None, 0, 2**63 - 1)
        args["max_bytes"] = _int(data, "max_bytes", 256, 1, MAX_GENERATE_BYTES)
        args["tokenizer"] = _text(data, "tokenizer", "byte", limit=16)
        if args["tokenizer"] not in TOKENIZERS:
            raise PlaygroundError(f"'tokenizer' must be one of {', '.join(TOKENIZERS)}")
    elif op == "tool":
        args["name"] = _text(data, "name", "my_tool", limit=256)
        args["description"] = _text(data, "description", "")
    elif op == "stats":
        args["measure"] = _field(data, "measure", bool, False, what="true or false")
    elif op == "fix":
        args["code"] = _text(data, "code", None, limit=64)
        args["line"] = _int(data, "line", None, 1, 2**31)
        args["column"] = _int(data, "column", None, 1, 2**31)
        args["unsafe"] = _field(data, "unsafe", bool, False, what="true or false")
        args["samples"] = _samples_of(data) if data.get("samples") is not None else []
        if args["code"] is not None and (args["line"] is None or args["column"] is None):
            raise PlaygroundError("a fix of one diagnostic needs its 'code', 'line' and 'column'")
    return args


# --------------------------------------------------------------------------- operations


def lint(
    grammar: str,
    syntax: Syntax,
    *,
    path: str = "<playground>",
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    severity: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Every diagnostic of the grammar (``lint_text``), fixes and witnesses included;
    ``select``/``ignore``/``severity`` come from the configuration."""
    from grammarkit.core.diagnostics import Severity
    from grammarkit.lint.runner import lint_text

    started = time.perf_counter()
    result = lint_text(
        grammar,
        syntax=syntax,
        path=path,
        select=select,
        ignore=ignore,
        severity={k: Severity(v) for k, v in (severity or {}).items()},
    )
    index = LineIndex(grammar)
    diagnostics = [d.to_dict(index) for d in result.diagnostics]
    counts = {s.value: sum(d.severity is s for d in result.diagnostics) for s in Severity}
    return {"diagnostics": diagnostics, "counts": counts, "ms": round(1000 * (time.perf_counter() - started), 1)}


def judge_samples(grammar: str, syntax: Syntax, *, samples: list[dict]) -> dict[str, Any]:
    """Both engines' verdicts on each sample (:func:`grammarkit.verdict.judge`, one
    llguidance matcher and one Lark parser for all), with the located rejection as caret
    lines and the parse tree of accepted inputs."""
    from grammarkit.core.trees import caret_lines
    from grammarkit.samples.checker import SampleChecker
    from grammarkit.verdict import judge

    checker = SampleChecker(grammar, syntax=syntax, engine="both")
    matcher = checker.matcher
    if matcher is None:
        return {"results": [], "unavailable": f"llguidance rejects the grammar: {checker.engine_unavailable}"}
    parser = checker.parser
    results = []
    for item in samples:
        verdict = judge(item["input"], matcher, grammar, syntax, parser=parser)
        data = verdict.to_dict()
        data["input"] = item["input"]
        data["expected"] = item["expected"]
        data["as_expected"] = item["expected"] is None or item["expected"] == verdict.accepted
        data["disagreement"] = verdict.disagreement
        for key, rejection in (("caret", verdict.rejection), ("lark_caret", verdict.lark_rejection)):
            located = rejection is not None and rejection.line is not None and rejection.column is not None
            data[key] = caret_lines(item["input"], rejection.line, rejection.column) if located else None  # type: ignore[union-attr,arg-type]
        results.append(data)
    return {"results": results, "lark_unavailable": checker.lark_unavailable if syntax == "lark" else None}


def generate(
    grammar: str, syntax: Syntax, *, n: int, seed: int | None, max_bytes: int, tokenizer: str = "byte"
) -> dict[str, Any]:
    """``n`` random inputs from llguidance's mask (:func:`grammarkit.samples.generate.generate`),
    byte by byte or, with ``tokenizer="o200k"``, token by token through the model's
    vocabulary; without a seed one is chosen and returned, so a draw can be repeated."""
    import random

    from grammarkit.llg.matcher import MatcherUnavailable
    from grammarkit.llg.tokenizer import TokenizerUnavailable
    from grammarkit.samples.generate import GenerationError
    from grammarkit.samples.generate import generate as draw

    if seed is None:
        seed = random.SystemRandom().randrange(1 << 31)
    try:
        result = draw(
            grammar, syntax=syntax, n=n, seed=seed, max_bytes=max_bytes, tokenizer=tokenizer, coverage=False
        )
    except TokenizerUnavailable as exc:
        raise PlaygroundError(str(exc), 422) from None
    except MatcherUnavailable as exc:
        raise PlaygroundError(f"llguidance rejects the grammar: {exc.reason}", 422) from None
    except GenerationError as exc:
        raise PlaygroundError(exc.message, 422) from None
    return {
        "samples": result.samples,
        "seed": seed,
        "notes": result.notes,
        "shortfall": None if result.complete else result.shortfall_message(),
    }


def tool_definitions(grammar: str, syntax: Syntax, *, name: str, description: str) -> dict[str, Any]:
    """The tool definitions for the Responses and Chat Completions APIs
    (:class:`grammarkit.runtime.tool.CustomTool`), or why the grammar cannot be a tool."""
    from grammarkit.runtime.errors import GrammarError
    from grammarkit.runtime.tool import CustomTool

    try:
        t = CustomTool(name, grammar, syntax=syntax, description=description)
    except GrammarError as exc:
        errors = [f"{d.line}:{d.column}: {d.code} {d.message}" for d in exc.diagnostics]
        return {"error": exc.reason or f"the grammar has {len(errors)} error(s)", "errors": errors}
    except ValueError as exc:  # the name
        return {"error": str(exc), "errors": []}
    return {"responses": t.to_responses(), "chat": t.to_chat(), "warnings": len(t.warnings)}


def stats(grammar: str, syntax: Syntax, *, measure: bool = False) -> dict[str, Any]:
    """What the grammar is made of and its use of llguidance's limits
    (:func:`grammarkit.analysis.stats.grammar_stats`): measured within
    :data:`LIVE_STATS_BUDGET` seconds, or :data:`FULL_STATS_BUDGET` with ``measure``."""
    from grammarkit.analysis.stats import grammar_stats

    if measure:
        result = grammar_stats(grammar, syntax, time_budget=FULL_STATS_BUDGET)
    else:
        result = grammar_stats(grammar, syntax, precision=0.1, time_budget=LIVE_STATS_BUDGET)
    data = result.to_dict()
    for usage, shown in zip(result.limits, data["limits"], strict=True):
        shown["shown"], shown["share"] = usage.shown()
        shown["what"] = usage.what
    return data


def fix(
    grammar: str,
    syntax: Syntax,
    *,
    path: str = "<playground>",
    code: str | None = None,
    line: int | None = None,
    column: int | None = None,
    unsafe: bool = False,
    samples: list[dict] | None = None,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    severity: dict[str, str] | None = None,
) -> dict[str, Any]:
    """One-click fixes. With ``code``, ``line`` and ``column``: apply that diagnostic's own
    :class:`~grammarkit.core.diagnostics.Fix` (what its title says, as an editor's code
    action does). Without: every verified fix (:func:`grammarkit.lint.fixes.fix_text`: safe
    ones, unsafe ones too with ``unsafe``; the page's ``samples`` must keep their verdicts).
    Returns the new grammar text, the fixes applied and those skipped, with why."""
    from grammarkit.core.diagnostics import Severity
    from grammarkit.lint.fixes import fix_text
    from grammarkit.lint.runner import lint_text
    from grammarkit.samples.files import Sample

    levels = {k: Severity(v) for k, v in (severity or {}).items()}
    if code is None:
        outcome = fix_text(
            grammar,
            syntax=syntax,
            path=path,
            unsafe=unsafe,
            select=select,
            ignore=ignore,
            severity=levels,
            samples=[Sample(s["input"], s["expected"], index=i) for i, s in enumerate(samples or [], 1)],
        )
        return {
            "grammar": outcome.text,
            "changed": outcome.changed,
            "applied": [_fix_title(d) for d in outcome.applied],
            "skipped": [f"{_fix_title(d)}: {why}" for d, why in outcome.skipped],
        }
    result = lint_text(grammar, syntax=syntax, path=path, select=select, ignore=ignore, severity=levels)
    for d in result.diagnostics:
        if d.code == code and d.line == line and d.column == column and d.fix is not None:
            return {"grammar": d.fix.apply(grammar), "changed": True, "applied": [_fix_title(d)], "skipped": []}
    raise PlaygroundError(f"{code} at {line}:{column} has no fix any more (the grammar changed?)", 409)


def _fix_title(d: Any) -> str:
    return f"{d.code} {d.line}:{d.column}: {d.fix.title}"


def rule_doc(code: str) -> dict[str, Any]:
    """A rule's documentation (``grammarkit rules CODE``)."""
    from grammarkit.lint.docs import plain_text
    from grammarkit.lint.registry import get_rule

    found = get_rule(code)
    if found is None:
        raise PlaygroundError(f"no such rule: {code}", 404)
    return {
        "code": found.code,
        "name": found.name,
        "severity": found.severity.value,
        "summary": found.summary,
        "doc": plain_text(found.doc),
    }


OPERATIONS: dict[str, Callable[..., dict[str, Any]]] = {
    "lint": lint,
    "samples": judge_samples,
    "generate": generate,
    "tool": tool_definitions,
    "stats": stats,
    "fix": fix,
    "rule": rule_doc,
}
"""What the page can ask for, by name (``POST /api/NAME``)."""

CONFIGURED = frozenset({"lint", "fix"})
"""The operations that take the configuration's ``select``, ``ignore`` and ``severity``."""


def warm_up() -> None:
    """Import and exercise what the operations use, so the first request is as fast as
    the others (run once in each worker)."""
    lint('start: "a"\n', "lark")
    judge_samples('start: "a"\n', "lark", samples=[{"input": "a", "expected": True}, {"input": "b", "expected": False}])
    stats('start: "a"\n', "lark")
