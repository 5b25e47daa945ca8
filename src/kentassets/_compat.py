"""Old import paths of modules that moved into the stage packages (issue 21).

``import kentassets.decisions`` (or ``from kentassets.render.printmap import
write_atlas``) keeps working: a finder on :data:`sys.meta_path` answers each old
dotted path in :data:`MOVED` with the module at its new path, the same module
object, so attributes, ``monkeypatch`` and pickles agree. Nothing is imported
until an old path is used. New code imports the new paths.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
from types import ModuleType
from typing import Final

#: Old dotted module path -> the module that holds its code now.
MOVED: Final[dict[str, str]] = {
    "kentassets.benchmarks": "kentassets.reference.benchmarks",
    "kentassets.context": "kentassets.reference.context",
    "kentassets.estimates": "kentassets.opportunities.estimates",
    "kentassets.surplus": "kentassets.opportunities.surplus",
    "kentassets.sectors": "kentassets.opportunities.sectors",
    "kentassets.matching": "kentassets.rounds.matching",
    "kentassets.decisions": "kentassets.rounds.decisions",
    "kentassets.changes": "kentassets.rounds.changes",
    "kentassets.programme": "kentassets.rounds.programme",
    "kentassets.compare": "kentassets.pipeline.compare",
    "kentassets.workshop": "kentassets.pipeline.workshop",
    "kentassets.cli_rounds": "kentassets.cli.rounds",
    "kentassets.render.printmap": "kentassets.render.print",
    "kentassets.render.webmap": "kentassets.render.web",
    "kentassets.render.index": "kentassets.render.web.index",
}

#: Old dotted path of a name whose module stayed -> the module that holds the name now.
MOVED_NAMES: Final[dict[str, str]] = {
    "kentassets.io.decisions.read_decisions": "kentassets.pipeline.workshop",
    # The renderers are pure (issue 21): the functions that write a file moved.
    "kentassets.render.print.write_atlas": "kentassets.pipeline.maps",
    "kentassets.render.print.write_figure_pdf": "kentassets.pipeline.maps",
}


def moved_name(module: str, name: str) -> object:
    """The object an old ``module.name`` path names now (a module's ``__getattr__``).

    Raises
    ------
    AttributeError
        When ``module.name`` never existed.
    """
    new = MOVED_NAMES.get(f"{module}.{name}")
    if new is None:
        raise AttributeError(f"module {module!r} has no attribute {name!r}")
    return getattr(importlib.import_module(new), name)


class _Alias(importlib.abc.Loader):
    """Loads an old path as the module at its new path."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.spec: importlib.machinery.ModuleSpec | None = None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        module = importlib.import_module(self.target)
        self.spec = module.__spec__
        return module

    def exec_module(self, module: ModuleType) -> None:
        # The import system set the old spec on the shared module object: put its own back.
        module.__spec__ = self.spec


class _OldPaths(importlib.abc.MetaPathFinder):
    """Finds the old dotted paths of :data:`MOVED`, and nothing else."""

    def find_spec(
        self, fullname: str, path: object = None, target: object = None
    ) -> importlib.machinery.ModuleSpec | None:
        new = MOVED.get(fullname)
        if new is None:
            return None
        return importlib.machinery.ModuleSpec(fullname, _Alias(new))


def install() -> None:
    """Put the finder first on :data:`sys.meta_path` (once)."""
    if not any(isinstance(f, _OldPaths) for f in sys.meta_path):
        sys.meta_path.insert(0, _OldPaths())
