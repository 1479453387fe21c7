"""The language server (``grammarkit lsp``, extra ``grammarkit[lsp]``).

Only :mod:`grammarkit.lsp.server` imports pygls; the other modules are plain functions
other front ends can call: :mod:`~grammarkit.lsp.positions` (LSP positions),
:mod:`~grammarkit.lsp.documents` (what to lint, and one lint of a grammar with its
samples under the project's configuration), :mod:`~grammarkit.lsp.hover` and
:mod:`~grammarkit.lsp.completion`. The grammar analysis behind go to definition,
references, rename and the outline is :mod:`grammarkit.analysis.symbols`.
"""
