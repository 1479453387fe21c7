"""The bounds on every call of the MCP server's tools.

The sizes and counts are part of each tool's input schema (``maxLength``, ``maxItems``,
``maximum``), so a client sees them before it calls and a call beyond them is refused
before any work starts. The time budget and the number of worker processes are set when
the server starts (``grammarkit mcp --timeout S --workers N``).
"""

from __future__ import annotations

MAX_GRAMMAR_CHARS = 100_000
"""Longest grammar, in characters (the bundled grammars are under 3,000)."""
MAX_INPUT_CHARS = 100_000
"""Longest tool input (``parse_input``, each sample), in characters."""
MAX_LARK_INPUT_CHARS = 16_000
"""Longest input the local Lark (Earley) parser is run on in ``parse_input``: about 5
seconds of parsing (see :data:`grammarkit.runtime.tool.DEFAULT_MAX_INPUT_CHARS`); longer
inputs get llguidance's verdict only, with a note."""
MAX_SAMPLES = 1_000
"""Most samples in one call (``run_samples``, ``check_grammar``, ``diff_grammars``)."""
MAX_SAMPLES_TOTAL_CHARS = 1_000_000
"""Most characters of all samples of one call together."""
MAX_GENERATED = 200
"""Most inputs generated in one call (``generate_samples``; ``diff_grammars``: from each grammar)."""
MAX_GENERATED_BYTES = 4_096
"""Longest generated input, in UTF-8 bytes."""
MAX_EXAMPLES = 20
"""Most examples per group in ``diff_grammars``."""
MAX_NAME_CHARS = 64
MAX_DESCRIPTION_CHARS = 10_000

DEFAULT_TIMEOUT = 20.0
"""Seconds of work allowed per call; a call that runs over it fails with an error and its
worker process is killed and replaced."""
DEFAULT_WORKERS = 2
"""Worker processes, i.e. calls that can run at once (more wait their turn)."""
STATS_SHARE_OF_TIMEOUT = 0.5
"""``grammar_stats`` spends at most this share of the time budget compiling for its
measurements (it reports the range known so far when that runs out)."""
WORKER_START_TIMEOUT = 60.0
"""Seconds a new worker process may take to start (import grammarkit and llguidance)."""
