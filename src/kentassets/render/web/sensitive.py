"""How sensitive sites are published: snapped to 1 km centres, names withheld.

An asset is sensitive when its ``sensitive`` column is True or its agency is one
of the ``sensitive_agencies``. Its published point is the centre of its 1 km grid
square, and a co-location hull with a sensitive member is redrawn round the
published points, so no vertex of any shape on the page is a sensitive site.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from kentassets import schema
from kentassets.safety import is_missing

#: Size of the grid squares sensitive assets are snapped to, metres.
SENSITIVE_GRID_M = 1000.0
#: Buffer round a generalised co-location hull, metres.
_GENERALISED_HULL_BUFFER_M = 60.0


def _snap(values: np.ndarray) -> np.ndarray:
    return np.floor(values / SENSITIVE_GRID_M) * SENSITIVE_GRID_M + SENSITIVE_GRID_M / 2


def sensitive_mask(assets: pd.DataFrame, sensitive_agencies: Collection[str]) -> pd.Series:
    """Return True for each asset published only generalised."""
    mask = pd.Series(False, index=assets.index)
    if schema.SENSITIVE in assets.columns:
        mask |= assets[schema.SENSITIVE].fillna(False).astype(bool)
    if sensitive_agencies:
        mask |= assets[schema.AGENCY].astype("string").isin(list(sensitive_agencies)).fillna(False)
    return mask


def published_points(
    assets: gpd.GeoDataFrame, sensitive: pd.Series
) -> tuple[np.ndarray, np.ndarray]:
    """Return published x, y (EPSG:27700); sensitive points snapped to 1 km centres."""
    geoms = assets.geometry
    x = np.asarray(geoms.x, dtype=float)
    y = np.asarray(geoms.y, dtype=float)
    sens = sensitive.to_numpy(dtype=bool)
    x = np.where(sens, _snap(x), x)
    y = np.where(sens, _snap(y), y)
    return x, y


def sensitive_label(agency: Any) -> str:
    """The name shown instead of a sensitive site's own name."""
    return f"Sensitive site ({'' if is_missing(agency) else agency})"


def published_hulls(
    hull_rows: gpd.GeoDataFrame,
    assets: gpd.GeoDataFrame,
    coloc_ids: pd.Series,
    sensitive: pd.Series,
) -> gpd.GeoSeries:
    """Return the published hull of each row, simplified, in WGS 84.

    A hull with a sensitive member is rebuilt from the members' published points
    (sensitive ones snapped to 1 km centres), so no vertex is a sensitive site.
    """
    geoms = list(hull_rows.geometry)
    ids = hull_rows[schema.COLOCATION_ID].astype(str).tolist()
    flagged = set(coloc_ids[sensitive.to_numpy()].dropna().astype(str))
    if flagged:
        x, y = published_points(assets, sensitive)
        positions = (
            pd.Series(np.arange(len(assets)))
            .groupby(coloc_ids.astype("string").fillna("").to_numpy())
            .indices
        )
        for k, cid in enumerate(ids):
            if cid in flagged and cid in positions:
                pos = positions[cid]
                points = shapely.multipoints(np.column_stack([x[pos], y[pos]]))
                geoms[k] = shapely.convex_hull(points).buffer(_GENERALISED_HULL_BUFFER_M)
    series = gpd.GeoSeries(geoms, crs=hull_rows.crs)
    lines = series.notna() & ~series.is_empty & ~series.geom_type.isin(["Polygon", "MultiPolygon"])
    series[lines] = series[lines].buffer(25.0)
    return series.simplify(1.0, preserve_topology=True).to_crs(schema.CRS_WGS84)
