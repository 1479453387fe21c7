"""Shared analysis for the tool-grammar practice rules (GK220–GK239). Not a rule.

Three pieces, computed once per grammar and on demand (:func:`analysis`):

* **Scopes.** The top-level grammar and every nested ``%lark { … }`` grammar are separate
  name spaces in llguidance (a nested grammar has its own ``start`` and cannot see the
  outer definitions), so every name is resolved in its :class:`Scope`.

* **Languages** (:class:`Lang`). Each terminal is turned into a regular expression term
  over a *finite sample alphabet*: all of ASCII, every character written in the grammar
  (literals, class range ends, and their case variants) and a few non-ASCII
  representatives (``é``, ``中``, a non-breaking space, an emoji…). Character classes
  become bit masks over that alphabet, computed with the Rust ``regex`` crate's
  semantics from grammarkit's own located Rust-regex AST (``regex_syntax``); Lark-level
  operators (``"a" | B``, ``X+``, ``X{2,3}``, names of other terminals, ``%import
  common``) are folded in. Questions are answered with Brzozowski derivatives (the same
  technique llguidance's ``derivre`` uses): "do two terminals share a string, and which
  is the shortest?" is a breadth-first search of the product of their derivatives, "can
  terminal T go on with character c after a complete match?" a search of T's own
  derivatives. Because every step of a found string uses a real character of the
  alphabet, a found string really is matched by both terminals (no false positives from
  the sampling); what sampling can miss is an overlap that exists only in characters
  outside the sample. Constructs that cannot be modelled (``&``/``~`` on terminals,
  script classes such as ``\\p{Greek}``, backreferences…) make a terminal
  *unanalysable*, and the rules stay silent about it. Searches run first on a relaxed
  term (counted repetitions of three or more turned into ``*``/``+``, a superset with few
  states: "no string" there is final) and the string found is then checked exactly;
  they are capped.

  Why not a library: ``interegular`` (what Lark's ``strict`` mode uses) parses Python
  ``re`` syntax, not Rust's (no ``[a&&b]`` class operations, different ``\\d``/``\\w``
  semantics, no ``\\z``), is not a dependency of grammarkit, and works on Lark's
  terminal definitions rather than llguidance's; grammarkit already has an exact,
  located parser of Rust regex syntax, and derivatives over it are a few hundred lines.

* **Flow** (:class:`Flow`). The rules of a scope as a BNF grammar (EBNF operators turned
  into helper rules), with nullable/FIRST/FOLLOW sets. llguidance runs an Earley parser
  whose lexer, at each point, only considers the terminals the parser allows there
  (``push_allowed_lexemes`` in ``earley/parser.rs``). :meth:`Flow.contexts` gives those
  sets ("co-allowed" terminals) exactly, from the canonical LR(1) automaton (with
  Aycock–Horspool handling of nullable rules); for grammars whose automaton is too
  large, from the LR(0) automaton with LALR-style lookaheads (a superset), and nothing
  beyond that.
"""

from __future__ import annotations

import string
import unicodedata
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .. import regex_syntax as rx
from ..common import common_regex
from ..reader import model as m


class Unanalysable(Exception):
    """A construct the language model does not represent; callers stay silent."""


# ---------------------------------------------------------------------------- scopes


@dataclass
class Scope:
    """One name space: the top-level grammar, or one nested ``%lark { … }``."""

    items: list
    nested: m.NestedLark | None = None
    _defs: dict | None = field(default=None, repr=False)
    _bodies: dict = field(default_factory=dict, repr=False)

    def body(self, d: m.Definition) -> list[m.Node]:
        """Every node of a definition's body (cached; nested grammars not entered)."""
        found = self._bodies.get(id(d))
        if found is None:
            found = self._bodies[id(d)] = list(body_nodes(d.body))
        return found

    @property
    def definitions(self) -> dict[str, m.Definition]:
        """Name → first definition of that name in this scope."""
        if self._defs is None:
            defs: dict[str, m.Definition] = {}
            for item in self.items:
                if isinstance(item, m.Definition):
                    defs.setdefault(item.name, item)
            self._defs = defs
        return self._defs

    def definition_list(self) -> list[m.Definition]:
        return [i for i in self.items if isinstance(i, m.Definition)]

    @property
    def imports(self) -> dict[str, tuple[m.Import, m.ImportName]]:
        result = {}
        for item in self.items:
            if isinstance(item, m.Import):
                for n in item.names:
                    result[n.alias or n.name] = (item, n)
        return result

    @property
    def ignores(self) -> list[m.Ignore]:
        return [i for i in self.items if isinstance(i, m.Ignore)]

    def nodes(self) -> Iterator[m.Node]:
        """Every node of this scope; a nested ``%lark`` is yielded but not entered."""
        stack: list[m.Node] = list(reversed(self.items))
        while stack:
            node = stack.pop()
            yield node
            if isinstance(node, m.NestedLark):
                continue
            stack.extend(reversed(list(node.children())))


def scopes(grammar: m.Grammar) -> list[Scope]:
    """The top-level scope followed by every nested ``%lark`` scope."""
    result = [Scope(list(grammar.items))]
    if "%lark" not in grammar.text:
        return result
    i = 0
    while i < len(result):
        for node in result[i].nodes():
            if isinstance(node, m.NestedLark):
                result.append(Scope(list(node.items), node))
        i += 1
    return result


def body_nodes(node: m.Node) -> Iterator[m.Node]:
    """``node`` and everything below it, without entering a nested ``%lark``."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, m.NestedLark):
            continue
        stack.extend(reversed(list(current.children())))


# ---------------------------------------------------------------------------- alphabet

_PREFERRED = (
    string.ascii_lowercase
    + string.ascii_uppercase
    + string.digits
    + " _-.,:;!?'\"()[]{}<>/\\|@#$%^&*+=~`"
    + "\n\t\r\x0b\x0c"
)
# Non-ASCII representatives: a Latin letter, a sharp s, a Greek capital, an ideograph, an
# Arabic-Indic digit, a no-break space, a line separator, an emoji, a titlecase letter.
_REPRESENTATIVES = "éßΩ中٣\u00a0\u2028😀ǅ"

_PRINTABLE = frozenset(chr(c) for c in range(0x20, 0x7F))


def _case_variants(ch: str) -> set[str]:
    out = {ch}
    for v in (ch.lower(), ch.upper(), ch.swapcase(), ch.casefold()):
        if len(v) == 1:
            out.add(v)
    return out


def _explicit_chars(grammar: m.Grammar) -> set[str]:
    """Every character written in a literal or regex of the grammar."""
    chars: set[str] = set()
    for node in grammar.nodes():
        if isinstance(node, m.Literal):
            chars.update(node.value)
        elif isinstance(node, m.RegexLiteral):
            try:
                tree = parse_regex(node.pattern)
            except Unanalysable:
                continue
            for sub in rx.iter_nodes(tree):
                if isinstance(sub, rx.Literal):
                    chars.add(sub.char)
                elif isinstance(sub, rx.NamedChar) and sub.char:
                    chars.add(sub.char)
    return chars


_PARSE_CACHE: dict[str, Any] = {}


def parse_regex(pattern: str) -> rx.Node:
    """The Rust-regex AST of ``pattern`` (cached); raises :class:`Unanalysable`."""
    found = _PARSE_CACHE.get(pattern)
    if found is None:
        try:
            found = rx.parse(pattern)
        except rx.RegexSyntaxError:
            found = False
        if len(_PARSE_CACHE) > 4096:
            _PARSE_CACHE.clear()
        _PARSE_CACHE[pattern] = found
    if found is False:
        raise Unanalysable("regex does not parse")
    return found


# ---------------------------------------------------------------------------- char classes

_GC_LONG = {
    "letter": "L", "casedletter": "LC", "uppercaseletter": "Lu", "lowercaseletter": "Ll",
    "titlecaseletter": "Lt", "modifierletter": "Lm", "otherletter": "Lo",
    "mark": "M", "combiningmark": "M", "nonspacingmark": "Mn", "spacingmark": "Mc",
    "enclosingmark": "Me", "number": "N", "decimalnumber": "Nd", "letternumber": "Nl",
    "othernumber": "No", "punctuation": "P", "connectorpunctuation": "Pc",
    "dashpunctuation": "Pd", "openpunctuation": "Ps", "closepunctuation": "Pe",
    "initialpunctuation": "Pi", "finalpunctuation": "Pf", "otherpunctuation": "Po",
    "symbol": "S", "mathsymbol": "Sm", "currencysymbol": "Sc", "modifiersymbol": "Sk",
    "othersymbol": "So", "separator": "Z", "spaceseparator": "Zs", "lineseparator": "Zl",
    "paragraphseparator": "Zp", "other": "C", "control": "Cc", "format": "Cf",
    "surrogate": "Cs", "privateuse": "Co", "unassigned": "Cn", "digit": "Nd",
}  # fmt: skip
_GC_SHORT = {
    v.lower(): v
    for v in "L LC Lu Ll Lt Lm Lo M Mn Mc Me N Nd Nl No P Pc Pd Ps Pe Pi Pf Po S Sm Sc Sk So "
    "Z Zs Zl Zp C Cc Cf Cs Co Cn".split()
}


def _unicode_predicate(name: str):
    key = name.lower().replace(" ", "").replace("_", "").replace("-", "")
    for prefix in ("generalcategory=", "generalcategory:", "gc=", "gc:"):
        if key.startswith(prefix):
            key = key[len(prefix) :]
    gc = _GC_SHORT.get(key) or _GC_LONG.get(key)
    if gc is not None:
        if gc == "LC":
            return lambda c: unicodedata.category(c) in ("Lu", "Ll", "Lt")
        if len(gc) == 1:
            return lambda c: unicodedata.category(c)[0] == gc
        return lambda c: unicodedata.category(c) == gc
    if key == "any":
        return lambda c: True
    if key == "ascii":
        return lambda c: ord(c) < 128
    if key in ("alphabetic", "alpha"):
        return lambda c: c.isalpha() or unicodedata.category(c) == "Nl"
    if key in ("whitespace", "space", "wspace"):
        return lambda c: c in rx._WHITESPACE
    if key in ("uppercase", "upper"):
        return lambda c: c.isupper()
    if key in ("lowercase", "lower"):
        return lambda c: c.islower()
    raise Unanalysable(f"unicode class {name}")


_POSIX = {
    "alnum": lambda c: c.isascii() and c.isalnum(),
    "alpha": lambda c: c.isascii() and c.isalpha(),
    "ascii": lambda c: ord(c) < 128,
    "blank": lambda c: c in " \t",
    "cntrl": lambda c: ord(c) < 32 or ord(c) == 127,
    "digit": lambda c: "0" <= c <= "9",
    "graph": lambda c: 0x21 <= ord(c) <= 0x7E,
    "lower": lambda c: "a" <= c <= "z",
    "print": lambda c: 0x20 <= ord(c) <= 0x7E,
    "punct": lambda c: 0x21 <= ord(c) <= 0x7E and not c.isalnum(),
    "space": lambda c: c in " \t\n\r\x0b\x0c",
    "upper": lambda c: "A" <= c <= "Z",
    "word": lambda c: (c.isascii() and c.isalnum()) or c == "_",
    "xdigit": lambda c: c in string.hexdigits,
}


def _word_char(c: str) -> bool:
    if c == "_" or c.isalnum():
        return True
    return unicodedata.category(c) in ("Mn", "Mc", "Me", "Nd", "Nl", "Pc")


def _perl(letter: str, c: str, unicode: bool) -> bool:
    if letter == "d":
        return unicodedata.category(c) == "Nd" if unicode else "0" <= c <= "9"
    if letter == "s":
        return c in rx._WHITESPACE if unicode else c in " \t\n\r\x0b\x0c"
    return _word_char(c) if unicode else ((c.isascii() and c.isalnum()) or c == "_")


@dataclass(frozen=True)
class Flags:
    i: bool = False  # case-insensitive
    s: bool = False  # dot matches \n
    u: bool = True  # Unicode classes

    def apply(self, text: str) -> "Flags":
        i, s, u = self.i, self.s, self.u
        on = True
        for ch in text:
            if ch == "-":
                on = False
            elif ch == "i":
                i = on
            elif ch == "s":
                s = on
            elif ch == "u":
                u = on
        return Flags(i, s, u)


def _class_item(node: rx.Node, c: str, flags: Flags) -> bool:
    if isinstance(node, rx.Literal):
        return c == node.char
    if isinstance(node, rx.ClassRange):
        return node.lo.char <= c <= node.hi.char
    if isinstance(node, rx.PerlClass):
        return _perl(node.letter, c, flags.u) != node.negated
    if isinstance(node, rx.UnicodeClass):
        if node.caret:
            raise Unanalysable("\\p{^...}")
        return _unicode_predicate(node.name)(c) != node.negated
    if isinstance(node, rx.PosixClass):
        return _POSIX[node.name](c) != node.negated
    if isinstance(node, rx.NamedChar):
        if node.char is None:
            raise Unanalysable("unknown \\N{...}")
        return c == node.char
    if isinstance(node, rx.Class):
        return any(_class_item(i, c, flags) for i in node.items) != node.negated
    if isinstance(node, rx.ClassUnion):
        return any(_class_item(i, c, flags) for i in node.items)
    if isinstance(node, rx.ClassSetOp):
        a = _class_item(node.lhs, c, flags)
        b = _class_item(node.rhs, c, flags)
        return {"&&": a and b, "--": a and not b, "~~": a != b}[node.op]
    raise Unanalysable(type(node).__name__)


def char_member(node: rx.Node, c: str, flags: Flags) -> bool:
    """Does the one-character regex ``node`` match ``c`` (Rust semantics)?"""
    if isinstance(node, rx.Dot):
        return flags.s or c != "\n"
    variants = _case_variants(c) if flags.i else (c,)
    if isinstance(node, rx.Class):
        hit = any(_class_item(i, v, flags) for i in node.items for v in variants)
        return hit != node.negated
    return any(_class_item(node, v, flags) for v in variants)


_CHAR_LEAVES = (rx.Literal, rx.Dot, rx.Class, rx.PerlClass, rx.UnicodeClass, rx.NamedChar)


# ---------------------------------------------------------------------------- languages

EMPTY = 0  # the empty language
EPS = 1  # the empty string


class Lang:
    """Regular-language terms over one grammar's sample alphabet (hash-consed ints)."""

    MAX_STATES = 4000

    _variant_masks: dict[str, int] | None = None

    def __init__(self, extra_chars: Iterable[str] = ()) -> None:
        chars: list[str] = []
        seen: set[str] = set()

        def add(c: str) -> None:
            if c not in seen:
                seen.add(c)
                chars.append(c)

        for c in _PREFERRED:
            add(c)
        for code in list(range(0, 32)) + [127]:
            add(chr(code))
        extra: set[str] = set()
        for c in extra_chars:
            extra |= _case_variants(c)
        for c in sorted(extra):
            add(c)
        for c in _REPRESENTATIVES:
            add(c)
        self.chars = chars
        self.full = (1 << len(chars)) - 1
        self.printable = sum(1 << i for i, c in enumerate(chars) if c in _PRINTABLE)
        self._nodes: list[tuple] = [("0",), ("e",)]
        self._ids: dict[tuple, int] = {("0",): EMPTY, ("e",): EPS}
        self._nullable: list[bool] = [False, True]
        self._deriv: dict[tuple[int, int], int] = {}
        self._heads: dict[int, frozenset[int]] = {}
        self._leaf_masks: dict[tuple, int] = {}
        self._regex_terms: dict[tuple[str, Flags], int] = {}
        self._relaxed: dict[int, int] = {}
        self._index = {c: i for i, c in enumerate(chars)}

    # -- construction -----------------------------------------------------------

    def _intern(self, key: tuple, nullable: bool) -> int:
        found = self._ids.get(key)
        if found is None:
            found = len(self._nodes)
            self._nodes.append(key)
            self._ids[key] = found
            self._nullable.append(nullable)
        return found

    def kind(self, t: int) -> str:
        return self._nodes[t][0]

    def nullable(self, t: int) -> bool:
        return self._nullable[t]

    def chars_term(self, mask: int) -> int:
        return EMPTY if mask == 0 else self._intern(("c", mask), False)

    def cat(self, parts: Iterable[int]) -> int:
        items: list[int] = []
        for p in parts:
            if p == EMPTY:
                return EMPTY
            if p == EPS:
                continue
            node = self._nodes[p]
            if node[0] == ".":
                items.extend(node[1])
            else:
                items.append(p)
        if not items:
            return EPS
        if len(items) == 1:
            return items[0]
        return self._intern((".", tuple(items)), all(self._nullable[i] for i in items))

    def alt(self, parts: Iterable[int]) -> int:
        members: set[int] = set()
        mask = 0
        for p in parts:
            if p == EMPTY:
                continue
            node = self._nodes[p]
            if node[0] == "|":
                for q in node[1]:
                    if self._nodes[q][0] == "c":
                        mask |= self._nodes[q][1]
                    else:
                        members.add(q)
            elif node[0] == "c":
                mask |= node[1]
            else:
                members.add(p)
        if mask:
            members.add(self.chars_term(mask))
        if not members:
            return EMPTY
        if len(members) == 1:
            return next(iter(members))
        key = ("|", frozenset(members))
        return self._intern(key, any(self._nullable[i] for i in members))

    def rep(self, t: int, lo: int, hi: int | None) -> int:
        if hi == 0 or t == EPS:
            return EPS
        if t == EMPTY:
            return EPS if lo == 0 else EMPTY
        if hi is not None and hi < lo:
            return EMPTY
        if self._nullable[t]:
            lo = 0
        if lo == 1 and hi == 1:
            return t
        return self._intern(("*", t, lo, hi), lo == 0)

    def literal(self, text: str, case_insensitive: bool = False) -> int:
        return self.cat(self.chars_term(self.char_mask(c, case_insensitive)) for c in text)

    def char_mask(self, c: str, case_insensitive: bool = False) -> int:
        targets = _case_variants(c) if case_insensitive else (c,)
        mask = 0
        for ch in targets:
            i = self._index.get(ch)
            if i is not None:
                mask |= 1 << i
        if not mask:
            # a character outside the alphabet: keep the term non-empty but unmatched
            raise Unanalysable(f"character {c!r} outside the sample alphabet")
        return mask

    def range_mask(self, lo: str, hi: str) -> int:
        return sum(1 << i for i, ch in enumerate(self.chars) if lo <= ch <= hi)

    def leaf_mask(self, node: rx.Node, flags: Flags) -> int:
        if isinstance(node, rx.Literal):
            # Fast path (long alternations of words are mostly literals), exactly what
            # char_member gives: alphabet characters c with the literal among c's variants.
            if not flags.i:
                i = self._index.get(node.char)
                return 0 if i is None else 1 << i
            if self._variant_masks is None:
                masks: dict[str, int] = {}
                for i, ch in enumerate(self.chars):
                    for v in _case_variants(ch):
                        masks[v] = masks.get(v, 0) | 1 << i
                self._variant_masks = masks
            return self._variant_masks.get(node.char, 0)
        key = (node, flags)
        found = self._leaf_masks.get(key)
        if found is None:
            found = 0
            for i, ch in enumerate(self.chars):
                if char_member(node, ch, flags):
                    found |= 1 << i
            self._leaf_masks[key] = found
        return found

    def regex(self, pattern: str, flags: str | Flags = "") -> int:
        """The term of a Rust regex (``flags`` as written after a Lark ``/…/``)."""
        fl = flags if isinstance(flags, Flags) else Flags().apply(flags)
        key = (pattern, fl)
        found = self._regex_terms.get(key)
        if found is None:
            try:
                found = self._regex_term(parse_regex(pattern), fl)
            except Unanalysable:
                found = -1
            except RecursionError:
                found = -1
            self._regex_terms[key] = found
        if found < 0:
            raise Unanalysable(pattern)
        return found

    def _regex_term(self, node: rx.Node, flags: Flags) -> int:
        if isinstance(node, rx.Empty):
            return EPS
        if isinstance(node, _CHAR_LEAVES):
            return self.chars_term(self.leaf_mask(node, flags))
        if isinstance(node, rx.Concat):
            parts = []
            for item in node.items:
                if isinstance(item, rx.SetFlags):
                    flags = flags.apply(item.flags)
                    continue
                parts.append(self._regex_term(item, flags))
            return self.cat(parts)
        if isinstance(node, rx.Alternation):
            return self.alt(self._regex_term(b, flags) for b in node.branches)
        if isinstance(node, rx.Group):
            if node.kind in ("capture", "named", "noncapture"):
                return self._regex_term(node.child, flags)
            if node.kind == "flags":
                return self._regex_term(node.child, flags.apply(node.flags or ""))
            raise Unanalysable(node.kind)
        if isinstance(node, rx.Repeat):
            return self.rep(self._regex_term(node.child, flags), node.min, node.max)
        if isinstance(node, rx.SetFlags):
            return EPS
        if isinstance(node, rx.Anchor) and node.kind in ("start", "end", "start_text", "end_text"):
            return EPS
        raise Unanalysable(type(node).__name__)

    # -- derivatives --------------------------------------------------------------

    def deriv(self, t: int, i: int) -> int:
        key = (t, i)
        found = self._deriv.get(key)
        if found is not None:
            return found
        node = self._nodes[t]
        k = node[0]
        if k == "c":
            result = EPS if node[1] >> i & 1 else EMPTY
        elif k == ".":
            items = node[1]
            first = self.cat((self.deriv(items[0], i), *items[1:]))
            if self._nullable[items[0]]:
                result = self.alt((first, self.deriv(self.cat(items[1:]), i)))
            else:
                result = first
        elif k == "|":
            result = self.alt(self.deriv(x, i) for x in node[1])
        elif k == "*":
            _, inner, lo, hi = node
            rest = self.rep(inner, max(lo - 1, 0), None if hi is None else hi - 1)
            result = self.cat((self.deriv(inner, i), rest))
        else:
            result = EMPTY
        self._deriv[key] = result
        return result

    def heads(self, t: int) -> frozenset[int]:
        """The masks of the leaves that can match the first character of ``t``."""
        found = self._heads.get(t)
        if found is not None:
            return found
        node = self._nodes[t]
        k = node[0]
        if k == "c":
            result = frozenset((node[1],))
        elif k == ".":
            acc: set[int] = set()
            for item in node[1]:
                acc |= self.heads(item)
                if not self._nullable[item]:
                    break
            result = frozenset(acc)
        elif k == "|":
            acc = set()
            for x in node[1]:
                acc |= self.heads(x)
            result = frozenset(acc)
        elif k == "*":
            result = self.heads(node[1])
        else:
            result = frozenset()
        self._heads[t] = result
        return result

    def first_mask(self, t: int) -> int:
        mask = 0
        for h in self.heads(t):
            mask |= h
        return mask

    def leaf_union(self, t: int) -> int:
        """Every character any leaf of ``t`` can match."""
        mask = 0
        stack = [t]
        seen = set()
        while stack:
            x = stack.pop()
            if x in seen:
                continue
            seen.add(x)
            node = self._nodes[x]
            if node[0] == "c":
                mask |= node[1]
            elif node[0] in (".", "|"):
                stack.extend(node[1])
            elif node[0] == "*":
                stack.append(node[1])
        return mask

    def subterms(self, t: int) -> Iterator[int]:
        stack = [t]
        seen = set()
        while stack:
            x = stack.pop()
            if x in seen:
                continue
            seen.add(x)
            yield x
            node = self._nodes[x]
            if node[0] in (".", "|"):
                stack.extend(node[1])
            elif node[0] == "*":
                stack.append(node[1])

    def lengths(self, t: int) -> tuple[int, int | None]:
        """(fewest, most) characters ``t`` matches; most is None when unbounded."""
        node = self._nodes[t]
        k = node[0]
        if k == "0" or k == "e":
            return 0, 0
        if k == "c":
            return 1, 1
        if k == ".":
            lo, hi = 0, 0
            for x in node[1]:
                a, b = self.lengths(x)
                lo += a
                hi = None if hi is None or b is None else hi + b
            return lo, hi
        if k == "|":
            pairs = [self.lengths(x) for x in node[1]]
            lo = min(p[0] for p in pairs)
            his = [p[1] for p in pairs]
            return lo, None if None in his else max(his)  # type: ignore[type-var]
        _, inner, rlo, rhi = node
        a, b = self.lengths(inner)
        if b == 0:
            return 0, 0
        return a * rlo, None if rhi is None or b is None else b * rhi

    def rep_parts(self, t: int) -> tuple[int, int, int | None] | None:
        node = self._nodes[t]
        return (node[1], node[2], node[3]) if node[0] == "*" else None

    @staticmethod
    def _atoms(candidate: int, masks: Iterable[int]) -> list[int]:
        parts = [candidate]
        for mk in masks:
            nxt = []
            for p in parts:
                a, b = p & mk, p & ~mk
                if a:
                    nxt.append(a)
                if b:
                    nxt.append(b)
            parts = nxt
        return sorted(parts, key=lambda p: (p & -p).bit_length())

    @staticmethod
    def _lowest(mask: int) -> int:
        return (mask & -mask).bit_length() - 1

    def common_string(self, a: int, b: int) -> str | None:
        """The shortest non-empty string both ``a`` and ``b`` match, or None.

        Searched first with counted repetitions relaxed (:meth:`relax`, a superset, so
        "none" is final), then checked exactly; the exact search runs only when the
        relaxed string does not fit."""
        ra, rb = self.relax(a), self.relax(b)
        if (ra, rb) != (a, b):
            found = self._common_string(ra, rb)
            if found is None:
                return None
            if self.matches(a, found) and self.matches(b, found):
                return found
        return self._common_string(a, b)

    def _common_string(self, a: int, b: int) -> str | None:
        # ``parent`` holds the states reached after one or more characters; the start
        # state is expanded first and may be reached again (``a*`` after ``a``).
        parent: dict[tuple[int, int], tuple[tuple[int, int] | None, int]] = {}
        queue: deque[tuple[int, int] | None] = deque([None])
        while queue:
            pair = queue.popleft()
            x, y = (a, b) if pair is None else pair
            if pair is not None and self._nullable[x] and self._nullable[y]:
                return self._path(parent, pair)
            hx, hy = self.heads(x), self.heads(y)
            candidate = 0
            for h in hx:
                candidate |= h
            other = 0
            for h in hy:
                other |= h
            candidate &= other
            if not candidate:
                continue
            for atom in self._atoms(candidate, hx | hy):
                i = self._lowest(atom)
                nx, ny = self.deriv(x, i), self.deriv(y, i)
                if nx == EMPTY or ny == EMPTY:
                    continue
                nxt = (nx, ny)
                if nxt not in parent:
                    parent[nxt] = (pair, i)
                    if len(parent) > self.MAX_STATES:
                        return None
                    queue.append(nxt)
        return None

    def continuation(self, t: int, follow_mask: int) -> str | None:
        """The shortest string ``w`` + ``c`` where ``w`` is a non-empty complete match of
        ``t``, ``c`` a character of ``follow_mask``, and ``t`` can go on with ``c`` after
        ``w``; or None. Relaxed first, like :meth:`common_string`."""
        if not self.leaf_union(t) & follow_mask:
            return None
        rt = self.relax(t)
        if rt != t:
            found = self._continuation(rt, follow_mask)
            if found is None:
                return None
            if self.matches(t, found[:-1]) and self.viable(t, found):
                return found
        return self._continuation(t, follow_mask)

    def _continuation(self, t: int, follow_mask: int) -> str | None:
        parent: dict[int, tuple[int | None, int]] = {}
        queue: deque[int | None] = deque([None])
        while queue:
            state = queue.popleft()
            x = t if state is None else state
            if state is not None and self._nullable[x]:
                hit = self.first_mask(x) & follow_mask
                if hit:
                    return self._path(parent, state) + self.chars[self._lowest(hit)]
            hx = self.heads(x)
            cand = 0
            for h in hx:
                cand |= h
            for atom in self._atoms(cand, hx):
                i = self._lowest(atom)
                nx = self.deriv(x, i)
                if nx == EMPTY or nx in parent:
                    continue
                parent[nx] = (state, i)
                if len(parent) > self.MAX_STATES:
                    return None
                queue.append(nx)
        return None

    def relax(self, t: int) -> int:
        """``t`` with every repetition allowing three or more turned into ``x*`` / ``x+``:
        a superset language with far fewer derivative states."""
        found = self._relaxed.get(t)
        if found is not None:
            return found
        node = self._nodes[t]
        k = node[0]
        if k == ".":
            result = self.cat([self.relax(x) for x in node[1]])
        elif k == "|":
            result = self.alt([self.relax(x) for x in node[1]])
        elif k == "*":
            _, inner, lo, hi = node
            if hi is None or hi > 2:
                result = self.rep(self.relax(inner), min(lo, 1), None)
            else:
                result = self.rep(self.relax(inner), lo, hi)
        else:
            result = t
        self._relaxed[t] = result
        return result

    def _walk(self, t: int, text: str) -> int:
        index = self._index
        for ch in text:
            i = index.get(ch)
            if i is None:
                return EMPTY
            t = self.deriv(t, i)
            if t == EMPTY:
                return EMPTY
        return t

    def matches(self, t: int, text: str) -> bool:
        return self._nullable[self._walk(t, text)]

    def viable(self, t: int, text: str) -> bool:
        """Is ``text`` a prefix of some string ``t`` matches?"""
        return self._walk(t, text) != EMPTY

    def _path(self, parent, state) -> str:
        out = []
        while state is not None:
            state, i = parent[state]
            out.append(self.chars[i])
        return "".join(reversed(out))


# ---------------------------------------------------------------------------- lexemes


LexemeKey = tuple
"""``("T", name)`` a named terminal (or import), ``("L", value, flags)`` a string
literal, ``("R", pattern, flags)`` a regex literal, ``("G", lo, hi)`` a literal range,
``("O", id)`` anything opaque (``%json``, special tokens, nested grammars…)."""

EOS: LexemeKey = ("$",)


def lexeme_key(scope: Scope, node: m.Node) -> LexemeKey | None:
    """The lexeme a rule-body leaf stands for; None for a rule reference."""
    if isinstance(node, m.Literal):
        return ("L", node.value, node.flags)
    if isinstance(node, m.RegexLiteral):
        return ("R", node.pattern, node.flags)
    if isinstance(node, m.LiteralRange):
        return ("G", node.low.value, node.high.value)
    if isinstance(node, m.NameRef):
        if m.is_terminal_name(node.name):
            return ("T", node.name)
        return None
    return ("O", id(node))


class Lexemes:
    """Languages, names and properties of the terminals of one scope."""

    def __init__(self, scope: Scope, lang: Lang) -> None:
        self.scope = scope
        self.lang = lang
        self._terms: dict[Any, int] = {}
        self._active: set[str] = set()

    # -- languages ----------------------------------------------------------------

    def term(self, key: LexemeKey) -> int | None:
        """The language of a lexeme, or None when it cannot be analysed."""
        if key in self._terms:
            t = self._terms[key]
            return None if t < 0 else t
        try:
            if key[0] == "L":
                t = self.lang.literal(key[1], "i" in key[2])
            elif key[0] == "R":
                t = self.lang.regex(key[1], key[2])
            elif key[0] == "G":
                if len(key[1]) != 1 or len(key[2]) != 1:
                    raise Unanalysable("range")
                t = self.lang.chars_term(self.lang.range_mask(key[1], key[2]))
            elif key[0] == "T":
                t = self._name_term(key[1])
            else:
                raise Unanalysable("opaque")
        except (Unanalysable, RecursionError):
            t = -1
        self._terms[key] = t
        return None if t < 0 else t

    def _name_term(self, name: str) -> int:
        d = self.scope.definitions.get(name)
        if d is not None and d.is_terminal:
            if d.params is not None or name in self._active:
                raise Unanalysable(name)
            self._active.add(name)
            try:
                return self.node_term(d.body)
            finally:
                self._active.discard(name)
        imp = self.scope.imports.get(name)
        if imp is not None:
            pattern = common_regex(imp[1].name)
            if pattern is None:
                raise Unanalysable(name)
            return self.lang.regex(pattern)
        raise Unanalysable(name)

    def node_term(self, node: m.Node) -> int:
        """The language of a terminal-body node (raises :class:`Unanalysable`)."""
        lang = self.lang
        if isinstance(node, (m.Literal, m.RegexLiteral, m.LiteralRange)):
            t = self.term(lexeme_key(self.scope, node))
            if t is None:
                raise Unanalysable("leaf")
            return t
        if isinstance(node, m.NameRef):
            if not m.is_terminal_name(node.name):
                raise Unanalysable("rule in terminal")
            t = self.term(("T", node.name))
            if t is None:
                raise Unanalysable(node.name)
            return t
        if isinstance(node, m.Expansions):
            return lang.alt([self.node_term(a) for a in node.alternatives])
        if isinstance(node, m.Alternative):
            if len(node.conjuncts) != 1:
                raise Unanalysable("&")
            return self.node_term(node.conjuncts[0])
        if isinstance(node, m.Sequence):
            return lang.cat([self.node_term(i) for i in node.items])
        if isinstance(node, m.Group):
            return self.node_term(node.body)
        if isinstance(node, m.Maybe):
            return lang.alt((self.node_term(node.body), EPS))
        if isinstance(node, m.Repeat):
            return lang.rep(self.node_term(node.item), node.min, node.max)
        raise Unanalysable(type(node).__name__)

    # -- properties ---------------------------------------------------------------

    def is_keyword(self, key: LexemeKey) -> bool:
        """A finite set of fixed strings: a string literal, or a terminal made only of
        string literals (``VERB: "get" | "put"``)."""
        if key[0] == "L":
            return True
        if key[0] != "T":
            return False
        return self._keyword_node(self.scope.definitions.get(key[1]), set())

    def _keyword_node(self, node, active: set[str]) -> bool:
        if node is None:
            return False
        if isinstance(node, m.Definition):
            if not node.is_terminal or node.name in active:
                return False
            return self._keyword_node(node.body, active | {node.name})
        if isinstance(node, m.Literal):
            return True
        if isinstance(node, m.NameRef):
            if not m.is_terminal_name(node.name):
                return False
            return self._keyword_node(self.scope.definitions.get(node.name), active)
        if isinstance(node, (m.Expansions, m.Alternative, m.Sequence, m.Group, m.Maybe)):
            return all(self._keyword_node(c, active) for c in node.children())
        return False

    def is_free_text(self, key: LexemeKey) -> bool:
        t = self.term(key)
        return t is not None and self.free_text_term(t)

    def free_text_term(self, t: int) -> bool:
        """A repetition of a broad class of characters, long or unbounded."""
        lang = self.lang
        for sub in lang.subterms(t):
            parts = lang.rep_parts(sub)
            if parts is None:
                continue
            inner, _lo, hi = parts
            if hi is not None and hi < FREE_TEXT_MIN_REPEAT:
                continue
            if is_broad(lang, lang.leaf_union(inner)):
                return True
        return False

    def describe(self, key: LexemeKey) -> str:
        """How a lexeme is written: ``NAME``, ``"lit"`` or ``/re/``."""
        if key[0] == "T":
            return key[1]
        if key[0] == "L":
            return '"' + _escape(key[1], '"') + '"' + key[2]
        if key[0] == "R":
            return "/" + key[1] + "/" + key[2]
        if key[0] == "G":
            return f'"{_escape(key[1], chr(34))}".."{_escape(key[2], chr(34))}"'
        return "(opaque)"


FREE_TEXT_MIN_REPEAT = 20
"""A repetition allowing at least this many characters counts as text, not a token."""


def is_broad(lang: Lang, mask: int) -> bool:
    """A class of characters wide enough to be free text: at least 80 of the 95
    printable ASCII characters, or the space and at least 40 of them."""
    printable = mask & lang.printable
    count = bin(printable).count("1")
    space = 1 << lang.chars.index(" ")
    return count >= 80 or (bool(printable & space) and count >= 40)


def _escape(text: str, quote: str) -> str:
    out = []
    for ch in text:
        if ch == "\\" or ch == quote:
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif ord(ch) < 32 or ord(ch) == 127:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    return "".join(out)


def show(text: str) -> str:
    """A sample string for a message: JSON-style quoted."""
    return '"' + _escape(text, '"') + '"'


# ---------------------------------------------------------------------------- flow


@dataclass
class Production:
    lhs: str
    rhs: tuple  # str = nonterminal, tuple = lexeme key
    nodes: tuple  # model node of each rhs symbol (None for helper nonterminals)
    origin: str  # the rule it comes from


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
        for d in scope.definition_list():
            if d.is_terminal or d.params is not None or d.name in self.by_lhs:
                continue
            self.by_lhs.setdefault(d.name, [])
            for alt in d.body.alternatives:
                self._add(d.name, self._alternative(alt, d.name), d.name)
        self.start = "start" if "start" in self.by_lhs else None
        self._contexts: list[tuple[frozenset, str]] | None = None
        self.lazy_rules = {
            d.name
            for d in scope.definition_list()
            if not d.is_terminal and any(a.key in LAZY_ATTRIBUTES for a in d.attributes)
        }
        self._compute_sets()

    # -- building -----------------------------------------------------------------

    def _add(self, lhs: str, rhs_nodes: list, origin: str) -> None:
        rhs = tuple(s for s, _ in rhs_nodes)
        nodes = tuple(n for _, n in rhs_nodes)
        self.by_lhs.setdefault(lhs, []).append(len(self.prods))
        self.prods.append(Production(lhs, rhs, nodes, origin))

    def _helper(self, origin: str, alternatives: list[list]) -> str:
        self._counter += 1
        name = f"{origin}#{self._counter}"
        self.by_lhs[name] = []
        for alt in alternatives:
            self._add(name, alt, origin)
        return name

    def _alternative(self, alt: m.Alternative, origin: str) -> list:
        seq = alt.conjuncts[0] if alt.conjuncts else m.Sequence(alt.span, [])
        out: list = []
        for item in seq.items:
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

    # -- sets ---------------------------------------------------------------------

    @staticmethod
    def is_nt(sym) -> bool:
        return isinstance(sym, str)

    def _compute_sets(self) -> None:
        """nullable, FIRST and FOLLOW by propagation over constraint edges."""
        is_nt = self.is_nt
        # nullable: a worklist over the productions that mention each nonterminal
        nullable: set[str] = set()
        waiting: dict[str, list[int]] = {}
        missing = []
        for i, p in enumerate(self.prods):
            nts = [s for s in p.rhs if is_nt(s)]
            if len(nts) != len(p.rhs):
                missing.append(-1)  # has a lexeme: never nullable
                continue
            missing.append(len(nts))
            for s in nts:
                waiting.setdefault(s, []).append(i)
        queue = [p.lhs for i, p in enumerate(self.prods) if missing[i] == 0]
        while queue:
            nt = queue.pop()
            if nt in nullable:
                continue
            nullable.add(nt)
            for i in waiting.get(nt, ()):
                missing[i] -= 1
                if missing[i] == 0:
                    queue.append(self.prods[i].lhs)
        self.nullable_nts = nullable

        # FIRST: constants, plus FIRST(lhs) ⊇ FIRST(s) for each s of the nullable prefix
        first: dict[str, set] = {nt: set() for nt in self.by_lhs}
        feeds: dict[str, set[str]] = {}
        for p in self.prods:
            for s in p.rhs:
                if is_nt(s):
                    if s in first and s != p.lhs:
                        feeds.setdefault(s, set()).add(p.lhs)
                    if s not in nullable:
                        break
                else:
                    first[p.lhs].add(s)
                    break
        self.first_sets = first
        self._propagate(first, feeds)

        # FOLLOW: FOLLOW(s) ⊇ FIRST(rest), and FOLLOW(s) ⊇ FOLLOW(lhs) when rest is nullable
        follow: dict[str, set] = {nt: set() for nt in self.by_lhs}
        if self.start:
            follow[self.start].add(EOS)
        fedges: dict[str, set[str]] = {}
        for p in self.prods:
            rhs = p.rhs
            acc: set = set()
            rest_nullable = True
            for i in range(len(rhs) - 1, -1, -1):
                s = rhs[i]
                if is_nt(s) and s in follow:
                    follow[s] |= acc
                    if rest_nullable and s != p.lhs:
                        fedges.setdefault(p.lhs, set()).add(s)
                if is_nt(s):
                    if s in nullable:
                        acc = acc | first.get(s, set())
                    else:
                        acc = set(first.get(s, set()))
                        rest_nullable = False
                else:
                    acc = {s}
                    rest_nullable = False
        self.follow_sets = follow
        self._propagate(follow, fedges)

    @staticmethod
    def _propagate(sets: dict[str, set], edges: dict[str, set[str]]) -> None:
        """Make ``sets[b] ⊇ sets[a]`` for every edge a → b (to a fixpoint)."""
        queue = list(sets)
        queued = set(queue)
        while queue:
            a = queue.pop()
            queued.discard(a)
            src = sets[a]
            for b in edges.get(a, ()):
                dst = sets[b]
                if not src <= dst:
                    dst |= src
                    if b not in queued:
                        queued.add(b)
                        queue.append(b)

    def nullable_seq(self, seq) -> bool:
        return all(self.is_nt(s) and s in self.nullable_nts for s in seq)

    def first_of(self, seq) -> set:
        out: set = set()
        for s in seq:
            if self.is_nt(s):
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
            found = self._lr1_contexts()
            self._contexts = found if found is not None else self._compute_contexts()
        return self._contexts

    MAX_LR1_STATES = 4000

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
        is_nt = self.is_nt
        first_of = self.first_of

        def closure(kernel: dict) -> dict:
            items = {core: set(las) for core, las in kernel.items()}
            stack = list(items)
            while stack:
                core = stack.pop()
                p, d = core
                rhs = all_prods[p].rhs
                if d >= len(rhs) or not is_nt(rhs[d]):
                    continue
                las = items[core]
                rest = rhs[d + 1 :]
                new = first_of(rest)
                if self.nullable_seq(rest):
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
            items = closure(kernel)
            allowed: set = set()
            moves: dict[Any, dict] = {}
            origin = None
            for (p, d), las in items.items():
                prod = all_prods[p]
                if d < len(prod.rhs):
                    sym = prod.rhs[d]
                    moves.setdefault(sym, {})[(p, d + 1)] = las
                    if not is_nt(sym):
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

    def _compute_contexts(self) -> list[tuple[frozenset, str]]:
        if not self.start:
            return []
        aug = Production("<start>", (self.start,), (None,), self.start)
        all_prods = self.prods + [aug]
        aug_index = len(self.prods)
        nullable = self.nullable_nts
        is_nt = self.is_nt

        def closure(kernel: frozenset) -> frozenset:
            # Earley prediction, with Aycock-Horspool's completion of nullable
            # nonterminals: [A -> a . B b] with B nullable also gives [A -> a B . b].
            items = set(kernel)
            stack = list(kernel)
            while stack:
                p, d = stack.pop()
                rhs = all_prods[p].rhs
                if d < len(rhs) and is_nt(rhs[d]):
                    for q in self.by_lhs.get(rhs[d], ()):
                        if (q, 0) not in items:
                            items.add((q, 0))
                            stack.append((q, 0))
                    if rhs[d] in nullable and (p, d + 1) not in items:
                        items.add((p, d + 1))
                        stack.append((p, d + 1))
            return frozenset(items)

        # The LR(0) automaton.
        kernels: list[frozenset] = [frozenset({(aug_index, 0)})]
        index = {kernels[0]: 0}
        closures: list[frozenset] = []
        goto: list[dict] = []
        pred: list[dict] = []
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
                    if len(kernels) >= self.MAX_LR_STATES:
                        return []  # too big to analyse: no contexts, no findings
                    j = index[k] = len(kernels)
                    kernels.append(k)
                out[sym] = j
            goto.append(out)
            i += 1
        pred = [dict() for _ in kernels]
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
                    if not is_nt(rhs[d]):
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

# ---------------------------------------------------------------------------- per-grammar


class Analysis:
    """Everything the practice rules share about one grammar."""

    def __init__(self, ctx) -> None:
        self.ctx = ctx
        self.grammar: m.Grammar = ctx.grammar
        self.scopes = scopes(self.grammar)
        self._lang: Lang | None = None
        self._lexemes: dict[int, Lexemes] = {}
        self._flows: dict[int, Flow] = {}

    @property
    def read_ok(self) -> bool:
        read = self.ctx.read
        return read is not None and read.ok

    @property
    def lang(self) -> Lang:
        if self._lang is None:
            self._lang = Lang(_explicit_chars(self.grammar))
        return self._lang

    def lexemes(self, scope: Scope) -> Lexemes:
        key = id(scope)
        if key not in self._lexemes:
            self._lexemes[key] = Lexemes(scope, self.lang)
        return self._lexemes[key]

    def flow(self, scope: Scope) -> Flow:
        key = id(scope)
        if key not in self._flows:
            self._flows[key] = Flow(scope)
        return self._flows[key]


_ATTR = "_grammarkit_practice"


def analysis(ctx) -> Analysis:
    """The shared :class:`Analysis` of ``ctx`` (computed once)."""
    found = ctx.__dict__.get(_ATTR)
    if found is None:
        found = Analysis(ctx)
        ctx.__dict__[_ATTR] = found
    return found


# ---------------------------------------------------------------------------- misc helpers


def terminal_refs(scope: Scope, d: m.Definition) -> Iterator[str]:
    """Names of terminals referenced in a definition's body."""
    for sub in scope.body(d):
        if isinstance(sub, m.NameRef) and m.is_terminal_name(sub.name):
            yield sub.name


def rule_lexeme_nodes(scope: Scope) -> Iterator[tuple[m.Definition, m.Node]]:
    """(rule, leaf) for every terminal-like leaf written directly in a rule body."""
    for d in scope.definition_list():
        if d.is_terminal:
            continue
        for sub in scope.body(d):
            if isinstance(sub, (m.Literal, m.RegexLiteral, m.LiteralRange)):
                yield d, sub
            elif isinstance(sub, m.NameRef) and m.is_terminal_name(sub.name):
                yield d, sub


def terminals_used_by_rules(scope: Scope) -> set[str]:
    """Terminal names referenced from any rule, closed over terminal-in-terminal use."""
    used: set[str] = set()
    stack: list[str] = []
    for d in scope.definition_list():
        if d.is_terminal:
            continue
        for name in terminal_refs(scope, d):
            if name not in used:
                used.add(name)
                stack.append(name)
        for attr in d.attributes:
            if attr.value and m.is_terminal_name(attr.value.strip()):
                name = attr.value.strip()
                if name not in used:
                    used.add(name)
                    stack.append(name)
    while stack:
        name = stack.pop()
        d = scope.definitions.get(name)
        if d is None or not d.is_terminal:
            continue
        for ref in terminal_refs(scope, d):
            if ref not in used:
                used.add(ref)
                stack.append(ref)
    return used


def item_text(ctx, node: m.Node) -> str:
    """The source text of a node, whitespace runs collapsed."""
    return " ".join(ctx.text[node.span.start : node.span.end].split())


# ---------------------------------------------------------------------------- bounds


def unbounded_repeats(tree: rx.Node) -> list[rx.Repeat]:
    """The outermost quantifiers with no upper bound over something non-empty, in
    pattern order: the places that make a regex unbounded."""
    out: list[rx.Repeat] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, rx.Repeat) and node.max is None and rx.max_length(node.child) != 0:
            out.append(node)
            continue
        if isinstance(node, rx.Repeat) and node.max == 0:
            continue  # x{0} matches only the empty string
        stack.extend(reversed(node.children()))
    return out


def bounded_quantifier(form: str, lo: int, n: int) -> str:
    if form == "*" or lo == 0:
        return "{0,%d}" % n
    if form == "+" or lo == 1:
        return "{1,%d}" % n
    return "{%d,%d}" % (lo, max(lo, n))


def bounded_pattern(pattern: str, tree: rx.Node, lang: "Lang", flags: str = "") -> str:
    """``pattern`` with every unbounded quantifier given an upper bound that suits what
    it repeats (see :func:`bound_for`)."""
    repeats = [
        r
        for r in rx.iter_nodes(tree)
        if isinstance(r, rx.Repeat) and r.max is None and rx.max_length(r.child) != 0
    ]
    out = pattern
    for r in sorted(repeats, key=lambda r: r.op_start, reverse=True):
        try:
            n = bound_for(lang, lang._regex_term(r.child, Flags().apply(flags)))
        except Unanalysable:
            n = 64
        out = out[: r.op_start] + bounded_quantifier(r.form, r.min, n) + out[r.op_end :]
    return out


def bound_for(lang: "Lang", inner: int) -> int:
    """An upper bound to suggest for repeating ``inner``: 500 for a broad class (free
    text), 18 for digits (a 64-bit integer), 64 for anything else."""
    union = lang.leaf_union(inner)
    if is_broad(lang, union):
        return 500
    digits = sum(1 << lang.chars.index(c) for c in string.digits)
    return 18 if union and not union & ~digits else 64
