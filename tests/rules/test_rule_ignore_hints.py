"""%ignore advice that holds: GK107 and GK228 propose threading an underscore terminal
(which the local Lark parser reads and leaves out of trees), say so when ignore_once would
lose the local parser, and give whitespace advice only for whitespace; GK302 names
%ignore when ignored text at the edges of a sample is the cause."""

from __future__ import annotations

import pytest

from grammarkit.lint.runner import lint_text
from grammarkit.local.parser import LocalParser, ParserUnavailable
from grammarkit.samples.files import Sample


def hint(text: str, code: str) -> str:
    (d,) = [d for d in lint_text(text).diagnostics if d.code == code]
    return d.hint


@pytest.mark.parametrize(
    "text, code",
    [
        ('%import common.WS\n%ignore WS\nstart: "a" "b"\n', "GK107"),
        ('%ignore /[ \\t]+/\nstart: "a" "b"\n', "GK107"),
        ('%ignore " "\nstart: "a" "b"\n', "GK228"),
    ],
)
def test_whitespace_ignore_advice_threads_an_underscore_terminal(text, code):
    h = hint(text, code)
    assert "_WS" in h or "_SP" in h
    assert "local Lark parser cannot read such grammars" in h  # ignore_once is never silent


@pytest.mark.parametrize(
    "text, code",
    [
        ('COMMENT: /#[^\\n]*/\n%ignore COMMENT\nstart: "a" "b"\n', "GK107"),
        ('COMMENT: /#[^\\n]{0,20}/\n%ignore COMMENT\nstart: "a" "b"\n', "GK228"),
    ],
)
def test_no_whitespace_advice_for_ignored_comments(text, code):
    h = hint(text, code)
    assert "whitespace" not in h and "_WS" not in h
    assert "part of the rules" in h


def test_the_threaded_terminal_keeps_the_local_parser_and_stays_out_of_trees():
    threaded = 'start: NAME _WS "=" _WS NAME\nNAME: /[a-z]{1,9}/\n_WS: /[ \\t]{1,4}/\n'
    tree = LocalParser(threaded).parse("a = b")
    assert [str(t) for t in tree.children] == ["a", "b"]
    with pytest.raises(ParserUnavailable):
        LocalParser('%llguidance {"ignore_once": true}\n%ignore /[ ]{1,4}/\nstart: "a" "b"\n')


SPACED = 'start: NAME "=" NAME\nNAME: /[a-z]{1,9}/\n%ignore " "\n'


def test_lark_accepts_impossible_input_names_ignore_at_the_edges():
    result = lint_text(SPACED, samples=[Sample(" a = b", None, "", "s.toml", 1, 2), Sample("a = b ", None, "", "s.toml", 2, 3)])
    got = [d for d in result.diagnostics if d.code == "GK302"]
    assert [d.line for d in got] == [2, 3]
    assert "it begins with %ignore-d text" in got[0].message and '(llguidance accepts "a = b")' in got[0].message
    assert "it ends with %ignore-d text" in got[1].message
    assert "drop it from the sample" in got[0].hint and "free-text" not in got[0].hint


def test_lark_accepts_impossible_input_other_causes_keep_the_general_hint():
    result = lint_text('start: A "b"\nA: /a|ab/\n', samples=[Sample("ab", False, "", "s.toml", 1, 4)])
    (d,) = [d for d in result.diagnostics if d.code == "GK302"]
    assert "%ignore" not in d.message and d.hint.startswith("exclude delimiters")
