"""The map context as one light vector layer of the HTML maps.

:func:`context_payload` turns a :class:`~kentassets.reference.context.MapContext` into the
compact JSON the page draws (``webmap.js``, ``contextLayer``): the sea (the box
minus the land), built-up areas, water, rivers, rail and roads by class as one
geometry each, simplified and rounded to about a metre, and the places to
label with their rank. The page draws it in a pane beneath the tiles, so it
shows whenever tiles are off or cannot load: a map never comes up blank.
"""

from __future__ import annotations

from typing import Any, Final

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import mapping

from kentassets.reference.context import (
    KIND,
    PLACE_NAME,
    PLACE_RANK,
    ROAD_CLASS,
    MapContext,
    clip_context,
    select_places,
    simplify_context,
)
from kentassets.schema import CRS, CRS_WGS84

#: Decimal places of longitude/latitude: 5 is about a metre.
DIGITS: Final = 5
#: Colours of the context layer (light greys and blues: the agencies' colours lead).
WEB_STYLE: Final = {
    "sea": "#dce9f3",
    "land": "#f7f7f5",
    "builtup": "#e3e1dc",
    "water": "#c6dcee",
    "river": "#a6c8e3",
    "rail": "#9e9e9e",
    "motorway": "#a3a3a3",
    "a_road": "#b9b9b9",
    "b_road": "#cbcbcb",
    "place": "#4a4a4a",
}
#: At most this many places go into one map (the most important).
MAX_PLACES: Final = 400


def _geometry(geometries: np.ndarray) -> dict[str, Any] | None:
    """One GeoJSON geometry (WGS 84, rounded) for many BNG geometries, or None."""
    parts = shapely.get_parts(np.asarray(geometries, dtype=object))
    parts = parts[~shapely.is_empty(parts)]
    if not len(parts):
        return None
    wgs = gpd.GeoSeries(parts, crs=CRS).to_crs(CRS_WGS84).to_numpy()
    wgs = shapely.transform(wgs, lambda xy: np.round(xy, DIGITS))
    kinds = set(shapely.get_type_id(wgs).tolist())
    if kinds <= {3}:
        merged = shapely.multipolygons(wgs)
    elif kinds <= {1, 2}:
        merged = shapely.multilinestrings(wgs)
    else:
        merged = shapely.geometrycollections(wgs)
    return dict(mapping(merged))


def _sea(land: gpd.GeoDataFrame, bounds_m: tuple[float, float, float, float]) -> np.ndarray:
    box = shapely.box(*bounds_m)
    if not len(land):
        return np.array([box], dtype=object)
    return np.array([shapely.difference(box, shapely.union_all(land.geometry.to_numpy()))],
                    dtype=object)


def context_payload(
    context: MapContext,
    bounds_m: tuple[float, float, float, float],
    *,
    districts: gpd.GeoDataFrame | None = None,
    tolerance_m: float = 25.0,
    max_rank: int = 5,
    min_builtup_m2: float = 0.0,
) -> dict[str, Any]:
    """The context of one map as JSON-ready data.

    Parameters
    ----------
    context
        The study area's context (built-in, or with an OS base map on top).
    bounds_m
        ``(minx, miny, maxx, maxy)`` of the map in BNG metres; the context is cut
        to it.
    districts
        The project's districts: only places inside them are labelled.
    tolerance_m
        Simplification of lines and polygons, metres.
    max_rank
        Least important place rank included.
    min_builtup_m2
        Leave out built-up areas smaller than this (for overview maps).

    Returns
    -------
    dict
        ``sea``, ``builtup``, ``water``, ``rivers``, ``rail`` (GeoJSON geometries or
        null), ``roads`` (class -> geometry), ``places`` (``[lat, lon, name, rank]``
        rows, most important first), ``style`` and ``attribution`` (text).
    """
    view = simplify_context(clip_context(context, bounds_m), tolerance_m)
    builtup = view.builtup[view.builtup.geometry.area >= min_builtup_m2]
    water = view.water
    rivers = water[water[KIND] == "river"] if len(water) else water
    areas = water[water[KIND] != "river"] if len(water) else water
    roads = {
        cls: _geometry(view.roads[view.roads[ROAD_CLASS] == cls].geometry.to_numpy())
        for cls in ("motorway", "a_road", "b_road")
    } if len(view.roads) else {}
    places = select_places(view.places, districts, max_rank=max_rank, max_places=MAX_PLACES)
    points = gpd.GeoSeries(places.geometry.to_numpy(), crs=CRS).to_crs(CRS_WGS84)
    return {
        "sea": _geometry(_sea(view.land, bounds_m)),
        "builtup": _geometry(builtup.geometry.to_numpy()),
        "water": _geometry(areas.geometry.to_numpy()),
        "rivers": _geometry(rivers.geometry.to_numpy()),
        "rail": _geometry(view.rail.geometry.to_numpy()),
        "roads": {k: v for k, v in roads.items() if v is not None},
        "places": [
            [round(float(p.y), DIGITS), round(float(p.x), DIGITS), str(name), int(rank)]
            for p, name, rank in zip(points, places[PLACE_NAME], places[PLACE_RANK],
                                     strict=True)
        ],
        "style": dict(WEB_STYLE),
        "attribution": "; ".join(view.attribution()),
    }
