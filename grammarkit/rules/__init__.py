"""The lint rules: one module per rule, its docstring is its documentation.

Every public module of this package (other than ``base``) is a rule. A rule module
defines ``CODE``, ``NAME``, ``SEVERITY``, ``SYNTAXES`` (the grammar syntaxes it applies
to) and ``check(ctx)``, a generator of :class:`~grammarkit.rules.base.Finding`. The
module docstring has four parts — what it flags, why, an example, and how to fix it — and
is what ``grammarkit rules CODE`` prints.
"""
