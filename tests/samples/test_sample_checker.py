"""Sample inputs: both file formats, sidecars, verdicts of both engines, disagreements,
located rejections and `check` exit statuses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grammarkit.cli import main
from grammarkit.core.errors import InputError
from grammarkit.core.span import byte_offset_to_position
from grammarkit.lint.runner import lint_file, lint_text
from grammarkit.samples.checker import NoEngineAvailable, check_samples
from grammarkit.samples.files import Sample, find_sidecars, load_samples, parse_json_samples, parse_toml_samples

ROOT = Path(__file__).resolve().parent.parent.parent
ARITH = ROOT / "grammars" / "arithmetic.lark"
# Python's regex alternation takes the first branch that matches, llguidance's DFA the
# longest: on "ab" the engines split the input differently.
ALTERNATION = 'start: A "b"\nA: /a|ab/\n'


def sample_codes(result, codes=("GK300", "GK301", "GK302", "GK303")):
    return [(d.code, d.path, d.line) for d in result.diagnostics if d.code in codes]


# ---------------------------------------------------------------- formats


def test_toml_format_with_multiline_and_tables(tmp_path):
    p = tmp_path / "t.samples.toml"
    p.write_text(
        'valid = [\n  "1+2",\n  """\n(1\n)""",\n  { input = "3", description = "a number" },\n]\n'
        'invalid = ["1 +"]\n',
        encoding="utf-8",
    )
    samples = load_samples(p)
    assert [(s.input, s.expected, s.description, s.index, s.line) for s in samples] == [
        ("1+2", True, "", 1, 2),
        ("(1\n)", True, "", 2, 4),
        ("3", True, "a number", 3, 6),
        ("1 +", False, "", 4, 8),
    ]


def test_json_format_of_guidance_lark_mcp(tmp_path):
    entries = [
        {"input": "1+2", "should_parse": True, "description": "sum"},
        {"input": "1 +", "should_parse": False, "description": "dangling"},
    ]
    for data in (entries, {"tests": entries}):
        samples = parse_json_samples(json.dumps(data, indent=1), "x.json")
        assert [(s.input, s.expected, s.description) for s in samples] == [
            ("1+2", True, "sum"),
            ("1 +", False, "dangling"),
        ]


@pytest.mark.parametrize(
    "text, message",
    [
        ("{", "invalid JSON at line 1"),
        ('{"x": 1}', "expected a list"),
        ('[{"input": 3}]', 'test 1: expected an object with a string "input"'),
        ('[{"input": "a", "should_parse": "yes"}]', "should_parse"),
    ],
)
def test_bad_json_samples_are_input_errors(text, message):
    with pytest.raises(InputError, match=message):
        parse_json_samples(text, "bad.json")


@pytest.mark.parametrize(
    "text, message", [("valid = 3", "must be an array"), ("other = []", "unknown key"), ("valid = [", "invalid TOML")]
)
def test_bad_toml_samples_are_input_errors(text, message):
    with pytest.raises(InputError, match=message):
        parse_toml_samples(text, "bad.toml")


def test_sidecars_are_found_beside_the_grammar():
    assert [p.name for p in find_sidecars(ARITH)] == ["arithmetic.samples.toml", "arithmetic.samples.json"]


# ---------------------------------------------------------------- verdicts


def test_both_engines_judge_each_sample():
    results, checker = check_samples(ARITH.read_text(), [Sample("1+2"), Sample("1 +", False)], engine="both")
    assert [(r.accepted, r.llguidance, r.lark, r.as_expected) for r in results] == [
        (True, True, True, True),
        (False, False, False, True),
    ]
    assert checker.lark_unavailable is None


def test_llguidance_rejection_is_located_with_allowed_bytes():
    (result,), _ = check_samples(ARITH.read_text(), [Sample("12+x")])
    err = result.rejection
    assert (err.engine, err.line, err.column, err.offset, err.byte_offset, err.found) == ("llguidance", 1, 4, 3, 3, "x")
    assert err.allowed == ['" "', '"("', '"-"', "[0-9]"]
    assert err.message == 'unexpected \'x\'; expected " ", "(", "-", [0-9]'
    assert err.snippet == "12+x\n   ^"


def test_rejection_after_multibyte_characters_counts_characters():
    (result,), _ = check_samples('start: "é" /[a-z]{1,3}/\n', [Sample("éé")])
    assert (result.rejection.column, result.rejection.offset, result.rejection.byte_offset) == (2, 1, 2)


def test_input_that_ends_too_early():
    (result,), _ = check_samples(ARITH.read_text(), [Sample("(1")])
    assert result.rejection.at_end and result.rejection.message.startswith("the input ends too early")


def test_disagreement_lark_rejects_model_output():
    result = lint_text(ALTERNATION, samples=[Sample("abb", True, "", "s.toml", 1, 3)])
    (r,) = result.samples
    assert (r.llguidance, r.lark, r.disagreement) == (True, False, "lark-rejects")
    assert sample_codes(result) == [("GK301", "s.toml", 3)]
    assert result.errors[0].code == "GK301"


def test_disagreement_lark_accepts_impossible_input():
    result = lint_text(ALTERNATION, samples=[Sample("ab", False, "", "s.toml", 1, 4)])
    (r,) = result.samples
    assert (r.llguidance, r.lark, r.disagreement) == (False, True, "lark-accepts")
    assert sample_codes(result) == [("GK302", "s.toml", 4)]
    assert result.ok  # a warning: the model cannot send it


def test_expectation_mismatch_both_ways():
    samples = [Sample("1 +", True, "", "s.toml", 1, 2), Sample("1+2", False, "", "s.toml", 2, 5)]
    result = lint_text(ARITH.read_text(), samples=samples)
    assert sample_codes(result) == [("GK300", "s.toml", 2), ("GK300", "s.toml", 5)]
    assert "should be accepted, but llguidance rejects it at 1:4" in result.errors[0].message


def test_local_parser_unavailable_is_one_info_line():
    result = lint_text('start: %json {"type": "integer"}\n', samples=[Sample("12"), Sample("x", False)])
    assert [(r.llguidance, r.lark) for r in result.samples] == [(True, None), (False, None)]
    assert [(d.code, d.severity.value) for d in result.diagnostics if d.code == "GK303"] == [("GK303", "info")]
    assert "%json" in [d for d in result.diagnostics if d.code == "GK303"][0].message


def test_engine_choice():
    samples = [Sample("1+2")]
    (r,), _ = check_samples(ARITH.read_text(), samples, engine="llguidance")
    assert (r.llguidance, r.lark) == (True, None)
    (r,), _ = check_samples(ARITH.read_text(), samples, engine="lark")
    assert (r.llguidance, r.lark, r.accepted) == (None, True, True)


def test_auto_engine_runs_lark_on_the_first_samples_and_on_mismatches():
    # No cliff: Lark judges the first 1,000 samples of any set, then only the samples
    # whose llguidance verdict differs from their expectation.
    samples = [Sample("1+2")] * 1001 + [Sample("1+2", False), Sample("1 +", False)]
    results, _ = check_samples(ARITH.read_text(), samples)
    assert [(r.llguidance, r.lark) for r in results[998:]] == [
        (True, True), (True, True), (True, None), (True, True), (False, None)
    ]


def test_samples_of_a_grammar_llguidance_rejects_are_not_checked():
    result = lint_text("start: nope\n", samples=[Sample("x")])
    assert result.samples == [] and [d.code for d in result.errors] == ["GK109"]


def test_regex_grammar_samples():
    result = lint_file(ROOT / "grammars" / "timestamp.regex", sidecars=True)
    assert len(result.samples) >= 10 and all(s.as_expected for s in result.samples)
    assert {s.lark for s in result.samples} == {None}


# ---------------------------------------------------------------- CLI


def run(args, capsys):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_check_directory_uses_sidecars(capsys):
    code, out, _ = run(["check", "--format", "json", str(ROOT / "grammars")], capsys)
    assert code == 0
    data = json.loads(out)
    counts = {Path(f["path"]).name: len(f["samples"]) for f in data["files"]}
    assert counts["arithmetic.lark"] >= 20 and counts["sql_select.lark"] >= 10
    first = data["files"][0]["samples"][0]
    assert set(first) >= {"input", "expected", "accepted", "engines", "error"}
    assert set(first["engines"]) == {"llguidance", "lark"}
    assert data["summary"]["samples_failed"] == 0


def test_check_sample_option_mismatch_exits_1(capsys):
    code, out, _ = run(["check", "--no-sidecars", str(ARITH), "--sample", "1 +", "--sample", "2*3"], capsys)
    assert code == 1
    assert out.splitlines()[0].startswith('<sample>:1:1: GK300 sample 1 "1 +" should be accepted')
    assert "  input | 1 +" in out and "  input |    ^" in out
    assert out.splitlines()[-1] == "Found 1 error (1 grammar, 2 samples)."


def test_check_samples_file_with_failures_exit_1(tmp_path, capsys):
    samples = tmp_path / "mine.samples.json"
    samples.write_text(json.dumps([{"input": "1+2", "should_parse": False, "description": "oops"}]))
    code, out, _ = run(["check", "--no-sidecars", str(ARITH), "--samples", str(samples)], capsys)
    assert code == 1
    assert out.startswith(f'{samples}:1:1: GK300 sample 1 "1+2" (oops) should be rejected, but llguidance accepts it')


def test_check_missing_samples_file_exit_2(tmp_path, capsys):
    code, _, err = run(["check", str(ARITH), "--samples", str(tmp_path / "none.json")], capsys)
    assert code == 2 and "none.json: no such file" in err


def test_check_malformed_sidecar_exit_2(tmp_path, capsys):
    (tmp_path / "g.lark").write_text('start: "a"\n')
    (tmp_path / "g.samples.toml").write_text("valid = 3\n")
    code, _, err = run(["check", str(tmp_path / "g.lark")], capsys)
    assert code == 2 and "g.samples.toml: 'valid' must be an array" in err


# ---------------------------------------------------------------- regressions

JSON_INTEGER = 'start: %json {"type": "integer"}\n'


def test_engine_lark_without_a_local_parser_falls_back_to_llguidance():
    results, checker = check_samples(JSON_INTEGER, [Sample("5"), Sample("x", False)], engine="lark")
    assert [(r.accepted, r.llguidance, r.lark, r.as_expected) for r in results] == [
        (True, True, None, True),
        (False, False, None, True),
    ]
    assert "%json" in checker.lark_unavailable


def test_engine_lark_on_a_regex_grammar_uses_llguidance():
    results, _ = check_samples("[0-9]{1,3}", [Sample("12"), Sample("x", False)], syntax="regex", engine="lark")
    assert [(r.accepted, r.llguidance, r.lark) for r in results] == [(True, True, None), (False, False, None)]


def test_check_engine_lark_without_a_local_parser(tmp_path, capsys):
    grammar = tmp_path / "js.lark"
    grammar.write_text(JSON_INTEGER)
    code, out, _ = run(["check", "--no-sidecars", str(grammar), "--engine", "lark", "--sample", "5"], capsys)
    assert code == 0 and "GK300" not in out
    assert "GK303 samples are checked by llguidance only" in out


def test_no_verdict_without_an_engine():
    # llguidance rejects the grammar and Lark cannot load it: no engine ran, so no verdict.
    with pytest.raises(NoEngineAvailable, match="no engine can check"):
        check_samples("start: nope\n", [Sample("x")], engine="lark")


def test_lone_surrogate_in_a_sample_is_reported(tmp_path, capsys):
    (tmp_path / "g.lark").write_text('start: "a"\n')
    (tmp_path / "g.samples.json").write_text('[{"input": "a\\ud800", "should_parse": true}]')
    for engine in ("llguidance", "both"):
        code, out, _ = run(["check", str(tmp_path / "g.lark"), "--engine", engine], capsys)
        assert code == 1
        assert 'GK300 sample 1 "a\\ud800" should be accepted, but llguidance rejects it at 1:2' in out
        assert "unexpected '\\ud800'; expected end of input" in out
        assert "  input | a\ufffd\n  input |  ^" in out
        out.encode("utf-8")  # printable


def test_position_after_a_lone_surrogate_counts_it_as_llguidance_saw_it():
    # "\ud800" went to llguidance as 3 bytes (surrogatepass): byte 4 is the "b".
    assert byte_offset_to_position("\ud800ab", 4) == (1, 3, 2)
    assert byte_offset_to_position("x\ud800\ny", 5) == (2, 1, 3)
    (result,), _ = check_samples('start: "ab"\n', [Sample("\ud800b")], engine="llguidance")
    err = result.rejection
    assert (err.byte_offset, err.column, err.found) == (0, 1, "\ud800")


def test_rejection_inside_a_character_names_the_whole_character():
    (result,), _ = check_samples('start: "xé"\n', [Sample("xè")], engine="llguidance")
    err = result.rejection
    assert err.message == "unexpected 'è'; expected \"é\""
    assert (err.byte_offset, err.line, err.column, err.offset, err.found, err.allowed) == (1, 1, 2, 1, "è", ['"é"'])
    assert err.snippet == "xè\n ^"


def test_allowed_non_ascii_characters_are_whole_characters():
    grammar = 'start: "a" ("é" | "b" | "😀" | "\\u0085")\n'
    (early, wrong), _ = check_samples(grammar, [Sample("a"), Sample("a😃")], engine="llguidance")
    assert early.rejection.allowed == ['"b"', '"\\u0085"', '"é"', '"😀"']
    assert wrong.rejection.message.startswith("unexpected '😃'; expected ")
    assert wrong.rejection.byte_offset == 1
    (wide,), _ = check_samples('start: "a" /[^"]/\n', [Sample("a")], engine="llguidance")
    assert wide.rejection.allowed[-1] == "non-ASCII characters"


def test_common_numbers_make_no_false_disagreement():
    grammar = 'start: NUMBER | "s" SIGNED_NUMBER\n%import common.NUMBER\n%import common.SIGNED_NUMBER\n'
    inputs = ["1.5", "1e5", ".5", "12", "s-2.5e-3", "s+1.5", "s7"]
    result = lint_text(grammar, samples=[Sample(i) for i in inputs], engine="both")
    assert [(r.sample.input, r.llguidance, r.lark) for r in result.samples] == [(i, True, True) for i in inputs]
    assert sample_codes(result) == []


def test_lone_surrogate_sample_prints_escaped_in_every_format(tmp_path, capsys):
    (tmp_path / "g.lark").write_text('start: "a"\n')
    (tmp_path / "g.samples.json").write_text('[{"input": "a\\ud800", "should_parse": true}]')
    for fmt in ("text", "json", "sarif", "github"):
        code = main(["check", "--format", fmt, str(tmp_path / "g.lark")])
        out, err = capsys.readouterr()
        assert code == 1, (fmt, err)
        assert "Traceback" not in err and "internal error" not in err
    code = main(["check", "--format", "json", str(tmp_path / "g.lark")])
    data = json.loads(capsys.readouterr().out)
    assert data["files"][0]["samples"][0]["input"] == "a\ud800"
