"""``grammarkit stats GRAMMAR``: what a grammar is made of, and how close it comes to
llguidance's limits."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from grammarkit.cli.options import (
    TOKENIZER_HELP,
    SyntaxOption,
    TextOrJson,
    TokenizerChoice,
    configured_tokenizer,
    tokenizer_problem,
)
from grammarkit.core.errors import InputError


def stats(
    path: Annotated[str, typer.Argument(help="A grammar file ('-' for standard input).")],
    syntax: SyntaxOption = None,
    output_format: Annotated[TextOrJson, typer.Option("--format", help="Output format.")] = TextOrJson.text,
    precision: Annotated[
        float,
        typer.Option("--precision", min=0.0, max=1.0, help="Relative precision of the measured sizes (0 = exact)."),
    ] = 0.02,
    budget: Annotated[
        float,
        typer.Option("--budget", min=0.0, help="Seconds of compiling allowed for the measurements."),
    ] = 10.0,
    tokenizer: Annotated[
        TokenizerChoice | None,
        typer.Option(
            "--tokenizer",
            help=TOKENIZER_HELP + " With o200k, also profile llguidance's cost per model token over the "
            "grammar's sidecar samples and generated inputs.",
        ),
    ] = None,
) -> int:
    """Count rules, terminals, alternatives and literals, and measure the size llguidance
    compiles the grammar to against its limits (exit 0 whenever the grammar was read)."""
    from grammarkit.analysis.stats import grammar_stats
    from grammarkit.core.source import detect_syntax, read_grammar_file, read_grammar_stdin
    from grammarkit.lint.config import ConfigError

    try:
        tokenizer_name = configured_tokenizer(tokenizer)
    except ConfigError as err:
        print(f"grammarkit: error: {err}", file=sys.stderr)
        return 2
    problem = tokenizer_problem(tokenizer_name)
    if problem:
        print(f"grammarkit: error: {problem}", file=sys.stderr)
        return 2

    try:
        if path == "-":
            shown = "<stdin>"
            text = read_grammar_stdin()
        else:
            shown = path
            text = read_grammar_file(path)
    except InputError as err:
        print(f"grammarkit: error: {err}", file=sys.stderr)
        return 2
    chosen = syntax.value if syntax else (detect_syntax(path) if path != "-" else None) or "lark"
    result = grammar_stats(text, chosen, precision=precision, time_budget=budget)
    profile = None
    if tokenizer_name != "byte" and result.compiles:
        from grammarkit.samples.token_profile import grammar_file_token_profile

        profile = grammar_file_token_profile(path, text, chosen, tokenizer_name, budget)
    if output_format is TextOrJson.json:
        import json

        data = {"path": shown, **result.to_dict()}
        if profile is not None:
            data["token_cost"] = profile.to_dict()
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        print(render_stats(shown, result))
        if profile is not None:
            print()
            print(render_token_cost(profile))
    return 0


def render_token_cost(profile) -> str:
    """The token cost section of ``stats --tokenizer o200k``."""
    from grammarkit.llg.limits import format_percent

    steps = profile.steps
    lines = [
        f"llguidance's mask per {profile.tokenizer} token: {len(profile.walks)} walk"
        f"{'s' if len(profile.walks) != 1 else ''}, {len(steps):,} steps, measured in {profile.seconds:.2f} s "
        "(CPU time; ratios to the first mask of free text, measured in the same run)"
    ]

    def ms(us: float) -> str:
        return f"{us / 1000:,.2f} ms"

    rows = [("baseline", ms(profile.baseline_us), "1x", "start: TEXT \"\\n\", TEXT: /[^\\n]+/")]
    if profile.median_us is not None:
        rows.append(("median step", ms(profile.median_us), f"{profile.median_ratio:,.1f}x", ""))
    worst = profile.worst
    if worst is not None:
        line, column = worst.position()
        before = worst.text_before[-40:]
        where = f"token {worst.step.index} of {worst.walk.label} ({line}:{column})"
        if before:
            where += f", after {_quoted(before)}"
        rows.append(("worst step", ms(worst.us), f"{worst.ratio:,.1f}x", where))
    width = [max(len(r[i]) for r in rows) for i in range(3)]
    for r in rows:
        lines.append(f"  {r[0].ljust(width[0])}  {r[1].rjust(width[1])}  {r[2].rjust(width[2])}  {r[3]}".rstrip())
    fuel, items = profile.max_fuel, profile.max_items
    for label, value, key in (
        ("lexer fuel (most in one step)", fuel.fuel if fuel else None, "step_lexer_fuel"),
        ("parser items (most in one step)", items.items if items else None, "step_max_items"),
    ):
        if value is None:
            continue
        limit = profile.limits[key]
        lines.append(f"  {label}: {value:,} / {limit:,} ({format_percent(100.0 * value / limit)}; {key})")
    for walk in profile.errors:
        lines.append(f"  {walk.label}: llguidance stopped after {len(walk.steps)} steps: {walk.error}")
    for note in profile.notes:
        lines.append(f"  note: {note}")
    return "\n".join(lines)


def _quoted(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)


def render_stats(path: str, result) -> str:
    lines = [
        f"{path}: {result.syntax} grammar, {result.characters:,} characters, "
        f"{result.bytes:,} bytes, {result.lines:,} line{'s' if result.lines != 1 else ''}"
    ]
    counts = [
        ("rules", result.rules),
        ("terminals", result.terminals),
        ("alternatives", result.alternatives),
        ("string literals", result.string_literals),
        ("regex literals", result.regex_literals),
        ("max nesting", result.max_nesting),
        ("%ignore", result.ignores),
        ("imported names", result.imports),
    ]
    if result.read_errors:
        counts.append(("syntax problems", result.read_errors))
    width = max(len(label) for label, _ in counts)
    lines += [f"  {label.ljust(width)}  {value:>7,}" for label, value in counts]

    lines.append("")
    if result.compiles is None:
        why = (result.error or "not compiled").removeprefix("llguidance ")
        lines.append(f"llguidance: {why}")
    elif result.compiles:
        lines.append(f"llguidance: compiles (measured in {result.seconds:.2f} s)")
    else:
        lines.append(f"llguidance: does not compile: {result.error}")
    rows = [("limit", "measures", "used", "of", "share")]
    for u in result.limits:
        used, share = u.shown()
        rows.append((u.key, u.what, used, f"{u.limit:,}", share))
    w = [max(len(r[i]) for r in rows) for i in range(4)]
    for r in rows:
        lines.append(f"  {r[0].ljust(w[0])}  {r[1].ljust(w[1])}  {r[2].rjust(w[2])}  {r[3].rjust(w[3])}  {r[4]}")
    notes = sorted({u.note for u in result.limits if u.low is None and u.note})
    if any(not u.exact and not u.rough and u.low is not None for u in result.limits):
        lines.append("  ~ : an upper bound, known to the precision asked for (--precision)")
    if any(u.rough for u in result.limits):
        lines.append("  a–b : the time budget ran out before the value was pinned down (--budget)")
    for note in notes:
        keys = ", ".join(u.key for u in result.limits if u.low is None and u.note == note)
        lines.append(f"  {keys}: {note}")
    return "\n".join(lines)
