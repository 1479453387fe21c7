"""GK203 engine-warning: a warning from llguidance's own validation.

**What it flags.** Each warning llguidance reports for a grammar it compiles, at the
location it gives.

**Why.** llguidance is what the API runs; its warnings point at grammar parts that will
not behave as written.

**Example.** Whatever llguidance warns about in your version of it.

**Fix.** As llguidance's message says.
"""

from __future__ import annotations

from collections.abc import Iterator

from grammarkit.core.diagnostics import Finding, Severity

CODE = "GK203"
NAME = "engine-warning"
SEVERITY = Severity.WARNING
SYNTAXES = ("lark", "regex")


def check(ctx) -> Iterator[Finding]:
    for warning in ctx.engine.warnings:
        if warning.line is not None:
            start = ctx.index.offset(warning.line, warning.column or 1)
            span = ctx.index.span(start, start + 1)
        else:
            span = ctx.index.span(0, 0)
        yield Finding(span, f"llguidance warns: {warning.message}", "")
