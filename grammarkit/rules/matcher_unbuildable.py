"""GK242 matcher-unbuildable: a grammar llguidance validates but cannot build a matcher for.

**What it flags.** A grammar that passes llguidance's validation (the check an API makes
when the tool is registered) while building the matcher that constrains sampling fails,
with llguidance's message. It is known from the compile that measures llguidance's size
limits (GK240), so it is looked for in grammars large enough to be measured; it is
reported where GK240 reports.

**Why.** Constrained sampling needs the matcher. A grammar whose matcher cannot be built
is accepted when the tool is defined and fails on every request that uses it. The case
seen in practice is size: past about 65,500 grammar symbols llguidance 1.9 stops on an
internal assertion (``grammar.symbols.len() < u16::MAX``), although its validation, which
does not build the matcher, passes.

**Example.** A command language of 20,000 definitions (6,500 commands, each with an
argument rule and a value rule): validation passes, the matcher fails with
``panic: assertion failed: grammar.symbols.len() < u16::MAX as usize - 10``.

**Fix.** Make the grammar smaller: split it into several tools, or turn families of rules
into terminals (one ``VERB: "get" | "put" | ...`` instead of a rule per command, one
argument rule shared by the commands that take the same arguments).
"""

from __future__ import annotations

from collections.abc import Iterator

from grammarkit.core.diagnostics import Finding, Severity

CODE = "GK242"
NAME = "matcher-unbuildable"
SEVERITY = Severity.ERROR
SYNTAXES = ("lark",)


def check(ctx) -> Iterator[Finding]:
    error = ctx.matcher_error
    if error is None:
        return
    from grammarkit.rules.near_limits import report_location

    span, where = report_location(ctx)
    yield Finding(
        span,
        f"llguidance validates the grammar but cannot build a matcher for it ({error}): "
        f"every request that uses it fails{where}",
        "make the grammar smaller: split it into several tools, or turn families of rules "
        "into terminals",
    )
