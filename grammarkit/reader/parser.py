"""Read Lark grammar text (llguidance's dialect) into the located model.

Structure is parsed by Lark's LALR parser from ``dialect.lark``; tokens come from
:mod:`.lexer`. A text without syntax errors is first read by recursive descent
(:mod:`.descent`, the same model built by the same builder, without the LALR machinery:
about twice as fast); where that reading stops, the LALR parser reads the text.

A syntax error does not end reading: the item that holds it is blanked out (its lines
kept, so positions stay put) and the text is read again, so one pass reports every
syntax error of a file and the model still holds every item that reads.
"""

from __future__ import annotations

import json
import os
import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from lark import Lark, Token, Transformer, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken
from lark.lexer import Lexer

from grammarkit.core import collector
from grammarkit.core.span import LineIndex, Span
from grammarkit.core.version import __version__
from grammarkit.reader import model as m
from grammarkit.reader.descent import Unread, read_items
from grammarkit.reader.lexer import LITERALS, LexError, tokenize

MAX_SYNTAX_ERRORS = 50
# Groups and optionals nested deeper than this are not read (llguidance's own limit is
# 30 levels): the model's consumers walk it recursively. 97 is where the reader, when it
# still built a tree and transformed it recursively, ran out of Python stack.
MAX_NESTING = 97


@dataclass(slots=True)
class SyntaxProblem:
    """Text the reader could not read, at ``span``."""

    message: str
    span: Span
    hint: str = ""
    expected: list[str] = field(default_factory=list)


@dataclass(slots=True)
class ReadResult:
    grammar: m.Grammar
    errors: list[SyntaxProblem]

    @property
    def ok(self) -> bool:
        return not self.errors


class _DialectLexer(Lexer):
    def __init__(self, lexer_conf) -> None:
        pass

    def lex(self, data: str):  # type: ignore[override]
        depth = 0
        for tok in tokenize(data):
            kind = tok.type
            if kind == "LPAR" or kind == "LSQB":
                depth += 1
                if depth > MAX_NESTING:
                    raise _TooDeep()
            elif kind == "RPAR" or kind == "RSQB":
                depth -= 1
            yield tok


class _TooDeep(Exception):
    """Brackets nested deeper than :data:`MAX_NESTING`."""


# The builder runs inside Lark's LALR parser (``transformer=``: no parse tree is built).
# It is made once, with the parser; the text being read is per thread.
_LOCAL = threading.local()


@lru_cache(maxsize=1)
def _builder() -> _Builder:
    return _Builder()


@lru_cache(maxsize=1)
def _parser() -> Lark:
    grammar = resources.files("grammarkit.reader").joinpath("dialect.lark").read_text(encoding="utf-8")
    return Lark(
        grammar,
        parser="lalr",
        lexer=_DialectLexer,
        propagate_positions=False,
        maybe_placeholders=False,
        transformer=_builder(),
        cache=_cache_path(),
    )


def _cache_path() -> str | bool:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = os.path.join(base, "grammarkit")
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError:
        return False
    if not os.access(folder, os.W_OK):
        return False

    return os.path.join(folder, f"dialect-{__version__}.lark-cache")


def read_grammar(text: str) -> ReadResult:
    """Read ``text``; return the model of everything readable and every syntax problem.

    A problem (a parse error, or a value found invalid while building the model, such as
    ``x{0}``) blanks the item that holds it, and the text is read again."""
    with collector.paused():
        return _read(text)


def _read(text: str) -> ReadResult:
    index = LineIndex(text)
    quick = _read_quickly(text, index)
    if quick is not None:
        return ReadResult(m.Grammar(text, quick, index), [])
    errors: list[SyntaxProblem] = []
    work = text
    parser = _parser()
    while True:
        _LOCAL.index = index
        try:
            items: list[m.Item] = parser.parse(work)  # type: ignore[assignment]  # the builder makes items
            break
        except (UnexpectedInput, LexError) as exc:
            problem, offset = _problem(exc, work, index)
        except _BuildError as exc:
            problem, offset = SyntaxProblem(exc.message, exc.span, exc.hint), exc.span.start
        except (_TooDeep, RecursionError):
            errors.append(SyntaxProblem("grammar is nested too deeply to read", index.span(0, 0)))
            return ReadResult(m.Grammar(text, [], index), sorted(errors, key=lambda p: p.span.start))
        finally:
            _LOCAL.index = None
        errors.append(problem)
        blanked = _blank_item(work, offset)
        if blanked == work or len(errors) >= MAX_SYNTAX_ERRORS:
            return ReadResult(m.Grammar(text, [], index), sorted(errors, key=lambda p: p.span.start))
        work = blanked
    errors.sort(key=lambda p: p.span.start)
    return ReadResult(m.Grammar(text, items, index), errors)


def _read_quickly(text: str, index: LineIndex) -> list[m.Item] | None:
    """The items of a text without syntax errors, read by recursive descent
    (:mod:`.descent`); None when it has a problem (the LALR parser then reads it and
    reports every problem)."""
    _LOCAL.index = index
    try:
        tokens = list(tokenize(text))
        kinds = [t.type for t in tokens]
        if _too_deep(kinds):
            return None
        return read_items(tokens, _builder(), kinds)
    except (Unread, LexError, _BuildError, RecursionError):
        return None
    finally:
        _LOCAL.index = None


def _too_deep(kinds: list[str]) -> bool:
    """Whether the brackets of these token types nest deeper than :data:`MAX_NESTING`
    (where :class:`_DialectLexer` stops with :class:`_TooDeep`)."""
    if kinds.count("LPAR") + kinds.count("LSQB") <= MAX_NESTING:
        return False  # not enough brackets to nest that deep
    depth = 0
    for kind in kinds:
        if kind == "LPAR" or kind == "LSQB":
            depth += 1
            if depth > MAX_NESTING:
                return True
        elif kind == "RPAR" or kind == "RSQB":
            depth -= 1
    return False


# ---------------------------------------------------------------- errors

_TOKEN_DESCRIPTIONS = {
    "RULE": "a rule name",
    "TOKEN": "a terminal name",
    "STRING": "a string literal",
    "REGEXP": "a regex literal",
    "NUMBER": "a number",
    "HEXNUMBER": "a hex number",
    "OP": "'+', '*' or '?'",
    "SPECIAL_TOKEN": "a <special> token",
    "GRAMMAR_REF": "an @grammar reference",
    "JSON": "a JSON value",
    "_NL": "a newline",
    "$END": "the end of the file",
    "REPEAT_LBRACE": "'{'",
    "REPEAT_TILDE": "'~'",
}


def _describe(token_type: str) -> str:
    if token_type in _TOKEN_DESCRIPTIONS:
        return _TOKEN_DESCRIPTIONS[token_type]

    for name, lit in LITERALS:
        if name == token_type:
            return repr(lit)
    return token_type


def _describe_found(tok: Token) -> str:
    if tok.type == "_NL":
        return "end of line" if tok.value else "end of file"
    if tok.type == "$END":
        return "end of file"
    value = str(tok.value)
    if len(value) > 30:
        value = value[:27] + "..."
    return f"{_describe(tok.type)} {value!r}" if tok.type in _TOKEN_DESCRIPTIONS else repr(value)


def _problem(exc: Exception, text: str, index: LineIndex) -> tuple[SyntaxProblem, int]:
    if isinstance(exc, LexError):
        return SyntaxProblem(exc.message, index.span(exc.offset, max(exc.end, exc.offset)), exc.hint), exc.offset
    if isinstance(exc, UnexpectedToken):
        tok = exc.token
        start = tok.start_pos if tok.start_pos is not None else len(text)
        end = tok.end_pos if tok.end_pos is not None else start
        if tok.type == "_NL" and tok.value:
            end = start + 1 if text[start : start + 1] == "\n" else start + 2
        expected = sorted({_describe(t) for t in exc.expected if not t.startswith("__")})
        if "%lark" not in text:
            expected = [e for e in expected if e != "'}'"]  # only a %lark block closes with }
        message = f"unexpected {_describe_found(tok)}"
        hint = _hint_for(tok, expected, text, start)
        return SyntaxProblem(message, index.span(start, max(end, start)), hint, expected), start
    if isinstance(exc, UnexpectedEOF):
        return SyntaxProblem("unexpected end of file", index.span(len(text), len(text))), len(text)
    if isinstance(exc, UnexpectedCharacters):  # pragma: no cover - custom lexer raises LexError
        pos = exc.pos_in_stream or 0  # lark types it None; UnexpectedCharacters sets the lexer position
        return SyntaxProblem(str(exc).splitlines()[0], index.span(pos, pos + 1)), pos
    raise exc  # pragma: no cover


def _hint_for(tok: Token, expected: list[str], text: str, start: int) -> str:
    if tok.type == "_NL" and "')'" in expected:
        return "a group cannot span lines: close it on the same line, or continue with a line starting with '|'"
    if tok.type == "VBAR":
        return "an alternative line must follow its rule directly (no comment or blank line in between)"
    if expected:
        shown = ", ".join(expected[:8]) + (", ..." if len(expected) > 8 else "")
        return f"expected {shown}"
    return ""


_LINE_START = re.compile(r"^(?=[^\s|#/])", re.MULTILINE)


def _item_starts(text: str) -> list[int]:
    """Offsets where top-level items start: the first token after each newline that ends
    an item, so a multi-line ``%json {...}`` value or ``%lark {...}`` block is one item.
    Past a lexer error (no tokens there) lines starting in column 1 stand in."""
    starts: list[int] = []
    covered = len(text)
    after_newline = True
    depth = 0  # inside %lark { ... }
    previous = ""
    try:
        for tok in tokenize(text):
            kind = tok.type
            if kind == "_NL":
                after_newline = after_newline or depth == 0
            else:
                if after_newline and depth == 0:
                    assert tok.start_pos is not None  # tokenize() places every token
                    starts.append(tok.start_pos)
                after_newline = False
                if depth and kind == "LBRACE" or kind == "LBRACE" and previous == "KW_LARK":
                    depth += 1
                elif depth and kind == "RBRACE":
                    depth -= 1
            previous = kind
    except LexError as exc:
        covered = exc.offset
    starts.extend(m.start() for m in _LINE_START.finditer(text) if m.start() > covered)
    return starts


def _blank_item(text: str, offset: int) -> str:
    """Replace the item holding ``offset`` with spaces (newlines kept)."""
    offset = min(max(offset, 0), len(text))
    begin = 0
    end = len(text)
    for start in _item_starts(text):
        if start <= offset:
            begin = start
        else:
            end = start
            break
    if begin == end:
        return text
    chunk = text[begin:end]
    blank = re.sub(r"[^\n]", " ", chunk)
    if blank == chunk:
        return text
    return text[:begin] + blank + text[end:]


class _BuildError(Exception):
    def __init__(self, message: str, span: Span, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.span = span
        self.hint = hint


# ---------------------------------------------------------------- tree → model


_OP_BOUNDS = {"*": (0, None), "+": (1, None), "?": (0, 1)}


def _plain_char(tok: Token) -> bool:
    """A one-character token other than a newline, placed by the lexer."""
    value = tok.value
    return len(value) == 1 and value != "\n" and tok.end_pos - tok.start_pos == 1  # type: ignore[operator]
_HEX_ESCAPE = re.compile(r"(\\\\)|\\x([0-9a-fA-F]{2})")


def _decode_string(raw: str) -> tuple[str, str]:
    flags = ""
    body = raw
    if body.endswith("i") and not body.endswith('"'):
        flags, body = "i", body[:-1]
    if "\\" not in body and body.isascii() and body.isprintable():
        return body[1:-1], flags  # no escapes: what json.loads would return, faster
    # JSON has no \xHH: rewrite it as \u00HH, but not the "x41" after an escaped backslash.
    body = _HEX_ESCAPE.sub(lambda m: m.group(1) or "\\u00" + m.group(2), body)
    return json.loads(body), flags


# ``Span(...)`` of a frozen dataclass sets each field through ``object.__setattr__``; the
# builder makes a span per token and per node, so it sets the slots directly (the same
# object: tests/reader/test_builder_spans.py checks it against the constructor).
_SPAN_FIELDS = ("line", "column", "end_line", "end_column", "start", "end")
_new_object = object.__new__
_set_line, _set_column, _set_end_line, _set_end_column, _set_start, _set_end = (
    getattr(Span, name).__set__ for name in _SPAN_FIELDS
)


def _new_span(line: int, column: int, end_line: int, end_column: int, start: int, end: int) -> Span:
    """``Span(line, column, end_line, end_column, start, end)``, made faster."""
    span = _new_object(Span)
    _set_line(span, line)
    _set_column(span, column)
    _set_end_line(span, end_line)
    _set_end_column(span, end_column)
    _set_start(span, start)
    _set_end(span, end)
    return span


class _Builder(Transformer):
    """Builds model nodes while Lark's LALR parser reduces (no parse tree). Tokens keep
    their positions; every model node gets the span from its first to its last piece."""

    def __init__(self) -> None:
        super().__init__(visit_tokens=False)

    @property
    def index(self) -> LineIndex:
        return _LOCAL.index

    # -- helpers
    def _span(self, children) -> Span:
        """The span from the first to the last piece (tokens, nodes, spans). It is put
        together from the pieces' own spans: the same as ``index.span(start, end)``,
        without looking the offsets up again. The pieces are in the order of the text,
        so only the first and the last piece with a place are looked at."""
        piece = self._piece_span
        count = len(children)
        at = 0
        while at < count:
            first = piece(children[at])
            if first is not None:
                break
            at += 1
        else:
            return self.index.span(0, 0)
        back = count - 1
        while back > at:
            last = piece(children[back])
            if last is not None:
                break
            back -= 1
        else:
            return first
        if last.start < last.end:  # the same end coordinates as index.span(first.start, last.end)
            return _new_span(first.line, first.column, last.end_line, last.end_column, first.start, last.end)
        return self.index.span(first.start, last.end)

    def _piece_span(self, c) -> Span | None:
        """The place of one piece of a node (None: it has none of its own)."""
        if isinstance(c, m.Node):
            span = c.span
            return None if span.start == span.end else span  # an empty alternative has no place
        if isinstance(c, Token):
            if c.type == "_NL" or c.start_pos is None or c.end_pos is None:
                return None
            return self._tok_span(c)
        if isinstance(c, Span):
            return c
        return None

    def _tok_span(self, tok: Token) -> Span:
        start, end = tok.start_pos, tok.end_pos
        assert start is not None and end is not None  # tokenize() places every token
        value = tok.value
        if start < end and value[-1:] != "\n" and len(value) == end - start:
            # the lexer's own line and column: what index.span(start, end) computes
            return _new_span(tok.line, tok.column, tok.end_line, tok.end_column, start, end)  # type: ignore[arg-type]
        return self.index.span(start, end)

    # -- top level
    def start(self, children):
        return [c for c in children if not isinstance(c, Token)]

    def rule_def(self, children):
        return self._definition("rule", children)

    def token_def(self, children):
        return self._definition("terminal", children)

    def _definition(self, kind: str, children) -> m.Definition:
        name_tok: Token = children[0]
        raw = name_tok.value
        modifiers = ""
        name = raw
        while name and name[0] in "!?":
            modifiers += name[0]
            name = name[1:]
        name_span = self._tok_span(name_tok)
        # (the name's span stands in for the name token: the same piece, made once)
        definition = m.Definition(self._span([name_span, *children[1:]]), kind, name, name_span, modifiers,
                                  children[-1])
        for c in children[1:-1]:
            if isinstance(c, Tree):
                if c.data == "parametric":
                    definition.parametric = True
                elif c.data in ("rule_params", "token_params"):
                    definition.params = [
                        str(t) for t in c.children if isinstance(t, Token) and t.type in ("RULE", "TOKEN")
                    ]
                    definition.params_span = self._span(c.children)
                elif c.data == "priority":
                    number = c.children[1]
                    definition.priority_span = self._span(c.children)
                    try:
                        definition.priority = int(str(number))
                    except ValueError:
                        raise _BuildError(
                            f"priority must be an integer, not {str(number)!r}",
                            definition.priority_span,
                        ) from None
                elif c.data == "attributes":
                    definition.attributes = [a for a in c.children if isinstance(a, m.Attribute)]
        return definition

    def attribute(self, children):
        key = children[0]
        value = children[2] if len(children) > 2 else None
        value_span = None
        text = None
        if isinstance(value, Token):
            value_span, text = self._tok_span(value), str(value)
        elif isinstance(value, m.Node):  # a literal, regex, name, %regex {...}, range, ...
            value_span = value.span
            text = self.index.text[value.span.start : value.span.end]
        return m.Attribute(span=self._span(children), key=str(key), value=text, value_span=value_span)

    def ignore(self, children):
        return m.Ignore(span=self._span(children), body=children[1])

    def import_path(self, children):
        return children  # tokens (DOT?, names and DOTs)

    def name_list(self, children):
        return [c for c in children if isinstance(c, m.NameRef)]

    def name(self, children):
        return self.name_ref(children[0])

    def import_(self, children):  # pragma: no cover - renamed below
        raise NotImplementedError

    def _import_parts(self, path_parts):
        relative = bool(path_parts) and isinstance(path_parts[0], Token) and path_parts[0].type == "DOT"
        names = [t for t in path_parts if isinstance(t, m.NameRef)]
        return relative, names

    def multi_import(self, children):
        path_tokens = children[1]
        relative, module = self._import_parts(path_tokens)
        names = [m.ImportName(span=t.span, name=t.name) for t in children[2]]
        return m.Import(
            span=self._span([children[0], *path_tokens, *children[2]]),
            module=[t.name for t in module],
            relative=relative,
            names=names,
            path_span=self._span(path_tokens),
        )

    def override(self, children):
        return m.Override(span=self._span(children), directive="%override", definition=children[1])

    def extend(self, children):
        return m.Override(span=self._span(children), directive="%extend", definition=children[1])

    def declare(self, children):
        names = [c.name for c in children[1:]]
        return m.Declare(span=self._span(children), names=names)

    def llguidance(self, children):
        raw = str(children[1])
        return m.LLGuidanceOptions(span=self._span(children), value=json.loads(raw), raw=raw)

    # -- expressions
    def expansions(self, children):
        alts = [c for c in children if type(c) is m.Alternative]  # (the other children are tokens)
        return m.Expansions(self._span(children), alts)

    def alias(self, children):
        if len(children) == 1 and type(children[0]) is m.Sequence:  # the usual case, in short
            span = self._span(children)
            return m.Alternative(span=span, conjuncts=[children[0]])
        conjuncts = [c for c in children if isinstance(c, m.Sequence)]
        alt = m.Alternative(span=self._span(children), conjuncts=conjuncts)
        for i, c in enumerate(children):
            if isinstance(c, Token) and c.type == "ARROW":
                alt.alias = str(children[i + 1])
                alt.alias_span = self._tok_span(children[i + 1])
            elif isinstance(c, Token) and c.type == "KW_IF":
                alt.condition = children[i + 1]
        if alt.alias is None and alt.condition is None and conjuncts:
            alt.span = self._span(conjuncts) if any(s.items for s in conjuncts) else alt.span
        return alt

    def expansion(self, children):
        return m.Sequence(span=self._span(children), items=list(children))

    # What the recursive descent calls for the usual cases, instead of the rule methods
    # above (the same nodes: it hands them exactly what it would hand those methods).
    def sequence(self, items: list) -> m.Sequence:
        """``expansion(items)``, keeping ``items`` (a list of nodes nobody else holds)."""
        if not items:
            return m.Sequence(self.index.span(0, 0), items)
        return m.Sequence(self._nodes_span(items), items)  # (positional: faster than by keyword)

    def _nodes_span(self, nodes: list) -> Span:
        """``_span(nodes)`` for a non-empty list of nodes."""
        first = nodes[0].span
        if first.start == first.end:
            return self._span(nodes)
        if len(nodes) == 1:
            return first
        last = nodes[-1].span
        if last.start < last.end:
            return _new_span(first.line, first.column, last.end_line, last.end_column, first.start, last.end)
        return self._span(nodes)

    def alternative(self, seq: m.Sequence) -> m.Alternative:
        """``alias([seq])``: an alternative of one sequence, without alias or condition."""
        span = seq.span
        if span.start == span.end:
            span = self.index.span(0, 0)
        return m.Alternative(span, [seq])

    def expansions_of(self, alt: m.Alternative) -> m.Expansions:
        """``expansions([alt])``: one alternative."""
        span = alt.span
        if span.start == span.end:
            span = self.index.span(0, 0)
        return m.Expansions(span, [alt])

    def name_ref(self, tok: Token) -> m.NameRef:
        """``name([tok])``."""
        return m.NameRef(self._tok_span(tok), tok.value)

    def expr(self, children):
        return children[0]

    def op_repeat(self, children):
        item, op = children
        op_text = op.value
        lo, hi = _OP_BOUNDS[op_text]
        op_span = self._tok_span(op)
        # (the op's span stands in for the op token: the same piece, made once)
        return m.Repeat(self._span([item, op_span]), item, "op", op_text, lo, hi, op_span)

    def tilde_repeat(self, children):
        item = children[0]
        numbers = [c for c in children if isinstance(c, Token) and c.type == "NUMBER"]
        lo = self._int(numbers[0])
        hi = self._int(numbers[1]) if len(numbers) > 1 else lo
        op_span = self._span(children[1:])
        return m.Repeat(span=self._span(children), item=item, form="tilde", op="".join(children[1:]),
                        min=lo, max=hi, op_span=op_span)

    def brace_repeat(self, children):
        item, lbrace, body, rbrace = children
        lo, hi = body
        if hi == 0:
            raise _BuildError("end number in range cannot be 0", self._span(children[1:]))
        return m.Repeat(span=self._span(children), item=item, form="braces",
                        op=self.index.text[lbrace.start_pos:rbrace.end_pos], min=lo, max=hi,
                        op_span=self._span([lbrace, rbrace]))

    def brace_range(self, children):
        numbers = [c for c in children if isinstance(c, Token) and c.type == "NUMBER"]
        has_comma = any(isinstance(c, Token) and c.type == "COMMA" for c in children)
        if not has_comma:
            n = self._int(numbers[0])
            return n, n
        first_is_number = bool(children) and isinstance(children[0], Token) and children[0].type == "NUMBER"
        lo = self._int(children[0]) if first_is_number else 0
        last_is_number = isinstance(children[-1], Token) and children[-1].type == "NUMBER"
        hi = self._int(children[-1]) if last_is_number and (len(children) > 2 or not first_is_number) else None
        return lo, hi

    def _int(self, tok: Token) -> int:
        try:
            return int(str(tok))
        except ValueError:
            raise _BuildError(
                f"error parsing integer {str(tok)!r}", self._tok_span(tok),
                "repetition counts are whole numbers",
            ) from None

    def group(self, children):
        return m.Group(self._bracket_span(children), children[1])

    def maybe(self, children):
        return m.Maybe(self._bracket_span(children), children[1])

    def _bracket_span(self, children) -> Span:
        """``_span(children)`` of ``[opening, body, closing]`` (one-character bracket
        tokens), read off the two tokens."""
        opening, closing = children[0], children[-1]
        if _plain_char(opening) and _plain_char(closing):  # where _tok_span reads the tokens' own places
            return _new_span(opening.line, opening.column, closing.end_line, closing.end_column, opening.start_pos,
                             closing.end_pos)
        return self._span(children)

    def negation(self, children):
        return m.Not(span=self._span(children), operand=children[1])

    def literal_range(self, children):
        low, _, high = children
        lo = self._literal(low)
        hi = self._literal(high)
        for lit in (lo, hi):
            if lit.flags:
                raise _BuildError("flags not allowed in a literal range", lit.span)
        return m.LiteralRange(span=self._span(children), low=lo, high=hi)

    def _literal(self, tok: Token) -> m.Literal:
        raw = tok.value
        try:
            value, flags = _decode_string(raw)
        except (ValueError, json.JSONDecodeError) as exc:
            raise _BuildError(f"error parsing string literal: {exc}", self._tok_span(tok)) from None
        return m.Literal(self._tok_span(tok), value, raw, flags)

    def string(self, children):
        return self._literal(children[0])

    def regexp(self, children):
        tok = children[0]
        raw = tok.value
        last = raw.rindex("/")
        return m.RegexLiteral(self._tok_span(tok), raw[1:last], raw[last + 1 :], tok.start_pos + 1)

    def template_usage(self, children):
        name_tok = children[0]
        args = [c for c in children[1:] if isinstance(c, m.Node)]
        return m.TemplateUsage(span=self._span(children), name=name_tok.name, name_span=name_tok.span,
                               args=args)

    def param_name(self, children):
        name_ref, _, expr = children
        return m.ParamName(span=self._span(children), name=name_ref.name, expr=expr)

    def param_expr(self, children):
        return "".join(self._flatten_text(children))

    def cond(self, children):
        return "".join(self._flatten_text(children))

    def param_ref(self, children):
        return "".join(self._flatten_text(children))

    def _flatten_text(self, children):
        for c in children:
            if isinstance(c, Token):
                yield str(c)
            elif isinstance(c, str):
                yield c

    def special_token(self, children):
        return m.SpecialToken(span=self._span(children), text=str(children[0]))

    def grammar_ref(self, children):
        return m.GrammarRef(span=self._span(children), name=str(children[0])[1:])

    def json(self, children):
        raw = str(children[1])
        return m.JsonValue(span=self._span(children), value=json.loads(raw), raw=raw)

    def regex_ext(self, children):
        raw = str(children[1])
        return m.RegexExt(span=self._span(children), value=json.loads(raw), raw=raw)

    def nested_lark(self, children):
        items = [c for c in children if isinstance(c, m.Node)]
        return m.NestedLark(span=self._span(children), items=items)

    def __default__(self, data, children, meta):  # rules without a method of their own
        if data == "import":
            return self._single_import(children)
        return Tree(data, children, meta)

    def _single_import(self, children):
        path_tokens = children[1]
        relative, names = self._import_parts(path_tokens)
        alias_tok = children[3] if len(children) > 3 else None
        last = names[-1]
        name = m.ImportName(span=last.span, name=last.name,
                            alias=alias_tok.name if alias_tok is not None else None)
        return m.Import(
            span=self._span([children[0], *path_tokens, *([alias_tok] if alias_tok is not None else [])]),
            module=[t.name for t in names[:-1]],
            relative=relative,
            names=[name],
            path_span=self._span(path_tokens),
        )


setattr(_Builder, "import", _Builder._single_import)  # Lark calls a rule's method by its name
