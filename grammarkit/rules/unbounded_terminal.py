"""GK220 unbounded-terminal: a terminal the rules use that has no upper length bound.

**What it flags.** Each place that makes a terminal unbounded, when the terminal is used
by a rule: an unbounded quantifier (``*``, ``+``, ``{n,}``) in a ``/…/`` regex written in
a rule or in a terminal definition (``/.*/``, ``/[^"]+/``, ``/\\S+/``, ``/(.|\\n)*/``,
``/[a-z]+/``), an unbounded Lark repetition inside a terminal (``WORD: LETTER+``), an
``%import common`` name that is unbounded (``INT``, ``WORD``, ``WS``…), and a regex
grammar that is unbounded free text. A terminal used in many rules is reported once, at
its definition. Terminals used only by ``%ignore`` are GK107's business; unused ones GK229's.
A regex grammar is reported only when it is free text: the whole output is that one
token, a token format such as ``[a-z0-9-]+`` is usually what is meant, and the text
after it is the end of the tool input. The message says whether the terminal is *free
text* (a long run of a broad class of characters: ``.``, ``[^x]``, ``\\S``, a class
containing the space) or a token such as an identifier or a number.

**Why.** OpenAI's guide for grammar tools asks for bounded terminals: an unbounded
terminal lets the model keep sampling inside it, drifting out of distribution (endless
text, runaway digits) until it hits the token limit, and the grammar gives it no reason
to stop. Unbounded free text is the worst case; an unbounded identifier is the same
problem in a smaller form.

**Example.**

    start: "note: " TEXT
    TEXT: /.*/

**Fix.** Give every terminal an upper bound that fits the data:
``TEXT: /[^\\n]{1,500}/``, ``NAME: /[a-z_][a-z0-9_]{0,63}/``, ``INT: /[0-9]{1,18}/``
instead of ``%import common.INT``. A regex that also has a lookaround gets no bounded
replacement until the lookaround is gone (llguidance rejects it: GK101).
**Fix (automatic, unsafe).** The regex with every unbounded quantifier bounded (500 for
free text, 18 for digits, 64 otherwise), or a Lark repetition with ``~0..n``/``~1..n``;
offered when the replacement compiles with llguidance; unsafe because longer inputs are
then refused.
"""

from __future__ import annotations

from collections.abc import Iterator

from grammarkit import analysis as p
from grammarkit.core.diagnostics import Edit, Finding, Fix, Severity
from grammarkit.llg.compile import compile_report
from grammarkit.reader import model as m
from grammarkit.reader.common_terminals import common_regex

CODE = "GK220"
NAME = "unbounded-terminal"
SEVERITY = Severity.WARNING
SYNTAXES = ("lark", "regex")


def check(ctx) -> Iterator[Finding]:
    if ctx.syntax == "regex":
        yield from _check_regex_grammar(ctx)
        return
    a = ctx.analysis
    for scope in a.scopes:
        lex = a.lexemes(scope)
        used = p.terminals_used_by_rules(scope)
        for d in scope.definition_list():
            if d.is_terminal and d.name in used and scope.definitions.get(d.name) is d:
                yield from _definition(ctx, a, lex, d)
        for local, (_imp, iname) in scope.imports.items():
            if local in used and local not in scope.definitions:
                yield from _import(ctx, a, local, iname)
        for rule, leaf in p.rule_lexeme_nodes(scope):
            if isinstance(leaf, m.RegexLiteral):
                what = f"regex /{_short(leaf.pattern)}/ in rule {rule.name}"
                yield from _regex_literal(ctx, a, leaf, what, None)


def _check_regex_grammar(ctx) -> Iterator[Finding]:
    site = ctx.regex_sites[0]
    tree = site.ast
    if tree is None:
        return
    repeats = p.unbounded_repeats(tree)
    if not repeats:
        return
    lang = p.Lang(site.pattern)
    try:
        term = lang.regex(site.pattern)
    except p.Unanalysable:
        term = None
    free = term is not None and _free(lang, term)
    if not free:
        return  # a whole regex grammar is one token; only free text is reported there
    r = _pick(lang, repeats, "", free)
    new = p.bounded_pattern(site.pattern, tree, lang)
    hint, fix = _offer(tree, new, site.offset, site.pattern, "", regex_grammar=True)
    yield Finding(
        site.span(r.op_start, r.op_end),
        _message("the regex grammar", site.pattern[r.start : r.end], free),
        hint,
        fix=fix,
    )


def _definition(ctx, a, lex, d: m.Definition) -> Iterator[Finding]:
    what = f"terminal {d.name}"
    single = _single_regex(d)
    for node in lex.scope.body(d):
        if isinstance(node, m.RegexLiteral):
            yield from _regex_literal(ctx, a, node, what, d.name if node is single else None)
        elif isinstance(node, m.Repeat) and node.max is None:
            try:
                inner = lex.node_term(node.item)
            except p.Unanalysable:
                continue
            lo, hi = a.lang.lengths(inner)
            if hi is None or hi == 0:
                continue  # the item itself is reported (or matches nothing)
            free = p.is_broad(a.lang, a.lang.leaf_union(inner))
            shown = p.item_text(ctx, node)
            item = p.item_text(ctx, node.item)
            bound = p.bound_for(a.lang, inner)
            # Lark's own spelling (``~m..n``), which Python Lark reads too (GK217)
            tilde = f"~{node.min}..{max(node.min, bound)}"
            fix = Fix(f"{item}{tilde}", (Edit(node.op_span.start, node.op_span.end, tilde),), "unsafe")
            yield Finding(
                node.op_span,
                _message(what, shown, free),
                f"bound the repetition: {item}{tilde}",
                fix=fix,
            )


def _regex_literal(ctx, a, node: m.RegexLiteral, what: str, name: str | None) -> Iterator[Finding]:
    try:
        tree = p.parse_regex(node.pattern)
    except p.Unanalysable:
        return
    repeats = p.unbounded_repeats(tree)
    if not repeats:
        return
    try:
        term = a.lang.regex(node.pattern, node.flags)
    except p.Unanalysable:
        term = None
    free = term is not None and _free(a.lang, term)
    r = _pick(a.lang, repeats, node.flags, free)
    new = p.bounded_pattern(node.pattern, tree, a.lang, node.flags)
    start = node.pattern_offset
    hint, fix = _offer(tree, new, start, node.pattern, node.flags, name=name)
    yield Finding(
        ctx.index.span(start + r.op_start, start + r.op_end),
        _message(what, node.pattern[r.start : r.end], free),
        hint,
        fix=fix,
    )


def _offer(tree, new: str, offset: int, pattern: str, flags: str, *, name=None, regex_grammar=False):
    """The hint and the fix for a bounded replacement of a regex: offered only when the
    regex has no lookaround (llguidance rejects those: GK101, whose fix comes first) and
    the replacement compiles with llguidance."""
    shown = new if regex_grammar else f"/{new}/{flags}"
    if _has_lookaround(tree):
        return (
            "bound it once the lookaround is gone (GK101: llguidance rejects it), "
            "e.g. {1,500} instead of + for free text",
            None,
        )
    compiled = compile_report("regex", new) if regex_grammar else compile_report("lark", f"start: /{new}/{flags}\n")
    if not compiled.ok:
        return "bound it with {m,n} (e.g. {1,500} instead of + for free text)", None
    fix = Fix(_clip(shown, 160), (Edit(offset, offset + len(pattern), new),), "unsafe")
    return f"bound it: {name + ': ' if name else ''}{_clip(shown, 160)}", fix


def _has_lookaround(tree) -> bool:
    from grammarkit.regex_syntax import Anchor, Group, iter_nodes

    return any(
        (isinstance(n, Group) and n.kind in ("lookahead", "neg_lookahead", "lookbehind", "neg_lookbehind"))
        or (isinstance(n, Anchor) and n.kind.startswith(("word_", "not_word")))
        for n in iter_nodes(tree)
    )


def _import(ctx, a, local: str, iname: m.ImportName) -> Iterator[Finding]:
    pattern = common_regex(iname.name)
    if pattern is None:
        return
    try:
        tree = p.parse_regex(pattern)
        term = a.lang.regex(pattern)
    except p.Unanalysable:
        return
    repeats = p.unbounded_repeats(tree)
    if not repeats:
        return
    free = _free(a.lang, term)
    r = _pick(a.lang, repeats, "", free)
    what = f"imported terminal {local} (common.{iname.name.split('.')[-1]})"
    yield Finding(
        iname.span,
        _message(what, pattern[r.start : r.end], free),
        f"define a bounded terminal instead of the import: "
        f"{local}: /{p.bounded_pattern(pattern, tree, a.lang)}/",
    )


def _pick(lang: p.Lang, repeats: list, flags: str, free: bool):
    """The quantifier to point at: the first free-text one when there is one."""
    if free:
        for r in repeats:
            try:
                inner = lang._regex_term(r.child, p.Flags().apply(flags))
            except p.Unanalysable:
                continue
            if p.is_broad(lang, lang.leaf_union(inner)):
                return r
    return repeats[0]


def _free(lang: p.Lang, term: int) -> bool:
    for sub in lang.subterms(term):
        parts = lang.rep_parts(sub)
        if parts is not None and parts[2] is None and p.is_broad(lang, lang.leaf_union(parts[0])):
            return True
    return False


def _message(what: str, shown: str, free: bool) -> str:
    shown = _clip(shown, 40)
    if free:
        return (
            f"{what} is unbounded free text (`{shown}` has no upper limit): the model can "
            "keep writing it and drift out of distribution"
        )
    return f"{what} has no upper length bound (`{shown}`)"


def _single_regex(d: m.Definition) -> m.RegexLiteral | None:
    """The regex literal that is the whole body of ``d``, if it is."""
    alts = d.body.alternatives
    if len(alts) == 1 and len(alts[0].conjuncts) == 1:
        items = alts[0].conjuncts[0].items
        if len(items) == 1 and isinstance(items[0], m.RegexLiteral):
            return items[0]
    return None


def _short(pattern: str) -> str:
    return _clip(pattern, 40)


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"

