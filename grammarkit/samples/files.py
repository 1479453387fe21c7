"""Sample tool inputs: files, sidecar discovery, and verdicts from both engines.

A sample is an input the tool should (or should not) receive. Each is checked by
llguidance (the authority: can the model emit it?) and by the local Lark parser (will the
application's own parse accept it?). Sample files come in two formats:

* **JSON**, the test-file format of guidance-lark-mcp: a list of
  ``{"input": ..., "should_parse": true|false, "description": ...}``, or
  ``{"tests": [...]}`` holding such a list;
* **TOML**, for people: top-level arrays ``valid = [...]`` and ``invalid = [...]`` whose
  items are strings (multi-line strings welcome) or tables ``{input = ..., description =
  ...}``.

A grammar ``x.lark`` (or ``x.regex``) finds its samples beside it as ``x.samples.json``
and ``x.samples.toml``.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from grammarkit.core.errors import InputError
from grammarkit.core.source import decode_grammar_bytes
from grammarkit.core.span import LONE_SURROGATE, Span

SIDECAR_SUFFIXES = (".samples.toml", ".samples.json")
MAX_SAMPLE_FILE_BYTES = 64 * 1024 * 1024

@dataclass(slots=True)
class Sample:
    """One input with its expectation (True: must be accepted; False: must be rejected;
    None: no expectation, just report)."""

    input: str
    expected: bool | None = True
    description: str = ""
    source: str = "<sample>"  # the samples file, or "<sample>" for --sample
    index: int = 0  # 1-based position in its source
    line: int = 1  # line in its source where the sample starts (best effort)

    @property
    def span(self) -> Span:
        """Where the sample's diagnostics point: its line in its samples file (column 1;
        line 1 for ``--sample`` inputs)."""
        return Span(self.line, 1, self.line, 2)

    @property
    def label(self) -> str:
        shown = self.input if len(self.input) <= 40 else self.input[:37] + "..."
        text = f"sample {self.index} {_quoted(shown)}"
        if self.description:
            text += f" ({self.description})"
        return text




def _quoted(text: str) -> str:
    """``text`` as a JSON string, non-ASCII kept, each lone surrogate (which cannot be
    written out as UTF-8) as its ``\\uXXXX`` escape."""
    return LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(text, ensure_ascii=False))



# ---------------------------------------------------------------- files


def find_sidecars(grammar_path: str | os.PathLike[str]) -> list[Path]:
    """The sample files beside ``grammar_path`` (``x.lark`` → ``x.samples.toml``/``.json``)."""
    p = Path(grammar_path)
    stem = p.name[: -len(p.suffix)] if p.suffix else p.name
    return [p.with_name(stem + suffix) for suffix in SIDECAR_SUFFIXES if p.with_name(stem + suffix).is_file()]


def load_samples(path: str | os.PathLike[str]) -> list[Sample]:
    """Read a samples file (``.json`` or ``.toml``); raise :class:`InputError` when it is
    unreadable or not in one of the two formats."""
    p = Path(path)
    shown = str(path)
    try:
        size = p.stat().st_size
        if size > MAX_SAMPLE_FILE_BYTES:
            raise InputError(shown, f"samples file is too large ({size} bytes)")
        text = decode_grammar_bytes(p.read_bytes(), shown)
    except FileNotFoundError:
        raise InputError(shown, "no such file") from None
    except IsADirectoryError:
        raise InputError(shown, "is a directory") from None
    except OSError as exc:
        raise InputError(shown, f"cannot read: {exc.strerror or exc}") from None
    if p.suffix.lower() == ".json":
        return parse_json_samples(text, shown)
    if p.suffix.lower() == ".toml":
        return parse_toml_samples(text, shown)
    raise InputError(shown, "samples file must end in .json or .toml")


def parse_json_samples(text: str, source: str = "<json>") -> list[Sample]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(source, f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    if isinstance(data, dict) and "tests" in data:
        data = data["tests"]
    if not isinstance(data, list):
        raise InputError(source, 'expected a list of {"input", "should_parse"} objects or {"tests": [...]}')
    samples = []
    locator = _Locator(text)
    for i, entry in enumerate(data, 1):
        if not isinstance(entry, dict) or not isinstance(entry.get("input"), str):
            raise InputError(source, f'test {i}: expected an object with a string "input"')
        should = entry.get("should_parse", True)
        if not isinstance(should, bool):
            raise InputError(source, f'test {i}: "should_parse" must be true or false')
        description = entry.get("description", "")
        if not isinstance(description, str):
            raise InputError(source, f'test {i}: "description" must be a string')
        line = locator.find(json.dumps(entry["input"], ensure_ascii=False)[1:-1])
        samples.append(Sample(entry["input"], should, description, source, i, line))
    return samples


def parse_toml_samples(text: str, source: str = "<toml>") -> list[Sample]:
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(source, f"invalid TOML: {exc}") from None
    unknown = set(data) - {"valid", "invalid"}
    if unknown:
        raise InputError(source, f"unknown key(s) {', '.join(sorted(unknown))}; expected 'valid' and 'invalid' arrays")
    samples = []
    locator = _Locator(text)
    index = 0
    for key, expected in (("valid", True), ("invalid", False)):
        entries = data.get(key, [])
        if not isinstance(entries, list):
            raise InputError(source, f"'{key}' must be an array")
        locator.seek(key)
        for entry in entries:
            index += 1
            if isinstance(entry, str):
                value, description = entry, ""
            elif isinstance(entry, dict) and isinstance(entry.get("input"), str):
                value, description = entry["input"], str(entry.get("description", ""))
            else:
                raise InputError(
                    source, f"'{key}' item {index}: expected a string or {{input = ..., description = ...}}"
                )
            samples.append(Sample(value, expected, description, source, index, locator.find(value)))
    return samples


# ---------------------------------------------------------------- writing


def format_toml_samples(samples: list[Sample], header: str = "") -> str:
    """``samples`` as a TOML samples file (``valid = [...]``, ``invalid = [...]``), one
    sample a line, each as readable as TOML allows: a literal string (``'...'``), a
    multi-line literal string for inputs with line breaks, else a basic string with
    escapes; a sample with a description is an inline table. ``header`` (comment lines)
    goes first. :func:`parse_toml_samples` reads back the same inputs, expectations and
    descriptions.

    Raises :class:`InputError` for a sample with no expectation (TOML has no place for it)
    or holding a lone surrogate (no TOML string can)."""
    groups: dict[bool, list[str]] = {True: [], False: []}
    for i, sample in enumerate(samples, 1):
        if sample.expected is None:
            raise InputError("<toml>", f"sample {i} has no expectation (valid or invalid)")
        if LONE_SURROGATE.search(sample.input + sample.description):
            raise InputError("<toml>", f"sample {i} holds a lone surrogate, which a TOML file cannot; use JSON")
        value = _toml_string(sample.input)
        if sample.description:
            value = f"{{ input = {value}, description = {_toml_string(sample.description)} }}"
        groups[sample.expected].append(value)
    out = [header.rstrip("\n") + "\n"] if header.strip() else []
    for key, expected in (("valid", True), ("invalid", False)):
        items = groups[expected]
        out.append(f"{key} = [\n" + "".join(f"  {item},\n" for item in items) + "]\n" if items else f"{key} = []\n")
    return "".join(out)


def format_json_samples(samples: list[Sample]) -> str:
    """``samples`` in guidance-lark-mcp's test-file format (a list of ``{"input",
    "should_parse", "description"}``), one sample a line; :func:`parse_json_samples` reads
    it back (a lone surrogate is written as its ``\\uXXXX`` escape). Raises
    :class:`InputError` for a sample with no expectation."""
    lines = []
    for i, sample in enumerate(samples, 1):
        if sample.expected is None:
            raise InputError("<json>", f"sample {i} has no expectation (valid or invalid)")
        entry: dict[str, object] = {"input": sample.input, "should_parse": sample.expected}
        if sample.description:
            entry["description"] = sample.description
        line = json.dumps(entry, ensure_ascii=False)
        lines.append("  " + LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", line))
    if not lines:
        return "[]\n"
    return "[\n" + ",\n".join(lines) + "\n]\n"


_TOML_ESCAPED = re.compile("[\x00-\x08\x0a-\x1f\x7f]")
"""Characters a TOML string must escape (a tab may stay); a multi-line string may also hold ``\\n``."""
_TOML_ESCAPES = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\"}
_TRIPLE = "'" * 3


def _toml_string(text: str) -> str:
    if "'" not in text and not _TOML_ESCAPED.search(text):
        return f"'{text}'"
    if (
        "\n" in text
        and _TRIPLE not in text
        and not text.endswith("'")
        and not _TOML_ESCAPED.search(text.replace("\n", ""))
    ):
        # TOML trims a line break right after the opening delimiter: add one to keep an
        # input that starts with a line break.
        return _TRIPLE + ("\n" if text.startswith("\n") else "") + text + _TRIPLE
    out = []
    for c in text:
        if c in _TOML_ESCAPES:
            out.append(_TOML_ESCAPES[c])
        elif _TOML_ESCAPED.match(c):
            out.append(f"\\u{ord(c):04X}")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


class _Locator:
    """Finds, in order, the line on which each sample appears in its file (best effort)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def seek(self, key: str) -> None:

        m = re.search(rf"(?m)^\s*{key}\s*=", self.text)
        if m:
            self.pos = m.end()

    def find(self, value: str) -> int:
        probe = value.split("\n", 1)[0][:40]
        at = self.text.find(probe, self.pos) if probe else -1
        if at == -1:
            return self.text.count("\n", 0, self.pos) + 1
        self.pos = at + len(probe)
        return self.text.count("\n", 0, at) + 1
