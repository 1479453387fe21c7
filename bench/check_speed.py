"""How long `grammarkit check` takes, as a ratio to importing its core libraries.

Runs, interleaved in this one process (so all see the same machine load):
  baseline:       python -c "import lark, llguidance, typer, regex"
  check:          grammarkit check --no-sidecars <bundled grammar>   (lint only)
  check+samples:  grammarkit check <bundled grammar>   (also its sidecar samples, with
                  llguidance and the local Lark parser)
and prints the medians and the ratios to the baseline (target for lint only: <= 1.25).

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


def _check_command(*args: str) -> list[str]:
    script = Path(sys.executable).with_name("grammarkit")
    if script.exists():
        return [str(script), "check", *args]
    found = shutil.which("grammarkit")
    return [found, "check", *args] if found else [sys.executable, "-m", "grammarkit", "check", *args]


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
    commands = {
        "baseline (import lark, llguidance, typer, regex)": [
            sys.executable,
            "-c",
            "import lark, llguidance, typer, regex",
        ],
        f"grammarkit check --no-sidecars {args.grammar}": _check_command("--no-sidecars", args.grammar),
        f"grammarkit check {args.grammar} (with samples)": _check_command(args.grammar),
    }
    for cmd in commands.values():  # warm caches (bytecode, grammarkit's parser cache)
        _time(cmd, env)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, cmd in commands.items():
            times[name].append(_time(cmd, env))
    medians = {name: statistics.median(t) for name, t in times.items()}
    base = next(iter(medians.values()))
    for name, value in medians.items():
        print(f"{name}: {value * 1000:7.1f} ms (median of {args.runs}), ratio {value / base:.2f}")
    lint_only = list(medians.values())[1] / base
    print(f"ratio, lint only: {lint_only:.2f} (target <= 1.25)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
