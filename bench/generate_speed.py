"""Sample generation speed: the byte-mask walk (the baseline) and grammar-directed
generation, in-process and as a whole ``grammarkit sample`` process, on every bundled
grammar, in one run.

For each grammar in grammars/ this draws samples (seed 7) with
``generate(..., method="walk")`` (``--walk-n`` of them: the walk is slow) and
``generate(..., method="directed", coverage=False)`` (``--n``, default 10,000), as
``grammarkit sample`` does without ``--cover``, and prints samples/s and the time for
10,000 samples (extrapolated when fewer were drawn), then the wall time of a whole
``grammarkit sample GRAMMAR -n 10000`` process (start-up, imports, building the matcher,
printing included; the best of ``--cli-runs``), and the ratio of each to the byte walk's
time for 10,000 samples measured in the same run. ``walked`` counts the directed samples
the byte walk had to finish; ``ok`` says whether every directed sample is accepted by
llguidance (checked with EngineMatcher, outside the timing).

The ``grammarkit sample`` processes run as an installed grammarkit does, with Python's
bytecode cache (written to a throwaway directory, after one warm-up run, so the worktree
stays clean); ``--no-bytecode`` runs them with PYTHONDONTWRITEBYTECODE=1 instead, where
every run compiles grammarkit's modules again (about 0.3 s more). ``--no-cli`` skips them.
Usage: python bench/generate_speed.py [--n N] [--walk-n N] [--seed S] [--cli-runs K]
       [--no-cli] [--no-bytecode] [--grammar PATH ...]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = 10_000


def load(path: Path) -> tuple[str, str]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".regex":
        return text[:-1] if text.endswith("\n") else text, "regex"
    return text, "lark"


def cli_seconds(path: Path, seed: int, runs: int, env: dict[str, str]) -> tuple[float, bool]:
    """Best wall time of ``grammarkit sample PATH -n 10000`` over ``runs`` processes, and
    whether the process printed 10,000 lines and exited 0."""
    best = float("inf")
    ok = True
    cmd = [sys.executable, "-m", "grammarkit", "sample", str(path), "-n", str(TARGET), "--seed", str(seed)]
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        best = min(best, time.perf_counter() - start)
        ok = ok and proc.returncode == 0 and proc.stdout.count(b"\n") == TARGET
    return best, ok


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=TARGET, help="samples drawn in-process by grammar-directed generation")
    ap.add_argument("--walk-n", type=int, default=1_000, help="samples drawn by the (slow) byte walk")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--cli-runs", type=int, default=3, help="grammarkit sample processes per grammar (best kept)")
    ap.add_argument("--no-cli", action="store_true", help="skip the whole-process measurement")
    ap.add_argument("--no-bytecode", action="store_true", help="run the processes with PYTHONDONTWRITEBYTECODE=1")
    ap.add_argument("--grammar", action="append", default=None)
    args = ap.parse_args()

    from grammarkit.llg.matcher import EngineMatcher
    from grammarkit.samples.generate import generate

    paths = [Path(p) for p in args.grammar] if args.grammar else sorted(
        p for p in (ROOT / "grammars").iterdir() if p.suffix in (".lark", ".regex")
    )
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    cache = None
    if args.no_bytecode:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    else:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        cache = tempfile.TemporaryDirectory(prefix="grammarkit-pyc-")
        env["PYTHONPYCACHEPREFIX"] = cache.name
    if not args.no_cli and paths:
        cli_seconds(paths[0], args.seed, 1, env)  # warm-up: fills the bytecode cache

    print(
        f"{'grammar':24} {'walk/s':>7} {'walk 10k':>9} {'directed/s':>10} {'10k':>7} {'x walk':>7} "
        f"{'CLI 10k':>8} {'x walk':>7} {'walked':>6} {'ok':>3}"
    )
    for path in paths:
        text, syntax = load(path)
        em = EngineMatcher(text, syntax=syntax)
        seconds = {}
        result = None
        for method, n in (("walk", args.walk_n), ("directed", args.n)):
            start = time.perf_counter()
            result = generate(
                text, syntax=syntax, n=n, seed=args.seed, matcher=em, method=method, coverage=False  # type: ignore[arg-type]
            )
            elapsed = time.perf_counter() - start
            seconds[method] = elapsed * TARGET / max(len(result.samples), 1)
        assert result is not None
        ok = all(em.accepts(d) for d in result.data)
        walk, directed = seconds["walk"], seconds["directed"]
        line = (
            f"{path.name:24} {TARGET / walk:7.0f} {walk:8.1f}s {TARGET / directed:10.0f} {directed:6.2f}s "
            f"{walk / directed:6.0f}x"
        )
        if args.no_cli:
            line += f" {'-':>8} {'-':>7}"
        else:
            cli, cli_ok = cli_seconds(path, args.seed, args.cli_runs, env)
            ok = ok and cli_ok
            line += f" {cli:7.2f}s {walk / cli:6.0f}x"
        print(f"{line} {result.walked:6d} {'yes' if ok else 'NO':>3}", flush=True)
    if cache is not None:
        cache.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
