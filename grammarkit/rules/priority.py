"""GK103 priority: a priority on a terminal or a rule (``NAME.2:``).

**What it flags.** The ``.N`` after a definition's name, on terminals (``KEYWORD.2:``)
and rules (``expr.1:``), including inside ``%override``.

**Why.** llguidance does not support priorities ("priority not supported yet"); the
API rejects the grammar. OpenAI lists terminal priorities as unsupported.

**Example.**

    SELECT.2: "select"
    NAME: /[a-z]+/

**Fix.** Remove the priority and make the terminals stop overlapping, for example keep
keywords out of the identifier pattern, or use the keyword as a literal in the rules
where it belongs. llguidance's lexer already prefers the longest match and then the
terminal the parser allows at that point.
"""

from __future__ import annotations

from collections.abc import Iterator

from grammarkit.core.diagnostics import Finding, Severity
from grammarkit.reader.model import Definition

CODE = "GK103"
NAME = "priority"
SEVERITY = Severity.ERROR
SYNTAXES = ("lark",)
ENGINE_CATEGORIES = ("priority",)  # the llguidance errors this rule's findings explain (GK109)


def check(ctx) -> Iterator[Finding]:
    for node in ctx.grammar.nodes_of(Definition):
        if node.priority_span is not None:
            kind = "terminal" if node.is_terminal else "rule"
            yield Finding(
                node.priority_span,
                f"priority `.{node.priority}` on {kind} {node.name} is not supported",
                f"remove `.{node.priority}` and make the terminals not overlap "
                "(e.g. keep keywords out of the identifier regex)",
            )
