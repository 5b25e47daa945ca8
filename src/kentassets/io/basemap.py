"""Read a council's own Ordnance Survey GeoPackage as map context.

Councils hold OS data under the Public Sector Geospatial Agreement, and OS
OpenData is free. :func:`read_basemap` accepts three products, recognised by
their layer names (case and underscores ignored, so the CamelCase layers of
older OpenMap Local releases match too):

* **OS Open Zoomstack**: ``roads_national``, ``roads_regional``, ``roads_local``,
  ``rail``, ``names``, ``urban_areas``, ``surfacewater``, ``foreshore``,
  ``waterlines``...
* **OS OpenMap Local**: ``road``, ``railway_track``, ``named_place``,
  ``surface_water_area``, ``surface_water_line``, ``tidal_water``, ``foreshore``...
  (``Road``, ``RailwayTrack``, ``NamedPlace``, ``SurfaceWater_Area``... before 2023);
* **OS Open Roads**: ``road_link`` (``RoadLink``) with ``road_classification``.

Only the study area's box is read (pyogrio's ``bbox``: a GeoPackage's spatial
index makes that fast even on the 12 GB Zoomstack file), and the layers are
normalised into a :class:`~kentassets.reference.context.MapContext`: roads with a class
(motorway, A, B, minor), rail, water, built-up areas and place names with a rank.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyproj
from pyproj import Transformer

from ..errors import BasemapError
from ..reference.context import KIND, PLACE_NAME, ROAD_CLASS, MapContext, empty_layer, places_frame
from ..schema import CRS

logger = logging.getLogger(__name__)

#: Attribution printed for any OS product, followed by the product's name.
OS_ATTRIBUTION: Final = "Contains OS data © Crown copyright and database right"
#: Where a person can download the accepted products.
OS_DOWNLOAD_PAGE: Final = "https://osdatahub.os.uk/downloads/open"


@dataclass(frozen=True)
class BasemapProduct:
    """How one OS product's layers map to the context layers.

    Attributes
    ----------
    name
        The product's name, as printed in the attribution.
    signature
        Normalised layer names (lower case, no underscores) that identify it.
    min_match
        How many of ``signature`` a file must have to be this product.
    layers
        Context layer -> the product's normalised layer names feeding it.
    """

    name: str
    signature: tuple[str, ...]
    min_match: int
    layers: Mapping[str, tuple[str, ...]]


PRODUCTS: Final = (
    BasemapProduct(
        "OS Open Zoomstack",
        signature=(
            "roadsnational", "roadsregional", "roadslocal", "names", "urbanareas",
            "surfacewater", "waterlines", "rail", "foreshore", "land",
        ),
        min_match=2,
        layers={
            "roads": ("roadsnational", "roadsregional", "roadslocal"),
            "rail": ("rail",),
            "water": ("surfacewater", "foreshore", "waterlines"),
            "builtup": ("urbanareas",),
            "places": ("names",),
        },
    ),
    BasemapProduct(
        "OS OpenMap Local",
        signature=(
            "road", "namedplace", "surfacewaterarea", "surfacewaterline", "tidalwater",
            "railwaytrack", "building", "woodland", "roadtunnel", "railwaystation",
        ),
        min_match=2,
        layers={
            "roads": ("road",),
            "rail": ("railwaytrack",),
            "water": ("surfacewaterarea", "tidalwater", "foreshore", "surfacewaterline"),
            "places": ("namedplace",),
        },
    ),
    BasemapProduct(
        "OS Open Roads",
        signature=("roadlink",),
        min_match=1,
        layers={"roads": ("roadlink",)},
    ),
)

#: Candidate attribute columns, first found wins (matched ignoring case).
_ROAD_CLASS_COLUMNS: Final = (
    "road_classification", "classification", "classifica", "class", "type",
)
_ROAD_NAME_COLUMNS: Final = (
    "road_classification_number", "roadnumber", "road_number", "name_1", "name",
    "distinctive_name", "distname",
)
_PLACE_NAME_COLUMNS: Final = ("distinctive_name", "distname", "name", "name1")
_PLACE_TYPE_COLUMNS: Final = ("type", "classification", "classifica", "local_type")
_FONT_COLUMNS: Final = ("fontheight", "font_height")
#: Zoomstack ``names.type`` -> rank; other types (woodland, water...) are not places.
_ZOOMSTACK_RANKS: Final = {
    "capital": 1, "city": 1, "town": 2, "suburban area": 3, "village": 4,
    "hamlet": 5, "small settlements": 5,
}
#: OpenMap Local ``named_place.fontheight`` of a populated place -> rank.
_FONT_RANKS: Final = {"extra large": 1, "large": 2, "medium": 3, "small": 4}
_WATER_KINDS: Final = {
    "surfacewater": "lake", "surfacewaterarea": "lake", "tidalwater": "tidal",
    "foreshore": "foreshore", "waterlines": "river", "surfacewaterline": "river",
}
#: SQL filter keeping motorways, A and B roads (pushed down to the GeoPackage).
_MAJOR_ROADS_SQL: Final = (
    "{col} LIKE '%motorway%' OR {col} LIKE 'A %' OR {col} LIKE 'B %' "
    "OR {col} LIKE '%primary%' OR {col} IN ('A', 'B')"
)


def layer_key(name: str) -> str:
    """Normalise a layer name for matching: lower case, no underscores, spaces or dashes.

    Examples
    --------
    >>> layer_key("SurfaceWater_Area"), layer_key("surface_water_area")
    ('surfacewaterarea', 'surfacewaterarea')
    """
    return re.sub(r"[\s_\-]+", "", str(name)).lower()


def detect_product(layer_names: list[str]) -> tuple[BasemapProduct, dict[str, str]] | None:
    """Recognise an OS product by its layer names.

    Parameters
    ----------
    layer_names
        The layers of a GeoPackage, as spelt in the file.

    Returns
    -------
    tuple or None
        The product and a map from normalised to actual layer names, or ``None``
        when the layers match no product.

    Examples
    --------
    >>> product, found = detect_product(["Road", "NamedPlace", "Building"])
    >>> product.name, found["namedplace"]
    ('OS OpenMap Local', 'NamedPlace')
    >>> detect_product(["parcels", "trees"]) is None
    True
    """
    actual = {layer_key(name): name for name in layer_names}
    best: tuple[int, BasemapProduct] | None = None
    for product in PRODUCTS:
        hits = sum(key in actual for key in product.signature)
        if hits >= product.min_match and (best is None or hits > best[0]):
            best = (hits, product)
    if best is None:
        return None
    return best[1], actual


def road_class(values: pd.Series) -> pd.Series:
    """Map OS road classifications to ``motorway``, ``a_road``, ``b_road`` or ``minor``.

    Examples
    --------
    >>> road_class(pd.Series(["Motorway", "A Road", "Primary Road", "B Road",
    ...                       "Local Street", None])).tolist()
    ['motorway', 'a_road', 'a_road', 'b_road', 'minor', 'minor']
    """
    text = values.astype("string").str.strip().str.lower().fillna("")
    out = np.full(len(text), "minor", dtype=object)
    out[(text.str.startswith("b road") | (text == "b")).to_numpy()] = "b_road"
    is_a = text.str.startswith("a road") | text.str.contains("primary") | (text == "a")
    out[is_a.to_numpy()] = "a_road"
    out[text.str.contains("motorway").to_numpy()] = "motorway"
    return pd.Series(out, index=values.index, name=ROAD_CLASS)


def _column(columns: list[str], candidates: tuple[str, ...]) -> str | None:
    lower = {c.lower(): c for c in columns}
    return next((lower[c] for c in candidates if c in lower), None)


def _layer_box(
    path: Path, layer: str, bounds_m: tuple[float, float, float, float]
) -> tuple[tuple[float, float, float, float], str | None]:
    """The study box in the layer's own CRS, and that CRS (None when BNG or unknown)."""
    crs = pyogrio.read_info(path, layer=layer).get("crs")
    if not crs or pyproj.CRS.from_user_input(crs).equals(pyproj.CRS.from_user_input(CRS)):
        return bounds_m, None
    to_layer = Transformer.from_crs(CRS, crs, always_xy=True)
    xs, ys = to_layer.transform(
        [bounds_m[0], bounds_m[2], bounds_m[0], bounds_m[2]],
        [bounds_m[1], bounds_m[1], bounds_m[3], bounds_m[3]],
    )
    return (min(xs), min(ys), max(xs), max(ys)), crs


def _read(
    path: Path,
    layer: str,
    bounds_m: tuple[float, float, float, float],
    *,
    columns: list[str],
    where: str | None = None,
) -> gpd.GeoDataFrame:
    box, crs = _layer_box(path, layer, bounds_m)
    frame = pyogrio.read_dataframe(path, layer=layer, bbox=box, columns=columns, where=where)
    if crs is not None:
        frame = frame.to_crs(CRS)
    elif frame.crs is None:
        frame = frame.set_crs(CRS)
    return frame[frame.geometry.notna()].reset_index(drop=True)


def _fields(path: Path, layer: str) -> list[str]:
    return [str(f) for f in pyogrio.read_info(path, layer=layer)["fields"]]


def _read_roads(
    path: Path,
    layers: list[str],
    bounds_m: tuple[float, float, float, float],
    *,
    include_minor_roads: bool,
) -> gpd.GeoDataFrame:
    frames = []
    for layer in layers:
        if not include_minor_roads and layer_key(layer) == "roadslocal":
            continue
        fields = _fields(path, layer)
        cls = _column(fields, _ROAD_CLASS_COLUMNS)
        name = _column(fields, _ROAD_NAME_COLUMNS)
        where = None
        if cls and not include_minor_roads:
            where = _MAJOR_ROADS_SQL.format(col=f'"{cls}"')
        wanted = [c for c in (cls, name) if c]
        frame = _read(path, layer, bounds_m, columns=wanted, where=where)
        classes = road_class(frame[cls]) if cls else pd.Series("minor", index=frame.index)
        names = frame[name].astype("string").fillna("") if name else ""
        frames.append(
            gpd.GeoDataFrame(
                {ROAD_CLASS: classes.to_numpy(), PLACE_NAME: names},
                geometry=frame.geometry.to_numpy(),
                crs=CRS,
            )
        )
    if not include_minor_roads:
        frames = [f[f[ROAD_CLASS] != "minor"] for f in frames]
    return _concat(frames, "roads")


def _read_kinds(
    path: Path,
    layers: list[str],
    bounds_m: tuple[float, float, float, float],
    layer_name: str,
    kinds: Mapping[str, str],
) -> gpd.GeoDataFrame:
    frames = []
    for layer in layers:
        frame = _read(path, layer, bounds_m, columns=[])
        kind = kinds.get(layer_key(layer), layer_name)
        frames.append(
            gpd.GeoDataFrame(
                {KIND: [kind] * len(frame)}, geometry=frame.geometry.to_numpy(), crs=CRS
            )
        )
    return _concat(frames, layer_name)


def _read_places(
    path: Path, layer: str, bounds_m: tuple[float, float, float, float]
) -> gpd.GeoDataFrame:
    fields = _fields(path, layer)
    name = _column(fields, _PLACE_NAME_COLUMNS)
    kind = _column(fields, _PLACE_TYPE_COLUMNS)
    font = _column(fields, _FONT_COLUMNS)
    if name is None:
        return empty_layer("places")
    frame = _read(path, layer, bounds_m, columns=[c for c in (name, kind, font) if c])
    ranks = _place_ranks(frame, kind, font)
    valid = (ranks.notna() & frame[name].notna()).to_numpy(dtype=bool)
    frame, ranks = frame[valid], ranks[valid]
    points = frame.geometry.representative_point()
    return places_frame(
        frame[name].astype(str),
        points.x.to_numpy(),
        points.y.to_numpy(),
        rank=ranks.astype("int64").tolist(),
    )


def _place_ranks(frame: gpd.GeoDataFrame, kind: str | None, font: str | None) -> pd.Series:
    """Rank 1-5 of each named feature; missing for names that are not settlements."""
    if kind is None:
        return pd.Series(4.0, index=frame.index)
    kinds = frame[kind].astype("string").str.strip().str.lower()
    ranks = kinds.map(_ZOOMSTACK_RANKS).astype(float)
    populated = (kinds == "populated place").fillna(False).to_numpy(dtype=bool)
    if font is not None:
        sizes = frame[font].astype("string").str.strip().str.lower().map(_FONT_RANKS)
        by_font = sizes.astype(float).fillna(4.0)
    else:
        by_font = pd.Series(4.0, index=frame.index)
    ranks[populated] = by_font[populated]
    return ranks


def _concat(frames: list[gpd.GeoDataFrame], layer: str) -> gpd.GeoDataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty_layer(layer)
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=CRS)


def _list_layers(path: Path) -> list[str]:
    if not path.is_file():
        raise BasemapError(
            f"{path}: base map file not found. Give the path to an OS Open Zoomstack, OS "
            "OpenMap Local or OS Open Roads GeoPackage, or leave basemap out to use the "
            "built-in context."
        )
    try:
        return [str(row[0]) for row in pyogrio.list_layers(path)]
    except Exception as exc:  # pyogrio raises DataSourceError and friends
        raise BasemapError(
            f"{path}: cannot be read as a GeoPackage ({exc}). Give an OS Open Zoomstack, "
            f"OS OpenMap Local or OS Open Roads GeoPackage from {OS_DOWNLOAD_PAGE}."
        ) from exc


def read_basemap(
    path: str | PathLike[str],
    bounds_m: tuple[float, float, float, float],
    *,
    include_minor_roads: bool = False,
) -> MapContext:
    """Read an OS GeoPackage's roads, rail, water, urban areas and names in a box.

    Parameters
    ----------
    path
        An OS Open Zoomstack, OS OpenMap Local or OS Open Roads GeoPackage.
    bounds_m
        The study area's ``(minx, miny, maxx, maxy)`` in BNG metres; only features
        in this box are read.
    include_minor_roads
        Also read minor and local roads (many features; off by default).

    Returns
    -------
    MapContext
        The layers the product has; the others are empty, to be filled from the
        built-in context by :func:`kentassets.reference.context.combine_context`.

    Raises
    ------
    BasemapError
        If the file is missing or unreadable, is none of these products, or has
        no features in the box; the message names the layers found.
    """
    path = Path(path)
    names = _list_layers(path)
    detected = detect_product(names)
    shown = ", ".join(names) or "(none)"
    if detected is None:
        raise BasemapError(
            f"{path}: not an OS Open Zoomstack, OS OpenMap Local or OS Open Roads "
            f"GeoPackage; layers found: {shown}. Download one from {OS_DOWNLOAD_PAGE}, or "
            "leave basemap out to use the built-in context."
        )
    product, actual = detected
    layers: dict[str, gpd.GeoDataFrame] = {}
    for target, keys in product.layers.items():
        present = [actual[key] for key in keys if key in actual]
        if not present:
            continue
        if target == "roads":
            layers[target] = _read_roads(
                path, present, bounds_m, include_minor_roads=include_minor_roads
            )
        elif target == "places":
            layers[target] = _read_places(path, present[0], bounds_m)
        else:
            layers[target] = _read_kinds(path, present, bounds_m, target, _WATER_KINDS)
    if not any(len(frame) for frame in layers.values()):
        box = ", ".join(f"{v:.0f}" for v in bounds_m)
        raise BasemapError(
            f"{path}: this {product.name} GeoPackage has no features inside the study area "
            f"(BNG box {box}); layers found: {shown}. It may cover another part of Great "
            "Britain: use one that covers the study area."
        )
    line = f"{OS_ATTRIBUTION} ({product.name})"
    context = MapContext.empty()
    merged = {name: layers.get(name, frame) for name, frame in context.layers().items()}
    logger.info(
        "Base map %s (%s): %s",
        path,
        product.name,
        ", ".join(f"{len(f)} {n}" for n, f in layers.items()),
    )
    return MapContext(**merged, sources={name: line for name in layers})


def read_road_lines(
    path: str | PathLike[str], bounds_m: tuple[float, float, float, float]
) -> gpd.GeoDataFrame:
    """Every road of an OS GeoPackage in a box, minor ones included, for road distances.

    Parameters
    ----------
    path
        An OS Open Roads, OpenMap Local or Zoomstack GeoPackage.
    bounds_m
        ``(minx, miny, maxx, maxy)`` in BNG metres (the study area with a margin).

    Returns
    -------
    geopandas.GeoDataFrame
        Line geometries in EPSG:27700 with ``road_class``.

    Raises
    ------
    BasemapError
        If the file is none of these products or has no roads in the box.
    """
    path = Path(path)
    names = _list_layers(path)
    detected = detect_product(names)
    roads = None
    if detected is not None:
        product, actual = detected
        present = [actual[key] for key in product.layers.get("roads", ()) if key in actual]
        roads = _read_roads(path, present, bounds_m, include_minor_roads=True) if present else None
    if roads is None or len(roads) == 0:
        raise BasemapError(
            f"{path}: no roads inside the study area (layers found: "
            f"{', '.join(names) or '(none)'})."
            " Road-network distance needs OS Open Roads, OpenMap Local or Zoomstack covering "
            "the study area; or use straight-line distance (--reach-distance straight)."
        )
    return roads
