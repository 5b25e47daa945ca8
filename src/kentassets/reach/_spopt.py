"""The options solved with PySAL spopt's location models (``solver="spopt"``).

spopt's :class:`~spopt.locate.MCLP` and :class:`~spopt.locate.LSCP` are PuLP
models, solved by HiGHS in-process when ``highspy`` is installed, else by PuLP's
bundled CBC. They are the reference the default solver (the same models built
sparse for HiGHS through SciPy, :mod:`kentassets.reach._milp`) is tested
against; they need the ``reach`` extra (``pip install 'kentassets[reach]'``)
and cost more: importing spopt takes about 1.5 s of CPU (it imports
``spopt.region``, libpysal and pointpats), and PuLP builds each model by
walking every client and site pair in Python.
"""

from __future__ import annotations

import os
import sys
import warnings
from functools import lru_cache
from typing import Any

import numpy as np

from ..errors import KentAssetsError
from .columns import OPTIMAL, TIME_LIMIT


class SolverUnavailableError(KentAssetsError):
    """The optional location-allocation libraries are not installed."""


@lru_cache(maxsize=1)
def _highs_ready() -> bool:
    """Whether HiGHS is usable; its C library prints a banner on first use, which
    goes to the null device here rather than into a user's terminal or notebook."""
    try:
        import highspy
    except ImportError:
        return False
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    return True


def _solver(time_limit_s: float) -> Any:
    """HiGHS in-process when available (fast, exact), else PuLP's bundled CBC."""
    try:
        import pulp
        import spopt.locate  # noqa: F401
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise SolverUnavailableError(
            "solver='spopt' needs PySAL spopt and PuLP: pip install 'kentassets[reach]' "
            "(or use the default solver, 'highs', which needs neither)"
        ) from exc
    if _highs_ready() and pulp.HiGHS().available():
        return pulp.HiGHS(msg=False, timeLimit=time_limit_s, threads=1)
    return pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit_s, threads=1)


def _status(problem: Any) -> str:
    import pulp

    return OPTIMAL if problem.sol_status == pulp.LpSolutionOptimal else TIME_LIMIT


def _cost(cover: np.ndarray) -> np.ndarray:
    """A 0/1 cost matrix spopt reads as "covered within 0.5" (covered: 0, else 1)."""
    return np.where(cover, 0.0, 1.0)


def _chosen(model: Any, m: int) -> np.ndarray:
    return np.array([j for j in range(m) if (model.fac_vars[j].value() or 0.0) > 0.5],
                    dtype=np.int64)


def _solve(model: Any, solver: Any) -> bool:
    """Solve a spopt model; False when the solver returned no solution (time limit)."""
    with warnings.catch_warnings():  # PuLP 3.3 deprecations inside spopt 0.7
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            model.solve(solver, results=False)
        except RuntimeError:  # spopt's check_status: "Model is not solved"
            return False
    return True


class SpoptMaxCover:
    """Spopt's maximal covering model, built once and solved for any k.

    Building the PuLP model costs more than solving it, and the models for
    different k differ only in the right-hand side of the facility count
    constraint (sum of sites = k): it is changed in place between solves.
    """

    def __init__(self, cover: np.ndarray, weight: np.ndarray, *, time_limit_s: float) -> None:
        _solver(time_limit_s)  # a clear error when spopt is missing
        import pulp
        from spopt.locate import MCLP

        self.m, self.time_limit_s = cover.shape[1], time_limit_s
        with warnings.catch_warnings():  # PuLP 3.3 deprecations inside spopt 0.7
            warnings.simplefilter("ignore", DeprecationWarning)
            self.model = MCLP.from_cost_matrix(_cost(cover), weight, service_radius=0.5,
                                               p_facilities=1)
            self.count = next(con for con in self.model.problem.constraints.values()
                              if con.sense == pulp.LpConstraintEQ)

    def solve(self, k: int, *, time_limit_s: float | None = None) -> tuple[np.ndarray, str]:
        """The ``k`` sites covering the most weight, and the solve status."""
        self.count.constant = -float(k)
        limit = self.time_limit_s if time_limit_s is None else time_limit_s
        if not _solve(self.model, _solver(max(limit, 0.01))):
            return np.zeros(0, dtype=np.int64), TIME_LIMIT
        return _chosen(self.model, self.m), _status(self.model.problem)


def spopt_set_cover(cover: np.ndarray, *, time_limit_s: float) -> tuple[np.ndarray, str]:
    """The fewest sites covering every client (spopt's LSCP), and the solve status."""
    solver = _solver(time_limit_s)
    from spopt.locate import LSCP

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        model = LSCP.from_cost_matrix(_cost(cover), service_radius=0.5)
    if not _solve(model, solver):
        return np.arange(cover.shape[1], dtype=np.int64), TIME_LIMIT  # every site covers
    return _chosen(model, cover.shape[1]), _status(model.problem)
