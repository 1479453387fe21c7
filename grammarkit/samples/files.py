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
