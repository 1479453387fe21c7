"""A non-editable install carries the page: the wheel built from the project holds every
file of grammarkit/playground/static (package-data in pyproject.toml)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "grammarkit" / "playground" / "static"


def test_the_wheel_holds_the_static_files(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "grammarkit", source / "grammarkit", ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(out), str(source)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    [wheel] = out.glob("grammarkit-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {f"grammarkit/playground/static/{p.name}" for p in STATIC.iterdir() if p.is_file()}
    assert {"index.html", "app.js", "style.css"} <= {p.name for p in STATIC.iterdir()}
    assert expected <= names, sorted(expected - names)
