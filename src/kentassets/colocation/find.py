"""The entry point: :func:`find_colocations` (locations, clustering, cluster table)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np

from .clusters import build_result
from .locations import check_assets, cluster_locations, prepare_locations
from .params import ClusterParams
from .result import ColocationResult


def find_colocations(
    assets: gpd.GeoDataFrame,
    *,
    eps_m: float = 250.0,
    min_assets: int = 2,
    min_agencies: int = 2,
    method: str = "dbscan",
    hull_buffer_m: float = 10.0,
    params: ClusterParams | None = None,
) -> ColocationResult:
    """Find clusters of assets and mark those shared by several agencies.

    See the module documentation for the exact rules (locations and shared sites,
    DBSCAN, co-locations, identifiers).

    Parameters
    ----------
    assets
        Canonical assets (:func:`kentassets.schema.coerce_assets`) in EPSG:27700.
    eps_m
        Neighbourhood distance in metres (1 to 10,000).
    min_assets
        DBSCAN ``min_samples`` counted in locations, the location itself included.
    min_agencies
        Distinct agencies a cluster needs to be a co-location.
    method
        ``"dbscan"`` or ``"hdbscan"``.
    hull_buffer_m
        Buffer of the hull polygons, metres.
    params
        A :class:`ClusterParams`; when given, the keyword values above are ignored.

    Returns
    -------
    ColocationResult
        Labels and ids on the assets' index, and the cluster table.

    Raises
    ------
    CoordinateSystemError
        When the assets have no CRS or are not in EPSG:27700 (a geographic CRS
        in particular).
    ValidationError
        When a parameter is out of range, or ``assets`` is not a GeoDataFrame
        with an ``agency`` column.

    Examples
    --------
    On the sample estate, at the default 250 m:

    >>> import kentassets as ka
    >>> estate = ka.sample_estate()
    >>> colocs = ka.find_colocations(estate.assets, eps_m=250)
    >>> int(colocs.clusters["is_colocation"].sum()) > 0
    True
    >>> colocs.labels.index.equals(estate.assets.index)
    True
    >>> bool((colocs.clusters.loc[colocs.clusters["is_colocation"], "n_agencies"] >= 2).all())
    True

    Three assets by hand: two agencies 100 m apart, and a library far away:

    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> from kentassets import schema
    >>> assets = schema.coerce_assets(gpd.GeoDataFrame(
    ...     {"agency": ["Police", "Fire", "Library"], "district_code": ["E07000110"] * 3},
    ...     geometry=[Point(575000, 155000), Point(575100, 155000), Point(590000, 155000)],
    ...     crs="EPSG:27700"))
    >>> result = find_colocations(assets, eps_m=250)
    >>> result.labels.tolist(), result.colocation_ids.tolist()
    ([0, 0, -1], ['MAI-01', 'MAI-01', <NA>])
    """
    if params is None:
        params = ClusterParams(
            eps_m=eps_m,
            min_assets=min_assets,
            min_agencies=min_agencies,
            method=method,
            hull_buffer_m=hull_buffer_m,
        )
    check_assets(assets)
    locs = prepare_locations(assets)
    loc_labels = cluster_locations(locs, params)
    raw = np.where(locs.asset_loc >= 0, loc_labels[np.maximum(locs.asset_loc, 0)], -1)
    if len(raw) == 0:
        raw = raw.astype(np.int64)
    return build_result(assets, raw, locs, params)
