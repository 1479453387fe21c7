"""GK100 syntax-error: grammar text that cannot be read.

**What it flags.** Text that neither grammarkit's reader nor llguidance can read: a
misplaced token, an unclosed group, a string literal with an escape llguidance does not
know (it reads strings with JSON escapes, so ``"\\d"`` is an error), an unterminated
regex, an unknown ``%directive``, or an invalid regex (an unclosed class, a bad escape,
a quantifier with nothing to repeat). Every such place in the file is reported, not
just the first: after an error the reader skips to the next definition and goes on.

**Why.** The API rejects the grammar outright, one error at a time.

**Example.**

    start: ("a" | "b"
    NAME: /[a-z/

**Fix.** Close the group on the same line (a group cannot span lines unless the next
line starts with ``|``); close the character class: ``/[a-z]/``.

When grammarkit cannot read something that llguidance compiles, it reports GK200
instead, as a warning: llguidance is the authority.
"""

from __future__ import annotations

from collections.abc import Iterator

from grammarkit.core.diagnostics import Finding, Severity

CODE = "GK100"
NAME = "syntax-error"
SEVERITY = Severity.ERROR
SYNTAXES = ("lark", "regex")


def check(ctx) -> Iterator[Finding]:
    for problem in ctx.unreadable:
        if not problem.engine_accepts:
            yield Finding(problem.span, problem.message, problem.hint)
