"""Interactive HTML maps (folium / Leaflet): one map per district and a county map.

The renderers return :class:`folium.Map` objects and never write files; the
pipeline saves them (use :func:`map_html` to get the page as text).

Design
------
Each map carries one compact JSON payload (written with
:func:`kentassets.safety.json_for_script`) and a small JavaScript library
(``templates/webmap.js``) that draws the markers, hulls, search box, fullscreen
and measure buttons, minimap and scale bar. This keeps a 50,000-asset map small
and quick: no folium object per asset, no per-asset popup HTML.

Untrusted text (names, addresses, agency names, ids) reaches the page in one of
two ways only: as HTML that Python built with :func:`kentassets.safety.escape_html`
(title block, legend, co-location cards), or as JSON data that the JavaScript
inserts with ``textContent``. folium's ``GeoJsonPopup``/``GeoJsonTooltip`` are
not used because they insert raw HTML.

Offline maps (``offline=True``) inline Leaflet and Leaflet.markercluster from the
``xstatic-leaflet`` packages and use no tile layer, so the page makes no network
request and works from a ``file://`` URL.
"""

from __future__ import annotations

import base64
import dataclasses
import itertools
import logging
import math
import re
from collections.abc import Collection, Mapping
from datetime import date, datetime
from importlib import resources
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import mapping

from kentassets import schema
from kentassets.errors import ValidationError
from kentassets.render import style
from kentassets.render._format import format_date, format_money, format_number
from kentassets.safety import escape_html, is_missing, json_for_script

if TYPE_CHECKING:
    import folium

log = logging.getLogger(__name__)

__all__ = ["county_map", "district_map", "district_summary", "map_html", "safe_relative_href"]

#: Marker clustering is switched on above this many assets in a district.
CLUSTER_THRESHOLD = 300
#: Size of the grid squares sensitive assets are snapped to, metres.
SENSITIVE_GRID_M = 1000.0
#: Buffer round a generalised co-location hull, metres.
_GENERALISED_HULL_BUFFER_M = 60.0
_DOT = " \u00b7 "
_NO_AGENCY = "(no agency)"

_LEAFLET_CDN_JS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"
_LEAFLET_CDN_CSS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css"
_CLUSTER_CDN = "https://cdn.jsdelivr.net/npm/leaflet.markercluster@1.4.1/dist/"

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

# Columns of the opportunities / cluster table used here.
_SAVING = "saving_gbp"
_SCORE = "score"
_RANK = "rank"
_DISTRICT_RANK = "district_rank"
_DISTRICT_CODES = "district_codes"
_AGENCIES = "agencies"
_N_ASSETS = "n_assets"
_HORIZON = "horizon"
_SHORTLISTED = "shortlisted"
_VACANT_GIA = "vacant_gia_m2"
_SURPLUS_OFFICE = "surplus_office_m2"


# --------------------------------------------------------------------------- #
# package data and page furniture
# --------------------------------------------------------------------------- #


def _template_text(name: str) -> str:
    return resources.files("kentassets.render").joinpath("templates", name).read_text("utf-8")


def _xstatic_text(package: str, name: str) -> str:
    return resources.files(package).joinpath("data", name).read_text("utf-8")


def _leaflet_css_inline() -> str:
    """Leaflet's CSS with its images inlined as data URIs (no file requests)."""
    css = _xstatic_text("xstatic.pkg.leaflet", "leaflet.css")
    images = resources.files("xstatic.pkg.leaflet").joinpath("data", "images")

    def inline(match: re.Match[str]) -> str:
        payload = base64.b64encode(images.joinpath(match.group(1)).read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{payload})"

    return re.sub(r"url\(images/([A-Za-z0-9_.-]+\.png)\)", inline, css)


def _script(code: str) -> str:
    if "</script" in code.lower():
        raise ValidationError("inline script contains '</script'; refusing to inline it")
    return f"<script>{code}</script>"


def _style(code: str) -> str:
    if "</style" in code.lower():
        raise ValidationError("inline stylesheet contains '</style'; refusing to inline it")
    return f"<style>{code}</style>"


def _head_html(*, offline: bool) -> str:
    """Inline resources for the page head (libraries when offline, ours always)."""
    parts: list[str] = []
    if offline:
        parts.append(_style(_leaflet_css_inline()))
        parts.append(
            _style(_xstatic_text("xstatic.pkg.leaflet_markercluster", "MarkerCluster.css"))
        )
        parts.append(
            _style(_xstatic_text("xstatic.pkg.leaflet_markercluster", "MarkerCluster.Default.css"))
        )
        parts.append(_script(_xstatic_text("xstatic.pkg.leaflet", "leaflet.js")))
        parts.append(
            _script(_xstatic_text("xstatic.pkg.leaflet_markercluster", "leaflet.markercluster.js"))
        )
    parts.append(_style(_template_text("webmap.css")))
    parts.append(_script(_template_text("webmap.js")))
    return "\n".join(parts)


def _new_map(*, offline: bool, page_title: str) -> folium.Map:
    import folium

    m = folium.Map(location=[51.2, 0.7], zoom_start=10, tiles=None, zoom_control=False)
    m.options["max_zoom"] = 19
    m.options["zoom_snap"] = 0.5
    m.options["min_zoom"] = 6
    if offline:
        m.default_js = []
        m.default_css = []
    else:
        m.default_js = [
            ("leaflet", _LEAFLET_CDN_JS),
            ("leaflet_markercluster", _CLUSTER_CDN + "leaflet.markercluster.js"),
        ]
        m.default_css = [
            ("leaflet_css", _LEAFLET_CDN_CSS),
            ("leaflet_markercluster_css", _CLUSTER_CDN + "MarkerCluster.css"),
            ("leaflet_markercluster_default_css", _CLUSTER_CDN + "MarkerCluster.Default.css"),
        ]
    m.get_root().title = escape_html(page_title)  # type: ignore[attr-defined]
    return m


def _attach(m: folium.Map, *, entry: str, payload: dict[str, Any], offline: bool) -> None:
    """Add the head resources and the payload + drawing call to ``m``.

    The text is added as raw elements: folium's ``MacroElement`` would compile the
    rendered header and script as Jinja templates, so data containing ``{{`` or
    ``{%`` would be evaluated (template injection) and slow to parse.
    """
    from branca.element import Element, Figure, MacroElement

    class _Raw(Element):
        """Text placed into the page exactly as given, never treated as a template."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self._name = "KentAssetsRaw"
            self._text = text

        def render(self, **kwargs: Any) -> str:
            return self._text

    class _KentAssetsLayer(MacroElement):
        def __init__(self) -> None:
            super().__init__()
            self._name = "KentAssetsLayer"

        def render(self, **kwargs: Any) -> str:
            figure = self.get_root()
            if not isinstance(figure, Figure) or self._parent is None:
                raise ValidationError("the kentassets layer must be added to a folium.Map")
            map_name = self._parent.get_name()
            if not re.fullmatch(r"map_[0-9a-f]+", map_name):
                raise ValidationError(f"unexpected folium map name {map_name!r}")
            figure.header.add_child(_Raw(_head_html(offline=offline)), name=self.get_name())
            # Data in a JSON script element: JSON.parse is much faster than a JS literal.
            data_id = f"kentassets-data-{map_name}"
            figure.html.add_child(
                _Raw(
                    f'<script type="application/json" id="{data_id}">'
                    f"{json_for_script(payload)}</script>"
                ),
                name=self.get_name(),
            )
            figure.script.add_child(
                _Raw(
                    f"window.KentAssetsMaps.{entry}({map_name}, JSON.parse("
                    f'document.getElementById("{data_id}").textContent));'
                ),
                name=self.get_name(),
            )
            return ""

    m.add_child(_KentAssetsLayer())


def map_html(m: folium.Map) -> str:
    """Return the complete HTML page of a map made by this module.

    Parameters
    ----------
    m
        A map returned by :func:`district_map` or :func:`county_map`.

    Returns
    -------
    str
        The page, ready to be written as UTF-8. Offline maps are self-contained.
    """
    root = m.get_root()
    if not getattr(root, "_kentassets_stable_ids", False):
        _stable_ids(root)
    html: str = root.render()
    html = html.replace("<html>", '<html lang="en">', 1)
    if re.search(r"<script[^>]+src=\"https?://", html):
        # Online page: if the map library could not be fetched (no internet, a
        # locked-down network), say so instead of showing a blank page.
        html = html.replace("</body>", _NO_LIBRARY_NOTICE + "\n</body>", 1)
    return html


_NO_LIBRARY_NOTICE = (
    "<script>window.addEventListener('load', function () {"
    " if (typeof L !== 'undefined') { return; }"
    " var d = document.createElement('div'); d.id = 'kentassets-no-library';"
    " d.setAttribute('role', 'alert');"
    " d.style.cssText = 'position:fixed;inset:0;display:flex;align-items:center;"
    "justify-content:center;background:#fff;color:#222;font:16px/1.5 sans-serif;"
    "padding:2em;text-align:center;z-index:10000';"
    " d.textContent = 'This map could not load its map library from the internet. "
    "Open the offline version of the maps (made with: kentassets build --offline), "
    "or try again with internet access.';"
    " document.body.appendChild(d); });</script>"
)


def _stable_ids(root: Any) -> None:
    """Replace folium's random element ids by ids numbered in tree order.

    folium names every element with a random UUID, so two renders of the same
    map would differ. Numbering them makes the same input give the same bytes.
    """
    root._kentassets_stable_ids = True
    stack = [root]
    seen: set[int] = set()
    counter = 0
    while stack:
        element = stack.pop(0)
        if id(element) in seen:
            continue
        seen.add(id(element))
        if hasattr(element, "_id"):
            counter += 1
            element._id = f"{counter:032x}"
        stack.extend(getattr(element, "_children", {}).values())


# --------------------------------------------------------------------------- #
# geometry helpers
# --------------------------------------------------------------------------- #


def _to_wgs84_geometry(geom: Any, *, crs: Any, tolerance_m: float) -> dict[str, Any]:
    series = gpd.GeoSeries([geom], crs=crs)
    if tolerance_m > 0:
        series = series.simplify(tolerance_m, preserve_topology=True)
    out = series.to_crs(schema.CRS_WGS84).iloc[0]
    out = shapely.transform(out, lambda c: np.round(c, 6))
    return dict(mapping(out))


def _feature_collection(frame: gpd.GeoDataFrame, *, tolerance_m: float) -> dict[str, Any]:
    """District polygons as GeoJSON (WGS 84) with ``name`` and ``label`` [lat, lon]."""
    features = []
    names = _str_list(frame[schema.DISTRICT_NAME]) if schema.DISTRICT_NAME in frame else []
    for i, geom in enumerate(frame.geometry):
        if geom is None or geom.is_empty:
            continue
        point = gpd.GeoSeries([geom.representative_point()], crs=frame.crs).to_crs(schema.CRS_WGS84)
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "name": names[i] if names else "",
                    "label": [round(float(point.y.iloc[0]), 6), round(float(point.x.iloc[0]), 6)],
                },
                "geometry": _to_wgs84_geometry(geom, crs=frame.crs, tolerance_m=tolerance_m),
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _bounds_latlon(bounds: tuple[float, float, float, float], crs: Any) -> list[list[float]]:
    box = gpd.GeoSeries([shapely.box(*bounds)], crs=crs).to_crs(schema.CRS_WGS84)
    minx, miny, maxx, maxy = box.total_bounds
    return [
        [round(float(miny), 6), round(float(minx), 6)],
        [round(float(maxy), 6), round(float(maxx), 6)],
    ]


def _snap(values: np.ndarray) -> np.ndarray:
    return np.floor(values / SENSITIVE_GRID_M) * SENSITIVE_GRID_M + SENSITIVE_GRID_M / 2


def _sensitive_mask(assets: pd.DataFrame, sensitive_agencies: Collection[str]) -> pd.Series:
    mask = pd.Series(False, index=assets.index)
    if schema.SENSITIVE in assets.columns:
        mask |= assets[schema.SENSITIVE].fillna(False).astype(bool)
    if sensitive_agencies:
        mask |= assets[schema.AGENCY].astype("string").isin(list(sensitive_agencies)).fillna(False)
    return mask


def _published_points(
    assets: gpd.GeoDataFrame, sensitive: pd.Series
) -> tuple[np.ndarray, np.ndarray]:
    """Return published x, y (EPSG:27700); sensitive points snapped to 1 km centres."""
    geoms = assets.geometry
    x = np.asarray(geoms.x, dtype=float)
    y = np.asarray(geoms.y, dtype=float)
    sens = sensitive.to_numpy(dtype=bool)
    x = np.where(sens, _snap(x), x)
    y = np.where(sens, _snap(y), y)
    return x, y


def _sensitive_label(agency: Any) -> str:
    return f"Sensitive site ({'' if _missing(agency) else agency})"


# --------------------------------------------------------------------------- #
# formatting
# --------------------------------------------------------------------------- #


_missing = is_missing
_num = format_number
_money = format_money


_date_text = format_date


def _title_html(
    *,
    heading: str,
    title: str | None,
    data_date: date | datetime | str | None,
    synthetic: bool,
    attribution_year: int,
    derived: bool,
) -> str:
    sub = [escape_html(title)] if title else []
    if data_date is not None:
        sub.append("data as at " + escape_html(_date_text(data_date)))
    parts = [f"<h1>{escape_html(heading)}</h1>"]
    if sub:
        parts.append(f'<p class="kent-subtitle">{_DOT.join(sub)}</p>')
    if synthetic:
        parts.append(f'<span class="kent-badge">{escape_html(style.SYNTHETIC_NOTE)}</span>')
    if derived:
        note = style.DERIVED_BOUNDARY_NOTE
        parts.append(f'<p class="kent-note">{escape_html(note[0].upper() + note[1:])}</p>')
    parts.append(
        f'<p class="kent-attribution">{escape_html(style.attribution(attribution_year))}</p>'
    )
    return "".join(parts)


def _swatch(agency_style: style.AgencyStyle, *, hollow: bool = False) -> str:
    return (
        f'<span class="kent-swatch" data-shape="{escape_html(agency_style.shape)}" '
        f'data-colour="{escape_html(agency_style.colour)}" data-hollow="{int(hollow)}"></span>'
    )


def _boundary_source(districts: gpd.GeoDataFrame, boundary_source: str | None) -> str | None:
    if boundary_source is not None:
        return boundary_source
    value = districts.attrs.get("boundary_source")
    return str(value) if value is not None else None


# --------------------------------------------------------------------------- #
# district map
# --------------------------------------------------------------------------- #


def _codes(values: pd.Series) -> tuple[list[int], list[str]]:
    """Dictionary-encode text: codes (-1 missing) and the lookup list."""
    codes, uniques = pd.factorize(values.astype("string"), use_na_sentinel=True)
    return [int(c) for c in codes], [str(u) for u in uniques]


def _float_list(values: pd.Series, digits: int) -> list[float | None]:
    arr = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return [None if not math.isfinite(v) else round(float(v), digits) for v in arr]


def _str_list(values: pd.Series) -> list[str]:
    return [str(v) for v in values.astype("string").fillna("").to_numpy(dtype=object)]


def _agency_list(assets: pd.DataFrame) -> list[str]:
    """Agency names as text; a missing agency is shown as "(no agency)"."""
    return [a or _NO_AGENCY for a in _str_list(assets[schema.AGENCY])]


def _asset_payload(
    sub: gpd.GeoDataFrame,
    sensitive: pd.Series,
    agency_index: Mapping[str, int],
) -> dict[str, Any]:
    n = len(sub)
    x, y = _published_points(sub, sensitive)
    if n:
        pts = gpd.GeoSeries(gpd.points_from_xy(x, y), crs=sub.crs).to_crs(schema.CRS_WGS84)
        lon = np.round(np.asarray(pts.x, dtype=float), 6).tolist()
        lat = np.round(np.asarray(pts.y, dtype=float), 6).tolist()
    else:
        lon, lat = [], []
    sens = sensitive.to_numpy(dtype=bool)
    agencies = _agency_list(sub)
    names = _str_list(sub[schema.NAME])
    names = [
        _sensitive_label(a) if s else (nm or "(unnamed)")
        for nm, a, s in zip(names, agencies, sens, strict=True)
    ]

    def blank_sensitive(values: list[Any], blank: Any = "") -> list[Any]:
        return [blank if s else v for v, s in zip(values, sens, strict=True)]

    use_codes, use_lookup = _codes(sub[schema.USE])
    tenure_codes, tenure_lookup = _codes(sub[schema.TENURE])
    status_codes, status_lookup = _codes(sub[schema.STATUS])
    # Sensitive rows are blanked before encoding, so their values never reach a lookup.
    mask = pd.Series(sens, index=sub.index)
    method_codes, method_lookup = _codes(sub[schema.LOCATION_METHOD].mask(mask))
    file_codes, file_lookup = _codes(sub[schema.SOURCE_FILE].mask(mask))
    rows = pd.to_numeric(sub[schema.SOURCE_ROW], errors="coerce")
    coloc = (
        _str_list(sub[schema.COLOCATION_ID]) if schema.COLOCATION_ID in sub.columns else [""] * n
    )
    return {
        "assets": {
            "n": n,
            "lat": lat,
            "lon": lon,
            "ag": [agency_index[a] for a in agencies],
            "sens": [int(s) for s in sens],
            "id": blank_sensitive(_str_list(sub[schema.ASSET_ID])),
            "name": names,
            "use": use_codes,
            "tenure": tenure_codes,
            "status": status_codes,
            "gia": _float_list(sub[schema.GIA_M2], 0),
            "staff": _float_list(sub[schema.STAFF_FTE], 1),
            "cost": _float_list(sub[schema.ANNUAL_COST_GBP], 0),
            "addr": blank_sensitive(_str_list(sub[schema.ADDRESS])),
            "pc": blank_sensitive(_str_list(sub[schema.POSTCODE])),
            "method": method_codes,
            "prec": blank_sensitive(_float_list(sub[schema.LOCATION_PRECISION_M], 0), None),
            "file": file_codes,
            "row": blank_sensitive(_float_list(rows, 0), None),
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
    if _DISTRICT_CODES in opps.columns:
        split = opps[_DISTRICT_CODES].astype("string").fillna("").str.split(";")
        mask |= split.map(lambda codes: code in [c.strip() for c in codes])
    if schema.IS_COLOCATION in opps.columns:
        mask &= opps[schema.IS_COLOCATION].fillna(False).astype(bool)
    return mask.astype(bool)


@dataclasses.dataclass(frozen=True)
class _Member:
    """One co-location member, as published (sensitive names already withheld)."""

    name: str
    agency: str
    use: str
    gia_m2: float | None
    cost_gbp: float | None
    status: str
    sensitive: bool


def _members_by_colocation(
    assets: gpd.GeoDataFrame, coloc_ids: pd.Series, sensitive: pd.Series
) -> dict[str, list[_Member]]:
    """Group the co-located assets by id, as plain records (fast to format)."""
    has = coloc_ids.notna().to_numpy()
    if not has.any():
        return {}
    sub = assets[has]
    ids = coloc_ids[has].astype(str).tolist()
    agencies = _str_list(sub[schema.AGENCY])
    sens = sensitive[has].to_numpy(dtype=bool).tolist()
    names = [
        _sensitive_label(a) if sn else nm
        for nm, a, sn in zip(_str_list(sub[schema.NAME]), agencies, sens, strict=True)
    ]
    uses = [u.replace("_", " ") for u in _str_list(sub[schema.USE])]
    statuses = [u.replace("_", " ") for u in _str_list(sub[schema.STATUS])]
    gia = _float_list(sub[schema.GIA_M2], 0)
    cost = _float_list(sub[schema.ANNUAL_COST_GBP], 0)
    out: dict[str, list[_Member]] = {}
    for i, cid in enumerate(ids):
        out.setdefault(cid, []).append(
            _Member(names[i], agencies[i], uses[i], gia[i], cost[i], statuses[i], sens[i])
        )
    return out


def _hull_card(row: Mapping[str, Any], members: list[_Member], cid: str) -> str:
    """Return the escaped HTML card of one co-location."""
    agencies = "" if _missing(row.get(_AGENCIES)) else str(row.get(_AGENCIES))
    if not agencies and members:
        agencies = ";".join(sorted({m.agency for m in members}))
    meta: list[str] = []
    if not _missing(row.get(_RANK)):
        meta.append(f"County rank {_num(row.get(_RANK))}")
    if not _missing(row.get(_DISTRICT_RANK)):
        meta.append(f"district rank {_num(row.get(_DISTRICT_RANK))}")
    if not _missing(row.get(_SCORE)):
        meta.append(f"score {_num(row.get(_SCORE))}/100")
    if not _missing(row.get(_HORIZON)):
        meta.append(f"{escape_html(row.get(_HORIZON))} term")
    if not _missing(row.get(_SHORTLISTED)) and bool(row.get(_SHORTLISTED)):
        meta.append("<strong>shortlisted</strong>")
    parts = [f"<h3>Co-location {escape_html(cid)}</h3>"]
    if meta:
        parts.append(f'<p class="kent-meta">{_DOT.join(meta)}</p>')
    agency_items = "; ".join(escape_html(a.strip()) for a in agencies.split(";") if a.strip())
    parts.append(f'<p class="kent-meta"><strong>Agencies:</strong> {agency_items}</p>')
    body = [
        "<tr>"
        f"<td>{escape_html(m.name)}</td><td>{escape_html(m.agency)}</td>"
        f"<td>{escape_html(m.use)}</td>"
        f'<td class="num">{_num(m.gia_m2)}</td><td class="num">{_money(m.cost_gbp)}</td>'
        f"<td>{escape_html(m.status)}</td></tr>"
        for m in members
    ]
    n_assets = row.get(_N_ASSETS)
    if _missing(n_assets):
        n_assets = len(members)
    gia = row.get(schema.GIA_M2)
    if _missing(gia):
        gia = sum(m.gia_m2 or 0.0 for m in members)
    cost = row.get(schema.ANNUAL_COST_GBP)
    if _missing(cost):
        cost = sum(m.cost_gbp or 0.0 for m in members)
    parts.append(
        '<div class="kent-scroll"><table class="kent-members"><thead><tr>'
        '<th>Asset</th><th>Agency</th><th>Use</th><th class="num">Floor area m\u00b2</th>'
        '<th class="num">Running cost \u00a3/yr</th><th>Status</th></tr></thead>'
        f"<tbody>{''.join(body)}</tbody>"
        f'<tfoot><tr><td colspan="3">Total: {_num(n_assets)} assets</td>'
        f'<td class="num">{_num(gia)}</td><td class="num">{_money(cost)}</td><td></td></tr>'
        "</tfoot></table></div>"
    )
    extra: list[str] = []
    for key, label, text in (
        (_SAVING, "Estimated saving", lambda v: f"{_money(v)} a year"),
        (schema.STAFF_FTE, "Staff", lambda v: f"{_num(v, 1)} FTE"),
        (_VACANT_GIA, "Vacant floor area", lambda v: f"{_num(v)} m\u00b2"),
        (_SURPLUS_OFFICE, "Surplus office space", lambda v: f"{_num(v)} m\u00b2"),
    ):
        if not _missing(row.get(key)):
            extra.append(f"<tr><th>{label}</th><td>{text(row.get(key))}</td></tr>")
    if any(m.sensitive for m in members):
        extra.append(
            "<tr><th>Note</th><td>Includes sensitive sites: names withheld and the outline "
            "generalised.</td></tr>"
        )
    if extra:
        parts.append(f'<table class="kent-record">{"".join(extra)}</table>')
    return "".join(parts)


def _label_points(published: gpd.GeoSeries) -> list[list[float] | None]:
    """Return [lat, lon] of each hull's label: top centre, so it does not hide markers."""
    out: list[list[float] | None] = []
    for geom in published:
        if geom is None or geom.is_empty:
            out.append(None)
        else:
            minx, _, maxx, maxy = geom.bounds
            out.append([round(float(maxy), 6), round(float((minx + maxx) / 2), 6)])
    return out


def _geojson_geometries(published: gpd.GeoSeries) -> list[dict[str, Any] | None]:
    """Return each geometry as a GeoJSON mapping, coordinates rounded to 6 places."""
    return [
        None
        if geom is None or geom.is_empty
        else dict(mapping(shapely.transform(geom, lambda c: np.round(c, 6))))
        for geom in published
    ]


def _published_hulls(
    hull_rows: gpd.GeoDataFrame,
    assets: gpd.GeoDataFrame,
    coloc_ids: pd.Series,
    sensitive: pd.Series,
) -> gpd.GeoSeries:
    """Return the published hull of each row, simplified, in WGS 84.

    A hull with a sensitive member is rebuilt from the members' published points
    (sensitive ones snapped to 1 km centres), so no vertex is a sensitive site.
    """
    geoms = list(hull_rows.geometry)
    ids = hull_rows[schema.COLOCATION_ID].astype(str).tolist()
    flagged = set(coloc_ids[sensitive.to_numpy()].dropna().astype(str))
    if flagged:
        x, y = _published_points(assets, sensitive)
        positions = (
            pd.Series(np.arange(len(assets)))
            .groupby(coloc_ids.astype("string").fillna("").to_numpy())
            .indices
        )
        for k, cid in enumerate(ids):
            if cid in flagged and cid in positions:
                pos = positions[cid]
                points = shapely.multipoints(np.column_stack([x[pos], y[pos]]))
                geoms[k] = shapely.convex_hull(points).buffer(_GENERALISED_HULL_BUFFER_M)
    series = gpd.GeoSeries(geoms, crs=hull_rows.crs)
    lines = series.notna() & ~series.is_empty & ~series.geom_type.isin(["Polygon", "MultiPolygon"])
    series[lines] = series[lines].buffer(25.0)
    return series.simplify(1.0, preserve_topology=True).to_crs(schema.CRS_WGS84)


def _hull_payload(
    hull_rows: gpd.GeoDataFrame,
    assets: gpd.GeoDataFrame,
    coloc_ids: pd.Series,
    sensitive: pd.Series,
) -> list[dict[str, Any]]:
    """Return id, agencies, GeoJSON geometry, label point and card of each hull."""
    if not len(hull_rows) or schema.COLOCATION_ID not in hull_rows.columns:
        return []
    members = _members_by_colocation(assets, coloc_ids, sensitive)
    published = _published_hulls(hull_rows, assets, coloc_ids, sensitive)
    geometries = _geojson_geometries(published)
    records = pd.DataFrame(hull_rows.drop(columns=hull_rows.geometry.name)).to_dict("records")
    label_points = _label_points(published)
    hulls: list[dict[str, Any]] = []
    for row, geometry, label_point in zip(records, geometries, label_points, strict=True):
        cid = str(row[schema.COLOCATION_ID])
        if geometry is None:
            log.warning("co-location %s has no geometry; not drawn", cid)
            continue
        agencies_text = row.get(_AGENCIES)
        hulls.append(
            {
                "id": cid,
                "agencies": ""
                if _missing(agencies_text)
                else str(agencies_text).replace(";", ", "),
                "geometry": geometry,
                "label_point": label_point,
                "card_html": _hull_card(row, members.get(cid, []), cid),
            }
        )

    return hulls


def district_map(
    assets: gpd.GeoDataFrame,
    districts: gpd.GeoDataFrame,
    opportunities: gpd.GeoDataFrame,
    *,
    district_code: str,
    offline: bool = False,
    title: str | None = None,
    data_date: date | datetime | str | None = None,
    synthetic: bool = False,
    attribution_year: int = 2025,
    sensitive_agencies: Collection[str] = frozenset(),
    boundary_source: str | None = None,
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
        Inline Leaflet and its plugins and use no tile layer: the HTML makes no
        network request.
    title
        Title shown under the district name, for example the estate's name.
    data_date
        Date of the data, shown in the title block.
    synthetic
        Say "synthetic sample data" in the title block.
    attribution_year
        Copyright year in the attribution.
    sensitive_agencies
        Agencies whose assets are published only generalised (snapped to the
        centre of their 1 km grid square, no name, address or id), in addition to
        assets whose ``sensitive`` column is True.
    boundary_source
        ``"official"`` or ``"derived"``; defaults to ``districts.attrs["boundary_source"]``.

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
    >>> from kentassets.render.webmap import map_html
    >>> "synthetic sample data" in map_html(m)
    True
    """
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
    assets = style.with_districts(assets, districts)
    crs = districts.crs or schema.CRS
    target = districts[codes.eq(district_code).to_numpy()]
    district_name = str(target[schema.DISTRICT_NAME].iloc[0])
    target_geom = target.geometry.union_all()
    others = districts[~codes.eq(district_code).to_numpy()]
    neighbours = others[others.geometry.intersects(target_geom.buffer(2000.0))]

    if assets.crs is not None and districts.crs is not None and assets.crs != districts.crs:
        assets = assets.to_crs(districts.crs)
    in_district = assets[schema.DISTRICT_CODE].astype("string").eq(district_code).fillna(False)
    sub = assets[in_district.to_numpy()]
    sub = sub[sub.geometry.notna() & ~sub.geometry.is_empty]
    sensitive_all = _sensitive_mask(assets, sensitive_agencies)
    sensitive = sensitive_all.loc[sub.index]

    # Styles from every agency in the estate, so colours match across maps and PDFs.
    styles = style.agency_styles(set(_agency_list(assets)))
    sub_agencies = pd.Series(_agency_list(sub), index=sub.index, dtype=object)
    agency_names = sorted(set(sub_agencies))
    agency_index = {name: i for i, name in enumerate(agency_names)}
    counts = sub_agencies.value_counts()
    sensitive_agency_names = set(sub_agencies[sensitive.to_numpy()])
    agencies_payload = [
        {
            "name": name,
            "colour": styles[name].colour,
            "shape": styles[name].shape,
            "count": int(counts.get(name, 0)),
            "sensitive": name in sensitive_agency_names,
        }
        for name in agency_names
    ]

    # Co-location hulls.
    opps = opportunities
    if len(opps) and opps.crs is not None and opps.crs != crs:
        opps = opps.to_crs(crs)
    hull_rows = opps[_in_district(opps, district_code).to_numpy()] if len(opps) else opps
    if _RANK in hull_rows.columns:
        hull_rows = hull_rows.sort_values(_RANK, na_position="last")
    coloc_ids = (
        assets[schema.COLOCATION_ID].astype("string")
        if schema.COLOCATION_ID in assets.columns
        else pd.Series(pd.NA, index=assets.index, dtype="string")
    )
    hulls = _hull_payload(hull_rows, assets, coloc_ids, sensitive_all)

    # Title, legend.
    source = _boundary_source(districts, boundary_source)
    title_html = _title_html(
        heading=district_name,
        title=title,
        data_date=data_date,
        synthetic=synthetic,
        attribution_year=attribution_year,
        derived=source == "derived",
    )
    legend_items = []
    for agency in agencies_payload:
        st = styles[agency["name"]]
        note = " (generalised)" if agency["sensitive"] else ""
        legend_items.append(
            f"<li>{_swatch(st)}<span>{escape_html(agency['name'])}{note}</span>"
            f'<span class="kent-count">{agency["count"]:,}</span></li>'
        )
    legend_items.append(
        '<li><span class="kent-hull-swatch"></span><span>Co-location</span>'
        f'<span class="kent-count">{len(hulls):,}</span></li>'
    )
    legend_items.append(
        '<li><span class="kent-line-swatch"></span><span>District boundary</span></li>'
    )
    legend_items.append(
        '<li><span class="kent-line-swatch kent-faint"></span>'
        "<span>Neighbouring district</span></li>"
    )
    legend_html = f"<h2>Assets by agency ({len(sub):,})</h2><ul>{''.join(legend_items)}</ul>"

    bounds = target_geom.bounds
    if len(sub):
        # Published positions only: an extreme sensitive site must not set the view.
        px, py = _published_points(sub, sensitive)
        minx, miny, maxx, maxy = px.min(), py.min(), px.max(), py.max()
        bounds = (
            min(bounds[0], minx),
            min(bounds[1], miny),
            max(bounds[2], maxx),
            max(bounds[3], maxy),
        )
    payload: dict[str, Any] = {
        "offline": offline,
        "tiles": [] if offline else list(_TILES),
        "minimap_tile": None if offline else _TILES[0],
        "district": _feature_collection(target, tolerance_m=5.0),
        "neighbours": _feature_collection(neighbours, tolerance_m=25.0),
        "agencies": agencies_payload,
        "hulls": hulls,
        "bounds": _bounds_latlon(bounds, crs),
        "cluster": len(sub) > CLUSTER_THRESHOLD,
        "title_html": title_html,
        "legend_html": legend_html,
        "style": {
            "hull": style.HULL_COLOUR,
            "district_edge": style.DISTRICT_EDGE,
            "neighbour_edge": style.NEIGHBOUR_EDGE,
        },
    }
    payload.update(_asset_payload(sub, sensitive, agency_index))
    page_title = (
        f"{district_name} \u2013 {title}" if title else f"{district_name} \u2013 public assets"
    )
    m = _new_map(offline=offline, page_title=page_title)
    _attach(m, entry="districtMap", payload=payload, offline=offline)
    _stable_ids(m.get_root())
    log.debug("district map %s: %d assets, %d co-locations", district_code, len(sub), len(hulls))
    return m


# --------------------------------------------------------------------------- #
# county map
# --------------------------------------------------------------------------- #

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


def safe_relative_href(value: Any) -> str | None:
    """Return ``value`` as a relative link, or None if it could leave the output folder.

    Links with a scheme (``javascript:``, ``http:``), absolute paths and ``..``
    segments are refused. The result still needs :func:`escape_html` in HTML.

    Examples
    --------
    >>> safe_relative_href("districts/maidstone.html")
    'districts/maidstone.html'
    >>> safe_relative_href("javascript:alert(1)") is None
    True
    """
    if _missing(value):
        return None
    text = str(value).strip().replace("\\", "/")
    if not text or text.startswith("/") or ":" in text.split("/", 1)[0] or ".." in text.split("/"):
        return None
    return text


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
    for code in out[schema.DISTRICT_CODE]:
        if len(opportunities):
            rows = opportunities[
                opportunities[schema.DISTRICT_CODE].astype("string").eq(code).fillna(False)
                & (
                    opportunities[schema.IS_COLOCATION].fillna(False).astype(bool)
                    if schema.IS_COLOCATION in opportunities.columns
                    else True
                )
            ]
        else:
            rows = opportunities
        n_col.append(len(rows))
        # The saving shown is the shortlist's, as in the county totals.
        listed = (
            rows[rows[_SHORTLISTED].fillna(False).astype(bool)]
            if _SHORTLISTED in rows.columns
            else rows
        )
        saving.append(
            float(pd.to_numeric(listed[_SAVING], errors="coerce").sum())
            if _SAVING in listed.columns
            else float("nan")
        )
        shortlisted.append(
            int(rows[_SHORTLISTED].fillna(False).astype(bool).sum())
            if _SHORTLISTED in rows.columns
            else 0
        )
    out["n_colocations"] = n_col
    out[_SAVING] = saving
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


def county_map(
    districts: gpd.GeoDataFrame,
    opportunities: gpd.GeoDataFrame,
    *,
    shade_by: str = "n_colocations",
    offline: bool = False,
    title: str | None = None,
    data_date: date | datetime | str | None = None,
    synthetic: bool = False,
    attribution_year: int = 2025,
    boundary_source: str | None = None,
    district_files: Mapping[str, Mapping[str, str]] | None = None,
    sensitive_agencies: Collection[str] = frozenset(),
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
        Inline the libraries and draw no tiles (no network requests).
    title, data_date, synthetic, attribution_year, boundary_source
        As for :func:`district_map`.
    district_files
        District code -> ``{"html": relpath, "pdf": relpath}``; the district
        cards link to them.
    sensitive_agencies
        Accepted for symmetry with :func:`district_map`; the county map shows
        counts and savings per district only, never an asset.

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
    if shade_by not in _SHADE_LABELS:
        raise ValidationError(
            f"shade_by={shade_by!r} is not allowed; use one of {', '.join(_SHADE_LABELS)}"
        )
    summary = district_summary(districts, opportunities)
    values = summary[shade_by].to_numpy(dtype=float)
    edges = _classes(values, integer=shade_by != _SAVING)
    files = district_files or {}
    crs = districts.crs or schema.CRS
    items: list[dict[str, Any]] = []
    for (_, drow), (_, srow) in zip(districts.iterrows(), summary.iterrows(), strict=True):
        code = str(srow[schema.DISTRICT_CODE])
        name = str(srow[schema.DISTRICT_NAME])
        value = float(srow[shade_by])
        value_text = _money(value) + " a year" if shade_by == _SAVING else _num(value)
        links = []
        entry = files.get(code, {})
        for kind, label in (("html", "Open the district map"), ("pdf", "PDF map")):
            href = safe_relative_href(entry.get(kind))
            if href:
                links.append(f'<a href="{escape_html(href)}" target="_top">{label}</a>')
        card = (
            f"<h3>{escape_html(name)}</h3>"
            f'<p class="kent-meta">{escape_html(code)}</p>'
            '<table class="kent-record">'
            f"<tr><th>Co-locations</th><td>{_num(srow['n_colocations'])}</td></tr>"
            f"<tr><th>Shortlisted</th><td>{_num(srow['n_shortlisted'])}</td></tr>"
            f"<tr><th>Estimated saving</th><td>{_money(srow[_SAVING])} a year</td></tr>"
            "</table>" + (f"<p>{_DOT.join(links)}</p>" if links else "")
        )
        geom = drow.geometry
        if geom is None or geom.is_empty:
            continue
        label_pt = gpd.GeoSeries([geom.representative_point()], crs=crs).to_crs(schema.CRS_WGS84)
        items.append(
            {
                "code": code,
                "name": name,
                "value_text": value_text,
                "colour": _class_colour(value, edges),
                "geometry": _to_wgs84_geometry(geom, crs=crs, tolerance_m=40.0),
                "card_html": card,
                "label_point": [
                    round(float(label_pt.y.iloc[0]), 6),
                    round(float(label_pt.x.iloc[0]), 6),
                ],
                "bounds": _bounds_latlon(geom.bounds, crs),
            }
        )
    legend_rows = []
    for k, (lo, hi, colour) in enumerate(_legend_classes(edges)):
        if shade_by == _SAVING:
            lo_text, hi_text = _money(lo), _money(hi)
        else:  # whole numbers: classes 7-10, 11-13, ...
            lo_text, hi_text = _num(lo if k == 0 else lo + 1), _num(hi)
        text = lo_text if lo_text == hi_text else f"{lo_text} \u2013 {hi_text}"
        legend_rows.append(
            f'<li><span class="kent-ramp" style="background:{colour}"></span>'
            f"<span>{text}</span></li>"
        )
    legend_html = f"<h2>{escape_html(_SHADE_LABELS[shade_by])}</h2><ul>{''.join(legend_rows)}</ul>"
    source = _boundary_source(districts, boundary_source)
    title_html = _title_html(
        heading=title or "Public estate co-location opportunities",
        title="Districts shaded by " + _SHADE_LABELS[shade_by].lower(),
        data_date=data_date,
        synthetic=synthetic,
        attribution_year=attribution_year,
        derived=source == "derived",
    )
    payload = {
        "offline": offline,
        "tiles": [] if offline else list(_TILES),
        "districts": items,
        "bounds": _bounds_latlon(tuple(districts.total_bounds), crs),
        "title_html": title_html,
        "legend_html": legend_html,
    }
    m = _new_map(offline=offline, page_title=title or "County overview")
    _attach(m, entry="countyMap", payload=payload, offline=offline)
    _stable_ids(m.get_root())
    return m


def _legend_classes(edges: list[float]) -> list[tuple[float, float, str]]:
    out = []
    for lo, hi in itertools.pairwise(edges):
        out.append((lo, hi, _class_colour(hi, edges)))
    return out or [(edges[0], edges[-1], _RAMP[0])]
