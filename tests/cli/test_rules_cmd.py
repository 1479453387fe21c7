"""`grammarkit rules`, `grammarkit stats`, and the README rule table generated from the
rules' docstrings."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from grammarkit.cli import main
from grammarkit.lint import docs
from grammarkit.lint.registry import all_rules

ROOT = Path(__file__).resolve().parent.parent.parent
README = ROOT / "README.md"


def run(args, capsys, stdin: bytes | None = None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# --------------------------------------------------------------------------- rules


def test_rules_lists_every_rule_as_an_aligned_table(capsys):
    code, out, err = run(["rules"], capsys)
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].split() == ["CODE", "NAME", "SEVERITY", "SUMMARY"]
    rules = all_rules()
    assert len(lines) == 1 + len(rules)
    name_col = lines[0].index("NAME")
    severity_col = lines[0].index("SEVERITY")
    summary_col = lines[0].index("SUMMARY")
    for line, rule in zip(lines[1:], rules, strict=False):
        assert line[:name_col].rstrip() == rule.code
        assert line[name_col:severity_col].rstrip() == rule.name
        assert line[severity_col:summary_col].rstrip() == rule.severity.value
        assert "**" not in line and "``" not in line[summary_col:] or "``" in rule.summary
    assert any(line.startswith("GK240  near-engine-limits") for line in lines)


def test_rules_json_list(capsys):
    code, out, _ = run(["rules", "--format", "json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert [r["code"] for r in data["rules"]] == [r.code for r in all_rules()]
    first = data["rules"][0]
    assert set(first) == {"code", "name", "severity", "syntaxes", "summary"}


@pytest.mark.parametrize("key", ["GK107", "gk107", "unbounded-ignore"])
def test_rule_documentation_by_code_or_name(key, capsys):
    code, out, err = run(["rules", key], capsys)
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "GK107 unbounded-ignore: an `%ignore` whose pattern can match unboundedly long text."
    assert lines[1] == "severity: warning; applies to: lark grammars"
    for part in ("What it flags.", "Why.", "Example.", "Fix."):
        assert any(line.startswith(part) for line in lines), part
    assert "**" not in out and "``" not in out
    assert "    %ignore WS" in lines  # the example keeps its indentation


def test_every_rule_documentation_renders(capsys):
    for rule in all_rules():
        code, out, _ = run(["rules", rule.code], capsys)
        assert code == 0 and out.startswith(f"{rule.code} {rule.name}: ")
        for part in ("What it flags.", "Why.", "Example.", "Fix."):
            assert f"**{part}**" not in out and f"\n{part}" in out, (rule.code, part)


def test_plain_keeps_stars_inside_code():
    assert docs.plain_text("**Why.** ``a**`` and ``b``") == "Why. `a**` and `b`"


def test_rule_documentation_json(capsys):
    code, out, _ = run(["rules", "GK240", "--format", "json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert data["code"] == "GK240" and data["name"] == "near-engine-limits"
    assert data["severity"] == "warning" and data["syntaxes"] == ["lark", "regex"]
    assert data["doc"].startswith("GK240 near-engine-limits: ") and "**Fix.**" in data["doc"]


@pytest.mark.parametrize("args", [["rules", "GK999"], ["rules", "no-such-rule", "--format", "json"]])
def test_unknown_rule_exits_2_with_one_line(args, capsys):
    code, out, err = run(args, capsys)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("grammarkit: error: unknown rule ")


def test_bad_format_is_a_usage_error(capsys):
    code, _, err = run(["rules", "--format", "xml"], capsys)
    assert code == 2 and "Traceback" not in err


# --------------------------------------------------------------------------- stats


def test_stats_text(capsys):
    code, out, err = run(["stats", str(ROOT / "grammars" / "sql_select.lark")], capsys)
    assert code == 0 and err == ""
    assert "lark grammar" in out.splitlines()[0]
    for label in ("rules", "terminals", "alternatives", "string literals", "regex literals", "max nesting"):
        assert any(line.split("  ")[1:2] and line.strip().startswith(label) for line in out.splitlines()), label
    assert "llguidance: compiles" in out
    for key in ("max_grammar_size", "initial_lexer_fuel", "max_items_in_row"):
        (line,) = [ln for ln in out.splitlines() if ln.strip().startswith(key)]
        assert line.rstrip().endswith("%")
    assert "not measured" in out


def test_stats_json_from_stdin_as_regex(capsys, monkeypatch):
    code, out, _ = run(
        ["stats", "-", "--syntax", "regex", "--format", "json", "--precision", "0"],
        capsys,
        stdin=b"[0-9]{4}-[0-9]{2}\n",
        monkeypatch=monkeypatch,
    )
    assert code == 0
    data = json.loads(out)
    assert data["path"] == "<stdin>" and data["syntax"] == "regex" and data["compiles"] is True
    measured = {u["name"]: u for u in data["limits"] if u["value"] is not None}
    assert set(measured) == {"max_grammar_size", "initial_lexer_fuel", "max_items_in_row"}
    assert all(u["exact"] and 0 < u["percent"] < 1 for u in measured.values())


def test_stats_of_a_grammar_llguidance_rejects(tmp_path, capsys):
    p = tmp_path / "bad.lark"
    p.write_text("start: missing\n", encoding="utf-8")
    code, out, _ = run(["stats", str(p)], capsys)
    assert code == 0
    assert 'llguidance: does not compile: 1:8: unknown name: "missing"' in out


@pytest.mark.parametrize("target", ["missing.lark", "."])
def test_stats_input_problems_exit_2(target, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(["stats", target], capsys)
    assert code == 2 and out == ""
    assert err.startswith("grammarkit: error: ") and len(err.strip().splitlines()) == 1


def test_stats_bad_precision_is_a_usage_error(capsys):
    code, _, err = run(["stats", str(ROOT / "grammars" / "arithmetic.lark"), "--precision", "2"], capsys)
    assert code == 2 and "Traceback" not in err


# --------------------------------------------------------------------------- README


def test_readme_rule_table_is_generated_from_the_docstrings():
    text = README.read_text(encoding="utf-8")
    assert docs.rules_table_section(text) == docs.rules_markdown_table(), (
        "README.md's rule table is out of date: run `python -m grammarkit.lint.docs --write README.md`"
    )


def test_markdown_table_shape():
    table = docs.rules_markdown_table()
    lines = table.splitlines()
    assert lines[:2] == ["| code | name | severity | summary |", "|---|---|---|---|"]
    assert len(lines) == 2 + len(all_rules())
    for line, rule in zip(lines[2:], all_rules(), strict=False):
        assert line.startswith(f"| {rule.code} | {rule.name} | {rule.severity.value} | ")
        assert line.count(" | ") - line.count("\\|") == 3


def test_markdown_cell_escapes():
    assert docs.markdown_cell("a ``x|y`` and\n  ``b``") == "a `x\\|y` and `b`"
    assert docs.markdown_cell("``a`b``") == "``a`b``"


def test_docs_script_check_and_write(tmp_path, capsys):
    p = tmp_path / "README.md"
    p.write_text(f"# t\n\n{docs.START}\nold\n{docs.END}\n\nafter\n", encoding="utf-8")
    assert docs.main(["--check", str(p)]) == 1
    assert docs.main(["--write", str(p)]) == 0
    assert docs.main(["--check", str(p)]) == 0
    text = p.read_text(encoding="utf-8")
    assert text.startswith(f"# t\n\n{docs.START}\n| code |") and text.endswith(f"{docs.END}\n\nafter\n")
    p.write_text("no markers\n", encoding="utf-8")
    assert docs.main(["--check", str(p)]) == 2
    capsys.readouterr()
    assert docs.main([]) == 0
    assert capsys.readouterr().out == docs.rules_markdown_table()
