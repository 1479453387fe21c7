"""Machine-readable output:
``{"files": [{"path", "syntax", "diagnostics": [...]}], "summary": {...}}``."""

from __future__ import annotations

import json
import re
import unicodedata

from grammarkit.core.span import LineIndex
from grammarkit.lint.runner import LintResult
from grammarkit.llg.runner import call_with_big_stack
from grammarkit.output.text import severity_counts


def results_to_dict(results: list[LintResult], input_errors: list[dict] | None = None) -> dict:
    counts = severity_counts(results)
    data = {
        "files": [_file(r) for r in results],
        "summary": {
            "files": len(results),
            "samples": sum(r.samples_checked for r in results),
            "samples_failed": sum(1 for r in results for s in r.samples if not s.as_expected),
            "errors": counts["error"],
            "warnings": counts["warning"],
            "infos": counts["info"],
            "input_errors": len(input_errors or []),
        },
    }
    if input_errors:
        data["input_errors"] = input_errors
    return data


def _file(r: LintResult) -> dict:
    data: dict = {
        "path": r.path,
        "syntax": r.syntax,
        "diagnostics": [d.to_dict(LineIndex(r.text) if d.fix is not None else None) for d in r.diagnostics],
        "samples": [s.to_dict() for s in r.samples],
    }
    if r.token_profile is not None:
        data["token_cost"] = r.token_profile.to_dict()
    return data


def render_json(results: list[LintResult], input_errors: list[dict] | None = None) -> str:
    return json.dumps(results_to_dict(results, input_errors), indent=2, ensure_ascii=False)


DEEP_RECURSION_LIMIT = 1_000_000


def dumps_deep(data, **options) -> str:
    """``json.dumps`` for data nested deeper than Python's recursion limit (parse trees
    of long inputs: a 1,000-character sum is a tree 500 levels deep). The encoder
    recurses once per level, so it runs on a thread with a large stack and a raised limit."""
    import sys

    try:
        return json.dumps(data, **options)
    except RecursionError:
        pass

    def encode() -> str:
        previous = sys.getrecursionlimit()
        sys.setrecursionlimit(max(previous, DEEP_RECURSION_LIMIT))
        try:
            return json.dumps(data, **options)
        finally:
            sys.setrecursionlimit(previous)

    return call_with_big_stack(encode, None)


_NOT_PLAIN = re.compile(r"[^\x20-\x7e\n]")
_UNPRINTABLE = frozenset(("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"))


def escape_unprintable(json_text: str) -> str:
    """JSON text (from ``json.dumps(..., ensure_ascii=False)``) with control, format,
    surrogate, private-use, unassigned and line/paragraph separator characters written as
    ``\\uXXXX`` escapes: the same JSON once decoded, but text from a model (an escape
    sequence, a bidi override, a lone surrogate) can neither drive a terminal nor fail to
    encode. Outside strings JSON is ASCII, so only string contents change."""

    def escape(match: re.Match[str]) -> str:
        ch = match.group()
        if unicodedata.category(ch) not in _UNPRINTABLE:
            return ch
        code = ord(ch)
        if code > 0xFFFF:
            code -= 0x10000
            return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
        return f"\\u{code:04x}"

    return _NOT_PLAIN.sub(escape, json_text)
