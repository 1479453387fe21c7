"""Tokenizer for llguidance's Lark dialect.

It mirrors the token table of llguidance's own Lark lexer (``parser/src/lark/lexer.rs``):
literal tokens and regex tokens compete for the longest match, ties go to the token
listed first, spaces, tabs and ``#``/``//`` comments are skipped, and ``%json``,
``%regex`` and ``%llguidance`` are followed by one JSON value read the way serde_json's
stream reader does. Standard Lark syntax that llguidance lacks (``%extend``) is tokenized
too, so the lint rules can report it at its exact place.

Two context facts are resolved here because an LALR(1) parser cannot see two tokens
ahead, exactly as llguidance's recursive-descent parser decides them:

* ``{`` followed by a number or ``,`` starts a repetition (``x{2,3}``); any other ``{``
  opens template parameters or arguments (``name{a, b}``).
* ``~`` followed by a number is Lark's repetition (``x ~ 2..3``); any other ``~`` is
  llguidance's negation.

A newline followed directly by ``|`` continues the alternatives of the current
definition, so it is dropped; every other newline ends an item.

The token type names match the terminals declared in ``dialect.lark``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from lark import Token

from grammarkit.core.errors import GrammarkitError

# (type, literal) — checked before regex tokens on equal length, as in llguidance.
LITERALS: list[tuple[str, str]] = [
    ("ARROW", "->"),
    ("COLON", ":"),
    ("COMMA", ","),
    ("DOT", "."),
    ("DOTDOT", ".."),
    ("KW_DECLARE", "%declare"),
    ("KW_LLGUIDANCE", "%llguidance"),
    ("KW_IGNORE", "%ignore"),
    ("KW_IMPORT", "%import"),
    ("KW_OVERRIDE", "%override"),
    ("KW_EXTEND", "%extend"),  # standard Lark; llguidance has no such token
    ("KW_JSON", "%json"),
    ("KW_REGEX", "%regex"),
    ("KW_LARK", "%lark"),
    ("KW_IF", "%if"),
    ("LPAR", "("),
    ("RPAR", ")"),
    ("LBRACE", "{"),
    ("RBRACE", "}"),
    ("LSQB", "["),
    ("RSQB", "]"),
    ("TILDE", "~"),
    ("VBAR", "|"),
    ("AMPERSAND", "&"),
    ("EQUAL", "="),
    ("HASH", "#"),
    ("UNDERSCORE", "_"),
    ("DOUBLE_COLON", "::"),
]

_REGEXES: list[tuple[str, str]] = [
    ("OP", r"[+*?]"),
    ("RULE", r"!?[_?]?[a-z][_a-z0-9\-]*"),
    ("TOKEN", r"_?[A-Z][_A-Z0-9\-]*"),
    (
        "STRING",
        r'"(?:\\(?:["\\/bfnrt]|u[a-fA-F0-9]{4}|x[a-fA-F0-9]{2})|[^"\\\x00-\x1f\x7f])*"i?',
    ),
    ("REGEXP", r"/(?:\\[^\n]|[^/\\])+/[imslux]*"),
    ("NUMBER", r"[+-]?[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?"),
    ("HEXNUMBER", r"0[xX][0-9a-fA-F]+"),
    ("_NL", r"(?:\r?\n)+[ \t]*"),
    ("SPECIAL_TOKEN", r"<[^<>\s]+>"),
    ("GRAMMAR_REF", r"@[a-zA-Z0-9_\-]+"),
]

_SKIP = re.compile(r"(?:#|//)[^\n]*|[ \t]+")
_SKIP_FIRST = frozenset("#/ \t")  # the characters a _SKIP match starts with
_BLANK_AFTER = frozenset((" ", "\t"))  # after a space, what makes _SKIP match more than it
_LOOK_AROUND = frozenset(("NUMBER", "LBRACE", "TILDE"))  # tokens whose text after them counts
_REGEX_LITERAL = re.compile(r"/(?:\\[^\n]|[^/\\])+/[imslux]*")  # `\` escapes anything but a newline
_WS = re.compile(r"[ \t\r\n]*")
_REPEAT_AFTER_BRACE = re.compile(r"[ \t]*(?:,|[+-]?[0-9])")
_NUMBER_AFTER_TILDE = re.compile(r"[ \t]*[+-]?[0-9]")

KEYWORDS_WITH_JSON = {"KW_JSON", "KW_REGEX", "KW_LLGUIDANCE"}

# ``Token(type, value, start_pos, line, column, end_line, end_column, end_pos)`` goes
# through Lark's keyword-deprecation shim (``__new__`` → ``_future_new``); the tokenizer
# makes its tokens the way ``_future_new`` does (the str, then each slot), at a fraction
# of the cost. tests/reader/test_lexer_tokens.py checks they equal Lark-made tokens.
_new_str = str.__new__


def _token(kind: str, value: str, start: int, line: int, column: int, end_line: int, end_column: int,
           end: int) -> Token:
    tok = _new_str(Token, value)
    tok.type = kind
    tok.start_pos = start
    tok.value = value
    tok.line = line
    tok.column = column
    tok.end_line = end_line
    tok.end_column = end_column
    tok.end_pos = end
    return tok


_STARTS = {
    "OP": "+*?",
    "RULE": "!_?abcdefghijklmnopqrstuvwxyz",
    "TOKEN": "_ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "STRING": '"',
    "REGEXP": "/",
    "NUMBER": "+-0123456789",
    "HEXNUMBER": "0",
    "_NL": "\r\n",
    "SPECIAL_TOKEN": "<",
    "GRAMMAR_REF": "@",
}


def _build_dispatch() -> dict[str, list[tuple[str, re.Pattern[str]]]]:
    """First character -> candidate tokens, in priority order (literals first)."""
    table: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
    for name, lit in LITERALS:
        table.setdefault(lit[0], []).append((name, re.compile(re.escape(lit))))
    for name, pattern in _REGEXES:
        compiled = _REGEX_LITERAL if name == "REGEXP" else re.compile(pattern)
        for ch in _STARTS[name]:
            table.setdefault(ch, []).append((name, compiled))
    return table


_DISPATCH = _build_dispatch()
# First characters with one candidate token: its name and its pattern's match (None for a
# one-character literal, which matches that character alone). The longest match among
# one candidate is its own match, so tokenize() takes it directly.
_SINGLE = {
    ch: (name, None if dict(LITERALS).get(name, "") == ch else pattern.match)
    for ch, ((name, pattern),) in ((ch, cands) for ch, cands in _DISPATCH.items() if len(cands) == 1)
}
# First characters whose only candidates are a one- and a two-character literal:
# (longer name, longer literal, shorter name).
_PAIRS = {":": ("DOUBLE_COLON", "::", "COLON"), ".": ("DOTDOT", "..", "DOT")}


class LexError(GrammarkitError, ValueError):
    """Text llguidance's lexer would stop at. ``offset`` is a character offset."""

    def __init__(self, message: str, offset: int, end: int | None = None, hint: str = ""):
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.end = offset + 1 if end is None else end
        self.hint = hint


def _json_prefix(text: str, start: int) -> int:
    """End offset of the JSON value that starts (after blanks) at ``start``."""
    ws = _WS.match(text, start)
    begin = ws.end() if ws else start

    def reject_constant(name: str) -> None:
        raise ValueError(f"{name} is not JSON")

    decoder = json.JSONDecoder(parse_constant=reject_constant)
    _, end = decoder.raw_decode(text, begin)
    return end


def comments(text: str) -> list[tuple[int, str]]:
    """``(offset, text)`` of every ``#``/``//`` comment, in order (up to a lexer error)."""
    found: list[tuple[int, str]] = []
    start = 0
    while start < len(text):
        part: list[tuple[int, str]] = []
        try:
            for _ in tokenize(text[start:], comments=part):
                pass
            found.extend((start + offset, body) for offset, body in part)
            break
        except LexError as exc:
            found.extend((start + offset, body) for offset, body in part)
            # Go on from the next line: suppressions further down still count.
            nl = text.find("\n", start + exc.offset)
            if nl == -1:
                break
            start = nl + 1
    return found


def tokenize(text: str, comments: list[tuple[int, str]] | None = None) -> Iterator[Token]:
    """Yield Lark tokens for ``text`` (plus a final ``_NL``); raise :class:`LexError`.

    Comments are skipped; with ``comments`` given, ``(offset, text)`` of each is appended."""
    n = len(text)
    pos = 0
    line, line_start = 1, 0  # the current line, and the offset of its first character
    pending_nl: Token | None = None
    skip_match = _SKIP.match
    dispatch = _DISPATCH
    single = _SINGLE
    pairs = _PAIRS
    count = text.count
    new_str = _new_str
    while pos < n:
        ch = text[pos]
        if ch == " " and text[pos + 1 : pos + 2] not in _BLANK_AFTER:
            pos += 1  # one space (what _SKIP matches there)
            continue
        if ch in _SKIP_FIRST:
            skip = skip_match(text, pos)
            if skip:
                end = skip.end()
                if comments is not None and ch in "#/":
                    comments.append((pos, skip.group()))
                # (a comment or blanks hold no newline)
                pos = end
                continue
        best_name: str | None
        one = single.get(ch)
        if one is not None:
            best_name, match = one
            if match is None:
                best_end = pos + 1
            else:
                m = match(text, pos)
                best_end = m.end() if m else pos
                if best_end == pos:
                    raise _lex_error(text, pos)
        elif ch in pairs:  # `:` or `::`, `.` or `..`: the longer literal when it is there
            long_name, long_text, best_name = pairs[ch]
            best_end = pos + 2 if text.startswith(long_text, pos) else pos + 1
            if best_end == pos + 2:
                best_name = long_name
        else:
            best_name, best_end = None, pos
            for name, pattern in dispatch.get(ch, ()):
                m = pattern.match(text, pos)
                if m and m.end() > best_end:
                    best_name, best_end = name, m.end()
            if best_name is None:
                raise _lex_error(text, pos)
        if best_name in _LOOK_AROUND:
            if best_name == "NUMBER" and text.startswith("..", best_end - 1):
                best_end -= 1  # llguidance reads `1..2` as 1, .., 2
            if best_name == "LBRACE" and _REPEAT_AFTER_BRACE.match(text, best_end):
                best_name = "REPEAT_LBRACE"
            elif best_name == "TILDE" and _NUMBER_AFTER_TILDE.match(text, best_end):
                best_name = "REPEAT_TILDE"
        value = text[pos:best_end]
        start_line, column = line, pos - line_start + 1
        nl = count("\n", pos, best_end)
        if nl:
            line += nl
            line_start = text.rindex("\n", pos, best_end) + 1
        tok = new_str(Token, value)  # what _token() makes, written out: this runs for every token
        tok.type = best_name
        tok.start_pos = pos
        tok.value = value
        tok.line = start_line
        tok.column = column
        tok.end_line = line
        tok.end_column = best_end - line_start + 1
        tok.end_pos = best_end
        pos = best_end
        if best_name == "_NL":
            if pending_nl is None:
                pending_nl = tok
            else:  # two newline tokens in a row (a comment line between them)
                yield pending_nl
                pending_nl = tok
            continue
        if pending_nl is not None:
            if best_name != "VBAR":
                yield pending_nl
            pending_nl = None
        yield tok
        if best_name in KEYWORDS_WITH_JSON:
            try:
                end = _json_prefix(text, pos)
            except ValueError as exc:
                keyword = value
                raise LexError(
                    f"cannot read the JSON value after {keyword}: {_json_message(exc)}",
                    _json_error_offset(exc, pos),
                    hint=f"{keyword} must be followed by one JSON value, e.g. {keyword} {{ ... }}",
                ) from None
            jline, jcol = line, pos - line_start + 1
            nl = count("\n", pos, end)
            if nl:
                line += nl
                line_start = text.rindex("\n", pos, end) + 1
            yield _token("JSON", text[pos:end], pos, jline, jcol, line, end - line_start + 1, end)
            pos = end
    column = pos - line_start + 1
    if pending_nl is not None:
        yield pending_nl
    yield _token("_NL", "", pos, line, column, line, column, pos)


def _json_message(exc: ValueError) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return exc.msg
    return str(exc)


def _json_error_offset(exc: ValueError, fallback: int) -> int:
    if isinstance(exc, json.JSONDecodeError):
        return exc.pos
    return fallback


def _lex_error(text: str, pos: int) -> LexError:
    ch = text[pos]
    if ch == '"':
        end = text.find("\n", pos)
        end = len(text) if end == -1 else end
        bad = _bad_string_escape(text, pos, end)
        if bad is not None:
            return LexError(
                f"invalid escape {text[bad:bad + 2]!r} in string literal",
                bad,
                bad + 2,
                hint='string literals use JSON escapes (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX) '
                "plus \\xXX; for a character class use a regex literal /.../",
            )
        return LexError(
            "unterminated string literal",
            pos,
            end,
            hint="close the string with \" on the same line; raw control characters must be escaped",
        )
    if ch == "/":
        return LexError(
            "unterminated regex literal",
            pos,
            hint="close the regex with / (write a literal slash inside it as \\/)",
        )
    if ch == "%":
        m = re.match(r"%[A-Za-z_]*", text[pos:])
        word = m.group(0) if m else "%"
        return LexError(
            f"unknown directive {word!r}",
            pos,
            pos + len(word),
            hint="llguidance knows %ignore, %import, %override, %declare, %json, %regex, "
            "%lark, %llguidance and %if",
        )
    if ch == "\x00":
        return LexError("NUL character in grammar text", pos)
    return LexError(f"unexpected character {ch!r}", pos)


def _bad_string_escape(text: str, start: int, end: int) -> int | None:
    i = start + 1
    while i < end:
        c = text[i]
        if c == '"':
            return None
        if c == "\\":
            nxt = text[i + 1 : i + 2]
            if nxt in '"\\/bfnrt' and nxt:
                i += 2
                continue
            if nxt == "u" and re.match(r"[0-9a-fA-F]{4}", text[i + 2 : i + 6]):
                i += 6
                continue
            if nxt == "x" and re.match(r"[0-9a-fA-F]{2}", text[i + 2 : i + 4]):
                i += 4
                continue
            return i
        i += 1
    return None
