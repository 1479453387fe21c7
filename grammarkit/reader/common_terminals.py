"""The terminals that llguidance's ``%import common`` provides.

llguidance does not read Lark's ``common.lark``; it carries a fixed table of
``common.NAME -> regex`` pairs (``parser/src/lark/common.rs`` in the llguidance
repository, itself adapted from lark's ``lark/grammars/common.lark``) and turns each
import into a terminal defined by one regex literal. ``%import common.NAME``,
``%import common.NAME -> ALIAS`` and ``%import common (A, B)`` are the only imports it
accepts; any other module or name is a compile error ("Unknown common regex").

The table below restates those facts as data: every name llguidance accepts after
``common.`` and the regex (Rust ``regex`` crate syntax) the imported terminal stands
for. It was checked against llguidance 1.9.1: each name imports and compiles, and each
regex accepts the same strings as the imported terminal (see ``tests/test_engine.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

# Building blocks, so the number regexes below stay readable. The composed strings are
# exactly the regexes llguidance uses (verified in the tests).
_SIGN: Final = r"(\+|-)?"
_EXP: Final = r"[eE](\+|-)?[0-9]+"
_FLOAT_BODY: Final = rf"([0-9]+\.[0-9]*|\.[0-9]+)({_EXP})?|[0-9]+{_EXP}"

COMMON_REGEXES: Final[Mapping[str, str]] = MappingProxyType(
    {
        # digits and numbers
        "DIGIT": r"[0-9]",
        "HEXDIGIT": r"[a-fA-F0-9]",
        "INT": r"[0-9]+",
        "SIGNED_INT": _SIGN + r"[0-9]+",
        "DECIMAL": r"([0-9]+\.[0-9]*)|(\.[0-9]+)",
        "_EXP": _EXP,
        "FLOAT": _FLOAT_BODY,
        "SIGNED_FLOAT": f"{_SIGN}({_FLOAT_BODY})",
        "NUMBER": f"([0-9]+)|{_FLOAT_BODY}",
        "SIGNED_NUMBER": f"{_SIGN}(([0-9]+)|{_FLOAT_BODY})",
        # strings
        "ESCAPED_STRING": r"\"([^\"\\]|\\.)*\"",
        # names
        "LCASE_LETTER": r"[a-z]",
        "UCASE_LETTER": r"[A-Z]",
        "LETTER": r"[A-Za-z]",
        "WORD": r"[A-Za-z]+",
        "CNAME": r"[_A-Za-z][_A-Za-z0-9]*",
        # whitespace
        "WS_INLINE": r"[ \t]+",
        "WS": r"[ \t\f\r\n]+",
        "CR": r"\r",
        "LF": r"\n",
        "NEWLINE": r"(\r?\n)+",
        # comments
        "SH_COMMENT": r"#[^\n]*",
        "CPP_COMMENT": r"//[^\n]*",
        "C_COMMENT": r"\/\*[^*]*\*+(?:[^/*][^*]*\*+)*\/",
        "SQL_COMMENT": r"--[^\n]*",
    }
)
"""Terminal name (as written after ``common.``) -> the regex it stands for."""

COMMON_NAMES: Final[frozenset[str]] = frozenset(COMMON_REGEXES)
"""Every name ``%import common.NAME`` accepts in llguidance."""

COMMON_MODULE: Final = "common"
"""The only module llguidance can import from."""


def common_regex(name: str) -> str | None:
    """The regex behind ``common.NAME`` (``name`` with or without the ``common.`` prefix)."""
    prefix = COMMON_MODULE + "."
    if name.startswith(prefix):
        name = name[len(prefix) :]
    return COMMON_REGEXES.get(name)


__all__ = ["COMMON_MODULE", "COMMON_NAMES", "COMMON_REGEXES", "common_regex"]
