"""GK224 right-recursion: a rule that repeats a list by calling itself at its end (``many: one many``).

**What it flags.** An alternative of a rule whose last item is the rule itself (or
``[rule]`` / ``rule?``, or an optional ``[P rule]``) after at least one other item, when
its first item is not the rule too, and the recursion builds a *list*: what comes before
the recursive call holds an element (a rule, or a terminal that is not a fixed string),
and it is the same kind of element the rule ends with, or the rule has no other way to
end: ``many: one many | one``, ``list: item "," list | item``, ``chars: CHAR chars?``,
``list: item ["," list]``. The location is the recursive reference. Not flagged: left
recursion (``many: many one``), recursion in the middle (``"(" expr ")"``), and a prefix
operator, which is not a list (``atom: "-" atom | NUMBER``, ``neg: "not " neg | ATOM``,
``stmt: "if" cond "then" stmt | simple``).

**Why.** llguidance's docs: "prefer ``many: one+`` (or ``one*``) over
``many: many one | one``. Do not use ``many: one many | one``." Its Earley parser keeps
an unfinished item per repetition of a right-recursive rule: it is slower than
necessary and hits the parser's item limits after 100–1000 repetitions. ``one+`` is
translated to the most efficient form internally. A prefix operator repeats only as often
as the model stacks it (``--5``), which is not what these limits are about.

**Example.**

    start: items
    items: item "," items | item
    item: /[a-z]{1,16}/

**Fix.** Write the repetition with an operator: ``items: item ("," item)*``; in general
``r: P r | Q`` is ``r: (P)* Q``, and ``many: one many | one`` is ``many: one+``.

**Fix (automatic, safe).** ``--fix`` rewrites the rule's body when it has one recursive
alternative: ``list: item "," list | item`` → ``list: item ("," item)*``,
``many: one many | one`` → ``many: one+``, ``chars: CHAR chars?`` → ``chars: CHAR+``,
``list: item ["," list]`` → ``list: item ("," item)*``, and in general ``r: P r | Q`` →
``r: (P)* Q``, ``r: P r? | Q`` → ``r: (P)* (P | Q)``, ``r: X [S r] | Q`` →
``r: (X S)* (X | Q)``. Safe: each is the same language (a derivation of ``r`` is some
``P``'s then one ``Q``). The parse tree changes shape: the nested ``r`` subtrees become
one flat ``r`` with every item as its child, so code that walks the tree recursively
must read a list instead. Not offered when ``P`` itself refers to ``r``, when an
alternative has an alias (``-> name``), a condition or ``&`` or is empty, when the rule has
attributes (``[lazy]``, ``[stop=…]``…) or a comment inside its body.
"""

from __future__ import annotations

from collections.abc import Iterator

from grammarkit import analysis as p
from grammarkit.core.diagnostics import Edit, Finding, Fix, Severity
from grammarkit.lint.edits import lark_tokens
from grammarkit.reader import model as m
from grammarkit.reader.lexer import comments

CODE = "GK224"
NAME = "right-recursion"
SEVERITY = Severity.WARNING
SYNTAXES = ("lark",)


def check(ctx) -> Iterator[Finding]:
    a = ctx.analysis
    for scope in a.scopes:
        for d in scope.definition_list():
            if d.is_terminal or d.params is not None or d.name not in scope.refs(d):
                continue  # (a rule that does not name itself cannot recurse on itself)
            alts = d.body.alternatives
            recursive = []
            for alt in alts:
                if len(alt.conjuncts) != 1:
                    continue
                items = alt.conjuncts[0].items
                if (
                    len(items) >= 2
                    and not _is_self(items[0], d.name)
                    and (_is_self(items[-1], d.name) or _tail_self(items[-1], d.name) is not None)
                ):
                    recursive.append(alt)
            if not recursive:
                continue
            others = [alt for alt in alts if alt not in recursive]
            fix = _fix(ctx, d, recursive[0], others) if len(recursive) == 1 else None
            for alt in recursive:
                items = alt.conjuncts[0].items
                tail = _tail_self(items[-1], d.name)
                if not _list_like(ctx, scope, d, items, tail, others):
                    continue
                yield Finding(
                    (tail or items[-1]).span,
                    f"rule {d.name} is right-recursive ({d.name} is the last item of its own "
                    "alternative): llguidance's Earley parser keeps an item per repetition, "
                    "is slow and hits its limits after a few hundred",
                    f"write the repetition with an operator: {_rewrite(ctx, d, alt, others)}",
                    fix=fix,
                )


def _list_like(ctx, scope, d: m.Definition, items, tail, others) -> bool:
    """Whether the recursion repeats elements (a list), not a prefix operator."""
    if tail is not None:  # r: X [P r]
        body = items[-1].body if isinstance(items[-1], m.Maybe) else items[-1].item.body
        prefix = list(items[:-1]) + list(body.alternatives[0].conjuncts[0].items[:-1])
    else:
        prefix = list(items[:-1])
    elements = [i for i in prefix if _is_element(ctx, scope, i)]
    if not elements:
        return False
    if tail is not None or not isinstance(items[-1], m.NameRef):  # r: X [P r], r: P r?
        return True
    ending = [o for o in others if any(_is_element(ctx, scope, i) for i in _items(o))]
    if not ending:
        return True
    shown = {p.item_text(ctx, e) for e in elements}
    return any(p.item_text(ctx, i) in shown for o in ending for i in _all_items(o))


def _items(alt: m.Alternative) -> list[m.Node]:
    return list(alt.conjuncts[0].items) if len(alt.conjuncts) == 1 else []


def _all_items(alt: m.Alternative) -> list[m.Node]:
    out: list[m.Node] = []
    for conj in alt.conjuncts:
        for node in conj.items:
            out.extend(p.body_nodes(node))
    return out


def _is_element(ctx, scope, node: m.Node) -> bool:
    """A list element: a rule, a regex, or a terminal that is not a fixed string (a
    string literal, or a terminal made only of them, is an operator or a delimiter)."""
    for sub in p.body_nodes(node):
        if isinstance(sub, m.RegexLiteral):
            return True
        if isinstance(sub, (m.NameRef, m.ParamName, m.TemplateUsage)):
            if not m.is_terminal_name(sub.name):
                return True
            if not ctx.analysis.lexemes(scope).is_keyword(("T", sub.name)):
                return True
    return False


def _is_self(node: m.Node, name: str) -> bool:
    if isinstance(node, m.NameRef):
        return node.name == name
    if isinstance(node, m.Maybe) or (isinstance(node, m.Repeat) and node.max == 1 and node.min == 0):
        body = node.body if isinstance(node, m.Maybe) else None
        if body is None:
            return _is_self(node.item, name)  # type: ignore[union-attr]
        return (
            len(body.alternatives) == 1
            and len(body.alternatives[0].conjuncts) == 1
            and len(body.alternatives[0].conjuncts[0].items) == 1
            and _is_self(body.alternatives[0].conjuncts[0].items[0], name)
        )
    return False


def _tail_self(node: m.Node, name: str) -> m.NameRef | None:
    """The reference to ``name`` ending ``[P name]`` / ``(P name)?``, if that is ``node``."""
    if isinstance(node, m.Maybe):
        body = node.body
    elif isinstance(node, m.Repeat) and node.max == 1 and node.min == 0 and isinstance(node.item, m.Group):
        body = node.item.body
    else:
        return None
    if len(body.alternatives) != 1 or len(body.alternatives[0].conjuncts) != 1:
        return None
    inner = body.alternatives[0].conjuncts[0].items
    if len(inner) >= 2 and isinstance(inner[-1], m.NameRef) and inner[-1].name == name:
        return inner[-1]
    return None


def _rewrite(ctx, d: m.Definition, alt: m.Alternative, others: list[m.Alternative]) -> str:
    items = alt.conjuncts[0].items
    tail = _tail_self(items[-1], d.name)
    if tail is not None:
        # r: X [P r]  ==  r: X (P X)*
        body = items[-1].body if isinstance(items[-1], m.Maybe) else items[-1].item.body  # type: ignore[attr-defined]
        sep = " ".join(p.item_text(ctx, i) for i in body.alternatives[0].conjuncts[0].items[:-1])
        head = " ".join(p.item_text(ctx, i) for i in items[:-1])
        one = head if len(items) == 2 else f"({head})"
        if not others:
            return f"{d.name}: {head} ({sep} {one})*"
        # r: X [P r] | Y  ==  r: (X P)* (X | Y)
        ends = " | ".join([head] + [p.item_text(ctx, o) for o in others])
        return f"{d.name}: ({head} {sep})* ({ends})"
    prefix = " ".join(p.item_text(ctx, i) for i in items[:-1])
    optional_self = not isinstance(items[-1], m.NameRef)
    rest = [p.item_text(ctx, o) for o in others]
    grouped = prefix if len(items) == 2 and _simple(items[0]) else f"({prefix})"
    if optional_self:
        # r: P r?  ==  P+ ;  r: P r? | Q  ==  (P)* (P | Q)
        if not rest:
            return f"{d.name}: {grouped}+"
        return f"{d.name}: {grouped}* ({' | '.join([prefix, *rest])})"
    if not rest:
        return f"{d.name}: {grouped}* …  (the rule never ends: add a non-recursive alternative)"
    if rest == [prefix]:
        return f"{d.name}: {grouped}+"
    # r: P X r | X  ->  r: X (P' X)* is nicer when P ends with what Q is; keep it general.
    if len(rest) == 1 and prefix.startswith(rest[0] + " "):
        sep = prefix[len(rest[0]) + 1 :]
        return f"{d.name}: {rest[0]} ({sep} {rest[0]})*"
    q = rest[0] if len(rest) == 1 else "(" + " | ".join(rest) + ")"
    return f"{d.name}: {grouped}* {q}"


def _simple(node: m.Node) -> bool:
    return isinstance(node, (m.NameRef, m.Literal, m.RegexLiteral, m.Group))


# --------------------------------------------------------------------------- the fix


def _fix(ctx, d: m.Definition, alt: m.Alternative, others: list[m.Alternative]) -> Fix | None:
    """Rewrite the body of ``d``, whose one recursive alternative is ``alt``, as a
    repetition (see the docstring); None where that is not sure to keep the language."""
    alts = [alt, *others]
    if d.attributes or any(
        a.alias or a.condition or len(a.conjuncts) != 1 or not a.conjuncts[0].items for a in alts
    ):
        return None  # (an empty alternative has no place in the text to rewrite from)
    body = d.body.span
    if any(body.start <= offset < body.end for offset, _ in comments(ctx.text)):
        return None
    items = alt.conjuncts[0].items
    last = items[-1]
    tail = _tail_self(last, d.name)
    if tail is not None:
        # r: X [S r] | Q  ==  r: X | X S r | Q  ==  r: (X S)* (X | Q)
        inner = last.body if isinstance(last, m.Maybe) else last.item.body  # type: ignore[attr-defined]
        head, sep = items[:-1], inner.alternatives[0].conjuncts[0].items[:-1]
        if _refers_to(d.name, [*head, *sep]):
            return None
        x = _seq(ctx, head)
        if not others:
            rewritten = f"{x} ({_seq(ctx, sep)} {_unit(ctx, head)})*"
        else:
            rest = [_seq(ctx, o.conjuncts[0].items) for o in others]
            rewritten = f"({x} {_seq(ctx, sep)})* ({' | '.join([x, *rest])})"
    else:
        prefix = items[:-1]
        if _refers_to(d.name, prefix):
            return None
        p_unit = _unit(ctx, prefix)
        rest = [_seq(ctx, o.conjuncts[0].items) for o in others]
        if not isinstance(last, m.NameRef):
            # r: P r? | Q  ==  r: P r | P | Q
            rewritten = f"{p_unit}+" if not rest else f"{p_unit}* ({' | '.join([_seq(ctx, prefix), *rest])})"
        elif not rest:
            return None  # the rule never ends
        elif len(others) == 1 and _tokens(ctx, others[0].conjuncts[0].items) == _tokens(ctx, prefix):
            rewritten = f"{p_unit}+"  # r: P r | P
        elif len(others) == 1 and _starts_with(ctx, prefix, others[0].conjuncts[0].items):
            # r: Q S r | Q  ==  r: Q (S Q)*
            head = others[0].conjuncts[0].items
            rewritten = f"{rest[0]} ({_seq(ctx, prefix[len(head):])} {_unit(ctx, head)})*"
        else:
            q = rest[0] if len(rest) == 1 else f"({' | '.join(rest)})"
            rewritten = f"{p_unit}* {q}"
    return Fix(f"write {d.name} as a repetition: {d.name}: {rewritten}", (Edit(body.start, body.end, rewritten),))


def _source(ctx, node: m.Node) -> str:
    return ctx.text[node.span.start : node.span.end]


def _seq(ctx, items: list[m.Node]) -> str:
    return " ".join(_source(ctx, i) for i in items)


def _unit(ctx, items: list[m.Node]) -> str:
    """The items as one operand of a postfix operator: parenthesised unless one atom."""
    if len(items) == 1 and _simple(items[0]):
        return _source(ctx, items[0])
    return f"({_seq(ctx, items)})"


def _tokens(ctx, items: list[m.Node]) -> list[tuple[str, ...]]:
    return [lark_tokens(_source(ctx, i)) for i in items]


def _starts_with(ctx, items: list[m.Node], head: list[m.Node]) -> bool:
    return 0 < len(head) < len(items) and _tokens(ctx, items[: len(head)]) == _tokens(ctx, head)


def _refers_to(name: str, items: list[m.Node]) -> bool:
    return any(isinstance(n, m.NameRef) and n.name == name for i in items for n in m.walk(i))
