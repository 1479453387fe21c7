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

**Fix.** Match the context instead of looking at it, and move it into the grammar:
``price: "$" AMOUNT`` with ``AMOUNT: /[0-9]{1,9}/``. To exclude a word, list what may
follow, or use llguidance's ``&``/``~`` operators on terminals.
"""

from __future__ import annotations

from collections.abc import Iterator

from grammarkit.core.diagnostics import Finding, Severity

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
    from grammarkit.regex_syntax import Anchor, Group

    for site, node in ctx.regex_nodes():
        if isinstance(node, Group) and node.kind in _KINDS:
            opener, label = _KINDS[node.kind]
            yield Finding(
                site.span(node.start, node.start + len(opener)),
                f"{label} `{opener}` is not supported (Rust regex has no lookarounds)",
                "match the context as part of the grammar instead of looking at it, "
                "e.g. a rule `\"$\" AMOUNT` rather than /(?<=\\$)[0-9]+/",
            )
        elif isinstance(node, Anchor) and node.kind in _BOUNDARIES:
            written = site.pattern[node.start : node.end]
            yield Finding(
                site.span(node.start, node.end),
                f"word-boundary assertion `{written}` is a lookaround to llguidance and is not supported",
                "remove it and delimit the word in the grammar (e.g. require a space or "
                "punctuation literal next to it)",
            )
