"""`grammarkit lsp` without the extra installed: one line naming it, exit status 2."""

from __future__ import annotations

import sys

from grammarkit.cli import main


def test_without_pygls_it_names_the_extra(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "pygls", None)
    monkeypatch.setitem(sys.modules, "pygls.lsp.server", None)
    monkeypatch.delitem(sys.modules, "grammarkit.lsp.server", raising=False)
    assert main(["lsp"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pip install 'grammarkit[lsp]'" in err


def test_check_does_not_import_the_language_server():
    import subprocess

    code = "import sys; from grammarkit.cli import main; main(['check', '-']); "
    probe = subprocess.run(
        [sys.executable, "-c", code + "print('pygls' in sys.modules, file=sys.stderr)"],
        input='start: "a"\n', capture_output=True, text=True,
    )
    assert probe.stderr.strip().endswith("False")
