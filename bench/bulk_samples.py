"""Bulk sample checks through the command line, as whole processes.

For each size N (default 20,000 and 200,000; add 1,000,000 with --million) this writes a
JSON Lines file of N samples for a bundled grammar (default grammars/arithmetic.lark:
500 distinct inputs drawn from the grammar with grammarkit.samples.generate, every
fourth one made invalid by a trailing operator and marked "should_parse": false, so
every verdict is as expected and the output stays one line), then runs, each as a
subprocess:

  grammarkit   python -m grammarkit check --no-cache --no-sidecars --engine llguidance --samples FILE GRAMMAR
               (--no-cache: a repeated run, or a file of the same content written by an
               earlier run, would otherwise be answered from check's result cache)
  bare         a script that only uses llguidance: compile the grammar once, read FILE line
               by line (json.loads), check each input with LLMatcher.try_consume_tokens +
               is_accepting on a byte tokenizer, count the verdicts that differ from
               should_parse

and prints wall time, samples per second, grammarkit's throughput relative to the bare
script (target: at least 0.8), time per sample (flat when growth is linear) and each
process's peak RSS (os.wait4; flat when memory is). Both processes start from scratch,
so grammarkit's start-up and lint of the grammar count against it. With --jobs N the
grammarkit command also runs with --jobs N (peak RSS is then the largest single
process, not the sum over workers).

With --read, it also times reading the same samples as a JSON list, a TOML file and
JSON Lines (grammarkit.samples.files.load_samples, in this process), in microseconds per
sample: flat across sizes when reading is linear (locating each sample's line used to
count newlines from the start of the file: quadratic).

With --auto, it also runs grammarkit with the default --engine auto at 500, 1,000, 2,000
and 10,000 samples: its time must grow with the number of samples (it used to drop past
1,000, where Lark stopped running: 5.1 s for 1,000 samples, 2.5 s for 10,000).

Usage: python bench/bulk_samples.py [--million] [--sizes 20000,200000] [--jobs N] [--read]
                                    [--auto] [--grammar PATH] [--repeat K] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BARE = r'''
import json, sys
import llguidance

grammar_path, samples_path = sys.argv[1], sys.argv[2]
text = open(grammar_path, encoding="utf-8").read()
matcher = llguidance.LLMatcher(llguidance.LLTokenizer("byte"), llguidance.grammar_from("lark", text), log_level=0)
count = mismatches = 0
with open(samples_path, "rb") as f:
    for line in f:
        entry = json.loads(line)
        data = entry["input"].encode("utf-8")
        matcher.reset()
        accepted = matcher.try_consume_tokens(list(data)) == len(data) and matcher.is_accepting()
        count += 1
        mismatches += accepted != entry.get("should_parse", True)
print(count, "samples,", mismatches, "mismatches")
'''


def write_samples(path: Path, grammar: str, n: int, seed: int) -> None:
    from grammarkit.samples.generate import generate_samples

    distinct = generate_samples(grammar, n=500, seed=seed, max_bytes=64)
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            text = distinct[rng.randrange(len(distinct))]
            if i % 4 == 3:
                f.write(json.dumps({"input": text + " +", "should_parse": False}) + "\n")
            else:
                f.write(json.dumps({"input": text, "should_parse": True}) + "\n")


def write_other_formats(jsonl: Path) -> dict[str, Path]:
    """The samples of ``jsonl`` as a JSON list (one object per line, as people indent
    them) and as a TOML file (valid/invalid arrays)."""
    entries = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    as_json = jsonl.with_suffix(".json")
    as_json.write_text("[\n" + ",\n".join("  " + json.dumps(e) for e in entries) + "\n]\n", encoding="utf-8")
    as_toml = jsonl.with_suffix(".toml")
    with open(as_toml, "w", encoding="utf-8") as f:
        for key, expected in (("valid", True), ("invalid", False)):
            f.write(f"{key} = [\n")
            f.writelines(f"  {json.dumps(e['input'])},\n" for e in entries if e["should_parse"] is expected)
            f.write("]\n")
    return {"json": as_json, "toml": as_toml, "jsonl": jsonl}


def time_reading(jsonl: Path, n: int) -> str:
    from grammarkit.samples.files import load_samples

    parts = []
    for name, path in write_other_formats(jsonl).items():
        start = time.perf_counter()
        samples = load_samples(path)
        elapsed = time.perf_counter() - start
        assert len(samples) == n, (name, len(samples))
        parts.append(f"{name} {elapsed / n * 1e6:.2f}")
    return "  ".join(parts)


def run(argv: list[str], out_path: Path) -> tuple[float, int, int, str, float]:
    """(wall seconds, peak RSS in KiB, exit status, output, CPU seconds) of one process
    (CPU time includes its worker processes: less sensitive than wall time to other load
    on the machine)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    with open(out_path, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return elapsed, usage.ru_maxrss, proc.returncode, out_path.read_text(errors="replace").strip(), cpu


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="20000,200000", help="comma-separated sample counts")
    ap.add_argument("--million", action="store_true", help="also run 1,000,000 samples (takes a while)")
    ap.add_argument("--grammar", default=str(ROOT / "grammars" / "arithmetic.lark"))
    ap.add_argument("--jobs", type=int, default=0, help="also run grammarkit with --jobs N")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each command; the fastest counts")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--keep", help="write the samples files into this directory and keep them")
    ap.add_argument("--read", action="store_true", help="also time reading JSON, TOML and JSON Lines files")
    ap.add_argument("--auto", action="store_true", help="also time --engine auto at 500 to 10,000 samples")
    args = ap.parse_args()

    sizes = [int(s) for s in args.sizes.split(",") if s]
    if args.million and 1_000_000 not in sizes:
        sizes.append(1_000_000)
    grammar_path = Path(args.grammar).resolve()
    grammar = grammar_path.read_text(encoding="utf-8")
    workdir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="grammarkit-bulk-"))
    workdir.mkdir(parents=True, exist_ok=True)
    bare_script = workdir / "bare_llguidance.py"
    bare_script.write_text(BARE)

    commands = {"bare": lambda f: [sys.executable, str(bare_script), str(grammar_path), str(f)]}
    gk = [sys.executable, "-m", "grammarkit", "check", "--no-cache", "--no-sidecars", "--engine", "llguidance"]
    commands["grammarkit"] = lambda f: [*gk, "--samples", str(f), str(grammar_path)]
    if args.jobs:
        commands[f"grammarkit -j{args.jobs}"] = lambda f: [*gk, "--jobs", str(args.jobs), "--samples", str(f),
                                                          str(grammar_path)]

    print(f"grammar: {grammar_path.name}; python {sys.version.split()[0]}; {os.cpu_count()} CPUs")
    print(f"{'samples':>9} {'command':<16} {'seconds':>8} {'samples/s':>10} {'us/sample':>9} "
          f"{'peak RSS':>9} {'vs bare':>7} {'CPU s':>8}")
    for n in sizes:
        samples = workdir / f"arithmetic_{n}.jsonl"
        if not samples.exists():
            write_samples(samples, grammar, n, args.seed)
        best: dict[str, tuple[float, int, float]] = {}
        for _ in range(args.repeat):
            for name, argv in commands.items():  # alternate the commands: fairer under load
                elapsed, rss, code, output, cpu = run(argv(samples), workdir / f"{name.replace(' ', '_')}.out")
                expected_code = 0
                if code != expected_code or (name == "bare" and f"{n} samples, 0 mismatches" not in output):
                    print(f"{name} failed (exit {code}): {output[-500:]}", file=sys.stderr)
                    return 1
                if name != "bare" and f"{n} samples" not in output.replace(",", ""):
                    print(f"{name}: unexpected output: {output[-500:]}", file=sys.stderr)
                    return 1
                if name not in best or elapsed < best[name][0]:
                    best[name] = (elapsed, max(rss, best.get(name, (0, 0, 0))[1]), cpu)
        if args.read:
            print(f"{n:>9} reading, us/sample: {time_reading(samples, n)}")
        bare_time = best["bare"][0]
        for name, (elapsed, rss, cpu) in best.items():
            ratio = f"{bare_time / elapsed:7.2f}" if name != "bare" else ""
            print(f"{n:>9} {name:<16} {elapsed:8.2f} {n / elapsed:10.0f} {elapsed / n * 1e6:9.1f} "
                  f"{rss / 1024:7.1f}MB {ratio:>7} {cpu:8.2f}")
    if args.auto:
        print(f"{'samples':>9} {'--engine auto':<16} {'seconds':>8} {'CPU s':>8}")
        auto = [sys.executable, "-m", "grammarkit", "check", "--no-cache", "--no-sidecars", "--engine", "auto"]
        for n in (500, 1000, 2000, 10_000):
            samples = workdir / f"arithmetic_{n}.jsonl"
            if not samples.exists():
                write_samples(samples, grammar, n, args.seed)
            times = []
            for _ in range(args.repeat):
                elapsed, _, code, output, cpu = run([*auto, "--samples", str(samples), str(grammar_path)],
                                                    workdir / "auto.out")
                if code != 0:
                    print(f"--engine auto failed (exit {code}): {output[-500:]}", file=sys.stderr)
                    return 1
                times.append((elapsed, cpu))
            elapsed, cpu = min(times)
            print(f"{n:>9} {'grammarkit':<16} {elapsed:8.2f} {cpu:8.2f}")
    if not args.keep:
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
