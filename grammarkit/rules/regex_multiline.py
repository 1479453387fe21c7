"""GK201 regex-multiline: a regex grammar whose pattern spans several lines.

**What it flags.** A ``.regex`` grammar (or ``--syntax regex`` input) whose pattern —
the whole text minus one trailing newline — contains a line break.

**Why.** The pattern is sent to the API as is, and a line break in it is a literal
character the model must emit: a pattern wrapped over two lines for readability, or a
file with extra blank lines at the end, no longer matches what you meant.

**Example.** A file holding ``[0-9]{4}-[0-9]{2}`` followed by two newlines.

**Fix.** Keep the pattern on one line; write ``\\n`` where a newline is really wanted.
"""

from __future__ import annotations

from collections.abc import Iterator

from grammarkit.core.diagnostics import Finding, Severity

CODE = "GK201"
NAME = "regex-multiline"
SEVERITY = Severity.WARNING
SYNTAXES = ("regex",)


def check(ctx) -> Iterator[Finding]:
    pattern = ctx.regex_pattern
    pos = pattern.find("\n")
    if pos != -1:
        start = pos - 1 if pos > 0 and pattern[pos - 1] == "\r" else pos
        yield Finding(
            ctx.index.span(start, start + 1),
            "the regex pattern spans several lines; the line break is part of the pattern",
            "keep the pattern on one line and write \\n where a newline is wanted",
        )
