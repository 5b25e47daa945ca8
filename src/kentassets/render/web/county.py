"""The county map: districts shaded by co-locations or saving, each with a card.

Also :func:`district_summary`, the per-district counts and savings that the
county map and the index page show.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Unpack

import geopandas as gpd
import numpy as np
import pandas as pd

import kentassets.render.web.furniture as furniture
import kentassets.render.web.layers as layers
from kentassets import schema
from kentassets.errors import ValidationError
from kentassets.reference.context import study_area_context
from kentassets.render._format import format_money, format_number
from kentassets.render.settings import OutputSettings, SettingsKeywords, resolve_settings
from kentassets.render.web.cards import district_card
from kentassets.render.web.context import context_payload
from kentassets.render.web.geometry import (
    bounds_latlon,
    bounds_latlon_all,
    label_points,
    wgs84_geometries,
)
from kentassets.render.web.page import map_page
from kentassets.render.web.reach import district_reach_rows
from kentassets.render.web.values import SAVING, SHORTLISTED
from kentassets.safety import escape_html

if TYPE_CHECKING:
    import folium

    from kentassets.reference.context import MapContext

__all__ = ["county_map", "district_summary"]

_num = format_number
_money = format_money

#: Sequential colour-blind-safe ramp (Paul Tol's YlOrBr), light to dark.
_RAMP: tuple[str, ...] = (
    "#FFFBD5",
    "#FEE391",
    "#FEC44F",
    "#FB9A29",
    "#EC7014",
    "#CC4C02",
    "#8C2D04",
)
_SHADE_LABELS = {
    "n_colocations": "Co-locations",
    "saving_gbp": "Estimated saving (\u00a3 a year)",
}


def _row_masks(opportunities: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each row's district code, whether it is a co-location, and whether it is
    shortlisted (computed once for every district, not filtered per district)."""
    n = len(opportunities)
    if not n:
        return np.empty(0, dtype=object), np.zeros(0, dtype=bool), np.zeros(0, dtype=bool)
    codes = opportunities[schema.DISTRICT_CODE].astype("string").to_numpy(dtype=object,
                                                                           na_value=None)
    colocation = (opportunities[schema.IS_COLOCATION].fillna(False).astype(bool).to_numpy()
                  if schema.IS_COLOCATION in opportunities.columns else np.ones(n, dtype=bool))
    listed = (opportunities[SHORTLISTED].fillna(False).astype(bool).to_numpy()
              if SHORTLISTED in opportunities.columns else np.ones(n, dtype=bool))
    return codes, colocation, listed


def district_summary(districts: gpd.GeoDataFrame, opportunities: gpd.GeoDataFrame) -> pd.DataFrame:
    """Return the number of co-locations and the estimated saving per district.

    Parameters
    ----------
    districts
        District boundaries.
    opportunities
        The scored cluster table.

    Returns
    -------
    pandas.DataFrame
        One row per district in ``districts`` order: ``district_code``,
        ``district_name``, ``n_colocations``, ``saving_gbp`` (estimated annual saving
        of the district's shortlist, as in the county totals), ``n_shortlisted``.
    """
    out = pd.DataFrame(
        {
            schema.DISTRICT_CODE: districts[schema.DISTRICT_CODE].astype(str).to_numpy(),
            schema.DISTRICT_NAME: districts[schema.DISTRICT_NAME].astype(str).to_numpy(),
        }
    )
    n_col: list[int] = []
    saving: list[float] = []
    shortlisted: list[int] = []
    codes, colocation, listed = _row_masks(opportunities)
    for code in out[schema.DISTRICT_CODE]:
        rows = (codes == code) & colocation  # the co-locations whose district is code
        mine = rows & listed
        n_col.append(int(rows.sum()))
        # The saving shown is the shortlist's, as in the county totals.
        saving.append(
            float(pd.to_numeric(opportunities[SAVING][mine], errors="coerce").sum())
            if SAVING in opportunities.columns
            else float("nan")
        )
        shortlisted.append(int(mine.sum()) if SHORTLISTED in opportunities.columns else 0)
    out["n_colocations"] = n_col
    out[SAVING] = saving
    out["n_shortlisted"] = shortlisted
    return out


def _classes(values: np.ndarray, *, integer: bool) -> list[float]:
    """Quantile class edges: class k holds edges[k] < v <= edges[k + 1] (class 0 from edges[0])."""
    finite = values[np.isfinite(values)]
    if not len(finite) or finite.max() <= finite.min():
        return [0.0, float(finite.max()) if len(finite) else 1.0]
    edges = np.quantile(finite, np.linspace(0, 1, min(len(_RAMP), len(finite)) + 1))
    if integer:
        edges = np.round(edges)
    return [float(e) for e in np.unique(edges)]


def _class_colour(value: float, edges: list[float]) -> str:
    if not math.isfinite(value):
        return "#dddddd"
    n = len(edges) - 1
    if n <= 0:
        return _RAMP[0]
    k = int(np.searchsorted(edges[1:-1], value, side="left"))
    pos = 0 if n == 1 else round(k * (len(_RAMP) - 1) / (n - 1))
    return _RAMP[int(pos)]


def _legend_classes(edges: list[float]) -> list[tuple[float, float, str]]:
    out = []
    for lo, hi in itertools.pairwise(edges):
        out.append((lo, hi, _class_colour(hi, edges)))
    return out or [(edges[0], edges[-1], _RAMP[0])]


def _legend_html(edges: list[float], shade_by: str) -> str:
    """The colour ramp's classes, as money or whole numbers."""
    rows = []
    for k, (lo, hi, colour) in enumerate(_legend_classes(edges)):
        if shade_by == SAVING:
            lo_text, hi_text = _money(lo), _money(hi)
        else:  # whole numbers: classes 7-10, 11-13, ...
            lo_text, hi_text = _num(lo if k == 0 else lo + 1), _num(hi)
        text = lo_text if lo_text == hi_text else f"{lo_text} \u2013 {hi_text}"
        rows.append(
            f'<li><span class="kent-ramp" style="background:{colour}"></span>'
            f"<span>{text}</span></li>"
        )
    return f"<h2>{escape_html(_SHADE_LABELS[shade_by])}</h2><ul>{''.join(rows)}</ul>"


def _district_items(
    districts: gpd.GeoDataFrame,
    summary: pd.DataFrame,
    *,
    shade_by: str,
    edges: list[float],
    files: Mapping[str, Mapping[str, str]],
    service_reach: pd.DataFrame | None = None,
) -> list[dict[str, Any]]:
    """One shaded polygon per district with a geometry: value, colour, card, view."""
    crs = districts.crs or schema.CRS
    shapes = districts.geometry.to_numpy()
    rows = [i for i, geom in enumerate(shapes) if geom is not None and not geom.is_empty]
    # every district's outline, label point and view projected in one call each
    geometries = wgs84_geometries(shapes[rows], crs=crs, tolerance_m=40.0) if rows else []
    labels = label_points(shapes[rows], crs=crs) if rows else []
    views = bounds_latlon_all([shapes[i].bounds for i in rows], crs) if rows else []
    records = summary.to_dict("records")
    items: list[dict[str, Any]] = []
    for i, geometry, label, view in zip(rows, geometries, labels, views, strict=True):
        srow = records[i]
        code = str(srow[schema.DISTRICT_CODE])
        value = float(srow[shade_by])
        items.append(
            {
                "code": code,
                "name": str(srow[schema.DISTRICT_NAME]),
                "value_text": _money(value) + " a year" if shade_by == SAVING else _num(value),
                "colour": _class_colour(value, edges),
                "geometry": geometry,
                "card_html": district_card(srow, files.get(code, {}),
                                           district_reach_rows(service_reach, code)),
                "label_point": label,
                "bounds": view,
            }
        )
    return items


def _padded(
    bounds: tuple[float, ...], margin_m: float
) -> tuple[float, float, float, float]:
    minx, miny, maxx, maxy = (float(v) for v in bounds)
    return (minx - margin_m, miny - margin_m, maxx + margin_m, maxy + margin_m)


def county_map(
    districts: gpd.GeoDataFrame,
    opportunities: gpd.GeoDataFrame,
    *,
    shade_by: str = "n_colocations",
    offline: bool = False,
    settings: OutputSettings | None = None,
    district_files: Mapping[str, Mapping[str, str]] | None = None,
    context: MapContext | None = None,
    service_reach: pd.DataFrame | None = None,
    **keywords: Unpack[SettingsKeywords],
) -> folium.Map:
    """Return a county map with districts shaded by co-locations or saving.

    Parameters
    ----------
    districts
        District boundaries (EPSG:27700).
    opportunities
        The scored cluster table.
    shade_by
        ``"n_colocations"`` or ``"saving_gbp"``.
    offline
        Draw no tiles (no network requests): the built-in context only.
    settings, **keywords
        What every output prints (:class:`~kentassets.render.settings.OutputSettings`),
        built once by the pipeline; or, as before, any of its fields as a keyword
        (``title=``, ``data_date=``, ``synthetic=``, ...), which replaces its value.
    district_files
        District code -> ``{"html": relpath, "pdf": relpath}``; the district
        cards link to them.
    context
        The map context already read, as for :func:`district_map` (larger towns
        only here; ``None`` draws none). Pure: :func:`kentassets.county_map`
        (:func:`kentassets.pipeline.maps.county_map`) reads it, or ``basemap=``.
    service_reach
        The reach stage's table (``Analysis.service_reach``): each district's
        card gives the share of its people within 2 km of each service. ``None``
        (reach did not run): nothing about reach.

    Returns
    -------
    folium.Map
        One shaded polygon per district, with a card of its counts and saving.

    Raises
    ------
    ValidationError
        If ``shade_by`` is not one of the allowed values.

    Examples
    --------
    >>> import kentassets as ka
    >>> estate = ka.sample_estate()
    >>> opps = ka.score_opportunities(ka.find_colocations(estate.assets), estate.assets)
    >>> m = ka.county_map(ka.load_districts(), opps, shade_by="saving_gbp", synthetic=True)
    >>> type(m).__name__
    'Map'
    >>> ka.county_map(ka.load_districts(), opps, shade_by="score")
    Traceback (most recent call last):
    ...
    kentassets.errors.ValidationError: shade_by='score' is not allowed; use one of ...
    """
    s = resolve_settings(settings, keywords, where="county_map")
    title, data_date, synthetic = s.title, s.data_date, s.synthetic
    attribution_year, boundary_source = s.attribution_year, s.boundary_source
    if shade_by not in _SHADE_LABELS:
        raise ValidationError(
            f"shade_by={shade_by!r} is not allowed; use one of {', '.join(_SHADE_LABELS)}"
        )
    summary = district_summary(districts, opportunities)
    edges = _classes(summary[shade_by].to_numpy(dtype=float), integer=shade_by != SAVING)
    title_html = furniture.title_html(
        heading=title or "Public estate co-location opportunities",
        title="Districts shaded by " + _SHADE_LABELS[shade_by].lower(),
        data_date=data_date,
        synthetic=synthetic,
        attribution_year=attribution_year,
        derived=furniture.boundary_source(districts, boundary_source) == "derived",
    )
    payload = {
        **layers.base_layers(offline=offline, minimap=False),
        "districts": _district_items(
            districts, summary, shade_by=shade_by, edges=edges, files=district_files or {},
            service_reach=service_reach,
        ),
        "bounds": bounds_latlon(tuple(districts.total_bounds), crs=districts.crs or schema.CRS),
        "title_html": title_html,
        "legend_html": _legend_html(edges, shade_by),
        "context": None if context is None else context_payload(
            study_area_context(districts, context),
            _padded(tuple(districts.total_bounds), 10_000.0),
            tolerance_m=100.0,
            max_rank=3,
            min_builtup_m2=1_000_000.0,
        ),
    }
    return map_page(
        entry="countyMap", payload=payload, page_title=title or "County overview"
    )
