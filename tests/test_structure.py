"""The shape of the code: stage libraries import without Prefect or GX, tasks stay thin wrappers, modules
stay short, and no module imports itself back through others."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

PACKAGES = ("crosswire", "tasks", "flows", "expectations")
STAGES = ("crosswire.ingest", "crosswire.clean", "crosswire.dedupe", "crosswire.extract", "crosswire.load",
          "crosswire.store")
MAX_TASK_LINES, MAX_MODULE_LINES = 80, 400


def modules() -> dict[str, Path]:
    """Module name -> file, for every module of the project's packages."""
    found = {}
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            parts = path.relative_to(REPO).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imported(name: str, path: Path, known: set[str]) -> set[str]:
    """The project's modules that `name` imports, at any depth of its code (an import inside a function
    to dodge a cycle is an import too). `from package import module` names the module."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package.split(".")[: len(package.split(".")) - node.level + 1], *filter(None, [base])])
            found |= {f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names}
    return {module for module in found if module in known and module != name}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found, counter = {}, {}, [], set(), [], [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
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

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_itself_back():
    known = modules()
    graph = {name: imported(name, path, set(known)) for name, path in known.items()}
    assert graph["flows.etl"] >= {"tasks.clean", "crosswire.ingest"}  # the graph is read, not empty
    assert cycles(graph) == []


def test_cycles_are_found():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_stage_libraries_import_neither_prefect_nor_gx():
    code = (f"import sys, {', '.join(STAGES)}; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'prefect', 'great_expectations'}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("path", sorted((REPO / "tasks").glob("*.py")), ids=lambda p: p.name)
def test_tasks_are_thin_wrappers(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= MAX_TASK_LINES


def test_modules_are_short():
    long = {str(path.relative_to(REPO)): n for path in modules().values()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert long == {}
