"""GK212 rust-only-regex: Rust regex syntax that Python cannot read the same way.

**What it flags.** Rust ``regex``-crate syntax, valid for llguidance, that Python's
``regex`` module (what Lark uses with ``regex=True``, in its default ``VERSION0``
mode) and Python's ``re`` reject or read differently, in a ``/…/`` regex of a Lark
grammar or in a regex grammar:

- classes inside classes: nested classes ``[a[bc]]``, set operations
  ``[a-z&&[^aeiou]]``, ``[a-z--[aeiou]]``, ``[a-c~~b-d]``, and POSIX classes
  ``[[:alpha:]]`` (ASCII in Rust, Unicode in ``regex``, a set of ``[:alph`` in ``re``);
- white space inside a counted repetition, ``x{ 2 }`` or ``x{2, 3}`` (Python: the
  literal text ``{ 2 }``), outside verbose mode;
- braced escapes ``\\x{41}``, ``\\u{41}``, ``\\U{1F600}``;
- the flag ``-u`` when a ``\\d``, ``\\w`` or ``\\s`` is in its scope (``regex`` ignores
  ``-u`` and reads them as Unicode, ``re`` rejects it), and the flag ``R`` (``regex``
  reads ``(?R)`` as recursion);
- a quantifier on a quantifier, ``a**`` or ``x{2}{3}`` (Python: "multiple repeat");
- group names with ``.``, ``[`` or ``]``, ``(?P<a.b>…)``;
- ``\\p{…}`` properties the ``regex`` module does not know (``\\p{Age=3.0}``).

Not flagged: ``\\z``, ``(?<name>…)``, ``\\pL``, ``\\p{Greek}``, ``\\u0041``, which the
``regex`` module reads as Rust does; possessive-looking ``a*+`` and set operations with
an empty side (GK211's).

**Why.** The grammar is fine for the API, but samples checked locally with Python
(Lark, or ``regex.fullmatch`` for a regex grammar) fail to compile or get another
verdict than llguidance gives, and a reader who knows Python's dialect misreads the
regex. This is information, not an error.

**Example.**

    CONSONANT: /[a-z&&[^aeiou]]/
    DASH: /\\u{2014}/

**Fix.** Use the spelling both dialects read alike, which the hint gives:
``[b-df-hj-np-tv-z]``, ``\\u2014``, ``x{2}``, ``(?:a*)*``, ``[A-Za-z]`` for
``[[:alpha:]]``. If you check samples with llguidance only, ignore this rule.

**Fix (automatic, safe).** ``--fix`` writes the spelling the hint gives where it means the
same in Rust: a class with nested classes, set operations or POSIX classes as the plain
class of the same characters (when it can be computed: no ``i`` or ``x`` flag, no Perl or
Unicode class inside), ``x{ 2 }`` → ``x{2}``, ``\\x{41}`` → ``\\x41``, ``a**`` →
``(?:a*)*``, and a group name with ``.``, ``[`` or ``]`` with those replaced by ``_``.
Safe: llguidance accepts the same text (a group name does not change what a regex
matches), and Python now reads the regex as Rust does.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import cast

from grammarkit.analysis.charsets import spell_class
from grammarkit.core.diagnostics import Edit, Finding, Fix, Severity
from grammarkit.lint.edits import for_site

CODE = "GK212"
NAME = "rust-only-regex"
SEVERITY = Severity.INFO
SYNTAXES = ("lark", "regex")

_LOCAL = "Python's `regex` module (Lark) and `re`"

_POSIX_ASCII: dict[str, list[tuple[int, int]]] = {
    "alnum": [(48, 57), (65, 90), (97, 122)],
    "alpha": [(65, 90), (97, 122)],
    "ascii": [(0, 127)],
    "blank": [(9, 9), (32, 32)],
    "cntrl": [(0, 31), (127, 127)],
    "digit": [(48, 57)],
    "graph": [(33, 126)],
    "lower": [(97, 122)],
    "print": [(32, 126)],
    "punct": [(33, 47), (58, 64), (91, 96), (123, 126)],
    "space": [(9, 13), (32, 32)],
    "upper": [(65, 90)],
    "word": [(48, 57), (65, 90), (95, 95), (97, 122)],
    "xdigit": [(48, 57), (65, 70), (97, 102)],
}

_unknown_properties: dict[str, bool] = {}
_U_OFF_BY = "_u_off_by"  # key in the walk's flag state: the node that last turned `u` off


def _turns_unicode_off(node) -> bool:
    flags = node.flags or ""
    if getattr(node, "kind", "flags") != "flags":
        return False
    return "-" in flags and "u" in flags.split("-", 1)[1]


def check(ctx) -> Iterator[Finding]:
    return ctx.each_regex(_site)


def _site(site) -> Iterator[Finding]:
    from grammarkit.regex_syntax import (
        Class,
        Group,
        Literal,
        PerlClass,
        Repeat,
        SetFlags,
        UnicodeClass,
        iter_with_flags,
    )

    ast = site.ast
    if ast is None:
        return
    inside_class_until = -1
    ascii_flags: dict[int, SetFlags | Group] = {}  # id -> flags node turning Unicode off
    ascii_used: set[int] = set()  # ... whose scope has a Perl class
    findings: list[tuple[object, Finding]] = []
    for node, flags in iter_with_flags(ast, site.flags):
        if isinstance(node, (SetFlags, Group)) and _turns_unicode_off(node):
            cast("dict[str, object]", flags)[_U_OFF_BY] = node  # scoped like the flags themselves
            ascii_flags[id(node)] = node
        elif isinstance(node, PerlClass) and not flags.get("u", True):
            setter = flags.get(_U_OFF_BY)
            if setter is not None:
                ascii_used.add(id(setter))
        if isinstance(node, Class):
            if node.start < inside_class_until:
                continue  # reported with its outermost class
            inside_class_until = node.end
            found = _class(site, node, flags)
        elif isinstance(node, Repeat):
            found = _repeat(site, node, flags)
        elif isinstance(node, Literal) and node.form == "hex":
            found = _braced_hex(site, node)
        elif isinstance(node, (SetFlags, Group)) and id(node) in ascii_flags:
            found = None  # decided at the end, once its scope has been seen
        elif isinstance(node, (SetFlags, Group)):
            found = _flags(site, node, False) or _group_name(site, node)
        elif isinstance(node, UnicodeClass):
            found = _property(site, node)
        else:
            found = None
        if found is not None:
            findings.append((node, found))
    for node in ascii_flags.values():
        found = _flags(site, node, id(node) in ascii_used)
        if found is not None:
            findings.append((node, found))
    findings.sort(key=lambda pair: pair[1].span.start)
    for _node, found in findings:
        yield found


# ------------------------------------------------------------------ classes


def _class(site, cls, flags) -> Finding | None:
    from grammarkit.regex_syntax import Class, ClassSetOp, ClassUnion, PosixClass, iter_nodes

    pattern = site.pattern
    feature = None
    for node in iter_nodes(cls):
        if node is cls:
            continue
        if isinstance(node, ClassSetOp):
            sides = (node.lhs, node.rhs)
            if any(isinstance(s, ClassUnion) and not s.items for s in sides):
                continue  # an empty side: GK211
            feature = (
                f"class set operation `{node.op}`",
                f"Python reads `{node.op}` as characters",
            )
        elif isinstance(node, Class):
            inner = pattern[node.start : node.end]
            feature = (
                f"nested class `{inner}`",
                "Python reads the `[` inside as a character and ends the class at the first `]`",
            )
        elif isinstance(node, PosixClass):
            inner = pattern[node.start : node.end]
            feature = (
                f"POSIX class `{inner}`",
                "it is ASCII-only in Rust, Unicode in the `regex` module, and a set of its "
                "characters followed by a literal `]` in `re`",
            )
        else:
            continue
        break
    if feature is None:
        return None
    what, how = feature
    written = pattern[cls.start : cls.end]
    spelled = value = None
    if not flags.get("i") and not flags.get("x"):
        value = rust_class_set(cls)
        if value is not None:
            spelled = spell_class(*value)
    fix = None
    if spelled is not None:
        hint = f"write `{spelled}`, the same class without it"
        fix = _replace(site, cls.start, cls.end, for_site(site, spelled), f"write the plain class `{spelled}`")
    elif value == (False, set()):
        hint = "in Rust this class matches no character at all: check its operands"
    else:
        hint = f"spell `{written}` out as a plain class of ranges if you check samples with Python"
    return Finding(site.span(cls.start, cls.end), f"{what} is Rust-only syntax: {how}", hint, fix=fix)


def _replace(site, start: int, end: int, replacement: str, title: str) -> Fix:
    """A safe fix writing ``replacement`` over pattern characters ``[start, end)``."""
    return Fix(title, (Edit(site.offset + start, site.offset + end, replacement),))


def rust_class_set(node) -> tuple[bool, set[int]] | None:
    """What a Rust bracket class matches, as (complemented, code points); None if unknown.

    Only literal characters, ranges (up to 4096 characters), POSIX classes, nested
    classes and set operations are evaluated; Perl and Unicode classes give None.
    """
    from grammarkit.regex_syntax import Class, ClassRange, ClassSetOp, ClassUnion, Literal, PosixClass

    if isinstance(node, Literal):
        return False, {ord(node.char)}
    if isinstance(node, ClassRange):
        lo, hi = ord(node.lo.char), ord(node.hi.char)
        if hi - lo > 4096:
            return None
        return False, set(range(lo, hi + 1))
    if isinstance(node, PosixClass):
        chars: set[int] = set()
        for lo, hi in _POSIX_ASCII[node.name]:
            chars.update(range(lo, hi + 1))
        return node.negated, chars
    if isinstance(node, (Class, ClassUnion)):
        result: tuple[bool, set[int]] = (False, set())
        for item in node.items:
            value = rust_class_set(item)
            if value is None:
                return None
            result = _union(result, value)
        if isinstance(node, Class) and node.negated:
            result = (not result[0], result[1])
        return result
    if isinstance(node, ClassSetOp):
        lhs, rhs = rust_class_set(node.lhs), rust_class_set(node.rhs)
        if lhs is None or rhs is None:
            return None
        if node.op == "&&":
            return _intersection(lhs, rhs)
        if node.op == "--":
            return _intersection(lhs, (not rhs[0], rhs[1]))
        return lhs[0] != rhs[0], lhs[1] ^ rhs[1]  # ~~
    return None


def _union(a, b):
    (na, sa), (nb, sb) = a, b
    if not na and not nb:
        return False, sa | sb
    if na and nb:
        return True, sa & sb
    return (True, sb - sa) if nb else (True, sa - sb)


def _intersection(a, b):
    (na, sa), (nb, sb) = a, b
    if not na and not nb:
        return False, sa & sb
    if na and nb:
        return True, sa | sb
    return (False, sa - sb) if nb else (False, sb - sa)


# ------------------------------------------------------------------ the rest


def _repeat(site, node, flags) -> Finding | None:
    from grammarkit.regex_syntax import Repeat

    pattern = site.pattern
    if isinstance(node.child, Repeat) and not node.possessive:
        inner = node.child
        inner_text = pattern[inner.start : inner.op_end]
        outer = pattern[node.op_start : node.op_end]
        if pattern[inner.op_end : node.op_start]:  # verbose space between: `a* ?` is lazy there
            python = f"{_LOCAL} read it otherwise"
        else:
            python = f"{_LOCAL} reject it (\"multiple repeat\")"
        return Finding(
            site.span(node.op_start, node.op_end),
            f"`{outer}` repeats the repetition `{inner_text}`: Rust reads `(?:{inner_text}){outer}`, "
            f"{python}",
            f"write `(?:{inner_text}){outer}`, or the single quantifier you meant",
            fix=Fix(
                f"group the inner repetition: `(?:{inner_text}){outer}`",
                (Edit(site.offset + inner.start, site.offset + inner.start, "(?:"),
                 Edit(site.offset + inner.op_end, site.offset + inner.op_end, ")")),
            ),
        )
    quant = pattern[node.op_start : node.op_end]
    if quant.startswith("{") and not flags.get("x") and any(c.isspace() for c in quant):
        tight = "".join(c for c in quant if not c.isspace())
        return Finding(
            site.span(node.op_start, node.op_end),
            f"`{quant}` with spaces is a repetition in Rust only: Python reads it as the "
            "literal text",
            f"write `{tight}`",
            fix=_replace(site, node.op_start, node.op_end, tight, f"write `{tight}`"),
        )
    return None


def _braced_hex(site, node) -> Finding | None:
    written = site.pattern[node.start : node.end]
    if "{" not in written:
        return None
    code = ord(node.char)
    if code <= 0xFF:
        fixed = f"\\x{code:02X}"
    elif code <= 0xFFFF:
        fixed = f"\\u{code:04X}"
    else:
        fixed = f"\\U{code:08X}"
    return Finding(
        site.span(node.start, node.end),
        f"braced escape `{written}` is Rust-only syntax: {_LOCAL} reject it",
        f"write `{fixed}`",
        fix=_replace(site, node.start, node.end, fixed, f"write `{fixed}`"),
    )


def _flags(site, node, unicode_off_matters: bool) -> Finding | None:
    """``-u`` (when a Perl class in its scope is read differently) or ``R``."""
    from grammarkit.regex_syntax import Group

    flags = node.flags or ""
    if isinstance(node, Group) and node.kind != "flags":
        return None
    end = node.open_end if isinstance(node, Group) else node.end
    written = site.pattern[node.start : end]
    if unicode_off_matters:
        return Finding(
            site.span(node.start, end),
            f"`{written}` turns Unicode off, which only Rust can: the `regex` module ignores "
            "`-u` (its `\\d` `\\w` `\\s` stay Unicode) and `re` rejects it",
            "drop `-u` and write ASCII classes instead: `[0-9]`, `[0-9A-Za-z_]`, `[\\t\\n\\v\\f\\r ]`",
        )
    if "R" in flags:
        return Finding(
            site.span(node.start, end),
            f"the CRLF flag `R` in `{written}` is Rust-only: `re` rejects it and the `regex` "
            "module reads `(?R)` as recursion",
            "drop `R`; where `.` must not match `\\r`, write `[^\\r\\n]`",
        )
    return None


def _group_name(site, node) -> Finding | None:
    from grammarkit.regex_syntax import Group

    if not isinstance(node, Group) or node.kind != "named" or node.name is None:
        return None
    name = node.name
    if name.isidentifier():
        return None
    start = node.open_end - 1 - len(name)
    fixed = "".join(c if (c.isalnum() or c == "_") else "_" for c in name)
    return Finding(
        site.span(start, start + len(name)),
        f"group name `{name}` is valid in Rust only: {_LOCAL} reject it",
        f"use letters, digits and `_`, e.g. `{fixed}`",
        fix=_replace(site, start, start + len(name), fixed, f"rename the group `{fixed}`"),
    )


def _property(site, node) -> Finding | None:
    written = site.pattern[node.start : node.end]
    if node.caret:
        return None  # \p{^X}: GK210
    key = written[1:].lstrip("pP")
    unknown = _unknown_properties.get(key)
    if unknown is None:
        unknown = not _regex_module_reads(written) and _llguidance_reads(written)
        _unknown_properties[key] = unknown
    if not unknown:
        return None
    return Finding(
        site.span(node.start, node.end),
        f"Unicode property `{written}` is one Python's `regex` module (Lark) does not know",
        "use a property both know (a general category such as `\\p{L}`, or a script such as "
        "`\\p{Greek}`), or a range of code points",
    )


def _regex_module_reads(text: str) -> bool:
    import regex

    try:
        regex.compile(text, flags=regex.VERSION0)
    except Exception:
        return False
    return True


def _llguidance_reads(text: str) -> bool:
    from grammarkit.llg.compile import compile_report

    return compile_report("regex", text).ok
