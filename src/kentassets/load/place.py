"""Place located rows in districts: a grid look-up for the cells wholly inside
one district, the full spatial join of :func:`kentassets.districts.assign_districts`
for the rest.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..io.postcodes import PostcodeDirectory
from ..schema import CRS, DISTRICT_CODE, EXCLUDED
from .bulk import gc_paused
from .ledger import REASON_OUTSIDE_STUDY_AREA, Context
from .locate import Located
from .vectors import spread, spread_codes

logger = logging.getLogger(__name__)

#: Boundary tolerance passed to :func:`kentassets.districts.assign_districts`, metres.
_DISTRICT_TOLERANCE_M = 50.0
#: Registers with at least this many located rows use the grid look-up first.
_FAST_DISTRICTS_MIN = 20_000
#: Boundary cells of the district grid are split into this many cells a side.
_FINE_GRID = 10
_DISTRICT_COLUMNS = (DISTRICT_CODE, "district_name", "district_method")


def assign_districts(
    x: pd.Series,
    y: pd.Series,
    districts: gpd.GeoDataFrame,
    *,
    postcode_districts: pd.Series | None,
    cell_m: float = 500.0,
) -> Placed:
    """District code, name and method per point, as :func:`districts.assign_districts`.

    For large registers, points in grid cells that lie wholly inside one
    district (further than the boundary tolerance from its edge) are assigned
    by a table look-up; only the rest go through the full spatial join, which
    gives the same answer for them.
    """
    if postcode_districts is not None:
        postcode_districts = postcode_districts.reset_index(drop=True)
    if len(x) < _FAST_DISTRICTS_MIN:
        placed = Placed.empty(len(x))
        everywhere = np.ones(len(x), dtype=bool)
        placed.set_rows(everywhere, _spatial_join(x, y, everywhere, districts, postcode_districts))
        return placed
    bng = districts.to_crs(CRS) if districts.crs is not None else districts
    polygons = bng.geometry.to_numpy()
    grid = _Grid.over(polygons, cell_m)
    xs = x.to_numpy(dtype=float)
    ys = y.to_numpy(dtype=float)
    flat, on_grid = grid.cells_of(xs, ys)
    # Only the cells that hold points are tested against the districts.
    inners = _inner_districts(polygons)
    found = grid.look_up(flat, on_grid, inners)
    # Cells that straddle a boundary: look again, at a finer grid, in the fine
    # cells that hold points.
    again = np.flatnonzero((found < 0) & on_grid)
    if len(again):
        found[again] = grid.fine_look_up(xs[again], ys[again], inners)
    sure = found >= 0
    placed = Placed(
        positions=found,
        table=pd.DataFrame(
            {
                DISTRICT_CODE: bng[DISTRICT_CODE].astype("str").to_numpy(),
                "district_name": bng["district_name"].astype("str").to_numpy(),
                "district_method": "within",
            },
            dtype="str",
        ),
    )
    if not sure.all():
        # The rest through the full spatial join.
        placed.set_rows(~sure, _spatial_join(x, y, ~sure, districts, postcode_districts))
    logger.debug("Districts: %d of %d points by grid look-up", int(sure.sum()), len(x))
    return placed


def _spatial_join(
    x: pd.Series,
    y: pd.Series,
    where_: np.ndarray,
    districts: gpd.GeoDataFrame,
    postcode_districts: pd.Series | None,
) -> pd.DataFrame:
    """District columns of the ``where_`` points by
    :func:`kentassets.districts.assign_districts` (``postcode_districts``: by
    position)."""
    from .. import districts as _districts

    with gc_paused():
        geometry = gpd.points_from_xy(x.to_numpy()[where_], y.to_numpy()[where_])
    points = gpd.GeoDataFrame(index=x.index[where_], geometry=geometry, crs=CRS)
    pc = (
        None
        if postcode_districts is None
        else postcode_districts[where_].set_axis(points.index)
    )
    out = _districts.assign_districts(
        points, districts, tolerance_m=_DISTRICT_TOLERANCE_M, postcode_districts=pc
    )
    return pd.DataFrame(
        {c: out[c].astype("str") for c in _DISTRICT_COLUMNS}, index=points.index
    )


#: A grid cell grown by this much on every side must lie inside a district for
#: its points to be placed by look-up: they are then further than the boundary
#: tolerance from the district's edge, so the spatial join would agree.
_CELL_REACH_M = _DISTRICT_TOLERANCE_M + 1.0


def _inner_districts(polygons: np.ndarray) -> list[Any]:
    """The districts, prepared, for the look-ups' containment tests.

    Testing each cell grown by :data:`_CELL_REACH_M` against the district itself
    costs nothing up front, where shrinking every district by the tolerance
    (a negative buffer) took seconds per register with a national study area.
    """
    inners = list(shapely.make_valid(np.asarray(polygons, dtype=object)))
    shapely.prepare(inners)
    return inners


def _first_container(inners: list[Any], boxes: np.ndarray) -> np.ndarray:
    """Per box, the first district (position in ``inners``) containing it, else -1.

    One tree query over the boxes for all the districts at once: the work grows
    with the number of boxes, not with boxes times districts.
    """
    hit_polygon, hit_box = shapely.STRtree(boxes).query(
        np.asarray(inners, dtype=object), predicate="contains"
    )
    first = np.full(len(boxes), -1, dtype=np.int32)
    order = np.argsort(hit_polygon, kind="stable")[::-1]  # first district wins
    first[hit_box[order]] = hit_polygon[order]
    return first


@dataclass(frozen=True)
class _Grid:
    """A grid of ``cell_m`` squares over the districts' bounds."""

    x0: float
    y0: float
    nx: int
    ny: int
    cell_m: float

    @classmethod
    def over(cls, polygons: np.ndarray, cell_m: float) -> _Grid:
        x0, y0, x1, y1 = shapely.total_bounds(polygons)
        nx, ny = int(np.ceil((x1 - x0) / cell_m)), int(np.ceil((y1 - y0) / cell_m))
        return cls(x0, y0, nx, ny, cell_m)

    def cells_of(self, xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each point's cell number (0 off the grid) and whether it is on the grid."""
        x0, y0, nx, ny, cell_m = self.x0, self.y0, self.nx, self.ny, self.cell_m
        # Cell numbers, computed in place: a million points make every temporary count.
        ix = np.subtract(xs, x0)
        ix /= cell_m
        np.floor(ix, out=ix)
        iy = np.subtract(ys, y0)
        iy /= cell_m
        np.floor(iy, out=iy)
        on_grid = (ix >= 0) & (ix < nx) & (iy >= 0) & (iy < ny)
        iy *= nx
        iy += ix
        iy[~on_grid] = 0
        flat = iy.astype(np.int64)
        return flat, on_grid

    def look_up(self, flat: np.ndarray, on_grid: np.ndarray, inners: list[Any]) -> np.ndarray:
        """Per point, the district (position in ``inners``) that holds its whole
        cell grown by :data:`_CELL_REACH_M`, -1 for none; only the cells that hold
        points are tested."""
        x0, y0, nx, ny, cell_m = self.x0, self.y0, self.nx, self.ny, self.cell_m
        occupied = np.flatnonzero(np.bincount(flat[on_grid], minlength=nx * ny))
        ox0 = x0 + cell_m * (occupied % nx) - _CELL_REACH_M
        oy0 = y0 + cell_m * (occupied // nx) - _CELL_REACH_M
        reach = cell_m + 2 * _CELL_REACH_M
        cells = shapely.box(ox0, oy0, ox0 + reach, oy0 + reach)
        cell_district = np.full(nx * ny, -1, dtype=np.int32)
        cell_district[occupied] = _first_container(inners, cells)
        found = cell_district[flat]
        found[~on_grid] = -1
        return found

    def fine_look_up(self, xs: np.ndarray, ys: np.ndarray, inners: list[Any]) -> np.ndarray:
        """:meth:`look_up` for points in boundary cells, on cells :data:`_FINE_GRID`
        times smaller a side."""
        x0, y0 = self.x0, self.y0
        sub = self.cell_m / _FINE_GRID
        fine_nx = self.nx * _FINE_GRID
        fine_x = np.floor((xs - x0) / sub).astype(np.int64)
        fine_y = np.floor((ys - y0) / sub).astype(np.int64)
        fine_cells, position = np.unique(fine_y * fine_nx + fine_x, return_inverse=True)
        bx = x0 + sub * (fine_cells % fine_nx) - _CELL_REACH_M
        by = y0 + sub * (fine_cells // fine_nx) - _CELL_REACH_M
        reach = sub + 2 * _CELL_REACH_M
        boxes = shapely.box(bx, by, bx + reach, by + reach)
        return _first_container(inners, boxes)[position]


@dataclass
class Placed:
    """District code, name and method per point, as a position (-1: none) in a
    short table of the distinct (code, name, method) triples: one take per
    column builds the text when it is needed."""

    positions: np.ndarray
    table: pd.DataFrame  # _DISTRICT_COLUMNS, text; a RangeIndex

    @classmethod
    def empty(cls, n: int) -> Placed:
        return cls(
            positions=np.full(n, -1, dtype=np.int32),
            table=pd.DataFrame({c: pd.array([], dtype="str") for c in _DISTRICT_COLUMNS}),
        )

    def set_rows(self, rows: np.ndarray, values: Placed | pd.DataFrame) -> None:
        """Give the ``rows`` (a mask) the ``values`` (one per masked row)."""
        if isinstance(values, Placed):
            codes, distinct = values.positions, values.table
        else:
            triples = values[list(_DISTRICT_COLUMNS)]
            codes = triples.groupby(list(_DISTRICT_COLUMNS), dropna=False, sort=False).ngroup()
            codes = codes.to_numpy()
            first = np.unique(codes, return_index=True)[1]
            distinct = values.iloc[first][list(_DISTRICT_COLUMNS)].astype("str")
        base = len(self.table)
        self.table = pd.concat(
            [self.table, distinct.reset_index(drop=True)] if base else [distinct],
            ignore_index=True,
        )
        self.positions[rows] = np.where(codes >= 0, base + codes, -1)

    def column(self, name: str, rows: np.ndarray, index: pd.Index) -> pd.Series:
        """The text of column ``name`` for the ``rows`` (a mask), labelled ``index``."""
        positions = self.positions if rows.all() else self.positions[rows]
        return spread(positions, self.table[name].array, index, "str")

    def within(self, codes: Sequence[str]) -> np.ndarray:
        """Per point, whether its district is one of ``codes``."""
        entry = self.table[DISTRICT_CODE].isin(list(codes)).to_numpy(dtype=bool)
        return spread_codes(self.positions, entry, missing=False)


def place_in_districts(
    loc: Located,
    ctx: Context,
    *,
    districts: gpd.GeoDataFrame | None,
    study_area: Sequence[str],
    postcodes: PostcodeDirectory | None,
) -> Placed:
    """Place the open rows in districts and exclude those outside the study area.

    ``districts`` default to :func:`kentassets.districts.load_districts` for
    ``study_area``, loaded only when some row is open.
    """
    candidates = ctx.open()
    placed = Placed.empty(len(candidates))
    if not candidates.any():
        return placed
    if districts is None:
        from .. import districts as _districts

        districts = _districts.load_districts(codes=tuple(study_area), postcodes=postcodes)
    pc_district = loc.postcode_district
    assigned = assign_districts(
        loc.x[candidates],
        loc.y[candidates],
        districts,
        postcode_districts=None if pc_district is None else pc_district[candidates],
    )
    to_place = candidates.to_numpy()
    if to_place.all():  # the usual case: no million-row masked assignment
        placed = assigned
    else:
        placed.set_rows(to_place, assigned)
    outside = candidates & ~pd.Series(placed.within(study_area), index=candidates.index)
    ctx.set_status(
        outside,
        EXCLUDED,
        REASON_OUTSIDE_STUDY_AREA,
        lambda m: "The location ("
        + loc.x[m].round(0).astype("Int64").astype(str)
        + ", "
        + loc.y[m].round(0).astype("Int64").astype(str)
        + ", from "
        + loc.method[m].fillna("")
        + ") lies outside the study area's districts. Check the coordinates, or add "
        "the district to study_area.",
        loc.columns,
    )
    return placed
