"""Differential check of the reader against the reader of a pinned commit (default
4333678, main before the reader was made faster) on every grammar of the llguidance
conformance cases (/work/shared/conformance/llguidance_lark_cases.json) and of grammars/,
tests/fixtures/clean/ and, optionally, extra files.

The old reader's lexer.py and parser.py are taken from git (``git show``) and loaded as
a private package next to the current model, so both build the same node classes and
are compared with the JSON form of tests/reader_snapshot.py (every node's fields and
spans, every syntax problem). Also prints both readers' time.

    python bench/reader_differential.py [--commit 6ecd8f7] [--cases FILE] [extra.lark ...]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from reader_snapshot import dump_result  # noqa: E402

from grammarkit.reader import read_grammar  # noqa: E402

CASES = Path("/work/shared/conformance/llguidance_lark_cases.json")


def old_reader(commit: str):
    """``read_grammar`` of ``commit``'s reader (its lexer and parser; today's model)."""
    folder = Path(tempfile.mkdtemp(prefix="gk-old-reader-"))
    package = "gk_old_reader"
    pkg = types.ModuleType(package)
    pkg.__path__ = [str(folder)]
    sys.modules[package] = pkg
    for name in ("lexer", "parser"):
        source = subprocess.run(
            ["git", "-C", str(ROOT), "show", f"{commit}:grammarkit/reader/{name}.py"],
            check=True, capture_output=True, text=True,
        ).stdout
        source = source.replace("grammarkit.reader.lexer", f"{package}.lexer")
        path = folder / f"{name}.py"
        path.write_text(source, encoding="utf-8")
        spec = importlib.util.spec_from_file_location(f"{package}.{name}", path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[f"{package}.{name}"] = module
        spec.loader.exec_module(module)
    return sys.modules[f"{package}.parser"].read_grammar


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--commit", default="4333678")
    ap.add_argument("--cases", type=Path, default=CASES)
    ap.add_argument("files", nargs="*", type=Path)
    args = ap.parse_args()
    texts: dict[str, str] = {}
    if args.cases.exists():
        for case in json.loads(args.cases.read_text(encoding="utf-8")):
            texts[f"conformance:{case['id']}"] = case["grammar"]
    for folder in (ROOT / "grammars", ROOT / "tests" / "fixtures" / "clean"):
        for path in sorted(folder.glob("*.lark")):
            texts[str(path.relative_to(ROOT))] = path.read_text(encoding="utf-8")
    for path in args.files:
        texts[str(path)] = path.read_text(encoding="utf-8")
    old = old_reader(args.commit)
    differ, t_old, t_new, with_errors = [], 0.0, 0.0, 0
    for name, text in texts.items():
        t0 = time.perf_counter()
        before = dump_result(old(text))
        t1 = time.perf_counter()
        after = dump_result(read_grammar(text))
        t2 = time.perf_counter()
        t_old += t1 - t0
        t_new += t2 - t1
        with_errors += bool(before["errors"])
        if before != after:
            differ.append(name)
    print(f"{len(texts)} grammars ({with_errors} with syntax errors): "
          f"{len(texts) - len(differ)} identical, {len(differ)} differ")
    print(f"old reader ({args.commit}) {t_old:.2f} s, current reader {t_new:.2f} s")
    for name in differ:
        print("  differs:", name)
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
