"""Machine-readable output:
``{"files": [{"path", "syntax", "diagnostics": [...]}], "summary": {...}}``."""

from __future__ import annotations

import json

from ..lint import LintResult
from .text import severity_counts


def results_to_dict(results: list[LintResult], input_errors: list[dict] | None = None) -> dict:
    counts = severity_counts(results)
    data = {
        "files": [
            {
                "path": r.path,
                "syntax": r.syntax,
                "diagnostics": [d.to_dict() for d in r.diagnostics],
                "samples": [s.to_dict() for s in r.samples],
            }
            for r in results
        ],
        "summary": {
            "files": len(results),
            "samples": sum(len(r.samples) for r in results),
            "samples_failed": sum(1 for r in results for s in r.samples if not s.as_expected),
            "errors": counts["error"],
            "warnings": counts["warning"],
            "infos": counts["info"],
            "input_errors": len(input_errors or []),
        },
    }
    if input_errors:
        data["input_errors"] = input_errors
    return data


def render_json(results: list[LintResult], input_errors: list[dict] | None = None) -> str:
    return json.dumps(results_to_dict(results, input_errors), indent=2, ensure_ascii=False)
