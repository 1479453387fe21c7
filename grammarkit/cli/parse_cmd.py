"""``grammarkit parse GRAMMAR INPUT``: parse one tool input, with both engines.

llguidance decides whether the input is accepted (it is what constrains the model); the
local Lark parser (:class:`grammarkit.local.parser.LocalParser`, what the application's own
parse will do) gives the parse tree. When the two disagree, one line says which way.

Text output: the parse tree on standard output (Lark's ``tree.pretty()`` layout; control
characters in token values are shown escaped, e.g. ``\\n``), or ``accepted: "..."`` when
there is no tree (regex grammars, no local parser, or Lark rejects), or the located
rejection (``input:LINE:COL: message``, the input line with a caret, ``= expected: ...``).
Notes about the engines (a disagreement, no local parser) go to standard error as one line
each. ``--format json`` prints one object with everything (see :meth:`grammarkit.verdict.Verdict.to_dict`).

``--engine llguidance`` runs llguidance alone (no parse tree), ``--engine lark`` the local
Lark parser alone (its verdict decides; a grammar llguidance rejects can still be parsed);
the text output then starts with an ``engine: ...`` line, and the JSON's ``engines_run``
lists the engines that ran in every mode.

Exit status: 0 accepted, 1 rejected (by llguidance with both engines, whose disagreement is
a note; by the one engine asked for otherwise), 2 usage or input problem (one line on
standard error, e.g. ``--engine lark`` on a regex grammar).
"""

from __future__ import annotations

import json
import sys
from enum import Enum
from typing import Annotated

import typer

from grammarkit.cli.inputs import (
    UsageProblem,
    build_matcher,
    build_parser,
    final_newline_matters,
    load_grammar,
    read_input,
)
from grammarkit.cli.options import (
    TOKENIZER_HELP,
    SyntaxOption,
    TextOrJson,
    TokenizerChoice,
    configured_tokenizer,
    tokenizer_problem,
)
from grammarkit.core.trees import caret_lines, pretty_tree
from grammarkit.verdict import BOTH_ENGINES, EngineName, Verdict, judge


class ParseEngine(str, Enum):
    both = "both"
    llguidance = "llguidance"
    lark = "lark"

    @property
    def engines(self) -> tuple[EngineName, ...]:
        chosen: dict[str, tuple[EngineName, ...]] = {"llguidance": ("llguidance",), "lark": ("lark",)}
        return chosen.get(self.value, BOTH_ENGINES)


ENGINE_LINES = {
    ParseEngine.llguidance: "engine: llguidance only (the local Lark parser did not run: no parse tree)",
    ParseEngine.lark: "engine: lark only (llguidance did not run: whether the model can emit this is unchecked)",
}


def render_text(report: Verdict, label: str, engine: ParseEngine = ParseEngine.both) -> str:
    """What ``parse`` prints on standard output in text mode (with one engine, a first
    line names it)."""
    body = _render_body(report, label)
    head = ENGINE_LINES.get(engine)
    return f"{head}\n{body}" if head else body


def _render_body(report: Verdict, label: str) -> str:
    if report.accepted:
        if report.tree is not None:
            return pretty_tree(report.tree).rstrip("\n")
        return "accepted: " + json.dumps(report.input, ensure_ascii=False)
    e = report.rejection if report.llguidance_ran else report.lark_rejection
    assert e is not None
    if e.line is None or e.column is None:
        return f"{label}: {e.message}"
    lines = [f"{label}:{e.line}:{e.column}: {e.summary}", *caret_lines(report.input, e.line, e.column)]
    if e.choices:
        lines.append("  = expected: " + ", ".join(e.choices))
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
        typer.Option(
            "--input-file", "-f", metavar="FILE", help="Read the input from this file ('-' for standard input)."
        ),
    ] = None,
    syntax: SyntaxOption = None,
    output_format: Annotated[
        TextOrJson,
        typer.Option("--format", help="Output format (json: one object; engines_run lists the engines that ran)."),
    ] = TextOrJson.text,
    engine: Annotated[
        ParseEngine,
        typer.Option(
            "--engine",
            help="Who judges the input: both (llguidance decides, the local Lark parser gives the tree), "
            "llguidance alone (no tree), or lark alone (its verdict decides; llguidance is not asked).",
        ),
    ] = ParseEngine.both,
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
        text, label = read_input(input_text, input_file, grammar, strip_newline)
        grammar_text, chosen, shown = load_grammar(grammar, syntax.value if syntax else None)
        engines = engine.engines
        matcher = build_matcher(grammar_text, chosen, shown) if "llguidance" in engines else None
        # with llguidance, judge() builds the parser itself and notes why there is none
        parser = build_parser(grammar_text, chosen, shown) if matcher is None else None
        # Checked first: computing the expected bytes at a dead end can leave the matcher
        # in llguidance's (sticky) error state.
        newline_matters = not strip_newline and final_newline_matters(text, matcher=matcher, parser=parser)
        report = judge(text, matcher, grammar_text, chosen, parser=parser, engines=engines)
        if not report.engines_run:
            raise UsageProblem(f"{label}: the local Lark parser cannot judge this input: {report.lark_unavailable}")
    except (UsageProblem, ConfigError) as exc:
        print(f"grammarkit: error: {exc}", file=sys.stderr)
        return 2
    if not report.accepted and newline_matters:
        report.notes.append(
            "the input ends with a newline, and without it the input is accepted "
            "(use --strip-newline, printf instead of echo, or remove it from the file)"
        )
    tokens = None
    if tokenizer_name != "byte" and report.accepted and report.llguidance_ran:
        from grammarkit.llg.token_profile import sample_token_counts

        tokens = sample_token_counts(grammar_text, chosen, [text], tokenizer=tokenizer_name)[0]
        report.notes.append(describe_token_count(tokens, tokenizer_name))
    if output_format is TextOrJson.json:
        from grammarkit.output.json_format import dumps_deep

        data = report.to_dict()
        data["engines_run"] = report.engines_run
        if tokens is not None:
            data["tokens"] = tokens.to_dict()
        print(dumps_deep(data, ensure_ascii=False, indent=2))
    else:
        print(render_text(report, label, engine))
        sys.stdout.flush()
        for note in report.notes:
            print(f"grammarkit: note: {note}", file=sys.stderr)
    return 0 if report.accepted else 1


__all__ = ["parse", "render_text"]
