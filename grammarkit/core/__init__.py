"""The base layer: spans and positions, diagnostics, errors, records and grammar files.

Nothing here imports another part of grammarkit; everything else may import it."""
