"""The lint engine: the context rules look at, the rule registry, the runner,
suppressions, configuration and the rule documentation.

``lint_text``, ``lint_file`` and ``LintResult`` are the library entry points."""

from __future__ import annotations

from grammarkit.lint.runner import LintResult, lint_file, lint_text

__all__ = ["LintResult", "lint_file", "lint_text"]
