"""Grammar-directed generation (`grammarkit.samples.directed`), `--cover` and the walk fallback."""

from __future__ import annotations

import json

import pytest

import grammarkit.cli.sample_cmd  # noqa: F401  (registers the command)
from grammarkit.cli import main
from grammarkit.llg.matcher import EngineMatcher
from grammarkit.samples.directed import Planner, PlannerUnavailable
from grammarkit.samples.generate import generate, generate_samples

SENTENCE = "start: SENTENCE\nSENTENCE: /[A-Z][a-z]{1,10}( [a-z]{1,10}){2,6}\\./\n"
JSON_LIKE = r"""start: "{" pair ("," pair)* "}"
pair: KEY ":" value
KEY: "\"name\"" | "\"age\"" | "\"tags\""
value: STRING | NUMBER | "[" [STRING ("," STRING)*] "]" | "true" | "false" | "null"
STRING: /"[a-z ]{0,12}"/
NUMBER: /-?[0-9]{1,4}/
"""
JSON_WS = r"""start: "{" pair ("," pair)* "}"
pair: ESCAPED_STRING ":" (ESCAPED_STRING | SIGNED_NUMBER | "true" | "false" | "null")
%import common.ESCAPED_STRING
%import common.SIGNED_NUMBER
%import common.WS
%ignore WS
"""
STOP = 'start: "say " gen\ngen[stop="END"]: /[a-z ]+/\n'
LAZY = 'start: "<" gen ">"\ngen[stop=""]: /[a-z ]+/\n'
KEYWORDS = 'start: "SELECT" " " NAME " FROM " NAME (" WHERE " NAME "=" INT)?\nNAME: /[a-z]{1,8}/\nINT: /[0-9]+/\n'
CHOICES = 'start: greeting | farewell | question\ngreeting: "hello " NAME\nfarewell: "bye"\nquestion: "why" "?"\nNAME: /[a-z]+/\n'


@pytest.mark.parametrize(
    "grammar", [SENTENCE, JSON_LIKE, JSON_WS, STOP, LAZY, KEYWORDS], ids=["sentence", "json", "json-ws", "stop", "lazy", "keywords"]
)
def test_directed_samples_are_accepted_by_llguidance(grammar):
    result = generate(grammar, n=40, seed=5)
    assert result.complete and result.failed_walks == 0
    assert result.walked == 0  # every sample came from a plan llguidance accepted whole
    engine = EngineMatcher(grammar)
    for s in result.samples:
        assert engine.accepts(s), s
    assert len(set(result.samples)) > 10  # random, not one string over and over


def test_keywords_are_spelled_whole():
    samples = generate_samples(KEYWORDS, n=30, seed=2)
    assert all(s.startswith("SELECT ") and " FROM " in s for s in samples)
    assert any(" WHERE " in s for s in samples)


def test_stop_strings_end_the_lazy_rule():
    assert all(s.startswith("say ") and s.endswith("END") for s in generate_samples(STOP, n=20, seed=1))


def test_the_byte_walk_is_still_available():
    grammar = 'start: "a" B\nB: /[0-9]{1,3}/\n'
    result = generate(grammar, n=10, seed=1, method="walk")
    assert result.walked == 10 and result.coverage is None
    assert all(EngineMatcher(grammar).accepts(s) for s in result.samples)
    with pytest.raises(ValueError, match="method"):
        generate(grammar, n=1, method="guess")


def test_a_plan_llguidance_refuses_is_finished_by_the_walk():
    # The planner ignores the lexer: NAME NAME without a separator lexes as one NAME in
    # llguidance (greedy), so plans fail and the walk finishes the samples.
    grammar = 'start: NAME "-" | NAME NAME "!"\nNAME: /[a-z]{1,3}/\n'
    result = generate(grammar, n=30, seed=3)
    engine = EngineMatcher(grammar)
    assert result.complete and all(engine.accepts(s) for s in result.samples)


@pytest.mark.parametrize("grammar", [SENTENCE, JSON_LIKE, STOP])
def test_directed_seeds_are_reproducible(grammar):
    first = generate_samples(grammar, n=20, seed=7)
    assert generate_samples(grammar, n=20, seed=7) == first
    assert generate_samples(grammar, n=20, seed=8) != first


def test_regex_grammars_are_generated_from_their_language():
    pattern = r"[A-Z]{2}-[0-9]{3,5}(/[a-z]+)?"
    result = generate(pattern, syntax="regex", n=50, seed=1)
    engine = EngineMatcher(pattern, syntax="regex")
    assert result.walked == 0 and all(engine.accepts(s) for s in result.samples)
    assert any("/" in s for s in result.samples)


def test_special_tokens_and_dead_alternatives_are_never_planned():
    planner = Planner('start: "x" | <|tool|> "y" | a\na: a "z"\n')
    assert planner.start_ml == 1
    assert generate_samples('start: "x" | <|tool|> "y" | a\na: a "z"\n', n=10, seed=1) == ["x"] * 10


def test_planner_unavailable_falls_back_to_the_walk():
    with pytest.raises(PlannerUnavailable):
        Planner('start: "x"\nbroken: (\n')
    with pytest.raises(PlannerUnavailable):
        Planner('other: "x"\n')


# --------------------------------------------------------------------------- coverage


def test_coverage_reports_missed_alternatives():
    result = generate(CHOICES, n=1, seed=1)
    cov = result.coverage
    assert cov is not None and cov.measured == 1
    assert len(cov.alternatives) == 6 and len(cov.covered_alternatives) < 6
    missed = {(a.rule, a.index) for a in cov.missed_alternatives}
    assert ("start", 0) in missed or ("start", 1) in missed or ("start", 2) in missed
    a = next(a for a in cov.alternatives if a.rule == "farewell")
    assert (a.line, a.column, a.text) == (3, 11, '"bye"')
    full = generate(CHOICES, n=60, seed=1).coverage
    assert full is not None and full.missed_alternatives == [] and full.missed_terminals == []
    assert full.to_json()["alternatives"] == {"covered": 6, "total": 6, "missed": []}


def test_coverage_is_not_measured_for_regex_grammars():
    assert generate("[a-z]+", syntax="regex", n=3, seed=1).coverage is None


def test_cli_cover_text_and_json(tmp_path, capsys):
    g = tmp_path / "c.lark"
    g.write_text(CHOICES, encoding="utf-8")
    assert main(["sample", str(g), "-n", "1", "--seed", "1", "--cover"]) == 0
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == 1
    lines = err.splitlines()
    assert lines[0].startswith("grammarkit: coverage: alternatives ")
    assert "(measured on 1 of 1 samples" in lines[0]
    assert any(line.startswith("  missed: ") and "alternative" in line for line in lines[1:])
    assert main(["sample", str(g), "-n", "1", "--seed", "1", "--cover", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["samples"]) == 1
    assert data["coverage"]["alternatives"]["total"] == 6
    assert data["coverage"]["alternatives"]["missed"]
    assert set(data["coverage"]["alternatives"]["missed"][0]) == {"rule", "alternative", "line", "column", "text"}
