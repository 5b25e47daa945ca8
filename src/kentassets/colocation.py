"""Co-locations: places where several agencies hold buildings close together.

:func:`find_colocations` clusters the assets with DBSCAN on British National
Grid metres and describes every cluster; :func:`sweep_eps` repeats the
clustering over several distances so that a facilitator can justify the one
chosen, and :func:`plot_sweep` draws that sweep.

Rules, in the order they are applied:

**Locations.** Assets are clustered as *locations*. Records that share a
``site_id`` (one building reported by two agencies) are one location, placed
at the mean of their points. Every asset without a ``site_id`` is a location
of its own, even when it has exactly the same point as another asset (two
records on one postcode centroid are two locations at distance 0). Assets with
a missing or empty geometry are not clustered (label -1).

**DBSCAN.** A location is a *core* location when at least ``min_assets``
locations, itself included, lie within ``eps_m`` metres (distance ``<=
eps_m``): this is scikit-learn's ``min_samples`` counted in locations, not
records. Core locations within ``eps_m`` of each other are in one cluster;
a non-core location within ``eps_m`` of a core location is a border member.
The default ``min_assets=2`` therefore makes every pair of locations closer
than ``eps_m`` a cluster. The clustering is an exact grid-based DBSCAN whose
labels equal ``sklearn.cluster.DBSCAN(eps=eps_m, min_samples=min_assets)``
run on the locations in a canonical order (sorted by easting, then northing);
a border location reachable from two clusters joins the one scikit-learn
would give it in that order (the cluster whose first core location comes
first west to east). Because the order is canonical, the result does not
depend on the order of the input rows.

**Shared sites.** A location shared by at least ``max(2, min_agencies)``
agencies that DBSCAN leaves as noise becomes a cluster of its own: one
building used by two agencies is a co-location already.

**Co-locations.** A cluster is a *co-location* (``is_colocation``) when its
assets belong to at least ``min_agencies`` distinct agencies. Single-agency
clusters keep their cluster label but are not co-locations.

**Identifiers.** A co-location's ``colocation_id`` is the three-letter prefix
of its majority district (:func:`kentassets.schema.district_prefix`; the
district holding most of its assets, ties to the lowest code; ``XXX`` when no
member has a district) and a two-digit number: within a prefix, co-locations
are numbered from north to south, then west to east, of their centroid rounded
to the metre (``MAI-01`` is Maidstone's northernmost). Single-agency clusters
get their own sequence with an ``s`` (``MAI-s01``) in the cluster table, and
``<NA>`` in :attr:`ColocationResult.colocation_ids`. Cluster labels are the
row numbers of the cluster table: co-locations first, by id, then single-agency
clusters, by id. None of this depends on the order of the input rows.

**Cluster table** (:data:`CLUSTER_COLUMNS`). ``district_code``/``district_name``
are the majority district, ``district_codes`` every member district
(``;``-joined, sorted). ``agencies`` and ``uses`` are sorted and ``;``-joined.
``gia_m2``, ``staff_fte`` and ``annual_cost_gbp`` sum the known values (missing
when none is known), ``vacant_gia_m2`` the GIA of members whose status is
vacant or surplus; sums are rounded to 0.01 and centroids (mean of the member
points) to the metre, so that they do not depend on the row order.
``largest_name``/``largest_address`` describe the member with the largest GIA
(ties: by name, address, agency) among members of non-sensitive agencies, so
that a sensitive agency's building is never named; empty when every member is
sensitive. ``precision_note`` says how many members were placed only by a
postcode centroid (empty otherwise). The geometry is the convex hull of the
member points buffered by ``hull_buffer_m`` (10 m by default), normalised.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from . import schema
from .errors import CoordinateSystemError, ValidationError

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "CLUSTER_COLUMNS",
    "ClusterParams",
    "ColocationResult",
    "find_colocations",
    "grid_dbscan",
    "plot_sweep",
    "sweep_eps",
]

# --- cluster table columns ---------------------------------------------------------
DISTRICT_CODES: Final = "district_codes"
N_ASSETS: Final = "n_assets"
N_SITES: Final = "n_sites"
AGENCIES: Final = "agencies"
N_AGENCIES: Final = "n_agencies"
USES: Final = "uses"
VACANT_GIA_M2: Final = "vacant_gia_m2"
CENTROID_X: Final = "centroid_x"
CENTROID_Y: Final = "centroid_y"
LARGEST_NAME: Final = "largest_name"
LARGEST_ADDRESS: Final = "largest_address"
PRECISION_NOTE: Final = "precision_note"
EPS_M: Final = "eps_m"
N_COLOCATIONS: Final = "n_colocations"
N_CLUSTERS: Final = "n_clusters"

#: Columns of :attr:`ColocationResult.clusters`, in order.
CLUSTER_COLUMNS: Final = (
    schema.COLOCATION_ID,
    schema.CLUSTER_LABEL,
    schema.IS_COLOCATION,
    schema.DISTRICT_CODE,
    schema.DISTRICT_NAME,
    DISTRICT_CODES,
    N_ASSETS,
    N_SITES,
    AGENCIES,
    N_AGENCIES,
    USES,
    schema.GIA_M2,
    schema.STAFF_FTE,
    schema.ANNUAL_COST_GBP,
    VACANT_GIA_M2,
    CENTROID_X,
    CENTROID_Y,
    LARGEST_NAME,
    LARGEST_ADDRESS,
    PRECISION_NOTE,
    schema.GEOMETRY,
)
#: Statuses whose floor area counts as vacant or surplus.
VACANT_STATUSES: Final = ("vacant", "surplus")
#: Prefix used when no member of a cluster has a district.
NO_DISTRICT_PREFIX: Final = "XXX"
METHODS: Final = ("dbscan", "hdbscan")
EPS_RANGE_M: Final = (1.0, 10_000.0)
MIN_ASSETS_RANGE: Final = (1, 10_000)
MIN_AGENCIES_RANGE: Final = (1, 100)
HULL_BUFFER_RANGE_M: Final = (0.0, 100.0)


def _check_number(name: str, value: Any, low: float, high: float, *, integer: bool) -> None:
    kind = "a whole number" if integer else "a number"
    ok = isinstance(value, int | np.integer) if integer else isinstance(
        value, int | float | np.integer | np.floating
    )
    if isinstance(value, bool) or not ok:
        raise ValidationError(
            f"{name} must be {kind} between {low:g} and {high:g}, got {value!r}"
        )
    if not (math.isfinite(float(value)) and low <= float(value) <= high):
        raise ValidationError(
            f"{name} must be between {low:g} and {high:g}, got {value!r}. "
            f"Choose a value in that range."
        )


@dataclass(frozen=True)
class ClusterParams:
    """Parameters of :func:`find_colocations`, checked when created.

    Parameters
    ----------
    eps_m
        Neighbourhood distance in metres, 1 to 10,000 (British National Grid).
    min_assets
        DBSCAN ``min_samples`` counted in locations (a shared site counts once),
        the location itself included, 1 to 10,000.
    min_agencies
        Distinct agencies a cluster needs to be a co-location, 1 to 100.
    method
        ``"dbscan"`` (default, exact grid DBSCAN) or ``"hdbscan"`` (scikit-learn's
        HDBSCAN with ``min_cluster_size=max(2, min_assets)`` and
        ``cluster_selection_epsilon=eps_m``, for estates of very uneven density).
    hull_buffer_m
        Buffer around each cluster's convex hull, metres, 0 to 100, so that a
        pair or a single shared site still has an area.

    Raises
    ------
    ValidationError
        When a value is outside its range; the message states the range.

    Examples
    --------
    >>> ClusterParams(eps_m=100).eps_m
    100.0

    One set of parameters can drive several runs:

    >>> import kentassets as ka
    >>> estate = ka.sample_estate()
    >>> params = ka.ClusterParams(eps_m=500, min_agencies=3)
    >>> result = ka.find_colocations(estate.assets, params=params)
    >>> result.params == params, bool(result.clusters["n_agencies"].min() >= 1)
    (True, True)
    >>> ka.ClusterParams(method="kmeans")
    Traceback (most recent call last):
    ...
    kentassets.errors.ValidationError: method must be one of 'dbscan', 'hdbscan', got 'kmeans'
    """

    eps_m: float = 250.0
    min_assets: int = 2
    min_agencies: int = 2
    method: str = "dbscan"
    hull_buffer_m: float = 10.0

    def __post_init__(self) -> None:
        _check_number("eps_m", self.eps_m, *EPS_RANGE_M, integer=False)
        _check_number("min_assets", self.min_assets, *MIN_ASSETS_RANGE, integer=True)
        _check_number("min_agencies", self.min_agencies, *MIN_AGENCIES_RANGE, integer=True)
        _check_number("hull_buffer_m", self.hull_buffer_m, *HULL_BUFFER_RANGE_M, integer=False)
        if self.method not in METHODS:
            raise ValidationError(
                f"method must be one of {', '.join(map(repr, METHODS))}, got {self.method!r}"
            )
        object.__setattr__(self, "eps_m", float(self.eps_m))
        object.__setattr__(self, "hull_buffer_m", float(self.hull_buffer_m))
        object.__setattr__(self, "min_assets", int(self.min_assets))
        object.__setattr__(self, "min_agencies", int(self.min_agencies))

    def to_dict(self) -> dict[str, Any]:
        """The parameters as a plain dict (for traceability in outputs)."""
        return asdict(self)


@dataclass
class ColocationResult:
    """What :func:`find_colocations` found.

    Made by :func:`find_colocations`, not usually by hand. In Jupyter it shows
    the per-district summary and the cluster table.

    Parameters
    ----------
    labels
        Per asset (the assets' index), ``int64`` cluster label, -1 for noise and
        for assets without a location. Equal to the ``cluster_label`` column of
        :attr:`clusters`.
    colocation_ids
        Per asset, ``string``: the ``colocation_id`` of its co-location, ``<NA>``
        when the asset is in no multi-agency co-location.
    clusters
        One row per cluster (co-locations and single-agency clusters), columns
        :data:`CLUSTER_COLUMNS`, indexed by cluster label, EPSG:27700.
    params
        The parameters used.

    Examples
    --------
    >>> import kentassets as ka
    >>> estate = ka.sample_estate()
    >>> colocs = ka.find_colocations(estate.assets, eps_m=250)
    >>> colocs.labels.index.equals(estate.assets.index)
    True
    >>> bool(colocs.colocations["is_colocation"].all()), len(colocs.colocations) > 10
    (True, True)
    >>> list(colocs.summary().columns[:3])
    ['district_code', 'district_name', 'n_colocations']
    >>> labelled = colocs.label_assets(estate.assets)
    >>> bool(labelled["colocation_id"].notna().any())
    True
    """

    labels: pd.Series
    colocation_ids: pd.Series
    clusters: gpd.GeoDataFrame
    params: ClusterParams = field(default_factory=ClusterParams)

    @property
    def colocations(self) -> gpd.GeoDataFrame:
        """The rows of :attr:`clusters` that are multi-agency co-locations."""
        return self.clusters[self.clusters[schema.IS_COLOCATION].to_numpy(dtype=bool)]

    def label_assets(self, assets: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        """Return a copy of ``assets`` with ``cluster_label`` and ``colocation_id`` columns."""
        out = assets.copy()
        out[schema.CLUSTER_LABEL] = self.labels.reindex(out.index).fillna(-1).astype("int64")
        out[schema.COLOCATION_ID] = self.colocation_ids.reindex(out.index).astype("string")
        return out

    def summary(self) -> pd.DataFrame:
        """Per district (majority district of each co-location): counts and totals.

        Columns: ``district_code``, ``district_name``, ``n_colocations``,
        ``n_single_agency_clusters``, ``n_assets`` (in co-locations),
        ``gia_m2`` (in co-locations). One row per district with any cluster,
        sorted by code; clusters without a district are under ``<NA>``.
        """
        table = pd.DataFrame(self.clusters.drop(columns=schema.GEOMETRY))
        cols = [
            schema.DISTRICT_CODE,
            schema.DISTRICT_NAME,
            N_COLOCATIONS,
            "n_single_agency_clusters",
            N_ASSETS,
            schema.GIA_M2,
        ]
        if table.empty:
            return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
        is_col = table[schema.IS_COLOCATION].to_numpy(dtype=bool)
        table["_col"] = is_col.astype(int)
        table["_single"] = (~is_col).astype(int)
        table["_assets"] = np.where(is_col, table[N_ASSETS], 0)
        table["_gia"] = np.where(is_col, table[schema.GIA_M2].fillna(0.0), 0.0)
        grouped = table.groupby(
            [schema.DISTRICT_CODE, schema.DISTRICT_NAME], dropna=False, sort=True
        )[["_col", "_single", "_assets", "_gia"]].sum()
        grouped.columns = cols[2:]
        return grouped.reset_index()

    def __repr__(self) -> str:
        p = self.params
        n_col = int(self.clusters[schema.IS_COLOCATION].sum()) if len(self.clusters) else 0
        return (
            f"<ColocationResult: {n_col} co-locations, {len(self.clusters) - n_col} "
            f"single-agency clusters, {int(self.colocation_ids.notna().sum())} of "
            f"{len(self.labels)} assets in co-locations; {p.method}, eps {p.eps_m:g} m, "
            f"min_assets {p.min_assets}, min_agencies {p.min_agencies}>"
        )

    def _repr_html_(self) -> str:
        from .safety import escape_html

        p = self.params
        n_col = int(self.clusters[schema.IS_COLOCATION].sum()) if len(self.clusters) else 0
        n_assets = int(self.colocation_ids.notna().sum())
        head = (
            f"<p><b>{n_col} co-locations</b> ({len(self.clusters) - n_col} single-agency "
            f"clusters), {n_assets} of {len(self.labels)} assets in co-locations. "
            f"{escape_html(p.method.upper())}, eps {p.eps_m:g} m, min_assets {p.min_assets}, "
            f"min_agencies {p.min_agencies}.</p>"
        )
        table = pd.DataFrame(self.clusters.drop(columns=schema.GEOMETRY)).head(50)
        return (
            head
            + self.summary().to_html(index=False, na_rep="", escape=True)
            + table.to_html(index=False, na_rep="", escape=True)
        )


# --- locations ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Locations:
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


def _check_assets(assets: gpd.GeoDataFrame) -> None:
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


def _codes(values: pd.Series) -> tuple[NDArray[np.int64], NDArray[Any]]:
    """Factorise with sorted categories; missing values get -1."""
    codes, uniques = pd.factorize(values, sort=True, use_na_sentinel=True)
    return codes.astype(np.int64), np.asarray(uniques, dtype=object)


def _unique(values: NDArray[np.int64]) -> NDArray[np.int64]:
    """Sorted distinct values (a sort, not numpy's hash-based unique)."""
    ordered = np.sort(values)
    if len(ordered) == 0:
        return ordered
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]]


def _runs(ordered: NDArray[Any]) -> tuple[NDArray[Any], NDArray[np.int64], NDArray[np.int64]]:
    """Values, starts and lengths of the runs of equal values in a sorted array."""
    if len(ordered) == 0:
        empty = np.empty(0, dtype=np.int64)
        return ordered[:0], empty, empty
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    return ordered[starts], starts, np.diff(np.r_[starts, len(ordered)])


def _xy(assets: gpd.GeoDataFrame) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    geoms = assets.geometry.to_numpy()
    if len(geoms) == 0:
        return np.empty(0), np.empty(0)
    return (np.asarray(shapely.get_x(geoms), dtype=np.float64),
            np.asarray(shapely.get_y(geoms), dtype=np.float64))


def _prepare_locations(assets: gpd.GeoDataFrame) -> _Locations:
    n = len(assets)
    x, y = _xy(assets)
    valid = np.isfinite(x) & np.isfinite(y)
    agency_code, agency_names = _codes(assets[schema.AGENCY])
    if schema.SITE_ID in assets.columns:
        site_code, _ = _codes(assets[schema.SITE_ID])
    else:
        site_code = np.full(n, -1, dtype=np.int64)
    asset_loc = np.full(n, -1, dtype=np.int64)
    # assets without a site are locations of their own
    alone = np.flatnonzero(valid & (site_code < 0))
    # assets sharing a site: one location at their mean point, summed in a canonical order
    shared = np.flatnonzero(valid & (site_code >= 0))
    shared = shared[np.lexsort((y[shared], x[shared], site_code[shared]))]
    _, starts, counts = _runs(site_code[shared])
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
        pairs = _unique(asset_loc[shared][has_ag] * width + agency_code[shared][has_ag])
        n_agencies += np.bincount(pairs // width, minlength=len(xy)).astype(np.int64)
    return _Locations(asset_loc, xy, n_agencies, agency_code, agency_names, x, y)


def _cluster_locations(locs: _Locations, params: ClusterParams) -> NDArray[np.int64]:
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


def _agency_counts(
    cluster_of_asset: NDArray[np.int64], agency_code: NDArray[np.int64], n_codes: int, k: int
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Distinct agencies per cluster, and the unique (cluster, agency) pairs."""
    member = (cluster_of_asset >= 0) & (agency_code >= 0)
    width = max(n_codes, 1)
    pairs = _unique(cluster_of_asset[member] * width + agency_code[member])
    return np.bincount(pairs // width, minlength=k).astype(np.int64), pairs


# --- public functions -----------------------------------------------------------------


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
    _check_assets(assets)
    locs = _prepare_locations(assets)
    loc_labels = _cluster_locations(locs, params)
    raw = np.where(locs.asset_loc >= 0, loc_labels[np.maximum(locs.asset_loc, 0)], -1)
    if len(raw) == 0:
        raw = raw.astype(np.int64)
    return _build_result(assets, raw, locs, params)


def sweep_eps(
    assets: gpd.GeoDataFrame,
    eps_values: Iterable[float] = (50, 100, 250, 500, 1000),
    *,
    min_assets: int = 2,
    min_agencies: int = 2,
    method: str = "dbscan",
) -> pd.DataFrame:
    """Count co-locations at several distances, to justify the distance chosen.

    Parameters
    ----------
    assets
        Canonical assets in EPSG:27700.
    eps_values
        Distances in metres, each 1 to 10,000.
    min_assets, min_agencies, method
        As in :func:`find_colocations`, the same for every distance.

    Returns
    -------
    pandas.DataFrame
        One row per distance, in the order given: ``eps_m``, ``n_colocations``,
        ``n_assets`` (assets in co-locations), ``n_agencies`` (agencies involved
        in any co-location), ``n_clusters`` (single-agency clusters included).

    Raises
    ------
    CoordinateSystemError, ValidationError
        As :func:`find_colocations`.

    Examples
    --------
    >>> import kentassets as ka
    >>> estate = ka.sample_estate()
    >>> sweep = ka.sweep_eps(estate.assets, (100, 250, 500))
    >>> list(sweep.columns)
    ['eps_m', 'n_colocations', 'n_assets', 'n_agencies', 'n_clusters']
    >>> bool(sweep["n_assets"].is_monotonic_increasing)  # a wider net catches more assets
    True

    Two assets 200 m apart are a co-location at 250 m but not at 100 m:

    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> from kentassets import schema
    >>> assets = schema.coerce_assets(gpd.GeoDataFrame(
    ...     {"agency": ["Police", "Fire"]},
    ...     geometry=[Point(575000, 155000), Point(575200, 155000)], crs="EPSG:27700"))
    >>> sweep_eps(assets, (100, 250))[["eps_m", "n_colocations"]].values.tolist()
    [[100.0, 0.0], [250.0, 1.0]]
    """
    values = [float(v) for v in eps_values]
    all_params = [
        ClusterParams(eps_m=v, min_assets=min_assets, min_agencies=min_agencies, method=method)
        for v in values
    ]
    _check_assets(assets)
    locs = _prepare_locations(assets)
    rows = []
    for params in all_params:
        loc_labels = _cluster_locations(locs, params)
        raw = np.where(locs.asset_loc >= 0, loc_labels[np.maximum(locs.asset_loc, 0)], -1)
        k = int(raw.max()) + 1 if len(raw) and raw.max() >= 0 else 0
        n_ag, pairs = _agency_counts(raw, locs.agency_code, locs.n_agency_codes, k)
        is_col = n_ag >= params.min_agencies
        in_col = (raw >= 0) & is_col[np.maximum(raw, 0)] if k else np.zeros(len(raw), bool)
        width = max(locs.n_agency_codes, 1)
        involved = _unique(pairs[is_col[pairs // width]] % width) if len(pairs) else pairs
        rows.append(
            {
                EPS_M: params.eps_m,
                N_COLOCATIONS: int(is_col.sum()),
                N_ASSETS: int(in_col.sum()),
                N_AGENCIES: len(involved),
                N_CLUSTERS: k,
            }
        )
    out = pd.DataFrame(rows, columns=[EPS_M, N_COLOCATIONS, N_ASSETS, N_AGENCIES, N_CLUSTERS])
    return out.astype(
        {EPS_M: "float64", N_COLOCATIONS: "int64", N_ASSETS: "int64", N_AGENCIES: "int64",
         N_CLUSTERS: "int64"}
    )


def plot_sweep(
    sweep: pd.DataFrame, *, ax: Axes | None = None, chosen_eps_m: float | None = None
) -> Axes:
    """Draw the sensitivity of the co-locations to the distance.

    Co-locations (left axis) and assets in co-locations (right axis) against
    ``eps_m`` on a logarithmic axis; ``chosen_eps_m`` draws a dashed line.

    Parameters
    ----------
    sweep
        The frame of :func:`sweep_eps`.
    ax
        Axes to draw on; a new figure when omitted.
    chosen_eps_m
        The distance used for the analysis, marked on the plot.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on (co-locations); the assets axis is its twin.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import kentassets as ka
    >>> sweep = ka.sweep_eps(ka.sample_estate().assets, (50, 100, 250, 500, 1000))
    >>> ax = ka.plot_sweep(sweep, chosen_eps_m=250)
    >>> type(ax).__name__, ax.get_xlabel()
    ('Axes', 'distance eps (m)')
    >>> plt.close(ax.figure)
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import ScalarFormatter

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    eps = sweep[EPS_M].to_numpy(dtype=float)
    ax.plot(eps, sweep[N_COLOCATIONS].to_numpy(), marker="o", color="#1f4e79",
            label="co-locations")
    ax.set_xlabel("distance eps (m)")
    ax.set_ylabel("co-locations", color="#1f4e79")
    if len(eps) and (eps > 0).all():
        ax.set_xscale("log")
        ax.set_xticks(eps)
        ax.xaxis.set_major_formatter(ScalarFormatter())
        ax.xaxis.set_minor_formatter(ScalarFormatter())
        ax.xaxis.set_minor_locator(plt.NullLocator())
    twin = ax.twinx()
    twin.plot(eps, sweep[N_ASSETS].to_numpy(), marker="s", linestyle="--", color="#c55a11",
              label="assets in co-locations")
    twin.set_ylabel("assets in co-locations", color="#c55a11")
    if chosen_eps_m is not None:
        ax.axvline(chosen_eps_m, color="0.4", linestyle=":", linewidth=1)
        ax.annotate(f"{chosen_eps_m:g} m", (chosen_eps_m, 1), xycoords=("data", "axes fraction"),
                    xytext=(3, -12), textcoords="offset points", fontsize=8, color="0.3")
    ax.set_title("Sensitivity of co-locations to the distance")
    ax.grid(True, which="major", alpha=0.3)
    return ax


# --- cluster table --------------------------------------------------------------------


def _group_join(
    lab: NDArray[np.int64], codes: NDArray[np.int64], uniques: NDArray[Any], k: int,
    *, sep: str = ";",
) -> NDArray[Any]:
    """Per cluster, the sorted distinct values (``uniques[codes]``, -1 missing) joined."""
    out = np.full(k, "", dtype=object)
    ok = codes >= 0
    if not ok.any():
        return out
    width = len(uniques)
    if width <= 62:
        # each cluster's set of values as a bit mask: one join per distinct set
        masks = np.zeros(k, dtype=np.int64)
        np.bitwise_or.at(masks, lab[ok], np.left_shift(np.int64(1), codes[ok]))
        distinct, inverse = np.unique(masks, return_inverse=True)
        texts = np.array(
            [sep.join(str(uniques[b]) for b in range(width) if (int(m) >> b) & 1)
             for m in distinct],
            dtype=object,
        )
        return texts[inverse.reshape(-1)]
    pairs = _unique(lab[ok] * width + codes[ok])
    plab = pairs // width
    bounds = np.flatnonzero(np.r_[True, plab[1:] != plab[:-1], True])
    names = [str(v) for v in uniques[pairs % width]]
    for a, b in itertools.pairwise(bounds):
        out[plab[a]] = sep.join(names[a:b])
    return out


def _numeric(assets: gpd.GeoDataFrame, col: str) -> NDArray[np.float64]:
    if col not in assets.columns:
        return np.full(len(assets), np.nan)
    return pd.to_numeric(assets[col], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


def _column_codes(assets: gpd.GeoDataFrame, col: str) -> tuple[NDArray[np.int64], NDArray[Any]]:
    """Sorted codes of a text column (-1 missing); all missing when the column is absent."""
    if col not in assets.columns:
        return np.full(len(assets), -1, dtype=np.int64), np.empty(0, dtype=object)
    return _codes(assets[col].astype("string"))


def _flag(assets: gpd.GeoDataFrame, col: str, values: Sequence[str]) -> NDArray[np.bool_]:
    """Per asset, whether the text column holds one of ``values``."""
    if col not in assets.columns:
        return np.zeros(len(assets), dtype=bool)
    hit = assets[col].astype("string").isin(list(values))
    return hit.to_numpy(dtype=bool, na_value=False)


def _texts(assets: gpd.GeoDataFrame, col: str, rows: NDArray[np.int64]) -> pd.Series:
    """The text column at the given row positions (missing when the column is absent)."""
    if col not in assets.columns:
        return pd.Series(pd.NA, index=range(len(rows)), dtype="string")
    return assets[col].iloc[rows].astype("string").reset_index(drop=True)


def _empty_table() -> gpd.GeoDataFrame:
    dtypes = {
        schema.COLOCATION_ID: "string",
        schema.CLUSTER_LABEL: "int64",
        schema.IS_COLOCATION: "bool",
        schema.DISTRICT_CODE: "string",
        schema.DISTRICT_NAME: "string",
        DISTRICT_CODES: "string",
        N_ASSETS: "int64",
        N_SITES: "int64",
        AGENCIES: "string",
        N_AGENCIES: "int64",
        USES: "string",
        schema.GIA_M2: "float64",
        schema.STAFF_FTE: "float64",
        schema.ANNUAL_COST_GBP: "float64",
        VACANT_GIA_M2: "float64",
        CENTROID_X: "float64",
        CENTROID_Y: "float64",
        LARGEST_NAME: "string",
        LARGEST_ADDRESS: "string",
        PRECISION_NOTE: "string",
    }
    frame = pd.DataFrame({c: pd.Series(dtype=t) for c, t in dtypes.items()})
    frame.index.name = schema.CLUSTER_LABEL
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([], crs=schema.CRS), crs=schema.CRS)


def _sum_known(values: NDArray[np.float64], starts: NDArray[np.int64]) -> NDArray[np.float64]:
    known = np.isfinite(values)
    total = np.add.reduceat(np.where(known, values, 0.0), starts)
    n_known = np.add.reduceat(known.astype(np.int64), starts)
    return np.where(n_known > 0, total, np.nan)


def _first_per_group(lab: NDArray[np.int64], order: NDArray[np.int64]) -> NDArray[np.int64]:
    """Rows (from ``order``, sorted by group first) that come first in their group."""
    grp = lab[order]
    return order[np.r_[True, grp[1:] != grp[:-1]]] if len(order) else order


def _build_result(
    assets: gpd.GeoDataFrame,
    raw: NDArray[np.int64],
    locs: _Locations,
    params: ClusterParams,
) -> ColocationResult:
    n = len(assets)
    k = int(raw.max()) + 1 if n and raw.max() >= 0 else 0
    if k == 0:
        labels = pd.Series(np.full(n, -1, dtype=np.int64), index=assets.index,
                           name=schema.CLUSTER_LABEL)
        ids = pd.Series(pd.NA, index=assets.index, dtype="string", name=schema.COLOCATION_ID)
        return ColocationResult(labels, ids, _empty_table(), params)

    geoms = assets.geometry.to_numpy()
    x, y = locs.x, locs.y
    gia = _numeric(assets, schema.GIA_M2)
    staff = _numeric(assets, schema.STAFF_FTE)
    cost = _numeric(assets, schema.ANNUAL_COST_GBP)
    # members grouped by cluster. Sums are rounded (areas, staff and costs to 0.01,
    # centroids to the metre) so that they do not depend on the order of the rows.
    members = np.flatnonzero(raw >= 0)
    members = members[np.argsort(raw[members], kind="stable")]
    lab = raw[members]
    _, starts, n_assets = _runs(lab)
    mx, my, g = x[members], y[members], gia[members]

    n_agencies, _ = _agency_counts(raw, locs.agency_code, locs.n_agency_codes, k)
    is_col = n_agencies >= params.min_agencies
    width_loc = len(locs.xy) + 1
    n_sites = np.bincount(_unique(lab * width_loc + locs.asset_loc[members]) // width_loc,
                          minlength=k)

    vacant = _flag(assets, schema.STATUS, VACANT_STATUSES)[members]
    vacant_gia = np.round(np.add.reduceat(np.where(vacant & np.isfinite(g), g, 0.0), starts), 2)
    cx = np.round(np.add.reduceat(mx, starts) / n_assets)
    cy = np.round(np.add.reduceat(my, starts) / n_assets)

    # districts: majority (most assets, ties to the lowest code) and all codes
    dcode_all, duniq = _column_codes(assets, schema.DISTRICT_CODE)
    dcodes = dcode_all[members]
    major = np.full(k, -1, dtype=np.int64)
    ok = dcodes >= 0
    name_of_code = np.full(len(duniq), None, dtype=object)
    if ok.any():
        width = len(duniq)
        pair, _, count = _runs(np.sort(lab[ok] * width + dcodes[ok]))
        plab, pcode = pair // width, pair % width
        top = _first_per_group(plab, np.lexsort((pcode, -count, plab)))
        major[plab[top]] = pcode[top]
        # each code's name: the first in sort order of the names recorded with it
        ncode_all, nuniq = _column_codes(assets, schema.DISTRICT_NAME)
        has = (dcode_all >= 0) & (ncode_all >= 0)
        if has.any():
            wn = len(nuniq)
            cn = _unique(dcode_all[has] * wn + ncode_all[has])
            first = np.r_[True, (cn // wn)[1:] != (cn // wn)[:-1]]
            name_of_code[(cn // wn)[first]] = nuniq[(cn % wn)[first]]
    major_code = np.full(k, None, dtype=object)
    major_name = np.full(k, None, dtype=object)
    has_major = major >= 0
    major_code[has_major] = duniq[major[has_major]]
    major_name[has_major] = name_of_code[major[has_major]]

    # largest member by GIA among non-sensitive members; ties by name, address, agency
    sens = (
        assets[schema.SENSITIVE].fillna(False).to_numpy(dtype=bool)[members]
        if schema.SENSITIVE in assets.columns
        else np.zeros(len(members), bool)
    )
    g_key = np.where(np.isfinite(g) & ~sens, g, -1.0)
    g_max = np.maximum.reduceat(g_key, starts) if len(starts) else g_key
    cand = np.flatnonzero(~sens & (g_key == np.repeat(g_max, n_assets)))
    cand_rows = members[cand]
    picks = pd.DataFrame(
        {
            "lab": lab[cand],
            "name": _texts(assets, schema.NAME, cand_rows),
            "address": _texts(assets, schema.ADDRESS, cand_rows),
            "agency": _texts(assets, schema.AGENCY, cand_rows),
        }
    ).sort_values(["lab", "name", "address", "agency"], na_position="last", kind="stable")
    picks = picks.drop_duplicates("lab")
    largest_name = np.full(k, "", dtype=object)
    largest_address = np.full(k, "", dtype=object)
    largest_name[picks["lab"].to_numpy()] = picks["name"].fillna("").to_numpy(dtype=object)
    largest_address[picks["lab"].to_numpy()] = picks["address"].fillna("").to_numpy(dtype=object)

    postcode = _flag(assets, schema.LOCATION_METHOD, ("postcode",))[members]
    n_postcode = np.add.reduceat(postcode.astype(np.int64), starts)
    note = np.full(k, "", dtype=object)
    for i in np.flatnonzero(n_postcode):
        note[i] = (
            f"{n_postcode[i]} of {n_assets[i]} assets placed only by postcode centroid; "
            "assets sharing a centroid may not really be neighbours"
        )

    # identifiers: prefix of the majority district + number north to south, west to east
    prefix_of_code = np.array(
        [schema.district_prefix(str(c), None if nm is None else str(nm))
         for c, nm in zip(duniq, name_of_code, strict=True)] + [NO_DISTRICT_PREFIX],
        dtype=object,
    )
    prefixes = prefix_of_code[np.where(major >= 0, major, len(duniq))]
    prefix_rank = pd.factorize(prefixes, sort=True)[0]
    min_x = np.minimum.reduceat(mx, starts)
    min_y = np.minimum.reduceat(my, starts)
    single = (~is_col).astype(np.int64)
    raw_in_order = np.lexsort((n_assets, min_y, min_x, cx, -cy, prefix_rank, single))
    group = single[raw_in_order] * (len(prefix_of_code) + 1) + prefix_rank[raw_in_order]
    _, gstarts, gcounts = _runs(group)
    number = np.arange(k) - np.repeat(gstarts, gcounts) + 1
    new_label = np.empty(k, dtype=np.int64)
    new_label[raw_in_order] = np.arange(k)
    id_text = (
        pd.Series(prefixes[raw_in_order], dtype="string")
        + np.where(single[raw_in_order] == 1, "-s", "-")
        + pd.Series(number).astype("string").str.zfill(2)
    )
    ids = np.empty(k, dtype=object)
    ids[raw_in_order] = id_text.to_numpy(dtype=object)

    hulls = _hulls(geoms[members], mx, my, lab, starts, n_assets)
    if params.hull_buffer_m > 0:
        hulls = shapely.buffer(hulls, params.hull_buffer_m)
    hulls = shapely.normalize(hulls)  # canonical vertex order, whatever the row order

    def text(values: NDArray[Any]) -> Any:
        return pd.array(values[raw_in_order], dtype="string")

    table = pd.DataFrame(
        {
            schema.COLOCATION_ID: text(ids),
            schema.CLUSTER_LABEL: np.arange(k, dtype=np.int64),
            schema.IS_COLOCATION: is_col[raw_in_order],
            schema.DISTRICT_CODE: text(major_code),
            schema.DISTRICT_NAME: text(major_name),
            DISTRICT_CODES: text(_group_join(lab, dcodes, duniq, k)),
            N_ASSETS: n_assets[raw_in_order].astype(np.int64),
            N_SITES: n_sites[raw_in_order].astype(np.int64),
            AGENCIES: text(_group_join(lab, locs.agency_code[members],
                                       np.asarray(locs.agency_names, dtype=object), k)),
            N_AGENCIES: n_agencies[raw_in_order],
            USES: text(_group_join(lab, *_split(_column_codes(assets, schema.USE), members), k)),
            schema.GIA_M2: np.round(_sum_known(g, starts), 2)[raw_in_order],
            schema.STAFF_FTE: np.round(_sum_known(staff[members], starts), 2)[raw_in_order],
            schema.ANNUAL_COST_GBP: np.round(_sum_known(cost[members], starts), 2)[raw_in_order],
            VACANT_GIA_M2: vacant_gia[raw_in_order],
            CENTROID_X: cx[raw_in_order],
            CENTROID_Y: cy[raw_in_order],
            LARGEST_NAME: text(largest_name),
            LARGEST_ADDRESS: text(largest_address),
            PRECISION_NOTE: text(note),
        }
    )
    table.index.name = schema.CLUSTER_LABEL
    clusters = gpd.GeoDataFrame(
        table, geometry=gpd.GeoSeries(hulls[raw_in_order], crs=schema.CRS), crs=schema.CRS
    )
    asset_label = np.where(raw >= 0, new_label[np.maximum(raw, 0)], -1).astype(np.int64)
    labels = pd.Series(asset_label, index=assets.index, name=schema.CLUSTER_LABEL)
    in_col = (raw >= 0) & is_col[np.maximum(raw, 0)]
    id_array = pd.array(ids, dtype="string")
    colocation_ids = pd.Series(
        id_array.take(np.where(in_col, raw, -1), allow_fill=True),
        index=assets.index,
        name=schema.COLOCATION_ID,
    )
    return ColocationResult(labels, colocation_ids, clusters, params)


def _argmax_per_group(
    values: NDArray[np.float64], starts: NDArray[np.int64], counts: NDArray[np.int64]
) -> NDArray[np.int64]:
    """Row of the first maximum of ``values`` in each group of consecutive rows."""
    best = np.repeat(np.maximum.reduceat(values, starts), counts)
    at_max = np.flatnonzero(values == best)
    grp = np.repeat(np.arange(len(starts)), counts)[at_max]
    return at_max[np.r_[True, grp[1:] != grp[:-1]]]


def _hulls(
    geoms: NDArray[Any],
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    lab: NDArray[np.int64],
    starts: NDArray[np.int64],
    counts: NDArray[np.int64],
) -> NDArray[Any]:
    """Convex hull of each group of consecutive points (grouped by ``lab``).

    Points strictly inside the quadrilateral of their group's leftmost, lowest,
    rightmost and highest points cannot be hull vertices and are dropped first
    (Akl-Toussaint), so that GEOS only sees the few candidates of dense clusters.
    """
    left = _argmax_per_group(-x, starts, counts)
    bottom = _argmax_per_group(-y, starts, counts)
    right = _argmax_per_group(x, starts, counts)
    top = _argmax_per_group(y, starts, counts)
    inside = np.ones(len(x), dtype=bool)
    for a, b in ((left, bottom), (bottom, right), (right, top), (top, left)):
        ax, ay = np.repeat(x[a], counts), np.repeat(y[a], counts)
        bx, by = np.repeat(x[b], counts), np.repeat(y[b], counts)
        inside &= (bx - ax) * (y - ay) - (by - ay) * (x - ax) > 1e-3
    keep = ~inside
    return shapely.convex_hull(shapely.multipoints(geoms[keep], indices=lab[keep]))


def _split(
    coded: tuple[NDArray[np.int64], NDArray[Any]], members: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[Any]]:
    return coded[0][members], coded[1]


# --- exact grid DBSCAN ------------------------------------------------------------------
# Exact grid-based DBSCAN on planar points, vectorised with numpy.
#
# The plane is cut into square cells of side ``eps / sqrt(2)`` (a hair less, so
# that a cell's diagonal is strictly shorter than ``eps``). Two points closer
# than ``eps`` are then at most two cells apart in each direction, so only the
# 5 x 5 block of cells around a cell needs testing (Gunawan 2013; Gan & Tao 2015).
#
# 1. **Core points.** A point is core when at least ``min_samples`` points,
#    itself included, lie within ``eps`` (distance ``<= eps``, as scikit-learn).
#    Every point of a cell holding ``min_samples`` points or more is core without
#    any distance test (the cell is narrower than ``eps``). Points of sparser
#    cells are counted against the points of their 24 neighbouring cells.
# 2. **Core connectivity.** All core points of one cell are connected. Two cells
#    are connected when one of their core pairs is within ``eps``. A cheap
#    sufficient test first (the extreme core points of each cell facing each
#    other), then connected components; only cell pairs still in different
#    components and whose core bounding boxes are within reach get the exact
#    all-pairs test, in bounded chunks, with the components recomputed between
#    chunks.
# 3. **Border points.** A non-core point within ``eps`` of a core point joins a
#    cluster. When several clusters reach it, it joins the one scikit-learn's
#    ``dbscan_inner`` would give it: clusters are numbered in the order of their
#    lowest-index core point, and a border point takes the lowest-numbered
#    cluster that reaches it. Labels are therefore **identical** to
#    ``sklearn.cluster.DBSCAN(eps, min_samples=min_samples).fit(xy).labels_``,
#    cluster numbers included (up to floating-point ties at exactly ``eps``).
#
# Memory is linear in the number of points: point pairs are generated in chunks
# of at most ``max_pairs``.

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]

#: Default number of candidate point pairs tested at once (about 100 MB of scratch).
MAX_PAIRS = 2_000_000


def _direction_table(rounding: Any) -> NDArray[np.int64]:
    """Compass direction (0 = east, counter-clockwise in eighths) of each 5 x 5 offset."""
    table = np.zeros((5, 5), dtype=np.int64)
    for dx in range(-2, 3):
        for dy in range(-2, 3):
            if dx or dy:
                table[dx + 2, dy + 2] = rounding(math.atan2(dy, dx) / (math.pi / 4)) % 8
    return table


_DIR_FLOOR = _direction_table(math.floor)
_DIR_CEIL = _direction_table(math.ceil)
_DIRECTIONS = np.array(
    [[math.cos(k * math.pi / 4), math.sin(k * math.pi / 4)] for k in range(8)]
)


def _chunks(counts: IntArray, max_pairs: int) -> list[tuple[int, int]]:
    """Split a sequence of group sizes into runs whose totals stay near ``max_pairs``."""
    if len(counts) == 0:
        return []
    cum = np.cumsum(counts)
    total = int(cum[-1])
    if total <= max_pairs:
        return [(0, len(counts))]
    cuts = np.searchsorted(cum, np.arange(max_pairs, total, max_pairs), side="right")
    bounds = np.unique(np.concatenate([[0], cuts, [len(counts)]]))
    return [(int(a), int(b)) for a, b in itertools.pairwise(bounds) if b > a]


def _expand(
    query: IntArray, target_start: IntArray, target_count: IntArray
) -> tuple[IntArray, IntArray, IntArray]:
    """All pairs (query point, target point) for groups of consecutive targets.

    Returns the query point of each pair, the target point, and the group number.
    """
    total = int(target_count.sum())
    group = np.repeat(np.arange(len(query), dtype=np.int64), target_count)
    first = np.cumsum(target_count) - target_count
    target = np.arange(total, dtype=np.int64) + np.repeat(target_start - first, target_count)
    return query[group], target, group


def _components(n_nodes: int, a: IntArray, b: IntArray) -> IntArray:
    graph = coo_matrix(
        (np.ones(len(a), dtype=np.int8), (a, b)), shape=(n_nodes, n_nodes)
    ).tocsr()
    _, comp = connected_components(graph, directed=False)
    return comp.astype(np.int64)


def grid_dbscan(
    xy: FloatArray, eps: float, min_samples: int, *, max_pairs: int = MAX_PAIRS
) -> IntArray:
    """Label points like ``sklearn.cluster.DBSCAN``; -1 is noise.

    Parameters
    ----------
    xy
        ``(n, 2)`` array of finite planar coordinates (metres).
    eps
        Neighbourhood radius, same unit; neighbours are at distance ``<= eps``.
    min_samples
        Points (the point itself included) needed within ``eps`` for a core point.
    max_pairs
        Largest number of point pairs tested at once (bounds memory).

    Returns
    -------
    numpy.ndarray
        ``int64`` labels, clusters numbered in the order of their lowest-index core point.

    Examples
    --------
    >>> import numpy as np
    >>> grid_dbscan(np.array([[0.0, 0.0], [3.0, 0.0], [50.0, 0.0]]), 5.0, 2).tolist()
    [0, 0, -1]
    """
    xy = np.ascontiguousarray(xy, dtype=np.float64)
    n = len(xy)
    labels = np.full(n, -1, dtype=np.int64)
    if n == 0:
        return labels
    eps2 = eps * eps
    side = eps / math.sqrt(2.0) * (1.0 - 1e-9)
    origin = xy.min(axis=0)
    cell_xy = np.floor((xy - origin) / side).astype(np.int64) + 2
    height = int(cell_xy[:, 1].max()) + 3
    key = cell_xy[:, 0] * height + cell_xy[:, 1]
    order = np.argsort(key, kind="stable")
    skey = key[order]
    pts = xy[order]
    px, py = pts[:, 0].copy(), pts[:, 1].copy()
    cell_key, cell_start, cell_count = _runs(skey)
    n_cells = len(cell_key)
    cell_of = np.repeat(np.arange(n_cells, dtype=np.int64), cell_count)

    # Neighbouring cells: the cells of column cx + dx within two rows of cy are consecutive
    # in key order, starting at lower[dx] (one sorted search per column shift).
    lower = [np.searchsorted(cell_key, cell_key + dx * height - 2) for dx in range(-2, 3)]

    def around(
        cells: IntArray, dxs: tuple[int, ...] = (0, -1, 1, -2, 2), *, half: bool = False
    ) -> Any:
        """Yield (positions in ``cells``, neighbour cell, dx, dy) for the 5 x 5 block.

        With ``half``, only the cells after each cell in key order (dx > 0, or dx = 0
        and dy > 0), so that each pair of cells is seen once.
        """
        base = cell_key[cells]
        for dx in dxs:
            idx = np.arange(len(cells), dtype=np.int64)
            lo = cells + 1 if (half and dx == 0) else lower[dx + 2][cells]
            shifted = base + dx * height
            for step in range(5):
                pos = lo + step
                # keys only grow with the step: a cell past its window stays past it
                dy = cell_key[np.minimum(pos, n_cells - 1)] - shifted
                go_on = (pos < n_cells) & (dy <= 2)
                if not go_on.all():
                    idx, lo, shifted, pos, dy = (
                        idx[go_on], lo[go_on], shifted[go_on], pos[go_on], dy[go_on]
                    )
                if len(idx) == 0:
                    break
                yield idx, pos, dx, dy

    # --- 1. core points ---------------------------------------------------------
    core = np.repeat(cell_count >= min_samples, cell_count)
    active = np.flatnonzero(~core)
    counts = cell_count[cell_of[active]].astype(np.int64)
    for dx_round in (0, -1, 1, -2, 2):
        if len(active) == 0:
            break
        for sel, nb, dx, dy in around(cell_of[active], (dx_round,)):
            other = (dx != 0) | (dy != 0)
            sel, nb = sel[other], nb[other]
            for a, b in _chunks(cell_count[nb], max_pairs):
                qi, tj, grp = _expand(active[sel[a:b]], cell_start[nb[a:b]], cell_count[nb[a:b]])
                hit = (px[qi] - px[tj]) ** 2 + (py[qi] - py[tj]) ** 2 <= eps2
                counts += np.bincount(sel[a:b][grp[hit]], minlength=len(active))
        # points already known to be core need no further counting
        done = counts >= min_samples
        core[active[done]] = True
        active, counts = active[~done], counts[~done]

    core_pts = np.flatnonzero(core)
    if len(core_pts) == 0:
        return labels

    # core-only grid: core points are contiguous per cell because points are sorted by cell
    core_cell_of_pt = cell_of[core_pts]
    ccell, cstart, ccount = _runs(core_cell_of_pt)
    n_cc = len(ccell)
    cc_of_cell = np.full(n_cells, -1, dtype=np.int64)
    cc_of_cell[ccell] = np.arange(n_cc)
    cx, cy = px[core_pts], py[core_pts]
    bbox = np.stack(
        [
            np.minimum.reduceat(cx, cstart),
            np.maximum.reduceat(cx, cstart),
            np.minimum.reduceat(cy, cstart),
            np.maximum.reduceat(cy, cstart),
        ],
        axis=1,
    )
    # extreme core point of each core cell in 8 compass directions (a lone core point
    # is its cell's extreme in every direction)
    cc_of_core = np.repeat(np.arange(n_cc, dtype=np.int64), ccount)
    extremes = np.tile(cstart, (8, 1))
    multi = np.flatnonzero(ccount > 1)
    if len(multi):
        m_pts = np.flatnonzero(np.repeat(ccount > 1, ccount))
        m_cc = cc_of_core[m_pts]
        _, m_start, m_count = _runs(m_cc)
        mx, my = cx[m_pts], cy[m_pts]
        for d in range(8):
            proj = mx * _DIRECTIONS[d, 0] + my * _DIRECTIONS[d, 1]
            best = np.repeat(np.maximum.reduceat(proj, m_start), m_count)
            at_max = np.flatnonzero(proj == best)
            first = np.r_[True, m_cc[at_max][1:] != m_cc[at_max][:-1]]
            extremes[d, multi] = m_pts[at_max[first]]

    # --- 2. connectivity of core cells ------------------------------------------
    ext_flat = extremes.reshape(-1)
    edge_a: list[IntArray] = []
    edge_b: list[IntArray] = []
    pend_a: list[IntArray] = []
    pend_b: list[IntArray] = []
    for sel, nb_cell, dx, dy in around(ccell, (0, 1, 2), half=True):
        nb_cc = cc_of_cell[nb_cell]
        ok = nb_cc >= 0
        ca_all, cb_all, dy = sel[ok], nb_cc[ok], dy[ok]
        if len(ca_all) == 0:
            continue
        # quick sufficient test: the extreme core points of A and B facing each other
        d = _DIR_FLOOR[dx + 2, dy + 2]
        ia, ib = ext_flat[d * n_cc + ca_all], ext_flat[((d + 4) % 8) * n_cc + cb_all]
        linked = (cx[ia] - cx[ib]) ** 2 + (cy[ia] - cy[ib]) ** 2 <= eps2
        other = np.flatnonzero(~linked & (_DIR_CEIL[dx + 2, dy + 2] != d))
        if len(other):
            d2 = _DIR_CEIL[dx + 2, dy[other] + 2]
            ia = ext_flat[d2 * n_cc + ca_all[other]]
            ib = ext_flat[((d2 + 4) % 8) * n_cc + cb_all[other]]
            linked[other] = (cx[ia] - cx[ib]) ** 2 + (cy[ia] - cy[ib]) ** 2 <= eps2
        edge_a.append(ca_all[linked])
        edge_b.append(cb_all[linked])
        # two lone core points failing the test are not linked: nothing left to test
        left = ~linked & ((ccount[ca_all] > 1) | (ccount[cb_all] > 1))
        a_left, b_left = ca_all[left], cb_all[left]
        ba, bb = bbox[a_left], bbox[b_left]
        gap_x = np.maximum(0.0, np.maximum(ba[:, 0] - bb[:, 1], bb[:, 0] - ba[:, 1]))
        gap_y = np.maximum(0.0, np.maximum(ba[:, 2] - bb[:, 3], bb[:, 2] - ba[:, 3]))
        reach = gap_x**2 + gap_y**2 <= eps2
        pend_a.append(a_left[reach])
        pend_b.append(b_left[reach])
    ea = np.concatenate(edge_a) if edge_a else np.empty(0, np.int64)
    eb = np.concatenate(edge_b) if edge_b else np.empty(0, np.int64)
    comp = _components(n_cc, ea, eb)
    pa = np.concatenate(pend_a) if pend_a else np.empty(0, np.int64)
    pb = np.concatenate(pend_b) if pend_b else np.empty(0, np.int64)
    while len(pa):
        todo = comp[pa] != comp[pb]
        pa, pb = pa[todo], pb[todo]
        if len(pa) == 0:
            break
        # exact test on one chunk of cell pairs, then recompute components
        work = ccount[pa] * ccount[pb]
        a_end = _chunks(work, max_pairs)[0][1]
        ca, cb = pa[:a_end], pb[:a_end]
        pa, pb = pa[a_end:], pb[a_end:]
        # expand core points of A against core points of B
        pair_of, a_pt, _ = _expand(np.arange(len(ca), dtype=np.int64), cstart[ca], ccount[ca])
        qi, tj, grp2 = _expand(a_pt, cstart[cb[pair_of]], ccount[cb[pair_of]])
        hit = (cx[qi] - cx[tj]) ** 2 + (cy[qi] - cy[tj]) ** 2 <= eps2
        pair_hit = _unique(pair_of[grp2[hit]])
        if len(pair_hit):
            ea = np.concatenate([ea, ca[pair_hit]])
            eb = np.concatenate([eb, cb[pair_hit]])
            comp = _components(n_cc, ea, eb)

    # cluster numbers: order of each component's lowest original index among its cores
    n_comp = int(comp.max()) + 1
    first_core = np.full(n_comp, n, dtype=np.int64)
    np.minimum.at(first_core, comp[cc_of_core], order[core_pts])
    rank = np.empty(n_comp, dtype=np.int64)
    rank[np.argsort(first_core, kind="stable")] = np.arange(n_comp)
    cluster_of_cc = rank[comp]
    slabels = np.full(n, -1, dtype=np.int64)
    slabels[core_pts] = cluster_of_cc[cc_of_core]

    # --- 3. border points -------------------------------------------------------
    border = np.flatnonzero(~core)
    if len(border):
        best = np.full(len(border), n_comp, dtype=np.int64)
        for sel, nb, _, _ in around(cell_of[border]):
            nb_cc = cc_of_cell[nb]
            keep = nb_cc >= 0
            q_idx, t = sel[keep], nb_cc[keep]
            for a, b in _chunks(ccount[t], max_pairs):
                qi, tj, grp = _expand(border[q_idx[a:b]], cstart[t[a:b]], ccount[t[a:b]])
                hit = (px[qi] - cx[tj]) ** 2 + (py[qi] - cy[tj]) ** 2 <= eps2
                hq = q_idx[a:b][grp[hit]]
                np.minimum.at(best, hq, cluster_of_cc[t[a:b]][grp[hit]])
        reached = best < n_comp
        slabels[border[reached]] = best[reached]

    labels[order] = slabels
    return labels
