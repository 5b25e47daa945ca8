"""The notebooks run from top to bottom without an error, and are stored without outputs.

Each notebook is executed with nbclient on the ``python3`` kernel, which
jupyter_client starts with the interpreter running the tests, in a temporary
working folder. If no ``python3`` kernelspec is installed the execution tests
skip; install one into the environment with ``python -m ipykernel install
--sys-prefix``.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
KERNEL = "python3"
#: Budget per notebook, seconds (the slowest, the quick start, takes about 35 s).
TIMEOUT_S = 600
#: Text each notebook's outputs must show: the story's key results.
EXPECTED = {
    "01_quick_start": ["<b>LoadResult</b>", "co-locations</b>", "srcdoc=", "files to"],
    "02_bring_your_own_registers": ["no_location", "duplicate_asset_id", "postcode_not_found",
                                    "Where we are", "13 assets loaded from 14 rows"],
    "03_distance_and_space_standard": ["image/png", "must be between 4 and 30",
                                       "iframe srcdoc"],
}


def _ids(paths: list[Path]) -> list[str]:
    return [p.stem for p in paths]


@pytest.fixture(scope="module")
def kernel_name() -> str:
    """The kernel to run the notebooks on, or skip with how to install it."""
    pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec(KERNEL)
    except NoSuchKernel:
        pytest.skip(
            f"no {KERNEL!r} Jupyter kernel: install one with "
            "`python -m ipykernel install --sys-prefix`"
        )
    return KERNEL


def test_there_are_three_notebooks() -> None:
    assert [p.name for p in NOTEBOOKS] == [
        "01_quick_start.ipynb",
        "02_bring_your_own_registers.ipynb",
        "03_distance_and_space_standard.ipynb",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_is_valid_and_stripped(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.nbformat == 4
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert code, f"{path.name} has no code cells"
    for i, cell in enumerate(code):
        assert cell.outputs == [], f"{path.name}: code cell {i} has stored outputs; strip them"
        assert cell.execution_count is None, f"{path.name}: code cell {i} has an execution count"
    assert nb.cells[0].cell_type == "markdown", "each notebook opens with its story"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_uses_only_the_public_api(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    source = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "code")
    assert "import kentassets as ka" in source
    assert "from kentassets" not in source
    assert "ka._" not in source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_runs(path: Path, kernel_name: str, tmp_path: Path) -> None:
    from nbclient import NotebookClient

    workdir = tmp_path / "cwd"
    scratch = tmp_path / "tmp"  # the notebooks' temporary folders, removed by pytest
    workdir.mkdir()
    scratch.mkdir()
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name=kernel_name,
        timeout=TIMEOUT_S,
        resources={"metadata": {"path": str(workdir)}},  # the kernel's working folder
    )
    start = time.perf_counter()
    # Raises CellExecutionError naming the cell on any error.
    client.execute(env={**os.environ, "TMPDIR": str(scratch)})
    elapsed = time.perf_counter() - start

    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        errors = [o for o in cell.outputs if o.output_type == "error"]
        assert not errors, f"{path.name}: cell {i} raised {errors[0].ename}: {errors[0].evalue}"
        assert cell.execution_count is not None, f"{path.name}: cell {i} did not run"
    shown = nbformat.writes(nb)
    for text in EXPECTED[path.stem]:
        assert text in shown, f"{path.name}: expected {text!r} among the outputs"
    # Nothing written into the working folder by accident (notebooks use temp folders).
    assert list(workdir.iterdir()) == []
    assert list(scratch.iterdir()), "the notebook should write into a temporary folder"
    # The file on disk is untouched: execution happened in memory only.
    assert all(
        cell.outputs == []
        for cell in nbformat.read(path, as_version=4).cells
        if cell.cell_type == "code"
    )
    print(f"{path.name}: {elapsed:.1f} s")

