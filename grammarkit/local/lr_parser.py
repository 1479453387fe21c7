"""A linear-time parser for the local parse, with exactly the trees and verdicts of the
Earley parser it stands in for.

:class:`grammarkit.local.parser.LocalParser` parses with Lark's Earley parser and its
dynamic lexer (``ambiguity="resolve"``). That parser is general but slow: its work grows
with every token it keeps alive, and a 16,000-character input takes seconds. This module
parses the same grammar (the rules, callbacks and terminal regexes of that very Lark
object) with LR tables built by Lark's own LALR(1) analysis, driven so that the result is
the Earley parser's result:

**The lexer follows the Earley scanner.** At a position, the candidate terminals are those
the LR state has an action for (narrowed by the character there: a terminal takes part
only if its regex can start with it, worked out at build time with the ``regex`` module's
partial matching). Each candidate is matched with the same compiled regex Lark's dynamic
lexer uses (Python ``regex``, ``pattern.match(text, pos)``: one match per terminal, the
one Python's regex engine picks), and so is every ignored terminal (``%ignore``), which
may come between any two tokens, before the first and after the last, as in the Earley
scanner.

**Every way on is followed.** Where more than one candidate matches (a tie, or two
lengths), where an ignored terminal matches too, or where the LALR(1) table has a conflict
(``expr SP? "+"`` after ``term SP? "*"`` is a shift/reduce conflict on ``SP`` that the
next token settles), the parse forks: each alternative is a separate stack (persistent,
so a fork costs nothing), all stacks advance in order of input position, and a stack
that cannot go on dies. Usually the wrong alternatives die within a token or two, and the
parse stays linear. Nothing is decided by preference (no "longest match wins", no "shift
wins"), so nothing can differ from the Earley parser, which also follows every way:

* exactly one stack reaches the end: the input has exactly one parse, the one the Earley
  parser returns. Its tree is built afterwards by replaying the shifts and reductions of
  that stack through Lark's tree-building callbacks (``?rule`` inlining, ``_rule`` and
  ``_TERM`` filtering, ``-> alias``, positions; :func:`fast_callback` does each rule's
  chain of them in one call), with tokens carrying the positions the Earley scanner gives
  them;
* none does: the input is rejected where the Earley parser rejects it (the furthest
  position any stack reached, with the union of the terminals the stacks there could
  take, which is the Earley parser's "expected" set);
* more than one does (the input is ambiguous), more than :data:`MAX_STACKS` stacks are
  alive at once, or anything else this parser does not model turns up: :data:`FALLBACK`,
  and the caller parses with Earley, whose ``ambiguity="resolve"`` choice is not
  reproduced here.

**Which grammars** (:attr:`LRParser.kind`): ``"lalr"`` when the LALR(1) table has no
conflict (forks come only from the lexer), ``"glr"`` when it has conflicts (explored by
forking as above). :func:`build` returns None (the caller keeps Earley for every input)
when Lark cannot analyse the grammar, when it has a cycle (``a: b``, ``b: a``) or hidden
left recursion (``a: b a "x"`` with ``b`` nullable), on which an LR parser that follows
every way would not terminate, or when a rule is ambiguous by its very shape (a left- and
a right-recursive alternative, as in ``e: e "+" e``: :func:`ambiguous_recursion`), where
almost every input would end in the Earley parser anyway.
"""

from __future__ import annotations

import gc
import heapq
import re
import threading
from bisect import bisect_left
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

MAX_STACKS = 64
"""Stacks alive at once (summed over the positions still pending) above which a parse is
handed to Earley: a grammar that keeps that many alternatives open is ambiguous or far
from LR, and following them would not stay linear."""

GC_PAUSE_CHARS = 2_000
"""From this many characters on, Python's cyclic garbage collector is paused while the
input is parsed (see :func:`_gc_paused`)."""

FALLBACK = object()
"""What :meth:`LRParser.parse` returns when the Earley parser must decide."""

_ACCEPT = "accept"

# A pattern with lookaround, anchors or word boundaries (whose match can depend on the
# text around it): its first characters are not worked out, it is tried at every
# position whatever the character there.
_CONTEXT_DEPENDENT = re.compile(r"\\[BGKAbZz]|\(\?<[=!]|\(\?[=!]|\^|\$")


class Rejected(Exception):
    """The input does not parse: ``pos`` is where the Earley parser stops (a character
    offset; ``len(text)`` when the input ends too early), ``expected`` the Lark names of
    the terminals it expected there."""

    def __init__(self, pos: int, expected: set[str], at_end: bool) -> None:
        super().__init__(pos)
        self.pos = pos
        self.expected = expected
        self.at_end = at_end


class _Fallback(Exception):
    pass


@dataclass
class Analysis:
    """What :func:`build` found out about a grammar."""

    kind: str  # "lalr" | "glr" | "earley"
    reason: str = ""  # why "earley"
    conflicts: int = 0


# ---------------------------------------------------------------------------- building


def build(lark) -> tuple[LRParser | None, Analysis]:
    """The LR parser for a Lark object built as :class:`LocalParser` builds it (Earley,
    dynamic lexer), or None with the reason the Earley parser stays in charge."""
    try:
        return _build(lark)
    except _Unsupported as exc:
        return None, Analysis("earley", str(exc))
    except Exception as exc:  # Lark internals we rely on changed, or an unexpected grammar
        return None, Analysis("earley", f"the LR tables cannot be built: {type(exc).__name__}: {exc}")


class _Unsupported(Exception):
    pass


def _build(lark) -> tuple[LRParser | None, Analysis]:
    from lark.common import ParserConf
    from lark.grammar import NonTerminal
    from lark.parsers.lalr_analysis import LALR_Analyzer

    if lark.options.parser != "earley" or lark.options.lexer != "dynamic" or lark.options.ambiguity != "resolve":
        raise _Unsupported("only Earley parsers with the dynamic lexer are mirrored")
    if lark.options.postlex is not None or lark.options.lexer_callbacks or lark.options.transformer is not None:
        raise _Unsupported("lexer callbacks or an inline transformer")
    starts = lark.options.start
    if list(starts) != ["start"]:
        raise _Unsupported("the start symbol is not `start`")
    matcher = getattr(getattr(lark.parser, "parser", None), "term_matcher", None)
    regexps = getattr(getattr(matcher, "__self__", None), "regexps", None)
    if not isinstance(regexps, dict):
        raise _Unsupported("the Earley scanner's regexes are not available")

    rules = list(lark.rules)
    callbacks = lark._callbacks
    problem = grammar_shape_problem(rules)
    if problem:
        raise _Unsupported(problem)

    analyzer = LALR_Analyzer(ParserConf(rules, callbacks, ["start"]))
    analyzer.compute_lr0_states()
    analyzer.compute_reads_relations()
    analyzer.compute_includes_lookback()
    analyzer.compute_lookaheads()

    rule_index = {rule: i for i, rule in enumerate(rules)}
    states = list(analyzer.lr0_itemsets)
    start_state = analyzer.lr0_start_states["start"]
    states.remove(start_state)
    states.insert(0, start_state)
    state_id = {s: i for i, s in enumerate(states)}

    # Lark's table has no action for the end of the input where `start` is complete:
    # its parser stops when a reduction lands in this state with $END next.
    end_state = start_state.transitions[NonTerminal("start")]
    actions: list[dict] = []
    gotos: list[dict] = []
    conflicts = 0
    for s in states:
        act: dict[str, list] = {"$END": [_ACCEPT]} if s is end_state else {}
        goto: dict[str, int] = {}
        for sym, nxt in s.transitions.items():
            if sym.is_term:
                act.setdefault(str(sym.name), []).append(state_id[nxt])
            else:
                goto[str(sym.name)] = state_id[nxt]
        for la, reducible in s.lookaheads.items():
            for rule in sorted(reducible, key=lambda r: rule_index.get(r, -1)):
                if rule.origin.name == "$root_start":
                    act.setdefault(str(la.name), []).append(_ACCEPT)
                else:
                    act.setdefault(str(la.name), []).append(~rule_index[rule])
        table: dict[str, object] = {}
        for name, options in act.items():
            if len(options) > 1:
                conflicts += 1
                table[name] = tuple(options)
            else:
                table[name] = options[0]
        actions.append(table)
        gotos.append(goto)

    terminals = {str(t.name) for r in rules for t in r.expansion if t.is_term}
    ignore = tuple(str(name) for name in lark.ignore_tokens)
    for name in terminals | set(ignore):
        if name not in regexps:
            raise _Unsupported(f"no regex for terminal {name}")

    kind = "glr" if conflicts else "lalr"
    parser = LRParser(
        kind=kind,
        actions=actions,
        gotos=gotos,
        rules=[(str(r.origin.name), len(r.expansion)) for r in rules],
        callbacks=[fast_callback(callbacks[r]) for r in rules],
        regexps={name: regexps[name] for name in terminals | set(ignore)},
        ignore=ignore,
        nonterminals=len({r.origin for r in rules}),
    )
    return parser, Analysis(kind, conflicts=conflicts)


def grammar_shape_problem(rules) -> str:
    """Why an LR parser that follows every way cannot stand in for Earley on these (Lark
    BNF) rules, or "": a cycle (``a`` derives ``a``), hidden left recursion (``a: b a``
    with ``b`` nullable: the parser would reduce ``b`` forever) or a rule ambiguous by its
    shape (:func:`ambiguous_recursion`)."""
    nullable = _nullable(rules)
    unit: dict[str, set[str]] = {}  # a -> b: a derives b alone (the rest nullable)
    corner: dict[str, set[tuple[str, bool]]] = {}  # a -> (b, hidden): b can start a
    for r in rules:
        a = r.origin.name
        exp = r.expansion
        for i, sym in enumerate(exp):
            if sym.is_term:
                break
            corner.setdefault(a, set()).add((sym.name, i > 0))
            if sym.name not in nullable:
                break
        if any(sym.is_term for sym in exp):
            continue
        for i, sym in enumerate(exp):
            if all(o.name in nullable for j, o in enumerate(exp) if j != i):
                unit.setdefault(a, set()).add(sym.name)
    if _has_cycle(unit):
        return "the grammar has a cycle (a rule derives itself and nothing else)"
    plain = {a: {b for b, _ in edges} for a, edges in corner.items()}
    for a, edges in corner.items():
        for b, hidden in edges:
            if hidden and _reaches(plain, b, a):
                return f"rule {a} is left-recursive behind a part that can be empty (hidden left recursion)"
    amb = ambiguous_recursion(rules)
    if amb:
        return f"rule {amb.name} is ambiguous: {amb.describe()}"
    return ""


@dataclass(frozen=True)
class AmbiguousRule:
    """A rule with a left-recursive alternative (``left``: ``a: a x``) and a
    right-recursive one (``right``: ``a: y a``; the same rule for ``a: a "+" a``), as
    Lark BNF rules."""

    name: str
    left: object
    right: object

    def describe(self) -> str:
        if self.left is self.right:
            return f"`{_show(self.left)}` is both left- and right-recursive"
        return f"`{_show(self.left)}` is left-recursive and `{_show(self.right)}` right-recursive"


def ambiguous_recursion(rules) -> AmbiguousRule | None:
    """The first rule (Lark BNF) with a left- and a right-recursive alternative, or None.
    Such a rule is ambiguous whenever it derives anything: with ``a: a x`` and ``a: y a``,
    ``y a x`` parses as ``(y a) x`` and as ``y (a x)``; with ``a: a "+" a``, ``a + a + a``
    as ``(a + a) + a`` and ``a + (a + a)``."""
    by_origin: dict[str, list] = {}
    for r in rules:
        by_origin.setdefault(str(r.origin.name), []).append(r)

    def calls(sym, name) -> bool:
        return not sym.is_term and sym.name == name

    for name, alts in by_origin.items():
        left = [r for r in alts if len(r.expansion) >= 2 and calls(r.expansion[0], name)]
        right = [r for r in alts if len(r.expansion) >= 2 and calls(r.expansion[-1], name)]
        if left and right:
            both = [r for r in left if r in right]
            if both:
                return AmbiguousRule(name, both[0], both[0])
            return AmbiguousRule(name, left[0], right[0])
    return None


def _show(rule) -> str:
    return f"{rule.origin.name}: " + " ".join(str(s.name) for s in rule.expansion)


def _nullable(rules) -> set[str]:
    nullable: set[str] = set()
    changed = True
    while changed:
        changed = False
        for r in rules:
            a = r.origin.name
            if a not in nullable and all(not s.is_term and s.name in nullable for s in r.expansion):
                nullable.add(a)
                changed = True
    return nullable


def _reaches(graph: dict[str, set[str]], src: str, dst: str) -> bool:
    seen = {src}
    todo = [src]
    while todo:
        n = todo.pop()
        if n == dst:
            return True
        for m in graph.get(n, ()):
            if m not in seen:
                seen.add(m)
                todo.append(m)
    return False


def _has_cycle(graph: dict[str, set[str]]) -> bool:
    return any(_reaches(graph, b, a) for a, bs in graph.items() for b in bs)


# ---------------------------------------------------------------------------- parsing


class LRParser:
    """LR tables plus the Earley scanner's regexes; :meth:`parse` is thread-safe (every
    parse keeps its state in the call)."""

    def __init__(self, *, kind, actions, gotos, rules, callbacks, regexps, ignore, nonterminals) -> None:
        self.kind = kind
        self.actions = actions
        self.gotos = gotos
        self.rules = rules
        self.callbacks = callbacks
        self.regexps = regexps
        self.ignore = ignore
        self.reduction_budget = 4 * (len(rules) + nonterminals + 2)
        first = {name: _first_chars(rx) for name, rx in regexps.items()}
        # Per state: ASCII character -> the terminals to try there (others: all of them).
        self.candidates: list[tuple[dict[str, tuple], tuple]] = []
        shared: dict[tuple, tuple] = {}  # states that take the same terminals share a table
        for table in actions:
            names = tuple(sorted(n for n in table if n != "$END"))
            if names not in shared:
                shared[names] = _dispatch(list(names), first)
            self.candidates.append(shared[names])
        self.ignore_candidates = _dispatch(list(ignore), first)
        # Per state: ASCII character -> (terminal, its regex's match, the action) where that
        # terminal is the only one to try and no ignored terminal can start: for the
        # single-stack loop.
        ign_table = self.ignore_candidates[0]
        self.lone: list[dict[str, tuple]] = []
        for (table, _), row in zip(self.candidates, actions, strict=True):
            self.lone.append(
                {
                    c: (names[0], regexps[names[0]].match, row[names[0]])
                    for c, names in table.items()
                    if len(names) == 1 and not ign_table[c]
                }
            )

    # The parse state: a stack is a persistent linked list (state, parent, depth); the
    # events that built it are another: (event, parent) where an event is a rule index (a
    # reduction), a Token (a shift) or a list of those (a stretch parsed with one stack).
    # A parse follows every stack, in order of input position.
    def parse(self, text: str):
        """The Earley parser's tree for ``text``, :class:`Rejected`, or :data:`FALLBACK`."""
        try:
            if len(text) < GC_PAUSE_CHARS:
                return self._parse(text)
            with _gc_paused():
                return self._parse(text)
        except _Fallback:
            return FALLBACK

    def _parse(self, text: str):
        n = len(text)
        actions, gotos, rules, lone = self.actions, self.gotos, self.rules, self.lone
        reduction_budget = self.reduction_budget
        make_token, new_token = _token, _new_token
        newlines = [m.start() for m in re.finditer("\n", text)]
        candidates = self.candidates
        regexps = self.regexps
        ignore = self.ignore
        ign_first, ign_other = self.ignore_candidates
        pending: dict[int, list] = {}  # position -> stacks waiting there
        waiting = 0  # stacks in pending
        heap: list[int] = []
        solutions: list = []
        pos = 0
        # Stacks and event lists are linked lists of tuples: (state, below, depth) and
        # (event, rest); their types are recursive, so they are Any here.
        stack: Any = (0, None, 0)
        events: Any = None
        current: Any = None  # the stacks at pos, [(stack, events)], or None: just `stack`
        while True:
            if current is None:
                # One stack: shift and reduce in place while one terminal is to be tried
                # at each position and the table has one action for it.
                chunk: list = []
                while pos < n:
                    entry = lone[stack[0]].get(text[pos])
                    if entry is None:
                        break
                    name, match, act = entry
                    m = match(text, pos)
                    if m is None or type(act) is not int:
                        break
                    st = stack
                    mark = len(chunk)
                    budget = (st[2] + 2) * reduction_budget
                    while act < 0:
                        budget -= 1
                        if budget < 0:
                            raise _Fallback
                        rule = ~act
                        origin, size = rules[rule]
                        base = st
                        for _ in range(size):
                            base = base[1]
                        chunk.append(rule)
                        st = (gotos[base[0]][origin], base, base[2] + 1)
                        act = actions[st[0]].get(name)
                        if type(act) is not int:
                            break
                    if type(act) is not int:
                        del chunk[mark:]  # a conflict further on: the general step decides
                        break
                    end = m.end()
                    if end <= pos:
                        raise _Fallback  # a zero-width match: not modelled
                    if newlines:
                        chunk.append(make_token(name, m.group(), pos, end, newlines))
                    else:  # one line: the positions are the offsets
                        chunk.append(new_token(name, m.group(), pos, 1, pos + 1, 1, end + 1, end))
                    stack = (act, st, st[2] + 1)
                    pos = end
                if chunk:
                    events = (chunk, events)
                current = [(stack, events)]
            elif len(current) > 1:
                current = list({id(h[0]): h for h in current}.values())
                if len(current) + waiting > MAX_STACKS:
                    raise _Fallback
            successors = []
            if pos == n:
                for stack, events in current:
                    for _, done_stack, done_events in self._feed(stack, events, "$END"):
                        solutions.append((done_stack, done_events))
            else:
                c = text[pos]
                for stack, events in current:
                    firsts, other = candidates[stack[0]]
                    for name in firsts.get(c, other):
                        m = regexps[name].match(text, pos)
                        if m is None:
                            continue
                        end = m.end()
                        if end <= pos:
                            raise _Fallback
                        fed = self._feed(stack, events, name)
                        if not fed:
                            continue
                        token = make_token(name, m.group(), pos, end, newlines)
                        for shift_state, base, base_events in fed:
                            successors.append((end, (shift_state, base, base[2] + 1), (token, base_events)))
                    if ignore:
                        for name in ign_first.get(c, ign_other):
                            m = regexps[name].match(text, pos)
                            if m is not None:
                                if m.end() <= pos:
                                    raise _Fallback
                                successors.append((m.end(), stack, events))
            if len(successors) == 1 and not heap:  # the usual case: one way on
                pos, stack, events = successors[0]
                current = None
                continue
            for end, st, ev in successors:
                bucket = pending.get(end)
                if bucket is None:
                    pending[end] = [(st, ev)]
                    heapq.heappush(heap, end)
                else:
                    bucket.append((st, ev))
            waiting += len(successors)
            if waiting > MAX_STACKS:
                raise _Fallback
            if not heap:
                break
            pos = heapq.heappop(heap)
            current = pending.pop(pos)
            waiting -= len(current)
            if len(current) == 1 and not heap:
                (stack, events), current = current[0], None
        if len(solutions) > 1:
            raise _Fallback  # ambiguous: Earley's resolve picks one
        if solutions:
            return self._tree(solutions[0][1])
        # No stack got through: Earley stops at the furthest position any stack reached
        # (the last one processed), expecting what the stacks there could take.
        expected: set[str] = set()
        for stack, events in current:
            expected |= self._acceptable(stack, events)
        raise Rejected(pos, expected, pos >= n)

    def _feed(self, stack, events, name: str) -> list:
        """Reduce as the table says for terminal ``name`` (every way where it has a
        conflict) up to a shift of it: ``[(state after the shift, stack before it,
        events)]`` (for ``$END``: the accepting stacks)."""
        actions, gotos, rules = self.actions, self.gotos, self.rules
        out = []
        todo = [(stack, events)]
        budget = (stack[2] + 2) * self.reduction_budget
        while todo:
            stack, events = todo.pop()
            act = actions[stack[0]].get(name)
            if act is None:
                continue
            for a in act if type(act) is tuple else (act,):
                if a is _ACCEPT:
                    out.append((None, stack, events))
                elif a >= 0:
                    out.append((a, stack, events))
                else:
                    budget -= 1
                    if budget < 0:
                        raise _Fallback  # reductions without end: not an LR-friendly grammar
                    rule = ~a
                    origin, size = rules[rule]
                    base = stack
                    for _ in range(size):
                        base = base[1]
                    todo.append(((gotos[base[0]][origin], base, base[2] + 1), (rule, events)))
        return out

    def _acceptable(self, stack, events) -> set[str]:
        """The terminals ``stack`` can take next (the Earley parser's expected set)."""
        return {name for name in self.actions[stack[0]] if name != "$END" and self._feed(stack, events, name)}

    def _tree(self, events):
        """Replay the shifts and reductions of the one parse through Lark's callbacks."""
        parts = []
        while events is not None:
            parts.append(events[0])
            events = events[1]
        seq: list = []
        for part in reversed(parts):
            if type(part) is list:
                seq += part
            else:
                seq.append(part)
        rules, callbacks = self.rules, self.callbacks
        values: list = []
        for ev in seq:
            if type(ev) is int:
                size = rules[ev][1]
                if size:
                    children = values[-size:]
                    del values[-size:]
                else:
                    children = []
                values.append(callbacks[ev](children))
            else:
                values.append(ev)
        if len(values) != 1:  # pragma: no cover - the table accepted a whole parse
            raise _Fallback
        return values[0]


# ---------------------------------------------------------------------------- gc

_gc_lock = threading.Lock()
_gc_pausers = 0
_gc_was_enabled = False


@contextmanager
def _gc_paused():
    """Pause the cyclic garbage collector for the duration (if it is enabled), as
    ``timeit`` does. A long parse allocates tens of thousands of objects (tokens, tree
    nodes) that all survive it, and the collector's passes over them cost as much as a
    third of the parse while collecting nothing: the parse makes no reference cycles.
    Parses in several threads share one pause: the collector is enabled again when the
    last one ends (and only if it was enabled when the first one began)."""
    global _gc_pausers, _gc_was_enabled
    with _gc_lock:
        if _gc_pausers == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pausers += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pausers -= 1
            if _gc_pausers == 0 and _gc_was_enabled:
                gc.enable()


# ---------------------------------------------------------------------------- trees


def fast_callback(callback):
    """Lark's tree-building callback for one rule, as one function that does the same.

    Lark builds a rule's node through a chain of wrappers (for ``LocalParser``'s options:
    ``PropagatePositions(ChildFilterLALR_NoPlaceholders(ExpandSingleChild(Tree)))``,
    each link optional); calling through the chain costs as much as the parse itself. When
    ``callback`` is such a chain, this returns a function with the same effect (the same
    filtering, ``_rule`` expansion, single-child inlining, and ``meta`` positions and
    container positions, set the same way); any other callback is returned unchanged.
    The differential tests compare ``meta`` too."""
    from functools import partial

    from lark import Token, Tree
    from lark.parse_tree_builder import ChildFilterLALR_NoPlaceholders, ExpandSingleChild, PropagatePositions
    from lark.tree import Meta

    new_meta = object.__new__  # a Meta without __init__: its attributes are set below

    if type(callback) is not PropagatePositions or callback.node_filter is not None:
        return callback
    inner = callback.node_builder
    to_include = None
    if type(inner) is ChildFilterLALR_NoPlaceholders:
        to_include = tuple((i, bool(expand)) for i, expand in inner.to_include)
        inner = inner.node_builder
    expand1 = False
    if type(inner) is ExpandSingleChild:
        expand1 = True
        inner = inner.node_builder
    if not (type(inner) is partial and inner.func is Tree and len(inner.args) == 1 and not inner.keywords):
        return callback
    name = inner.args[0]

    def first_meta(children):
        for c in children:
            if type(c) is Token:  # the usual case, first
                return c
            if isinstance(c, Tree):
                meta = c.meta
                if not meta.empty:
                    return meta
            elif isinstance(c, Token):
                return c
            elif hasattr(c, "__lark_meta__"):
                return c.__lark_meta__()
        return None

    def start_of(first):
        if type(first) is Token:
            return first.line, first.column, first.start_pos
        return (
            getattr(first, "container_line", first.line),
            getattr(first, "container_column", first.column),
            getattr(first, "container_start_pos", first.start_pos),
        )

    def end_of(last):
        if type(last) is Token:
            return last.end_line, last.end_column, last.end_pos
        return (
            getattr(last, "container_end_line", last.end_line),
            getattr(last, "container_end_column", last.end_column),
            getattr(last, "container_end_pos", last.end_pos),
        )

    def propagate(res, children):
        """PropagatePositions on ``res``, a tree that may have positions already."""
        meta = res.meta
        first = first_meta(children)
        if first is not None:
            line, column, start_pos = start_of(first)
            if not hasattr(meta, "line"):
                meta.line = line
                meta.column = column
                meta.start_pos = start_pos
                meta.empty = False
            meta.container_line = line
            meta.container_column = column
            meta.container_start_pos = start_pos
        last = first_meta(reversed(children))
        if last is not None:
            end_line, end_column, end_pos = end_of(last)
            if not hasattr(meta, "end_line"):
                meta.end_line = end_line
                meta.end_column = end_column
                meta.end_pos = end_pos
                meta.empty = False
            meta.container_end_line = end_line
            meta.container_end_column = end_column
            meta.container_end_pos = end_pos
        return res

    def build(children):
        if to_include is None:
            filtered = children
        else:
            filtered = []
            for i, expand in to_include:
                if expand:
                    if filtered:
                        filtered += children[i].children
                    else:  # Lark reuses the expanded child's list (left recursion)
                        filtered = children[i].children
                else:
                    filtered.append(children[i])
        if expand1 and len(filtered) == 1:
            res = filtered[0]
            return propagate(res, children) if isinstance(res, Tree) else res
        # A new tree: its meta has no positions yet, so they are all set at once (the
        # same attributes PropagatePositions sets one by one).
        meta = new_meta(Meta)
        first = children[0] if children and type(children[0]) is Token else first_meta(children)
        if first is None:
            meta.empty = True
        else:
            last = children[-1] if type(children[-1]) is Token else first_meta(reversed(children))
            line, column, start_pos = start_of(first)
            end_line, end_column, end_pos = end_of(last)
            meta.__dict__.update(
                empty=False,
                line=line,
                column=column,
                start_pos=start_pos,
                container_line=line,
                container_column=column,
                container_start_pos=start_pos,
                end_line=end_line,
                end_column=end_column,
                end_pos=end_pos,
                container_end_line=end_line,
                container_end_column=end_column,
                container_end_pos=end_pos,
            )
        return Tree(name, filtered, meta)

    return build


def _token(name: str, value: str, start: int, end: int, newlines: list[int]):
    """A token with the positions the Earley scanner gives it: start line and column of
    its first character, end line of its last character and that character's column + 1."""
    line = bisect_left(newlines, start)
    column = start - (newlines[line - 1] if line else -1)
    last = end - 1
    end_line = bisect_left(newlines, last, line)
    end_column = last - (newlines[end_line - 1] if end_line else -1) + 1
    return _new_token(name, value, start, line + 1, column, end_line + 1, end_column, end)


def _token_constructor():
    from lark import Token

    # Token(...) forwards to Token._future_new (lark >= 1.2); call it directly when there.
    return getattr(Token, "_future_new", None) or Token


_new_token = _token_constructor()


def _first_chars(rx) -> frozenset[str] | None:
    """The ASCII characters a match of ``rx`` can start with (None: not worked out, the
    terminal is tried at every character). Found with partial matching: ``c`` can start a
    match iff ``c`` alone matches or is the beginning of a match."""
    pattern = rx.pattern if isinstance(rx.pattern, str) else ""
    if not pattern or _CONTEXT_DEPENDENT.search(pattern.replace("[^", "[")):
        return None
    try:
        return frozenset(chr(i) for i in range(128) if rx.match(chr(i), partial=True) is not None)
    except Exception:
        return None


def _dispatch(names: list[str], first: dict[str, frozenset[str] | None]) -> tuple[dict[str, tuple], tuple]:
    """``(ASCII character -> terminals to try, terminals to try at any other character)``."""
    everywhere = tuple(names)
    per_char: list[list[str]] = [[] for _ in range(128)]
    for name in names:
        chars = first[name]
        for i in range(128) if chars is None else (ord(c) for c in chars):
            per_char[i].append(name)
    return {chr(i): tuple(found) for i, found in enumerate(per_char)}, everywhere
