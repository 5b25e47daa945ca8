"""Exact grid-based DBSCAN on planar points (:func:`grid_dbscan`), vectorised with numpy.

The plane is cut into square cells of side ``eps / sqrt(2)`` (a hair less, so
that a cell's diagonal is strictly shorter than ``eps``). Two points closer
than ``eps`` are then at most two cells apart in each direction, so only the
5 x 5 block of cells around a cell needs testing (Gunawan 2013; Gan & Tao 2015).

1. **Core points.** A point is core when at least ``min_samples`` points,
   itself included, lie within ``eps`` (distance ``<= eps``, as scikit-learn).
   Every point of a cell holding ``min_samples`` points or more is core without
   any distance test (the cell is narrower than ``eps``). Points of sparser
   cells are counted against the points of their 24 neighbouring cells.
2. **Core connectivity.** All core points of one cell are connected. Two cells
   are connected when one of their core pairs is within ``eps``. A cheap
   sufficient test first (the extreme core points of each cell facing each
   other), then connected components; only cell pairs still in different
   components and whose core bounding boxes are within reach get the exact
   all-pairs test, in bounded chunks, with the components recomputed between
   chunks.
3. **Border points.** A non-core point within ``eps`` of a core point joins a
   cluster. When several clusters reach it, it joins the one scikit-learn's
   ``dbscan_inner`` would give it: clusters are numbered in the order of their
   lowest-index core point, and a border point takes the lowest-numbered
   cluster that reaches it. Labels are therefore **identical** to
   ``sklearn.cluster.DBSCAN(eps, min_samples=min_samples).fit(xy).labels_``,
   cluster numbers included (up to floating-point ties at exactly ``eps``).

Memory is linear in the number of points: point pairs are generated in chunks
of at most ``max_pairs``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from ._arrays import runs_of, unique

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

#: Default number of candidate point pairs tested at once (about 100 MB of scratch).
MAX_PAIRS = 2_000_000


def _direction_table(rounding: Any) -> NDArray[np.int64]:
    """Compass direction (0 = east, counter-clockwise in eighths) of each 5 x 5 offset."""
    table = np.zeros((5, 5), dtype=np.int64)
    for dx in range(-2, 3):
        for dy in range(-2, 3):
            if dx or dy:
                table[dx + 2, dy + 2] = rounding(math.atan2(dy, dx) / (math.pi / 4)) % 8
    return table


_DIR_FLOOR = _direction_table(math.floor)
_DIR_CEIL = _direction_table(math.ceil)
_DIRECTIONS = np.array(
    [[math.cos(k * math.pi / 4), math.sin(k * math.pi / 4)] for k in range(8)]
)


def _chunks(counts: IntArray, max_pairs: int) -> list[tuple[int, int]]:
    """Split a sequence of group sizes into runs whose totals stay near ``max_pairs``."""
    if len(counts) == 0:
        return []
    cum = np.cumsum(counts)
    total = int(cum[-1])
    if total <= max_pairs:
        return [(0, len(counts))]
    cuts = np.searchsorted(cum, np.arange(max_pairs, total, max_pairs), side="right")
    bounds = np.unique(np.concatenate([[0], cuts, [len(counts)]]))
    return [(int(a), int(b)) for a, b in itertools.pairwise(bounds) if b > a]


def _expand(
    query: IntArray, target_start: IntArray, target_count: IntArray
) -> tuple[IntArray, IntArray, IntArray]:
    """All pairs (query point, target point) for groups of consecutive targets.

    Returns the query point of each pair, the target point, and the group number.
    """
    total = int(target_count.sum())
    group = np.repeat(np.arange(len(query), dtype=np.int64), target_count)
    first = np.cumsum(target_count) - target_count
    target = np.arange(total, dtype=np.int64) + np.repeat(target_start - first, target_count)
    return query[group], target, group


def _components(n_nodes: int, a: IntArray, b: IntArray) -> IntArray:
    graph = coo_matrix(
        (np.ones(len(a), dtype=np.int8), (a, b)), shape=(n_nodes, n_nodes)
    ).tocsr()
    _, comp = connected_components(graph, directed=False)
    return comp.astype(np.int64)


def grid_dbscan(
    xy: FloatArray, eps: float, min_samples: int, *, max_pairs: int = MAX_PAIRS
) -> IntArray:
    """Label points like ``sklearn.cluster.DBSCAN``; -1 is noise.

    Parameters
    ----------
    xy
        ``(n, 2)`` array of finite planar coordinates (metres).
    eps
        Neighbourhood radius, same unit; neighbours are at distance ``<= eps``.
    min_samples
        Points (the point itself included) needed within ``eps`` for a core point.
    max_pairs
        Largest number of point pairs tested at once (bounds memory).

    Returns
    -------
    numpy.ndarray
        ``int64`` labels, clusters numbered in the order of their lowest-index core point.

    Examples
    --------
    >>> import numpy as np
    >>> grid_dbscan(np.array([[0.0, 0.0], [3.0, 0.0], [50.0, 0.0]]), 5.0, 2).tolist()
    [0, 0, -1]
    """
    xy = np.ascontiguousarray(xy, dtype=np.float64)
    n = len(xy)
    labels = np.full(n, -1, dtype=np.int64)
    if n == 0:
        return labels
    eps2 = eps * eps
    grid = _Grid.build(xy, eps)
    core = _core_points(grid, eps2, min_samples, max_pairs)
    if not core.any():
        return labels
    cells = _CoreCells.build(grid, core)
    comp = _connect_core_cells(grid, cells, eps2, max_pairs)
    cluster_of_cc, n_comp = _number_clusters(comp, cells, grid.order, n)
    slabels = np.full(n, -1, dtype=np.int64)
    slabels[cells.core_pts] = cluster_of_cc[cells.cc_of_core]
    _label_border_points(grid, cells, core, cluster_of_cc, n_comp, slabels, eps2, max_pairs)
    labels[grid.order] = slabels
    return labels


@dataclass(frozen=True)
class _Grid:
    """Points sorted by grid cell, and the cells' keys, starts and sizes in that order."""

    order: IntArray  # sorted position -> input index
    px: FloatArray  # x of the sorted points
    py: FloatArray  # y of the sorted points
    height: int  # cells per column (key = column * height + row)
    cell_key: IntArray
    cell_start: IntArray
    cell_count: IntArray
    cell_of: IntArray  # per sorted point, its cell number
    lower: list[IntArray]  # per column shift dx + 2, first cell of each cell's window

    @classmethod
    def build(cls, xy: FloatArray, eps: float) -> _Grid:
        side = eps / math.sqrt(2.0) * (1.0 - 1e-9)
        origin = xy.min(axis=0)
        cell_xy = np.floor((xy - origin) / side).astype(np.int64) + 2
        height = int(cell_xy[:, 1].max()) + 3
        key = cell_xy[:, 0] * height + cell_xy[:, 1]
        order = np.argsort(key, kind="stable")
        pts = xy[order]
        cell_key, cell_start, cell_count = runs_of(key[order])
        cell_of = np.repeat(np.arange(len(cell_key), dtype=np.int64), cell_count)
        # Neighbouring cells: the cells of column cx + dx within two rows of cy are
        # consecutive in key order, starting at lower[dx] (one sorted search per shift).
        lower = [np.searchsorted(cell_key, cell_key + dx * height - 2) for dx in range(-2, 3)]
        return cls(order, pts[:, 0].copy(), pts[:, 1].copy(), height,
                   cell_key, cell_start, cell_count, cell_of, lower)

    @property
    def n_cells(self) -> int:
        return len(self.cell_key)

    def around(
        self, cells: IntArray, dxs: tuple[int, ...] = (0, -1, 1, -2, 2), *, half: bool = False
    ) -> Iterator[tuple[IntArray, IntArray, int, IntArray]]:
        """Yield (positions in ``cells``, neighbour cell, dx, dy) for the 5 x 5 block.

        With ``half``, only the cells after each cell in key order (dx > 0, or dx = 0
        and dy > 0), so that each pair of cells is seen once.
        """
        cell_key, n_cells = self.cell_key, self.n_cells
        base = cell_key[cells]
        for dx in dxs:
            idx = np.arange(len(cells), dtype=np.int64)
            lo = cells + 1 if (half and dx == 0) else self.lower[dx + 2][cells]
            shifted = base + dx * self.height
            for step in range(5):
                pos = lo + step
                # keys only grow with the step: a cell past its window stays past it
                dy = cell_key[np.minimum(pos, n_cells - 1)] - shifted
                go_on = (pos < n_cells) & (dy <= 2)
                if not go_on.all():
                    idx, lo, shifted, pos, dy = (
                        idx[go_on], lo[go_on], shifted[go_on], pos[go_on], dy[go_on]
                    )
                if len(idx) == 0:
                    break
                yield idx, pos, dx, dy


def _core_points(grid: _Grid, eps2: float, min_samples: int, max_pairs: int) -> BoolArray:
    """Step 1: per sorted point, whether it is a core point."""
    cell_count, px, py = grid.cell_count, grid.px, grid.py
    core = np.repeat(cell_count >= min_samples, cell_count)
    active = np.flatnonzero(~core)
    counts = cell_count[grid.cell_of[active]].astype(np.int64)
    for dx_round in (0, -1, 1, -2, 2):
        if len(active) == 0:
            break
        for sel, nb, dx, dy in grid.around(grid.cell_of[active], (dx_round,)):
            other = (dx != 0) | (dy != 0)
            sel, nb = sel[other], nb[other]
            for a, b in _chunks(cell_count[nb], max_pairs):
                qi, tj, grp = _expand(
                    active[sel[a:b]], grid.cell_start[nb[a:b]], cell_count[nb[a:b]]
                )
                hit = (px[qi] - px[tj]) ** 2 + (py[qi] - py[tj]) ** 2 <= eps2
                counts += np.bincount(sel[a:b][grp[hit]], minlength=len(active))
        # points already known to be core need no further counting
        done = counts >= min_samples
        core[active[done]] = True
        active, counts = active[~done], counts[~done]
    return core


@dataclass(frozen=True)
class _CoreCells:
    """The core-only grid: core points are contiguous per cell (points are sorted by cell)."""

    core_pts: IntArray  # sorted positions of the core points
    ccell: IntArray  # per core cell, its cell number
    cstart: IntArray  # per core cell, first core point (index into core_pts)
    ccount: IntArray  # per core cell, number of core points
    cc_of_cell: IntArray  # per cell, its core cell number or -1
    cc_of_core: IntArray  # per core point, its core cell
    cx: FloatArray  # x of the core points
    cy: FloatArray  # y of the core points
    bbox: FloatArray  # per core cell, (min x, max x, min y, max y) of its core points
    extremes: IntArray  # (8, n core cells): extreme core point per compass direction

    @classmethod
    def build(cls, grid: _Grid, core: BoolArray) -> _CoreCells:
        core_pts = np.flatnonzero(core)
        ccell, cstart, ccount = runs_of(grid.cell_of[core_pts])
        n_cc = len(ccell)
        cc_of_cell = np.full(grid.n_cells, -1, dtype=np.int64)
        cc_of_cell[ccell] = np.arange(n_cc)
        cx, cy = grid.px[core_pts], grid.py[core_pts]
        bbox = np.stack(
            [
                np.minimum.reduceat(cx, cstart),
                np.maximum.reduceat(cx, cstart),
                np.minimum.reduceat(cy, cstart),
                np.maximum.reduceat(cy, cstart),
            ],
            axis=1,
        )
        cc_of_core = np.repeat(np.arange(n_cc, dtype=np.int64), ccount)
        extremes = _extremes(cx, cy, cstart, ccount, cc_of_core)
        return cls(core_pts, ccell, cstart, ccount, cc_of_cell, cc_of_core, cx, cy, bbox,
                   extremes)

    @property
    def n_cc(self) -> int:
        return len(self.ccell)

    def close(self, ia: IntArray, ib: IntArray, eps2: float) -> BoolArray:
        """Whether core points ``ia`` and ``ib`` are within ``eps``, pairwise."""
        return (self.cx[ia] - self.cx[ib]) ** 2 + (self.cy[ia] - self.cy[ib]) ** 2 <= eps2


def _extremes(
    cx: FloatArray, cy: FloatArray, cstart: IntArray, ccount: IntArray, cc_of_core: IntArray
) -> IntArray:
    """Extreme core point of each core cell in 8 compass directions.

    A lone core point is its cell's extreme in every direction.
    """
    extremes = np.tile(cstart, (8, 1))
    multi = np.flatnonzero(ccount > 1)
    if len(multi):
        m_pts = np.flatnonzero(np.repeat(ccount > 1, ccount))
        m_cc = cc_of_core[m_pts]
        _, m_start, m_count = runs_of(m_cc)
        mx, my = cx[m_pts], cy[m_pts]
        for d in range(8):
            proj = mx * _DIRECTIONS[d, 0] + my * _DIRECTIONS[d, 1]
            best = np.repeat(np.maximum.reduceat(proj, m_start), m_count)
            at_max = np.flatnonzero(proj == best)
            first = np.r_[True, m_cc[at_max][1:] != m_cc[at_max][:-1]]
            extremes[d, multi] = m_pts[at_max[first]]
    return extremes


def _concat(parts: list[IntArray]) -> IntArray:
    return np.concatenate(parts) if parts else np.empty(0, np.int64)


def _connect_core_cells(grid: _Grid, cells: _CoreCells, eps2: float, max_pairs: int) -> IntArray:
    """Step 2: the connected component of each core cell."""
    edges_a, edges_b, pend_a, pend_b = _quick_links(grid, cells, eps2)
    ea, eb = _concat(edges_a), _concat(edges_b)
    comp = _components(cells.n_cc, ea, eb)
    pa, pb = _concat(pend_a), _concat(pend_b)
    cx, cy, cstart, ccount = cells.cx, cells.cy, cells.cstart, cells.ccount
    while len(pa):
        todo = comp[pa] != comp[pb]
        pa, pb = pa[todo], pb[todo]
        if len(pa) == 0:
            break
        # exact test on one chunk of cell pairs, then recompute components
        work = ccount[pa] * ccount[pb]
        a_end = _chunks(work, max_pairs)[0][1]
        ca, cb = pa[:a_end], pb[:a_end]
        pa, pb = pa[a_end:], pb[a_end:]
        # expand core points of A against core points of B
        pair_of, a_pt, _ = _expand(np.arange(len(ca), dtype=np.int64), cstart[ca], ccount[ca])
        qi, tj, grp2 = _expand(a_pt, cstart[cb[pair_of]], ccount[cb[pair_of]])
        hit = (cx[qi] - cx[tj]) ** 2 + (cy[qi] - cy[tj]) ** 2 <= eps2
        pair_hit = unique(pair_of[grp2[hit]])
        if len(pair_hit):
            ea = np.concatenate([ea, ca[pair_hit]])
            eb = np.concatenate([eb, cb[pair_hit]])
            comp = _components(cells.n_cc, ea, eb)
    return comp


def _quick_links(
    grid: _Grid, cells: _CoreCells, eps2: float
) -> tuple[list[IntArray], list[IntArray], list[IntArray], list[IntArray]]:
    """Core cell pairs linked by the quick test, and the pairs left for the exact test.

    The quick sufficient test compares the extreme core points of the two cells
    facing each other; pairs that fail it and whose core bounding boxes are within
    reach are pending.
    """
    n_cc, ccount, bbox = cells.n_cc, cells.ccount, cells.bbox
    ext_flat = cells.extremes.reshape(-1)
    edge_a: list[IntArray] = []
    edge_b: list[IntArray] = []
    pend_a: list[IntArray] = []
    pend_b: list[IntArray] = []
    for sel, nb_cell, dx, dy_all in grid.around(cells.ccell, (0, 1, 2), half=True):
        nb_cc = cells.cc_of_cell[nb_cell]
        ok = nb_cc >= 0
        ca_all, cb_all, dy = sel[ok], nb_cc[ok], dy_all[ok]
        if len(ca_all) == 0:
            continue
        d = _DIR_FLOOR[dx + 2, dy + 2]
        ia, ib = ext_flat[d * n_cc + ca_all], ext_flat[((d + 4) % 8) * n_cc + cb_all]
        linked = cells.close(ia, ib, eps2)
        other = np.flatnonzero(~linked & (_DIR_CEIL[dx + 2, dy + 2] != d))
        if len(other):
            d2 = _DIR_CEIL[dx + 2, dy[other] + 2]
            ia = ext_flat[d2 * n_cc + ca_all[other]]
            ib = ext_flat[((d2 + 4) % 8) * n_cc + cb_all[other]]
            linked[other] = cells.close(ia, ib, eps2)
        edge_a.append(ca_all[linked])
        edge_b.append(cb_all[linked])
        # two lone core points failing the test are not linked: nothing left to test
        left = ~linked & ((ccount[ca_all] > 1) | (ccount[cb_all] > 1))
        a_left, b_left = ca_all[left], cb_all[left]
        ba, bb = bbox[a_left], bbox[b_left]
        gap_x = np.maximum(0.0, np.maximum(ba[:, 0] - bb[:, 1], bb[:, 0] - ba[:, 1]))
        gap_y = np.maximum(0.0, np.maximum(ba[:, 2] - bb[:, 3], bb[:, 2] - ba[:, 3]))
        reach = gap_x**2 + gap_y**2 <= eps2
        pend_a.append(a_left[reach])
        pend_b.append(b_left[reach])
    return edge_a, edge_b, pend_a, pend_b


def _number_clusters(
    comp: IntArray, cells: _CoreCells, order: IntArray, n: int
) -> tuple[IntArray, int]:
    """Cluster number of each core cell (order of each component's lowest input index)."""
    n_comp = int(comp.max()) + 1
    first_core = np.full(n_comp, n, dtype=np.int64)
    np.minimum.at(first_core, comp[cells.cc_of_core], order[cells.core_pts])
    rank = np.empty(n_comp, dtype=np.int64)
    rank[np.argsort(first_core, kind="stable")] = np.arange(n_comp)
    return rank[comp], n_comp


def _label_border_points(
    grid: _Grid,
    cells: _CoreCells,
    core: BoolArray,
    cluster_of_cc: IntArray,
    n_comp: int,
    slabels: IntArray,
    eps2: float,
    max_pairs: int,
) -> None:
    """Step 3: give each border point the lowest cluster number that reaches it (in place)."""
    border = np.flatnonzero(~core)
    if len(border) == 0:
        return
    px, py, cx, cy = grid.px, grid.py, cells.cx, cells.cy
    best = np.full(len(border), n_comp, dtype=np.int64)
    for sel, nb, _, _ in grid.around(grid.cell_of[border]):
        nb_cc = cells.cc_of_cell[nb]
        keep = nb_cc >= 0
        q_idx, t = sel[keep], nb_cc[keep]
        for a, b in _chunks(cells.ccount[t], max_pairs):
            qi, tj, grp = _expand(border[q_idx[a:b]], cells.cstart[t[a:b]], cells.ccount[t[a:b]])
            hit = (px[qi] - cx[tj]) ** 2 + (py[qi] - cy[tj]) ** 2 <= eps2
            hq = q_idx[a:b][grp[hit]]
            np.minimum.at(best, hq, cluster_of_cc[t[a:b]][grp[hit]])
    reached = best < n_comp
    slabels[border[reached]] = best[reached]
