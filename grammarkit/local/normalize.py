"""Turn a grammar in llguidance's Lark dialect into text that Python Lark loads with the
same language, for the local parser.

Python Lark (Earley, dynamic lexer, ``regex=True``) and llguidance read nearly the same
language, but Lark refuses several things llguidance accepts. This module prints the
located model back as Lark text, rewriting where the two differ:

* **zero-width terminals** (``/(.*)/``, ``""``, a terminal that can match nothing): the
  terminal is rewritten to match the same strings minus the empty one, and every use of
  it becomes optional (``T?``), which is the same language;
* **colliding expansions** (``expr: term (op term)* -> add | term`` makes Lark report
  "Rules defined twice"): the optional parts of that rule move into helper rules
  (inlined in the tree, so trees keep their shape);
* **``{m,n}`` repetition** becomes Lark's ``~ m..n`` (``{m,}`` becomes ``~m`` then ``*``);
* **names with ``-``** (of definitions, imports and ``-> aliases``) are renamed (and
  renamed back in parse trees);
* **``%ignore`` of something that can match the empty string** ignores its non-empty
  strings (ignoring "" changes nothing; Lark cannot ignore a zero-width terminal);
* a repeated item that prints as more than one operand or ends with an operator
  (``/a?/`` prints as ``/a/?``) is parenthesized before ``*``/``~n``;
* **``#`` comments** are dropped;
* **``%import common.X``** stays a Lark import where Lark's ``common.lark`` defines X with
  the same strings as llguidance (:data:`LARK_COMMON_AGREES`); otherwise (``ESCAPED_STRING``)
  it becomes a definition of X with llguidance's own regex (llguidance's regexes are
  not ordered for Python's first-match alternation: ``NUMBER`` = ``[0-9]+|<float>``
  would read ``1.5`` as ``1``, which is why Lark's own definitions are preferred);
* Rust-only regex spellings Python's ``regex`` module reads differently (``\\z``) are
  translated.

Constructs with no Lark equivalent (``%json``, ``<special>`` tokens, ``@grammar``
references, ``%regex``, ``%lark``, ``&``/``~`` on terminals, lazy/stop/suffix rules,
parametric rules, templates, ``%override``/``%extend``/``%declare``, non-common imports)
make the local parser unavailable; :attr:`Normalized.unsupported` names them, and
llguidance's verdict is then the only one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from grammarkit.core.span import Span
from grammarkit.reader import model as m
from grammarkit.reader import read_grammar

_LAZY_ATTRIBUTES = {"lazy", "stop", "suffix", "max_tokens", "temperature", "stop_capture"}
_LARK_RULE = re.compile(r"[_?]?[a-z][_a-z0-9]*")
_LARK_TOKEN = re.compile(r"_?[A-Z][_A-Z0-9]*")

LARK_COMMON_AGREES: frozenset[str] = frozenset(
    {
        "DIGIT", "HEXDIGIT", "INT", "SIGNED_INT", "DECIMAL", "FLOAT", "SIGNED_FLOAT", "NUMBER", "SIGNED_NUMBER",
        "LCASE_LETTER", "UCASE_LETTER", "LETTER", "WORD", "CNAME",
        "WS_INLINE", "WS", "CR", "LF", "NEWLINE",
        "SH_COMMENT", "CPP_COMMENT", "C_COMMENT", "SQL_COMMENT",
    }
)
"""``common`` names whose definition in Python Lark's own ``common.lark`` accepts exactly
the strings llguidance's does (checked by a differential test in
``tests/test_local_parser.py``); ``%import common.X`` of these is left to Lark. The others
are defined with llguidance's regex: ``ESCAPED_STRING`` (Lark's allows no line break
inside the quotes, llguidance's does) and the internal ``_EXP``."""


@dataclass(frozen=True)
class Rewrite:
    """One change the translation made. ``kind`` says which (see :data:`REFUSED`);
    ``span`` is where in the original text (None when it is not one place); ``refused``:
    plain Python Lark refuses the original (GK217 names these); ``subject`` is the name
    or text it is about. ``str()`` is the message, for people."""

    kind: str
    message: str
    span: Span | None = None
    subject: str = ""

    @property
    def refused(self) -> bool:
        return self.kind in REFUSED

    def __str__(self) -> str:
        return self.message


REFUSED: frozenset[str] = frozenset(
    {"braces-repeat", "dash-name", "empty-literal", "zero-width-regex", "zero-width-terminal",
     "zero-width-ignore", "colliding-expansions"}
)
"""Kinds of :class:`Rewrite` for constructs Python Lark refuses as written (the others,
such as dropped ``#`` comments or ``%import common`` kept, read the same in Lark;
``%llguidance`` options, which Lark refuses too, are GK227's)."""


@dataclass
class Normalized:
    """The result of :func:`normalize`."""

    text: str | None  # Lark grammar text, or None when the local parser cannot be built
    unsupported: list[str] = field(default_factory=list)  # constructs with no Lark equivalent
    renames: dict[str, str] = field(default_factory=dict)  # Lark name -> original name
    rewrites: list[Rewrite] = field(default_factory=list)  # what was changed (str(): for people)

    @property
    def ok(self) -> bool:
        return self.text is not None


def reads_as_is(grammar: m.Grammar) -> bool:
    """Whether :func:`normalize` would record no rewrite, rename nothing and find nothing
    unsupported in ``grammar`` (a read without errors), by a cheap scan of the model
    instead of printing it (False whenever in doubt)."""
    return _Printer(grammar, frozenset()).plain()


class _Unsupported(Exception):
    pass


def normalize(source: str, *, hoist_rules: frozenset[str] = frozenset(), read=None) -> Normalized:
    """Translate ``source`` (llguidance's dialect) into Lark text with the same language.

    ``hoist_rules`` names rules whose optional parts must move into helper rules (see
    :mod:`grammarkit.local.parser`, which retries with the names Lark reports); ``read``
    is :func:`~grammarkit.reader.read_grammar`'s result for ``source``, when the caller
    has it already."""
    if read is None:
        read = read_grammar(source)
    if read.errors:
        first = read.errors[0]
        return Normalized(None, [f"the grammar does not read: {first.message} at {first.span}"])
    printer = _Printer(read.grammar, hoist_rules)
    try:
        text = printer.print()
    except _Unsupported:
        return Normalized(None, printer.unsupported, printer.renames_back, printer.rewrites)
    if printer.unsupported:
        return Normalized(None, printer.unsupported, printer.renames_back, printer.rewrites)
    return Normalized(text, [], printer.renames_back, printer.rewrites)


_PLAIN_NODES = frozenset(
    {m.Definition, m.Ignore, m.Expansions, m.Sequence, m.NameRef, m.LiteralRange, m.Group, m.Maybe}
)
"""Nodes :meth:`_Printer.print` prints without a record or a note, whatever they hold
(what they hold is scanned on its own)."""


class _Printer:
    def __init__(self, grammar: m.Grammar, hoist_rules: frozenset[str]) -> None:
        self.grammar = grammar
        self.hoist_rules = hoist_rules
        self.unsupported: list[str] = []
        self.rewrites: list[Rewrite] = []
        self.renames: dict[str, str] = {}
        self.renames_back: dict[str, str] = {}
        self.defs = grammar.definition_map()
        self.imports = grammar.imported_names()
        self.helpers: list[str] = []
        self._nullable_memo: dict[str, bool] = {}
        self._nullable_active: set[str] = set()
        self._name_all()

    # ------------------------------------------------------------ names
    def _name_all(self) -> None:
        aliases = (
            {n.alias for n in self.grammar.nodes_of(m.Alternative) if n.alias}
            if "->" in self.grammar.text  # (an alias is written after ->)
            else set()
        )
        taken = set(self.defs) | set(self.imports) | aliases
        places: dict[str, tuple[list, list, list]] | None = None  # name -> spans of it, by kind
        chosen: set[str] = set()  # the new names given so far
        illegal = [n for n in taken if not (_LARK_TOKEN if m.is_terminal_name(n) else _LARK_RULE).fullmatch(n)]
        for name in sorted(illegal):  # (usually none: the sort is of those alone)
            base = re.sub(r"[^_A-Za-z0-9]", "_", name)
            candidate, n = base, 1
            while candidate in taken or candidate in chosen:
                n += 1
                candidate = f"{base}_{n}"
            chosen.add(candidate)
            self.renames[name] = candidate
            self.renames_back[candidate] = name
            if places is None:
                places = self._places()
            found = places.get(name, ([], [], []))
            spans: list[Span | None] = [*found[0], *found[1], *found[2]]
            for span in spans or [None]:
                self.record("dash-name" if "-" in name else "rename", f"renamed {name} to {candidate}", span, name)

    def _places(self) -> dict[str, tuple[list, list, list]]:
        """Name -> the spans of its definitions, of the aliases naming it and of the
        imports naming it, each in the order of the model."""
        places: dict[str, tuple[list, list, list]] = {}
        for node in self.grammar.nodes():
            if isinstance(node, m.Definition):
                places.setdefault(node.name, ([], [], []))[0].append(node.name_span)
            elif isinstance(node, m.Alternative) and node.alias is not None and node.alias_span is not None:
                places.setdefault(node.alias, ([], [], []))[1].append(node.alias_span)
            elif isinstance(node, m.ImportName):
                places.setdefault(node.alias or node.name, ([], [], []))[2].append(node.span)
        return places

    def name(self, name: str) -> str:
        return self.renames.get(name, name)

    def record(self, kind: str, message: str, span: Span | None = None, subject: str = "") -> None:
        self.rewrites.append(Rewrite(kind, message, span, subject))

    def note(self, what: str, span: object) -> None:
        self.unsupported.append(f"{what} (at {span})")

    # ------------------------------------------------------------ top level
    def plain(self) -> bool:
        """Whether :meth:`print` would record nothing and find nothing unsupported (a
        cheap scan of the model, for callers that want only those; False whenever in
        doubt). It checks every place where :meth:`print` records or notes something."""
        if self.rewrites or self.unsupported or self.hoist_rules:
            return False  # (names renamed already)
        for item in self.grammar.items:
            if type(item) is m.Definition:
                if item.params is not None or item.parametric:
                    return False
                if item.is_terminal and self.nullable_name(item.name):
                    return False
            elif type(item) is m.Ignore:
                if self.nullable(item.body):
                    return False
            else:
                return False  # imports, options and directives: printed with notes or records
        fine = set(_PLAIN_NODES)
        text = self.grammar.text
        if "&" not in text and "%if" not in text:
            fine.add(m.Alternative)  # (conjuncts are joined with &, conditions written after %if)
        if "{" not in text:
            fine.add(m.Repeat)  # (a braces repetition is written with {)
        node: Any
        for kind, nodes in self.grammar.nodes_by_class().items():
            if kind in fine:
                continue  # (most nodes: not looked at)
            for node in nodes:
                if kind is m.Literal:
                    if node.value == "":
                        return False
                elif kind is m.RegexLiteral:
                    if _regex_nullable(node.pattern):
                        return False
                elif kind is m.Alternative:
                    if len(node.conjuncts) != 1 or node.condition is not None:
                        return False
                elif kind is m.Repeat:
                    if node.form == "braces":
                        return False
                elif kind is m.Attribute:
                    if node.key in _LAZY_ATTRIBUTES:
                        return False
                else:
                    return False
        return True

    def print(self) -> str:
        out: list[str] = []
        for item in self.grammar.items:
            if isinstance(item, m.Definition):
                line = self.definition(item)
                if line:
                    out.append(line)
            elif isinstance(item, m.Import):
                out.extend(self.import_(item))
            elif isinstance(item, m.Ignore):
                line = self.ignore(item)
                if line:
                    out.append(line)
            elif isinstance(item, m.LLGuidanceOptions):
                if (
                    isinstance(item.value, dict)
                    and item.value.get("ignore_once")
                    and any(isinstance(i, m.Ignore) for i in self.grammar.items)
                ):
                    self.note('%llguidance {"ignore_once": true} with %ignore', item.span)
                self.record("llguidance-options", "dropped %llguidance options", item.span)
            elif isinstance(item, m.Declare):
                self.note("%declare", item.span)
            elif isinstance(item, m.Override):
                self.note(item.directive, item.span)
        out.extend(self.helpers)
        return "\n".join(out) + "\n"

    def import_(self, item: m.Import) -> list[str]:
        from grammarkit.reader.common_terminals import common_regex

        if item.relative or item.module != ["common"]:
            self.note(f"%import from {item.module_name or item.names[0].name!r}", item.span)
            return []
        lines = []
        for n in item.names:
            pattern = common_regex(n.name)
            if pattern is None:
                self.note(f"common.{n.name}", n.span)
                continue
            local = self.name(n.alias or n.name)
            if n.name in LARK_COMMON_AGREES:
                # Lark's own common.lark: same strings, and its alternatives are ordered
                # so Python's first-match regex takes the longest (FLOAT before INT).
                lines.append(f"%import common.{n.name}" + (f" -> {local}" if local != n.name else ""))
                self._rewrite_once("kept %import common (Lark's common.lark accepts the same strings as llguidance's)")
                continue
            if _regex_nullable(pattern):
                self.note(f"common.{n.name} can match the empty string", n.span)
                continue
            lines.append(f"{local}: {self.regex_text(pattern, '', n.span)}")
            self._rewrite_once(f"replaced common.{n.name} with llguidance's definition (Lark's differs)")
        return lines

    def _rewrite_once(self, what: str) -> None:
        if all(r.message != what for r in self.rewrites):
            self.record("common-import", what)

    def ignore(self, item: m.Ignore) -> str:
        """``%ignore`` of what can match the empty string ignores its non-empty strings
        (ignoring "" changes nothing, and Lark cannot ignore a zero-width terminal)."""
        if not self.nullable(item.body):
            return "%ignore " + self.expansions(item.body, in_terminal=True)
        body = self.nonempty_expansions(item.body)
        if body is None:
            self.record("zero-width-ignore", "dropped an %ignore that matches only the empty string", item.body.span)
            return ""
        what = "an %ignore can match the empty string: it ignores its non-empty strings"
        self.record("zero-width-ignore", what, item.body.span)
        return f"%ignore {body}"

    def definition(self, d: m.Definition) -> str:
        if d.params is not None:
            self.note(f"template {d.name}", d.span)
            return ""
        if d.parametric:
            self.note(f"parametric rule {d.name}", d.span)
            return ""
        for attr in d.attributes:
            if attr.key in _LAZY_ATTRIBUTES:
                self.note(f"[{attr.key}] on {d.name}", attr.span)
        terminal = d.is_terminal
        if terminal and self.nullable_name(d.name):
            body = self.nonempty_expansions(d.body)
            if body is None:
                self.note(f"terminal {d.name} matches only the empty string", d.span)
                return ""
            self.record(
                "zero-width-terminal",
                f"{d.name} can match the empty string: made it non-empty and its uses optional",
                d.name_span,
                d.name,
            )
        else:
            hoist = (not terminal) and d.name in self.hoist_rules
            body = self.expansions(d.body, in_terminal=terminal, hoist=hoist, owner=d.name)
        return f"{d.modifiers}{self.name(d.name)}: {body}"

    # ------------------------------------------------------------ expressions
    def expansions(self, e: m.Expansions, *, in_terminal: bool, hoist: bool = False, owner: str = "") -> str:
        alts = []
        for alt in e.alternatives:
            if len(alt.conjuncts) > 1:
                self.note("& (intersection)", alt.span)
            if alt.condition is not None:
                self.note("%if condition", alt.span)
            seq = self.sequence(alt.conjuncts[0], in_terminal=in_terminal, hoist=hoist, owner=owner)
            if alt.alias:
                seq = f"{seq} -> {self.name(alt.alias)}" if seq else f"-> {self.name(alt.alias)}"
            alts.append(seq)
        return " | ".join(alts) if alts else ""

    def sequence(self, s: m.Sequence, *, in_terminal: bool, hoist: bool = False, owner: str = "") -> str:
        parts = []
        for item in s.items:
            text = self.item(item, in_terminal=in_terminal)
            if hoist and _is_optional(item) and text:
                helper = f"_gk_{self.name(owner).lstrip('_?')}_{len(self.helpers)}"
                self.helpers.append(f"{helper}: {text}")
                what = f"moved an optional part of {owner} into helper rule {helper}"
                self.record("colliding-expansions", what, item.span, owner)
                text = helper
            if text:
                parts.append(text)
        return " ".join(parts)

    def item(self, node: m.Node, *, in_terminal: bool) -> str:
        if isinstance(node, m.Literal):
            if node.value == "":
                self.record("empty-literal", 'dropped the empty string literal ""', node.span)
                return ""  # the empty string: nothing to match
            return json.dumps(node.value, ensure_ascii=False) + node.flags
        if isinstance(node, m.RegexLiteral):
            text = self.regex_text(node.pattern, node.flags, node.span)
            if _regex_nullable(node.pattern):
                ne = _nonempty_regex(node.pattern)
                if ne is None:
                    return ""
                what = f"regex /{node.pattern}/ can match the empty string: made it optional"
                # (inside a terminal Lark takes it as it is: only a lexeme of its own is refused)
                self.record("zero-width-part" if in_terminal else "zero-width-regex", what, node.span)
                return f"{self.regex_text(ne, node.flags, node.span)}?"
            return text
        if isinstance(node, m.LiteralRange):
            low = json.dumps(node.low.value, ensure_ascii=False)
            high = json.dumps(node.high.value, ensure_ascii=False)
            return f"{low}..{high}"
        if isinstance(node, m.NameRef):
            name = self.name(node.name)
            if m.is_terminal_name(node.name) and self.nullable_name(node.name):
                return f"{name}?"
            return name
        if isinstance(node, m.Group):
            inner = self.expansions(node.body, in_terminal=in_terminal)
            return f"({inner})" if inner.strip() else ""
        if isinstance(node, m.Maybe):
            inner = self.expansions(node.body, in_terminal=in_terminal)
            return f"[{inner}]" if inner.strip() else ""
        if isinstance(node, m.Repeat):
            return self.repeat(node, in_terminal=in_terminal)
        kinds = {
            m.JsonValue: "%json",
            m.SpecialToken: "special token",
            m.GrammarRef: "@grammar reference",
            m.RegexExt: "%regex",
            m.NestedLark: "%lark",
            m.Not: "~ (negation)",
            m.TemplateUsage: "template use",
            m.ParamName: "parametric rule reference",
        }
        label = kinds.get(type(node), type(node).__name__)
        if isinstance(node, m.SpecialToken):
            label = f"special token {node.text}"
        self.note(label, node.span)
        raise _Unsupported

    def repeat(self, node: m.Repeat, *, in_terminal: bool) -> str:
        if node.form == "braces":
            self.record("braces-repeat", f"wrote the repetition {node.op} with ~", node.op_span, node.op)
        inner = self.item(node.item, in_terminal=in_terminal)
        if not inner:
            return ""
        inner = _atom(inner)
        if node.form == "op":
            return f"{inner}{node.op}"
        lo, hi = node.min, node.max
        if hi is None:
            if lo == 0:
                return f"{inner}*"
            if lo == 1:
                return f"{inner}+"
            return f"{inner}~{lo} {inner}*"
        if hi == 0:
            return ""
        if lo == hi:
            return f"{inner}~{lo}"
        return f"{inner}~{lo}..{hi}"

    def regex_text(self, pattern: str, flags: str, span: object) -> str:
        translated = _python_regex(pattern)
        return f"/{translated}/{flags}"

    # ------------------------------------------------------------ zero width
    def nullable_name(self, name: str) -> bool:
        if name in self._nullable_memo:
            return self._nullable_memo[name]
        if name in self._nullable_active:
            return False
        self._nullable_active.add(name)
        try:
            if name in self.defs:
                result = self.nullable(self.defs[name].body)
            elif name in self.imports:
                from grammarkit.reader.common_terminals import common_regex

                pattern = common_regex(self.imports[name][1].name)
                result = pattern is not None and _regex_nullable(pattern)
            else:
                result = False
        finally:
            self._nullable_active.discard(name)
        self._nullable_memo[name] = result
        return result

    def nullable(self, node: m.Node) -> bool:
        # (the containers first, every body is Expansions → Alternative → Sequence; map
        # stops where a generator would, with less work per item)
        if isinstance(node, m.Expansions):
            return any(map(self.nullable, node.alternatives))
        if isinstance(node, m.Alternative):
            return all(map(self.nullable, node.conjuncts))
        if isinstance(node, m.Sequence):
            return all(map(self.nullable, node.items))
        if isinstance(node, m.Literal):
            return node.value == ""
        if isinstance(node, m.RegexLiteral):
            return _regex_nullable(node.pattern)
        if isinstance(node, m.NameRef):
            return self.nullable_name(node.name)
        if isinstance(node, m.Maybe):
            return True
        if isinstance(node, m.Group):
            return self.nullable(node.body)
        if isinstance(node, m.Repeat):
            return node.min == 0 or self.nullable(node.item)
        return False

    def nonempty_expansions(self, e: m.Expansions) -> str | None:
        """Terminal text for the strings of ``e`` other than the empty one."""
        alts = []
        for alt in e.alternatives:
            if len(alt.conjuncts) > 1:
                self.note("& (intersection)", alt.span)
                raise _Unsupported
            text = self.nonempty_sequence(alt.conjuncts[0].items)
            if text is not None:
                alts.append(text)
        if not alts:
            return None
        return " | ".join(alts)

    def nonempty_sequence(self, items: list[m.Node]) -> str | None:
        if not items:
            return None
        if not all(self.nullable(i) for i in items):
            return " ".join(t for t in (self.item(i, in_terminal=True) for i in items) if t)
        # Every item can be empty: the first non-empty item is item k (k = 0..n-1).
        options = []
        for k, first in enumerate(items):
            head = self.nonempty_item(first)
            if head is None:
                continue
            rest = [t for t in (self.item(i, in_terminal=True) for i in items[k + 1 :]) if t]
            options.append(" ".join([head, *rest]))
        if not options:
            return None
        return options[0] if len(options) == 1 else "(" + " | ".join(options) + ")"

    def nonempty_item(self, node: m.Node) -> str | None:
        if not self.nullable(node):
            return self.item(node, in_terminal=True)
        if isinstance(node, m.Literal):
            return None
        if isinstance(node, m.RegexLiteral):
            ne = _nonempty_regex(node.pattern)
            return None if ne is None else self.regex_text(ne, node.flags, node.span)
        if isinstance(node, m.NameRef):
            return self.name(node.name)  # its definition is printed non-empty
        if isinstance(node, (m.Group, m.Maybe)):
            inner = self.nonempty_expansions(node.body)
            return None if inner is None else f"({inner})"
        if isinstance(node, m.Repeat):
            hi = node.max
            head = self.nonempty_item(node.item)
            if head is None or hi == 0:
                return None
            whole = _atom(self.item(node.item, in_terminal=True))
            if hi is None:
                return f"{head} {whole}*"
            if hi <= 1:
                return head
            return f"{head} {whole}~0..{hi - 1}"
        raise _Unsupported


_NAME_OR_LITERAL = re.compile(
    r"""[_?]?[A-Za-z][_A-Za-z0-9]*|"(?:[^"\\]|\\.)*"[a-z]*|/(?:[^/\\]|\\.)*/[a-z]*""", re.DOTALL
)


def _atom(text: str) -> str:
    """``text`` (printed Lark) as one operand for a postfix operator (``*``, ``~2``):
    parenthesized unless it is one name, one literal or one bracketed group. A sequence
    (``a b``) or an item that already ends with an operator (``/a/?``, ``A?``) would
    otherwise read wrongly or not at all (``/a/?~2``)."""
    if _NAME_OR_LITERAL.fullmatch(text) or (text[:1] in "([" and _group_end(text) == len(text)):
        return text
    return f"({text})"


def _group_end(text: str) -> int:
    """Where the bracketed group opening ``text`` closes (-1 if it does not)."""
    depth, i = 0, 0
    while i < len(text):
        c = text[i]
        if c in "\"/":
            quoted = _NAME_OR_LITERAL.match(text, i)
            if quoted is None:
                return -1
            i = quoted.end()
            continue
        if c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return -1


def _is_optional(node: m.Node) -> bool:
    return isinstance(node, m.Maybe) or (isinstance(node, m.Repeat) and node.min == 0)


# ---------------------------------------------------------------- regexes


@lru_cache(maxsize=4096)
def _regex_nullable(pattern: str) -> bool:
    from grammarkit.regex_syntax import RegexSyntaxError, min_length, parse_remembered

    try:
        return min_length(parse_remembered(pattern)) == 0
    except RegexSyntaxError:
        return False


def _python_regex(pattern: str) -> str:
    """Rust spellings that Python's ``regex`` module reads differently, translated."""
    if "\\z" not in pattern:
        return pattern
    from grammarkit.regex_syntax import Anchor, RegexSyntaxError, iter_nodes, parse_remembered

    try:
        ast = parse_remembered(pattern)
    except RegexSyntaxError:
        return pattern
    out, last = [], 0
    for node in iter_nodes(ast):
        if isinstance(node, Anchor) and pattern[node.start : node.end] == "\\z":
            out.append(pattern[last : node.start])
            out.append("\\Z")
            last = node.end
    out.append(pattern[last:])
    return "".join(out)


def _nonempty_regex(pattern: str) -> str | None:
    """A regex matching the non-empty strings ``pattern`` matches (None if only "")."""
    from grammarkit.regex_syntax import RegexSyntaxError, SetFlags, iter_nodes, parse

    try:
        ast = parse(pattern)
    except RegexSyntaxError:
        return None
    if any(isinstance(n, SetFlags) for n in iter_nodes(ast)):
        # Flags set mid-pattern scope over what follows; restructuring would move them.
        return None
    return _NonEmpty(pattern).of(ast)


class _NonEmpty:
    """Builds the non-empty variant of a regex from its AST, reusing the original text."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern

    def text(self, node) -> str:
        return self.pattern[node.start : node.end]

    def atom(self, node) -> str:
        return f"(?:{self.text(node)})"

    def of(self, node) -> str | None:
        from grammarkit.regex_syntax import Alternation, Anchor, Concat, Empty, Group, Repeat, SetFlags, min_length

        if min_length(node) > 0:
            return self.text(node)
        if isinstance(node, (Empty, Anchor, SetFlags)):
            return None
        if isinstance(node, Group):
            if node.kind in ("capture", "named", "noncapture"):
                inner = self.of(node.child)
                return None if inner is None else f"(?:{inner})"
            if node.kind == "flags":
                inner = self.of(node.child)
                opener = self.pattern[node.start : node.open_end]
                return None if inner is None else f"{opener}{inner})"
            return None  # lookarounds and the like match no characters
        if isinstance(node, Alternation):
            branches = [b for b in (self.of(x) for x in node.branches) if b is not None]
            return f"(?:{'|'.join(branches)})" if branches else None
        if isinstance(node, Concat):
            options = []
            for k, first in enumerate(node.items):
                head = self.of(first)
                if head is None:
                    continue
                rest = "".join(self.text(i) for i in node.items[k + 1 :])
                options.append(head + rest)
            if not options:
                return None
            return options[0] if len(options) == 1 else f"(?:{'|'.join(options)})"
        if isinstance(node, Repeat):
            head = self.of(node.child)
            if head is None:
                return None
            child = self.atom(node.child)
            hi = node.max
            if hi is None:
                return f"(?:{head}){child}*"
            if hi <= 1:
                return f"(?:{head})"
            return f"(?:{head}){child}{{0,{hi - 1}}}"
        return None
