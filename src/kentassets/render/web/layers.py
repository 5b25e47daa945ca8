"""The layers of the web maps, as JSON-ready payload parts.

Base layers (tile maps, none when offline) come from :func:`base_layers`. The
overlay layers of a district map (the district outline, neighbouring districts,
one layer per agency, the co-location hulls, and the assets drawn in the agency
layers) come from :func:`district_overlays` and :func:`asset_layer`; the page's
JavaScript (``districtMap`` in ``templates/webmap.js``) adds each of them to the
layer control under its name. A new overlay is added in both places.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from kentassets import schema
from kentassets.render import style
from kentassets.render.web.cards import colocation_card, members_by_colocation
from kentassets.render.web.geometry import feature_collection, geojson_geometries, top_centres
from kentassets.render.web.sensitive import published_hulls, published_points, sensitive_label
from kentassets.render.web.values import (
    AGENCIES,
    DISTRICT_CODES,
    RANK,
    agency_list,
    codes,
    float_list,
    str_list,
)
from kentassets.safety import is_missing

log = logging.getLogger(__name__)

_OSM_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)
_TILES: tuple[dict[str, Any], ...] = (
    {
        "name": "Light grey (CARTO Positron)",
        "url": "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
        "attribution": _OSM_ATTRIBUTION
        + ' &copy; <a href="https://carto.com/attributions">CARTO</a>',
        "subdomains": "abcd",
        "max_zoom": 20,
        "default": True,
    },
    {
        "name": "Street map (OpenStreetMap)",
        "url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "attribution": _OSM_ATTRIBUTION,
        "subdomains": "abc",
        "max_zoom": 19,
        "default": False,
    },
)


def base_layers(*, offline: bool, minimap: bool) -> dict[str, Any]:
    """Return ``offline``, the tile layers and (if ``minimap``) the minimap's tiles."""
    out: dict[str, Any] = {"offline": offline, "tiles": [] if offline else list(_TILES)}
    if minimap:
        out["minimap_tile"] = None if offline else _TILES[0]
    return out


def district_overlays(
    target: gpd.GeoDataFrame,
    neighbours: gpd.GeoDataFrame,
    agencies: list[dict[str, Any]],
    hulls: list[dict[str, Any]],
) -> dict[str, Any]:
    """Return the district map's overlays: outline, neighbours, agency layers, hulls."""
    return {
        "district": feature_collection(target, tolerance_m=5.0),
        "neighbours": feature_collection(neighbours, tolerance_m=25.0),
        "agencies": agencies,
        "hulls": hulls,
    }


def agency_layers(
    assets: pd.DataFrame, sub: pd.DataFrame, sensitive: pd.Series
) -> tuple[list[dict[str, Any]], dict[str, style.AgencyStyle]]:
    """Return one layer entry per agency in ``sub``, and the styles of every agency.

    Styles come from every agency in ``assets`` (the whole estate), so colours
    match across maps and PDFs.
    """
    styles = style.agency_styles(set(agency_list(assets)))
    sub_agencies = pd.Series(agency_list(sub), index=sub.index, dtype=object)
    counts = sub_agencies.value_counts()
    sensitive_names = set(sub_agencies[sensitive.to_numpy()])
    layers = [
        {
            "name": name,
            "colour": styles[name].colour,
            "shape": styles[name].shape,
            "count": int(counts.get(name, 0)),
            "sensitive": name in sensitive_names,
        }
        for name in sorted(set(sub_agencies))
    ]
    return layers, styles


def asset_layer(
    sub: gpd.GeoDataFrame,
    sensitive: pd.Series,
    agency_index: Mapping[str, int],
) -> dict[str, Any]:
    """Return the assets (column lists) and the lookups their coded columns use.

    Sensitive assets get their published point and no id, address, postcode,
    precision, source file or row.
    """
    n = len(sub)
    x, y = published_points(sub, sensitive)
    if n:
        pts = gpd.GeoSeries(gpd.points_from_xy(x, y), crs=sub.crs).to_crs(schema.CRS_WGS84)
        lon = np.round(np.asarray(pts.x, dtype=float), 6).tolist()
        lat = np.round(np.asarray(pts.y, dtype=float), 6).tolist()
    else:
        lon, lat = [], []
    sens = sensitive.to_numpy(dtype=bool)
    agencies = agency_list(sub)
    names = [
        sensitive_label(a) if s else (nm or "(unnamed)")
        for nm, a, s in zip(str_list(sub[schema.NAME]), agencies, sens, strict=True)
    ]

    def blank_sensitive(values: list[Any], blank: Any = "") -> list[Any]:
        return [blank if s else v for v, s in zip(values, sens, strict=True)]

    use_codes, use_lookup = codes(sub[schema.USE])
    tenure_codes, tenure_lookup = codes(sub[schema.TENURE])
    status_codes, status_lookup = codes(sub[schema.STATUS])
    # Sensitive rows are blanked before encoding, so their values never reach a lookup.
    mask = pd.Series(sens, index=sub.index)
    method_codes, method_lookup = codes(sub[schema.LOCATION_METHOD].mask(mask))
    file_codes, file_lookup = codes(sub[schema.SOURCE_FILE].mask(mask))
    rows = pd.to_numeric(sub[schema.SOURCE_ROW], errors="coerce")
    coloc = str_list(sub[schema.COLOCATION_ID]) if schema.COLOCATION_ID in sub.columns else [""] * n
    return {
        "assets": {
            "n": n,
            "lat": lat,
            "lon": lon,
            "ag": [agency_index[a] for a in agencies],
            "sens": [int(s) for s in sens],
            "id": blank_sensitive(str_list(sub[schema.ASSET_ID])),
            "name": names,
            "use": use_codes,
            "tenure": tenure_codes,
            "status": status_codes,
            "gia": float_list(sub[schema.GIA_M2], 0),
            "staff": float_list(sub[schema.STAFF_FTE], 1),
            "cost": float_list(sub[schema.ANNUAL_COST_GBP], 0),
            "addr": blank_sensitive(str_list(sub[schema.ADDRESS])),
            "pc": blank_sensitive(str_list(sub[schema.POSTCODE])),
            "method": method_codes,
            "prec": blank_sensitive(float_list(sub[schema.LOCATION_PRECISION_M], 0), None),
            "file": file_codes,
            "row": blank_sensitive(float_list(rows, 0), None),
            "coloc": coloc,
        },
        "lookups": {
            "use": [u.replace("_", " ") for u in use_lookup],
            "tenure": tenure_lookup,
            "status": [s.replace("_", " ") for s in status_lookup],
            "method": [m.replace("_", " ") for m in method_lookup],
            "file": file_lookup,
        },
    }


def _in_district(opps: pd.DataFrame, code: str) -> pd.Series:
    mask = opps[schema.DISTRICT_CODE].astype("string").eq(code).fillna(False)
    if DISTRICT_CODES in opps.columns:
        split = opps[DISTRICT_CODES].astype("string").fillna("").str.split(";")
        mask |= split.map(lambda codes: code in [c.strip() for c in codes])
    if schema.IS_COLOCATION in opps.columns:
        mask &= opps[schema.IS_COLOCATION].fillna(False).astype(bool)
    return mask.astype(bool)


def hull_layer(
    opportunities: gpd.GeoDataFrame,
    assets: gpd.GeoDataFrame,
    sensitive: pd.Series,
    *,
    district_code: str,
    crs: Any,
) -> list[dict[str, Any]]:
    """Return the co-locations in (or straddling) a district, in rank order, as hulls.

    ``assets`` and ``sensitive`` cover the whole estate: a straddling
    co-location lists its members from every district.
    """
    opps = opportunities
    if len(opps) and opps.crs is not None and opps.crs != crs:
        opps = opps.to_crs(crs)
    hull_rows = opps[_in_district(opps, district_code).to_numpy()] if len(opps) else opps
    if RANK in hull_rows.columns:
        hull_rows = hull_rows.sort_values(RANK, na_position="last")
    coloc_ids = (
        assets[schema.COLOCATION_ID].astype("string")
        if schema.COLOCATION_ID in assets.columns
        else pd.Series(pd.NA, index=assets.index, dtype="string")
    )
    return _hull_payload(hull_rows, assets, coloc_ids, sensitive)


def _hull_payload(
    hull_rows: gpd.GeoDataFrame,
    assets: gpd.GeoDataFrame,
    coloc_ids: pd.Series,
    sensitive: pd.Series,
) -> list[dict[str, Any]]:
    """Return id, agencies, GeoJSON geometry, label point and card of each hull."""
    if not len(hull_rows) or schema.COLOCATION_ID not in hull_rows.columns:
        return []
    members = members_by_colocation(assets, coloc_ids, sensitive)
    published = published_hulls(hull_rows, assets, coloc_ids, sensitive)
    geometries = geojson_geometries(published)
    records = pd.DataFrame(hull_rows.drop(columns=hull_rows.geometry.name)).to_dict("records")
    hulls: list[dict[str, Any]] = []
    for row, geometry, label_point in zip(records, geometries, top_centres(published), strict=True):
        cid = str(row[schema.COLOCATION_ID])
        if geometry is None:
            log.warning("co-location %s has no geometry; not drawn", cid)
            continue
        agencies_text = row.get(AGENCIES)
        hulls.append(
            {
                "id": cid,
                "agencies": ""
                if is_missing(agencies_text)
                else str(agencies_text).replace(";", ", "),
                "geometry": geometry,
                "label_point": label_point,
                "card_html": colocation_card(row, members.get(cid, []), cid),
            }
        )
    return hulls
