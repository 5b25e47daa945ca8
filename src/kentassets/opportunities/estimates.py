"""Estimates where a register is silent: floor area, staff and running cost, always marked.

:func:`estimate_assets` fills ``gia_m2``, ``staff_fte`` and ``annual_cost_gbp``
where they are missing and says where every figure came from:

* ``given``: the register's own figure, never changed;
* ``footprint``: floor area from the building's footprint (``footprint_m2``, from
  the register's own polygon or OS building outlines) times the storeys in the
  benchmark table's ``[general.storeys]`` row; it beats the typology default;
* ``benchmark``: the typical figure for the asset's use from the
  :class:`~kentassets.reference.benchmarks.BenchmarkTable` (a running cost is the floor
  area times the use's cost per m²; office staff are the floor area times the
  net-to-gross ratio over the space per FTE).

Each figure also gets ``*_low`` and ``*_high`` columns (equal to the value where
given), so that every saving built on them can be a range. A figure made of
several uncertain factors (a cost = floor area x cost per m²) combines their
ranges with :func:`combine_ranges`, not by setting each at its extreme. Pure: same index in
and out, the input is not changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import schema
from ..reference.benchmarks import BenchmarkTable

__all__ = [
    "ESTIMATE_COLUMNS",
    "FOOTPRINT_M2",
    "SOURCES",
    "combine_ranges",
    "complete_assets",
    "estimate_assets",
    "given_share",
    "source_column",
]

#: Building footprint, m² (from a polygon in the register or OS building outlines).
FOOTPRINT_M2: Final = "footprint_m2"
GIVEN: Final = "given"
FOOTPRINT: Final = "footprint"
BENCHMARK: Final = "benchmark"
#: Values of the ``*_source`` columns (missing where no figure could be made).
SOURCES: Final = (GIVEN, FOOTPRINT, BENCHMARK)
#: The figures estimated, in order.
ESTIMATED: Final = (schema.GIA_M2, schema.STAFF_FTE, schema.ANNUAL_COST_GBP)
#: Statuses with nobody based there: no staff are estimated for them.
_EMPTY_STATUSES: Final = ("vacant", "surplus")


def source_column(field: str) -> str:
    """The ``*_source`` column of a figure, e.g. ``gia_m2_source``."""
    return f"{field}_source"


#: Columns :func:`estimate_assets` adds, in order.
ESTIMATE_COLUMNS: Final = tuple(
    col for f in ESTIMATED for col in (source_column(f), f"{f}_low", f"{f}_high")
)


@dataclass(frozen=True)
class Range:
    """Low, central and high values of a figure, one per asset (numpy arrays)."""

    low: np.ndarray
    central: np.ndarray
    high: np.ndarray


def combine_ranges(central: np.ndarray, factors: list[Range]) -> Range:
    """The range of a product of independently uncertain factors.

    Setting every factor at its extreme at once gives a range nobody believes
    (three factors each within x2 would give x8). Here the log ratios of the
    factors' own ranges are added in quadrature (root sum of squares):
    ``low = central x exp(-sqrt(sum(ln(c_i / low_i)^2)))`` and likewise for
    ``high``. A factor without a range (a given figure) adds nothing.

    Examples
    --------
    >>> area = Range(np.array([150.0]), np.array([300.0]), np.array([600.0]))
    >>> rate = Range(np.array([100.0]), np.array([100.0]), np.array([100.0]))
    >>> r = combine_ranges(np.array([30000.0]), [area, rate])
    >>> float(r.low[0]), float(r.high[0])
    (15000.0, 60000.0)
    >>> rate = Range(np.array([50.0]), np.array([100.0]), np.array([200.0]))
    >>> r = combine_ranges(np.array([30000.0]), [area, rate])  # x2 and x2: x2^1.41 = x2.67
    >>> round(float(r.low[0])), round(float(r.high[0]))
    (11256, 79954)
    """
    down = np.zeros_like(central, dtype=np.float64)
    up = np.zeros_like(central, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        for f in factors:
            lo = np.log(f.central / f.low)
            hi = np.log(f.high / f.central)
            down += np.where(np.isfinite(lo), lo, 0.0) ** 2
            up += np.where(np.isfinite(hi), hi, 0.0) ** 2
    return Range(central * np.exp(-np.sqrt(down)), central, central * np.exp(np.sqrt(up)))


def _per_use(assets: pd.DataFrame, table: BenchmarkTable, figure: str) -> Range:
    """The table's figure for each asset's use (NaN where the table has none)."""
    use = assets[schema.USE].astype("string").fillna("other") if schema.USE in assets else (
        pd.Series("other", index=assets.index, dtype="string"))
    values: dict[str, tuple[float, float, float]] = {}
    for row in table:
        if row.figure == figure and row.known:
            values[row.use] = (float(row.low or 0), float(row.central or 0), float(row.high or 0))
    # one hash of the (few) distinct uses, then array look-ups: a million assets in 0.1 s
    codes, uses = pd.factorize(use)
    table_of_uses = np.array([values.get(str(u), (np.nan,) * 3) for u in uses],
                             dtype="float64").reshape(len(uses), 3)
    parts = [table_of_uses[codes, i] for i in range(3)]
    return Range(*parts)


def _given(assets: pd.DataFrame, col: str) -> np.ndarray:
    """The register's own values of ``col``: earlier estimates (a ``*_source`` other
    than ``given``) do not count, so estimating twice gives the same result."""
    if col not in assets.columns:
        return np.full(len(assets), np.nan)
    values = pd.to_numeric(assets[col], errors="coerce").to_numpy(dtype="float64",
                                                                 na_value=np.nan)
    source = source_column(col)
    if source in assets.columns:
        earlier = assets[source].astype("string").ne(GIVEN).to_numpy(dtype=bool,
                                                                       na_value=True)
        values = np.where(earlier, np.nan, values)
    return np.where(np.isfinite(values), values, np.nan)


def _fill(given: np.ndarray, layers: list[tuple[str, Range]]) -> tuple[Range, np.ndarray]:
    """Given values first, then each estimate layer in turn where still missing."""
    low, central, high = given.copy(), given.copy(), given.copy()
    source = np.full(len(given), None, dtype=object)
    source[np.isfinite(given)] = GIVEN
    for name, layer in layers:
        take = ~np.isfinite(central) & np.isfinite(layer.central)
        low[take], central[take], high[take] = layer.low[take], layer.central[take], \
            layer.high[take]
        source[take] = name
    return Range(low, central, high), source


def _floor_area(assets: pd.DataFrame, table: BenchmarkTable) -> tuple[Range, np.ndarray]:
    storeys = table.general("storeys")
    footprint = _given(assets, FOOTPRINT_M2)
    footprint = np.where(footprint > 0, footprint, np.nan)
    from_footprint = Range(footprint * float(storeys.low or 0),
                             footprint * float(storeys.central or 0),
                             footprint * float(storeys.high or 0))
    return _fill(_given(assets, schema.GIA_M2),
                 [(FOOTPRINT, from_footprint), (BENCHMARK, _per_use(assets, table, "gia_m2"))])


def _staff(assets: pd.DataFrame, table: BenchmarkTable, gia: Range) -> tuple[Range,
                                                                               np.ndarray]:
    ntg = float(table.general("net_to_gross").central or 0)
    space = _per_use(assets, table, "nia_m2_per_fte")
    status = assets[schema.STATUS].astype("string") if schema.STATUS in assets else (
        pd.Series(pd.NA, index=assets.index, dtype="string"))
    occupied = ~status.isin(_EMPTY_STATUSES).to_numpy(dtype=bool, na_value=False)
    with np.errstate(divide="ignore", invalid="ignore"):
        central = np.where(occupied, gia.central * ntg / space.central, np.nan)
        per_m2 = Range(1.0 / space.high, 1.0 / space.central, 1.0 / space.low)
    layer = combine_ranges(central, [gia, per_m2])
    layer = Range(*(np.round(v, 1) for v in (layer.low, layer.central, layer.high)))
    return _fill(_given(assets, schema.STAFF_FTE), [(BENCHMARK, layer)])


def _cost(assets: pd.DataFrame, table: BenchmarkTable, gia: Range) -> tuple[Range,
                                                                              np.ndarray]:
    rate = _per_use(assets, table, "cost_per_m2_gbp")
    layer = combine_ranges(gia.central * rate.central, [gia, rate])
    layer = Range(*(np.round(v, 0) for v in (layer.low, layer.central, layer.high)))
    return _fill(_given(assets, schema.ANNUAL_COST_GBP), [(BENCHMARK, layer)])


def estimate_assets(
    assets: gpd.GeoDataFrame, *, benchmarks: BenchmarkTable | None = None
) -> gpd.GeoDataFrame:
    """Fill missing floor area, staff and running cost from footprints and benchmarks.

    Parameters
    ----------
    assets
        Canonical assets; an optional ``footprint_m2`` column gives building footprints.
    benchmarks
        The table in force (:func:`kentassets.io.benchmarks.read_benchmarks`);
        ``None`` uses the shipped table.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy, same index, with ``gia_m2``, ``staff_fte`` and ``annual_cost_gbp``
        filled where an estimate could be made, plus :data:`ESTIMATE_COLUMNS`
        (``*_source`` is ``given``, ``footprint``, ``benchmark`` or missing;
        ``*_low``/``*_high`` bound each figure). Given values are never changed.
        ``attrs["benchmarks"]`` names the tables used.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> from kentassets import schema
    >>> assets = schema.coerce_assets(gpd.GeoDataFrame(
    ...     {"agency": ["Kent County Council"] * 3, "use": ["library", "office", "library"],
    ...      "gia_m2": [None, 1200.0, None], "footprint_m2": [None, None, 250.0]},
    ...     geometry=[Point(575000, 155000)] * 3, crs="EPSG:27700"))
    >>> out = estimate_assets(assets)
    >>> out[["gia_m2", "gia_m2_source"]].values.tolist()
    [[300.0, 'benchmark'], [1200.0, 'given'], [500.0, 'footprint']]
    >>> out[["gia_m2_low", "gia_m2_high"]].values.tolist()[2]
    [250.0, 750.0]
    >>> out[["staff_fte", "staff_fte_source"]].values.tolist()[1]  # 1200 x 0.8 / 9.9
    [97.0, 'benchmark']
    >>> out[["annual_cost_gbp", "annual_cost_gbp_source"]].values.tolist()[0]  # 300 x 132
    [39600.0, 'benchmark']
    """
    if benchmarks is None:
        from ..reference.benchmarks import shipped_benchmarks

        benchmarks = shipped_benchmarks()
    out = assets.copy()
    gia, gia_src = _floor_area(assets, benchmarks)
    staff, staff_src = _staff(assets, benchmarks, gia)
    cost, cost_src = _cost(assets, benchmarks, gia)
    for field, triple, src in ((schema.GIA_M2, gia, gia_src), (schema.STAFF_FTE, staff, staff_src),
                               (schema.ANNUAL_COST_GBP, cost, cost_src)):
        out[field] = triple.central
        out[source_column(field)] = pd.array(src, dtype="string")
        out[f"{field}_low"] = triple.low
        out[f"{field}_high"] = triple.high
    out.attrs["benchmarks"] = ", ".join(benchmarks.origins)
    return out


def given_share(assets: pd.DataFrame, *, staff_uses: tuple[str, ...] = ("office",)) -> pd.Series:
    """Per asset, the share of its inputs to a saving that were given (0 to 1).

    The inputs are floor area and running cost, plus staff for ``staff_uses``.
    Assets without ``*_source`` columns count their non-missing figures as given.

    Examples
    --------
    >>> frame = pd.DataFrame({"use": ["office", "library"],
    ...     "gia_m2_source": ["given", "benchmark"], "staff_fte_source": ["given", None],
    ...     "annual_cost_gbp_source": ["benchmark", "benchmark"]})
    >>> given_share(frame).round(3).tolist()
    [0.667, 0.0]
    """
    staffed = (assets[schema.USE].astype("string").isin(staff_uses)
               .to_numpy(dtype=bool, na_value=False)
               if schema.USE in assets.columns else np.zeros(len(assets), bool))
    given = np.zeros(len(assets))
    total = np.zeros(len(assets))
    for field in ESTIMATED:
        counted = staffed if field == schema.STAFF_FTE else np.ones(len(assets), bool)
        col = source_column(field)
        if col in assets.columns:
            is_given = assets[col].astype("string").eq(GIVEN).to_numpy(dtype=bool,
                                                                      na_value=False)
        else:
            is_given = np.isfinite(_given(assets, field))
        given += counted & is_given
        total += counted
    return pd.Series(given / np.maximum(total, 1), index=assets.index, dtype="float64")


def complete_assets(
    assets: gpd.GeoDataFrame,
    *,
    benchmarks: BenchmarkTable | None = None,
    sectors: Mapping[str, str] | None = None,
) -> gpd.GeoDataFrame:
    """Assets ready to score: estimates made and marked, and each agency's sector.

    Parameters
    ----------
    assets
        Canonical assets.
    benchmarks
        The benchmark table in force; ``None`` uses the shipped one.
    sectors
        Agency -> sector from the manifest; other agencies get the sector their
        name suggests (:func:`kentassets.opportunities.sectors.default_sector`).

    Returns
    -------
    geopandas.GeoDataFrame
        :func:`estimate_assets` plus a ``sector`` column; same index.

    Examples
    --------
    >>> import kentassets as ka
    >>> done = complete_assets(ka.sample_estate().assets)
    >>> sorted(done["sector"].dropna().unique())[:3]
    ['council', 'fire_and_rescue', 'nhs']
    """
    from .sectors import SECTOR, assign_sectors

    out = estimate_assets(assets, benchmarks=benchmarks)
    out[SECTOR] = assign_sectors(out, sectors=sectors)
    return out
