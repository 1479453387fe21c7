"""`grammarkit sample`: the whole command, as a process and in-process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from grammarkit.cli import main
from grammarkit.llg.matcher import EngineMatcher
from grammarkit.samples.generate import generate

ROOT = Path(__file__).resolve().parent.parent.parent
GRAMMARS = ROOT / "grammars"


def run(capsys, *args):
    code = main(["sample", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_command_loads_only_what_sampling_needs():
    # Start-up counts for a command that runs for a second: `sample` must not import the
    # other commands, the lint runner or the analyses that only the lint rules use.
    code = (
        "import sys\n"
        "from grammarkit.cli import main\n"
        f"main(['sample', {str(GRAMMARS / 'arithmetic.lark')!r}, '-n', '3', '--seed', '1'])\n"
        "mods = [m for m in ('grammarkit.cli.check', 'grammarkit.cli.diff_cmd', 'grammarkit.cli.parse_cmd',"
        " 'grammarkit.cli.try_cmd', 'grammarkit.cli.stats', 'grammarkit.cli.rules', 'grammarkit.lint.runner',"
        " 'grammarkit.samples.checker', 'grammarkit.analysis.flow', 'grammarkit.analysis.sentences',"
        " 'grammarkit.analysis.greedy') if m in sys.modules]\n"
        "print(mods, file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout.splitlines()) == 3
    assert proc.stderr.strip().splitlines()[-1] == "[]"


def test_same_seed_same_output_and_every_sample_accepted(capsys):
    path = GRAMMARS / "unified_diff.lark"
    code, first, _ = run(capsys, path, "-n", "300", "--seed", "12", "--format", "json")
    assert code == 0
    assert run(capsys, path, "-n", "300", "--seed", "12", "--format", "json")[1] == first
    assert run(capsys, path, "-n", "300", "--seed", "13", "--format", "json")[1] != first
    samples = json.loads(first)
    engine = EngineMatcher(path.read_text(encoding="utf-8"))
    assert len(samples) == 300 and all(engine.accepts(s) for s in samples)
    assert samples == generate(path.read_text(encoding="utf-8"), n=300, seed=12).samples


def test_cover_reports_without_changing_the_samples(capsys):
    path = GRAMMARS / "sql_select.lark"
    code, plain, _ = run(capsys, path, "-n", "500", "--seed", "4")
    assert code == 0
    code, covered, err = run(capsys, path, "-n", "500", "--seed", "4", "--cover")
    assert code == 0 and covered == plain
    assert err.startswith("grammarkit: coverage: alternatives 14/14, terminals 8/8 (measured on 500 of 500")


def test_regex_grammars_are_sampled_from_their_language(capsys):
    path = GRAMMARS / "iso8601.regex"
    code, out, err = run(capsys, path, "-n", "200", "--seed", "2")
    assert code == 0 and err == ""
    lines = out.splitlines()
    engine = EngineMatcher(path.read_text(encoding="utf-8").rstrip("\n"), syntax="regex")
    assert len(lines) == 200 and all(engine.accepts(s) for s in lines)
    assert len(set(lines)) > 150
