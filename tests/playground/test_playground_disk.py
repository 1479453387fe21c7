"""The playground's files: loading a grammar with its sidecars, atomic saves that keep
the file's mode, and refusing to overwrite what changed on disk since it was loaded."""

from __future__ import annotations

import os
import stat

import pytest

from grammarkit.playground.api import PlaygroundError
from grammarkit.playground.disk import ChangedOnDisk, Workspace
from grammarkit.samples.files import load_samples

GRAMMAR = 'start: "a" B\nB: /[0-9]+/\n'
TOML = "# samples of the tool\n# (kept on save)\nvalid = ['a1', 'a22']\ninvalid = ['b']\n"
JSON = '[\n  {"input": "a3", "should_parse": true, "description": "three"}\n]\n'


@pytest.fixture
def project(tmp_path):
    (tmp_path / "tool.lark").write_text(GRAMMAR)
    (tmp_path / "tool.samples.toml").write_text(TOML)
    (tmp_path / "tool.samples.json").write_text(JSON)
    return tmp_path


def samples_of(state):
    return [{k: s[k] for k in ("input", "expected", "description", "source")} for s in state["samples"]]


def test_load_reads_the_grammar_and_every_sidecar(project):
    ws = Workspace(project, project / "tool.lark")
    state = ws.load()
    assert state["path"] == "tool.lark" and state["syntax"] == "lark" and state["grammar"] == GRAMMAR
    assert [(s["input"], s["expected"], s["source"]) for s in state["samples"]] == [
        ("a1", True, "tool.samples.toml"),
        ("a22", True, "tool.samples.toml"),
        ("b", False, "tool.samples.toml"),
        ("a3", True, "tool.samples.json"),
    ]
    assert state["sidecar"] == "tool.samples.toml"
    assert set(state["base"]) == {"tool.lark", "tool.samples.toml", "tool.samples.json"}
    assert state["base"]["tool.lark"]["size"] == len(GRAMMAR)
    assert state["files"] == ["tool.lark"]


def test_save_writes_the_grammar_and_only_the_sidecars_that_changed(project):
    ws = Workspace(project, project / "tool.lark")
    state = ws.load()
    json_before = (project / "tool.samples.json").stat().st_mtime_ns
    samples = samples_of(state) + [{"input": "a4", "expected": True, "description": "new", "source": ""}]
    result = ws.save("tool.lark", GRAMMAR + "// more\n", samples, state["base"])
    assert result["written"] == ["tool.lark", "tool.samples.toml"]
    assert (project / "tool.lark").read_text() == GRAMMAR + "// more\n"
    toml = (project / "tool.samples.toml").read_text()
    assert toml.startswith("# samples of the tool\n# (kept on save)\nvalid = [\n")
    assert [(s.input, s.expected, s.description) for s in load_samples(project / "tool.samples.toml")] == [
        ("a1", True, ""),
        ("a22", True, ""),
        ("a4", True, "new"),
        ("b", False, ""),
    ]
    assert (project / "tool.samples.json").stat().st_mtime_ns == json_before  # untouched
    assert (project / "tool.samples.json").read_text() == JSON
    # the new fingerprints let the next save go through
    ws.save("tool.lark", GRAMMAR, samples, result["base"])
    assert not [p for p in os.listdir(project) if p.endswith(".tmp")]  # no temporary file left


def test_save_keeps_the_mode_line_endings_and_byte_order_mark(tmp_path):
    p = tmp_path / "crlf.lark"
    p.write_bytes(b'\xef\xbb\xbfstart: "a"\r\n')
    p.chmod(0o640)
    ws = Workspace(tmp_path, p)
    state = ws.load()
    assert state["grammar"] == 'start: "a"\n' and state["newline"] == "\r\n"
    ws.save("crlf.lark", 'start: "b"\n', [], state["base"], newline="\r\n")
    assert p.read_bytes() == b'\xef\xbb\xbfstart: "b"\r\n'
    assert stat.S_IMODE(p.stat().st_mode) == 0o640


def test_a_file_changed_on_disk_is_not_overwritten(project):
    ws = Workspace(project, project / "tool.lark")
    state = ws.load()
    (project / "tool.lark").write_text(GRAMMAR + "// edited elsewhere\n")
    with pytest.raises(ChangedOnDisk) as info:
        ws.save("tool.lark", GRAMMAR, samples_of(state), state["base"])
    assert info.value.status == 409 and info.value.files == ["tool.lark"]
    assert "tool.lark changed on disk since it was loaded" in info.value.message
    assert (project / "tool.lark").read_text() == GRAMMAR + "// edited elsewhere\n"
    # asked to: overwrite
    ws.save("tool.lark", GRAMMAR, samples_of(state), state["base"], force=True)
    assert (project / "tool.lark").read_text() == GRAMMAR


def test_a_sidecar_changed_on_disk_is_not_overwritten_either(project):
    ws = Workspace(project, project / "tool.lark")
    state = ws.load()
    (project / "tool.samples.toml").write_text("valid = ['a9']\n")
    samples = samples_of(state) + [{"input": "a5", "expected": True, "description": "", "source": ""}]
    with pytest.raises(ChangedOnDisk) as info:
        ws.save("tool.lark", GRAMMAR, samples, state["base"])
    assert info.value.files == ["tool.samples.toml"]
    assert (project / "tool.lark").read_text() == GRAMMAR  # nothing was written


def test_saving_under_a_new_name_never_replaces_an_existing_file(project):
    ws = Workspace(project, project / "tool.lark")
    (project / "other.lark").write_text('start: "o"\n')
    with pytest.raises(ChangedOnDisk, match="other.lark already exists"):
        ws.save("other.lark", GRAMMAR, [], {})
    result = ws.save("fresh.lark", GRAMMAR, [{"input": "a1", "expected": True, "source": ""}], {})
    assert result["written"] == ["fresh.lark", "fresh.samples.toml"]
    assert (project / "fresh.samples.toml").read_text() == "valid = [\n  'a1',\n]\ninvalid = []\n"


def test_new_samples_go_to_a_json_sidecar_when_that_is_the_only_one(tmp_path):
    (tmp_path / "j.lark").write_text(GRAMMAR)
    (tmp_path / "j.samples.json").write_text(JSON)
    ws = Workspace(tmp_path, tmp_path / "j.lark")
    state = ws.load()
    assert state["sidecar"] == "j.samples.json"
    ws.save("j.lark", GRAMMAR, [*samples_of(state), {"input": "x", "expected": False, "source": ""}], state["base"])
    assert [(s.input, s.expected) for s in load_samples(tmp_path / "j.samples.json")] == [("a3", True), ("x", False)]
    assert not (tmp_path / "j.samples.toml").exists()


def test_a_sample_toml_cannot_hold_is_refused_in_one_line(tmp_path):
    ws = Workspace(tmp_path, tmp_path / "t.lark")
    with pytest.raises(PlaygroundError, match="lone surrogate") as info:
        ws.save("t.lark", GRAMMAR, [{"input": "\ud800", "expected": True, "source": ""}], {})
    assert info.value.status == 422
    assert not (tmp_path / "t.lark").exists()  # checked before anything was written


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("../outside.lark", "outside the playground's folder"),
        ("/etc/passwd.lark", "give a path relative to the playground's folder"),
        ("notes.txt", "ends in .lark or .regex"),
        ("", "no file name given"),
        ("link/escape.lark", "outside the playground's folder"),
    ],
)
def test_paths_stay_in_the_folder(tmp_path, path, message):
    root = tmp_path / "root"
    root.mkdir()
    (root / "link").symlink_to(tmp_path)
    ws = Workspace(root)
    with pytest.raises(PlaygroundError, match=message):
        ws.save(path, GRAMMAR, [], {})
    with pytest.raises(PlaygroundError, match=message):
        ws.load(path)


def test_no_grammar_given_lists_the_folders_grammars(project):
    (project / ".hidden").mkdir()
    (project / ".hidden" / "x.lark").write_text("")
    (project / "sub").mkdir()
    (project / "sub" / "y.regex").write_text("a")
    state = Workspace(project).load()
    assert state["grammar"] is None and state["files"] == ["tool.lark", "sub/y.regex"]
    assert Workspace(project).load("sub/y.regex")["syntax"] == "regex"


def test_unreadable_files_are_one_line_errors(tmp_path):
    (tmp_path / "bin.lark").write_bytes(b"start: \x00\n")
    with pytest.raises(PlaygroundError, match="binary file") as info:
        Workspace(tmp_path).load("bin.lark")
    assert "\n" not in info.value.message and str(tmp_path) not in info.value.message
    (tmp_path / "g.lark").write_text(GRAMMAR)
    (tmp_path / "g.samples.toml").write_text("valid = [")
    with pytest.raises(PlaygroundError, match="g.samples.toml: invalid TOML"):
        Workspace(tmp_path).load("g.lark")
