"""``grammarkit check PATH...``"""

from __future__ import annotations

import sys
from enum import Enum
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from grammarkit.cli.options import TOKENIZER_HELP, SyntaxOption, TokenizerChoice, tokenizer_problem
from grammarkit.core.errors import InputError

if TYPE_CHECKING:
    from grammarkit.core.source import Syntax

AUTO_LARK_FIRST = 1000  # grammarkit.samples.checker.AUTO_LARK_FIRST (not imported: start-up time)


class OutputFormat(str, Enum):
    text = "text"
    concise = "concise"
    json = "json"
    sarif = "sarif"
    github = "github"


class EngineChoice(str, Enum):
    auto = "auto"
    both = "both"
    llguidance = "llguidance"
    lark = "lark"


def check(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="Grammar files or directories, searched recursively ('-' for standard input). "
            "Default: the current directory.",
            show_default=False,
        ),
    ] = None,
    syntax: SyntaxOption = None,
    output_format: Annotated[
        OutputFormat,
        typer.Option(
            "--format",
            help="Output format: text (each diagnostic with its source line, hint, witness and fix), "
            "concise (one path:line:col: CODE message line each), json, sarif or github.",
        ),
    ] = OutputFormat.text,
    statistics: Annotated[
        bool,
        typer.Option(
            "--statistics",
            help="Instead of the diagnostics, print how many each rule reported, most first, with [*] "
            "where --fix fixes at least one (--format text/concise: one line per rule; json: a list of "
            '{"code", "name", "count", "fixable"}). The exit status is unchanged.',
        ),
    ] = False,
    exit_zero: Annotated[
        bool,
        typer.Option(
            "--exit-zero",
            help="Exit 0 even when errors are found (usage and input problems still exit 2).",
        ),
    ] = False,
    output_file: Annotated[
        str | None,
        typer.Option(
            "--output-file",
            "-o",
            metavar="PATH",
            help="Write the report (any --format) to this file instead of standard output; it is created "
            "even when there is nothing to report, and replaced atomically.",
        ),
    ] = None,
    select: Annotated[
        str | None, typer.Option("--select", help="Only these rule codes/prefixes/names (comma-separated).")
    ] = None,
    ignore: Annotated[
        str | None, typer.Option("--ignore", help="Skip these rule codes/prefixes/names (comma-separated).")
    ] = None,
    sample: Annotated[
        list[str] | None,
        typer.Option("--sample", help="An input the tool must accept (repeatable)."),
    ] = None,
    samples_files: Annotated[
        list[str] | None,
        typer.Option(
            "--samples",
            help="A samples file (repeatable): .toml with valid/invalid arrays, guidance-lark-mcp .json, or "
            '.jsonl with one {"input", "should_parse", "description"} object per line (streamed).',
        ),
    ] = None,
    input_field: Annotated[
        str | None,
        typer.Option(
            "--input-field",
            metavar="NAME",
            help="The field of each JSON Lines sample that holds the input (default: input); a dotted path "
            "such as item.input reaches into nested objects, so logged tool calls are checked as stored.",
        ),
    ] = None,
    sidecars: Annotated[
        bool,
        typer.Option("--sidecars/--no-sidecars", help="Check x.samples.toml/.json/.jsonl beside each grammar x.lark."),
    ] = True,
    engine: Annotated[
        EngineChoice | None,
        typer.Option(
            "--engine",
            help="Which engines judge samples: llguidance (the model's side), lark (the application's "
            f"parser), both, or auto (llguidance on every sample, and Lark too on the first {AUTO_LARK_FIRST} "
            "samples of each grammar and on every sample whose llguidance verdict differs from its expectation).",
        ),
    ] = None,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs",
            "-j",
            min=0,
            help="Check samples in this many worker processes (0: one per CPU); worth it for tens of "
            "thousands of samples.",
        ),
    ] = 1,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress line on standard error (shown on a terminal only).")
    ] = False,
    color: Annotated[
        bool | None,
        typer.Option(
            "--color/--no-color", help="Colour the text output (default: on a terminal, unless NO_COLOR is set)."
        ),
    ] = None,
    config_path: Annotated[
        str | None,
        typer.Option("--config", help="Configuration file (default: [tool.grammarkit] of the nearest pyproject.toml)."),
    ] = None,
    fix: Annotated[
        bool, typer.Option("--fix", help="Apply the safe fixes (each verified first) and report what remains.")
    ] = False,
    unsafe_fixes: Annotated[
        bool,
        typer.Option(
            "--unsafe-fixes", help="Also apply fixes that change what the grammar accepts (with --fix/--diff)."
        ),
    ] = False,
    show_diff: Annotated[
        bool,
        typer.Option("--diff", help="Print the fixes as a unified diff instead of writing them; exit 1 if any."),
    ] = False,
    tokenizer: Annotated[
        TokenizerChoice | None,
        typer.Option(
            "--tokenizer",
            help=TOKENIZER_HELP + " With o200k, also measure llguidance's cost per model token (GK241) "
            "and count each sample's tokens (--format json).",
        ),
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Neither read nor write the result cache (also GRAMMARKIT_NO_CACHE=1).")
    ] = False,
) -> int:
    """Lint grammars: every problem at once, with codes, locations and fix hints.

    Samples (--sample, --samples, and sidecar files) are checked with llguidance and the
    local Lark parser; a sample whose verdict differs from its expectation is an error."""
    from grammarkit.core.source import collect_grammar_files, read_grammar_stdin
    from grammarkit.lint.cache import lint_file_cached, samples_identity
    from grammarkit.lint.config import ConfigError, load_config
    from grammarkit.lint.runner import lint_text

    chosen: Syntax | None = syntax.value if syntax else None
    if statistics and output_format in (OutputFormat.sarif, OutputFormat.github):
        raise typer.BadParameter(
            f"--statistics prints text or json, not {output_format.value}", param_hint="--statistics"
        )
    if statistics and show_diff:
        raise typer.BadParameter("--statistics and --diff cannot be combined", param_hint="--statistics")
    if output_file is not None:
        from grammarkit.output.report_file import report_path_problem

        problem = report_path_problem(output_file)
        if problem:
            print(f"grammarkit: error: {output_file}: cannot write the report: {problem}", file=sys.stderr)
            return 2
        if color is None:
            color = False  # a file gets colour only when asked for
    sel = _split(select)
    ign = _split(ignore)
    _validate_codes(sel, ign)
    try:
        config = load_config(config_path)
    except ConfigError as err:
        print(f"grammarkit: error: {err}", file=sys.stderr)
        return 2
    engine_name = engine.value if engine is not None else None
    tokenizer_name = tokenizer.value if tokenizer is not None else config.tokenizer
    problem = tokenizer_problem(tokenizer_name)
    if problem:
        print(f"grammarkit: error: {problem}", file=sys.stderr)
        return 2
    results = []
    input_errors: list[dict] = []

    from grammarkit.cli.progress import Progress

    progress = Progress(enabled=None if not quiet else False)

    def fail(err: InputError) -> None:
        progress.clear()
        input_errors.append({"path": err.path, "message": err.message})
        print(f"grammarkit: error: {err}", file=sys.stderr)

    from grammarkit.samples.files import Sample, open_samples

    # --sample and --samples apply to every grammar. JSON and TOML files are read (and
    # checked) once, here; JSON Lines files are streamed again for each grammar.
    shared_samples: list = []
    given_samples = [Sample(text, True, "", "<sample>", i, 1) for i, text in enumerate(sample or [], 1)]
    if given_samples:
        shared_samples.append(given_samples)
    for sample_path in samples_files or []:
        try:
            shared_samples.append(open_samples(sample_path, input_field=input_field))
        except InputError as err:
            fail(err)

    def read_reporting_errors(source):
        # A samples file that fails while it is streamed is an input error of its own;
        # the grammar's diagnostics and the other samples still count.
        try:
            yield from source
        except InputError as err:
            fail(err)

    def sample_stream(target: str, sample_files) -> object:
        sources = list(shared_samples)
        for sample_file in sample_files:
            try:
                sources.append(open_samples(sample_file, input_field=input_field))
            except InputError as err:
                fail(err)
        if not sources:
            return []
        stream = chain.from_iterable(
            source if isinstance(source, list) else read_reporting_errors(source) for source in sources
        )
        return progress.wrap(stream, f"checking samples of {target}")

    def options(path: str) -> dict:
        # --select/--ignore/--engine replace the configuration's; per-file ignores apply.
        opts = config.lint_options(
            path, select=sel, ignore=ign, engine=engine_name, sidecars=sidecars, tokenizer=tokenizer_name
        )
        if path == "<stdin>":
            opts["ignore"] = ign if ign is not None else list(config.ignore)
            opts["sample_files"] = ()
        # JSON output lists every sample's verdict; the other formats need only the
        # notable ones, so memory stays flat however many samples stream by.
        opts["keep_samples"] = output_format is OutputFormat.json
        opts["jobs"] = jobs
        # Sample files are opened here: a broken one is an input error of its own and
        # must not hide the grammar's diagnostics.
        files = opts.pop("sample_files")
        opts["samples_key"] = samples_identity(
            [given_samples] if given_samples else [], [*(samples_files or []), *files], input_field
        )
        opts["samples"] = sample_stream(path, files)
        return opts

    targets: list[str] = []
    for raw in paths or ["."]:
        if raw == "-":
            targets.append("-")
            continue
        try:
            explicit = not Path(raw).is_dir()
            targets.extend(str(p) for p in collect_grammar_files([raw]) if explicit or not config.excluded(p))
        except InputError as err:
            fail(err)
    fixing = fix or show_diff
    if fixing and "-" in targets and not show_diff:
        print("grammarkit: error: --fix cannot write to standard input; use --diff", file=sys.stderr)
        return 2
    diffs: list[str] = []
    fixed_count = 0
    for target in targets:
        try:
            if fixing:
                outcome = _fix_one(target, chosen, options, unsafe_fixes, write=not show_diff, fail=fail)
                if outcome is not None:
                    assert outcome.remaining is not None
                    results.append(outcome.remaining)
                    fixed_count += len(outcome.applied)
                    if outcome.changed:
                        diffs.append(outcome.diff(outcome.remaining.path))
                continue
            if target == "-":
                text = read_grammar_stdin()
                opts = options("<stdin>")
                del opts["samples_key"]  # standard input is read once: never through the cache
                results.append(lint_text(text, syntax=chosen or "lark", path="<stdin>", **opts))
            else:
                errors_before = len(input_errors)

                def complete(n: int = errors_before) -> bool:
                    return len(input_errors) == n

                opts = options(target)
                # The result cache answers unless a samples file is a pipe or device
                # (samples_key None); a run that lost a samples file is not stored.
                results.append(lint_file_cached(
                    target, use_cache=not no_cache and opts["samples_key"] is not None,
                    syntax=chosen, complete=complete, **opts,
                ))
        except InputError as err:
            fail(err)
        finally:
            progress.clear()

    if show_diff:
        report = "".join(diffs)
    else:
        report = _render(
            results,
            input_errors,
            output_format,
            statistics=statistics,
            unsafe_fixes=unsafe_fixes,
            color=color,
            fixed=fixed_count if fix else 0,
        )
    if output_file is not None:
        from grammarkit.output.report_file import write_report

        try:
            write_report(output_file, report)
        except OSError as exc:
            print(f"grammarkit: error: {output_file}: cannot write the report: {exc.strerror or exc}", file=sys.stderr)
            return 2
    elif report:
        sys.stdout.write(report)
    if input_errors:
        return 2
    if exit_zero:
        return 0
    if show_diff:
        return 1 if diffs else 0
    return 1 if any(r.errors for r in results) else 0


def _render(
    results: list,
    input_errors: list[dict],
    output_format: OutputFormat,
    *,
    statistics: bool,
    unsafe_fixes: bool,
    color: bool | None,
    fixed: int,
) -> str:
    """The report, as printed: every line ends with a newline (empty: nothing to say)."""
    lines: list[str] = []
    fixed_line = False  # "Fixed N problems." closes the text formats
    if statistics:
        from grammarkit.output.statistics import render_statistics_json, render_statistics_text, rule_statistics

        stats = rule_statistics(results, unsafe_fixes=unsafe_fixes)
        if output_format is OutputFormat.json:
            return render_statistics_json(stats) + "\n"
        lines.append(render_statistics_text(stats))
        fixed_line = True
    elif output_format is OutputFormat.json:
        from grammarkit.output.json_format import render_json

        return render_json(results, input_errors) + "\n"
    elif output_format is OutputFormat.sarif:
        from grammarkit.output.sarif import render_sarif

        return render_sarif(results, input_errors) + "\n"
    elif output_format is OutputFormat.github:
        from grammarkit.output.github import render_github

        lines.append(render_github(results, input_errors))
    else:
        from grammarkit.output.text import render_concise, render_results, summary_line

        render = render_concise if output_format is OutputFormat.concise else render_results
        lines.append(render(results, color=color))
        if results:
            lines.append(summary_line(results, color=color))
        fixed_line = True
    if fixed and fixed_line:
        lines.append(f"Fixed {fixed} problem{'s' if fixed != 1 else ''}.")
    return "".join(line + "\n" for line in lines if line)


def _split(value: str | None) -> list[str] | None:
    if value is None:
        return None
    codes = [v.strip() for v in value.split(",") if v.strip()]
    if not codes:
        # An empty --select would silently select nothing (an unset CI variable, say).
        raise typer.BadParameter("needs at least one rule code, prefix or name", param_hint="--select/--ignore")
    return codes


def _validate_codes(*lists: list[str] | None) -> None:
    from grammarkit.lint.config import is_known_code

    for items in lists:
        for item in items or []:
            if not is_known_code(item):
                raise typer.BadParameter(f"unknown rule {item!r}", param_hint="--select/--ignore")


def _fix_one(target: str, syntax: Syntax | None, options, unsafe: bool, *, write: bool, fail):
    """Fix one grammar (``-``: standard input, never written); None after an input error.
    A fixable diagnostic whose fix was refused says why in its hint."""
    from grammarkit.core.source import read_grammar_stdin
    from grammarkit.lint.fixes import fix_file, fix_text
    from grammarkit.samples.files import load_samples

    def fix_options(path: str) -> dict:
        # a fix is verified against every sample (held in memory), in this process
        opts = dict(options(path))
        opts.pop("keep_samples", None)
        opts.pop("jobs", None)
        opts.pop("samples_key", None)
        opts["samples"] = list(opts.get("samples") or [])
        return opts

    if target == "-":
        opts = fix_options("<stdin>")
        opts.pop("sample_files", None)
        outcome = fix_text(read_grammar_stdin(), syntax=syntax or "lark", path="<stdin>", unsafe=unsafe, **opts)
    else:
        opts = fix_options(target)
        file_samples = list(opts.pop("samples"))
        for sample_file in opts.pop("sample_files", ()):
            try:
                file_samples.extend(load_samples(sample_file))
            except InputError as err:
                fail(err)
                return None
        outcome = fix_file(
            target, syntax=syntax, unsafe=unsafe, write=write, sidecars=False, samples=file_samples, **opts
        )
    refused = {(d.code, d.message): reason for d, reason in outcome.skipped}
    assert outcome.remaining is not None
    for d in outcome.remaining.diagnostics:
        reason = refused.get((d.code, d.message))
        if reason is not None and d.fix is not None:
            d.hint = f"{d.hint}; its fix was not applied: {reason}" if d.hint else f"fix not applied: {reason}"
            d.fix = None
    return outcome
