"""The MCP server: grammarkit's tools over standard input and output.

Built on the ``mcp`` SDK's ``MCPServer``. Every tool has an input schema (from its
annotated parameters, with the limits of :mod:`grammarkit.mcp.limits` as ``maxLength``,
``maxItems`` and ``maximum``) and an output schema (its pydantic model in
:mod:`grammarkit.mcp.models`), and returns structured content checked against it.

Engine work runs in worker processes (:mod:`grammarkit.mcp.worker`) with a time budget.
A call the tool cannot serve (a grammar llguidance rejects, an unknown rule, an input over
a limit, a call over the time budget) is an MCP tool error (``isError``) with one line of
text; so are arguments that do not fit the input schema. Nothing else reaches the client:
an internal error says only its type, its traceback goes to the server's standard error.
"""

from __future__ import annotations

import inspect
import logging
import re
import sys
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Annotated, Any, TypeVar

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from pydantic import BaseModel, Field

from grammarkit.core.version import __version__
from grammarkit.mcp import limits, tasks
from grammarkit.mcp.models import (
    CheckResult,
    DiffResult,
    Engine,
    FixResult,
    GenerateResult,
    GrammarText,
    ParseResult,
    RuleDoc,
    RuleList,
    SampleFile,
    SampleIn,
    SampleList,
    SamplesResult,
    StatsResult,
    Syntax,
    SyntaxArg,
    ToolDefinitions,
)
from grammarkit.mcp.tasks import ToolProblem
from grammarkit.mcp.worker import WorkerFailure, WorkerPool

_M = TypeVar("_M", bound=BaseModel)

INSTRUCTIONS = """\
grammarkit checks grammars for OpenAI custom tools (format {"type": "grammar", "syntax": \
"lark" | "regex", "definition": ...}) against llguidance, the engine that constrains the \
model's sampling. Start with check_grammar (lint: codes, positions, hints, fixes); \
apply_fixes applies the fixes; parse_input and run_samples judge inputs with llguidance \
and the local Lark parser; generate_samples draws inputs the model can emit; \
explain_rule documents a code; grammar_stats measures llguidance's limits; \
tool_definitions builds the Responses and Chat tool definitions; diff_grammars compares \
two versions of a grammar before a deploy. Grammars are passed as text, never as paths."""

READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False)


def _call(pool: WorkerPool, model: type[_M], task: str, args: dict[str, Any], timeout: float | None = None) -> _M:
    """Run ``task`` in a worker and check its answer against ``model``; every failure
    becomes a one-line ``ToolError``."""
    try:
        return model.model_validate(pool.run(task, args, timeout))
    except ToolProblem as exc:
        raise ToolError(str(exc)) from None
    except WorkerFailure as exc:
        raise ToolError(str(exc)) from None


def _samples_arg(samples: list[SampleIn] | SampleFile | None) -> list[dict[str, Any]] | None:
    if samples is None:
        return None
    items = samples.tests if isinstance(samples, SampleFile) else samples
    return [s.model_dump() for s in items]


SamplesArg = Annotated[
    SampleList | SampleFile | None,
    Field(
        description='Samples in guidance-lark-mcp\'s format: [{"input", "should_parse", "description"}, ...] '
        f'or {{"tests": [...]}} (at most {limits.MAX_SAMPLES:,}).'
    ),
]


def build_server(
    pool: WorkerPool | None = None,
    *,
    timeout: float = limits.DEFAULT_TIMEOUT,
    workers: int = limits.DEFAULT_WORKERS,
    log_level: str = "WARNING",
) -> MCPServer:
    """The server with every tool registered; ``pool`` runs the engine work (a new
    :class:`WorkerPool` of ``workers`` processes with ``timeout`` seconds per call by
    default), closed when the server stops."""
    the_pool = pool if pool is not None else WorkerPool(workers, timeout)

    @asynccontextmanager
    async def lifespan(_server: MCPServer) -> AsyncIterator[dict[str, Any]]:
        def warm() -> None:
            try:
                the_pool.start(1)
            except Exception as exc:  # the first call will say what is wrong
                print(f"grammarkit mcp: could not start a worker: {exc}", file=sys.stderr)

        threading.Thread(target=warm, daemon=True, name="grammarkit-mcp-warm").start()
        try:
            yield {}
        finally:
            the_pool.close()

    server: MCPServer = MCPServer(
        "grammarkit",
        title="grammarkit",
        description="Lint, test and diff grammars for OpenAI custom tools, checked against llguidance.",
        instructions=INSTRUCTIONS,
        version=__version__,
        log_level=log_level,  # type: ignore[arg-type]
        lifespan=lifespan,
        middleware=[one_line_errors],
    )
    register_tools(server, the_pool)
    return server


def register_tools(server: MCPServer, pool: WorkerPool) -> None:
    """Register the nine tools on ``server``, their work run by ``pool``."""

    def tool(fn: Callable[..., Any]) -> Callable[..., Any]:
        # The docstring as one paragraph: it is the description the model reads.
        description = " ".join(inspect.cleandoc(fn.__doc__ or "").split())
        server.add_tool(fn, description=description, annotations=READ_ONLY, structured_output=True)
        return fn

    @tool
    def check_grammar(
        grammar: GrammarText,
        syntax: SyntaxArg = "lark",
        samples: SamplesArg = None,
        select: RuleList = None,
        ignore: RuleList = None,
        engine: Annotated[
            Engine, Field(description="Which engines judge samples (auto: both up to 1,000 samples).")
        ] = "auto",
    ) -> CheckResult:
        """Lint a grammar: every problem at once, with rule codes, 1-based positions, hints,
        fixes (edits, safe or unsafe) and witnesses (inputs llguidance judged). With samples,
        each is also judged by llguidance and the local Lark parser; a verdict that differs
        from should_parse is an error (GK300)."""
        args: dict[str, Any] = {"grammar": grammar, "syntax": syntax, "samples": _samples_arg(samples)}
        args.update(engine=engine, select=select, ignore=ignore)
        return _call(pool, CheckResult, "check_grammar", args)

    @tool
    def apply_fixes(
        grammar: GrammarText,
        syntax: SyntaxArg = "lark",
        unsafe: Annotated[
            bool, Field(description="Also apply unsafe fixes (they change what the grammar accepts).")
        ] = False,
        select: RuleList = None,
        ignore: RuleList = None,
        samples: SamplesArg = None,
    ) -> FixResult:
        """Apply the fixes check_grammar offers, each verified before it is kept (the
        grammar still compiles, the diagnostic goes, no new error appears, every sample
        keeps its verdict): the fixed text, a unified diff, the diagnostics fixed, those
        skipped and why (unsafe without unsafe=true, or refused), and those that remain."""
        args: dict[str, Any] = {"grammar": grammar, "syntax": syntax, "unsafe": unsafe, "select": select}
        args.update(ignore=ignore, samples=_samples_arg(samples))
        return _call(pool, FixResult, "apply_fixes", args)

    @tool
    def parse_input(
        grammar: GrammarText,
        input: Annotated[
            str,
            Field(
                max_length=limits.MAX_INPUT_CHARS,
                description="The tool input, exactly as the model would emit it "
                f"(the local Lark parser runs on the first {limits.MAX_LARK_INPUT_CHARS:,} characters only).",
            ),
        ],
        syntax: SyntaxArg = "lark",
    ) -> ParseResult:
        """Parse one input with both engines: llguidance's verdict (can the model emit
        it?), the local Lark parse tree as JSON, and each engine's located rejection
        (line, column, offsets, what was allowed or expected there)."""
        return _call(pool, ParseResult, "parse_input", {"grammar": grammar, "input": input, "syntax": syntax})

    @tool
    def run_samples(
        grammar: GrammarText,
        samples: Annotated[
            SampleList | SampleFile,
            Field(
                description='Samples in guidance-lark-mcp\'s format: [{"input", "should_parse", "description"}, '
                f'...] or {{"tests": [...]}} (at most {limits.MAX_SAMPLES:,}).'
            ),
        ],
        syntax: SyntaxArg = "lark",
        engine: Annotated[
            Engine, Field(description="Which engines judge (auto: both up to 1,000 samples, else llguidance).")
        ] = "auto",
    ) -> SamplesResult:
        """Judge a batch of samples with llguidance and the local Lark parser: each
        sample's verdicts, whether it passed (matches should_parse), the rejection, and
        whether the engines disagree; plus a summary."""
        args = {"grammar": grammar, "samples": _samples_arg(samples), "syntax": syntax, "engine": engine}
        return _call(pool, SamplesResult, "run_samples", args)

    @tool
    def generate_samples(
        grammar: GrammarText,
        syntax: SyntaxArg = "lark",
        n: Annotated[int, Field(ge=0, le=limits.MAX_GENERATED, description="How many inputs.")] = 10,
        seed: Annotated[int | None, Field(description="The same seed gives the same inputs.")] = None,
        max_bytes: Annotated[
            int, Field(ge=1, le=limits.MAX_GENERATED_BYTES, description="Longest input, in UTF-8 bytes.")
        ] = 256,
    ) -> GenerateResult:
        """Random inputs the grammar accepts, drawn from llguidance's own token mask (the
        model can emit every one); short ones are likely."""
        args = {"grammar": grammar, "syntax": syntax, "n": n, "seed": seed, "max_bytes": max_bytes}
        return _call(pool, GenerateResult, "generate_samples", args)

    @tool
    def explain_rule(
        rule: Annotated[
            str, Field(max_length=100, description="A rule code (GK107) or name (unbounded-ignore).")
        ],
    ) -> RuleDoc:
        """A lint rule's documentation: what it flags, why it matters, how to fix it."""
        try:
            return RuleDoc.model_validate(tasks.explain_rule(rule))
        except ToolProblem as exc:
            raise ToolError(str(exc)) from None

    @tool
    def grammar_stats(grammar: GrammarText, syntax: SyntaxArg = "lark") -> StatsResult:
        """What a grammar is made of (rules, terminals, alternatives, literals, nesting) and
        how much of llguidance's limits it uses, measured with llguidance itself."""
        budget = pool.timeout * limits.STATS_SHARE_OF_TIMEOUT
        return _call(pool, StatsResult, "grammar_stats", {"grammar": grammar, "syntax": syntax, "time_budget": budget})

    @tool
    def tool_definitions(
        grammar: GrammarText,
        syntax: SyntaxArg = "lark",
        name: Annotated[
            str,
            Field(
                min_length=1,
                max_length=limits.MAX_NAME_CHARS,
                pattern=r"^[A-Za-z0-9_-]+$",
                description="The tool's name (1-64 of a-z, A-Z, 0-9, _ and -).",
            ),
        ] = "grammar_tool",
        description: Annotated[
            str, Field(max_length=limits.MAX_DESCRIPTION_CHARS, description="What the tool does, for the model.")
        ] = "",
    ) -> ToolDefinitions:
        """The custom tool definitions for the OpenAI Responses and Chat Completions APIs.
        A grammar with lint errors is refused (check_grammar lists them); warnings are
        returned beside the definitions."""
        args = {"grammar": grammar, "syntax": syntax, "name": name, "description": description}
        return _call(pool, ToolDefinitions, "tool_definitions", args)

    @tool
    def diff_grammars(
        old: Annotated[str, Field(max_length=limits.MAX_GRAMMAR_CHARS, description="The grammar deployed now.")],
        new: Annotated[str, Field(max_length=limits.MAX_GRAMMAR_CHARS, description="The grammar to deploy.")],
        syntax: SyntaxArg = "lark",
        new_syntax: Annotated[Syntax | None, Field(description="The new grammar's syntax (default: syntax).")] = None,
        samples: SamplesArg = None,
        n: Annotated[
            int, Field(ge=0, le=limits.MAX_GENERATED, description="Inputs generated from each grammar.")
        ] = 50,
        seed: Annotated[int, Field(description="Seed of the generated inputs.")] = 0,
        max_bytes: Annotated[
            int, Field(ge=1, le=limits.MAX_GENERATED_BYTES, description="Longest generated input, in UTF-8 bytes.")
        ] = 256,
        examples: Annotated[
            int, Field(ge=0, le=limits.MAX_EXAMPLES, description="Examples shown per group.")
        ] = 3,
    ) -> DiffResult:
        """Which inputs the old grammar accepts and the new one rejects (narrowed: calls
        that work today would fail) and the other way round (widened), from the samples
        (e.g. logged tool inputs) and from inputs generated from each grammar; grouped by
        where the grammars first part, with counts and examples."""
        args = {
            "old": old,
            "new": new,
            "syntax": syntax,
            "new_syntax": new_syntax,
            "samples": _samples_arg(samples),
            "n": n,
            "seed": seed,
            "max_bytes": max_bytes,
            "examples": examples,
        }
        return _call(pool, DiffResult, "diff_grammars", args)


# --------------------------------------------------------------------------- errors

_VALIDATION = re.compile(r"^(?P<head>.*?)\b\d+ validation errors? for \S+$")


def one_line(text: str) -> str:
    """An error message on one line; pydantic's argument-validation report becomes
    ``invalid arguments: FIELD: problem; ...`` (without the values the caller sent)."""
    lines = text.splitlines()
    if not lines:
        return text
    m = _VALIDATION.match(lines[0])
    if m is None:
        return " ".join(text.split())
    problems: list[str] = []
    where = ""
    for line in lines[1:]:
        if not line.strip() or line.startswith("    "):
            continue  # "For further information visit ..."
        if not line.startswith(" "):
            where = line.strip()
            continue
        message = re.sub(r"\s*\[type=.*$", "", line.strip())
        problems.append(f"{where}: {message}" if where else message)
    return f"{m.group('head')}invalid arguments: {'; '.join(problems) or 'they do not fit the input schema'}"


async def one_line_errors(ctx: Any, call_next: Any) -> Any:
    """Middleware: every tool error reaches the client as one line. (The result is the
    wire form by then, a dict; a model is handled too.)"""
    result = await call_next(ctx)
    if getattr(ctx, "method", None) != "tools/call":
        return result
    if isinstance(result, CallToolResult) and result.is_error:
        for item in result.content:
            if isinstance(item, TextContent):
                item.text = one_line(item.text)
    elif isinstance(result, dict) and result.get("isError"):
        for item in result.get("content") or []:
            if isinstance(item, dict) and item.get("type") == "text" and isinstance(item.get("text"), str):
                item["text"] = one_line(item["text"])
    return result


# --------------------------------------------------------------------------- running


def serve(*, timeout: float = limits.DEFAULT_TIMEOUT, workers: int = limits.DEFAULT_WORKERS) -> None:
    """Run the server on standard input and output until the client closes it."""
    logging.getLogger("mcp").setLevel(logging.WARNING)
    build_server(timeout=timeout, workers=workers).run("stdio")


__all__ = ["INSTRUCTIONS", "build_server", "one_line", "register_tools", "serve"]
