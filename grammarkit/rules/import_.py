"""GK105 import: an ``%import`` other than from ``common``.

**What it flags.** ``%import`` of any module other than ``common`` (``%import
mygrammar.NAME``, relative imports ``%import .util (A, B)``), an ``%import`` without a
module, and names that llguidance's ``common`` does not provide (``%import
common.FOO``). Imports of common names, with aliases (``%import common.INT -> N``) and
name lists (``%import common (WS, INT)``), pass.

**Why.** The API receives one grammar text and cannot read other files; llguidance
only knows its built-in ``common`` terminals. OpenAI lists imports other than
``%import common`` as unsupported.

**Example.**

    %import .lexer.IDENT
    %import common.HEX_NUMBER

**Fix.** Copy the definitions you need into the grammar, bounded
(``IDENT: /[a-z_][a-z0-9_]{0,63}/``), or import a name common provides
(``%import common.HEXDIGIT``).
"""

from __future__ import annotations

from collections.abc import Iterator

from grammarkit.core.diagnostics import Finding, Severity
from grammarkit.reader.model import Import

CODE = "GK105"
NAME = "import"
SEVERITY = Severity.ERROR
SYNTAXES = ("lark",)
ENGINE_CATEGORIES = ("import",)  # the llguidance errors this rule's findings explain (GK109)


def check(ctx) -> Iterator[Finding]:
    from grammarkit.reader.common_terminals import COMMON_NAMES

    for node in ctx.grammar.nodes():
        if not isinstance(node, Import):
            continue
        if not node.module:
            yield Finding(
                node.path_span,
                f"%import {node.names[0].name} names no module",
                "import from common, e.g. %import common.WS",
            )
        elif node.relative or node.module != ["common"]:
            yield Finding(
                node.path_span,
                f"%import from {node.module_name!r} is not supported; only %import common is",
                "copy the definitions into this grammar (the API cannot read other files)",
            )
        else:
            for name in node.names:
                if name.name not in COMMON_NAMES:
                    yield Finding(
                        name.span,
                        f"common has no terminal {name.name}",
                        "llguidance's common provides " + ", ".join(sorted(COMMON_NAMES)),
                    )
