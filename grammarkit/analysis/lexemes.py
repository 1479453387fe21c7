"""Lexemes: the terminals and literals of a scope, with their languages.
"""

from __future__ import annotations

from typing import Any

from grammarkit.analysis.languages import EPS, Lang
from grammarkit.analysis.scoping import Scope, Unanalysable
from grammarkit.reader import model as m
from grammarkit.reader.common_terminals import common_regex

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


_KEYWORD_PARTS = frozenset({m.Literal, m.Sequence, m.Alternative, m.Expansions, m.Group, m.Maybe})
"""The nodes a keyword terminal's body may hold besides names of keyword terminals."""


class Lexemes:
    """Languages, names and properties of the terminals of one scope."""

    def __init__(self, scope: Scope, lang: Lang) -> None:
        self.scope = scope
        self.lang = lang
        self._terms: dict[Any, int] = {}
        self._active: set[str] = set()
        self._keywords: dict[str, bool] = {}  # terminal name -> is_keyword
        self._body_terms: dict[str, int] = {}  # body text (naming nothing) -> term, -1: unanalysable

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
            # A body that names nothing has the language its text gives: terminals
            # written alike (``Ti: /[a-z]{1,8}/``) share it.
            text = self._body_text(d)
            if text is not None:
                found = self._body_terms.get(text)
                if found is not None:
                    if found < 0:
                        raise Unanalysable(name)
                    return found
            self._active.add(name)
            try:
                t = self.node_term(d.body)
            except Unanalysable:
                if text is not None:
                    self._body_terms[text] = -1
                raise
            finally:
                self._active.discard(name)
            if text is not None:
                self._body_terms[text] = t
            return t
        imp = self.scope.imports.get(name)
        if imp is not None:
            pattern = common_regex(imp[1].name)
            if pattern is None:
                raise Unanalysable(name)
            return self.lang.regex(pattern)
        raise Unanalysable(name)

    def _body_text(self, d: m.Definition) -> str | None:
        """The source text of ``d``'s body when it names no other definition (in a
        scope cut from a grammar's text), else None."""
        grammar = self.scope.grammar
        if grammar is None or self.scope.refs(d):
            return None
        return grammar.text[d.body.span.start : d.body.span.end]

    def node_term(self, node: m.Node, replace: dict[int, int] | None = None) -> int:
        """The language of a terminal-body node (raises :class:`Unanalysable`).

        ``replace`` maps ``id()`` of regex literals (anywhere below, through terminal
        names too) to the term to use instead of theirs."""
        lang = self.lang
        if replace and isinstance(node, m.RegexLiteral) and id(node) in replace:
            return replace[id(node)]
        if replace and isinstance(node, m.NameRef) and m.is_terminal_name(node.name):
            d = self.scope.definitions.get(node.name)
            if d is None or not d.is_terminal or d.params is not None or node.name in self._active:
                t = self.term(("T", node.name))
                if t is None:
                    raise Unanalysable(node.name)
                return t
            self._active.add(node.name)
            try:
                return self.node_term(d.body, replace)
            finally:
                self._active.discard(node.name)
        if isinstance(node, (m.Literal, m.RegexLiteral, m.LiteralRange)):
            key = lexeme_key(self.scope, node)
            assert key is not None  # leaves always have a key
            t = self.term(key)
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
            if len(node.alternatives) == 1:  # (lang.alt of one term is that term)
                return self.node_term(node.alternatives[0], replace)
            return lang.alt([self.node_term(a, replace) for a in node.alternatives])
        if isinstance(node, m.Alternative):
            if len(node.conjuncts) != 1:
                raise Unanalysable("&")
            return self.node_term(node.conjuncts[0], replace)
        if isinstance(node, m.Sequence):
            if len(node.items) == 1:  # (lang.cat of one term is that term)
                return self.node_term(node.items[0], replace)
            return lang.cat([self.node_term(i, replace) for i in node.items])
        if isinstance(node, m.Group):
            return self.node_term(node.body, replace)
        if isinstance(node, m.Maybe):
            return lang.alt((self.node_term(node.body, replace), EPS))
        if isinstance(node, m.Repeat):
            return lang.rep(self.node_term(node.item, replace), node.min, node.max)
        raise Unanalysable(type(node).__name__)

    # -- properties ---------------------------------------------------------------

    def is_keyword(self, key: LexemeKey) -> bool:
        """A finite set of fixed strings: a string literal, or a terminal made only of
        string literals (``VERB: "get" | "put"``)."""
        if key[0] == "L":
            return True
        if key[0] != "T":
            return False
        found = self._keywords.get(key[1])
        if found is None:
            found = self._keywords[key[1]] = self._keyword_definition(self.scope.definitions.get(key[1]), set())
        return found

    def _keyword_definition(self, d: m.Definition | None, active: set[str]) -> bool:
        """Whether ``d`` is a terminal whose body is made of string literals (in
        sequences, alternatives, groups and options) and of terminals that are; a
        terminal in ``active`` (being looked at) is not: a cycle is no keyword. The body
        is read from its (cached) list of nodes."""
        if d is None or not d.is_terminal or d.name in active:
            return False
        names = []
        node: Any
        for node in self.scope.body(d):
            kind = type(node)  # (the node types have no subclasses)
            if kind is m.NameRef:
                if not m.is_terminal_name(node.name):
                    return False
                names.append(node.name)
            elif kind not in _KEYWORD_PARTS:
                return False
        if not names:
            return True
        inner = active | {d.name}
        return all(self._keyword_definition(self.scope.definitions.get(name), inner) for name in names)

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
        return describe_key(key)


def describe_key(key: LexemeKey) -> str:
    """How a lexeme is written: ``NAME``, ``"lit"``, ``/re/`` or ``"a".."z"`` (the end of
    input as ``end of input``)."""
    if key == EOS:
        return "end of input"
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
