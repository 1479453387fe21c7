"""GK221 split-free-text: a delimiter that can never follow the terminal before it.

**What it flags.** A terminal used in a rule where the next lexeme (directly, or after the
rule ends, through the rules that use it) can never come, because the terminal always
goes on with the character that lexeme starts with:

* free text (a long or unbounded run of a broad class of characters, such as
  ``/[^\\n]+/``, ``/.{1,500}/`` or ``/[A-Za-z ,.]+/``) followed by a delimiter it can
  contain: the guide's ``start: TEXT "(" TEXT ")" TEXT``, a sentence split on
  ``" and "``, two free-text terminals in a row (for bounded free text: until it
  reaches its maximum length);
* any terminal, when *no* match of it can end before that delimiter: ``ID "\\n"`` with
  ``ID: /[a-z]{1,8}/ WS`` and ``WS: /[ \\n]*/`` (every ``ID`` can take one more newline).

A terminal with several alternatives is flagged only when the delimiter cannot follow
any of them (``ID: /[a-z]+/ | "\\\\" /[^ \\n]+/`` may be followed by ``"("`` after ``ab``),
and with ``%ignore`` only when the ignored text cannot separate them either
(``ARG ARG`` with ``ARG: /[^ \\n]{1,100}/`` and ``%ignore " "`` is fine: ``a b``). Lazy
terminals (``[lazy]``, ``stop=``, ``suffix=``) end at their first match and are not flagged.

Every finding carries a *witness*, checked with llguidance before it is reported: an
input the rules seem to allow, with the delimiter right after the terminal, that
llguidance rejects. When such an input is still accepted in another way (an optional
``["(" NOTE ")"]`` after ``/[^\\n]{1,99}/`` is read as more text, and the input is
accepted as text), nothing is reported.

**Why.** llguidance's lexer is greedy: it extends the current terminal as long as the
next character can go on with it, and only ends it when the next character cannot belong
to it. When the delimiter's first character can also continue the terminal, the lexer
reads it as more of the terminal, so the delimiter and everything after it can never be
produced: the model is held inside the terminal until its length limit (or forever).
OpenAI's guide says not to split free text across rules for this reason.

**Example.**

    start: TEXT "(" TEXT ")"
    TEXT: /[^\\n]{1,200}/

(``TEXT`` reads ``a(`` as text: the ``"("`` can never follow it; llguidance rejects
``a(a)``.)

**Fix.** Keep the delimiter out of the free text (``TEXT: /[^()\\n]{1,200}/``), or make the
whole span one terminal and split it after parsing. A delimiter the text cannot contain
(a newline after ``/[^\\n]{1,500}/``) is the safe way to end free text.
**Fix (automatic, unsafe).** When the free text is one regex repeating a negated class or
``.`` (``/[^\\n]{1,200}/``, ``/.{1,80}/``), the delimiter's first character is added to
the class (``/[^(\\n]{1,200}/``); unsafe because the text can no longer contain it.
"""

from __future__ import annotations

from collections.abc import Iterator

from grammarkit import analysis as p
from grammarkit.core.diagnostics import Edit, Finding, Fix, Severity
from grammarkit.reader import model as m

CODE = "GK221"
NAME = "split-free-text"
SEVERITY = Severity.WARNING
SYNTAXES = ("lark",)


def check(ctx) -> Iterator[Finding]:
    a = ctx.analysis
    for scope in a.scopes:
        lex = a.lexemes(scope)
        flow = a.flow(scope)
        greedy = a.greedy(scope)
        if greedy.ignore_unknown:
            continue
        reported: set[int] = set()
        empty = [f.span for code, f in ctx.found if code == "GK110"]  # the same place, as an error
        hindered_anywhere = greedy.hindered_anywhere()  # (usually none)
        if not hindered_anywhere:
            continue
        for i, pos, sym in greedy.sites():
            if sym not in hindered_anywhere:
                continue
            hindered = greedy.hindered(sym)
            prod = flow.prods[i]
            node = prod.nodes[pos]
            if node is None or id(node) in reported or prod.origin in flow.lazy_rules or node.span in empty:
                continue
            term = lex.term(sym)
            if term is None:
                continue
            followers = flow.followers(prod, pos)
            statuses = {d: status for d, status in hindered.items() if d in followers}
            if not statuses:
                continue
            free = lex.free_text_term(term)
            for follower in sorted(statuses, key=lambda k: (k[0] != "L", repr(k))):
                status = statuses[follower]
                if status == "at-limit" and not free:
                    continue
                finding = _witnessed(ctx, a, scope, i, pos, sym, follower, free, status)
                if finding is not None:
                    reported.add(id(node))
                    yield finding
                    break


def _witnessed(ctx, a, scope, i: int, pos: int, sym, follower, free: bool, status: str) -> Finding | None:
    """The finding, when llguidance rejects an input with ``follower`` right after ``sym``."""
    greedy = a.greedy(scope)
    sentences = a.sentences(scope)
    lex = a.lexemes(scope)
    ends = greedy.end_states(sym)
    fmask = greedy.first_mask(follower)
    after_text = sentences.sample(follower)
    if ends is None or fmask is None or after_text is None:
        return None
    w = ends.absorbing(a.lang.char_mask(after_text[0]))  # (a sample's characters are in the alphabet)
    sentence = sentences.through(i, pos, follower)
    if w is None or sentence is None:
        return None
    rendered = sentences.render(sentence, {sentence.slot: w, sentence.follower: after_text})
    if rendered is None:
        return None
    text, after = lex.describe(sym), lex.describe(follower)
    witness = ctx.witnesses.confirm(
        rendered.text,
        accepted=False,
        scope=scope,
        prefix=rendered.before(sentence.slot),
        note=f"{text} reads {p.show(_clip(w + after_text[0]))} as one {text}, so {after} never comes",
    )
    if witness is None:
        return None
    prod = a.flow(scope).prods[i]
    node = prod.nodes[pos]
    return _finding(ctx, a, scope, node, sym, follower, w + after_text[0], prod.origin, free, status, witness)


def _finding(ctx, a, scope, node, sym, follower, sample: str, origin: str, free: bool, status: str, witness):
    lex = a.lexemes(scope)
    greedy = a.greedy(scope)
    text = lex.describe(sym)
    after = lex.describe(follower)
    char = sample[-1]
    what = f"free text {text}" if free else f"terminal {text}"
    ignored = " (nor after ignored text)" if greedy.ignore is not None else ""
    if status == "at-limit":
        ends = f"the greedy lexer only ends {text} there at its maximum length"
    else:
        ends = f"the greedy lexer never ends {text} there"
    fix = _fix(ctx, a, scope, sym, node, char) if free else None
    if lex.is_free_text(follower) and free:
        hint = (
            f"two free-text terminals in a row cannot be told apart: make them one terminal, "
            f"or put a delimiter {text} cannot contain between them (e.g. a newline after "
            "/[^\\n]{1,500}/)"
        )
    elif fix is not None:
        hint = f"keep {p.show(char)} out of the free text: {fix.title}; or make the whole span one terminal"
    elif free:
        hint = (
            f"keep {p.show(char)} out of the characters {text} can contain, or make the whole span one "
            "terminal and split it after parsing"
        )
    else:
        hint = f"make {text} unable to go on with {p.show(char)} (or end it with a delimiter it cannot contain)"
    return Finding(
        node.span,
        f"{what} in rule {origin} is followed by {after}, but {text} can go on "
        f"with {p.show(char)} (it reads {p.show(_clip(sample))} as one {text}): {ends}, "
        f"so {after} cannot follow it{ignored}",
        hint,
        fix=fix,
        witness=witness,
    )


def _fix(ctx, a, scope, sym, node, char: str) -> Fix | None:
    """Add ``char`` to the negated class (or ``.``) the free-text regex repeats."""
    literal = _regex_of(scope, sym, node)
    if literal is None:
        return None
    from grammarkit.regex_syntax import Class, Dot, Repeat

    ast = p.parse_regex(literal.pattern) if _parses(literal.pattern) else None
    if not isinstance(ast, Repeat):
        return None
    child = ast.child
    escaped = _class_escape(char)
    pattern = literal.pattern
    if isinstance(child, Class) and child.negated and child.items:
        inner_start = child.items[0].start
        new = pattern[:inner_start] + escaped + pattern[inner_start:]
    elif isinstance(child, Dot) and "s" not in literal.flags:
        new = pattern[: child.start] + f"[^{escaped}\\n]" + pattern[child.end :]
    else:
        return None
    start = literal.pattern_offset
    return Fix(
        f"/{new}/{literal.flags}",
        (Edit(start, start + len(pattern), new),),
        "unsafe",
    )


def _parses(pattern: str) -> bool:
    try:
        p.parse_regex(pattern)
    except p.Unanalysable:
        return False
    return True


def _regex_of(scope, sym, node) -> m.RegexLiteral | None:
    if isinstance(node, m.RegexLiteral):
        return node
    if sym[0] != "T":
        return None
    d = scope.definitions.get(sym[1])
    if d is None or not d.is_terminal:
        return None
    alts = d.body.alternatives
    if len(alts) == 1 and len(alts[0].conjuncts) == 1:
        items = alts[0].conjuncts[0].items
        if len(items) == 1 and isinstance(items[0], m.RegexLiteral):
            return items[0]
    return None


def _class_escape(ch: str) -> str:
    if ch == "\n":
        return "\\n"
    if ch == "\t":
        return "\\t"
    if ch in "\\]^-[&~/":
        return "\\" + ch
    if ord(ch) < 32:
        return f"\\x{ord(ch):02x}"
    return ch


def _clip(text: str, n: int = 30) -> str:
    return text if len(text) <= n else "…" + text[-(n - 1) :]
