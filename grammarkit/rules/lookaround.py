"""GK101 lookaround: a lookahead or lookbehind in a regex.

**What it flags.** ``(?=…)``, ``(?!…)``, ``(?<=…)`` and ``(?<!…)`` in a ``/…/`` regex of
a Lark grammar or in a regex grammar, and the word-boundary assertions ``\\b``, ``\\B``,
``\\<``, ``\\>`` and ``\\b{start}``-style forms, which llguidance also treats as
lookarounds. Look-alikes are not flagged: ``[(?=]`` is a character class, ``\\(?=`` an
escaped parenthesis, ``(?<name>…)`` a named group.
Inside a definition that ``start`` never reaches, in a grammar llguidance compiles, the
finding is a warning that says so: llguidance ignores unreachable definitions (GK229).

**Why.** llguidance compiles regexes with the Rust ``regex`` crate, which has no
lookahead or lookbehind, and its matcher rejects the assertions it can express
("lookarounds not supported yet"): the API rejects the grammar. OpenAI lists
lookarounds as unsupported.

**Example.**

    PRICE: /(?<=\\$)[0-9]+/

The hint fits the assertion: a lookbehind's context becomes part of the grammar (or, in
a regex grammar, of the pattern), a lookahead's is matched by what follows, a negative
lookahead of one character is excluded from the class it guards, and a word boundary is
replaced by a delimiter.

**Fix.** Match the context instead of looking at it, and move it into the grammar:
``price: "$" AMOUNT`` with ``AMOUNT: /[0-9]{1,9}/``. To exclude a word, list what may
follow, or use llguidance's ``&``/``~`` operators on terminals.
**Fix (automatic, safe).** A negative lookahead of one character right before a repeated
class or ``.`` becomes the class without that character for the first repetition:
``/(?!-)[^\\s;]+/`` → ``/[^\\s;-][^\\s;]*/`` (the same strings the lookahead meant).
"""

from __future__ import annotations

from collections.abc import Iterator

from grammarkit.core.diagnostics import Edit, Finding, Fix, Severity

CODE = "GK101"
NAME = "lookaround"
SEVERITY = Severity.ERROR
SYNTAXES = ("lark", "regex")
ENGINE_CATEGORIES = ("lookaround",)  # the llguidance errors this rule's findings explain (GK109)

_KINDS = {
    "lookahead": ("(?=", "lookahead"),
    "neg_lookahead": ("(?!", "negative lookahead"),
    "lookbehind": ("(?<=", "lookbehind"),
    "neg_lookbehind": ("(?<!", "negative lookbehind"),
}


_BOUNDARIES = {
    "word_boundary",
    "not_word_boundary",
    "word_start",
    "word_end",
    "word_start_half",
    "word_end_half",
}


def check(ctx) -> Iterator[Finding]:
    regex_grammar = ctx.syntax == "regex"
    return ctx.each_regex(lambda site: _site(site, regex_grammar))


def _site(site, regex_grammar: bool) -> Iterator[Finding]:
    from grammarkit.regex_syntax import Anchor, Group, iter_nodes

    if site.ast is None:
        return
    for node in iter_nodes(site.ast):
        if isinstance(node, Group) and node.kind in _KINDS:
            opener, label = _KINDS[node.kind]
            fix = _exclusion_fix(site, node) if node.kind == "neg_lookahead" else None
            hint = _hint(node.kind, regex_grammar)
            if fix is not None:
                hint = f"exclude it from the class instead: {fix.title}"
            yield Finding(
                site.span(node.start, node.start + len(opener)),
                f"{label} `{opener}` is not supported (Rust regex has no lookarounds)",
                hint,
                fix=fix,
            )
        elif isinstance(node, Anchor) and node.kind in _BOUNDARIES:
            written = site.pattern[node.start : node.end]
            if regex_grammar:
                hint = (
                    "remove it: the pattern is the whole input, whose start and end already delimit "
                    "the word; inside the pattern, require a space or punctuation next to the word"
                )
            else:
                hint = (
                    "remove it and delimit the word in the grammar (e.g. require a space or "
                    "punctuation literal next to it)"
                )
            yield Finding(
                site.span(node.start, node.end),
                f"word-boundary assertion `{written}` is a lookaround to llguidance and is not supported",
                hint,
            )


def _hint(kind: str, regex_grammar: bool) -> str:
    """What to do instead, for each kind of lookaround, in a Lark or a regex grammar."""
    if kind == "lookbehind":
        if regex_grammar:
            return (
                "match the context as part of the pattern instead of looking at it: `\\$[0-9]+` "
                "rather than `(?<=\\$)[0-9]+` (the context is then part of the input)"
            )
        return (
            "match the context as part of the grammar instead of looking at it, "
            'e.g. a rule `"$" AMOUNT` rather than /(?<=\\$)[0-9]+/'
        )
    if kind == "neg_lookbehind":
        if regex_grammar:
            return "drop it (nothing comes before the input), or spell what may come before inside the pattern"
        return "drop it: what may come before this terminal is decided by the rules that use it"
    if kind == "lookahead":
        if regex_grammar:
            return (
                "match what follows instead of looking at it: `[0-9]+ USD` rather than "
                "`[0-9]+(?= USD)` (it is then part of the input)"
            )
        return (
            "drop it and let the rule require what follows (the next item of the rule matches it), "
            'e.g. `AMOUNT " USD"` rather than /[0-9]+(?= USD)/'
        )
    return (
        "exclude the character from the class instead: `[^\\s;-][^\\s;]*` rather than `(?!-)[^\\s;]+`"
        + ("" if regex_grammar else "; to exclude a word, use llguidance's `&`/`~` operators on terminals")
    )


def _exclusion_fix(site, node) -> Fix | None:
    """``(?!c)[class]+`` → ``[class--c][class]*`` (and ``{m,n}``, ``*``): the first
    character is the class without ``c``, the same strings as the lookahead allows. Only
    for one excluded character right before a repeated class or ``.``."""
    from grammarkit.regex_syntax import Class, Dot, Literal, Repeat

    parent = _parent_sequence(site.ast, node)
    if parent is None:
        return None
    items = parent.items
    i = next(k for k, item in enumerate(items) if item is node)
    if i + 1 >= len(items):
        return None
    target = items[i + 1]
    excluded = node.child
    if not isinstance(excluded, Literal) or not isinstance(target, Repeat) or not target.greedy:
        return None
    child = target.child
    pattern = site.pattern
    char = pattern[excluded.start : excluded.end]
    if isinstance(child, Class) and child.negated and child.items:
        inner = pattern[child.items[0].start : child.end - 1]
        first = f"[^{inner}{_in_class(char)}]"
    elif isinstance(child, Class) and not child.negated:
        first = f"[{pattern[child.start + 1 : child.end - 1]}--{_in_class(char)}]"
    elif isinstance(child, Dot):
        first = f"[^\\n{_in_class(char)}]"
    else:
        return None
    whole = pattern[child.start : child.end]
    lo, hi = target.min, target.max
    if lo == 0:
        rest = f"(?:{first}{whole}{_count(0, None if hi is None else hi - 1)})?"
    else:
        rest = f"{first}{whole}{_count(lo - 1, None if hi is None else hi - 1)}"
    new = pattern[: node.start] + rest + pattern[target.end :]
    start = site.offset
    return Fix(f"`{new}` instead of `{pattern}`", (Edit(start, start + len(pattern), new),))


def _count(lo: int, hi: int | None) -> str:
    if hi is None:
        return "*" if lo == 0 else ("+" if lo == 1 else f"{{{lo},}}")
    if lo == hi:
        return "" if lo == 1 else f"{{{lo}}}"
    return "?" if (lo, hi) == (0, 1) else f"{{{lo},{hi}}}"


def _in_class(char: str) -> str:
    """A literal (as written in the pattern) to put inside a bracket class."""
    if char in ("-", "]", "[", "^", "&", "~"):
        return "\\" + char
    return char


def _parent_sequence(ast, node):
    from grammarkit.regex_syntax import Concat, iter_nodes

    for n in iter_nodes(ast):
        if isinstance(n, Concat) and any(item is node for item in n.items):
            return n
    return None
