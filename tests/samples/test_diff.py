"""Diffing two grammars (`grammarkit.samples.diff.diff_grammars`): narrowings and
widenings found from samples and from inputs generated from each grammar, grouped by
where the grammars part."""

from __future__ import annotations

from pathlib import Path

import pytest

from grammarkit.llg.matcher import EngineMatcher
from grammarkit.samples.diff import GrammarUnusable, diff_grammars, samples_from_texts
from grammarkit.samples.files import load_samples

ROOT = Path(__file__).resolve().parent.parent.parent
ORDER_LOOKUP = (ROOT / "grammars" / "order_lookup.lark").read_text(encoding="utf-8")
TIMESTAMP = (ROOT / "grammars" / "timestamp.regex").read_text(encoding="utf-8").rstrip("\n")


def test_the_same_grammar_changes_nothing():
    result = diff_grammars(ORDER_LOOKUP, ORDER_LOOKUP, generated_n=30, seed=1)
    assert result.same
    assert result.narrowed_count == result.widened_count == 0
    assert result.accepted_by_both == result.distinct > 0
    assert result.generated_from_old == result.generated_from_new == 30


def test_a_widened_bound_is_a_widening_found_by_generating_from_the_new_grammar():
    """ORDER_ID's digits {5,10} -> {5,12}: inputs with 11-12 digits are new."""
    new = ORDER_LOOKUP.replace("ORD-[0-9]{5,10}", "ORD-[0-9]{5,12}")
    samples = samples_from_texts(["order ORD-123456789012", "order ORD-12345"])
    result = diff_grammars(ORDER_LOOKUP, new, samples=samples, generated_n=0)
    assert not result.narrowed and result.widened_count == 1
    (group,) = result.widened
    assert group.rejected_by == "old" and group.kind == "unexpected"
    assert "[0-9]" in group.gained
    (d,) = group.inputs
    assert d.input == "order ORD-123456789012"
    assert d.rejection.offset == len("order ORD-1234567890")  # the 11th digit
    assert d.context == ("order ORD-1234567890", "12")
    assert result.accepted_by_both == 1


def test_a_narrowed_class_is_a_narrowing_found_in_generated_inputs():
    """LIMIT /100|[1-9][0-9]?/ -> /100|[1-9]/: two-digit limits stop working."""
    new = ORDER_LOOKUP.replace("LIMIT: /100|[1-9][0-9]?/", "LIMIT: /100|[1-9]/")
    samples = samples_from_texts(["orders for ACC-0042 limit 42", "orders for ACC-0042 limit 4"])
    result = diff_grammars(ORDER_LOOKUP, new, samples=samples, generated_n=0)
    assert result.narrowed_count == 1 and not result.widened
    (group,) = result.narrowed
    assert group.rejected_by == "new"
    assert group.allowed == ["end of input"]
    assert group.gained == ["[0-9]"]
    assert "can only end" in group.summary
    # Generated inputs alone find it too: the old grammar's walks reach two-digit limits.
    generated = diff_grammars(ORDER_LOOKUP, new, generated_n=60, seed=1)
    assert generated.narrowed_count > 0 and not generated.widened
    for g in generated.narrowed:
        for d in g.inputs:
            assert d.origin.source == "generated from old"
            assert EngineMatcher(ORDER_LOOKUP).accepts(d.input) and not EngineMatcher(new).accepts(d.input)


def test_a_raised_minimum_is_an_incomplete_narrowing():
    result = diff_grammars("start: /[0-9]{1,3}/", "start: /[0-9]{2,3}/", generated_n=60, seed=0)
    assert result.narrowed and not result.widened
    kinds = {(g.kind, tuple(g.allowed), tuple(g.gained)) for g in result.narrowed}
    assert kinds == {("incomplete", ("[0-9]",), ("end of input",))}
    assert all(len(d.input) == 1 for g in result.narrowed for d in g.inputs)


def test_inputs_diverging_the_same_way_are_grouped_whatever_the_character():
    """[a-z] -> [a-y]: "z" anywhere after the first letter is one group; at the start
    (where the new grammar cannot end either) another."""
    texts = ["abz", "qz", "abz", "z", "zz", "ab"]
    result = diff_grammars("start: /[a-z]{1,3}/", "start: /[a-y]{1,3}/", samples=texts, generated_n=0)
    assert result.from_samples == 6 and result.distinct == 5
    groups = {tuple(g.allowed): g for g in result.narrowed}
    assert set(groups) == {("[a-y]", "end of input"), ("[a-y]",)}
    middle = groups[("[a-y]", "end of input")]
    assert [d.input for d in middle.inputs] == ["abz", "qz"]
    assert middle.count == 2 and middle.occurrences == 3  # "abz" was logged twice
    assert middle.gained == ['"z"']
    assert [d.input for d in groups[("[a-y]",)].inputs] == ["z", "zz"]
    assert result.narrowed[0] is middle  # the biggest group first


def test_a_non_ascii_difference_inside_a_character_names_the_character():
    result = diff_grammars('start: "é" | "è"', 'start: "é"', samples=["è"], generated_n=0)
    (group,) = result.narrowed
    assert group.gained == ['"è"']
    assert group.inputs[0].rejection.found == "è"


def test_regex_grammars_and_a_change_of_syntax():
    tz_only = TIMESTAMP.replace("(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])", "Z")
    result = diff_grammars(TIMESTAMP, tz_only, syntax="regex", generated_n=40, seed=5)
    assert result.narrowed and not result.widened
    # Where the offset starts, the new grammar allows only "Z" (and "." or a digit before
    # it, by whether fractions started); the old one also allows a sign.
    assert all(g.gained == ['"+"', '"-"'] and '"Z"' in g.allowed for g in result.narrowed)
    lark = diff_grammars("[0-9]+", "start: /[0-9]{1,2}/", syntax="regex", new_syntax="lark", samples=["123", "12"], generated_n=0)
    assert lark.old_syntax == "regex" and lark.new_syntax == "lark"
    assert lark.narrowed_count == 1


def test_samples_from_files_keep_their_origin(tmp_path):
    path = tmp_path / "logs.json"
    path.write_text('[\n {"input": "abz", "description": "from prod"},\n {"input": "x", "should_parse": false}\n]')
    samples = load_samples(path)
    result = diff_grammars("start: /[a-z]+/", "start: /[a-y]+/", samples=samples, generated_n=0)
    (group,) = result.narrowed
    origin = group.inputs[0].origin
    assert (origin.source, origin.line, origin.description, origin.expected) == (str(path), 2, "from prod", True)
    assert str(origin) == f"{path}:2"


def test_to_dict_is_json_with_examples_capped():
    import json

    result = diff_grammars("start: /[a-z]{1,3}/", "start: /[a-y]{1,5}/", generated_n=40, seed=0)
    data = json.loads(json.dumps(result.to_dict(examples=1)))
    assert data["inputs"]["generated_from_old"] == 40
    assert data["narrowed"]["count"] == result.narrowed_count
    for side in ("narrowed", "widened"):
        for group in data[side]["groups"]:
            assert len(group["examples"]) == 1
            example = group["examples"][0]
            assert {"input", "origin", "line", "column", "offset", "byte_offset", "found", "message", "context"} <= set(
                example
            )
    assert data["widened"]["groups"][0]["rejected_by"] == "old"


def test_generation_problems_are_notes_not_failures():
    result = diff_grammars("start: /a{300}/", "start: /a{300}/", generated_n=2, max_bytes=10)
    assert any("old grammar" in n and "could be drawn" in n for n in result.notes)
    assert result.same


def test_a_grammar_llguidance_rejects_is_named():
    with pytest.raises(GrammarUnusable) as info:
        diff_grammars("start: /a/", "start: /(?<=a)b/")
    assert info.value.which == "new" and "look-around" in info.value.reason
    with pytest.raises(GrammarUnusable, match="old grammar"):
        diff_grammars("start: nothing_here", "start: /a/")


def test_bad_numbers_are_value_errors():
    with pytest.raises(ValueError):
        diff_grammars("start: /a/", "start: /a/", generated_n=-1)
    with pytest.raises(ValueError):
        diff_grammars("start: /a/", "start: /a/", max_bytes=-1)
