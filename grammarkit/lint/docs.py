"""Documentation generated from the code: the README's rule table.

The table between ``<!-- rules-table:start -->`` and ``<!-- rules-table:end -->`` in
README.md is :func:`rules_markdown_table` (code, name, severity and the summary line of
each rule's docstring, from :func:`grammarkit.rules.all_rules`). Regenerate it with::

    python -m grammarkit.lint.docs --write README.md

``--check README.md`` exits 1 when the file is out of date; with no option the table is
printed.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable
from pathlib import Path

from grammarkit.lint.registry import all_rules

START = "<!-- rules-table:start -->"
END = "<!-- rules-table:end -->"

_DOUBLE_TICKS = re.compile(r"``(.+?)``")


def markdown_cell(text: str) -> str:
    """Docstring text as a Markdown table cell: ````x```` -> ```x``` (unless ``x`` holds a
    backtick), ``|`` escaped, on one line."""
    text = _DOUBLE_TICKS.sub(lambda m: m.group(0) if "`" in m.group(1) else f"`{m.group(1)}`", text)
    return " ".join(text.replace("|", "\\|").split())


_CODE_SPAN = re.compile(r"(``.+?``)", re.S)


def plain_text(text: str) -> str:
    """reStructuredText/Markdown-ish docstring text made readable on a terminal.

    ``**What it flags.**`` loses its stars (outside code spans only: ````a**```` is
    code); ````code```` becomes ```code``` (or keeps its double backticks when the code
    itself contains a backtick).
    """
    parts = _CODE_SPAN.split(text)
    for i, part in enumerate(parts):
        if i % 2:  # a code span
            inner = part[2:-2]
            parts[i] = part if "`" in inner else f"`{inner}`"
        else:
            parts[i] = part.replace("**", "")
    return "".join(parts)


def markdown_text(text: str) -> str:
    """Docstring text as Markdown: ````code```` becomes ```code``` (Markdown needs no
    doubled backticks unless the code holds one); bold and indented code blocks already
    are Markdown."""
    parts = _CODE_SPAN.split(text)
    for i, part in enumerate(parts):
        if i % 2:
            inner = part[2:-2]
            if "`" not in inner:
                parts[i] = f"`{inner}`"
    return "".join(parts)


def rules_markdown_table(rules: Iterable | None = None) -> str:
    """The Markdown table of every rule (code, name, severity, summary), in code order."""
    if rules is None:
        rules = all_rules()
    lines = ["| code | name | severity | summary |", "|---|---|---|---|"]
    for rule in rules:
        lines.append(
            f"| {rule.code} | {rule.name} | {rule.severity.value} | {markdown_cell(rule.summary)} |"
        )
    return "\n".join(lines) + "\n"


def rules_table_section(text: str) -> str:
    """What stands between the markers in ``text`` (raises ``ValueError`` without them)."""
    start, end = _marker_positions(text)
    return text[start + len(START) : end].strip("\n") + "\n"


def replace_rules_table(text: str, table: str | None = None) -> str:
    """``text`` with the generated table between the markers."""
    start, end = _marker_positions(text)
    table = rules_markdown_table() if table is None else table
    return text[: start + len(START)] + "\n" + table + text[end:]


def _marker_positions(text: str) -> tuple[int, int]:
    start = text.find(START)
    end = text.find(END, start + 1) if start != -1 else -1
    if start == -1 or end == -1:
        raise ValueError(f"the markers {START} and {END} were not found (in that order)")
    return start, end


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m grammarkit.lint.docs", description=__doc__.splitlines()[0])
    group = ap.add_mutually_exclusive_group()
    group.add_argument("--write", metavar="README", help="rewrite the rule table in this file")
    group.add_argument("--check", metavar="README", help="exit 1 when the rule table in this file is out of date")
    args = ap.parse_args(argv)
    target = args.write or args.check
    if target is None:
        sys.stdout.write(rules_markdown_table())
        return 0
    path = Path(target)
    try:
        text = path.read_text(encoding="utf-8")
        updated = replace_rules_table(text)
    except (OSError, ValueError) as exc:
        print(f"grammarkit.lint.docs: error: {path}: {exc}", file=sys.stderr)
        return 2
    if args.check:
        if updated != text:
            print(f"{path}: the rule table is out of date (run: python -m grammarkit.lint.docs --write {path})")
            return 1
        print(f"{path}: the rule table is up to date")
        return 0
    if updated != text:
        path.write_text(updated, encoding="utf-8")
        print(f"{path}: rule table updated")
    else:
        print(f"{path}: rule table already up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
