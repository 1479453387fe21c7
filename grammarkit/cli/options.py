"""Option choices shared by the commands."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer


class TextOrJson(str, Enum):
    text = "text"
    json = "json"


class SyntaxChoice(str, Enum):
    lark = "lark"
    regex = "regex"


SyntaxOption = Annotated[
    SyntaxChoice | None,
    typer.Option("--syntax", help="Grammar syntax (default: from the suffix; .regex is regex, else lark)."),
]
"""``--syntax``, as every command that reads a grammar takes it (default None: from the suffix)."""


class TokenizerChoice(str, Enum):
    byte = "byte"
    o200k = "o200k"


TOKENIZER_HELP = (
    "Vocabulary llguidance runs with: byte (exact, cheap; the default) or o200k (the model's own "
    "vocabulary, from the bpe-openai package: grammarkit[tokens])."
)


def tokenizer_problem(name: str) -> str | None:
    """Why the tokenizer ``name`` cannot be used here (one line), or None."""
    if name == "byte":
        return None
    from grammarkit.llg.tokenizer import missing_message, o200k_available

    return None if o200k_available() else missing_message()


def configured_tokenizer(option: TokenizerChoice | None, config_path: str | None = None) -> str:
    """The tokenizer asked for: the option, else ``[tool.grammarkit] tokenizer``, else byte.

    Raises :class:`grammarkit.lint.config.ConfigError` for a broken configuration."""
    if option is not None:
        return option.value
    from grammarkit.lint.config import load_config

    return load_config(config_path).tokenizer
