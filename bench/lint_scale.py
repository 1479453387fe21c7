"""Lint time as grammars grow: grammarkit's lint against llguidance's compile time.

For 1k, 2k, 5k, 10k and 20k definitions, in three shapes,
  chain:  start: r0 / r0: "a" r1 / ... / rN-1: "a"          (a chain of rules)
  wide:   start: T0 | T1 | ... | TN-1 / Ti: /[a-z]{1,8}/    (a wide alternation of terminals)
  mixed:  a command language scaled up (see ``mixed``): rules of alternatives, keywords,
          repetitions and four shared terminals, commands grouped 20 to a rule
prints llguidance's compile time (``compile_report("lark", text)``: in this process up
to 256 kB of text, in a child process above that, as lint does), grammarkit's lint time
(``lint_text``, which compiles too) and their ratio, all in this one process (the
target: a ratio of at most 10). With ``--repeat N`` the times are each side's best of N
runs, ``ratio`` is the median of the N ratios of a compile and the lint right after it,
and ``best`` divides the two best times. (llguidance's compile time on this machine
shifts between phases, e.g. 27 and 45 ms for ``mixed`` at 1,000 definitions, for minutes
at a time: a ratio of two runs made side by side is steadier than one of two bests taken
from different phases.)

    python bench/lint_scale.py [--max N] [--shape chain|wide|mixed] [--repeat N] [--profile] [--top N]

``--profile`` prints, for each size, the time of each rule's ``check`` and the reader.
``--cli`` measures whole processes instead, as a user runs them: ``grammarkit check
--no-cache FILE`` against a bare script that starts Python, imports llguidance and
validates the same file (both include the interpreter's start-up).
"""

from __future__ import annotations

import argparse
import statistics
import time

SIZES = [1000, 2000, 5000, 10000, 20000]


def chain(n: int) -> str:
    lines = ["start: r0"]
    lines += [f'r{i}: "a" r{i + 1}' for i in range(n - 1)]
    lines.append(f'r{n - 1}: "a"')
    return "\n".join(lines) + "\n"


def wide(n: int) -> str:
    lines = ["start: " + " | ".join(f"T{i}" for i in range(n))]
    lines += [f"T{i}: /[a-z]{{1,8}}/" for i in range(n)]
    return "\n".join(lines) + "\n"


def mixed(n: int) -> str:
    """A command language scaled up: per command a rule with a keyword and arguments, an
    argument rule of alternatives (a few shared terminals, a keyword option) and a value
    rule; the commands grouped 20 to a category rule."""
    groups = max(1, int((n - 6) / 3.05))
    per = 20
    cats = (groups + per - 1) // per
    lines = ['start: command (";" SP? command)~0..50']
    lines.append("command: " + " | ".join(f"cat{j}" for j in range(cats)))
    for j in range(cats):
        lines.append(f"cat{j}: " + " | ".join(f"cmd{i}" for i in range(j * per, min(groups, (j + 1) * per))))
    for i in range(groups):
        lines.append(f'cmd{i}: "verb{i}" (SP arg{i})*')
        lines.append(f'arg{i}: NAME | NUMBER | STRING | "opt{i}=" value{i}')
        lines.append(f'value{i}: "true" | "false" | NUMBER | "[" [NUMBER ("," NUMBER)*] "]"')
    lines += ['SP: " "', "NAME: /[a-z_][a-z0-9_]{0,31}/", "NUMBER: /[0-9]{1,10}/", 'STRING: /"[^"\\n]{0,64}"/']
    return "\n".join(lines) + "\n"


SHAPES = {"chain": chain, "wide": wide, "mixed": mixed}


def profile_rules(text: str, top: int) -> None:
    from grammarkit.lint.context import LintContext
    from grammarkit.lint.registry import all_rules
    from grammarkit.reader import read_grammar
    from grammarkit.regex_syntax import remembered

    t0 = time.perf_counter()
    read_grammar(text)
    print(f"      reader {time.perf_counter() - t0:6.2f} s")
    ctx = LintContext(text=text, syntax="lark", path="<bench>", samples=[], engine_choice="auto",
                      sample_checker_factory=None, tokenizer="byte")
    times = []
    with remembered():  # as lint_text does
        for rule in sorted(all_rules(), key=lambda r: r.after_others):
            t0 = time.perf_counter()
            for finding in rule.check(ctx):
                ctx.found.append((rule.code, finding))
            times.append((time.perf_counter() - t0, rule.code, rule.name))
    for elapsed, code, name in sorted(times, reverse=True)[:top]:
        print(f"      {code} {name:32} {elapsed:6.2f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--max", type=int, default=SIZES[-1], help="largest size to run")
    ap.add_argument("--shape", choices=sorted(SHAPES), action="append")
    ap.add_argument("--profile", action="store_true", help="also time the reader and each rule")
    ap.add_argument("--top", type=int, default=8)
    ap.add_argument("--cli", action="store_true", help="time whole processes (grammarkit check vs a bare script)")
    ap.add_argument("--repeat", type=int, default=1,
                    help="measure each size this many times, alternating, and keep each side's best time "
                    "(on a shared machine the other work only ever adds time)")
    args = ap.parse_args()
    if args.cli:
        return processes(args)

    from grammarkit.lint.runner import lint_text
    from grammarkit.llg.compile import compile_report

    lint_text(chain(3))  # warm up: imports, parse tables
    print(f"{'shape':6} {'defs':>6} {'llguidance':>11} {'grammarkit':>11} {'ratio':>6} {'best':>6}  diagnostics")
    for shape in args.shape or list(SHAPES):
        for n in [s for s in SIZES if s <= args.max]:
            text = SHAPES[shape](n)
            llg = gk = float("inf")
            ratios = []
            for _ in range(max(1, args.repeat)):
                t0 = time.perf_counter()
                report = compile_report("lark", text, timeout=None)
                t1 = time.perf_counter()
                result = lint_text(text)
                t2 = time.perf_counter()
                llg, gk = min(llg, t1 - t0), min(gk, t2 - t1)
                ratios.append((t2 - t1) / (t1 - t0))
            codes = sorted(set(result.codes()))
            print(f"{shape:6} {n:6} {llg:10.3f}s {gk:10.3f}s {statistics.median(ratios):6.1f} {gk / llg:6.1f}  "
                  f"{len(result.diagnostics)} {','.join(codes)}{'' if report.ok else ' (llguidance: error)'}",
                  flush=True)
            if args.profile:
                profile_rules(text, args.top)


BARE = """
import sys, threading, llguidance
# llguidance recurses on deep grammars: on the main thread's 8 MB stack a 5,000-rule chain
# crashes the process, so it runs on a thread with a large stack (as grammarkit does).
threading.stack_size(512 * 1024 * 1024)
result = []
def validate():
    tok = llguidance.LLTokenizer("byte")
    grammar = llguidance.LLMatcher.grammar_from_lark(open(sys.argv[1], encoding="utf-8").read())
    result.append(llguidance.LLMatcher.validate_grammar_with_warnings(grammar, tok)[0])
worker = threading.Thread(target=validate)
worker.start()
worker.join()
sys.exit(1 if result[0] else 0)
"""


def processes(args) -> None:
    """Whole processes: ``grammarkit check --no-cache FILE`` against the bare script."""
    import os
    import shutil
    import subprocess
    import sys
    import tempfile

    exe = shutil.which("grammarkit") or sys.exit("grammarkit is not on PATH")
    print(f"{'shape':6} {'defs':>6} {'bare script':>12} {'grammarkit check':>17} {'ratio':>6}  exit")
    with tempfile.TemporaryDirectory() as tmp:
        for shape in args.shape or list(SHAPES):
            for n in [s for s in SIZES if s <= args.max]:
                path = os.path.join(tmp, f"{shape}{n}.lark")
                with open(path, "w", encoding="utf-8") as f:
                    f.write(SHAPES[shape](n))
                bare = gk = float("inf")
                for _ in range(max(1, args.repeat)):
                    t0 = time.perf_counter()
                    subprocess.run([sys.executable, "-c", BARE, path], check=True)
                    t1 = time.perf_counter()
                    done = subprocess.run([exe, "check", "--no-cache", "--format", "concise", path],
                                          capture_output=True, text=True)
                    t2 = time.perf_counter()
                    bare, gk = min(bare, t1 - t0), min(gk, t2 - t1)
                print(f"{shape:6} {n:6} {bare:11.2f}s {gk:16.2f}s {gk / bare:6.1f}  {done.returncode}", flush=True)


if __name__ == "__main__":
    main()
