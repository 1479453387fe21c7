"""Option choices shared by the commands."""

from __future__ import annotations

from enum import Enum


class TextOrJson(str, Enum):
    text = "text"
    json = "json"


class SyntaxChoice(str, Enum):
    lark = "lark"
    regex = "regex"
