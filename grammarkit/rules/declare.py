"""GK106 declare: a ``%declare`` directive.

**What it flags.** Every ``%declare NAME …``.

**Why.** ``%declare`` announces terminals that a custom Lark lexer or postlexer will
produce; the API has neither, and llguidance rejects the directive ("declare statement
not supported yet"). OpenAI lists it as unsupported.

**Example.**

    %declare _INDENT _DEDENT

**Fix.** Define the terminals in the grammar (``_INDENT: /[ ]{4}/``), or restructure:
indentation-sensitive syntax is better expressed with explicit delimiters in a tool
grammar.
"""

from __future__ import annotations

from collections.abc import Iterator

from grammarkit.core.diagnostics import Finding, Severity
from grammarkit.reader.model import Declare

CODE = "GK106"
NAME = "declare"
SEVERITY = Severity.ERROR
SYNTAXES = ("lark",)
ENGINE_CATEGORIES = ("declare",)  # the llguidance errors this rule's findings explain (GK109)


def check(ctx) -> Iterator[Finding]:
    for node in ctx.grammar.nodes_of(Declare):
        yield Finding(
            node.span,
            f"%declare {' '.join(node.names)} is not supported",
            "define these terminals in the grammar instead",
        )
