"""The error root: every exception grammarkit raises on purpose derives from
:class:`GrammarkitError`, so ``except GrammarkitError`` catches them all.

The families, each defined where it is raised and documented there:

* input that cannot be used at all: :class:`InputError` (files),
  ``grammarkit.lint.config.ConfigError`` (configuration);
* grammars that cannot be read: ``grammarkit.reader.lexer.LexError``,
  ``grammarkit.regex_syntax.RegexSyntaxError``, ``grammarkit.runtime.errors.GrammarError``;
* an engine that cannot judge a grammar: :class:`EngineUnavailable` (llguidance's
  ``MatcherUnavailable``, Lark's ``ParserUnavailable``, ``NoEngineAvailable`` for both);
* llguidance failing while it runs: ``grammarkit.llg.runner.EngineFailure``;
* tool inputs an engine rejects: ``grammarkit.core.rejection.InputRejected`` and, in the
  OpenAI runtime, ``grammarkit.runtime.errors.ToolInputError``;
* ``grammarkit.samples.generate.GenerationError``.
"""

from __future__ import annotations


class GrammarkitError(Exception):
    """The root of every error grammarkit raises on purpose."""


class InputError(GrammarkitError):
    """A file that cannot be used at all (missing, unreadable, not UTF-8, binary, too big)."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


class EngineUnavailable(GrammarkitError):
    """An engine cannot judge inputs against a grammar: llguidance rejects the grammar, or
    the local Lark parser has no faithful equivalent of it. ``engine`` names the engine
    (``"llguidance"``, ``"lark"``, or ``"both"``), ``reason`` says why."""

    engine = "llguidance or lark"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
