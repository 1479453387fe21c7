"""The pre-commit hooks (.pre-commit-hooks.yaml), run by the real ``pre-commit``.

A temporary git repository holds a copy of this working tree (pyproject.toml, README.md,
grammarkit/, .pre-commit-hooks.yaml), committed, so the test does not depend on the
state of this repository's git index; a second temporary repository uses its hooks.
pre-commit installs the hook environment (grammarkit and its dependencies, from the
package index) once for the module: about 15-25 s.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pre_commit")
if shutil.which("git") is None:  # pragma: no cover
    pytest.skip("git is not installed", allow_module_level=True)

ROOT = Path(__file__).resolve().parents[1]
GOOD = 'start: "a" | "b"\n'
BAD = "start: X\nX: /(?<=a)b/\n"


def git_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env.update(
        GIT_AUTHOR_NAME="grammarkit tests",
        GIT_AUTHOR_EMAIL="tests@example.invalid",
        GIT_COMMITTER_NAME="grammarkit tests",
        GIT_COMMITTER_EMAIL="tests@example.invalid",
        GIT_CONFIG_GLOBAL=os.devnull,  # no user settings (signing, hooks, templates)
        GIT_CONFIG_NOSYSTEM="1",
        PRE_COMMIT_HOME=str(home),
        NO_COLOR="1",
    )
    env.pop("FORCE_COLOR", None)
    return env


def git(cwd: Path, env: dict, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "init.defaultBranch=main", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture(scope="module")
def hooks(tmp_path_factory):
    """(hook repository path, its commit, environment with PRE_COMMIT_HOME)."""
    base = tmp_path_factory.mktemp("precommit")
    env = git_env(base / "pre-commit-home")
    repo = base / "hook-repo"
    repo.mkdir()
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy2(ROOT / name, repo / name)
    shutil.copytree(ROOT / "grammarkit", repo / "grammarkit", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    git(repo, env, "init", "-q")
    git(repo, env, "add", "-A")
    git(repo, env, "commit", "-q", "-m", "grammarkit hooks")
    return repo, git(repo, env, "rev-parse", "HEAD"), env


def make_project(path: Path, hooks, hook_ids=("grammarkit",), args=None) -> Path:
    repo, rev, env = hooks
    path.mkdir()
    git(path, env, "init", "-q")
    lines = ["repos:", f"  - repo: {repo.as_posix()}", f"    rev: {rev}", "    hooks:"]
    for hook_id in hook_ids:
        lines.append(f"      - id: {hook_id}")
        if args is not None:
            lines.append(f"        args: {args}")
    (path / ".pre-commit-config.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (path / "README.txt").write_text("a project with grammars\n", encoding="utf-8")
    git(path, env, "add", "-A")
    git(path, env, "commit", "-q", "-m", "start")
    return path


def pre_commit(project: Path, env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--color", "never", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_hook_fails_on_a_bad_grammar_and_passes_on_good_ones(hooks, tmp_path):
    _, _, env = hooks
    project = make_project(tmp_path / "project", hooks)
    (project / "grammars").mkdir()
    (project / "grammars" / "good.lark").write_text(GOOD, encoding="utf-8")
    (project / "grammars" / "good.samples.toml").write_text('valid = ["a"]\ninvalid = ["c"]\n', encoding="utf-8")
    (project / "grammars" / "bad.lark").write_text(BAD, encoding="utf-8")
    (project / "notes.txt").write_text("not a grammar\n", encoding="utf-8")
    git(project, env, "add", "-A")

    done = pre_commit(project, env, "--all-files")
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert "grammarkit" in out and "Failed" in out
    assert "grammars/bad.lark:2:5: GK101 lookbehind `(?<=` is not supported" in out
    assert "Found 1 error (2 grammars, 2 samples)." in out  # the sidecar was checked too
    assert "good.lark:" not in out

    # Only good grammars staged: the hook passes (the bad one is left out of the commit).
    git(project, env, "rm", "-q", "--cached", "grammars/bad.lark")
    done = pre_commit(project, env)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    assert "Passed" in out and "GK101" not in out


def test_hook_checks_the_samples_beside_a_staged_grammar(hooks, tmp_path):
    _, _, env = hooks
    project = make_project(tmp_path / "project", hooks)
    (project / "ab.lark").write_text(GOOD, encoding="utf-8")
    (project / "ab.samples.toml").write_text('valid = ["a", "z"]\n', encoding="utf-8")
    git(project, env, "add", "-A")
    done = pre_commit(project, env)
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert 'ab.samples.toml:1:1: GK300 sample 2 "z" should be accepted' in out


def test_nothing_to_check_is_skipped(hooks, tmp_path):
    _, _, env = hooks
    project = make_project(tmp_path / "project", hooks)
    (project / "notes.txt").write_text("not a grammar\n", encoding="utf-8")
    git(project, env, "add", "-A")
    done = pre_commit(project, env)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    assert "(no files to check)Skipped" in out


def test_all_hook_runs_when_only_a_samples_file_changes(hooks, tmp_path):
    _, _, env = hooks
    project = make_project(tmp_path / "project", hooks, hook_ids=("grammarkit-all",), args='["grammars/"]')
    (project / "grammars").mkdir()
    (project / "grammars" / "ab.lark").write_text(GOOD, encoding="utf-8")
    (project / "grammars" / "ab.samples.toml").write_text('valid = ["a"]\n', encoding="utf-8")
    git(project, env, "add", "-A")
    git(project, env, "commit", "-q", "-m", "grammar")
    # A change to the samples file alone: the per-file hook would not run, this one does.
    (project / "grammars" / "ab.samples.toml").write_text('valid = ["a", "z"]\n', encoding="utf-8")
    git(project, env, "add", "-A")
    done = pre_commit(project, env)
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert "grammarkit (all grammars)" in out
    assert 'grammars/ab.samples.toml:1:1: GK300 sample 2 "z" should be accepted' in out
