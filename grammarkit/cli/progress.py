"""A progress line on standard error for long sample checks.

One line rewritten in place with a carriage return (no terminal escapes, no dependency):
``checking samples of x.lark: 120,000 (41,000/s)``. Nothing is shown for the first half
second (short runs stay silent), the line is redrawn at most ten times a second, and it
is wiped when the samples end. The command turns it on only when standard error is a
terminal and ``-q`` was not given.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from typing import TextIO

DELAY = 0.5  # seconds before the line first appears
INTERVAL = 0.1  # seconds between redraws


def stream_is_terminal(stream: TextIO | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


class Progress:
    def __init__(self, stream: TextIO | None = None, *, enabled: bool | None = None) -> None:
        self.stream = sys.stderr if stream is None else stream
        self.enabled = stream_is_terminal(self.stream) if enabled is None else enabled
        self._width = 0  # characters on the line now

    def wrap(self, items: Iterable, label: str) -> Iterable:
        """``items`` unchanged, counting them on the progress line as they are read."""
        if not self.enabled:
            return items
        return self._counting(items, label)

    def _counting(self, items: Iterable, label: str) -> Iterator:
        start = time.monotonic()
        next_draw = start + DELAY
        count = 0
        clock = time.monotonic
        try:
            for item in items:
                count += 1
                if not count & 15:
                    now = clock()
                    if now >= next_draw:
                        rate = count / (now - start)
                        self.draw(f"{label}: {count:,} samples ({rate:,.0f}/s)")
                        next_draw = now + INTERVAL
                yield item
        finally:
            self.clear()

    def draw(self, text: str) -> None:
        columns = _columns()
        text = text[: columns - 1]
        self._write("\r" + text.ljust(self._width) + "\r" + text)
        self._width = len(text)

    def clear(self) -> None:
        """Wipe the line (before other output goes to the terminal)."""
        if self._width:
            self._write("\r" + " " * self._width + "\r")
            self._width = 0

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):
            self.enabled = False  # standard error went away: stop drawing
            self._width = 0


def _columns() -> int:
    import shutil

    return max(shutil.get_terminal_size((80, 24)).columns, 20)
