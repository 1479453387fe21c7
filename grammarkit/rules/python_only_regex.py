"""GK210 python-only-regex: Python (or PCRE) regex syntax that Rust's ``regex`` crate rejects.

**What it flags.** In a ``/…/`` regex of a Lark grammar or in a regex grammar: the
anchor ``\\Z``; backreferences ``\\1``, ``(?P=name)``, ``\\k<name>``, ``\\g<name>``; the
repetition ``{,n}``; comment groups ``(?#…)``; atomic groups ``(?>…)``; conditionals
``(?(1)yes|no)``; named characters ``\\N{EM DASH}``; octal escapes ``\\0``, ``\\141``
(also in a class); and ``\\p{^Greek}``. Each is reported at its exact place, all of them
at once. Look-alikes are not flagged: ``\\\\Z`` (an escaped backslash, then ``Z``),
``[Z]``, ``a{0,3}``, ``\\z``, ``(?P<name>…)``. Lookarounds are GK101's.
Inside a definition that ``start`` never reaches, in a grammar llguidance compiles, the
finding is a warning that says so: llguidance ignores unreachable definitions (GK229).

**Why.** llguidance compiles regexes with the Rust ``regex`` crate, which has none of
these, so it rejects the whole grammar ("regex parse error: unrecognized escape
sequence", "backreferences are not supported", "unrecognized flag", "repetition
quantifier expects a valid decimal") and the API refuses the tool. llguidance stops at
the first one; this rule names every one, with its Rust spelling.

**Example.**

    LINE: /[^\\n]{,80}\\Z/
    QUOTED: /(["'])[a-z]*\\1/

**Fix.** ``\\Z`` → ``\\z`` (or drop it: a terminal is always matched whole); ``{,80}`` →
``{0,80}``; ``\\N{EM DASH}`` → ``\\u2014``; ``\\141`` → ``\\x61``; ``\\p{^Greek}`` →
``\\P{Greek}``; ``(?#…)`` → remove it; ``(?>…)`` → ``(?:…)``. Rust has no
backreferences or conditionals: spell the cases out, e.g. ``"[a-z]*"|'[a-z]*'``.

**Fix (automatic, safe).** ``--fix`` writes the Rust spelling of what has one with the
same meaning: ``\\Z`` → ``\\z`` (both match only at the very end of the text; Python's
``\\Z`` is not Perl's, which also matches before a final newline), ``{,n}`` → ``{0,n}``,
``\\N{EM DASH}`` → ``\\u2014``, octal ``\\141`` → ``\\x61`` (also in a class),
``\\p{^Greek}`` → ``\\P{Greek}``, and removes a comment group ``(?#…)`` (not when a
quantifier follows it). Safe: the regex means what it meant in Python, and llguidance,
which rejected the grammar, reads it that way (the fix is kept only if llguidance
compiles the result, or rejects it for another reason only).

**Fix (automatic, unsafe).** ``(?>…)`` → ``(?:…)`` with ``--unsafe-fixes``: Rust has no
atomic groups, and a non-capturing group may accept more than Python's atomic group did
(``(?>a*)a`` matches nothing in Python, ``(?:a*)a`` matches ``a``). Backreferences and
conditionals have no Rust equivalent and get no fix.
"""

from __future__ import annotations

from collections.abc import Iterator

from grammarkit.core.diagnostics import Edit, Finding, Fix, Safety, Severity

CODE = "GK210"
NAME = "python-only-regex"
SEVERITY = Severity.ERROR
SYNTAXES = ("lark", "regex")


def check(ctx) -> Iterator[Finding]:
    return ctx.each_regex(_site)


def _site(site) -> Iterator[Finding]:
    from grammarkit.regex_syntax import iter_nodes

    if site.ast is None:
        return
    for node in iter_nodes(site.ast):
        if not node.unsupported:
            continue
        found = _describe(site.pattern, node)
        if found is not None:
            start, end, message, hint = found
            yield Finding(site.span(start, end), message, hint, fix=_fix(site, node))


def _fix(site, node) -> Fix | None:
    """The Rust spelling of ``node`` when there is one (see the docstring)."""
    from grammarkit.regex_syntax import Anchor, Group, Literal, NamedChar, Repeat, UnicodeClass

    pattern, at = site.pattern, site.offset
    written = pattern[node.start : node.end]

    def replace(start: int, end: int, replacement: str, title: str, safety: Safety = "safe") -> Fix:
        return Fix(title, (Edit(at + start, at + end, replacement),), safety=safety)

    if isinstance(node, Anchor) and node.kind == "python_Z":
        return replace(node.start, node.end, "\\z", "write `\\Z` as Rust's `\\z`")
    if isinstance(node, Repeat) and node.form == "{,n}":
        quant = pattern[node.op_start : node.op_end]
        return replace(node.op_start + 1, node.op_start + 1, "0", f"write `{quant}` as `{{0{quant[1:]}`")
    if (isinstance(node, NamedChar) and node.char is not None) or (isinstance(node, Literal) and node.form == "octal"):
        assert node.char is not None
        fixed = _escape(ord(node.char))
        return replace(node.start, node.end, fixed, f"write `{written}` as `{fixed}`")
    if isinstance(node, UnicodeClass) and node.caret:
        fixed = f"\\{'P' if node.negated else 'p'}{{{node.name}}}"
        return replace(node.start, node.end, fixed, f"write `{written}` as `{fixed}`")
    if isinstance(node, Group) and node.kind == "comment":
        if pattern[node.end : node.end + 1] in ("*", "+", "?", "{"):
            return None  # a quantifier follows: what it would apply to changes
        return replace(node.start, node.end, "", "remove the comment group")
    if isinstance(node, Group) and node.kind == "atomic":
        return replace(
            node.start, node.open_end, "(?:", "write the atomic group as a non-capturing group `(?:`", "unsafe"
        )
    return None


def _escape(code: int) -> str:
    """A Rust (and Python) hex escape for the code point: ``\\x61``, ``\\u2014``, ``\\U0001F600``."""
    if code <= 0xFF:
        return f"\\x{code:02X}"
    if code <= 0xFFFF:
        return f"\\u{code:04X}"
    return f"\\U{code:08X}"


def _describe(pattern: str, node) -> tuple[int, int, str, str] | None:
    """(start, end, message, hint) for an unsupported node; None for GK101's lookarounds."""
    from grammarkit.regex_syntax import Anchor, Backref, Group, Literal, NamedChar, Repeat, UnicodeClass

    written = pattern[node.start : node.end]
    if isinstance(node, Anchor):  # python_Z
        return (
            node.start,
            node.end,
            "`\\Z` is Python's end-of-text anchor; Rust does not know it",
            "write `\\z`, or drop it: llguidance matches a terminal as a whole anyway",
        )
    if isinstance(node, Backref):
        return (
            node.start,
            node.end,
            f"backreference `{written}` is not supported (Rust regex has no backreferences)",
            "spell the cases out as alternatives (e.g. `\"[^\"]*\"|'[^']*'` instead of "
            "`([\"'])[^\"']*\\1`), or match the repeated part in the grammar",
        )
    if isinstance(node, Repeat):  # {,n}
        quant = pattern[node.op_start : node.op_end]
        fixed = "{0," + quant[2:] if quant.startswith("{,") else "{0,n}"
        return (
            node.op_start,
            node.op_end,
            f"`{quant}` is Python syntax; Rust needs the lower bound",
            f"write `{fixed}`",
        )
    if isinstance(node, Group):
        if node.kind == "comment":
            return (
                node.start,
                node.end,
                f"comment group `{written}` is not supported by Rust regex",
                "remove it (in verbose mode `(?x)` a comment runs from `#` to the end of the line)",
            )
        if node.kind == "atomic":
            return (
                node.start,
                node.open_end,
                "atomic group `(?>` is not supported by Rust regex",
                "write a non-capturing group `(?:` (Rust never backtracks, so check the "
                "group cannot give characters back: `(?>a*)a` matches nothing in Python)",
            )
        if node.kind == "conditional":
            return (
                node.start,
                node.open_end,
                f"conditional group `{pattern[node.start : node.open_end]}` is not supported "
                "by Rust regex",
                "spell the cases out as alternatives, e.g. `<[a-z]+>|[a-z]+` instead of "
                "`(<)?[a-z]+(?(1)>)`",
            )
        return None  # lookarounds: GK101
    if isinstance(node, NamedChar):
        if node.char is not None:
            code = ord(node.char)
            fixed = f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}"
            hint = f"write `{fixed}`"
        else:
            hint = "write the character's code point, e.g. `\\u2014` (this name is unknown to Python too)"
        return (node.start, node.end, f"named character `{written}` is Python syntax; Rust does not know it", hint)
    if isinstance(node, Literal):  # octal
        code = ord(node.char)
        fixed = f"\\x{code:02X}" if code <= 0xFF else f"\\u{code:04X}"
        return (
            node.start,
            node.end,
            f"octal escape `{written}` is Python syntax; Rust does not know it",
            f"write `{fixed}`",
        )
    if isinstance(node, UnicodeClass):  # \p{^Name}
        letter = "P" if node.negated else "p"
        return (
            node.start,
            node.end,
            f"`{written}`: Rust has no `^` negation inside `\\p{{…}}`",
            f"write `\\{letter}{{{node.name}}}`",
        )
    return None
