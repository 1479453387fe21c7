"""Sentences: complete inputs built from a scope's rules, to turn a claim about one place
of a grammar into an input llguidance can judge (a *witness*).

:class:`Sentences` works on the BNF of :class:`~grammarkit.analysis.flow.Flow`. Every
lexeme is written as its shortest string (letters first: ``NAME`` is ``a``); a terminal
that can match the empty string is left out unless it is the place asked about (llguidance
lets such a terminal match nothing). Derivations are the cheapest ones (fewest characters),
found by shortest-path fixpoints over the productions:

* :meth:`Sentences.shortest`: the shortest input of the scope;
* :meth:`Sentences.through`: the shortest input that goes through one occurrence of a
  lexeme in a production, optionally with a given lexeme right after it (from the rest of
  the production, or from what follows the rule where it is used);
* :meth:`Sentences.through_rule`: the shortest input whose derivation uses a rule.

:meth:`Sentences.render` joins the lexemes' strings, with replacements for chosen places.
With ``%ignore``, the shortest ignored string (a space, typically) separates two lexemes
that could otherwise run together (``a`` ``b`` of ``NAME NAME``), and the place asked
about from what follows it. Free text that llguidance's greedy lexer only ends at its
maximum length before the next lexeme (``/[^\\n]{1,40}/`` before ``" "``) is written at
that length. These are candidate inputs, built without llguidance's greedy
lexer in mind: a witness is only a witness once llguidance has judged it.
"""

from __future__ import annotations

from dataclasses import dataclass

from grammarkit.analysis.fixpoint import sweep
from grammarkit.analysis.flow import Flow
from grammarkit.analysis.lexemes import LexemeKey, Lexemes
from grammarkit.reader import model as m

INF = 1 << 60

Token = tuple[LexemeKey, "m.Node | None"]


@dataclass
class Sentence:
    """Lexemes of an input, with the index of the place asked about (and of the lexeme
    after it, when one was asked for)."""

    tokens: list[Token]
    slot: int = -1
    follower: int = -1


@dataclass
class Rendered:
    """A sentence as text: ``starts[i]`` is where token ``i`` begins."""

    text: str
    starts: list[int]

    def before(self, i: int) -> str:
        return self.text[: self.starts[i]]


class Sentences:
    """Inputs of one scope (see the module documentation)."""

    def __init__(self, flow: Flow, lex: Lexemes, ignore: int | None = None, greedy=None) -> None:
        self.flow = flow
        self.lex = lex
        self.lang = lex.lang
        self.ignore = ignore  # the %ignore patterns' term, or None
        self.greedy = greedy  # a Greedy: free text before what it can contain is written out in full
        self._samples: dict[LexemeKey, str | None] = {}
        self._merge: dict[tuple, bool] = {}
        self._cost: dict[str, int] | None = None
        self._best: dict[str, int] = {}
        self._empty: dict[str, int] | None = None
        self._ctx: tuple[dict[str, int], dict[str, tuple[int, int]]] | None = None
        self._starting_cache: dict[LexemeKey, tuple[dict[str, int], dict[str, tuple[int, int]]]] = {}
        self._ctx_d: dict[LexemeKey, tuple[dict[str, int], dict[str, tuple[int, int, str]]]] = {}
        self._separator: str | None = None
        self._lexeme_costs: dict[LexemeKey, int] = {}
        self._nullable: dict[LexemeKey, bool] = {}
        self._readers: dict[str, list[int]] | None = None
        self._users: dict[LexemeKey, list[int]] | None = None

    # -- lexemes --------------------------------------------------------------------

    def sample(self, key: LexemeKey) -> str | None:
        """The shortest non-empty string of a lexeme (None: opaque or unanalysable)."""
        if key not in self._samples:
            term = self.lex.term(key) if key[0] != "O" else None
            self._samples[key] = None if term is None else self.lang.shortest(term)
        return self._samples[key]

    def nullable_lexeme(self, key: LexemeKey) -> bool:
        found = self._nullable.get(key)
        if found is None:
            term = self.lex.term(key) if key[0] != "O" else None
            found = self._nullable[key] = term is not None and self.lang.nullable(term)
        return found

    def _lexeme_cost(self, key: LexemeKey) -> int:
        found = self._lexeme_costs.get(key)
        if found is None:
            if self.nullable_lexeme(key):
                found = 0
            else:
                s = self.sample(key)
                found = INF if s is None else len(s)
            self._lexeme_costs[key] = found
        return found

    def _sym_cost(self, sym) -> int:
        if isinstance(sym, str):  # a nonterminal
            return self.costs().get(sym, INF)
        return self._lexeme_cost(sym)

    def _nt_readers(self) -> dict[str, list[int]]:
        """Nonterminal → the productions that mention it on their right side."""
        if self._readers is None:
            readers: dict[str, list[int]] = {}
            for i, p in enumerate(self.flow.prods):
                for sym in dict.fromkeys(p.rhs):
                    if isinstance(sym, str):
                        readers.setdefault(sym, []).append(i)
            self._readers = readers
        return self._readers

    def _lexeme_users(self) -> dict[LexemeKey, list[int]]:
        """Lexeme → the productions that use it."""
        if self._users is None:
            users: dict[LexemeKey, list[int]] = {}
            for i, p in enumerate(self.flow.prods):
                for sym in dict.fromkeys(p.rhs):
                    if not isinstance(sym, str):
                        users.setdefault(sym, []).append(i)
            self._users = users
        return self._users

    def _lhs_readers(self) -> dict[str, list[int]]:
        """Nonterminal → the productions it is the left side of."""
        return self.flow.by_lhs

    def _seq_cost(self, syms) -> int:
        total = 0
        for s in syms:
            c = self._sym_cost(s)
            if c >= INF:
                return INF
            total += c
        return total

    # -- shortest derivations -------------------------------------------------------

    def costs(self) -> dict[str, int]:
        """Nonterminal → length of its shortest string (absent: none)."""
        if self._cost is None:
            cost: dict[str, int] = {}
            self._cost = cost
            prods = self.flow.prods

            def step(i: int) -> tuple[str] | None:
                p = prods[i]
                c = self._seq_cost(p.rhs)
                if c < cost.get(p.lhs, INF):
                    cost[p.lhs] = c
                    self._best[p.lhs] = i
                    return (p.lhs,)
                return None

            sweep(len(prods), self._nt_readers(), step)
        return self._cost

    def expand(self, sym, node=None, depth: int = 0) -> list[Token] | None:
        """The shortest derivation of a symbol, as lexeme tokens."""
        if depth > 400:
            return None
        if not self.flow.is_nt(sym):
            return [(sym, node)]
        if sym not in self.costs():
            return None
        p = self.flow.prods[self._best[sym]]
        return self.expand_seq(p.rhs, p.nodes, depth + 1)

    def expand_seq(self, syms, nodes, depth: int = 0) -> list[Token] | None:
        out: list[Token] = []
        for sym, node in zip(syms, nodes, strict=False):
            part = self.expand(sym, node, depth)
            if part is None:
                return None
            out.extend(part)
        return out

    def shortest(self) -> Sentence | None:
        """The shortest input of the scope."""
        start = self.flow.start
        if start is None:
            return None
        tokens = self.expand(start)
        return None if tokens is None else Sentence(tokens)

    # -- empty derivations ----------------------------------------------------------

    def _empties(self) -> dict[str, int]:
        """Nonterminal → a production deriving the empty string (nullable lexemes may
        match nothing)."""
        if self._empty is None:
            empty: dict[str, int] = {}
            self._empty = empty
            prods = self.flow.prods

            def step(i: int) -> tuple[str] | None:
                p = prods[i]
                if p.lhs not in empty and all(self._derives_empty(s) for s in p.rhs):
                    empty[p.lhs] = i
                    return (p.lhs,)
                return None

            sweep(len(prods), self._nt_readers(), step)
        return self._empty

    def _derives_empty(self, sym) -> bool:
        if self.flow.is_nt(sym):
            return sym in self._empties()
        return self.nullable_lexeme(sym)

    # -- contexts: start =>* left A right -------------------------------------------

    def _contexts(self) -> tuple[dict[str, int], dict[str, tuple[int, int]]]:
        if self._ctx is None:
            cost: dict[str, int] = {}
            via: dict[str, tuple[int, int]] = {}
            if self.flow.start is not None:
                cost[self.flow.start] = 0
            prods = self.flow.prods

            def step(i: int) -> list[str] | None:
                p = prods[i]
                base = cost.get(p.lhs)
                if base is None:
                    return None
                changed = []
                for pos, sym in enumerate(p.rhs):
                    if not isinstance(sym, str):
                        continue
                    rest = self._seq_cost(p.rhs[:pos] + p.rhs[pos + 1 :])
                    if rest >= INF:
                        continue
                    if base + rest < cost.get(sym, INF):
                        cost[sym] = base + rest
                        via[sym] = (i, pos)
                        changed.append(sym)
                return changed

            sweep(len(prods), self._lhs_readers(), step)
            self._ctx = (cost, via)
        return self._ctx

    def context(self, nt: str, depth: int = 0) -> tuple[list[Token], list[Token]] | None:
        """Lexemes before and after ``nt`` in the cheapest sentential form of start."""
        cost, via = self._contexts()
        if nt not in cost or depth > 400:
            return None
        if nt == self.flow.start:
            return [], []
        i, pos = via[nt]
        p = self.flow.prods[i]
        outer = self.context(p.lhs, depth + 1)
        left = self.expand_seq(p.rhs[:pos], p.nodes[:pos])
        right = self.expand_seq(p.rhs[pos + 1 :], p.nodes[pos + 1 :])
        if outer is None or left is None or right is None:
            return None
        return outer[0] + left, right + outer[1]

    # -- derivations that start with a given lexeme ---------------------------------

    def _starting(self, d: LexemeKey) -> tuple[dict[str, int], dict[str, tuple[int, int]]]:
        found = self._starting_cache.get(d)
        if found is None:
            cost: dict[str, int] = {}
            via: dict[str, tuple[int, int]] = {}
            first = self._lexeme_first_cost(d)
            prods = self.flow.prods

            def step(i: int) -> tuple[str] | None:
                p = prods[i]
                changed = None
                for pos, sym in enumerate(p.rhs):
                    if sym == d:
                        head = first
                    elif isinstance(sym, str):
                        head = cost.get(sym, INF)
                    else:
                        head = INF
                    rest = self._seq_cost(p.rhs[pos + 1 :]) if head < INF else INF
                    if head + rest < min(cost.get(p.lhs, INF), INF):
                        cost[p.lhs] = head + rest
                        via[p.lhs] = (i, pos)
                        changed = (p.lhs,)
                    if not self._derives_empty(sym):
                        break
                return changed

            # (every cost starts unknown: only a production using d can start the search)
            sweep(len(prods), self._nt_readers(), step, self._lexeme_users().get(d, ()))
            found = self._starting_cache[d] = (cost, via)
        return found

    def _lexeme_first_cost(self, d: LexemeKey) -> int:
        s = self.sample(d)
        return INF if s is None else len(s)

    def _seq_starting_cost(self, syms, d: LexemeKey) -> tuple[int, int]:
        """(cost, position) of the cheapest derivation of ``syms`` starting with ``d``."""
        cost, _ = self._starting(d)
        best, where = INF, -1
        for pos, sym in enumerate(syms):
            if sym == d:
                head = self._lexeme_first_cost(d)
            elif self.flow.is_nt(sym):
                head = cost.get(sym, INF)
            else:
                head = INF
            total = head + self._seq_cost(syms[pos + 1 :]) if head < INF else INF
            if total < best:
                best, where = total, pos
            if not self._derives_empty(sym):
                break
        return best, where

    def expand_starting(self, syms, nodes, d: LexemeKey, depth: int = 0) -> list[Token] | None:
        """The cheapest derivation of ``syms`` whose first lexeme is ``d``."""
        if depth > 400:
            return None
        total, pos = self._seq_starting_cost(syms, d)
        if total >= INF:
            return None
        sym = syms[pos]
        if sym == d:
            head: list[Token] | None = [(d, nodes[pos])]
        else:
            _, via = self._starting(d)
            i, at = via[sym]
            p = self.flow.prods[i]
            head = self.expand_starting(p.rhs[at:], p.nodes[at:], d, depth + 1)
        rest = self.expand_seq(syms[pos + 1 :], nodes[pos + 1 :])
        if head is None or rest is None:
            return None
        return head + rest

    def _contexts_followed_by(self, d: LexemeKey) -> tuple[dict[str, int], dict[str, tuple[int, int, str]]]:
        """Contexts of nonterminals whose right side starts with ``d``."""
        found = self._ctx_d.get(d)
        if found is None:
            ctx_cost, _ = self._contexts()
            cost: dict[str, int] = {}
            via: dict[str, tuple[int, int, str]] = {}
            prods = self.flow.prods

            def step(i: int) -> list[str]:
                p = prods[i]
                changed = []
                for pos, sym in enumerate(p.rhs):
                    if not isinstance(sym, str):
                        continue
                    alpha = self._seq_cost(p.rhs[:pos])
                    if alpha >= INF:
                        continue
                    beta = p.rhs[pos + 1 :]
                    options = []
                    if p.lhs in ctx_cost:
                        st, _ = self._seq_starting_cost(beta, d)
                        if st < INF:
                            options.append((ctx_cost[p.lhs] + alpha + st, "st"))
                    if p.lhs in cost and all(self._derives_empty(s) for s in beta):
                        options.append((cost[p.lhs] + alpha, "up"))
                    for c, mode in options:
                        if c < cost.get(sym, INF):
                            cost[sym] = c
                            via[sym] = (i, pos, mode)
                            changed.append(sym)
                return changed

            # (only a production using d, or a rule that can start with d, can start it)
            readers = self._nt_readers()
            seeds = set(self._lexeme_users().get(d, ()))
            for nt in self._starting(d)[0]:
                seeds.update(readers.get(nt, ()))
            sweep(len(prods), self._lhs_readers(), step, seeds)
            found = self._ctx_d[d] = (cost, via)
        return found

    def context_followed_by(self, nt: str, d: LexemeKey, depth: int = 0) -> tuple[list[Token], list[Token]] | None:
        """Like :meth:`context`, with a right side that starts with lexeme ``d``."""
        cost, via = self._contexts_followed_by(d)
        if nt not in cost or depth > 400:
            return None
        i, pos, mode = via[nt]
        p = self.flow.prods[i]
        left = self.expand_seq(p.rhs[:pos], p.nodes[:pos])
        if mode == "st":
            outer = self.context(p.lhs)
            right = self.expand_starting(p.rhs[pos + 1 :], p.nodes[pos + 1 :], d)
            if outer is None or left is None or right is None:
                return None
            return outer[0] + left, right + outer[1]
        upper = self.context_followed_by(p.lhs, d, depth + 1)
        if upper is None or left is None:
            return None
        return upper[0] + left, upper[1]

    # -- sentences through a place --------------------------------------------------

    def through(self, prod_index: int, pos: int, follower: LexemeKey | None = None) -> Sentence | None:
        """The cheapest input through the lexeme at ``prods[prod_index].rhs[pos]`` (with
        ``follower`` right after it, when given)."""
        p = self.flow.prods[prod_index]
        before = self.expand_seq(p.rhs[:pos], p.nodes[:pos])
        if before is None:
            return None
        slot: Token = (p.rhs[pos], p.nodes[pos])
        rest, rest_nodes = p.rhs[pos + 1 :], p.nodes[pos + 1 :]
        if follower is None:
            after = self.expand_seq(rest, rest_nodes)
            ctx = self.context(p.lhs)
        else:
            after = self.expand_starting(rest, rest_nodes, follower)
            if after is not None:
                ctx = self.context(p.lhs)
            elif all(self._derives_empty(s) for s in rest):
                after, ctx = [], self.context_followed_by(p.lhs, follower)
            else:
                return None
        if after is None or ctx is None:
            return None
        tokens = ctx[0] + before + [slot] + after + ctx[1]
        at = len(ctx[0]) + len(before)
        return Sentence(tokens, at, at + 1 if follower is not None else -1)

    def through_rule(self, name: str) -> Sentence | None:
        """The cheapest input whose derivation uses rule ``name``."""
        ctx = self.context(name)
        body = self.expand(name)
        if ctx is None or body is None:
            return None
        return Sentence(ctx[0] + body + ctx[1])

    # -- text -----------------------------------------------------------------------

    def separator(self) -> str | None:
        if self.ignore is not None and self._separator is None:
            self._separator = self.lang.shortest(self.ignore) or ""
        return self._separator or None

    def render(self, sentence: Sentence, overrides: dict[int, str] | None = None) -> Rendered | None:
        """The sentence as text (None when a lexeme has no string): ``overrides`` maps
        token indices to the text to write there."""
        overrides = dict(overrides or {})
        pieces: list[tuple[int, LexemeKey, str]] = []
        for i, (key, _node) in enumerate(sentence.tokens):
            if i in overrides:
                text = overrides[i]
            elif i == sentence.follower or i == sentence.slot or not self.nullable_lexeme(key):
                found = self.sample(key)
                if found is None:
                    return None
                text = found
            else:
                text = ""
            pieces.append((i, key, text))
        if self.greedy is not None:
            pieces = self._lengthen(pieces, overrides)
        sep = self.separator()
        out: list[str] = []
        starts = [0] * len(sentence.tokens)
        length = 0
        previous: tuple[int, LexemeKey] | None = None
        for i, key, text in pieces:
            if text and previous is not None and sep is not None:
                j, before = previous
                if (j == sentence.slot and i == sentence.follower) or self._may_merge(before, key):
                    out.append(sep)
                    length += len(sep)
            starts[i] = length
            out.append(text)
            length += len(text)
            if text:
                previous = (i, key)
        return Rendered("".join(out), starts)

    def _lengthen(self, pieces: list, overrides: dict[int, str]) -> list:
        """A lexeme that the greedy lexer only ends at its maximum length before the next
        one (free text before a delimiter it can contain) is written at that length."""
        out = list(pieces)
        filled = [k for k, (_i, _key, text) in enumerate(out) if text]
        for a, b in zip(filled, filled[1:], strict=False):
            i, key, _text = out[a]
            if i in overrides:
                continue
            if self.greedy.follow(key, out[b][1]) == "at-limit":
                ends = self.greedy.end_states(key)
                if ends is not None and ends.longest:
                    out[a] = (i, key, ends.longest)
        return out

    def _may_merge(self, a: LexemeKey, b: LexemeKey) -> bool:
        """Whether lexeme ``a`` can go on with a character ``b`` can start with."""
        key = (a, b)
        found = self._merge.get(key)
        if found is None:
            ta = self.lex.term(a) if a[0] != "O" else None
            tb = self.lex.term(b) if b[0] != "O" else None
            if ta is None or tb is None:
                found = True
            else:
                found = self.lang.continuation(ta, self.lang.first_mask(tb)) is not None
            self._merge[key] = found
        return found
