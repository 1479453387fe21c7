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
instead of ``%import common.INT``, ``WORD: LETTER~1..64`` for ``WORD: LETTER+``.

**Fix (automatic, unsafe).** ``--fix --unsafe-fixes`` writes the bound the hint proposes:
every unbounded quantifier of the regex gets an upper bound (500 for free text, 18 for
digits, 64 for anything else: ``*`` → ``{0,n}``, ``+`` → ``{1,n}``, ``{m,}`` → ``{m,n}``),
an unbounded Lark repetition in a terminal likewise (``LETTER+`` → ``LETTER~1..64``, the
spelling Python Lark reads too), and an unbounded ``%import common`` name becomes a
bounded definition of the same name (``%import common.INT`` → ``INT: /[0-9]{1,18}/``). Unsafe: longer text is no longer
accepted; check that the bound fits the data. Not offered for a regex that also holds
something llguidance rejects or reads otherwise (a lookaround, a lazy or possessive
quantifier, a quantifier of a quantifier, ``\\Z``…): fix that first; the hint then shows
no bounded regex either (it would keep the lookaround llguidance rejects).
"""

from __future__ import annotations

from collections.abc import Iterator

from grammarkit import analysis as p
from grammarkit.analysis.bounds import unbounded_repeats
from grammarkit.core.diagnostics import Edit, Finding, Fix, Severity
from grammarkit.lint.edits import next_line_start, slashes_escaped
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
    repeats: dict[str, list] = {}
    for scope in a.scopes:
        lex = a.lexemes(scope)
        used = p.terminals_used_by_rules(scope)
        for d in scope.definition_list():
            if d.is_terminal and d.name in used and scope.definitions.get(d.name) is d:
                yield from _definition(ctx, a, lex, d, repeats)
        for local, (imp, iname) in scope.imports.items():
            if local in used and local not in scope.definitions:
                yield from _import(ctx, a, local, imp, iname)
        # (the regexes of rule_lexeme_nodes, from the grammar's index of regexes)
        for rule, leaf in scope.nodes_in_bodies(m.RegexLiteral):
            if not rule.is_terminal:
                what = f"regex /{_short(leaf.pattern)}/ in rule {rule.name}"
                yield from _regex_literal(ctx, a, leaf, what, None, repeats)


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
    yield Finding(
        site.span(r.op_start, r.op_end),
        _message("the regex grammar", site.pattern[r.start : r.end], free),
        _hint(tree, new, None),
        fix=_bound_regex(site.offset, tree, lang, ""),
    )


def _definition(ctx, a, lex, d: m.Definition, repeats: dict) -> Iterator[Finding]:
    what = f"terminal {d.name}"
    single = _single_regex(d)
    if single is not None:  # (the usual terminal: the walk below would meet only this regex)
        yield from _regex_literal(ctx, a, single, what, d.name, repeats)
        return
    for node in lex.scope.body(d):
        if isinstance(node, m.RegexLiteral):
            yield from _regex_literal(ctx, a, node, what, None, repeats)  # (not the whole body)
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
            # Lark's spelling, `~m..n`: Python Lark reads braces as a template (GK217)
            quantifier = f"~{node.min}..{max(node.min, bound)}"
            yield Finding(
                node.op_span,
                _message(what, shown, free),
                f"bound the repetition: {item}{quantifier}",
                fix=Fix(
                    f"bound the repetition: {_clip(item, 40)}{quantifier}",
                    (Edit(node.op_span.start, node.op_span.end, quantifier),),
                    safety="unsafe",  # longer text is no longer accepted
                ),
            )


def _regex_literal(
    ctx, a, node: m.RegexLiteral, what: str, name: str | None, memo: dict[str, list]
) -> Iterator[Finding]:
    """``memo``: pattern → its unbounded repetitions (one pattern, one tree: many
    terminals are written alike)."""
    try:
        tree = p.parse_regex(node.pattern)
    except p.Unanalysable:
        return
    repeats = memo.get(node.pattern)
    if repeats is None:
        repeats = memo[node.pattern] = unbounded_repeats(tree)
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
    yield Finding(
        ctx.index.span(start + r.op_start, start + r.op_end),
        _message(what, node.pattern[r.start : r.end], free),
        _hint(tree, f"/{new}/{node.flags}", name),
        fix=_bound_regex(start, tree, a.lang, node.flags),
    )


def _import(ctx, a, local: str, imp: m.Import, iname: m.ImportName) -> Iterator[Finding]:
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
    definition = f"{local}: /{slashes_escaped(p.bounded_pattern(pattern, tree, a.lang))}/"
    yield Finding(
        iname.span,
        _message(what, pattern[r.start : r.end], free),
        f"define a bounded terminal instead of the import: {definition}",
        fix=_define_instead(ctx.text, imp, iname, definition),
    )


def _hint(tree, bounded: str, name: str | None) -> str:
    """The bounded regex, unless the regex holds something llguidance rejects or reads
    otherwise (a lookaround above all, GK101): a replacement would keep it."""
    if not p.plainly_quantified(tree):
        return (
            "bound it once the regex is otherwise fixed (a lookaround or a lazy quantifier: GK101, "
            "GK102), e.g. {1,500} instead of + for free text"
        )
    return f"bound it: {name + ': ' if name else ''}{_clip(bounded, 160)}"


def _bound_regex(offset: int, tree, lang: p.Lang, flags: str) -> Fix | None:
    """Bound every unbounded quantifier of the regex whose pattern starts at ``offset`` in
    the grammar text; None when the regex holds something another rule reports."""
    if not p.plainly_quantified(tree):
        return None
    edits = tuple(Edit(offset + s, offset + e, q) for s, e, q in p.bound_edits(tree, lang, flags))
    if not edits:
        return None
    shown = ", ".join(e.replacement for e in edits[:3]) + (", …" if len(edits) > 3 else "")
    return Fix(f"bound the repetitions: {shown}", edits, safety="unsafe")


def _define_instead(text: str, imp: m.Import, iname: m.ImportName, definition: str) -> Fix | None:
    """Replace the import of ``iname`` with ``definition``: the whole statement when it
    imports that one name, else the name leaves the list and the definition follows."""
    title = f"define {definition} instead of the import"
    first, last = imp.names[0].span, imp.names[-1].span
    close = text.find(")", last.end)
    listed = close != -1 and not text[last.end : close].strip() and "\n" not in text[first.start : close]
    if len(imp.names) == 1:
        end = close + 1 if listed else imp.span.end  # `%import common (INT)` ends at its `)`
        return Fix(title, (Edit(imp.span.start, end, definition),), safety="unsafe")
    if not listed:
        return None
    others = ", ".join(text[n.span.start : n.span.end] for n in imp.names if n is not iname)
    after = next_line_start(text, close)
    newline = "" if text[:after].endswith("\n") else "\n"
    return Fix(
        title,
        (Edit(first.start, last.end, others), Edit(after, after, f"{newline}{definition}\n")),
        safety="unsafe",
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

