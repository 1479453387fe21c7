"""``grammarkit diff OLD NEW``: which inputs one grammar accepts and the other rejects.

For validation before a grammar change is deployed: logged tool inputs (``--samples``,
repeatable) and ``-n`` inputs generated from each grammar (``--seed``) are judged by both
grammars with llguidance (:func:`grammarkit.samples.diff.diff_grammars`), and the inputs
judged differently are grouped by where the grammars first part, with counts and
examples.

Exit status: 0 when the new grammar accepts every input the old one accepted (widening is
reported but fine); 1 when it rejects one (a narrowing), unless ``--allow narrowing`` says
that is intended; 2 for usage or input problems (an unreadable file, a samples file in no
known format, a grammar llguidance rejects).
"""

from __future__ import annotations

import json
import sys
import unicodedata
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import typer

from grammarkit.cli.inputs import UsageProblem, load_grammar
from grammarkit.cli.options import SyntaxChoice, TextOrJson
from grammarkit.cli.sample_cmd import json_literal

if TYPE_CHECKING:  # pragma: no cover
    from grammarkit.core.source import Syntax
    from grammarkit.samples.diff import Divergence, DivergenceGroup, GrammarDiff


class AllowChoice(str, Enum):
    narrowing = "narrowing"


def diff(
    old: Annotated[str, typer.Argument(metavar="OLD", help="The grammar deployed now ('-' for standard input).")],
    new: Annotated[str, typer.Argument(metavar="NEW", help="The grammar to deploy ('-' for standard input).")],
    samples_files: Annotated[
        list[str] | None,
        typer.Option(
            "--samples",
            metavar="FILE",
            help="Logged or sample inputs (.json as guidance-lark-mcp writes them, or .toml); repeatable.",
        ),
    ] = None,
    count: Annotated[
        int, typer.Option("-n", "--count", min=0, help="Inputs generated from each grammar (0: none).")
    ] = 50,
    seed: Annotated[int, typer.Option("--seed", help="Random seed of the generated inputs.")] = 0,
    max_bytes: Annotated[
        int, typer.Option("--max-bytes", min=1, help="Longest generated input, in UTF-8 bytes.")
    ] = 256,
    syntax: Annotated[
        SyntaxChoice | None,
        typer.Option(
            "--syntax", help="Syntax of both grammars (default: from each suffix; .regex is regex, else lark)."
        ),
    ] = None,
    allow: Annotated[
        list[AllowChoice] | None,
        typer.Option("--allow", help="'narrowing': the new grammar rejecting inputs the old one accepted is intended."),
    ] = None,
    examples: Annotated[int, typer.Option("--examples", min=0, help="Examples shown per group.")] = 3,
    output_format: Annotated[TextOrJson, typer.Option("--format", help="Output format.")] = TextOrJson.text,
) -> int:
    """Which inputs the OLD grammar accepts and the NEW one rejects (a narrowing: exit 1
    unless --allow narrowing), and the other way round (a widening: reported, exit 0)."""
    from grammarkit.core.errors import InputError
    from grammarkit.samples.diff import GrammarUnusable, diff_grammars
    from grammarkit.samples.files import load_samples

    chosen: Syntax | None = syntax.value if syntax else None
    try:
        if old == "-" and new == "-":
            raise UsageProblem("OLD and NEW cannot both come from standard input")
        old_text, old_syntax, old_shown = load_grammar(old, chosen)
        new_text, new_syntax, new_shown = load_grammar(new, chosen)
        samples = []
        for path in samples_files or []:
            try:
                samples.extend(load_samples(path))
            except InputError as err:
                raise UsageProblem(str(err)) from None
        try:
            result = diff_grammars(
                old_text,
                new_text,
                syntax=old_syntax,
                new_syntax=new_syntax,
                samples=samples,
                generated_n=count,
                seed=seed,
                max_bytes=max_bytes,
            )
        except GrammarUnusable as exc:
            shown = old_shown if exc.which == "old" else new_shown
            where = f"grammarkit check {shown}" if shown != "<stdin>" else "grammarkit check"
            raise UsageProblem(f"{shown}: llguidance rejects the grammar: {exc.reason} (run '{where}')") from None
    except UsageProblem as exc:
        print(f"grammarkit: error: {exc}", file=sys.stderr)
        return 2
    allowed = {a.value for a in allow or []}
    fails = bool(result.narrowed) and "narrowing" not in allowed
    if output_format is TextOrJson.json:
        data = {"old": old_shown, "new": new_shown, **result.to_dict(examples), "fails": fails}
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(render_text(result, old_shown, new_shown, examples))
    if fails:
        n = result.narrowed_count
        print(
            f"grammarkit: the new grammar rejects {n} input{'s' if n != 1 else ''} the old one accepts "
            "(--allow narrowing if that is intended)",
            file=sys.stderr,
        )
        return 1
    return 0


# --------------------------------------------------------------------------- text output


def render_text(result: GrammarDiff, old: str, new: str, examples: int = 3) -> str:
    """The text report: a summary, then each side's groups with examples."""
    origins = [f"{result.from_samples} sample{'s' if result.from_samples != 1 else ''}"]
    if result.generated_from_old or result.generated_from_new:
        origins.append(
            f"{result.generated_from_old} generated from {old} and {result.generated_from_new} from {new}, "
            f"seed {result.seed}"
        )
    lines = [
        f"{old} -> {new}: {result.distinct} distinct input{'s' if result.distinct != 1 else ''} "
        f"({'; '.join(origins)})",
        f"  accepted by both {result.accepted_by_both}, rejected by both {result.rejected_by_both}, "
        f"narrowed {result.narrowed_count}, widened {result.widened_count}",
    ]
    for title, groups, count in (
        ("narrowed: the old grammar accepts, the new one rejects", result.narrowed, result.narrowed_count),
        ("widened: the new grammar accepts, the old one rejects", result.widened, result.widened_count),
    ):
        if not groups:
            continue
        lines += ["", f"{title} ({count} input{'s' if count != 1 else ''})"]
        for group in groups:
            lines += _group_lines(group, examples)
    for note in result.notes:
        lines += ["", f"note: {note}"]
    if result.same:
        lines += ["", "no input is judged differently (of those tried; not a proof that the grammars are equal)"]
    return "\n".join(lines)


def _group_lines(group: DivergenceGroup, examples: int) -> list[str]:
    head = f"  [{group.count}"
    if group.occurrences != group.count:
        head += f", {group.occurrences} occurrences"
    lines = [f"{head}] {group.summary}"]
    for d in group.inputs[:examples]:
        lines += _example_lines(d)
    more = group.count - min(examples, group.count)
    if more:
        lines.append(f"      ... and {more} more")
    return lines


def _example_lines(d: Divergence) -> list[str]:
    before, after = d.context
    shown = json_literal(before + after)
    caret = _width(json_literal(before)) - 1  # the closing quote is not part of the text
    where = f"at {d.rejection.line}:{d.rejection.column}" if d.rejection.line is not None else d.rejection.kind
    origin = str(d.origin)
    if d.origin.description:
        origin += f" ({d.origin.description})"
    if d.origin.expected is False:
        origin += ", marked invalid"
    if d.occurrences > 1:
        origin += f", {d.occurrences} times"
    return [f"      {shown}  {where}; {origin}", "      " + " " * caret + "^"]


def _width(text: str) -> int:
    """Terminal columns of ``text`` (wide East Asian characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


__all__ = ["diff", "render_text"]
