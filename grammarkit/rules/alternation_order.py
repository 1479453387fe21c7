"""GK215 alternation-order: a regex alternation whose earlier branch is a prefix of a later one.

**What it flags.** In a ``/…/`` regex of a Lark grammar, an alternation where an earlier
branch matches a proper prefix of a later branch's text: ``/a|ab/``, ``/if|iffy/``,
``/<|<=/``. Branches are compared when they are plain text (literal characters).

**Why.** llguidance's lexer takes the longest match of a terminal (``ab``), while Python's
``regex`` module, and so the local Lark parser that applications use, takes the first
branch that matches (``a``). The model can then send input the application's parser
rejects: ``T: /a|ab/`` with ``start: T "c"`` accepts ``abc`` in llguidance, not in Lark.
(Lark sorts the literal alternatives of a terminal such as ``"<" | "<="`` itself; only
regex alternations are affected.)

**Example.**

    OP: /=|==|!=/

**Fix.** Put longer branches first (``/==|!=|=/``), or write the terminal with string
literals: ``OP: "=" | "==" | "!="``.
"""

from __future__ import annotations

from collections.abc import Iterator

from grammarkit.core.diagnostics import Finding, Severity

CODE = "GK215"
NAME = "alternation-order"
SEVERITY = Severity.WARNING
SYNTAXES = ("lark",)


def check(ctx) -> Iterator[Finding]:
    return ctx.each_regex(_site)


def _site(site) -> Iterator[Finding]:
    from grammarkit.regex_syntax import Alternation, iter_nodes

    ast = site.ast
    if ast is None or "i" in site.flags:
        return
    for node in iter_nodes(ast):
        if not isinstance(node, Alternation):
            continue
        texts = [_plain_text(b) for b in node.branches]
        reported = False
        for i, early in enumerate(texts):
            if early is None or reported:
                continue
            for j in range(i + 1, len(texts)):
                late = texts[j]
                if late is not None and len(late) > len(early) and late.startswith(early):
                    branch = node.branches[i]
                    yield Finding(
                        site.span(branch.start, branch.end),
                        f"branch `{site.pattern[branch.start:branch.end]}` comes before the longer "
                        f"`{site.pattern[node.branches[j].start:node.branches[j].end]}`: Lark's regex "
                        "takes the first match, llguidance the longest",
                        "put the longer branch first, or use string literals (\"a\" | \"ab\"), which Lark "
                        "sorts longest first",
                    )
                    reported = True
                    break


def _plain_text(node) -> str | None:
    """The text a branch matches when it is literal characters only, else None."""
    from grammarkit.regex_syntax import Concat, Empty, Literal

    if isinstance(node, Literal):
        return node.char
    if isinstance(node, Empty):
        return ""
    if isinstance(node, Concat):
        literals = [i for i in node.items if isinstance(i, Literal)]
        if len(literals) == len(node.items):
            return "".join(i.char for i in literals)
    return None
