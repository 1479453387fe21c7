"""GK300 sample-mismatch: a sample whose verdict differs from its expectation.

**What it flags.** A sample input (from ``--sample``, ``--samples FILE`` or a sidecar
``x.samples.toml``/``x.samples.json``) that should be accepted but llguidance rejects,
or that should be rejected but llguidance accepts. The location is the sample's line in
its samples file; the message gives where llguidance stopped and what it allowed there.

**Why.** llguidance decides what the model can emit. A valid input it rejects is an input
your tool can never receive (the model is forced elsewhere); an invalid input it accepts
is one the model may well send.

**Example.** ``valid = ["1 + 2"]`` for a grammar with no space around operators.

**Fix.** Change the grammar (or the sample, if the expectation was wrong). ``grammarkit
parse GRAMMAR INPUT`` shows the located rejection and both engines' verdicts.
"""

from __future__ import annotations

from collections.abc import Iterator

from grammarkit.core.diagnostics import Finding, Severity

CODE = "GK300"
NAME = "sample-mismatch"
SEVERITY = Severity.ERROR
SYNTAXES = ("lark", "regex")
USES_SAMPLES = True  # reads the samples' verdicts


def check(ctx) -> Iterator[Finding]:
    for result in ctx.sample_results:
        if result.as_expected:
            continue
        sample = result.sample
        engine = "llguidance" if result.llguidance is not None else "the local Lark parser"
        if sample.expected:
            message = f"{sample.label} should be accepted, but {engine} rejects it{_located(result.rejection)}"
            hint = "the model can never send this input: widen the grammar, or move the sample to the invalid ones"
        else:
            message = f"{sample.label} should be rejected, but {engine} accepts it"
            hint = "the model may send this input: tighten the grammar, or move the sample to the valid ones"
        snippet = result.rejection.snippet if result.rejection is not None else ""
        yield Finding(sample.span, message, hint, path=sample.source, snippet=snippet)


def _located(rejection) -> str:
    return f" {rejection.located}" if rejection is not None else ""
