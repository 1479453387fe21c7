"""Both engines on one tool input: llguidance's verdict and the local Lark parse.

llguidance decides whether the input is accepted (it is what constrains the model); the
local Lark parser (what the application's own parse will do) gives the parse tree. A
:class:`Verdict` holds both, each engine's located
:class:`~grammarkit.core.rejection.Rejection`, and how they disagree. ``grammarkit
parse``, the language server, the MCP server and the playground all show it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from grammarkit.core.rejection import InputRejected, Rejection, disagreement
from grammarkit.core.trees import tree_to_json

if TYPE_CHECKING:  # pragma: no cover
    from grammarkit.llg.matcher import EngineMatcher
    from grammarkit.local.parser import LocalParser


EngineName = Literal["llguidance", "lark"]
BOTH_ENGINES: tuple[EngineName, ...] = ("llguidance", "lark")


@dataclass
class Verdict:
    """Both engines on one input. ``accepted`` is llguidance's verdict (Lark's when
    llguidance did not run: ``llguidance_ran`` False); ``lark`` is None when the local
    parser did not run (a regex grammar, not asked for, no Lark equivalent, or it failed:
    ``lark_unavailable`` says why)."""

    input: str
    accepted: bool
    rejection: Rejection | None = None  # llguidance's
    lark: bool | None = None
    tree: Any = None  # lark.Tree when the local parser accepted
    lark_rejection: Rejection | None = None
    lark_unavailable: str | None = None
    notes: list[str] = field(default_factory=list)
    llguidance_ran: bool = True

    @property
    def llguidance(self) -> bool | None:
        """llguidance's verdict, None when it did not run."""
        return self.accepted if self.llguidance_ran else None

    @property
    def engines_run(self) -> list[EngineName]:
        """The engines that judged the input, in order: ``["llguidance", "lark"]``, or one."""
        ran: list[EngineName] = ["llguidance"] if self.llguidance_ran else []
        if self.lark is not None:
            ran.append("lark")
        return ran

    @property
    def disagreement(self) -> str | None:
        """``"lark-rejects"``, ``"lark-accepts"`` or None (see
        :func:`~grammarkit.core.rejection.disagreement`)."""
        return disagreement(self.llguidance, self.lark)

    def to_dict(self) -> dict[str, Any]:
        return {
            "accepted": self.accepted,
            "tree": tree_to_json(self.tree) if self.tree is not None else None,
            "error": self.rejection.to_dict() if self.rejection else None,
            "engines": {"llguidance": self.llguidance, "lark": self.lark},
            "lark_error": self.lark_rejection.to_dict() if self.lark_rejection else None,
            "notes": self.notes,
        }


def judge(
    text: str,
    matcher: EngineMatcher | None,
    grammar: str,
    syntax: str,
    *,
    parser: LocalParser | None = None,
    engines: Collection[EngineName] = BOTH_ENGINES,
) -> Verdict:
    """Run llguidance (``matcher``) and, for Lark grammars, the local Lark parser (built
    here unless ``parser`` is given) on ``text``.

    ``engines`` leaves one out: without ``"lark"`` there is no parse tree; without
    ``"llguidance"`` (``matcher`` may then be None) the local parser's verdict is
    ``accepted``, and when it cannot run (a regex grammar, no Lark equivalent: see
    ``lark_unavailable``) no engine judged the input (``engines_run`` is empty)."""
    unknown = set(engines) - set(BOTH_ENGINES)
    if unknown or not engines:
        raise ValueError(f"engines must be some of {BOTH_ENGINES}, not {sorted(engines)}")
    if "llguidance" in engines:
        if matcher is None:
            raise ValueError("llguidance needs a matcher")
        engine_verdict = matcher.check(text)
        verdict = Verdict(text, engine_verdict.accepted)
        if not engine_verdict.accepted:
            verdict.rejection = matcher.rejection(text, engine_verdict)
    else:
        verdict = Verdict(text, False, llguidance_ran=False)
    if "lark" in engines:
        if syntax == "lark":
            _run_lark(verdict, grammar, parser)
        elif not verdict.llguidance_ran:
            verdict.lark_unavailable = "a regex grammar has no Lark parser"
    if not verdict.llguidance_ran:
        verdict.accepted = verdict.lark is True
        return verdict
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
