"""District boundary files: read official ONS files, download them, cache them.

This is the only module that touches disk or network for boundaries;
:mod:`kentassets.districts` composes it with the pure computations.

* :func:`read_boundaries` reads any ONS Local Authority District file of any
  vintage (``LAD24CD``/``LAD24NM``, ``LAD21CD``/``LAD21NM``, ...), as GeoJSON,
  GeoPackage or Shapefile, in any CRS, and returns the canonical district frame
  (``district_code``, ``district_name``, geometry in EPSG:27700).
* :func:`download_boundaries` fetches the official boundaries of the study area
  from the ONS Open Geography Portal, checks them and caches them atomically.
* :func:`default_cache_dir`, :func:`official_cache_path`,
  :func:`derived_cache_path`, :func:`write_boundaries_cache` and
  :func:`read_boundaries_cache` manage the on-disk cache (no in-memory caches);
  :func:`canonical_geometry` puts outlines in one form so cached and fresh ones
  are written alike.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from os import PathLike
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..errors import BoundaryDataError
from ..schema import CRS, DEFAULT_STUDY_AREA, DISTRICT_CODE, DISTRICT_NAME, GEOMETRY
from .authorities import district_names

logger = logging.getLogger(__name__)

#: ONS Open Geography Portal feature service queried by :func:`download_boundaries`:
#: Local Authority Districts (May 2024) Boundaries UK BGC (generalised to 20 m,
#: clipped to the coastline).
ONS_LAD_SERVICE_URL: Final = (
    "https://services1.arcgis.com/ESMARspQHYMw9BZ9/arcgis/rest/services/"
    "Local_Authority_Districts_May_2024_Boundaries_UK_BGC/FeatureServer/0/query"
)
#: Vintage of :data:`ONS_LAD_SERVICE_URL`: its code column is ``LAD24CD``.
ONS_LAD_VINTAGE: Final = "LAD24"
#: Web page where a person can download the same boundaries by hand.
ONS_LAD_DOWNLOAD_PAGE: Final = (
    "https://geoportal.statistics.gov.uk/search?q=BDY_LAD%202024&sort=Title%7Ctitle%7Casc"
)
#: Attribution required by the Open Government Licence for ONS boundaries.
ONS_ATTRIBUTION: Final = (
    "Source: Office for National Statistics licensed under the Open Government Licence "
    "v.3.0. Contains OS data © Crown copyright and database right"
)

_CODE_COLUMN = re.compile(r"^lad(\d{2})cd$", re.IGNORECASE)
_NAME_COLUMN = re.compile(r"^lad(\d{2})nm$", re.IGNORECASE)
#: Plausible district areas, km²: the smallest UK district (City of London) is ~3 km²,
#: the largest (Highland) ~26,000 km².
_AREA_RANGE_KM2: Final = (1.0, 30_000.0)
_CACHE_SUBDIR: Final = "boundaries"
_BNG_URN: Final = "urn:ogc:def:crs:EPSG::27700"


def _how_to_supply() -> str:
    return (
        "Supply an official ONS Local Authority District boundary file instead: pass "
        "--boundaries PATH to `kentassets build`, or set `boundaries = \"PATH\"` in the "
        "manifest. Download one by hand from the ONS Open Geography Portal "
        f"({ONS_LAD_DOWNLOAD_PAGE}), for example 'Local Authority Districts (May 2024) "
        "Boundaries UK BGC', as GeoJSON, GeoPackage or Shapefile."
    )


def detect_lad_columns(columns: Sequence[str]) -> tuple[str, str | None]:
    """Find the ONS district code and name columns of any vintage.

    Parameters
    ----------
    columns
        Column names of a boundary file.

    Returns
    -------
    tuple of str
        The code column (e.g. ``"LAD24CD"``) and the name column of the same
        vintage (``None`` when the file has no name column). When several
        vintages are present the latest year wins. Canonical ``district_code`` /
        ``district_name`` columns (a kentassets cache file) are accepted too.

    Raises
    ------
    BoundaryDataError
        If no ``LADyyCD`` column is present.

    Examples
    --------
    >>> detect_lad_columns(["FID", "lad21cd", "lad21nm", "geometry"])
    ('lad21cd', 'lad21nm')
    """
    codes: dict[int, str] = {}
    names: dict[int, str] = {}
    for col in columns:
        if match := _CODE_COLUMN.match(str(col)):
            codes[int(match.group(1))] = str(col)
        elif match := _NAME_COLUMN.match(str(col)):
            names[int(match.group(1))] = str(col)
    if codes:
        year = max(codes)
        return codes[year], names.get(year)
    if DISTRICT_CODE in columns:
        return DISTRICT_CODE, DISTRICT_NAME if DISTRICT_NAME in columns else None
    shown = ", ".join(str(c) for c in columns if c != GEOMETRY) or "(none)"
    raise BoundaryDataError(
        f"no ONS district code column (LADyyCD, e.g. LAD24CD) found; the columns are: {shown}. "
        "Use an ONS Local Authority District boundary file, which has LADyyCD and LADyyNM "
        "columns. " + _how_to_supply()
    )


def _pick_layer(path: Path) -> str | None:
    import pyogrio

    try:
        layers = pyogrio.list_layers(path)
    except Exception as exc:  # pyogrio raises DataSourceError and friends
        raise BoundaryDataError(
            f"{path}: cannot open as a boundary file ({exc}). Give a GeoJSON, GeoPackage "
            "or Shapefile of ONS Local Authority Districts."
        ) from exc
    if len(layers) <= 1:
        return None
    for name, _geometry_type in layers:
        info = pyogrio.read_info(path, layer=name)
        if any(_CODE_COLUMN.match(str(f)) for f in info["fields"]):
            return str(name)
    return str(layers[0][0])


def _guess_crs(frame: gpd.GeoDataFrame, path: Path) -> str:
    minx, miny, maxx, maxy = frame.total_bounds
    if -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90:
        guess = "EPSG:4326"
    elif 0 <= minx <= maxx <= 700_000 and 0 <= miny <= maxy <= 1_300_000:
        guess = CRS
    else:
        raise BoundaryDataError(
            f"{path}: the file does not say its coordinate reference system and its "
            f"coordinates ({minx:.0f}, {miny:.0f}, {maxx:.0f}, {maxy:.0f}) are neither "
            "longitude/latitude nor British National Grid. Add the .prj file beside the "
            "shapefile, or re-export the file with its CRS."
        )
    logger.warning("%s: no CRS in the file; assuming %s from its coordinates", path, guess)
    return guess


def read_boundaries(
    path: str | PathLike[str],
    *,
    codes: Sequence[str] = DEFAULT_STUDY_AREA,
) -> gpd.GeoDataFrame:
    """Read an official ONS district boundary file, filtered to the study area.

    Parameters
    ----------
    path
        GeoJSON, GeoPackage, Shapefile (or anything GDAL reads) of ONS Local
        Authority Districts of any vintage and in any CRS.
    codes
        ONS district codes of the study area.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per code, in the order of ``codes``: ``district_code``,
        ``district_name``, (multi)polygon geometry in EPSG:27700, valid.
        ``attrs["vintage"]`` holds the code column found (e.g. ``"LAD24CD"``).

    Raises
    ------
    BoundaryDataError
        If the file is missing or unreadable, has no ``LADyyCD`` column, lacks
        some of ``codes``, or has no polygons for them.
    """
    path = Path(path)
    frame, code_col, name_col = _read_lad_file(path)
    codes = list(dict.fromkeys(str(c).strip() for c in codes))
    frame = _study_area_rows(frame, path, code_col=code_col, codes=codes)
    frame_codes = frame[code_col].astype("string").str.strip().str.upper().to_numpy()
    name_of = _district_names(frame, frame_codes, name_col=name_col)
    geometry = _dissolved_outlines(frame, frame_codes, path=path, codes=codes)
    out = gpd.GeoDataFrame(
        {
            DISTRICT_CODE: pd.array(codes, dtype="string"),
            DISTRICT_NAME: pd.array([name_of[c] for c in codes], dtype="string"),
        },
        geometry=gpd.GeoSeries(canonical_geometry(geometry), crs=CRS),
        crs=CRS,
    )
    # "LAD24CD" names the vintage; a file already in kentassets' own columns has none.
    out.attrs["vintage"] = code_col.upper() if code_col.upper() != DISTRICT_CODE.upper() else ""
    logger.info("Read %d district boundaries (%s) from %s", len(out), code_col, path)
    return out


def _read_lad_file(path: Path) -> tuple[gpd.GeoDataFrame, str, str | None]:
    """The boundary file's non-empty rows (with a CRS) and its code and name columns."""
    if not path.exists():
        raise BoundaryDataError(f"{path}: boundary file not found. " + _how_to_supply())
    layer = _pick_layer(path)
    try:
        frame = gpd.read_file(path, layer=layer) if layer else gpd.read_file(path)
    except Exception as exc:
        raise BoundaryDataError(
            f"{path}: cannot read the boundary file ({exc}). " + _how_to_supply()
        ) from exc
    try:
        code_col, name_col = detect_lad_columns(list(frame.columns))
    except BoundaryDataError as exc:
        raise BoundaryDataError(f"{path}: {exc}") from None
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    if frame.crs is None and len(frame):
        frame = frame.set_crs(_guess_crs(frame, path))
    return frame, code_col, name_col


def _study_area_rows(
    frame: gpd.GeoDataFrame, path: Path, *, code_col: str, codes: list[str]
) -> gpd.GeoDataFrame:
    """The rows of the study area's districts in EPSG:27700; every code must be there."""
    found = frame[code_col].astype("string").str.strip().str.upper()
    frame = frame[found.isin(codes).fillna(False).to_numpy()]
    missing = [c for c in codes if c not in set(found.dropna())]
    if missing:
        raise BoundaryDataError(
            f"{path}: {len(missing)} study-area district code(s) not found in column "
            f"{code_col}: {', '.join(missing)}. The file holds {found.nunique()} districts. "
            "Use a boundary file that covers the whole study area (a UK-wide ONS LAD file "
            "works), or correct the codes in the manifest's `study_area`."
        )
    return frame.to_crs(CRS)


def _district_names(
    frame: gpd.GeoDataFrame, frame_codes: np.ndarray, *, name_col: str | None
) -> dict[str, str]:
    """District code -> name: the file's name column, else the ONS names offline."""
    if name_col:
        names = frame[name_col]
    else:
        ons = district_names(frame_codes)
        names = pd.Series([ons[str(c)] for c in frame_codes], index=frame.index)
    return dict(zip(frame_codes, names.astype("string").str.strip(), strict=True))


def _dissolved_outlines(
    frame: gpd.GeoDataFrame, frame_codes: np.ndarray, *, path: Path, codes: list[str]
) -> np.ndarray:
    """One valid (multi)polygon per code, in the order of ``codes``; none may be empty."""
    parts, owners = shapely.get_parts(
        shapely.make_valid(frame.geometry.to_numpy()), return_index=True
    )
    polygonal = np.isin(shapely.get_type_id(parts), [3, 6])
    part_frame = gpd.GeoDataFrame(
        {DISTRICT_CODE: frame_codes[owners[polygonal]]}, geometry=parts[polygonal], crs=CRS
    )
    dissolved = part_frame.dissolve(by=DISTRICT_CODE, as_index=False)
    dissolved = dissolved.set_index(DISTRICT_CODE).reindex(codes)
    no_polygon = dissolved[GEOMETRY].isna() | gpd.GeoSeries(dissolved[GEOMETRY]).is_empty
    empty = [c for c, bad in zip(codes, no_polygon, strict=True) if bad]
    if empty:
        raise BoundaryDataError(
            f"{path}: districts {', '.join(empty)} have no polygon geometry. "
            + _how_to_supply()
        )
    return np.asarray(dissolved[GEOMETRY].to_numpy())


# --- cache ------------------------------------------------------------------


def default_cache_dir() -> Path:
    """Return the user's cache folder for kentassets boundaries.

    Examples
    --------
    >>> default_cache_dir().name
    'boundaries'
    """
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("kentassets")) / _CACHE_SUBDIR


def _codes_key(codes: Sequence[str]) -> str:
    joined = ",".join(sorted({str(c).strip().upper() for c in codes}))
    return hashlib.sha256(joined.encode()).hexdigest()[:12]


def official_cache_path(cache_dir: str | PathLike[str], codes: Sequence[str]) -> Path:
    """Where :func:`download_boundaries` caches the official boundaries of ``codes``."""
    return Path(cache_dir) / f"ons_{ONS_LAD_VINTAGE.lower()}_bgc_{_codes_key(codes)}.geojson"


def derived_cache_path(
    cache_dir: str | PathLike[str], codes: Sequence[str], source_key: str
) -> Path:
    """Where derived boundaries for ``codes`` from postcode source ``source_key`` are cached.

    Parameters
    ----------
    cache_dir
        The cache folder.
    codes
        Study-area district codes.
    source_key
        Text identifying the postcode source and the derivation method version;
        a change in either gives a new file.
    """
    digest = hashlib.sha256(f"{_codes_key(codes)}|{source_key}".encode()).hexdigest()[:16]
    return Path(cache_dir) / f"derived_{digest}.gpkg"


def _atomic_target(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(
        prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent
    )
    os.close(handle)
    os.unlink(name)  # GDAL wants to create the file itself
    return Path(name)


def write_boundaries_cache(districts: gpd.GeoDataFrame, path: str | PathLike[str]) -> Path:
    """Write a district frame to ``path`` atomically (temporary file, then rename).

    Parameters
    ----------
    districts
        Canonical district frame (EPSG:27700).
    path
        Target ``.gpkg`` or ``.geojson`` file; its folder is created.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    path = Path(path)
    tmp = _atomic_target(path)
    try:
        frame = gpd.GeoDataFrame(
            {
                DISTRICT_CODE: districts[DISTRICT_CODE].astype(str).to_numpy(),
                DISTRICT_NAME: districts[DISTRICT_NAME].astype(str).to_numpy(),
            },
            geometry=gpd.GeoSeries(districts.geometry.to_numpy(), crs=districts.crs),
            crs=districts.crs,
        )
        if path.suffix == ".gpkg":
            frame.to_file(tmp, driver="GPKG", layer="districts")
        else:
            frame.to_file(tmp, driver="GeoJSON")
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def read_boundaries_cache(
    path: str | PathLike[str], *, codes: Sequence[str]
) -> gpd.GeoDataFrame | None:
    """Read a cached district file, or ``None`` if absent or unusable (logged).

    A file written by :func:`write_boundaries_cache` (``district_code`` and
    ``district_name`` columns, one row per district) is read back exactly as it
    was written: its geometry is not repaired or dissolved again, so a build on
    cached boundaries draws the same coordinates, in the same order, as the
    build that derived them. Any other file (an official download) goes through
    :func:`read_boundaries`.
    """
    path = Path(path)
    if not path.is_file():
        return None
    try:
        exact = _read_exact(path, codes)
        return exact if exact is not None else read_boundaries(path, codes=codes)
    except BoundaryDataError as exc:
        logger.warning("Ignoring unusable boundary cache %s: %s", path, exc)
        return None


def _read_exact(path: Path, codes: Sequence[str]) -> gpd.GeoDataFrame | None:
    """A kentassets cache file as written, or ``None`` when it is not one."""
    import pyogrio

    try:
        info = pyogrio.read_info(path)
        if list(info["fields"]) != [DISTRICT_CODE, DISTRICT_NAME]:
            return None
        frame = pyogrio.read_dataframe(path)
    except Exception as exc:  # pyogrio raises DataSourceError and friends
        raise BoundaryDataError(f"{path}: cannot read the cache file ({exc})") from exc
    codes = list(dict.fromkeys(str(c).strip().upper() for c in codes))
    rows = pd.Index(frame[DISTRICT_CODE].astype(str))
    if not rows.is_unique or frame.crs is None:
        return None
    missing = [c for c in codes if c not in rows]
    if missing:
        raise BoundaryDataError(f"{path}: district code(s) {', '.join(missing)} not cached")
    frame = frame.iloc[rows.get_indexer(codes)]
    geometry = frame.geometry.to_numpy()
    if not bool(np.all(np.isin(shapely.get_type_id(geometry), [3, 6]))):
        return None
    out = gpd.GeoDataFrame(
        {
            DISTRICT_CODE: pd.array(codes, dtype="string"),
            DISTRICT_NAME: pd.array(frame[DISTRICT_NAME].astype(str).tolist(), dtype="string"),
        },
        geometry=gpd.GeoSeries(canonical_geometry(geometry), crs=frame.crs).to_crs(CRS),
        crs=CRS,
    )
    return out


def canonical_geometry(geometry: np.ndarray) -> np.ndarray:
    """District outlines in one canonical form, so equal shapes are written alike.

    A multipolygon of one part becomes that polygon (a GeoPackage layer stores
    every row as a multipolygon); rings are oriented and start at their lowest
    vertex, and the parts of a multipolygon are sorted (:func:`shapely.normalize`).
    Boundaries derived in this run and boundaries read back from the cache
    therefore give the same coordinates in the same order, and so the same bytes
    in every output.

    Parameters
    ----------
    geometry
        Array of shapely (multi)polygons.

    Returns
    -------
    numpy.ndarray
        The same shapes, normalised.

    Examples
    --------
    >>> from shapely.geometry import Polygon
    >>> a = Polygon([(0, 0), (1, 0), (1, 1), (0, 1)])
    >>> b = Polygon([(1, 1), (0, 1), (0, 0), (1, 0)])
    >>> bool(canonical_geometry(np.array([a]))[0].equals_exact(
    ...     canonical_geometry(np.array([b]))[0], 0))
    True
    """
    geometry = np.array(geometry, dtype=object)
    single = (shapely.get_type_id(geometry) == 6) & (shapely.get_num_geometries(geometry) == 1)
    geometry[single] = shapely.get_geometry(geometry[single], 0)
    return np.asarray(shapely.normalize(geometry), dtype=object)


# --- download ---------------------------------------------------------------


def _query_url(url: str, codes: Sequence[str], code_column: str) -> str:
    quoted = ",".join(f"'{c}'" for c in codes)
    params = {
        "where": f"{code_column} IN ({quoted})",
        "outFields": "*",
        "outSR": "27700",
        "returnGeometry": "true",
        "f": "geojson",
    }
    return f"{url}?{urllib.parse.urlencode(params)}"


def _validate_payload(
    payload: bytes, codes: Sequence[str], url: str
) -> tuple[dict[str, Any], str]:
    try:
        document = json.loads(payload)
    except ValueError as exc:
        raise BoundaryDataError(
            f"{url}: the response is not valid GeoJSON ({exc}). " + _how_to_supply()
        ) from exc
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        detail = document.get("error") if isinstance(document, dict) else None
        raise BoundaryDataError(
            f"{url}: the response is not a GeoJSON FeatureCollection"
            + (f" (server said: {detail})" if detail else "")
            + ". "
            + _how_to_supply()
        )
    features = document.get("features") or []
    if not features:
        raise BoundaryDataError(f"{url}: the response has no features. " + _how_to_supply())
    try:
        frame = gpd.GeoDataFrame.from_features(features)
    except Exception as exc:
        raise BoundaryDataError(
            f"{url}: the response's features are not valid GeoJSON ({exc}). "
            + _how_to_supply()
        ) from exc
    code_col, _ = detect_lad_columns(list(frame.columns))
    found = set(frame[code_col].astype(str).str.strip().str.upper())
    missing = [c for c in codes if c not in found]
    if missing:
        raise BoundaryDataError(
            f"{url}: the download lacks district code(s) {', '.join(missing)}. Check the "
            "study-area codes (ONS codes such as E07000110), or " + _how_to_supply()
        )
    bad_type = ~frame.geometry.geom_type.isin(["Polygon", "MultiPolygon"])
    if bad_type.any():
        raise BoundaryDataError(
            f"{url}: {int(bad_type.sum())} feature(s) are not polygons. " + _how_to_supply()
        )
    # ArcGIS honours outSR=27700; a plain RFC 7946 answer would be longitude/latitude.
    crs_name = (document.get("crs") or {}).get("properties", {}).get("name")
    minx, _miny, maxx, _maxy = frame.total_bounds
    crs = str(crs_name) if crs_name else ("EPSG:4326" if maxx <= 180 and minx >= -180 else CRS)
    projected = frame.set_crs(crs, allow_override=True).to_crs(CRS)
    fixed = shapely.make_valid(projected.geometry.to_numpy())
    areas_km2 = pd.Series(shapely.area(fixed) / 1e6, index=frame[code_col])
    low, high = _AREA_RANGE_KM2
    implausible = areas_km2[(areas_km2 < low) | (areas_km2 > high)]
    if len(implausible):
        shown = ", ".join(f"{c} {a:.3g} km²" for c, a in implausible.items())
        raise BoundaryDataError(
            f"{url}: implausible district areas ({shown}); expected polygons of "
            f"{low:g} to {high:g} km². " + _how_to_supply()
        )
    return document, crs


def download_boundaries(
    *,
    codes: Sequence[str] = DEFAULT_STUDY_AREA,
    url: str = ONS_LAD_SERVICE_URL,
    cache_dir: str | PathLike[str] | None = None,
    timeout_s: float = 30,
    code_column: str | None = None,
) -> Path:
    """Download official ONS district boundaries for the study area into the cache.

    Queries the ArcGIS feature service of the ONS Open Geography Portal
    (``where=LAD24CD IN (...)``, ``outFields=*``, ``outSR=27700``, ``f=geojson``),
    checks the response (GeoJSON, every code present, polygons, plausible areas)
    and writes it atomically into the cache folder, where
    :func:`kentassets.districts.load_districts` finds it.

    Parameters
    ----------
    codes
        ONS district codes of the study area.
    url
        The feature service ``.../FeatureServer/0/query`` endpoint.
    cache_dir
        Cache folder; default :func:`default_cache_dir`.
    timeout_s
        Network timeout, seconds.
    code_column
        Code column of the service (default from the URL's year, ``LAD24CD``).

    Returns
    -------
    pathlib.Path
        The cached GeoJSON file (EPSG:27700).

    Raises
    ------
    BoundaryDataError
        When no codes are given, when offline, on any network or HTTP failure,
        or when the response fails the checks; the message says how to supply a
        file instead.

    Examples
    --------
    Needs the network and writes into the user's cache folder, so it is not
    run as a test:

    >>> import kentassets as ka
    >>> path = ka.download_boundaries()  # doctest: +SKIP
    >>> districts = ka.load_districts()  # now official, from the cache  # doctest: +SKIP
    >>> districts.attrs["boundary_source"]  # doctest: +SKIP
    'official'
    """
    codes = list(dict.fromkeys(str(c).strip().upper() for c in codes))
    if not codes:
        raise BoundaryDataError("no district codes given; name at least one ONS district code")
    if code_column is None:
        year = re.search(r"_20(\d{2})_", url)
        code_column = f"LAD{year.group(1)}CD" if year else f"{ONS_LAD_VINTAGE}CD"
    query = _query_url(url, codes, code_column)
    logger.info("Downloading district boundaries from %s", url)
    try:
        with urllib.request.urlopen(query, timeout=timeout_s) as response:
            payload = response.read()
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise BoundaryDataError(
            f"could not download district boundaries from {url} ({reason}); you may be "
            "offline. " + _how_to_supply()
        ) from exc
    document, crs = _validate_payload(payload, codes, url)
    target = official_cache_path(cache_dir or default_cache_dir(), codes)
    tmp = _atomic_target(target)
    try:
        if crs == CRS:
            document["crs"] = {"type": "name", "properties": {"name": _BNG_URN}}
        else:
            document.pop("crs", None)  # RFC 7946: longitude/latitude
        tmp.write_text(json.dumps(document), encoding="utf-8")
        read_boundaries(tmp, codes=codes)  # the file we cache must read back
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
    logger.info("Cached official district boundaries in %s", target)
    return target
