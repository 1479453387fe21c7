"""Sample generation speed: the byte-mask walk (before) and grammar-directed generation
(after), on every bundled grammar, in one run.

For each grammar in grammars/ draws N samples (default 10,000; seed 7) with
``generate(..., method="walk")`` and ``generate(..., method="directed")`` and prints
samples/s and the time for 10,000 samples (extrapolated when N is smaller), how many of the
directed samples the byte walk had to finish, and whether every directed sample is
accepted by llguidance (checked with EngineMatcher, outside the timing).
Usage: python bench/generate_speed.py [--n N] [--walk-n N] [--seed S] [--grammar PATH ...]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load(path: Path) -> tuple[str, str]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".regex":
        return text[:-1] if text.endswith("\n") else text, "regex"
    return text, "lark"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10_000, help="samples drawn by grammar-directed generation")
    ap.add_argument("--walk-n", type=int, default=2_000, help="samples drawn by the (slow) byte walk")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--grammar", action="append", default=None)
    args = ap.parse_args()

    from grammarkit.llg.matcher import EngineMatcher
    from grammarkit.samples.generate import generate

    paths = [Path(p) for p in args.grammar] if args.grammar else sorted(
        p for p in (ROOT / "grammars").iterdir() if p.suffix in (".lark", ".regex")
    )
    print(f"{'grammar':24} {'walk/s':>9} {'walk 10k':>9} {'directed/s':>11} {'dir. 10k':>9} {'walked':>7} {'ok':>3}")
    for path in paths:
        text, syntax = load(path)
        em = EngineMatcher(text, syntax=syntax)
        rates = {}
        result = None
        for method, n in (("walk", args.walk_n), ("directed", args.n)):
            start = time.perf_counter()
            result = generate(text, syntax=syntax, n=n, seed=args.seed, matcher=em, method=method)  # type: ignore[arg-type]
            elapsed = time.perf_counter() - start
            rates[method] = len(result.samples) / elapsed if elapsed else float("inf")
        assert result is not None
        ok = all(em.accepts(d) for d in result.data)
        print(
            f"{path.name:24} {rates['walk']:9.0f} {10_000 / rates['walk']:8.1f}s "
            f"{rates['directed']:11.0f} {10_000 / rates['directed']:8.2f}s "
            f"{result.walked:7d} {'yes' if ok else 'NO':>3}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
