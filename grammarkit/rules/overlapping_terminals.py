"""GK222 overlapping-terminals: two terminals allowed at the same point match the same text.

**What it flags.** Two cases, each with a string both sides match:

* two terminals that the parser can expect at the same point and that share a string,
  when neither is a keyword (a fixed string or a terminal made only of fixed strings):
  ``value: NAME | NUMBER`` with ``NAME: /[a-z0-9]{1,32}/`` and ``NUMBER: /[0-9]{1,9}/``
  (both match ``"0"``);
* a terminal used in the rules that shares a string with the ``%ignore`` pattern, when
  the terminal is a keyword or a token (not free text): ``%ignore WS`` with
  ``NL: /\\n/`` used in a rule (both match ``"\\n"``).

Terminals that never meet (a keyword in one rule, an identifier in another) are not
flagged, and neither is the usual keyword-versus-identifier pair (``"select"`` where
``IDENT`` is also allowed). Where terminals can meet is computed from the rules with a
canonical LR(1) automaton, which gives exactly the terminals an Earley parser can expect
after each prefix of the input (lazy terminals, ``[lazy]``/``stop=``/``suffix=``, are left
out). Whether two terminals share a string, and the shortest one, comes from a product
of Brzozowski derivatives of the two terminals built on grammarkit's own Rust-regex
parser; ``interegular`` (Lark's ``strict`` mode) is not used because it reads Python
``re`` syntax, whose classes, ``\\d``/``\\w`` and escapes differ from Rust's, and it is not a
dependency. Terminals using llguidance's ``&``/``~`` or script classes such as
``\\p{Greek}`` are skipped.

**Why.** llguidance's lexer only considers the terminals the Earley parser allows at the
current point, reads the longest match among them, and then hands *every* allowed
terminal that matches that exact text to the parser (there are no priorities, and no
preference by grammar order). So:

* a keyword that is also a valid identifier is scanned as both, and the parse continues
  with whichever fits (the normal Lark idiom works);
* two open-ended tokens that share strings make the parse ambiguous: the model's
  ``0`` is a ``NAME`` and a ``NUMBER`` at once, and which tree your own parser builds
  from the output is up to it;
* when one of the matching terminals is the ``%ignore`` pattern, llguidance treats the
  text as ignored, so the other terminal can never match it: with ``%ignore WS`` a
  newline terminal is never produced, and the grammar silently loses every input
  that needs it.

Lark's ``strict`` mode reports terminal collisions for the same reason.

**Example.**

    %import common.WS
    %ignore WS
    start: line+
    line: WORD NL
    WORD: /[a-z]{1,20}/
    NL: /\\n/

**Fix.** Make the terminals disjoint where they meet (``NAME: /[a-z][a-z0-9]{0,31}/``
cannot start with a digit), merge them into one terminal and tell the cases apart after
parsing, or drop the characters the rules need from ``%ignore``
(``%ignore /[ \\t]{1,4}/`` when newlines matter).
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations

from grammarkit import analysis as p
from grammarkit.core.diagnostics import Finding, Severity
from grammarkit.reader import model as m

CODE = "GK222"
NAME = "overlapping-terminals"
SEVERITY = Severity.WARNING
SYNTAXES = ("lark",)


def check(ctx) -> Iterator[Finding]:
    a = ctx.analysis
    for scope in a.scopes:
        flow = a.flow(scope)
        contexts = flow.contexts()
        if not contexts:
            continue
        lex = a.lexemes(scope)
        first = _first_occurrences(flow)
        lazy = {
            sym
            for prod in flow.prods
            if prod.origin in flow.lazy_rules
            for sym in prod.rhs
            if not flow.is_nt(sym)
        }

        pairs: dict[frozenset, str] = {}
        allowed_anywhere: set = set()
        for allowed, origin in contexts:
            keys = sorted((k for k in allowed if _usable(k, lazy, lex)), key=repr)
            allowed_anywhere.update(keys)
            open_keys = [k for k in keys if not lex.is_keyword(k)]
            for x, y in combinations(open_keys, 2):
                pairs.setdefault(frozenset((x, y)), origin)
        findings: list[tuple[int, Finding]] = []
        for pair, origin in pairs.items():
            x, y = sorted(pair, key=lambda k: _where(scope, k, first).start)
            tx, ty = lex.term(x), lex.term(y)
            assert tx is not None and ty is not None  # _usable keys have a language
            sample = a.lang.common_string(tx, ty)
            if sample is None:
                continue
            span = _where(scope, y, first)
            dx, dy = lex.describe(x), lex.describe(y)
            note = f"{p.show(sample)} is read as {dx} and as {dy}"
            witness = _witness(ctx, a, scope, (y, x), sample, origin, accepted=True, note=note)
            if witness is None:
                continue  # llguidance does not accept such an input where both meet: not shown
            findings.append(
                (
                    span.start,
                    Finding(
                        span,
                        f"{dx} and {dy} both match {p.show(_clip(sample))} where both can come "
                        f"next (in rule {origin}): llguidance scans both, so the parse is "
                        "ambiguous",
                        f"make {dx} and {dy} disjoint where they meet, so that no string like "
                        f"{p.show(_clip(sample))} matches both (e.g. a name that must start with "
                        "a letter cannot be a number), or merge them into one "
                        "terminal and tell the cases apart after parsing",
                        witness=witness,
                    ),
                )
            )
        findings.extend(_ignore_ties(ctx, a, scope, lex, first, allowed_anywhere))
        for _, finding in sorted(findings, key=lambda f: f[0]):
            yield finding


def _usable(k, lazy: set, lex) -> bool:
    return k != p.EOS and k[0] != "O" and k not in lazy and lex.term(k) is not None


def _ignore_ties(ctx, a, scope, lex, first, allowed) -> Iterator[tuple[int, Finding]]:
    ignores = scope.ignores
    if not ignores:
        return
    try:
        ignored = a.lang.alt([lex.node_term(ig.body) for ig in ignores])
    except p.Unanalysable:
        return
    shown = " | ".join(p.item_text(ctx, ig.body) for ig in ignores)
    for key in sorted(allowed, key=lambda k: _where(scope, k, first).start):
        if lex.is_free_text(key):
            continue
        term = lex.term(key)
        sample = a.lang.common_string(term, ignored)
        if sample is None:
            continue
        span = _where(scope, key, first)
        name = lex.describe(key)
        witness = _witness(
            ctx, a, scope, (key,), sample, None, accepted=False, note=f"{p.show(sample)} is ignored, not read as {name}"
        )
        if witness is None:
            continue  # llguidance does not reject an input with it there: not shown
        yield (
            span.start,
            Finding(
                span,
                f"{name} and the %ignore pattern {shown} both match {p.show(_clip(sample))}: "
                f"llguidance treats such text as ignored, so {name} can never match it",
                f"keep {p.show(_clip(sample))} out of the ignored pattern, or drop %ignore and "
                f"thread whitespace through the rules explicitly (with terminals like {name})",
                witness=witness,
            ),
        )


MAX_TRIES = 6
"""Places tried at most to build a witness input for one finding."""


def _witness(ctx, a, scope, keys: tuple, sample: str, origin: str | None, *, accepted: bool, note: str):
    """An input with ``sample`` where one of ``keys`` is used (in rule ``origin`` first),
    that llguidance accepts (or rejects) as claimed; None when none is confirmed."""
    flow = a.flow(scope)
    sentences = a.sentences(scope)
    places = [
        (prod.origin != origin, keys.index(sym), i, pos)
        for i, prod in enumerate(flow.prods)
        for pos, sym in enumerate(prod.rhs)
        if sym in keys
    ]
    for _, _, i, pos in sorted(places)[:MAX_TRIES]:
        sentence = sentences.through(i, pos)
        rendered = sentences.render(sentence, {sentence.slot: sample}) if sentence is not None else None
        if rendered is None:
            continue
        witness = ctx.witnesses.confirm(
            rendered.text, accepted=accepted, scope=scope, prefix=rendered.before(sentence.slot), note=note
        )
        if witness is not None:
            return witness
    return None


def _first_occurrences(flow: p.Flow) -> dict:
    first: dict = {}
    for prod in flow.prods:
        for sym, node in zip(prod.rhs, prod.nodes, strict=False):
            if node is None or flow.is_nt(sym):
                continue
            if sym not in first or node.span.start < first[sym].span.start:
                first[sym] = node
    return first


def _where(scope: p.Scope, key, first):
    if key[0] == "T":
        d = scope.definitions.get(key[1])
        if d is not None:
            return d.name_span
        imp = scope.imports.get(key[1])
        if imp is not None:
            return imp[1].span
    node: m.Node = first[key]
    return node.span


def _clip(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
