"""OpenAI custom tools whose input is constrained by a grammar.

:class:`CustomTool` holds one grammar (Lark or regex) as a tool the model can call. Creating
one lints and compiles the grammar (a broken grammar raises :class:`GrammarError` right
away, not when the API rejects the request); the tool gives the definitions for the
Responses and Chat Completions APIs and parses the inputs the model sends.

:func:`custom_tool_calls` finds the custom tool calls in a Responses or Chat Completions
result (SDK objects or plain dicts) as :class:`CustomToolCall` values.

Tool inputs are untrusted text: their size is bounded (``max_input_chars``), deep nesting
that exhausts Python's recursion becomes a :class:`ToolInputError`, and nothing in them is
ever evaluated. This module never imports ``openai``.
"""

from __future__ import annotations

import os
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from grammarkit.core.diagnostics import Diagnostic
from grammarkit.core.rejection import InputRejected, Rejection
from grammarkit.core.source import detect_syntax, read_grammar_file, strip_final_newline
from grammarkit.core.span import LONE_SURROGATE
from grammarkit.llg.matcher import EngineMatcher, MatcherUnavailable
from grammarkit.local.bounded import BoundedParser, Budget
from grammarkit.runtime.errors import GrammarError, ToolInputError, not_utf8, too_deep

if TYPE_CHECKING:  # pragma: no cover
    from grammarkit.lint.runner import LintResult
    from grammarkit.llg.matcher import EngineMatcher, EngineVerdict
    from grammarkit.local.parser import LocalParser


API = Literal["responses", "chat"]
APIS = ("responses", "chat")

DEFAULT_MAX_INPUT_CHARS = 16_000
"""Default bound on a tool input's length, in characters. The local Earley parse costs
roughly 0.3 ms and 7-8 KB of memory per character of input (measured on the bundled
``arithmetic.lark`` with a long ``1+1+...`` chain: 16,000 characters took about 5 s and
110 MB; 64,000 took 17.6 s and 504 MB), so this caps one parse at about 5 seconds. Raise it
per tool (``max_input_chars=``) only for grammars whose inputs are known to parse faster:
grammars the linear-time parser reads (:attr:`CustomTool.parser` ``"lalr"`` or ``"glr"``)
parse 16,000 characters in about a tenth of a second."""

_TOOL_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")


def validate_tool_name(name: object) -> str:
    """Return ``name`` if it is a valid OpenAI tool name, else raise ``ValueError``.

    The rule is the one the API documents for function names (which custom tools share):
    1 to 64 characters from ``a-z``, ``A-Z``, ``0-9``, ``_`` and ``-``.
    """
    if not isinstance(name, str):
        raise TypeError(f"a tool name must be a string, not {type(name).__name__}")
    if not _TOOL_NAME.fullmatch(name):
        if not name:
            problem = "it is empty"
        elif len(name) > 64:
            problem = f"it has {len(name)} characters (at most 64)"
        else:
            bad = next(c for c in name if not _TOOL_NAME.fullmatch(c))
            problem = f"{bad!r} is not allowed"
        raise ValueError(
            f"invalid tool name {name!r}: {problem}; use 1-64 characters from a-z, A-Z, 0-9, '_' and '-'"
        )
    return name



# --------------------------------------------------------------------------- the tool


class CustomTool:
    """An OpenAI custom tool whose input is constrained by a grammar.

    ``CustomTool(name, grammar, syntax="lark", description="", transformer=None)`` lints
    the grammar (:func:`grammarkit.lint.lint_text`) and compiles it with llguidance; error
    diagnostics raise :class:`GrammarError`, warnings stay in :attr:`warnings`. An invalid
    ``name`` raises ``ValueError``.

    ``transformer`` post-processes parsed inputs: a Lark ``Transformer`` (anything with a
    ``transform`` method; Lark grammars only) gets the parse tree, any other callable gets
    the parse result (the tree, or the text for regex tools). :meth:`parse` returns what
    it makes of the input.

    The object is safe to share between threads.
    """

    def __init__(
        self,
        name: str,
        grammar: str,
        *,
        syntax: Literal["lark", "regex"] = "lark",
        description: str = "",
        transformer: Any = None,
        max_input_chars: int = DEFAULT_MAX_INPUT_CHARS,
        budget: Budget | None = None,
        _path: str | None = None,
    ) -> None:
        self.name = validate_tool_name(name)
        if syntax not in ("lark", "regex"):
            raise ValueError(f"unknown grammar syntax {syntax!r} (expected 'lark' or 'regex')")
        if not isinstance(grammar, str):
            raise TypeError(f"the grammar must be a string, not {type(grammar).__name__}")
        if not isinstance(description, str):
            raise TypeError(f"the description must be a string, not {type(description).__name__}")
        if not isinstance(max_input_chars, int) or max_input_chars < 1:
            raise ValueError("max_input_chars must be a positive integer")
        self.grammar = grammar
        self.syntax = syntax
        self.description = description
        self.max_input_chars = max_input_chars
        self.budget = budget or Budget()
        self.path = _path
        self._transform, self._transform_is_lark = _transformer_call(transformer, syntax)
        self.transformer = transformer

        self.lint: LintResult = _lint_once(grammar, syntax, _path or f"<tool {name}>")
        self.warnings: list[Diagnostic] = self.lint.warnings
        if self.lint.errors:
            raise GrammarError(name, self.lint.errors, warnings=self.warnings)
        self.matcher: EngineMatcher = self._compile()

        self._lock = threading.Lock()
        self._parser: LocalParser | None = None
        self._bounded: BoundedParser | None = None
        self._parser_error: str | None = None
        self._parser_built = syntax == "regex"
        if syntax == "regex":
            self._parser_error = "regex grammars are checked by llguidance, not parsed"
        if self._transform_is_lark and self.local_parser is None:  # builds it now: the transformer needs a tree
            raise ValueError(
                f"tool {name!r}: a Lark Transformer needs the local Lark parser, which is not "
                f"available for this grammar ({self._parser_error}); pass a callable instead"
            )

    @classmethod
    def from_file(
        cls,
        path: str | os.PathLike[str],
        *,
        name: str | None = None,
        description: str = "",
        transformer: Any = None,
        syntax: Literal["lark", "regex"] | None = None,
        max_input_chars: int = DEFAULT_MAX_INPUT_CHARS,
        budget: Budget | None = None,
    ) -> CustomTool:
        """A tool from a grammar file. ``name`` defaults to the file's stem; ``.regex``
        files are regex grammars (the whole file minus one trailing newline), anything else
        Lark unless ``syntax`` says otherwise. An unreadable file raises
        :class:`grammarkit.core.errors.InputError`."""

        p = Path(path)
        chosen = syntax or detect_syntax(p) or "lark"
        text = read_grammar_file(p)
        if chosen == "regex":
            text = strip_final_newline(text)
        if name is None:
            name = p.stem
            if not _TOOL_NAME.fullmatch(name):
                raise ValueError(
                    f"{path}: the file name {name!r} is not a valid tool name "
                    "(1-64 characters from a-z, A-Z, 0-9, '_' and '-'); pass name=..."
                )
        return cls(
            name,
            text,
            syntax=chosen,
            description=description,
            transformer=transformer,
            max_input_chars=max_input_chars,
            budget=budget,
            _path=str(path),
        )

    def _compile(self) -> EngineMatcher:
        try:
            return EngineMatcher(self.grammar, syntax=self.syntax, max_input_bytes=4 * self.max_input_chars)
        except MatcherUnavailable as exc:
            raise GrammarError(self.name, reason=f"llguidance cannot compile it: {exc.reason}") from None

    def __repr__(self) -> str:
        return f"CustomTool(name={self.name!r}, syntax={self.syntax!r})"

    # ------------------------------------------------------------ API definitions
    def to_responses(self) -> dict:
        """The tool definition for the Responses API (``tools=[...]``)."""
        return {
            "type": "custom",
            "name": self.name,
            "description": self.description,
            "format": {"type": "grammar", "syntax": self.syntax, "definition": self.grammar},
        }

    def to_chat(self) -> dict:
        """The tool definition for the Chat Completions API (``tools=[...]``)."""
        return {
            "type": "custom",
            "custom": {
                "name": self.name,
                "description": self.description,
                "format": {"type": "grammar", "grammar": {"syntax": self.syntax, "definition": self.grammar}},
            },
        }

    def to_api(self, api: API = "responses") -> dict:
        return self.to_responses() if check_api(api) == "responses" else self.to_chat()

    def tool_choice(self, api: API = "responses") -> dict:
        """``tool_choice`` that forces the model to call this tool."""
        if check_api(api) == "responses":
            return {"type": "custom", "name": self.name}
        return {"type": "custom", "custom": {"name": self.name}}

    # ------------------------------------------------------------ inputs
    @property
    def local_parser(self) -> LocalParser | None:
        """The local Lark parser (built on first use, then cached), or ``None`` for regex
        tools and grammars with no Lark equivalent (:attr:`local_parser_error` says why)."""
        if not self._parser_built:
            with self._lock:
                if not self._parser_built:
                    from grammarkit.local.parser import LocalParser, ParserUnavailable

                    try:
                        self._parser = LocalParser(self.grammar, max_input_chars=self.max_input_chars)
                        self._bounded = BoundedParser(
                            self.grammar, self._parser, max_input_chars=self.max_input_chars, budget=self.budget
                        )
                    except ParserUnavailable as exc:
                        self._parser_error = exc.reason
                    except (Exception, RecursionError) as exc:
                        self._parser_error = f"the local parser cannot be built: {type(exc).__name__}: {exc}"
                    self._parser_built = True
        return self._parser

    @property
    def parser(self) -> str | None:
        """Which local parser reads this tool's inputs (:attr:`LocalParser.parser`:
        ``"lalr"``, ``"glr"`` or ``"earley"``), or ``None`` when there is none (regex
        tools, grammars with no Lark equivalent: llguidance's verdict is the only one)."""
        parser = self.local_parser
        return parser.parser if parser is not None else None

    @property
    def local_parser_error(self) -> str | None:
        """Why there is no local Lark parser (``None`` when there is one)."""
        _ = self.local_parser
        return self._parser_error

    def check(self, text: str | bytes) -> EngineVerdict:
        """llguidance's verdict on ``text``: could the model have produced it? (A ``str``
        is fed as its UTF-8 bytes; a lone surrogate, which has no UTF-8 form, goes in as
        its 3-byte encoding, which no grammar matches, so the verdict is a rejection
        there.)"""
        with self._lock:
            return self.matcher.check(text)

    def parse(self, text: str, *, deadline: float | None = None) -> Any:
        """Parse a tool input the model produced.

        Returns the Lark parse tree (with the grammar's rule and terminal names), or, for
        regex tools and Lark grammars the local parser cannot read (e.g. ``%json``), the
        text itself once llguidance accepts it; then the transformer's result, if the tool
        has one. Raises :class:`ToolInputError` for input the grammar rejects, input longer
        than ``max_input_chars``, input that is not valid Unicode (a lone surrogate, which
        the SDK makes of a JSON ``"\\ud800"``; the model cannot emit it, so it is rejected
        at its position whatever the local parser would say), input nested too deeply
        to process, and input whose parse would take more than the tool's :attr:`budget`
        of time or memory (``kind="budget"``; ``deadline``, a ``time.monotonic()`` value,
        cuts it shorter: the router gives one per response). Threads may parse at the same
        time.
        """
        if not isinstance(text, str):
            raise TypeError(f"a tool input must be a string, not {type(text).__name__}")
        if len(text) > self.max_input_chars:
            raise ToolInputError.from_rejection(self.name, Rejection.too_long(len(text), self.max_input_chars))
        bad = LONE_SURROGATE.search(text)
        if bad is not None:  # not UTF-8: the model cannot emit it, whatever Lark would say
            raise not_utf8(self.name, text, bad.start())
        parser = self.local_parser
        if parser is None:
            rejection = self.rejection(text)
            if rejection is not None:
                raise ToolInputError.from_rejection(self.name, rejection)
            value: Any = text
        else:
            bounded = self._bounded
            assert bounded is not None
            try:
                # no lock: the local parse (the linear-time parser or Lark's Earley) keeps
                # all its state in the call (the parser is only read), so threads parse at
                # the same time; long inputs that need Earley go to the bounded worker
                value = bounded.parse(text, deadline=deadline)
            except InputRejected as exc:
                raise ToolInputError.from_rejection(self.name, exc.rejection) from None
        if self._transform is None:
            return value
        try:
            return self._transform(value)
        except RecursionError:
            raise too_deep(self.name) from None
        except Exception as exc:
            orig = getattr(exc, "orig_exc", None)  # lark.exceptions.VisitError
            if isinstance(orig, RecursionError):
                raise too_deep(self.name) from None
            if orig is not None and type(exc).__name__ == "VisitError":
                raise orig from exc
            raise

    def rejection(self, text: str) -> Rejection | None:
        """llguidance's located rejection of ``text`` (None when the model could have
        produced it)."""
        with self._lock:
            return self.matcher.rejection(text)

    def rebuild_matcher(self, reason: str = "") -> None:
        """Compile llguidance's matcher again (after one of its internal limits spent the
        state its copies share)."""
        with self._lock:
            self.matcher.rebuild(reason)

    def _fresh_matcher(self):
        """A new ``llguidance.LLMatcher`` for this grammar in its initial state."""
        with self._lock:
            return self.matcher.fresh()



def _transformer_call(transformer: Any, syntax: str) -> tuple[Callable[[Any], Any] | None, bool]:
    if transformer is None:
        return None, False
    transform = getattr(transformer, "transform", None)
    if callable(transform) and not isinstance(transformer, type):
        if syntax == "regex":
            raise TypeError("a Lark Transformer needs a Lark grammar; for regex tools pass a callable taking the text")
        return transform, True
    if isinstance(transformer, type) and callable(getattr(transformer, "transform", None)):
        raise TypeError("pass a Transformer instance (e.g. MyTransformer()), not the class")
    if callable(transformer):
        return transformer, False
    raise TypeError(f"transformer must be a Lark Transformer or a callable, not {type(transformer).__name__}")


def check_api(api: str) -> str:
    if api not in APIS:
        raise ValueError(f"unknown API {api!r} (expected 'responses' or 'chat')")
    return api


# --------------------------------------------------------------------------- lint once per process

_LINTED: OrderedDict[tuple[str, str, str], LintResult] = OrderedDict()
_LINTED_MAX = 128
_LINTED_LOCK = threading.Lock()


def _lint_once(grammar: str, syntax: str, path: str) -> LintResult:
    """The lint of ``grammar``, computed once per process (a service that builds the same
    tool in every request, or several tools from one grammar, pays for it once)."""
    key = (grammar, syntax, path)
    with _LINTED_LOCK:
        found = _LINTED.get(key)
        if found is not None:
            _LINTED.move_to_end(key)
            return found
    from grammarkit.lint.runner import lint_text

    result = lint_text(grammar, syntax=syntax, path=path)  # type: ignore[arg-type]
    with _LINTED_LOCK:
        _LINTED[key] = result
        while len(_LINTED) > _LINTED_MAX:
            _LINTED.popitem(last=False)
    return result
