"""Geometry for the web pages: GeoJSON in WGS 84, bounds and label points.

Coordinates are rounded to 6 decimal places (about 0.1 m), which keeps the pages
small and the bytes stable.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import mapping

from kentassets import schema
from kentassets.render.web.values import str_list


def to_wgs84_geometry(geom: Any, *, crs: Any, tolerance_m: float) -> dict[str, Any]:
    """Return ``geom`` as a GeoJSON mapping in WGS 84, simplified to ``tolerance_m``."""
    series = gpd.GeoSeries([geom], crs=crs)
    if tolerance_m > 0:
        series = series.simplify(tolerance_m, preserve_topology=True)
    out = series.to_crs(schema.CRS_WGS84).iloc[0]
    out = shapely.transform(out, lambda c: np.round(c, 6))
    return dict(mapping(out))


def label_point(geom: Any, *, crs: Any) -> list[float]:
    """Return [lat, lon] of a point inside ``geom``, where its name is written."""
    point = gpd.GeoSeries([geom.representative_point()], crs=crs).to_crs(schema.CRS_WGS84)
    return [round(float(point.y.iloc[0]), 6), round(float(point.x.iloc[0]), 6)]


def feature_collection(frame: gpd.GeoDataFrame, *, tolerance_m: float) -> dict[str, Any]:
    """District polygons as GeoJSON (WGS 84) with ``name`` and ``label`` [lat, lon]."""
    features = []
    names = str_list(frame[schema.DISTRICT_NAME]) if schema.DISTRICT_NAME in frame else []
    for i, geom in enumerate(frame.geometry):
        if geom is None or geom.is_empty:
            continue
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "name": names[i] if names else "",
                    "label": label_point(geom, crs=frame.crs),
                },
                "geometry": to_wgs84_geometry(geom, crs=frame.crs, tolerance_m=tolerance_m),
            }
        )
    return {"type": "FeatureCollection", "features": features}


def bounds_latlon(bounds: tuple[float, float, float, float], crs: Any) -> list[list[float]]:
    """Return ``(minx, miny, maxx, maxy)`` in ``crs`` as [[south, west], [north, east]]."""
    box = gpd.GeoSeries([shapely.box(*bounds)], crs=crs).to_crs(schema.CRS_WGS84)
    minx, miny, maxx, maxy = box.total_bounds
    return [
        [round(float(miny), 6), round(float(minx), 6)],
        [round(float(maxy), 6), round(float(maxx), 6)],
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
