"""Sample tool inputs: files, sidecar discovery, and verdicts from both engines.

A sample is an input the tool should (or should not) receive. Each is checked by
llguidance (the authority: can the model emit it?) and by the local Lark parser (will the
application's own parse accept it?). Sample files come in two formats:

* **JSON**, the test-file format of guidance-lark-mcp: a list of
  ``{"input": ..., "should_parse": true|false, "description": ...}``, or
  ``{"tests": [...]}`` holding such a list;
* **TOML**, for people: top-level arrays ``valid = [...]`` and ``invalid = [...]`` whose
  items are strings (multi-line strings welcome) or tables ``{input = ..., description =
  ...}``;
* **JSON Lines** (``.jsonl``), for logs and bulk checks: one object per line,
  ``{"input": ..., "should_parse": true|false, "description": ...}`` (only ``input`` is
  required; ``should_parse`` defaults to true). ``input_field`` names another field, a
  dotted path for nested objects (``item.input``), so logged tool calls are checked as
  they are stored. The file is streamed: samples are read one line at a time, never
  held together, and a malformed line is a :class:`SampleProblem` (located, reported as
  a diagnostic) rather than the end of the file.

A grammar ``x.lark`` (or ``x.regex``) finds its samples beside it as ``x.samples.toml``,
``x.samples.json`` and ``x.samples.jsonl``.

Every format is read in time linear in its size: JSON and TOML files (at most
:data:`MAX_SAMPLE_FILE_BYTES`) are read whole, JSON Lines one line at a time (at most
:data:`MAX_SAMPLE_LINE_BYTES` a line), also from a device or a pipe.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from grammarkit.core.errors import InputError
from grammarkit.core.source import decode_grammar_bytes, open_input, read_bounded
from grammarkit.core.span import LONE_SURROGATE, Span

SIDECAR_SUFFIXES = (".samples.toml", ".samples.json", ".samples.jsonl")
SAMPLE_FILE_SUFFIXES = (".json", ".toml", ".jsonl")
MAX_SAMPLE_FILE_BYTES = 64 * 1024 * 1024
"""The largest JSON or TOML samples file (they are read whole)."""
MAX_SAMPLE_LINE_BYTES = 16 * 1024 * 1024
"""The longest line of a JSON Lines samples file (a longer one is a :class:`SampleProblem`)."""
MAX_SAMPLE_PROBLEMS = 1000
"""Malformed lines in one JSON Lines file after which reading it stops (an :class:`InputError`)."""

@dataclass(slots=True)
class Sample:
    """One input with its expectation (True: must be accepted; False: must be rejected;
    None: no expectation, just report)."""

    input: str
    expected: bool | None = True
    description: str = ""
    source: str = "<sample>"  # the samples file, or "<sample>" for --sample
    index: int = 0  # 1-based position in its source
    line: int = 1  # line in its source where the sample starts (exact for JSON and JSON Lines)

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


@dataclass(slots=True)
class SampleProblem:
    """An entry of a samples file that is not a sample (a malformed JSON Lines line):
    reported where it is, and the file goes on."""

    source: str
    line: int
    message: str




def _quoted(text: str) -> str:
    """``text`` as a JSON string, non-ASCII kept, each lone surrogate (which cannot be
    written out as UTF-8) as its ``\\uXXXX`` escape."""
    return LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(text, ensure_ascii=False))



# ---------------------------------------------------------------- files


def find_sidecars(grammar_path: str | os.PathLike[str]) -> list[Path]:
    """The sample files beside ``grammar_path`` (``x.lark`` → ``x.samples.toml``/``.json``/``.jsonl``)."""
    p = Path(grammar_path)
    stem = p.name[: -len(p.suffix)] if p.suffix else p.name
    return [p.with_name(stem + suffix) for suffix in SIDECAR_SUFFIXES if p.with_name(stem + suffix).is_file()]


def is_json_lines(path: str | os.PathLike[str]) -> bool:
    return Path(path).suffix.lower() == ".jsonl"


def load_samples(path: str | os.PathLike[str], *, input_field: str | None = None) -> list[Sample]:
    """Read a samples file (``.json``, ``.toml`` or ``.jsonl``) whole; raise
    :class:`InputError` when it is unreadable, not in its format, or (JSON Lines) has a
    malformed line. :func:`iter_samples` streams instead and reports malformed lines."""
    samples = []
    for item in iter_samples(path, input_field=input_field):
        if isinstance(item, SampleProblem):
            raise InputError(f"{item.source}:{item.line}", item.message)
        samples.append(item)
    return samples


def open_samples(path: str | os.PathLike[str], *, input_field: str | None = None) -> Iterable[Sample | SampleProblem]:
    """The samples of a file, to iterate (possibly several times): a list for JSON and
    TOML (read and checked now: :class:`InputError` when they are broken), a
    :class:`JsonLinesSamples` for JSON Lines (checked to exist now, read lazily)."""
    if is_json_lines(path):
        return JsonLinesSamples(path, input_field=input_field)
    return list(iter_samples(path))


def iter_samples(path: str | os.PathLike[str], *, input_field: str | None = None) -> Iterator[Sample | SampleProblem]:
    """The samples of a file, one at a time; a malformed JSON Lines line comes as a
    :class:`SampleProblem`. A broken JSON or TOML file is an :class:`InputError` (on the
    first ``next``)."""
    if is_json_lines(path):
        yield from JsonLinesSamples(path, input_field=input_field)
        return
    shown = str(path)
    suffix = Path(path).suffix.lower()
    if suffix not in (".json", ".toml"):
        raise InputError(shown, "samples file must end in .json, .toml or .jsonl")
    text = decode_grammar_bytes(read_bounded(path, MAX_SAMPLE_FILE_BYTES, shown, what="samples file"), shown)
    if suffix == ".json":
        yield from parse_json_samples(text, shown)
    else:
        yield from parse_toml_samples(text, shown)


_WHITESPACE = re.compile(r"[ \t\n\r]*")


def parse_json_samples(text: str, source: str = "<json>") -> list[Sample]:
    """The samples of a JSON samples file, each located exactly on the line of its
    ``"input"`` (one pass over the text: the list's items are decoded one by one where
    they are)."""
    try:
        entries = _json_entries(text)
    except json.JSONDecodeError as exc:
        raise InputError(source, f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise InputError(source, "invalid JSON: nested too deeply") from None
    if entries is None:
        raise InputError(source, 'expected a list of {"input", "should_parse"} objects or {"tests": [...]}')
    samples = []
    line, last = 1, 0
    for i, (start, end, entry) in enumerate(entries, 1):
        if not isinstance(entry, dict) or not isinstance(entry.get("input"), str):
            raise InputError(source, f'test {i}: expected an object with a string "input"')
        should = entry.get("should_parse", True)
        if not isinstance(should, bool):
            raise InputError(source, f'test {i}: "should_parse" must be true or false')
        description = entry.get("description", "")
        if not isinstance(description, str):
            raise InputError(source, f'test {i}: "description" must be a string')
        at = text.find('"input"', start, end)  # the key as usually written; else the item
        at = start if at == -1 else at
        line += text.count("\n", last, at)
        last = at
        samples.append(Sample(entry["input"], should, description, source, i, line))
    return samples


def _json_entries(text: str) -> list[tuple[int, int, object]] | None:
    """``(start, end, value)`` of each item of the samples list of a JSON text (the
    top-level list, or the list of its top-level ``"tests"``); None when there is none.
    Raises ``json.JSONDecodeError`` like ``json.loads``."""
    decode = json.JSONDecoder().raw_decode
    ws = _WHITESPACE.match  # \s*: always matches
    pos = ws(text, 0).end()  # type: ignore[union-attr]
    if text.startswith("\ufeff", pos):
        pos = ws(text, pos + 1).end()  # type: ignore[union-attr]
    entries: list[tuple[int, int, object]] | None
    if text.startswith("[", pos):
        entries, pos = _json_list(text, pos, decode, ws)
    elif text.startswith("{", pos):
        entries, pos = _json_object(text, pos, decode, ws)
    else:
        value, pos = decode(text, pos)  # a scalar (or an error where the value should be)
        entries = None
    pos = ws(text, pos).end()  # type: ignore[union-attr]
    if pos != len(text):
        raise json.JSONDecodeError("Extra data", text, pos)
    return entries


def _json_list(text: str, pos: int, decode, ws) -> tuple[list[tuple[int, int, object]], int]:
    items: list[tuple[int, int, object]] = []
    pos = ws(text, pos + 1).end()
    if text.startswith("]", pos):
        return items, pos + 1
    while True:
        value, end = decode(text, pos)
        items.append((pos, end, value))
        pos = ws(text, end).end()
        if text.startswith(",", pos):
            pos = ws(text, pos + 1).end()
        elif text.startswith("]", pos):
            return items, pos + 1
        else:
            raise json.JSONDecodeError("Expecting ',' delimiter", text, pos)


def _json_object(text: str, pos: int, decode, ws) -> tuple[list[tuple[int, int, object]] | None, int]:
    """The items of the ``"tests"`` list of the object at ``pos`` (None when it has no
    ``"tests"`` or it is not a list), and the end of the object."""
    tests: list[tuple[int, int, object]] | None = None
    pos = ws(text, pos + 1).end()
    if text.startswith("}", pos):
        return None, pos + 1
    while True:
        if not text.startswith('"', pos):
            raise json.JSONDecodeError("Expecting property name enclosed in double quotes", text, pos)
        key, pos = decode(text, pos)
        pos = ws(text, pos).end()
        if not text.startswith(":", pos):
            raise json.JSONDecodeError("Expecting ':' delimiter", text, pos)
        pos = ws(text, pos + 1).end()
        if key == "tests" and text.startswith("[", pos):
            tests, pos = _json_list(text, pos, decode, ws)
        else:
            value, pos = decode(text, pos)
            if key == "tests":
                tests = None  # a later "tests" wins, as in json.loads
        pos = ws(text, pos).end()
        if text.startswith(",", pos):
            pos = ws(text, pos + 1).end()
        elif text.startswith("}", pos):
            return tests, pos + 1
        else:
            raise json.JSONDecodeError("Expecting ',' delimiter", text, pos)


def parse_toml_samples(text: str, source: str = "<toml>") -> list[Sample]:
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(source, f"invalid TOML: {exc}") from None
    except RecursionError:
        raise InputError(source, "invalid TOML: nested too deeply") from None
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
    """Finds, in order, the line on which each sample appears in a TOML file (best
    effort: TOML parsers give no positions). Each search looks at most
    :attr:`WINDOW` characters ahead (or a few times the value's length), and lines come
    from a :class:`~grammarkit.core.span.LineIndex`, so locating every sample of a file
    takes time linear in its size."""

    WINDOW = 4096

    def __init__(self, text: str) -> None:
        from grammarkit.core.span import LineIndex

        self.text = text
        self.index = LineIndex(text)
        self.pos = 0

    def seek(self, key: str) -> None:

        m = re.search(rf"(?m)^\s*{key}\s*=", self.text)
        if m:
            self.pos = m.end()

    def find(self, value: str) -> int:
        first = value.split("\n", 1)[0]
        limit = self.pos + self.WINDOW + 8 * len(first)
        for probe in dict.fromkeys((first[:40], json.dumps(first, ensure_ascii=False)[1:41])):
            at = self.text.find(probe, self.pos, limit) if probe else -1
            if at != -1:
                self.pos = at + len(probe)
                return self.index.position(at)[0]
        return self.index.position(self.pos)[0]


# ---------------------------------------------------------------- JSON Lines


class JsonLinesSamples:
    """The samples of a JSON Lines file, read one line at a time each time it is
    iterated (so memory stays flat however long the file). ``input_field`` names the
    field holding the input (default ``input``; a dotted path such as ``item.input``
    reaches into nested objects); ``should_parse`` (default true) and ``description``
    are read from the top-level object. Blank lines are skipped; a malformed line is
    yielded as a :class:`SampleProblem`. A file that cannot be opened or read, holds a
    NUL byte (a binary file, ``/dev/zero``) or more than :data:`MAX_SAMPLE_PROBLEMS`
    malformed lines is an :class:`InputError`.

    The file must exist when this is made; devices and pipes are read like files (a
    pipe only once)."""

    def __init__(self, path: str | os.PathLike[str], *, input_field: str | None = None) -> None:
        self.path = path
        self.shown = str(path)
        field = input_field or "input"
        if not all(field.split(".")):
            raise InputError(self.shown, f"input field {field!r}: expected a name or a dotted path such as item.input")
        self.input_field = field
        try:
            if Path(path).is_dir():
                raise InputError(self.shown, "is a directory")
            os.stat(path)
        except FileNotFoundError:
            raise InputError(self.shown, "no such file") from None
        except OSError as exc:
            raise InputError(self.shown, f"cannot read: {exc.strerror or exc}") from None

    def __iter__(self) -> Iterator[Sample | SampleProblem]:
        f = open_input(self.path, self.shown)
        with f:
            yield from self._read(f)

    def _read(self, f) -> Iterator[Sample | SampleProblem]:
        shown, field = self.shown, self.input_field
        keys = field.split(".")
        nested = keys if len(keys) > 1 else None
        readline, loads, limit = f.readline, json.loads, MAX_SAMPLE_LINE_BYTES
        lineno = index = problems = 0
        while True:
            try:
                raw = readline(limit + 1)
            except OSError as exc:
                raise InputError(f"{shown}:{lineno + 1}", f"cannot read: {exc.strerror or exc}") from None
            if not raw:
                return
            lineno += 1
            problem = None
            if len(raw) > limit:
                while raw and not raw.endswith(b"\n"):  # skip the rest of the line
                    raw = readline(1 << 20)
                    if b"\x00" in raw:
                        break
                problem = f"line is too long (more than {limit} bytes)"
            if b"\x00" in raw:
                raise InputError(
                    f"{shown}:{lineno}", "binary file (NUL byte); a JSON Lines samples file must be UTF-8 text"
                )
            if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]  # a byte order mark
            if problem is None:
                try:
                    text = raw.decode("utf-8")
                    entry = loads(text)
                except UnicodeDecodeError as exc:
                    problem = f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at column {exc.start + 1})"
                except RecursionError:
                    problem = "invalid JSON: nested too deeply"
                except json.JSONDecodeError as exc:
                    if raw.isspace() or not raw:
                        continue  # a blank line
                    column = min(exc.pos, len(text.rstrip("\r\n"))) + 1
                    problem = f"invalid JSON at column {column}: {exc.msg}"
            if problem is None:
                if type(entry) is not dict:
                    problem = f"expected a JSON object, not {_json_type(entry)}"
                else:
                    if nested is None:
                        value = entry.get(field, _MISSING)
                    else:
                        value = entry
                        for key in nested:
                            value = value.get(key, _MISSING) if type(value) is dict else _MISSING
                    should = entry.get("should_parse", True)
                    description = entry.get("description", "")
                    if value is _MISSING:
                        problem = f'no "{field}" field'
                    elif type(value) is not str:
                        problem = f'"{field}" must be a string, not {_json_type(value)}'
                    elif type(should) is not bool:
                        problem = '"should_parse" must be true or false'
                    elif type(description) is not str:
                        problem = '"description" must be a string'
                    else:
                        index += 1
                        yield Sample(value, should, description, shown, index, lineno)
                        continue
            problems += 1
            yield SampleProblem(shown, lineno, problem)
            if problems >= MAX_SAMPLE_PROBLEMS:
                raise InputError(
                    shown, f"{problems} malformed lines; stopped reading (is it a JSON Lines samples file?)"
                )


_MISSING = object()


def _json_type(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"
