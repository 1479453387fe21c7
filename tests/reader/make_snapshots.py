"""Write the reader's output for the bundled grammars, the clean fixtures and the extra
grammars of fixtures/extra_grammars.json as JSON snapshots (tests/reader/fixtures/models/).

The snapshots were written by the reader before it was made faster (commit 6ecd8f7; written again from main 4333678 after merging its reader change: empty pieces take no part in a span) and
pin its output: tests/reader/test_reader_snapshots.py compares the reader with them. Run
it again only on purpose, when the model changes: ``python tests/reader/make_snapshots.py``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from reader_snapshot import dump_result  # noqa: E402

from grammarkit.reader import read_grammar  # noqa: E402

OUT = HERE / "fixtures" / "models"


def sources() -> dict[str, str]:
    """Snapshot name → grammar text."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "grammars").glob("*.lark")):
        found[f"grammars-{path.stem}"] = path.read_text(encoding="utf-8")
    for path in sorted((ROOT / "tests" / "fixtures" / "clean").glob("*.lark")):
        found[f"clean-{path.stem}"] = path.read_text(encoding="utf-8")
    extra = json.loads((HERE / "fixtures" / "extra_grammars.json").read_text(encoding="utf-8"))
    for name, text in extra.items():
        found[f"extra-{name}"] = text
    return found


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, text in sources().items():
        data = {"text": text, "result": dump_result(read_grammar(text))}
        (OUT / f"{name}.json").write_text(json.dumps(data, ensure_ascii=False, indent=None) + "\n", encoding="utf-8")
    print(f"wrote {len(sources())} snapshots to {OUT}")


if __name__ == "__main__":
    main()
