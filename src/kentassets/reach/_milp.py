"""The covering models built sparse and solved by HiGHS through :func:`scipy.optimize.milp`.

The same maximal covering (MCLP) and set covering (LSCP) models as spopt's, for
the large problems where spopt's model builder, which walks every client and
site pair in Python, costs seconds per model (a district of 200 sites and 2,000
clients: about 9 s to build, against milliseconds here). Variables: ``x_j`` (site
kept, binary) and, for the MCLP, ``y_i`` (client covered, in [0, 1]: integral at
the optimum since the ``x`` are). MCLP: maximise ``sum w_i y_i`` subject to
``y_i <= sum of x_j over the sites covering i`` and ``sum x_j = k``. LSCP:
minimise ``sum x_j`` subject to ``sum of x_j over the sites covering i >= 1``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from .columns import OPTIMAL, TIME_LIMIT


def _status(result: Any) -> str:
    return OPTIMAL if result.status == 0 else TIME_LIMIT


def _kept(x: np.ndarray | None, m: int) -> np.ndarray:
    if x is None:
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(np.asarray(x[:m]) > 0.5).astype(np.int64)


class SparseMaxCover:
    """The MCLP of a 0/1 ``cover`` (clients x sites) and ``weight``, for any k."""

    def __init__(self, cover: np.ndarray, weight: np.ndarray, *, time_limit_s: float) -> None:
        n, m = cover.shape
        self.m, self.time_limit_s = m, time_limit_s
        rows, cols = np.nonzero(cover)
        # y_i - sum_j a_ij x_j <= 0 ; variables ordered x (m) then y (n)
        link = sparse.hstack([-sparse.csr_matrix((np.ones(len(rows)), (rows, cols)),
                                                 shape=(n, m)),
                              sparse.identity(n, format="csr")], format="csr")
        self.link = LinearConstraint(link, -np.inf, 0.0)
        self.count_row = sparse.csr_matrix(np.r_[np.ones(m), np.zeros(n)].reshape(1, -1))
        self.c = np.r_[np.zeros(m), -np.asarray(weight, dtype=np.float64)]
        self.integrality = np.r_[np.ones(m), np.zeros(n)]
        self.bounds = Bounds(np.zeros(m + n), np.ones(m + n))

    def solve(self, k: int) -> tuple[np.ndarray, str]:
        """The ``k`` sites covering the most weight, and the solve status."""
        count = LinearConstraint(self.count_row, float(k), float(k))
        result = milp(self.c, constraints=[self.link, count], integrality=self.integrality,
                      bounds=self.bounds,
                      options={"time_limit": self.time_limit_s, "disp": False})
        return _kept(result.x, self.m), _status(result)


def sparse_set_cover(cover: np.ndarray, *, time_limit_s: float) -> tuple[np.ndarray, str]:
    """The fewest sites covering every client (each client has a covering site)."""
    n, m = cover.shape
    rows, cols = np.nonzero(cover)
    a = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, m))
    result = milp(np.ones(m), constraints=[LinearConstraint(a, 1.0, np.inf)],
                  integrality=np.ones(m), bounds=Bounds(np.zeros(m), np.ones(m)),
                  options={"time_limit": time_limit_s, "disp": False})
    return _kept(result.x, m), _status(result)
