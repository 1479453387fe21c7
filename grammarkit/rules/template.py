"""GK104 template: a Lark template definition or use.

**What it flags.** Template definitions ``name{a, b}: …`` (the parameter list) and
every use ``name{x, y}``.

**Why.** llguidance does not support templates ("params not supported yet"); the API
rejects the grammar. OpenAI lists templates as unsupported.

**Example.**

    _separated{x, sep}: x (sep x)*
    list: _separated{ITEM, ","}

**Fix.** Write each instantiation out as its own rule:
``list: ITEM ("," ITEM)*``. Repetition counts are fine: ``item{2,3}`` is llguidance's
``item~2..3``, not a template.

**Fix (automatic, safe).** ``--fix`` expands every template use into a plain rule, one per
distinct list of arguments, named after the template and its arguments
(``_separated{ITEM, ","}`` becomes ``_separated_item_comma``, defined as
``ITEM ("," ITEM)*``), written where the template's definition was, which goes. Uses
inside a template, recursive ones included, become references to their own instances.
Safe: the grammar accepts what Lark's expansion of the templates accepts. An instance
keeps a leading ``_`` (Lark inlines it in the tree, as it inlines the template's); an
instance of a template without one is a subtree named after the instance. Not offered
when a use names an undefined template or gives the wrong number of arguments, when a
parameter has the name of a rule (Lark refuses that), when a template has attributes or
shares its line with another item, or inside ``%lark { … }``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from grammarkit.core.diagnostics import Edit, Finding, Fix, Severity
from grammarkit.lint.edits import newline_of, whole_lines
from grammarkit.reader import model as m
from grammarkit.reader.model import Definition, TemplateUsage

CODE = "GK104"
NAME = "template"
SEVERITY = Severity.ERROR
SYNTAXES = ("lark",)
ENGINE_CATEGORIES = ("template",)  # the llguidance errors this rule's findings explain (GK109)

MAX_INSTANCES = 64
"""Instances the fix writes at most (more means a template that grows its arguments)."""


def check(ctx) -> Iterator[Finding]:
    fix: Fix | None = None
    expanded = False
    node: Any
    for node in ctx.grammar.nodes_of(Definition, TemplateUsage):
        kind = type(node)  # (only definitions have params)
        if kind is Definition and node.params is None:
            continue
        if not expanded:
            fix, expanded = _expand_all(ctx), True
        if kind is Definition and node.params_span is not None:
            params = ", ".join(node.params)
            yield Finding(
                node.params_span,
                f"template definition {node.name}{{{params}}} is not supported",
                "write each instantiation out as its own rule",
                fix=fix,
            )
        elif kind is TemplateUsage:
            yield Finding(
                node.span,
                f"template use {node.name}{{…}} is not supported",
                f"replace it with a rule that spells out {node.name} for these arguments",
                fix=fix,
            )


# --------------------------------------------------------------------------- the fix


class _CannotExpand(Exception):
    pass


def _expand_all(ctx) -> Fix | None:
    if not ctx.read.ok:
        return None
    try:
        return _Expander(ctx).fix()
    except _CannotExpand:
        return None


class _Expander:
    """Lark's template expansion, written out as text."""

    def __init__(self, ctx) -> None:
        self.text: str = ctx.text
        grammar = ctx.grammar
        if grammar.nodes_of(m.NestedLark):
            raise _CannotExpand
        self.templates: dict[str, Definition] = {}
        taken: set[str] = set(grammar.imported_names())
        for item in grammar.items:
            if isinstance(item, Definition):
                taken.add(item.name)
                if item.params is not None:
                    if item.name in self.templates or item.attributes:
                        raise _CannotExpand
                    self.templates[item.name] = item
        if any(param in taken for t in self.templates.values() for param in t.params or ()):
            raise _CannotExpand  # Lark: "Template Parameter conflicts with rule"
        self.taken = taken
        self.items = grammar.items
        self.instances: dict[tuple[str, tuple[str, ...]], str] = {}
        self.bodies: dict[str, list[tuple[str, str]]] = {}  # template -> [(instance name, body)]

    def fix(self) -> Fix:
        edits: list[Edit] = []
        for item in self.items:
            if isinstance(item, Definition) and item.params is not None:
                continue
            for use in _outermost_uses(item):
                edits.append(Edit(use.span.start, use.span.end, self.instantiate(use, {})))
        newline = newline_of(self.text)
        for name, template in self.templates.items():
            lines = whole_lines(self.text, template.span.start, template.span.end)
            if lines is None:
                raise _CannotExpand
            header = template.modifiers + "{name}" + (f".{template.priority}" if template.priority is not None else "")
            written = "".join(
                f"{header.format(name=instance)}: {body}{newline}" for instance, body in self.bodies.get(name, [])
            )
            edits.append(Edit(lines[0], lines[1], written))
        count = len(self.instances)
        return Fix(
            f"expand the templates into {count} plain rule{'s' if count != 1 else ''}",
            tuple(edits),
        )

    def instantiate(self, use: TemplateUsage, subst: dict[str, str]) -> str:
        template = self.templates.get(use.name)
        if template is None or template.params is None or len(template.params) != len(use.args):
            raise _CannotExpand
        args = tuple(_operand(arg, self.render(arg, subst)) for arg in use.args)
        key = (use.name, args)
        if key in self.instances:
            return self.instances[key]
        if len(self.instances) >= MAX_INSTANCES:
            raise _CannotExpand
        name = self._name(use.name, use.args, args)
        self.instances[key] = name
        body = self.render(template.body, dict(zip(template.params, args, strict=True)))
        self.bodies.setdefault(use.name, []).append((name, body))
        return name

    def render(self, node: m.Node, subst: dict[str, str]) -> str:
        """The source of ``node`` with parameters replaced by their arguments and
        template uses by their instances."""
        start, end = node.span.start, node.span.end
        out, at = [], start
        for target, replacement in self._replacements(node, subst):
            out.append(self.text[at : target.span.start])
            out.append(replacement)
            at = target.span.end
        out.append(self.text[at:end])
        return "".join(out)

    def _replacements(self, node: m.Node, subst: dict[str, str]) -> list[tuple[m.Node, str]]:
        found: list[tuple[m.Node, str]] = []
        stack = [node]
        while stack:
            current = stack.pop()
            if isinstance(current, m.NameRef) and current.name in subst:
                found.append((current, subst[current.name]))
            elif isinstance(current, TemplateUsage):
                found.append((current, self.instantiate(current, subst)))
            else:
                stack.extend(current.children())
        found.sort(key=lambda pair: pair[0].span.start)
        return found

    def _name(self, template: str, nodes: list[m.Node], args: tuple[str, ...]) -> str:
        parts = [_word(node, arg) for node, arg in zip(nodes, args, strict=True)]
        base = "_".join([template.lower(), *parts])
        if len(base) > 48 or not all(parts):
            base = f"{template.lower()}_{len(self.instances) + 1}"
        name, n = base, 1
        while name in self.taken:
            n += 1
            name = f"{base}_{n}"
        self.taken.add(name)
        return name


def _outermost_uses(item: m.Node) -> Iterator[TemplateUsage]:
    """The template uses in ``item`` that are not arguments of another, in text order."""
    stack = [item]
    while stack:
        node = stack.pop()
        if isinstance(node, TemplateUsage):
            yield node
        else:
            stack.extend(reversed(list(node.children())))


def _operand(node: m.Node, text: str) -> str:
    """An argument as it can stand where its parameter stood: one atom, or in parentheses."""
    if isinstance(node, (m.NameRef, m.Literal, m.RegexLiteral, m.Group, m.TemplateUsage)) and "\n" not in text:
        return text
    return f"({text})"


_PUNCTUATION = {
    ",": "comma", ";": "semicolon", ":": "colon", ".": "dot", "-": "dash", " ": "space", "|": "bar",
    "=": "eq", "+": "plus", "*": "star", "/": "slash", "\n": "nl", "(": "lparen", ")": "rparen",
    "[": "lbracket", "]": "rbracket", "{": "lbrace", "}": "rbrace", "<": "lt", ">": "gt", '"': "quote",
    "'": "apos", "&": "amp", "#": "hash", "@": "at", "!": "bang", "?": "question", "_": "underscore",
}


def _word(node: m.Node, arg: str) -> str:
    """A short name for an argument, for the instance's name ("" when there is none)."""
    if isinstance(node, m.NameRef):
        return node.name.lower().strip("_")
    if isinstance(node, m.TemplateUsage):
        return arg.strip("_")  # the instance's name
    if isinstance(node, m.Literal):
        value = node.value
        if re.fullmatch(r"[A-Za-z0-9_]{1,16}", value):
            return value.lower()
        if len(value) <= 2 and all(c in _PUNCTUATION for c in value):
            return "_".join(_PUNCTUATION[c] for c in value)
    return ""
