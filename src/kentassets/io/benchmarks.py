"""Read the benchmark table: the one shipped in the package, and a user's override file."""

from __future__ import annotations

import tomllib
from os import PathLike
from pathlib import Path

from ..errors import BenchmarkError
from ..reference.benchmarks import (
    BenchmarkTable,
    benchmarks_from_mapping,
    benchmarks_to_toml,
    shipped_benchmarks,
)
from .outputs import write_text_atomic

__all__ = ["default_benchmarks", "read_benchmarks", "write_benchmarks_template"]

_PACKAGE_FILE = "benchmarks.toml"


def default_benchmarks() -> BenchmarkTable:
    """The table shipped with kentassets (``kentassets/data/benchmarks.toml``):
    :func:`kentassets.reference.benchmarks.shipped_benchmarks`.

    Examples
    --------
    >>> default_benchmarks().get("library", "gia_m2").basis
    'published'
    """
    return shipped_benchmarks()


def read_benchmarks(path: str | PathLike[str] | None = None) -> BenchmarkTable:
    """The table in force: the shipped one, with the rows of ``path`` (if any) replacing it.

    Parameters
    ----------
    path
        A TOML file whose ``[use.figure]`` tables (e.g. ``[library.cost_per_m2_gbp]``)
        override the shipped rows; ``None`` gives the shipped table.

    Returns
    -------
    BenchmarkTable

    Raises
    ------
    BenchmarkError
        When the file is missing, is not TOML, or a row is malformed; the message
        names the file, the key and the fix.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     mine = pathlib.Path(tmp) / "mine.toml"
    ...     _ = mine.write_text('[office.cost_per_m2_gbp]\\nlow = 150\\ncentral = 220\\n'
    ...                         'high = 300\\nsource = "Kent estates review 2025"\\n')
    ...     read_benchmarks(mine).get("office", "cost_per_m2_gbp").central
    220.0
    """
    base = default_benchmarks()
    if path is None:
        return base
    file = Path(path)
    if not file.is_file():
        raise BenchmarkError(f"{path}: benchmark file not found. Check the path, or write a "
                             "template with `kentassets benchmarks template --out PATH`")
    try:
        data = tomllib.loads(file.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise BenchmarkError(f"{path}: not a readable TOML file ({exc}). Fix the syntax; "
                             "`kentassets benchmarks template` writes a valid example") from exc
    return benchmarks_from_mapping(data, origin=file.name, base=base)


def write_benchmarks_template(
    path: str | PathLike[str], table: BenchmarkTable | None = None
) -> Path:
    """Write ``table`` (default: the shipped one) as an editable TOML file, atomically.

    Refuses to overwrite an existing file, so a user's edited table is never lost.

    Raises
    ------
    BenchmarkError
        When ``path`` exists already.
    """
    target = Path(path)
    if target.exists():
        raise BenchmarkError(f"{path}: already exists; kentassets does not overwrite it. "
                             "Choose another --out path or remove the file")
    return write_text_atomic(target, benchmarks_to_toml(table or default_benchmarks()))
