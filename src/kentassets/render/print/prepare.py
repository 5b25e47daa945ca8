"""What one district page shows, computed before anything is drawn: the district and
its neighbours, the asset points (sensitive ones generalised to their 1 km square)
and the co-locations with their outlines, places and shortlist.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kentassets.render._ranges import is_estimated, saving_text
from kentassets.render._reach import reach_effect

from ... import schema
from ...errors import ValidationError
from .. import style
from ..programme import status_label
from .text import abbreviations, clean_text

if TYPE_CHECKING:
    import geopandas as gpd


#: Side of the grid square that sensitive sites are generalised to, metres.
SENSITIVE_GRID_M = 1000.0


def _polygonal(geom: Any, min_radius_m: float = 30.0) -> Any:
    """Make degenerate hulls (points, lines) visible as small polygons."""
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type in ("Polygon", "MultiPolygon") and geom.area > 1.0:
        return geom
    return geom.buffer(min_radius_m, quad_segs=4)


def _snap_xy(x: np.ndarray, y: np.ndarray, cell_m: float = SENSITIVE_GRID_M) -> tuple[
    np.ndarray, np.ndarray
]:
    """Centre of the ``cell_m`` grid square each point lies in."""
    return (np.floor(x / cell_m) * cell_m + cell_m / 2, np.floor(y / cell_m) * cell_m + cell_m / 2)


@dataclass
class DistrictData:
    code: str
    name: str
    geom: Any
    neighbours: list[tuple[str, Any]]
    points: pd.DataFrame  # x, y, agency, sensitive, colocation_id
    colocations: pd.DataFrame  # colocation_id, cx, cy, shortlisted, geom, rank...
    shortlist: pd.DataFrame
    styles: dict[str, style.AgencyStyle]
    abbr: dict[str, str]
    sensitive: frozenset[str]
    counts: dict[str, int] = field(default_factory=dict)


def _sensitive_set(assets: pd.DataFrame, sensitive_agencies: Iterable[str]) -> frozenset[str]:
    names = {str(a) for a in sensitive_agencies}
    if schema.SENSITIVE in assets.columns and len(assets):
        flagged = assets.loc[assets[schema.SENSITIVE].fillna(False).astype(bool), schema.AGENCY]
        names.update(str(a) for a in flagged.dropna().unique())
    return frozenset(names)


def str_col(frame: pd.DataFrame, col: str) -> pd.Series:
    if col not in frame.columns:
        return pd.Series(pd.NA, index=frame.index, dtype="string")
    return frame[col].astype("string")


def num_col(frame: pd.DataFrame, col: str) -> pd.Series:
    if col not in frame.columns:
        return pd.Series(np.nan, index=frame.index, dtype="float64")
    return pd.to_numeric(frame[col], errors="coerce").astype("float64")


def bool_col(frame: pd.DataFrame, col: str, default: bool) -> pd.Series:
    if col not in frame.columns:
        return pd.Series(default, index=frame.index, dtype=bool)
    return frame[col].fillna(default).astype(bool)


def colocation_rows(opportunities: pd.DataFrame) -> pd.DataFrame:
    """Multi-agency co-locations only, in rank order."""
    if opportunities is None or len(opportunities) == 0:
        return opportunities.iloc[0:0] if opportunities is not None else pd.DataFrame()
    keep = bool_col(opportunities, schema.IS_COLOCATION, True)
    keep &= str_col(opportunities, schema.COLOCATION_ID).notna().to_numpy()
    return opportunities.loc[keep]


@dataclass
class Common:
    """What every page of one atlas shares (computed once)."""

    sensitive: frozenset[str]
    styles: dict[str, style.AgencyStyle]
    abbr: dict[str, str]
    sensitive_text: frozenset[str]  # lower-cased names/addresses of sensitive assets
    colocations: pd.DataFrame  # multi-agency rows of the opportunities


def shared_print_data(assets: gpd.GeoDataFrame, opportunities: gpd.GeoDataFrame,
            sensitive_agencies: Iterable[str]) -> Common:
    sensitive = _sensitive_set(assets, sensitive_agencies)
    agencies = set(str_col(assets, schema.AGENCY).dropna().astype(str))
    colocs = colocation_rows(opportunities)
    for joined in str_col(colocs, "agencies").dropna().unique():
        agencies.update(a.strip() for a in str(joined).split(";") if a.strip())
    sens_rows = assets.loc[str_col(assets, schema.AGENCY).isin(sensitive).fillna(False)
                           .to_numpy() | bool_col(assets, schema.SENSITIVE, False).to_numpy()]
    sens_text = {
        clean_text(v).lower()
        for col in (schema.ADDRESS, schema.NAME)
        for v in str_col(sens_rows, col).dropna().unique()
    } - {""}
    return Common(sensitive, style.agency_styles(agencies), abbreviations(agencies),
                   frozenset(sens_text), colocs)


def _district_row(districts: gpd.GeoDataFrame, code: str) -> tuple[
    gpd.GeoDataFrame, str, list[tuple[str, Any]]
]:
    """The district's rows, its display name and its named neighbours."""
    codes = districts[schema.DISTRICT_CODE].astype(str)
    match = districts.loc[codes == str(code)]
    if match.empty:
        known = ", ".join(sorted(codes))
        raise ValidationError(
            f"district_code {code!r} is not in the districts frame (codes: {known}). "
            "Pass one of those codes."
        )
    row = match.iloc[0]
    name = clean_text(row.get(schema.DISTRICT_NAME, code), max_chars=60) or str(code)
    others = districts.loc[codes != str(code)]
    neighbours = [
        (clean_text(n, max_chars=40), g)
        for n, g in zip(str_col(others, schema.DISTRICT_NAME), others.geometry, strict=True)
        if g is not None and not g.is_empty
    ]
    return match, name, neighbours


def _district_points(assets: gpd.GeoDataFrame, code: str,
                     sensitive: frozenset[str]) -> pd.DataFrame:
    """The district's located assets as points; sensitive ones at their grid-square centre."""
    in_d = str_col(assets, schema.DISTRICT_CODE) == str(code)
    sub = assets.loc[in_d.fillna(False).to_numpy()]
    sub = sub.loc[sub.geometry.notna() & ~sub.geometry.is_empty]
    agency = str_col(sub, schema.AGENCY).fillna("(unknown)").astype(str)
    is_sens = agency.isin(sensitive).to_numpy() | bool_col(sub, schema.SENSITIVE, False).to_numpy()
    x = sub.geometry.x.to_numpy(dtype=float)
    y = sub.geometry.y.to_numpy(dtype=float)
    sx, sy = _snap_xy(x, y)
    return pd.DataFrame(
        {
            "x": np.where(is_sens, sx, x),
            "y": np.where(is_sens, sy, y),
            "agency": agency.to_numpy(),
            "sensitive": is_sens,
            "colocation_id": str_col(sub, schema.COLOCATION_ID).to_numpy(),
            "gia": num_col(sub, schema.GIA_M2).to_numpy(),
            "address": str_col(sub, schema.ADDRESS).to_numpy(),
            "name": str_col(sub, schema.NAME).to_numpy(),
        }
    )


@dataclass
class _Members:
    """Per co-location id, what its published member points say."""

    place_of: dict[str, str]  # address (or name) of the largest open member
    sens_ids: set[str]  # ids with a sensitive member
    open_xy: dict[str, np.ndarray]  # open members of those ids
    sens_xy: dict[str, np.ndarray]  # first sensitive member (generalised)
    any_xy: dict[str, np.ndarray]  # all members


def _members(points: pd.DataFrame) -> _Members:
    members = points.loc[points["colocation_id"].notna()]
    open_members = members.loc[~members["sensitive"]]
    biggest = open_members.sort_values("gia", ascending=False, na_position="last",
                                       kind="mergesort").drop_duplicates("colocation_id")
    place_of = {
        str(cid): clean_text(addr) or clean_text(nm)
        for cid, addr, nm in zip(biggest["colocation_id"], biggest["address"], biggest["name"],
                                 strict=True)
    }
    ids = members["colocation_id"].astype(str).to_numpy(dtype=object)
    xy = members[["x", "y"]].to_numpy()
    sensitive = members["sensitive"].to_numpy(dtype=bool)
    sens_ids = set(ids[sensitive])
    open_of_sens = ~sensitive & np.isin(ids, list(sens_ids))
    open_xy = _rows_by_id(ids[open_of_sens], xy[open_of_sens])
    sens_xy = {k: v[0] for k, v in _rows_by_id(ids[sensitive], xy[sensitive]).items()}
    return _Members(place_of, sens_ids, open_xy, sens_xy, _rows_by_id(ids, xy))


def _rows_by_id(ids: np.ndarray, xy: np.ndarray) -> dict[str, np.ndarray]:
    """The rows of ``xy`` of each id, in their order (a ``groupby`` without pandas)."""
    codes, uniques = pd.factorize(ids)
    order = np.argsort(codes, kind="stable")
    edges = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
    return {str(u): xy[order[edges[k]:edges[k + 1]]] for k, u in enumerate(uniques)}


def _place(r: Mapping[str, Any], raw_id: str, members: _Members, common: Common) -> str:
    """The place shown for a co-location; never the text of a sensitive member."""
    place = members.place_of.get(raw_id, "")
    if not place and raw_id not in members.sens_ids:
        candidate = clean_text(r.get("largest_address")) or clean_text(r.get("largest_name"))
        if candidate.lower() not in common.sensitive_text:
            place = candidate
    return place or "(location withheld)"


def _outline(r: Mapping[str, Any], raw_id: str, members: _Members) -> Any:
    """The co-location outline to draw, or None when it has nothing to draw around.

    With a sensitive member the outline is rebuilt from the published positions
    of the other members (or a 1 km disc at the generalised position).
    """
    from shapely.geometry import MultiPoint, Point

    geom = r.get("geometry")
    if raw_id in members.sens_ids:
        xy = members.open_xy.get(raw_id)
        if xy is not None and len(xy):
            geom = MultiPoint([tuple(p) for p in xy]).convex_hull.buffer(60.0, quad_segs=4)
        else:
            cx, cy = members.sens_xy[raw_id]
            geom = Point(cx, cy).buffer(SENSITIVE_GRID_M / 2, quad_segs=8)
    geom = _polygonal(geom)
    if geom is None:
        xy = members.any_xy.get(raw_id)
        if xy is None or not len(xy):
            return None
        geom = _polygonal(MultiPoint([tuple(p) for p in xy]))
    return geom


_COLOCATION_COLUMNS = [
    "colocation_id", "cx", "cy", "geom", "shortlisted", "district_rank", "rank",
    "place", "agencies", "gia_m2", "staff_fte", "annual_cost_gbp", "saving_gbp", "status",
    "saving_text", "saving_estimated", "reach",
]


def _colocation_record(r: Mapping[str, Any], members: _Members,
                       common: Common) -> dict[str, Any] | None:
    """One row of the page's co-location table, or None when it cannot be drawn."""
    raw_id = str(r.get(schema.COLOCATION_ID))
    geom = _outline(r, raw_id, members)
    if geom is None:
        return None
    centre = geom.centroid
    names = [a.strip() for a in str(r.get("agencies") or "").split(";") if a.strip()]
    flag = r.get("shortlisted", False)
    return {
        "colocation_id": clean_text(raw_id, max_chars=16),
        "cx": float(centre.x),
        "cy": float(centre.y),
        "geom": geom,
        "shortlisted": bool(flag is True or (not pd.isna(flag) and flag == 1)),
        "district_rank": pd.to_numeric(r.get("district_rank"), errors="coerce"),
        "rank": pd.to_numeric(r.get("rank"), errors="coerce"),
        "place": _place(r, raw_id, members, common),
        "agencies": ", ".join(common.abbr.get(a, clean_text(a, max_chars=6)) for a in names),
        "gia_m2": r.get(schema.GIA_M2),
        "staff_fte": r.get(schema.STAFF_FTE),
        "annual_cost_gbp": r.get(schema.ANNUAL_COST_GBP),
        "saving_gbp": r.get("saving_gbp"),
        "saving_text": saving_text(r),  # "≈ £40k–£90k" where it rests on estimates
        "saving_estimated": is_estimated(r),
        "status": status_label(r.get("decision_status")),
        "reach": reach_effect(r),  # what the proposal does to reach (None without reach)
    }


def _district_colocations(code: str, points: pd.DataFrame, common: Common) -> pd.DataFrame:
    """The district's co-locations (outline, centre, place, figures) in rank order."""
    members = _members(points)
    opps = common.colocations
    opps = opps.loc[(str_col(opps, schema.DISTRICT_CODE) == str(code)).fillna(False).to_numpy()]
    records = (_colocation_record(r, members, common) for r in opps.to_dict("records"))
    colocs = pd.DataFrame([r for r in records if r is not None], columns=_COLOCATION_COLUMNS)
    if len(colocs):
        colocs = colocs.sort_values(
            ["district_rank", "rank", "colocation_id"], na_position="last", kind="mergesort"
        ).reset_index(drop=True)
    return colocs


def prepare_district(
    assets: gpd.GeoDataFrame,
    districts: gpd.GeoDataFrame,
    code: str,
    common: Common,
) -> DistrictData:
    """Everything one district page shows, ready to draw."""
    match, name, neighbours = _district_row(districts, code)
    points = _district_points(assets, code, common.sensitive)
    counts = {str(k): int(v) for k, v in points.groupby("agency").size().items()}
    colocs = _district_colocations(code, points, common)
    shortlist = colocs.loc[colocs["shortlisted"]].reset_index(drop=True)
    return DistrictData(
        code=str(code), name=name, geom=match.geometry.union_all(), neighbours=neighbours,
        points=points, colocations=colocs, shortlist=shortlist, styles=common.styles,
        abbr=common.abbr, sensitive=common.sensitive, counts=counts,
    )
