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

**What it cannot plan** (special tokens, ``%json``, nested ``%lark``, ``&``, ``~``, templates,
terminals whose language is not modelled): the plan stops there, marked ``None``, and the
caller finishes the sample with the byte-mask walk.

The planner only proposes: every plan is checked by llguidance (``validate_tokens``) before it
is kept, and a plan llguidance refuses is finished by the byte-mask walk from the last piece
it accepted. The derivation of a plan that llguidance accepted whole is a derivation of the
sample by the grammar's rules (as a context-free grammar); that is what ``--cover`` counts.
"""

from __future__ import annotations

import random
from bisect import bisect_right
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

MAX_STEPS = 20_000
"""Nodes expanded at most for one plan (a plan beyond that is abandoned)."""

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
    state ``nexts[k]``; ``run`` is the text every string goes on with (from a state that is
    not an end and has one character only), ``run_end`` the state after it."""

    __slots__ = ("cum", "finish", "n", "nexts", "nullable", "run", "run_end", "texts", "total")

    def __init__(self, nullable: bool) -> None:
        self.nullable = nullable
        self.cum: list[float] = []
        self.texts: list[str] = []
        self.nexts: list[int] = []
        self.n = 0
        self.total = 0.0
        self.finish: list[int] | None = None
        self.run: str | None = None
        self.run_end = EMPTY


class Planner:
    """Random derivations of one grammar (see the module documentation)."""

    def __init__(self, grammar: str, syntax: str = "lark", *, stop_probability: float = 0.25) -> None:
        self.stop_probability = stop_probability
        self._tables: dict[int, _State] = {}
        self._states: dict[int, _State] = {}
        self._soft: dict[int, int] = {}
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
                st.texts.append(chars[i])
                st.nexts.append(d)
        st.n = len(st.texts)
        st.total = acc
        self._tables[t] = st
        return st

    def _state(self, t: int) -> _State:
        """:meth:`_table` with the forced run from ``t`` worked out (a state that is no end
        and has one character only: ``"ORD-"``, a literal terminal), taken in one step."""
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
            st.run = "".join(run)
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
            return st.run if end.nullable and not end.n else None
        return "" if st.nullable and not st.n else None

    def sample_term(self, t: int, rng: random.Random, pressed: bool) -> str | None:
        """A random string of the language ``t`` (None: no end found). Past
        :data:`TERMINAL_SOFT_CHARS` characters or twice the shortest string's length,
        whichever is more (at once when ``pressed``), it heads for the nearest end."""
        out: list[str] = []
        random_ = rng.random
        stop = 1.0 if pressed else self.stop_probability
        if pressed:
            soft = 0
        else:
            soft = self._soft.get(t, -1)
            if soft < 0:
                soft = self._soft[t] = max(TERMINAL_SOFT_CHARS, 2 * self.lang.lengths(t)[0])
        states = self._states
        n = 0
        while True:
            st = states.get(t) or self._state(t)
            if st.run is not None:
                out.append(st.run)
                n += len(st.run)
                t = st.run_end
                if n >= MAX_TERMINAL_CHARS:
                    return None
                continue
            if st.nullable and (not st.n or random_() < stop):
                return "".join(out)
            if not st.n or n >= MAX_TERMINAL_CHARS:
                return None
            if n >= soft:
                f = st.finish or self._finishing(st)
                k = f[0] if len(f) == 1 else f[int(random_() * len(f))]
            elif st.n == 1:
                k = 0
            else:
                k = bisect_right(st.cum, random_() * st.total)
                if k >= st.n:  # pragma: no cover - rounding at the very top
                    k = st.n - 1
            out.append(st.texts[k])
            t = st.nexts[k]
            n += 1

    # -- plans -----------------------------------------------------------------------

    def plan(self, rng: random.Random, max_bytes: int, record: bool = True) -> Plan | None:
        """One random derivation's pieces (None: abandoned). ``record``: note the
        alternatives and terminals it uses (for coverage; a little slower)."""
        if self.start_ml >= INF:
            return None
        if self.regex_term is not None:
            s = self.sample_term(self.regex_term, rng, False)
            if s is None:
                return None
            return Plan([s.encode("utf-8")], True)
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
                return _C(_TERM, ml, t, name)
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
            c.d = [o[3] for o in options]
            return c

        for name, d in self.defs.items():
            if d.params is None:
                rule = rules[name]
                choice(d.body.alternatives, rule, name)
                stop = self._stops.get(name)
                if stop is not None:
                    rule.stop = _C(_LIT, len(stop), stop, ()) if isinstance(stop, bytes) else stop

    def _plan_rules(self, rng: random.Random, target: int, record: bool = True) -> Plan | None:
        """One derivation from the start rule. The node being expanded is ``c``; what is
        still owed after it waits on ``stack`` (``owed``: its minimal length), so a node
        with one part to expand next goes on with it without a trip through the stack.
        ``record``: note the alternatives and terminals used (for coverage)."""
        plan = Plan([], True)
        pieces = plan.pieces
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
        ignore = self.ignore_term
        random_ = rng.random
        sample_term = self.sample_term
        half = MAX_STEPS // 2
        while True:
            if c is None:
                if not stack:
                    break
                c = pop()
                owed -= c.ml
            steps += 1
            if steps > MAX_STEPS:
                return None
            kind = c.kind
            if kind == _LIT:
                piece = c.a
                if record and c.b:
                    terminals.update(c.b)
            elif kind == _CHOICE:
                stop = c.stop
                if stop is not None:
                    if isinstance(stop, int):
                        s = sample_term(stop, rng, True)
                        if s is None:
                            return None
                        data = s.encode("utf-8")
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
                    i = int(random_() * n)
                else:
                    best = c.b if steps <= half else c.c
                    i = best[0] if len(best) == 1 else best[int(random_() * len(best))]
                if record:
                    cov = c.d[i]
                    if cov >= 0:
                        alternatives.add(cov)
                c = options[i]
                continue
            elif kind == _SEQ:
                stack.extend(c.b)
                owed += c.c
                c = c.a[0]
                continue
            elif kind == _TERM:
                s = sample_term(c.a, rng, length + owed >= target)
                if s is None:
                    return None
                if record and c.b is not None:
                    terminals.add(c.b)
                piece = s.encode("utf-8")
            elif kind == _OPT:
                body = c.a
                c = body if length + owed < target and body.ml < INF and random_() < 0.5 else None
                continue
            elif kind == _REP:
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
            if not piece:
                continue
            if (
                ignore is not None
                and pieces
                and ((_WORDY[last] and _WORDY[piece[0]]) or (length + owed < target and random_() < 0.1))
            ):
                s = sample_term(ignore, rng, True)
                if s:
                    b = s.encode("utf-8")
                    pieces.append(b)
                    length += len(b)
            pieces.append(piece)
            length += len(piece)
            last = piece[-1]
        return plan


_CHOICE, _SEQ, _LIT, _ILIT, _TERM, _OPT, _REP, _OPAQUE = range(8)


class _C:
    """A compiled grammar node: ``kind``, minimal length ``ml`` and up to four fields:
    CHOICE (options, best option indexes under pressure, shallowest ones, coverage indexes;
    ``stop``: a LIT node or a language), SEQ (items, the items after the first in reverse,
    their minimal length), LIT (bytes, names of the terminals it spells), ILIT (text),
    TERM (language, terminal name), OPT (body), REP (item, min, max)."""

    __slots__ = ("a", "b", "c", "d", "kind", "ml", "stop")

    def __init__(self, kind: int, ml: int, a=None, b=None, c=None, d=None) -> None:
        self.kind = kind
        self.ml = ml
        self.a = a
        self.b = b
        self.c = c
        self.d = d
        self.stop: _C | int | None = None


_WORDY = [chr(b).isalnum() or b == 0x5F or b >= 0x80 for b in range(256)]


__all__ = ["Alt", "Plan", "Planner", "PlannerUnavailable"]
