"""Both engines on one tool input: llguidance's verdict and the local Lark parse.

llguidance decides whether the input is accepted (it is what constrains the model); the
local Lark parser (what the application's own parse will do) gives the parse tree. A
:class:`Verdict` holds both, each engine's located
:class:`~grammarkit.core.rejection.Rejection`, and how they disagree. ``grammarkit
parse``, the language server, the MCP server and the playground all show it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from grammarkit.core.rejection import InputRejected, Rejection, disagreement
from grammarkit.core.trees import tree_to_json

if TYPE_CHECKING:  # pragma: no cover
    from grammarkit.llg.matcher import EngineMatcher
    from grammarkit.local.parser import LocalParser


@dataclass
class Verdict:
    """Both engines on one input. ``accepted`` is llguidance's verdict; ``lark`` is None
    when the local parser did not run (a regex grammar, no Lark equivalent, or it failed:
    ``lark_unavailable`` says why)."""

    input: str
    accepted: bool
    rejection: Rejection | None = None  # llguidance's
    lark: bool | None = None
    tree: Any = None  # lark.Tree when the local parser accepted
    lark_rejection: Rejection | None = None
    lark_unavailable: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def disagreement(self) -> str | None:
        """``"lark-rejects"``, ``"lark-accepts"`` or None (see
        :func:`~grammarkit.core.rejection.disagreement`)."""
        return disagreement(self.accepted, self.lark)

    def to_dict(self) -> dict[str, Any]:
        return {
            "accepted": self.accepted,
            "tree": tree_to_json(self.tree) if self.tree is not None else None,
            "error": self.rejection.to_dict() if self.rejection else None,
            "engines": {"llguidance": self.accepted, "lark": self.lark},
            "lark_error": self.lark_rejection.to_dict() if self.lark_rejection else None,
            "notes": self.notes,
        }


def judge(
    text: str, matcher: EngineMatcher, grammar: str, syntax: str, *, parser: LocalParser | None = None
) -> Verdict:
    """Run llguidance (``matcher``) and, for Lark grammars, the local Lark parser (built
    here unless ``parser`` is given) on ``text``."""
    engine_verdict = matcher.check(text)
    verdict = Verdict(text, engine_verdict.accepted)
    if not engine_verdict.accepted:
        verdict.rejection = matcher.rejection(text, engine_verdict)
    if syntax == "lark":
        _run_lark(verdict, grammar, parser)
    if verdict.lark_unavailable:
        verdict.notes.append(f"no parse tree: the local Lark parser is unavailable ({verdict.lark_unavailable})")
    if verdict.disagreement == "lark-rejects":
        assert verdict.lark_rejection is not None
        verdict.notes.append(
            f"llguidance accepts this input but the local Lark parser rejects it: {verdict.lark_rejection}"
        )
    elif verdict.disagreement == "lark-accepts":
        verdict.notes.append(
            "the local Lark parser accepts this input but llguidance rejects it (the model cannot emit it)"
        )
    return verdict


def _run_lark(verdict: Verdict, grammar: str, parser: LocalParser | None) -> None:
    from grammarkit.local.parser import LocalParser, ParserUnavailable

    if parser is None:
        try:
            parser = LocalParser(grammar)
        except ParserUnavailable as exc:
            verdict.lark_unavailable = exc.reason
            return
    text = verdict.input
    if len(text) > parser.max_input_chars:
        verdict.lark_unavailable = f"the input is longer than its limit of {parser.max_input_chars} characters"
        return
    try:
        verdict.tree = parser.parse(text)
        verdict.lark = True
    except InputRejected as exc:
        verdict.lark = False
        verdict.lark_rejection = exc.rejection
    except Exception as exc:
        lines = str(exc).strip().splitlines()
        verdict.lark_unavailable = f"it failed: {type(exc).__name__}: {lines[0] if lines else ''}".rstrip(": ")
