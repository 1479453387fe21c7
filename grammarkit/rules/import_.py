"""GK105 import: an ``%import`` other than from ``common``.

**What it flags.** ``%import`` of any module other than ``common`` (``%import
mygrammar.NAME``, relative imports ``%import .util (A, B)``), an ``%import`` without a
module, and names that llguidance's ``common`` does not provide (``%import
common.FOO``). Imports of common names, with aliases (``%import common.INT -> N``) and
name lists (``%import common (WS, INT)``), pass.

**Why.** The API receives one grammar text and cannot read other files; llguidance
only knows its built-in ``common`` terminals. OpenAI lists imports other than
``%import common`` as unsupported.

**Example.**

    %import .lexer.IDENT
    %import common.HEX_NUMBER

**Fix.** Copy the definitions you need into the grammar, bounded
(``IDENT: /[a-z_][a-z0-9_]{0,63}/``), or import a name common provides
(``%import common.HEXDIGIT``).

**Fix (automatic, safe).** When the grammar is a file and the imported grammar is found
beside it (``%import .lexer.IDENT`` and ``%import lexer.IDENT`` both read ``lexer.lark``
in the grammar's directory; ``a.b`` is ``a/b.lark``), ``--fix`` copies in what Lark
would import: the imported names (under their aliases) and the definitions they use,
renamed as Lark renames them (``lexer__LETTER``, written ``LEXER__LETTER`` for a
terminal), with that grammar's ``%import common`` names imported under the same
renamed names. Every import of that grammar is replaced at once, at the first one.
Safe: the grammar accepts what Lark accepts with the import (its ``%ignore`` is not
imported, as in Lark). Not offered when a copied name is already defined, when the
imported grammar cannot be read, imports anything but ``common``, or uses templates,
``%override``, ``%extend``, ``%declare`` or ``%lark``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from grammarkit.core.diagnostics import Edit, Finding, Fix, Severity
from grammarkit.core.errors import InputError
from grammarkit.core.source import read_grammar_file
from grammarkit.lint.edits import delete_lines, newline_of, whole_lines
from grammarkit.reader import model as m
from grammarkit.reader import read_grammar
from grammarkit.reader.model import Import

CODE = "GK105"
NAME = "import"
SEVERITY = Severity.ERROR
SYNTAXES = ("lark",)
ENGINE_CATEGORIES = ("import",)  # the llguidance errors this rule's findings explain (GK109)


def check(ctx) -> Iterator[Finding]:
    from grammarkit.reader.common_terminals import COMMON_NAMES

    for node in ctx.grammar.nodes_of(Import):
        if not node.module:
            yield Finding(
                node.path_span,
                f"%import {node.names[0].name} names no module",
                "import from common, e.g. %import common.WS",
            )
        elif node.relative or node.module != ["common"]:
            yield Finding(
                node.path_span,
                f"%import from {node.module_name!r} is not supported; only %import common is",
                "copy the definitions into this grammar (the API cannot read other files)",
                fix=_inline(ctx, node),
            )
        else:
            for name in node.names:
                if name.name not in COMMON_NAMES:
                    yield Finding(
                        name.span,
                        f"common has no terminal {name.name}",
                        "llguidance's common provides " + ", ".join(sorted(COMMON_NAMES)),
                    )


# --------------------------------------------------------------------------- the fix


class _CannotInline(Exception):
    pass


def _inline(ctx, imp: Import) -> Fix | None:
    """Copy the imported grammar's definitions in place of every import of it."""
    if ctx.path in ("<string>", "<stdin>") or not os.path.isfile(ctx.path) or not ctx.read.ok:
        return None
    if not any(item is imp for item in ctx.grammar.items):
        return None  # inside %lark { … }
    try:
        return _Inliner(ctx, imp).fix()
    except _CannotInline:
        return None


class _Inliner:
    def __init__(self, ctx, imp: Import) -> None:
        self.ctx = ctx
        self.imp = imp
        self.text: str = ctx.text
        self.relative_path = os.path.join(*imp.module) + ".lark"
        path = os.path.join(os.path.dirname(os.path.abspath(ctx.path)), self.relative_path)
        try:
            self.source = read_grammar_file(path)
        except InputError:
            raise _CannotInline from None
        result = read_grammar(self.source)
        if not result.ok:
            raise _CannotInline
        self.grammar = result.grammar
        self.prefix = "__".join(imp.module)

    def fix(self) -> Fix:
        # Every import of the same module, as Lark merges them.
        same = [
            i
            for i in self.ctx.grammar.items
            if isinstance(i, Import) and i.relative == self.imp.relative and i.module == self.imp.module
        ]
        aliases = {n.name: n.alias or n.name for i in same for n in i.names}
        definitions: dict[str, m.Definition] = {}
        commons: dict[str, str] = {}  # local name -> the common name
        for item in self.grammar.items:
            if isinstance(item, m.Definition):
                if item.params is not None or item.name in definitions:
                    raise _CannotInline
                definitions[item.name] = item
            elif isinstance(item, Import):
                if item.relative or item.module != ["common"]:
                    raise _CannotInline
                for n in item.names:
                    commons[n.alias or n.name] = n.name
            elif not isinstance(item, m.Ignore):
                raise _CannotInline  # %override, %extend, %declare, options
        if self.grammar.nodes_of(m.NestedLark, m.TemplateUsage):
            raise _CannotInline
        # What the imported names use, transitively (Lark keeps only that).
        needed: list[str] = []
        stack = list(reversed(aliases))
        while stack:
            name = stack.pop()
            if name in needed:
                continue
            if name not in definitions and name not in commons:
                raise _CannotInline  # Lark: an undefined name
            needed.append(name)
            if name in definitions:
                d = definitions[name]
                refs = [n.name for n in m.walk(d.body) if isinstance(n, m.NameRef)]
                stack.extend(reversed([r for r in refs if r not in needed]))
        renamed = {name: aliases.get(name) or self._mangle(name) for name in needed}
        taken = set(self.ctx.grammar.definition_map()) | {
            local for local, (i, _) in self.ctx.grammar.imported_names().items() if i not in same
        }
        if taken & set(renamed.values()):
            raise _CannotInline  # Lark: "Symbol already defined"
        newline = newline_of(self.text)
        lines = [f"// {', '.join(aliases.values())}: inlined from {self.relative_path}"]
        for name in needed:
            if name in definitions:
                lines.append(self._definition(definitions[name], renamed))
            else:
                lines.append(f"%import common.{commons[name]} -> {renamed[name]}")
        first = whole_lines(self.text, same[0].span.start, self._end(same[0]))
        if first is None:
            raise _CannotInline
        edits = [Edit(first[0], first[1], "".join(line + newline for line in lines))]
        for other in same[1:]:
            edit = delete_lines(self.text, other.span.start, self._end(other))
            if edit is None:
                raise _CannotInline
            edits.append(edit)
        return Fix(f"copy in what %import {self.imp.module_name} imports from {self.relative_path}", tuple(edits))

    def _mangle(self, name: str) -> str:
        """Lark's name for a definition it imports only as a dependency (terminals in
        upper case here, so that the name still reads as a terminal)."""
        prefix = self.prefix.upper() if m.is_terminal_name(name) else self.prefix.lower()
        return f"_{prefix}__{name[1:]}" if name.startswith("_") else f"{prefix}__{name}"

    def _definition(self, d: m.Definition, renamed: dict[str, str]) -> str:
        """The definition's source with its name and references renamed, on one line per
        line of the original."""
        replacements = [(d.name_span.start, d.name_span.end, renamed[d.name])]
        replacements += [
            (n.span.start, n.span.end, renamed[n.name])
            for n in m.walk(d.body)
            if isinstance(n, m.NameRef) and n.name in renamed
        ]
        out, at = [], d.span.start
        for start, end, new in sorted(replacements):
            out.append(self.source[at:start])
            out.append(new)
            at = end
        out.append(self.source[at : d.span.end])
        return "".join(out).replace("\r\n", "\n").replace("\n", newline_of(self.text))

    def _end(self, imp: Import) -> int:
        """Where the statement ends: after the ``)`` of a name list."""
        end = imp.span.end
        rest = self.text[end : end + 64]
        stripped = rest.lstrip(" \t")
        if stripped.startswith(")"):
            return end + (len(rest) - len(stripped)) + 1
        return end
