"""The cards (popups) of the web maps, as escaped HTML.

This is the one place where cards are built: :func:`colocation_card` for a
co-location on a district map and :func:`district_card` for a district on the
county map. Every value from the inputs is escaped here. An asset's own card is
drawn by the page's JavaScript from the JSON data, as text.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

import geopandas as gpd
import pandas as pd

from kentassets import schema
from kentassets.render._format import format_money, format_number
from kentassets.render._ranges import ESTIMATE_FOOTNOTE, is_estimated, saving_text, score_parts
from kentassets.render.programme import decision_text
from kentassets.render.web.links import safe_relative_href
from kentassets.render.web.reach import reach_card_rows
from kentassets.render.web.sensitive import sensitive_label
from kentassets.render.web.values import (
    AGENCIES,
    DISTRICT_RANK,
    DOT,
    HORIZON,
    N_ASSETS,
    RANK,
    SAVING,
    SCORE,
    SHORTLISTED,
    SURPLUS_OFFICE,
    VACANT_GIA,
    float_list,
    str_list,
)
from kentassets.safety import escape_html, is_missing

_missing = is_missing
_num = format_number
_money = format_money


@dataclasses.dataclass(frozen=True)
class Member:
    """One co-location member, as published (sensitive names already withheld)."""

    name: str
    agency: str
    use: str
    gia_m2: float | None
    cost_gbp: float | None
    status: str
    sensitive: bool
    #: Floor area and cost taken from a footprint or the benchmark table (issue 14).
    gia_estimated: bool = False
    cost_estimated: bool = False


def members_by_colocation(
    assets: gpd.GeoDataFrame, coloc_ids: pd.Series, sensitive: pd.Series
) -> dict[str, list[Member]]:
    """Group the co-located assets by id, as plain records (fast to format)."""
    has = coloc_ids.notna().to_numpy()
    if not has.any():
        return {}
    sub = assets[has]
    ids = coloc_ids[has].astype(str).tolist()
    agencies = str_list(sub[schema.AGENCY])
    sens = sensitive[has].to_numpy(dtype=bool).tolist()
    names = [
        sensitive_label(a) if sn else nm
        for nm, a, sn in zip(str_list(sub[schema.NAME]), agencies, sens, strict=True)
    ]
    uses = [u.replace("_", " ") for u in str_list(sub[schema.USE])]
    statuses = [u.replace("_", " ") for u in str_list(sub[schema.STATUS])]
    gia = float_list(sub[schema.GIA_M2], 0)
    cost = float_list(sub[schema.ANNUAL_COST_GBP], 0)
    gia_est, cost_est = (_estimated(sub, f) for f in (schema.GIA_M2, schema.ANNUAL_COST_GBP))
    out: dict[str, list[Member]] = {}
    for i, cid in enumerate(ids):
        out.setdefault(cid, []).append(
            Member(names[i], agencies[i], uses[i], gia[i], cost[i], statuses[i], sens[i],
                   gia_est[i], cost_est[i])
        )
    return out


def _estimated(assets: pd.DataFrame, field: str) -> list[bool]:
    """Per asset, whether ``field`` is an estimate (its ``*_source`` is not ``given``)."""
    col = f"{field}_source"
    if col not in assets.columns:
        return [False] * len(assets)
    source = assets[col].astype("string")
    return (source.notna() & source.ne("given")).to_numpy(dtype=bool, na_value=False).tolist()


def _approx(text: str, estimated: bool) -> str:
    return f"≈ {text}" if estimated and text else text


def _meta_line(row: Mapping[str, Any]) -> list[str]:
    """Ranks, score, horizon and the shortlist mark of a co-location."""
    meta: list[str] = []
    if not _missing(row.get(RANK)):
        meta.append(f"County rank {_num(row.get(RANK))}")
    if not _missing(row.get(DISTRICT_RANK)):
        meta.append(f"district rank {_num(row.get(DISTRICT_RANK))}")
    if not _missing(row.get(SCORE)):
        meta.append(f"score {_num(row.get(SCORE))}/100")
    if not _missing(row.get(HORIZON)):
        meta.append(f"{escape_html(row.get(HORIZON))} term")
    if not _missing(row.get(SHORTLISTED)) and bool(row.get(SHORTLISTED)):
        meta.append("<strong>shortlisted</strong>")
    return meta


def _members_table(row: Mapping[str, Any], members: list[Member]) -> str:
    """The members table with a total row (the row's totals, else the members')."""
    body = [
        "<tr>"
        f"<td>{escape_html(m.name)}</td><td>{escape_html(m.agency)}</td>"
        f"<td>{escape_html(m.use)}</td>"
        f'<td class="num">{_approx(_num(m.gia_m2), m.gia_estimated)}</td>'
        f'<td class="num">{_approx(_money(m.cost_gbp), m.cost_estimated)}</td>'
        f"<td>{escape_html(m.status)}</td></tr>"
        for m in members
    ]
    n_assets = row.get(N_ASSETS)
    if _missing(n_assets):
        n_assets = len(members)
    gia = row.get(schema.GIA_M2)
    if _missing(gia):
        gia = sum(m.gia_m2 or 0.0 for m in members)
    cost = row.get(schema.ANNUAL_COST_GBP)
    if _missing(cost):
        cost = sum(m.cost_gbp or 0.0 for m in members)
    return (
        '<div class="kent-scroll"><table class="kent-members"><thead><tr>'
        '<th>Asset</th><th>Agency</th><th>Use</th><th class="num">Floor area m\u00b2</th>'
        '<th class="num">Running cost \u00a3/yr</th><th>Status</th></tr></thead>'
        f"<tbody>{''.join(body)}</tbody>"
        f'<tfoot><tr><td colspan="3">Total: {_num(n_assets)} assets</td>'
        f'<td class="num">{_approx(_num(gia), any(m.gia_estimated for m in members))}</td>'
        f'<td class="num">{_approx(_money(cost), any(m.cost_estimated for m in members))}</td>'
        "<td></td></tr>"
        "</tfoot></table></div>"
    )


def _record_rows(row: Mapping[str, Any], members: list[Member]) -> list[str]:
    """Decision, saving, staff, vacant and surplus space, and the sensitive-sites note."""
    decision = decision_text(row)
    extra = [f"<tr><th>Decision</th><td>{escape_html(decision)}</td></tr>"] if decision else []
    extra += _saving_rows(row)
    for key, label, text in (
        (schema.STAFF_FTE, "Staff", lambda v: f"{_num(v, 1)} FTE"),
        (VACANT_GIA, "Vacant floor area", lambda v: f"{_num(v)} m\u00b2"),
        (SURPLUS_OFFICE, "Surplus office space", lambda v: f"{_num(v)} m\u00b2"),
    ):
        if not _missing(row.get(key)):
            extra.append(f"<tr><th>{label}</th><td>{text(row.get(key))}</td></tr>")
    extra += reach_card_rows(row)
    if any(m.sensitive for m in members):
        extra.append(
            "<tr><th>Note</th><td>Includes sensitive sites: names withheld and the outline "
            "generalised.</td></tr>"
        )
    return extra


def _saving_rows(row: Mapping[str, Any]) -> list[str]:
    """The saving (a range marked ≈ where it rests on estimates), why, and the score's parts."""
    rows: list[str] = []
    if not _missing(row.get(SAVING)):
        note = row.get("saving_note")
        why = "" if _missing(note) else f'<br><span class="kent-note">{escape_html(note)}</span>'
        rows.append(f"<tr><th>Estimated saving</th><td>{escape_html(saving_text(row))} a year"
                    f"{why}</td></tr>")
    parts = score_parts(row)
    if parts:
        shown = DOT.join(f"{escape_html(label)} {points:.1f}" for label, points in parts)
        rows.append(f"<tr><th>Score points</th><td>{shown}</td></tr>")
    if not _missing(row.get("horizon_reason")):
        rows.append(f"<tr><th>Horizon</th><td>{escape_html(row.get('horizon_reason'))}</td></tr>")
    return rows


def colocation_card(row: Mapping[str, Any], members: list[Member], cid: str) -> str:
    """Return the escaped HTML card of one co-location.

    Parameters
    ----------
    row
        The co-location's row of the opportunities table, as a mapping.
    members
        Its members, as published (from :func:`members_by_colocation`).
    cid
        The co-location id.

    Returns
    -------
    str
        Heading, a line of ranks and score, the agencies, the members table and a
        record of savings and space.
    """
    agencies = "" if _missing(row.get(AGENCIES)) else str(row.get(AGENCIES))
    if not agencies and members:
        agencies = ";".join(sorted({m.agency for m in members}))
    meta = _meta_line(row)
    parts = [f"<h3>Co-location {escape_html(cid)}</h3>"]
    if meta:
        parts.append(f'<p class="kent-meta">{DOT.join(meta)}</p>')
    agency_items = "; ".join(escape_html(a.strip()) for a in agencies.split(";") if a.strip())
    parts.append(f'<p class="kent-meta"><strong>Agencies:</strong> {agency_items}</p>')
    parts.append(_members_table(row, members))
    extra = _record_rows(row, members)
    if extra:
        parts.append(f'<table class="kent-record">{"".join(extra)}</table>')
    if is_estimated(row) or any(m.gia_estimated or m.cost_estimated for m in members):
        parts.append(f'<p class="kent-note">{escape_html(ESTIMATE_FOOTNOTE)}</p>')
    return "".join(parts)


def district_card(summary_row: Mapping[str, Any], files: Mapping[str, str],
                  reach_rows: Sequence[str] = ()) -> str:
    """Return the escaped HTML card of one district on the county map.

    Parameters
    ----------
    summary_row
        The district's row of :func:`~kentassets.render.web.county.district_summary`.
    files
        ``{"html": relpath, "pdf": relpath}`` of the district's maps; links that
        could leave the output folder are dropped.
    reach_rows
        Escaped table rows of the district's service reach
        (:func:`kentassets.render.web.reach.district_reach_rows`), when reach ran.
    """
    links = []
    for kind, label in (("html", "Open the district map"), ("pdf", "PDF map")):
        href = safe_relative_href(files.get(kind))
        if href:
            links.append(f'<a href="{escape_html(href)}" target="_top">{label}</a>')
    return (
        f"<h3>{escape_html(str(summary_row[schema.DISTRICT_NAME]))}</h3>"
        f'<p class="kent-meta">{escape_html(str(summary_row[schema.DISTRICT_CODE]))}</p>'
        '<table class="kent-record">'
        f"<tr><th>Co-locations</th><td>{_num(summary_row['n_colocations'])}</td></tr>"
        f"<tr><th>Shortlisted</th><td>{_num(summary_row['n_shortlisted'])}</td></tr>"
        f"<tr><th>Estimated saving</th><td>{_money(summary_row[SAVING])} a year</td></tr>"
        + "".join(reach_rows) + "</table>" + (f"<p>{DOT.join(links)}</p>" if links else "")
    )
