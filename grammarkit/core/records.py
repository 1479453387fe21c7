"""A base for the dataclasses of syntax trees (the Lark model and the regex AST).

The node classes generate only ``__init__`` (generating ``repr``/``eq`` for dozens of
classes costs start-up time); this base gives them ``repr``, value equality and hashing,
written once.
"""

from __future__ import annotations

from dataclasses import fields


class ValueRecord:
    __slots__ = ()

    def _values(self) -> tuple:
        return tuple(getattr(self, f.name) for f in fields(self))  # type: ignore[arg-type]

    def __repr__(self) -> str:
        parts = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self))  # type: ignore[arg-type]
        return f"{type(self).__name__}({parts})"

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self._values() == other._values()

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._values()))
