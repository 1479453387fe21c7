"""Grammar-directed plans: random derivations of a grammar, proposed to llguidance.

A random byte walk through llguidance's mask (:mod:`grammarkit.samples.generate`) never
spells a required keyword such as ``"SELECT"`` or a quoted JSON key, and needs one mask per
byte. A :class:`Planner` instead draws a random *derivation* of the grammar from its located
model (:mod:`grammarkit.reader.model`) and proposes the strings of its lexemes, whole:

* a rule expands to one of its alternatives; ``x?``/``[x]`` is taken or not; ``x*``,
  ``x+``, ``x{m,n}`` repeat a random number of times within their bounds;
* a literal is emitted at once (a case-insensitive one in a random case);
* a terminal's string is drawn from its language (:class:`grammarkit.analysis.Lang`:
  Brzozowski derivatives over the grammar's sample alphabet, with Rust-regex semantics):
  character by character among the characters that keep the string viable, a class of
  characters first (lower case, upper case, digits, space and punctuation; line breaks,
  other control characters and non-ASCII less often), ending where it may with the walk's
  stop probability. Each state of a terminal's language is turned once into a table (its
  characters, their weights, the state each leads to; the derivative is computed once per
  group of characters that lead to the same state), so drawing a character is one random
  number and a lookup; a run of forced characters (a literal terminal, ``"ORD-"``) is
  taken in one step, and a terminal with one string is planned as a literal;
* a rule with ``stop="..."`` is followed by its stop string; where the grammar ``%ignore``\\s
  something and two lexemes would otherwise run together as one word, an ignored string is
  put between them (and now and then elsewhere).

**Steering towards an end.** Every node has a *minimal length* (fewest bytes of any string
it derives) and a *height* (depth of its shallowest derivation), computed by a fixed point.
Each plan has a target length (the start rule's minimal length plus a random extra,
exponentially distributed (see :data:`MEAN_EXTRA`), at most three quarters of the
byte budget). While the bytes planned plus the minimal length of what is still owed stay
under the target, choices are uniform; beyond it the planner takes the alternative with the
smallest minimal length (then height), skips optional parts, repeats the minimum number of
times and ends terminals as soon as they may end. Alternatives that derive no string at all
(infinite recursion, an empty class, special tokens) are never chosen.

**Compiled once per grammar.** The rules become a graph of small nodes (:class:`_C`) with
their minimal lengths and choices worked out, and a plan is a loop over that graph that
goes straight on to a node's only next part instead of through its stack. A choice whose
options are themselves choices is folded into one draw over their options, with the odds of
choosing level by level (nothing is emitted in between, so the pressure is the same at every
level; the alternatives on the way are still counted for ``--cover``). Without ``%ignore``,
neighbouring literals of a sequence are one literal, and a run of literals, optional
literals and terminals is expanded in one step. Regex grammars are planned from the regex's
language directly.

**What it cannot plan** (special tokens, ``%json``, nested ``%lark``, ``&``, ``~``, templates,
terminals whose language is not modelled): the plan stops there, marked ``None``, and the
caller finishes the sample with the byte-mask walk.

The planner only proposes: every plan is checked by llguidance (one ``validate_tokens`` call
over the whole plan, on the pristine matcher, which it leaves as it was) before it is kept,
and a plan llguidance refuses is finished by the byte-mask walk from the last piece it
accepted. The derivation of a plan that llguidance accepted whole is a derivation of the
sample by the grammar's rules (as a context-free grammar); that is what ``--cover`` counts.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field

from grammarkit.analysis import Analysis, Lang, Unanalysable
from grammarkit.analysis.languages import EMPTY
from grammarkit.core.errors import GrammarkitError
from grammarkit.reader import model as m
from grammarkit.reader.parser import read_grammar

INF = 1 << 40
"""Minimal length of a node that derives no string (or only special tokens)."""

MEAN_EXTRA = (6, 48)
"""Means of the random number of bytes a plan may run beyond the grammar's shortest string
before the planner steers towards an end: half the plans draw from an exponential
distribution with the first mean (short samples, easy to read), half with the second (so
that optional parts late in a long rule are reached too)."""

MAX_STEPS = 10_000
"""Choices and repetitions expanded at most for one plan (a plan beyond that is abandoned;
past half of it, a pressed choice takes the shallowest option)."""

MAX_TERMINAL_CHARS = 1024
TERMINAL_SOFT_CHARS = 12
"""Characters after which a terminal's string heads for its nearest end."""

# Character classes and how often each is chosen (relative weights).
_CLASS_WEIGHTS = (1.0, 1.0, 1.0, 1.0, 0.4, 0.05, 0.3)


def _char_class(c: str) -> int:
    if "a" <= c <= "z":
        return 0
    if "A" <= c <= "Z":
        return 1
    if "0" <= c <= "9":
        return 2
    if c in "\t\n\r":
        return 4
    o = ord(c)
    if o < 0x20 or o == 0x7F:
        return 5
    if o >= 0x80:
        return 6
    return 3


class PlannerUnavailable(GrammarkitError):
    """The grammar's structure cannot be planned from (the byte walk is used instead)."""


@dataclass(frozen=True)
class Alt:
    """One alternative of a rule, for coverage."""

    rule: str
    index: int  # 0-based among the rule's top-level alternatives
    line: int
    column: int
    text: str


@dataclass
class Plan:
    pieces: list[bytes]
    complete: bool
    """False when the plan stopped at something it cannot plan (the rest is the walk's)."""
    alternatives: set[int] = field(default_factory=set)
    """Indexes into :attr:`Planner.alternatives` used by the derivation."""
    terminals: set[str] = field(default_factory=set)


class _State:
    """One state of a terminal's language, as :meth:`Planner.sample_term` draws from it:
    ``texts[k]`` is chosen with probability ``(cum[k] - cum[k-1]) / total`` and leads to the
    state ``nexts[k]`` (``uniform``: every character as likely); ``run`` is the text every
    string goes on with (from a state that is not an end and has one character only),
    ``run_end`` the state after it."""

    __slots__ = (
        "cum",
        "finish",
        "n",
        "nexts",
        "nullable",
        "run",
        "run_end",
        "run_len",
        "run_next",
        "succ",
        "texts",
        "total",
        "uniform",
    )

    def __init__(self, nullable: bool) -> None:
        self.nullable = nullable
        self.cum: list[float] = []
        self.texts: list[bytes] = []
        self.nexts: list[int] = []
        self.n = 0
        self.total = 0.0
        self.finish: list[int] | None = None
        self.run: bytes | None = None
        self.run_len = 0
        self.run_end = EMPTY
        self.uniform = False
        self.succ: list[_State | None] = []  # the states of ``nexts``, once looked up
        self.run_next: _State | None = None  # the state of ``run_end``, once looked up


class Planner:
    """Random derivations of one grammar (see the module documentation)."""

    def __init__(self, grammar: str, syntax: str = "lark", *, stop_probability: float = 0.25) -> None:
        self.stop_probability = stop_probability
        self._tables: dict[int, _State] = {}
        self._states: dict[int, _State] = {}
        self._ml: dict[int, int] = {}
        self._h: dict[int, int] = {}
        self._term_of: dict[int, int | None] = {}
        self.alternatives: list[Alt] = []
        self.terminals: list[tuple[str, int, int]] = []  # name, line, column
        self._alt_index: dict[int, int] = {}  # id(Alternative) -> index into alternatives
        self.regex_term: int | None = None
        self.ignore_term: int | None = None
        if syntax == "regex":
            self.lang = Lang(set(grammar))
            try:
                self.regex_term = self.lang.regex(grammar)
            except (Unanalysable, RecursionError) as exc:
                raise PlannerUnavailable(f"the regex cannot be modelled: {exc}") from exc
            self.start_ml = INF if self.regex_term == EMPTY else self.lang.lengths(self.regex_term)[0]
            self._regex_soft = self._soft(self.regex_term)
            self._char_classes = [_char_class(c) for c in self.lang.chars]
            return
        read = read_grammar(grammar)
        if not read.ok:
            raise PlannerUnavailable("the grammar could not be read completely")
        analysis = Analysis(read.grammar)
        self.lang = analysis.lang
        self._char_classes = [_char_class(c) for c in self.lang.chars]
        scope = analysis.scopes[0]
        self.lexemes = analysis.lexemes(scope)
        self.defs = {name: d for name, d in scope.definitions.items() if not d.is_terminal}
        start = self.defs.get("start")
        if start is None or start.params is not None:
            raise PlannerUnavailable("no start rule")
        self.start = start
        ignores = []
        for ig in scope.ignores:
            try:
                ignores.append(self.lexemes.node_term(ig.body))
            except (Unanalysable, RecursionError):
                continue
        if ignores:
            t = self.lang.alt(ignores)
            if t != EMPTY and self.lang.lengths(t)[0] > 0:
                self.ignore_term = t
        self._stops: dict[str, bytes | int] = {}
        for name, d in self.defs.items():
            for a in d.attributes:
                if a.key == "stop" and a.value:
                    if a.value.startswith('"') and a.value.endswith('"') and len(a.value) >= 2:
                        self._stops[name] = a.value[1:-1].encode("utf-8")
                    elif a.value.startswith("/"):
                        try:
                            self._stops[name] = self.lexemes.term(("R", a.value.strip("/"), "")) or EMPTY
                        except Unanalysable:  # pragma: no cover - term() never raises
                            pass
            if d.params is None:
                for i, alt in enumerate(d.body.alternatives):
                    self._alt_index[id(alt)] = len(self.alternatives)
                    text = read.grammar.text[alt.span.start : alt.span.end].strip()
                    self.alternatives.append(Alt(name, i, alt.span.line, alt.span.column, text))
        seen_terminals: set[str] = set()
        for d in self.defs.values():
            for node in scope.body(d):
                if isinstance(node, m.NameRef) and node.is_terminal and node.name not in seen_terminals:
                    seen_terminals.add(node.name)
                    self.terminals.append((node.name, node.span.line, node.span.column))
        self._fixpoint()
        self.start_ml = self._rule_ml.get("start", INF)
        self._compile()

    # -- minimal lengths and heights -------------------------------------------------

    def _fixpoint(self) -> None:
        self._rule_ml = dict.fromkeys(self.defs, INF)
        self._rule_h = dict.fromkeys(self.defs, INF)
        for _ in range(200):
            changed = False
            for name, d in self.defs.items():
                if d.params is not None:
                    continue
                ml = self._min_len(d.body, cache=False) + self._stop_len(name)
                h = self._height(d.body, cache=False)
                ml = min(ml, INF)
                h = INF if h >= INF else h + 1
                if ml < self._rule_ml[name] or h < self._rule_h[name]:
                    self._rule_ml[name] = min(ml, self._rule_ml[name])
                    self._rule_h[name] = min(h, self._rule_h[name])
                    changed = True
            if not changed:
                break

    def _stop_len(self, name: str) -> int:
        stop = self._stops.get(name)
        if stop is None:
            return 0
        if isinstance(stop, bytes):
            return len(stop)
        return INF if stop == EMPTY else self.lang.lengths(stop)[0]

    def _term(self, node: m.Node) -> int | None:
        """The language of a lexeme leaf (None: not modelled)."""
        key = id(node)
        if key in self._term_of:
            return self._term_of[key]
        t: int | None
        if isinstance(node, m.NameRef):
            t = self.lexemes.term(("T", node.name))
        elif isinstance(node, m.RegexLiteral):
            t = self.lexemes.term(("R", node.pattern, node.flags))
        elif isinstance(node, m.LiteralRange):
            t = self.lexemes.term(("G", node.low.value, node.high.value))
        elif isinstance(node, m.Literal):
            t = self.lexemes.term(("L", node.value, node.flags))
        else:  # pragma: no cover - only called on leaves
            t = None
        self._term_of[key] = t
        return t

    def _min_len(self, node: m.Node, cache: bool = True) -> int:
        key = id(node)
        if cache and key in self._ml:
            return self._ml[key]
        r: int
        if isinstance(node, m.Literal):
            r = len(node.value.encode("utf-8"))
        elif isinstance(node, (m.RegexLiteral, m.LiteralRange)) or (isinstance(node, m.NameRef) and node.is_terminal):
            t = self._term(node)
            r = 1 if t is None else (INF if t == EMPTY else self.lang.lengths(t)[0])
        elif isinstance(node, m.NameRef):
            d = self.defs.get(node.name)
            r = self._rule_ml.get(node.name, INF) if d is not None and d.params is None else INF
        elif isinstance(node, m.Expansions):
            r = min((self._min_len(a, cache) for a in node.alternatives), default=INF)
        elif isinstance(node, m.Alternative):
            r = self._min_len(node.conjuncts[0], cache) if len(node.conjuncts) == 1 else 1
        elif isinstance(node, m.Sequence):
            r = min(INF, sum(self._min_len(i, cache) for i in node.items))
        elif isinstance(node, m.Group):
            r = self._min_len(node.body, cache)
        elif isinstance(node, m.Maybe):
            r = 0
        elif isinstance(node, m.Repeat):
            r = 0 if node.min == 0 else min(INF, node.min * self._min_len(node.item, cache))
        elif isinstance(node, m.SpecialToken):
            r = INF  # no text form: never planned
        else:
            r = 1  # opaque: the walk finishes the sample
        if cache:
            self._ml[key] = r
        return r

    def _height(self, node: m.Node, cache: bool = True) -> int:
        key = id(node)
        if cache and key in self._h:
            return self._h[key]
        r: int
        if isinstance(node, m.NameRef) and not node.is_terminal:
            r = self._rule_h.get(node.name, INF) if node.name in self.defs else INF
        elif isinstance(node, m.Expansions):
            r = min((self._height(a, cache) for a in node.alternatives), default=INF)
        elif isinstance(node, m.Alternative):
            r = self._height(node.conjuncts[0], cache) if len(node.conjuncts) == 1 else 0
        elif isinstance(node, m.Sequence):
            r = max((self._height(i, cache) for i in node.items), default=0)
        elif isinstance(node, m.Group):
            r = self._height(node.body, cache)
        elif isinstance(node, m.Maybe):
            r = 0
        elif isinstance(node, m.Repeat):
            r = 0 if node.min == 0 else self._height(node.item, cache)
        elif isinstance(node, m.SpecialToken):
            r = INF
        else:
            r = 0
        if cache:
            self._h[key] = r
        return r

    # -- terminals -------------------------------------------------------------------

    def _table(self, t: int) -> _State:
        """The sampling table of the language state ``t`` (built once): its characters
        with their weights and where each leads."""
        st = self._tables.get(t)
        if st is not None:
            return st
        lang = self.lang
        chars = lang.chars
        classes = self._char_classes
        by_class: dict[int, list[tuple[int, int]]] = {}
        for atom, d in lang.transitions(t):
            while atom:
                low = atom & -atom
                i = low.bit_length() - 1
                by_class.setdefault(classes[i], []).append((i, d))
                atom ^= low
        st = _State(lang.nullable(t))
        acc = 0.0
        # A class first (by its weight), then a character of it uniformly: one draw over
        # the characters, each weighing its class's weight shared among the class.
        for c in sorted(by_class):
            members = sorted(by_class[c])
            share = _CLASS_WEIGHTS[c] / len(members)
            for i, d in members:
                acc += share
                st.cum.append(acc)
                st.texts.append(chars[i].encode("utf-8"))
                st.nexts.append(d)
        st.n = len(st.texts)
        st.total = acc
        st.uniform = len(by_class) == 1
        st.succ = [None] * st.n
        self._tables[t] = st
        return st

    def _state(self, t: int) -> _State:
        """:meth:`_table` with the forced run from ``t`` worked out (a state that is no end
        and has one character only: ``"ORD-"``, a literal terminal), taken in one step."""
        found = self._states.get(t)
        if found is not None:
            return found
        st = self._table(t)
        if st.n == 1 and not st.nullable:
            run = [st.texts[0]]
            seen = {t}
            u = st.nexts[0]
            while len(run) < MAX_TERMINAL_CHARS and u not in seen:
                nxt = self._table(u)
                if nxt.n != 1 or nxt.nullable:
                    break
                seen.add(u)
                run.append(nxt.texts[0])
                u = nxt.nexts[0]
            st.run = b"".join(run)
            st.run_len = len(run)
            st.run_end = u
        self._states[t] = st
        return st

    def _finishing(self, st: _State) -> list[int]:
        """The characters (positions in ``st``) after which the language can end soonest."""
        if st.finish is None:
            lang = self.lang
            best: list[int] = []
            low = INF
            lows: dict[int, int] = {}
            for k, d in enumerate(st.nexts):
                n = lows.get(d)
                if n is None:
                    n = lows[d] = lang.lengths(d)[0]
                if n < low:
                    low, best = n, [k]
                elif n == low:
                    best.append(k)
            st.finish = best
        return st.finish

    def fixed_string(self, t: int) -> str | None:
        """The one string of the language ``t``, if it has exactly one."""
        st = self._state(t)
        if st.run is not None:
            end = self._state(st.run_end)
            return st.run.decode("utf-8") if end.nullable and not end.n else None
        return "" if st.nullable and not st.n else None

    def _soft(self, t: int) -> int:
        """Characters after which a string of ``t`` heads for its nearest end:
        :data:`TERMINAL_SOFT_CHARS` or twice the shortest string's length, whichever is more."""
        return max(TERMINAL_SOFT_CHARS, 2 * self.lang.lengths(t)[0])

    def sample_term(self, t: int, rng: random.Random, pressed: bool) -> str | None:
        """A random string of the language ``t`` (None: no end found). Past
        :data:`TERMINAL_SOFT_CHARS` characters or twice the shortest string's length,
        whichever is more (at once when ``pressed``), it heads for the nearest end."""
        if pressed:
            data = self._draw(self._state(t), rng.random, 1.0, 0)
        else:
            data = self._draw(self._state(t), rng.random, self.stop_probability, self._soft(t))
        return None if data is None else data.decode("utf-8")

    def _draw(self, st: _State, random_: Callable[[], float], stop: float, soft: int) -> bytes | None:
        """:meth:`sample_term`'s string as UTF-8 (``stop``: the probability of ending where
        the string may end; 1 ends at the first such point without drawing), from the
        state ``st``."""
        out: list[bytes] = []
        n = 0
        while True:
            if st.run is not None:
                out.append(st.run)
                n += st.run_len
                if n >= MAX_TERMINAL_CHARS:
                    return None
                nxt = st.run_next
                if nxt is None:
                    nxt = st.run_next = self._state(st.run_end)
                st = nxt
                continue
            if st.nullable and (stop >= 1.0 or not st.n or random_() < stop):
                return b"".join(out)
            if not st.n or n >= MAX_TERMINAL_CHARS:
                return None
            if n >= soft:
                f = st.finish or self._finishing(st)
                k = f[0] if len(f) == 1 else f[int(random_() * len(f))]
            elif st.uniform:
                k = int(random_() * st.n)
            else:
                k = bisect_right(st.cum, random_() * st.total)
                if k >= st.n:  # pragma: no cover - rounding at the very top
                    k = st.n - 1
            out.append(st.texts[k])
            nxt = st.succ[k]
            if nxt is None:
                nxt = st.succ[k] = self._state(st.nexts[k])
            st = nxt
            n += 1

    # -- plans -----------------------------------------------------------------------

    def plan(self, rng: random.Random, max_bytes: int, record: bool = True) -> Plan | None:
        """One random derivation's pieces (None: abandoned). ``record``: note the
        alternatives and terminals it uses (for coverage; a little slower)."""
        if self.start_ml >= INF:
            return None
        if self.regex_term is not None:
            data = self._draw(self._state(self.regex_term), rng.random, self.stop_probability, self._regex_soft)
            return None if data is None else Plan([data], True)
        mean = MEAN_EXTRA[0] if rng.random() < 0.5 else MEAN_EXTRA[1]
        extra = int(rng.expovariate(1.0 / mean))
        target = min(self.start_ml + extra, max(self.start_ml, max_bytes * 3 // 4))
        return self._plan_rules(rng, target, record)

    # -- the compiled grammar ----------------------------------------------------------

    def _compile(self) -> None:
        """The rules as :class:`_C` nodes with their minimal lengths and choices worked out
        once (planning runs ~50 steps per sample: this keeps each step cheap). A terminal
        with one string becomes a literal; without ``%ignore``, neighbouring literals of a
        sequence become one."""
        rules: dict[str, _C] = {}
        for name, d in self.defs.items():
            if d.params is None:
                rules[name] = _C(_CHOICE, self._rule_ml[name])
        self._rules = rules
        merge = self.ignore_term is None

        def comp(node: m.Node) -> _C:
            ml = self._min_len(node)
            if isinstance(node, m.Literal):
                if "i" in node.flags and node.value.lower() != node.value.upper():
                    return _C(_ILIT, ml, node.value)
                return _C(_LIT, ml, node.value.encode("utf-8"), ())
            if isinstance(node, (m.RegexLiteral, m.LiteralRange)) or (isinstance(node, m.NameRef) and node.is_terminal):
                t = self._term(node)
                if t is None:
                    return _C(_OPAQUE, ml)
                name = node.name if isinstance(node, m.NameRef) else None
                fixed = self.fixed_string(t) if t != EMPTY else None
                if fixed is not None:
                    return _C(_LIT, ml, fixed.encode("utf-8"), () if name is None else (name,))
                return _C(_TERM, ml, self._state(t), name, self._soft(t))
            if isinstance(node, m.NameRef):
                rule = rules.get(node.name)
                return rule if rule is not None else _C(_OPAQUE, INF)
            if isinstance(node, m.Sequence):
                items: list[_C] = []
                for i in node.items:
                    item = comp(i)
                    if merge and items and item.kind == _LIT and items[-1].kind == _LIT:
                        prev = items[-1]
                        items[-1] = _C(_LIT, prev.ml + item.ml, prev.a + item.a, prev.b + item.b)
                    else:
                        items.append(item)
                if merge:
                    items = runs(items)
                if len(items) == 1:
                    return items[0]
                # SEQ: the items, the rest after the first in reverse (pushed as they are)
                # and the rest's minimal length.
                rest = items[:0:-1]
                return _C(_SEQ, ml, items, rest, min(INF, sum(i.ml for i in rest)))
            if isinstance(node, m.Group):
                return comp(node.body)
            if isinstance(node, m.Expansions):
                return choice(node.alternatives, _C(_CHOICE, ml), None)
            if isinstance(node, m.Maybe):
                return _C(_OPT, ml, comp(node.body))
            if isinstance(node, m.Repeat):
                if node.min == 0 and node.max == 1:  # x? drawn as [x]: the same odds
                    return _C(_OPT, ml, comp(node.item))
                return _C(_REP, ml, comp(node.item), node.min, node.max)
            if isinstance(node, m.SpecialToken):
                return _C(_OPAQUE, INF)
            return _C(_OPAQUE, ml)

        def runs(items: list[_C]) -> list[_C]:
            """Neighbouring literals, optional literals and terminals of a sequence as one
            RUN node, expanded in one step (without %ignore: nothing goes between them)."""
            out: list[_C] = []
            group: list[_C] = []

            def close() -> None:
                if len(group) == 1:
                    out.append(group[0])
                elif group:
                    parts: list[tuple] = []
                    for g in group:
                        if g.kind == _LIT:
                            parts.append((_LIT, g.a, g.ml, g.b))
                        elif g.kind == _OPT:
                            parts.append((_OPT, g.a.a, 0, g.a.b))
                        else:
                            parts.append((_TERM, g.a, g.ml, g.b, g.c))
                    out.append(_C(_RUN, min(INF, sum(g.ml for g in group)), parts))
                group.clear()

            for item in items:
                if item.kind in (_LIT, _TERM) or (item.kind == _OPT and item.a.kind == _LIT):
                    group.append(item)
                else:
                    close()
                    out.append(item)
            close()
            return out

        def choice(alts: list[m.Alternative], c: _C, name: str | None) -> _C:
            options: list[tuple[_C, int, int, int]] = []  # node, ml, height, coverage index
            for alt in alts:
                ml = self._min_len(alt)
                if ml >= INF:
                    continue
                body = comp(alt.conjuncts[0]) if len(alt.conjuncts) == 1 else _C(_OPAQUE, ml)
                options.append((body, ml, self._height(alt), self._alt_index.get(id(alt), -1)))
            if len(options) == 1 and options[0][3] < 0 and name is None:
                return options[0][0]
            c.a = [o[0] for o in options]
            key = min(((o[1], o[2]) for o in options), default=None)
            c.b = [i for i, o in enumerate(options) if (o[1], o[2]) == key]
            low = min((o[2] for o in options), default=0)
            c.c = [i for i, o in enumerate(options) if o[2] == low]
            c.d = [(o[3],) if o[3] >= 0 else () for o in options]
            made.append(c)
            return c

        made: list[_C] = []

        for name, d in self.defs.items():
            if d.params is None:
                rule = rules[name]
                choice(d.body.alternatives, rule, name)
                stop = self._stops.get(name)
                if stop is not None:
                    rule.stop = _C(_LIT, len(stop), stop, ()) if isinstance(stop, bytes) else stop
        budget = [FLAT_BUDGET]
        flat = [(c, _flatten(c, budget)) for c in made]
        for c, options in flat:
            _set_options(c, options)

    def _plan_rules(self, rng: random.Random, target: int, record: bool = True) -> Plan | None:
        """One derivation from the start rule. The node being expanded is ``c``; what is
        still owed after it waits on ``stack`` (``owed``: its minimal length), so a node
        with one part to expand next goes on with it without a trip through the stack.
        ``record``: note the alternatives and terminals used (for coverage)."""
        plan = Plan([], True)
        pieces = plan.pieces
        append = pieces.append
        alternatives = plan.alternatives
        terminals = plan.terminals
        c: _C | None = self._rules["start"]
        length = 0
        owed = 0
        stack: list[_C] = []
        pop = stack.pop
        push = stack.append
        steps = 0
        last = 0  # the last byte emitted
        ignore = None if self.ignore_term is None else self._state(self.ignore_term)
        random_ = rng.random
        draw = self._draw
        stop_p = self.stop_probability
        half = MAX_STEPS // 2
        while True:
            if c is None:
                if not stack:
                    break
                c = pop()
                owed -= c.ml
            kind = c.kind
            if kind == _LIT:
                piece = c.a
                if record and c.b:
                    terminals.update(c.b)
            elif kind == _CHOICE:
                steps += 1
                if steps > MAX_STEPS:
                    return None
                stop = c.stop
                if stop is not None:
                    if isinstance(stop, int):
                        data = draw(self._state(stop), random_, 1.0, 0)
                        if data is None:
                            return None
                        stop = _C(_LIT, len(data), data, ())
                    if stop.a:
                        push(stop)
                        owed += stop.ml
                options = c.a
                n = len(options)
                if n == 1:
                    i = 0
                elif n == 0:
                    return None
                elif length + owed < target:
                    w = c.w
                    i = int(random_() * n) if w is None else bisect_right(w, random_() * w[-1])
                else:
                    idx, w = c.b if steps <= half else c.c
                    if len(idx) == 1:
                        i = idx[0]
                    elif w is None:
                        i = idx[int(random_() * len(idx))]
                    else:
                        i = idx[bisect_right(w, random_() * w[-1])]
                if record:
                    covs = c.d[i]
                    if covs:
                        alternatives.update(covs)
                c = options[i]
                continue
            elif kind == _SEQ:
                stack.extend(c.b)
                owed += c.c
                c = c.a[0]
                continue
            elif kind == _RUN:  # (only without %ignore)
                rest = c.ml  # what the run still owes after the part at hand
                for part in c.a:
                    code = part[0]
                    if code == _LIT:
                        rest -= part[2]
                        data = part[1]
                    elif code == _OPT:
                        if length + owed + rest >= target or random_() >= 0.5:
                            continue
                        data = part[1]
                    else:
                        rest -= part[2]
                        if length + owed + rest < target:
                            drawn = draw(part[1], random_, stop_p, part[4])
                        else:
                            drawn = draw(part[1], random_, 1.0, 0)
                        if drawn is None:
                            return None
                        if record and part[3] is not None:
                            terminals.add(part[3])
                        append(drawn)
                        length += len(drawn)
                        continue
                    if record and part[3]:
                        terminals.update(part[3])
                    append(data)
                    length += len(data)
                c = None
                continue
            elif kind == _TERM:
                if length + owed < target:
                    drawn = draw(c.a, random_, stop_p, c.c)
                else:
                    drawn = draw(c.a, random_, 1.0, 0)
                if drawn is None:
                    return None
                if record and c.b is not None:
                    terminals.add(c.b)
                piece = drawn
            elif kind == _OPT:
                body = c.a
                if length + owed >= target or body.ml >= INF or random_() >= 0.5:
                    c = None
                    continue
                if body.kind != _LIT:
                    c = body
                    continue
                piece = body.a  # an optional literal (" "?) is emitted at once
                if record and body.b:
                    terminals.update(body.b)
            elif kind == _REP:
                steps += 1
                if steps > MAX_STEPS:
                    return None
                item = c.a
                count = c.b
                if item.ml >= INF:
                    if count:
                        return None
                    c = None
                    continue
                if length + owed < target:
                    hi = c.c
                    while (hi is None or count < hi) and random_() < 0.5:
                        count += 1
                if not count:
                    c = None
                    continue
                if count > 1:
                    stack.extend([item] * (count - 1))
                    owed += (count - 1) * item.ml
                c = item
                continue
            elif kind == _ILIT:
                piece = "".join(ch.upper() if random_() < 0.5 else ch.lower() for ch in c.a).encode("utf-8")
            else:  # special tokens, %json, nested grammars, templates...: the walk's
                plan.complete = False
                break
            c = None
            if ignore is None:
                append(piece)
                length += len(piece)
                continue
            if not piece:
                continue
            if pieces and ((_WORDY[last] and _WORDY[piece[0]]) or (length + owed < target and random_() < 0.1)):
                drawn = draw(ignore, random_, 1.0, 0)
                if drawn:
                    append(drawn)
                    length += len(drawn)
            append(piece)
            length += len(piece)
            last = piece[-1]
        return plan


_CHOICE, _SEQ, _LIT, _ILIT, _TERM, _OPT, _REP, _OPAQUE, _RUN = range(9)


class _C:
    """A compiled grammar node: ``kind``, minimal length ``ml`` and up to four fields:
    CHOICE (options, best option indexes under pressure, shallowest ones, coverage indexes;
    ``stop``: a LIT node or a language), SEQ (items, the items after the first in reverse,
    their minimal length), LIT (bytes, names of the terminals it spells), ILIT (text),
    TERM (first state of the language, terminal name, characters after which it heads for
    an end), OPT (body), RUN (parts of a sequence, each ``(LIT, bytes, minimal length,
    terminal names)``, ``(OPT, bytes, 0, terminal names)`` or ``(TERM, first state,
    minimal length, terminal name, characters after which it heads for an end)``),
    REP (item, min, max)."""

    __slots__ = ("a", "b", "c", "d", "kind", "ml", "stop", "w")

    def __init__(self, kind: int, ml: int, a=None, b=None, c=None, d=None) -> None:
        self.kind = kind
        self.ml = ml
        self.a = a
        self.b = b
        self.c = c
        self.d = d
        self.stop: _C | int | None = None
        self.w: list[float] | None = None


FLAT_OPTIONS = 32
"""Options at most in a choice with the choices among its options folded in."""
FLAT_DEPTH = 6
"""Levels of choices folded into one at most."""
FLAT_BUDGET = 4_000
"""Choices visited at most while folding one grammar's choices."""


def _flatten(c: _C, budget: list[int]) -> list[tuple[_C, float, float, float, tuple[int, ...]]]:
    """The options of the choice ``c`` with every option that is itself a choice (without
    a stop string) replaced by its own options, recursively, each with its probability
    when the plan is not pressed, when pressed (the best options), when pressed late (the
    shallowest), and the coverage indexes of the alternatives on the way. Choosing among
    these at once is the same as choosing level by level (nothing is emitted in between,
    so the pressure is the same at every level); it saves a step per level.

    At most :data:`FLAT_OPTIONS` options and :data:`FLAT_DEPTH` levels; ``budget`` (shared
    by the whole grammar) counts the choices visited, and once it is spent choices are
    left as they are."""

    def expand(
        x: _C, path: frozenset[int], room: int, depth: int
    ) -> list[tuple[_C, float, float, float, tuple[int, ...]]] | None:
        n = len(x.a)
        if n > room or depth > FLAT_DEPTH or budget[0] <= 0:
            return None
        budget[0] -= 1
        best, shallow = set(x.b), set(x.c)
        out: list[tuple[_C, float, float, float, tuple[int, ...]]] = []
        for i, o in enumerate(x.a):
            pu = 1.0 / n
            pb = 1.0 / len(x.b) if i in best else 0.0
            pc = 1.0 / len(x.c) if i in shallow else 0.0
            cov = x.d[i]
            sub = None
            left = room - len(out) - (n - i - 1)  # one place for each option after this one
            if o.kind == _CHOICE and o.stop is None and 0 < len(o.a) <= left and id(o) not in path:
                sub = expand(o, path | {id(o)}, left, depth + 1)
            if sub is None:
                out.append((o, pu, pb, pc, cov))
            else:
                out.extend((leaf, pu * su, pb * sb, pc * sc, cov + scov) for leaf, su, sb, sc, scov in sub)
        return out

    found = expand(c, frozenset((id(c),)), max(FLAT_OPTIONS, len(c.a)), 0)
    if found is None:
        return [(o, 0.0, 0.0, 0.0, o_cov) for o, o_cov in zip(c.a, c.d, strict=True)]
    merged: dict[tuple[int, tuple[int, ...]], list] = {}
    for leaf, pu, pb, pc, cov in found:
        key = (id(leaf), cov)
        if key in merged:
            entry = merged[key]
            entry[1] += pu
            entry[2] += pb
            entry[3] += pc
        else:
            merged[key] = [leaf, pu, pb, pc, cov]
    return [tuple(e) for e in merged.values()]


def _set_options(c: _C, options: list[tuple[_C, float, float, float, tuple[int, ...]]]) -> None:
    """Store :func:`_flatten`'s options on ``c``: options, coverage tuples, and for each
    of the three ways of choosing, the option indexes with cumulative weights (None when
    uniform). Unflattened options (probabilities 0) keep the choice as it was."""
    if options and all(o[1] == 0.0 for o in options):
        c.b = (c.b, None)
        c.c = (c.c, None)
        return

    def draw(probs: list[float]) -> tuple[list[int], list[float] | None]:
        idx = [i for i, p in enumerate(probs) if p > 0.0]
        weights = [probs[i] for i in idx]
        if not weights or all(abs(w - weights[0]) <= 1e-12 * weights[0] for w in weights):
            return idx, None
        cum: list[float] = []
        acc = 0.0
        for w in weights:
            acc += w
            cum.append(acc)
        return idx, cum

    c.a = [o[0] for o in options]
    c.d = [o[4] for o in options]
    every, c.w = draw([o[1] for o in options])
    c.b = draw([o[2] for o in options])
    c.c = draw([o[3] for o in options])


_WORDY = [chr(b).isalnum() or b == 0x5F or b >= 0x80 for b in range(256)]


__all__ = ["Alt", "Plan", "Planner", "PlannerUnavailable"]
