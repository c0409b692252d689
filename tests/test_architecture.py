"""The architecture as a checked contract (docs/architecture.md), beyond what `lint-imports`
checks in CI: no import cycle inside `grader` (imports inside functions count), and no module
importing another module's private names."""

from __future__ import annotations

import ast
from pathlib import Path

import grimp

from .conftest import ROOT


def test_no_import_cycle_inside_the_grader():
    graph = grimp.build_graph("grader")
    modules = sorted(graph.modules)
    cycles = []
    for module in modules:
        for imported in graph.find_modules_directly_imported_by(module):
            # A package's __init__ re-exporting its own modules is not a cycle of layers.
            if imported.startswith(module + ".") or module.startswith(imported + "."):
                continue
            if graph.chain_exists(importer=imported, imported=module):
                cycles.append((module, imported))
    assert not cycles, f"import cycles: {cycles}"


def _imported_private_names(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (
            node.level or (node.module or "").startswith("grader")
        ):
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.append(f"{path.relative_to(ROOT)}: {node.module or '.'}.{alias.name}")
    return found


def _private_attributes_of_imported_modules(path: Path) -> list[str]:
    """`codec._x` where `codec` is a module of the grader that this file imported."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (
            node.level or (node.module or "").startswith("grader")
        ):
            modules |= {alias.asname or alias.name for alias in node.names}
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ):
            found.append(f"{path.relative_to(ROOT)}: {node.value.id}.{node.attr}")
    return found


def test_no_module_imports_a_private_name_of_another():
    found = []
    for path in sorted((ROOT / "grader").rglob("*.py")):
        found += _imported_private_names(path) + _private_attributes_of_imported_modules(path)
    assert not found, "private names imported across modules:\n" + "\n".join(found)
