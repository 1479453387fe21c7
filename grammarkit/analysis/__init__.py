"""Static analysis of a grammar: scopes, languages, lexemes and flow (what the practice
rules GK220-GK239 ask about).

Three pieces, computed once per grammar and on demand (:class:`Analysis`, cached on the
lint context as ``ctx.analysis``):

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

from typing import TYPE_CHECKING, Any

from grammarkit.analysis.charsets import Flags, explicit_chars, parse_regex
from grammarkit.analysis.languages import Lang
from grammarkit.analysis.lexemes import EOS, Lexemes, is_broad, lexeme_key, show
from grammarkit.analysis.scoping import (
    Scope,
    Unanalysable,
    body_nodes,
    item_text,
    rule_lexeme_nodes,
    scopes,
    terminals_used_by_rules,
)
from grammarkit.reader import model as m

if TYPE_CHECKING:
    from grammarkit.analysis.bounds import (
        bound_edits,
        bound_for,
        bounded_pattern,
        bounded_quantifier,
        plainly_quantified,
        unbounded_repeats,
    )
    from grammarkit.analysis.flow import Flow
    from grammarkit.analysis.greedy import Greedy
    from grammarkit.analysis.sentences import Rendered, Sentence, Sentences

# Flow, the greedy lexer, sentences and bounds are loaded on first use (generating samples
# needs only languages and lexemes).
_LAZY = {
    "bound_edits": "bounds",
    "bound_for": "bounds",
    "bounded_pattern": "bounds",
    "bounded_quantifier": "bounds",
    "plainly_quantified": "bounds",
    "unbounded_repeats": "bounds",
    "Flow": "flow",
    "Greedy": "greedy",
    "Rendered": "sentences",
    "Sentence": "sentences",
    "Sentences": "sentences",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f"grammarkit.analysis.{module}"), name)

# ---------------------------------------------------------------------------- per-grammar


class Analysis:
    """Everything the practice rules share about one grammar."""

    def __init__(self, grammar: m.Grammar, *, read_ok: bool = True) -> None:
        self.grammar = grammar
        self.read_ok = read_ok  # the reader read every item (else the rules stay careful)
        self.scopes = scopes(self.grammar)
        self._lang: Lang | None = None
        self._lexemes: dict[int, Lexemes] = {}
        self._flows: dict[int, Flow] = {}
        self._greedy: dict[int, Greedy] = {}
        self._sentences: dict[int, Sentences] = {}

    @property
    def lang(self) -> Lang:
        if self._lang is None:
            self._lang = Lang(explicit_chars(self.grammar))
        return self._lang

    def lexemes(self, scope: Scope) -> Lexemes:
        key = id(scope)
        if key not in self._lexemes:
            self._lexemes[key] = Lexemes(scope, self.lang)
        return self._lexemes[key]

    def flow(self, scope: Scope) -> Flow:
        from grammarkit.analysis.flow import Flow

        key = id(scope)
        if key not in self._flows:
            self._flows[key] = Flow(scope)
        return self._flows[key]

    def greedy(self, scope: Scope) -> Greedy:
        """What llguidance's greedy lexer lets follow what, in one scope."""
        from grammarkit.analysis.greedy import Greedy

        key = id(scope)
        if key not in self._greedy:
            self._greedy[key] = Greedy(scope, self.flow(scope), self.lexemes(scope))
        return self._greedy[key]

    def sentences(self, scope: Scope) -> Sentences:
        """Inputs built from one scope's rules (candidate witnesses)."""
        from grammarkit.analysis.sentences import Sentences

        key = id(scope)
        if key not in self._sentences:
            greedy = self.greedy(scope)
            self._sentences[key] = Sentences(self.flow(scope), self.lexemes(scope), greedy.ignore, greedy)
        return self._sentences[key]


__all__ = [
    "Analysis",
    "EOS",
    "Flags",
    "Flow",
    "Greedy",
    "Lang",
    "Rendered",
    "Scope",
    "Sentence",
    "Sentences",
    "Unanalysable",
    "body_nodes",
    "bound_edits",
    "bound_for",
    "bounded_pattern",
    "bounded_quantifier",
    "is_broad",
    "item_text",
    "lexeme_key",
    "parse_regex",
    "plainly_quantified",
    "rule_lexeme_nodes",
    "show",
    "terminals_used_by_rules",
    "unbounded_repeats",
]
