"""GK302 lark-accepts-impossible-input: the local Lark parser accepts an input the model cannot emit.

**What it flags.** A sample that Python Lark accepts but llguidance rejects, so the model
can never produce it under this grammar. Lark judges every sample with ``--engine both``;
with ``auto`` (the default) the first 1,000 samples of a grammar and every later sample
whose llguidance verdict differs from its expectation.

**Why.** Harmless in production (the model will not send it), but it means the grammar
does not mean what the application's parser thinks it means, and a test suite built on
Lark alone would pass inputs the tool never receives.

**Example.** A grammar whose greedy terminal swallows a delimiter in llguidance, while
Lark's dynamic lexer backtracks and finds a parse.

When the grammar has ``%ignore`` and the sample begins or ends with ignored text (a
leading space, a trailing newline), the message says so: llguidance skips ignored text
only between two lexemes, Lark anywhere, and the sample without it is accepted by
llguidance (checked before saying so).

**Fix.** Make the terminals unambiguous (exclude delimiters from free-text classes), or
accept that the application is more lenient than the model; for ignored text at the
edges, drop it from the sample.
"""

from __future__ import annotations

from collections.abc import Iterator

from grammarkit.core.diagnostics import Finding, Severity

CODE = "GK302"
NAME = "lark-accepts-impossible-input"
SEVERITY = Severity.WARNING
SYNTAXES = ("lark",)
USES_SAMPLES = True  # reads the samples' verdicts


def check(ctx) -> Iterator[Finding]:
    for result in ctx.sample_results:
        if result.disagreement == "lark-accepts":
            cause = _ignore_at_the_edges(ctx, result.sample.input)
            if cause is not None:
                where, stripped = cause
                yield Finding(
                    result.sample.span,
                    f"{result.sample.label}: the local Lark parser accepts it but llguidance rejects it "
                    f"(the model cannot send it): it {where} with %ignore-d text, which llguidance does not "
                    f"allow there and Lark does (llguidance accepts {_show(stripped)}){_located(result.rejection)}",
                    "the model never begins or ends an input with ignored text: drop it from the sample, "
                    "or accept that the application is more lenient than the model",
                    path=result.sample.source,
                    snippet=result.rejection.snippet if result.rejection else "",
                )
                continue
            yield Finding(
                result.sample.span,
                f"{result.sample.label}: the local Lark parser accepts it but llguidance rejects it "
                f"(the model cannot send it){_located(result.rejection)}",
                "exclude delimiters from free-text terminals so both engines agree",
                path=result.sample.source,
                snippet=result.rejection.snippet if result.rejection else "",
            )


def _located(rejection) -> str:
    return f" {rejection.located}" if rejection is not None else ""


def _show(text: str) -> str:
    import json

    shown = json.dumps(text, ensure_ascii=False)
    return shown if len(shown) <= 60 else shown[:45] + "…" + shown[-12:]


MAX_EDGE = 200
"""Characters at either end of a sample tried as ignored text at most."""


def _ignore_at_the_edges(ctx, text: str) -> tuple[str, str] | None:
    """``(where, stripped)`` when the grammar has ``%ignore`` and the sample without the
    ignored text at its start and end (``where``: "begins", "ends" or "begins and ends")
    is accepted by llguidance; llguidance only skips ignored text between two lexemes,
    Lark anywhere."""
    from grammarkit import analysis as p

    if ctx.grammar is None or not ctx.engine.ok:
        return None
    a = ctx.analysis
    scope = a.scopes[0]
    if not scope.ignores:
        return None
    try:
        ignored = a.lang.rep(a.lang.alt([a.lexemes(scope).node_term(ig.body) for ig in scope.ignores]), 1, None)
    except p.Unanalysable:
        return None
    head = max((k for k in range(1, min(len(text), MAX_EDGE) + 1) if a.lang.matches(ignored, text[:k])), default=0)
    tail = max(
        (k for k in range(1, min(len(text) - head, MAX_EDGE) + 1) if a.lang.matches(ignored, text[-k:])), default=0
    )
    if not head and not tail:
        return None
    stripped = text[head : len(text) - tail]
    verdict = ctx.witnesses.verdict(stripped)
    if verdict is None or not verdict.accepted:
        return None
    where = "begins and ends" if head and tail else ("begins" if head else "ends")
    return where, stripped
