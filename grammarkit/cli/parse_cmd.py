"""``grammarkit parse GRAMMAR INPUT``: parse one tool input, with both engines.

llguidance decides whether the input is accepted (it is what constrains the model); the
local Lark parser (:class:`grammarkit.local.parser.LocalParser`, what the application's own
parse will do) gives the parse tree. When the two disagree, one line says which way.

Text output: the parse tree on standard output (Lark's ``tree.pretty()`` layout; control
characters in token values are shown escaped, e.g. ``\\n``), or ``accepted: "..."`` when
there is no tree (regex grammars, no local parser, or Lark rejects), or the located
rejection (``input:LINE:COL: message``, the input line with a caret, ``= expected: ...``).
Notes about the engines (a disagreement, no local parser) go to standard error as one line
each. ``--format json`` prints one object with everything (see :meth:`ParseReport.to_dict`).

Exit status: 0 accepted, 1 rejected, 2 usage or input problem (one line on standard error).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from typing import Annotated, Any

import typer

from grammarkit.cli.options import (
    TOKENIZER_HELP,
    SyntaxChoice,
    TextOrJson,
    TokenizerChoice,
    configured_tokenizer,
    tokenizer_problem,
)

MAX_SHOWN_LINE = 200


class UsageProblem(Exception):
    """A usage or input problem: one line on standard error, exit status 2."""


# --------------------------------------------------------------------------- loading


def load_grammar(path: str, syntax: str | None) -> tuple[str, str, str]:
    """``(text, syntax, shown name)`` of the grammar at ``path`` (``-``: standard input).

    The syntax comes from ``syntax``, else the suffix (``.regex`` is regex, else lark). A
    regex grammar's pattern is the text minus one trailing newline, as for ``check``.
    Raises :class:`UsageProblem`.
    """
    from grammarkit.core.errors import InputError
    from grammarkit.core.source import detect_syntax, read_grammar_file, read_grammar_stdin

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
        if text.endswith("\r\n"):
            text = text[:-2]
        elif text.endswith("\n"):
            text = text[:-1]
    return text, chosen, shown


def build_matcher(text: str, syntax: str, shown: str):
    """llguidance's matcher for the grammar, or :class:`UsageProblem` when it rejects it."""
    from grammarkit.llg.matcher import EngineMatcher, MatcherUnavailable

    try:
        return EngineMatcher(text, syntax=syntax)
    except MatcherUnavailable as exc:
        reason = (exc.reason.strip().splitlines() or ["no reason given"])[0]
        where = f"grammarkit check {shown}" if shown != "<stdin>" else "grammarkit check"
        raise UsageProblem(f"{shown}: llguidance rejects the grammar: {reason} (run '{where}')") from None


def _read_input(
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
        text = text[:-2] if text.endswith("\r\n") else text[:-1] if text.endswith("\n") else text
    return text, label


# --------------------------------------------------------------------------- the verdicts


@dataclass
class Located:
    """Where and why an engine rejected the input (1-based; columns in characters)."""

    message: str
    line: int
    column: int
    offset: int  # characters
    byte_offset: int | None = None
    found: str = ""
    expected: list[str] = field(default_factory=list)
    at_end: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "message": self.message,
            "line": self.line,
            "column": self.column,
            "offset": self.offset,
            "byte_offset": self.byte_offset,
            "found": self.found,
            "expected": self.expected,
            "at_end": self.at_end,
        }


@dataclass
class ParseReport:
    """Both engines on one input. ``accepted`` is llguidance's verdict."""

    input: str
    accepted: bool
    error: Located | None = None  # llguidance's rejection
    lark: bool | None = None  # None: the local parser did not run (regex, unavailable, failed)
    tree: Any = None  # lark.Tree when the local parser accepted
    lark_error: Located | None = None
    lark_unavailable: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def disagreement(self) -> str | None:
        """``"lark-rejects"``, ``"lark-accepts"`` or None."""
        if self.lark is None or self.lark == self.accepted:
            return None
        return "lark-rejects" if self.accepted else "lark-accepts"

    def to_dict(self) -> dict[str, Any]:
        return {
            "accepted": self.accepted,
            "tree": tree_to_json(self.tree) if self.tree is not None else None,
            "error": self.error.to_dict() if self.error else None,
            "engines": {"llguidance": self.accepted, "lark": self.lark},
            "lark_error": self.lark_error.to_dict() if self.lark_error else None,
            "notes": self.notes,
        }


def parse_input(text: str, matcher, grammar: str, syntax: str, *, parser=None) -> ParseReport:
    """Run llguidance (``matcher``, an :class:`~grammarkit.llg.matcher.EngineMatcher`) and, for
    Lark grammars, the local Lark parser (built here unless ``parser`` is given) on ``text``."""
    verdict = matcher.check(text)
    report = ParseReport(text, verdict.accepted)
    if not verdict.accepted:
        report.error = _llguidance_rejection(text, verdict, matcher)
    if syntax == "lark":
        _run_lark(report, grammar, parser)
    if report.lark_unavailable:
        report.notes.append(f"no parse tree: the local Lark parser is unavailable ({report.lark_unavailable})")
    if report.disagreement == "lark-rejects":
        e = report.lark_error
        assert e is not None
        report.notes.append(
            f"llguidance accepts this input but the local Lark parser rejects it: {e.line}:{e.column}: {e.message}"
        )
    elif report.disagreement == "lark-accepts":
        report.notes.append(
            "the local Lark parser accepts this input but llguidance rejects it (the model cannot emit it)"
        )
    return report


def _run_lark(report: ParseReport, grammar: str, parser) -> None:
    from grammarkit.local.parser import InputRejected, LocalParser, ParserUnavailable

    if parser is None:
        try:
            parser = LocalParser(grammar)
        except ParserUnavailable as exc:
            report.lark_unavailable = exc.reason
            return
    text = report.input
    if len(text) > parser.max_input_chars:
        report.lark_unavailable = (
            f"the input is longer than its limit of {parser.max_input_chars} characters"
        )
        return
    try:
        report.tree = parser.parse(text)
        report.lark = True
    except InputRejected as exc:
        report.lark = False
        report.lark_error = Located(
            exc.message, exc.line, exc.column, exc.offset, None, exc.found, list(exc.expected), exc.at_end
        )
    except Exception as exc:
        report.lark_unavailable = f"it failed: {type(exc).__name__}: {_first_line(exc)}"


def _llguidance_rejection(text: str, verdict, matcher) -> Located:
    from grammarkit.core.span import byte_offset_to_position
    from grammarkit.llg.matcher import describe_bytes

    if verdict.too_long:
        return Located(verdict.describe(), 1, 1, 0, 0)
    data = text.encode("utf-8", "surrogatepass")
    at = len(data) if verdict.ended_early else (verdict.stopped_at or 0)
    line, column, offset = byte_offset_to_position(text, at)
    allowed, can_end = matcher.allowed_after(data[:at])
    expected = describe_bytes(allowed, can_end and not verdict.ended_early)
    if verdict.ended_early:
        return Located("the input ends too early", line, column, offset, at, "", expected, True)
    found = text[offset] if offset < len(text) else ""
    return Located(f"unexpected {found!r}", line, column, offset, at, found, expected, False)


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


# --------------------------------------------------------------------------- rendering


def tree_to_json(tree) -> dict[str, Any]:
    """``{"rule": name, "children": [...]}`` / ``{"token": TYPE, "value", "line", "column"}``
    (built without recursion, so deep trees are fine)."""
    from lark import Tree

    def convert(node):
        if isinstance(node, Tree):
            return {"rule": str(node.data), "children": []}
        return {
            "token": node.type,
            "value": str(node),
            "line": getattr(node, "line", None),
            "column": getattr(node, "column", None),
        }

    root = convert(tree)
    stack = [(tree, root)]
    while stack:
        node, out = stack.pop()
        for child in node.children:
            converted = convert(child)
            out["children"].append(converted)
            if isinstance(child, Tree):
                stack.append((child, converted))
    return root


def pretty_tree(tree, indent: str = "  ") -> str:
    """Lark's ``tree.pretty()`` layout, without recursion, with control characters (and
    other unprintable ones) in token values escaped so the tree stays one token a line."""
    from lark import Tree

    out: list[str] = []
    stack: list[tuple[Any, int]] = [(tree, 0)]
    while stack:
        node, level = stack.pop()
        pad = indent * level
        if isinstance(node, Tree):
            if len(node.children) == 1 and not isinstance(node.children[0], Tree):
                out.append(f"{pad}{node.data}\t{escape_unprintable(str(node.children[0]))}\n")
            else:
                out.append(f"{pad}{node.data}\n")
                stack.extend((child, level + 1) for child in reversed(node.children))
        else:
            out.append(f"{pad}{escape_unprintable(str(node))}\n")
    return "".join(out)


_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape_unprintable(s: str) -> str:
    """``s`` with every unprintable character (controls, line separators, format
    characters, non-ASCII spaces) as ``\\n``/``\\t``/``\\r`` or ``\\xNN``/``\\uNNNN``."""
    if s.isprintable():
        return s
    return "".join(c if c.isprintable() else _escape_char(c) for c in s)


def _escape_char(c: str) -> str:
    if c in _ESCAPES:
        return _ESCAPES[c]
    code = ord(c)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def caret_lines(text: str, line: int, column: int) -> list[str]:
    """The input's ``line`` (unprintable characters escaped) and a caret under ``column``,
    in the layout ``check`` uses (`` 3 | text`` / ``   |   ^``)."""
    rows = text.split("\n")
    source = rows[line - 1] if 0 < line <= len(rows) else ""
    before = escape_unprintable(source[: column - 1])
    shown = before + escape_unprintable(source[column - 1 :])
    col = len(before) + 1
    if len(shown) > MAX_SHOWN_LINE:
        shift = max(0, col - 1 - MAX_SHOWN_LINE // 2)
        shown = ("…" if shift else "") + shown[shift : shift + MAX_SHOWN_LINE] + "…"
        col = col - shift + (1 if shift else 0)
    gutter = str(line)
    first = f" {gutter} | {shown}" if shown else f" {gutter} |"
    return [first, f" {' ' * len(gutter)} | {' ' * (col - 1)}^"]


def render_text(report: ParseReport, label: str) -> str:
    """What ``parse`` prints on standard output in text mode."""
    if report.accepted:
        if report.tree is not None:
            return pretty_tree(report.tree).rstrip("\n")
        return "accepted: " + json.dumps(report.input, ensure_ascii=False)
    e = report.error
    assert e is not None
    lines = [f"{label}:{e.line}:{e.column}: {e.message}", *caret_lines(report.input, e.line, e.column)]
    if e.expected:
        lines.append("  = expected: " + ", ".join(e.expected))
    elif not e.at_end:
        lines.append("  = nothing can follow the text before this point")
    return "\n".join(lines)


def describe_token_count(count, tokenizer: str) -> str:
    """One line: ``11 o200k tokens (10 chosen by the model, 1 forced: "SELECT ")``."""
    shown = ", ".join(json.dumps(t, ensure_ascii=False) for _, _, t in count.forced[:4])
    if len(count.forced) > 4:
        shown += f", … ({len(count.forced)} stretches)"
    forced = f"; the grammar forces {shown}" if shown else "; the grammar forces no text"
    return (
        f"{count.tokens} {tokenizer} token{'s' if count.tokens != 1 else ''} "
        f"({count.sampled} chosen by the model and {count.forced_tokens} fast-forwarded{forced})"
    )


# --------------------------------------------------------------------------- the command


def parse(
    grammar: Annotated[str, typer.Argument(metavar="GRAMMAR", help="Grammar file ('-' for standard input).")],
    input_text: Annotated[
        str | None,
        typer.Argument(
            metavar="[INPUT]",
            help="The tool input, exactly as the model would emit it ('-' reads it from standard input; "
            "put '--' before an input that starts with '-').",
        ),
    ] = None,
    input_file: Annotated[
        str | None,
        typer.Option("--input-file", "-f", metavar="FILE", help="Read the input from this file ('-' for standard input)."),
    ] = None,
    syntax: Annotated[
        SyntaxChoice | None,
        typer.Option("--syntax", help="Grammar syntax (default: from the suffix; .regex is regex, else lark)."),
    ] = None,
    output_format: Annotated[TextOrJson, typer.Option("--format", help="Output format.")] = TextOrJson.text,
    strip_newline: Annotated[
        bool,
        typer.Option(
            "--strip-newline",
            help="Drop one trailing newline from the input (as added by echo or an editor).",
        ),
    ] = False,
    tokenizer: Annotated[
        TokenizerChoice | None,
        typer.Option(
            "--tokenizer",
            help=TOKENIZER_HELP + " With o200k, also count the input's tokens and the stretches the "
            "grammar forces (a note on standard error; \"tokens\" in --format json).",
        ),
    ] = None,
) -> int:
    """Parse one input: llguidance's verdict (what the model can emit) and the local Lark
    parse tree, with located errors. Exit 0 accepted, 1 rejected, 2 usage/input problem."""
    from grammarkit.lint.config import ConfigError

    try:
        tokenizer_name = configured_tokenizer(tokenizer)
        problem = tokenizer_problem(tokenizer_name)
        if problem:
            raise UsageProblem(problem)
        text, label = _read_input(input_text, input_file, grammar, strip_newline)
        grammar_text, chosen, shown = load_grammar(grammar, syntax.value if syntax else None)
        matcher = build_matcher(grammar_text, chosen, shown)
    except (UsageProblem, ConfigError) as exc:
        print(f"grammarkit: error: {exc}", file=sys.stderr)
        return 2
    # Checked first: computing the expected bytes at a dead end can leave the matcher in
    # llguidance's (sticky) error state.
    newline_matters = False
    if not strip_newline and text.endswith("\n"):
        newline_matters = matcher.accepts(text[:-2] if text.endswith("\r\n") else text[:-1])
    report = parse_input(text, matcher, grammar_text, chosen)
    if not report.accepted and newline_matters:
        report.notes.append(
            "the input ends with a newline, and without it the input is accepted "
            "(use --strip-newline, printf instead of echo, or remove it from the file)"
        )
    tokens = None
    if tokenizer_name != "byte" and report.accepted:
        from grammarkit.llg.token_profile import sample_token_counts

        tokens = sample_token_counts(grammar_text, chosen, [text], tokenizer=tokenizer_name)[0]
        report.notes.append(describe_token_count(tokens, tokenizer_name))
    if output_format is TextOrJson.json:
        from grammarkit.output.json_format import dumps_deep

        data = report.to_dict()
        if tokens is not None:
            data["tokens"] = tokens.to_dict()
        print(dumps_deep(data, ensure_ascii=False, indent=2))
    else:
        print(render_text(report, label))
        sys.stdout.flush()
        for note in report.notes:
            print(f"grammarkit: note: {note}", file=sys.stderr)
    return 0 if report.accepted else 1


__all__ = [
    "Located",
    "ParseReport",
    "UsageProblem",
    "build_matcher",
    "load_grammar",
    "parse",
    "parse_input",
    "pretty_tree",
    "render_text",
    "tree_to_json",
]
