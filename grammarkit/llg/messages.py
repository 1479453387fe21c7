"""llguidance as the authority on whether a grammar compiles.

OpenAI custom tools constrain the model with llguidance, so grammarkit compiles every
grammar with llguidance too (:func:`compile_report`) and turns its verdict into
located diagnostics (:class:`EngineMessage`).

What llguidance reports (1.9.1; see ``parser/src/lark/{lexer,parser,compiler}.rs``):

* lexer errors: ``3(5): lexer error`` + a source snippet;
* parser errors: ``1(12): Expected token ')', found '\\n' (at "\\n\\n" ('\\n'))`` + snippet
  (the location is the token the parser stopped at; inside ``%lark { }`` the prefixes
  nest: ``2(9): 2(2): ...``), or ``at EOF: ...`` without a location;
* compiler errors: ``at 2(4): unknown name: "b"`` + snippet. The location is the first
  token of the innermost rule/terminal body (or ``%`` statement) being compiled, *not*
  the offending item;
* invalid regexes: ``at 2(4): invalid regex "(?=x)y" (in regex): regex parse error:``
  followed by the regex crate's own snippet (``    (?=x)y`` / ``    ^^^``, or a numbered
  layout between ``~~~`` rulers for multi-line patterns) and ``error: ...``;
* errors without any location (``no start rule found``, ``Empty grammar``,
  ``failed to parse "%json": ...``, ``unknown grammar @x``, regexes in ``stop=``...).

Line/column numbers are 1-based; llguidance counts columns in UTF-8 bytes, which are
converted here to character columns of the user's text. For regex errors the offending
part of the pattern is located precisely from the regex crate's caret line.

``syntax="regex"`` patterns are wrapped by llguidance as ``start: /PATTERN/`` (after
escaping ``/`` and raw newlines/tabs/CRs); locations are mapped back into the user's
pattern, which may span several lines.

llguidance itself can crash the process (stack overflow, e.g. on a chain of ~5000
rules referencing each other) or run for minutes on huge grammars. Small texts are
therefore compiled on a worker thread with a large stack, large ones in a child
process with a timeout; either way :func:`compile_report` returns a report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal

from grammarkit.core.source import Syntax
from grammarkit.core.span import LineIndex

if TYPE_CHECKING:  # pragma: no cover
    pass



Category = Literal[
    "syntax",  # lexer/parser errors of the grammar text
    "lookaround",  # look-ahead/behind or \b-style assertions in a regex
    "lazy",  # lazy quantifiers; llguidance 1.9.1 accepts them, so never produced today
    "priority",  # `rule.2:` / `TERM.2:` priorities
    "template",  # `rule{param}:` templates and their uses
    "import",  # %import of an unknown common name or of another module
    "declare",  # %declare
    "override",  # %override
    "extend",  # %extend (llguidance's lexer does not know the keyword)
    "regex",  # any other invalid regex
    "other",  # everything else, including crashes/timeouts of llguidance
]


MAX_QUOTED_REGEX_CHARS: Final = 120
"""Longer regexes quoted in ``invalid regex "..."`` messages are shortened (``raw`` keeps all)."""

_REGEX_WRAP_PREFIX: Final = "start: /"  # how llguidance wraps a syntax="regex" pattern



@dataclass
class EngineMessage:
    """One error or warning from llguidance, located in the user's text."""

    message: str
    """The text as one logical line: no ``at L(C):`` prefix, no source snippets, no
    regex-crate snippet (its ``error: ...`` line is kept), no parser ``(at "x" (token))``
    suffix; a regex quoted in ``invalid regex "..."`` is cut after 120 characters."""
    line: int | None
    """1-based line in the user's text; ``None`` when llguidance gives no location."""
    column: int | None
    """1-based character column in the user's text."""
    end_column: int | None
    """Column just after the offending part, when known (same line as ``column``): the
    regex crate's caret run, else a whole one-line regex literal, a ``.N`` priority,
    ``{params}`` or an ``%extend`` keyword; ``None`` otherwise."""
    raw: str
    """The message exactly as llguidance produced it."""
    category: Category


def engine_message(
    text: str,
    *,
    line: int | None = None,
    column: int | None = None,
    raw: str | None = None,
    category: Category = "other",
) -> EngineMessage:
    return EngineMessage(text, line, column, None, text if raw is None else raw, category)


# --------------------------------------------------------------------------- messages

# "at 2(4): " (compiler) or "2(4): " (lexer/parser); repeated for nested %lark { }.
_LOCATION_PREFIX = re.compile(r"(at )?(\d+)\((\d+)\): ")
_EOF_PREFIX = "at EOF: "
# The parser's " (at VALUE (TOKEN))" suffix, VALUE being a Rust-quoted string or JSON.
_PARSER_SUFFIX = re.compile(r' \(at (?:"[^"\\]*(?:\\.[^"\\]*)*"|\{ \.\.\.json\.\.\. \}) \(.*\)\)$')
# llguidance's source snippet: "   3 | text" lines and the caret line under them.
_SNIPPET_LINE = re.compile(r"^ *\d+ \| |^ +\^$")
_INVALID_REGEX = re.compile(r'invalid regex ("[^"\\]*(?:\\.[^"\\]*)*") \(in ([^)]*)\): ')
_REGEX_PARSE_ERROR = "regex parse error:"
_RULER = "~" * 79
_MULTILINE_SPAN = re.compile(r"on line (\d+) \(column (\d+)\) through line (\d+) \(column (\d+)\)$")
_CARETS = re.compile(r"\^+")
_RUST_ESCAPE = re.compile(r"\\(u\{([0-9a-fA-F]{1,6})\}|.)", re.S)
_RUST_SIMPLE_ESCAPES: Final = {"n": "\n", "r": "\r", "t": "\t", "0": "\0"}
# Tokens of llguidance's Lark lexer that may contain "/" (to find regex literals).
_LARK_SCAN = re.compile(
    r"""
      (?P<rx>/(?!/)[^/\\]*(?:\\[^\n][^/\\]*)*/)(?P<flags>[imslux]*)
    | "[^"\\\n]*(?:\\[^\n][^"\\\n]*)*"  # string literal (or JSON string after %json)
    | (?:\#|//)[^\n]*                  # comment
    | <[^<>\s]+>                       # special token, e.g. <|/tool|>
    | [^"\#/<]+
    | .
    """,
    re.S | re.X,
)
_PRIORITY = re.compile(r"(?<=[A-Za-z0-9_\-])\.[ \t]*[+-]?[0-9]+(?=[ \t]*(?:\[[^\]\n]*\][ \t]*)?:)")
_PARAMS = re.compile(
    r"(?<=[A-Za-z0-9_\-])\{[^{}\n]*\}"
    r"(?=[ \t]*(?:\.[ \t]*[+-]?[0-9]+[ \t]*)?(?:\[[^\]\n]*\][ \t]*)?:)"
)
_DIRECTIVE = re.compile(r"%[A-Za-z_]+")


class MessageContext:
    """The user's text plus what is needed to map llguidance positions into it."""

    def __init__(self, syntax: Syntax, text: str) -> None:
        self.syntax = syntax
        self.text = text
        self._index: LineIndex | None = None
        self._literals: list[tuple[int, str, str]] | None = None
        self._wrapped: tuple[str, list[int]] | None = None

    @property
    def index(self) -> LineIndex:
        if self._index is None:
            self._index = LineIndex(self.text)
        return self._index

    def regex_literals(self) -> list[tuple[int, str, str]]:
        """``(offset of the opening /, body, flags)`` of each Lark regex literal."""
        if self._literals is None:
            self._literals = [
                (m.start(), m.group("rx")[1:-1], m.group("flags"))
                for m in _LARK_SCAN.finditer(self.text)
                if m.group("rx")
            ]
        return self._literals

    def wrapped_pattern(self) -> tuple[str, list[int]]:
        """For ``syntax="regex"``: the pattern as llguidance wraps it, and the origin map."""
        if self._wrapped is None:
            self._wrapped = _escape_pattern_for_lark(self.text)
        return self._wrapped


def _escape_pattern_for_lark(pattern: str) -> tuple[str, list[int]]:
    """Escape ``pattern`` for ``/.../`` as llguidance does for ``syntax="regex"``.

    Returns the escaped text and, for each of its characters, the offset of the
    character of ``pattern`` it came from. (Mirrors llguidance's ``regex_to_lark`` with
    no ASCII rewrites: ``/`` and raw newline/CR/tab become escapes, an escaping
    backslash before them is dropped, and so is a trailing lone backslash.)
    """
    out: list[str] = []
    origin: list[int] = []
    escaped = False
    for i, ch in enumerate(pattern):
        after_backslash, escaped = escaped, False
        first = i - 1 if after_backslash else i  # the backslash, when one was swallowed
        if ch in "/\n\r\t":
            out.append("\\" + {"/": "/", "\n": "n", "\r": "r", "\t": "t"}[ch])
            origin += [first, i]
        elif ch == "\\" and not after_backslash:
            escaped = True
        elif after_backslash:
            out.append("\\" + ch)
            origin += [i - 1, i]
        else:
            out.append(ch)
            origin.append(i)
    return "".join(out), origin


def _rust_unquote(quoted: str) -> str:
    """Decode a Rust ``{:?}``-quoted string (including its quotes)."""

    def replace(m: re.Match[str]) -> str:
        if m.group(2):
            return chr(int(m.group(2), 16))
        ch = m.group(1)
        return _RUST_SIMPLE_ESCAPES.get(ch, ch)

    return _RUST_ESCAPE.sub(replace, quoted[1:-1])


def _shorten_quoted(quoted: str) -> str:
    if len(quoted) <= MAX_QUOTED_REGEX_CHARS + 2:
        return quoted
    cut = quoted[1 : MAX_QUOTED_REGEX_CHARS + 1]
    cut = re.sub(r"\\(?:u\{[0-9a-fA-F]*)?$", "", cut)  # do not end inside an escape
    return f'"{cut}…"'


@dataclass
class _RegexSpan:
    """A span reported by the regex crate, in characters of the pattern it parsed."""

    line: int  # 1-based line of the pattern
    column: int  # 1-based column
    end_line: int
    end_column: int  # exclusive


def _parse_regex_block(block: list[str], rx: str) -> _RegexSpan | None:
    """Read the regex crate's snippet (the lines between the header and ``error:``).

    Single-line patterns are shown as ``"    " + pattern`` with a caret line below;
    patterns containing newlines as numbered lines between two ``~`` rulers, followed
    by ``on line A (column B) through line C (column D)`` for spans crossing lines.
    The last caret run is taken (for duplicates it marks the second occurrence).
    Returns ``None`` whenever the layout is not exactly as expected.
    """
    rx_lines = rx.split("\n")
    if rx.endswith("\n"):
        rx_lines.pop()  # Rust's str::lines() yields no empty last line
    rx_lines = [ln[:-1] if ln.endswith("\r") else ln for ln in rx_lines]

    spans: list[_RegexSpan] = []
    if "\n" not in rx:
        if not block or block[0] != "    " + rx:
            return None
        if len(block) >= 2 and block[1].startswith("    "):
            for m in _CARETS.finditer(block[1], 4):
                spans.append(_RegexSpan(1, m.start() - 3, 1, m.end() - 3))
            if block[1][4:].strip(" ^"):
                return None
        return spans[-1] if spans else None

    width = len(str(len(rx_lines)))
    pad = " " * (width + 2)
    if not block or block[0] != _RULER:
        return None
    pos = 1
    for number, text in enumerate(rx_lines, start=1):
        if pos >= len(block) or block[pos] != f"{number:>{width}}: {text}":
            return None
        pos += 1
        if pos < len(block) and block[pos].startswith(pad) and block[pos] != _RULER:
            carets = block[pos]
            if carets[len(pad):].strip(" ^") or "^" not in carets:
                return None
            for m in _CARETS.finditer(carets, len(pad)):
                col = m.start() - len(pad) + 1
                spans.append(_RegexSpan(number, col, number, col + m.end() - m.start()))
            pos += 1
    if pos >= len(block) or block[pos] != _RULER:
        return None
    for note in block[pos + 1 :]:
        multiline = _MULTILINE_SPAN.match(note)
        if multiline:
            a, b, c, d = (int(g) for g in multiline.groups())
            spans.append(_RegexSpan(a, b, c, d + 1))
    if not spans:
        return None
    # prefer the latest-starting span, as for single-line patterns
    return max(spans, key=lambda s: (s.line, s.column))


def _offset_in(text: str, line: int, column: int) -> int:
    """Character offset of a 1-based (line, column) inside ``text`` (no clamping of column)."""
    start = 0
    for _ in range(line - 1):
        nl = text.find("\n", start)
        if nl == -1:
            return len(text)
        start = nl + 1
    return start + column - 1


@dataclass
class _Parsed:
    """A raw llguidance message taken apart."""

    message: str
    location: tuple[int, int] | None  # (line, byte column) of the innermost location
    parser_style: bool  # from the lexer/parser (no "at" prefix, or "at EOF")
    regex_rx: str | None = None  # the pattern of an "invalid regex" error
    regex_info: str | None = None  # "regex", "range", "string with i-flag"
    regex_span: _RegexSpan | None = None


def _take_apart(raw: str) -> _Parsed:
    body = raw
    location: tuple[int, int] | None = None
    parser_style = False
    while True:
        m = _LOCATION_PREFIX.match(body)
        if m:
            location = (int(m.group(2)), int(m.group(3)))
            parser_style = parser_style or not m.group(1)
            body = body[m.end() :]
        elif body.startswith(_EOF_PREFIX):
            parser_style = True
            body = body[len(_EOF_PREFIX) :]
        else:
            break

    lines = body.split("\n")
    if parser_style:
        first = lines[0]
        m = _PARSER_SUFFIX.search(first)
        return _Parsed(first[: m.start()] if m else first, location, True)

    if location is not None:  # drop the trailing source snippet
        while lines and (not lines[-1] or _SNIPPET_LINE.match(lines[-1])):
            lines.pop()
    parsed = _Parsed("", location, False)
    head = lines[0] if lines else ""
    m = _INVALID_REGEX.match(head)
    if m:
        parsed.regex_rx = _rust_unquote(m.group(1))
        parsed.regex_info = m.group(2)
        rest = head[m.end() :]
        short = head[: m.start(1)] + _shorten_quoted(m.group(1)) + head[m.end(1) : m.end()]
        if rest == _REGEX_PARSE_ERROR:
            end = next((i for i in range(1, len(lines)) if lines[i].startswith("error: ")), None)
            if end is not None:
                parsed.regex_span = _parse_regex_block(lines[1:end], parsed.regex_rx)
                tail = " ".join(s.strip() for s in lines[end:] if s.strip())
                parsed.message = f"{short}{_REGEX_PARSE_ERROR} {tail[len('error: '):]}"
                return parsed
        lines = [short + rest] + lines[1:]
    parsed.message = " ".join(s.strip() for s in lines if s.strip())
    return parsed


_AVAILABLE_SPECIAL_TOKENS = re.compile(r";?\s*following special tokens are available:\s*⟦[^⟧]*⟧")


def interpret_message(
    raw: str, syntax: Syntax, text: str, *, _context: MessageContext | None = None
) -> EngineMessage:
    """Turn one llguidance error/warning about ``text`` into a located message."""
    context = _context or MessageContext(syntax, text)
    parsed = _take_apart(raw)
    line: int | None = None
    column: int | None = None
    end_column: int | None = None

    if parsed.location is not None:
        line, column = _user_position(context, *parsed.location)
    exact = _locate_regex_error(context, parsed)
    if exact is not None:
        line, column, end_column = exact
    elif line is not None and column is not None and context.syntax == "lark":
        refined = _refine_header_location(context, parsed.message, line, column)
        if refined is not None:
            line, column, end_column = refined

    # The special tokens llguidance lists as "available" are those of grammarkit's own
    # byte tokenizer, not of any model: never offered to the user.
    parsed.message = _AVAILABLE_SPECIAL_TOKENS.sub("", parsed.message)
    category = _categorize(context, parsed, line, column)
    if category == "extend" and line is not None and column is not None:
        found = _directive_at(context, line, column)
        if found is not None:
            column, end_column = found[0], found[1]
    return EngineMessage(parsed.message, line, column, end_column, raw, category)


def _user_position(context: MessageContext, line: int, byte_column: int) -> tuple[int, int]:
    """Map llguidance's (line, byte column) to (line, char column) in the user's text."""
    if context.syntax == "regex":
        escaped, origin = context.wrapped_pattern()
        wrapped = _REGEX_WRAP_PREFIX + escaped + "/"
        char_column = LineIndex(wrapped).byte_column_to_char(1, byte_column)
        k = char_column - 1 - len(_REGEX_WRAP_PREFIX)
        offset = origin[k] if 0 <= k < len(origin) else (0 if k < 0 else len(context.text))
        return context.index.position(offset)
    index = context.index
    line = max(1, min(line, index.line_count))
    column = index.byte_column_to_char(line, byte_column)
    line_start = index.offset(line, 1)
    return line, max(1, min(column, index.line_end(line) - line_start + 1))


def _locate_regex_error(context: MessageContext, parsed: _Parsed) -> tuple[int, int, int | None] | None:
    """Exact (line, column, end_column) of an invalid regex in the user's text, if known."""
    rx = parsed.regex_rx
    if rx is None or parsed.regex_info != "regex":
        return None
    span = parsed.regex_span

    if context.syntax == "regex":
        escaped, origin = context.wrapped_pattern()
        if rx != escaped:
            return None
        if span is None:
            return context.index.position(0) + (None,)
        start = _offset_in(rx, span.line, span.column)
        end = _offset_in(rx, span.end_line, span.end_column)
        user_start = origin[start] if start < len(origin) else len(context.text)
        user_end = origin[end - 1] + 1 if 0 < end <= len(origin) else user_start + 1
        return _span_position(context, user_start, max(user_end, user_start + 1))

    # Lark: find the literal /body/flags that produced rx = body or "(?flags)body".
    candidates = {(rx, "")}
    m = re.match(r"\(\?([imslux]+)\)", rx)
    if m:
        candidates.add((rx[m.end() :], m.group(1)))
    matches = [lit for lit in context.regex_literals() if (lit[1], lit[2]) in candidates]
    if not matches:
        return None
    literal = matches[0]
    if len(matches) > 1:
        if parsed.location is None:
            return None
        loc_line, loc_col = _user_position(context, *parsed.location)
        after = context.index.offset(loc_line, loc_col)
        following = [lit for lit in matches if lit[0] >= after]
        if not following:
            return None
        literal = following[0]
    start_offset, body, flags = literal
    body_start = start_offset + 1
    if span is None:  # point at the whole literal when it sits on one line
        return _span_position(context, start_offset, body_start + len(body) + 1 + len(flags))
    prefix = len(rx) - len(body)  # "(?flags)" added by llguidance
    start = _offset_in(rx, span.line, span.column) - prefix
    end = _offset_in(rx, span.end_line, span.end_column) - prefix
    start = max(0, min(start, len(body)))
    end = max(start + 1, min(end, len(body) + 1))
    return _span_position(context, body_start + start, body_start + end)


def _span_position(context: MessageContext, start: int, end: int) -> tuple[int, int, int | None]:
    line, column = context.index.position(start)
    end_line, end_column = context.index.position(end)
    return line, column, end_column if end_line == line and end_column > column else None


def _refine_header_location(
    context: MessageContext, message: str, line: int, column: int
) -> tuple[int, int, int | None] | None:
    """Point priority/parameter errors at ``.N`` / ``{...}`` instead of the rule body."""
    if message.startswith("priority not supported"):
        pattern = _PRIORITY
    elif message.startswith("params not supported"):
        pattern = _PARAMS
    else:
        return None
    before = context.index.line_text(line)[: column - 1]
    matches = list(pattern.finditer(before))
    if not matches:
        return None
    found = matches[-1]
    return line, found.start() + 1, found.end() + 1


def _directive_at(context: MessageContext, line: int, column: int) -> tuple[int, int, str] | None:
    """The ``%word`` covering (line, column): (column, end_column, word)."""
    for m in _DIRECTIVE.finditer(context.index.line_text(line)):
        if m.start() + 1 <= column <= m.end():
            return m.start() + 1, m.end() + 1, m.group()[1:]
    return None


def _categorize(
    context: MessageContext, parsed: _Parsed, line: int | None, column: int | None
) -> Category:
    message = parsed.message
    lowered = message.lower()
    if "look-around" in lowered or "lookaround" in lowered:
        return "lookaround"
    if message.startswith("priority not supported"):
        return "priority"
    if message.startswith(("params not supported", "template usage not supported")):
        return "template"
    if message.startswith("Unknown common regex") or "(in import)" in message:
        return "import"
    if "declare statement" in message or "after %declare" in message:
        return "declare"
    if "override statement" in message:
        return "override"
    if message.startswith("lexer error") and line is not None and column is not None:
        found = _directive_at(context, line, column)
        if found is not None and found[2] == "extend":
            return "extend"
    if parsed.regex_rx is not None:
        return "regex"
    if message.startswith("l-flag is not supported"):
        return "regex"
    if parsed.parser_style or message.startswith(("failed to parse", "lexer error")):
        return "syntax"
    return "other"



__all__ = ["Category", "EngineMessage", "interpret_message"]
