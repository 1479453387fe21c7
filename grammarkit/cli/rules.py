"""``grammarkit rules [CODE]``: the rule list, or one rule's documentation."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from grammarkit.cli.options import TextOrJson


def rules(
    code: Annotated[
        str | None, typer.Argument(help="A rule code (GK107) or name (unbounded-ignore); omit for the list.")
    ] = None,
    output_format: Annotated[TextOrJson, typer.Option("--format", help="Output format.")] = TextOrJson.text,
) -> int:
    """List every lint rule, or print one rule's full documentation."""
    from grammarkit.lint.registry import all_rules, get_rule

    if code is None:
        listed = all_rules()
        if output_format is TextOrJson.json:
            import json

            print(json.dumps({"rules": [rule_to_dict(r) for r in listed]}, indent=2, ensure_ascii=False))
        else:
            print(rules_table(listed))
        return 0
    rule = get_rule(code)
    if rule is None:
        print(
            f"grammarkit: error: unknown rule {code!r} (run 'grammarkit rules' for the list)",
            file=sys.stderr,
        )
        return 2
    if output_format is TextOrJson.json:
        import json

        data = rule_to_dict(rule)
        data["doc"] = rule.doc
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        print(render_doc(rule))
    return 0


def rule_to_dict(rule) -> dict:
    return {
        "code": rule.code,
        "name": rule.name,
        "severity": rule.severity.value,
        "syntaxes": list(rule.syntaxes),
        "summary": rule.summary,
    }


def rules_table(rules) -> str:
    """Code, name, severity and summary of each rule, in aligned columns."""
    from grammarkit.lint.docs import plain_text

    rows = [("CODE", "NAME", "SEVERITY", "SUMMARY")]
    rows += [(r.code, r.name, r.severity.value, plain_text(r.summary)) for r in rules]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=False)) + "  " + row[3]
        for row in rows
    )


def render_doc(rule) -> str:
    """A rule's docstring for a terminal: a header line, then the four parts."""
    from grammarkit.lint.docs import plain_text

    lines = rule.doc.splitlines()
    header = plain_text(lines[0]) if lines else f"{rule.code} {rule.name}"
    body = plain_text("\n".join(lines[1:])).strip("\n")
    meta = f"severity: {rule.severity.value}; applies to: {', '.join(rule.syntaxes)} grammars"
    return f"{header}\n{meta}\n\n{body}" if body else f"{header}\n{meta}"
