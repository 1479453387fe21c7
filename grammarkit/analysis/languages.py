"""Languages of terminals as Brzozowski-derivative terms over a finite sample alphabet.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator

from grammarkit import regex_syntax as rx
from grammarkit.analysis.charsets import (
    CHAR_LEAVES,
    PREFERRED,
    PRINTABLE,
    REPRESENTATIVES,
    Flags,
    case_variants,
    char_member,
    parse_regex,
)
from grammarkit.analysis.scoping import Unanalysable

# ---------------------------------------------------------------------------- languages

EMPTY = 0  # the empty language
EPS = 1  # the empty string


class EndStates:
    """How a terminal can end, from :meth:`Lang.end_states`.

    ``goes_on`` maps, for every state reached after a non-empty complete match, the mask
    of characters it can go on with to the shortest match reaching such a state;
    ``longest`` is the shortest match after which nothing can follow (a maximal match,
    such as the 200th character of ``/[^\\n]{1,200}/``), or None when every match can
    go on."""

    def __init__(self) -> None:
        self.goes_on: dict[int, str] = {}
        self.longest: str | None = None

    def follow(self, mask: int) -> str:
        """Whether something starting with a character of ``mask`` can follow a complete
        match, given llguidance's greedy lexer (which only ends a terminal when the next
        character cannot go on with it): ``"free"`` after some match that cannot go on
        with one of those characters, ``"at-limit"`` only after a maximal match,
        ``"never"`` not at all."""
        if not self.goes_on or any(mask & ~first for first in self.goes_on):
            return "free"  # (a terminal that never goes on, such as a literal, always ends)
        return "at-limit" if self.longest is not None else "never"

    def absorbing(self, mask: int) -> str | None:
        """The shortest complete match that can go on with a character of ``mask``."""
        hits = [w for first, w in self.goes_on.items() if first & mask]
        return min(hits, key=lambda w: (len(w), w)) if hits else None


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

        for c in PREFERRED:
            add(c)
        for code in list(range(0, 32)) + [127]:
            add(chr(code))
        extra: set[str] = set()
        for c in extra_chars:
            extra |= case_variants(c)
        for c in sorted(extra):
            add(c)
        for c in REPRESENTATIVES:
            add(c)
        self.chars = chars
        self.full = (1 << len(chars)) - 1
        self.printable = sum(1 << i for i, c in enumerate(chars) if c in PRINTABLE)
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

    def literal_first_mask(self, text: str, case_insensitive: bool = False) -> int | None:
        """``first_mask(literal(text, case_insensitive))`` without building the term: the
        mask of the first character (0 for ""), or None where ``literal`` raises
        :class:`Unanalysable` (a character outside the alphabet)."""
        if not case_insensitive:
            index = self._index
            for c in text:
                if c not in index:
                    return None
            return 1 << index[text[0]] if text else 0
        try:
            masks = [self.char_mask(c, True) for c in text]
        except Unanalysable:
            return None
        return masks[0] if masks else 0

    def char_mask(self, c: str, case_insensitive: bool = False) -> int:
        targets = case_variants(c) if case_insensitive else (c,)
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
                    for v in case_variants(ch):
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
        if isinstance(node, CHAR_LEAVES):
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

    def transitions(self, t: int) -> list[tuple[int, int]]:
        """The characters ``t`` can go on with, as ``(mask, derivative)`` pairs: the
        characters of one group lead to the same derivative, computed once for the group
        (they are the characters every leaf of ``t`` treats alike; two groups may still
        lead to the same place). Groups leading nowhere are left out."""
        heads = self.heads(t)
        mask = 0
        for h in heads:
            mask |= h
        out: list[tuple[int, int]] = []
        if not mask:
            return out
        for atom in self._atoms(mask, heads):
            d = self.deriv(t, self._lowest(atom))
            if d != EMPTY:
                out.append((atom, d))
        return out

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
            lo = 0
            hi: int | None = 0
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
        try:
            for state, parent in self._reached(t):
                if self._nullable[state]:
                    hit = self.first_mask(state) & follow_mask
                    if hit:
                        return self._path(parent, state) + self.chars[self._lowest(hit)]
        except _TooMany:
            return None
        return None

    def shortest(self, t: int, *, nonempty: bool = True) -> str | None:
        """The shortest string ``t`` matches (non-empty unless ``nonempty`` is False),
        preferring earlier alphabet characters (letters first); None when there is none
        (or the search is too large)."""
        if not nonempty and self._nullable[t]:
            return ""
        try:
            for state, parent in self._reached(t):
                if self._nullable[state]:
                    return self._path(parent, state)
        except _TooMany:
            return None
        return None

    def end_states(self, t: int) -> EndStates | None:
        """How ``t`` can end: for every state reached after a non-empty complete match,
        the characters it can go on with (see :class:`EndStates`); None when ``t`` has
        more than :attr:`MAX_STATES` states."""
        found = EndStates()
        try:
            for state, parent in self._reached(t):
                if self._nullable[state]:
                    first = self.first_mask(state)
                    if first:
                        if first not in found.goes_on:
                            found.goes_on[first] = self._path(parent, state)
                    elif found.longest is None:
                        found.longest = self._path(parent, state)
        except _TooMany:
            return None
        return found

    def _reached(self, t: int) -> Iterator[tuple[int, dict[int, tuple[int | None, int]]]]:
        """The derivative states of ``t`` reached after one or more characters, breadth
        first (shorter strings first, earlier alphabet characters first), each with the
        map :meth:`_path` spells its string from. A state is given before the states it
        leads to are looked for; past :attr:`MAX_STATES` states :class:`_TooMany` is raised."""
        parent: dict[int, tuple[int | None, int]] = {}
        queue: deque[int | None] = deque([None])
        while queue:
            state = queue.popleft()
            if state is not None:
                yield state, parent
            x = t if state is None else state
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
                    raise _TooMany
                queue.append(nx)

    def distinguish(self, a: int, b: int) -> tuple[str, bool] | None:
        """The shortest string matched by exactly one of ``a`` and ``b``, and whether it is
        ``a`` that matches it; None when they match the same strings of the alphabet (or
        the search is too large)."""
        parent: dict[tuple[int, int], tuple[tuple[int, int] | None, int]] = {}
        queue: deque[tuple[int, int] | None] = deque([None])
        while queue:
            pair = queue.popleft()
            x, y = (a, b) if pair is None else pair
            if self._nullable[x] != self._nullable[y]:
                return ("" if pair is None else self._path(parent, pair)), self._nullable[x]
            hx, hy = self.heads(x), self.heads(y)
            cand = 0
            for h in hx | hy:
                cand |= h
            for atom in self._atoms(cand, hx | hy):
                i = self._lowest(atom)
                nxt = (self.deriv(x, i), self.deriv(y, i))
                if nxt == (EMPTY, EMPTY) or nxt in parent:
                    continue
                parent[nxt] = (pair, i)
                if len(parent) > self.MAX_STATES:
                    return None
                queue.append(nxt)
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


class _TooMany(Exception):
    """A search of derivative states went past :attr:`Lang.MAX_STATES`."""
