"""The package's architecture, enforced: the layer contract of pyproject.toml holds, no
module imports another in a cycle, and no module imports another module's private name.

``lint-imports`` (import-linter) checks the contracts in CI as well; these tests say the
same from inside the test suite, with the offending imports in the failure message."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from grammarkit.core.graphs import strongly_connected

PACKAGE = Path(__file__).resolve().parent.parent / "grammarkit"


def _graph():
    grimp = pytest.importorskip("grimp")
    return grimp.build_graph("grammarkit", include_external_packages=False)


def _cycles(graph) -> list[list[str]]:
    """Strongly connected components of more than one module, each sorted."""
    modules = sorted(graph.modules)
    edges = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in modules}
    return [sorted(c) for c in strongly_connected(modules, edges) if len(c) > 1]


def test_no_import_cycles():
    assert _cycles(_graph()) == []


def test_the_cycle_finder_finds_cycles():
    class Graph:
        modules = {"a", "b", "c", "d"}
        edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}

        def find_modules_directly_imported_by(self, m):
            return self.edges.get(m, set())

    assert _cycles(Graph()) == [["a", "b", "c"]]


def test_layer_contracts_hold():
    pytest.importorskip("importlinter")
    from importlinter.cli import lint_imports

    root = str(PACKAGE.parent)
    sys.path.insert(0, root)
    try:
        assert lint_imports(config_filename=str(PACKAGE.parent / "pyproject.toml")) == 0
    finally:
        sys.path.remove(root)


def _private_imports(source: str, module: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("grammarkit"):
            if node.module == module:
                continue
            found += [
                f"{module}:{node.lineno}: from {node.module} import {a.name}"
                for a in node.names
                if a.name.startswith("_") and not a.name.startswith("__")
            ]
    return found


def test_no_module_imports_a_private_name_of_another():
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")
        problems += _private_imports(path.read_text(encoding="utf-8"), module)
    assert problems == []


def test_the_private_import_check_sees_one():
    assert _private_imports("from grammarkit.llg.runner import _x\n", "grammarkit.x") == [
        "grammarkit.x:1: from grammarkit.llg.runner import _x"
    ]
    assert _private_imports("from grammarkit.llg.runner import run_in_child\n", "grammarkit.x") == []


def test_package_modules_use_absolute_imports():
    relative = [
        f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom) and node.level
    ]
    assert relative == []
