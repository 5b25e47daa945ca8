"""Printable PDF maps: one workshop page per district and the county atlas.

Pages are built with matplotlib's object-oriented API (``matplotlib.figure.Figure``
with the Agg canvas; no pyplot global state) and saved as vector PDF with
searchable, embedded TrueType text (``pdf.fonttype`` 42, set through
``matplotlib.rc_context`` only while a page is built or saved).

* :func:`district_pdf` draws one landscape page (A3 by default, A4 on request)
  and *returns* the :class:`~matplotlib.figure.Figure`; the caller decides where
  it goes.
* :func:`write_district_pdf` saves such a figure as a one-page PDF, atomically
  and reproducibly.
* :func:`write_atlas` writes the county atlas: a cover, one page per district,
  and a load summary per agency, with a PDF outline (bookmarks).

Every string that comes from an input file is drawn as plain text: mathtext and
TeX are off for every text object (``$``, ``_`` and ``^`` print as themselves),
control and bidirectional-override characters are removed, and long values are
shortened with an ellipsis.

Sensitive agencies (the ``sensitive`` column, or ``sensitive_agencies``) are
drawn only at the centre of their 1 km British National Grid square, without a
name or an address, and the co-location outlines drawn around them are rebuilt
from the other members so that no outline vertex sits on a sensitive site.
"""

from __future__ import annotations

import io
import logging
import os
import re
import tempfile
import textwrap
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .. import __version__, schema
from ..errors import OutputError, ValidationError
from . import style

if TYPE_CHECKING:
    import geopandas as gpd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.text import Text

logger = logging.getLogger(__name__)

#: Landscape paper sizes, millimetres (width, height).
PAPER_SIZES_MM: dict[str, tuple[float, float]] = {"A3": (420.0, 297.0), "A4": (297.0, 210.0)}
#: Margin kept clear on every side: office printers cannot print the outer ~5 mm.
MARGIN_MM = 12.0
#: Smallest type size used anywhere on a page, points at print size.
MIN_FONT_PT = 6.5
#: Side of the grid square that sensitive sites are generalised to, metres.
SENSITIVE_GRID_M = 1000.0
#: Fallback PDF date when neither ``creation_date`` nor ``data_date`` is given.
DEFAULT_PDF_DATE = datetime(2000, 1, 1, tzinfo=timezone.utc)

_MM = 1.0 / 25.4  # inches per millimetre
_PT_MM = 25.4 / 72.0  # millimetres per point
_CHAR_EM = 0.6  # conservative average glyph width of DejaVu Sans, in em
_RC: dict[str, Any] = {
    "pdf.fonttype": 42,
    "ps.fonttype": 42,
    "text.usetex": False,
    "text.parse_math": False,
    "font.family": "DejaVu Sans",
    "axes.unicode_minus": True,
    "pdf.compression": 6,
    "path.simplify": True,
    "hatch.linewidth": 0.5,
}
_LABEL_GID = "colocation-label"
_TEXT = "#222222"
_MUTED = "#555555"
_NEIGHBOUR_FILL = "#EFEFEF"
_WATER = "#FFFFFF"


# --------------------------------------------------------------------------- text


def clean_text(value: Any, *, max_chars: int | None = None) -> str:
    """Return ``value`` as one line of plain text that is safe to draw.

    Missing values become ``""``; control, format (including bidirectional
    overrides) and private-use characters become spaces; runs of white space
    collapse to one space; text longer than ``max_chars`` ends with an ellipsis.
    The result is meant for ``Text`` objects with ``parse_math=False``.

    Parameters
    ----------
    value
        Anything; usually a string read from an input file.
    max_chars
        Longest result, in characters, or None for no limit.

    Returns
    -------
    str
        The cleaned text.

    Examples
    --------
    >>> clean_text("Cost $5 \\u202e\\nof x_1^2")
    'Cost $5 of x_1^2'
    >>> clean_text("A very long name indeed", max_chars=10)
    'A very lo…'
    >>> clean_text(None)
    ''
    """
    if value is None:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    text = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in str(value))
    text = " ".join(text.split())
    if max_chars is not None and len(text) > max_chars:
        text = text[: max(max_chars - 1, 0)].rstrip() + "…"
    return text


def _wrap(text: str, width_chars: int, max_lines: int) -> list[str]:
    """Wrap ``text`` to at most ``max_lines`` lines of ``width_chars``; ellipsis on overflow."""
    width_chars = max(width_chars, 3)
    lines = textwrap.wrap(text, width=width_chars, break_long_words=True) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        lines[-1] = (last[: width_chars - 1].rstrip() if len(last) >= width_chars else last) + "…"
    return lines


def _chars_for(width_mm: float, size_pt: float) -> int:
    """How many characters of DejaVu Sans at ``size_pt`` fit in ``width_mm``."""
    return max(int(width_mm / (size_pt * _CHAR_EM * _PT_MM)), 1)


def _fmt_number(value: Any, *, scale: float = 1.0, decimals: int = 0) -> str:
    """Format a number with thousands separators; missing values as an en dash."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "–"
    if not np.isfinite(number):
        return "–"
    return f"{number / scale:,.{decimals}f}"


def _fmt_money(value: Any) -> str:
    """Format pounds compactly: £950, £12.3k, £4.56m."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "–"
    if not np.isfinite(number):
        return "–"
    size = abs(number)
    if size >= 1e6:
        return f"£{number / 1e6:,.2f}m"
    if size >= 1e4:
        return f"£{number / 1e3:,.0f}k"
    if size >= 1e3:
        return f"£{number / 1e3:,.1f}k"
    return f"£{number:,.0f}"


def _abbreviations(agencies: Iterable[str]) -> dict[str, str]:
    """Short, unique abbreviations for agency names (``Kent County Council`` -> ``KCC``)."""
    out: dict[str, str] = {}
    used: set[str] = set()
    small = {"and", "of", "the", "for", "in", "&"}
    for name in sorted({str(a) for a in agencies}):
        words = re.findall(r"[^\W_]+", clean_text(name))
        parts = []
        for word in words:
            if word.lower() in small:
                continue
            if len(word) > 1 and word.isupper():
                parts.append(word)
            else:
                parts.append(word[0].upper())
        abbr = "".join(parts)[:6]
        if len(abbr) < 2:
            abbr = ("".join(words)[:3].upper() or "AG")
        candidate, n = abbr, 2
        while candidate in used:
            candidate, n = f"{abbr}{n}", n + 1
        used.add(candidate)
        out[name] = candidate
    return out


# --------------------------------------------------------------------------- pages


@dataclass
class _Page:
    """A landscape page and helpers to place things on it in millimetres."""

    fig: Figure
    width_mm: float
    height_mm: float

    def rect(self, x_mm: float, y_mm: float, w_mm: float, h_mm: float) -> list[float]:
        """Figure-fraction rectangle for a box given in mm from the lower-left corner."""
        return [
            x_mm / self.width_mm,
            y_mm / self.height_mm,
            w_mm / self.width_mm,
            h_mm / self.height_mm,
        ]

    def text(self, x_mm: float, y_mm: float, s: str, **kw: Any) -> Text:
        """Draw plain text at a page position in mm."""
        kw.setdefault("color", _TEXT)
        return self.fig.text(
            x_mm / self.width_mm,
            y_mm / self.height_mm,
            s,
            parse_math=False,
            usetex=False,
            **kw,
        )


def _paper_mm(paper: str) -> tuple[float, float]:
    key = str(paper).upper()
    if key not in PAPER_SIZES_MM:
        raise ValidationError(
            f"paper must be one of {', '.join(PAPER_SIZES_MM)} (landscape); got {paper!r}. "
            "Pass paper='A3' or paper='A4'."
        )
    return PAPER_SIZES_MM[key]


def _new_page(paper: str) -> _Page:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    width_mm, height_mm = _paper_mm(paper)
    fig = Figure(figsize=(width_mm * _MM, height_mm * _MM), dpi=100, facecolor="white")
    FigureCanvasAgg(fig)
    return _Page(fig, width_mm, height_mm)


def _header(page: _Page, heading: str, subtitle: str) -> float:
    """Draw the title block; return the y (mm) of its lower edge."""
    top = page.height_mm - MARGIN_MM
    size = 20.0 if page.width_mm > 350 else 16.0
    page.text(MARGIN_MM, top, clean_text(heading, max_chars=90), fontsize=size,
              fontweight="bold", va="top", ha="left")
    sub_size = 9.5 if page.width_mm > 350 else 8.0
    width_chars = _chars_for(page.width_mm - 2 * MARGIN_MM, sub_size)
    lines = _wrap(subtitle, width_chars, 2)
    y = top - size * _PT_MM * 1.35
    page.text(MARGIN_MM, y, "\n".join(lines), fontsize=sub_size, va="top", ha="left",
              color=_MUTED, linespacing=1.3)
    return y - len(lines) * sub_size * _PT_MM * 1.3 - 3.0


def _footer(page: _Page, text: str, *, page_label: str | None = None) -> float:
    """Draw the attribution; return the y (mm) of its upper edge."""
    size = MIN_FONT_PT
    width = page.width_mm - 2 * MARGIN_MM - (30.0 if page_label else 0.0)
    lines = _wrap(text, _chars_for(width, size), 4)
    page.text(MARGIN_MM, MARGIN_MM, "\n".join(lines), fontsize=size, va="bottom",
              ha="left", color=_MUTED, linespacing=1.25)
    if page_label:
        page.text(page.width_mm - MARGIN_MM, MARGIN_MM, page_label, fontsize=7.5,
                  va="bottom", ha="right", color=_MUTED)
    return MARGIN_MM + len(lines) * size * _PT_MM * 1.25 + 2.5


def _subtitle(*parts: str | None) -> str:
    return "  ·  ".join(p for p in (clean_text(x) for x in parts) if p)


def _date_text(value: date | datetime | str | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return f"data as at {value.date().isoformat()}"
    if isinstance(value, date):
        return f"data as at {value.isoformat()}"
    text = clean_text(value, max_chars=40)
    return f"data as at {text}" if text else None


def _boundary_source(districts: gpd.GeoDataFrame, explicit: str | None) -> str:
    if explicit is not None:
        return str(explicit)
    return str(getattr(districts, "attrs", {}).get("boundary_source", "official"))


def _attribution(year: int, boundary_source: str, synthetic: bool) -> str:
    text = style.attribution(year, derived_boundaries=boundary_source == "derived")
    if synthetic:
        text += f". Locations and figures are {style.SYNTHETIC_NOTE}"
    return text + "."


# --------------------------------------------------------------------------- geometry


def _geom_path(geom: Any) -> Any:
    """A matplotlib Path for a shapely (Multi)Polygon, holes included."""
    from matplotlib.path import Path as MplPath

    verts: list[np.ndarray] = []
    codes: list[np.ndarray] = []
    polygons = getattr(geom, "geoms", [geom])
    for poly in polygons:
        if poly.is_empty or poly.geom_type != "Polygon":
            continue
        for ring in (poly.exterior, *poly.interiors):
            xy = np.asarray(ring.coords)[:, :2]
            if len(xy) < 3:
                continue
            c = np.full(len(xy), MplPath.LINETO, dtype=np.uint8)
            c[0] = MplPath.MOVETO
            c[-1] = MplPath.CLOSEPOLY
            verts.append(xy)
            codes.append(c)
    if not verts:
        return None
    return MplPath(np.concatenate(verts), np.concatenate(codes))


def _add_geom(ax: Axes, geom: Any, **kw: Any) -> None:
    from matplotlib.patches import PathPatch

    path = _geom_path(geom)
    if path is not None:
        ax.add_patch(PathPatch(path, **kw))


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


# --------------------------------------------------------------------------- data prep


@dataclass
class _DistrictData:
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


def _str_col(frame: pd.DataFrame, col: str) -> pd.Series:
    if col not in frame.columns:
        return pd.Series(pd.NA, index=frame.index, dtype="string")
    return frame[col].astype("string")


def _num_col(frame: pd.DataFrame, col: str) -> pd.Series:
    if col not in frame.columns:
        return pd.Series(np.nan, index=frame.index, dtype="float64")
    return pd.to_numeric(frame[col], errors="coerce").astype("float64")


def _bool_col(frame: pd.DataFrame, col: str, default: bool) -> pd.Series:
    if col not in frame.columns:
        return pd.Series(default, index=frame.index, dtype=bool)
    return frame[col].fillna(default).astype(bool)


def _colocation_rows(opportunities: pd.DataFrame) -> pd.DataFrame:
    """Multi-agency co-locations only, in rank order."""
    if opportunities is None or len(opportunities) == 0:
        return opportunities.iloc[0:0] if opportunities is not None else pd.DataFrame()
    keep = _bool_col(opportunities, schema.IS_COLOCATION, True)
    keep &= _str_col(opportunities, schema.COLOCATION_ID).notna().to_numpy()
    return opportunities.loc[keep]


def _prepare_district(
    assets: gpd.GeoDataFrame,
    districts: gpd.GeoDataFrame,
    opportunities: gpd.GeoDataFrame,
    code: str,
    sensitive_agencies: Iterable[str],
    styles: Mapping[str, style.AgencyStyle] | None = None,
) -> _DistrictData:
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
        (clean_text(r.get(schema.DISTRICT_NAME, ""), max_chars=40), r.geometry)
        for _, r in others.iterrows()
        if r.geometry is not None and not r.geometry.is_empty
    ]

    sensitive = _sensitive_set(assets, sensitive_agencies)
    all_agencies = set(_str_col(assets, schema.AGENCY).dropna().astype(str))
    opps_all = _colocation_rows(opportunities)
    for joined in _str_col(opps_all, "agencies").dropna():
        all_agencies.update(a.strip() for a in str(joined).split(";") if a.strip())
    styles = dict(styles) if styles is not None else style.agency_styles(all_agencies)
    for extra in all_agencies - set(styles):
        styles.update({extra: style.agency_styles([extra])[extra]})
    abbr = _abbreviations(all_agencies)

    in_d = _str_col(assets, schema.DISTRICT_CODE) == str(code)
    sub = assets.loc[in_d.fillna(False).to_numpy()]
    sub = sub.loc[sub.geometry.notna() & ~sub.geometry.is_empty]
    agency = _str_col(sub, schema.AGENCY).fillna("(unknown)").astype(str)
    is_sens = agency.isin(sensitive).to_numpy() | _bool_col(sub, schema.SENSITIVE, False).to_numpy()
    x = sub.geometry.x.to_numpy(dtype=float)
    y = sub.geometry.y.to_numpy(dtype=float)
    sx, sy = _snap_xy(x, y)
    points = pd.DataFrame(
        {
            "x": np.where(is_sens, sx, x),
            "y": np.where(is_sens, sy, y),
            "exact_x": x,
            "exact_y": y,
            "agency": agency.to_numpy(),
            "sensitive": is_sens,
            "colocation_id": _str_col(sub, schema.COLOCATION_ID).to_numpy(),
            "gia": _num_col(sub, schema.GIA_M2).to_numpy(),
            "address": _str_col(sub, schema.ADDRESS).to_numpy(),
            "name": _str_col(sub, schema.NAME).to_numpy(),
        }
    )
    counts = points.groupby("agency").size().to_dict()

    opps = opps_all.loc[(_str_col(opps_all, schema.DISTRICT_CODE) == str(code)).fillna(False)]
    sens_addresses = {
        clean_text(v).lower()
        for col in (schema.ADDRESS, schema.NAME)
        for v in _str_col(assets.loc[_str_col(assets, schema.AGENCY).isin(sensitive).fillna(False)],
                          col).dropna()
    } - {""}
    rows = []
    for _, r in opps.iterrows():
        cid = clean_text(r.get(schema.COLOCATION_ID), max_chars=16)
        members = points.loc[points["colocation_id"] == str(r.get(schema.COLOCATION_ID))]
        geom = r.geometry if "geometry" in opps.columns else None
        open_members = members.loc[~members["sensitive"]]
        place = ""
        if len(open_members):
            best = open_members.sort_values("gia", ascending=False, na_position="last").iloc[0]
            place = clean_text(best["address"]) or clean_text(best["name"])
        if not place:
            candidate = clean_text(r.get("largest_address")) or clean_text(r.get("largest_name"))
            if candidate.lower() not in sens_addresses and not members["sensitive"].any():
                place = candidate
        if members["sensitive"].any():
            # rebuild the outline from the published positions of the other members
            if len(open_members):
                from shapely.geometry import MultiPoint

                mp = MultiPoint(list(zip(open_members["x"], open_members["y"], strict=True)))
                geom = mp.convex_hull.buffer(60.0, quad_segs=4)
            else:
                from shapely.geometry import Point

                first = members.iloc[0]
                geom = Point(first["x"], first["y"]).buffer(SENSITIVE_GRID_M / 2, quad_segs=8)
        geom = _polygonal(geom)
        if geom is None:
            if not len(members):
                continue
            from shapely.geometry import MultiPoint

            geom = _polygonal(MultiPoint(list(zip(members["x"], members["y"], strict=True))))
        centre = geom.centroid
        names = [a.strip() for a in str(r.get("agencies") or "").split(";") if a.strip()]
        rows.append(
            {
                "colocation_id": cid,
                "cx": float(centre.x),
                "cy": float(centre.y),
                "geom": geom,
                "shortlisted": bool(r.get("shortlisted", False) is True
                                    or r.get("shortlisted", False) == 1),
                "district_rank": pd.to_numeric(r.get("district_rank"), errors="coerce"),
                "rank": pd.to_numeric(r.get("rank"), errors="coerce"),
                "place": place or "(location withheld)",
                "agencies": ", ".join(abbr.get(a, clean_text(a, max_chars=6)) for a in names),
                "gia_m2": r.get(schema.GIA_M2),
                "staff_fte": r.get(schema.STAFF_FTE),
                "annual_cost_gbp": r.get(schema.ANNUAL_COST_GBP),
                "saving_gbp": r.get("saving_gbp"),
            }
        )
    colocs = pd.DataFrame(
        rows,
        columns=[
            "colocation_id", "cx", "cy", "geom", "shortlisted", "district_rank", "rank",
            "place", "agencies", "gia_m2", "staff_fte", "annual_cost_gbp", "saving_gbp",
        ],
    )
    if len(colocs):
        colocs = colocs.sort_values(
            ["district_rank", "rank", "colocation_id"], na_position="last", kind="mergesort"
        ).reset_index(drop=True)
    shortlist = colocs.loc[colocs["shortlisted"]].reset_index(drop=True)
    return _DistrictData(
        code=str(code), name=name, geom=match.geometry.union_all(), neighbours=neighbours,
        points=points, colocations=colocs, shortlist=shortlist, styles=styles, abbr=abbr,
        sensitive=sensitive, counts=counts,
    )
