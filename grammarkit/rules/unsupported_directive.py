"""GK108 unsupported-directive: ``%override`` or ``%extend``.

**What it flags.** Every ``%override`` and ``%extend`` of a rule or terminal.

**Why.** Both directives modify definitions imported from another grammar; the API
receives a single grammar and llguidance supports neither ("override statement not
supported yet"; ``%extend`` is not even a token to it).

**Example.**

    %override NUMBER: /[0-9]{1,6}/
    %extend value: "null"

**Fix.** Edit the definition itself: write ``NUMBER: /[0-9]{1,6}/`` in place of the
original, and add the alternative to the rule (``value: … | "null"``).
"""

from __future__ import annotations

from collections.abc import Iterator

from grammarkit.core.diagnostics import Finding, Severity
from grammarkit.reader.model import Override

CODE = "GK108"
NAME = "unsupported-directive"
SEVERITY = Severity.ERROR
SYNTAXES = ("lark",)
ENGINE_CATEGORIES = ("override", "extend")  # the llguidance errors this rule's findings explain (GK109)


def check(ctx) -> Iterator[Finding]:
    for node in ctx.grammar.nodes_of(Override):
        start = node.span.start
        name = node.definition.name
        yield Finding(
            ctx.index.span(start, start + len(node.directive)),
            f"{node.directive} {name} is not supported",
            f"edit the definition of {name} in place instead of using {node.directive}",
        )
