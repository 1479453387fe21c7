"""Greedy lexing: which lexeme can follow which, and which rules can ever be completed.

llguidance's lexer is greedy: it extends the current terminal as long as the next
character can go on with it, and only ends the terminal when it cannot (lazy terminals,
``[lazy]``/``stop=``/``suffix=``, end at their first match instead). So a lexeme ``D`` can
follow a terminal ``T`` only after a match of ``T`` that cannot go on with the character
``D`` starts with, or with the character an ``%ignore`` pattern starts with (then ``D``
comes after ignored text). :meth:`Greedy.follow` answers, from ``T``'s derivatives
(:meth:`~grammarkit.analysis.languages.Lang.end_states`):

* ``"free"``: some match of ``T`` can be followed by ``D``;
* ``"at-limit"``: only a maximal match can (``D`` after ``/[^\\n]{1,200}/`` only once the
  text is 200 characters long);
* ``"never"``: no match can: every match can go on with every character ``D`` (and the
  ignored text) can start with, so ``D`` is always read as more of ``T``.

A pair ``(T, D)`` that is ``"never"`` where ``D`` may follow ``T`` (FIRST/FOLLOW of
:class:`~grammarkit.analysis.flow.Flow`) is *blocked*. :meth:`Greedy.completable` finds
the nonterminals that derive at least one lexeme sequence with no blocked pair in it: a
fixpoint over the productions on summaries ``(first, last)`` of the sequences (only the
lexemes of blocked pairs are told apart; a terminal that can match the empty string may
be left out, as llguidance allows). A scope whose ``start`` is not completable accepts no
input at all; a rule reachable from ``start`` that is not completable can never be used.

This is an analysis over the grammar's sample alphabet (see :mod:`grammarkit.analysis`),
without the other terminals allowed at the same point; rules report its conclusions only
once llguidance has confirmed them.
"""

from __future__ import annotations

from grammarkit.analysis.fixpoint import sweep
from grammarkit.analysis.flow import Flow
from grammarkit.analysis.languages import EndStates
from grammarkit.analysis.lexemes import EOS, LexemeKey, Lexemes
from grammarkit.analysis.scoping import Scope, Unanalysable

MAX_SUMMARIES = 4000
"""Summaries of one nonterminal at most (beyond that the analysis gives up: all complete)."""

EPS = ("ε",)


class _GiveUp(Exception):
    """Too many summaries: the analysis gives up."""


class Greedy:
    """Greedy-lexing facts about one scope (see the module documentation)."""

    def __init__(self, scope: Scope, flow: Flow, lex: Lexemes) -> None:
        self.scope = scope
        self.flow = flow
        self.lex = lex
        self.lang = lex.lang
        self._ends: dict[LexemeKey, EndStates | None] = {}
        self._term_ends: dict[int, EndStates | None] = {}
        self._ignore: int | None = None
        self._ignore_done = False
        self._ignore_first: int | None = None
        self._firsts: dict[LexemeKey, int | None] = {}
        self._lazy: set[LexemeKey] | None = None
        self._blocked: dict[tuple[LexemeKey, LexemeKey], str] | None = None
        self._completable: dict[str, set] | None = None
        self._follows: dict[tuple[LexemeKey, LexemeKey], str | None] = {}
        self._after: dict[LexemeKey, set] | None = None
        self._never_ending: list[str] | None = None  # (see why_incomplete)
        self._hindered: dict[LexemeKey, dict[LexemeKey, str]] = {}
        self._occurrences: list[tuple[int, int, LexemeKey, frozenset]] | None = None

    # -- lexemes --------------------------------------------------------------------

    @property
    def ignore(self) -> int | None:
        """The term of the scope's ``%ignore`` patterns (None: none, or unanalysable)."""
        if not self._ignore_done:
            self._ignore_done = True
            ignores = self.scope.ignores
            if not ignores:
                self._ignore = None
            else:
                try:
                    self._ignore = self.lang.alt([self.lex.node_term(ig.body) for ig in ignores])
                except (Unanalysable, RecursionError):
                    self._ignore = None
        return self._ignore

    @property
    def ignore_unknown(self) -> bool:
        """The scope has ``%ignore`` patterns that cannot be analysed."""
        return bool(self.scope.ignores) and self.ignore is None

    @property
    def lazy(self) -> set[LexemeKey]:
        """Lexemes of lazy rules (they end at their first match)."""
        if self._lazy is None:
            self._lazy = {
                sym
                for prod in self.flow.prods
                if prod.origin in self.flow.lazy_rules
                for sym in prod.rhs
                if not self.flow.is_nt(sym)
            }
        return self._lazy

    def end_states(self, key: LexemeKey) -> EndStates | None:
        if key not in self._ends:
            term = self.lex.term(key) if key[0] != "O" else None
            if term is None:
                self._ends[key] = None
            else:  # (lexemes of one language share it)
                if term not in self._term_ends:
                    self._term_ends[term] = self.lang.end_states(term)
                self._ends[key] = self._term_ends[term]
        return self._ends[key]

    def first_mask(self, key: LexemeKey) -> int | None:
        if key not in self._firsts:
            if key[0] == "L":
                self._firsts[key] = self.lang.literal_first_mask(key[1], "i" in key[2])
            else:
                term = self.lex.term(key) if key[0] != "O" else None
                self._firsts[key] = None if term is None else self.lang.first_mask(term)
        return self._firsts[key]

    def follow(self, t: LexemeKey, d: LexemeKey) -> str | None:
        """``"free"``, ``"at-limit"`` or ``"never"`` (see the module documentation), or
        None when it cannot be told (opaque or unanalysable lexemes, lazy ``t``, an
        ``%ignore`` that cannot be analysed)."""
        key = (t, d)
        found = self._follows.get(key, self)
        if found is self:
            found = self._follows[key] = self._follow(t, d)
        return found  # type: ignore[return-value]

    def _follow(self, t: LexemeKey, d: LexemeKey) -> str | None:
        if d == EOS or t in self.lazy or self.ignore_unknown:
            return None
        if t[0] == "L":
            return "free"  # a string literal always ends (it never goes on)
        ends = self.end_states(t)
        mask = self.first_mask(d)
        if ends is None or mask is None or not mask:
            return None
        if self.ignore is not None:
            if self._ignore_first is None:
                self._ignore_first = self.lang.first_mask(self.ignore)
            mask |= self._ignore_first
        return ends.follow(mask)

    # -- blocked pairs --------------------------------------------------------------

    def occurrences(self) -> list[tuple[int, int, LexemeKey, frozenset]]:
        """``(production index, position, lexeme, followers)`` for every lexeme of the
        BNF, in production order (computed once)."""
        if self._occurrences is None:
            found = []
            followers = self.flow.followers
            for i, prod in enumerate(self.flow.prods):
                for pos, sym in enumerate(prod.rhs):
                    if isinstance(sym, str) or sym[0] == "O":
                        continue
                    found.append((i, pos, sym, frozenset(followers(prod, pos))))
            self._occurrences = found
        return self._occurrences

    def blocked(self) -> dict[tuple[LexemeKey, LexemeKey], str]:
        """``(t, d)`` → ``"never"`` for every pair where ``d`` may follow ``t`` but the
        greedy lexer never lets it."""
        if self._blocked is None:
            self._blocked = {
                (sym, d): "never"
                for sym in self._followers_anywhere()
                for d, status in self.hindered(sym).items()
                if status == "never"
            }
        return self._blocked

    def _followers_anywhere(self) -> dict[LexemeKey, set]:
        """Lexeme → every lexeme that may follow it somewhere, for the lexemes whose
        :meth:`follow` can be other than ``"free"`` (a string literal always ends, and
        nothing is known after a lazy lexeme or with an unknown ``%ignore``)."""
        if self._after is None:
            after: dict[LexemeKey, set] = {}
            if not self.ignore_unknown:
                lazy = self.lazy
                flow = self.flow
                first_sets, follow_sets, nullable = flow.first_sets, flow.follow_sets, flow.nullable_nts
                # (the lexemes of occurrences(), without their followers where they
                # are not needed: most lexemes are string literals; Flow.followers
                # written out, adding to the lexeme's set instead of building one)
                for prod in flow.prods:
                    rhs = prod.rhs
                    for pos, sym in enumerate(rhs):
                        if type(sym) is str:
                            continue
                        kind = sym[0]
                        if kind == "L" or kind == "O" or sym in lazy:
                            continue
                        found = after.get(sym)
                        if found is None:
                            found = after[sym] = set()
                        for s in rhs[pos + 1 :]:
                            if type(s) is str:
                                found.update(first_sets.get(s, ()))
                                if s not in nullable:
                                    break
                            else:
                                found.add(s)
                                break
                        else:  # what follows can be empty
                            found.update(follow_sets.get(prod.lhs, ()))
            self._after = after
        return self._after

    def hindered_anywhere(self) -> set[LexemeKey]:
        """The lexemes whose :meth:`hindered` is not empty."""
        return {sym for sym in self._followers_anywhere() if self.hindered(sym)}

    def sites(self) -> list[tuple[int, int, LexemeKey]]:
        """``(production index, position, lexeme)`` for every lexeme of the BNF, in
        production order: :meth:`occurrences` without the followers."""
        return [
            (i, pos, sym)
            for i, prod in enumerate(self.flow.prods)
            for pos, sym in enumerate(prod.rhs)
            if type(sym) is not str and sym[0] != "O"
        ]

    def hindered(self, sym: LexemeKey) -> dict[LexemeKey, str]:
        """Every lexeme that may follow ``sym`` somewhere and that the greedy lexer lets
        come after it only at its maximum length (``"at-limit"``) or never (``"never"``):
        :meth:`follow`'s other verdicts, computed once per kind of first character."""
        found = self._hindered.get(sym)
        if found is None:
            found = {}
            # follow(t, d) depends on d only through the characters d starts with.
            by_mask: dict[int, list] = {}
            for d in self._followers_anywhere().get(sym, ()):
                if d == EOS or d[0] == "O":
                    continue
                mask = self.first_mask(d)
                if mask:
                    by_mask.setdefault(mask, []).append(d)
            if by_mask and self.end_states(sym) is not None:
                for group in by_mask.values():
                    status = self.follow(sym, group[0])
                    if status == "never" or status == "at-limit":
                        for d in group:
                            found[d] = status
            self._hindered[sym] = found
        return found

    # -- completability -------------------------------------------------------------

    def completable(self) -> dict[str, set] | None:
        """Nonterminal → summaries of the lexeme sequences it derives with no blocked
        pair (a nonterminal missing, or with an empty set, can never be completed); None
        when the analysis gave up."""
        if self._completable is not None:
            return self._completable
        blocked = self.blocked()
        lefts = {t for t, _ in blocked}
        rights = {d for _, d in blocked}
        flow = self.flow
        nullable_lexemes: dict[LexemeKey, bool] = {}

        def lexeme_summaries(key: LexemeKey) -> set:
            if key not in nullable_lexemes:
                if key[0] == "L":  # (a string literal matches "" only when it is "")
                    nullable_lexemes[key] = key[1] == ""
                else:
                    term = self.lex.term(key) if key[0] != "O" else None
                    nullable_lexemes[key] = term is not None and self.lang.nullable(term)
            f = key if key in rights else "*"
            last = key if key in lefts else "*"
            out: set[tuple] = {(f, last)}
            if nullable_lexemes[key]:
                out.add(EPS)
            return out

        sets: dict[str, set] = {nt: set() for nt in flow.by_lhs}
        summaries = {sym: lexeme_summaries(sym) for sym in flow.lexemes()}
        assumed = {("*", "*"), EPS}  # a parametric or undefined rule: not analysed, assumed fine
        if not blocked and self.counted:
            _unblocked_fixpoint(flow, sets, summaries)
            self._completable = sets
            return sets
        readers: dict[str, list[int]] = {}
        for i, prod in enumerate(flow.prods):
            for sym in dict.fromkeys(prod.rhs):
                if type(sym) is str and sym in sets:
                    found = readers.get(sym)
                    if found is None:
                        readers[sym] = [i]
                    else:
                        found.append(i)

        star = ("*", "*")

        def step_unblocked(i: int) -> tuple[str, ...] | None:
            # With no blocked pair every join succeeds, and every summary is ("*", "*")
            # or EPS: a production gives ("*", "*") when each symbol has a summary and
            # one has that one, and EPS when each symbol has EPS (the same as step).
            prod = flow.prods[i]
            some, empty = False, True
            for sym in prod.rhs:
                options = sets.get(sym, assumed) if type(sym) is str else summaries[sym]
                if not options:
                    return None
                if star in options:
                    some = True
                if EPS not in options:
                    empty = False
            current: set[tuple] = set()
            if some:
                current.add(star)
            if empty:
                current.add(EPS)
            target = sets[prod.lhs]
            if current <= target:
                return None
            target |= current
            return (prod.lhs,)

        def step(i: int) -> tuple[str, ...] | None:
            prod = flow.prods[i]
            current = {EPS}
            for sym in prod.rhs:
                if not flow.is_nt(sym):
                    options = summaries[sym]
                else:
                    options = sets.get(sym, assumed)
                nxt = set()
                for a in current:
                    for b in options:
                        joined = _join(a, b, blocked)
                        if joined is not None:
                            nxt.add(joined)
                current = nxt
                if not current:
                    break
            target = sets[prod.lhs]
            if current <= target:
                return None
            target |= current
            if len(target) > MAX_SUMMARIES:
                raise _GiveUp
            return (prod.lhs,)

        try:
            sweep(len(flow.prods), readers, step if blocked else step_unblocked)
        except _GiveUp:
            return None
        self._completable = sets
        return sets

    counted = True
    """With no blocked pair, :meth:`completable` counts (:func:`_unblocked_fixpoint`)
    instead of sweeping ``step_unblocked`` (the same least fixpoint; tests compare them)."""

    def reachable(self) -> list[str]:
        """The nonterminals ``start`` reaches, in BNF order."""
        start = self.flow.start
        if start is None:
            return []
        seen = {start}
        stack = [start]
        by_lhs = self.flow.by_lhs
        prods = self.flow.prods
        while stack:
            nt = stack.pop()
            for i in by_lhs.get(nt, ()):
                for sym in prods[i].rhs:
                    if type(sym) is str and sym not in seen and sym in by_lhs:
                        seen.add(sym)
                        stack.append(sym)
        return [nt for nt in by_lhs if nt in seen]


def _unblocked_fixpoint(flow: Flow, sets: dict[str, set], summaries: dict) -> None:
    """What sweeping ``step_unblocked`` of :meth:`Greedy.completable` gives, by counting.

    With no blocked pair a nonterminal's summaries are ``("*", "*")`` (it derives a
    sequence with a lexeme in it) and ``EPS`` (it derives one without): a production
    gives ``("*", "*")`` once every symbol has a summary and one has ``("*", "*")``,
    and ``EPS`` once every symbol has ``EPS`` (a lexeme always has ``("*", "*")``, and
    ``EPS`` when it can match ""; a rule not analysed has both). Each production keeps
    counts of what it still lacks, updated when a nonterminal gains a summary (at most
    twice each), as nullable sets are found."""
    star = ("*", "*")
    uses: dict[str, list[int]] = {nt: [] for nt in sets}
    nullable_lexemes = {sym for sym, options in summaries.items() if EPS in options}
    lhs_of: list[str] = []
    dead: list[int] = []  # symbols without a summary yet
    no_eps: list[int] = []  # symbols without EPS yet
    starred: list[int] = []  # symbols with ("*", "*")
    has_eps: set[str] = set()
    has_star: set[str] = set()
    queue: list[tuple[str, bool]] = []  # (nonterminal, gains ("*", "*") rather than EPS)
    for i, prod in enumerate(flow.prods):
        d = n = st = 0
        for sym in prod.rhs:
            if type(sym) is str:
                found = uses.get(sym)
                if found is None:  # not analysed: assumed fine
                    st += 1
                else:
                    found.append(i)
                    d += 1
                    n += 1
            else:
                st += 1
                if sym not in nullable_lexemes:
                    n += 1
        lhs = prod.lhs
        lhs_of.append(lhs)
        dead.append(d)
        no_eps.append(n)
        starred.append(st)
        if d == 0:  # (as below)
            if n == 0 and lhs not in has_eps:
                has_eps.add(lhs)
                queue.append((lhs, False))
            if st and lhs not in has_star:
                has_star.add(lhs)
                queue.append((lhs, True))
    alive: set[str] = set()
    while queue:
        nt, is_star = queue.pop()
        newly_alive = nt not in alive  # (its first summary)
        alive.add(nt)
        for i in uses[nt]:
            if is_star:
                starred[i] += 1
            else:
                no_eps[i] -= 1
            if newly_alive:
                dead[i] -= 1
            if dead[i] == 0:  # every symbol has a summary: what the production gives
                lhs = lhs_of[i]
                if no_eps[i] == 0 and lhs not in has_eps:
                    has_eps.add(lhs)
                    queue.append((lhs, False))
                if starred[i] and lhs not in has_star:
                    has_star.add(lhs)
                    queue.append((lhs, True))
    for nt in has_star:
        sets[nt].add(star)
    for nt in has_eps:
        sets[nt].add(EPS)


def _join(a, b, blocked) -> tuple | None:
    if a == EPS:
        return b
    if b == EPS:
        return a
    if (a[1], b[0]) in blocked:
        return None
    return (a[0], b[1])


class Blocked:
    """Why a nonterminal can never be completed: ``pair`` (a blocked ``(t, d)``, with the
    nodes of both in its cheapest derivation and the rule ``t`` is used in), or ``loop``
    (the rules that only ever go on with themselves: no derivation ends)."""

    def __init__(
        self,
        *,
        pair: tuple | None = None,
        nodes: tuple | None = None,
        origin: str = "",
        loop: list[str] | None = None,
    ) -> None:
        self.pair = pair
        self.nodes = nodes
        self.origin = origin
        self.loop = loop or []


def why_incomplete(greedy: Greedy, sentences, nt: str) -> Blocked | None:
    """The reason ``nt`` can never be completed (see :class:`Blocked`), or None."""
    flow = greedy.flow
    costs = sentences.costs()
    if nt not in costs:
        if greedy._never_ending is None:
            greedy._never_ending = [n for n in flow.by_lhs if n not in costs and "#" not in n]
        return Blocked(loop=list(greedy._never_ending) or [nt])
    tokens = sentences.expand(nt)
    if tokens is None:
        return None
    blocked = greedy.blocked()
    kept = [t for t in tokens if not sentences.nullable_lexeme(t[0])]
    for seq in (kept, tokens):
        for (a, na), (b, nb) in zip(seq, seq[1:], strict=False):
            if (a, b) in blocked and na is not None:
                return Blocked(pair=(a, b), nodes=(na, nb), origin=_origin(flow, na))
    return None


def _origin(flow: Flow, node) -> str:
    found = flow.origin_of(node)
    return found if found is not None else flow.start or "start"
