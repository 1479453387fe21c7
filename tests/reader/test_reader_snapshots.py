"""The reader's output is pinned: every node's fields and spans, and every syntax
problem, equal the snapshots written by the reader before it was made faster
(tests/reader/make_snapshots.py). Covers the bundled grammars, the clean fixtures and
fixtures/extra_grammars.json (llguidance extensions, every repetition form, templates,
imports, CRLF, Unicode and syntax errors with recovery)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from reader_snapshot import dump_result

from grammarkit.reader import read_grammar

MODELS = Path(__file__).resolve().parent / "fixtures" / "models"
SNAPSHOTS = sorted(MODELS.glob("*.json"))


def test_every_source_has_a_snapshot():
    names = {p.stem for p in SNAPSHOTS}
    assert any(n.startswith("grammars-") for n in names)
    assert any(n.startswith("clean-") for n in names)
    assert any(n.startswith("extra-") for n in names)
    root = MODELS.parents[2].parent
    for path in (root / "grammars").glob("*.lark"):
        assert f"grammars-{path.stem}" in names
    for path in (root / "tests" / "fixtures" / "clean").glob("*.lark"):
        assert f"clean-{path.stem}" in names


@pytest.mark.parametrize("snapshot", SNAPSHOTS, ids=[p.stem for p in SNAPSHOTS])
def test_reader_output_equals_snapshot(snapshot: Path):
    stored = json.loads(snapshot.read_text(encoding="utf-8"))
    text = stored["text"]
    result = read_grammar(text)
    got = json.loads(json.dumps(dump_result(result), ensure_ascii=False))
    assert got["errors"] == stored["result"]["errors"]
    assert len(got["items"]) == len(stored["result"]["items"])
    for mine, theirs in zip(got["items"], stored["result"]["items"], strict=True):
        assert mine == theirs
