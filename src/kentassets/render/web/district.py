"""The interactive map of one district: its assets, co-locations and neighbours.

:func:`district_map` composes the steps: check the inputs, select the district
and its assets, build the layers (:mod:`.layers`), the title block and legend
(:mod:`.furniture`), the view, and hand the payload to the page (:mod:`.page`).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Collection
from typing import TYPE_CHECKING, Any, Unpack

import geopandas as gpd
import pandas as pd

import kentassets.render.web.furniture as furniture
import kentassets.render.web.layers as layers
from kentassets import schema
from kentassets.errors import ValidationError
from kentassets.reference.context import study_area_context
from kentassets.render import style
from kentassets.render.settings import OutputSettings, SettingsKeywords, resolve_settings
from kentassets.render.web.context import context_payload
from kentassets.render.web.geometry import bounds_latlon
from kentassets.render.web.page import map_page
from kentassets.render.web.reach import reach_payload
from kentassets.render.web.sensitive import published_points, sensitive_mask

if TYPE_CHECKING:
    import folium

    from kentassets.reference.context import MapContext
    from kentassets.render._reach import DistrictReach

log = logging.getLogger(__name__)

__all__ = ["CLUSTER_THRESHOLD", "district_map"]

#: Marker clustering is switched on above this many assets in a district.
CLUSTER_THRESHOLD = 300
#: The map context is cut this far around the district (metres).
CONTEXT_MARGIN_M = 8_000.0


@dataclasses.dataclass(frozen=True)
class _Selection:
    """One district, its neighbours and its assets, in the districts' CRS."""

    name: str
    target: gpd.GeoDataFrame
    outline: Any  # the district as one shapely geometry
    neighbours: gpd.GeoDataFrame
    assets: gpd.GeoDataFrame  # the whole estate, with district codes
    sub: gpd.GeoDataFrame  # the district's assets that have a geometry
    sensitive_all: pd.Series  # over ``assets``
    sensitive: pd.Series  # over ``sub``


def _check_inputs(
    assets: gpd.GeoDataFrame,
    districts: gpd.GeoDataFrame,
    opportunities: gpd.GeoDataFrame,
    district_code: str,
) -> None:
    has_colocations = len(opportunities) > 0 and (
        schema.IS_COLOCATION not in opportunities.columns
        or bool(opportunities[schema.IS_COLOCATION].fillna(False).astype(bool).any())
    )
    if has_colocations and schema.COLOCATION_ID not in assets.columns:
        raise ValidationError(
            "the assets have no colocation_id column, so the co-location cards would list "
            "no members; pass colocs.label_assets(assets) where colocs is the result of "
            "find_colocations"
        )
    codes = districts[schema.DISTRICT_CODE].astype("string")
    if not codes.eq(district_code).any():
        known = ", ".join(sorted(codes.dropna().unique()))
        raise ValidationError(
            f"district {district_code!r} is not in the districts frame (it has {known}); "
            "pass one of those codes"
        )


def _select(
    assets: gpd.GeoDataFrame,
    districts: gpd.GeoDataFrame,
    *,
    district_code: str,
    sensitive_agencies: Collection[str],
) -> _Selection:
    assets = style.with_districts(assets, districts)
    codes = districts[schema.DISTRICT_CODE].astype("string")
    target = districts[codes.eq(district_code).to_numpy()]
    others = districts[~codes.eq(district_code).to_numpy()]
    outline = target.geometry.union_all()
    neighbours = others[others.geometry.intersects(outline.buffer(2000.0))]
    if assets.crs is not None and districts.crs is not None and assets.crs != districts.crs:
        assets = assets.to_crs(districts.crs)
    in_district = assets[schema.DISTRICT_CODE].astype("string").eq(district_code).fillna(False)
    sub = assets[in_district.to_numpy()]
    sub = sub[sub.geometry.notna() & ~sub.geometry.is_empty]
    sensitive_all = sensitive_mask(assets, sensitive_agencies)
    return _Selection(
        name=str(target[schema.DISTRICT_NAME].iloc[0]),
        target=target,
        outline=outline,
        neighbours=neighbours,
        assets=assets,
        sub=sub,
        sensitive_all=sensitive_all,
        sensitive=sensitive_all.loc[sub.index],
    )


def _view_bounds(selection: _Selection, crs: Any) -> list[list[float]]:
    """The district and its published points: an extreme sensitive site must not set it."""
    bounds = selection.outline.bounds
    if len(selection.sub):
        px, py = published_points(selection.sub, selection.sensitive)
        bounds = (
            min(bounds[0], px.min()),
            min(bounds[1], py.min()),
            max(bounds[2], px.max()),
            max(bounds[3], py.max()),
        )
    return bounds_latlon(bounds, crs)


def district_map(
    assets: gpd.GeoDataFrame,
    districts: gpd.GeoDataFrame,
    opportunities: gpd.GeoDataFrame,
    *,
    district_code: str,
    offline: bool = False,
    settings: OutputSettings | None = None,
    context: MapContext | None = None,
    estate_agencies: Collection[str] | None = None,
    reach: DistrictReach | None = None,
    **keywords: Unpack[SettingsKeywords],
) -> folium.Map:
    """Return an interactive map of one district's assets and co-locations.

    Parameters
    ----------
    assets
        Canonical assets (EPSG:27700) with ``colocation_id`` and ``cluster_label``;
        assets whose ``district_code`` is ``district_code`` are drawn.
    districts
        District boundaries (``district_code``, ``district_name``, geometry in
        EPSG:27700). Neighbouring districts are drawn faintly.
    opportunities
        The scored cluster table; multi-agency co-locations in the district (or
        straddling it) are drawn as hulls with their cards.
    district_code
        ONS code of the district to map.
    offline
        Never request tiles: the map draws its built-in context (towns, coast,
        water) beneath the data and makes no network request. Without it, tile
        layers are added over the built-in context, which shows wherever tiles
        cannot load. Leaflet is inlined in every map either way.
    settings, **keywords
        What every output prints (:class:`~kentassets.render.settings.OutputSettings`),
        built once by the pipeline; or, as before, any of its fields as a keyword
        (``title=``, ``data_date=``, ``synthetic=``, ...), which replaces its value.
    context
        The map context, already read (``kentassets.io.context.study_context``: the
        built-in context, with an OS base map on top), drawn as one light vector
        layer; only places inside ``districts`` are named. ``None`` draws none.
        This renderer is pure (it reads no file): :func:`kentassets.district_map`
        (:func:`kentassets.pipeline.maps.district_map`) reads the context, or an
        OS GeoPackage given as ``basemap=``, and calls it.
    estate_agencies
        Every agency of the estate, when ``assets`` holds only part of it (the
        district's assets and its co-locations' members, as a parallel build
        sends them): agency colours and shapes come from the whole estate, so
        they match across maps. Default: the agencies in ``assets``.
    reach
        The district's service reach (``kentassets.render._reach.district_reach``
        of the reach stage's tables): one "Service reach" layer per service,
        switched off in the layer control, shades hexagons of the district's
        people by the distance to the nearest site. ``None``: no reach layers.
        The co-location cards show their reach figures whenever the
        opportunities carry them.

    Returns
    -------
    folium.Map
        Save it with ``map_html(m)`` (or ``m.save(path)``).

    Raises
    ------
    ValidationError
        If ``district_code`` is not in ``districts``, or co-locations are given
        but the assets carry no ``colocation_id`` (label them first with
        ``ColocationResult.label_assets``).

    Examples
    --------
    Maidstone's map from the sample estate; in Jupyter, ``m`` on its own line
    shows the map inline:

    >>> import kentassets as ka
    >>> estate = ka.sample_estate()
    >>> colocs = ka.find_colocations(estate.assets, eps_m=250)
    >>> assets = colocs.label_assets(estate.assets)  # adds colocation_id
    >>> opps = ka.score_opportunities(colocs, assets)
    >>> m = ka.district_map(assets, ka.load_districts(), opps, district_code="E07000110",
    ...                     title=estate.manifest.title, synthetic=True)
    >>> type(m).__name__
    'Map'
    >>> from kentassets.render.web import map_html
    >>> "synthetic sample data" in map_html(m)
    True
    """
    s = resolve_settings(settings, keywords, where="district_map")
    title, data_date, synthetic = s.title, s.data_date, s.synthetic
    attribution_year, sensitive_agencies = s.attribution_year, s.sensitive_agencies
    boundary_source = s.boundary_source
    _check_inputs(assets, districts, opportunities, district_code)
    crs = districts.crs or schema.CRS
    sel = _select(
        assets, districts, district_code=district_code, sensitive_agencies=sensitive_agencies
    )
    agencies, styles = layers.agency_layers(sel.assets, sel.sub, sel.sensitive,
                                            estate_agencies=estate_agencies)
    agency_index = {agency["name"]: i for i, agency in enumerate(agencies)}
    hulls = layers.hull_layer(
        opportunities, sel.assets, sel.sensitive_all, district_code=district_code, crs=crs
    )
    title_html = furniture.title_html(
        heading=sel.name,
        title=title,
        data_date=data_date,
        synthetic=synthetic,
        attribution_year=attribution_year,
        derived=furniture.boundary_source(districts, boundary_source) == "derived",
    )
    legend_html = furniture.district_legend_html(
        agencies, styles, n_assets=len(sel.sub), n_hulls=len(hulls)
    )
    payload: dict[str, Any] = {
        **layers.base_layers(offline=offline, minimap=True),
        **layers.district_overlays(sel.target, sel.neighbours, agencies, hulls),
        "bounds": _view_bounds(sel, crs),
        "cluster": len(sel.sub) > CLUSTER_THRESHOLD,
        "title_html": title_html,
        "legend_html": legend_html,
        "style": {
            "hull": style.HULL_COLOUR,
            "district_edge": style.DISTRICT_EDGE,
            "neighbour_edge": style.NEIGHBOUR_EDGE,
        },
    }
    payload.update(layers.asset_layer(sel.sub, sel.sensitive, agency_index))
    payload["reach"] = reach_payload(reach, crs=crs)
    minx, miny, maxx, maxy = sel.outline.bounds
    payload["context"] = None if context is None else context_payload(
        study_area_context(districts, context),
        (minx - CONTEXT_MARGIN_M, miny - CONTEXT_MARGIN_M,
         maxx + CONTEXT_MARGIN_M, maxy + CONTEXT_MARGIN_M),
    )
    page_title = f"{sel.name} \u2013 {title}" if title else f"{sel.name} \u2013 public assets"
    m = map_page(entry="districtMap", payload=payload, page_title=page_title)
    log.debug(
        "district map %s: %d assets, %d co-locations", district_code, len(sel.sub), len(hulls)
    )
    return m
