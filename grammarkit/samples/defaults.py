"""Defaults of sample generation, apart from the generator so that the command line can
show them without importing it (and the engines it loads)."""

DEFAULT_COUNT = 10
"""Samples drawn when no count is given."""

DEFAULT_MAX_BYTES = 256
"""Longest sample drawn, in UTF-8 bytes."""
