"""GK226 avoid-option: a ``stop=``, ``max_tokens=`` or ``temperature=`` rule attribute.

**What it flags.** The llguidance lexeme options that its documentation lists under
"Features to avoid", written as rule attributes: ``foo[stop="\\n"]: …``,
``foo[max_tokens=10]: …``, ``foo[temperature=0.7]: …``.

**Why.** llguidance's docs, "Features to avoid":

* ``stop=`` hides the stop string from the model by backtracking tokens, which
  server-side integrations often do not support and which may confuse the model;
* ``max_tokens=`` disables rollback (needed for speculative decoding), makes the parser
  slower and prevents subgrammar merging;
* ``temperature=`` is not supported in most server-side integrations and prevents
  subgrammar merging.

On top of that, these are llguidance extensions that OpenAI's API may not accept.

**Example.**

    start: "Answer: " answer
    answer[stop="\\n", max_tokens=50]: /.*/

**Fix.** ``stop=`` → ``suffix=`` (or ``[lazy]`` when the regex ends with its delimiter),
or better a bounded terminal followed by the delimiter as a literal:
``start: "Answer: " ANSWER "\\n"`` with ``ANSWER: /[^\\n]{1,300}/``. ``max_tokens=`` → bound
the length in the terminal itself. ``temperature=`` → remove it and set the request's
temperature.
"""

from __future__ import annotations

from collections.abc import Iterator

from grammarkit.core.diagnostics import Finding, Severity

CODE = "GK226"
NAME = "avoid-option"
SEVERITY = Severity.WARNING
SYNTAXES = ("lark",)

AVOIDED = ("stop", "max_tokens", "temperature")

_WHY = {
    "stop": "it hides the stop string from the model by backtracking tokens, which "
    "server-side integrations often do not support",
    "max_tokens": "it disables rollback (needed for speculative decoding), slows the parser "
    "and prevents subgrammar merging",
    "temperature": "most server-side integrations do not support it, and it prevents "
    "subgrammar merging",
}

_FIX = {
    "stop": "end the terminal with an explicit delimiter instead: a bounded terminal followed "
    'by the delimiter as a literal (answer: ANSWER "\\n" with ANSWER: /[^\\n]{1,300}/), '
    "or use suffix=… / [lazy]",
    "max_tokens": "remove it and bound the length in the terminal itself (e.g. /[^\\n]{1,300}/)",
    "temperature": "remove it and set the temperature of the API request instead",
}


def check(ctx) -> Iterator[Finding]:
    a = ctx.analysis
    for scope in a.scopes:
        for d in scope.definition_list():
            for attr in d.attributes:
                if attr.key in AVOIDED:
                    shown = ctx.text[attr.span.start : attr.span.end]
                    kind = "terminal" if d.is_terminal else "rule"
                    yield Finding(
                        attr.span,
                        f"`{shown}` on {kind} {d.name}: llguidance advises against "
                        f"{attr.key}= ({_WHY[attr.key]})",
                        _FIX[attr.key],
                    )

