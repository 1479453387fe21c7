"""Whether llguidance may loop forever forcing bytes on a grammar.

Before it computes a mask (``compute_bitmask``, ``compute_logit_bias``,
``compute_ff_bytes``, ``compute_ff_tokens``), llguidance (1.9) pushes every byte the
grammar forces, one at a time, as long as exactly one byte is allowed and the input
cannot end. In a state no input can complete that chain may never end: in
``start: A "x"`` / ``A: /x+/`` the greedy ``A`` takes every ``x``, so after any number of
``x`` only another ``x`` is allowed. The call then never returns and its memory grows
without bound; no parser limit stops it. Consuming bytes (``try_consume_tokens``) does
not force bytes and is safe.

Such a chain stays inside one lexeme (at a lexeme boundary the parser adds Earley items,
and ``step_max_items`` bounds those): the lexer goes round a cycle of its automaton in
which each state allows one byte. A cycle reads whole iterations of some unbounded
repetition, and where an iteration starts every first byte of its body is allowed. So
when the body of every unbounded repetition inside a terminal can start with two or more
bytes (``[a-z]+``, ``\\s*``, ``[^"]*``), no such cycle exists. :func:`may_force_forever`
checks that on the grammar's terminals, ``%ignore`` bodies and regex literals, and
answers True (a mask may loop: probe bytes one at a time instead) for anything it cannot
read that way: a repetition of one character (``x+``, ``"ab"*``), llguidance's ``&`` and
``~`` on terminals, ``%json``/``%regex``/``%lark`` blocks, a regex it cannot parse.
"""

from __future__ import annotations

from functools import lru_cache

from grammarkit.reader import model as m

_MANY = 2  # "two or more distinct first bytes": all the check needs to know


@lru_cache(maxsize=256)
def may_force_forever(text: str, syntax: str) -> bool:
    """True when some state of the grammar may make llguidance force bytes forever (see
    the module documentation); False when no state can. ``text`` is a Lark grammar or,
    with ``syntax="regex"``, the pattern."""
    if syntax == "regex":
        return _regex_may_loop(text, "")
    from grammarkit.reader import read_grammar

    result = read_grammar(text)
    if not result.ok:
        return True
    return _grammar_may_loop(result.grammar)


def _grammar_may_loop(grammar: m.Grammar) -> bool:
    if grammar.nodes_of(m.Not, m.JsonValue, m.RegexExt, m.NestedLark, m.GrammarRef):
        return True
    if any(len(alt.conjuncts) > 1 for alt in grammar.nodes_of(m.Alternative)):
        return True  # `&` on terminals
    if any(_regex_may_loop(r.pattern, r.flags) for r in grammar.nodes_of(m.RegexLiteral)):
        return True
    terminals: dict[str, m.Expansions] = {}
    bodies: list[m.Expansions] = []
    for item in grammar.items:
        if isinstance(item, m.Override):
            item = item.definition
        if isinstance(item, m.Definition) and item.is_terminal:
            terminals.setdefault(item.name, item.body)
            bodies.append(item.body)
        elif isinstance(item, m.Ignore):
            bodies.append(item.body)
    widths = _Widths(terminals)
    for body in bodies:
        for node in m.walk(body):
            if isinstance(node, m.Repeat) and node.max is None and widths.width(node.item) < _MANY:
                return True
    return False


class _Widths:
    """How many distinct first bytes a terminal's expression can start with: an
    undercount, capped at :data:`_MANY` (0 when unknown)."""

    def __init__(self, terminals: dict[str, m.Expansions]) -> None:
        self.terminals = terminals
        self.busy: set[str] = set()

    def width(self, node: m.Node) -> int:
        if isinstance(node, m.Literal):
            return _text_width(node.value, "i" in node.flags)
        if isinstance(node, m.LiteralRange):
            lo, hi = node.low.value, node.high.value
            if len(lo) == 1 and len(hi) == 1 and ord(hi) > ord(lo) and ord(lo) < 0x80:
                return _MANY
            return 1 if lo else 0
        if isinstance(node, m.RegexLiteral):
            from grammarkit.regex_syntax import RegexSyntaxError, parse_remembered

            try:
                ast = parse_remembered(node.pattern)
            except RegexSyntaxError:
                return 0
            return _regex_width(ast, "i" in node.flags)
        if isinstance(node, (m.Group, m.Maybe)):
            return self.width(node.body)
        if isinstance(node, m.Repeat):
            return self.width(node.item)
        if isinstance(node, m.Expansions):
            best = 0
            for alt in node.alternatives:
                if len(alt.conjuncts) != 1:
                    return 0
                best = max(best, self._sequence(alt.conjuncts[0].items))
                if best >= _MANY:
                    break
            return best
        if isinstance(node, m.NameRef) and node.name in self.terminals and node.name not in self.busy:
            self.busy.add(node.name)
            try:
                return self.width(self.terminals[node.name])
            finally:
                self.busy.discard(node.name)
        return 0

    def _sequence(self, items: list[m.Node]) -> int:
        # The first item's first bytes are among the sequence's: an undercount.
        return self.width(items[0]) if items else 0


def _text_width(text: str, case_insensitive: bool) -> int:
    if not text:
        return 0
    c = text[0]
    if case_insensitive and c.isascii() and c.lower() != c.upper():
        return _MANY
    return 1


@lru_cache(maxsize=4096)
def _regex_may_loop(pattern: str, flags: str) -> bool:
    from grammarkit.regex_syntax import RegexSyntaxError, Repeat, iter_nodes, parse_remembered

    try:
        ast = parse_remembered(pattern)
    except RegexSyntaxError:
        return True
    ci = "i" in flags
    return any(isinstance(n, Repeat) and n.max is None and _regex_width(n.child, ci) < _MANY for n in iter_nodes(ast))


def _regex_width(node, ci: bool) -> int:
    """Distinct first bytes of a regex node: an undercount capped at :data:`_MANY`."""
    from grammarkit import regex_syntax as r

    if isinstance(node, r.Literal):
        return _text_width(node.char, ci)
    if isinstance(node, r.NamedChar):
        return _text_width(node.char or "", ci)
    if isinstance(node, (r.Dot, r.PerlClass, r.PosixClass)):
        return _MANY
    if isinstance(node, r.Class):
        return _class_width(node)
    if isinstance(node, r.Group):
        return 0 if node.unsupported else _regex_width(node.child, ci)
    if isinstance(node, r.Repeat):
        return _regex_width(node.child, ci)
    if isinstance(node, r.Concat):
        return _regex_width(node.items[0], ci) if node.items else 0
    if isinstance(node, r.Alternation):
        return max((_regex_width(b, ci) for b in node.branches), default=0)
    return 0  # Empty, anchors, flags, Unicode classes, back-references: not known here


def _class_width(node) -> int:
    from grammarkit import regex_syntax as r

    if node.negated:  # what it leaves of ASCII: at least 128 minus what its items take
        taken = 0
        for item in node.items:
            if isinstance(item, r.Literal):
                taken += 1
            elif isinstance(item, r.ClassRange):
                taken += max(1, min(ord(item.hi.char), 0x7F) - ord(item.lo.char) + 1)
            elif isinstance(item, r.PerlClass):
                ascii = _PERL_ASCII.get(item.letter, 0)
                taken += 128 - ascii if item.negated else ascii
            else:
                return 0
        return _MANY if taken <= 126 else 0
    firsts: set[int] = set()  # ASCII characters, and -1 for any non-ASCII one (a lead byte)
    for item in node.items:
        if isinstance(item, r.Literal):
            firsts.add(ord(item.char) if item.char.isascii() else -1)
        elif isinstance(item, r.ClassRange):
            lo, hi = ord(item.lo.char), ord(item.hi.char)
            if lo < hi and lo < 0x80:
                return _MANY
            firsts.add(lo if lo < 0x80 else -1)
        elif isinstance(item, (r.PerlClass, r.PosixClass)):
            return _MANY
        else:
            return 0
    return min(len(firsts), _MANY)


# ASCII characters of Perl classes (the negated ones take 128 minus these).
_PERL_ASCII = {"d": 10, "s": 6, "w": 63}


def probed_bitmask(matcher, vocab_size: int, eos: int) -> bytes:
    """The mask ``compute_bitmask`` would give ``matcher`` (one bit per token,
    little-endian, in 32-bit words), found without forcing bytes: each token is consumed
    and rolled back in turn, and EOS is allowed where the input may end. It takes about
    30x longer than ``compute_bitmask`` with the byte tokenizer, and always ends."""
    words = (vocab_size + 31) // 32
    bits = 0
    consume, rollback = matcher.try_consume_tokens, matcher.rollback
    for token in range(vocab_size):
        if token == eos:
            continue
        if consume([token]) == 1:
            bits |= 1 << token
            rollback(1)
    if matcher.is_accepting():
        bits |= 1 << eos
    return bits.to_bytes(words * 4, "little")
