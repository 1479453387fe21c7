"""`grammarkit diff OLD NEW`: real runs of the command, exit statuses and output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grammarkit.cli import main

ROOT = Path(__file__).resolve().parent.parent.parent
ORDER_LOOKUP = ROOT / "grammars" / "order_lookup.lark"
TIMESTAMP = ROOT / "grammars" / "timestamp.regex"


@pytest.fixture
def grammars(tmp_path):
    """The bundled order_lookup grammar, and versions of it that narrow or widen it."""
    text = ORDER_LOOKUP.read_text(encoding="utf-8")
    paths = {"old": tmp_path / "old.lark"}
    paths["old"].write_text(text)
    paths["narrow"] = tmp_path / "narrow.lark"
    paths["narrow"].write_text(text.replace("LIMIT: /100|[1-9][0-9]?/", "LIMIT: /100|[1-9]/"))
    paths["wide"] = tmp_path / "wide.lark"
    paths["wide"].write_text(text.replace("ORD-[0-9]{5,10}", "ORD-[0-9]{5,12}"))
    logs = tmp_path / "logs.json"
    logs.write_text(
        json.dumps(
            [
                {"input": "orders for ACC-0042 limit 42", "description": "yesterday"},
                {"input": "orders for ACC-0042 limit 4"},
                {"input": "order ORD-123456789012", "should_parse": False},
            ],
            indent=1,
        )
    )
    paths["logs"] = logs
    return paths


def run(capsys, *args):
    code = main(["diff", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_narrowing_fails_with_examples(grammars, capsys):
    code, out, err = run(capsys, grammars["old"], grammars["narrow"], "--samples", grammars["logs"], "-n", "0")
    assert code == 1
    assert "narrowed 1, widened 0" in out
    assert "the new grammar can only end where the old one also allows [0-9]" in out
    # 24 characters of context each side of the point where the grammars part
    assert f'"…ers for ACC-0042 limit 42"  at 1:28; {grammars["logs"]}:3 (yesterday)' in out
    lines = out.splitlines()
    caret = lines[lines.index(next(x for x in lines if "limit 42" in x)) + 1]
    assert caret.index("^") == len('      "…ers for ACC-0042 limit 4')
    assert "rejects 1 input the old one accepts (--allow narrowing" in err


def test_allow_narrowing_passes(grammars, capsys):
    code, out, _ = run(capsys, grammars["old"], grammars["narrow"], "--samples", grammars["logs"], "-n", "0", "--allow", "narrowing")
    assert code == 0 and "narrowed 1" in out


def test_a_widening_passes_and_is_reported(grammars, capsys):
    code, out, err = run(capsys, grammars["old"], grammars["wide"], "--samples", grammars["logs"], "-n", "0")
    assert code == 0 and err == ""
    assert "widened: the new grammar accepts, the old one rejects (1 input)" in out
    assert "marked invalid" in out  # the log said it should not parse


def test_generated_inputs_find_the_narrowing_without_samples(grammars, capsys):
    code, out, _ = run(capsys, grammars["old"], grammars["narrow"], "-n", "60", "--seed", "1", "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert data["fails"] is True and data["old"] == str(grammars["old"])
    assert data["inputs"]["generated_from_old"] == 60 and data["seed"] == 1
    assert data["narrowed"]["count"] > 0 and data["widened"]["count"] == 0
    for group in data["narrowed"]["groups"]:
        assert len(group["examples"]) <= 3
        assert all(e["origin"]["source"] == "generated from old" for e in group["examples"])


def test_the_same_grammar_says_so(grammars, capsys):
    code, out, _ = run(capsys, grammars["old"], grammars["old"], "-n", "20")
    assert code == 0
    assert "no input is judged differently" in out


def test_regex_grammars_by_suffix(tmp_path, capsys):
    new = tmp_path / "new.regex"
    new.write_text(TIMESTAMP.read_text().replace("(\\.[0-9]{1,9})?", "") )
    code, out, _ = run(capsys, TIMESTAMP, new, "-n", "30", "--seed", "1", "--format", "json")
    data = json.loads(out)
    assert data["syntax"] == {"old": "regex", "new": "regex"}
    assert code == (1 if data["narrowed"]["count"] else 0)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.lark", "{old}"], "missing.lark: no such file"),
        (["{old}", "{bad}"], "bad.lark: llguidance rejects the grammar: "),
        (["{old}", "{old}", "--samples", "{old}"], "samples file must end in .json, .toml or .jsonl"),
        (["-", "-"], "cannot both come from standard input"),
        (["{old}", "{old}", "--allow", "everything"], "Invalid value for '--allow'"),
    ],
)
def test_usage_problems_exit_2_with_one_line(grammars, tmp_path, capsys, args, message):
    bad = tmp_path / "bad.lark"
    bad.write_text("start: /(?<=a)b/\n")
    args = [a.format(old=grammars["old"], bad=bad) for a in args]
    code, out, err = run(capsys, *args)
    assert code == 2 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
