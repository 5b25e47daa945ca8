"""Printable PDF maps: one workshop page per district and the county atlas.

Pages are built with matplotlib's object-oriented API (``matplotlib.figure.Figure``
with the Agg canvas; no pyplot global state) and saved as vector PDF with
searchable, embedded TrueType text (``pdf.fonttype`` 42, set through
``matplotlib.rc_context`` only while a page is built or saved).

* :func:`district_pdf` draws one landscape page (A3 by default, A4 on request)
  and *returns* the :class:`~matplotlib.figure.Figure`; the caller decides where
  it goes.
* :func:`write_figure_pdf` saves such a figure as a one-page PDF, atomically
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

import functools
import io
import logging
import os
import re
import textwrap
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .. import __version__, schema
from ..errors import ValidationError
from ..safety import is_missing
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
DEFAULT_PDF_DATE = datetime(2000, 1, 1, tzinfo=UTC)

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
    if is_missing(value):
        return ""
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


@functools.lru_cache(maxsize=4096)
def _text_width_mm(text: str, size_pt: float, *, bold: bool = False) -> float:
    """Width of one line of DejaVu Sans text at ``size_pt``, millimetres (measured)."""
    from matplotlib.font_manager import FontProperties

    prop = FontProperties(family="DejaVu Sans", size=size_pt,
                          weight="bold" if bold else "normal")
    width_pt, _, _ = _text_to_path().get_text_width_height_descent(text, prop, ismath=False)
    return float(width_pt) * _PT_MM


@functools.lru_cache(maxsize=1)
def _text_to_path() -> Any:
    """One matplotlib TextToPath measurer (it caches the loaded fonts)."""
    from matplotlib.textpath import TextToPath

    return TextToPath()


def _wrap_mm(text: str, width_mm: float, size_pt: float, max_lines: int, *,
             bold: bool = False) -> list[str]:
    """Wrap ``text`` into lines no wider than ``width_mm``; ellipsis when it overflows."""
    def fits(line: str) -> bool:
        return _text_width_mm(line, size_pt, bold=bold) <= width_mm + 0.05

    lines: list[str] = []
    current = ""
    words = text.split()
    i = 0
    while i < len(words):
        word = words[i]
        trial = f"{current} {word}" if current else word
        if fits(trial):
            current = trial
            i += 1
            continue
        if current:
            lines.append(current)
            current = ""
            continue
        # a single word wider than the line: break it
        cut = len(word)
        while cut > 1 and not fits(word[:cut]):
            cut -= 1
        lines.append(word[:cut])
        words[i] = word[cut:]
    if current or not lines:
        lines.append(current)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and not fits(last + "…"):
            last = last[:-1]
        lines = [*lines[: max_lines - 1], last.rstrip() + "…"]
    return lines


def _chars_for(width_mm: float, size_pt: float) -> int:
    """How many characters of DejaVu Sans at ``size_pt`` fit in ``width_mm``."""
    return max(int(width_mm / (size_pt * _CHAR_EM * _PT_MM)), 1)


def _finite(value: Any) -> float | None:
    """``value`` as a finite number, or None (missing, text, infinite)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if np.isfinite(number) else None


def _fmt_number(value: Any) -> str:
    """Format a whole number with thousands separators; missing values as an en dash."""
    number = _finite(value)
    return "–" if number is None else f"{number:,.0f}"


def _fmt_money(value: Any) -> str:
    """Format pounds compactly: £950, £12.3k, £4.56m."""
    number = _finite(value)
    if number is None:
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

    def rect(
        self, x_mm: float, y_mm: float, w_mm: float, h_mm: float
    ) -> tuple[float, float, float, float]:
        """Figure-fraction rectangle for a box given in mm from the lower-left corner."""
        return (
            x_mm / self.width_mm,
            y_mm / self.height_mm,
            w_mm / self.width_mm,
            h_mm / self.height_mm,
        )

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


def _rc() -> AbstractContextManager[None]:
    """Matplotlib settings for print pages, scoped (never mutates global rcParams)."""
    from matplotlib import rc_context

    return rc_context(_RC)  # type: ignore[arg-type]


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
    lines = _wrap_mm(subtitle, page.width_mm - 2 * MARGIN_MM, sub_size, 2)
    y = top - size * _PT_MM * 1.35
    page.text(MARGIN_MM, y, "\n".join(lines), fontsize=sub_size, va="top", ha="left",
              color=_MUTED, linespacing=1.3)
    return y - len(lines) * sub_size * _PT_MM * 1.3 - 3.0


def _footer(page: _Page, text: str, *, page_label: str | None = None) -> float:
    """Draw the attribution; return the y (mm) of its upper edge."""
    size = MIN_FONT_PT
    width = page.width_mm - 2 * MARGIN_MM - (30.0 if page_label else 0.0)
    lines = _wrap_mm(text, width, size, 4)
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


@dataclass
class _Common:
    """What every page of one atlas shares (computed once)."""

    sensitive: frozenset[str]
    styles: dict[str, style.AgencyStyle]
    abbr: dict[str, str]
    sensitive_text: frozenset[str]  # lower-cased names/addresses of sensitive assets
    colocations: pd.DataFrame  # multi-agency rows of the opportunities


def _common(assets: gpd.GeoDataFrame, opportunities: gpd.GeoDataFrame,
            sensitive_agencies: Iterable[str]) -> _Common:
    sensitive = _sensitive_set(assets, sensitive_agencies)
    agencies = set(_str_col(assets, schema.AGENCY).dropna().astype(str))
    colocs = _colocation_rows(opportunities)
    for joined in _str_col(colocs, "agencies").dropna().unique():
        agencies.update(a.strip() for a in str(joined).split(";") if a.strip())
    sens_rows = assets.loc[_str_col(assets, schema.AGENCY).isin(sensitive).fillna(False)
                           .to_numpy() | _bool_col(assets, schema.SENSITIVE, False).to_numpy()]
    sens_text = {
        clean_text(v).lower()
        for col in (schema.ADDRESS, schema.NAME)
        for v in _str_col(sens_rows, col).dropna().unique()
    } - {""}
    return _Common(sensitive, style.agency_styles(agencies), _abbreviations(agencies),
                   frozenset(sens_text), colocs)


def _prepare_district(
    assets: gpd.GeoDataFrame,
    districts: gpd.GeoDataFrame,
    code: str,
    common: _Common,
) -> _DistrictData:
    from shapely.geometry import MultiPoint, Point

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
        for n, g in zip(_str_col(others, schema.DISTRICT_NAME), others.geometry, strict=True)
        if g is not None and not g.is_empty
    ]
    sensitive, abbr = common.sensitive, common.abbr

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
            "agency": agency.to_numpy(),
            "sensitive": is_sens,
            "colocation_id": _str_col(sub, schema.COLOCATION_ID).to_numpy(),
            "gia": _num_col(sub, schema.GIA_M2).to_numpy(),
            "address": _str_col(sub, schema.ADDRESS).to_numpy(),
            "name": _str_col(sub, schema.NAME).to_numpy(),
        }
    )
    counts = {str(k): int(v) for k, v in points.groupby("agency").size().items()}

    # per co-location: the largest open member's address, and sensitive membership
    members = points.loc[points["colocation_id"].notna()]
    open_members = members.loc[~members["sensitive"]]
    biggest = open_members.sort_values("gia", ascending=False, na_position="last",
                                       kind="mergesort").drop_duplicates("colocation_id")
    place_of = {
        str(cid): clean_text(addr) or clean_text(nm)
        for cid, addr, nm in zip(biggest["colocation_id"], biggest["address"], biggest["name"],
                                 strict=True)
    }
    sens_ids = set(members.loc[members["sensitive"], "colocation_id"].astype(str))
    open_xy = {str(k): g[["x", "y"]].to_numpy() for k, g in
               open_members.loc[open_members["colocation_id"].isin(sens_ids)]
               .groupby("colocation_id", sort=False)}
    sens_xy = {str(k): g[["x", "y"]].to_numpy()[0] for k, g in
               members.loc[members["sensitive"]].groupby("colocation_id", sort=False)}
    any_xy = {str(k): g[["x", "y"]].to_numpy() for k, g in
              members.groupby("colocation_id", sort=False)}

    opps = common.colocations
    opps = opps.loc[(_str_col(opps, schema.DISTRICT_CODE) == str(code)).fillna(False).to_numpy()]
    rows = []
    for r in opps.to_dict("records"):
        raw_id = str(r.get(schema.COLOCATION_ID))
        cid = clean_text(raw_id, max_chars=16)
        geom = r.get("geometry")
        place = place_of.get(raw_id, "")
        has_sensitive = raw_id in sens_ids
        if not place and not has_sensitive:
            candidate = clean_text(r.get("largest_address")) or clean_text(r.get("largest_name"))
            if candidate.lower() not in common.sensitive_text:
                place = candidate
        if has_sensitive:
            # rebuild the outline from the published positions of the other members
            xy = open_xy.get(raw_id)
            if xy is not None and len(xy):
                geom = MultiPoint([tuple(p) for p in xy]).convex_hull.buffer(60.0, quad_segs=4)
            else:
                cx, cy = sens_xy[raw_id]
                geom = Point(cx, cy).buffer(SENSITIVE_GRID_M / 2, quad_segs=8)
        geom = _polygonal(geom)
        if geom is None:
            xy = any_xy.get(raw_id)
            if xy is None or not len(xy):
                continue
            geom = _polygonal(MultiPoint([tuple(p) for p in xy]))
        centre = geom.centroid
        names = [a.strip() for a in str(r.get("agencies") or "").split(";") if a.strip()]
        flag = r.get("shortlisted", False)
        rows.append(
            {
                "colocation_id": cid,
                "cx": float(centre.x),
                "cy": float(centre.y),
                "geom": geom,
                "shortlisted": bool(flag is True or (not pd.isna(flag) and flag == 1)),
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
        points=points, colocations=colocs, shortlist=shortlist, styles=common.styles,
        abbr=abbr, sensitive=sensitive, counts=counts,
    )


# --------------------------------------------------------------------------- map drawing


def _view(bounds: Sequence[float], box_w_mm: float, box_h_mm: float, pad: float = 0.04) -> tuple[
    float, float, float, float
]:
    """Limits (xmin, xmax, ymin, ymax) around ``bounds`` with the box's aspect ratio."""
    minx, miny, maxx, maxy = (float(v) for v in bounds)
    if not np.all(np.isfinite([minx, miny, maxx, maxy])):
        minx, miny, maxx, maxy = 500_000.0, 100_000.0, 650_000.0, 200_000.0
    w = max(maxx - minx, 200.0) * (1 + 2 * pad)
    h = max(maxy - miny, 200.0) * (1 + 2 * pad)
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    aspect = box_w_mm / box_h_mm
    if w / h < aspect:
        w = h * aspect
    else:
        h = w / aspect
    return cx - w / 2, cx + w / 2, cy - h / 2, cy + h / 2


def _clip(geom: Any, view: Sequence[float]) -> Any:
    """``geom`` cut to a rectangle a little larger than the view (smaller PDF paths)."""
    import shapely

    xmin, xmax, ymin, ymax = view
    mx, my = (xmax - xmin) * 0.02, (ymax - ymin) * 0.02
    return shapely.clip_by_rect(geom, xmin - mx, ymin - my, xmax + mx, ymax + my)


def _view_box(view: Sequence[float], margin: float) -> Any:
    from shapely.geometry import box

    xmin, xmax, ymin, ymax = view
    mx, my = (xmax - xmin) * margin, (ymax - ymin) * margin
    return box(xmin + mx, ymin + my, xmax - mx, ymax - my)


def _intersects(view: Sequence[float], bounds: Sequence[float]) -> bool:
    xmin, xmax, ymin, ymax = view
    bx0, by0, bx1, by1 = bounds
    return not (bx1 < xmin or bx0 > xmax or by1 < ymin or by0 > ymax)


def _bng_frame(ax: Axes, view: Sequence[float], *, labels: bool) -> None:
    """Labelled British National Grid ticks (km) and faint grid lines."""
    xmin, xmax, ymin, ymax = view
    span = max(xmax - xmin, ymax - ymin)
    step = 50_000.0
    for km in (0.5, 1, 2, 5, 10, 20, 50):
        if span / (km * 1000) <= 7:
            step = km * 1000
            break
    xt = np.arange(np.ceil(xmin / step) * step, xmax, step)
    yt = np.arange(np.ceil(ymin / step) * step, ymax, step)
    fmt = "{:.0f}" if step >= 1000 else "{:.1f}"
    for v in xt:
        ax.axvline(v, color="#9A9A9A", lw=0.3, ls=(0, (2, 3)), zorder=1.8)
    for v in yt:
        ax.axhline(v, color="#9A9A9A", lw=0.3, ls=(0, (2, 3)), zorder=1.8)
    ax.set_xticks(xt)
    ax.set_yticks(yt)
    if labels:
        ax.set_xticklabels([fmt.format(v / 1000) for v in xt])
        ax.set_yticklabels([fmt.format(v / 1000) for v in yt], rotation=90, va="center")
        ax.tick_params(labelsize=MIN_FONT_PT, length=2.5, width=0.5, pad=1.5, colors=_MUTED,
                       labelcolor=_MUTED, top=True, right=True, direction="out")
    else:
        ax.set_xticklabels([])
        ax.set_yticklabels([])
        ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_linewidth(0.8)
        spine.set_color("#333333")


def _north_arrow(ax: Axes, *, size_pt: float = 9.0) -> None:
    from matplotlib.patches import FancyArrow

    x, y0, length = 0.955, 0.885, 0.06
    ax.add_patch(FancyArrow(x, y0, 0, length, width=0.006, head_width=0.022,
                            head_length=0.025, length_includes_head=True, transform=ax.transAxes,
                            color="#222222", zorder=9))
    ax.text(x, y0 + length + 0.008, "N", transform=ax.transAxes, ha="center", va="bottom",
            fontsize=size_pt, fontweight="bold", zorder=9, parse_math=False,
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8})
    ax.text(x, y0 - 0.006, "grid north", transform=ax.transAxes, ha="center", va="top",
            fontsize=MIN_FONT_PT, color=_MUTED, zorder=9, parse_math=False,
            bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8})


def _scalebar(ax: Axes, *, size_pt: float) -> None:
    from matplotlib_scalebar.scalebar import ScaleBar

    ax.add_artist(
        ScaleBar(1.0, "m", location="lower left", length_fraction=0.22, box_alpha=0.85,
                 border_pad=0.6, pad=0.4, font_properties={"size": size_pt},
                 color="#222222", width_fraction=0.008)
    )


@dataclass
class _MapStyle:
    marker_pt: float
    label_pt: float
    neighbour_names: bool
    north: bool


def _draw_hulls(ax: Axes, colocs: pd.DataFrame, view: Sequence[float]) -> None:
    """Co-location outlines as two path collections (fast to build and to write)."""
    from matplotlib.collections import PathCollection

    paths, widths = [], []
    for geom, shortlisted in zip(colocs["geom"], colocs["shortlisted"], strict=True):
        if geom is None or not _intersects(view, geom.bounds):
            continue
        path = _geom_path(geom)
        if path is not None:
            paths.append(path)
            widths.append(1.3 if shortlisted else 0.8)
    if not paths:
        return
    ax.add_collection(PathCollection(paths, facecolors=style.HULL_COLOUR, edgecolors="none",
                                     alpha=0.16, zorder=2.0), autolim=False)
    ax.add_collection(PathCollection(paths, facecolors="none", edgecolors=style.HULL_COLOUR,
                                     linewidths=widths, zorder=2.1), autolim=False)


def _draw_map(
    ax: Axes,
    data: _DistrictData,
    view: Sequence[float],
    *,
    box_w_mm: float,
    label_ids: Sequence[str],
    map_style: _MapStyle,
    frame_labels: bool,
    insets: Sequence[tuple[str, Sequence[float]]] = (),
) -> list[Text]:
    """Draw the district map into ``ax``; return the co-location label texts."""
    from matplotlib.patches import Rectangle

    xmin, xmax, ymin, ymax = view
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(ymin, ymax)
    ax.set_aspect("equal", adjustable="box")
    ax.set_facecolor(_WATER)
    for name, full in data.neighbours:
        if not _intersects(view, full.bounds):
            continue
        geom = _clip(full, view)
        if geom.is_empty:
            continue
        _add_geom(ax, geom, facecolor=_NEIGHBOUR_FILL, edgecolor=style.NEIGHBOUR_EDGE,
                  lw=0.6, zorder=1)
        if map_style.neighbour_names and name:
            p = geom.intersection(_view_box(view, 0.04)).representative_point()
            if p.is_empty:
                continue
            half = (_text_width_mm(name, 8.0) / 2 + 1.5) * (xmax - xmin) / box_w_mm
            px = min(max(p.x, xmin + half), xmax - half)
            ax.text(px, p.y, name, fontsize=8, color="#8A8A8A", ha="center", va="center",
                    zorder=1.5, clip_on=True, parse_math=False)
    own = _clip(data.geom, view)
    _add_geom(ax, own, facecolor="white", edgecolor="none", zorder=1.2)
    _bng_frame(ax, view, labels=frame_labels)
    _add_geom(ax, own, facecolor="none", edgecolor=style.DISTRICT_EDGE, lw=1.4, zorder=2.6)

    colocs = data.colocations
    _draw_hulls(ax, colocs, view)

    pts = data.points
    ms = map_style.marker_pt
    for agency in sorted(pts["agency"].unique()):
        st = data.styles.get(agency) or style.agency_styles([agency])[agency]
        mine = pts.loc[pts["agency"] == agency]
        open_ = mine.loc[~mine["sensitive"]]
        if len(open_):
            ax.scatter(open_["x"].to_numpy(), open_["y"].to_numpy(), s=ms**2, marker=st.marker,
                       c=st.colour, edgecolors="#1A1A1A", linewidths=0.3, zorder=3)
        gen = mine.loc[mine["sensitive"], ["x", "y"]].drop_duplicates()
        if len(gen):
            ax.scatter(gen["x"].to_numpy(), gen["y"].to_numpy(), s=(ms * 1.5) ** 2,
                       marker=st.marker, facecolors="white", edgecolors=st.colour,
                       linewidths=1.1, zorder=3.1)

    for letter, (ix0, ix1, iy0, iy1) in insets:
        ax.add_patch(Rectangle((ix0, iy0), ix1 - ix0, iy1 - iy0, fill=False, ec="#222222",
                               lw=0.9, ls=(0, (4, 2)), zorder=7))
        ax.text(ix0, iy1, f" {letter} ", ha="left", va="bottom", fontsize=8, fontweight="bold",
                zorder=7.5, parse_math=False, color="white",
                bbox={"boxstyle": "square,pad=0.15", "fc": "#222222", "ec": "none"})

    wanted = set(label_ids)
    sel = colocs.loc[colocs["colocation_id"].isin(wanted)]
    sel = sel.loc[(sel["cx"] > xmin) & (sel["cx"] < xmax) & (sel["cy"] > ymin) & (sel["cy"] < ymax)]
    m_per_mm = (xmax - xmin) / box_w_mm
    box_h_mm = (ymax - ymin) / m_per_mm
    reserved = [
        (0.0, 0.0, 0.22 * box_w_mm + 12.0, 11.0),  # scale bar, lower left
        *([(box_w_mm - 16.0, box_h_mm - 26.0, box_w_mm, box_h_mm)] if map_style.north else []),
    ]
    for _letter, (ix0, _ix1, _iy0, iy1) in insets:
        bx, by = (ix0 - xmin) / m_per_mm, (iy1 - ymin) / m_per_mm
        reserved.append((bx - 1.0, by - 1.0, bx + 6.0, by + 5.5))
    in_view = colocs.loc[(colocs["cx"] > xmin) & (colocs["cx"] < xmax)
                         & (colocs["cy"] > ymin) & (colocs["cy"] < ymax)]
    anchors_mm = np.column_stack([(in_view["cx"].to_numpy() - xmin) / m_per_mm,
                                  (in_view["cy"].to_numpy() - ymin) / m_per_mm])
    inside = pts.loc[(pts["x"] > xmin) & (pts["x"] < xmax) & (pts["y"] > ymin) & (pts["y"] < ymax)]
    points_mm = np.column_stack([(inside["x"].to_numpy() - xmin) / m_per_mm,
                                 (inside["y"].to_numpy() - ymin) / m_per_mm])
    order = sel.sort_values(["shortlisted", "district_rank", "rank", "colocation_id"],
                            ascending=[False, True, True, True], na_position="last",
                            kind="mergesort")
    placements = _place_labels(
        order, anchors_mm, points_mm, reserved, box_w_mm=box_w_mm, box_h_mm=box_h_mm,
        xmin=xmin, ymin=ymin, m_per_mm=m_per_mm, size_pt=map_style.label_pt,
    )
    texts: list[Text] = []
    for cid, shortlisted, (ax_mm, ay_mm), (tx_mm, ty_mm), leader in placements:
        t = ax.text(xmin + tx_mm * m_per_mm, ymin + ty_mm * m_per_mm, cid,
                    fontsize=map_style.label_pt, fontweight="bold" if shortlisted else "normal",
                    ha="center", va="center", zorder=8, parse_math=False, color="#111111",
                    bbox={"boxstyle": "round,pad=0.18", "fc": "white", "alpha": 0.92,
                          "ec": style.HULL_COLOUR, "lw": 0.8 if shortlisted else 0.5})
        t.set_gid(_LABEL_GID)
        texts.append(t)
        if leader is not None:
            lx, ly = leader
            ax.plot([xmin + ax_mm * m_per_mm, xmin + lx * m_per_mm],
                    [ymin + ay_mm * m_per_mm, ymin + ly * m_per_mm],
                    color=style.HULL_COLOUR, lw=0.6, zorder=7.9, solid_capstyle="round")
    skipped = len(sel) - len(texts)
    if skipped:
        logger.debug("%d co-location labels left out for legibility", skipped)
    return texts


_ANGLES = np.deg2rad([45, 135, -45, -135, 90, -90, 0, 180, 22.5, 157.5, -22.5, -157.5])
_RADII_MM = (1.2, 3.0, 5.5, 8.5, 12.0, 16.0, 21.0, 28.0)


def _place_labels(
    order: pd.DataFrame,
    anchors_mm: np.ndarray,
    points_mm: np.ndarray,
    reserved: Sequence[tuple[float, float, float, float]],
    *,
    box_w_mm: float,
    box_h_mm: float,
    xmin: float,
    ymin: float,
    m_per_mm: float,
    size_pt: float,
) -> list[tuple[str, bool, tuple[float, float], tuple[float, float],
                tuple[float, float] | None]]:
    """Greedy, deterministic label placement on the page (in mm).

    Labels are placed in priority order (shortlisted first) at the nearest of a
    ring of candidate positions around their co-location that overlaps no placed
    label, no other co-location centre and no reserved corner (scale bar, north
    arrow), preferring the candidate covering the fewest asset symbols. A
    shortlisted label with no free candidate goes to the least-overlapping one;
    other labels with no room are left out (their outline is still drawn).
    """
    pad_mm = 0.18 * size_pt * _PT_MM
    hh = (size_pt * _PT_MM * 1.2 + 2 * pad_mm) / 2 + 0.35
    boxes = [np.array(r, dtype=float) for r in reserved]
    anchor_boxes = np.column_stack([anchors_mm - 1.0, anchors_mm + 1.0]) if len(anchors_mm) \
        else np.empty((0, 4))
    out = []
    for _, c in order.iterrows():
        cid = str(c["colocation_id"])
        shortlisted = bool(c["shortlisted"])
        ax_mm = (float(c["cx"]) - xmin) / m_per_mm
        ay_mm = (float(c["cy"]) - ymin) / m_per_mm
        hw = (_text_width_mm(cid, size_pt, bold=shortlisted) + 2 * pad_mm) / 2 + 0.4
        placed = np.array(boxes) if boxes else np.empty((0, 4))
        obstacles = np.vstack([placed, anchor_boxes[
            ~((np.abs(anchor_boxes[:, 0] + 1.0 - ax_mm) < 1e-6)
              & (np.abs(anchor_boxes[:, 1] + 1.0 - ay_mm) < 1e-6))]])
        best: tuple[float, float, float] | None = None  # (overlap, x, y)
        chosen: tuple[float, float] | None = None
        for r in _RADII_MM:
            cx = ax_mm + np.cos(_ANGLES) * (r + hw)
            cy = ay_mm + np.sin(_ANGLES) * (r + hh)
            x0, x1, y0, y1 = cx - hw, cx + hw, cy - hh, cy + hh
            inside = (x0 >= 0.8) & (x1 <= box_w_mm - 0.8) & (y0 >= 0.8) & (y1 <= box_h_mm - 0.8)
            if len(obstacles):
                ox = np.clip(np.minimum(x1[:, None], obstacles[None, :, 2])
                             - np.maximum(x0[:, None], obstacles[None, :, 0]), 0, None)
                oy = np.clip(np.minimum(y1[:, None], obstacles[None, :, 3])
                             - np.maximum(y0[:, None], obstacles[None, :, 1]), 0, None)
                overlap = (ox * oy).sum(axis=1)
            else:
                overlap = np.zeros(len(cx))
            overlap = np.where(inside, overlap, np.inf)
            free = np.flatnonzero(overlap == 0)
            if len(free):
                if len(points_mm):
                    covered = ((points_mm[None, :, 0] > x0[free, None])
                               & (points_mm[None, :, 0] < x1[free, None])
                               & (points_mm[None, :, 1] > y0[free, None])
                               & (points_mm[None, :, 1] < y1[free, None])).sum(axis=1)
                    k = int(free[np.argmin(covered)])
                else:
                    k = int(free[0])
                chosen = (float(cx[k]), float(cy[k]))
                break
            k = int(np.argmin(overlap))
            if np.isfinite(overlap[k]) and (best is None or overlap[k] < best[0]):
                best = (float(overlap[k]), float(cx[k]), float(cy[k]))
        if chosen is None:
            if not shortlisted or best is None:
                continue
            chosen = (best[1], best[2])
        tx, ty = chosen
        boxes.append(np.array([tx - hw, ty - hh, tx + hw, ty + hh]))
        # leader line from the co-location to the nearest point of the label box
        lx = min(max(ax_mm, tx - hw + 0.4), tx + hw - 0.4)
        ly = min(max(ay_mm, ty - hh + 0.35), ty + hh - 0.35)
        leader = (lx, ly) if np.hypot(lx - ax_mm, ly - ay_mm) > 1.0 else None
        out.append((cid, shortlisted, (ax_mm, ay_mm), (tx, ty), leader))
    return out


def label_overlaps(fig: Figure) -> list[tuple[str, str]]:
    """Pairs of co-location labels whose boxes overlap on a rendered page.

    Parameters
    ----------
    fig
        A figure from :func:`district_pdf`.

    Returns
    -------
    list of tuple of str
        ``(id_a, id_b)`` for each overlapping pair within one map (empty when
        every label is clear of the others).
    """
    from matplotlib.text import Text

    fig.draw_without_rendering()  # lay out the label boxes
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    out: list[tuple[str, str]] = []
    for ax in fig.axes:
        boxes = [
            (t.get_text(), t.get_bbox_patch().get_window_extent(renderer)  # type: ignore[union-attr]
             if t.get_bbox_patch() is not None else t.get_window_extent(renderer))
            for t in ax.findobj(Text)
            if t.get_gid() == _LABEL_GID and t.get_visible()
        ]
        for i in range(len(boxes)):
            for j in range(i + 1, len(boxes)):
                a, b = boxes[i][1], boxes[j][1]
                if a.overlaps(b):
                    out.append((boxes[i][0], boxes[j][0]))
    return out


def _find_insets(
    colocs: pd.DataFrame,
    view: Sequence[float],
    map_w_mm: float,
    *,
    max_insets: int,
    inset_w_mm: float,
    aspect: float,
    zoom: float = 4.0,
    crowd_mm: float = 11.0,
    min_group: int = 3,
) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Windows around the places where co-location labels would crowd the main map.

    A window is centred on the densest remaining group of co-locations (three or
    more within ``crowd_mm`` of each other at the main map's scale) and sized so
    the inset shows it ``zoom`` times larger than the main map. Windows do not
    overlap.
    """
    if max_insets <= 0 or len(colocs) < min_group:
        return []
    xmin, xmax, _, _ = view
    m_per_mm = (xmax - xmin) / map_w_mm
    radius = crowd_mm * m_per_mm
    w = max(inset_w_mm * m_per_mm / zoom, 600.0)
    h = w / aspect
    xy = colocs[["cx", "cy"]].to_numpy(dtype=float)
    d2 = ((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2)
    near = d2 <= radius**2
    remaining = np.ones(len(xy), dtype=bool)
    out: list[tuple[str, tuple[float, float, float, float]]] = []
    for letter in "ABCD"[:max_insets]:
        counts = (near & remaining[None, :]).sum(axis=1) * remaining
        window = None
        for best in np.argsort(-counts, kind="stable"):
            if counts[best] < min_group:
                break
            group = remaining & near[best]
            cx, cy = xy[group, 0].mean(), xy[group, 1].mean()
            cand = (cx - w / 2, cx + w / 2, cy - h / 2, cy + h / 2)
            if all(cand[1] < o[0] or cand[0] > o[1] or cand[3] < o[2] or cand[2] > o[3]
                   for _, o in out):
                window = cand
                break
            remaining[best] = False  # its place is already covered by another inset
        if window is None:
            break
        covered = (xy[:, 0] > window[0]) & (xy[:, 0] < window[1]) & (
            xy[:, 1] > window[2]) & (xy[:, 1] < window[3])
        remaining &= ~covered
        out.append((letter, window))
    return out


_COUNTY_WORDS = frozenset({"KENT", "MEDWAY", "ENGLAND", "UK", "UNITED KINGDOM"})


def _place_name(data: _DistrictData, window: Sequence[float]) -> str:
    """A short place name for an inset: the town part of the biggest co-location's address."""
    c = data.colocations
    inside = c.loc[(c["cx"] > window[0]) & (c["cx"] < window[1]) & (c["cy"] > window[2])
                   & (c["cy"] < window[3])]
    for place in inside["place"]:
        parts = [p.strip() for p in str(place).split(",") if p.strip()]
        if parts and place != "(location withheld)":
            # the last part that is neither a postcode nor a county ("KENT")
            for part in reversed(parts):
                if re.fullmatch(r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}", part.upper()):
                    continue
                if part.upper() in _COUNTY_WORDS:
                    continue
                return clean_text(part.title() if part.isupper() else part, max_chars=28)
    return ""


# --------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class _Column:
    header: str
    weight: float = 0.0  # 0: as wide as its widest cell; else a share of the rest
    align: str = "left"


def _column_widths(columns: Sequence[_Column], rows: Sequence[Sequence[str]], width_mm: float,
                   size_pt: float, pad_mm: float) -> list[float]:
    widths = [0.0] * len(columns)
    for i, col in enumerate(columns):
        if col.weight == 0:
            cells = [clean_text(r[i]) for r in rows] or [""]
            need = max(_text_width_mm(c, size_pt) for c in cells)
            head = max((_text_width_mm(w, size_pt, bold=True) for w in col.header.split()),
                       default=0.0)
            widths[i] = max(need, head) + 2 * pad_mm + 0.3
    rest = width_mm - sum(widths)
    total = sum(c.weight for c in columns if c.weight > 0)
    for i, col in enumerate(columns):
        if col.weight > 0:
            head = max((_text_width_mm(w, size_pt, bold=True) for w in col.header.split()),
                       default=0.0)
            widths[i] = max(rest * col.weight / total, head + 2 * pad_mm + 0.3, 6.0)
    scale = min(1.0, width_mm / sum(widths))
    return [w * scale for w in widths]


def _table_height_mm(columns: Sequence[_Column], rows: Sequence[Sequence[str]], width_mm: float,
                     size_pt: float, max_lines: int) -> float:
    """Height the header and all ``rows`` of a table need, in mm (as :func:`_draw_table`)."""
    pad = 1.0
    widths = _column_widths(columns, rows, width_mm, size_pt, pad)
    line_mm = size_pt * _PT_MM * 1.2
    head = max(len(_wrap_mm(c.header, widths[i] - 2 * pad, size_pt, 3, bold=True))
               for i, c in enumerate(columns))
    total = head * line_mm + 1.6
    for row in rows:
        n = max(len(_wrap_mm(clean_text(v), widths[i] - 2 * pad, size_pt, max_lines))
                for i, v in enumerate(row))
        total += n * line_mm + 1.5
    return total


def _draw_table(
    page: _Page,
    box: tuple[float, float, float, float],
    columns: Sequence[_Column],
    rows: Sequence[Sequence[str]],
    *,
    size_pt: float,
    title: str | None = None,
    max_lines: int = 2,
    more_note: str = "",
    bold_last: bool = False,
) -> int:
    """Draw a table in ``box`` = (x, y, w, h) mm; return how many rows fitted."""
    from matplotlib.patches import Rectangle

    x0, y0, w, h = box
    ax = page.fig.add_axes(page.rect(x0, y0, w, h))
    ax.set_xlim(0, w)
    ax.set_ylim(0, h)
    ax.axis("off")
    line_mm = size_pt * _PT_MM * 1.2
    ascent_mm = size_pt * _PT_MM * 0.78
    y = h
    if title:
        ax.text(0, y, title, fontsize=size_pt + 2.5, fontweight="bold", va="top", ha="left",
                parse_math=False, color=_TEXT)
        y -= (size_pt + 2.5) * _PT_MM * 1.3 + 1.5
    pad = 1.0
    widths = _column_widths(columns, rows, w, size_pt, pad)
    lefts = np.concatenate([[0.0], np.cumsum(widths)[:-1]])

    def put(i: int, top: float, lines: Sequence[str], bold: bool) -> None:
        col = columns[i]
        xx, ha = ((lefts[i] + widths[i] - pad, "right") if col.align == "right"
                  else (lefts[i] + pad, "left"))
        for k, line in enumerate(lines):
            if line:
                ax.text(xx, top - ascent_mm - k * line_mm, line, fontsize=size_pt,
                        fontweight="bold" if bold else "normal", va="baseline", ha=ha,
                        parse_math=False, color=_TEXT)

    head = [_wrap_mm(c.header, widths[i] - 2 * pad, size_pt, 3, bold=True)
            for i, c in enumerate(columns)]
    n_head = max(len(x) for x in head)
    for i, lines in enumerate(head):
        put(i, y - 0.8 - (n_head - len(lines)) * line_mm, lines, True)
    y -= n_head * line_mm + 1.6
    ax.plot([0, w], [y, y], color="#333333", lw=0.8)
    note_h = line_mm + 1.5
    drawn = 0
    for r, row in enumerate(rows):
        cells = [
            _wrap_mm(clean_text(v), widths[i] - 2 * pad, size_pt, max_lines)
            for i, v in enumerate(row)
        ]
        rh = max(len(x) for x in cells) * line_mm + 1.5
        reserve = note_h if r < len(rows) - 1 else 0.0
        if y - rh < reserve:
            break
        if r % 2 == 1:
            ax.add_patch(Rectangle((0, y - rh), w, rh, fc="#F1F1F1", ec="none", zorder=0))
        bold = bold_last and r == len(rows) - 1
        for i, lines in enumerate(cells):
            put(i, y - 0.75, lines, bold)
        y -= rh
        drawn += 1
    ax.plot([0, w], [y, y], color="#333333", lw=0.5)
    left = len(rows) - drawn
    if left > 0 or more_note:
        note = (f"+ {left} more not shown. " if left > 0 else "") + more_note
        ax.text(0, y - 0.8, clean_text(note), fontsize=MIN_FONT_PT, va="top", ha="left",
                color=_MUTED, parse_math=False)
    return drawn


_SHORTLIST_COLUMNS = (
    _Column("Id"),
    _Column("Place (largest member)", 3.0),
    _Column("Agencies", 2.0),
    _Column("Floor area m²", align="right"),
    _Column("Staff FTE", align="right"),
    _Column("Running cost /yr", align="right"),
    _Column("Saving /yr (est.)", align="right"),
    _Column("Rank", align="right"),
)


def _shortlist_rows(shortlist: pd.DataFrame) -> list[list[str]]:
    rows = []
    for _, s in shortlist.iterrows():
        dr, rk = s["district_rank"], s["rank"]
        rank = _fmt_number(dr) if pd.notna(dr) else "–"
        if pd.notna(rk):
            rank += f" ({_fmt_number(rk)})"
        rows.append([
            s["colocation_id"], s["place"], s["agencies"], _fmt_number(s["gia_m2"]),
            _fmt_number(s["staff_fte"]), _fmt_money(s["annual_cost_gbp"]),
            _fmt_money(s["saving_gbp"]), rank,
        ])
    return rows


# --------------------------------------------------------------------------- district page


def _legend(page: _Page, x0: float, top: float, w: float, data: _DistrictData) -> float:
    """Draw the legend with its top-left corner at (x0, top) mm; return its height in mm."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    h = _legend_height_mm(data)
    ax = page.fig.add_axes(page.rect(x0, top - h, w, h))
    ax.axis("off")
    size = 7.5
    chars = _chars_for(w - 9.0, size)
    handles: list[Any] = []
    labels: list[str] = []
    for agency in sorted(data.counts):
        st = data.styles.get(agency) or style.agency_styles([agency])[agency]
        sens = agency in data.sensitive
        handles.append(Line2D([], [], ls="none", marker=st.marker, markersize=6,
                              markerfacecolor="white" if sens else st.colour,
                              markeredgecolor=st.colour if sens else "#1A1A1A",
                              markeredgewidth=1.1 if sens else 0.4))
        suffix = f" ({data.abbr.get(agency, '')}): {data.counts[agency]:,}"
        if sens:
            suffix += " *"
        labels.append(clean_text(agency, max_chars=max(chars - len(suffix), 8)) + suffix)
    n_colocs = len(data.colocations)
    handles.append(Patch(fc=style.HULL_COLOUR + "29", ec=style.HULL_COLOUR, lw=0.9))
    labels.append(f"Co-location outline: {n_colocs:,} in district")
    handles.append(Patch(fc="white", ec=style.HULL_COLOUR, lw=1.2))
    labels.append(f"Label bold = shortlisted ({len(data.shortlist):,})")
    leg = ax.legend(handles, labels, loc="upper left", frameon=False, fontsize=size,
                    title="Agencies (assets in district)", title_fontproperties={
                        "size": size + 1, "weight": "bold"}, alignment="left",
                    borderaxespad=0.0, handletextpad=0.6, labelspacing=0.45, handlelength=1.6)
    for t in [*leg.get_texts(), leg.get_title()]:
        t.set_parse_math(False)
    extent = leg.get_window_extent(page.fig.canvas.get_renderer())  # type: ignore[attr-defined]
    used = extent.height / page.fig.dpi * 25.4 + 1.5
    if data.sensitive & set(data.counts):
        note = ("* sensitive: each site is shown only at the centre of its 1 km grid square, "
                "without name or address")
        lines = _wrap_mm(note, w, MIN_FONT_PT, 3)
        page.text(x0, top - used, "\n".join(lines), fontsize=MIN_FONT_PT, va="top",
                  ha="left", color=_MUTED, linespacing=1.25)
        used += len(lines) * MIN_FONT_PT * _PT_MM * 1.3 + 1.0
    return used


def _legend_height_mm(data: _DistrictData) -> float:
    n = len(data.counts) + 2
    h = (n + 1.4) * 7.5 * _PT_MM * 1.62 + 2
    if data.sensitive & set(data.counts):
        h += 2 * MIN_FONT_PT * _PT_MM * 1.3 + 1
    return h


def _draw_district_page(
    page: _Page,
    data: _DistrictData,
    *,
    title: str | None,
    data_date: date | datetime | str | None,
    synthetic: bool,
    params_note: str | None,
    attribution_year: int,
    boundary_source: str,
    max_insets: int,
    page_label: str | None = None,
) -> None:
    big = page.width_mm > 350
    heading = f"{data.name}: co-location opportunities"
    sub = _subtitle(title, _date_text(data_date), params_note,
                    style.SYNTHETIC_NOTE if synthetic else None,
                    f"district {data.code}")
    top = _header(page, heading, sub)
    bottom = _footer(page, _attribution(attribution_year, boundary_source, synthetic),
                     page_label=page_label)
    gap = 7.0
    col_w = 140.0 if big else 112.0
    tick_pad = 5.0
    map_x = MARGIN_MM + tick_pad
    map_w = page.width_mm - 2 * MARGIN_MM - col_w - gap - tick_pad
    map_y = bottom + tick_pad + 3.0
    map_h = top - map_y - 1.0
    view = _view(data.geom.bounds, map_w, map_h)

    col_x = page.width_mm - MARGIN_MM - col_w
    leg_h = _legend(page, col_x, top, col_w, data)
    y = top - leg_h - 3.0

    # insets where labels would crowd the main map
    n_side = 2 if big else 1
    inset_w = (col_w - 4.0) / 2 if (n_side == 2 and max_insets >= 2) else col_w
    inset_h = min(inset_w * 0.95, 78.0 if big else 55.0)
    table_pt = 7.0 if big else MIN_FONT_PT
    rows = _shortlist_rows(data.shortlist)
    table_need = _table_height_mm(_SHORTLIST_COLUMNS, rows, col_w, table_pt, 3) + 12.0
    room = y - bottom - table_need
    if room < inset_h + 10.0:
        max_insets = 0  # the shortlist comes first: every id must be on the page
    windows = _find_insets(data.colocations, view, map_w, max_insets=min(max_insets, n_side),
                           inset_w_mm=inset_w, aspect=inset_w / inset_h)
    if len(windows) == 1:
        inset_w = col_w
        inset_h = min(70.0 if big else 55.0, max(room - 10.0, inset_h))
        windows = _find_insets(data.colocations, view, map_w, max_insets=1,
                               inset_w_mm=inset_w, aspect=inset_w / inset_h)
    map_style = _MapStyle(marker_pt=4.2 if big else 3.4, label_pt=7.0 if big else MIN_FONT_PT,
                          neighbour_names=True, north=True)
    inset_style = _MapStyle(marker_pt=5.0 if big else 4.0, label_pt=MIN_FONT_PT + 0.5,
                            neighbour_names=False, north=False)
    covered: set[str] = set()
    for i, (letter, window) in enumerate(windows):
        ix = col_x + i * (inset_w + 4.0)
        iy = y - inset_h - 4.0
        ax_in = page.fig.add_axes(page.rect(ix, iy, inset_w, inset_h))
        c = data.colocations
        inside = c.loc[(c["cx"] > window[0]) & (c["cx"] < window[1]) & (c["cy"] > window[2])
                       & (c["cy"] < window[3])]
        covered.update(inside["colocation_id"])
        _draw_map(ax_in, data, window, box_w_mm=inset_w, label_ids=list(inside["colocation_id"]),
                  map_style=inset_style, frame_labels=False)
        _scalebar(ax_in, size_pt=MIN_FONT_PT)
        place = _place_name(data, window)
        page.text(ix, iy + inset_h + 0.8, f"Inset {letter}" + (f": {place}" if place else ""),
                  fontsize=7.5, fontweight="bold", va="bottom", ha="left")
    if windows:
        y -= inset_h + 4.0 + 6.0

    ax = page.fig.add_axes(page.rect(map_x, map_y, map_w, map_h))
    main_ids = [i for i in data.colocations["colocation_id"] if i not in covered]
    _draw_map(ax, data, view, box_w_mm=map_w, label_ids=main_ids, map_style=map_style,
              frame_labels=True, insets=windows)
    _scalebar(ax, size_pt=7.5)
    _north_arrow(ax)
    ax.set_xlabel("Easting, km (British National Grid)", fontsize=MIN_FONT_PT, color=_MUTED,
                  labelpad=1.5)
    ax.set_ylabel("Northing, km", fontsize=MIN_FONT_PT, color=_MUTED, labelpad=1.5)

    table_h = y - bottom - 1.0
    if rows:
        _draw_table(page, (col_x, bottom + 1.0, col_w, table_h), _SHORTLIST_COLUMNS, rows,
                    size_pt=table_pt,
                    title=f"Shortlist: {len(rows)} co-location{'s' if len(rows) != 1 else ''}",
                    more_note="Rank: in district (in county). Costs and savings £ a year.",
                    max_lines=3)
    else:
        page.text(col_x, y, "Shortlist", fontsize=9.5, fontweight="bold", va="top")
        msg = ("No shortlisted co-location in this district." if len(data.colocations)
               else "No multi-agency co-location found in this district.")
        page.text(col_x, y - 6.0, msg, fontsize=7.5, va="top", color=_MUTED)


def district_pdf(
    assets: gpd.GeoDataFrame,
    districts: gpd.GeoDataFrame,
    opportunities: gpd.GeoDataFrame,
    *,
    district_code: str,
    paper: str = "A3",
    title: str | None = None,
    data_date: date | datetime | str | None = None,
    synthetic: bool = False,
    params_note: str | None = None,
    attribution_year: int = 2025,
    sensitive_agencies: Iterable[str] = frozenset(),
    boundary_source: str | None = None,
    max_insets: int = 2,
) -> Figure:
    """Draw one printable landscape page for a district.

    The page holds the district map (boundary, faint neighbours, assets coloured
    and shaped by agency, co-location outlines labelled with their ids, scale bar,
    north arrow, British National Grid ticks in km), a legend with counts, inset
    maps of the places where co-locations crowd each other, the district's
    shortlist table (ids match the map labels), and the attribution.

    Parameters
    ----------
    assets
        Canonical assets (EPSG:27700) with ``colocation_id``; all districts.
    districts
        ``district_code``, ``district_name``, geometry (EPSG:27700).
    opportunities
        ``score_opportunities`` output (hull polygons in EPSG:27700).
    district_code
        ONS code of the district to draw.
    paper
        ``"A3"`` (default) or ``"A4"``, landscape.
    title
        Title of the estate, shown in the subtitle.
    data_date
        Date the registers describe.
    synthetic
        True to say "synthetic sample data" on the page.
    params_note
        Short text about the analysis parameters, e.g. ``"eps 250 m"``.
    attribution_year
        Copyright year of the OS / ONS / Royal Mail data.
    sensitive_agencies
        Agencies drawn only generalised to 1 km squares (in addition to rows
        whose ``sensitive`` column is True).
    boundary_source
        ``"official"`` or ``"derived"``; default ``districts.attrs["boundary_source"]``.
    max_insets
        Most inset maps to draw for crowded town centres (0 for none).

    Returns
    -------
    matplotlib.figure.Figure
        The page (Agg canvas attached). Save it with :func:`write_figure_pdf`
        to get embedded TrueType fonts and fixed metadata.

    Raises
    ------
    ValidationError
        If ``paper`` is not A3/A4 or ``district_code`` is not in ``districts``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import kentassets as ka
    >>> estate = ka.sample_estate()
    >>> colocs = ka.find_colocations(estate.assets, eps_m=250)
    >>> assets = colocs.label_assets(estate.assets)
    >>> opps = ka.score_opportunities(colocs, assets)
    >>> fig = ka.district_pdf(assets, ka.load_districts(), opps, district_code="E07000110",
    ...                       paper="A4", synthetic=True)
    >>> type(fig).__name__, [round(inches * 25.4) for inches in fig.get_size_inches()]  # mm
    ('Figure', [297, 210])
    >>> plt.close(fig)

    Save it with :func:`write_figure_pdf` (into a folder of your choice), e.g.
    ``write_figure_pdf(fig, "maidstone.pdf")``.
    """
    page_size = _paper_mm(paper)
    del page_size
    assets = style.with_districts(assets, districts)
    with _rc():
        page = _new_page(paper)
        data = _prepare_district(assets, districts, district_code,
                                 _common(assets, opportunities, sensitive_agencies))
        _draw_district_page(page, data, title=title, data_date=data_date, synthetic=synthetic,
                            params_note=params_note, attribution_year=attribution_year,
                            boundary_source=_boundary_source(districts, boundary_source),
                            max_insets=max_insets)
    return page.fig


# --------------------------------------------------------------------------- cover


def _draw_county_map(ax: Axes, districts: gpd.GeoDataFrame, counts: Mapping[str, int],
                     points: np.ndarray, box_w_mm: float, box_h_mm: float,
                     label_pt: float = 7.5) -> None:
    from matplotlib import colormaps

    view = _view(districts.total_bounds, box_w_mm, box_h_mm, pad=0.03)
    ax.set_xlim(view[0], view[1])
    ax.set_ylim(view[2], view[3])
    ax.set_aspect("equal", adjustable="box")
    cmap = colormaps["Oranges"]
    top = max(max(counts.values(), default=0), 1)
    for _, r in districts.iterrows():
        n = counts.get(str(r[schema.DISTRICT_CODE]), 0)
        _add_geom(ax, r.geometry, facecolor=cmap(0.08 + 0.5 * n / top), edgecolor="#444444",
                  lw=0.7, zorder=1)
    if len(points):
        ax.scatter(points[:, 0], points[:, 1], s=5, c=style.HULL_COLOUR, edgecolors="#5A2A00",
                   linewidths=0.2, zorder=2)
    for _, r in districts.iterrows():
        p = r.geometry.representative_point()
        n = counts.get(str(r[schema.DISTRICT_CODE]), 0)
        name = "\n".join(_wrap(clean_text(r.get(schema.DISTRICT_NAME, ""), max_chars=40), 13, 2))
        ax.text(p.x, p.y, f"{name}\n{n:,}", ha="center", va="center", fontsize=label_pt,
                zorder=5, parse_math=False, color=_TEXT, linespacing=1.15,
                bbox={"boxstyle": "round,pad=0.2", "fc": "white", "alpha": 0.8, "ec": "none"})
    _bng_frame(ax, view, labels=True)
    _scalebar(ax, size_pt=7.5)
    _north_arrow(ax)


def _draw_sweep(ax: Axes, sweep: pd.DataFrame | None, eps_m: float | None) -> None:
    ax.set_title("Sensitivity to the co-location distance (eps)", fontsize=9.5,
                 fontweight="bold", loc="left")
    if sweep is None or len(sweep) == 0 or "eps_m" not in sweep.columns:
        ax.text(0.5, 0.5, "No sweep available", ha="center", va="center",
                transform=ax.transAxes, fontsize=8, color=_MUTED)
        ax.set_xticks([])
        ax.set_yticks([])
        return
    s = sweep.sort_values("eps_m")
    x = pd.to_numeric(s["eps_m"], errors="coerce").to_numpy(dtype=float)
    ax.plot(x, _num_col(s, "n_colocations").to_numpy(), marker="o", color=style.HULL_COLOUR,
            lw=1.4, ms=4, label="co-locations")
    ax.set_ylabel("Co-locations", fontsize=7.5, color=style.HULL_COLOUR)
    ax.set_xlabel("eps, metres (largest distance between neighbouring assets)", fontsize=7.5)
    ax.tick_params(labelsize=7)
    if np.nanmin(x) > 0 and np.nanmax(x) / np.nanmin(x) > 8:
        ax.set_xscale("log")
    ax.set_xticks(x)
    ax.set_xticklabels([f"{v:,.0f}" for v in x])
    ax.minorticks_off()
    ax.grid(True, color="#DDDDDD", lw=0.5)
    if "n_assets" in s.columns:
        ax2 = ax.twinx()
        ax2.plot(x, _num_col(s, "n_assets").to_numpy(), marker="s", color=style.PALETTE[0],
                 lw=1.2, ms=3.5, ls="--")
        ax2.set_ylabel("Assets in co-locations", fontsize=7.5, color=style.PALETTE[0])
        ax2.tick_params(labelsize=7)
        ax2.minorticks_off()
    if eps_m is not None:
        ax.axvline(float(eps_m), color="#333333", lw=0.8, ls=":")
        ax.text(float(eps_m), 0.02, f" used: {float(eps_m):,.0f} m",
                transform=ax.get_xaxis_transform(), fontsize=7, ha="left", va="bottom",
                color="#333333")


def _totals_lines(totals: Mapping[str, Any], n_colocs: int, n_short: int, n_assets: int) -> list[
    tuple[str, str]
]:
    def num(key: str) -> float | None:
        try:
            v = float(totals.get(key))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return None
        return v if np.isfinite(v) else None

    annual = num("annual_saving_gbp")
    target = num("target_gbp")
    if target is None:
        target = num("savings_target_gbp")
    years = num("target_years")
    over = num("saving_over_target_period_gbp")
    if over is None and annual is not None and years is not None:
        over = annual * years
    share = num("share_of_target")
    if share is None and over is not None and target:
        share = over / target
    lines = [
        ("Assets mapped", f"{n_assets:,}"),
        ("Multi-agency co-locations", f"{n_colocs:,}"),
        ("Shortlisted", f"{n_short:,}"),
        ("Estimated saving a year", _fmt_money(annual)),
    ]
    if years is not None:
        lines.append((f"Saving over {years:,.0f} years", _fmt_money(over)))
    if target is not None:
        lines.append(("Savings target" + (f" ({years:,.0f} years)" if years else ""),
                      _fmt_money(target)))
    if share is not None:
        lines.append(("Share of target", f"{share:.0%}"))
    return lines


def _draw_cover(
    page: _Page,
    *,
    districts: gpd.GeoDataFrame,
    opportunities: gpd.GeoDataFrame,
    assets: gpd.GeoDataFrame,
    sweep: pd.DataFrame | None,
    totals: Mapping[str, Any],
    title: str,
    data_date: date | datetime | str | None,
    synthetic: bool,
    params_note: str | None,
    attribution_year: int,
    boundary_source: str,
    eps_m: float | None,
    page_label: str | None,
) -> None:
    from matplotlib.patches import Rectangle

    big = page.width_mm > 350
    sub = _subtitle("Co-location opportunities atlas", _date_text(data_date), params_note,
                    style.SYNTHETIC_NOTE if synthetic else None)
    top = _header(page, title or "Public estate", sub)
    bottom = _footer(page, _attribution(attribution_year, boundary_source, synthetic),
                     page_label=page_label)
    opps = _colocation_rows(opportunities)
    codes = _str_col(opps, schema.DISTRICT_CODE)
    counts = {str(k): int(v) for k, v in codes.dropna().value_counts().items()}
    pts = np.empty((0, 2))
    if len(opps) and "geometry" in opps.columns:
        cent = opps.geometry.centroid
        pts = np.column_stack([cent.x.to_numpy(), cent.y.to_numpy()])
    # generalise co-location dots that contain sensitive members? centroids are
    # averages of several sites, drawn small at county scale: no single site is shown.
    col_w = 150.0 if big else 105.0
    tick_pad = 5.0
    map_x = MARGIN_MM + tick_pad
    map_w = page.width_mm - 2 * MARGIN_MM - col_w - 8.0 - tick_pad
    map_y = bottom + tick_pad + 2.0
    map_h = top - map_y - 6.0
    ax = page.fig.add_axes(page.rect(map_x, map_y, map_w, map_h))
    _draw_county_map(ax, districts, counts, pts, map_w, map_h,
                     label_pt=7.5 if big else MIN_FONT_PT)
    page.text(map_x, top - 1.0, "Multi-agency co-locations by district (dots: co-locations)",
              fontsize=9.5, fontweight="bold", va="top")

    col_x = page.width_mm - MARGIN_MM - col_w
    n_short = int(_bool_col(opps, "shortlisted", False).sum())
    lines = _totals_lines(totals, len(opps), n_short, len(assets))
    page.text(col_x, top - 1.0, "County totals", fontsize=11, fontweight="bold", va="top")
    y = top - 9.0
    size = 10.0 if big else 8.5
    for label, value in lines:
        page.text(col_x, y, label, fontsize=size, va="top")
        page.text(col_x + col_w, y, value, fontsize=size, va="top", ha="right",
                  fontweight="bold")
        y -= size * _PT_MM * 1.7
    share = None
    try:
        share = float(totals.get("share_of_target"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        share = None
    if share is not None and np.isfinite(share):
        y -= 2.0
        bar = page.fig.add_axes(page.rect(col_x, y - 6.0, col_w, 6.0))
        bar.set_xlim(0, max(1.0, share))
        bar.set_ylim(0, 1)
        bar.axis("off")
        bar.add_patch(Rectangle((0, 0), 1.0, 1, fc="#EEEEEE", ec="#555555", lw=0.6))
        bar.add_patch(Rectangle((0, 0.15), share, 0.7, fc=style.HULL_COLOUR, ec="none"))
        bar.plot([1.0, 1.0], [-0.25, 1.25], color="#222222", lw=1.2, clip_on=False)
        bar.text(1.0, -0.35, "target", ha="center", va="top", fontsize=MIN_FONT_PT,
                 color=_TEXT, parse_math=False)
        y -= 6.0 + 5.0
        page.text(col_x, y, f"Estimated savings over the target period: {share:.0%} of the "
                  "target (black line).", fontsize=7.5, va="top", color=_MUTED)
        y -= 16.0
    sweep_h = min(y - bottom - 14.0, 135.0 if big else 80.0)
    if sweep_h > 30:
        sx = page.fig.add_axes(page.rect(col_x + 11.0, y - sweep_h, col_w - 24.0, sweep_h))
        _draw_sweep(sx, sweep, eps_m)


def _draw_load_summary(
    page: _Page,
    load_summary: pd.DataFrame | None,
    *,
    title: str,
    data_date: date | datetime | str | None,
    synthetic: bool,
    attribution_year: int,
    boundary_source: str,
    page_label: str | None,
) -> None:
    sub = _subtitle(title, _date_text(data_date), style.SYNTHETIC_NOTE if synthetic else None,
                    "every input row is listed in the ledger, with the reason and what to fix")
    top = _header(page, "Load summary by agency", sub)
    bottom = _footer(page, _attribution(attribution_year, boundary_source, synthetic),
                     page_label=page_label)
    frame = load_summary if load_summary is not None else pd.DataFrame()
    cols = (
        _Column("Agency", 2.0),
        _Column("Rows", align="right"),
        _Column("Loaded", align="right"),
        _Column("Excluded", align="right"),
        _Column("Rejected", align="right"),
        _Column("", 0.3),
        _Column("Top reasons", 4.0),
    )
    rows: list[list[str]] = []
    sums = {k: 0.0 for k in ("rows", "loaded", "excluded", "rejected")}
    for _, r in frame.iterrows():
        reasons = r.get("top_reasons", "")
        if isinstance(reasons, Mapping):
            reasons = "; ".join(f"{k} ({v})" for k, v in reasons.items())
        elif isinstance(reasons, list | tuple):
            reasons = "; ".join(str(x) for x in reasons)
        row = [clean_text(r.get("agency", ""))]
        for key in sums:
            row.append(_fmt_number(r.get(key)))
            value = pd.to_numeric(r.get(key), errors="coerce")
            if pd.notna(value):
                sums[key] += float(value)
        row += ["", clean_text(reasons)]
        rows.append(row)
    has_total = bool(rows) and rows[-1][0].strip().lower() in {"all", "total", "all agencies"}
    if rows and not has_total:
        rows.append(["All agencies", *(_fmt_number(v) for v in sums.values()), "", ""])
    else:
        rows.append(["(no load summary given)", "", "", "", "", "", ""])
    width = page.width_mm - 2 * MARGIN_MM
    _draw_table(page, (MARGIN_MM, bottom + 2.0, width, top - bottom - 4.0), cols, rows,
                size_pt=8.5 if page.width_mm > 350 else 7.0, max_lines=3, bold_last=True)


# --------------------------------------------------------------------------- writing


def _pdf_date(creation_date: datetime | None, data_date: date | datetime | str | None
              ) -> datetime:
    """The fixed date written to CreationDate/ModDate, so the bytes are reproducible."""
    if creation_date is not None:
        return creation_date if creation_date.tzinfo else creation_date.replace(tzinfo=UTC)
    if isinstance(data_date, datetime):
        return data_date if data_date.tzinfo else data_date.replace(tzinfo=UTC)
    if isinstance(data_date, date):
        return datetime(data_date.year, data_date.month, data_date.day, tzinfo=UTC)
    if isinstance(data_date, str):
        try:
            d = date.fromisoformat(data_date.strip()[:10])
            return datetime(d.year, d.month, d.day, tzinfo=UTC)
        except ValueError:
            pass
    return DEFAULT_PDF_DATE


def _metadata(title: str, when: datetime, subject: str) -> dict[str, Any]:
    return {
        "Title": clean_text(title, max_chars=200),
        "Subject": subject,
        "Creator": f"kentassets {__version__}",
        "CreationDate": when,
        "ModDate": when,
    }


def _write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write through :func:`kentassets.io.outputs.write_bytes_atomic` (temp file + rename)."""
    from ..io.outputs import write_bytes_atomic

    return write_bytes_atomic(path, data)


def _figures_to_pdf(figures: Iterable[Figure], metadata: Mapping[str, Any]) -> bytes:
    from matplotlib.backends.backend_pdf import PdfPages

    buf = io.BytesIO()
    with _rc(), PdfPages(buf, metadata=dict(metadata)) as pdf:
        for fig in figures:
            pdf.savefig(fig)
    return buf.getvalue()


def _with_outline(data: bytes, bookmarks: Sequence[tuple[str, int]]) -> bytes:
    """Add a PDF outline (bookmarks) with pypdf; deterministic (no /ID is added)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    for label, index in bookmarks:
        writer.add_outline_item(title=clean_text(label, max_chars=120), page_number=index)
    writer.page_mode = "/UseOutlines"
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def write_figure_pdf(
    fig: Figure,
    path: str | os.PathLike[str],
    *,
    title: str | None = None,
    creation_date: datetime | None = None,
    data_date: date | datetime | str | None = None,
) -> Path:
    """Save a page from :func:`district_pdf` as a one-page, reproducible PDF.

    Fonts are embedded as TrueType subsets (searchable text), the creation and
    modification dates are fixed (``creation_date``, else ``data_date``, else
    2000-01-01), and the file is written atomically (temporary file in the same
    folder, then ``os.replace``).

    Parameters
    ----------
    fig
        The page.
    path
        Destination file (missing folders are created).
    title
        PDF document title (metadata).
    creation_date
        Date written to the PDF metadata; the pipeline may derive it from
        ``SOURCE_DATE_EPOCH``.
    data_date
        Used for the metadata date when ``creation_date`` is None.

    Returns
    -------
    pathlib.Path
        The path written.

    Notes
    -----
    Typical use: ``write_figure_pdf(district_pdf(assets, districts, opportunities,
    district_code="E07000110"), "out/maidstone.pdf")``.
    """
    when = _pdf_date(creation_date, data_date)
    data = _figures_to_pdf([fig], _metadata(title or "District map", when,
                                            "Co-location opportunities, district map"))
    return _write_bytes(path, data)


def write_atlas(
    path: str | os.PathLike[str],
    *,
    assets: gpd.GeoDataFrame,
    districts: gpd.GeoDataFrame,
    opportunities: gpd.GeoDataFrame,
    sweep: pd.DataFrame | None,
    totals: Mapping[str, Any] | None,
    load_summary: pd.DataFrame | None,
    title: str,
    data_date: date | datetime | str | None,
    synthetic: bool,
    paper: str = "A3",
    params_note: str | None = None,
    eps_m: float | None = None,
    attribution_year: int = 2025,
    sensitive_agencies: Iterable[str] = frozenset(),
    boundary_source: str | None = None,
    max_insets: int = 2,
    creation_date: datetime | None = None,
) -> None:
    """Write the county atlas PDF: cover, one page per district, load summary.

    The cover holds the title, the data date, a county map of the districts with
    their co-location counts, the county totals against the savings target and
    the eps sensitivity plot. District pages are those of :func:`district_pdf`
    (in the order of ``districts``). The PDF has a bookmark per page, embedded
    TrueType fonts, fixed dates (byte-identical output for identical input) and
    is written atomically.

    Parameters
    ----------
    path
        Destination file, e.g. ``out/atlas.pdf`` (missing folders are created).
    assets, districts, opportunities
        As for :func:`district_pdf`.
    sweep
        ``sweep_eps`` output (``eps_m``, ``n_colocations``, ``n_assets``...).
    totals
        ``county_totals`` output: ``annual_saving_gbp``, ``savings_target_gbp``
        (or ``target_gbp``), ``target_years``, ``saving_over_target_period_gbp``,
        ``share_of_target``; missing keys are tolerated.
    load_summary
        Per agency: ``agency``, ``rows``, ``loaded``, ``excluded``, ``rejected``,
        ``top_reasons``.
    title
        Title of the estate, on the cover and in the PDF metadata.
    data_date
        Date the registers describe; also the PDF date unless ``creation_date``.
    synthetic
        True to say "synthetic sample data" on every page.
    paper
        ``"A3"`` (default) or ``"A4"``, landscape.
    params_note
        Short text about the analysis parameters, on every page.
    eps_m
        The eps used, marked on the sensitivity plot.
    attribution_year
        Copyright year of the OS / ONS / Royal Mail data.
    sensitive_agencies
        Agencies drawn only generalised to 1 km squares.
    boundary_source
        ``"official"`` or ``"derived"``; default ``districts.attrs["boundary_source"]``.
    max_insets
        Most inset maps per district page.
    creation_date
        Date for the PDF metadata (the pipeline may derive it from
        ``SOURCE_DATE_EPOCH``); default ``data_date``, else 2000-01-01.

    Returns
    -------
    None
        The atlas is written to ``path``.

    Raises
    ------
    ValidationError
        If ``paper`` is not A3/A4.

    Examples
    --------
    An atlas with one district page (Maidstone) to keep the example quick,
    written into a temporary folder:

    >>> import tempfile
    >>> from pathlib import Path
    >>> import kentassets as ka
    >>> estate = ka.sample_estate()
    >>> colocs = ka.find_colocations(estate.assets, eps_m=250)
    >>> assets = colocs.label_assets(estate.assets)
    >>> opps = ka.score_opportunities(colocs, assets)
    >>> districts = ka.load_districts()
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     atlas = Path(tmp) / "atlas.pdf"
    ...     ka.write_atlas(
    ...         atlas, assets=assets,
    ...         districts=districts[districts["district_code"] == "E07000110"],
    ...         opportunities=opps, sweep=ka.sweep_eps(assets),
    ...         totals=ka.county_totals(opps), load_summary=estate.summary(),
    ...         title=estate.manifest.title, data_date=estate.manifest.data_date,
    ...         synthetic=True, paper="A4", eps_m=250)
    ...     atlas.read_bytes()[:5]
    b'%PDF-'
    """
    _paper_mm(paper)
    source = _boundary_source(districts, boundary_source)
    common = _common(assets, opportunities, sensitive_agencies)
    codes = [str(c) for c in districts[schema.DISTRICT_CODE]]
    n_pages = len(codes) + 2
    bookmarks: list[tuple[str, int]] = [("Cover: county summary", 0)]

    def pages() -> Iterable[Figure]:
        with _rc():
            page = _new_page(paper)
            _draw_cover(page, districts=districts, opportunities=opportunities, assets=assets,
                        sweep=sweep, totals=totals or {}, title=title, data_date=data_date,
                        synthetic=synthetic, params_note=params_note,
                        attribution_year=attribution_year, boundary_source=source, eps_m=eps_m,
                        page_label=f"Page 1 of {n_pages}")
        yield page.fig
        for i, code in enumerate(codes, start=2):
            with _rc():
                page = _new_page(paper)
                data = _prepare_district(assets, districts, code, common)
                bookmarks.append((data.name, i - 1))
                _draw_district_page(page, data, title=title, data_date=data_date,
                                    synthetic=synthetic, params_note=params_note,
                                    attribution_year=attribution_year, boundary_source=source,
                                    max_insets=max_insets, page_label=f"Page {i} of {n_pages}")
            logger.debug("atlas page %d/%d: %s", i, n_pages, data.name)
            yield page.fig
        with _rc():
            page = _new_page(paper)
            _draw_load_summary(page, load_summary, title=title, data_date=data_date,
                               synthetic=synthetic, attribution_year=attribution_year,
                               boundary_source=source, page_label=f"Page {n_pages} of {n_pages}")
        bookmarks.append(("Load summary by agency", n_pages - 1))
        yield page.fig

    when = _pdf_date(creation_date, data_date)
    raw = _figures_to_pdf(pages(), _metadata(title or "Atlas", when,
                                             "Co-location opportunities atlas"))
    data = _with_outline(raw, bookmarks)
    target = _write_bytes(path, data)
    logger.info("wrote %s (%d pages, %.1f MB)", target, n_pages, len(data) / 1e6)
