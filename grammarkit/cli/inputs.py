"""What the commands read from the user: a grammar file, llguidance's matcher for it,
and one tool input (an argument, a file, or standard input), each bounded.

Problems are :class:`UsageProblem`: one line on standard error, exit status 2.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from grammarkit.core.errors import InputError
from grammarkit.core.source import detect_syntax, read_grammar_file, read_grammar_stdin, strip_final_newline

if TYPE_CHECKING:
    from grammarkit.core.source import Syntax
    from grammarkit.llg.matcher import EngineMatcher
    from grammarkit.local.parser import LocalParser


class UsageProblem(Exception):
    """A usage or input problem: one line on standard error, exit status 2."""


def load_grammar(path: str, syntax: Syntax | None) -> tuple[str, Syntax, str]:
    """``(text, syntax, shown name)`` of the grammar at ``path`` (``-``: standard input).

    The syntax comes from ``syntax``, else the suffix (``.regex`` is regex, else lark). A
    regex grammar's pattern is the text minus one trailing newline, as for ``check``.
    Raises :class:`UsageProblem`.
    """

    try:
        if path == "-":
            shown = "<stdin>"
            text = read_grammar_stdin()
            chosen = syntax or "lark"
        else:
            shown = path
            text = read_grammar_file(path)
            chosen = syntax or detect_syntax(path) or "lark"
    except InputError as err:
        raise UsageProblem(str(err)) from None
    if chosen == "regex":
        text = strip_final_newline(text)
    return text, chosen, shown


def build_matcher(text: str, syntax: Syntax, shown: str) -> EngineMatcher:
    """llguidance's matcher for the grammar, or :class:`UsageProblem` when it rejects it."""
    from grammarkit.llg.matcher import EngineMatcher, MatcherUnavailable

    try:
        return EngineMatcher(text, syntax=syntax)
    except MatcherUnavailable as exc:
        reason = (exc.reason.strip().splitlines() or ["no reason given"])[0]
        where = f"grammarkit check {shown}" if shown != "<stdin>" else "grammarkit check"
        raise UsageProblem(f"{shown}: llguidance rejects the grammar: {reason} (run '{where}')") from None


def build_parser(text: str, syntax: Syntax, shown: str) -> LocalParser:
    """The local Lark parser for the grammar, or :class:`UsageProblem` when there is none
    (a regex grammar, or a construct with no Lark equivalent)."""
    if syntax != "lark":
        raise UsageProblem(f"{shown}: a regex grammar has no Lark parser (use --engine llguidance or both)")
    from grammarkit.local.parser import LocalParser, ParserUnavailable

    try:
        return LocalParser(text)
    except ParserUnavailable as exc:
        raise UsageProblem(f"{shown}: the local Lark parser is unavailable: {exc.reason}") from None


def final_newline_matters(
    text: str, *, matcher: EngineMatcher | None = None, parser: LocalParser | None = None
) -> bool:
    """Whether ``text`` ends with a newline without which the engine given (llguidance's
    ``matcher``, else the local ``parser``) accepts it. Ask llguidance before judging the
    input: naming what is allowed at a dead end can leave its matcher in an error state."""
    if not text.endswith("\n"):
        return False
    stripped = text[:-2] if text.endswith("\r\n") else text[:-1]
    if matcher is not None:
        return matcher.accepts(stripped)
    if parser is None or len(stripped) > parser.max_input_chars:
        return False
    from grammarkit.core.rejection import InputRejected

    try:
        parser.parse(stripped)
    except InputRejected:
        return False
    return True


def read_input(
    input_text: str | None, input_file: str | None, grammar_path: str, strip_newline: bool
) -> tuple[str, str]:
    """``(input, label)``; the label names the input in locations (``input``, the file,
    ``<stdin>``)."""
    from grammarkit.llg.matcher import DEFAULT_MAX_INPUT_BYTES

    if input_text is None and input_file is None:
        raise UsageProblem("no input: give it as an argument, '-' for standard input, or --input-file FILE")
    if input_text is not None and input_file is not None:
        raise UsageProblem("give the input either as an argument or with --input-file, not both")
    source = input_file if input_file is not None else ("-" if input_text == "-" else None)
    if source == "-" and grammar_path == "-":
        raise UsageProblem("the grammar and the input cannot both come from standard input")
    if source is None:
        label = "input"
        try:
            data = input_text.encode("utf-8")  # type: ignore[union-attr]
        except UnicodeEncodeError:
            raise UsageProblem("input: not valid UTF-8") from None
    elif source == "-":
        label = "<stdin>"
        data = sys.stdin.buffer.read(DEFAULT_MAX_INPUT_BYTES + 1)
    else:
        label = source
        try:
            with open(source, "rb") as fh:
                data = fh.read(DEFAULT_MAX_INPUT_BYTES + 1)
        except FileNotFoundError:
            raise UsageProblem(f"{source}: no such file") from None
        except IsADirectoryError:
            raise UsageProblem(f"{source}: is a directory") from None
        except PermissionError:
            raise UsageProblem(f"{source}: permission denied") from None
        except OSError as exc:
            raise UsageProblem(f"{source}: cannot read: {exc.strerror or exc}") from None
    if len(data) > DEFAULT_MAX_INPUT_BYTES:
        raise UsageProblem(f"{label}: input is too large (the limit is {DEFAULT_MAX_INPUT_BYTES} bytes)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UsageProblem(
            f"{label}: not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}, line {line})"
        ) from None
    if strip_newline:
        text = strip_final_newline(text)
    return text, label
