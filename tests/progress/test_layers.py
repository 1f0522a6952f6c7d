"""The shape of the package: one-way imports inside ``progress/``, modules a reader can hold in mind."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "progress"


def imports() -> dict[str, set[str]]:
    """Module -> the ``progress`` modules it imports anywhere (top level, functions, TYPE_CHECKING blocks)."""
    graph: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.glob("*.py")):
        module = path.stem
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                if node.module == "progress":
                    found.update(alias.name for alias in node.names)
                elif node.module.startswith("progress."):
                    found.add(node.module.split(".")[1])
            elif isinstance(node, ast.Import):
                found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("progress."))
        graph[module] = found - {module}
    return graph


def test_no_import_circle_in_the_package():
    graph = imports()
    assert set().union(*graph.values()) <= set(graph), "an import of a module that is not there"
    order: list[str] = []
    state: dict[str, str] = {}

    def visit(module: str, path: list[str]) -> None:
        if state.get(module) == "done":
            return
        assert state.get(module) != "open", "import circle: " + " -> ".join([*path, module])
        state[module] = "open"
        for imported in sorted(graph[module]):
            visit(imported, [*path, module])
        state[module] = "done"
        order.append(module)

    for module in sorted(graph):
        visit(module, [])
    assert len(order) == len(graph)


def below(module: str) -> set[str]:
    """Every module ``module`` imports, directly or not."""
    graph, seen, todo = imports(), set(), [module]
    while todo:
        for imported in graph[todo.pop()]:
            if imported not in seen:
                seen.add(imported)
                todo.append(imported)
    return seen


def test_the_figures_use_the_store_and_never_the_reverse():
    assert "store" in below("stats")
    assert "store" in below("dashboard")
    for figures in ("stats", "dashboard", "scheduler"):
        assert figures not in below("store"), figures


def test_every_module_is_short_enough_to_hold_in_mind():
    lengths = {path.name: len(path.read_text(encoding="utf-8").splitlines()) for path in PACKAGE.glob("*.py")}
    assert max(lengths.values()) <= 520, lengths
