"""Every replacement a rule proposes holds: applied by the fix engine (llguidance still
compiles the grammar, the diagnostic is gone, no new error), and the prose hint says the
same as the fix."""

from __future__ import annotations

import pytest

from grammarkit.lint.fixes import fix_text
from grammarkit.lint.runner import lint_text

CASES = [
    # (grammar, syntax)
    ("start: A\nA: /(?!-)[^\\s;]+/\n", "lark"),  # GK101 then GK213 then GK220
    ('start: "say " /.{1,80}/ "!"\n', "lark"),  # GK221
    ('start: TEXT "(" TEXT ")" TEXT\nTEXT: /[^\\n]{1,200}/\n', "lark"),  # GK221 twice
    ("^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01]) (?:[01]\\d|2[0-3]):[0-5]\\d$\n", "regex"),  # GK213
    ("\\w+@\\w+\\.com\\n\n", "regex"),  # GK213, GK220
    ('start: items\nitems: item "," items | item\nitem: /[a-z]{1,16}/\n', "lark"),  # GK224
    (
        'start: expr\nexpr: term (SP ADD SP term)* -> add\n| term\nterm: factor (SP MUL SP factor)* -> mul\n'
        '| factor\nfactor: INT\nSP: " "\nADD: "+"\nMUL: "*"\n%import common.INT\n',
        "lark",
    ),  # GK217 (math_exp), GK220
    ('start: line+\nline: "+" /(.*)/ LF -> add\n%import common.LF\n', "lark"),  # GK217 (apply_patch)
    ('start: "a"{2,3} W\nW: LETTER+\nLETTER: /[a-z]/\n%ignore /[ ]*/\n', "lark"),  # GK217, GK220
]


@pytest.mark.parametrize("text, syntax", CASES)
def test_every_offered_fix_is_applied(text, syntax):
    before = lint_text(text, syntax=syntax)
    offered = [d for d in before.diagnostics if d.fix is not None]
    assert offered, "each case offers at least one fix"
    for d in offered:
        # the prose says what the fix does (its title, or its replacement)
        assert d.fix.title in d.hint or any(e.replacement in d.hint for e in d.fix.edits), (d.code, d.hint)
    outcome = fix_text(text, syntax=syntax, unsafe=True)
    assert outcome.changed and not outcome.skipped, [(d.code, why) for d, why in outcome.skipped]
    assert not [d for d in outcome.remaining.errors if d.code in ("GK100", "GK109", "GK200")]
    assert fix_text(outcome.text, syntax=syntax, unsafe=True).text == outcome.text  # a second run changes nothing
