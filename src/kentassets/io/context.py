"""Read the England-wide map context shipped with kentassets.

The files in ``kentassets/data/context/`` were derived once by
``scripts/derive_context.py`` (see the README beside them): GeoNames places,
the GSHHG shoreline, lakes and rivers, and built-up areas from the density of
postcode centroids. :func:`read_context` reads the part around a study area and
applies the shipped and the user's place overrides; :func:`read_place_overrides`
reads a user's overrides CSV.
"""

from __future__ import annotations

import io
import logging
from importlib import resources
from os import PathLike
from pathlib import Path
from typing import Final

import geopandas as gpd
import pandas as pd

from ..errors import ValidationError
from ..reference.context import (
    MapContext,
    apply_place_overrides,
    clip_context,
    combine_context,
    places_frame,
    study_area_context,
)
from ..schema import CRS

logger = logging.getLogger(__name__)

#: The files of the built-in context, all shipped as package data.
CONTEXT_FILES: Final = (
    "places.csv",
    "place_overrides.csv",
    "land.parquet",
    "water.parquet",
    "builtup.parquet",
    "README.md",
)
#: Attribution of each built-in layer, as the maps print it.
GEONAMES_ATTRIBUTION: Final = "Place names: GeoNames (geonames.org, CC BY 4.0)"
GSHHG_ATTRIBUTION: Final = "Coast, lakes and rivers: GSHHG (Wessel & Smith, LGPL-3.0)"
ONSPD_ATTRIBUTION: Final = "Built-up areas derived from the ONS Postcode Directory (OGL v3.0)"
_SOURCES: Final = {
    "land": GSHHG_ATTRIBUTION,
    "water": GSHHG_ATTRIBUTION,
    "builtup": ONSPD_ATTRIBUTION,
    "places": GEONAMES_ATTRIBUTION,
}
#: Context is read this far beyond the study area, so maps that pad their
#: extent around the districts still have context to their edges.
DEFAULT_MARGIN_M: Final = 10_000.0


def _resource(name: str) -> resources.abc.Traversable:
    return resources.files("kentassets") / "data" / "context" / name


def context_data_size() -> int:
    """Total bytes of the built-in context files (all of England).

    Examples
    --------
    >>> context_data_size() < 8_000_000
    True
    """
    return sum(len(_resource(name).read_bytes()) for name in CONTEXT_FILES)


def read_places() -> gpd.GeoDataFrame:
    """Every English GeoNames place shipped with the package, overrides not applied."""
    raw = pd.read_csv(io.BytesIO(_resource("places.csv").read_bytes()), encoding="utf-8")
    return places_frame(
        raw["name"],
        raw["easting"],
        raw["northing"],
        population=raw["population"].astype(float),
        geonameid=raw["geonameid"],
    ).assign(district_code=raw["district_code"].astype(str).to_numpy())


def shipped_place_overrides() -> pd.DataFrame:
    """The corrections to GeoNames shipped with the package (``place_overrides.csv``)."""
    payload = _resource("place_overrides.csv").read_bytes()
    return pd.read_csv(io.BytesIO(payload), dtype=str, keep_default_na=False)


def read_place_overrides(path: str | PathLike[str]) -> pd.DataFrame:
    """Read a user's place overrides CSV.

    Parameters
    ----------
    path
        CSV with columns ``name``, ``action`` (``drop``, ``set``, ``add``) and, as
        needed, ``geonameid``, ``new_name``, ``population``, ``easting``, ``northing``.

    Raises
    ------
    ValidationError
        If the file is missing.
    """
    path = Path(path)
    if not path.is_file():
        raise ValidationError(
            f"{path}: place overrides file not found. Give a CSV with columns name, action "
            "(drop, set or add) and, to add a place, easting and northing."
        )
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def _read_layer(name: str) -> gpd.GeoDataFrame:
    frame = gpd.read_parquet(io.BytesIO(_resource(name).read_bytes()))
    return frame.set_crs(CRS, allow_override=True)


def read_context(
    bounds_m: tuple[float, float, float, float],
    *,
    margin_m: float = DEFAULT_MARGIN_M,
    place_overrides: pd.DataFrame | None = None,
) -> MapContext:
    """Read the built-in context around a study area.

    Parameters
    ----------
    bounds_m
        The study area's ``(minx, miny, maxx, maxy)`` in BNG metres (for example
        ``districts.total_bounds``).
    margin_m
        Also read this far beyond the box.
    place_overrides
        A user's corrections (see :func:`kentassets.reference.context.apply_place_overrides`),
        applied after the shipped ones.

    Returns
    -------
    MapContext
        Land, water, built-up areas and places, clipped to the box plus margin;
        no roads or rail (those come from an OS base map).

    Examples
    --------
    >>> context = read_context((600000, 150000, 640000, 170000))
    >>> {"Sittingbourne", "Faversham", "Deal", "Sandwich"} <= set(context.places["name"])
    True
    >>> context.places.loc[context.places["name"] == "Saint Peters", "rank"].item()
    4
    """
    minx, miny, maxx, maxy = (float(v) for v in bounds_m)
    box = (minx - margin_m, miny - margin_m, maxx + margin_m, maxy + margin_m)
    places = apply_place_overrides(
        read_places(), shipped_place_overrides(), source="place_overrides.csv (shipped)"
    )
    if place_overrides is not None:
        places = apply_place_overrides(places, place_overrides, source="place overrides")
    context = MapContext(
        land=_read_layer("land.parquet"),
        water=_read_layer("water.parquet"),
        builtup=_read_layer("builtup.parquet"),
        places=places,
        roads=MapContext.empty().roads,
        rail=MapContext.empty().rail,
        sources=dict(_SOURCES),
    )
    clipped = clip_context(context, box)
    logger.debug(
        "Context: %d places, %d built-up areas, %d water features in %s",
        len(clipped.places),
        len(clipped.builtup),
        len(clipped.water),
        box,
    )
    return clipped


def load_map_context(
    bounds_m: tuple[float, float, float, float],
    *,
    basemap: str | PathLike[str] | None = None,
    place_overrides: pd.DataFrame | None = None,
    margin_m: float = DEFAULT_MARGIN_M,
) -> MapContext:
    """The context of a study area: built-in, with a council's OS base map on top.

    Parameters
    ----------
    bounds_m
        The study area's ``(minx, miny, maxx, maxy)`` in BNG metres.
    basemap
        An OS Open Zoomstack, OpenMap Local or Open Roads GeoPackage (see
        :func:`kentassets.io.basemap.read_basemap`); its names replace the
        gazetteer and its roads, rail, water and urban areas are drawn.
    place_overrides
        Corrections to the gazetteer (see :func:`read_context`).
    margin_m
        Read this far beyond the study area.

    Raises
    ------
    BasemapError
        If ``basemap`` is not a usable OS GeoPackage.
    ValidationError
        If the place overrides cannot be applied.
    """
    from .basemap import read_basemap

    context = read_context(bounds_m, margin_m=margin_m, place_overrides=place_overrides)
    if basemap is None:
        return context
    minx, miny, maxx, maxy = (float(v) for v in bounds_m)
    box = (minx - margin_m, miny - margin_m, maxx + margin_m, maxy + margin_m)
    return combine_context(context, read_basemap(basemap, box))


def study_context(
    districts: gpd.GeoDataFrame,
    context: MapContext | None = None,
    *,
    basemap: str | PathLike[str] | None = None,
) -> MapContext:
    """The context the maps of a study area draw: only places inside its districts named.

    Parameters
    ----------
    districts
        The project's districts (EPSG:27700): places outside them are never named.
    context
        A context already read (the pipeline reads it once per build); ``None``
        reads the built-in one around ``districts``, with ``basemap`` on top.
    basemap
        An OS GeoPackage, used when ``context`` is ``None``.
    """
    if context is None:
        context = load_map_context(tuple(districts.total_bounds), basemap=basemap)
    return study_area_context(districts, context)


__all__ = [
    "CONTEXT_FILES",
    "GEONAMES_ATTRIBUTION",
    "GSHHG_ATTRIBUTION",
    "ONSPD_ATTRIBUTION",
    "context_data_size",
    "load_map_context",
    "read_context",
    "read_place_overrides",
    "read_places",
    "shipped_place_overrides",
    "study_context",
]
