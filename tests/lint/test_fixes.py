"""lint/fixes.py and ``check --fix/--unsafe-fixes/--diff``: fixes verified before they are
kept, written atomically, and idempotent."""

from __future__ import annotations

import os
import stat

import pytest

from grammarkit.cli import main
from grammarkit.core.diagnostics import Edit, Fix
from grammarkit.core.errors import InputError
from grammarkit.lint import fixes
from grammarkit.lint.fixes import fix_file, fix_text, unified_diff
from grammarkit.llg.matcher import EngineMatcher
from grammarkit.samples.files import Sample

LAZY = 'start: A B\nA: /a+?/\nB: "b"\n'
UNUSED = 'start: "x"  // grammarkit: ignore[GK101]\n'


def test_fix_objects_apply_and_overlap():
    f = Fix("t", (Edit(0, 1, "X"), Edit(3, 4, "")))
    assert f.apply("abcd") == "Xbc"
    assert f.overlaps(Fix("u", (Edit(0, 2, ""),))) and not f.overlaps(Fix("u", (Edit(1, 2, ""),)))
    assert f.to_dict()["edits"][0] == {"start": 0, "end": 1, "replacement": "X"}


def test_safe_fixes_are_applied_and_verified():
    used_c = LAZY.replace("start: A B", "start: A B C")  # (an unused C would be deleted: GK229)
    outcome = fix_text(used_c + UNUSED.replace('start: "x"', "C: \"c\""))
    assert outcome.changed
    assert [d.code for d in outcome.applied] == ["GK102", "GK290"]
    assert "a+?" not in outcome.text and "grammarkit: ignore" not in outcome.text
    assert outcome.remaining is not None and "GK102" not in outcome.remaining.codes()
    # idempotent: a second run changes nothing
    again = fix_text(outcome.text)
    assert not again.changed and again.applied == []


def test_lazy_and_greedy_are_the_same_language_for_llguidance():
    lazy, greedy = EngineMatcher(LAZY), EngineMatcher(LAZY.replace("+?", "+"))
    for text in ["ab", "aab", "b", "a", "aaab", "aba"]:
        assert lazy.check(text).accepted == greedy.check(text).accepted, text


def test_unsafe_fixes_need_asking():
    pattern = "/[a-z]{1,5}/\n"
    assert not fix_text(pattern, syntax="regex").changed
    outcome = fix_text(pattern, syntax="regex", unsafe=True)
    assert outcome.text == "[a-z]{1,5}\n" and [d.code for d in outcome.applied] == ["GK202"]


def test_a_fix_that_changes_a_sample_verdict_is_refused():
    # the sample expects the slashes: removing them would reject it
    outcome = fix_text("/[a-z]{1,5}/\n", syntax="regex", unsafe=True, samples=[Sample("/abc/")])
    assert not outcome.changed
    ((d, reason),) = outcome.skipped
    assert d.code == "GK202" and reason.startswith("a sample would change its verdict")


def test_a_fix_that_does_not_remove_its_diagnostic_is_refused(monkeypatch):
    from grammarkit.lint import runner

    real = runner.lint_text

    def with_a_useless_fix(text, **kw):
        result = real(text, **kw)
        for d in result.diagnostics:
            if d.code == "GK102":
                d.fix = Fix("add a comment", (Edit(0, 0, "// x\n"),))
        return result

    monkeypatch.setattr(fixes, "lint_text", with_a_useless_fix)
    outcome = fix_text(LAZY)
    assert not outcome.changed
    assert ("GK102", "the fix does not remove the diagnostic") in [(d.code, r) for d, r in outcome.skipped]


def test_a_fix_that_reveals_another_problem_of_its_kind_is_kept():
    # bounding B makes `A: B+` the unbounded one: as many GK220, but B's is gone
    outcome = fix_text("start: A\nA: B+\nB: /[a-z]+/\n", unsafe=True)
    assert outcome.skipped == [] and [d.code for d in outcome.applied] == ["GK220", "GK220"]
    assert outcome.text == "start: A\nA: B~1..64\nB: /[a-z]{1,64}/\n"


def test_unused_codes_are_dropped_from_a_suppression():
    text = 'start: A\nA: /(?=a)a/  // grammarkit: ignore[GK101, GK220]\n'
    outcome = fix_text(text)
    assert "ignore[GK101]" in outcome.text and "GK220" not in outcome.text.split("ignore[")[1]


def test_fix_file_writes_atomically_keeping_mode_bom_and_line_endings(tmp_path):
    g = tmp_path / "g.lark"
    used_c = LAZY.replace("start: A B", "start: A B C").replace("\n", "\r\n")
    g.write_bytes(b"\xef\xbb\xbf" + used_c.encode() + b"C: \"c\"  // grammarkit: ignore[GK101]\r\n")
    os.chmod(g, 0o640)
    outcome = fix_file(g)
    data = g.read_bytes()
    assert outcome.changed and data.startswith(b"\xef\xbb\xbf")
    assert b"a+?" not in data and b"grammarkit" not in data
    assert data.count(b"\r\n") == data.count(b"\n") == 4  # every line ending kept as CRLF
    assert stat.S_IMODE(g.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["g.lark"]  # no temporary file left


def test_fix_file_keeps_sidecar_verdicts(tmp_path):
    g = tmp_path / "g.regex"
    g.write_text("/[a-z]{1,5}/\n")
    (tmp_path / "g.samples.json").write_text('[{"input": "/abc/", "should_parse": true}]')
    outcome = fix_file(g, unsafe=True)
    assert not outcome.changed and g.read_text() == "/[a-z]{1,5}/\n"


def test_fix_file_refuses_a_file_changed_meanwhile(tmp_path, monkeypatch):
    g = tmp_path / "g.lark"
    g.write_text(LAZY)
    real = fixes.fix_text

    def and_someone_edits(*a, **kw):
        out = real(*a, **kw)
        g.write_text(LAZY + "// edited\n")
        return out

    monkeypatch.setattr(fixes, "fix_text", and_someone_edits)
    with pytest.raises(InputError, match="changed on disk"):
        fix_file(g)
    assert g.read_text().endswith("// edited\n")


def test_unified_diff():
    assert unified_diff("a\n", "a\n", "x") == ""
    assert unified_diff("a\nb\n", "a\nc\n", "g.lark").startswith("--- a/g.lark\n+++ b/g.lark\n")
    assert unified_diff("a", "b", "g").endswith("\\ No newline at end of file\n")


# --------------------------------------------------------------------------- the CLI


def test_check_fix_writes_and_reports_what_remains(tmp_path, capsys):
    g = tmp_path / "g.lark"
    g.write_text(LAZY)
    assert main(["check", "--fix", str(g)]) == 0  # only the GK220 warning remains
    out = capsys.readouterr().out
    assert "GK102" not in out and "GK220" in out and "Fixed 1 problem." in out
    assert g.read_text() == LAZY.replace("+?", "+")
    assert main(["check", "--fix", str(g)]) == 0
    assert "Fixed" not in capsys.readouterr().out


def test_check_diff_prints_and_exits_1_without_writing(tmp_path, capsys):
    g = tmp_path / "g.lark"
    g.write_text(LAZY)
    assert main(["check", "--diff", str(g)]) == 1
    out = capsys.readouterr().out
    assert "-A: /a+?/\n+A: /a+/\n" in out
    assert g.read_text() == LAZY
    g.write_text('start: "x"\n')
    assert main(["check", "--diff", str(g)]) == 0
    assert capsys.readouterr().out == ""


def test_check_shows_fixes_and_refusals(tmp_path, capsys):
    g = tmp_path / "g.regex"
    g.write_text("/[a-z]{1,5}/\n")
    assert main(["check", str(g)]) == 0
    assert "= fix: remove the surrounding slashes (unsafe; --unsafe-fixes)" in capsys.readouterr().out
    (tmp_path / "g.samples.json").write_text('[{"input": "/abc/", "should_parse": true}]')
    assert main(["check", "--fix", "--unsafe-fixes", str(g)]) == 0
    out = capsys.readouterr().out
    assert "its fix was not applied: a sample would change its verdict" in out
    assert g.read_text() == "/[a-z]{1,5}/\n"


def test_check_fix_refuses_standard_input(capsys, monkeypatch):
    assert main(["check", "--fix", "-"]) == 2
    assert "use --diff" in capsys.readouterr().err


def test_json_output_carries_the_fix_with_positions(tmp_path, capsys):
    import json

    g = tmp_path / "g.lark"
    g.write_text(LAZY)
    main(["check", "--format", "json", str(g)])
    doc = json.loads(capsys.readouterr().out)
    (d,) = [d for f in doc["files"] for d in f["diagnostics"] if d["code"] == "GK102"]
    assert d["fix"]["safety"] == "safe"
    assert d["fix"]["edits"] == [
        {"start": 17, "end": 18, "replacement": "", "line": 2, "column": 7, "end_line": 2, "end_column": 8}
    ]


def test_the_readme_names_every_rule_that_documents_an_automatic_fix():
    import re
    from pathlib import Path

    from grammarkit.lint.registry import all_rules

    readme = Path(__file__).resolve().parents[2].joinpath("README.md").read_text()
    paragraph = readme.split("Fixable today", 1)[1].split("\n## ", 1)[0]
    safe_part, _, unsafe_part = paragraph.partition("- unsafe")
    for rule in all_rules():
        kinds = set(re.findall(r"\*\*Fix \(automatic, (safe|unsafe)\)\.\*\*", rule.doc))
        assert ("safe" in kinds) == (rule.code in safe_part), rule.code
        assert ("unsafe" in kinds) == (rule.code in unsafe_part), rule.code
