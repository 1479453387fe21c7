"""GK211 python-reads-differently: regex syntax Rust and Python both accept but read differently.

**What it flags.** Python regex habits that Rust accepts with another meaning, in a
``/…/`` regex of a Lark grammar or in a regex grammar:

- possessive quantifiers ``a*+``, ``a++``, ``a?+``, ``a{2}+``, ``a{2,5}+``: Rust has
  none and reads a ``+`` after a quantifier as a second quantifier, ``(?:a{2})+``;
- a space (or any white space) inside ``[…]`` in verbose mode, ``(?x)`` or ``/…/x``:
  Rust ignores it, Python matches it;
- ``--``, ``&&`` or ``~~`` in a class with nothing on one side (``[a-z--]``, ``[+--]``,
  ``[a&&]``): Rust reads a set operation with an empty side, Python literal characters
  or a range ending in ``-``.

Not flagged: ``a*`` ``a+?`` (GK102's), ``a\\*+``, ``[*+]``, ``(?x)[a\\ b]``, a space in a class
outside verbose mode, and set operations with two sides (``[a-z&&[^aeiou]]``, GK212's).

**Why.** llguidance reads regexes as Rust's ``regex`` crate does, whatever they meant
in Python, where the regex was probably written or tested (Python's ``re``, and the
``regex`` module Lark uses, agree with each other here). ``a?+`` is at most one ``a`` in
Python but any number in Rust; ``a{2}+`` is exactly ``aa`` in Python but ``aa``,
``aaaa``, ``aaaaaa``… in Rust; ``(?x)[A-Z ]+`` accepts spaces in Python only;
``[a-z--]`` accepts ``-`` in Python only. No error is raised anywhere: the grammar just
accepts other text than intended.

**Example.**

    CODE: /[A-Z]{2}+/
    NAME: /(?x) [A-Za-z ]{1,40}/

**Fix.** Drop the possessive ``+`` (``[A-Z]{2}``); if you really want Rust's reading, write
it explicitly (``(?:[A-Z]{2})+``). Escape the space in a verbose class (``[A-Za-z\\ ]``)
or drop verbose mode. Escape literal hyphens in a class (``[a-z\\-]``); the hint gives
the class Python reads, spelled for Rust.

**Fix (automatic, safe).** ``--fix`` drops the ``+`` of a possessive quantifier whose
quantifier has no upper bound (``a*+`` → ``a*``, ``a++`` → ``a+``, ``a{2,}+`` →
``a{2,}``): Rust reads ``(?:a*)+``, which is the same language as ``a*``, so llguidance
accepts the same text and Python now reads it the same way.

**Fix (automatic, unsafe).** With ``--unsafe-fixes``, the other fixes write what Python
reads, which changes what llguidance accepts: ``a?+`` → ``a?`` and ``a{2}+`` → ``a{2}``;
a white space character in a verbose class is escaped (``\\ ``); a class with an empty
set operation is replaced by the class Python reads, spelled for Rust (when it can be
spelled).
"""

from __future__ import annotations

from collections.abc import Iterator

from grammarkit.analysis.charsets import spell_class
from grammarkit.core.diagnostics import Edit, Finding, Fix, Severity
from grammarkit.lint.edits import for_site

CODE = "GK211"
NAME = "python-reads-differently"
SEVERITY = Severity.WARNING
SYNTAXES = ("lark", "regex")

# Rust's char::is_whitespace, which verbose mode skips.
_WHITESPACE = frozenset(
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def check(ctx) -> Iterator[Finding]:
    return ctx.each_regex(_site)


def _site(site) -> Iterator[Finding]:
    from grammarkit.regex_syntax import Class, ClassSetOp, Repeat, iter_with_flags

    ast = site.ast
    if ast is None:
        return
    pattern = site.pattern
    for node, flags in iter_with_flags(ast, site.flags):
        if isinstance(node, Repeat) and node.possessive:
            yield _possessive(site, node)
        elif isinstance(node, Class) and flags.get("x"):
            found = _verbose_space(site, node)
            if found is not None:
                yield found
        elif isinstance(node, ClassSetOp) and _empty_side(node):
            yield _empty_set_op(site, node, _outer_class(ast, node), pattern)


# ------------------------------------------------------------------ possessive


def _possessive(site, node) -> Finding:
    pattern = site.pattern
    inner = node.child  # the Repeat the extra "+" applies to
    operand = pattern[inner.child.start : inner.child.end]
    quant = pattern[inner.op_start : inner.op_end]
    written = pattern[node.op_start : node.op_end]
    plain = f"{operand}{quant}" if len(operand) <= 24 else f"…{quant}"
    rust = f"(?:{operand}{quant})+" if len(operand) <= 24 else f"(?:…{quant})+"
    if quant in ("*", "+"):
        effect = f"the same as `{plain}`, which gives characters back where Python's does not"
    elif quant == "?":
        effect = "which repeats without bound"
    else:
        effect = f"one or more runs of `{plain}`"
    fix = None
    if written == quant + "+":
        # (?:x{m,})+ is x{m,}: dropping the + keeps Rust's language when the inner
        # quantifier is unbounded; otherwise it changes it to Python's reading.
        fix = Fix(
            f"drop the possessive `+`: `{quant}`",
            (Edit(site.offset + node.op_end - 1, site.offset + node.op_end, ""),),
            safety="safe" if inner.max is None else "unsafe",
        )
    return Finding(
        site.span(node.op_start, node.op_end),
        f"`{written}` is a possessive quantifier in Python, but Rust has none and reads it as "
        f"`{rust}`, {effect}",
        f"write `{plain}` (Rust has no possessive quantifiers), or `{rust}` if you mean Rust's "
        "reading",
        fix=fix,
    )


# ------------------------------------------------------------------ verbose classes


def _verbose_space(site, cls) -> Finding | None:
    """White space inside a verbose-mode class that Rust skips and Python keeps."""
    from grammarkit.regex_syntax import Literal, iter_nodes

    pattern = site.pattern
    covered: set[int] = set()
    for item in iter_nodes(cls):
        if item is cls:
            continue
        if isinstance(item, Literal) and item.form == "verbatim" and item.char in _WHITESPACE:
            continue  # parsed without the /…/x flag: Rust skips it all the same
        covered.update(range(item.start, item.end))  # a nested class is checked on its own
    skipped = [
        pos
        for pos in range(cls.start + 1, cls.end - 1)
        if pos not in covered and pattern[pos] in _WHITESPACE
    ]
    if not skipped:
        return None
    start = end = skipped[0]
    while end + 1 in skipped:
        end += 1
    run = pattern[start : end + 1]
    shown = "a space" if run == " " else f"white space {run!r}"
    escaped = "".join(_ESCAPES.get(c) or f"\\u{ord(c):04X}" for c in run)
    return Finding(
        site.span(start, end + 1),
        f"{shown} inside a class in verbose mode: Rust ignores it, Python matches it",
        "escape it (`\\ `, or `\\x20`) to match a space in both, or delete it",
        fix=Fix(
            f"escape it: `{escaped}`",
            (Edit(site.offset + start, site.offset + end + 1, escaped),),
            safety="unsafe",  # llguidance then accepts the space too
        ),
    )


_ESCAPES = {" ": "\\ ", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\x0b": "\\v", "\x0c": "\\f"}


# ------------------------------------------------------------------ set operations


def _empty_side(op) -> bool:
    from grammarkit.regex_syntax import ClassUnion

    return any(isinstance(side, ClassUnion) and not side.items for side in (op.lhs, op.rhs))


def _outer_class(ast, target):
    from grammarkit.regex_syntax import Class, iter_nodes

    best = None
    for node in iter_nodes(ast):
        if isinstance(node, Class) and node.start <= target.start and target.end <= node.end and best is None:
            best = node  # pre-order: the outermost class comes first
    return best


def _empty_set_op(site, op, cls, pattern) -> Finding:
    written = op.op
    rust = {"--": "difference", "&&": "intersection", "~~": "symmetric difference"}[written]
    hint = f"escape the characters (`\\{written[0]}\\{written[0]}`) if you meant them literally"
    fix = None
    if cls is not None:
        class_text = pattern[cls.start : cls.end]
        python = python_class_reading(class_text)
        spelled = spell_class(*python) if python is not None else None
        if spelled is not None:
            hint = f"to get what Python reads, write `{spelled}`"
        if spelled is not None and not any(c in _WHITESPACE for c in spelled):  # verbose mode skips those
            fix = Fix(
                f"write the class Python reads: `{spelled}`",
                (Edit(site.offset + cls.start, site.offset + cls.end, for_site(site, spelled)),),
                safety="unsafe",  # llguidance then accepts what Python reads
            )
    return Finding(
        site.span(op.op_start, op.op_start + 2),
        f"`{written}` inside a class is Rust's set {rust}, here with nothing on one side; "
        + ("Python reads the hyphens as characters or as the end of a range" if written == "--"
           else f"Python reads `{written}` as the character `{written[0]}`"),
        hint,
        fix=fix,
    )


def python_class_reading(text: str) -> tuple[bool, set[int]] | None:
    """How Python's ``re`` reads the bracket class ``text``: (negated, code points), or None."""
    import warnings

    try:
        from re import _constants as C
        from re import _parser as P
    except ImportError:  # pragma: no cover - private modules of CPython
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = list(P.parse(text))
    except Exception:
        return None
    if len(parsed) != 1:
        return None
    op, arg = parsed[0]
    if op is C.LITERAL:
        return False, {arg}
    if op is C.NOT_LITERAL:
        return True, {arg}
    if op is not C.IN:
        return None
    negated, chars = False, set()
    for item_op, item_arg in arg:
        if item_op is C.NEGATE:
            negated = True
        elif item_op is C.LITERAL:
            chars.add(item_arg)
        elif item_op is C.RANGE and item_arg[1] - item_arg[0] <= 4096:
            chars.update(range(item_arg[0], item_arg[1] + 1))
        else:
            return None
    return negated, chars
