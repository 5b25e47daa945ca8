"""The covering models built sparse and solved by HiGHS through :mod:`scipy.optimize`.

The maximal covering location model (MCLP, Church and ReVelle 1974), as PySAL
spopt states it, built as sparse matrices (milliseconds, where spopt's PuLP
builder walks every client and site pair in Python: about 9 s for a district of
200 sites and 2,000 clients) and solved by HiGHS, the open solver SciPy ships.
Variables: ``x_j`` (site kept, binary) and ``y_i`` (client covered, in [0, 1]:
integral at the optimum since the ``x`` are): maximise ``sum w_i y_i`` subject
to ``y_i <= sum of x_j over the sites covering i`` and ``sum x_j = k``. (The set
cover, the fewest sites covering everyone covered today, is the first k whose
maximal cover is complete: :func:`kentassets.reach.options.coverage_curve`.)

"Optimal" is proven within a relative gap of :data:`MIP_GAP` (HiGHS's default
is 1e-4; the covered shares are written to 1e-4 of a district's demand).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from .columns import OPTIMAL, TIME_LIMIT

#: Relative gap within which HiGHS may call a solution optimal.
MIP_GAP = 1e-6


def _status(result: Any) -> str:
    return OPTIMAL if result.status == 0 else TIME_LIMIT


def _kept(x: np.ndarray | None, m: int) -> np.ndarray:
    if x is None:
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(np.asarray(x[:m]) > 0.5).astype(np.int64)


def incidence(cover: np.ndarray) -> sparse.csr_matrix:
    """The 0/1 client x site matrix of a boolean ``cover``, sparse."""
    rows, cols = np.nonzero(cover)
    return sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=cover.shape)


class SparseMaxCover:
    """The MCLP of a 0/1 ``cover`` (clients x sites) and ``weight``, for any k."""

    def __init__(self, cover: np.ndarray, weight: np.ndarray, *, time_limit_s: float) -> None:
        n, m = cover.shape
        self.m, self.time_limit_s = m, time_limit_s
        # y_i - sum_j a_ij x_j <= 0 ; variables ordered x (m) then y (n)
        self.link_matrix = sparse.hstack([-incidence(cover), sparse.identity(n, format="csr")],
                                         format="csr")
        self.link = LinearConstraint(self.link_matrix, -np.inf, 0.0)
        self.count_row = sparse.csr_matrix(np.r_[np.ones(m), np.zeros(n)].reshape(1, -1))
        self.c = np.r_[np.zeros(m), -np.asarray(weight, dtype=np.float64)]
        self.integrality = np.r_[np.ones(m), np.zeros(n)]
        self.bounds = Bounds(np.zeros(m + n), np.ones(m + n))

    def solve(self, k: int, *, time_limit_s: float | None = None) -> tuple[np.ndarray, str]:
        """The ``k`` sites covering the most weight, and the solve status."""
        count = LinearConstraint(self.count_row, float(k), float(k))
        limit = self.time_limit_s if time_limit_s is None else time_limit_s
        result = milp(self.c, constraints=[self.link, count], integrality=self.integrality,
                      bounds=self.bounds, options={"time_limit": max(limit, 0.01),
                                                   "mip_rel_gap": MIP_GAP, "disp": False})
        return _kept(result.x, self.m), _status(result)

    def upper_bound(self, k: int) -> float:
        """The LP relaxation's optimum: no ``k`` sites cover more weight than this."""
        result = linprog(self.c, A_ub=self.link_matrix, b_ub=np.zeros(self.link_matrix.shape[0]),
                         A_eq=self.count_row, b_eq=[float(k)], bounds=(0.0, 1.0),
                         method="highs")
        return float(-result.fun) if result.status == 0 else float("inf")
