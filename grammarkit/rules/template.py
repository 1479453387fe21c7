"""GK104 template: a Lark template definition or use.

**What it flags.** Template definitions ``name{a, b}: …`` (the parameter list) and
every use ``name{x, y}``.

**Why.** llguidance does not support templates ("params not supported yet"); the API
rejects the grammar. OpenAI lists templates as unsupported.

**Example.**

    _separated{x, sep}: x (sep x)*
    list: _separated{ITEM, ","}

**Fix.** Write each instantiation out as its own rule:
``list: ITEM ("," ITEM)*``. Repetition counts are fine: ``item{2,3}`` is llguidance's
``item~2..3``, not a template.
"""

from __future__ import annotations

from collections.abc import Iterator

from grammarkit.core.diagnostics import Finding, Severity
from grammarkit.reader.model import Definition, TemplateUsage

CODE = "GK104"
NAME = "template"
SEVERITY = Severity.ERROR
SYNTAXES = ("lark",)
ENGINE_CATEGORIES = ("template",)  # the llguidance errors this rule's findings explain (GK109)


def check(ctx) -> Iterator[Finding]:
    for node in ctx.grammar.nodes():
        if isinstance(node, Definition) and node.params is not None and node.params_span is not None:
            params = ", ".join(node.params)
            yield Finding(
                node.params_span,
                f"template definition {node.name}{{{params}}} is not supported",
                "write each instantiation out as its own rule",
            )
        elif isinstance(node, TemplateUsage):
            yield Finding(
                node.span,
                f"template use {node.name}{{…}} is not supported",
                f"replace it with a rule that spells out {node.name} for these arguments",
            )
