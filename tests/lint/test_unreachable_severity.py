"""GK101/GK210 inside a definition ``start`` never reaches: llguidance compiles the
grammar (it ignores unreachable definitions), so they are warnings that say so; a
grammar llguidance rejects keeps its errors."""

from __future__ import annotations

import pytest

from grammarkit.cli import main
from grammarkit.core.diagnostics import Severity
from grammarkit.lint.runner import lint_text

DEAD = 'start: "a"\nfoo: /(?=x)a/ BAR\nBAR: /a\\Z/\nFOO2: /(?<=x)b/\n'


def found(text, **kw):
    return [(d.code, d.severity.value, d.line, d.message) for d in lint_text(text, **kw).diagnostics
            if d.code in ("GK101", "GK210", "GK109")]


def test_unreachable_definitions_give_warnings_that_say_why():
    assert found(DEAD) == [
        ("GK101", "warning", 2, "lookahead `(?=` is not supported (Rust regex has no lookarounds) "
         "(in rule foo, which is unreachable from start: llguidance ignores it)"),
        ("GK210", "warning", 3, "`\\Z` is Python's end-of-text anchor; Rust does not know it "
         "(in terminal BAR, which is unreachable from start: llguidance ignores it)"),
        ("GK101", "warning", 4, "lookbehind `(?<=` is not supported (Rust regex has no lookarounds) "
         "(in terminal FOO2, which is unreachable from start: llguidance ignores it)"),
    ]


def test_check_exits_0_for_errors_only_in_unreachable_definitions(tmp_path, capsys):
    p = tmp_path / "dead.lark"
    p.write_text(DEAD)
    code = main(["check", "--no-sidecars", str(p)])
    out = capsys.readouterr().out
    assert code == 0
    assert out.splitlines()[-1] == "Found 6 warnings (1 grammar)."  # 3 GK229 + 3 downgraded


@pytest.mark.parametrize(
    "text",
    [
        'start: "a" foo\nfoo: /(?=x)a/\n',  # reached
        'start: A\nA: B "x"\nB: /(?=y)y/\n',  # reached through a terminal
        'start: "a"\n%ignore WS\nWS: /(?=x) /\n',  # reached through %ignore
        'start: x\nx: "a" stop=STOP\nSTOP: /(?=y)/\n',  # reached through stop=
    ],
)
def test_reachable_definitions_keep_their_errors(text):
    codes = found(text)
    assert ("GK101", "error") in [(c, s) for c, s, _, _ in codes]
    assert all("unreachable" not in m for _, _, _, m in codes)


def test_a_grammar_llguidance_rejects_keeps_every_error():
    # The reachable lookaround makes llguidance reject the grammar: nothing is downgraded.
    text = 'start: "a" | B\nB: /(?=a)a/\ndead: /(?<=x)b/\n'
    assert [(c, s, line) for c, s, line, _ in found(text)] == [("GK101", "error", 2), ("GK101", "error", 3)]
    # Rejected for another reason: the dead lookaround stays an error as well.
    text = 'start: NOPE\ndead: /(?<=x)b/\n'
    assert ("GK101", "error", 2) in [(c, s, line) for c, s, line, _ in found(text)]


def test_nested_grammars():
    inner = 'start: %lark {\n start: "a"\n dead: /(?=x)a/\n}\n'
    assert [(c, s) for c, s, _, _ in found(inner)] == [("GK101", "warning")]
    outer = 'start: "a"\nfoo: %lark {\n start: /(?=x)a/\n}\n'
    ((code, level, _, message),) = found(outer)
    assert (code, level) == ("GK101", "warning") and "in rule foo, which is unreachable" in message


def test_configured_severity_below_error_is_kept():
    levels = {s for c, s, _, _ in found(DEAD, severity={"GK101": Severity.INFO}) if c == "GK101"}
    assert levels == {"info"}


def test_regex_grammars_are_unchanged():
    ((code, level, _, _),) = found("(?=a)a\n", syntax="regex")
    assert (code, level) == ("GK101", "error")
