"""GK214 negated-word-class: a negated class that spells a word, such as ``[^end]``.

**What it flags.** A negated bracket class ``[^…]`` in a ``/…/`` regex or a regex grammar
whose items look like a word rather than a set of characters. The heuristic, all of
which must hold:

- the items are three or more plain ASCII letters, nothing else (no ranges, escapes,
  digits, punctuation or set operations);
- at least one vowel (``a e i o u``) and one consonant;
- the letters are not in strictly ascending alphabetical order, ignoring case (a sorted
  list such as ``[^xyz]``, ``[^aeiou]`` or ``[^bfnrtu]`` is a deliberate set; a repeated
  letter, as in ``[^all]``, is not sorted);
- not every letter comes with its other case (``[^YyNn]`` is a set of answers).

So ``[^Paris]``, ``[^end]``, ``[^the]`` and ``[^stop]`` are flagged; ``[^"\\\\]``,
``[^\\n]``, ``[^a-z]``, ``[^,;]``, ``[^xyz]``, ``[^aeiou]`` and ``[^act]`` (sorted) are not.

**Why.** A class matches one character. ``[^Paris]{1,40}``, meant as "any city but
Paris", rejects every ``P``, ``a``, ``r``, ``i`` and ``s``, so it rejects ``Berlin``;
``[^end]+`` rejects ``hello``. The grammar then refuses ordinary text the model must be
able to write, and still does not keep the word out in the way intended.

**Example.**

    CITY: /[^Paris]{1,40}/
    BODY: /[^end]+/

**Fix.** Exclude the word, not its letters, with llguidance's terminal operators:
``BODY: /[a-z ]{1,200}/ & ~/.*end.*/``; or make the word the delimiter in the grammar
(``start: "begin " BODY " end"`` with a ``BODY`` that cannot contain it). If you do
mean those letters, sort them (``[^den]``) and this rule stays silent.
"""

from __future__ import annotations

from collections.abc import Iterator

from grammarkit.core.diagnostics import Finding, Severity

CODE = "GK214"
NAME = "negated-word-class"
SEVERITY = Severity.WARNING
SYNTAXES = ("lark", "regex")

_VOWELS = frozenset("aeiou")


def check(ctx) -> Iterator[Finding]:
    return ctx.each_regex(_site)


def _site(site) -> Iterator[Finding]:
    from grammarkit.regex_syntax import Class, iter_nodes

    if site.ast is None:
        return
    for node in iter_nodes(site.ast):
        if isinstance(node, Class) and node.negated:
            word = spelled_word(node)
            if word is not None:
                written = site.pattern[node.start : node.end]
                shown = [f"`{c}`" for c in dict.fromkeys(word)]
                letters = ", ".join(shown[:-1]) + " and " + shown[-1]
                yield Finding(
                    site.span(node.start, node.end),
                    f"`{written}` excludes the single letters {letters}, not the word `{word}`",
                    f"to keep `{word}` out, exclude the word with llguidance's terminal "
                    f"operators (e.g. `/[a-z ]{{1,200}}/ & ~/.*{word}.*/`) or make it the "
                    "delimiter in the grammar; if you mean the letters, sort them "
                    f"(`[^{''.join(sorted(set(word), key=str.lower))}]`)",
                )


def spelled_word(cls) -> str | None:
    """The word a negated class's items spell, when they look like one (see the docstring)."""
    from grammarkit.regex_syntax import Literal

    letters = []
    for item in cls.items:
        if not (isinstance(item, Literal) and item.form == "verbatim"):
            return None
        c = item.char
        if not (c.isascii() and c.isalpha()):
            return None
        letters.append(c)
    if len(letters) < 3:
        return None
    lower = [c.lower() for c in letters]
    if not any(c in _VOWELS for c in lower) or all(c in _VOWELS for c in lower):
        return None
    if all(a < b for a, b in zip(lower, lower[1:], strict=False)):
        return None
    present = set(letters)
    if all(c.swapcase() in present for c in letters):
        return None
    return "".join(letters)
