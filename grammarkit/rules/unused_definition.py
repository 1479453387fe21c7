"""GK229 unused-definition: a rule, terminal or import that ``start`` never reaches.

**What it flags.** A definition that no derivation from ``start`` can use: never
referenced at all, or referenced only by other unreachable definitions (the message
says which). Uses are followed through rules, through terminals used inside other
terminals, through ``%ignore`` (a terminal used only by ``%ignore`` is used), through
``%import common.X -> ALIAS`` (the alias is the name), through parametric references
(``perm::0x0``) and through terminal names given to ``stop=``/``suffix=`` attributes.
``-> alias`` names of alternatives are tree labels, not references. Every nested
``%lark { … }`` grammar is checked on its own, from its own ``start``. Nothing is
reported when the grammar has no ``start`` rule (GK230) or could not be read.

**Why.** llguidance compiles an unreachable definition without complaint, so it is dead
text that readers (and the model, which sees the grammar as the tool's contract) take
as part of the language. It usually means a typo or a rule that was meant to be used
somewhere and is not.

**Example.**

    start: greeting
    greeting: "hi " NAME
    farewell: "bye " NAME
    NAME: /[A-Za-z]{1,20}/

(``farewell`` is never used.)

**Fix.** Use it where it belongs (``start: greeting | farewell``), or delete it.
"""

from __future__ import annotations

from collections.abc import Iterator

from grammarkit import analysis as p
from grammarkit.analysis.reach import has_start_rule, reachability
from grammarkit.core.diagnostics import Finding, Severity

CODE = "GK229"
NAME = "unused-definition"
SEVERITY = Severity.WARNING
SYNTAXES = ("lark",)


def check(ctx) -> Iterator[Finding]:
    a = p.analysis(ctx)
    if not a.read_ok:
        return
    for scope in a.scopes:
        if has_start_rule(scope):
            yield from _scope(scope)


def _scope(scope: p.Scope) -> Iterator[Finding]:
    defs = scope.definitions
    imports = scope.imports
    reach = reachability(scope)
    reached = reach.reached
    users: dict[str, list[str]] = {}
    for name, refs in reach.edges.items():
        for r in refs:
            if r != name:
                users.setdefault(r, []).append(name)

    found: list[tuple[int, object]] = []
    for name, d in defs.items():
        if name in reached:
            continue
        kind = "terminal" if d.is_terminal else "rule"
        found.append((d.name_span.start, _finding(d.name_span, kind, name, users.get(name, []))))
    for name, (_imp, iname) in imports.items():
        if name in reached or name in defs:
            continue
        found.append(
            (iname.span.start, _finding(iname.span, "imported terminal", name, users.get(name, [])))
        )
    for _, finding in sorted(found, key=lambda f: f[0]):
        yield finding  # type: ignore[misc]


def _finding(span, kind: str, name: str, users: list[str]) -> Finding:
    if users:
        shown = ", ".join(sorted(users)[:3]) + (", …" if len(users) > 3 else "")
        message = (
            f"{kind} {name} is not reachable from start (it is used only by {shown}, "
            "which start does not reach)"
        )
    else:
        message = f"{kind} {name} is never used"
    what = "the import" if kind == "imported terminal" else "it"
    return Finding(span, message, f"use {name} in a rule reachable from start, or remove {what}")
