"""GK231 rule-never-completes: a rule reachable from ``start`` that can never be completed.

**What it flags.** A rule that ``start`` can reach but that no input can ever get
through, in a grammar that accepts other inputs (when no input at all can be completed,
that is GK110's error): every way through the rule needs a lexeme right after a terminal
that always goes on with that lexeme's first character, so llguidance's greedy lexer reads
it as more of the terminal. The location is the rule's name, and the message names the
terminal and the lexeme.

The claim is checked with llguidance before it is reported: the shortest input that uses
the rule (built from the rules) must be rejected.

**Why.** The model can enter the rule (llguidance allows its first lexemes) but never
leave it: once it does, it writes until its token limit. Everything the rule was meant to
allow is lost, and the rest of the grammar hides it.

**Example.**

    start: command | "quit"
    command: WORD "\\n"
    WORD: /[a-z]{1,16}[ \\n]*/

(``WORD`` can always take one more newline: ``command`` never ends, ``quit`` still works.)

**Fix.** Keep what must follow out of the terminal (``WORD: /[a-z]{1,16}[ ]*/``).
"""

from __future__ import annotations

from collections.abc import Iterator

from grammarkit.analysis.greedy import why_incomplete
from grammarkit.core.diagnostics import Finding, Severity
from grammarkit.rules.empty_language import completion_scopes, describe

CODE = "GK231"
NAME = "rule-never-completes"
SEVERITY = Severity.WARNING
SYNTAXES = ("lark",)


def check(ctx) -> Iterator[Finding]:
    a = ctx.analysis
    for scope, start, greedy, completable in completion_scopes(ctx):
        if not completable.get(start):
            continue  # nothing completes at all: GK110
        # (the rules that never complete, in BNF order; most grammars have none, and then
        # what start reaches is not needed)
        stuck = {nt for nt in greedy.flow.by_lhs if not completable.get(nt) and nt in scope.definitions}
        if not stuck:
            continue
        sentences = a.sentences(scope)
        for nt in greedy.reachable():
            if nt not in stuck:
                continue
            why = why_incomplete(greedy, sentences, nt)
            if why is None or why.pair is None:
                continue  # a rule that never ends has no input to show: not claimed
            sentence = sentences.through_rule(nt)
            rendered = sentences.render(sentence) if sentence is not None else None
            if rendered is None:
                continue
            context = sentences.context(nt)
            before = rendered.before(len(context[0])) if context is not None and context[0] else ""
            witness = ctx.witnesses.confirm(
                rendered.text,
                accepted=False,
                scope=scope,
                prefix=before,
                note=f"the shortest input through rule {nt}",
            )
            if witness is None:
                continue
            finding = describe(ctx, a, scope, why, rule=nt)
            d = scope.definitions[nt]
            yield Finding(d.name_span, finding.message, finding.hint, witness=witness)
