"""GK102 lazy-quantifier: a lazy quantifier in a regex.

**What it flags.** ``*?``, ``+?``, ``??`` and ``{m,n}?`` (and ``{m}?``, ``{m,}?``) in a
``/…/`` regex or a regex grammar, and the ``U`` flag (``(?U)``), which makes every
quantifier after it lazy. ``a\\*?`` (an optional escaped star) and ``[*?]`` are not
flagged.

**Why.** OpenAI documents lazy modifiers as unsupported for custom-tool grammars.
llguidance's own validation lets them through, but its lexer is greedy and matches whole
terminals, so laziness does not mean what it means in Python: the grammar does not
behave as written.

**Example.**

    BODY: /.+?/
    start: "<b>" BODY "</b>"

**Fix.** Make the terminal stop by itself: exclude the delimiter
(``BODY: /[^<]{1,200}/``), or put the delimiter in the grammar and give the terminal
llguidance's ``[lazy]`` attribute on a rule (``body[lazy]: /(.|\\n)*<\\/b>/``) where the API
accepts it.

**Fix (automatic, safe).** ``--fix`` drops the ``?`` that makes a quantifier lazy: as a set
of strings a regex is the same with lazy and greedy quantifiers, so the terminal accepts
the same text (llguidance checks it before the file is written).
"""

from __future__ import annotations

from collections.abc import Iterator

from grammarkit.core.diagnostics import Edit, Finding, Fix, Severity

CODE = "GK102"
NAME = "lazy-quantifier"
SEVERITY = Severity.ERROR
SYNTAXES = ("lark", "regex")
ENGINE_CATEGORIES = ("lazy",)  # the llguidance errors this rule's findings explain (GK109)


def check(ctx) -> Iterator[Finding]:
    return ctx.each_regex(_site)


def _site(site) -> Iterator[Finding]:
    from grammarkit.regex_syntax import Group, Repeat, SetFlags, iter_nodes

    if site.ast is None:
        return
    for node in iter_nodes(site.ast):
        if isinstance(node, Repeat) and node.lazy_suffix:
            quant = site.pattern[node.op_start : node.op_end]
            yield Finding(
                site.span(node.op_start, node.op_end),
                f"lazy quantifier `{quant}` is not supported",
                f"use the greedy `{quant[:-1]}` on a terminal that cannot run past its "
                "delimiter (e.g. /[^<]{1,200}/ instead of /.+?/)",
                fix=Fix(
                    f"make `{quant}` greedy: `{quant[:-1]}`",
                    (Edit(site.offset + node.op_end - 1, site.offset + node.op_end, ""),),
                ),
            )
        elif isinstance(node, (SetFlags, Group)) and _turns_on_swap_greed(node):
            yield Finding(
                site.span(node.start, _flags_end(site.pattern, node)),
                "the `U` flag makes quantifiers lazy, which is not supported",
                "remove the U flag and bound the terminal so it stops at its delimiter",
            )


def _turns_on_swap_greed(node) -> bool:
    flags = getattr(node, "flags", None) or ""
    on = flags.split("-", 1)[0]
    return "U" in on


def _flags_end(pattern: str, node) -> int:
    close = pattern.find(")", node.start)
    colon = pattern.find(":", node.start)
    ends = [e for e in (close, colon) if e != -1]
    return (min(ends) + 1) if ends else node.end
