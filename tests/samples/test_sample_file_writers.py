"""Writing samples files: what format_toml_samples / format_json_samples write reads back
as the same samples."""

from __future__ import annotations

import json

import pytest

from grammarkit.core.errors import InputError
from grammarkit.samples.files import (
    Sample,
    format_json_samples,
    format_toml_samples,
    parse_json_samples,
    parse_toml_samples,
)

TRICKY = [
    "42",
    "",
    "it's",
    'say "hi"',
    "back\\slash",
    "line\nbreak",
    "\nstarts with a break",
    "ends with a quote'",
    "three '''quotes'''",
    "tab\there",
    "cr\r\nlf",
    "bell\x07 and del\x7f",
    "naïve 😀",
    "'",
    "''",
    "\n",
    "trailing backslash\\",
]


def _same(a: list[Sample], b: list[Sample]) -> bool:
    return [(s.input, s.expected, s.description) for s in a] == [(s.input, s.expected, s.description) for s in b]


def test_toml_round_trip():
    samples = [Sample(t, i % 2 == 0, "described 'x'\n" if i % 3 == 0 else "") for i, t in enumerate(TRICKY)]
    text = format_toml_samples(samples, header="# a header\n")
    assert text.startswith("# a header\nvalid = [\n")
    back = parse_toml_samples(text)
    assert _same(back, [s for s in samples if s.expected] + [s for s in samples if not s.expected])


def test_toml_is_readable():
    text = format_toml_samples([Sample("1+2"), Sample("1 +\n2", False)])
    assert text == "valid = [\n  '1+2',\n]\ninvalid = [\n  '''1 +\n2''',\n]\n"
    assert format_toml_samples([]) == "valid = []\ninvalid = []\n"


def test_json_round_trip():
    samples = [Sample(t, i % 2 == 0, "d" if i % 3 == 0 else "") for i, t in enumerate([*TRICKY, "\ud800"])]
    text = format_json_samples(samples)
    text.encode("utf-8")  # writable: the lone surrogate is escaped
    assert _same(parse_json_samples(text), samples)
    assert json.loads(text)[0] == {"input": "42", "should_parse": True, "description": "d"}


def test_what_toml_cannot_hold():
    with pytest.raises(InputError, match="lone surrogate"):
        format_toml_samples([Sample("\ud800")])
    with pytest.raises(InputError, match="no expectation"):
        format_toml_samples([Sample("x", None)])
    with pytest.raises(InputError, match="no expectation"):
        format_json_samples([Sample("x", None)])
