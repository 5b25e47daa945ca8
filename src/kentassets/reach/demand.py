"""Demand: who the services are for, as weighted points.

The default demand puts every postcode of the postcode directory in force inside
the study area at its centroid, each district's postcodes sharing its Census 2021
population equally (an estimate: marked so). A council's own table (residents by
output area, library members by postcode...) replaces it for one service or for all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import schema
from ..load.demand import demand_frame
from .columns import ALL_SERVICES, DEMAND, DEMAND_ESTIMATE, DEMAND_SERVICE, DEMAND_SOURCE

#: People per postcode where the population table lacks a district: England's
#: 56,428,400 residents (Census 2021) over its 2,264,892 postcodes with a grid
#: reference in the packaged ONS Postcode Directory (data/population/README.md).
NATIONAL_PEOPLE_PER_POSTCODE: Final = 24.9
#: What the default demand is, in every output that uses it.
DEFAULT_DEMAND_SOURCE: Final = "estimate: Census 2021 district population shared by postcode"
#: Columns of a demand frame, in order (geometry last).
DEMAND_COLUMNS: Final = (schema.DISTRICT_CODE, schema.DISTRICT_NAME, DEMAND, DEMAND_SERVICE,
                         DEMAND_SOURCE, DEMAND_ESTIMATE)


def demand_from_postcodes(
    postcodes: pd.DataFrame,
    population: Mapping[str, float],
    *,
    study_area: Sequence[str],
    names: Mapping[str, str] | None = None,
    people_per_postcode: float = NATIONAL_PEOPLE_PER_POSTCODE,
) -> gpd.GeoDataFrame:
    """The default demand: each district's population shared equally by its postcodes.

    Parameters
    ----------
    postcodes
        The postcode directory's rows (``easting``, ``northing``,
        ``district_code``), e.g. :meth:`PostcodeDirectory.in_districts`.
    population
        District code -> people (:func:`kentassets.io.population.read_district_population`).
    study_area
        District codes kept.
    names
        District code -> name, for the ``district_name`` column.
    people_per_postcode
        Weight of a postcode in a district ``population`` lacks.

    Returns
    -------
    geopandas.GeoDataFrame
        One point per postcode (in the directory's order), ``demand`` in people,
        ``demand_estimate`` true.

    Examples
    --------
    >>> pcs = pd.DataFrame({"easting": [0.0, 10.0, 20.0], "northing": [0.0, 0.0, 0.0],
    ...                     "district_code": ["A", "A", "B"]})
    >>> demand_from_postcodes(pcs, {"A": 100.0}, study_area=["A", "B"])["demand"].tolist()
    [50.0, 50.0, 24.9]
    """
    codes = postcodes[schema.DISTRICT_CODE].astype("string")
    keep = (codes.isin(list(study_area)) & postcodes["easting"].notna()
            & postcodes["northing"].notna()).to_numpy(dtype=bool)
    rows = postcodes.loc[keep]
    district = rows[schema.DISTRICT_CODE].astype(str).to_numpy(dtype=object)
    counts = pd.Series(district).value_counts()
    per = {code: float(population[code]) / n if code in population else people_per_postcode
           for code, n in counts.items()}
    weight = np.array([per[c] for c in district], dtype=np.float64) if len(district) else (
        np.zeros(0))
    return demand_frame(rows["easting"].to_numpy(float), rows["northing"].to_numpy(float),
                        weight, district, names=names, source=DEFAULT_DEMAND_SOURCE,
                        estimate=True)


def combine_demand(default: gpd.GeoDataFrame | None,
                   tables: Sequence[gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    """The demand in force: ``tables`` replace ``default`` for their service, or for all.

    A table with ``service`` missing or ``"all"`` replaces the default for every
    service; a table for one service replaces it for that service only (several
    tables for one service add up). The frames are stacked; :func:`points_for`
    picks each service's rows.
    """
    frames = [t for t in tables if t is not None]
    if default is not None:
        frames = [default, *frames]
    if not frames:
        return demand_frame(np.zeros(0), np.zeros(0), np.zeros(0), np.zeros(0, dtype=object))
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=schema.CRS)


@dataclass(frozen=True)
class DemandPoints:
    """The demand of one service as arrays."""

    x: np.ndarray
    y: np.ndarray
    weight: np.ndarray
    district: np.ndarray
    rows: np.ndarray  # positions in the demand frame
    estimate: bool

    @cached_property
    def by_district(self) -> dict[str, np.ndarray]:
        """District code -> the positions of its points (one sort, not a scan per code)."""
        return group_positions(self.district)


def group_positions(labels: np.ndarray) -> dict[str, np.ndarray]:
    """Label -> positions holding it, in order.

    Examples
    --------
    >>> {k: v.tolist() for k, v in group_positions(np.array(["b", "a", "b"], object)).items()}
    {'a': [1], 'b': [0, 2]}
    """
    codes, uniques = pd.factorize(pd.Series(labels, dtype=object), sort=True)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
    return {str(u): order[bounds[i]:bounds[i + 1]] for i, u in enumerate(uniques)}


def points_for(demand: gpd.GeoDataFrame, service: str) -> DemandPoints:
    """The points that stand for ``service``'s demand.

    Own tables win over the default estimate: the rows of tables given for
    ``service``, else those of tables given for every service, else the default.
    """
    svc = demand[DEMAND_SERVICE].astype("string").fillna(ALL_SERVICES).to_numpy(dtype=object)
    estimate = demand[DEMAND_ESTIMATE].to_numpy(dtype=bool)
    own = ~estimate
    for mask in (own & (svc == service), own & (svc == ALL_SERVICES), estimate):
        if mask.any():
            break
    rows = np.flatnonzero(mask)
    geom = demand.geometry.iloc[rows]
    return DemandPoints(
        x=geom.x.to_numpy(dtype=np.float64), y=geom.y.to_numpy(dtype=np.float64),
        weight=demand[DEMAND].to_numpy(dtype=np.float64)[rows],
        district=demand[schema.DISTRICT_CODE].astype("string").fillna("").to_numpy(
            dtype=object)[rows],
        rows=rows, estimate=bool(estimate[rows].any()) if len(rows) else True,
    )
