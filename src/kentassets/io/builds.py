"""Reading a kentassets output folder back: a previous round, or one side of a diff.

A build writes ``assets.gpkg`` (the published assets with their
``colocation_id``), ``colocations.csv`` (the co-locations and their scores),
``parameters.json`` and, from this version, ``colocation_ids.csv`` (the id
register of :mod:`kentassets.rounds`). :func:`read_build` reads them into a
:class:`BuildData`; a folder without them is not a kentassets output and gets
a one-line :class:`~kentassets.errors.BuildFolderError`.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from .. import schema
from ..errors import BuildFolderError
from .outputs import MARKER, write_csv

__all__ = ["REGISTER_FILE", "BuildData", "read_build", "read_register", "write_register"]

#: File name of the id register in an output folder.
REGISTER_FILE = "colocation_ids.csv"
#: Columns of the id register, in order (described in :mod:`kentassets.rounds`).
REGISTER_COLUMNS = (
    schema.COLOCATION_ID,
    schema.DISTRICT_CODE,
    "first_round",
    "last_round",
    "status",
    "merged_into",
    "split_from",
)
_NEEDED = ("assets.gpkg", "colocations.csv", "parameters.json")


@dataclass
class BuildData:
    """One build's outputs, as read back from its folder.

    Parameters
    ----------
    folder
        The output folder.
    assets
        ``assets.gpkg``: the published assets, EPSG:27700, with ``colocation_id``.
    colocations
        ``colocations.csv``: one row per co-location, without the ``param_`` columns.
    params, totals
        From ``parameters.json``.
    register
        ``colocation_ids.csv``, or ``None`` for a build made before ids were
        carried between rounds.
    """

    folder: Path
    assets: gpd.GeoDataFrame
    colocations: pd.DataFrame
    params: dict[str, Any]
    totals: dict[str, Any]
    register: pd.DataFrame | None = None

    @property
    def round_number(self) -> int:
        """The round this build was (1 when it has no register)."""
        if self.register is None or len(self.register) == 0:
            return 1
        return int(self.register["last_round"].max())

    @property
    def label(self) -> str:
        """A short name for the build: its data date, else its folder name."""
        date = self.params.get("as_of_date")
        return str(date) if date else self.folder.name


def _not_a_build(folder: str | os.PathLike[str], missing: list[str]) -> BuildFolderError:
    return BuildFolderError(
        f"{folder}: not a kentassets output folder (no {', '.join(missing)}). Give the folder "
        "a `kentassets build` wrote (the one with index.html and assets.gpkg)."
    )


def read_register(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read an id register (``colocation_ids.csv``).

    Raises
    ------
    BuildFolderError
        When the file lacks the register's columns.
    """
    frame = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    missing = [c for c in REGISTER_COLUMNS if c not in frame.columns]
    if missing:
        raise BuildFolderError(
            f"{path}: not a co-location id register (no column {', '.join(missing)}). Restore "
            "the colocation_ids.csv the build wrote, or delete it to start the ids afresh."
        )
    frame = frame.replace("", pd.NA)
    for col in ("first_round", "last_round"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").fillna(1).astype("int64")
    return frame[list(REGISTER_COLUMNS)]


def write_register(register: pd.DataFrame, folder: str | os.PathLike[str]) -> Path:
    """Write the id register into ``folder`` as ``colocation_ids.csv`` (atomically)."""
    return write_csv(register, Path(folder) / REGISTER_FILE)


def read_build(folder: str | os.PathLike[str]) -> BuildData:
    """Read the outputs of a build back from its folder.

    Parameters
    ----------
    folder
        An output folder written by ``kentassets build`` (or :func:`kentassets.build`).

    Returns
    -------
    BuildData
        The assets, co-locations, parameters and id register.

    Raises
    ------
    BuildFolderError
        When ``folder`` is not a kentassets output folder.
    """
    base = Path(folder)
    if not base.is_dir():
        raise BuildFolderError(
            f"{folder}: not a kentassets output folder (it does not exist or is not a "
            "folder). Give the folder a `kentassets build` wrote."
        )
    missing = [name for name in (MARKER, *_NEEDED) if not (base / name).is_file()]
    if missing:
        raise _not_a_build(folder, missing)
    try:
        assets = gpd.read_file(base / "assets.gpkg", engine="pyogrio")
        colocations = pd.read_csv(base / "colocations.csv", dtype={schema.COLOCATION_ID: str},
                                  encoding="utf-8-sig")
        meta = json.loads((base / "parameters.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BuildFolderError(
            f"{folder}: the outputs cannot be read ({exc}); build it again."
        ) from exc
    if schema.ASSET_ID not in assets.columns or schema.COLOCATION_ID not in assets.columns:
        raise _not_a_build(folder, ["asset_id/colocation_id in assets.gpkg"])
    assets = assets.to_crs(schema.CRS) if assets.crs is not None else assets.set_crs(schema.CRS)
    for col in (schema.ASSET_ID, schema.AGENCY, schema.COLOCATION_ID, schema.UPRN,
                schema.DISTRICT_CODE, schema.DISTRICT_NAME, schema.NAME):
        if col in assets.columns:
            assets[col] = assets[col].astype("string")
    colocations = colocations[[c for c in colocations.columns if not c.startswith("param_")]]
    register_path = base / REGISTER_FILE
    register = read_register(register_path) if register_path.is_file() else None
    return BuildData(
        folder=base,
        assets=assets,
        colocations=colocations,
        params=dict(meta.get("parameters", {})),
        totals=dict(meta.get("totals", {})),
        register=register,
    )
