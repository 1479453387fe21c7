"""SARIF 2.1.0 output, for GitHub code scanning and other SARIF viewers.

One run: ``tool.driver`` describes grammarkit and every registered rule (its
documentation as help text and Markdown), ``results`` hold one result per diagnostic,
``artifacts`` every grammar checked and every other file a diagnostic points into (a
samples file), and ``invocations[0]`` says whether every input could be read (files that
could not be read are ``toolExecutionNotifications``).

Positions are grammarkit's own: 1-based lines and columns counted in Unicode code points
(``columnKind: unicodeCodePoints``), ``endColumn`` exclusive, as SARIF's is. Paths are
written as relative URIs (``grammars/x.lark``) when they are relative or under the current
directory, else as ``file://`` URIs; a file name that is not valid UTF-8 keeps its bytes,
percent-encoded (``x%FF.lark``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

from grammarkit.core.diagnostics import Diagnostic, Severity
from grammarkit.core.version import __version__
from grammarkit.lint.docs import markdown_text, plain_text
from grammarkit.lint.registry import all_rules
from grammarkit.lint.runner import LintResult

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/grammarkit/"

LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}



def sarif_level(severity: Severity) -> str:
    """grammarkit's severity as a SARIF level: error, warning, or note (for info)."""
    return LEVELS[severity]


def artifact_uri(path: str) -> str:
    """A path as a SARIF ``artifactLocation.uri``: a relative URI reference for relative
    paths and paths under the current directory, else an absolute ``file://`` URI.
    Pseudo-paths such as ``<stdin>`` are percent-encoded like any other name, and so are
    the raw bytes of a name that is not valid UTF-8 (Python holds them as lone
    surrogates: byte 0xff is ``%FF``)."""
    p = Path(path)
    if p.is_absolute():
        try:
            p = p.relative_to(Path.cwd())
        except ValueError:
            return p.as_uri()
    return quote(p.as_posix(), safe="/", errors="surrogateescape")


def results_to_sarif(results: list[LintResult], input_errors: list[dict] | None = None) -> dict:
    """The SARIF 2.1.0 log of ``results`` (and of ``input_errors``: ``{"path", "message"}``
    dicts of the files that could not be read), as a JSON-ready dict."""

    rules = all_rules()
    rule_index = {rule.code: i for i, rule in enumerate(rules)}

    artifacts: list[dict] = []
    artifact_index: dict[str, int] = {}

    def artifact(path: str, *, target: bool = False) -> int:
        uri = artifact_uri(path)
        if uri not in artifact_index:
            artifact_index[uri] = len(artifacts)
            entry: dict = {"location": {"uri": uri}}
            artifacts.append(entry)
        entry = artifacts[artifact_index[uri]]
        if target and "roles" not in entry:
            entry["roles"] = ["analysisTarget"]
        return artifact_index[uri]

    sarif_results = []
    for result in results:
        artifact(result.path, target=True)
        for d in result.diagnostics:
            path = d.path or result.path
            sarif_results.append(_result(d, path, rule_index, artifact(path)))

    invocation: dict = {"executionSuccessful": not input_errors}
    if input_errors:
        notifications = []
        for err in input_errors:
            path = str(err.get("path", ""))
            message = str(err.get("message", ""))
            note: dict = {"level": "error", "message": {"text": f"{path}: {message}" if path else message}}
            if path:
                note["locations"] = [{"physicalLocation": {"artifactLocation": {"uri": artifact_uri(path)}}}]
            notifications.append(note)
        invocation["toolExecutionNotifications"] = notifications

    run = {
        "tool": {
            "driver": {
                "name": "grammarkit",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [_rule_descriptor(rule) for rule in rules],
            }
        },
        "invocations": [invocation],
        "artifacts": artifacts,
        "results": sarif_results,
        "columnKind": "unicodeCodePoints",
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def render_sarif(results: list[LintResult], input_errors: list[dict] | None = None) -> str:
    """:func:`results_to_sarif` as indented JSON text."""
    return json.dumps(results_to_sarif(results, input_errors), indent=2, ensure_ascii=False)


def _result(d: Diagnostic, path: str, rule_index: dict[str, int], artifact: int) -> dict:
    text = f"{d.message}\nhint: {d.hint}" if d.hint else d.message
    if d.witness is not None:
        text += f"\nwitness: {witness_text(d.witness)}"
    region: dict = {"startLine": max(d.line, 1), "startColumn": max(d.column, 1)}
    end_line = max(d.end_line, region["startLine"])
    end_column = max(d.end_column, 1)
    if end_line == region["startLine"]:
        end_column = max(end_column, region["startColumn"])
    region["endLine"] = end_line
    region["endColumn"] = end_column
    out: dict = {"ruleId": d.code}
    if d.code in rule_index:
        out["ruleIndex"] = rule_index[d.code]
    out["level"] = sarif_level(d.severity)
    out["message"] = {"text": text}
    out["locations"] = [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": artifact_uri(path), "index": artifact},
                "region": region,
            }
        }
    ]
    if d.witness is not None:
        # The input llguidance judged, as the message claims (grammarkit checked it).
        out["properties"] = {"witness": d.witness.to_dict()}
    return out


def witness_text(witness) -> str:
    """``llguidance accepts "…"`` (and the note), as the text output shows a witness."""
    verdict = "accepts" if witness.accepted else "rejects"
    note = f" ({witness.note})" if witness.note else ""
    return f"llguidance {verdict} {json.dumps(witness.input, ensure_ascii=False)}{note}"


def _rule_descriptor(rule) -> dict:
    lines = rule.doc.splitlines()
    body = "\n".join(lines[1:]).strip("\n")
    flags = _part(body, "What it flags.")
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": plain_text(rule.summary)},
        "fullDescription": {"text": plain_text(flags or rule.summary)},
        "help": {"text": plain_text(body), "markdown": markdown_text(body)},
        "defaultConfiguration": {"level": sarif_level(rule.severity)},
        "properties": {"tags": ["grammar", *rule.syntaxes]},
    }


def _part(body: str, label: str) -> str:
    """The paragraph(s) of ``body`` after ``**label**``, up to the next ``**...**`` label."""
    start = body.find(f"**{label}**")
    if start == -1:
        return ""
    rest = body[start + len(label) + 4 :]
    nxt = re.search(r"\n\s*\*\*[A-Z][^*\n]*\.\*\*", rest)
    return " ".join((rest[: nxt.start()] if nxt else rest).split())
