"""GK303 local-parser-unavailable: samples cannot be checked with the local Lark parser.

**What it flags.** A grammar with samples whose constructs have no Python Lark
equivalent (``%json``, ``<special>`` tokens, lazy or ``stop=`` rules, ``&``/``~``
terminals, …), or that Lark cannot load. Reported once per grammar, naming the
construct. (Regex grammars have no Lark parse at all and are not reported.)

**Why.** Only llguidance's verdict is available for these samples: grammarkit cannot tell
whether the application's own Lark parser would agree.

**Example.** ``start: %json {"type": "object"}`` with a samples file.

**Fix.** Nothing is wrong with the grammar. If the application parses tool inputs with
Lark, avoid llguidance-only constructs in the grammar.
"""

from __future__ import annotations

from collections.abc import Iterator

from grammarkit.core.diagnostics import Finding, Severity

CODE = "GK303"
NAME = "local-parser-unavailable"
SEVERITY = Severity.INFO
SYNTAXES = ("lark",)
USES_SAMPLES = True  # reads the samples' verdicts


def check(ctx) -> Iterator[Finding]:
    checker = ctx.sample_checker
    if checker is None or not checker.runs_lark(ctx.sample_run.count):
        return
    if checker.lark_unavailable:
        yield Finding(
            ctx.index.span(0, 0),
            f"samples are checked by llguidance only: {checker.lark_unavailable}",
            "",
        )
