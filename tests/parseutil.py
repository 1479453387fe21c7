"""What the `grammarkit parse` tests share: bundled grammars, the grammar on which the two
engines disagree, and a runner of the command."""

from __future__ import annotations

import io
import sys
from pathlib import Path

from grammarkit.cli import main

ROOT = Path(__file__).resolve().parent.parent
GRAMMARS = ROOT / "grammars"
ARITH = str(GRAMMARS / "arithmetic.lark")
TIMESTAMP = str(GRAMMARS / "timestamp.regex")

# Lark matches a terminal's regex with Python's leftmost-first alternation (/a|ab/ on "ab"
# gives "a"); llguidance's lexer is greedy over the whole language of the terminal (it
# takes "ab"). So the two engines disagree in both directions on this grammar: "ab" only
# Lark accepts, "abb" only llguidance.
GREEDY = 'start: A "b"\nA: /a|ab/\n'


def run(capsys, *args, stdin: bytes | None = None, monkeypatch=None):
    """``grammarkit parse ARGS``: (exit status, standard output, standard error); ``stdin``
    (with ``monkeypatch``) is what standard input holds."""
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    code = main(["parse", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err
