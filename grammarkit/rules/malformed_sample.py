"""GK304 malformed-sample: a line of a JSON Lines samples file that is not a sample.

**What it flags.** A line of a ``.jsonl`` samples file (``--samples``, or a sidecar
``x.samples.jsonl``) that is not valid JSON, not UTF-8, not an object, has no string in
the input field (``input``, or the field named with ``--input-field``), or has a
``should_parse`` that is not true or false. The location is the line; the other lines
are still checked. (A JSON or TOML samples file is read whole, and a broken one is an
input error instead.)

**Why.** A sample that cannot be read is a sample that is not checked: a log whose
lines are silently skipped would pass however bad its inputs.

**Example.** ``{"input": "1+2", "should_parse": yes}``

**Fix.** Correct the line (``"should_parse": true``), or point ``--input-field`` at the
field that holds the tool input (``--input-field item.input`` for
``{"item": {"input": "..."}}``).
"""

from __future__ import annotations

from collections.abc import Iterator

from grammarkit.core.diagnostics import Finding, Severity
from grammarkit.core.span import Span

CODE = "GK304"
NAME = "malformed-sample"
SEVERITY = Severity.ERROR
SYNTAXES = ("lark", "regex")
USES_SAMPLES = True  # (runs after the grammar's own rules: reading the samples checks them)


def check(ctx) -> Iterator[Finding]:
    for problem in ctx.sample_run.problems:
        yield Finding(
            Span(problem.line, 1, problem.line, 2),
            f"line {problem.line} is not a sample: {problem.message}",
            'each line must be one JSON object such as {"input": "...", "should_parse": true}; '
            "--input-field names another field holding the input",
            path=problem.source,
        )
