"""The work of each MCP tool, as plain functions from JSON values to JSON values.

They run in a worker process (:mod:`grammarkit.mcp.worker`) and know nothing of MCP: each
takes the tool's arguments as keywords and returns a dict shaped like the tool's output
model (:mod:`grammarkit.mcp.models`). A problem with the call itself (a grammar llguidance
rejects, an unknown rule, an input over a limit) raises :class:`ToolProblem`, whose
message is the one line the client sees. Sizes are checked here as well as in the input
schemas, so the functions are safe to call directly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from grammarkit.core.errors import GrammarkitError
from grammarkit.mcp import limits

if TYPE_CHECKING:  # pragma: no cover
    from grammarkit.core.diagnostics import Diagnostic
    from grammarkit.core.source import Syntax
    from grammarkit.llg.matcher import EngineMatcher
    from grammarkit.samples.checker import SampleResult
    from grammarkit.samples.files import Sample

GRAMMAR_PATH = "<grammar>"
SAMPLES_PATH = "<samples>"
MAX_TREE_DEPTH = 64
"""Levels of a parse tree returned as JSON; deeper nodes are cut. Each level is two levels
of JSON nesting, and JSON readers refuse deep data: the SDK's own client (pydantic-core)
gives up at about 100 tree levels, and then the call is never answered."""


class ToolProblem(GrammarkitError):
    """A call the tool cannot serve as asked; the message is one line for the client."""


# --------------------------------------------------------------------------- arguments


def _syntax(value: object, what: str = "syntax") -> Syntax:
    if value not in ("lark", "regex"):
        raise ToolProblem(f"{what} must be 'lark' or 'regex', not {value!r}")
    return value


def _text(value: object, what: str, limit: int) -> str:
    if not isinstance(value, str):
        raise ToolProblem(f"{what} must be a string")
    if len(value) > limit:
        raise ToolProblem(f"{what} is too long ({len(value):,} characters; the limit is {limit:,})")
    return value


def _grammar(value: object, what: str = "grammar") -> str:
    return _text(value, what, limits.MAX_GRAMMAR_CHARS)


def _count(value: object, what: str, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ToolProblem(f"{what} must be a whole number from {low} to {high}")
    return value


def _samples(items: object) -> list[Sample]:
    """guidance-lark-mcp's test format: a list of ``{"input", "should_parse",
    "description"}`` (``should_parse`` true when missing; null: no expectation), or
    ``{"tests": [...]}``; a plain string is an input that should parse."""
    from grammarkit.samples.files import Sample

    if isinstance(items, dict) and "tests" in items:
        items = items["tests"]
    if items is None:
        return []
    if not isinstance(items, list):
        raise ToolProblem('samples must be a list of {"input", "should_parse", "description"} objects')
    if len(items) > limits.MAX_SAMPLES:
        raise ToolProblem(f"too many samples ({len(items):,}; the limit is {limits.MAX_SAMPLES:,})")
    samples: list[Sample] = []
    total = 0
    for i, item in enumerate(items, 1):
        if isinstance(item, str):
            item = {"input": item}
        if not isinstance(item, dict) or not isinstance(item.get("input"), str):
            raise ToolProblem(f'sample {i}: expected an object with a string "input"')
        text = _text(item["input"], f"sample {i}", limits.MAX_INPUT_CHARS)
        total += len(text)
        if total > limits.MAX_SAMPLES_TOTAL_CHARS:
            limit = limits.MAX_SAMPLES_TOTAL_CHARS
            raise ToolProblem(f"the samples are too long together (the limit is {limit:,} characters)")
        expected = item.get("should_parse", True)
        if expected is not None and not isinstance(expected, bool):
            raise ToolProblem(f'sample {i}: "should_parse" must be true, false or null')
        description = item.get("description") or ""
        if not isinstance(description, str):
            raise ToolProblem(f'sample {i}: "description" must be a string')
        samples.append(Sample(text, expected, description, SAMPLES_PATH, i, i))
    return samples


def _rule_patterns(values: object, what: str) -> list[str] | None:
    from grammarkit.lint.config import is_known_code

    if values is None:
        return None
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ToolProblem(f"{what} must be a list of rule codes, prefixes or names")
    items = [v.strip() for v in values if v.strip()]
    if not items:
        raise ToolProblem(f"{what} needs at least one rule code, prefix or name")
    for item in items:
        if not is_known_code(item):
            raise ToolProblem(f"unknown rule {item!r} in {what} (explain_rule lists nothing for it)")
    return items


def _matcher(grammar: str, syntax: Syntax, which: str = "the grammar") -> EngineMatcher:
    from grammarkit.llg.matcher import EngineMatcher, MatcherUnavailable

    try:
        return EngineMatcher(grammar, syntax=syntax)
    except MatcherUnavailable as exc:
        raise ToolProblem(f"llguidance rejects {which}: {_first_line(exc.reason)} (check_grammar says where)") from None


def _first_line(text: str) -> str:
    return (text.strip().splitlines() or ["no reason given"])[0]


# --------------------------------------------------------------------------- results


def diagnostic_dict(d: Diagnostic, grammar: str | None = None) -> dict[str, Any]:
    """A diagnostic as JSON, with its path and, for fixes in the grammar, the edits' lines
    and columns."""
    from grammarkit.core.span import LineIndex

    index = LineIndex(grammar) if grammar is not None and d.path == GRAMMAR_PATH else None
    data = d.to_dict(index)
    data["path"] = d.path
    snippet = d.extra.get("snippet")
    data["snippet"] = snippet or None
    return data


def sample_verdict(result: SampleResult) -> dict[str, Any]:
    error = result.rejection
    sample = result.sample
    return {
        "index": sample.index,
        "input": sample.input,
        "description": sample.description,
        "expected": sample.expected,
        "accepted": result.accepted,
        "passed": result.as_expected,
        "engines": {"llguidance": result.llguidance, "lark": result.lark},
        "error": error.to_dict() if error is not None else None,
        "disagreement": result.disagreement,
    }


def _cut_tree(tree: dict[str, Any], depth: int = MAX_TREE_DEPTH) -> tuple[dict[str, Any], bool]:
    """``tree`` (as :func:`grammarkit.core.trees.tree_to_json` makes it) with the nodes
    deeper than ``depth`` levels left out (their parent gets ``"truncated": true``);
    without recursion."""
    cut = False
    root = dict(tree)
    stack = [(root, 1)]
    while stack:
        node, level = stack.pop()
        children = node.get("children")
        if children is None:
            continue
        if level >= depth and children:
            node["children"] = []
            node["truncated"] = True
            cut = True
            continue
        copies = [dict(c) for c in children]
        node["children"] = copies
        stack.extend((c, level + 1) for c in copies)
    return root, cut


# --------------------------------------------------------------------------- the tasks


def check_grammar(
    grammar: str,
    syntax: str = "lark",
    samples: object = None,
    select: object = None,
    ignore: object = None,
    engine: str = "auto",
) -> dict[str, Any]:
    from grammarkit.lint.runner import lint_text
    from grammarkit.samples.checker import ENGINES

    text, chosen = _grammar(grammar), _syntax(syntax)
    if engine not in ENGINES:
        raise ToolProblem(f"engine must be one of {', '.join(ENGINES)}")
    result = lint_text(
        text,
        syntax=chosen,
        path=GRAMMAR_PATH,
        select=_rule_patterns(select, "select"),
        ignore=_rule_patterns(ignore, "ignore"),
        samples=_samples(samples),
        engine=engine,
    )
    diagnostics = [diagnostic_dict(d, text) for d in result.diagnostics]
    return {
        "ok": result.ok,
        "errors": len(result.errors),
        "warnings": len(result.warnings),
        "infos": sum(1 for d in result.diagnostics if d.severity.value == "info"),
        "diagnostics": diagnostics,
        "samples": [sample_verdict(r) for r in result.samples],
    }


def apply_fixes(
    grammar: str,
    syntax: str = "lark",
    unsafe: bool = False,
    select: object = None,
    ignore: object = None,
    samples: object = None,
) -> dict[str, Any]:
    """:func:`grammarkit.lint.fixes.fix_text`: every fix verified (the grammar still
    compiles, the diagnostic goes, no new error, every sample keeps its verdict), one at a
    time, until nothing more applies. Unsafe fixes left unapplied because ``unsafe`` is
    false are listed as skipped too."""
    from grammarkit.lint.fixes import fix_text, unified_diff

    text, chosen = _grammar(grammar), _syntax(syntax)
    outcome = fix_text(
        text,
        syntax=chosen,
        path=GRAMMAR_PATH,
        unsafe=bool(unsafe),
        select=_rule_patterns(select, "select"),
        ignore=_rule_patterns(ignore, "ignore"),
        samples=_samples(samples),
    )
    remaining = outcome.remaining.diagnostics if outcome.remaining is not None else []
    skipped = [{"diagnostic": diagnostic_dict(d), "reason": reason} for d, reason in outcome.skipped]
    if not unsafe:
        skipped += [
            {"diagnostic": diagnostic_dict(d, outcome.text), "reason": UNSAFE_SKIPPED}
            for d in remaining
            if d.fix is not None and d.fix.safety == "unsafe" and d.path == GRAMMAR_PATH
        ]
    return {
        "text": outcome.text,
        "changed": outcome.changed,
        # Each applied fix's positions are in the text as it was when the fix was applied.
        "applied": [diagnostic_dict(d) for d in outcome.applied],
        "skipped": skipped,
        "remaining": [diagnostic_dict(d, outcome.text) for d in remaining],
        "diff": unified_diff(text, outcome.text, GRAMMAR_PATH),
    }


UNSAFE_SKIPPED = "unsafe: it changes what the grammar accepts (pass unsafe=true to apply it)"


def parse_input(grammar: str, input: str, syntax: str = "lark") -> dict[str, Any]:
    from grammarkit.verdict import judge

    text, chosen = _grammar(grammar), _syntax(syntax)
    value = _text(input, "input", limits.MAX_INPUT_CHARS)
    matcher = _matcher(text, chosen)
    # Checked before judging: naming what is allowed at a dead end can leave the matcher
    # in llguidance's sticky error state.
    newline_matters = False
    if value.endswith("\n"):
        newline_matters = matcher.accepts(value[:-2] if value.endswith("\r\n") else value[:-1])
    parser = None
    if chosen == "lark":
        from grammarkit.local.parser import LocalParser, ParserUnavailable

        try:
            parser = LocalParser(text, max_input_chars=limits.MAX_LARK_INPUT_CHARS)
        except ParserUnavailable:
            parser = None  # judge() says why
    verdict = judge(value, matcher, text, chosen, parser=parser)
    if not verdict.accepted and newline_matters:
        verdict.notes.append("the input ends with a newline, and without it the input is accepted")
    data = verdict.to_dict()
    if data["tree"] is not None:
        data["tree"], cut = _cut_tree(data["tree"])
        if cut:
            data["notes"].append(f"the tree is deeper than {MAX_TREE_DEPTH} levels; deeper nodes are left out")
    data["disagreement"] = verdict.disagreement
    return data


def run_samples(grammar: str, samples: object, syntax: str = "lark", engine: str = "auto") -> dict[str, Any]:
    from grammarkit.llg.compile import compile_report
    from grammarkit.samples.checker import ENGINES, NoEngineAvailable, SampleChecker

    text, chosen = _grammar(grammar), _syntax(syntax)
    if engine not in ENGINES:
        raise ToolProblem(f"engine must be one of {', '.join(ENGINES)}")
    items = _samples(samples)
    if not items:
        raise ToolProblem("no samples given")
    report = compile_report(chosen, text)
    if not report.ok:
        reason = report.error.message if report.error else "no reason given"
        raise ToolProblem(f"llguidance rejects the grammar: {_first_line(reason)} (check_grammar says where)")
    checker = SampleChecker(text, syntax=chosen, engine=engine, engine_report=report)
    try:
        results = checker.check_all(items)
    except NoEngineAvailable as exc:
        raise ToolProblem(str(exc)) from None
    verdicts = [sample_verdict(r) for r in results]
    passed = sum(1 for v in verdicts if v["passed"])
    return {
        "summary": {
            "total": len(verdicts),
            "passed": passed,
            "failed": len(verdicts) - passed,
            "accepted": sum(1 for v in verdicts if v["accepted"]),
            "rejected": sum(1 for v in verdicts if not v["accepted"]),
            "disagreements": sum(1 for v in verdicts if v["disagreement"]),
            "lark_ran": any(v["engines"]["lark"] is not None for v in verdicts),
            "lark_unavailable": checker.lark_unavailable,
        },
        "results": verdicts,
    }


def generate_samples(
    grammar: str, syntax: str = "lark", n: int = 10, seed: int | None = None, max_bytes: int = 256
) -> dict[str, Any]:
    from grammarkit.samples.generate import GenerationError, generate

    text, chosen = _grammar(grammar), _syntax(syntax)
    count = _count(n, "n", 0, limits.MAX_GENERATED)
    budget = _count(max_bytes, "max_bytes", 1, limits.MAX_GENERATED_BYTES)
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
        raise ToolProblem("seed must be a whole number or null")
    matcher = _matcher(text, chosen)
    try:
        result = generate(
            text, syntax=chosen, n=count, seed=seed, max_bytes=budget, matcher=matcher
        )
    except GenerationError as exc:
        raise ToolProblem(f"cannot generate: {exc.message}") from None
    notes = list(result.notes)
    if not result.complete:
        notes.append(result.shortfall_message())
    if result.coverage is None:
        notes.append(
            "coverage is not measured for this grammar (a regex grammar, or one the grammar-directed "
            "planner cannot model: its samples are random walks through llguidance's token mask)"
        )
    return {
        "samples": result.samples,
        "requested": result.requested,
        "complete": result.complete,
        "max_bytes": result.max_bytes,
        "seed": seed,
        "failed_walks": result.failed_walks,
        "coverage": None if result.coverage is None else result.coverage.to_json(),
        "notes": notes,
    }


def explain_rule(rule: str) -> dict[str, Any]:
    from grammarkit.lint.docs import markdown_text
    from grammarkit.lint.registry import all_rules, get_rule

    key = _text(rule, "rule", 100).strip()
    found = get_rule(key) if key else None
    if found is None:
        codes = [r.code for r in all_rules()]
        raise ToolProblem(f"unknown rule {key!r}: give a code ({codes[0]}..{codes[-1]}) or a name such as 'lookaround'")
    return {
        "code": found.code,
        "name": found.name,
        "severity": found.severity.value,
        "syntaxes": list(found.syntaxes),
        "summary": markdown_text(found.summary),
        "doc": markdown_text(found.doc),
    }


def grammar_stats(grammar: str, syntax: str = "lark", time_budget: float = 10.0) -> dict[str, Any]:
    from grammarkit.analysis.stats import grammar_stats as stats

    text, chosen = _grammar(grammar), _syntax(syntax)
    return stats(text, chosen, time_budget=max(0.1, float(time_budget))).to_dict()


def tool_definitions(grammar: str, syntax: str = "lark", name: str = "grammar_tool", description: str = "") -> dict:
    from grammarkit.runtime.errors import GrammarError
    from grammarkit.runtime.tool import CustomTool

    text, chosen = _grammar(grammar), _syntax(syntax)
    _text(name, "name", limits.MAX_NAME_CHARS)
    _text(description, "description", limits.MAX_DESCRIPTION_CHARS)
    try:
        tool = CustomTool(name, text, syntax=chosen, description=description, _path=GRAMMAR_PATH)
    except GrammarError as exc:
        if exc.diagnostics:
            first = exc.diagnostics[0]
            more = len(exc.diagnostics) - 1
            also = f" (and {more} more error{'s' if more != 1 else ''}: check_grammar lists them)" if more else ""
            raise ToolProblem(
                f"the grammar has errors: {first.line}:{first.column}: {first.code} {first.message}{also}"
            ) from None
        raise ToolProblem(_first_line(str(exc))) from None
    except ValueError as exc:  # an invalid tool name
        raise ToolProblem(_first_line(str(exc))) from None
    return {
        "responses": tool.to_responses(),
        "chat": tool.to_chat(),
        "warnings": [diagnostic_dict(d, text) for d in tool.warnings],
    }


def diff_grammars(
    old: str,
    new: str,
    syntax: str = "lark",
    new_syntax: str | None = None,
    samples: object = None,
    n: int = 50,
    seed: int = 0,
    max_bytes: int = 256,
    examples: int = 3,
) -> dict[str, Any]:
    from grammarkit.samples.diff import GrammarUnusable
    from grammarkit.samples.diff import diff_grammars as diff

    old_text, new_text = _grammar(old, "old"), _grammar(new, "new")
    chosen = _syntax(syntax)
    chosen_new = _syntax(new_syntax, "new_syntax") if new_syntax is not None else chosen
    count = _count(n, "n", 0, limits.MAX_GENERATED)
    budget = _count(max_bytes, "max_bytes", 1, limits.MAX_GENERATED_BYTES)
    shown = _count(examples, "examples", 0, limits.MAX_EXAMPLES)
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise ToolProblem("seed must be a whole number")
    try:
        result = diff(
            old_text,
            new_text,
            syntax=chosen,
            new_syntax=chosen_new,
            samples=_samples(samples),
            generated_n=count,
            seed=seed,
            max_bytes=budget,
        )
    except GrammarUnusable as exc:
        raise ToolProblem(f"llguidance rejects the {exc.which} grammar: {exc.reason}") from None
    data = result.to_dict(shown)
    data["narrowing"] = bool(result.narrowed)
    return data


TASKS: dict[str, Callable[..., dict[str, Any]]] = {
    "check_grammar": check_grammar,
    "apply_fixes": apply_fixes,
    "parse_input": parse_input,
    "run_samples": run_samples,
    "generate_samples": generate_samples,
    "explain_rule": explain_rule,
    "grammar_stats": grammar_stats,
    "tool_definitions": tool_definitions,
    "diff_grammars": diff_grammars,
}


def run(task: str, args: dict[str, Any]) -> dict[str, Any]:
    """Run the task named ``task`` with ``args``; raises :class:`ToolProblem`."""
    fn = TASKS.get(task)
    if fn is None:
        raise ToolProblem(f"unknown task {task!r}")
    try:
        return fn(**args)
    except TypeError as exc:
        if "argument" in str(exc) and exc.__traceback__ is not None and exc.__traceback__.tb_next is None:
            raise ToolProblem(f"{task}: {exc}") from None  # the call's arguments, not a bug inside
        raise
    except RecursionError:
        raise ToolProblem("the grammar or input is nested too deeply to process") from None


def warm_up(names: Iterable[str] = ("lark", "llguidance")) -> None:
    """Import what every task needs and compile a tiny grammar, so that the first call
    does not pay for it."""
    from importlib import import_module

    for name in names:
        import_module(name)
    from grammarkit.lint.registry import all_rules
    from grammarkit.lint.runner import lint_text

    all_rules()
    lint_text('start: "a"\n', syntax="lark", samples=[])
    _matcher('start: "a"\n', "lark")
