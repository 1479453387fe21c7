"""grammarkit: lint, test and serve grammars for OpenAI custom tools.

The public names below are imported lazily (on first attribute access), so ``import
grammarkit`` and ``grammarkit check`` stay fast and never import ``openai``.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from grammarkit.core.version import __version__

_EXPORTS = {
    # the OpenAI runtime
    "CustomTool": "grammarkit.runtime.tool",
    "CustomToolCall": "grammarkit.runtime.calls",
    "custom_tool_calls": "grammarkit.runtime.calls",
    "GrammarError": "grammarkit.runtime.errors",
    "ToolInputError": "grammarkit.runtime.errors",
    "ToolRouter": "grammarkit.runtime.router",
    "ToolResult": "grammarkit.runtime.router",
    "StreamChecker": "grammarkit.runtime.streaming",
    "StreamReport": "grammarkit.runtime.streaming",
    "check_stream": "grammarkit.runtime.streaming",
    # linting
    "lint_text": "grammarkit.lint.runner",
    "lint_file": "grammarkit.lint.runner",
    "LintResult": "grammarkit.lint.runner",
    # the engines
    "compile_report": "grammarkit.llg.compile",
    "EngineMatcher": "grammarkit.llg.matcher",
    "LocalParser": "grammarkit.local.parser",
    "InputRejected": "grammarkit.local.parser",
    "read_grammar": "grammarkit.reader",
    "generate_samples": "grammarkit.samples.generate",
    # errors
    "GrammarkitError": "grammarkit.core.errors",
}

__all__ = [
    "CustomTool",
    "CustomToolCall",
    "EngineMatcher",
    "GrammarError",
    "GrammarkitError",
    "InputRejected",
    "LintResult",
    "LocalParser",
    "StreamChecker",
    "StreamReport",
    "ToolInputError",
    "ToolResult",
    "ToolRouter",
    "__version__",
    "check_stream",
    "compile_report",
    "custom_tool_calls",
    "generate_samples",
    "lint_file",
    "lint_text",
    "read_grammar",
]

if TYPE_CHECKING:  # pragma: no cover
    from grammarkit.core.errors import GrammarkitError
    from grammarkit.lint.runner import LintResult, lint_file, lint_text
    from grammarkit.llg.compile import compile_report
    from grammarkit.llg.matcher import EngineMatcher
    from grammarkit.local.parser import InputRejected, LocalParser
    from grammarkit.reader import read_grammar
    from grammarkit.runtime.calls import CustomToolCall, custom_tool_calls
    from grammarkit.runtime.errors import GrammarError, ToolInputError
    from grammarkit.runtime.router import ToolResult, ToolRouter
    from grammarkit.runtime.streaming import StreamChecker, StreamReport, check_stream
    from grammarkit.runtime.tool import CustomTool
    from grammarkit.samples.generate import generate_samples


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'grammarkit' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
