"""Local parse speed: the linear-time parser and the Earley parser, as ratios to llguidance.

For every bundled Lark grammar (grammars/*.lark; the .regex grammars have no local parse),
builds long valid inputs of about 1k, 4k and 16k characters out of the grammar's own
sample inputs (repeated and combined the way the grammar allows: sums of parenthesized
expressions, option lists, comma lists, `||` ranges, AND-ed conditions, more hunk lines
and files...; every input is checked with llguidance first) and times, in this one
process:

  llguidance  EngineMatcher(grammar).check(text): what the model's side accepts
  fast        LocalParser(grammar).parse(text): the parser a tool uses (grammarkit.local.lr_parser
              for every bundled grammar; the script fails if an input fell back to Earley)
  earley      LocalParser(grammar, parser="earley").parse(text): the general parser

and prints fast/llguidance and earley/llguidance per size (CPU time, best of --repeat alternating
runs; Earley runs once at 16k), so the growth with size shows: a ratio that stays flat
is linear like llguidance. Target: fast/llguidance <= 5 at 16k.

order_lookup.lark has no repetition: its longest input is a few hundred characters, so it
is measured at that size only.

Usage: python bench/parse_speed.py [--sizes 1000,4000,16000] [--repeat 5] [--no-earley]
       [--grammar NAME]
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GRAMMARS = ROOT / "grammars"


def _valid_samples(path: Path) -> list[str]:
    from grammarkit.samples.files import find_sidecars, load_samples

    out = []
    for sidecar in find_sidecars(path):
        out += [s.input for s in load_samples(sidecar) if s.expected is True]
    return out


def _grow(pieces, size: int, head: str = "", sep: str = "", tail: str = "") -> str:
    """``head + sep.join(pieces...) + tail``, cycling through ``pieces`` until at least
    ``size`` characters."""
    parts: list[str] = []
    length = len(head) + len(tail)
    for piece in itertools.cycle(pieces):
        parts.append(piece)
        length += len(piece) + len(sep)
        if length >= size:
            break
    return head + sep.join(parts) + tail


def long_input(name: str, samples: list[str], size: int) -> str | None:
    """A valid input of about ``size`` characters for bundled grammar ``name``."""
    if name == "arithmetic":
        return _grow([f"({s})" for s in samples], size, sep=" + ")
    if name == "command_line":
        options = [" --env prod", " --version v1.4.2", " --replicas 3", " --dry-run", " --env staging"]
        return _grow(options, size, head="deploy web")
    if name == "cron":
        # Each field a comma list of the items the samples use.
        fields = [
            ["*/15", "0-30/10", "5", "20", "59", "0"],
            ["9-17", "*/2", "23", "8-11", "13-17"],
            ["1-15/7", "31", "*", "1"],
            ["JAN-JUN/2", "DEC", "JAN", "12", "*"],
            ["MON-FRI", "SAT", "SUN", "0", "7", "1-5"],
        ]
        return " ".join(_grow(items, size // 5, sep=",") for items in fields)
    if name == "key_value_config":
        return _grow([s.rstrip("\n") for s in samples], size, sep="\n")
    if name == "semver_range":
        return _grow(samples, size, sep=" || ")
    if name == "sql_select":
        conditions = [
            "age >= 18",
            "(name = 'it''s' OR id<>-2)",
            "country != 'FR'",
            "(a = 1 AND (b < 2 OR c > 3))",
        ]
        return _grow(conditions, size, head="SELECT DISTINCT id, name FROM users WHERE ", sep=" AND ",
                     tail=" ORDER BY name DESC LIMIT 10;")
    if name == "unified_diff":
        first = [s for s in samples if not s.startswith("diff --git")][0]
        more = [s for s in samples if s.startswith("diff --git")]
        return first + _grow(more, size - len(first))
    if name == "order_lookup":
        return None  # bounded: see longest_input
    raise KeyError(name)


def longest_input(name: str) -> str:
    """order_lookup's inputs are bounded; this one is close to the longest."""
    assert name == "order_lookup"
    local = "a" * 64
    domain = ".".join(["b" * 63] * 8) + "." + "c" * 24
    return f"orders for {local}@{domain} status cancelled since 2024-01-31 until 2024-12-31 limit 100"


def _cpu(fn, text: str) -> float:
    start = time.process_time()
    fn(text)
    return time.process_time() - start


def best(fn, text: str, repeat: int) -> float:
    """The shortest of ``repeat`` runs, in CPU seconds of this process (less disturbed by
    other processes than wall time)."""
    return min(_cpu(fn, text) for _ in range(repeat))


def best_pair(fn_a, fn_b, text: str, repeat: int) -> tuple[float, float]:
    """Like :func:`best` for two functions run alternately (both see the same load)."""
    a = b = float("inf")
    for _ in range(repeat):
        a = min(a, _cpu(fn_a, text))
        b = min(b, _cpu(fn_b, text))
    return a, b


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,4000,16000")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--no-earley", action="store_true", help="skip the (slow) Earley runs")
    ap.add_argument("--grammar", help="one bundled grammar (file stem)")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    from grammarkit.llg.matcher import EngineMatcher
    from grammarkit.local.lr_parser import FALLBACK
    from grammarkit.local.parser import LocalParser

    print(f"{'grammar':18} {'parser':7} {'chars':>6} {'llg ms':>8} {'fast ms':>8} {'fast/llg':>9} "
          f"{'earley ms':>10} {'earley/llg':>11}")
    worst = 0.0
    for path in sorted(GRAMMARS.glob("*.lark")):
        name = path.stem
        if args.grammar and name != args.grammar:
            continue
        grammar = path.read_text(encoding="utf-8")
        engine = EngineMatcher(grammar)
        fast = LocalParser(grammar, max_input_chars=10**7)
        slow = LocalParser(grammar, max_input_chars=10**7, parser="earley")
        samples = _valid_samples(path)
        texts = [long_input(name, samples, size) for size in sizes]
        if texts[0] is None:
            texts = [longest_input(name)]
        for text in texts:
            verdict = engine.check(text)
            if not verdict.accepted:
                raise SystemExit(f"{name}: llguidance rejects the {len(text)}-character input: {verdict.describe()}")
            if fast._fast is None or fast._fast.parse(text) is FALLBACK:
                raise SystemExit(f"{name}: the fast parser hands the {len(text)}-character input to Earley")
            t_llg, t_fast = best_pair(engine.check, fast.parse, text, args.repeat)
            ratio = t_fast / t_llg
            worst = max(worst, ratio) if len(text) >= 16000 else worst
            row = (f"{name:18} {fast.parser:7} {len(text):6d} {t_llg * 1e3:8.2f} {t_fast * 1e3:8.2f} "
                   f"{ratio:9.2f}")
            if not args.no_earley:
                t_slow = best(slow.parse, text, 1 if len(text) > 8000 else min(args.repeat, 2))
                row += f" {t_slow * 1e3:10.1f} {t_slow / t_llg:11.1f}"
            print(row, flush=True)
    if worst:
        print(f"worst fast/llguidance at 16k: {worst:.2f} (target <= 5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
