"""Place each row at a point on EPSG:27700: coordinate pairs (eastings/northings
or latitude/longitude), OS grid references, the file's geometry, then the
postcode centroid, in that order of preference; rows nothing places are rejected
with the reason of the first method that failed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..io.postcodes import (
    PC_DISTRICT,
    PC_EASTING,
    PC_NORTHING,
    PostcodeDirectory,
    format_postcodes,
    is_postcode_shaped,
)
from ..io.registers import RawTable
from ..schema import (
    CRS,
    GB_BOUNDS_M,
    LOCATION_METHODS,
    POSTCODE,
    REJECTED,
)
from .columns import column_label
from .ledger import (
    REASON_COORDINATES_INVALID,
    REASON_NO_LOCATION,
    REASON_OUTSIDE_GB,
    REASON_POSTCODE_INVALID,
    REASON_POSTCODE_NOT_FOUND,
    WARN_FALLBACK,
    WARN_POSTCODE,
    WARN_SWAPPED,
    Context,
    Message,
)
from .values import parse_numbers
from .vectors import constant_text, fill, flags_of, put, spread

_LOCATION_FIELDS = ("easting", "northing", "latitude", "longitude", "grid_ref", "geometry")
_GB_LAT = (49.0, 61.5)
_GB_LON = (-9.5, 2.5)


@dataclass
class Located:
    """Where each row is, and how it was found.

    The method and the columns it used are kept as codes (-1: not placed) into
    ``ways``, one ``(method, columns)`` pair per way a row was placed, and
    turned into text only for the rows that need it.
    """

    x: pd.Series
    y: pd.Series
    precision: pd.Series
    way: np.ndarray
    ways: list[tuple[str, str]]
    postcode_district: pd.Series | None

    def _text(self, part: int, rows: np.ndarray | None) -> pd.Series:
        codes = self.way if rows is None else self.way[rows]
        index = self.x.index if rows is None else self.x.index[rows]
        return spread(codes, [way[part] for way in self.ways], index, "str")

    @property
    def method(self) -> pd.Series:
        """``location_method`` per row (missing where not placed)."""
        return self._text(0, None)

    @property
    def columns(self) -> pd.Series:
        """The source columns each row's location came from."""
        return self._text(1, None)

    def method_of(self, rows: np.ndarray, index: pd.Index) -> pd.Series:
        """``location_method`` of the ``rows`` (a mask), labelled ``index``."""
        return self._text(0, None if rows.all() else rows).set_axis(index)


def _in_gb(x: pd.Series, y: pd.Series) -> pd.Series:
    x0, y0, x1, y1 = GB_BOUNDS_M
    return ((x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)).fillna(False).astype(bool)


def _geographic(crs: str | None) -> bool:
    if crs is None:
        return False
    import pyproj

    return bool(pyproj.CRS.from_user_input(crs).is_geographic)


def _transform(
    x: pd.Series, y: pd.Series, source: str
) -> tuple[pd.Series, pd.Series]:
    from pyproj import Transformer

    transformer = Transformer.from_crs(source, CRS, always_xy=True)
    ex, ny = transformer.transform(x.to_numpy(dtype=float), y.to_numpy(dtype=float))
    ex = np.where(np.isfinite(ex), ex, np.nan)
    ny = np.where(np.isfinite(ny), ny, np.nan)
    return pd.Series(ex, index=x.index), pd.Series(ny, index=y.index)


class _Placing:
    """The rows' locations while the methods are tried in turn.

    Each method places only rows no earlier method placed (:meth:`place`) and
    notes why rows it could not place failed (:meth:`note`); the first note of
    a row is kept, for its rejection or for the warning that a later method
    stepped in.
    """

    def __init__(self, index: pd.Index) -> None:
        n = len(index)
        self.index = index
        self.xs = np.full(n, np.nan)
        self.ys = np.full(n, np.nan)
        self.precisions = np.full(n, np.nan)
        self.way = np.full(n, -1, dtype=np.int64)  # position in ways; -1: not placed yet
        self.ways: list[tuple[str, str]] = []
        # Why a row could not be placed, in the order the methods were tried.
        self.noted = np.zeros(n, dtype=bool)
        self.problem = constant_text("", index, "str")
        self.problem_reason = self.problem.copy(deep=False)
        self.problem_cols = self.problem.copy(deep=False)

    def unplaced(self) -> pd.Series:
        """Rows no method has placed yet."""
        return pd.Series(self.way < 0, index=self.index)

    def place(
        self, mask: pd.Series, px: pd.Series, py: pd.Series, how: str,
        prec: pd.Series | float, cols: str,
    ) -> None:
        """Place the ``mask`` rows not placed yet at ``px``, ``py``."""
        index, way = self.index, self.way
        flags = flags_of(mask) & (way < 0)
        if not flags.any():
            return
        # The values are read by position: line them up with the frame first.
        px, py = px.reindex(index), py.reindex(index)
        vx = px.to_numpy(dtype=float)
        vy = py.to_numpy(dtype=float)
        vp = prec.reindex(index).to_numpy(dtype=float) if isinstance(prec, pd.Series) else prec
        if flags.all():  # the first way places every row: take the values whole
            self.xs, self.ys = vx, vy
            self.precisions = vp if isinstance(vp, np.ndarray) else np.full(len(index), vp)
        else:
            self.xs[flags] = vx[flags]
            self.ys[flags] = vy[flags]
            self.precisions[flags] = vp[flags] if isinstance(vp, np.ndarray) else vp
        way[flags] = len(self.ways)
        self.ways.append((how, cols))

    def note(self, mask: pd.Series, reason: str, message: Message, cols: str) -> None:
        """Say why the ``mask`` rows not placed (nor noted) yet could not be placed."""
        flags = flags_of(mask) & (self.way < 0) & ~self.noted
        if not flags.any():
            return
        mask = pd.Series(flags, index=self.index)
        self.problem = put(self.problem, mask, Context._text(message, mask))
        self.problem_reason = fill(self.problem_reason, mask, reason)
        self.problem_cols = fill(self.problem_cols, mask, cols)
        self.noted[flags] = True

    def located(self, postcode_district: pd.Series | None) -> Located:
        index = self.index
        return Located(
            pd.Series(self.xs, index=index),
            pd.Series(self.ys, index=index),
            pd.Series(self.precisions, index=index),
            self.way,
            self.ways,
            postcode_district,
        )


def locate(
    raw: RawTable,
    frame: pd.DataFrame,
    mapping: Mapping[str, str | list[str]],
    crs: str | None,
    ctx: Context,
    postcode: pd.Series | None,
    postcodes: PostcodeDirectory | None,
) -> Located:
    """Place every row by the first method that works for it, and reject the rest.

    The methods in order: coordinate pairs (eastings/northings, then
    latitude/longitude), grid references, geometry, postcodes.
    """
    placing = _Placing(frame.index)
    geographic_crs = _geographic(crs)
    pairs: list[tuple[str, str, str]] = []
    if "easting" in mapping:
        pairs.append(("easting", str(mapping["easting"]), str(mapping["northing"])))
    if "latitude" in mapping:
        pairs.append(("latitude", str(mapping["longitude"]), str(mapping["latitude"])))
    for kind, col_x, col_y in pairs:
        _locate_pair(placing, frame, kind, col_x, col_y, crs, geographic_crs, ctx, postcode)
    if "grid_ref" in mapping:
        _locate_grid_references(placing, frame, str(mapping["grid_ref"]))
    geoms, geom_col = _geometries(placing, raw, frame, mapping, crs)
    if geoms is not None:
        _locate_geometries(placing, geoms, geom_col)
    postcode_district: pd.Series | None = None
    if postcode is not None:
        postcode_district = _locate_postcodes(
            placing, postcode, str(mapping[POSTCODE]), postcodes, ctx
        )
    located = placing.located(postcode_district)
    _warn_fallbacks(placing, located, ctx)
    _reject_unplaced(placing, raw, mapping, ctx)
    return located


def _locate_pair(
    placing: _Placing,
    frame: pd.DataFrame,
    kind: str,
    col_x: str,
    col_y: str,
    crs: str | None,
    geographic_crs: bool,
    ctx: Context,
    postcode: pd.Series | None,
) -> None:
    """Methods 1-2: a pair of coordinate columns, read as metres or as degrees."""
    vx, bad_x = parse_numbers(frame[col_x])
    vy, bad_y = parse_numbers(frame[col_y])
    cols = f"{col_x};{col_y}"
    both = vx.notna() & vy.notna()
    bad = (bad_x | bad_y) & ~both
    placing.note(
        bad,
        REASON_COORDINATES_INVALID,
        lambda m: col_x + " / " + col_y + " '"
        + frame[col_x][m].astype("str").fillna("").str.slice(0, 60)
        + "', '" + frame[col_y][m].astype("str").fillna("").str.slice(0, 60)
        + "' are not numbers. Correct them, or map other columns in the manifest.",
        cols,
    )
    zero = both & (vx == 0) & (vy == 0)
    both &= ~zero
    looks_degrees = (vx.abs() <= 180) & (vy.abs() <= 90)
    as_degrees = kind == "latitude" or geographic_crs
    if kind == "easting" and not geographic_crs and both.any():
        # Columns named X/Y or Easting/Northing holding degrees: read as lon/lat.
        as_degrees = bool(looks_degrees[both].mean() > 0.8)
    if as_degrees:
        source = crs if geographic_crs and crs else "EPSG:4326"
        _locate_degrees(placing, vx, vy, both, col_x, col_y, source, ctx)
    else:
        _locate_metres(placing, vx, vy, both, cols, crs)
    ctx.warn(
        zero & postcode.notna() if postcode is not None else zero,
        f"{WARN_FALLBACK}: {col_x}/{col_y} are 0, 0 (a placeholder)",
    )


def _locate_degrees(
    placing: _Placing,
    vx: pd.Series,
    vy: pd.Series,
    both: pd.Series,
    col_x: str,
    col_y: str,
    source: str,
    ctx: Context,
) -> None:
    """Longitude ``vx`` and latitude ``vy`` (swapped back where they were swapped)."""
    cols = f"{col_x};{col_y}"
    lon, lat = vx.copy(), vy.copy()
    swapped = (
        both
        & lat.between(*_GB_LON)
        & lon.between(*_GB_LAT)
        & ~(lat.between(*_GB_LAT) & lon.between(*_GB_LON))
    )
    if swapped.any():
        lon, lat = lon.mask(swapped, vy), lat.mask(swapped, vx)
        ctx.warn(
            swapped,
            lambda m: f"{WARN_SWAPPED}: {col_y} and {col_x} were swapped (latitude "
            + vx[m].astype(str) + ", longitude " + vy[m].astype(str)
            + "); read the other way round. Correct the source.",
        )
    plausible = both & (lat.abs() <= 90) & (lon.abs() <= 180)
    ex, ny = _transform(lon.where(plausible), lat.where(plausible), source)
    ok = plausible & _in_gb(ex, ny) & lat.between(*_GB_LAT) & lon.between(*_GB_LON)
    precision_m = LOCATION_METHODS["latitude_longitude"]
    placing.place(ok, ex, ny, "latitude_longitude", precision_m, cols)
    placing.note(
        both & ~ok,
        REASON_OUTSIDE_GB,
        lambda m: "Latitude/longitude (" + lat[m].astype(str) + ", "
        + lon[m].astype(str) + ") lie outside Great Britain. Correct the coordinates.",
        cols,
    )


def _locate_metres(
    placing: _Placing,
    vx: pd.Series,
    vy: pd.Series,
    both: pd.Series,
    cols: str,
    crs: str | None,
) -> None:
    """Eastings ``vx`` and northings ``vy`` (in ``crs`` when it is not British National Grid)."""
    ex, ny = (vx, vy) if crs in (None, CRS, "EPSG:27700") else _transform(vx, vy, crs)
    ok = both & _in_gb(ex, ny)
    placing.place(ok, ex, ny, "easting_northing", LOCATION_METHODS["easting_northing"], cols)
    placing.note(
        both & ~ok,
        REASON_OUTSIDE_GB,
        lambda m: "Easting/northing (" + vx[m].astype(str) + ", " + vy[m].astype(str)
        + ") lie outside Great Britain (0–700,000 E, 0–1,300,000 N). Correct "
        "them, or give the coordinate system as crs in the manifest.",
        cols,
    )


def _locate_grid_references(placing: _Placing, frame: pd.DataFrame, col: str) -> None:
    """Method 3: OS grid references, at the centre of the referenced square."""
    gx, gy, res, bad = parse_grid_references(frame[col])
    ok = gx.notna()
    placing.place(ok, gx, gy, "grid_reference", (res * np.sqrt(2) / 2).clip(lower=1.0), col)
    placing.note(
        bad,
        REASON_COORDINATES_INVALID,
        lambda m: col + " '" + frame[col][m].astype("str").fillna("")
        + "' is not an OS grid reference (e.g. 'TQ 75840 55630', 6 to 10 figures). "
        "Correct it.",
        col,
    )


def _geometries(
    placing: _Placing,
    raw: RawTable,
    frame: pd.DataFrame,
    mapping: Mapping[str, str | list[str]],
    crs: str | None,
) -> tuple[np.ndarray | None, str]:
    """The file's geometries on EPSG:27700 (a GIS file's own, or WKT text in a
    mapped column) and the column they came from; ``None`` when there are none.
    Unreadable WKT is noted."""
    index = frame.index
    if raw.geometry is not None:
        return raw.geometry.set_axis(index).to_numpy(), "geometry"
    if "geometry" not in mapping:
        return None, ""
    geom_col = str(mapping["geometry"])
    text = frame[geom_col].astype("string")
    with np.errstate(invalid="ignore", over="ignore"):  # unreadable: in the ledger
        parsed = shapely.from_wkt(
            text.fillna("").to_numpy(dtype=object), on_invalid="ignore"
        )
    present = shapely.is_geometry(parsed) & ~shapely.is_empty(parsed)
    placing.note(
        text.notna() & ~pd.Series(present, index=index),
        REASON_COORDINATES_INVALID,
        geom_col + " is not readable geometry (WKT). Correct it.",
        geom_col,
    )
    bounds = shapely.bounds(parsed[present]) if present.any() else np.empty((0, 4))
    degrees = bool(len(bounds)) and bool(np.nanmax(np.abs(bounds)) <= 180)
    wkt_crs = crs if crs is not None else ("EPSG:4326" if degrees else CRS)
    series = gpd.GeoSeries(np.where(present, parsed, None), index=index, crs=wkt_crs)
    if wkt_crs not in (CRS, "EPSG:27700"):
        series = series.to_crs(CRS)
    return series.to_numpy(), geom_col


def _locate_geometries(placing: _Placing, geoms: np.ndarray, geom_col: str) -> None:
    """Method 4: points where they are, other shapes at a point on their surface
    (precision: half their bounding box's diagonal)."""
    index = placing.index
    present = shapely.is_geometry(geoms) & ~shapely.is_empty(np.where(
        shapely.is_geometry(geoms), geoms, shapely.Point()))
    point_type = shapely.get_type_id(geoms) == 0
    with np.errstate(invalid="ignore"):  # degenerate polygons: checked below
        surface = shapely.point_on_surface(geoms)
    anchor = np.where(present & ~point_type, surface, geoms)
    gxv = np.where(present, shapely.get_x(np.where(present, anchor, shapely.Point(0, 0))),
                   np.nan)
    gyv = np.where(present, shapely.get_y(np.where(present, anchor, shapely.Point(0, 0))),
                   np.nan)
    bnds = shapely.bounds(geoms)  # NaN for missing and empty geometries
    with np.errstate(invalid="ignore"):
        half_diag = np.hypot(bnds[:, 2] - bnds[:, 0], bnds[:, 3] - bnds[:, 1]) / 2
    prec = np.where(point_type, LOCATION_METHODS["geometry"], np.fmax(half_diag, 1.0))
    gxs = pd.Series(gxv, index=index)
    gys = pd.Series(gyv, index=index)
    present_s = pd.Series(present, index=index)
    ok = present_s & _in_gb(gxs, gys)
    placing.place(ok, gxs, gys, "geometry", pd.Series(prec, index=index), geom_col)
    placing.note(
        present_s & ~ok,
        REASON_OUTSIDE_GB,
        "The geometry lies outside Great Britain. Check the file's coordinate system "
        "(crs in the manifest).",
        geom_col,
    )


@dataclass
class _DistinctPostcodes:
    """The distinct postcodes of the rows that need one, looked up once.

    A register repeats its postcodes: everything works on the distinct values
    and spreads back to rows by ``row_code`` (-1: the row needs none).
    """

    row_code: np.ndarray
    shaped: np.ndarray  # per distinct value: shaped like a UK postcode
    found: pd.DataFrame  # per distinct value: the directory's answer
    text: Any  # per distinct value: formatted (an Arrow-backed array)

    @classmethod
    def of(
        cls, postcode: pd.Series, need: pd.Series, directory: PostcodeDirectory
    ) -> _DistinctPostcodes:
        flags = need.to_numpy(dtype=bool)
        all_codes, all_uniques = pd.factorize(postcode, use_na_sentinel=True)
        used = np.zeros(len(all_uniques), dtype=bool)
        used[all_codes[flags]] = True
        chosen = np.flatnonzero(used)
        renumber = np.full(len(all_uniques), -1, dtype=np.int64)
        renumber[chosen] = np.arange(len(chosen))
        row_code = np.where(flags, renumber[np.maximum(all_codes, 0)], -1)
        distinct = pd.Series(np.asarray(all_uniques, dtype=object)[chosen])
        shaped_u = is_postcode_shaped(distinct).to_numpy(dtype=bool)
        found_u = directory.lookup(distinct[shaped_u]).reindex(distinct.index)
        text_u = format_postcodes(distinct).astype("str").array
        return cls(row_code, shaped_u, found_u, text_u)

    def per_row(self, m: pd.Series, before: str = "", after: str = "") -> pd.Series:
        """The formatted postcode of the ``m`` rows, between ``before`` and ``after``
        (the text for each distinct postcode once, then taken per row)."""
        flags = m.to_numpy(dtype=bool)
        phrases = self.text if not (before or after) else (
            (before + pd.Series(self.text) + after).astype("str").array
        )
        taken = phrases.take(self.row_code[flags], allow_fill=True)
        return pd.Series(taken, index=m.index[flags])


def _locate_postcodes(
    placing: _Placing,
    postcode: pd.Series,
    pc_col: str,
    postcodes: PostcodeDirectory | None,
    ctx: Context,
) -> pd.Series | None:
    """Method 5: the centroid of the row's postcode. Returns each row's district
    as the postcode directory gives it (missing where not looked up), or ``None``
    when no row needed a postcode."""
    index = placing.index
    need = placing.unplaced() & postcode.notna()
    if not need.any():
        return None
    directory = postcodes or PostcodeDirectory()
    codes = _DistinctPostcodes.of(postcode, need, directory)
    row_code = codes.row_code
    shaped = pd.Series(
        need.to_numpy(dtype=bool) & codes.shaped[np.maximum(row_code, 0)], index=index
    )
    wanted = need & shaped
    wanted_code = np.where(wanted.to_numpy(dtype=bool), row_code, -1)
    safe_code = np.maximum(wanted_code, 0)
    found = codes.found
    pex = pd.Series(
        np.where(wanted_code >= 0, found[PC_EASTING].to_numpy(float)[safe_code], np.nan),
        index=index,
    )
    pny = pd.Series(
        np.where(wanted_code >= 0, found[PC_NORTHING].to_numpy(float)[safe_code], np.nan),
        index=index,
    )
    hit = wanted & pex.notna() & pny.notna()
    placing.place(hit, pex, pny, "postcode", LOCATION_METHODS["postcode"], pc_col)
    ctx.warn(
        hit,
        lambda m: codes.per_row(
            m,
            f"{WARN_POSTCODE}: placed at the centroid of postcode ",
            " (about 100 m); add coordinates for a precise location",
        ),
    )
    postcode_district = pd.Series(
        found[PC_DISTRICT].astype("string").array.take(wanted_code, allow_fill=True),
        index=index,
    )
    placing.note(
        wanted & ~hit,
        REASON_POSTCODE_NOT_FOUND,
        lambda m: "Postcode '" + codes.per_row(m).fillna("")
        + "' is not in the postcode directory (" + directory.source
        + "); it may be retired or mistyped, and the row has no coordinates. "
        "Correct the postcode, or add easting/northing.",
        pc_col,
    )
    placing.note(
        need & ~shaped,
        REASON_POSTCODE_INVALID,
        lambda m: "'" + postcode[m].fillna("") + "' in " + pc_col
        + " is not a UK postcode, and the row has no coordinates. Give the postcode "
        "(e.g. ME14 1XQ) or add easting/northing.",
        pc_col,
    )
    return postcode_district


def _warn_fallbacks(placing: _Placing, located: Located, ctx: Context) -> None:
    """Rows placed by a later method after an earlier one failed: say so."""
    fell_back = pd.Series((placing.way >= 0) & placing.noted, index=placing.index)
    if fell_back.any():
        method = located.method
        problem = placing.problem
        ctx.warn(
            fell_back,
            lambda m: f"{WARN_FALLBACK}: " + problem[m] + " Used " + method[m].fillna("") + ".",
        )


def _reject_unplaced(
    placing: _Placing, raw: RawTable, mapping: Mapping[str, str | list[str]], ctx: Context
) -> None:
    """Reject the open rows no method placed: with the first method's problem
    where one was noted, else as having no location at all."""
    index = placing.index
    noted = pd.Series(placing.noted, index=index)
    unplaced = placing.unplaced() & ctx.open()
    with_problem = unplaced & noted
    problem_reason = placing.problem_reason
    for reason in problem_reason[with_problem].unique():
        mask = with_problem & (problem_reason == reason)
        ctx.set_status(mask, REJECTED, str(reason), placing.problem, placing.problem_cols)
    location_cols = [
        column_label(v) for k, v in mapping.items() if k in (*_LOCATION_FIELDS, POSTCODE)
    ]
    if raw.geometry is not None:
        location_cols.append("geometry")
    described = ", ".join(location_cols) if location_cols else "none recognised"
    ctx.set_status(
        unplaced & ~noted,
        REJECTED,
        REASON_NO_LOCATION,
        "The row has no location: the location columns ("
        + described
        + ") are blank. Add easting/northing, latitude/longitude, a grid reference or a "
        "postcode, or map the right columns in the manifest.",
        ";".join(location_cols),
    )

_LETTERS = "ABCDEFGHJKLMNOPQRSTUVWXYZ"  # no I
_FIRST_OFFSETS = {"S": (0, 0), "T": (5, 0), "N": (0, 5), "O": (5, 5), "H": (0, 10), "J": (5, 10)}


def parse_grid_references(
    series: pd.Series,
) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """Parse OS grid references (``"TQ 75840 55630"``, ``"TQ7555"``... 4 to 10 figures).

    Returns
    -------
    tuple of pandas.Series
        Easting and northing of the centre of the referenced square (metres,
        NaN where unreadable), the square's side in metres, and a mask of
        non-blank cells that are not grid references.

    Examples
    --------
    >>> e, n, res, bad = parse_grid_references(pd.Series(["TQ 75840 55630", "TR1457", "x"]))
    >>> e.tolist()[:2], n.tolist()[:2], res.tolist()[:2], bad.tolist()
    ([575840.5, 614500.0], [155630.5, 157500.0], [1.0, 1000.0], [False, False, True])
    """
    text = series.astype("string").str.upper().str.strip()
    parts = text.str.extract(r"^([HJNOST][A-HJ-Z])\s*(\d+)\s*(\d*)$")
    letters, first, second = parts[0], parts[1], parts[2].fillna("")
    split = second == ""
    length = first.str.len()
    east_digits = first.where(~split)
    north_digits = second.where(~split)
    for size in (2, 3, 4, 5):
        m = (split & (length == 2 * size)).fillna(False).astype(bool)
        if m.any():
            east_digits = east_digits.mask(m, first[m].str[:size])
            north_digits = north_digits.mask(m, first[m].str[size:])
    n_e = east_digits.str.len()
    valid = (
        letters.notna()
        & (n_e == north_digits.str.len())
        & n_e.between(2, 5)
    ).fillna(False).astype(bool)
    res = pd.Series(np.nan, index=series.index)
    res[valid] = 10.0 ** (5 - n_e[valid].astype(float))
    e_num = pd.to_numeric(east_digits.where(valid), errors="coerce").astype(float)
    n_num = pd.to_numeric(north_digits.where(valid), errors="coerce").astype(float)
    first_letter = letters.str[0]
    second_letter = letters.str[1]
    fx = first_letter.map(lambda c: _FIRST_OFFSETS.get(c, (np.nan, np.nan))[0]).astype(float)
    fy = first_letter.map(lambda c: _FIRST_OFFSETS.get(c, (np.nan, np.nan))[1]).astype(float)
    pos = second_letter.map(lambda c: _LETTERS.find(c) if isinstance(c, str) else -1)
    pos = pd.to_numeric(pos, errors="coerce").astype(float)
    sx = pos % 5
    sy = 4 - pos // 5
    easting = (fx + sx) * 100_000 + e_num * res + res / 2
    northing = (fy + sy) * 100_000 + n_num * res + res / 2
    easting = easting.where(valid & (pos >= 0))
    northing = northing.where(valid & (pos >= 0))
    blank = text.isna() | (text == "")
    bad = (easting.isna() & ~blank).astype(bool)
    return easting, northing, res.where(easting.notna()), bad
