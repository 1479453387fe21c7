"""The local Lark parser: what the application's own parse of a tool input will do.

Built with Python Lark the way llguidance reads grammars (Earley, dynamic lexer,
``regex=True`` so Rust-style classes such as ``\\p{L}`` work), on the grammar as
:mod:`grammarkit.local.normalize` translates it. Parse trees use the grammar's own names.

Inputs are read in linear time by :mod:`grammarkit.local.lr_parser` (LR tables from Lark's
LALR(1) analysis, a lexer that follows Earley's scanner) wherever the grammar allows it,
with exactly the Earley parser's trees and verdicts; :attr:`LocalParser.parser` says which
parser a grammar gets.

Rejected inputs raise :class:`InputRejected` with the line, column, offending text and
what was expected there. Inputs are untrusted: their size is bounded and nothing in them
is evaluated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from grammarkit.core.span import caret_snippet
from grammarkit.local.normalize import normalize

DEFAULT_MAX_INPUT_CHARS = 1_000_000
_HOIST_ATTEMPTS = 8


class ParserUnavailable(Exception):
    """The grammar has no faithful Lark equivalent (or Lark cannot load it)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class InputRejected(Exception):
    """The input does not parse. Positions are 1-based; ``offset`` counts characters."""

    message: str
    line: int
    column: int
    offset: int
    found: str = ""  # the offending text ("" at the end of the input)
    expected: list[str] = field(default_factory=list)
    at_end: bool = False
    snippet: str = ""

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        return f"{self.line}:{self.column}: {self.message}"

    def to_dict(self) -> dict:
        return {
            "message": self.message,
            "line": self.line,
            "column": self.column,
            "offset": self.offset,
            "found": self.found,
            "expected": self.expected,
            "at_end": self.at_end,
        }


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
        self.rewrites: list[str] = []
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
        from lark import Lark
        from lark.exceptions import GrammarError, LarkError

        hoist: set[str] = set()
        for _ in range(_HOIST_ATTEMPTS):
            norm = normalize(grammar, hoist_rules=frozenset(hoist))
            if not norm.ok:
                raise ParserUnavailable("no Lark equivalent for " + "; ".join(norm.unsupported))
            self.rewrites = norm.rewrites
            self._renames = norm.renames
            try:
                return Lark(
                    norm.text,
                    parser="earley",
                    lexer="dynamic",
                    regex=True,
                    start="start",
                    propagate_positions=True,
                    maybe_placeholders=False,
                    ambiguity="resolve",
                )
            except GrammarError as exc:
                colliding = set(re.findall(r"<(\S+) :", str(exc))) if "defined twice" in str(exc) else set()
                colliding = {self._renames.get(n, n) for n in colliding} - hoist
                if not colliding:
                    raise ParserUnavailable(f"Lark cannot load the grammar: {_first_line(exc)}") from None
                hoist |= colliding
            except (LarkError, ValueError, TypeError) as exc:
                raise ParserUnavailable(f"Lark cannot load the grammar: {_first_line(exc)}") from None
            except Exception as exc:
                raise ParserUnavailable(f"Lark cannot load the grammar: {type(exc).__name__}: {_first_line(exc)}") from None
        raise ParserUnavailable("Lark cannot load the grammar: colliding expansions remain")

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
        if len(text) > self.max_input_chars:
            raise InputRejected(
                f"input is too long ({len(text)} characters; the limit is {self.max_input_chars})",
                1,
                1,
                0,
            )
        if self._fast is not None:
            from grammarkit.local.lr_parser import FALLBACK, Rejected

            try:
                tree = self._fast.parse(text)
            except Rejected as exc:
                raise self._rejection(text, exc.pos, exc.expected) from None
            except RecursionError:
                raise InputRejected("input is nested too deeply to parse", 1, 1, 0) from None
            if tree is not FALLBACK:
                return self._rename_tree(tree) if self._renames else tree
        return self._parse_earley(text)

    def _parse_earley(self, text: str):
        """Parse with Lark's Earley parser (whatever :attr:`parser` is)."""
        from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

        try:
            tree = self._lark.parse(text)
        except UnexpectedCharacters as exc:
            raise self._rejection(text, exc.pos_in_stream, exc.allowed or set()) from None
        except UnexpectedEOF as exc:
            raise self._rejection(text, len(text), set(exc.expected or [])) from None
        except UnexpectedToken as exc:
            pos = exc.token.start_pos if exc.token.start_pos is not None else len(text)
            raise self._rejection(text, pos, set(exc.expected or exc.accepts or [])) from None
        except UnexpectedInput as exc:  # pragma: no cover - other Lark input errors
            pos = getattr(exc, "pos_in_stream", None) or 0
            raise self._rejection(text, pos, set()) from None
        except RecursionError:
            raise InputRejected("input is nested too deeply to parse", 1, 1, 0) from None
        return self._rename_tree(tree) if self._renames else tree

    def _rejection(self, text: str, pos: int, expected: set[str]) -> InputRejected:
        pos = max(0, min(pos, len(text)))
        line = text.count("\n", 0, pos) + 1
        line_start = text.rfind("\n", 0, pos) + 1
        column = pos - line_start + 1
        at_end = pos >= len(text)
        found = "" if at_end else text[pos]
        shown = sorted({self._terminal_text.get(e, e) for e in expected if not e.startswith("$")})
        if at_end:
            message = "the input ends too early"
        else:
            message = f"unexpected {found!r}"
        if shown:
            message += "; expected " + ", ".join(shown[:12]) + (", ..." if len(shown) > 12 else "")
        return InputRejected(
            message,
            line,
            column,
            pos,
            found=found,
            expected=shown,
            at_end=at_end,
            snippet=caret_snippet(text, line, column),
        )

    def _rename_tree(self, tree):
        from lark import Token, Tree

        back = self._renames
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


def _quote(value: str) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    if text.startswith("(") and "TerminalDef" in text:
        text = text.split(",")[0].strip("('\"")
    return text.splitlines()[0] if text else type(exc).__name__
