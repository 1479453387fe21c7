"""The input and output models of the MCP tools (pydantic): the SDK publishes them as each
tool's ``inputSchema`` and ``outputSchema`` and checks every answer against its model."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from grammarkit.mcp import limits

# --------------------------------------------------------------------------- inputs

Syntax = Literal["lark", "regex"]
Engine = Literal["auto", "both", "llguidance", "lark"]

GrammarText = Annotated[
    str,
    Field(
        max_length=limits.MAX_GRAMMAR_CHARS,
        description="The grammar's text, exactly as it would be sent as the tool's format definition "
        "(a Lark grammar in llguidance's dialect, or one regex in Rust regex syntax).",
    ),
]
SyntaxArg = Annotated[Syntax, Field(description="'lark' (a Lark grammar) or 'regex' (one regular expression).")]
RuleList = Annotated[
    list[Annotated[str, Field(max_length=100)]] | None,
    Field(max_length=100, description="Rule codes (GK101), code prefixes (GK1) or names (lookaround)."),
]


class SampleIn(BaseModel):
    """One sample, in guidance-lark-mcp's test format."""

    input: str = Field(
        max_length=limits.MAX_INPUT_CHARS, description="The tool input, exactly as the model would emit it."
    )
    should_parse: bool | None = Field(
        True, description="true: the grammar must accept it; false: it must reject it; null: just report."
    )
    description: str = Field("", max_length=1_000, description="What the sample is about (shown in reports).")


SampleList = Annotated[
    list[SampleIn],
    Field(
        max_length=limits.MAX_SAMPLES,
        description=f'Samples: [{{"input", "should_parse", "description"}}, ...] (at most {limits.MAX_SAMPLES:,}, '
        f"{limits.MAX_SAMPLES_TOTAL_CHARS:,} characters in all).",
    ),
]


class SampleFile(BaseModel):
    """guidance-lark-mcp's test file: ``{"tests": [...]}``."""

    tests: SampleList


# --------------------------------------------------------------------------- outputs


class EditOut(BaseModel):
    start: int = Field(description="0-based character offset where the replaced text starts.")
    end: int = Field(description="0-based character offset where it ends (exclusive).")
    replacement: str
    line: int | None = None
    column: int | None = None
    end_line: int | None = None
    end_column: int | None = None


class FixOut(BaseModel):
    title: str = Field(description="What the fix does.")
    safety: Literal["safe", "unsafe"] = Field(
        description="safe: the grammar accepts the same inputs after it; unsafe: what it accepts changes."
    )
    edits: list[EditOut]


class WitnessOut(BaseModel):
    input: str = Field(description="An input that shows the problem.")
    accepted: bool = Field(description="llguidance's verdict on it.")
    note: str = ""


class DiagnosticOut(BaseModel):
    code: str = Field(description="The rule's code, e.g. GK101 (explain_rule documents it).")
    name: str
    severity: Literal["error", "warning", "info"]
    message: str
    line: int = Field(description="1-based line; columns are 1-based and count characters.")
    column: int
    end_line: int
    end_column: int = Field(description="Exclusive.")
    hint: str = ""
    path: str = Field(description="'<grammar>', or '<samples>' for a sample (then line is the sample's number).")
    snippet: str | None = None
    fix: FixOut | None = None
    witness: WitnessOut | None = None


class RejectionOut(BaseModel):
    engine: Literal["llguidance", "lark", "limit"]
    kind: Literal["unexpected", "incomplete", "too_long", "nested"]
    message: str
    line: int | None = None
    column: int | None = None
    offset: int | None = Field(None, description="0-based character offset.")
    byte_offset: int | None = Field(None, description="0-based UTF-8 byte offset.")
    found: str = ""
    allowed: list[str] = Field(default_factory=list, description="What llguidance allows at that point.")
    expected: list[str] = Field(default_factory=list, description="What the local Lark parser expected there.")
    at_end: bool = False


class EnginesOut(BaseModel):
    llguidance: bool | None = Field(description="llguidance's verdict (null: it did not run).")
    lark: bool | None = Field(description="The local Lark parser's verdict (null: it did not run).")


Disagreement = Literal["lark-rejects", "lark-accepts"]


class SampleVerdictOut(BaseModel):
    index: int = Field(description="1-based position in the list of samples.")
    input: str
    description: str = ""
    expected: bool | None
    accepted: bool = Field(description="llguidance's verdict (Lark's when only Lark ran).")
    passed: bool = Field(description="The verdict matches the expectation (always true without one).")
    engines: EnginesOut
    error: RejectionOut | None = None
    disagreement: Disagreement | None = None


class CheckResult(BaseModel):
    ok: bool = Field(description="No error-severity diagnostic.")
    errors: int
    warnings: int
    infos: int
    diagnostics: list[DiagnosticOut] = Field(description="Sorted by position; the grammar's first, then the samples'.")
    samples: list[SampleVerdictOut] = Field(description="Each sample's verdicts (empty without samples).")


class SkippedFix(BaseModel):
    diagnostic: DiagnosticOut
    reason: str


class FixResult(BaseModel):
    text: str = Field(description="The grammar with the fixes applied.")
    changed: bool
    applied: list[DiagnosticOut] = Field(
        description="The diagnostics whose fixes were applied, in order "
        "(positions as in the text when each was applied)."
    )
    skipped: list[SkippedFix] = Field(description="Diagnostics with a fix that was not applied, and why.")
    remaining: list[DiagnosticOut] = Field(description="The diagnostics of the fixed grammar.")
    diff: str = Field(description="A unified diff of the change ('' when nothing changed).")


class ParseResult(BaseModel):
    accepted: bool = Field(description="llguidance's verdict: whether the model can emit this input.")
    engines: EnginesOut
    tree: dict[str, Any] | None = Field(
        None,
        description='The local Lark parse tree: {"rule", "children"} and {"token", "value", "line", "column"} '
        "nodes (null for regex grammars, or when Lark rejects or cannot run).",
    )
    error: RejectionOut | None = Field(None, description="llguidance's located rejection.")
    lark_error: RejectionOut | None = Field(None, description="The local Lark parser's located rejection.")
    disagreement: Disagreement | None = None
    notes: list[str] = Field(default_factory=list)


class SamplesSummary(BaseModel):
    total: int
    passed: int
    failed: int
    accepted: int
    rejected: int
    disagreements: int = Field(description="Samples on which llguidance and the local Lark parser disagree.")
    lark_ran: bool
    lark_unavailable: str | None = Field(None, description="Why the local Lark parser could not run, if it could not.")


class SamplesResult(BaseModel):
    summary: SamplesSummary
    results: list[SampleVerdictOut]


class GenerateResult(BaseModel):
    samples: list[str] = Field(description="Random inputs llguidance accepts (the model can emit each).")
    requested: int
    complete: bool = Field(description="As many samples as requested could be drawn.")
    max_bytes: int
    seed: int | None
    failed_walks: int
    coverage: dict[str, Any] | None = Field(
        None,
        description=(
            "Which alternatives of the grammar's rules and which terminals the samples exercised, with the "
            "missed ones located (line, column): {alternatives: {covered, total, missed}, terminals: {covered, "
            "total, missed}, measured_samples, samples}; null for regex grammars and grammars the planner "
            "cannot model."
        ),
    )
    notes: list[str]


class RuleDoc(BaseModel):
    code: str
    name: str
    severity: Literal["error", "warning", "info"]
    syntaxes: list[Syntax]
    summary: str
    doc: str = Field(description="The rule's documentation (Markdown).")


class LimitOut(BaseModel):
    name: str
    what: str
    unit: str
    value: int | None = Field(description="The measured value (its upper end when only a range is known).")
    low: int | None
    exact: bool
    limit: int
    percent: float | None
    note: str


class StatsResult(BaseModel):
    syntax: Syntax
    characters: int
    bytes: int
    lines: int
    rules: int
    terminals: int
    alternatives: int
    string_literals: int
    regex_literals: int
    max_nesting: int
    ignores: int
    imports: int
    read_errors: int
    compiles: bool | None = Field(description="Whether llguidance compiles the grammar (null: could not tell).")
    error: str | None
    limits: list[LimitOut]
    seconds: float


class ToolDefinitions(BaseModel):
    responses: dict[str, Any] = Field(description="The tool for the Responses API (tools=[...]).")
    chat: dict[str, Any] = Field(description="The tool for the Chat Completions API (tools=[...]).")
    warnings: list[DiagnosticOut] = Field(description="Warnings about the grammar (errors refuse the call).")


class OriginOut(BaseModel):
    source: str = Field(description="'<samples>', 'generated from old' or 'generated from new'.")
    line: int | None = Field(description="For samples: the sample's number.")
    description: str
    expected: bool | None


class ContextOut(BaseModel):
    before: str
    after: str


class DivergenceOut(BaseModel):
    input: str
    origin: OriginOut
    occurrences: int
    line: int | None
    column: int | None
    offset: int | None
    byte_offset: int | None
    found: str
    message: str = Field(description="The rejecting grammar's rejection.")
    context: ContextOut


class DivergenceGroupOut(BaseModel):
    rejected_by: Literal["old", "new"]
    kind: str
    allowed: list[str] = Field(description="What the rejecting grammar allows where the input diverges.")
    gained: list[str] = Field(description="What the accepting grammar allows there besides.")
    summary: str
    count: int = Field(description="Distinct inputs in the group.")
    occurrences: int
    examples: list[DivergenceOut]


class DiffSide(BaseModel):
    count: int
    occurrences: int
    groups: list[DivergenceGroupOut]


class DiffInputs(BaseModel):
    from_samples: int
    generated_from_old: int
    generated_from_new: int
    distinct: int


class DiffSyntax(BaseModel):
    old: Syntax
    new: Syntax


class DiffResult(BaseModel):
    syntax: DiffSyntax
    seed: int | str | None
    inputs: DiffInputs
    accepted_by_both: int
    rejected_by_both: int
    narrowed: DiffSide = Field(description="Inputs the old grammar accepts and the new one rejects.")
    widened: DiffSide = Field(description="Inputs the new grammar accepts and the old one rejects.")
    notes: list[str]
    narrowing: bool = Field(description="The new grammar rejects an input the old one accepted.")
