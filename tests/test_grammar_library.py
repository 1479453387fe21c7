"""The bundled grammar library (grammars/): at least ten vetted grammars, each with
sidecar samples, silent under every lint rule, its samples judged as expected by both
engines, and listed (with an example input it accepts) in grammars/README.md."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import regex

from grammarkit.lint.runner import lint_file
from grammarkit.samples.files import Sample, find_sidecars, load_samples

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = ROOT / "grammars"
GRAMMARS = sorted(p for p in LIBRARY.iterdir() if p.suffix in (".lark", ".regex"))
README = LIBRARY / "README.md"

MIN_GRAMMARS = 10
MIN_SAMPLES = 5  # of each kind, valid and invalid

# A row of the README table: | [`x.lark`](x.lark) | `lark` | what it is for | `example` (note) |
ROW = re.compile(r"^\|\s*\[`(?P<name>[^`]+)`\]\((?P<link>[^)]+)\)\s*\|\s*`(?P<syntax>[a-z]+)`\s*\|(?P<rest>.*)\|\s*$")


def _readme_rows() -> dict[str, dict[str, str]]:
    rows = {}
    for line in README.read_text(encoding="utf-8").splitlines():
        m = ROW.match(line)
        if m:
            rows[m["name"]] = m.groupdict()
    return rows


def _example(rest: str) -> str:
    """The example input of a table row: the last cell's code span, with the table's
    `\\|` escapes undone; `(as a JSON string)` means the span is a JSON string literal."""
    cell = re.split(r"(?<!\\)\|", rest)[-1].strip()
    m = re.match(r"^`(?P<code>[^`]+)`(?P<note>.*)$", cell)
    assert m, f"no example input in the last cell: {cell!r}"
    code = m["code"].replace("\\|", "|")
    return json.loads(code) if "JSON string" in m["note"] else code


def _python_verdict(path: Path, text: str) -> bool | None:
    """What an application's own check would say: Python's ``regex.fullmatch`` for a
    regex grammar (the file minus one trailing newline), None for a Lark grammar (the
    local Lark parser's verdict is in the sample results)."""
    if path.suffix != ".regex":
        return None
    pattern = path.read_text(encoding="utf-8").removesuffix("\n")
    return regex.fullmatch(pattern, text) is not None


def _samples(path: Path) -> list[Sample]:
    return [s for sidecar in find_sidecars(path) for s in load_samples(sidecar)]


def test_library_has_at_least_ten_grammars():
    assert len(GRAMMARS) >= MIN_GRAMMARS, [p.name for p in GRAMMARS]


@pytest.mark.parametrize("path", GRAMMARS, ids=lambda p: p.name)
def test_sidecar_samples_cover_both_verdicts(path):
    assert (path.parent / f"{path.stem}.samples.toml").is_file(), "no <stem>.samples.toml beside the grammar"
    samples = _samples(path)
    valid = [s for s in samples if s.expected is True]
    invalid = [s for s in samples if s.expected is False]
    assert len(valid) >= MIN_SAMPLES, f"{len(valid)} valid samples"
    assert len(invalid) >= MIN_SAMPLES, f"{len(invalid)} invalid samples"


@pytest.mark.parametrize("path", GRAMMARS, ids=lambda p: p.name)
def test_grammar_and_samples_have_no_diagnostics(path):
    result = lint_file(path, sidecars=True)
    assert [str(d) for d in result.diagnostics] == []
    assert len(result.samples) == len(_samples(path))


@pytest.mark.parametrize("path", GRAMMARS, ids=lambda p: p.name)
def test_every_sample_verdict_matches_in_both_engines(path):
    result = lint_file(path, sidecars=True, engine="both")
    assert result.samples, "no sample was checked"
    wrong = []
    for r in result.samples:
        expected = r.sample.expected
        verdicts = {"accepted": r.accepted, "llguidance": r.llguidance}
        if path.suffix == ".lark":
            # The local parser must be available for every Lark grammar in the library.
            verdicts["lark"] = r.lark
        else:
            verdicts["python regex"] = _python_verdict(path, r.sample.input)
        for engine, verdict in verdicts.items():
            if verdict is not expected:
                wrong.append(f"{r.sample.label}: expected {expected}, {engine} says {verdict}")
    assert wrong == []


def test_readme_table_lists_every_grammar():
    rows = _readme_rows()
    assert sorted(rows) == [p.name for p in GRAMMARS]
    for name, row in rows.items():
        assert row["link"] == name
        assert row["syntax"] == Path(name).suffix[1:]


@pytest.mark.parametrize("path", GRAMMARS, ids=lambda p: p.name)
def test_readme_example_is_accepted(path):
    row = _readme_rows()[path.name]
    example = _example(row["rest"])
    result = lint_file(path, samples=[Sample(example, True, source="grammars/README.md")], engine="both")
    assert [str(d) for d in result.diagnostics] == []
    (verdict,) = result.samples
    assert verdict.llguidance is True
    if path.suffix == ".lark":
        assert verdict.lark is True
    else:
        assert _python_verdict(path, example) is True
