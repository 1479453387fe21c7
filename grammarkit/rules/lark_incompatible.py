"""GK217 lark-incompatible: llguidance syntax that Python Lark cannot load as written.

**What it flags.** Spellings llguidance accepts but Python Lark refuses, so an application
that loads the same grammar text with ``lark.Lark(...)`` fails before parsing anything:
``x{2,3}`` repetition (Lark reads braces as a template use), names containing ``-``, and
the empty string literal ``""``.

**Why.** grammarkit's local parser translates these (so samples still get Lark's verdict),
but your application will not. The tool grammar and the application's parser should be
the same text.

**Example.**

    start: item{1,3} trailing-part
    trailing-part: ""

**Fix.** Use the spelling both read: ``item~1..3`` (``{m,}`` is ``item~m item*``), names
with ``_`` instead of ``-``, and ``[x]`` or ``x?`` instead of an alternative with ``""``.
"""

from __future__ import annotations

from collections.abc import Iterator

from grammarkit.core.diagnostics import Finding, Severity
from grammarkit.reader import model as m

CODE = "GK217"
NAME = "lark-incompatible"
SEVERITY = Severity.INFO
SYNTAXES = ("lark",)


def check(ctx) -> Iterator[Finding]:
    grammar = ctx.grammar
    for node in grammar.nodes():
        if isinstance(node, m.Repeat) and node.form == "braces":
            yield Finding(
                node.op_span,
                f"Python Lark cannot read the repetition `{node.op}` (braces are its template syntax)",
                f"write {_tilde(node)} instead",
            )
        elif isinstance(node, m.Definition) and "-" in node.name:
            yield Finding(
                node.name_span,
                f"Python Lark cannot read the name {node.name} (no `-` in Lark names)",
                f"rename it to {node.name.replace('-', '_')}",
            )
        elif isinstance(node, m.Literal) and node.value == "":
            yield Finding(
                node.span,
                'Python Lark refuses the empty string literal ""',
                "make the part optional instead: [x] or x?",
            )


def _tilde(node: m.Repeat) -> str:
    if node.max is None:
        return f"~{node.min} followed by *" if node.min else "*"
    if node.min == node.max:
        return f"~{node.min}"
    return f"~{node.min}..{node.max}"
