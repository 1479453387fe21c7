"""One pause of Python's cyclic garbage collector, shared by the threads that ask for it.

Reading a grammar and linting it allocate objects by the tens of thousands (tokens, spans,
model nodes, analyses) that all live until the work ends; the collector's passes over them
cost as much as the work itself on large grammars. :func:`paused` stops it for the
duration. Pauses in several threads share one: the collector is enabled again when the
last one ends, and only if it was enabled when the first one began (a collector the
caller paused stays paused). The few cycles left behind are collected when it runs again.

Inside a pause, :func:`running` lets the collector run for a while (a long stream of
samples makes garbage of its own). Ending a pause while the objects made during it are
still alive costs one pass over all of them at the next allocation: a pause should end
after they are gone.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_pausers = 0
_was_enabled = False


@contextmanager
def paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while the ``with`` block runs."""
    global _pausers, _was_enabled
    with _lock:
        if _pausers == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pausers += 1
    try:
        yield
    finally:
        with _lock:
            _pausers -= 1
            if _pausers == 0 and _was_enabled:
                gc.enable()


@contextmanager
def running() -> Iterator[None]:
    """Inside :func:`paused`, let the collector run while the ``with`` block runs (it
    runs only when no other pause holds it); outside one, nothing changes."""
    global _pausers, _was_enabled
    with _lock:
        mine = _pausers > 0
        if mine:
            _pausers -= 1
            if _pausers == 0 and _was_enabled:
                gc.enable()
    try:
        yield
    finally:
        if mine:
            with _lock:
                if _pausers == 0:
                    _was_enabled = gc.isenabled()
                    gc.disable()
                _pausers += 1
