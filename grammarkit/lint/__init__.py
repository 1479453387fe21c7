"""The lint engine: the context rules look at, the rule registry, the runner,
suppressions, configuration and the rule documentation.

``lint_text``, ``lint_file`` and ``LintResult`` are the library entry points (imported on
first use: a command that only reads the configuration, such as ``grammarkit sample``,
does not load the runner)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from grammarkit.lint.runner import LintResult, lint_file, lint_text


def __getattr__(name: str) -> Any:
    if name in __all__:
        from grammarkit.lint import runner

        return getattr(runner, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["LintResult", "lint_file", "lint_text"]
