"""A recursive-descent reading of the dialect's structure, for grammars without errors.

``dialect.lark`` is LL(1) once :mod:`.lexer` has decided its two context facts, so the
tokens can be read by one function per rule, without Lark's LALR machinery (which costs
most of the reading time of a large grammar). Each function hands the builder's method
the same children Lark's parser would (tokens in order, ``_NL`` left out, ``?`` rules
inlined, rules without a method as ``Tree``), so the model is the same by construction.
The most frequent shapes (a plain name or string, an alternative of one sequence, a
single alternative, a sequence) go to the builder's direct methods for them
(``name_ref``, ``_literal``, ``alternative``, ``expansions_of``, ``sequence``), which
build what the rule methods would from those children.

Anything unexpected (a token no rule allows there) raises :class:`Unread`, and the LALR
parser reads the text instead: it reports syntax errors with what it expected, and is
the reference this reading must agree with (tests/reader compares the two).
"""

from __future__ import annotations

from typing import Any

from lark import Token, Tree


class Unread(Exception):
    """The tokens are not read here (the LALR parser reads them, and reports why not)."""


_ATOM_FIRST = frozenset(
    {
        "LPAR", "LSQB", "TILDE", "STRING", "REGEXP", "RULE", "TOKEN",
        "SPECIAL_TOKEN", "GRAMMAR_REF", "KW_JSON", "KW_REGEX", "KW_LARK",
    }
)  # fmt: skip
_END = "$END"
# What may follow a sequence inside an alternative, and an atom inside an expression.
_AFTER_SEQUENCE = frozenset({"AMPERSAND", "ARROW", "KW_IF"})
_SUFFIX_FIRST = frozenset({"OP", "REPEAT_TILDE", "REPEAT_LBRACE"})
_AFTER_NAME = _SUFFIX_FIRST | {"LBRACE", "DOUBLE_COLON"}  # a name followed by these is more than a name
_AFTER_STRING = _SUFFIX_FIRST | {"DOTDOT"}


def read_items(tokens: list[Token], builder: Any, kinds: list[str] | None = None) -> list:
    """The items of the grammar, built by ``builder`` (see :class:`_Descent`); raises
    :class:`Unread` where the tokens do not follow the dialect. ``kinds``, when given,
    is the list of the tokens' types (the reading takes it over)."""
    return _Descent(tokens, builder, kinds).start()


class _Descent:
    __slots__ = ("b", "i", "kinds", "toks")

    def __init__(self, tokens: list[Token], builder: Any, kinds: list[str] | None = None) -> None:
        self.toks = tokens
        if kinds is None:
            kinds = [t.type for t in tokens]
        kinds.append(_END)
        self.kinds = kinds
        self.i = 0
        self.b = builder

    # -- tokens
    def peek(self) -> str:
        return self.kinds[self.i]

    def take(self, kind: str) -> Token:
        if self.kinds[self.i] != kind:
            raise Unread(self.i)
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def skip_newlines(self) -> bool:
        """Skip ``_NL`` tokens; whether there was one."""
        kinds, i = self.kinds, self.i
        while kinds[i] == "_NL":
            i += 1
        skipped = i > self.i
        self.i = i
        return skipped

    # -- items
    def start(self) -> list:
        items = self.items(_END)
        return self.b.start(items)

    def items(self, end: str) -> list:
        """``_NL* (_item _NL+)* _item?`` up to ``end`` (not taken)."""
        items = []
        self.skip_newlines()
        while self.peek() != end:
            items.append(self.item())
            if not self.skip_newlines() and self.peek() != end:
                raise Unread(self.i)
        return items

    def item(self):
        kind = self.peek()
        b = self.b
        if kind == "RULE":
            return self.rule_def()
        if kind == "TOKEN":
            return self.token_def()
        if kind == "KW_IGNORE":
            return b.ignore([self.take(kind), self.expansions()])
        if kind == "KW_IMPORT":
            kw = self.take(kind)
            path = self.import_path()
            if self.peek() == "LPAR":
                return b.multi_import([kw, path, self.name_list()])
            if self.peek() == "ARROW":
                return b._single_import([kw, path, self.take("ARROW"), self.name()])
            return b._single_import([kw, path])
        if kind == "KW_OVERRIDE" or kind == "KW_EXTEND":
            kw = self.take(kind)
            if self.peek() == "RULE":
                definition = self.rule_def()
            else:
                definition = self.token_def()
            return (b.override if kind == "KW_OVERRIDE" else b.extend)([kw, definition])
        if kind == "KW_DECLARE":
            children = [self.take(kind), self.name()]
            while self.peek() in ("RULE", "TOKEN"):
                children.append(self.name())
            return b.declare(children)
        if kind == "KW_LLGUIDANCE":
            return b.llguidance([self.take(kind), self.take("JSON")])
        raise Unread(self.i)

    def rule_def(self):
        children: list = [self.take("RULE")]
        if self.peek() == "DOUBLE_COLON":
            children.append(Tree("parametric", [self.take("DOUBLE_COLON"), self.take("UNDERSCORE")]))
        if self.peek() == "LBRACE":
            children.append(Tree("rule_params", self.params("RULE")))
        if self.peek() == "DOT":
            children.append(Tree("priority", [self.take("DOT"), self.take("NUMBER")]))
        if self.peek() == "LSQB":
            children.append(Tree("attributes", self.attributes()))
        children.append(self.take("COLON"))
        children.append(self.expansions())
        return self.b.rule_def(children)

    def token_def(self):
        children: list = [self.take("TOKEN")]
        if self.peek() == "LBRACE":
            children.append(Tree("token_params", self.params("TOKEN")))
        if self.peek() == "DOT":
            children.append(Tree("priority", [self.take("DOT"), self.take("NUMBER")]))
        children.append(self.take("COLON"))
        children.append(self.expansions())
        return self.b.token_def(children)

    def params(self, kind: str) -> list:
        children = [self.take("LBRACE"), self.take(kind)]
        while self.peek() == "COMMA":
            children.append(self.take("COMMA"))
            children.append(self.take(kind))
        children.append(self.take("RBRACE"))
        return children

    def attributes(self) -> list:
        children: list = [self.take("LSQB")]
        if self.peek() == "RULE":
            children.append(self.attribute())
            while self.peek() == "COMMA":
                children.append(self.take("COMMA"))
                children.append(self.attribute())
        children.append(self.take("RSQB"))
        return children

    def attribute(self):
        children: list = [self.take("RULE")]
        if self.peek() == "EQUAL":
            children.append(self.take("EQUAL"))
            children.append(self.take("NUMBER") if self.peek() == "NUMBER" else self.value())
        return self.b.attribute(children)

    def import_path(self):
        children: list = []
        if self.peek() == "DOT":
            children.append(self.take("DOT"))
        children.append(self.name())
        while self.peek() == "DOT":
            children.append(self.take("DOT"))
            children.append(self.name())
        return self.b.import_path(children)

    def name_list(self):
        children = [self.take("LPAR"), self.name()]
        while self.peek() == "COMMA":
            children.append(self.take("COMMA"))
            children.append(self.name())
        children.append(self.take("RPAR"))
        return self.b.name_list(children)

    def name(self):
        kind = self.peek()
        if kind != "RULE" and kind != "TOKEN":
            raise Unread(self.i)
        return self.b.name([self.take(kind)])

    # -- expressions
    def expansions(self):
        first = self.alias()
        if self.kinds[self.i] != "VBAR":
            return self.b.expansions_of(first)  # what expansions([first]) builds
        children = [first]
        while self.kinds[self.i] == "VBAR":
            children.append(self.take("VBAR"))
            children.append(self.alias())
        return self.b.expansions(children)

    def alias(self):
        seq = self.expansion()
        kinds = self.kinds
        if kinds[self.i] not in _AFTER_SEQUENCE:
            return self.b.alternative(seq)  # what alias([seq]) builds
        children = [seq]
        while kinds[self.i] == "AMPERSAND":
            children.append(self.take("AMPERSAND"))
            children.append(self.expansion())
        if kinds[self.i] == "ARROW":
            children.append(self.take("ARROW"))
            children.append(self.take("RULE"))
        if kinds[self.i] == "KW_IF":
            children.append(self.take("KW_IF"))
            children.append(self.cond())
        return self.b.alias(children)

    def expansion(self):
        items = []
        kinds = self.kinds
        toks = self.toks
        b = self.b
        atom_first = _ATOM_FIRST
        i = self.i
        while True:
            kind = kinds[i]
            # A name or a string with nothing after it that makes it more is read here
            # (what expr() would return), everything else by expr().
            if kind == "RULE" or kind == "TOKEN":
                if kinds[i + 1] not in _AFTER_NAME:
                    items.append(b.name_ref(toks[i]))
                    i += 1
                    continue
            elif kind == "STRING":
                if kinds[i + 1] not in _AFTER_STRING:
                    items.append(b._literal(toks[i]))
                    i += 1
                    continue
            elif kind not in atom_first:
                break
            self.i = i
            items.append(self.expr())
            i = self.i
        self.i = i
        return b.sequence(items)  # what expansion(items) builds

    def expr(self):
        atom = self.atom()
        kind = self.kinds[self.i]
        if kind not in _SUFFIX_FIRST:
            return atom  # what expr([atom]) returns
        b = self.b
        if kind == "OP":
            return b.op_repeat([atom, self.take("OP")])
        if kind == "REPEAT_TILDE":
            children = [atom, self.take(kind), self.take("NUMBER")]
            if self.peek() == "DOTDOT":
                children.append(self.take("DOTDOT"))
                children.append(self.take("NUMBER"))
            return b.tilde_repeat(children)
        return b.brace_repeat([atom, self.take(kind), self.brace_range(), self.take("RBRACE")])

    def brace_range(self):
        children = []
        if self.peek() == "NUMBER":
            children.append(self.take("NUMBER"))
        if self.peek() == "COMMA":
            children.append(self.take("COMMA"))
            if self.peek() == "NUMBER":
                children.append(self.take("NUMBER"))
        if not children:
            raise Unread(self.i)
        return self.b.brace_range(children)

    def atom(self):
        kind = self.kinds[self.i]
        if kind == "RULE" or kind == "TOKEN" or kind == "STRING":
            return self.value()
        b = self.b
        if kind == "LPAR":
            return b.group([self.take(kind), self.expansions(), self.take("RPAR")])
        if kind == "LSQB":
            return b.maybe([self.take(kind), self.expansions(), self.take("RSQB")])
        if kind == "TILDE":
            return b.negation([self.take(kind), self.atom()])
        return self.value()

    def value(self):
        i = self.i
        kind = self.kinds[i]
        b = self.b
        if kind == "RULE" or kind == "TOKEN":
            self.i = i + 1
            name = b.name_ref(self.toks[i])  # what name([tok]) builds
            after = self.kinds[i + 1]
            if after == "LBRACE":
                children = [name, self.take("LBRACE"), self.value()]
                while self.peek() == "COMMA":
                    children.append(self.take("COMMA"))
                    children.append(self.value())
                children.append(self.take("RBRACE"))
                return b.template_usage(children)
            if after == "DOUBLE_COLON":
                return b.param_name([name, self.take(after), self.param_expr()])
            return name
        if kind == "STRING":
            tok = self.toks[i]
            self.i = i + 1
            if self.kinds[i + 1] == "DOTDOT":
                return b.literal_range([tok, self.take("DOTDOT"), self.take("STRING")])
            return b._literal(tok)  # what string([tok]) builds
        if kind == "REGEXP":
            return b.regexp([self.take(kind)])
        if kind == "SPECIAL_TOKEN":
            return b.special_token([self.take(kind)])
        if kind == "GRAMMAR_REF":
            return b.grammar_ref([self.take(kind)])
        if kind == "KW_JSON":
            return b.json([self.take(kind), self.take("JSON")])
        if kind == "KW_REGEX":
            return b.regex_ext([self.take(kind), self.take("JSON")])
        if kind == "KW_LARK":
            children = [self.take(kind), self.take("LBRACE")]
            children.extend(self.items("RBRACE"))
            children.append(self.take("RBRACE"))
            return b.nested_lark(children)
        raise Unread(self.i)

    # -- parametric grammars (read structurally)
    def param_expr(self):
        kind = self.peek()
        if kind in ("NUMBER", "HEXNUMBER", "UNDERSCORE"):
            return self.b.param_expr([self.take(kind)])
        return self.b.param_expr(self.call())

    def cond(self):
        return self.b.cond(self.call())

    def call(self) -> list:
        """``RULE LPAR [param_arg (COMMA param_arg)*] RPAR``"""
        children = [self.take("RULE"), self.take("LPAR")]
        if self.peek() != "RPAR":
            children.append(self.param_arg())
            while self.peek() == "COMMA":
                children.append(self.take("COMMA"))
                children.append(self.param_arg())
        children.append(self.take("RPAR"))
        return children

    def param_arg(self):
        kind = self.peek()
        if kind == "RULE":
            return self.cond()
        if kind == "UNDERSCORE":
            return self.b.param_ref([self.take(kind)])
        if kind == "LSQB":
            return self.b.param_ref(
                [self.take(kind), self.take("NUMBER"), self.take("COLON"), self.take("NUMBER"), self.take("RSQB")]
            )
        if kind == "NUMBER" or kind == "HEXNUMBER":
            return self.take(kind)
        raise Unread(self.i)
