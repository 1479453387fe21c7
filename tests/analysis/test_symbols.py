"""Symbols of a Lark grammar: occurrences per scope, references, rename, outline, facts."""

from __future__ import annotations

import pytest

from grammarkit.analysis.symbols import RenameError, Symbols
from grammarkit.analysis.widths import UNKNOWN, MinWidthCalculator
from grammarkit.core.diagnostics import Fix
from grammarkit.reader import read_grammar

GRAMMAR = """\
start: list
list: item ("," item)*
item: WORD | "[" list "]"
WORD: LETTER+
LETTER: /[a-z]/
%import common.WS
%ignore WS
nested: %lark {
  start: item
  item: "x"
}
_sep{x, sep}: x (sep x)*
"""


def symbols(text: str = GRAMMAR) -> Symbols:
    return Symbols(read_grammar(text).grammar)


def at(s: Symbols, needle: str, nth: int = 0):
    offset = -1
    for _ in range(nth + 1):
        offset = s.text.index(needle, offset + 1)
    occ = s.at(offset)
    assert occ is not None and occ.name == needle.split()[0].rstrip(":")
    return occ


def rename(text: str, needle: str, new: str, nth: int = 0) -> str:
    s = symbols(text)
    return Fix("rename", tuple(s.rename(at(s, needle, nth), new))).apply(text)


def test_references_are_resolved_per_scope():
    s = symbols()
    outer = at(s, "item")
    assert [(o.role, s.grammar.index.position(o.start)[0]) for o in s.references(outer)] == [
        ("reference", 2),
        ("reference", 2),
        ("definition", 3),
    ]
    inner = at(s, "item", 3)
    assert inner.scope == 1
    assert [o.role for o in s.references(inner)] == ["reference", "definition"]
    assert s.definition(at(s, "WS", 1)).role == "import"


def test_template_parameters_are_not_symbols():
    s = symbols()
    assert all(o.name not in ("x", "sep") or o.role == "definition" for o in s.occurrences)


def test_a_cursor_just_after_a_name_is_on_it():
    s = symbols("start: abc\nabc: \"x\"\n")
    assert s.at(7).name == "abc" and s.at(10).name == "abc" and s.at(6) is None


def test_rename_changes_every_occurrence_in_the_scope_only():
    renamed = rename(GRAMMAR, "item", "element")
    assert "list: element (\",\" element)*\nelement: WORD" in renamed
    assert "  start: item\n  item: \"x\"" in renamed


def test_rename_in_a_nested_scope():
    renamed = rename(GRAMMAR, "item", "thing", nth=3)
    assert "  start: thing\n  thing: \"x\"" in renamed and "list: item" in renamed


def test_rename_of_a_terminal_used_in_terminals_and_ignore():
    assert "WORD: CHAR+\nCHAR: /[a-z]/" in rename(GRAMMAR, "LETTER", "CHAR")
    renamed = rename(GRAMMAR, "WS", "SPACE")
    assert "%import common.WS -> SPACE\n%ignore SPACE" in renamed
    assert "%import common.WS -> BLANK\n%ignore BLANK" in rename(renamed, "SPACE", "BLANK")


@pytest.mark.parametrize(
    ("needle", "new", "message"),
    [
        ("item", "list", "list is already defined on line 2"),
        ("item", "WS", "is not a rule name"),
        ("item", "two words", "is not a rule name"),
        ("WORD", "word", "is not a terminal name"),
        ("WORD", "WS", "WS is already imported on line 6"),
        ("start", "begin", "entry point"),
    ],
)
def test_rename_refuses(needle, new, message):
    s = symbols()
    with pytest.raises(RenameError, match=message):
        s.rename(at(s, needle), new)


def test_rename_refuses_a_name_imported_in_a_list():
    s = symbols("start: A\n%import common (WS, A)\n")
    with pytest.raises(RenameError, match="imported in a list"):
        s.rename(at(s, "A"), "B")


def test_outline_nests_the_nested_grammars():
    s = symbols()
    outline = s.outline()
    assert [(i.name, i.kind) for i in outline] == [
        ("start", "rule"),
        ("list", "rule"),
        ("item", "rule"),
        ("WORD", "terminal"),
        ("LETTER", "terminal"),
        ("WS", "import"),
        ("nested", "rule"),
        ("_sep", "rule"),
    ]
    assert [c.name for c in outline[6].children] == ["start", "item"]


def test_facts_definition_lengths_and_followers():
    s = symbols()
    facts = s.facts(at(s, "item"))
    assert facts.kind == "rule" and facts.line == 3 and facts.text == 'item: WORD | "[" list "]"'
    assert (facts.min_width, facts.max_width) == (1, None)
    assert facts.follow == ['","', '"]"', "end of input"]
    letter = s.facts(at(s, "LETTER"))
    assert (letter.min_width, letter.max_width) == (1, 1)
    assert letter.follow is None and letter.follow_note == "used only inside the terminal(s) WORD"
    ws = s.facts(at(s, "WS", 1))
    assert ws.kind == "import" and "WS is /[ \\t\\f\\r\\n]+/" in ws.text
    assert "ignored" in ws.follow_note
    assert s.facts(at(symbols("start: x\n"), "x")).kind == "undefined"


def test_min_widths_solve_recursion():
    grammar = read_grammar('start: list\nlist: "a" "," list | "bb"\nloop: loop "x"\nR: /[a-z]{3,}/ | /(/\n').grammar
    widths = MinWidthCalculator(grammar)
    assert widths.of_name("list") == 2 and widths.of_name("start") == 2
    assert widths.of_name("loop") is None  # never bottoms out
    assert widths.of_name("R") is UNKNOWN
