"""`grammarkit check` does not pay for what it does not use: registering the commands
loads no engine, and a check answered from the result cache loads neither Lark nor
llguidance (whole processes, so that nothing imported by other tests hides an import)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("lark", "llguidance", "regex", "openai", "pygls", "mcp", "grammarkit.samples.generate",
         "grammarkit.analysis")

PROBE = (
    "import json, sys\n"
    "from grammarkit.cli import main\n"
    "try:\n"
    "    code = main(sys.argv[1:])\n"
    "except SystemExit as exc:\n"
    "    code = exc.code\n"
    f"heavy = {HEAVY!r}\n"
    "print(json.dumps({'code': code, 'loaded': sorted(h for h in heavy if h in sys.modules)}), file=sys.stderr)\n"
)


def probe(tmp_path: Path, *args: str) -> dict:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("GRAMMARKIT_NO_CACHE", None)
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=120)
    return json.loads(done.stderr.strip().splitlines()[-1])


def test_version_loads_no_engine(tmp_path):
    assert probe(tmp_path, "--version") == {"code": 0, "loaded": []}


def test_a_cached_check_loads_no_engine(tmp_path):
    grammar = str(ROOT / "grammars" / "arithmetic.lark")  # with a sidecar of samples
    first = probe(tmp_path, "check", grammar)
    assert first["code"] == 0
    assert {"lark", "llguidance"} <= set(first["loaded"])  # the first run lints
    assert probe(tmp_path, "check", grammar) == {"code": 0, "loaded": []}
