"""The documents name the tree as it is (issue 21): docs/architecture.md's module list,
flow diagram and layer contract, and the files CONTRIBUTING.md points to."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import kentassets

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = Path(kentassets.__file__).resolve().parent
ARCHITECTURE = (ROOT / "docs" / "architecture.md").read_text("utf-8")
CONTRIBUTING = (ROOT / "CONTRIBUTING.md").read_text("utf-8")


def _section_block(text: str, heading: str) -> str:
    """The first ``` block after ``heading``."""
    after = text[text.index(heading):]
    return after.split("```", 2)[1]


def _listed_modules() -> set[str]:
    """Paths (relative to src/kentassets) in the Modules list: ``x.py``, ``pkg/`` and the
    names indented under a package."""
    listed: set[str] = set()
    package = ""
    for line in _section_block(ARCHITECTURE, "## Modules").splitlines():
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        if indent > 2:
            continue  # a description's next line
        names = re.match(r"\s*([\w./]+(?:, [\w./]+)*)", line)
        assert names, line
        for name in names.group(1).split(", "):
            if indent == 0:
                listed.add(name.rstrip("/"))
                package = name if name.endswith("/") else ""
            else:
                assert package, f"an indented line outside a package: {line!r}"
                listed.add(package + name.rstrip("/"))
    return listed


def _tree_modules() -> set[str]:
    return {str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
            if p.name != "__init__.py" and "__pycache__" not in p.parts}


def test_every_listed_module_exists() -> None:
    missing = sorted(p for p in _listed_modules() if not (PACKAGE / p).exists())
    assert missing == []


def test_every_module_of_the_tree_is_listed() -> None:
    listed = _listed_modules()
    packages = {str(p.parent.relative_to(PACKAGE)) for p in PACKAGE.rglob("__init__.py")}
    unlisted = sorted(m for m in _tree_modules() if m not in listed)
    assert unlisted == []
    assert sorted(p for p in packages if p != "." and p not in listed
                  and not any(m.startswith(p + "/") for m in listed)) == []


def test_the_flow_names_every_stage_package() -> None:
    flow = _section_block(ARCHITECTURE, "## The flow")
    named = set(re.findall(r"(?m)^\s*([a-z_]+)/", flow))
    stages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert sorted(n for n in named if n not in stages) == []
    assert sorted(stages - named - {"sample", "reference"}) == []


def test_the_documented_layers_are_the_contract() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    contract = next(c for c in config["tool"]["importlinter"]["contracts"]
                    if c["type"] == "layers")
    layers = [set(re.split(r"\s*[|:]\s*", layer)) for layer in contract["layers"]]
    documented = _section_block(ARCHITECTURE, "## The layer contract")
    parts = [set(re.split(r"\s*[|,]\s*", part.strip(" ()\n")))
             for part in documented.replace("\n", " ").split(">")]
    assert parts == layers


def test_contributing_names_only_files_that_exist() -> None:
    """Every file or folder in backticks exists: from the checkout, from the package, or
    (a bare file name) in a folder named on the same line."""
    pattern = r"`([\w./<>-]+(?:/|\.(?:py|toml|md|js|css|json|txt)))`"
    missing, seen = [], 0
    for line in CONTRIBUTING.splitlines():
        named = [n for n in re.findall(pattern, line) if "<" not in n]
        seen += len(named)
        folders = {n if n.endswith("/") else n.rsplit("/", 1)[0] + "/"
                   for n in named if "/" in n}
        bases = [ROOT, PACKAGE, *(b / f for b in (ROOT, PACKAGE) for f in folders)]
        missing += [n for n in named if not any((b / n).exists() for b in bases)]
    assert seen > 40
    assert missing == []


def test_contributing_says_where_to_add_things() -> None:
    for task in ("add a score component", "add a map layer (print and web)",
                 "add a register format", "add an estimate", "add a stage"):
        assert task in CONTRIBUTING, task
