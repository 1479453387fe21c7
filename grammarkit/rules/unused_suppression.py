"""GK290 unused-suppression: a ``grammarkit: ignore`` comment that suppresses nothing.

**What it flags.** An inline suppression (``// grammarkit: ignore[GK107]`` on a line or
the line above, or ``// grammarkit: ignore-file[...]``) for which no diagnostic of the
named codes exists where it applies, and suppressions naming unknown codes.

**Why.** A stale suppression hides the next real problem on that line, and one with a
typo in the code suppresses nothing at all.

**Example.**

    %ignore " "   // grammarkit: ignore[GK107]

(``" "`` is bounded, so GK107 does not fire here.)

**Fix.** Remove the suppression, or correct its code.
"""

from __future__ import annotations

from collections.abc import Iterator

from grammarkit.core.diagnostics import Finding, Severity
from grammarkit.lint.config import is_known_code
from grammarkit.lint.patterns import matches
from grammarkit.lint.registry import get_rule
from grammarkit.lint.suppressions import apply

CODE = "GK290"
NAME = "unused-suppression"
SEVERITY = Severity.WARNING
SYNTAXES = ("lark",)
AFTER_OTHERS = True  # needs every other rule's findings
SUPPRESSIBLE = False  # a suppression comment cannot hide its own report


def check(ctx) -> Iterator[Finding]:
    suppressions = ctx.suppressions
    if not suppressions:
        return
    # Work on copies: lint.py applies the real ones to the final diagnostics.
    import copy


    probes = copy.deepcopy(suppressions)
    for code, finding in ctx.found:
        if finding.path is not None or code == CODE:
            continue
        rule = get_rule(code)
        apply(probes, code, rule.name if rule else "", finding.span.line)
    for s in probes:
        unknown = [c for c in (s.codes or []) if not is_known_code(c)]
        if unknown:
            yield Finding(s.span, f"suppression names unknown rule(s): {', '.join(unknown)}", "use codes such as GK107")
            continue
        if not s.used:
            where = "in this file" if s.file_level else f"on line {s.line}"
            what = ", ".join(s.codes) if s.codes else "any rule"
            yield Finding(s.span, f"suppression of {what} is unused: nothing to suppress {where}", "remove it")
        elif s.codes:
            unused = [c for c in s.codes if not any(_matches_used(c, used) for used in s.used)]
            if unused:
                yield Finding(
                    s.span,
                    f"suppression of {', '.join(unused)} is unused "
                    f"{'in this file' if s.file_level else f'on line {s.line}'}",
                    "remove the unused codes",
                )


def _matches_used(pattern: str, code: str) -> bool:
    rule = get_rule(code)
    return matches(pattern, code, rule.name if rule else "")
