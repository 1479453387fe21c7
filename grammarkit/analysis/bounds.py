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
    out = pattern
    for start, end, quantifier in reversed(bound_edits(tree, lang, flags)):
        out = out[:start] + quantifier + out[end:]
    return out


def bound_edits(tree: rx.Node, lang: Lang, flags: str = "") -> list[tuple[int, int, str]]:
    """``(start, end, quantifier)``: the pattern offsets of every unbounded quantifier of
    ``tree`` and the bounded quantifier to write there, in pattern order."""
    repeats = [
        r
        for r in rx.iter_nodes(tree)
        if isinstance(r, rx.Repeat) and r.max is None and rx.max_length(r.child) != 0
    ]
    edits = []
    for r in sorted(repeats, key=lambda r: r.op_start):
        try:
            n = bound_for(lang, lang._regex_term(r.child, Flags().apply(flags)))
        except Unanalysable:
            n = 64
        edits.append((r.op_start, r.op_end, bounded_quantifier(r.form, r.min, n)))
    return edits


def plainly_quantified(tree: rx.Node) -> bool:
    """Whether every quantifier of ``tree`` is a plain greedy one that Rust supports, and
    nothing in it is a construct llguidance rejects (lookarounds, backreferences, ``\\Z``
    and the like): only then can its quantifiers be rewritten one by one."""
    for node in rx.iter_nodes(tree):
        if node.unsupported:
            return False
        if isinstance(node, rx.Repeat) and (
            node.lazy_suffix or node.lazy_by_flag or node.possessive or isinstance(node.child, rx.Repeat)
        ):
            return False
        if isinstance(node, (rx.SetFlags, rx.Group)) and "U" in (node.flags or "").split("-", 1)[0]:
            return False
    return True


def bound_for(lang: Lang, inner: int) -> int:
    """An upper bound to suggest for repeating ``inner``: 500 for a broad class (free
    text), 18 for digits (a 64-bit integer), 64 for anything else."""
    union = lang.leaf_union(inner)
    if is_broad(lang, union):
        return 500
    digits = sum(1 << lang.chars.index(c) for c in string.digits)
    return 18 if union and not union & ~digits else 64
