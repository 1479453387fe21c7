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

**Fix (automatic, safe).** ``--fix`` deletes the definition: its whole lines (with a
comment at the end of its last line, and one blank line when it stood between blank
lines), or the imported name (the whole ``%import`` when it imports nothing else). Not
offered when the definition shares a line with something else. Safe: start never
reaches it, so the grammar accepts the same text; the other definitions it alone used
are reported (and deleted) in turn. Comment lines above it stay.
"""

from __future__ import annotations

from collections.abc import Iterator

from grammarkit import analysis as p
from grammarkit.analysis.reach import has_start_rule, reachability
from grammarkit.core.diagnostics import Edit, Finding, Fix, Severity
from grammarkit.lint.edits import delete_lines
from grammarkit.reader import model as m

CODE = "GK229"
NAME = "unused-definition"
SEVERITY = Severity.WARNING
SYNTAXES = ("lark",)


def check(ctx) -> Iterator[Finding]:
    a = ctx.analysis
    if not a.read_ok:
        return
    for scope in a.scopes:
        if has_start_rule(scope):
            yield from _scope(scope, ctx.text)


def _scope(scope: p.Scope, text: str) -> Iterator[Finding]:
    defs = scope.definitions
    imports = scope.imports
    reach = reachability(scope)
    reached = reach.reached
    if all(name in reached for name in defs) and all(name in reached or name in defs for name in imports):
        return  # (the common case: everything is used; the users below are not needed)
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
        edit = delete_lines(text, d.span.start, d.span.end)
        fix = Fix(f"delete the unused {kind} {name}", (edit,)) if edit is not None else None
        found.append((d.name_span.start, _finding(d.name_span, kind, name, users.get(name, []), fix)))
    for name, (imp, iname) in imports.items():
        if name in reached or name in defs:
            continue
        fix = _drop_import(text, imp, iname)
        found.append(
            (iname.span.start, _finding(iname.span, "imported terminal", name, users.get(name, []), fix))
        )
    for _, finding in sorted(found, key=lambda f: f[0]):
        yield finding  # type: ignore[misc]


def _drop_import(text: str, imp: m.Import, iname: m.ImportName) -> Fix | None:
    """Delete the import of ``iname``: the whole statement when it imports nothing else,
    else the name from the list ``(A, B)``."""
    title = f"delete the unused import of {iname.alias or iname.name}"
    first, last = imp.names[0].span, imp.names[-1].span
    close = text.find(")", last.end)
    listed = close != -1 and not text[last.end : close].strip() and "\n" not in text[first.start : close]
    if len(imp.names) == 1:
        edit = delete_lines(text, imp.span.start, close + 1 if listed else imp.span.end)
        return Fix(title, (edit,)) if edit is not None else None
    if not listed:
        return None
    others = ", ".join(text[n.span.start : n.span.end] for n in imp.names if n is not iname)
    return Fix(title, (Edit(first.start, last.end, others),))


def _finding(span, kind: str, name: str, users: list[str], fix: Fix | None) -> Finding:
    if users:
        shown = ", ".join(sorted(users)[:3]) + (", …" if len(users) > 3 else "")
        message = (
            f"{kind} {name} is not reachable from start (it is used only by {shown}, "
            "which start does not reach)"
        )
    else:
        message = f"{kind} {name} is never used"
    what = "the import" if kind == "imported terminal" else "it"
    return Finding(span, message, f"use {name} in a rule reachable from start, or remove {what}", fix=fix)
