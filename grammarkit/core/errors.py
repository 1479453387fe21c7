"""The error root: every exception grammarkit raises on purpose derives from
:class:`GrammarkitError`.
"""

from __future__ import annotations


class GrammarkitError(Exception):
    """The root of every error grammarkit raises on purpose."""



class InputError(Exception):
    """A file that cannot be linted at all (missing, unreadable, not UTF-8, binary, too big)."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message
