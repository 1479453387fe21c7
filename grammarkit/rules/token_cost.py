"""GK241 token-mask-cost: a grammar whose mask costs far more per model token than free text.

**What it flags.** Only with ``--tokenizer o200k`` (or ``tokenizer = "o200k"`` in the
configuration). The grammar is walked the way the model writes (its accepted samples and
a few generated inputs, token by token in OpenAI's o200k vocabulary), and llguidance's
mask computation is measured at every step (see ``grammarkit stats --tokenizer o200k``).
It warns when

* the worst step costs at least 25 times the baseline measured in the same run (the
  first mask of free text, ``start: TEXT "\\n"`` with ``TEXT: /[^\\n]+/``: one walk of
  the vocabulary with a trivial lexer; a ratio, so the verdict does not depend on the
  machine), or
* a step spends more than half of llguidance's per-step limits (``step_lexer_fuel``,
  ``step_max_items`` in ``LLParserLimits``), or llguidance stops the walk on a limit
  (such as ``max_lexer_states``): then generation fails outright.

The message gives the measurement (ratio, times, lexer fuel), where the worst step
happens (which input, token, line and column), and the terminals the cost comes from: the
terminals that repeat a broad class of characters and can match at the same point.

**Why.** For every token the model generates, llguidance walks the vocabulary's 200,019
tokens against the grammar's lexer. A byte-level check cannot see this cost. Measured with
llguidance 1.9.1 and o200k (``python bench/token_cost.py``: CPU time, ratios to the
free-text baseline; the first mask, then the median of the following tokens of one input):

| at the start of the grammar | first mask | following tokens | default limits |
|---|---|---|---|
| free text ``/[^\\n]+/`` (the baseline) | 1× | 0.3× | |
| 1 × ``/[^x]+/ "xx"`` | ~8× | ~1.4× | |
| 1 × ``/[^x]{1,200}/ "xx"`` | ~9× | ~9× | |
| 3 × ``/[^x]{1,200}/ "xx"`` (alternatives) | ~12× | ~9–10× | |
| 6 × | ~20–30× | ~10× | |
| 8 × | ~45–55× | ~14× | |
| 12 × | ~160× | ~35× | |
| 26 × | ~1,500–1,700× | ~90–120× (940× falling to 30×) | fails on the first token |
| 26 × unbounded ``/[^x]+/ "xx"`` | ~800× | ~11× | |
| 26 × with a distinct lead ``"X:" /[^x]{1,200}/ "xx"`` | ~0.6× | ~9× | |

A counted repetition of a broad class (``[^a]{1,200}``, ``.{0,500}``) costs ~9× free text
on *every* token, because the lexer's state changes with each character counted and
llguidance cannot reuse the previous mask (``[^a]+`` pays that only on its first token);
quoted strings in the bundled grammars cost about the same, and their worst steps reach
~10–13×, so the threshold is 25×. Several such terminals that stay possible at the same
point (alternatives that can all match almost any text) multiply the cost, mostly on the
first tokens: the lexer follows all of them at once, and builds new states for each
combination (lexer fuel). Past ~12 of them llguidance's default limits stop generation.

**Example.** (8 alternatives: the first mask costs ~50× free text; 12: ~160×, and over
half of ``step_lexer_fuel``)

    start: A | B | C | D | E | F | G | H
    A: /[^a]{1,200}/ "aa"
    B: /[^b]{1,200}/ "bb"
    ...

**Fix.** Make the alternatives distinguishable at their start, with a distinct leading
literal or keyword (``A: "A:" /[^a]{1,200}/ "aa"``; with it 26 alternatives cost what one
does, see the table), so that only one of them stays possible; otherwise keep few free-text
alternatives that can start at the same point (the cost grows with their number). Dropping
the counted bound alone does not help much. Measure again with
``grammarkit stats --tokenizer o200k``.
"""

from __future__ import annotations

from collections.abc import Iterator

from grammarkit.core.diagnostics import Finding, Severity

CODE = "GK241"
NAME = "token-mask-cost"
SEVERITY = Severity.WARNING
SYNTAXES = ("lark", "regex")
USES_SAMPLES = True  # the token profile walks the accepted samples (runs after the grammar's own rules)

RATIO = 25.0
"""The worst step must cost at least this many times the free-text baseline."""
LIMIT_SHARE = 0.5
"""Or spend more than this share of a per-step limit."""
LIMIT_ERRORS = ("lexer error", "too many", "too complex", "limit")
"""llguidance failures (substrings, lower case) that are limits being hit."""
MAX_NAMED = 6
"""Terminals named in a message at most."""

_HINT = (
    "the usual cause is a counted repetition of a broad negated class ([^x]{m,n}) in several "
    "alternatives that can all match at the same point: start each alternative with a distinct "
    "literal (A: \"A:\" /[^a]{1,200}/ \"aa\") so only one stays possible, or have fewer of them "
    "(grammarkit stats --tokenizer o200k shows every step)"
)


def check(ctx) -> Iterator[Finding]:
    if getattr(ctx, "tokenizer", "byte") == "byte" or not ctx.engine.ok:
        return
    profile = ctx.token_profile
    if profile is None or not profile.walks:
        return
    problem = _problem(profile)
    if problem is None:
        return
    span, culprits = _culprits(ctx)
    yield Finding(span, problem + culprits, _HINT)


def _problem(profile) -> str | None:
    """What is wrong, measured, or None."""
    vocab = profile.tokenizer
    for walk in profile.errors:
        error = walk.error or ""
        if any(marker in error.lower() for marker in LIMIT_ERRORS):
            at = len(walk.steps)
            return (
                f"with the {vocab} vocabulary llguidance stops generating at token {at} of {walk.label}: "
                f"{error} (under its default limits, generation fails here)"
            )
    limits = profile.limits
    fuel, items = profile.max_fuel, profile.max_items
    worst = profile.worst
    ratio = profile.worst_ratio
    where = ""
    if worst is not None:
        line, column = worst.position()
        where = f" at token {worst.step.index} of {worst.walk.label} ({line}:{column})"
    if fuel is not None and fuel.fuel > LIMIT_SHARE * limits["step_lexer_fuel"]:
        over = fuel.fuel > limits["step_lexer_fuel"]
        return (
            f"with the {vocab} vocabulary one mask step uses {fuel.fuel:,} lexer fuel, "
            f"{'over' if over else 'more than half of'} llguidance's step_lexer_fuel of "
            f"{limits['step_lexer_fuel']:,}{' (generation fails there)' if over else ''}"
            f"{_ratio_text(profile)}"
        )
    if items is not None and items.items > LIMIT_SHARE * limits["step_max_items"]:
        over = items.items > limits["step_max_items"]
        return (
            f"with the {vocab} vocabulary one mask step adds {items.items:,} parser items, "
            f"{'over' if over else 'more than half of'} llguidance's step_max_items of "
            f"{limits['step_max_items']:,}{' (generation fails there)' if over else ''}"
            f"{_ratio_text(profile)}"
        )
    if ratio is not None and ratio >= RATIO and worst is not None:
        return (
            f"with the {vocab} vocabulary llguidance's worst mask step costs {ratio:,.0f}x the free-text "
            f"baseline measured in the same run ({worst.us / 1000:,.1f} ms vs {profile.baseline_us / 1000:.2f} ms; "
            f"median step {profile.median_ratio or 0:,.1f}x, lexer fuel {worst.step.fuel:,}){where}"
        )
    return None


def _ratio_text(profile) -> str:
    ratio = profile.worst_ratio
    return "" if ratio is None else f"; the worst step costs {ratio:,.0f}x the free-text baseline"


def _culprits(ctx):
    """The span to report at and a text naming the terminals the cost comes from: those
    that repeat a broad class and can match at the same point (the largest such set)."""
    if ctx.syntax != "lark" or ctx.grammar is None:
        return ctx.whole_span(), ""
    try:
        found = _broad_lexemes_together(ctx)
    except Exception:  # the analysis is best effort; the measurement stands without it
        found = None
    if not found:
        return ctx.whole_span(), ""
    names, origin, definitions = found
    shown = ", ".join(names[:MAX_NAMED]) + (f", … ({len(names)} in all)" if len(names) > MAX_NAMED else "")
    if len(names) == 1:
        text = f"; {names[0]} repeats a broad class of characters"
    else:
        where = f" (in rule {origin})" if origin in definitions else ""
        text = f"; {len(names)} terminals that repeat a broad class can match at the same point{where}: {shown}"
    # One terminal: at its definition; several: at the rule where they meet.
    at = definitions.get(names[0]) if len(names) == 1 else None
    at = at or definitions.get(origin) or next((definitions[n] for n in names if n in definitions), None)
    return (at.name_span if at is not None else ctx.whole_span()), text


def _broad_lexemes_together(ctx):
    """``(names, rule, definitions)`` for the largest set of broad, long lexemes
    (terminals, or regexes written in rules) llguidance's lexer can be asked to match at
    the same point, or None."""
    from grammarkit import analysis as p

    a = ctx.analysis
    best = None
    for scope in a.scopes:
        lex = a.lexemes(scope)
        verdicts: dict = {}

        def broad(key, lex=lex, verdicts=verdicts) -> bool:
            if key not in verdicts:
                term = lex.term(key) if key[0] in ("T", "R") else None
                ok = False
                if term is not None:
                    _, hi = a.lang.lengths(term)
                    ok = (hi is None or hi >= 16) and p.is_broad(a.lang, a.lang.leaf_union(term))
                verdicts[key] = ok
            return verdicts[key]

        for allowed, origin in a.flow(scope).contexts() or []:
            keys = sorted((k for k in allowed if broad(k)), key=str)
            if keys and (best is None or len(keys) > len(best[0])):
                best = (keys, origin, dict(scope.definitions))
    if best is None:
        return None
    keys, origin, definitions = best
    return [k[1] if k[0] == "T" else f"/{_clip(k[1])}/" for k in keys], origin, definitions


def _clip(text: str, n: int = 24) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
