"""Run grammarkit over a corpus of real, published grammars and check its fidelity.

The corpus is a directory of grammar files (``.lark``, and ``.regex`` for regex grammars),
one grammar per file, kept *outside* this repository (``bench/corpus_sources.md`` lists
where each one comes from). By default it is ``../corpus`` next to the checkout (for a
checkout at ``/work/wt-x`` that is ``/work/corpus``); ``--dir`` chooses another. When the
directory is absent there is nothing to measure and the script exits 0.

For every grammar it prints llguidance's compile verdict, grammarkit's errors and
warnings (codes, with the line), and checks three properties:

1. no *unjustified* error on a grammar llguidance compiles: an error there must be one
   grammarkit proves with llguidance (GK110, an input language llguidance can never
   complete, found by a search over llguidance's own byte masks) or one it raises on
   purpose (GK102, a lazy quantifier llguidance reads greedily);
2. an error on every grammar llguidance rejects;
3. no diagnostic whose witness llguidance contradicts: each witness input is fed to a
   fresh llguidance matcher and must get the verdict the diagnostic claims.

Usage: ``python bench/corpus.py [--dir DIR] [--json FILE] [--quiet] [--fix [--unsafe-fixes]]``. ``--json``
writes the per-grammar results (to compare two runs); ``--fix`` also prints what
``grammarkit check --diff`` would change (safe fixes only). Exit status 1 when a property
fails.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIRS = (ROOT.parent / "corpus", Path("/work/corpus"))

PROVEN_ERRORS = {"GK110"}  # errors grammarkit proves with llguidance itself
INTENTIONAL_ERRORS = {"GK102"}  # errors raised on purpose on grammars llguidance compiles


def _grammars(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.suffix in (".lark", ".regex") and p.is_file())


def _witness_contradicted(path: Path, syntax: str, text: str, diagnostics) -> list[str]:
    """The diagnostics whose witness llguidance judges otherwise than they claim."""
    from grammarkit.llg.matcher import EngineMatcher, MatcherUnavailable

    with_witness = [d for d in diagnostics if getattr(d, "witness", None) is not None]
    if not with_witness:
        return []
    grammar = text[:-1] if syntax == "regex" and text.endswith("\n") else text
    try:
        matcher = EngineMatcher(grammar, syntax=syntax)  # type: ignore[arg-type]
    except MatcherUnavailable:
        return [f"{d.code} line {d.line}: witness on a grammar llguidance rejects" for d in with_witness]
    wrong = []
    for d in with_witness:
        verdict = matcher.check(d.witness.input).accepted
        if verdict != d.witness.accepted:
            wrong.append(
                f"{d.code} line {d.line}: witness {d.witness.input!r} is "
                f"{'accepted' if verdict else 'rejected'} by llguidance, not "
                f"{'accepted' if d.witness.accepted else 'rejected'} as claimed"
            )
    return wrong


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dir", type=Path, default=None, help="the corpus directory (default: ../corpus)")
    ap.add_argument("--json", type=Path, default=None, help="write per-grammar results as JSON")
    ap.add_argument("--quiet", action="store_true", help="only failures and the summary")
    ap.add_argument("--fix", action="store_true", help="also show what the safe fixes would change")
    ap.add_argument("--unsafe-fixes", action="store_true", help="with --fix: the unsafe fixes too")
    args = ap.parse_args()
    directory = args.dir or next((d for d in DEFAULT_DIRS if d.is_dir()), None)
    if directory is None or not directory.is_dir():
        print(f"corpus: no corpus directory ({args.dir or ', '.join(map(str, DEFAULT_DIRS))}); nothing to measure")
        return 0

    from grammarkit.core.source import read_grammar_file
    from grammarkit.lint.runner import lint_text
    from grammarkit.llg.compile import compile_report

    files = _grammars(directory)
    if not files:
        print(f"corpus: no .lark or .regex files in {directory}; nothing to measure")
        return 0
    failures: list[str] = []
    results: dict[str, dict] = {}
    totals: Counter[str] = Counter()
    started = time.perf_counter()
    for path in files:
        syntax = "regex" if path.suffix == ".regex" else "lark"
        text = read_grammar_file(path)
        source = text[:-1] if syntax == "regex" and text.endswith("\n") else text
        report = compile_report(syntax, source)
        t0 = time.perf_counter()
        result = lint_text(text, syntax=syntax, path=path.name)  # type: ignore[arg-type]
        elapsed = time.perf_counter() - t0
        errors = [d for d in result.diagnostics if d.severity.value == "error"]
        warnings = [d for d in result.diagnostics if d.severity.value == "warning"]
        infos = [d for d in result.diagnostics if d.severity.value == "info"]
        problems: list[str] = []
        if report.ok:
            unjustified = [d for d in errors if d.code not in PROVEN_ERRORS | INTENTIONAL_ERRORS]
            problems += [
                f"error {d.code} line {d.line} on a grammar llguidance compiles: {d.message}" for d in unjustified
            ]
        elif not errors:
            problems.append(f"llguidance rejects it ({report.error.message if report.error else '?'}), but no error")
        problems += _witness_contradicted(path, syntax, source, result.diagnostics)
        totals["grammars"] += 1
        totals["compiles" if report.ok else "rejected"] += 1
        totals["errors"] += len(errors)
        totals["warnings"] += len(warnings)
        totals["infos"] += len(infos)
        totals["witnesses"] += sum(1 for d in result.diagnostics if getattr(d, "witness", None) is not None)
        results[path.name] = {
            "syntax": syntax,
            "llguidance": "compiles" if report.ok else f"rejects: {report.error.message if report.error else '?'}",
            "errors": [f"{d.code}:{d.line}" for d in errors],
            "warnings": [f"{d.code}:{d.line}" for d in warnings],
            "infos": [f"{d.code}:{d.line}" for d in infos],
            "seconds": round(elapsed, 3),
            "problems": problems,
        }
        if args.fix:
            from grammarkit.lint.fixes import fix_text

            outcome = fix_text(text, syntax=syntax, path=path.name, unsafe=args.unsafe_fixes)  # type: ignore[arg-type]
            results[path.name]["fix_applied"] = [d.code for d in outcome.applied]
            results[path.name]["fix_skipped"] = [f"{d.code}: {why}" for d, why in outcome.skipped]
            results[path.name]["diff"] = outcome.diff(path.name)
            left = outcome.remaining.diagnostics if outcome.remaining is not None else []
            results[path.name]["after_fix"] = {
                sev: sum(1 for d in left if d.severity.value == sev) for sev in ("error", "warning", "info")
            }
        failures += [f"{path.name}: {p}" for p in problems]
        if not args.quiet or problems:
            verdict = "compiles" if report.ok else "REJECTS"
            print(f"{path.name} [{syntax}] llguidance {verdict}; "
                  f"{len(errors)} error(s) {_codes(errors)}; {len(warnings)} warning(s) {_codes(warnings)}"
                  + (f"; {len(infos)} info {_codes(infos)}" if infos else ""))
            for p in problems:
                print(f"  FAIL {p}")
            if args.fix and results[path.name]["diff"]:
                print("  " + results[path.name]["diff"].replace("\n", "\n  ").rstrip())
    took = time.perf_counter() - started
    print(
        f"\n{totals['grammars']} grammars ({totals['compiles']} compile, {totals['rejected']} rejected by llguidance): "
        f"{totals['errors']} errors, {totals['warnings']} warnings, {totals['infos']} infos, "
        f"{totals['witnesses']} witnesses; {len(failures)} property failure(s); {took:.1f}s"
    )
    if args.fix:
        changed = [r for r in results.values() if r.get("diff")]
        applied = Counter(code for r in results.values() for code in r.get("fix_applied", []))
        refused = Counter(s.split(":")[0] for r in results.values() for s in r.get("fix_skipped", []))
        kind = "safe and unsafe" if args.unsafe_fixes else "safe"
        print(f"--fix ({kind}): {len(changed)} of {totals['grammars']} files changed; applied "
              + (", ".join(f"{c}×{n}" for c, n in sorted(applied.items())) or "nothing")
              + "; refused by verification " + (", ".join(f"{c}×{n}" for c, n in sorted(refused.items())) or "none"))
        after = Counter()
        for r in results.values():
            after.update(r.get("after_fix", {}))
        print(f"after --fix: {after['error']} errors, {after['warning']} warnings, {after['info']} infos")
    if args.json:
        args.json.write_text(json.dumps({"totals": totals, "grammars": results}, indent=1, sort_keys=True))
    return 1 if failures else 0


def _codes(diagnostics) -> str:
    if not diagnostics:
        return ""
    counts = Counter(d.code for d in diagnostics)
    return "(" + ", ".join(f"{c}×{n}" if n > 1 else c for c, n in sorted(counts.items())) + ")"


if __name__ == "__main__":
    sys.exit(main())
