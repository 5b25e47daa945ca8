"""Assets reduced to clustering locations, and the raw clustering of those locations.

Records that share a ``site_id`` are one location at the mean of their points;
every other asset with a point is a location of its own. Locations are in a
canonical order (by easting, then northing) so that nothing depends on the
order of the input rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from numpy.typing import NDArray

from .. import schema
from ..errors import CoordinateSystemError, ValidationError
from ._arrays import factorize_sorted, runs_of, unique
from .dbscan import grid_dbscan
from .params import ClusterParams


@dataclass(frozen=True)
class Locations:
    """Assets reduced to clustering locations (shared sites merged), canonical order."""

    asset_loc: NDArray[np.int64]  # per asset row, location number or -1 (no point)
    xy: NDArray[np.float64]  # per location, (x, y), sorted by x then y
    n_agencies: NDArray[np.int64]  # per location, distinct agencies
    agency_code: NDArray[np.int64]  # per asset row, agency code (sorted order), -1 missing
    agency_names: NDArray[Any]  # agency name of each code
    x: NDArray[np.float64]  # per asset row, easting (NaN without a point)
    y: NDArray[np.float64]  # per asset row, northing

    @property
    def n_agency_codes(self) -> int:
        return len(self.agency_names)


def check_assets(assets: gpd.GeoDataFrame) -> None:
    if not isinstance(assets, gpd.GeoDataFrame):
        raise ValidationError(
            f"assets must be a GeoDataFrame of canonical assets, got {type(assets).__name__}"
        )
    crs = assets.crs
    if crs is None:
        raise CoordinateSystemError(
            "assets have no coordinate reference system; clustering needs British National "
            "Grid metres. If the points are eastings/northings, call "
            "assets.set_crs('EPSG:27700')."
        )
    if crs.is_geographic:
        raise CoordinateSystemError(
            f"assets are in a geographic CRS ({crs.to_string()}): distances would be in "
            "degrees. Reproject them first with assets.to_crs('EPSG:27700')."
        )
    if crs.to_epsg() != 27700:
        raise CoordinateSystemError(
            f"assets are in {crs.to_string()}, not British National Grid (EPSG:27700); "
            "reproject them with assets.to_crs('EPSG:27700')."
        )
    if schema.AGENCY not in assets.columns:
        raise ValidationError(
            "assets have no 'agency' column; build them with schema.coerce_assets"
        )


def xy_of(assets: gpd.GeoDataFrame) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    geoms = assets.geometry.to_numpy()
    if len(geoms) == 0:
        return np.empty(0), np.empty(0)
    return (np.asarray(shapely.get_x(geoms), dtype=np.float64),
            np.asarray(shapely.get_y(geoms), dtype=np.float64))


def prepare_locations(assets: gpd.GeoDataFrame) -> Locations:
    n = len(assets)
    x, y = xy_of(assets)
    valid = np.isfinite(x) & np.isfinite(y)
    agency_code, agency_names = factorize_sorted(assets[schema.AGENCY])
    if schema.SITE_ID in assets.columns:
        site_code, _ = factorize_sorted(assets[schema.SITE_ID])
    else:
        site_code = np.full(n, -1, dtype=np.int64)
    asset_loc = np.full(n, -1, dtype=np.int64)
    # assets without a site are locations of their own
    alone = np.flatnonzero(valid & (site_code < 0))
    # assets sharing a site: one location at their mean point, summed in a canonical order
    shared = np.flatnonzero(valid & (site_code >= 0))
    shared = shared[np.lexsort((y[shared], x[shared], site_code[shared]))]
    _, starts, counts = runs_of(site_code[shared])
    sx = np.add.reduceat(x[shared], starts) / counts if len(starts) else np.empty(0)
    sy = np.add.reduceat(y[shared], starts) / counts if len(starts) else np.empty(0)
    lx = np.concatenate([x[alone], sx])
    ly = np.concatenate([y[alone], sy])
    # canonical location order: by easting, then northing
    loc_order = np.argsort(lx + 1j * ly, kind="stable")  # complex sort: by lx, then ly
    loc_rank = np.empty(len(lx), dtype=np.int64)
    loc_rank[loc_order] = np.arange(len(lx))
    asset_loc[alone] = loc_rank[: len(alone)]
    asset_loc[shared] = np.repeat(loc_rank[len(alone):], counts)
    xy = np.column_stack([lx[loc_order], ly[loc_order]])
    # distinct agencies per location (1 for a location without a site, or 0 if no agency)
    n_agencies = np.zeros(len(xy), dtype=np.int64)
    n_agencies[asset_loc[alone]] = (agency_code[alone] >= 0).astype(np.int64)
    if len(shared):
        width = max(len(agency_names), 1)
        has_ag = agency_code[shared] >= 0
        pairs = unique(asset_loc[shared][has_ag] * width + agency_code[shared][has_ag])
        n_agencies += np.bincount(pairs // width, minlength=len(xy)).astype(np.int64)
    return Locations(asset_loc, xy, n_agencies, agency_code, agency_names, x, y)


def cluster_locations(locs: Locations, params: ClusterParams) -> NDArray[np.int64]:
    """Raw cluster label per location (numbering not yet canonical), -1 noise."""
    n = len(locs.xy)
    if n == 0:
        return np.empty(0, dtype=np.int64)
    if params.method == "hdbscan":
        from sklearn.cluster import HDBSCAN

        size = max(2, params.min_assets)
        if n < size:
            labels = np.full(n, -1, dtype=np.int64)
        else:
            model = HDBSCAN(
                min_cluster_size=size,
                min_samples=params.min_assets,
                cluster_selection_epsilon=params.eps_m,
                allow_single_cluster=True,
                copy=True,
            )
            labels = model.fit(locs.xy).labels_.astype(np.int64)
    else:
        labels = grid_dbscan(locs.xy, params.eps_m, params.min_assets)
    # shared sites left as noise become clusters of their own
    shared = (labels < 0) & (locs.n_agencies >= max(2, params.min_agencies))
    if shared.any():
        start = int(labels.max()) + 1 if (labels >= 0).any() else 0
        labels[shared] = start + np.arange(int(shared.sum()))
    return labels


def agency_counts(
    cluster_of_asset: NDArray[np.int64], agency_code: NDArray[np.int64], n_codes: int, k: int
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Distinct agencies per cluster, and the unique (cluster, agency) pairs."""
    member = (cluster_of_asset >= 0) & (agency_code >= 0)
    width = max(n_codes, 1)
    pairs = unique(cluster_of_asset[member] * width + agency_code[member])
    return np.bincount(pairs // width, minlength=k).astype(np.int64), pairs
