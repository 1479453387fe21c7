"""Throughput of one Dask partition of grammarkit.dask.check_bag, against a bare llguidance
loop over the same inputs, in this process (ratios; no cluster needed: one partition is
what every worker runs).

Usage: python bench/dask_throughput.py [--n 100000] [--grammar grammars/arithmetic.lark]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--grammar", default=str(ROOT / "grammars" / "arithmetic.lark"))
    args = ap.parse_args()

    import llguidance

    from grammarkit.dask import check_partition  # what every Dask task runs
    from grammarkit.llg.compile import byte_tokenizer, grammar_for
    from grammarkit.samples.generate import generate_samples

    grammar = Path(args.grammar).read_text()
    pool = [s for s in generate_samples(grammar, n=200, seed=7)] + ["(", "1+", "x"]
    inputs = [pool[i % len(pool)] for i in range(args.n)]

    def bare() -> None:
        m = llguidance.LLMatcher(byte_tokenizer(), grammar_for("lark", grammar), log_level=0)
        for text in inputs:
            data = list(text.encode())
            m.reset()
            m.try_consume_tokens(data)
            m.is_accepting()

    def partition() -> None:
        check_partition(inputs, grammar, "lark", None, False)

    best = {}
    for _ in range(3):
        for name, fn in (("bare llguidance loop", bare), ("grammarkit.dask partition", partition)):
            t0 = time.perf_counter()
            fn()
            best[name] = min(best.get(name, float("inf")), time.perf_counter() - t0)
    base = best["bare llguidance loop"]
    for name, seconds in best.items():
        print(f"{name:28s} {args.n / seconds:10,.0f} inputs/s   {base / seconds:5.2f}x the bare loop")


if __name__ == "__main__":
    main()
