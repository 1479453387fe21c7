"""SARIF 2.1.0 and GitHub Actions output, and colour in the text output."""

from __future__ import annotations

import io
import json
import re

import pytest

from grammarkit import __version__
from grammarkit.cli import main
from grammarkit.core.diagnostics import Diagnostic, Severity
from grammarkit.lint.registry import all_rules
from grammarkit.lint.runner import LintResult, lint_file, lint_text
from grammarkit.output import github, sarif, text
from grammarkit.output.github import escape_data, escape_property, render_github
from grammarkit.output.sarif import render_sarif, results_to_sarif
from grammarkit.output.text import render_diagnostic, render_results, summary_line, use_color

BAD = "start: X\nX: /(?<=a)b/\n"  # GK101 error at 2:5-2:9
INFO = 'start: A A A A\nA: "a"\n'  # GK225 info at 1:8-1:15
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(autouse=True)
def _no_color_env(monkeypatch):
    for name in ("NO_COLOR", "FORCE_COLOR", "TERM"):
        monkeypatch.delenv(name, raising=False)


def diag(
    code="GK101",
    severity=Severity.ERROR,
    path="g.lark",
    line=2,
    column=5,
    end_line=2,
    end_column=9,
    message="lookbehind `(?<=` is not supported",
    hint="match the context instead",
    name=None,
) -> Diagnostic:
    rule = next(r for r in all_rules() if r.code == code)
    return Diagnostic(
        code=code,
        name=name or rule.name,
        severity=severity,
        message=message,
        line=line,
        column=column,
        end_line=end_line,
        end_column=end_column,
        hint=hint,
        path=path,
    )


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A directory (the working directory) with a bad grammar, a grammar whose samples
    file fails, and a grammar with an info diagnostic."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "grammars").mkdir()
    (tmp_path / "grammars" / "bad.lark").write_text(BAD, encoding="utf-8")
    (tmp_path / "grammars" / "ab.lark").write_text('start: "a" | "b"\n', encoding="utf-8")
    (tmp_path / "grammars" / "ab.samples.toml").write_text('valid = ["a", "z"]\ninvalid = ["b"]\n', encoding="utf-8")
    (tmp_path / "grammars" / "info.lark").write_text(INFO, encoding="utf-8")
    return tmp_path


def lint_project() -> list[LintResult]:
    return [lint_file(f"grammars/{name}.lark", sidecars=True) for name in ("bad", "ab", "info")]


# --------------------------------------------------------------------------- SARIF


def validate(log: dict) -> None:
    """Validate with two SARIF 2.1.0 object models: sarif-pydantic, and pydantic-sarif
    (generated from the official JSON schema, with unknown properties forbidden)."""
    import sarif_pydantic
    from pydantic_sarif.model import StaticAnalysisResultsFormatSarifVersion210JsonSchema as StrictSarif

    sarif_pydantic.Sarif.model_validate(log)
    StrictSarif.model_validate(log)
    # And as text: what render_sarif prints is the same log.
    sarif_pydantic.Sarif.model_validate_json(json.dumps(log))


def test_the_validators_catch_mistakes():
    """Guard for the test itself: the strict model rejects a misspelt or misplaced property."""
    from pydantic import ValidationError

    log = results_to_sarif([lint_text(BAD, path="g.lark")])
    validate(log)
    bad = json.loads(json.dumps(log))
    bad["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startline"] = 2
    with pytest.raises(ValidationError):
        validate(bad)
    bad = json.loads(json.dumps(log))
    bad["runs"][0]["results"][0]["level"] = "info"
    with pytest.raises(ValidationError):
        validate(bad)


def test_sarif_log_is_valid_and_describes_the_tool(project):
    log = json.loads(render_sarif(lint_project()))
    validate(log)
    assert log["version"] == "2.1.0" and "sarif-schema-2.1.0" in log["$schema"]
    assert len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "grammarkit" and driver["version"] == __version__
    assert driver["informationUri"].startswith("https://")
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["invocations"] == [{"executionSuccessful": True}]


def test_sarif_rules_metadata_covers_every_rule():
    run = results_to_sarif([])["runs"][0]
    descriptors = run["tool"]["driver"]["rules"]
    rules = all_rules()
    assert [d["id"] for d in descriptors] == [r.code for r in rules]
    levels = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
    for d, rule in zip(descriptors, rules, strict=False):
        assert d["name"] == rule.name
        assert d["shortDescription"]["text"].replace("`", "") == rule.summary.replace("`", "")
        assert d["defaultConfiguration"]["level"] == levels[rule.severity]
        full, help_text, markdown = d["fullDescription"]["text"], d["help"]["text"], d["help"]["markdown"]
        assert full and not re.search(r"\*\*[A-Z][a-z ]*\.\*\*", full)
        for part in ("What it flags.", "Why.", "Example.", "Fix."):
            assert f"\n{part}" in "\n" + help_text and f"**{part}**" not in help_text, (rule.code, part)
            assert f"**{part}**" in markdown, (rule.code, part)
    assert {d["defaultConfiguration"]["level"] for d in descriptors} == {"error", "warning", "note"}
    gk101 = descriptors[[r.code for r in rules].index("GK101")]
    assert gk101["fullDescription"]["text"].startswith("`(?=…)`, `(?!…)`")
    assert "\n    PRICE: /(?<=\\$)[0-9]+/\n" in gk101["help"]["markdown"]  # an indented code block
    assert "``" not in gk101["help"]["markdown"]


def test_sarif_results_locations_and_levels(project):
    results = lint_project()
    log = results_to_sarif(results)
    validate(log)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    diagnostics = [d for r in results for d in r.diagnostics]
    assert len(run["results"]) == len(diagnostics) >= 4
    for res, d in zip(run["results"], diagnostics, strict=False):
        assert res["ruleId"] == d.code and rules[res["ruleIndex"]]["id"] == d.code
        assert res["level"] == {"error": "error", "warning": "warning", "info": "note"}[d.severity.value]
        expected = f"{d.message}\nhint: {d.hint}" if d.hint else d.message
        if d.witness is not None:
            expected += f"\nwitness: {sarif.witness_text(d.witness)}"
        assert res["message"]["text"] == expected
        (location,) = res["locations"]
        phys = location["physicalLocation"]
        assert phys["region"] == {
            "startLine": d.line,
            "startColumn": d.column,
            "endLine": d.end_line,
            "endColumn": d.end_column,
        }
        assert phys["artifactLocation"]["uri"] == d.path
        assert run["artifacts"][phys["artifactLocation"]["index"]]["location"]["uri"] == d.path
    levels = {res["ruleId"]: res["level"] for res in run["results"]}
    assert levels["GK101"] == "error" and levels["GK225"] == "note"


def test_sarif_sample_diagnostics_point_into_the_samples_file(project):
    results = lint_project()
    log = results_to_sarif(results)
    run = log["runs"][0]
    samples = [res for res in run["results"] if res["ruleId"] == "GK300"]
    assert len(samples) == 2  # "z" should be accepted, "b" should be rejected
    uris = {res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for res in samples}
    assert uris == {"grammars/ab.samples.toml"}
    lines = sorted(res["locations"][0]["physicalLocation"]["region"]["startLine"] for res in samples)
    assert lines == [1, 2]
    assert [a["location"]["uri"] for a in run["artifacts"]] == [
        "grammars/bad.lark",
        "grammars/ab.lark",
        "grammars/ab.samples.toml",
        "grammars/info.lark",
    ]
    assert [a.get("roles") for a in run["artifacts"]] == [
        ["analysisTarget"],
        ["analysisTarget"],
        None,
        ["analysisTarget"],
    ]


def test_sarif_columns_count_characters():
    source = 'start: "é€😀" | /(?=x)y/\n'
    (d,) = lint_text(source, path="u.lark").diagnostics
    region = results_to_sarif([lint_text(source, path="u.lark")])["runs"][0]["results"][0]["locations"][0][
        "physicalLocation"
    ]["region"]
    assert region["startColumn"] == source.index("(?=") + 1 == d.column
    assert region["endColumn"] == d.end_column == region["startColumn"] + 3


def test_sarif_uris(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert sarif.artifact_uri("grammars/x.lark") == "grammars/x.lark"
    assert sarif.artifact_uri("./x.lark") == "x.lark"
    assert sarif.artifact_uri(str(tmp_path / "sub" / "x.lark")) == "sub/x.lark"
    assert sarif.artifact_uri("my grammars/x#1.lark") == "my%20grammars/x%231.lark"
    assert sarif.artifact_uri("<stdin>") == "%3Cstdin%3E"
    outside = tmp_path.parent / "elsewhere" / "x.lark"
    assert sarif.artifact_uri(str(outside)) == outside.as_uri()


def test_sarif_input_errors_are_tool_execution_notifications(project):
    errors = [
        {"path": "missing.lark", "message": "no such file"},
        {"path": "grammars/bin.lark", "message": "binary file (NUL byte at offset 3)"},
    ]
    log = json.loads(render_sarif(lint_project(), errors))
    validate(log)
    (invocation,) = log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    notes = invocation["toolExecutionNotifications"]
    assert [n["message"]["text"] for n in notes] == [
        "missing.lark: no such file",
        "grammars/bin.lark: binary file (NUL byte at offset 3)",
    ]
    assert {n["level"] for n in notes} == {"error"}
    assert notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "missing.lark"


def test_sarif_without_results_is_valid():
    log = json.loads(render_sarif([], []))
    validate(log)
    run = log["runs"][0]
    assert run["results"] == [] and run["artifacts"] == []
    assert run["invocations"] == [{"executionSuccessful": True}]


def test_sarif_unusual_spans_stay_valid():
    """Empty and multi-line spans, a diagnostic without a hint."""
    result = LintResult(
        path="g.lark",
        syntax="lark",
        diagnostics=[
            diag(line=3, column=4, end_line=3, end_column=4, hint=""),
            diag(line=1, column=9, end_line=4, end_column=2),
        ],
        text="a\nb\nc\nd\n",
    )
    log = results_to_sarif([result])
    validate(log)
    first, second = log["runs"][0]["results"]
    assert first["message"]["text"] == "lookbehind `(?<=` is not supported"
    assert first["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 3,
        "startColumn": 4,
        "endLine": 3,
        "endColumn": 4,
    }
    assert second["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 1,
        "startColumn": 9,
        "endLine": 4,
        "endColumn": 2,
    }


# --------------------------------------------------------------------------- GitHub Actions


def test_github_escaping_functions():
    assert escape_data("100% a\r\nb: c, d") == "100%25 a%0D%0Ab: c, d"
    assert escape_property("100% a\r\nb: c, d") == "100%25 a%0D%0Ab%3A c%2C d"
    assert escape_data("%0A") == "%250A"  # '%' first: an escape is never read twice
    assert escape_property("C:\\x,y") == "C%3A\\x%2Cy"


def test_github_one_command_per_diagnostic_exactly():
    result = LintResult(
        path="dir/a,b:c.lark",
        syntax="lark",
        diagnostics=[
            diag(path="dir/a,b:c.lark", message="50% of\r\nlines: a,b", hint="use 100%: x,y"),
            diag(
                "GK107",
                Severity.WARNING,
                path="dir/a,b:c.lark",
                line=7,
                column=9,
                end_line=7,
                end_column=11,
                message="%ignore WS can match unboundedly long text",
                hint="",
            ),
            diag(
                "GK225",
                Severity.INFO,
                path="dir/a,b:c.lark",
                line=1,
                column=8,
                end_line=3,
                end_column=2,
                message="A is written 4 times",
                hint="use A{4}",
            ),
        ],
    )
    assert render_github([result]).split("\n") == [
        (
            "::error file=dir/a%2Cb%3Ac.lark,line=2,col=5,endLine=2,endColumn=9,title=GK101 lookaround"
            "::50%25 of%0D%0Alines: a,b%0Ahint: use 100%25: x,y"
        ),
        (
            "::warning file=dir/a%2Cb%3Ac.lark,line=7,col=9,endLine=7,endColumn=11,title=GK107 unbounded-ignore"
            "::%25ignore WS can match unboundedly long text"
        ),
        (  # a span over several lines: GitHub takes no columns then
            "::notice file=dir/a%2Cb%3Ac.lark,line=1,endLine=3,title=GK225 unrolled-repetition"
            "::A is written 4 times%0Ahint: use A{4}"
        ),
    ]


def test_github_titles_are_escaped():
    line = github.diagnostic_command(diag(name="odd:name,here"))
    assert ",title=GK101 odd%3Aname%2Chere::" in line


def test_github_real_results_and_input_errors(project):
    out = render_github(lint_project(), [{"path": "missing.lark", "message": "no such file"}])
    lines = out.split("\n")
    assert lines[0].startswith(
        "::error file=grammars/bad.lark,line=2,col=5,endLine=2,endColumn=9,"
        "title=GK101 lookaround::lookbehind `(?<=` is not supported"
    )
    assert any(line.startswith("::error file=grammars/ab.samples.toml,line=1,") and "GK300" in line for line in lines)
    assert any(
        line.startswith(
            "::notice file=grammars/info.lark,line=1,col=8,endLine=1,endColumn=15,title=GK225 unrolled-repetition::"
        )
        for line in lines
    )
    assert lines[-1] == "::error file=missing.lark::missing.lark: no such file"
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)
    assert render_github([lint_text('start: "a"\n', path="ok.lark")]) == ""


# --------------------------------------------------------------------------- colour


class TTY(io.StringIO):
    def isatty(self) -> bool:
        return True


class Closed:
    def isatty(self) -> bool:
        raise ValueError("I/O operation on closed file")


PLAIN_BAD = (
    "g.lark:2:5: GK101 lookbehind `(?<=` is not supported (Rust regex has no lookarounds)\n"
    " 2 | X: /(?<=a)b/\n"
    "   |     ^^^^\n"
    "  = hint: match the context as part of the grammar instead of looking at it, e.g. a rule "
    '`"$" AMOUNT` rather than /(?<=\\$)[0-9]+/'
)


def test_plain_output_is_unchanged():
    result = lint_text(BAD, path="g.lark")
    assert render_results([result], color=False) == PLAIN_BAD
    assert render_results([result]) == PLAIN_BAD  # standard output is not a terminal here
    assert summary_line([result], color=False) == "Found 1 error (1 grammar)."
    assert summary_line([lint_text('start: "a"\n')], color=False) == "All checks passed (1 grammar)."


def test_summary_counts_infos_which_never_fail_a_check():
    never_ends = lint_text('start: ID "\\n"\nID: /[a-z]{1,8}/ WS\nWS: /[ \\n]*/\n')
    assert [d.severity.value for d in never_ends.diagnostics] == ["error", "info", "warning"]
    assert summary_line([never_ends], color=False) == "Found 1 error, 1 warning and 1 info (1 grammar)."
    only_info = lint_text('start: "a"\n%ignore " "\n')
    assert [d.code for d in only_info.diagnostics] == ["GK228"]
    assert summary_line([only_info, only_info], color=False) == "All checks passed (2 grammars; 2 infos)."


def test_colour_is_the_plain_text_plus_escapes(project):
    results = lint_project() + [lint_text(BAD, path="g.lark")]
    coloured = render_results(results, color=True)
    assert coloured != render_results(results, color=False)
    assert ANSI.sub("", coloured) == render_results(results, color=False)
    for r in (results, results[-1:], [lint_text('start: "a"\n')]):
        assert ANSI.sub("", summary_line(r, color=True)) == summary_line(r, color=False)


def test_colours_by_severity():
    d = lint_text(BAD, path="g.lark")
    out = render_results([d], color=True)
    first, _source, caret, hint = out.split("\n")
    assert first.startswith("\x1b[1mg.lark:2:5:\x1b[0m \x1b[1m\x1b[31mGK101\x1b[0m lookbehind")
    assert caret.endswith("\x1b[1m\x1b[31m^^^^\x1b[0m")  # the caret in the severity's colour
    assert "\x1b[32m" in hint and hint.endswith("\x1b[0m")
    warning = render_diagnostic(diag("GK107", Severity.WARNING), None, color=True)
    info = render_diagnostic(diag("GK225", Severity.INFO), None, color=True)
    assert "\x1b[33mGK107" in warning and "\x1b[36mGK225" in info
    assert "\x1b[31m1 error\x1b[0m" in summary_line([d], color=True)


def test_sample_snippet_caret_is_coloured(project):
    result = lint_file("grammars/ab.lark", sidecars=True)
    out = render_results([result], color=True)
    assert "\x1b[34m  input |\x1b[0m \x1b[1m\x1b[31m^\x1b[0m" in out


def test_use_color_decisions(monkeypatch):
    assert use_color(TTY()) is True
    assert use_color(io.StringIO()) is False
    assert use_color(Closed()) is False
    assert use_color(object()) is False
    monkeypatch.setenv("NO_COLOR", "")  # empty: as if unset
    assert use_color(TTY()) is True
    monkeypatch.setenv("NO_COLOR", "0")  # any non-empty value disables
    assert use_color(TTY()) is False
    monkeypatch.setenv("FORCE_COLOR", "1")  # NO_COLOR wins over FORCE_COLOR
    assert use_color(TTY()) is False
    monkeypatch.delenv("NO_COLOR")
    assert use_color(io.StringIO()) is True
    monkeypatch.setenv("FORCE_COLOR", "")
    assert use_color(io.StringIO()) is False
    monkeypatch.setenv("TERM", "dumb")
    assert use_color(TTY()) is False
    monkeypatch.setenv("FORCE_COLOR", "true")
    assert use_color(TTY()) is True


def test_color_none_follows_standard_output(monkeypatch):
    result = lint_text(BAD, path="g.lark")
    monkeypatch.setattr("sys.stdout", TTY())
    assert "\x1b[" in render_results([result]) and "\x1b[" in summary_line([result])
    monkeypatch.setenv("NO_COLOR", "1")
    assert render_results([result]) == PLAIN_BAD
    monkeypatch.setattr("sys.stdout", io.StringIO())
    monkeypatch.delenv("NO_COLOR")
    assert render_results([result]) == PLAIN_BAD
    assert text.use_color() is False


def test_check_command_colours_only_when_asked(tmp_path, monkeypatch, capsys):
    grammar = tmp_path / "g.lark"
    grammar.write_text(BAD, encoding="utf-8")
    assert main(["check", str(grammar)]) == 1
    plain = capsys.readouterr().out
    assert "\x1b[" not in plain and "GK101" in plain
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert main(["check", str(grammar)]) == 1
    coloured = capsys.readouterr().out
    assert "\x1b[31m" in coloured and ANSI.sub("", coloured) == plain
    monkeypatch.setenv("NO_COLOR", "1")
    assert main(["check", str(grammar)]) == 1
    assert capsys.readouterr().out == plain


def test_sarif_shows_the_witness_in_the_message_and_properties():
    result = lint_text('start: TEXT "(" TEXT ")"\nTEXT: /[^\\n]{1,200}/\n', path="g.lark")
    log = results_to_sarif([result])
    validate(log)
    res = next(r for r in log["runs"][0]["results"] if r["ruleId"] == "GK221")
    long = "a" * 200
    assert res["message"]["text"].endswith(
        f'\nwitness: llguidance rejects "a({long})" (TEXT reads "a(" as one TEXT, so "(" never comes)'
    )
    assert res["properties"]["witness"] == {
        "input": f"a({long})",
        "accepted": False,
        "note": 'TEXT reads "a(" as one TEXT, so "(" never comes',
    }
    # without a witness, no properties
    (res,) = [r for r in results_to_sarif([lint_text(BAD, path="g.lark")])["runs"][0]["results"] if r["ruleId"] == "GK101"]
    assert "properties" not in res and "witness:" not in res["message"]["text"]


def test_text_output_clips_a_long_witness():
    result = lint_text('start: TEXT "(" TEXT ")"\nTEXT: /[^\\n]{1,200}/\n', path="g.lark")
    d = next(d for d in result.diagnostics if d.code == "GK221")
    shown = render_diagnostic(d, index=None, color=False)
    (line,) = [x for x in shown.splitlines() if "= witness:" in x]
    assert '= witness: llguidance rejects "a(aaaa' in line and "…" in line and "(203 characters)" in line
    assert len(line) < 200
