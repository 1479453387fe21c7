"""GK213 unicode-class: ``\\d``, ``\\w`` or ``\\s`` in a regex, which are Unicode-aware in Rust.

**What it flags.** The Perl classes ``\\d``, ``\\w``, ``\\s`` and their negations ``\\D``,
``\\W``, ``\\S`` in a ``/…/`` regex of a Lark grammar or in a regex grammar, alone or
inside a bracket class (``[\\d.]``). Not flagged: a class in the scope of the ASCII flag
(``(?-u:\\d)``, or after ``(?-u)`` up to the end of its group), and ``\\d`` written in a
string literal (``"\\d"`` is not a regex). ``\\b`` is GK101's (llguidance rejects it).

**Why.** llguidance compiles regexes with the Rust ``regex`` crate, whose Perl classes
follow Unicode: ``\\d`` is every decimal digit (``٣``, U+0663 ARABIC-INDIC DIGIT THREE,
and ``３``, a fullwidth digit), ``\\w`` every letter, mark, digit and connector
(``é``, ``ж``, ``中``), ``\\s`` every white space character (no-break space U+00A0,
U+2028). The model may emit any of them, and a field written as ``\\d+`` then reaches
your code with digits ``int()`` in another language cannot read. The negations are
Unicode-aware too: ``\\W`` also rejects ``é``.

**Example.**

    AMOUNT: /\\d{1,9}/
    start: "pay " AMOUNT

(the model may send ``pay ٣٠``)

**Fix.** Spell the ASCII class: ``[0-9]`` for ``\\d``, ``[0-9A-Za-z_]`` for ``\\w``,
``[\\t\\n\\v\\f\\r ]`` for ``\\s`` (``[^0-9]``, ``[^0-9A-Za-z_]``, ``[^\\t\\n\\v\\f\\r ]`` for
the negations); inside a class write the items, ``[0-9.]`` for ``[\\d.]``. If Unicode is
intended, keep it and ignore this rule. Rust's ``(?-u:\\d)`` is ASCII too, but Python's
``regex`` module (used for local checks) ignores ``-u`` (GK212), and llguidance rejects
``(?-u:\\D)``, ``(?-u:\\W)`` and ``(?-u:\\S)``, which can match invalid UTF-8.

**Fix (automatic, unsafe).** ``--fix --unsafe-fixes`` writes the ASCII class:
``\\d`` becomes ``[0-9]`` and ``\\D`` ``[^0-9]``; inside a class the items are written in
place (``[\\d.]`` becomes ``[0-9.]``), and a negation inside a class becomes a nested class
(``[a\\D]`` becomes ``[a[^0-9]]``; ``[\\D]`` alone becomes ``[^0-9]``). In verbose mode the
space of ``\\s`` is written ``\\ ``. Unsafe: the Unicode digits, letters and spaces are no
longer accepted (with the ``i`` flag, case folding still adds the Kelvin sign and the long
s to ``[0-9A-Za-z_]``). Not offered when a ``-`` follows the class inside brackets
(``[\\d-x]``), where the items would make a range.
"""

from __future__ import annotations

from collections.abc import Iterator

from grammarkit.core.diagnostics import Edit, Finding, Fix, Severity

CODE = "GK213"
NAME = "unicode-class"
SEVERITY = Severity.WARNING
SYNTAXES = ("lark", "regex")

# letter -> (what the Unicode class matches, an example, the ASCII items)
_CLASSES = {
    "d": ("every Unicode decimal digit", "`٣` (U+0663)", "0-9"),
    "w": ("every Unicode letter, digit and connector", "`é` or `ж`", "0-9A-Za-z_"),
    "s": ("every Unicode white space character", "U+00A0 NO-BREAK SPACE", "\\t\\n\\v\\f\\r "),
}


def check(ctx) -> Iterator[Finding]:
    from grammarkit.regex_syntax import Class, ClassUnion, PerlClass, iter_with_flags

    for site in ctx.regex_sites:
        ast = site.ast
        if ast is None:
            continue
        # Perl classes inside a bracket class get a hint in terms of class items.
        in_class: set[int] = set()
        parents: dict[int, Class | ClassUnion] = {}
        for node, flags in iter_with_flags(ast, site.flags):
            if isinstance(node, (Class, ClassUnion)):
                in_class.update(id(item) for item in node.items)
                parents.update((id(item), node) for item in node.items)
            if not isinstance(node, PerlClass) or not flags.get("u", True):
                continue
            written = site.pattern[node.start : node.end]
            what, example, items = _CLASSES[node.letter]
            if node.negated:
                message = (
                    f"`{written}` is Unicode-aware in Rust: it excludes {what}, e.g. {example}, "
                    f"not only [{items}]"
                )
                ascii_form = f"[^{items}]"
            else:
                message = (
                    f"`{written}` is Unicode-aware in Rust: it matches {what}, e.g. {example}, "
                    f"not only [{items}]"
                )
                ascii_form = f"[{items}]"
            if id(node) in in_class and not node.negated:
                hint = f"for ASCII only, write `{items}` in the class instead of `{written}`"
            elif id(node) in in_class:
                hint = f"for ASCII only, replace `{written}` with the nested class `{ascii_form}`"
            else:
                hint = f"for ASCII only, write `{ascii_form}` instead of `{written}`"
            fix = _ascii_fix(site, node, parents.get(id(node)), bool(flags.get("x")))
            yield Finding(site.span(node.start, node.end), message, hint, fix=fix)


def _ascii_fix(site, node, parent, verbose: bool) -> Fix | None:
    """Write the Perl class ``node`` as its ASCII class (see the docstring)."""
    from grammarkit.regex_syntax import Class

    pattern = site.pattern
    written = pattern[node.start : node.end]
    items = _CLASSES[node.letter][2]
    if verbose:
        items = items.replace(" ", "\\ ")  # verbose mode skips a bare space, in classes too
    start, end = node.start, node.end
    if parent is None:
        replacement = f"[^{items}]" if node.negated else f"[{items}]"
    else:
        if pattern[end : end + 1] == "-" and pattern[end + 1 : end + 2] != "]":
            return None  # `[\\d-x]`: the items would start a range
        if not node.negated:
            replacement = items
        elif isinstance(parent, Class) and len(parent.items) == 1:
            # `[\\D]` is `[^0-9]`, `[^\\D]` is `[0-9]`
            start, end = parent.start, parent.end
            replacement = f"[{items}]" if parent.negated else f"[^{items}]"
        else:
            replacement = f"[^{items}]"  # a nested class
    return Fix(
        f"write `{written}` as the ASCII `{replacement}`",
        (Edit(site.offset + start, site.offset + end, replacement),),
        safety="unsafe",  # Unicode digits, letters and spaces are no longer accepted
    )


