"""A JSON form of what the reader returns (every node's fields and spans, and every
syntax problem), so a reader's output can be stored and compared field by field.

Used by tests/reader/test_reader_snapshots.py, by tests/reader/make_snapshots.py (which
wrote the stored snapshots from the reader as it was before it was made faster) and by
bench/reader_differential.py."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from grammarkit.core.span import Span
from grammarkit.reader import model as m


def dump_span(span: Span) -> list[int]:
    return [span.line, span.column, span.end_line, span.end_column, span.start, span.end]


def dump_value(value: Any) -> Any:
    if isinstance(value, Span):
        return dump_span(value)
    if isinstance(value, m.Node):
        out: dict[str, Any] = {"_node": type(value).__name__}
        for f in fields(value):
            out[f.name] = dump_value(getattr(value, f.name))
        return out
    if isinstance(value, list):
        return [dump_value(v) for v in value]
    if isinstance(value, tuple):
        return {"_tuple": [dump_value(v) for v in value]}
    if isinstance(value, dict):
        return {"_dict": [[dump_value(k), dump_value(v)] for k, v in value.items()]}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"unexpected value in the model: {type(value).__name__}")


def dump_result(result) -> dict[str, Any]:
    """The reader's result (``read_grammar(text)``) as JSON-able data."""
    return {
        "items": [dump_value(item) for item in result.grammar.items],
        "errors": [
            {
                "message": p.message,
                "span": dump_span(p.span),
                "hint": p.hint,
                "expected": list(p.expected),
            }
            for p in result.errors
        ],
    }
