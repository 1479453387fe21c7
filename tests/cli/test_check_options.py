"""`grammarkit check`'s ruff-style options: --statistics, --exit-zero, --output-file,
--format concise, and the current directory as the default path."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

import pytest

from grammarkit.cli import main
from grammarkit.lint.runner import lint_text
from grammarkit.output.statistics import RuleCount, render_statistics_json, render_statistics_text, rule_statistics

# GK101 and GK103 (errors), GK229 twice (warnings with a safe fix)
BAD = 'start: A B\nA: /(?=x)y/\nB.2: "b"\nX: "x"\nY: "y"\n'
# GK213 twice (an unsafe fix each), GK220 twice, GK229 once (safe fix): warnings only
WARN = 'start: N "," W\nN: /\\d+/\nW: /\\w+/\nX: "x"\n'
CLEAN = 'start: "a" "b"\n'
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def run(capsys, *args):
    code = main(["check", "--no-cache", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def grammar(tmp_path):
    def make(text: str, name: str = "g.lark") -> Path:
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
        return p

    return make


# --------------------------------------------------------------------------- --statistics


def test_statistics_counts_each_rule_most_first_with_the_fix_marker(grammar, capsys):
    g = grammar(BAD)
    code, out, err = run(capsys, "--statistics", g)
    assert code == 1 and err == ""
    assert out.splitlines() == [
        "2  GK229  [*] unused-definition",
        "1  GK101      lookaround",
        "1  GK103      priority",
    ]


def test_statistics_exit_status_follows_the_diagnostics(grammar, capsys):
    g = grammar(WARN)
    code, out, _ = run(capsys, "--statistics", g)
    assert code == 0  # warnings only
    # counts tie at 2: by code; GK213's fix is unsafe, so not fixable without --unsafe-fixes
    assert out.splitlines() == [
        "2  GK213      unicode-class",
        "2  GK220      unbounded-terminal",
        "1  GK229  [*] unused-definition",
    ]
    code, out, _ = run(capsys, "--statistics", "--unsafe-fixes", g)
    assert code == 0
    assert out.splitlines()[0] == "2  GK213  [*] unicode-class"


def test_statistics_sum_over_every_grammar_and_align_wide_counts(grammar, capsys, tmp_path):
    for i in range(6):
        grammar(BAD, name=f"g{i}.lark")
    code, out, _ = run(capsys, "--statistics", tmp_path)
    assert code == 1
    assert out.splitlines() == [
        "12  GK229  [*] unused-definition",
        " 6  GK101      lookaround",
        " 6  GK103      priority",
    ]


def test_statistics_as_json(grammar, capsys):
    g = grammar(BAD)
    code, out, _ = run(capsys, "--statistics", "--format", "json", g)
    assert code == 1
    assert json.loads(out) == [
        {"code": "GK229", "name": "unused-definition", "count": 2, "fixable": True},
        {"code": "GK101", "name": "lookaround", "count": 1, "fixable": False},
        {"code": "GK103", "name": "priority", "count": 1, "fixable": False},
    ]


def test_statistics_of_a_clean_grammar_are_empty(grammar, capsys):
    g = grammar(CLEAN)
    assert run(capsys, "--statistics", g) == (0, "", "")
    code, out, _ = run(capsys, "--statistics", "--format", "json", g)
    assert code == 0 and json.loads(out) == []


def test_statistics_after_fix_count_what_remains(grammar, capsys):
    g = grammar(BAD)
    code, out, _ = run(capsys, "--statistics", "--fix", g)
    assert code == 1
    assert out.splitlines() == ["1  GK101      lookaround", "1  GK103      priority", "Fixed 2 problems."]
    assert "X:" not in g.read_text()


@pytest.mark.parametrize("extra", [["--format", "sarif"], ["--format", "github"], ["--diff"]])
def test_statistics_refuses_formats_it_cannot_print(grammar, capsys, extra):
    code, out, err = run(capsys, "--statistics", *extra, grammar(BAD))
    assert code == 2 and out == ""
    assert err.startswith("grammarkit: error: ") and err.count("\n") == 1 and "--statistics" in err


def test_rule_statistics_library_function():
    results = [lint_text(BAD, path="a.lark"), lint_text(WARN, path="b.lark")]
    stats = rule_statistics(results)
    assert [(s.code, s.count, s.fixable) for s in stats] == [
        ("GK229", 3, True),
        ("GK213", 2, False),
        ("GK220", 2, False),
        ("GK101", 1, False),
        ("GK103", 1, False),
    ]
    assert next(s for s in rule_statistics(results, unsafe_fixes=True) if s.code == "GK213").fixable
    assert rule_statistics([]) == [] and render_statistics_text([]) == ""
    assert render_statistics_text([RuleCount("GK1", "a", 10, False), RuleCount("GK100", "b", 9, True)]) == (
        "10  GK1        a\n 9  GK100  [*] b"
    )
    assert json.loads(render_statistics_json(stats))[0] == {
        "code": "GK229",
        "name": "unused-definition",
        "count": 3,
        "fixable": True,
    }


# --------------------------------------------------------------------------- --exit-zero


def test_exit_zero_with_errors_still_reports_them(grammar, capsys):
    g = grammar(BAD)
    code, out, _ = run(capsys, "--exit-zero", g)
    assert code == 0
    assert f"{g}:2:5: GK101" in out and out.splitlines()[-1] == "Found 2 errors and 2 warnings (1 grammar)."
    code, out, _ = run(capsys, "--exit-zero", "--format", "json", g)
    assert code == 0 and json.loads(out)["summary"]["errors"] == 2


def test_exit_zero_keeps_exit_2_for_input_and_usage_problems(grammar, capsys, tmp_path):
    code, _, err = run(capsys, "--exit-zero", grammar(BAD), tmp_path / "missing.lark")
    assert code == 2 and "missing.lark: no such file or directory" in err
    code, _, err = run(capsys, "--exit-zero", "--select", "GK999", grammar(BAD))
    assert code == 2 and "unknown rule 'GK999'" in err


def test_exit_zero_with_diff(grammar, capsys):
    g = grammar(BAD)
    code, out, _ = run(capsys, "--diff", "--exit-zero", g)
    assert code == 0 and out.startswith(f"--- a/{g}\n")
    assert run(capsys, "--diff", g)[0] == 1


# --------------------------------------------------------------------------- --output-file


@pytest.mark.parametrize("fmt", ["text", "concise", "json", "sarif", "github"])
def test_output_file_holds_what_standard_output_would(grammar, capsys, tmp_path, fmt):
    g = grammar(BAD)
    code, expected, _ = run(capsys, "--format", fmt, g)
    report = tmp_path / "out" / "report.txt"
    report.parent.mkdir()
    code2, out, err = run(capsys, "--format", fmt, "--output-file", report, g)
    assert (code2, out, err) == (code, "", "")
    assert code == 1 and report.read_text(encoding="utf-8") == expected


def test_output_file_is_created_when_there_is_nothing_to_report(grammar, capsys, tmp_path):
    g = grammar(CLEAN)
    report = tmp_path / "empty.txt"
    assert run(capsys, "--format", "github", "-o", report, g) == (0, "", "")
    assert report.exists() and report.read_text() == ""
    assert run(capsys, "--statistics", "-o", report, g) == (0, "", "")
    assert report.read_text() == ""


def test_output_file_replaces_an_existing_file_and_keeps_its_mode(grammar, capsys, tmp_path):
    report = tmp_path / "report.json"
    report.write_text("old and much longer than the new report " * 100)
    report.chmod(0o640)
    code, out, _ = run(capsys, "--format", "json", "-o", report, grammar(CLEAN))
    assert code == 0 and out == ""
    assert json.loads(report.read_text())["summary"]["errors"] == 0
    assert stat.S_IMODE(report.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left


def test_output_file_with_diff_and_statistics(grammar, capsys, tmp_path):
    g = grammar(BAD)
    diff = tmp_path / "fix.diff"
    assert run(capsys, "--diff", "-o", diff, g)[:2] == (1, "")
    assert diff.read_text().startswith(f"--- a/{g}\n") and "-X: \"x\"\n" in diff.read_text()
    stats = tmp_path / "stats.json"
    assert run(capsys, "--statistics", "--format", "json", "-o", stats, g)[:2] == (1, "")
    assert [s["code"] for s in json.loads(stats.read_text())] == ["GK229", "GK101", "GK103"]


def test_output_file_text_is_coloured_only_when_asked(grammar, capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")
    g = grammar(BAD)
    report = tmp_path / "r.txt"
    run(capsys, "-o", report, g)
    assert not ANSI.search(report.read_text())
    run(capsys, "--color", "-o", report, g)
    assert ANSI.search(report.read_text())


@pytest.mark.parametrize(
    "where, problem",
    [
        ("missing-dir/report.txt", "no such directory: {tmp}/missing-dir"),
        (".", "is a directory"),
        ("plain.txt/report.txt", "not a directory: {tmp}/plain.txt"),
    ],
)
def test_unwritable_output_file_is_exit_2_with_one_line(grammar, capsys, tmp_path, where, problem):
    (tmp_path / "plain.txt").write_text("x")
    g = grammar(BAD)
    target = tmp_path / where if where != "." else tmp_path
    code, out, err = run(capsys, "-o", target, g)
    assert (code, out) == (2, "")
    assert err == f"grammarkit: error: {target}: cannot write the report: {problem.format(tmp=tmp_path)}\n"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_failed_write_of_the_report_is_exit_2_with_one_line(grammar, capsys):
    code, out, err = run(capsys, "--exit-zero", "-o", "/dev/full", grammar(BAD))
    assert (code, out) == (2, "")
    assert err == "grammarkit: error: /dev/full: cannot write the report: No space left on device\n"


# --------------------------------------------------------------------------- --format concise


def test_concise_is_one_line_per_diagnostic(grammar, capsys):
    g = grammar(BAD)
    code, out, _ = run(capsys, "--format", "concise", g)
    assert code == 1
    assert out.splitlines() == [
        f"{g}:2:5: GK101 lookahead `(?=` is not supported (Rust regex has no lookarounds)",
        f"{g}:3:2: GK103 priority `.2` on terminal B is not supported",
        f"{g}:4:1: GK229 terminal X is never used",
        f"{g}:5:1: GK229 terminal Y is never used",
        "Found 2 errors and 2 warnings (1 grammar).",
    ]


def test_concise_leaves_out_witnesses_and_sample_snippets(grammar, capsys):
    g = grammar(WARN, name="w.lark")
    (g.parent / "w.samples.toml").write_text('valid = ["12,ab", "x"]\n', encoding="utf-8")
    code, full, _ = run(capsys, g)
    assert "= witness:" in full and "input |" in full
    code, out, _ = run(capsys, "--format", "concise", g)
    assert code == 1
    lines = out.splitlines()
    assert all(re.match(r"^\S+:\d+:\d+: GK\d{3} \S", line) for line in lines[:-1]), lines
    assert any(line.startswith(f"{g.parent / 'w.samples.toml'}:1:") for line in lines)
    assert lines[-1].startswith("Found 1 error and ")
    assert len(lines) == full.count("\n" + str(g.parent)) + 2  # every diagnostic, one line each


def test_concise_colours_like_the_text_headline(grammar, capsys):
    g = grammar(BAD)
    _, out, _ = run(capsys, "--format", "concise", "--color", g)
    assert ANSI.search(out)
    assert ANSI.sub("", out) == run(capsys, "--format", "concise", g)[1]


# --------------------------------------------------------------------------- default path


def test_no_path_checks_the_current_directory_recursively(grammar, capsys, tmp_path, monkeypatch):
    grammar(BAD, name="sub/deeper/bad.lark")
    grammar(CLEAN, name="ok.lark")
    grammar("start: (\n", name=".hidden/skipped.lark")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "--format", "json")
    assert code == 1
    assert [f["path"] for f in json.loads(out)["files"]] == ["ok.lark", os.path.join("sub", "deeper", "bad.lark")]
    assert run(capsys, "--format", "json", ".")[1] == out


def test_no_path_in_a_directory_without_grammars_is_exit_2(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys)
    assert code == 2 and err == "grammarkit: error: .: directory has no .lark or .regex grammars\n"


# --------------------------------------------------------------------------- --help, -q, --version


def test_help_documents_the_options(capsys):
    code = main(["check", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert code == 0
    for option in ("--statistics", "--exit-zero", "--output-file", "-o", "concise", "--quiet", "-q"):
        assert option in out, option
    assert "Default: the current directory" in out


def test_quiet_and_version(grammar, capsys):
    from grammarkit import __version__

    assert run(capsys, "-q", grammar(CLEAN))[0] == 0
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"grammarkit {__version__}\n"
