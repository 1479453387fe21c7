"""The tokenizer (grammarkit/reader/lexer.py) makes real ``lark.Token`` objects, equal in
every attribute to the ones Lark's own constructor makes, and the same tokens, comments
and lexer errors as the plain longest-match loop over every candidate (the reference
below: ``tokenize`` as it was before its fast paths), on the snapshot texts and on
deterministic mutations of them."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from lark import Token
from mutations import mutants

from grammarkit.reader import lexer
from grammarkit.reader.lexer import (
    _DISPATCH,
    _NUMBER_AFTER_TILDE,
    _REPEAT_AFTER_BRACE,
    _SKIP,
    _SKIP_FIRST,
    KEYWORDS_WITH_JSON,
    LexError,
    _json_error_offset,
    _json_message,
    _json_prefix,
    _lex_error,
)

MODELS = Path(__file__).resolve().parent / "fixtures" / "models"
TEXTS = [json.loads(p.read_text(encoding="utf-8"))["text"] for p in sorted(MODELS.glob("*.json"))]
TEXTS += [
    'a: "x"{2,3} "y"~1..2 ~"z" b::0x1f | c::_ 1.5 -2 +3 ?d !e _f _G @ref <|t|> %if f(_, [0:1])\n',
    "a: /x\ny/ ::  : . .. -> - # c\n// d\r\n\r\n| e\n%json {\"a\": [1,\n2]}\n%lark {\n}\n",
]
SLOTS = ("type", "value", "start_pos", "line", "column", "end_line", "end_column", "end_pos")
PIECES = ["(", ")", "[", "]", "|", "~", "{", "}", ",", "->", "..", "::", "_", "%if", "\n", "\n|", "?", "*", "+",
          "-", "0", "0x", "=", "a", "A", '"', '"x"', "/", "/y/", "%", "%json", "%lark {", "#", "//", "<", "@",
          "!", "&", "\r", "\t", "\x00", "é", "\\"]


def _reference_tokenize(text: str, comments: list[tuple[int, str]] | None = None) -> Iterator[Token]:
    """Yield Lark tokens for ``text`` (plus a final ``_NL``); raise :class:`LexError`.

    Comments are skipped; with ``comments`` given, ``(offset, text)`` of each is appended."""
    n = len(text)
    pos = 0
    line, line_start = 1, 0  # the current line, and the offset of its first character
    pending_nl: Token | None = None
    skip_match = _SKIP.match
    dispatch = _DISPATCH
    count = text.count
    while pos < n:
        ch = text[pos]
        if ch in _SKIP_FIRST:
            skip = skip_match(text, pos)
            if skip:
                end = skip.end()
                if comments is not None and ch in "#/":
                    comments.append((pos, skip.group()))
                # (a comment or blanks hold no newline)
                pos = end
                continue
        best_name, best_end = None, pos
        for name, pattern in dispatch.get(ch, ()):
            m = pattern.match(text, pos)
            if m and m.end() > best_end:
                best_name, best_end = name, m.end()
        if best_name is None:
            raise _lex_error(text, pos)
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
        tok = Token(best_name, value, pos, start_line, column, line, best_end - line_start + 1, best_end)
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
            yield Token("JSON", text[pos:end], pos, jline, jcol, line, end - line_start + 1, end)
            pos = end
    column = pos - line_start + 1
    if pending_nl is not None:
        yield pending_nl
    yield Token("_NL", "", pos, line, column, line, column, pos)


def _run(tokenize, text: str):
    found: list[tuple[int, str]] = []
    tokens = []
    try:
        for tok in tokenize(text, comments=found):
            tokens.append(tok)
    except LexError as exc:
        return tokens, found, (exc.message, exc.offset, exc.end, exc.hint)
    return tokens, found, None


def _slots(tok: Token) -> tuple:
    return tuple(getattr(tok, name) for name in SLOTS)


@pytest.mark.parametrize("number", range(len(TEXTS)))
def test_tokens_equal_the_reference_and_lark_made_tokens(number: int):
    text = TEXTS[number]
    rng = random.Random(number)
    for variant in [text, *(mutants(text, rng, pieces=PIECES, cut=0.3, move=0.5, count=60) if text else [])]:
        got, got_comments, got_error = _run(lexer.tokenize, variant)
        want, want_comments, want_error = _run(_reference_tokenize, variant)
        assert (got_comments, got_error) == (want_comments, want_error), variant
        assert [_slots(t) for t in got] == [_slots(t) for t in want], variant
        for tok in got:
            assert type(tok) is Token
            assert str(tok) == tok.value and type(tok.value) is str
            made = Token(*_slots(tok))
            assert tok == made and _slots(tok) == _slots(made)


def test_literal_pairs_are_the_dispatch_candidates():
    for ch, (long_name, long_text, short_name) in lexer._PAIRS.items():
        assert {name for name, _ in _DISPATCH[ch]} == {long_name, short_name}
        assert (short_name, ch) in lexer.LITERALS and (long_name, long_text) in lexer.LITERALS
        assert len(long_text) == 2 and long_text[0] == ch
