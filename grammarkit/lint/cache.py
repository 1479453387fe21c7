"""A cache of ``check`` results, as ruff keeps one: linting an unchanged grammar again
costs little more than start-up.

An entry is keyed by everything the result depends on: the grammar's path and text, its
samples (the given ones' fields, the sample files' bytes, sidecars included), the
effective options (syntax, select, ignore, engine, severities, tokenizer), grammarkit's
version with a fingerprint of its installed source files (sizes and modification times:
an edited checkout does not reuse old results), and the versions of llguidance and lark.
Entries are JSON files in ``$XDG_CACHE_HOME/grammarkit/check/`` (else
``~/.cache/grammarkit/check/``), never pickles: a cache file cannot run code. Any problem
reading an entry (missing, truncated, edited, another layout) makes it a miss; a problem
writing one is ignored.

``GRAMMARKIT_NO_CACHE=1`` (or ``check --no-cache``) turns it off. Results with a
tokenizer other than ``byte`` (they carry a token profile) are not cached.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from grammarkit.core.diagnostics import Diagnostic, Edit, Fix, Severity, Witness
from grammarkit.core.source import detect_syntax, read_grammar_file
from grammarkit.core.version import __version__
from grammarkit.lint.runner import LintResult, lint_file
from grammarkit.samples.files import find_sidecars

FORMAT = 1  # of the entries; part of the key
_LINT_FILE_SIGNATURE = inspect.signature(lint_file)


def enabled(no_cache: bool = False) -> bool:
    """Whether results may be cached: not with ``no_cache``, nor ``GRAMMARKIT_NO_CACHE=1``."""
    return not no_cache and os.environ.get("GRAMMARKIT_NO_CACHE", "") in ("", "0")


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "grammarkit" / "check"


def lint_file_cached(
    path: str | os.PathLike[str],
    *,
    use_cache: bool = True,
    samples_key: list | None = None,
    complete: Callable[[], bool] | None = None,
    **options: Any,
) -> LintResult:
    """:func:`grammarkit.lint.runner.lint_file` with the same keyword ``options``,
    answered from the cache when an entry for the same inputs exists (``use_cache`` and
    :func:`enabled`), stored there if not.

    ``samples`` may be a stream read once (samples files opened by the caller) when
    ``samples_key`` identifies it (see :func:`samples_identity`); it is then only read on
    a miss. ``complete``, called after a run, says whether the run saw all its input (a
    samples file that failed while streamed: ``False``); an incomplete result is not stored."""
    _LINT_FILE_SIGNATURE.bind(path, **options)  # a TypeError for an unknown option, hit or miss
    for name in ("select", "ignore"):
        if options.get(name) is not None:
            options[name] = list(options[name])
    if samples_key is None:
        options["samples"] = list(options.get("samples") or [])
        samples_key = [[s.input, s.expected, s.description, s.source, s.index, s.line] for s in options["samples"]]
    syntax, tokenizer = options.get("syntax"), options.get("tokenizer", "byte")
    sidecars = options.get("sidecars", False)

    def run() -> LintResult:
        return lint_file(path, **options)

    if not use_cache or not enabled() or tokenizer != "byte" or not os.path.isfile(path):
        return run()  # (a pipe or device can be read once only: never through the cache)
    try:
        text = read_grammar_file(path)
        files = [str(f) for f in options.get("sample_files", ())]
        if sidecars:
            files.extend(str(f) for f in find_sidecars(path) if str(f) not in files)
        key = _key(
            path=str(path),
            syntax=syntax or detect_syntax(path) or "lark",
            text=text,
            options={"select": options.get("select"), "ignore": options.get("ignore"),
                     "engine": options.get("engine", "auto"), "tokenizer": tokenizer,
                     "keep_samples": options.get("keep_samples", True),
                     "severity": sorted((code, sev.value) for code, sev in (options.get("severity") or {}).items())},
            samples=samples_key,
            files=[[f, _file_digest(f)] for f in files],
        )
    except (OSError, UnicodeError, ValueError, TypeError):
        return run()  # lint_file reports what it can (an input error, say)
    entry = cache_dir() / key[:2] / f"{key}.json"
    found = _load(entry, text)
    if found is not None:
        return found
    result = run()
    if complete is None or complete():
        _store(entry, result)
    return result


def samples_identity(
    given: Sequence[Sequence] = (), files: Sequence[str | os.PathLike[str]] = (), input_field: str | None = None
) -> list | None:
    """A cache key part for samples the caller streams: the ``given`` samples' fields
    (lists of :class:`grammarkit.samples.files.Sample`) and each samples file's path and
    content digest, with the JSON Lines input field. ``None`` when a file is not a regular
    file (a pipe or device can be read once only) or cannot be read: such a run is not cached."""
    key: list = [[[s.input, s.expected, s.description, s.source, s.index, s.line] for s in group] for group in given]
    for f in files:
        if not os.path.isfile(f):
            return None
        digest = _file_digest(str(f))
        if digest is None:
            return None
        key.append([str(f), digest])
    key.append(input_field or "input")
    return key


# ---------------------------------------------------------------- key


def _key(**parts: Any) -> str:
    data = {"format": FORMAT, "grammarkit": __version__, "code": _code_fingerprint(),
            "engines": _engine_versions(), **parts}
    raw = json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8", "surrogatepass")
    return hashlib.sha256(raw).hexdigest()


def _file_digest(path: str) -> str | None:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as f:  # in blocks: a samples log may be large
            while block := f.read(1 << 20):
                digest.update(block)
        return digest.hexdigest()
    except OSError:
        return None  # lint_file reports it; such a result is not stored (an input error is raised)


@lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    """Sizes and modification times of grammarkit's own files."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(names):
            if name.endswith((".py", ".lark", ".json", ".toml")):
                try:
                    st = os.stat(os.path.join(folder, name))
                except OSError:
                    continue
                digest.update(f"{folder}/{name}:{st.st_size}:{st.st_mtime_ns};".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


@lru_cache(maxsize=1)
def _engine_versions() -> list[str | None]:
    from importlib.metadata import PackageNotFoundError, version

    found: list[str | None] = []
    for name in ("llguidance", "lark"):
        try:
            found.append(version(name))
        except PackageNotFoundError:
            found.append(None)
    return found


# ---------------------------------------------------------------- entries


class ReplayedSample:
    """A sample result read back from the cache: what the output formats use of a
    :class:`grammarkit.samples.checker.SampleResult`."""

    __slots__ = ("as_expected", "_data")

    def __init__(self, as_expected: bool, data: dict) -> None:
        self.as_expected = as_expected
        self._data = data

    def to_dict(self) -> dict:
        return self._data

    def __repr__(self) -> str:
        return f"ReplayedSample(input={self._data.get('input')!r}, as_expected={self.as_expected})"


def _dump_diagnostic(d: Diagnostic) -> dict:
    return {
        "code": d.code, "name": d.name, "severity": d.severity.value, "message": d.message,
        "line": d.line, "column": d.column, "end_line": d.end_line, "end_column": d.end_column,
        "hint": d.hint, "path": d.path, "extra": d.extra,
        "fix": None if d.fix is None else {
            "title": d.fix.title, "safety": d.fix.safety,
            "edits": [[e.start, e.end, e.replacement] for e in d.fix.edits],
        },
        "witness": None if d.witness is None else {
            "input": d.witness.input, "accepted": d.witness.accepted, "note": d.witness.note,
        },
    }


def _load_diagnostic(data: dict) -> Diagnostic:
    fix = data["fix"]
    witness = data["witness"]
    return Diagnostic(
        code=str(data["code"]), name=str(data["name"]), severity=Severity(data["severity"]),
        message=str(data["message"]), line=int(data["line"]), column=int(data["column"]),
        end_line=int(data["end_line"]), end_column=int(data["end_column"]), hint=str(data["hint"]),
        path=str(data["path"]), extra=dict(data["extra"]),
        fix=None if fix is None else Fix(
            title=str(fix["title"]), safety=fix["safety"],
            edits=tuple(Edit(int(s), int(e), str(r)) for s, e, r in fix["edits"]),
        ),
        witness=None if witness is None else Witness(
            input=str(witness["input"]), accepted=bool(witness["accepted"]), note=str(witness["note"]),
        ),
    )


def _store(entry: Path, result: LintResult) -> None:
    try:
        data = {
            "format": FORMAT,
            "path": result.path,
            "syntax": result.syntax,
            "diagnostics": [_dump_diagnostic(d) for d in result.diagnostics],
            "samples": [{"as_expected": s.as_expected, "data": s.to_dict()} for s in result.samples],
            "sample_count": result.sample_count,
        }
        payload = json.dumps(data, ensure_ascii=False)
        entry.parent.mkdir(parents=True, exist_ok=True)
        temporary = entry.with_name(f"{entry.name}.{os.getpid()}.tmp")
        temporary.write_text(payload, encoding="utf-8", errors="surrogatepass")
        os.replace(temporary, entry)
    except (OSError, TypeError, ValueError):
        pass  # not cached: a read-only cache, or a value JSON cannot hold


def _load(entry: Path, text: str) -> LintResult | None:
    try:
        data = json.loads(entry.read_text(encoding="utf-8", errors="surrogatepass"))
        if data["format"] != FORMAT:
            return None
        return LintResult(
            path=str(data["path"]),
            syntax=str(data["syntax"]),
            diagnostics=[_load_diagnostic(d) for d in data["diagnostics"]],
            text=text,
            samples=[ReplayedSample(bool(s["as_expected"]), dict(s["data"])) for s in data["samples"]],
            sample_count=None if data["sample_count"] is None else int(data["sample_count"]),
        )
    except Exception:  # any problem with an entry: a miss
        return None
