"""The house rules that a test can check (issue 21): the import contract of
``pyproject.toml`` ([tool.importlinter]), the size of the top level, and the
public API, including every old import path of a module that moved."""

from __future__ import annotations

import importlib
import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import kentassets
from kentassets import _compat

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = Path(kentassets.__file__).resolve().parent

#: Every (module, names) that src, tests, examples, notebooks, benchmarks, docs and the
#: README imported before the stage packages (issue 21); each must import still.
PUBLIC_BEFORE: dict[str, tuple[str, ...]] = {
    line.split()[0]: tuple(line.split()[1:])
    for line in (ROOT / "tests" / "data" / "public_api_0d94c1a.txt").read_text("utf-8").splitlines()
    if line.strip() and not line.startswith("#")
}


def _lint_imports() -> Path:
    exe = Path(sys.executable).with_name("lint-imports")
    if importlib.util.find_spec("importlinter") is None or not exe.exists():
        pytest.skip("import-linter is not installed (pip install -e '.[test]')")
    return exe


def test_import_contract_is_kept() -> None:
    """`lint-imports`: the layers, no stage imports a renderer, io imports no stage."""
    env = {**os.environ, "PYTHONPATH": str(PACKAGE.parent)}
    run = subprocess.run([str(_lint_imports()), "--no-cache"], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "0 broken" in run.stdout


def test_top_level_holds_at_most_ten_modules() -> None:
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= 10, top


@pytest.mark.parametrize("module", sorted(PUBLIC_BEFORE))
def test_public_names_still_import(module: str) -> None:
    imported = importlib.import_module(module)
    missing = [name for name in PUBLIC_BEFORE[module] if not hasattr(imported, name)
               and importlib.util.find_spec(f"{module}.{name}") is None]
    assert not missing, f"{module}: {missing}"


def test_every_name_of_the_package_api_imports() -> None:
    assert kentassets.__all__
    for name in kentassets.__all__:
        assert getattr(kentassets, name) is not None, name


@pytest.mark.parametrize(("old", "new"), sorted(_compat.MOVED.items()))
def test_old_module_path_is_the_moved_module(old: str, new: str) -> None:
    moved = importlib.import_module(old)
    assert moved is importlib.import_module(new)
    assert moved.__name__ == new
    assert moved.__spec__ is not None and moved.__spec__.name == new


def test_moved_names_resolve() -> None:
    for path, new in _compat.MOVED_NAMES.items():
        module, name = path.rsplit(".", 1)
        assert getattr(importlib.import_module(module), name) is getattr(
            importlib.import_module(new), name)
    with pytest.raises(AttributeError):
        _compat.moved_name("kentassets.io.decisions", "no_such_name")


def test_command_line_runs_as_a_module() -> None:
    env = {**os.environ, "PYTHONPATH": str(PACKAGE.parent)}
    for module in ("kentassets", "kentassets.cli"):
        run = subprocess.run([sys.executable, "-m", module, "--version"], env=env,
                             capture_output=True, text=True, check=False)
        assert run.returncode == 0, run.stderr
        assert run.stdout.startswith("kentassets ")
    from kentassets.cli import main

    assert callable(main)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(dotted: str) -> bool:
    try:
        return importlib.util.find_spec(dotted) is not None
    except ModuleNotFoundError:  # the parent is a module, not a package
        return False


def _import_target(node: Any, path: Path) -> str:
    """The dotted module a ``from ... import`` in ``path`` imports from (relative resolved)."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    if not node.level:
        return str(node.module or "")
    base = package.split(".")
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def test_no_module_imports_another_modules_private_names() -> None:
    """A name another module needs is public in its module, or lives in a package's
    private ``_module.py`` (importing such a module is fine; its names are public)."""
    import ast

    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_name(path)
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.ImportFrom):
                continue
            target = _import_target(node, path)
            for alias in node.names:
                name = alias.name
                if (target.startswith("kentassets") and name.startswith("_")
                        and not name.startswith("__") and target != module
                        and not _is_module(f"{target}.{name}")):
                    found.append(f"{module}: from {target} import {name}")
    assert found == []


def _imports_of(path: Path) -> set[str]:
    """The kentassets modules a module imports (any depth of the file), as dotted names."""
    import ast

    module = _module_name(path)
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom):
            target = _import_target(node, path)
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {m for m in found if m.startswith("kentassets.")} - {module}


def test_no_import_cycles() -> None:
    """As ``house_metrics.py`` counts them: a package imported by its own modules is one."""
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {m: _imports_of(p) & set(modules) for m, p in modules.items()}
    state: dict[str, int] = {}
    cycles: list[str] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join([*path[path.index(nxt):], nxt]))
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []
