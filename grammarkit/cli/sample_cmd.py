"""``grammarkit sample GRAMMAR -n N``: random strings the grammar accepts.

Drawn from llguidance's own token mask (:mod:`grammarkit.samples.generate`), so the model can emit
every one of them. Text output is one sample a line, as it is when that is unambiguous;
a sample that is empty, starts with ``"``, starts or ends with whitespace, or contains a
newline or another unprintable character is printed as a JSON string literal instead (so
a line starting with ``"`` is always JSON). ``--format json`` prints a JSON list of strings.

Exit status: 0 all samples drawn; 1 the grammar matches no string, or fewer samples than
asked fit in ``--max-bytes`` (those drawn are printed, and a line on standard error says how
many); 2 usage or input problem, including a grammar llguidance rejects.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from grammarkit.cli.inputs import UsageProblem, build_matcher, load_grammar
from grammarkit.cli.options import (
    TOKENIZER_HELP,
    SyntaxOption,
    TextOrJson,
    TokenizerChoice,
    configured_tokenizer,
    tokenizer_problem,
)
from grammarkit.samples.defaults import DEFAULT_COUNT, DEFAULT_MAX_BYTES


def sample_line(sample: str) -> str:
    """How one sample is shown in text mode: as it is, or as a JSON string literal when
    showing it as it is would be ambiguous or unreadable."""
    if sample and not sample.startswith('"') and sample == sample.strip() and sample.isprintable():
        return sample
    return json_literal(sample)


def json_literal(s: str) -> str:
    """``s`` as a JSON string literal that shows only printable characters: like
    ``json.dumps(s, ensure_ascii=False)``, with every unprintable character (DEL, C1
    controls, U+2028, format characters, non-ASCII spaces...) as a ``\\uXXXX`` escape."""
    quoted = json.dumps(s, ensure_ascii=False)
    if quoted.isprintable():
        return quoted
    out = []
    for c in quoted:
        if c.isprintable():
            out.append(c)
            continue
        code = ord(c)
        if code >= 0x10000:
            code -= 0x10000
            out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
        else:
            out.append(f"\\u{code:04x}")
    return "".join(out)


def coverage_lines(coverage) -> list[str]:
    """``--cover`` in text: a summary line and one line per missed alternative or terminal."""
    if coverage is None:
        return ["grammarkit: coverage: not measured (only for Lark grammars drawn by grammar-directed generation)"]
    lines = [
        f"grammarkit: coverage: alternatives {len(coverage.covered_alternatives)}/{len(coverage.alternatives)}, "
        f"terminals {len(coverage.covered_terminals)}/{len(coverage.terminals)} "
        f"(measured on {coverage.measured} of {coverage.samples} samples: those drawn from a planned derivation)"
    ]
    for a in coverage.missed_alternatives:
        lines.append(f"  missed: {a.rule} alternative {a.index + 1} at {a.line}:{a.column}: {a.text}")
    for name, line, column in coverage.missed_terminals:
        lines.append(f"  missed: terminal {name} (first used at {line}:{column})")
    return lines


def sample(
    grammar: Annotated[str, typer.Argument(metavar="GRAMMAR", help="Grammar file ('-' for standard input).")],
    count: Annotated[int, typer.Option("-n", "--count", min=0, help="How many samples.")] = DEFAULT_COUNT,
    seed: Annotated[
        int | None, typer.Option("--seed", help="Random seed: the same seed gives the same samples.")
    ] = None,
    max_bytes: Annotated[
        int, typer.Option("--max-bytes", min=0, help="Longest sample, in UTF-8 bytes.")
    ] = DEFAULT_MAX_BYTES,
    syntax: SyntaxOption = None,
    output_format: Annotated[TextOrJson, typer.Option("--format", help="Output format.")] = TextOrJson.text,
    tokenizer: Annotated[
        TokenizerChoice | None,
        typer.Option("--tokenizer", help=TOKENIZER_HELP + " With o200k, walk the model's tokens instead of bytes."),
    ] = None,
    cover: Annotated[
        bool,
        typer.Option(
            "--cover",
            help="Report the rule alternatives and terminals the samples did not exercise "
            "(text: on standard error; JSON: an object with samples and coverage).",
        ),
    ] = False,
) -> int:
    """Random strings the grammar accepts, drawn from llguidance's token mask (short
    ones are likely: where the text may end, it ends with probability 1/4 or more)."""
    from grammarkit.lint.config import ConfigError
    from grammarkit.samples.generate import GenerationError, generate

    try:
        tokenizer_name = configured_tokenizer(tokenizer)
        problem = tokenizer_problem(tokenizer_name)
        if problem:
            raise UsageProblem(problem)
        text, chosen, shown = load_grammar(grammar, syntax.value if syntax else None)
        matcher = build_matcher(text, chosen, shown)
    except (UsageProblem, ConfigError) as exc:
        print(f"grammarkit: error: {exc}", file=sys.stderr)
        return 2
    try:
        result = generate(
            text,
            syntax=chosen,
            n=count,
            seed=seed,
            max_bytes=max_bytes,
            matcher=matcher,
            tokenizer=tokenizer_name,
            coverage=cover,
        )
    except GenerationError as exc:
        if output_format is TextOrJson.json:
            print("[]")
        print(f"grammarkit: {shown}: {exc.message}", file=sys.stderr)
        return 1
    coverage = result.coverage.to_json() if cover and result.coverage is not None else None
    if output_format is TextOrJson.json:
        if cover:
            print(json.dumps({"samples": result.samples, "coverage": coverage}, ensure_ascii=False, indent=2))
        else:
            print(json.dumps(result.samples, ensure_ascii=False, indent=2))
    else:
        if result.samples:
            print("\n".join(map(sample_line, result.samples)))
    sys.stdout.flush()
    if cover and output_format is TextOrJson.text:
        for line in coverage_lines(result.coverage):
            print(line, file=sys.stderr)
    for note in result.notes:
        print(f"grammarkit: note: {note}", file=sys.stderr)
    if result.invalid_utf8:
        print(
            f"grammarkit: warning: {result.invalid_utf8} sample(s) are not valid UTF-8 "
            "(undecodable bytes are shown as \\xNN)",
            file=sys.stderr,
        )
    if not result.complete:
        print(f"grammarkit: {shown}: {result.shortfall_message().replace('max_bytes', '--max-bytes')}", file=sys.stderr)
        return 1
    return 0


__all__ = ["coverage_lines", "json_literal", "sample", "sample_line"]
