"""The pytest plugin: grammars with sample files as test items, off unless enabled.

The inner pytest runs in a subprocess (pytester's in-process runs would drop grammarkit's
modules from ``sys.modules`` afterwards), with plugin autoloading off and the plugin
loaded with ``-p``, so these tests do not depend on how grammarkit is installed; one test
checks the installed entry point."""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest

pytest_plugins = ["pytester"]

PLUGIN = ("-p", "grammarkit.pytest_plugin")


@pytest.fixture
def project(pytester, monkeypatch):
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    for name in ("NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    grammars = pytester.mkdir("grammars")
    (grammars / "good.lark").write_text('start: "a" | "b"\n', encoding="utf-8")
    (grammars / "good.samples.toml").write_text('valid = ["a", "b"]\ninvalid = ["c"]\n', encoding="utf-8")
    (grammars / "bad.lark").write_text('start: "a" | "b"\n', encoding="utf-8")
    (grammars / "bad.samples.toml").write_text('valid = ["a", "c"]\ninvalid = ["b"]\n', encoding="utf-8")
    (grammars / "digits.regex").write_text("[0-9]{1,3}\n", encoding="utf-8")
    (grammars / "digits.samples.json").write_text(
        '[{"input": "12", "should_parse": true}, {"input": "x", "should_parse": false}]', encoding="utf-8"
    )
    # No samples beside it: not collected, although it has an error.
    (grammars / "nosamples.lark").write_text("start: X\nX: /(?<=a)b/\n", encoding="utf-8")
    return pytester


def expected_report(pytester) -> str:
    """What ``grammarkit check grammars/bad.lark`` prints, from the project directory."""
    from grammarkit.lint.runner import lint_file
    from grammarkit.output.text import render_results, summary_line

    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(pytester.path)
        result = lint_file("grammars/bad.lark", sidecars=True)
    return render_results([result], color=False) + "\n" + summary_line([result], color=False)


def test_off_by_default(project):
    result = project.runpytest_subprocess(*PLUGIN, "--collect-only", "-q")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
    result.stdout.no_fnmatch_line("*grammarkit*")


def test_one_item_per_grammar_with_samples(project):
    result = project.runpytest_subprocess(*PLUGIN, "--grammarkit", "--collect-only", "-q")
    assert result.ret == pytest.ExitCode.OK
    lines = [line for line in result.stdout.lines if "::" in line]
    assert sorted(lines) == [
        "grammars/bad.lark::grammarkit",
        "grammars/digits.regex::grammarkit",
        "grammars/good.lark::grammarkit",
    ]


def test_bad_grammar_fails_with_check_output(project):
    result = project.runpytest_subprocess(*PLUGIN, "--grammarkit", "-v")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        [
            "grammars/bad.lark::grammarkit FAILED*",
            "grammars/digits.regex::grammarkit PASSED*",
            "grammars/good.lark::grammarkit PASSED*",
            "*_ grammarkit::bad.lark _*",
        ]
    )
    out = result.stdout.str()
    report = expected_report(project)
    assert report in out
    assert report.splitlines()[0].startswith(
        'grammars/bad.samples.toml:1:1: GK300 sample 2 "c" should be accepted, but llguidance rejects it'
    )
    assert report.splitlines()[-1] == "Found 2 errors (1 grammar, 3 samples)."
    assert "Traceback" not in out and "\x1b[" not in out.split("FAILURES")[1]
    result.stdout.fnmatch_lines(["FAILED grammars/bad.lark::grammarkit*"])


def test_ini_option_enables_it(project):
    project.makeini("[pytest]\ngrammarkit = true\n")
    result = project.runpytest_subprocess(*PLUGIN)
    result.assert_outcomes(passed=2, failed=1)
    project.makeini("[pytest]\ngrammarkit = false\n")
    result = project.runpytest_subprocess(*PLUGIN)
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_a_grammar_given_directly_and_an_unreadable_samples_file(project):
    (project.path / "grammars" / "good.samples.toml").write_text("valid = [1]\n", encoding="utf-8")
    result = project.runpytest_subprocess(*PLUGIN, "--grammarkit", "grammars/good.lark")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["grammarkit: error: grammars/good.samples.toml: 'valid' item 1: *"])


def test_warnings_do_not_fail(project):
    (project.path / "grammars" / "good.lark").write_text("start: NUM\nNUM: /[0-9]+/\n", encoding="utf-8")
    (project.path / "grammars" / "good.samples.toml").write_text('valid = ["1"]\n', encoding="utf-8")
    result = project.runpytest_subprocess(*PLUGIN, "--grammarkit", "-rP", "grammars/good.lark")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*grammarkit*", "grammars/good.lark:2:*: GK220 terminal NUM*"])


def test_entry_point_is_registered(project, monkeypatch):
    names = {ep.name: ep.value for ep in entry_points(group="pytest11")}
    assert names.get("grammarkit") == "grammarkit.pytest_plugin", (
        "the pytest11 entry point is missing: reinstall grammarkit (pip install -e .)"
    )
    monkeypatch.delenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    result = project.runpytest_subprocess("--grammarkit", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=1)


def test_configuration_applies_like_check(project):
    # [tool.grammarkit] reaches the plugin: ignoring GK300 makes the bad grammar pass,
    # a stricter severity makes a warning fail, and `exclude` skips a grammar.
    (project.path / "pyproject.toml").write_text(
        '[tool.grammarkit]\nignore = ["GK300"]\nexclude = ["grammars/digits.regex"]\n'
        '[tool.grammarkit.severity]\nGK107 = "error"\n',
        encoding="utf-8",
    )
    (project.path / "grammars" / "ws.lark").write_text(
        '%import common.WS\n%ignore WS\nstart: "a" "b"\n', encoding="utf-8"
    )
    (project.path / "grammars" / "ws.samples.toml").write_text('valid = ["a b"]\n', encoding="utf-8")
    result = project.runpytest_subprocess(*PLUGIN, "--grammarkit", "-q", "-rf")
    result.assert_outcomes(passed=2, failed=1)  # good, bad (GK300 ignored) pass; ws fails
    result.stdout.fnmatch_lines(["*ws.lark:2:9: GK107*"])
    result.stdout.no_fnmatch_line("*digits.regex*")
