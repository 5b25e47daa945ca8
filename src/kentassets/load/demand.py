"""Demand tables: a council's own population, members or visits as weighted points.

A ``[[demand]]`` table is read by the same readers as a register (CSV, XLSX,
ODS, GeoPackage, GeoJSON...), located the same way (eastings/northings,
latitude/longitude, grid reference, the file's geometry, postcode) and placed in
the same districts. Every row is accounted for in the ledger like a register
row: loaded, excluded (outside the study area) or rejected with a reason and a
fix (no location, an unknown postcode, a count that is missing, not a number or
negative).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Unpack

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import schema
from ..errors import RegisterFormatError, ValidationError, where
from ..io.paths import public_source_name
from ..io.postcodes import PostcodeDirectory
from ..io.registers import RawTable, ReadingOptions, read_register_file
from .columns import resolve_columns
from .ledger import Context
from .locate import locate
from .place import place_in_districts
from .values import clean_text, parse_numbers

#: Ledger reasons of demand rows (besides the location reasons of registers).
REASON_COUNT_MISSING = "demand_count_missing"
REASON_COUNT_NEGATIVE = "demand_count_negative"
DEMAND_REASONS = {
    REASON_COUNT_MISSING: "the demand count is empty or not a number",
    REASON_COUNT_NEGATIVE: "the demand count is below zero",
}


@dataclass
class DemandLoad:
    """A demand table as loaded: its points and the ledger of every row.

    Attributes
    ----------
    demand
        Loaded rows: ``district_code``, ``district_name``, ``demand``,
        ``service``, ``demand_source``, ``demand_estimate`` (false), points in
        EPSG:27700.
    ledger
        One row per data row (:data:`kentassets.schema.LEDGER_FIELDS`).
    """

    demand: gpd.GeoDataFrame
    ledger: pd.DataFrame


def demand_frame(
    x: np.ndarray, y: np.ndarray, weight: np.ndarray, district: np.ndarray, *,
    names: Mapping[str, str] | None = None, service: str = schema.ALL_SERVICES,
    source: str = "", estimate: bool = False,
) -> gpd.GeoDataFrame:
    """A demand frame from arrays: ``district_code, district_name, demand, service,
    demand_source, demand_estimate`` and points in EPSG:27700."""
    codes = pd.Series(np.asarray(district, dtype=object), dtype="string")
    frame = pd.DataFrame({
        schema.DISTRICT_CODE: codes,
        schema.DISTRICT_NAME: codes.map(dict(names or {})).astype("string"),
        schema.DEMAND: np.asarray(weight, dtype=np.float64),
        schema.DEMAND_SERVICE: pd.Series([service] * len(codes), dtype="string"),
        schema.DEMAND_SOURCE: pd.Series([source] * len(codes), dtype="string"),
        schema.DEMAND_ESTIMATE: np.full(len(codes), bool(estimate)),
    })
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(x, y), crs=schema.CRS)


def _counts(raw: RawTable, count: str, ctx: Context, shown: str) -> pd.Series:
    """The count column as numbers; missing, unreadable and negative counts rejected."""
    if count not in raw.frame.columns:
        found = ", ".join(map(str, raw.frame.columns[:12]))
        raise RegisterFormatError(
            f"{where(shown, sheet=raw.sheet, column=count)}: no such column for the demand "
            f"count (columns found: {found}). Set count to the column holding the people, "
            "members or visits of each row."
        )
    values, _ = parse_numbers(raw.frame[count])
    text = raw.frame[count].astype("string").fillna("")
    ctx.set_status(values.isna(), schema.REJECTED, REASON_COUNT_MISSING,
                   lambda m: f"The {count} count is empty or not a number ('"
                   + text[m].str.slice(0, 30) + "'). Give the number of people, members "
                   "or visits, or delete the row.", count)
    ctx.set_status(values < 0, schema.REJECTED, REASON_COUNT_NEGATIVE,
                   lambda m: f"The {count} count is negative (" + values[m].astype(str)
                   + "). Give a count of 0 or more.", count)
    return values


def normalise_demand(
    raw: RawTable, *, count: str, service: str | None = None,
    columns: Mapping[str, str | Sequence[str]] | None = None, crs: str | None = None,
    postcodes: PostcodeDirectory | None = None, districts: gpd.GeoDataFrame | None = None,
    study_area: Sequence[str] = schema.DEFAULT_STUDY_AREA, source_name: str | None = None,
) -> DemandLoad:
    """A raw table (:func:`read_register_file`) to demand points and a ledger.

    This is :func:`read_demand` without the reading; see it for the parameters.
    """
    shown = source_name or public_source_name(raw.path or raw.format)
    mapping, _ = resolve_columns(list(raw.frame.columns), columns, shown=shown, sheet=raw.sheet)
    frame, rows = raw.frame, pd.Series(raw.rows, index=raw.frame.index)
    ctx = Context(shown, raw.sheet, rows, len(frame))
    values = _counts(raw, count, ctx, shown)
    postcode = (clean_text(frame[mapping[schema.POSTCODE]])
                if isinstance(mapping.get(schema.POSTCODE), str) else None)
    loc = locate(raw, frame, mapping, crs, ctx, postcode, postcodes)
    placed = place_in_districts(loc, ctx, districts=districts, study_area=study_area,
                                 postcodes=postcodes)
    loaded = ctx.open().to_numpy(dtype=bool)
    ctx.load_open()
    index = frame.index[loaded]
    codes = placed.column(schema.DISTRICT_CODE, loaded, index)
    names = placed.column(schema.DISTRICT_NAME, loaded, index)
    label = service or schema.ALL_SERVICES
    demand = demand_frame(loc.x[loaded].to_numpy(float), loc.y[loaded].to_numpy(float),
                          values[loaded].to_numpy(float), codes.to_numpy(dtype=object),
                          names=dict(zip(codes, names, strict=True)), service=label,
                          source=shown)
    ids = pd.Series(Path(shown).stem + "#" + rows.astype(str), index=rows.index)
    who = f"Demand ({'all services' if label == schema.ALL_SERVICES else label})"
    return DemandLoad(demand=demand, ledger=ctx.ledger(who, ids))


def read_demand(
    path: str | PathLike[str],
    *,
    count: str,
    service: str | None = None,
    columns: Mapping[str, str | Sequence[str]] | None = None,
    crs: str | None = None,
    postcodes: PostcodeDirectory | None = None,
    districts: gpd.GeoDataFrame | None = None,
    study_area: Sequence[str] = schema.DEFAULT_STUDY_AREA,
    source_name: str | None = None,
    **reading: Unpack[ReadingOptions],
) -> DemandLoad:
    """Read a demand table: people (members, visits...) at points, for reach.

    Parameters
    ----------
    path
        Any register format: CSV, XLSX, ODS, GeoPackage, GeoJSON...
    count
        The column holding each row's people (members, visits...).
    service
        The service the table stands for (``library``...); ``None``: every service.
    columns
        Location fields -> source columns (``postcode``, ``easting``/``northing``,
        ``latitude``/``longitude``, ``grid_ref``, ``geometry``), when not recognised.
    crs, **reading
        As for :func:`~kentassets.read_register` (``sheet``, ``header_row``,
        ``encoding``, ``delimiter``).
    postcodes, districts, study_area
        As for :func:`~kentassets.read_register`: rows outside the study area
        are excluded.
    source_name
        The file's name in the ledger (default: as given).

    Returns
    -------
    DemandLoad
        The points (``demand``) and the ledger of every row.

    Raises
    ------
    RegisterFormatError
        When the file cannot be read or has no ``count`` column.
    ValidationError
        When ``count`` is empty.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from shapely.geometry import box
    >>> maidstone = gpd.GeoDataFrame({"district_code": ["E07000110"],
    ...     "district_name": ["Maidstone"]}, geometry=[box(570000, 140000, 590000, 170000)],
    ...     crs="EPSG:27700")
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "members.csv"
    >>> _ = p.write_text("Easting,Northing,Members\\n575900,155800,120\\n575000,150000,-3\\n")
    >>> load = read_demand(p, count="Members", service="library", districts=maidstone,
    ...                    study_area=["E07000110"])
    >>> load.demand["demand"].tolist(), load.ledger["reason"].tolist()
    ([120.0], ['', 'demand_count_negative'])
    """
    if not isinstance(count, str) or not count.strip():
        raise ValidationError('count must name the column of people, e.g. count = "Members"')
    raw = read_register_file(path, crs=crs, display_name=source_name or str(path), **reading)
    return normalise_demand(raw, count=count, service=service, columns=columns, crs=crs,
                            postcodes=postcodes, districts=districts, study_area=study_area,
                            source_name=source_name or public_source_name(path))
