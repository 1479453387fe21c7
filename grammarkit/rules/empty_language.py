"""GK110 empty-language: a grammar under which llguidance can never complete an input.

**What it flags.** A grammar (or a nested ``%lark { … }`` grammar) that llguidance
compiles but under which no input is ever complete, located at the terminal or rule
responsible, with the reason:

* a terminal swallows what must follow it: every way through ``start`` needs a lexeme
  right after a terminal that always goes on with that lexeme's first character
  (``start: ID "\\n"`` with ``ID: /[a-z]{1,8}/ WS`` and ``WS: /[ \\n]*/``: every newline is
  read as more ``ID``, so the ``"\\n"`` never comes);
* no alternative of ``start`` can finish: its rules only ever go on with themselves
  (``start: "x" start``).

Before reporting, grammarkit looks for an input llguidance accepts (the grammar's own
shortest inputs, then a bounded search over llguidance's byte masks); when it finds one,
the analysis was wrong and nothing is reported. A rule reachable from ``start`` that can
never be completed, in a grammar that can, is GK231's warning.

**Why.** The API constrains the model with llguidance: under such a grammar the model
can start a tool call but never end it, and writes until its token limit (whitespace, or
more of the terminal that swallows the delimiter). The tool call never succeeds.

**Example.**

    start: ID "\\n"
    ID: /[a-z]{1,8}/ WS
    WS: /[ \\n]*/

(``ID`` can always take one more newline, so the ``"\\n"`` after it never comes.)

**Fix.** Keep what must follow out of the terminal (``WS: /[ ]*/``, or end ``ID`` without
``WS``), or give the recursive rule an alternative that ends.
"""

from __future__ import annotations

from collections.abc import Iterator

from grammarkit import analysis as p
from grammarkit.analysis.greedy import why_incomplete
from grammarkit.core.diagnostics import Finding, Severity

CODE = "GK110"
NAME = "empty-language"
SEVERITY = Severity.ERROR
SYNTAXES = ("lark",)


def completion_scopes(ctx) -> Iterator[tuple]:
    """For each grammar (the top one, and each nested ``%lark`` grammar) with a start rule
    whose completion could be worked out, on a grammar llguidance compiles:
    ``(scope, start, greedy, completable)``, ``completable`` mapping each rule reached to
    whether llguidance's greedy lexer lets it ever complete (shared with GK231)."""
    # (The analysis runs before llguidance's verdict is asked for: the verdict comes from
    # another thread, which has had the time of the analysis to compile.)
    a = ctx.analysis
    found = []
    for scope in a.scopes:
        start = a.flow(scope).start
        if start is None:
            continue
        greedy = a.greedy(scope)
        completable = greedy.completable()
        if completable is not None:
            found.append((scope, start, greedy, completable))
    if ctx.engine.ok:
        yield from found


def check(ctx) -> Iterator[Finding]:
    a = ctx.analysis
    for scope, start, greedy, completable in completion_scopes(ctx):
        if completable.get(start):
            continue
        sentences = a.sentences(scope)
        why = why_incomplete(greedy, sentences, start)
        if why is None or ctx.witnesses.matcher(scope) is None:
            continue
        candidates = []
        shortest = sentences.shortest()
        rendered = sentences.render(shortest) if shortest is not None else None
        if rendered is not None:
            candidates.append(rendered.text)
        if ctx.witnesses.find_accepted(candidates, scope) is not None:
            continue  # llguidance accepts an input: the analysis is wrong
        finding = describe(ctx, a, scope, why)
        if candidates:
            finding.witness = ctx.witnesses.confirm(
                candidates[0], accepted=False, scope=scope, note="the shortest input the rules allow"
            )
        yield finding


def describe(ctx, a, scope, why, *, rule: str | None = None) -> Finding:
    """The finding for ``why`` (a :class:`~grammarkit.analysis.greedy.Blocked`): no input
    can ever be completed, or (``rule``) that rule cannot."""
    lex = a.lexemes(scope)
    flow = a.flow(scope)
    where = "" if scope.nested is None else " of the nested %lark grammar"
    if why.pair is not None:
        t, d = why.pair
        node_t, _ = why.nodes
        tname, dname = lex.describe(t), lex.describe(d)
        greedy = a.greedy(scope)
        ends = greedy.end_states(t)
        sample = a.sentences(scope).sample(d) or ""
        absorbed = ends.absorbing(a.lang.char_mask(sample[0])) if ends is not None and sample else None
        shown = f" (it reads {p.show(absorbed + sample[0])} as one {tname})" if absorbed is not None else ""
        char = p.show(sample[0]) if sample else dname
        subject = f"no input{where} can ever be completed" if rule is None else f"rule {rule} can never be completed"
        ignored = " (nor after ignored text)" if greedy.ignore is not None else ""
        message = (
            f"{subject}: {tname} always goes on with {char}{shown}, so the {dname} that must follow "
            f"it in rule {why.origin} never comes{ignored}; llguidance's lexer is greedy"
        )
        if rule is None:
            message += ", and the model would write until its token limit"
        hint = f"make {tname} unable to go on with {char} (keep {char} out of the characters it may end with)"
        return Finding(node_t.span, message, hint)
    loop = ", ".join(why.loop)
    name = rule or flow.start or "start"
    d = scope.definitions.get(name)
    span = d.name_span if d is not None else ctx.whole_span()
    subject = f"no input{where} can ever be completed" if rule is None else f"rule {rule} can never be completed"
    verb = "goes on with itself" if len(why.loop) == 1 else "go on with each other"
    message = f"{subject}: {name} never finishes, because {loop} only ever {verb} (no alternative ends)"
    hint = f"give {name} an alternative that does not need itself again"
    return Finding(span, message, hint)
