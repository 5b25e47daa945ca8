"""Geometry for the web pages: GeoJSON in WGS 84, bounds and label points.

Coordinates are rounded to 6 decimal places (about 0.1 m), which keeps the pages
small and the bytes stable.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import mapping

from kentassets import schema
from kentassets.render.web.values import str_list


def to_wgs84_geometry(geom: Any, *, crs: Any, tolerance_m: float) -> dict[str, Any]:
    """Return ``geom`` as a GeoJSON mapping in WGS 84, simplified to ``tolerance_m``."""
    return wgs84_geometries([geom], crs=crs, tolerance_m=tolerance_m)[0]


def wgs84_geometries(geoms: Sequence[Any], *, crs: Any, tolerance_m: float
                     ) -> list[dict[str, Any]]:
    """:func:`to_wgs84_geometry` of each of ``geoms``, projected in one call."""
    series = gpd.GeoSeries(list(geoms), crs=crs)
    if tolerance_m > 0:
        series = series.simplify(tolerance_m, preserve_topology=True)
    return [dict(mapping(shapely.transform(out, lambda c: np.round(c, 6))))
            for out in series.to_crs(schema.CRS_WGS84)]


def label_point(geom: Any, *, crs: Any) -> list[float]:
    """Return [lat, lon] of a point inside ``geom``, where its name is written."""
    return label_points([geom], crs=crs)[0]


def label_points(geoms: Sequence[Any], *, crs: Any) -> list[list[float]]:
    """:func:`label_point` of each of ``geoms``, projected in one call."""
    inside = shapely.point_on_surface(np.asarray(list(geoms), dtype=object))
    points = gpd.GeoSeries(inside, crs=crs).to_crs(schema.CRS_WGS84)
    return [[round(float(p.y), 6), round(float(p.x), 6)] for p in points]


def feature_collection(frame: gpd.GeoDataFrame, *, tolerance_m: float) -> dict[str, Any]:
    """District polygons as GeoJSON (WGS 84) with ``name`` and ``label`` [lat, lon]."""
    names = str_list(frame[schema.DISTRICT_NAME]) if schema.DISTRICT_NAME in frame else []
    shapes = frame.geometry.to_numpy()
    rows = [i for i, geom in enumerate(shapes) if geom is not None and not geom.is_empty]
    if not rows:
        return {"type": "FeatureCollection", "features": []}
    labels = label_points(shapes[rows], crs=frame.crs)
    geometries = wgs84_geometries(shapes[rows], crs=frame.crs, tolerance_m=tolerance_m)
    features = [
        {
            "type": "Feature",
            "properties": {"name": names[i] if names else "", "label": label},
            "geometry": geometry,
        }
        for i, label, geometry in zip(rows, labels, geometries, strict=True)
    ]
    return {"type": "FeatureCollection", "features": features}


def bounds_latlon(bounds: tuple[float, float, float, float], crs: Any) -> list[list[float]]:
    """Return ``(minx, miny, maxx, maxy)`` in ``crs`` as [[south, west], [north, east]]."""
    return bounds_latlon_all([bounds], crs)[0]


def bounds_latlon_all(bounds: Sequence[tuple[float, ...]], crs: Any) -> list[list[list[float]]]:
    """:func:`bounds_latlon` of each of ``bounds``, projected in one call."""
    boxes = gpd.GeoSeries([shapely.box(*b) for b in bounds], crs=crs).to_crs(schema.CRS_WGS84)
    return [
        [[round(float(miny), 6), round(float(minx), 6)],
         [round(float(maxy), 6), round(float(maxx), 6)]]
        for minx, miny, maxx, maxy in boxes.bounds.to_numpy()
    ]


def top_centres(published: gpd.GeoSeries) -> list[list[float] | None]:
    """Return [lat, lon] of each hull's label: top centre, so it does not hide markers."""
    out: list[list[float] | None] = []
    for geom in published:
        if geom is None or geom.is_empty:
            out.append(None)
        else:
            minx, _, maxx, maxy = geom.bounds
            out.append([round(float(maxy), 6), round(float((minx + maxx) / 2), 6)])
    return out


def geojson_geometries(published: gpd.GeoSeries) -> list[dict[str, Any] | None]:
    """Return each geometry as a GeoJSON mapping, coordinates rounded to 6 places."""
    return [
        None
        if geom is None or geom.is_empty
        else dict(mapping(shapely.transform(geom, lambda c: np.round(c, 6))))
        for geom in published
    ]
