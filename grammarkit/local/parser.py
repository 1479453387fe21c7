"""The local Lark parser: what the application's own parse of a tool input will do.

Built with Python Lark the way llguidance reads grammars (Earley, dynamic lexer,
``regex=True`` so Rust-style classes such as ``\\p{L}`` work), on the grammar as
:mod:`grammarkit.local.normalize` translates it. Parse trees use the grammar's own names.

Inputs are read in linear time by :mod:`grammarkit.local.lr_parser` (LR tables from Lark's
LALR(1) analysis, a lexer that follows Earley's scanner) wherever the grammar allows it,
with exactly the Earley parser's trees and verdicts; :attr:`LocalParser.parser` says which
parser a grammar gets.

Rejected inputs raise :class:`~grammarkit.core.rejection.InputRejected` carrying the
located :class:`~grammarkit.core.rejection.Rejection`. Inputs are untrusted: their size
is bounded and nothing in them is evaluated.
"""

from __future__ import annotations

import re

from grammarkit.core.errors import EngineUnavailable
from grammarkit.core.rejection import InputRejected, Rejection
from grammarkit.local.normalize import Rewrite, normalize, reads_as_is

DEFAULT_MAX_INPUT_CHARS = 1_000_000
_HOIST_ATTEMPTS = 8


class ParserUnavailable(EngineUnavailable):
    """The grammar has no faithful Lark equivalent (or Lark cannot load it)."""

    engine = "lark"


class LocalParser:
    """A Lark parser for a grammar in llguidance's dialect.

    ``LocalParser(text)`` raises :class:`ParserUnavailable` when the grammar uses a
    construct with no Lark equivalent; ``parse(input)`` returns a ``lark.Tree`` or raises
    :class:`InputRejected`.
    """

    def __init__(
        self, grammar: str, *, max_input_chars: int = DEFAULT_MAX_INPUT_CHARS, parser: str = "auto"
    ) -> None:
        if parser not in ("auto", "earley"):
            raise ValueError(f"unknown parser {parser!r} (expected 'auto' or 'earley')")
        self.max_input_chars = max_input_chars
        self.rewrites: list[Rewrite] = []
        self._renames: dict[str, str] = {}
        self._lark = self._build(grammar)
        self._terminal_text = self._describe_terminals()
        from grammarkit.local import lr_parser

        if parser == "earley":
            self._fast, self.analysis = None, lr_parser.Analysis("earley", "asked for")
        else:
            self._fast, self.analysis = lr_parser.build(self._lark)
        self.parser: str = self.analysis.kind
        """Which parser reads inputs: ``"lalr"`` or ``"glr"`` (the linear-time parser of
        :mod:`grammarkit.local.lr_parser`, same trees and verdicts; it hands an input to
        Earley only when the input is ambiguous or keeps too many alternatives open) or
        ``"earley"`` (Lark's Earley parser for every input; ``self.analysis.reason`` says
        why)."""

    def _build(self, grammar: str):
        lark, norm = build_lark(grammar)
        self.rewrites = norm.rewrites
        self._renames = norm.renames
        return lark

    def _describe_terminals(self) -> dict[str, str]:
        text = {}
        for t in self._lark.terminals:
            pattern = t.pattern
            if type(pattern).__name__ == "PatternStr":
                text[t.name] = _quote(pattern.value)
            elif t.name.startswith("__ANON"):
                text[t.name] = f"/{pattern.value}/"
            else:
                text[t.name] = self._renames.get(t.name, t.name)
        return text

    # ------------------------------------------------------------ parsing
    def parse(self, text: str):
        """Parse ``text``; return the tree (with the grammar's names) or raise InputRejected."""
        tree = self.parse_linear(text)
        return tree if tree is not None else self.parse_general(text)

    def parse_linear(self, text: str):
        """The linear-time parse of ``text`` (tree, or InputRejected), or None when this
        grammar or this input needs the general (Earley) parser: :meth:`parse_general`."""
        if len(text) > self.max_input_chars:
            raise InputRejected(Rejection.too_long(len(text), self.max_input_chars))
        if self._fast is None:
            return None
        from grammarkit.local.lr_parser import FALLBACK, Rejected

        try:
            tree = self._fast.parse(text)
        except Rejected as exc:
            raise self._rejection(text, exc.pos, exc.expected) from None
        except RecursionError:
            raise InputRejected(Rejection.nested()) from None
        if tree is FALLBACK:
            return None
        return self._rename_tree(tree) if self._renames else tree

    def parse_general(self, text: str):
        """The Earley parse of ``text``, whatever :attr:`parser` is (its work may grow
        faster than the input: :mod:`grammarkit.local.bounded` keeps it within a budget)."""
        if len(text) > self.max_input_chars:
            raise InputRejected(Rejection.too_long(len(text), self.max_input_chars))
        return self._parse_earley(text)

    def _parse_earley(self, text: str):
        """Parse with Lark's Earley parser (whatever :attr:`parser` is)."""
        from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

        try:
            tree = self._lark.parse(text)
        except UnexpectedCharacters as exc:
            pos = exc.pos_in_stream or 0  # lark types it None; UnexpectedCharacters sets the lexer position
            raise self._rejection(text, pos, exc.allowed or set()) from None
        except UnexpectedEOF as exc:
            raise self._rejection(text, len(text), set(exc.expected or [])) from None
        except UnexpectedToken as exc:
            pos = exc.token.start_pos if exc.token.start_pos is not None else len(text)
            raise self._rejection(text, pos, set(exc.expected or exc.accepts or [])) from None
        except UnexpectedInput as exc:  # pragma: no cover - other Lark input errors
            pos = getattr(exc, "pos_in_stream", None) or 0
            raise self._rejection(text, pos, set()) from None
        except RecursionError:
            raise InputRejected(Rejection.nested()) from None
        return self._rename_tree(tree) if self._renames else tree

    def _rejection(self, text: str, pos: int, expected: set[str]) -> InputRejected:
        shown = sorted({self._terminal_text.get(e, e) for e in expected if not e.startswith("$")})
        return InputRejected(Rejection.at_offset(text, pos, engine="lark", expected=shown))

    def _rename_tree(self, tree):
        from lark import Token, Tree

        back = self._renames
        if isinstance(tree, Token):  # ``?start: X`` reduced to its one token
            return tree.update(type=back[tree.type]) if tree.type in back else tree
        stack = [tree]
        while stack:
            node = stack.pop()
            if isinstance(node, Tree):
                if isinstance(node.data, str) and node.data in back:
                    node.data = back[node.data]
                elif isinstance(node.data, Token) and str(node.data) in back:
                    node.data = Token(node.data.type, back[str(node.data)])
                for i, child in enumerate(node.children):
                    if isinstance(child, Token) and child.type in back:
                        node.children[i] = child.update(type=back[child.type])
                    else:
                        stack.append(child)
        return tree


def build_lark(grammar: str):
    """``(lark.Lark, Normalized)`` for ``grammar``: normalized, then built, again with the
    optional parts of the rules Lark reports as "defined twice" moved into helper rules,
    until Lark loads it. Raises :class:`ParserUnavailable`."""
    from lark import Lark
    from lark.exceptions import GrammarError, LarkError

    hoist: set[str] = set()
    for _ in range(_HOIST_ATTEMPTS):
        norm = normalize(grammar, hoist_rules=frozenset(hoist))
        if norm.text is None:  # not norm.ok
            raise ParserUnavailable("no Lark equivalent for " + "; ".join(norm.unsupported))
        try:
            lark = Lark(
                norm.text,
                parser="earley",
                lexer="dynamic",
                regex=True,
                start="start",
                propagate_positions=True,
                maybe_placeholders=False,
                ambiguity="resolve",
            )
            return lark, norm
        except GrammarError as exc:
            colliding = set(re.findall(r"<(\S+) :", str(exc))) if "defined twice" in str(exc) else set()
            colliding = {norm.renames.get(n, n) for n in colliding} - hoist
            if not colliding:
                raise ParserUnavailable(f"Lark cannot load the grammar: {_first_line(exc)}") from None
            hoist |= colliding
        except (LarkError, ValueError, TypeError) as exc:
            raise ParserUnavailable(f"Lark cannot load the grammar: {_first_line(exc)}") from None
        except Exception as exc:
            what = f"{type(exc).__name__}: {_first_line(exc)}"
            raise ParserUnavailable(f"Lark cannot load the grammar: {what}") from None
    raise ParserUnavailable("Lark cannot load the grammar: colliding expansions remain")


def lark_rewrites(grammar: str, read=None) -> list[Rewrite]:
    """Every change the local parser makes to ``grammar`` so that Python Lark loads it
    (:class:`~grammarkit.local.normalize.Rewrite`, with spans), including the rules whose
    colliding expansions Lark reports only when it builds the parser ("Rules defined
    twice"). That needs an aliased alternative that, without its optional parts, reads like
    another alternative of the rule: Lark is asked only then."""
    if read is None:
        from grammarkit.reader import read_grammar

        read = read_grammar(grammar)
    if not read.errors and "->" not in grammar and reads_as_is(read.grammar):
        return []  # normalize would rewrite nothing, and without aliases nothing collides
    norm = normalize(grammar, read=read)
    if norm.text is None or "->" not in grammar or not _may_collide(grammar, read):
        return norm.rewrites
    try:
        return build_lark(grammar)[1].rewrites
    except ParserUnavailable:
        return norm.rewrites


def _may_collide(grammar: str, read) -> bool:
    """A rule with an aliased alternative whose items, optional ones left out, are those
    of another alternative (left out the same way): Lark may find them "defined twice"."""
    from grammarkit.reader import model as m

    for d in read.grammar.nodes():
        if not isinstance(d, m.Definition) or d.is_terminal or len(d.body.alternatives) < 2:
            continue
        if not any(alt.alias for alt in d.body.alternatives):
            continue
        cores = []
        for alt in d.body.alternatives:
            items = alt.conjuncts[0].items if alt.conjuncts else []
            core = tuple(
                grammar[i.span.start : i.span.end]
                for i in items
                if not (isinstance(i, m.Maybe) or (isinstance(i, m.Repeat) and i.min == 0))
            )
            cores.append(core)
        if len(set(cores)) < len(cores):
            return True
    return False


def _quote(value: str) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    if text.startswith("(") and "TerminalDef" in text:
        text = text.split(",")[0].strip("('\"")
    return text.splitlines()[0] if text else type(exc).__name__
