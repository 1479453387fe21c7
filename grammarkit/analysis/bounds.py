"""Bounds for unbounded repetitions: what GK220 proposes.
"""

from __future__ import annotations

import string

from grammarkit import regex_syntax as rx
from grammarkit.analysis.charsets import Flags
from grammarkit.analysis.languages import Lang
from grammarkit.analysis.lexemes import is_broad
from grammarkit.analysis.scoping import Unanalysable

# ---------------------------------------------------------------------------- bounds


def unbounded_repeats(tree: rx.Node) -> list[rx.Repeat]:
    """The outermost quantifiers with no upper bound over something non-empty, in
    pattern order: the places that make a regex unbounded."""
    out: list[rx.Repeat] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, rx.Repeat) and node.max is None and rx.max_length(node.child) != 0:
            out.append(node)
            continue
        if isinstance(node, rx.Repeat) and node.max == 0:
            continue  # x{0} matches only the empty string
        stack.extend(reversed(node.children()))
    return out


def bounded_quantifier(form: str, lo: int, n: int) -> str:
    if form == "*" or lo == 0:
        return f"{{0,{n}}}"
    if form == "+" or lo == 1:
        return f"{{1,{n}}}"
    return f"{{{lo},{max(lo, n)}}}"


def bounded_pattern(pattern: str, tree: rx.Node, lang: Lang, flags: str = "") -> str:
    """``pattern`` with every unbounded quantifier given an upper bound that suits what
    it repeats (see :func:`bound_for`)."""
    repeats = [
        r
        for r in rx.iter_nodes(tree)
        if isinstance(r, rx.Repeat) and r.max is None and rx.max_length(r.child) != 0
    ]
    out = pattern
    for r in sorted(repeats, key=lambda r: r.op_start, reverse=True):
        try:
            n = bound_for(lang, lang._regex_term(r.child, Flags().apply(flags)))
        except Unanalysable:
            n = 64
        out = out[: r.op_start] + bounded_quantifier(r.form, r.min, n) + out[r.op_end :]
    return out


def bound_for(lang: Lang, inner: int) -> int:
    """An upper bound to suggest for repeating ``inner``: 500 for a broad class (free
    text), 18 for digits (a 64-bit integer), 64 for anything else."""
    union = lang.leaf_union(inner)
    if is_broad(lang, union):
        return 500
    digits = sum(1 << lang.chars.index(c) for c in string.digits)
    return 18 if union and not union & ~digits else 64
