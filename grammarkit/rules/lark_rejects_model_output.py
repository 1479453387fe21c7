"""GK301 lark-rejects-model-output: the model can emit an input the local Lark parser rejects.

**What it flags.** A sample that llguidance accepts (so the model can produce it under
this grammar) but that Python Lark, parsing the same grammar the way the application
would (Earley, dynamic lexer), rejects. The message gives where Lark stopped and what it
expected. Lark judges every sample with ``--engine both``; with ``auto`` (the default)
the first 1,000 samples of a grammar and every later sample whose llguidance verdict
differs from its expectation.

**Why.** In production the application's parse of the tool input fails on something the
model was allowed to send: a crash or a silent retry loop that no test of the grammar
alone would reveal. llguidance's lexer is greedy and Lark's dynamic lexer is not, so the
two can split text differently.

**Example.** ``start: WORD " " WORD`` with ``WORD: /[a-z ]+/``: llguidance's greedy lexer
and Lark's dynamic Earley disagree on where the first word ends.

**Fix.** Make the terminals unambiguous (exclude the delimiter from the free-text class:
``WORD: /[a-z]+/``), then check again.
"""

from __future__ import annotations

from collections.abc import Iterator

from grammarkit.core.diagnostics import Finding, Severity

CODE = "GK301"
NAME = "lark-rejects-model-output"
SEVERITY = Severity.ERROR
SYNTAXES = ("lark",)
USES_SAMPLES = True  # reads the samples' verdicts


def check(ctx) -> Iterator[Finding]:
    for result in ctx.sample_results:
        if result.disagreement == "lark-rejects":
            yield Finding(
                result.sample.span,
                f"{result.sample.label}: llguidance accepts it (the model can send it) but the local Lark parser "
                f"rejects it{_located(result.lark_rejection)}",
                "make the terminals unambiguous so both engines split the input the same way",
                path=result.sample.source,
                snippet=result.lark_rejection.snippet if result.lark_rejection else "",
            )


def _located(rejection) -> str:
    return f" {rejection.located}" if rejection is not None else ""
