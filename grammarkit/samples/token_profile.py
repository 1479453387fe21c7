"""The token cost profile of a grammar file, measured over the inputs its sidecar samples
say it must accept (those llguidance does accept) and over generated inputs: what
``grammarkit stats --tokenizer o200k`` reports (see :mod:`grammarkit.llg.token_profile`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from grammarkit.core.errors import InputError
from grammarkit.core.source import strip_final_newline
from grammarkit.llg.matcher import EngineMatcher, MatcherUnavailable
from grammarkit.llg.token_profile import TokenProfile, profile_grammar
from grammarkit.samples.files import find_sidecars, load_samples

if TYPE_CHECKING:
    from grammarkit.core.source import Syntax


def grammar_file_token_profile(
    path: str, text: str, syntax: Syntax, tokenizer: str, budget: float
) -> TokenProfile:
    """The profile of the grammar ``text`` read from ``path`` (``"-"``: standard input,
    which has no sidecars), within ``budget`` seconds (at least one). A regex grammar's
    text loses its file's final newline. Sidecar samples that cannot be read, and those
    llguidance rejects, are left out: the profile measures what the model can emit."""
    grammar = strip_final_newline(text) if syntax == "regex" else text
    inputs: list[str] = []
    if path != "-":
        try:
            for sidecar in find_sidecars(path):
                inputs.extend(s.input for s in load_samples(sidecar) if s.expected is not False)
        except InputError:
            inputs = []
    if inputs:
        try:
            matcher = EngineMatcher(grammar, syntax=syntax)
            inputs = [s for s in inputs if matcher.accepts(s)]
        except MatcherUnavailable:
            inputs = []
    return profile_grammar(grammar, syntax, tokenizer=tokenizer, samples=inputs, time_budget=max(budget, 1.0))
