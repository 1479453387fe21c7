"""GK213 unicode-class: ``\\d``, ``\\w`` or ``\\s`` in a regex, which are Unicode-aware in Rust.

**What it flags.** A ``/…/`` regex of a Lark grammar (or a regex grammar) that uses the
Perl classes ``\\d``, ``\\w``, ``\\s`` or their negations ``\\D``, ``\\W``, ``\\S``, alone or
inside a bracket class (``[\\d.]``), where that changes what the regex matches: one
finding per regex, at the first such class, naming every one of them. Not flagged: a
class in the scope of the ASCII flag (``(?-u:\\d)``, or after ``(?-u)`` up to the end of
its group); a bracket class that is "any character" either way (``[\\s\\S]``,
``[\\d\\D]``); and ``\\d`` written in a string literal (``"\\d"`` is not a regex). ``\\b`` is
GK101's (llguidance rejects it).

Every finding carries a witness checked with llguidance: an input with a non-ASCII
character the model can send there (``٣`` for ``\\d``), or, for a negation, one it cannot
send although the ASCII spelling would allow it.

**Why.** llguidance compiles regexes with the Rust ``regex`` crate, whose Perl classes
follow Unicode: ``\\d`` is every decimal digit (``٣``, U+0663 ARABIC-INDIC DIGIT THREE,
and ``３``, a fullwidth digit), ``\\w`` every letter, mark, digit and connector
(``é``, ``ж``, ``中``), ``\\s`` every white space character (no-break space U+00A0,
U+2028). The model may emit any of them, and a field written as ``\\d+`` then reaches
your code with digits ``int()`` in another language cannot read. The negations are
Unicode-aware too: ``\\W`` also rejects ``é``.

**Example.**

    AMOUNT: /\\d{1,9}/
    start: "pay " AMOUNT

(the model may send ``pay ٣٠``)

**Fix.** Spell the ASCII class: ``[0-9]`` for ``\\d``, ``[0-9A-Za-z_]`` for ``\\w``,
``[\\t\\n\\v\\f\\r ]`` for ``\\s`` (``[^0-9]``, ``[^0-9A-Za-z_]``, ``[^\\t\\n\\v\\f\\r ]`` for
the negations); inside a class write the items, ``[0-9.]`` for ``[\\d.]``. If Unicode is
intended, keep it and ignore this rule. Rust's ``(?-u:\\d)`` is ASCII too, but Python's
``regex`` module (used for local checks) ignores ``-u`` (GK212), and llguidance rejects
``(?-u:\\D)``, ``(?-u:\\W)`` and ``(?-u:\\S)``, which can match invalid UTF-8.

**Fix (automatic, unsafe).** ``--fix --unsafe-fixes`` writes the ASCII class:
``\\d`` becomes ``[0-9]`` and ``\\D`` ``[^0-9]``; inside a class the items are written in
place (``[\\d.]`` becomes ``[0-9.]``), and a negation inside a class becomes a nested class
(``[a\\D]`` becomes ``[a[^0-9]]``; ``[\\D]`` alone becomes ``[^0-9]``). In verbose mode the
space of ``\\s`` is written ``\\ ``. Unsafe: the Unicode digits, letters and spaces are no
longer accepted (with the ``i`` flag, case folding still adds the Kelvin sign and the long
s to ``[0-9A-Za-z_]``). Not offered when a ``-`` follows the class inside brackets
(``[\\d-x]``), where the items would make a range. One fix writes every flagged class of
the regex (its one finding names them all).
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice

from grammarkit import analysis as p
from grammarkit.core.diagnostics import Edit, Finding, Fix, Severity
from grammarkit.reader import model as m

CODE = "GK213"
NAME = "unicode-class"
SEVERITY = Severity.WARNING
SYNTAXES = ("lark", "regex")

# letter -> (what the Unicode class matches, an example, the ASCII items)
_CLASSES = {
    "d": ("every Unicode decimal digit", "`٣` (U+0663)", "0-9"),
    "w": ("every Unicode letter, digit and connector", "`é` or `ж`", "0-9A-Za-z_"),
    "s": ("every Unicode white space character", "U+00A0 NO-BREAK SPACE", "\\t\\n\\v\\f\\r "),
}


def check(ctx) -> Iterator[Finding]:
    from grammarkit.regex_syntax import Class, ClassUnion, PerlClass, iter_with_flags

    index = _Index()
    walked: dict[tuple[str, str], list] = {}  # literals written alike are walked once
    for site in ctx.regex_sites:
        ast = site.ast
        if ast is None:
            continue
        flagged = walked.get((site.pattern, site.flags))
        if flagged is None:
            in_class: set[int] = set()
            parents: dict[int, Class | ClassUnion] = {}
            flagged = []  # (class, inside a bracket class, that class, verbose mode)
            for node, flags in iter_with_flags(ast, site.flags):
                if isinstance(node, (Class, ClassUnion)):
                    in_class.update(id(item) for item in node.items)
                    parents.update((id(item), node) for item in node.items)
                if isinstance(node, PerlClass) and flags.get("u", True):
                    flagged.append((node, id(node) in in_class, parents.get(id(node)), bool(flags.get("x"))))
            walked[(site.pattern, site.flags)] = flagged
        if not flagged:
            continue
        # The ASCII reading, for the witness: nested classes mean the same in any position.
        ascii_pattern = _apply(site.pattern, [_meaning(n, inside, verbose) for n, inside, _, verbose in flagged])
        witness = _witness(ctx, site, ascii_pattern, index)
        if witness is None:
            continue  # the same strings either way ([\s\S]), or nothing llguidance confirms
        yield _finding(site, flagged, witness)


def _meaning(node, inside: bool, verbose: bool) -> tuple[int, int, str]:
    items = _items(node, verbose)
    return node.start, node.end, f"[^{items}]" if node.negated else f"[{items}]"


def _items(node, verbose: bool) -> str:
    items = _CLASSES[node.letter][2]
    return items.replace(" ", "\\ ") if verbose else items  # verbose mode skips a bare space


def _apply(pattern: str, edits: list[tuple[int, int, str]]) -> str:
    out = pattern
    for start, end, text in sorted(edits, reverse=True):
        out = out[:start] + text + out[end:]
    return out


def _finding(site, flagged, witness) -> Finding:
    written = [site.pattern[n.start : n.end] for n, *_ in flagged]
    distinct = {w: next(f for f in flagged if site.pattern[f[0].start : f[0].end] == w) for w in written}
    parts = []
    hints = []
    for w, (node, inside, _parent, verbose) in distinct.items():
        what, example, items = _CLASSES[node.letter]
        verb = "excludes" if node.negated else "matches"
        count = written.count(w)
        times = f" ({count} times here)" if count > 1 else ""
        parts.append(f"`{w}`{times} {verb} {what}, e.g. {example}, not only [{items}]")
        ascii_items = _items(node, verbose)
        if inside and not node.negated:
            hints.append(f"write `{ascii_items}` in the class instead of `{w}`")
        elif inside:
            hints.append(f"replace `{w}` with the nested class `[^{ascii_items}]`")
        else:
            form = f"[^{ascii_items}]" if node.negated else f"[{ascii_items}]"
            hints.append(f"write `{form}` instead of `{w}`")
    if len(distinct) == 1:
        (w,) = distinct
        node = distinct[w][0]
        what, example, items = _CLASSES[node.letter]
        times = f" ({written.count(w)} times here)" if written.count(w) > 1 else ""
        verb = "excludes" if node.negated else "matches"
        message = f"`{w}`{times} is Unicode-aware in Rust: it {verb} {what}, e.g. {example}, not only [{items}]"
    else:
        names = ", ".join(f"`{w}`" for w in list(distinct)[:-1]) + f" and `{list(distinct)[-1]}`"
        message = f"{names} are Unicode-aware in Rust: " + "; ".join(parts)
    first = flagged[0][0]
    hint = "for ASCII only, " + "; ".join(hints)
    return Finding(site.span(first.start, first.end), message, hint, fix=_fix(site, flagged), witness=witness)


def _fix(site, flagged) -> Fix | None:
    """Every flagged class of the regex as its ASCII class (one fix, so that the
    diagnostic goes); None when one of them cannot be written so (``[\\d-x]``)."""
    fixes = [_ascii_fix(site, node, parent, verbose) for node, _inside, parent, verbose in flagged]
    if any(f is None for f in fixes):
        return None
    edits = tuple(e for f in fixes for e in f.edits)  # type: ignore[union-attr]
    titles = list(dict.fromkeys(f.title for f in fixes))  # type: ignore[union-attr]
    return Fix("; ".join(titles), edits, safety="unsafe")


def _ascii_fix(site, node, parent, verbose: bool) -> Fix | None:
    """Write the Perl class ``node`` as its ASCII class (see the docstring)."""
    from grammarkit.regex_syntax import Class

    pattern = site.pattern
    written = pattern[node.start : node.end]
    items = _items(node, verbose)
    start, end = node.start, node.end
    if parent is None:
        replacement = f"[^{items}]" if node.negated else f"[{items}]"
    else:
        if pattern[end : end + 1] == "-" and pattern[end + 1 : end + 2] != "]":
            return None  # `[\\d-x]`: the items would start a range
        if not node.negated:
            replacement = items
        elif isinstance(parent, Class) and len(parent.items) == 1:
            # `[\\D]` is `[^0-9]`, `[^\\D]` is `[0-9]`
            start, end = parent.start, parent.end
            replacement = f"[{items}]" if parent.negated else f"[^{items}]"
        else:
            replacement = f"[^{items}]"  # a nested class
    return Fix(
        f"write `{written}` as the ASCII `{replacement}`",
        (Edit(site.offset + start, site.offset + end, replacement),),
        safety="unsafe",  # Unicode digits, letters and spaces are no longer accepted
    )


# ------------------------------------------------------------------------ witnesses


def _witness(ctx, site, ascii_pattern: str, index: _Index):
    """An input showing the difference (accepted: a character the Unicode class allows;
    rejected: one only the ASCII spelling would allow), confirmed by llguidance."""
    if ctx.syntax == "regex":
        lang = p.Lang(site.pattern + ascii_pattern)
        try:
            found = lang.distinguish(lang.regex(site.pattern), lang.regex(ascii_pattern))
        except p.Unanalysable:
            return None
        if found is None:
            return None
        text, accepted = found
        return ctx.witnesses.confirm(text, accepted=accepted, note=_note(text, accepted))
    return _lark_witness(ctx, site, ascii_pattern, index)


def _note(text: str, accepted: bool) -> str:
    odd = [c for c in text if ord(c) > 127]
    shown = f"U+{ord(odd[0]):04X}" if odd else "it"
    return f"{shown} is allowed by the Unicode class" if accepted else f"{shown} is excluded by the Unicode class"


def _lark_witness(ctx, site, ascii_pattern: str, index: _Index):
    a = ctx.analysis
    literal = site.literal
    for scope in a.scopes:
        at = index.of(a, scope)
        owner = at.owner.get(id(literal))
        names = at.terminals_using(owner.name) if owner is not None and owner.is_terminal else set()
        ignores = [
            ig
            for ig in scope.ignores
            if any(n is literal or (isinstance(n, m.NameRef) and n.name in names) for n in p.body_nodes(ig.body))
        ]
        if owner is None and not ignores:
            continue
        lex = a.lexemes(scope)
        try:
            ascii_term = a.lang.regex(ascii_pattern, literal.flags)
        except p.Unanalysable:
            return None
        flow = a.flow(scope)
        sentences = a.sentences(scope)
        if owner is not None and not owner.is_terminal:
            places = at.node_places.get(id(literal), [])
        else:
            places = sorted(place for n in names for place in at.sym_places.get(("T", n), ()))
        for i, pos in places[:4]:
            sym = flow.prods[i].rhs[pos]
            try:
                uni = lex.term(sym)
                if uni is None:
                    continue
                if sym[0] == "R":
                    other = ascii_term
                else:
                    other = lex.node_term(scope.definitions[sym[1]].body, {id(literal): ascii_term})
            except (p.Unanalysable, KeyError, RecursionError):
                continue
            found = a.lang.distinguish(uni, other)
            sentence = sentences.through(i, pos)
            if found is None or sentence is None:
                continue
            text, accepted = found
            rendered = sentences.render(sentence, {sentence.slot: text})
            if rendered is None:
                continue
            witness = ctx.witnesses.confirm(
                rendered.text,
                accepted=accepted,
                scope=scope,
                prefix=rendered.before(sentence.slot),
                note=_note(text, accepted),
            )
            if witness is not None:
                return witness
        for ig in ignores:
            witness = _ignore_witness(ctx, a, scope, ig, literal, ascii_term)
            if witness is not None:
                return witness
    return None


def _ignore_witness(ctx, a, scope, ig, literal, ascii_term):
    """For a regex an ``%ignore`` uses: the difference placed between the first two
    lexemes of the shortest input (llguidance skips ignored text only between lexemes)."""
    lex = a.lexemes(scope)
    try:
        uni = lex.node_term(ig.body)
        other = lex.node_term(ig.body, {id(literal): ascii_term})
    except (p.Unanalysable, RecursionError):
        return None
    found = a.lang.distinguish(uni, other)
    if found is None:
        return None
    sentences = a.sentences(scope)
    flow = a.flow(scope)
    first_places = islice(
        ((i, pos) for i, prod in enumerate(flow.prods) for pos, sym in enumerate(prod.rhs) if not flow.is_nt(sym)), 8
    )
    candidates = [sentences.shortest()] + [sentences.through(i, pos) for i, pos in first_places]
    rendered, cut = None, None
    for sentence in candidates:
        rendered = sentences.render(sentence) if sentence is not None else None
        if rendered is not None:
            cut = next((s for s in rendered.starts[1:] if 0 < s < len(rendered.text)), None)
            if cut is not None:
                break
    if rendered is None or cut is None:
        return None
    text, accepted = found
    witness_text = rendered.text[:cut] + text + rendered.text[cut:]
    return ctx.witnesses.confirm(witness_text, accepted=accepted, scope=scope, note=_note(text, accepted))


class _Index:
    """What the witnesses look up, per scope (computed once, on first use)."""

    def __init__(self) -> None:
        self._scopes: dict[int, _ScopeIndex] = {}

    def of(self, a, scope) -> _ScopeIndex:
        found = self._scopes.get(id(scope))
        if found is None:
            found = self._scopes[id(scope)] = _ScopeIndex(a, scope)
        return found


class _ScopeIndex:
    """The definition that holds each node (the first, in the order of the text), the
    terminals that use each name, and the places of each node and lexeme in the BNF."""

    def __init__(self, a, scope) -> None:
        self.owner: dict[int, m.Definition] = {}
        self._users: dict[str, list[str]] = {}
        for d in scope.definition_list():
            for n in scope.body(d):
                self.owner.setdefault(id(n), d)
                if d.is_terminal and isinstance(n, m.NameRef):
                    self._users.setdefault(n.name, []).append(d.name)
        flow = a.flow(scope)
        self.node_places: dict[int, list[tuple[int, int]]] = {}
        self.sym_places: dict[tuple, list[tuple[int, int]]] = {}
        for i, prod in enumerate(flow.prods):
            for pos, (sym, node) in enumerate(zip(prod.rhs, prod.nodes, strict=False)):
                if node is not None:
                    self.node_places.setdefault(id(node), []).append((i, pos))
                if not flow.is_nt(sym):
                    self.sym_places.setdefault(sym, []).append((i, pos))

    def terminals_using(self, target: str) -> set[str]:
        """Terminal names whose definition is ``target`` or uses it (through names)."""
        out = {target}
        stack = [target]
        while stack:
            for user in self._users.get(stack.pop(), ()):
                if user not in out:
                    out.add(user)
                    stack.append(user)
        return out
