"""Differential check of the local parsers on a large input set: the linear-time parser
(grammarkit.local.lr_parser) must give exactly the Earley parser's trees and verdicts.

Inputs:
  * every bundled Lark grammar (grammars/*.lark): its samples, --generated strings
    llguidance draws from it, long inputs combined from its samples (as
    bench/parse_speed.py builds them, at 1k and 4k characters) and --mutations edits of
    each of those (mostly rejections);
  * llguidance's own test cases (../shared/conformance/llguidance_lark_cases.json, when
    present): every grammar the local parser can load, with the case's accept and reject
    strings and mutations of them.

Every input goes through both parsers of one LocalParser (grammarkit.local.differential):
the tree compared whole (rule names, children, token types, text and positions, meta
positions), a rejection field by field (message, line, column, offset, found, expected,
snippet). Prints per grammar: the parser it gets, inputs decided by the fast parser,
inputs it handed to Earley (ambiguous ones), disagreements; exits 1 on any disagreement.

Usage: python bench/parse_differential.py [--generated N] [--mutations N] [--cases FILE] [--quiet]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
DEFAULT_CASES = ROOT.parent / "shared" / "conformance" / "llguidance_lark_cases.json"

_ALPHABET = list(" +-*/()0123456789.aZ_\n\t,;=\"'[]#@:|<>^~xXé{}") + ["--", "||", " AND ", "\n+", "@@", "\\"]


def mutations(rng: random.Random, text: str, n: int) -> list[str]:
    out = []
    for _ in range(n):
        chars = list(text)
        op = rng.randrange(5)
        if op == 0 and chars:
            del chars[rng.randrange(len(chars))]
        elif op == 1:
            chars.insert(rng.randrange(len(chars) + 1), rng.choice(_ALPHABET))
        elif op == 2 and chars:
            chars[rng.randrange(len(chars))] = rng.choice(_ALPHABET)
        elif op == 3 and chars:
            i, j = sorted((rng.randrange(len(chars)), rng.randrange(len(chars))))
            chars = chars[:i] + chars[j:]
        else:
            chars = chars[: rng.randrange(len(chars) + 1)]
        out.append("".join(chars))
    return out


class Tally:
    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.failures: list[str] = []
        self.totals = {"decided": 0, "handed to Earley": 0, "disagree": 0}

    def run(self, label: str, parser, texts: list[str]) -> None:
        from grammarkit.local.differential import compare

        counts = {"decided": 0, "handed to Earley": 0, "disagree": 0}
        for text in texts:
            c = compare(parser, text)
            if not c.agrees:
                counts["disagree"] += 1
                self.failures.append(
                    f"{label}: {text[:200]!r}\n  fast   {str(c.fast)[:400]}\n  earley {str(c.earley)[:400]}"
                )
            elif c.fell_back:
                counts["handed to Earley"] += 1
            else:
                counts["decided"] += 1
        for k, v in counts.items():
            self.totals[k] += v
        if not self.quiet or counts["disagree"]:
            shown = ", ".join(f"{v} {k}" for k, v in counts.items())
            print(f"{label:40} {parser.parser:7} {shown}", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--generated", type=int, default=200)
    ap.add_argument("--mutations", type=int, default=3)
    ap.add_argument("--cases", type=Path, default=DEFAULT_CASES)
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()

    from parse_speed import _valid_samples, long_input

    from grammarkit.local.parser import LocalParser, ParserUnavailable
    from grammarkit.samples.files import find_sidecars, load_samples
    from grammarkit.samples.generate import generate

    started = time.perf_counter()
    tally = Tally(args.quiet)
    for path in sorted((ROOT / "grammars").glob("*.lark")):
        grammar = path.read_text(encoding="utf-8")
        parser = LocalParser(grammar)
        texts = [s.input for sidecar in find_sidecars(path) for s in load_samples(sidecar)]
        texts += generate(grammar, n=args.generated, seed=path.stem, max_bytes=300).samples
        for size in (1000, 4000):
            long = long_input(path.stem, _valid_samples(path), size)
            if long is not None:
                texts.append(long)
        rng = random.Random(path.stem)
        texts += [m for t in list(texts) for m in mutations(rng, t, args.mutations)]
        tally.run(f"grammars/{path.name}", parser, texts)

    if args.cases.exists():
        cases = json.loads(args.cases.read_text(encoding="utf-8"))
        loaded = 0
        for case in cases:
            if not case["compiles"]:
                continue
            try:
                parser = LocalParser(case["grammar"])
            except ParserUnavailable:
                continue
            loaded += 1
            texts = list(case["accept"]) + list(case["reject"])
            rng = random.Random(case["id"])
            texts += [m for t in list(texts) for m in mutations(rng, t, args.mutations)]
            tally.run(case["id"], parser, texts)
        print(f"llguidance cases: {loaded} grammars the local parser loads, of {len(cases)}")
    else:
        print(f"{args.cases} not found: llguidance's cases skipped")

    print(", ".join(f"{v} {k}" for k, v in tally.totals.items()) + f" ({time.perf_counter() - started:.0f} s)")
    for failure in tally.failures:
        print(failure)
    return 1 if tally.failures else 0


if __name__ == "__main__":
    sys.exit(main())
