"""GK200 unanalysed: text grammarkit cannot read, although llguidance compiles it.

**What it flags.** A construct of llguidance's dialect that grammarkit's reader (or its
Rust-regex parser) fails on, while llguidance itself compiles the grammar. The message
names the construct and where reading stopped.

**Why.** llguidance is the authority on what compiles, so this is not an error in the
grammar; but the rules that need grammarkit's model of the grammar cannot look at that
part, so problems there may go unreported.

**Example.** A future llguidance extension grammarkit does not know yet.

**Fix.** Nothing to fix in the grammar. Please report the construct to grammarkit, and
review that part by hand.
"""

from __future__ import annotations

from collections.abc import Iterator

from grammarkit.core.diagnostics import Finding, Severity

CODE = "GK200"
NAME = "unanalysed"
SEVERITY = Severity.WARNING
SYNTAXES = ("lark", "regex")


def check(ctx) -> Iterator[Finding]:
    for problem in ctx.unreadable:
        if problem.engine_accepts:
            yield Finding(
                problem.span,
                f"grammarkit cannot analyse this, but llguidance compiles it ({problem.message})",
                "nothing to fix; rules that need grammarkit's reading skip this part",
            )
