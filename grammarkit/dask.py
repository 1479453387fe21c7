"""Checking logs past one machine: tool inputs in a Dask bag or dataframe column.

Logged tool calls can outgrow one machine (billions of calls). Dask runs the same code on
a laptop and on a cluster, so grammarkit does not bring a scheduler of its own: these
functions check a collection partition by partition, with **one llguidance matcher per
partition** (compiled once, each input checked on a fresh copy), and return a lazy
collection of verdicts that Dask computes where the data lives.

    import dask.bag as db
    from grammarkit.dask import check_bag, summarize

    calls = db.read_text("logs/*.jsonl").map(json.loads)
    verdicts = check_bag(calls, open("sql.lark").read(), field="item.input")
    print(summarize(verdicts).compute())   # {"checked": ..., "accepted": ..., ...}

Install with ``pip install 'grammarkit[dask]'``. The grammar travels to the workers as
text; llguidance compiles it there (a few milliseconds per partition).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from grammarkit.core.source import Syntax
from grammarkit.llg.matcher import EngineMatcher

if TYPE_CHECKING:  # pragma: no cover
    import dask.bag
    import dask.dataframe

EXTRA_HINT = "grammarkit.dask needs Dask: pip install 'grammarkit[dask]'"


def check_bag(
    bag: dask.bag.Bag, grammar: str, *, syntax: Syntax = "lark", field: str | None = None, explain: bool = False
) -> dask.bag.Bag:
    """A bag of verdicts, one per element of ``bag``, in order: ``{"input", "accepted",
    "error"}`` (``error``: None, or llguidance's located rejection when ``explain``, else
    its one-word kind). Elements are strings, or mappings whose ``field`` (a dotted path
    such as ``"item.input"``) holds the input; an element without it is reported with
    ``accepted`` None and ``error`` ``"no input"``."""
    _require_dask()
    EngineMatcher(grammar, syntax=syntax)  # fail here, not on every worker, for a bad grammar
    return bag.map_partitions(check_partition, grammar, syntax, field, explain)


def check_series(series: dask.dataframe.Series, grammar: str, *, syntax: Syntax = "lark") -> dask.dataframe.Series:
    """A boolean series: whether llguidance accepts each input of ``series`` (a dataframe
    column of strings; missing values are False)."""
    _require_dask()
    EngineMatcher(grammar, syntax=syntax)
    return series.map_partitions(_accepted_partition, grammar, syntax, meta=(series.name, "bool"))


def summarize(verdicts: dask.bag.Bag) -> Any:
    """A lazy ``{"checked", "accepted", "rejected", "unchecked"}`` count over a bag from
    :func:`check_bag` (``unchecked``: elements without an input, or that llguidance could
    not check)."""
    _require_dask()
    return verdicts.reduction(_count_partition, _merge_counts)


# --------------------------------------------------------------------------- per partition


def check_partition(
    items: Iterable[Any], grammar: str, syntax: Syntax, field: str | None, explain: bool
) -> list[dict[str, Any]]:
    """The verdicts of one partition (what each Dask task runs): one matcher for all."""
    matcher = EngineMatcher(grammar, syntax=syntax)
    out: list[dict[str, Any]] = []
    for item in items:
        text = _input_of(item, field)
        if not isinstance(text, str):
            out.append({"input": None, "accepted": None, "error": "no input"})
            continue
        verdict = matcher.check(text)
        error = None
        if verdict.engine_error:
            out.append({"input": text, "accepted": None, "error": verdict.describe()})
            continue
        if not verdict.accepted:
            if explain:
                rejection = matcher.rejection(text, verdict)
                error = str(rejection) if rejection is not None else "rejected"
            else:
                error = "too long" if verdict.too_long else "incomplete" if verdict.ended_early else "rejected"
        out.append({"input": text, "accepted": verdict.accepted, "error": error})
    return out


def _accepted_partition(series: Any, grammar: str, syntax: Syntax) -> Any:
    matcher = EngineMatcher(grammar, syntax=syntax)
    return series.map(lambda text: isinstance(text, str) and matcher.check(text).accepted).astype(bool)


def _input_of(item: Any, field: str | None) -> Any:
    if field is None:
        return item
    value = item
    for part in field.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _count_partition(verdicts: Iterator[dict]) -> dict[str, int]:
    counts = {"checked": 0, "accepted": 0, "rejected": 0, "unchecked": 0}
    for v in verdicts:
        counts["checked"] += 1
        if v["accepted"] is None:
            counts["unchecked"] += 1
        elif v["accepted"]:
            counts["accepted"] += 1
        else:
            counts["rejected"] += 1
    return counts


def _merge_counts(parts: Iterable[dict[str, int]]) -> dict[str, int]:
    total = {"checked": 0, "accepted": 0, "rejected": 0, "unchecked": 0}
    for part in parts:
        for key, value in part.items():
            total[key] += value
    return total


def _require_dask() -> None:
    try:
        import dask  # noqa: F401
    except ImportError:
        raise ImportError(EXTRA_HINT) from None
