"""Random samples from llguidance's token mask (`grammarkit.samples.generate`, `grammarkit sample`)."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
import regex

import grammarkit.cli.sample_cmd  # noqa: F401  (registers the command)
from grammarkit.cli import main
from grammarkit.cli.sample_cmd import sample_line
from grammarkit.llg.compile import byte_tokenizer
from grammarkit.llg.matcher import EngineMatcher, MatcherUnavailable
from grammarkit.local.parser import LocalParser
from grammarkit.samples.generate import GenerationError, generate, generate_samples

ROOT = Path(__file__).resolve().parent.parent.parent
GRAMMARS = ROOT / "grammars"
BUNDLED = sorted(p for p in GRAMMARS.iterdir() if p.suffix in (".lark", ".regex"))


def grammar_text(path: Path) -> tuple[str, str]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".regex":
        return text[:-1] if text.endswith("\n") else text, "regex"
    return text, "lark"


# --------------------------------------------------------------------------- the mask


def test_byte_tokenizer_layout():
    tok = byte_tokenizer()
    assert tok.vocab_size == 262 and tok.eos_token == 261
    assert all(tok.decode_bytes([b]) == bytes([b]) for b in range(255))
    assert tok.is_special_token(255) and tok.decode_bytes([255]) == b""


def test_bitmask_is_one_bit_per_token_little_endian():
    """compute_bitmask() bit t (bit t%8 of byte t//8, i.e. little-endian 32-bit words) is
    token t: checked against compute_logit_bias(), one byte per token."""
    m = EngineMatcher('start: "a" | "bc" | "é" | "9" X\nX: /[\\x00-\\x1f]/\n').raw
    for prefix in (b"", b"b", "é".encode()[:1], b"9"):
        m.reset()
        assert m.try_consume_tokens(list(prefix)) == len(prefix)
        mask = int.from_bytes(m.compute_bitmask(), "little")
        bias = m.compute_logit_bias()
        assert [t for t in range(len(bias)) if mask >> t & 1] == [t for t, v in enumerate(bias) if v]
    m.reset()
    mask = int.from_bytes(m.compute_bitmask(), "little")
    assert [t for t in range(262) if mask >> t & 1] == [ord("9"), ord("a"), ord("b"), 0xC3]


def test_llguidance_never_allows_invalid_utf8():
    with pytest.raises(MatcherUnavailable, match="invalid UTF-8"):
        EngineMatcher("start: /(?-u:.)/\n")
    m = EngineMatcher("start: /./\n").raw
    m.reset()
    m.consume_token(0xE2)  # the lead byte of a 3-byte character
    mask = int.from_bytes(m.compute_bitmask(), "little")
    assert [t for t in range(262) if mask >> t & 1] == list(range(0x80, 0xC0))


# --------------------------------------------------------------------------- the bundled grammars


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_every_sample_is_accepted_by_both_engines(path):
    text, syntax = grammar_text(path)
    samples = generate_samples(text, syntax=syntax, n=60, seed=11)
    assert len(samples) == 60
    engine = EngineMatcher(text, syntax=syntax)
    if syntax == "lark":
        parser = LocalParser(text)
        local = lambda s: parser.parse(s) is not None  # noqa: E731 - raises InputRejected otherwise
    else:
        compiled = regex.compile(text)
        local = lambda s: compiled.fullmatch(s) is not None  # noqa: E731
    for s in samples:
        assert engine.accepts(s), s
        assert local(s), s
        assert len(s.encode("utf-8")) <= 256


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_seeds_are_reproducible(path):
    text, syntax = grammar_text(path)
    first = generate_samples(text, syntax=syntax, n=15, seed=3)
    assert generate_samples(text, syntax=syntax, n=15, seed=3) == first
    assert generate_samples(text, syntax=syntax, n=15, seed=4) != first
    assert generate_samples(text, syntax=syntax, n=15, seed="3") == generate_samples(text, syntax=syntax, n=15, seed="3")


@pytest.mark.parametrize("max_bytes", [12, 30, 80])
def test_max_bytes_is_respected(max_bytes):
    text, _ = grammar_text(GRAMMARS / "arithmetic.lark")
    samples = generate_samples(text, n=40, seed=5, max_bytes=max_bytes)
    assert len(samples) == 40
    assert max(len(s.encode()) for s in samples) <= max_bytes
    engine = EngineMatcher(text)
    assert all(engine.accepts(s) for s in samples)


def test_max_bytes_counts_bytes_not_characters():
    samples = generate_samples('start: /[éa]{1,20}/\n', n=30, seed=1, max_bytes=5)
    assert max(len(s.encode()) for s in samples) <= 5
    assert any("é" in s for s in samples)


def test_short_samples_are_likely():
    samples = generate_samples(GRAMMARS.joinpath("arithmetic.lark").read_text(), n=200, seed=9)
    lengths = sorted(len(s) for s in samples)
    assert lengths[len(lengths) // 2] <= 12  # the median sample is short enough to read


def test_budget_too_small_reports_how_many_could_be_drawn():
    text, _ = grammar_text(GRAMMARS / "timestamp.regex")
    result = generate(text, syntax="regex", n=3, seed=1, max_bytes=10)
    assert not result.complete and result.samples == [] and result.failed_walks == 20
    with pytest.raises(GenerationError, match=r"only 0 of 3 samples could be drawn within 10 bytes") as info:
        generate_samples(text, syntax="regex", n=3, seed=1, max_bytes=10)
    assert info.value.samples == [] and not info.value.empty_language


def test_budget_is_met_by_ending_where_the_text_last_could():
    # "a" may end after every character, so a walk never fails for lack of budget.
    samples = generate_samples('start: /a{1,100}/\n', n=20, seed=2, max_bytes=7, )
    assert len(samples) == 20 and all(1 <= len(s) <= 7 for s in samples)


def test_n_zero():
    assert generate_samples('start: "x"\n', n=0) == []


def test_grammar_that_only_accepts_the_empty_string():
    assert generate_samples('start: ""\n', n=3, seed=1) == ["", "", ""]
    assert generate_samples("", syntax="regex", n=2) == ["", ""]


@pytest.mark.parametrize(
    "grammar",
    [
        'start: a\na: a "x"\n',  # infinite recursion only
        'start: A B\nA: /[a]/\nB: /[^\\x00-\\x{10FFFF}]/\n',  # the mask allows "a", then nothing
    ],
)
def test_grammar_that_matches_no_string(grammar):
    with pytest.raises(GenerationError, match="the grammar matches no string") as info:
        generate_samples(grammar, n=2, seed=1)
    assert info.value.empty_language


def test_dead_ends_are_undone():
    # The mask allows "a" first, but nothing can follow it; only "z" is a whole string.
    grammar = 'start: A B | "z"\nA: /[a]/\nB: /[^\\x00-\\x{10FFFF}]/\n'
    assert generate_samples(grammar, n=5, seed=1) == ["z"] * 5


def test_special_tokens_are_never_chosen():
    assert generate_samples('start: "x" | <|tool|> "y"\n', n=5, seed=1) == ["x"] * 5
    with pytest.raises(GenerationError, match="special tokens"):
        generate_samples('start: <|tool|> "y"\n', n=1, seed=1)


def test_non_ascii_samples_are_valid_text():
    result = generate("start: /./\n", n=200, seed=8)
    assert result.invalid_utf8 == 0
    assert all(len(s) == 1 for s in result.samples)
    assert any(ord(s) > 0x7F for s in result.samples)
    assert all(d.decode("utf-8") == s for d, s in zip(result.data, result.samples, strict=False))


def test_bad_arguments():
    with pytest.raises(ValueError):
        generate_samples('start: "x"\n', n=-1)
    with pytest.raises(ValueError):
        generate_samples('start: "x"\n', max_bytes=-1)
    with pytest.raises(MatcherUnavailable):
        generate_samples("start: A\nA: /(?=x)y/\n")


# --------------------------------------------------------------------------- the command


def run(capsys, *args, stdin: bytes | None = None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    code = main(["sample", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_text_is_one_sample_a_line(capsys):
    path = GRAMMARS / "arithmetic.lark"
    code, out, err = run(capsys, path, "-n", "7", "--seed", "3")
    assert code == 0 and err == ""
    assert out.splitlines() == generate_samples(path.read_text(), n=7, seed=3)


def test_cli_json_is_a_list(capsys):
    path = GRAMMARS / "timestamp.regex"
    code, out, _ = run(capsys, path, "-n", "4", "--seed", "1", "--format", "json")
    assert code == 0
    assert json.loads(out) == generate_samples(grammar_text(path)[0], syntax="regex", n=4, seed=1)


def test_cli_quotes_samples_that_would_be_ambiguous(tmp_path, capsys):
    g = tmp_path / "q.lark"
    g.write_text('start: "a\\nb" | " x" | "\\"q" | "plain text" | ""\n', encoding="utf-8")
    code, out, _ = run(capsys, g, "-n", "40", "--seed", "1")
    assert code == 0
    assert set(out.splitlines()) == {'"a\\nb"', '" x"', '"\\"q"', "plain text", '""'}
    for line in out.splitlines():
        value = json.loads(line) if line.startswith('"') else line
        assert value in {"a\nb", " x", '"q', "plain text", ""}


def test_sample_line_escapes_every_unprintable_character():
    assert sample_line("SELECT a FROM t") == "SELECT a FROM t"
    assert sample_line("é") == "é"
    line = sample_line("a\x7fb\u2028c\u00a0\x1b")
    assert line == '"a\\u007fb\\u2028c\\u00a0\\u001b"' and json.loads(line) == "a\x7fb\u2028c\u00a0\x1b"


def test_cli_n_zero_prints_nothing(capsys):
    assert run(capsys, GRAMMARS / "arithmetic.lark", "-n", "0") == (0, "", "")
    assert run(capsys, GRAMMARS / "arithmetic.lark", "-n", "0", "--format", "json")[1] == "[]\n"


def test_cli_max_bytes_and_shortfall(capsys):
    path = GRAMMARS / "timestamp.regex"
    code, out, err = run(capsys, path, "-n", "3", "--max-bytes", "10")
    assert code == 1 and out == ""
    assert err == (
        f"grammarkit: {path}: only 0 of 3 samples could be drawn within 10 bytes "
        "(20 walks found no end in time); try a larger --max-bytes\n"
    )
    code, out, _ = run(capsys, GRAMMARS / "arithmetic.lark", "-n", "20", "--max-bytes", "5", "--seed", "1")
    assert code == 0 and all(len(line.encode()) <= 5 for line in out.splitlines())


def test_cli_grammar_with_no_string_exits_1(tmp_path, capsys):
    g = tmp_path / "none.lark"
    g.write_text('start: a\na: a "x"\n', encoding="utf-8")
    assert run(capsys, g) == (1, "", f"grammarkit: {g}: the grammar matches no string\n")


def test_cli_usage_problems_exit_2(tmp_path, capsys):
    g = tmp_path / "bad.lark"
    g.write_text('start: A\nA: /(?=x)y/\n', encoding="utf-8")
    code, out, err = run(capsys, g)
    assert code == 2 and out == "" and err.startswith(f"grammarkit: error: {g}: llguidance rejects the grammar")
    code, _, err = run(capsys, GRAMMARS / "arithmetic.lark", "-n", "-2")
    assert code == 2 and err.startswith("grammarkit: error:") and err.count("\n") == 1
    code, _, err = run(capsys, tmp_path / "missing.lark")
    assert (code, err) == (2, f"grammarkit: error: {tmp_path / 'missing.lark'}: no such file\n")


def test_cli_grammar_from_standard_input(capsys, monkeypatch):
    code, out, _ = run(capsys, "-", "-n", "2", stdin=b'start: "hi"\n', monkeypatch=monkeypatch)
    assert (code, out) == (0, "hi\nhi\n")
