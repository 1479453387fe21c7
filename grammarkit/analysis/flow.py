"""Flow: the rules of a scope as BNF with nullable/FIRST/FOLLOW sets and the terminals
llguidance's lexer may see together (co-allowed), from an LR(1) automaton.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any, Literal

from grammarkit.analysis.lexemes import EOS, lexeme_key
from grammarkit.analysis.scoping import Scope
from grammarkit.core.graphs import strongly_connected
from grammarkit.reader import model as m

# ---------------------------------------------------------------------------- flow


@dataclass(slots=True)
class Production:
    lhs: str
    rhs: tuple  # str = nonterminal, tuple = lexeme key
    nodes: tuple  # model node of each rhs symbol (None for helper nonterminals)
    origin: str  # the rule it comes from


class _TooLarge(Exception):
    """The LR(1) automaton takes more work than :attr:`Flow.MAX_LR1_WORK`."""


LAZY_ATTRIBUTES = ("lazy", "stop", "suffix")
"""Rule attributes that make llguidance match the rule's terminal lazily (shortest match)."""


class Flow:
    """The rules of one scope as BNF, with nullable/FIRST/FOLLOW and LR(0) contexts."""

    MAX_LR_STATES = 3000
    MAX_EXPAND = 4

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.prods: list[Production] = []
        self.by_lhs: dict[str, list[int]] = {}
        self._counter = 0
        self._terminal_names: dict[str, bool] = {}
        for d in scope.definition_list():
            if d.is_terminal or d.params is not None or d.name in self.by_lhs:
                continue
            self.by_lhs.setdefault(d.name, [])
            for alt in d.body.alternatives:
                self._add(d.name, self._alternative(alt, d.name), d.name)
        self.start = "start" if "start" in self.by_lhs else None
        self._contexts: list[tuple[frozenset, str]] | None = None
        self._origins: dict[int, str] | None = None
        self._lr0: tuple[list[frozenset], list[frozenset], list[dict]] | Literal[False] | None = None
        self._lexemes: set | None = None
        self.lazy_rules = {
            d.name
            for d in scope.definition_list()
            if not d.is_terminal and any(a.key in LAZY_ATTRIBUTES for a in d.attributes)
        }
        self._compute_sets()

    # -- building -----------------------------------------------------------------

    def _add(self, lhs: str, rhs_nodes: list, origin: str) -> None:
        if rhs_nodes:
            rhs, nodes = zip(*rhs_nodes, strict=True)
        else:
            rhs = nodes = ()
        self.by_lhs[lhs].append(len(self.prods))
        self.prods.append(Production(lhs, rhs, nodes, origin))

    def _helper(self, origin: str, alternatives: list[list]) -> str:
        self._counter += 1
        name = f"{origin}#{self._counter}"
        self.by_lhs[name] = []
        for alt in alternatives:
            self._add(name, alt, origin)
        return name

    def _alternative(self, alt: m.Alternative, origin: str) -> list:
        if not alt.conjuncts:
            return []
        out: list = []
        terminal = self._terminal_names
        for item in alt.conjuncts[0].items:
            # (the leaves, most items, without the calls of _item)
            if type(item) is m.NameRef:
                name = item.name
                is_terminal = terminal.get(name)
                if is_terminal is None:
                    is_terminal = terminal[name] = m.is_terminal_name(name)
                out.append((("T", name), item) if is_terminal else (name, item))
            elif type(item) is m.Literal:
                out.append((("L", item.value, item.flags), item))
            elif type(item) is m.RegexLiteral:
                out.append((("R", item.pattern, item.flags), item))
            else:
                out.extend(self._item(item, origin))
        return out

    def _expansions(self, exp: m.Expansions, origin: str) -> list[list]:
        return [self._alternative(a, origin) for a in exp.alternatives]

    def _item(self, node: m.Node, origin: str) -> list:
        """(symbol, node) pairs for one item of a sequence."""
        if isinstance(node, m.NameRef) and not m.is_terminal_name(node.name):
            return [(node.name, node)]
        if isinstance(node, m.ParamName):
            return [(node.name, node)]
        if isinstance(node, m.Group):
            alts = self._expansions(node.body, origin)
            if len(alts) == 1:
                return alts[0]
            return [(self._helper(origin, alts), None)]
        if isinstance(node, m.Maybe):
            return [(self._helper(origin, self._expansions(node.body, origin) + [[]]), None)]
        if isinstance(node, m.Repeat):
            inner = self._item(node.item, origin)
            lo, hi = node.min, node.max
            if hi == 0:
                return []
            if hi is not None and hi <= self.MAX_EXPAND:
                alts = [inner * k for k in range(lo, hi + 1)]
                if len(alts) == 1:
                    return alts[0]
                return [(self._helper(origin, alts), None)]
            plus = self._helper(origin, [])
            self._add(plus, [(plus, None)] + inner, origin)
            self._add(plus, list(inner), origin)
            prefix = inner * max(min(lo, self.MAX_EXPAND) - 1, 0)
            if lo == 0:
                return [(self._helper(origin, [[(plus, None)], []]), None)]
            return prefix + [(plus, None)]
        key = lexeme_key(self.scope, node)
        return [(key, node)]

    def origin_of(self, node) -> str | None:
        """The rule of the first production that holds model node ``node``."""
        if self._origins is None:
            origins: dict[int, str] = {}
            for prod in self.prods:
                for n in prod.nodes:
                    if n is not None:
                        origins.setdefault(id(n), prod.origin)
            self._origins = origins
        return self._origins.get(id(node))

    def lexemes(self) -> set:
        """Every distinct lexeme key of the productions (computed once)."""
        if self._lexemes is None:
            self._lexemes = {s for prod in self.prods for s in prod.rhs if type(s) is not str}
        return self._lexemes

    # -- sets ---------------------------------------------------------------------

    @staticmethod
    def is_nt(sym) -> bool:
        return isinstance(sym, str)

    def _compute_sets(self) -> None:
        """nullable, FIRST and FOLLOW by propagation over constraint edges."""
        prods = self.prods
        # nullable: a worklist over the productions that mention each nonterminal
        nullable: set[str] = set()
        waiting: dict[str, list[int]] = {}
        missing = []
        queue = []
        for i, p in enumerate(prods):
            rhs = p.rhs
            count = 0
            for s in rhs:
                if type(s) is not str:
                    count = -1  # has a lexeme: never nullable
                    break
                count += 1
            missing.append(count)
            if count == 0:
                queue.append(p.lhs)
            elif count > 0:
                for s in rhs:
                    found = waiting.get(s)
                    if found is None:
                        waiting[s] = [i]
                    else:
                        found.append(i)
        while queue:
            nt = queue.pop()
            if nt in nullable:
                continue
            nullable.add(nt)
            for i in waiting.get(nt, ()):
                missing[i] -= 1
                if missing[i] == 0:
                    queue.append(prods[i].lhs)
        self.nullable_nts = nullable

        # FIRST: constants, plus FIRST(lhs) ⊇ FIRST(s) for each s of the nullable prefix
        first: dict[str, set] = {nt: set() for nt in self.by_lhs}
        feeds: dict[str, set[str]] = {}
        for p in prods:
            lhs = p.lhs
            for s in p.rhs:
                if type(s) is str:
                    if s != lhs and s in first:
                        fed = feeds.get(s)
                        if fed is None:
                            feeds[s] = {lhs}
                        else:
                            fed.add(lhs)
                    if s not in nullable:
                        break
                else:
                    first[lhs].add(s)
                    break
        self.first_sets = first
        self._propagate(first, feeds)

        # FOLLOW: FOLLOW(s) ⊇ FIRST(rest), and FOLLOW(s) ⊇ FOLLOW(lhs) when rest is nullable
        follow: dict[str, set] = {nt: set() for nt in self.by_lhs}
        if self.start:
            follow[self.start].add(EOS)
        fedges: dict[str, set[str]] = {}
        empty: frozenset = frozenset()
        for p in prods:
            rhs = p.rhs
            lhs = p.lhs
            # acc: FIRST of what follows position i (read only: it may be a FIRST set)
            acc: set | frozenset = empty
            rest_nullable = True
            for i in range(len(rhs) - 1, -1, -1):
                s = rhs[i]
                if type(s) is str:
                    target = follow.get(s)
                    if target is not None:
                        if acc:
                            target |= acc
                        if rest_nullable and s != lhs:
                            out = fedges.get(lhs)
                            if out is None:
                                fedges[lhs] = {s}
                            else:
                                out.add(s)
                    if s in nullable:
                        more = first.get(s)
                        if more:
                            acc = acc | more
                    else:
                        acc = first.get(s) or empty
                        rest_nullable = False
                else:
                    acc = {s}
                    rest_nullable = False
        self.follow_sets = follow
        self._propagate(follow, fedges)

    @staticmethod
    def _propagate(sets: dict[str, set], edges: dict[str, set[str]]) -> None:
        """Make ``sets[b] ⊇ sets[a]`` for every edge a → b (to a fixpoint), in place.

        Nodes are visited sources first, so that every edge carries its set once (a
        worklist that re-sends a set each time it grows is cubic on long chains): the
        acyclic part in topological order (Kahn's algorithm), then what remains (the
        cycles and what they reach) by strongly connected components, whose nodes end
        with the same set."""
        indegree: dict[str, int] = {}
        for outs in edges.values():
            for b in outs:
                indegree[b] = indegree.get(b, 0) + 1
        ready = [a for a in edges if a not in indegree]
        while ready:
            a = ready.pop()
            targets = edges.get(a)
            if not targets:
                continue
            here = sets[a]
            for b in targets:
                if here:
                    sets[b] |= here
                left = indegree[b] - 1
                indegree[b] = left
                if left == 0:
                    ready.append(b)
        rest = {a: outs for a, outs in edges.items() if indegree.get(a, 0) > 0}
        if not rest:
            return
        for component in reversed(strongly_connected(list(rest), rest)):  # sources first
            if len(component) == 1:
                a = component[0]
                here = sets[a]
                if here:
                    for b in rest.get(a, ()):
                        if b != a:
                            sets[b] |= here
                continue
            joined: set = set()
            for a in component:
                joined |= sets[a]
            members = set(component)
            for a in component:
                sets[a] |= joined
                for b in rest.get(a, ()):
                    if b not in members:
                        sets[b] |= joined

    def nullable_seq(self, seq) -> bool:
        return all(isinstance(s, str) and s in self.nullable_nts for s in seq)

    def first_of(self, seq) -> set:
        out: set = set()
        for s in seq:
            if isinstance(s, str):
                out |= self.first_sets.get(s, set())
                if s not in self.nullable_nts:
                    break
            else:
                out.add(s)
                break
        return out

    def followers(self, prod: Production, pos: int) -> set:
        """The lexemes that can come right after ``prod.rhs[pos]`` (EOS included)."""
        rest = prod.rhs[pos + 1 :]
        out = self.first_of(rest)
        if self.nullable_seq(rest):
            out |= self.follow_sets.get(prod.lhs, set())
        return out

    # -- contexts -----------------------------------------------------------------

    def contexts(self) -> list[tuple[frozenset, str]]:
        """(allowed lexemes, a rule it happens in) for every LR(0) state reachable from
        ``start``: the lexemes after a dot, plus, for every rule completed in the state,
        what can follow it where it started (LALR(1)-style lookaheads, found by walking
        the rule's symbols back to the states that predicted it)."""
        if self._contexts is None:
            # The LR(1) automaton has at least the LR(0) automaton's states (their
            # cores): when that one is over both limits, neither is built.
            if self.start and self._lr0_automaton() is None:
                self._contexts = []
            else:
                found = self._lr1_contexts()
                self._contexts = found if found is not None else self._compute_contexts()
        return self._contexts

    MAX_LR1_STATES = 4000
    MAX_LR1_WORK = 200_000
    """Items visited at most while the LR(1) automaton is built (its closures revisit an
    item each time its lookaheads grow: on long chains of left-recursive rules the work
    grows with the cube of their number); beyond it, the LR(0) contexts are used."""

    def _lr1_contexts(self) -> list[tuple[frozenset, str]] | None:
        """Exact contexts from the canonical LR(1) automaton: for every viable prefix,
        the lexemes that can come next (what an Earley row allows, over all parses).
        None when the automaton grows too large."""
        if not self.start:
            return []
        aug = Production("<start>", (self.start,), (None,), self.start)
        all_prods = self.prods + [aug]
        aug_index = len(self.prods)
        nullable = self.nullable_nts
        first_of = self.first_of
        # What comes after the symbol after the dot: its FIRST set, and whether it can
        # be empty (constants of the item, computed once).
        after: dict[tuple[int, int], tuple[frozenset, bool]] = {}
        work = 0

        def closure(kernel: dict) -> dict:
            nonlocal work
            items = {core: set(las) for core, las in kernel.items()}
            stack = list(items)
            while stack:
                core = stack.pop()
                work += 1
                if work > self.MAX_LR1_WORK:
                    raise _TooLarge
                p, d = core
                rhs = all_prods[p].rhs
                if d >= len(rhs) or not isinstance(rhs[d], str):
                    continue
                las = items[core]
                found = after.get(core)
                if found is None:
                    rest = rhs[d + 1 :]
                    found = after[core] = (frozenset(first_of(rest)), self.nullable_seq(rest))
                new = found[0]
                if found[1]:
                    new = new | las
                for q in self.by_lhs.get(rhs[d], ()):
                    have = items.get((q, 0))
                    if have is None:
                        items[(q, 0)] = set(new)
                        stack.append((q, 0))
                    elif not new <= have:
                        have |= new
                        stack.append((q, 0))
                if rhs[d] in nullable:
                    nxt = (p, d + 1)
                    have = items.get(nxt)
                    if have is None:
                        items[nxt] = set(las)
                        stack.append(nxt)
                    elif not las <= have:
                        have |= las
                        stack.append(nxt)
            return items

        def key(kernel: dict) -> frozenset:
            return frozenset((core, frozenset(las)) for core, las in kernel.items())

        start = {(aug_index, 0): {EOS}}
        seen = {key(start)}
        queue = deque([start])
        result: list[tuple[frozenset, str]] = []
        distinct: set[frozenset] = set()
        while queue:
            kernel = queue.popleft()
            try:
                items = closure(kernel)
            except _TooLarge:
                return None
            allowed: set = set()
            moves: dict[Any, dict] = {}
            origin = None
            for (p, d), las in items.items():
                prod = all_prods[p]
                if d < len(prod.rhs):
                    sym = prod.rhs[d]
                    moves.setdefault(sym, {})[(p, d + 1)] = las
                    if not isinstance(sym, str):
                        allowed.add(sym)
                        if origin is None or (p, d) in kernel:
                            origin = prod.origin
                else:
                    allowed |= las
            frozen = frozenset(allowed)
            if frozen not in distinct:
                distinct.add(frozen)
                result.append((frozen, origin or self.start))
            for nxt in moves.values():
                k = key(nxt)
                if k not in seen:
                    if len(seen) >= self.MAX_LR1_STATES:
                        return None
                    seen.add(k)
                    queue.append(nxt)
        return result

    def _lr0_automaton(self) -> tuple[list[frozenset], list[frozenset], list[dict]] | None:
        """The LR(0) automaton from ``start`` (kernels, closures and moves of its
        states), or None when it has more states than both limits (computed once)."""
        if self._lr0 is None:
            limit = max(self.MAX_LR_STATES, self.MAX_LR1_STATES)
            if self._lr0_states_at_least() > limit:
                self._lr0 = False  # (what building it would find, at the limit)
            else:
                self._lr0 = self._build_lr0(limit) or False
        return self._lr0 if self._lr0 is not False else None

    def _lr0_states_at_least(self) -> int:
        """A lower bound of the LR(0) automaton's states, without building it: the
        initial state, and one state per symbol written in a production of a rule that
        ``start`` reaches (every item of such a production is in some state's kernel, and
        a kernel's items all have the same symbol before the dot: states reached over
        different symbols differ)."""
        assert self.start is not None
        by_lhs, prods = self.by_lhs, self.prods
        seen = {self.start}
        stack = [self.start]
        symbols: set = {self.start}
        while stack:
            nt = stack.pop()
            for i in by_lhs.get(nt, ()):
                for sym in prods[i].rhs:
                    symbols.add(sym)
                    if type(sym) is str and sym not in seen:
                        seen.add(sym)
                        stack.append(sym)
        return 1 + len(symbols)

    def _build_lr0(self, max_states: int) -> tuple[list[frozenset], list[frozenset], list[dict]] | None:
        assert self.start is not None
        aug = Production("<start>", (self.start,), (None,), self.start)
        all_prods = self.prods + [aug]
        aug_index = len(self.prods)
        nullable = self.nullable_nts

        def closure(kernel: frozenset) -> frozenset:
            # Earley prediction, with Aycock-Horspool's completion of nullable
            # nonterminals: [A -> a . B b] with B nullable also gives [A -> a B . b].
            items = set(kernel)
            stack = list(kernel)
            while stack:
                p, d = stack.pop()
                rhs = all_prods[p].rhs
                if d < len(rhs) and isinstance(rhs[d], str):
                    for q in self.by_lhs.get(rhs[d], ()):
                        if (q, 0) not in items:
                            items.add((q, 0))
                            stack.append((q, 0))
                    if rhs[d] in nullable and (p, d + 1) not in items:
                        items.add((p, d + 1))
                        stack.append((p, d + 1))
            return frozenset(items)

        kernels: list[frozenset] = [frozenset({(aug_index, 0)})]
        index = {kernels[0]: 0}
        closures: list[frozenset] = []
        goto: list[dict] = []
        i = 0
        while i < len(kernels):
            items = closure(kernels[i])
            closures.append(items)
            moves: dict[Any, set] = {}
            for p, d in items:
                rhs = all_prods[p].rhs
                if d < len(rhs):
                    moves.setdefault(rhs[d], set()).add((p, d + 1))
            out = {}
            for sym, nxt in moves.items():
                k = frozenset(nxt)
                j = index.get(k)
                if j is None:
                    if len(kernels) >= max_states:
                        return None
                    j = index[k] = len(kernels)
                    kernels.append(k)
                out[sym] = j
            goto.append(out)
            i += 1
        return kernels, closures, goto

    def _compute_contexts(self) -> list[tuple[frozenset, str]]:
        if not self.start:
            return []
        aug = Production("<start>", (self.start,), (None,), self.start)
        all_prods = self.prods + [aug]
        aug_index = len(self.prods)

        automaton = self._lr0_automaton()
        if automaton is None or len(automaton[0]) > self.MAX_LR_STATES:
            return []  # too big to analyse: no contexts, no findings
        kernels, closures, goto = automaton
        pred: list[dict] = [dict() for _ in kernels]
        for i, out in enumerate(goto):
            for sym, j in out.items():
                pred[j].setdefault(sym, set()).add(i)

        # Lexemes after a dot, and lookahead edges for completed rules.
        allowed: dict[str, set] = {}
        edges: dict[str, set[str]] = {}
        origins: list[str] = []
        for i, items in enumerate(closures):
            here: set = set()
            origin = None
            for p, d in items:
                prod = all_prods[p]
                rhs = prod.rhs
                if d < len(rhs):
                    if not isinstance(rhs[d], str):
                        here.add(rhs[d])
                        if origin is None or (p, d) in kernels[i]:
                            origin = prod.origin
                    continue
                if p == aug_index:
                    here.add(EOS)
                    continue
                for o in self._predicted_in(p, d, i, all_prods, closures, pred):
                    target = goto[o].get(prod.lhs)
                    if target is not None and target != i:
                        edges.setdefault(str(target), set()).add(str(i))
            allowed[str(i)] = here
            origins.append(origin or self.start)
        self._propagate(allowed, edges)
        result: list[tuple[frozenset, str]] = []
        distinct: set[frozenset] = set()
        for i in range(len(kernels)):
            frozen = frozenset(allowed[str(i)])
            if frozen not in distinct:
                distinct.add(frozen)
                result.append((frozen, origins[i]))
        return result

    @staticmethod
    def _predicted_in(p: int, d: int, state: int, all_prods, closures, pred) -> set[int]:
        """The states where item ``(p, 0)`` was predicted, for ``(p, d)`` in ``state``."""
        rhs = all_prods[p].rhs
        current = {state}
        while d > 0:
            sym = rhs[d - 1]
            back: set[int] = set()
            for x in current:
                if (p, d - 1) in closures[x]:
                    back.add(x)  # advanced over a nullable symbol within the state
                for y in pred[x].get(sym, ()):
                    if (p, d - 1) in closures[y]:
                        back.add(y)
            current = back
            d -= 1
        return {x for x in current if (p, 0) in closures[x]}
