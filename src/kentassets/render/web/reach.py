"""Service reach on the web pages: the hexagon layers of a district map, the reach
rows of the cards and the county table of the index page.

A district map gets one "Service reach" overlay per service, switched off in the
layer control: the district's demand points gathered into hexagons
(:func:`kentassets.render._reach.hex_cells`), each shaded by the demand-weighted
distance to the nearest site of the service in bands (within 1 km, 2 km, 5 km,
farther). The payload carries each cell's centre once and the six corners'
offsets once; the page's JavaScript (``reachLayers`` in ``templates/webmap.js``)
draws the hexagons when a layer is first switched on. Every string is escaped
here or inserted as text by the page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from kentassets import schema
from kentassets.render import style
from kentassets.render._format import format_number
from kentassets.render._reach import (
    COUNTY_CODE,
    DEMAND,
    DEMAND_ESTIMATE_NOTE,
    MEAN_DISTANCE_M,
    P90_DISTANCE_M,
    SERVICE,
    SITES,
    DistrictReach,
    band_labels,
    distance_text,
    headline_threshold,
    hex_cells,
    hex_corners,
    reach_effect,
    reach_effect_lines,
    reach_estimate,
    reach_method,
    service_label,
    share_text,
    thresholds_of,
    withheld_note,
    within_column,
)
from kentassets.safety import escape_html

__all__ = [
    "county_reach_table_html",
    "district_reach_rows",
    "reach_card_rows",
    "reach_payload",
]

#: Width of a hexagon across its flats, metres.
DEFAULT_CELL_M = 500.0


def _round_list(values: np.ndarray, digits: int) -> list[float | None]:
    return [None if not np.isfinite(v) else round(float(v), digits) for v in values]


def _legend_html(reach: DistrictReach, labels: Sequence[str], colours: Sequence[str]) -> str:
    """The reach legend: the distance bands, how distance was measured, the estimate note."""
    items = "".join(
        f'<li><span class="kent-ramp" style="background:{colour}"></span>'
        f"<span>{escape_html(label)}</span></li>"
        for label, colour in zip(labels, colours, strict=True))
    notes = [f"Distance to the nearest site, {escape_html(reach.method)}, "
             "averaged over the people in each hexagon."]
    withheld = [service_label(s) for s in reach.services if s in reach.withheld]
    if withheld:
        notes.append(escape_html(withheld_note(withheld)))
    if reach.estimate:
        notes.append(escape_html(DEMAND_ESTIMATE_NOTE))
    return ("<h2>Service reach</h2>"
            f"<ul>{items}</ul>"
            + "".join(f'<p class="kent-note">{n}</p>' for n in notes))


def reach_payload(
    reach: DistrictReach | None, *, crs: Any, cell_m: float = DEFAULT_CELL_M
) -> dict[str, Any] | None:
    """The district map's reach layers as JSON-ready data, or ``None`` without reach.

    Parameters
    ----------
    reach
        The district's reach (:func:`kentassets.render._reach.district_reach`).
    crs
        The CRS of the demand points (EPSG:27700).
    cell_m
        Width of a hexagon across its flats, metres.

    Returns
    -------
    dict or None
        ``lat``/``lon`` of the cell centres, ``corners`` (the six corners'
        offsets in degrees), ``people`` per cell, ``thresholds_m`` (the bands'
        limits), ``services`` (per service: ``name``, ``label``, mean distance in
        metres, share within the headline threshold, and ``people`` when the
        service has demand weights of its own), ``bands`` (label and colour)
        and ``legend_html``.
    """
    if reach is None or not reach.mapped_services:
        return None
    cells = hex_cells(reach, cell_m=cell_m)
    labels = band_labels(reach.thresholds_m)
    colours = style.reach_band_colours(len(labels))
    lat, lon, corners = _cell_positions(cells.x, cells.y, cells.radius_m, crs=crs)
    people = _round_list(cells.people, 0)
    services = []
    for service in reach.mapped_services:
        own = _round_list(cells.demand[service], 0)
        services.append({
            "name": service,
            "label": service_label(service),
            "people": None if own == people else own,  # None: the cells' people
            "mean_m": _round_list(cells.mean_m[service], -1),
            "within": _round_list(cells.within[service] * 100, 0),
        })
    return {
        "lat": lat, "lon": lon, "corners": corners, "people": people,
        "thresholds_m": list(reach.thresholds_m),
        "services": services,
        "bands": [{"label": lb, "colour": c} for lb, c in zip(labels, colours, strict=True)],
        "none_colour": style.REACH_NONE,
        "headline": distance_text(cells.headline_m),
        "estimate": reach.estimate,
        "legend_html": _legend_html(reach, labels, colours),
    }


def _cell_positions(
    x: np.ndarray, y: np.ndarray, radius_m: float, *, crs: Any
) -> tuple[list[float], list[float], list[list[float]]]:
    """Cell centres in WGS 84 (5 places, about 1 m) and the corners' offsets in degrees.

    The offsets are measured at the middle of the cells: across a district the
    grid's bearing and scale hardly change, so the hexagons still tile.
    """
    if not len(x):
        return [], [], []
    centres = gpd.GeoSeries(gpd.points_from_xy(x, y), crs=crs).to_crs(schema.CRS_WGS84)
    lat = np.round(centres.y.to_numpy(dtype=float), 5).tolist()
    lon = np.round(centres.x.to_numpy(dtype=float), 5).tolist()
    mx, my = float(np.median(x)), float(np.median(y))
    ring = hex_corners(radius_m) + np.array([mx, my])
    pts = gpd.GeoSeries(gpd.points_from_xy([mx, *ring[:, 0]], [my, *ring[:, 1]]),
                        crs=crs).to_crs(schema.CRS_WGS84)
    dlat = pts.y.to_numpy()[1:] - pts.y.to_numpy()[0]
    dlon = pts.x.to_numpy()[1:] - pts.x.to_numpy()[0]
    return lat, lon, [[round(float(a), 6), round(float(b), 6)] for a, b in
                      zip(dlat, dlon, strict=True)]


def reach_card_rows(row: Mapping[str, Any]) -> list[str]:
    """The co-location card's reach rows (escaped), or none when it has no reach figures."""
    effect = reach_effect(row)
    if effect is None:
        return []
    lines = [escape_html(line) for line in reach_effect_lines(effect)]
    if effect.strands and lines:
        lines[0] = f'<strong class="kent-strands">{lines[0]}</strong>'
    return [f"<tr><th>Service reach</th><td>{'<br>'.join(lines)}</td></tr>"] if lines else []


def district_reach_rows(service_reach: pd.DataFrame | None, code: str) -> list[str]:
    """The county map's district card rows: share within 2 km per service today."""
    if service_reach is None or not len(service_reach):
        return []
    thresholds = thresholds_of(service_reach)
    if not thresholds:
        return []
    headline = headline_threshold(thresholds) or thresholds[0]
    rows = service_reach[service_reach[schema.DISTRICT_CODE].astype("string").eq(code)
                         .fillna(False).to_numpy()]
    if not len(rows):
        return []
    out = [f'<tr><th colspan="2">People within {escape_html(distance_text(headline))} '
           "of a site</th></tr>"]
    for service, share in zip(rows[SERVICE], rows[within_column(headline)], strict=True):
        out.append(f'<tr><td class="kent-indent">{escape_html(service_label(str(service)))}'
                   f"</td><td>{escape_html(share_text(share))}</td></tr>")
    return out


def county_reach_table_html(service_reach: pd.DataFrame | None) -> str:
    """The county table of service reach, as an escaped HTML table (``""`` without reach).

    One row per service: sites, people, the shares within each threshold, the
    mean and 90th-percentile distance; under it, how distance was measured and
    whether the people are an estimate.
    """
    if service_reach is None or not len(service_reach):
        return ""
    county = service_reach[service_reach[schema.DISTRICT_CODE].astype("string")
                           .eq(COUNTY_CODE).fillna(False).to_numpy()]
    if not len(county):
        return ""
    thresholds = thresholds_of(service_reach)
    estimate = reach_estimate(service_reach)
    head = ["Service", "Sites", "People" + (" (estimate)" if estimate else "")]
    head += [f"Within {distance_text(t)}" for t in thresholds]
    head += ["Mean distance", "90% within"]
    body = []
    for _, row in county.iterrows():
        cells = [f"<td>{escape_html(service_label(str(row[SERVICE])))}</td>",
                 f'<td class="num">{format_number(row.get(SITES))}</td>',
                 f'<td class="num">{format_number(row.get(DEMAND))}</td>']
        cells += [f'<td class="num">{escape_html(share_text(row.get(within_column(t))))}</td>'
                  for t in thresholds]
        cells += [f'<td class="num">{escape_html(distance_text(row.get(col)))}</td>'
                  for col in (MEAN_DISTANCE_M, P90_DISTANCE_M)]
        body.append(f"<tr>{''.join(cells)}</tr>")
    header = "".join(f"<th>{escape_html(h)}</th>" if k == 0 else
                     f'<th class="num">{escape_html(h)}</th>' for k, h in enumerate(head))
    notes = [f"Distance to the nearest site of each service: "
             f"{escape_html(reach_method(service_reach))}; sites across a district boundary "
             "count."]
    if estimate:
        notes.append(escape_html(DEMAND_ESTIMATE_NOTE))
    return (f'<table class="kent-reach"><thead><tr>{header}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>"
            + "".join(f'<p class="kent-note">{n}</p>' for n in notes))
