"""check's result cache (grammarkit/lint/cache.py): keyed by the grammar, its samples and
the options; replays diagnostics (with fix and witness) and sample results; JSON only;
any bad entry is a miss; off with --no-cache or GRAMMARKIT_NO_CACHE=1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grammarkit.cli import main
from grammarkit.lint import cache
from grammarkit.lint.runner import lint_file

SAMPLES = '[[valid]]\ninput = "a"\n[[invalid]]\ninput = "c"\n'


@pytest.fixture
def cached(tmp_path, monkeypatch):
    monkeypatch.delenv("GRAMMARKIT_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    calls = []
    real = cache.lint_file

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(cache, "lint_file", counting)
    return calls


@pytest.fixture
def grammar(tmp_path) -> Path:
    path = tmp_path / "g.lark"
    # GK-warnings with a fix and a witness, and a sidecar with samples
    path.write_text('start: A | B\nA: /a+/\nB: /[ab]+/\n', encoding="utf-8")
    (tmp_path / "g.samples.toml").write_text(SAMPLES, encoding="utf-8")
    return path


def entries(tmp_path) -> list[Path]:
    return sorted((tmp_path / "xdg" / "grammarkit" / "check").rglob("*.json"))


def as_json(result) -> tuple:
    return (
        result.path, result.syntax,
        [d.to_dict() for d in result.diagnostics],
        [(d.fix, d.witness, d.extra) for d in result.diagnostics],
        [(s.as_expected, s.to_dict()) for s in result.samples],
    )


def test_second_lint_is_replayed_identically(cached, grammar, tmp_path):
    first = cache.lint_file_cached(grammar, sidecars=True)
    second = cache.lint_file_cached(grammar, sidecars=True)
    assert len(cached) == 1
    assert len(entries(tmp_path)) == 1
    assert as_json(second) == as_json(first) == as_json(lint_file(grammar, sidecars=True))
    assert second.text == grammar.read_text(encoding="utf-8")
    assert len(second.samples) == 2


def test_key_covers_text_samples_and_options(cached, grammar, tmp_path):
    cache.lint_file_cached(grammar, sidecars=True)
    cache.lint_file_cached(grammar, sidecars=False)
    cache.lint_file_cached(grammar, sidecars=True, ignore=["GK222"])
    (tmp_path / "g.samples.toml").write_text(SAMPLES + '[[valid]]\ninput = "b"\n', encoding="utf-8")
    cache.lint_file_cached(grammar, sidecars=True)
    grammar.write_text('start: "a"\n', encoding="utf-8")
    result = cache.lint_file_cached(grammar, sidecars=True)
    assert len(cached) == 5
    assert result.diagnostics == [] or all(d.code != "GK222" for d in result.diagnostics)


def test_off_switches(cached, grammar, monkeypatch):
    cache.lint_file_cached(grammar, use_cache=False)
    cache.lint_file_cached(grammar, use_cache=False)
    monkeypatch.setenv("GRAMMARKIT_NO_CACHE", "1")
    cache.lint_file_cached(grammar)
    cache.lint_file_cached(grammar)
    assert len(cached) == 4


@pytest.mark.parametrize("damage", ["", "{", "[]", '{"format": 1}', "\x00\x01", '{"format": 99}'])
def test_a_bad_entry_is_a_miss(cached, grammar, tmp_path, damage):
    first = cache.lint_file_cached(grammar, sidecars=True)
    (entry,) = entries(tmp_path)
    entry.write_text(damage, encoding="utf-8")
    again = cache.lint_file_cached(grammar, sidecars=True)
    assert len(cached) == 2
    assert as_json(again) == as_json(first)
    json.loads(entry.read_text(encoding="utf-8"))  # rewritten as a good entry


def test_unwritable_cache_still_lints(cached, grammar, tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert cache.lint_file_cached(grammar).diagnostics == lint_file(grammar).diagnostics


def run_check(capsys, *args: str) -> tuple[int, str]:
    code = main(["check", "--format", "json", *args])
    return code, capsys.readouterr().out


def test_check_cli_uses_the_cache_and_no_cache_skips_it(cached, grammar, tmp_path, capsys):
    outputs = [run_check(capsys, str(grammar)), run_check(capsys, str(grammar)),
               run_check(capsys, "--no-cache", str(grammar))]
    assert len(cached) == 2  # the second run was replayed
    assert outputs[0] == outputs[1] == outputs[2]
    report = json.loads(outputs[0][1])
    assert report["files"] and len(report["files"][0]["samples"]) == 2  # the sidecar's samples, replayed


def test_check_cli_key_covers_sample_files_and_given_samples(cached, grammar, tmp_path, capsys):
    extra = tmp_path / "more.jsonl"
    extra.write_text('{"input": "b"}\n', encoding="utf-8")
    run_check(capsys, str(grammar))
    (tmp_path / "g.samples.toml").write_text(SAMPLES + '[[valid]]\ninput = "ab"\n', encoding="utf-8")
    run_check(capsys, str(grammar))  # the sidecar changed: a miss
    run_check(capsys, "--samples", str(extra), str(grammar))
    run_check(capsys, "--samples", str(extra), str(grammar))  # replayed
    extra.write_text('{"input": "c"}\n', encoding="utf-8")
    code, out = run_check(capsys, "--samples", str(extra), str(grammar))  # the log changed: a miss
    assert code == 1 and "c" in out
    run_check(capsys, "--sample", "a", str(grammar))
    run_check(capsys, "--sample", "a", str(grammar))  # replayed
    run_check(capsys, "--sample", "b", str(grammar))
    assert len(cached) == 6


def test_check_cli_does_not_store_a_run_that_lost_a_samples_file(cached, grammar, tmp_path, capsys):
    log = tmp_path / "log.jsonl"
    log.write_bytes(b'{"input": "a"}\n\x00\n')  # a NUL byte: an input error while it is streamed
    first = run_check(capsys, "--samples", str(log), str(grammar))
    second = run_check(capsys, "--samples", str(log), str(grammar))
    assert first[0] == second[0] == 2
    assert len(cached) == 2 and entries(tmp_path) == []


def test_check_cli_never_caches_samples_from_a_pipe(cached, grammar, tmp_path, capsys):
    import os
    import threading

    fifo = tmp_path / "samples.jsonl"
    os.mkfifo(fifo)

    def feed() -> None:
        with open(fifo, "w", encoding="utf-8") as f:
            f.write('{"input": "a"}\n')

    for _ in range(2):
        writer = threading.Thread(target=feed)
        writer.start()
        code, out = run_check(capsys, "--samples", str(fifo), str(grammar))
        writer.join(timeout=10)
        assert code == 0 and '"a"' in out
    assert len(cached) == 2


def test_fix_witness_and_snippet_are_replayed(cached, grammar, monkeypatch):
    from grammarkit.core.diagnostics import Diagnostic, Edit, Fix, Severity, Witness
    from grammarkit.lint.runner import LintResult

    made = Diagnostic(
        code="GK999", name="made-up", severity=Severity.WARNING, message="m \ud800", line=1, column=2,
        end_line=1, end_column=3, hint="h", path=str(grammar), extra={"snippet": "s"},
        fix=Fix("title", (Edit(1, 2, "x"), Edit(3, 3, "é")), "unsafe"),
        witness=Witness("in\x00put", False, "note"),
    )
    monkeypatch.setattr(cache, "lint_file", lambda *a, **k: (cached.append(a), LintResult(
        path=str(grammar), syntax="lark", diagnostics=[made], text=grammar.read_text()))[1])
    cache.lint_file_cached(grammar)
    (again,) = cache.lint_file_cached(grammar).diagnostics
    assert len(cached) == 1
    assert again == made
    assert (again.fix, again.witness, again.extra) == (made.fix, made.witness, made.extra)


def test_an_unknown_option_is_refused_on_a_hit_as_on_a_miss(cached, grammar):
    cache.lint_file_cached(grammar)
    for _ in range(2):
        with pytest.raises(TypeError):
            cache.lint_file_cached(grammar, selcet=["GK1"])
