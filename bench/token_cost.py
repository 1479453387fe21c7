"""llguidance's mask cost per model token (o200k), as ratios to a free-text baseline.

Everything is measured in this one process, interleaved with the baseline (the first mask
of `start: TEXT "\\n"` with `TEXT: /[^\\n]+/`, o200k), so the ratios hold on any machine.
Times are the CPU time of llguidance's `compute_mask` (see grammarkit/llg/token_profile.py).

Three tables:
  1. the issue's table: three grammars, first mask with the byte tokenizer and with o200k,
     then the following o200k tokens of one input (median; first and last three);
  2. shapes: k alternatives `X: /[^x]{1,200}/ "xx"` at the start of a grammar, variants;
  3. every bundled grammar (grammars/): grammarkit's profile (its sidecar samples and six
     generated inputs): median and worst step, lexer fuel and parser items against
     LLParserLimits, and whether GK241 would warn.

Usage: python bench/token_cost.py [--quick] [--runs N]   (needs bpe-openai)
"""

from __future__ import annotations

import argparse
import glob
import statistics
import string
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TEXT = "hello world, this is some text of the input to the tool, written by the model"  # no "a"


def alternatives(k: int, rep: str = "{1,200}", prefix: bool = False) -> str:
    letters = string.ascii_lowercase[:k]
    names = [c.upper() * 2 for c in letters]
    lines = ["start: " + " | ".join(names)]
    for c, name in zip(letters, names, strict=True):
        lead = f'"{c.upper()}:" ' if prefix else ""
        lines.append(f'{name}: {lead}/[^{c}]{rep}/ "{c}{c}"')
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="skip the slowest shapes (26 alternatives)")
    ap.add_argument("--runs", type=int, default=5, help="repetitions of each first-mask measurement")
    args = ap.parse_args()

    import llguidance

    from grammarkit.llg import token_profile as tp
    from grammarkit.llg.compile import byte_tokenizer, grammar_for
    from grammarkit.llg.tokenizer import TokenizerUnavailable, get_tokenizer
    from grammarkit.rules import token_cost

    try:
        t0 = time.monotonic()
        o200k = get_tokenizer("o200k")
        print(f"o200k tokenizer built in {time.monotonic() - t0:.2f} s")
    except TokenizerUnavailable as exc:
        print(f"token_cost: {exc}", file=sys.stderr)
        return 2
    byte = byte_tokenizer()
    # Generous limits, so that the costly shapes can be timed past the default ones.
    big = llguidance.LLParserLimits(step_lexer_fuel=10**9, step_max_items=10**8, max_lexer_states=10**7)

    def first_mask(tok, grammar: str) -> int:
        return tp._Stepper(tok, grammar, big).mask()[1]["cpu_us"]

    def paired_first(tok, grammar: str) -> float:
        """Median over runs of (first mask / baseline first mask), measured in pairs."""
        base = grammar_for("lark", tp.BASELINE_GRAMMAR)
        ratios = []
        for _ in range(args.runs):
            b = max(1, first_mask(o200k, base))
            ratios.append(first_mask(tok, grammar) / b)
        return statistics.median(ratios)

    def following(grammar: str, text: str) -> tuple[list[float], str]:
        """Ratios of each following o200k token's mask to a baseline measured right before it."""
        base = grammar_for("lark", tp.BASELINE_GRAMMAR)
        walk = tp.walk_input(o200k, grammar, text.encode(), limits=big)
        out = []
        for s in walk.steps[1:]:
            out.append(s.us / max(1, first_mask(o200k, base)))
        default = tp.walk_input(o200k, grammar, text.encode(), limits=llguidance.LLParserLimits())
        verdict = f"fails at token {len(default.steps)}: {default.error}" if default.error else "ok"
        return out, verdict

    baseline_us = statistics.median(first_mask(o200k, grammar_for("lark", tp.BASELINE_GRAMMAR)) for _ in range(9))
    print(f"baseline (o200k, first mask of free text): {baseline_us / 1000:.2f} ms CPU on this machine\n")

    def show(xs: list[float]) -> str:
        if not xs:
            return "-"
        med = statistics.median(xs)
        head = " ".join(f"{x:.0f}" for x in xs[:3])
        tail = " ".join(f"{x:.0f}" for x in xs[-3:])
        return f"{med:6.1f}x (first {head}; last {tail})"

    print("1. The issue's table (ratios to the baseline):")
    print(
        f"   {'grammar':34s} {'byte, 1st':>9s} {'o200k, 1st':>10s}  "
        "o200k, each following token (median)   default limits"
    )
    rows = [
        ("start: A | B | C (A: /[^a]{1,200}/ \"aa\")", alternatives(3), TEXT + " aa"),
        ("26 such alternatives", alternatives(26), TEXT + " aa"),
        ('start: TEXT "\\n" (TEXT: /[^\\n]+/)', tp.BASELINE_GRAMMAR, TEXT + "\n"),
    ]
    if args.quick:
        rows.pop(1)
    for label, text, sample in rows:
        grammar = grammar_for("lark", text)
        b = paired_first(byte, grammar)
        o = paired_first(o200k, grammar)
        follow, verdict = following(grammar, sample)
        print(f"   {label:34s} {b:8.2f}x {o:9.1f}x  {show(follow):40s} {verdict}")

    print("\n2. Shapes: k alternatives at the start of the grammar (ratios to the baseline):")
    shapes = [
        ("1 x /[^x]{1,200}/ \"xx\"", alternatives(1), TEXT + " aa"),
        ("1 x /[^x]+/ \"xx\"", alternatives(1, "+"), TEXT + " aa"),
        ("3 x /[^x]{1,200}/", alternatives(3), TEXT + " aa"),
        ("6 x /[^x]{1,200}/", alternatives(6), TEXT + " aa"),
        ("8 x /[^x]{1,200}/", alternatives(8), TEXT + " aa"),
        ("12 x /[^x]{1,200}/", alternatives(12), TEXT + " aa"),
        ("26 x /[^x]{1,200}/", alternatives(26), TEXT + " aa"),
        ("26 x /[^x]+/ (unbounded)", alternatives(26, "+"), TEXT + " aa"),
        ("26 x \"X:\" /[^x]{1,200}/ (distinct lead)", alternatives(26, prefix=True), "A:" + TEXT + " aa"),
    ]
    if args.quick:
        shapes = [s for s in shapes if not s[0].startswith(("12", "26 x /[^x]{1", "26 x /[^x]+"))]
    print(f"   {'shape':40s} {'o200k, 1st':>10s}  {'following (median)':40s} {'max fuel':>9s}  default limits")
    for label, text, sample in shapes:
        grammar = grammar_for("lark", text)
        o = paired_first(o200k, grammar)
        follow, verdict = following(grammar, sample)
        walk = tp.walk_input(o200k, grammar, sample.encode(), limits=big)
        fuel = max((s.fuel for s in walk.steps), default=0)
        print(f"   {label:40s} {o:9.1f}x  {show(follow):40s} {fuel:9,d}  {verdict}")

    print("\n3. Bundled grammars (grammarkit's profile: sidecar samples + 6 generated inputs):")
    from grammarkit.samples.files import find_sidecars, load_samples

    print(
        f"   {'grammar':32s} {'walks':>5s} {'steps':>5s} {'median':>7s} {'worst':>7s}  "
        f"{'fuel/step_lexer_fuel':>20s} {'items/step_max_items':>20s}  GK241"
    )
    paths = sorted(glob.glob(str(ROOT / "grammars" / "*.lark"))) + sorted(glob.glob(str(ROOT / "grammars" / "*.regex")))
    for path in paths:
        syntax = "regex" if path.endswith(".regex") else "lark"
        text = Path(path).read_text(encoding="utf-8")
        if syntax == "regex":
            text = text.removesuffix("\n")
        samples = [s.input for f in find_sidecars(path) for s in load_samples(f) if s.expected]
        profile = tp.profile_grammar(text, syntax, samples=samples[: tp.LINT_MAX_SAMPLES])
        fuel, items = profile.max_fuel, profile.max_items
        fires = token_cost._problem(profile) is not None
        print(
            f"   {Path(path).name:32s} {len(profile.walks):5d} {len(profile.steps):5d} "
            f"{profile.median_ratio or 0:6.1f}x {profile.worst_ratio or 0:6.1f}x  "
            f"{100 * fuel.fuel / profile.limits['step_lexer_fuel']:19.1f}% "
            f"{100 * items.items / profile.limits['step_max_items']:19.1f}%  {'warns' if fires else 'silent'}"
        )
    print(f"\nGK241 warns at a worst step of {token_cost.RATIO:g}x the baseline or more, or over half a step limit.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
