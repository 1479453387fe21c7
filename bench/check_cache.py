"""`grammarkit check` of an unchanged bundled grammar (with its sidecar samples), whole
CLI process, with the result cache (warm: the entry exists) and without it (--no-cache),
interleaved; prints the medians.

    python bench/check_cache.py [--runs N] [GRAMMAR]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("grammar", nargs="?", default=str(ROOT / "grammars" / "arithmetic.lark"))
    args = ap.parse_args()
    env = {**os.environ, "XDG_CACHE_HOME": tempfile.mkdtemp(prefix="gk-bench-cache-")}
    env.pop("GRAMMARKIT_NO_CACHE", None)
    base = [sys.executable, "-m", "grammarkit", "check", args.grammar]
    subprocess.run(base, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)  # fills the cache
    times: dict[str, list[float]] = {"cached": [], "no-cache": []}
    for _ in range(args.runs):
        for name, cmd in (("cached", base), ("no-cache", [*base, "--no-cache"])):
            start = time.perf_counter()
            subprocess.run(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, check=False)
            times[name].append(time.perf_counter() - start)
    for name, values in times.items():
        print(f"{name:9} median {statistics.median(values):.2f} s  (min {min(values):.2f})")
    print(f"ratio no-cache / cached: {statistics.median(times['no-cache']) / statistics.median(times['cached']):.1f}")


if __name__ == "__main__":
    main()
