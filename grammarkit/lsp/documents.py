"""What the language server lints, without the protocol: which files are grammars and
which are samples files, which grammar a samples file belongs to, and one lint of a
grammar with its samples (the open documents' unsaved text winning over the files on
disk), under the project's configuration, bounded in size.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from grammarkit.core.diagnostics import Diagnostic, Severity
from grammarkit.core.errors import InputError
from grammarkit.core.source import Syntax, detect_syntax
from grammarkit.lint.config import Config, ConfigError, load_config
from grammarkit.lint.fixes import FixOutcome, fix_text
from grammarkit.lint.runner import LintResult, lint_text
from grammarkit.samples.checker import CheckerCache
from grammarkit.samples.files import SIDECAR_SUFFIXES, Sample, parse_json_samples, parse_toml_samples

MAX_LIVE_CHARS = 64_000
"""Grammars longer than this are not linted as you type (one diagnostic says so): lint
time grows faster than the text, and a 40,000-character grammar already takes seconds."""


def grammar_syntax(path: str | os.PathLike[str] | None, language_id: str = "") -> Syntax | None:
    """``lark`` or ``regex`` for a grammar file (by suffix, else by the editor's language
    id), None for anything else."""
    if path is not None:
        found = detect_syntax(path)
        if found is not None:
            return found
        if is_samples_file(path):
            return None
    language = language_id.lower()
    if language in ("lark", "regex"):
        return language  # type: ignore[return-value]
    return None


def is_samples_file(path: str | os.PathLike[str]) -> bool:
    name = Path(path).name.lower()
    return any(name.endswith(suffix) for suffix in SIDECAR_SUFFIXES)


def sidecar_grammars(samples_path: str | os.PathLike[str]) -> list[Path]:
    """The grammars a sidecar samples file can belong to: ``x.samples.toml`` → ``x.lark``
    and ``x.regex`` beside it (whether they exist or not)."""
    p = Path(samples_path)
    lowered = p.name.lower()
    for suffix in SIDECAR_SUFFIXES:
        if lowered.endswith(suffix):
            stem = p.name[: -len(suffix)]
            return [p.with_name(stem + ".lark"), p.with_name(stem + ".regex")]
    return []


def parse_samples_text(path: str, text: str) -> list[Sample]:
    """The samples in a samples file's text (raises :class:`InputError` as
    :func:`grammarkit.samples.files.load_samples` does)."""
    if path.lower().endswith(".json"):
        return parse_json_samples(text, path)
    if path.lower().endswith(".toml"):
        return parse_toml_samples(text, path)
    raise InputError(path, "samples file must end in .json or .toml")


def read_samples_file(path: str) -> str:
    from grammarkit.core.source import decode_grammar_bytes
    from grammarkit.samples.files import MAX_SAMPLE_FILE_BYTES

    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_SAMPLE_FILE_BYTES:
            raise InputError(path, f"samples file is too large ({size} bytes)")
        return decode_grammar_bytes(p.read_bytes(), path)
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None


@dataclass
class DocumentLint:
    """One lint of a grammar: diagnostics per file (the grammar's path, and each samples
    file's path, every one of them present even when empty), and the sample files used."""

    grammar: str
    diagnostics: dict[str, list[Diagnostic]] = field(default_factory=dict)
    sample_files: list[str] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)  # path -> the text the diagnostics are about
    result: LintResult | None = None
    complete: bool = True  # False for the early result, before the samples were checked


def note(path: str, message: str, *, line: int = 1, severity: Severity = Severity.ERROR, name: str = "") -> Diagnostic:
    """A diagnostic that is not a rule's (no code): configuration, samples file, size."""
    return Diagnostic(
        code="", name=name, severity=severity, message=message, line=line, column=1, end_line=line, end_column=1,
        path=path,
    )


_LINE_IN_MESSAGE = re.compile(r"\bline (\d+)")


def lint_document(
    path: str,
    text: str,
    syntax: Syntax,
    *,
    open_texts: Mapping[str, str] | None = None,
    on_disk: bool = True,
    checkers: CheckerCache | None = None,
    on_grammar: Callable[[DocumentLint], None] | None = None,
    max_chars: int = MAX_LIVE_CHARS,
) -> DocumentLint:
    """Lint grammar ``text`` (the file ``path``, or an unsaved document when
    ``on_disk`` is False) the way ``grammarkit check`` lints the file: the configuration
    of its directory (``[tool.grammarkit]``: select, ignore, severity, per-file ignores,
    engine, sample patterns) and its samples files, whose open documents' texts
    (``open_texts``: path → text) win over the files. ``on_grammar`` gets the grammar's
    own diagnostics before the samples are checked."""
    open_texts = open_texts or {}
    out = DocumentLint(path, {path: []}, texts={path: text})
    if len(text) > max_chars:
        out.diagnostics[path].append(
            note(
                path,
                f"grammarkit does not lint a grammar this large as you type ({len(text):,} characters; "
                f"the limit is {max_chars:,}): run `grammarkit check {Path(path).name}`",
                severity=Severity.WARNING,
                name="too-large",
            )
        )
        return out
    inputs = gather(path, on_disk=on_disk, open_texts=open_texts)
    out.diagnostics.update(inputs.problems)
    out.texts.update(inputs.texts)
    out.sample_files = sample_files = inputs.sample_files
    options, samples = inputs.options, inputs.samples

    def early(partial: LintResult) -> None:
        if on_grammar is not None:
            first = DocumentLint(path, {path: out.diagnostics[path] + partial.diagnostics}, sample_files, out.texts)
            first.result = partial
            first.complete = False
            on_grammar(first)

    result = lint_text(
        text,
        syntax=syntax,
        path=path,
        samples=samples,
        sample_checker=checkers,
        on_grammar=early if on_grammar is not None else None,
        **options,
    )
    out.result = result
    for d in result.diagnostics:
        out.diagnostics.setdefault(d.path, []).append(d)
    return out


@dataclass
class LintInputs:
    """What linting a grammar file reads besides its text: the configuration's options
    for it, its samples (open documents' texts winning over the files), the samples files
    and their texts, and problems with the configuration or a samples file, by path."""

    options: dict
    samples: list[Sample]
    sample_files: list[str]
    texts: dict[str, str]
    problems: dict[str, list[Diagnostic]]


def gather(path: str, *, on_disk: bool = True, open_texts: Mapping[str, str] | None = None) -> LintInputs:
    """The :class:`LintInputs` of the grammar at ``path``."""
    open_texts = open_texts or {}
    problems: dict[str, list[Diagnostic]] = {path: []}
    config, problem = _config(path, on_disk)
    if problem:
        problems[path].append(note(path, problem, name="configuration"))
    options = config.lint_options(path, sidecars=on_disk)
    sample_files = [str(f) for f in options.pop("sample_files", ())]
    for candidate in _open_sidecars(path, open_texts):
        if candidate not in sample_files:
            sample_files.append(candidate)  # an unsaved new samples file beside the grammar
    samples: list[Sample] = []
    texts: dict[str, str] = {}
    for sample_file in sample_files:
        problems[sample_file] = []
        texts[sample_file] = ""
        try:
            body = open_texts[sample_file] if sample_file in open_texts else read_samples_file(sample_file)
            texts[sample_file] = body
            samples.extend(parse_samples_text(sample_file, body))
        except InputError as err:
            found = _LINE_IN_MESSAGE.search(err.message)
            line = int(found.group(1)) if found else 1
            problems[sample_file].append(note(sample_file, err.message, line=line, name="samples-file"))
    return LintInputs(options, samples, sample_files, texts, problems)


def fix_document(
    path: str,
    text: str,
    syntax: Syntax,
    *,
    open_texts: Mapping[str, str] | None = None,
    on_disk: bool = True,
    unsafe: bool = False,
    max_chars: int = MAX_LIVE_CHARS,
) -> FixOutcome | None:
    """Every verified fix applied to grammar ``text``
    (:func:`grammarkit.lint.fixes.fix_text`) under the same configuration and samples as
    :func:`lint_document`; None for a text over ``max_chars``."""
    if len(text) > max_chars:
        return None
    inputs = gather(path, on_disk=on_disk, open_texts=open_texts)
    return fix_text(text, syntax=syntax, path=path, unsafe=unsafe, samples=inputs.samples, **inputs.options)


def sample_verdicts(result: LintResult) -> dict[str, dict[int, str]]:
    """Each sample's verdict in a few words, by samples file and 1-based line (samples on
    one line joined): ``✓ accepted``, ``✗ rejected`` (not what it expects), ``· accepted``
    (no expectation), with ``(Lark rejects)`` or ``(Lark accepts)`` when the engines
    disagree."""
    out: dict[str, dict[int, list[str]]] = {}
    for r in result.samples:
        mark = "·" if r.sample.expected is None else "✓" if r.as_expected else "✗"
        words = f"{mark} {'accepted' if r.accepted else 'rejected'}"
        if r.disagreement == "lark-rejects":
            words += " (Lark rejects)"
        elif r.disagreement == "lark-accepts":
            words += " (Lark accepts)"
        out.setdefault(r.sample.source, {}).setdefault(r.sample.line, []).append(words)
    return {path: {line: ", ".join(v) for line, v in lines.items()} for path, lines in out.items()}


def _config(path: str, on_disk: bool) -> tuple[Config, str]:
    """The configuration for ``path`` (found from its directory), and a problem with it."""
    start = Path(path).parent if on_disk else Path.cwd()
    try:
        return load_config(start=start), ""
    except ConfigError as err:
        return Config(), f"grammarkit configuration: {err} (linting with the defaults)"


def _open_sidecars(path: str, open_texts: Mapping[str, str]) -> list[str]:
    p = Path(path)
    stem = p.name[: -len(p.suffix)] if p.suffix else p.name
    candidates = [str(p.with_name(stem + suffix)) for suffix in SIDECAR_SUFFIXES]
    return [c for c in candidates if c in open_texts]


__all__ = [
    "MAX_LIVE_CHARS",
    "DocumentLint",
    "LintInputs",
    "fix_document",
    "gather",
    "grammar_syntax",
    "is_samples_file",
    "lint_document",
    "note",
    "parse_samples_text",
    "sample_verdicts",
    "sidecar_grammars",
]
