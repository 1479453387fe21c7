"""grammarkit: lint, test and serve grammars for OpenAI custom tools.

The public names below are imported lazily (on first attribute access), so ``import
grammarkit`` and ``grammarkit check`` stay fast and never import ``openai``.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "CustomTool": "grammarkit.tools",
    "CustomToolCall": "grammarkit.tools",
    "GrammarError": "grammarkit.tools",
    "ToolInputError": "grammarkit.tools",
    "custom_tool_calls": "grammarkit.tools",
    "ToolRouter": "grammarkit.router",
    "ToolResult": "grammarkit.router",
    "StreamChecker": "grammarkit.streaming",
    "StreamReport": "grammarkit.streaming",
    "check_stream": "grammarkit.streaming",
}

__all__ = ["__version__", *_EXPORTS]

if TYPE_CHECKING:  # pragma: no cover
    from .router import ToolResult, ToolRouter
    from .streaming import StreamChecker, StreamReport, check_stream
    from .tools import CustomTool, CustomToolCall, GrammarError, ToolInputError, custom_tool_calls


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'grammarkit' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
