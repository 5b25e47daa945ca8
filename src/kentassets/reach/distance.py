"""How far a resident is from a site: straight-line (default) or along the roads.

Both engines answer the same three questions, so every reach figure is computed
the same way whichever distance is used:

* :meth:`nearest`: each demand point's distance to its nearest site, and which;
* :meth:`nearest_among`: the same for a few points against another set of sites
  (what a move or closure leaves);
* :meth:`covering`: for each site, the demand points within a distance
  (:meth:`covering_pairs`: the same as two arrays, site and point).
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
from scipy.spatial import cKDTree

from .columns import STRAIGHT


class DistanceEngine(Protocol):
    """What the reach stage asks of a distance: see the module docstring."""

    @property
    def method(self) -> str:
        """``"straight"`` or ``"network"``."""
        ...

    def nearest(self, px: np.ndarray, py: np.ndarray, sx: np.ndarray, sy: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray]:
        """Distance (m, ``inf`` where no site is reachable) and index of the nearest site."""
        ...

    def covering(self, px: np.ndarray, py: np.ndarray, sx: np.ndarray, sy: np.ndarray,
                 radius_m: float) -> list[np.ndarray]:
        """Per site, the indices of the points within ``radius_m`` (sorted)."""
        ...

    def covering_pairs(self, px: np.ndarray, py: np.ndarray, sx: np.ndarray, sy: np.ndarray,
                       radius_m: float) -> tuple[np.ndarray, np.ndarray]:
        """Every (site, point) pair within ``radius_m``, as two index arrays."""
        ...


def pairs_of(covering: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Per-site point lists as (site, point) index arrays."""
    lengths = np.array([len(p) for p in covering], dtype=np.int64)
    if not lengths.sum():
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    point = np.concatenate([np.asarray(p, dtype=np.int64) for p in covering])
    return np.repeat(np.arange(len(covering), dtype=np.int64), lengths), point


def _xy(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.column_stack([np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)])


class StraightLine:
    """Straight-line distance on the British National Grid (a KD-tree of the sites).

    Examples
    --------
    >>> d, i = StraightLine().nearest(np.array([0.0, 900.0]), np.array([0.0, 0.0]),
    ...                               np.array([100.0, 1000.0]), np.array([0.0, 0.0]))
    >>> d.tolist(), i.tolist()
    ([100.0, 100.0], [0, 1])
    """

    method = STRAIGHT

    def nearest(self, px: np.ndarray, py: np.ndarray, sx: np.ndarray, sy: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray]:
        n = len(px)
        if len(sx) == 0:
            return np.full(n, np.inf), np.full(n, -1, dtype=np.int64)
        if n == 0:
            return np.zeros(0), np.zeros(0, dtype=np.int64)
        dist, idx = cKDTree(_xy(sx, sy)).query(_xy(px, py))
        return np.asarray(dist, dtype=np.float64), np.asarray(idx, dtype=np.int64)

    def covering(self, px: np.ndarray, py: np.ndarray, sx: np.ndarray, sy: np.ndarray,
                 radius_m: float) -> list[np.ndarray]:
        site, point = self.covering_pairs(px, py, sx, sy, radius_m)
        order = np.lexsort((point, site))
        bounds = np.searchsorted(site[order], np.arange(len(sx) + 1))
        return [point[order[bounds[j]:bounds[j + 1]]] for j in range(len(sx))]

    def covering_pairs(self, px: np.ndarray, py: np.ndarray, sx: np.ndarray, sy: np.ndarray,
                       radius_m: float) -> tuple[np.ndarray, np.ndarray]:
        if len(sx) == 0 or len(px) == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        # one pass over both trees, in C: no Python list per site
        pairs = cKDTree(_xy(sx, sy)).sparse_distance_matrix(
            cKDTree(_xy(px, py)), radius_m, output_type="ndarray")
        return pairs["i"].astype(np.int64), pairs["j"].astype(np.int64)
