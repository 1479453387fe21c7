"""Completion in Lark grammars: directives after ``%``, llguidance's ``common`` names
after ``%import common.``, and the rules, terminals and imports defined in the scope."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from grammarkit.analysis.symbols import Symbols
from grammarkit.reader.common_terminals import COMMON_REGEXES

Kind = Literal["rule", "terminal", "directive", "common"]

LINE_DIRECTIVES = {
    "%ignore": ("%ignore ", "text to skip between tokens: %ignore WS"),
    "%import": ("%import common.", "a terminal from llguidance's common set: %import common.NUMBER"),
    "%llguidance": ("%llguidance {}", "llguidance options as JSON, e.g. {\"ignore_once\": true}"),
}
EXPRESSION_DIRECTIVES = {
    "%json": ("%json {}", "an inline JSON schema (llguidance only)"),
    "%regex": ("%regex {}", "a structured regex (llguidance only)"),
    "%lark": ("%lark {\n  start: \n}", "a nested grammar (llguidance only)"),
}

_WORD_BEFORE = re.compile(r"[%\w\-]*$")
_IMPORT_COMMON = re.compile(r"^\s*%import\s+common\s*(?:\.\s*|\((?:[^)]*,)?\s*)([\w]*)$")
_IMPORT_MODULE = re.compile(r"^\s*%import\s+(\w*)$")


@dataclass(frozen=True, slots=True)
class Candidate:
    """One completion: ``insert`` replaces the text ``[start, end)`` (the word typed so far)."""

    label: str
    kind: Kind
    detail: str
    insert: str
    start: int
    end: int


def complete(text: str, offset: int, symbols: Symbols | None = None) -> list[Candidate]:
    """What may be typed at ``offset`` of a Lark grammar."""
    line_start = text.rfind("\n", 0, offset) + 1
    before = text[line_start:offset]
    if _in_literal_or_comment(before):
        return []
    m = _IMPORT_COMMON.match(before)
    if m:
        start = offset - len(m.group(1))
        return [
            Candidate(name, "common", f"/{pattern}/", name, start, offset)
            for name, pattern in sorted(COMMON_REGEXES.items())
        ]
    m = _IMPORT_MODULE.match(before)
    if m:
        start = offset - len(m.group(1))
        return [Candidate("common", "directive", "llguidance's common terminals", "common.", start, offset)]
    word = _WORD_BEFORE.search(before)
    typed = word.group() if word else ""
    start = offset - len(typed)
    at_line_start = before[: len(before) - len(typed)].strip() == ""
    if typed.startswith("%"):
        table = LINE_DIRECTIVES if at_line_start else EXPRESSION_DIRECTIVES
        return [
            Candidate(label, "directive", detail, insert, start, offset) for label, (insert, detail) in table.items()
        ]
    if at_line_start or symbols is None:
        return []  # a new definition's name: nothing to offer
    scope = symbols.scope_at(offset)
    d = symbols.definition_at(offset)
    only_terminals = d is not None and d.is_terminal
    out = []
    for name, occ in sorted(symbols.defined_names(scope).items()):
        if only_terminals and not occ.is_terminal:
            continue
        kind: Kind = "terminal" if occ.is_terminal else "rule"
        line = symbols.grammar.index.position(occ.start)[0]
        detail = ("imported" if occ.role == "import" else kind) + f", line {line}"
        out.append(Candidate(name, kind, detail, name, start, offset))
    return out


def _in_literal_or_comment(before: str) -> bool:
    """Whether the end of ``before`` (a line up to the cursor) is inside a string,
    regex or comment: those cannot span lines, so the line alone tells."""
    from grammarkit.reader.lexer import LexError, tokenize

    comments: list = []
    try:
        for _ in tokenize(before, comments=comments):
            pass
    except LexError:
        stripped = before.rstrip()
        # an unterminated "..." or /.../ at the end; other lex errors (a lone `%`) are fine
        return bool(re.search(r'"(?:[^"\\]|\\.)*$|/(?:[^/\\\n]|\\.)*$', stripped)) and not before.endswith("%")
    return bool(comments)


__all__ = ["Candidate", "EXPRESSION_DIRECTIVES", "LINE_DIRECTIVES", "complete"]
