"""GK221 split-free-text: free text followed by a delimiter the free text itself can contain.

**What it flags.** A free-text terminal (a long or unbounded run of a broad class of
characters, such as ``/[^\\n]+/``, ``/.{1,500}/`` or ``/[A-Za-z ,.]+/``) used in a rule
where the next terminal (directly, or after the rule ends, through the rules that use
it) starts with a character the free text can go on with: the guide's
``start: TEXT "(" TEXT ")" TEXT`` pattern, a sentence split on ``" and "``, two
free-text terminals in a row. The message shows a string where it happens.

**Why.** llguidance's lexer is greedy: it extends the current terminal as long as any
allowed terminal can go on, and only ends it when the next character cannot belong to
it. When the delimiter's first character can also continue the free text, the lexer
reads it as more free text, so the delimiter and everything after it can never be
produced: the model is held inside the free text until its length limit (or forever).
OpenAI's guide says not to split free text across rules for this reason.

**Example.**

    start: TEXT "(" TEXT ")"
    TEXT: /[^\\n]{1,200}/

(``TEXT`` reads ``a(`` as text: the ``"("`` can never follow it.)

**Fix.** Keep the delimiter out of the free text (``TEXT: /[^()\\n]{1,200}/``), or make the
whole span one terminal and split it after parsing. A delimiter the text cannot contain
(a newline after ``/[^\\n]{1,500}/``) is the safe way to end free text.
"""

from __future__ import annotations

from collections.abc import Iterator

from grammarkit import analysis as p
from grammarkit.core.diagnostics import Finding, Severity

CODE = "GK221"
NAME = "split-free-text"
SEVERITY = Severity.WARNING
SYNTAXES = ("lark",)


def check(ctx) -> Iterator[Finding]:
    a = ctx.analysis
    for scope in a.scopes:
        lex = a.lexemes(scope)
        flow = a.flow(scope)
        occurrences: dict[int, list] = {}
        for prod in flow.prods:
            for pos, sym in enumerate(prod.rhs):
                node = prod.nodes[pos]
                if flow.is_nt(sym) or node is None or sym[0] == "O":
                    continue
                if prod.origin in flow.lazy_rules:
                    continue  # a lazy terminal ends at its first match
                entry = occurrences.setdefault(id(node), [node, sym, set(), prod.origin])
                entry[2] |= flow.followers(prod, pos)
        for node, sym, followers, origin in sorted(
            occurrences.values(), key=lambda e: e[0].span.start
        ):
            term = lex.term(sym)
            if term is None or not lex.free_text_term(term):  # lex.is_free_text(sym)
                continue
            for follower in sorted(followers, key=lambda k: (k[0] != "L", repr(k))):
                if follower == p.EOS or follower[0] == "O":
                    continue
                fterm = lex.term(follower)
                if fterm is None:
                    continue
                sample = a.lang.continuation(term, a.lang.first_mask(fterm))
                if sample is None:
                    continue
                yield _finding(lex, node, sym, follower, sample, origin)
                break


def _finding(lex, node, sym, follower, sample: str, origin: str) -> Finding:
    text = lex.describe(sym)
    after = lex.describe(follower)
    char = sample[-1]
    if lex.is_free_text(follower):
        hint = (
            f"two free-text terminals in a row cannot be told apart: make them one terminal, "
            f"or put a delimiter {text} cannot contain between them (e.g. a newline after "
            "/[^\\n]{1,500}/)"
        )
    else:
        hint = (
            f"keep {p.show(char)} out of the free text (e.g. /[^{_class_escape(char)}\\n]{{1,500}}/), "
            "or make the whole span one terminal and split it after parsing"
        )
    return Finding(
        node.span,
        f"free text {text} in rule {origin} is followed by {after}, but {text} can go on "
        f"with {p.show(char)} (it reads {p.show(_clip(sample))} as one {text}): the greedy "
        f"lexer never ends {text} there, so {after} cannot follow it",
        hint,
    )


def _class_escape(ch: str) -> str:
    if ch == "\n":
        return "\\n"
    if ch == "\t":
        return "\\t"
    if ch in "\\]^-[&~":
        return "\\" + ch
    if ord(ch) < 32:
        return f"\\x{ord(ch):02x}"
    return ch


def _clip(text: str, n: int = 30) -> str:
    return text if len(text) <= n else "…" + text[-(n - 1) :]
