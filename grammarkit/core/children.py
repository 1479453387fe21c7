"""The environment of grammarkit's own child processes (llguidance's compile on a large
grammar, the parse worker of a tool's budget, the playground's and the MCP server's
workers): each is a fresh ``python`` that must import this same ``grammarkit``, also from
a source checkout."""

from __future__ import annotations

import os

PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
"""The directory that holds this ``grammarkit`` package."""


def child_env() -> dict[str, str]:
    """This process's environment with :data:`PACKAGE_ROOT` first on ``PYTHONPATH``."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (PACKAGE_ROOT, env.get("PYTHONPATH", "")) if p)
    return env
