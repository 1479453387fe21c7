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

**Fix (automatic, safe).** ``--fix`` removes an unused comment (its whole line when it is
alone on it), or the unused codes from its list.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator

from grammarkit.core.diagnostics import Edit, Finding, Fix, Severity
from grammarkit.lint.config import is_known_code
from grammarkit.lint.patterns import matches
from grammarkit.lint.registry import get_rule
from grammarkit.lint.suppressions import SuppressionIndex

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
    # Work on copies: the lint runner applies the real ones to the final diagnostics.
    probes = copy.deepcopy(suppressions)
    index = SuppressionIndex(probes)
    names: dict[str, str] = {}
    for code, finding in ctx.found:
        if finding.path is not None or code == CODE:
            continue
        if code not in names:
            rule = get_rule(code)
            names[code] = rule.name if rule else ""
        index.apply(code, names[code], finding.span.line)
    for s in probes:
        unknown = [c for c in (s.codes or []) if not is_known_code(c)]
        if unknown:
            yield Finding(s.span, f"suppression names unknown rule(s): {', '.join(unknown)}", "use codes such as GK107")
            continue
        if not s.used:
            where = "in this file" if s.file_level else f"on line {s.line}"
            what = ", ".join(s.codes) if s.codes else "any rule"
            yield Finding(
                s.span,
                f"suppression of {what} is unused: nothing to suppress {where}",
                "remove it",
                fix=_remove(ctx.text, s),
            )
        elif s.codes:
            unused = [c for c in s.codes if not any(_matches_used(c, used) for used in s.used)]
            if unused:
                yield Finding(
                    s.span,
                    f"suppression of {', '.join(unused)} is unused "
                    f"{'in this file' if s.file_level else f'on line {s.line}'}",
                    "remove the unused codes",
                    fix=_keep_only(ctx.text, s, [c for c in s.codes if c not in unused]),
                )


def _matches_used(pattern: str, code: str) -> bool:
    rule = get_rule(code)
    return matches(pattern, code, rule.name if rule else "")


def _remove(text: str, s) -> Fix | None:
    """Delete the directive: its whole line when the comment is alone on it, else the
    comment and the blanks before it. None when the comment says more than the directive."""
    start, end = s.span.start, s.span.end
    line_end = text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end
    if text[end:line_end].strip():
        return None  # more text after the directive in the same comment
    line_start = text.rfind("\n", 0, start) + 1
    if not text[line_start:start].strip():
        stop = line_end + 1 if line_end < len(text) else line_end
        return Fix("remove the unused suppression comment", (Edit(line_start, stop, ""),))
    while start > line_start and text[start - 1] in " \t":
        start -= 1
    if line_end > start and text[line_end - 1] == "\r":
        line_end -= 1  # keep a CRLF line ending
    return Fix("remove the unused suppression comment", (Edit(start, line_end, ""),))


def _keep_only(text: str, s, codes: list[str]) -> Fix | None:
    directive = text[s.span.start : s.span.end]
    open_at, close_at = directive.find("["), directive.rfind("]")
    if open_at == -1 or close_at == -1:
        return None
    replacement = directive[: open_at + 1] + ", ".join(codes) + directive[close_at:]
    return Fix("remove the unused codes from the suppression", (Edit(s.span.start, s.span.end, replacement),))
