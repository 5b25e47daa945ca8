"""Map furniture as escaped HTML: the title block, legend swatches and rows.

The page's JavaScript places these strings in Leaflet controls as HTML, so every
value from the inputs is escaped here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

import geopandas as gpd

from kentassets.render import style
from kentassets.render._format import format_date
from kentassets.render.web.values import DOT
from kentassets.safety import escape_html


def title_html(
    *,
    heading: str,
    title: str | None,
    data_date: date | datetime | str | None,
    synthetic: bool,
    attribution_year: int,
    derived: bool,
) -> str:
    """Return the title block: heading, subtitle, badges, notes and attribution."""
    sub = [escape_html(title)] if title else []
    if data_date is not None:
        sub.append("data as at " + escape_html(format_date(data_date)))
    parts = [f"<h1>{escape_html(heading)}</h1>"]
    if sub:
        parts.append(f'<p class="kent-subtitle">{DOT.join(sub)}</p>')
    if synthetic:
        parts.append(f'<span class="kent-badge">{escape_html(style.SYNTHETIC_NOTE)}</span>')
    if derived:
        note = style.DERIVED_BOUNDARY_NOTE
        parts.append(f'<p class="kent-note">{escape_html(note[0].upper() + note[1:])}</p>')
    parts.append(
        f'<p class="kent-attribution">{escape_html(style.attribution(attribution_year))}</p>'
    )
    return "".join(parts)


def boundary_source(districts: gpd.GeoDataFrame, given: str | None) -> str | None:
    """Return ``given``, else the districts' ``boundary_source`` attribute."""
    if given is not None:
        return given
    value = districts.attrs.get("boundary_source")
    return str(value) if value is not None else None


def _swatch(agency_style: style.AgencyStyle, *, hollow: bool = False) -> str:
    return (
        f'<span class="kent-swatch" data-shape="{escape_html(agency_style.shape)}" '
        f'data-colour="{escape_html(agency_style.colour)}" data-hollow="{int(hollow)}"></span>'
    )


def district_legend_html(
    agencies: Sequence[Mapping[str, Any]],
    styles: Mapping[str, style.AgencyStyle],
    *,
    n_assets: int,
    n_hulls: int,
) -> str:
    """Return a district map's legend: agencies with counts, co-locations, boundaries."""
    items = []
    for agency in agencies:
        st = styles[agency["name"]]
        note = " (generalised)" if agency["sensitive"] else ""
        items.append(
            f"<li>{_swatch(st)}<span>{escape_html(agency['name'])}{note}</span>"
            f'<span class="kent-count">{agency["count"]:,}</span></li>'
        )
    items.append(
        '<li><span class="kent-hull-swatch"></span><span>Co-location</span>'
        f'<span class="kent-count">{n_hulls:,}</span></li>'
    )
    items.append('<li><span class="kent-line-swatch"></span><span>District boundary</span></li>')
    items.append(
        '<li><span class="kent-line-swatch kent-faint"></span>'
        "<span>Neighbouring district</span></li>"
    )
    return f"<h2>Assets by agency ({n_assets:,})</h2><ul>{''.join(items)}</ul>"
