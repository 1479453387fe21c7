"""How long `grammarkit check` takes, as a ratio to importing its core libraries.

Runs, interleaved in this one process (so both see the same machine load):
  baseline: python -c "import lark, llguidance, typer, regex"
  check:    grammarkit check <bundled grammar>
and prints the medians and their ratio (target: at most 1.25).

Usage: python bench/check_speed.py [--runs N] [GRAMMAR]
Both commands may write and use bytecode caches (PYTHONDONTWRITEBYTECODE is dropped),
as an installed package would have them.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _check_command(grammar: str) -> list[str]:
    script = Path(sys.executable).with_name("grammarkit")
    if script.exists():
        return [str(script), "check", grammar]
    found = shutil.which("grammarkit")
    return [found, "check", grammar] if found else [sys.executable, "-m", "grammarkit", "check", grammar]


def _time(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.decode()[:300]}")
    return elapsed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("grammar", nargs="?", default="grammars/sql_select.lark")
    ap.add_argument("--runs", type=int, default=21)
    args = ap.parse_args()

    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    baseline = [sys.executable, "-c", "import lark, llguidance, typer, regex"]
    check = _check_command(args.grammar)
    for cmd in (baseline, check):  # warm caches (bytecode, grammarkit's parser cache)
        _time(cmd, env)
    base_times, check_times = [], []
    for _ in range(args.runs):
        base_times.append(_time(baseline, env))
        check_times.append(_time(check, env))
    base = statistics.median(base_times)
    chk = statistics.median(check_times)
    print(f"baseline (import lark, llguidance, typer, regex): {base * 1000:7.1f} ms (median of {args.runs})")
    print(f"grammarkit check {args.grammar}: {chk * 1000:7.1f} ms (median of {args.runs})")
    print(f"ratio: {chk / base:.2f} (target <= 1.25)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
