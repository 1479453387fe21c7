"""GK217 lark-incompatible: llguidance syntax that Python Lark cannot load as written.

**What it flags.** Every construct llguidance accepts but Python Lark refuses, so that an
application loading the same grammar text with ``lark.Lark(...)`` fails before parsing
anything. The list is the local parser's own (``grammarkit.local.normalize``, which
rewrites each of them so that samples still get Lark's verdict), one finding per place:

* ``x{2,3}`` repetition (Lark reads braces as a template use);
* names containing ``-`` (of rules, terminals, imports and ``-> aliases``);
* the empty string literal ``""``;
* a regex in a rule, a terminal, or an ``%ignore`` that can match the empty string, such
  as Codex's ``/(.*)/`` ("Dynamic Earley doesn't allow zero-width regexps");
* an alternative with an ``-> alias`` that equals another alternative once its optional
  part is left out, as in OpenAI's ``math_exp`` example
  ``expr: term (SP ADD SP term)* -> add | term`` ("Rules defined twice").

(``%llguidance { … }`` options, which Lark refuses too, are GK227's.)

**Why.** grammarkit's local parser translates these (so samples still get Lark's verdict),
but your application will not. The tool grammar and the application's parser should be
the same text.

**Example.**

    start: item{1,3} trailing-part
    trailing-part: ""

**Fix.** Use the spelling both read: ``item~1..3`` (``{m,}`` is ``item~m item*``), names
with ``_`` instead of ``-``, ``[x]`` or ``x?`` instead of an alternative with ``""``,
``/(.+)/?`` instead of ``/(.*)/``, ``%ignore /[ ]+/`` instead of ``%ignore /[ ]*/``, and
``+`` instead of ``*`` in the aliased alternative (``expr: term (SP ADD SP term)+ -> add
| term``: the other alternative already covers the case without it).
**Fix (automatic, safe).** Where the rewrite is local and keeps the inputs: ``{m,n}`` to
``~m..n``; a zero-width regex ``/X*/`` in a rule to ``/X+/?``; ``%ignore /X*/`` to
``%ignore /X+/``; the ``*`` (or ``?``) of the optional part that makes an aliased
alternative collide, when that part is its only optional one, to ``+`` (or required).
"""

from __future__ import annotations

from collections.abc import Iterator

from grammarkit.core.diagnostics import Edit, Finding, Fix, Severity
from grammarkit.local.parser import lark_rewrites
from grammarkit.reader import model as m

CODE = "GK217"
NAME = "lark-incompatible"
SEVERITY = Severity.INFO
SYNTAXES = ("lark",)


def check(ctx) -> Iterator[Finding]:
    grammar = ctx.grammar
    if grammar is None or (ctx.read is not None and not ctx.read.ok):
        return
    seen: set[tuple[str, int]] = set()
    nodes = _Nodes(grammar)
    for rewrite in lark_rewrites(ctx.text, ctx.read):
        if not rewrite.refused or rewrite.span is None:
            continue
        key = (rewrite.kind, rewrite.span.start)
        if key in seen:
            continue
        seen.add(key)
        finding = _finding(ctx, nodes, rewrite)
        if finding is not None:
            yield finding


class _Nodes:
    """The grammar's repetitions, rules and regexes looked up by place or name (the first
    in the model's order, as a scan would find)."""

    def __init__(self, grammar: m.Grammar) -> None:
        self.grammar = grammar
        self._maps: dict[type, dict] = {}  # one map per kind of node

    def _first_by(self, kind: type, key, keep=None) -> dict:
        found = self._maps.get(kind)
        if found is None:
            found = self._maps[kind] = {}
            for n in self.grammar.nodes_of(kind):
                if keep is None or keep(n):
                    found.setdefault(key(n), n)
        return found

    def repeat_at(self, op_span) -> m.Repeat | None:
        return self._first_by(m.Repeat, lambda n: n.op_span).get(op_span)

    def rule_named(self, name: str) -> m.Definition | None:
        return self._first_by(m.Definition, lambda n: n.name, lambda n: not n.is_terminal).get(name)

    def regex_at(self, span) -> m.RegexLiteral | None:
        return self._first_by(m.RegexLiteral, lambda n: n.span).get(span)


def _finding(ctx, nodes: _Nodes, rewrite) -> Finding | None:
    span = rewrite.span
    text = ctx.text[span.start : span.end]
    kind = rewrite.kind
    if kind == "braces-repeat":
        repeat = nodes.repeat_at(span)
        if repeat is None:
            return None
        tilde = _tilde(ctx, repeat)
        fix = Fix(f"{repeat.op} → {tilde}", (Edit(span.start, span.end, tilde),)) if " " not in tilde else None
        return Finding(
            span,
            f"Python Lark cannot read the repetition `{repeat.op}` (braces are its template syntax)",
            f"write {tilde} instead",
            fix=fix,
        )
    if kind == "dash-name":
        name = rewrite.subject
        return Finding(
            span,
            f"Python Lark cannot read the name {name} (no `-` in Lark names)",
            f"rename it to {name.replace('-', '_')}",
        )
    if kind == "empty-literal":
        return Finding(
            span, 'Python Lark refuses the empty string literal ""', "make the part optional instead: [x] or x?"
        )
    if kind == "zero-width-regex":
        node = nodes.regex_at(span)
        new = _nonempty(node.pattern) if node is not None else None
        fix = None
        hint = "make it match at least one character and its use optional (the same inputs)"
        if node is not None and new is not None:
            replacement = f"/{new}/{node.flags}?"
            fix = Fix(f"{text} → {replacement}", (Edit(span.start, span.end, replacement),))
            hint = f"write {replacement} instead (the same inputs)"
        return Finding(
            span,
            f"Python Lark refuses {text}, which can match the empty string "
            '("Dynamic Earley doesn\'t allow zero-width regexps")',
            hint,
            fix=fix,
        )
    if kind == "zero-width-terminal":
        name = rewrite.subject
        return Finding(
            span,
            f"Python Lark refuses terminal {name}, which can match the empty string "
            '("Dynamic Earley doesn\'t allow zero-width regexps")',
            f"make {name} match at least one character and write {name}? where it is used",
        )
    if kind == "zero-width-ignore":
        node = next((n for n in nodes.grammar.nodes_of(m.RegexLiteral) if _inside(n.span, span)), None)
        new = _nonempty(node.pattern) if node is not None and node.span == span else None
        fix = None
        hint = "ignore at least one character (ignoring the empty string changes nothing)"
        if node is not None and new is not None:
            replacement = f"/{new}/{node.flags}"
            fix = Fix(f"%ignore {replacement}", (Edit(span.start, span.end, replacement),))
            hint = f"write %ignore {replacement} instead (ignoring the empty string changes nothing)"
        return Finding(span, f"Python Lark refuses %ignore {text}, which can match the empty string", hint, fix=fix)
    if kind == "colliding-expansions":
        owner = rewrite.subject
        fix = _required(ctx, nodes, owner, span)
        hint = (
            "make that part required in the aliased alternative (`+` instead of `*`): "
            "the other alternative already covers the case without it"
        )
        if fix is not None:
            hint += f"; {fix.title}"
        return Finding(
            span,
            f"Python Lark refuses rule {owner}: without this optional part, its aliased alternative "
            'is the same as another one ("Rules defined twice")',
            hint,
            fix=fix,
        )
    return None


def _inside(inner, outer) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end


def _tilde(ctx, node: m.Repeat) -> str:
    if node.max is None:
        if node.min == 0:
            return "*"
        if node.min == 1:
            return "+"
        item = ctx.text[node.item.span.start : node.item.span.end]
        return f"~{node.min} followed by {item}*"
    if node.min == node.max:
        return f"~{node.min}"
    return f"~{node.min}..{node.max}"


def _nonempty(pattern: str) -> str | None:
    """``pattern`` made to match at least one character, for the simple shapes ``X*``,
    ``X{0,n}`` and ``(X*)`` (None otherwise)."""
    from grammarkit.regex_syntax import Group, RegexSyntaxError, Repeat, min_length, parse_remembered

    try:
        ast = parse_remembered(pattern)
    except RegexSyntaxError:
        return None
    node = ast
    if isinstance(node, Group) and node.kind in ("capture", "noncapture", "named"):
        node = node.child
    if not isinstance(node, Repeat) or node.min != 0 or min_length(node.child) == 0 or not node.greedy:
        return None
    if node.max is None:
        op = "+"
    elif node.max == 1:
        op = ""
    else:
        op = f"{{1,{node.max}}}"
    return pattern[: node.op_start] + op + pattern[node.op_end :]


def _required(ctx, nodes: _Nodes, owner: str, span) -> Fix | None:
    """Make the optional part at ``span`` required, when it is its alternative's only
    optional part and the alternative without it is another alternative of the rule."""
    rule = nodes.rule_named(owner)
    if rule is None:
        return None
    for alt in rule.body.alternatives:
        if alt.alias is None or len(alt.conjuncts) != 1:
            continue
        items = alt.conjuncts[0].items
        part = next((i for i in items if i.span == span), None)
        if part is None:
            continue
        optional = [i for i in items if isinstance(i, m.Maybe) or (isinstance(i, m.Repeat) and i.min == 0)]
        if optional != [part]:
            return None
        rest = " ".join(ctx.text[i.span.start : i.span.end] for i in items if i is not part)
        others = {
            " ".join(ctx.text[i.span.start : i.span.end] for i in o.conjuncts[0].items)
            for o in rule.body.alternatives
            if o is not alt and len(o.conjuncts) == 1
        }
        if rest not in others:
            return None
        written = ctx.text[part.span.start : part.span.end]
        if isinstance(part, m.Repeat) and part.form == "op" and part.op == "*":
            edit = Edit(part.op_span.start, part.op_span.end, "+")
            title = f"{written} → {ctx.text[part.item.span.start : part.item.span.end]}+"
        elif isinstance(part, m.Repeat) and part.form == "op" and part.op == "?":
            edit = Edit(part.op_span.start, part.op_span.end, "")
            title = f"{written} → {ctx.text[part.item.span.start : part.item.span.end]}"
        elif isinstance(part, m.Maybe):
            inner = ctx.text[part.body.span.start : part.body.span.end]
            edit = Edit(part.span.start, part.span.end, f"({inner})")
            title = f"{written} → ({inner})"
        else:
            return None
        return Fix(title, (edit,))
    return None
