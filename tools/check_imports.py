"""Fail on import cycles: between the packages of ``bot`` and between any two modules.

Every import counts, including those under ``if TYPE_CHECKING:`` and inside functions: a
cycle hidden from the interpreter is still two packages that cannot be understood, tested
or replaced one without the other. Run by ``make lint``.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path
from typing import Dict, Iterable, List, Set

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "actions", "bench", "tools", "tests")
RUNTIME = ("bot", "actions")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported(path: Path, name: str) -> Set[str]:
    """The project modules ``path`` imports (``from a import b`` counts ``a.b`` if it is a
    module, else ``a``)."""
    tree = ast.parse(path.read_text("utf-8"), str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: Set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {m for m in found if m.split(".")[0] in PACKAGES}


def graph() -> Dict[str, Set[str]]:
    paths = {module_name(p): p for package in PACKAGES for p in (ROOT / package).rglob("*.py")}
    edges: Dict[str, Set[str]] = {}
    for name, path in paths.items():
        edges[name] = {m for m in imported(path, name) if m in paths and m != name}
    return edges


def package_of(module: str) -> str:
    """``bot.store.orders`` -> ``bot.store``; ``bot.settings`` -> ``bot.settings``."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "bot" else parts[0]


def cycles(edges: Dict[str, Set[str]]) -> List[List[str]]:
    """Strongly connected components with more than one node (Tarjan)."""
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    stack: List[str] = []
    on_stack: Set[str] = set()
    found: List[List[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in edges.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def collapse(edges: Dict[str, Set[str]], modules: Iterable[str]) -> Dict[str, Set[str]]:
    """The package graph of the runtime: an edge when any module imports another package's."""
    packages: Dict[str, Set[str]] = {}
    for module in modules:
        source = package_of(module)
        targets = {package_of(t) for t in edges[module] if t.split(".")[0] in RUNTIME}
        packages.setdefault(source, set()).update(targets - {source})
    return packages


def main() -> int:
    edges = graph()
    runtime = [m for m in edges if m.split(".")[0] in RUNTIME]
    problems = [("modules", c) for c in cycles(edges)]
    problems += [("packages", c) for c in cycles(collapse(edges, runtime))]
    for kind, members in problems:
        print(f"import cycle between {kind}: {' <-> '.join(members)}")
    leaks = sorted(m for m in runtime if any(t.split(".")[0] == "tools" for t in edges[m]))
    for module in leaks:
        print(f"{module} imports tools/, which is development-only")
    return 1 if problems or leaks else 0


if __name__ == "__main__":
    sys.exit(main())
