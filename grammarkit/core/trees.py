"""Parse trees and inputs for people and programs: JSON trees, Lark's ``pretty()``
layout, escaped unprintable characters, and an input line with a caret.

Every function works without recursion, so trees as deep as an input allows are fine.
"""

from __future__ import annotations

from typing import Any

MAX_SHOWN_LINE = 200
"""Input lines longer than this are cut around the caret."""


def tree_to_json(tree) -> dict[str, Any]:
    """``{"rule": name, "children": [...]}`` / ``{"token": TYPE, "value", "line", "column"}``
    (built without recursion, so deep trees are fine)."""
    from lark import Tree

    def convert(node):
        if isinstance(node, Tree):
            return {"rule": str(node.data), "children": []}
        return {
            "token": node.type,
            "value": str(node),
            "line": getattr(node, "line", None),
            "column": getattr(node, "column", None),
        }

    root = convert(tree)
    stack = [(tree, root)] if isinstance(tree, Tree) else []  # (``?start: NUMBER`` gives a token)
    while stack:
        node, out = stack.pop()
        for child in node.children:
            converted = convert(child)
            out["children"].append(converted)
            if isinstance(child, Tree):
                stack.append((child, converted))
    return root


def pretty_tree(tree, indent: str = "  ") -> str:
    """Lark's ``tree.pretty()`` layout, without recursion, with control characters (and
    other unprintable ones) in token values escaped so the tree stays one token a line."""
    from lark import Tree

    out: list[str] = []
    stack: list[tuple[Any, int]] = [(tree, 0)]
    while stack:
        node, level = stack.pop()
        pad = indent * level
        if isinstance(node, Tree):
            if len(node.children) == 1 and not isinstance(node.children[0], Tree):
                out.append(f"{pad}{node.data}\t{escape_unprintable(str(node.children[0]))}\n")
            else:
                out.append(f"{pad}{node.data}\n")
                stack.extend((child, level + 1) for child in reversed(node.children))
        else:
            out.append(f"{pad}{escape_unprintable(str(node))}\n")
    return "".join(out)


_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape_unprintable(s: str) -> str:
    """``s`` with every unprintable character (controls, line separators, format
    characters, non-ASCII spaces) as ``\\n``/``\\t``/``\\r`` or ``\\xNN``/``\\uNNNN``."""
    if s.isprintable():
        return s
    return "".join(c if c.isprintable() else _escape_char(c) for c in s)


def _escape_char(c: str) -> str:
    if c in _ESCAPES:
        return _ESCAPES[c]
    code = ord(c)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def caret_lines(text: str, line: int, column: int) -> list[str]:
    """The input's ``line`` (unprintable characters escaped) and a caret under ``column``,
    in the layout ``check`` uses (`` 3 | text`` / ``   |   ^``)."""
    rows = text.split("\n")
    source = rows[line - 1] if 0 < line <= len(rows) else ""
    before = escape_unprintable(source[: column - 1])
    shown = before + escape_unprintable(source[column - 1 :])
    col = len(before) + 1
    if len(shown) > MAX_SHOWN_LINE:
        shift = max(0, col - 1 - MAX_SHOWN_LINE // 2)
        shown = ("…" if shift else "") + shown[shift : shift + MAX_SHOWN_LINE] + "…"
        col = col - shift + (1 if shift else 0)
    gutter = str(line)
    first = f" {gutter} | {shown}" if shown else f" {gutter} |"
    return [first, f" {' ' * len(gutter)} | {' ' * (col - 1)}^"]
