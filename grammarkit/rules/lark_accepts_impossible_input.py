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

**Fix.** Make the terminals unambiguous (exclude delimiters from free-text classes), or
accept that the application is more lenient than the model.
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
