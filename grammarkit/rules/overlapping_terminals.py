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
``IDENT`` is also allowed).

**Identical terminals are one finding.** Terminals with exactly the same language (the
same pattern written several times, ``A: /[a-z]{1,5}/`` and ``B: /[a-z]{1,5}/``) that can
come next at the same point are reported once per group, not once per pair: a single
warning at the group's second member (in the order of the text), naming the first one
(``A and B both match "a" …``), or, for three or more, the first few and how many more
(``T0, T1, T2 and 9,997 more match exactly the same strings, such as "a", …``). A
terminal of another language that overlaps the group is compared with the group's first
member allowed at that point only. At most 100 findings are reported per grammar (and
per nested grammar), in the order of the text; when grammarkit stops there, the last
one says so. Where terminals can meet is computed from the rules with a
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
from dataclasses import dataclass

from grammarkit import analysis as p
from grammarkit.core.diagnostics import Finding, Severity
from grammarkit.core.span import Span
from grammarkit.reader import model as m

CODE = "GK222"
NAME = "overlapping-terminals"
SEVERITY = Severity.WARNING
SYNTAXES = ("lark",)

MAX_FINDINGS = 100
"""Findings reported at most per grammar (and per nested grammar), in the order of the
text; the last one says that grammarkit stopped there."""
MAX_TRIES = 6
"""Places tried at most to build a witness input for one finding."""
MAX_JUDGED = MAX_FINDINGS * MAX_TRIES
"""Witness inputs llguidance judges at most for this rule, per grammar."""
MAX_NAMES = 3
"""Names of a group of identical terminals listed in its message at most."""


@dataclass
class _Claim:
    """A finding to confirm with llguidance before it is reported."""

    span: Span
    keys: tuple  # the lexemes whose places a witness input may use, preferred first
    sample: str
    origin: str | None  # the rule whose places are tried first
    accepted: bool  # whether llguidance must accept the witness (or reject it)
    note: str
    message: str
    hint: str


class _Places:
    """Where each lexeme of one scope is, computed once."""

    def __init__(self, a, scope: p.Scope) -> None:
        self.scope = scope
        self.flow = a.flow(scope)
        self.lex = a.lexemes(scope)
        self.first = _first_occurrences(self.flow)
        self._spans: dict = {}
        self._uses: dict | None = None

    def span(self, key) -> Span:
        """Where a lexeme is reported: its definition, or its first use."""
        found = self._spans.get(key)
        if found is None:
            found = self._spans[key] = _where(self.scope, key, self.first)
        return found

    def start(self, key) -> int:
        return self.span(key).start

    def uses(self, key) -> list[tuple[int, int]]:
        """``(production, position)`` of every use of a lexeme in the BNF."""
        if self._uses is None:
            uses: dict = {}
            for i, prod in enumerate(self.flow.prods):
                for pos, sym in enumerate(prod.rhs):
                    if not self.flow.is_nt(sym):
                        uses.setdefault(sym, []).append((i, pos))
            self._uses = uses
        return self._uses.get(key, [])


def check(ctx) -> Iterator[Finding]:
    a = ctx.analysis
    for scope in a.scopes:
        flow = a.flow(scope)
        lex = a.lexemes(scope)
        lazy = a.greedy(scope).lazy
        may_claim, may_group = _candidates(scope, flow, lex, lazy)
        if not may_claim:
            continue  # (the LR contexts below would find nothing to claim)
        if may_group:
            # llguidance will probably judge a claim: its matcher compiles on another
            # thread while the contexts below are worked out
            ctx.witnesses.prepare(scope)
        contexts = flow.contexts()
        if not contexts:
            continue
        at = _Places(a, scope)

        # Open lexemes of the same language (the same term) that can come next at the same
        # point form one group; every other pair that can is compared once, through the
        # first lexeme of each language allowed there.
        parent: dict = {}
        met: dict = {}  # group root -> (index of the context, rule) where members first met
        presents: list[tuple[str, list]] = []  # (rule, the lexemes compared there) per context
        allowed_anywhere: set = set()
        for number, (allowed, origin) in enumerate(contexts):
            keys = sorted((k for k in allowed if _usable(k, lazy, lex)), key=repr)
            allowed_anywhere.update(keys)
            by_term: dict[int, list] = {}
            for k in keys:
                if not lex.is_keyword(k):
                    by_term.setdefault(lex.term(k), []).append(k)
            present = []
            for members in by_term.values():
                if len(members) > 1:
                    root = _find(parent, members[0])
                    for other in members[1:]:
                        root = _union(parent, met, root, _find(parent, other))
                    if root not in met or met[root][0] > number:
                        met[root] = (number, origin)
                present.append(min(members, key=lambda k: (at.start(k), repr(k))))
            if len(present) > 1:
                presents.append((origin, present))

        # The claims in the order of the text; the pairs are found, and their shared
        # strings looked for, only when their turn comes (the findings stop at
        # MAX_FINDINGS).
        claims = [*_groups(a, at, parent, met), *_ignore_ties(ctx, a, at, allowed_anywhere)]
        claims.sort(key=lambda c: c.span.start)
        if claims:
            ctx.witnesses.prepare(scope)
        findings: list[Finding] = []
        judged = 0
        for claim in _merged(a, at, claims, presents):
            if len(findings) == MAX_FINDINGS or judged >= MAX_JUDGED:
                if findings:
                    findings[-1].message += (
                        f" (grammarkit stops after {len(findings)} findings of overlapping "
                        "terminals in a grammar: there may be more)"
                    )
                break
            witness, tried = _witness(ctx, a, at, claim)
            judged += tried
            if witness is None:
                continue  # llguidance does not judge such an input as claimed: not shown
            findings.append(Finding(claim.span, claim.message, claim.hint, witness=witness))
        yield from findings


def _find(parent: dict, key):
    root = key
    while parent.get(root, root) != root:
        root = parent[root]
    while parent.get(key, key) != root:  # path compression
        parent[key], key = root, parent[key]
    parent.setdefault(root, root)
    return root


def _union(parent: dict, met: dict, x, y):
    """Join the groups of roots ``x`` and ``y``; the root of the joined group."""
    if x == y:
        return x
    parent[y] = x
    if y in met and (x not in met or met[y][0] < met[x][0]):
        met[x] = met[y]
    met.pop(y, None)
    return x


def _groups(a, at: _Places, parent: dict, met: dict) -> Iterator[_Claim]:
    """One claim per group of lexemes with the same language that can come next at the
    same point, located at its second member (in the order of the text)."""
    lex = at.lex
    groups: dict = {}
    for key in parent:
        groups.setdefault(_find(parent, key), []).append(key)
    for root, keys in groups.items():
        if len(keys) < 2:
            continue
        members = sorted(keys, key=lambda k: (at.start(k), repr(k)))
        term = lex.term(members[0])
        assert term is not None  # _usable keys have a language
        sample = a.lang.common_string(term, term)
        if sample is None:
            continue
        origin = met[root][1]
        x, y = members[0], members[1]
        shown = p.show(_clip(sample))
        if len(members) == 2:
            dx, dy = lex.describe(x), lex.describe(y)
            note = f"{p.show(sample)} is read as {dx} and as {dy}"
            message, hint = _pair_text(dx, dy, shown, origin)
        else:
            names = [lex.describe(k) for k in members[:MAX_NAMES]]
            more = len(members) - len(names)
            listed = ", ".join(names) + f" and {more:,} more" if more else ", ".join(names[:-1]) + " and " + names[-1]
            note = f"{p.show(sample)} is read as each of {listed}"
            message = (
                f"{listed} match exactly the same strings, such as {shown}, where they can come "
                f"next (in rule {origin}): llguidance scans all {len(members):,} of them, so the "
                "parse is ambiguous"
            )
            hint = (
                "merge them into one terminal and tell the cases apart after parsing, or make "
                f"them disjoint where they meet, so that no string like {shown} matches more than one"
            )
        yield _Claim(at.span(y), (y, x, *members[2:MAX_TRIES]), sample, origin, True, note, message, hint)


def _pairs_in_order(a, at: _Places, presents: list[tuple[str, list]]) -> Iterator[tuple]:
    """``(where, x, y, rule)`` for every pair of lexemes of different languages that can
    come next at the same point (first in rule ``rule``) and can start with a common
    character, ``x`` before ``y`` in the text, in the order of ``y`` then ``x``."""
    lex = at.lex
    masks: dict = {}
    where: dict = {}
    contexts_of: dict = {}  # lexeme -> the contexts where it is compared, in order
    for number, (_origin, present) in enumerate(presents):
        for k in present:
            if k not in masks:
                masks[k] = a.lang.first_mask(lex.term(k))
                where[k] = at.start(k)
            contexts_of.setdefault(k, []).append(number)
    for y in sorted(masks, key=where.__getitem__):
        my, wy = masks[y], where[y]
        partners: dict = {}
        for number in contexts_of[y]:
            origin, present = presents[number]
            for x in present:
                if where[x] < wy and masks[x] & my and x not in partners:
                    partners[x] = origin
        for x in sorted(partners, key=where.__getitem__):
            yield wy, x, y, partners[x]


def _merged(a, at: _Places, claims: list[_Claim], presents: list[tuple[str, list]]) -> Iterator[_Claim]:
    """The claims and the pairs' claims, in the order of the text (a pair's claim is
    made, with its shared string, only when its turn comes)."""
    lex = at.lex
    common: dict[tuple[int, int], str | None] = {}
    i = 0
    for where, x, y, origin in _pairs_in_order(a, at, presents):
        while i < len(claims) and claims[i].span.start <= where:
            yield claims[i]
            i += 1
        tx, ty = lex.term(x), lex.term(y)
        assert tx is not None and ty is not None  # _usable keys have a language
        if (tx, ty) not in common:
            common[(tx, ty)] = a.lang.common_string(tx, ty)
        sample = common[(tx, ty)]
        if sample is None:
            continue
        dx, dy = lex.describe(x), lex.describe(y)
        note = f"{p.show(sample)} is read as {dx} and as {dy}"
        message, hint = _pair_text(dx, dy, p.show(_clip(sample)), origin)
        yield _Claim(at.span(y), (y, x), sample, origin, True, note, message, hint)
    yield from claims[i:]


def _pair_text(dx: str, dy: str, shown: str, origin: str) -> tuple[str, str]:
    return (
        f"{dx} and {dy} both match {shown} where both can come next (in rule {origin}): "
        "llguidance scans both, so the parse is ambiguous",
        f"make {dx} and {dy} disjoint where they meet, so that no string like {shown} matches "
        "both (e.g. a name that must start with a letter cannot be a number), or merge them "
        "into one terminal and tell the cases apart after parsing",
    )


def _candidates(scope: p.Scope, flow: p.Flow, lex, lazy: set) -> tuple[bool, bool]:
    """Whether the scope can have any claim, and whether it can have a group, judged
    from its lexemes alone (before the LR contexts, which can only rule claims out): a
    group needs two lexemes that are not keywords with the same language; a pair, two of
    different languages whose first characters meet; an %ignore tie, an %ignore. (The
    terms and keyword tests are cached: the contexts' loop asks for them again.)"""
    terms: set[int] = set()  # the languages of the distinct lexemes seen so far
    met = 0  # their first characters
    meets = False
    for key in flow.lexemes():
        if not _usable(key, lazy, lex) or lex.is_keyword(key):
            continue
        term = lex.term(key)
        if term in terms:
            return True, True  # (another lexeme has this language)
        terms.add(term)
        mask = lex.lang.first_mask(term)
        meets = meets or bool(met & mask)
        met |= mask
    return meets or bool(scope.ignores), False


def _usable(k, lazy: set, lex) -> bool:
    return k != p.EOS and k[0] != "O" and k not in lazy and lex.term(k) is not None


def _ignore_ties(ctx, a, at: _Places, allowed) -> Iterator[_Claim]:
    scope, lex = at.scope, at.lex
    ignores = scope.ignores
    if not ignores:
        return
    try:
        ignored = a.lang.alt([lex.node_term(ig.body) for ig in ignores])
    except p.Unanalysable:
        return
    shown = " | ".join(p.item_text(ctx, ig.body) for ig in ignores)
    common: dict[int, str | None] = {}
    for key in sorted(allowed, key=at.start):
        if lex.is_free_text(key):
            continue
        term = lex.term(key)
        assert term is not None  # _usable keys have a language
        if term not in common:
            common[term] = a.lang.common_string(term, ignored)
        sample = common[term]
        if sample is None:
            continue
        name = lex.describe(key)
        yield _Claim(
            at.span(key),
            (key,),
            sample,
            None,
            False,
            f"{p.show(sample)} is ignored, not read as {name}",
            f"{name} and the %ignore pattern {shown} both match {p.show(_clip(sample))}: "
            f"llguidance treats such text as ignored, so {name} can never match it",
            f"keep {p.show(_clip(sample))} out of the ignored pattern, or drop %ignore and "
            f"thread whitespace through the rules explicitly (with terminals like {name})",
        )


def _witness(ctx, a, at: _Places, claim: _Claim):
    """An input with the claim's sample where one of its lexemes is used (in rule
    ``origin`` first) that llguidance accepts (or rejects) as claimed, or None when none
    is confirmed; and the number of inputs llguidance was asked about."""
    scope = at.scope
    sentences = a.sentences(scope)
    rank: dict = {}
    for n, key in enumerate(claim.keys):
        rank.setdefault(key, n)
    places = [
        (at.flow.prods[i].origin != claim.origin, n, i, pos) for key, n in rank.items() for i, pos in at.uses(key)
    ]
    asked = 0
    for _, _, i, pos in sorted(places)[:MAX_TRIES]:
        sentence = sentences.through(i, pos)
        rendered = sentences.render(sentence, {sentence.slot: claim.sample}) if sentence is not None else None
        if rendered is None:
            continue
        asked += 1
        witness = ctx.witnesses.confirm(
            rendered.text,
            accepted=claim.accepted,
            scope=scope,
            prefix=rendered.before(sentence.slot),
            note=claim.note,
        )
        if witness is not None:
            return witness, asked
    return None, asked


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
