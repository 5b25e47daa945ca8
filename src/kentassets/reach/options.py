"""Options: how few of a district's own sites could keep how much of its reach.

For each district and service with at least two sites of its own, and a
threshold (2 km by default):

* **maximal covering** (MCLP): for every k from 1 to today's number of sites,
  the largest share of the district's demand within the threshold of k of its
  own sites, and which;
* **set covering** (LSCP): the fewest of its own sites that keep everyone
  covered today covered (``keeps_current_coverage`` marks that k).

Both are solved exactly with PySAL's ``spopt`` (PuLP models; HiGHS in-process
when ``highspy`` is installed, else PuLP's bundled CBC), each solve bounded by a
time limit: ``solve_status`` says ``time_limit`` where the best found was not
proven optimal. The models depend only on which sites cover each resident, so
residents sharing one set of covering sites become one weighted client (a
district's thousands of postcodes become tens of clients). Beyond the set
covering's k every site can be kept at today's coverage, so those rows need no
solve: the set cover plus the remaining sites in key order. Residents whose
nearest own site is beyond the threshold count in the denominator only.
"""

from __future__ import annotations

import logging
import os
import sys
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from .. import schema
from ..errors import KentAssetsError
from ._milp import SparseMaxCover, sparse_set_cover
from .columns import (
    COVERED_SHARE,
    CURRENT_SHARE,
    CURRENT_SITES,
    DEMAND_ESTIMATE,
    DISTANCE_METHOD,
    KEEPS_CURRENT,
    KEPT_SITES,
    OPTIMAL,
    OPTIONS_COLUMNS,
    SERVICE,
    SOLVE_STATUS,
    THRESHOLD_M,
    TIME_LIMIT,
    K,
)
from .demand import group_positions
from .model import ReachModel

logger = logging.getLogger(__name__)

#: Seconds one solve may take before the best solution found so far is reported.
DEFAULT_TIME_LIMIT_S = 20.0
#: Clients x sites up to which spopt builds the models; beyond, its builder (a
#: Python loop over every pair) takes seconds, and the same models are built
#: sparse for HiGHS through scipy (:mod:`kentassets.reach._milp`).
SPOPT_MAX_CELLS = 20_000
#: Seconds one district's service may spend on its curve; beyond, the remaining
#: k are extended greedily and marked ``time_limit``.
DEFAULT_BUDGET_S = 120.0


class SolverUnavailableError(KentAssetsError):
    """The optional location-allocation libraries are not installed."""


@dataclass(frozen=True)
class Clients:
    """A district's demand as weighted clients: rows of ``cover`` (client x site)."""

    cover: np.ndarray  # bool, clients x sites
    weight: np.ndarray
    total: float  # all the district's demand, covered or not


def clients(covering: Sequence[np.ndarray], weight: np.ndarray) -> Clients:
    """Aggregate points by the set of sites covering them; drop the uncovered.

    Examples
    --------
    >>> c = clients([np.array([0, 1]), np.array([1, 2])], np.array([1.0, 2.0, 4.0, 8.0]))
    >>> c.cover.astype(int).tolist(), c.weight.tolist(), c.total
    ([[0, 1], [1, 0], [1, 1]], [4.0, 1.0, 2.0], 15.0)
    """
    n, m = len(weight), len(covering)
    matrix = np.zeros((n, m), dtype=bool)
    for j, points in enumerate(covering):
        matrix[points, j] = True
    covered = matrix.any(axis=1)
    packed = np.packbits(matrix[covered], axis=1)
    keys, inverse = np.unique(packed, axis=0, return_inverse=True)
    sums = np.bincount(inverse.ravel(), weights=weight[covered], minlength=len(keys))
    cover = np.unpackbits(keys, axis=1, count=m).astype(bool)
    return Clients(cover=cover, weight=sums, total=float(weight.sum()))


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
            "reach options need PySAL spopt and PuLP: pip install 'kentassets[reach]'"
        ) from exc
    if _highs_ready() and pulp.HiGHS().available():
        return pulp.HiGHS(msg=False, timeLimit=time_limit_s, threads=1)
    return pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit_s, threads=1)


def _status(problem: Any) -> str:
    import pulp

    return OPTIMAL if problem.sol_status == pulp.LpSolutionOptimal else TIME_LIMIT


def _cost(c: Clients) -> np.ndarray:
    """A 0/1 cost matrix spopt reads as "covered within 0.5" (covered: 0, else 1)."""
    return np.where(c.cover, 0.0, 1.0)


def _chosen(model: Any, m: int) -> np.ndarray:
    return np.array([j for j in range(m) if (model.fac_vars[j].value() or 0.0) > 0.5],
                    dtype=np.int64)


def _solve_spopt(model: Any, solver: Any) -> bool:
    """Solve a spopt model; False when the solver returned no solution (time limit)."""
    with warnings.catch_warnings():  # PuLP 3.3 deprecations inside spopt 0.7
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            model.solve(solver, results=False)
        except RuntimeError:  # spopt's check_status: "Model is not solved"
            return False
    return True


class MaxCover:
    """Spopt's maximal covering model of ``c``, built once and solved for any k.

    Building the PuLP model costs more than solving it, and the models for
    different k differ only in the right-hand side of the facility count
    constraint (sum of sites = k): it is changed in place between solves.
    """

    def __init__(self, c: Clients, *, time_limit_s: float) -> None:
        import pulp
        from spopt.locate import MCLP

        self.c, self.time_limit_s = c, time_limit_s
        with warnings.catch_warnings():  # PuLP 3.3 deprecations inside spopt 0.7
            warnings.simplefilter("ignore", DeprecationWarning)
            self.model = MCLP.from_cost_matrix(_cost(c), c.weight, service_radius=0.5,
                                               p_facilities=1)
            self.count = next(con for con in self.model.problem.constraints.values()
                              if con.sense == pulp.LpConstraintEQ)

    def solve(self, k: int) -> tuple[np.ndarray, str]:
        """The ``k`` sites covering the most weight, and the solve status."""
        self.count.constant = -float(k)
        if not _solve_spopt(self.model, _solver(self.time_limit_s)):
            return np.zeros(0, dtype=np.int64), TIME_LIMIT
        return _chosen(self.model, self.c.cover.shape[1]), _status(self.model.problem)


def _spopt_sized(c: Clients) -> bool:
    """Whether spopt builds this model quickly (see :data:`SPOPT_MAX_CELLS`)."""
    return c.cover.size <= SPOPT_MAX_CELLS


def max_cover_model(c: Clients, *, time_limit_s: float) -> MaxCover | SparseMaxCover:
    """The maximal covering model of ``c``: spopt's, or the sparse one when it is large."""
    if _spopt_sized(c):
        return MaxCover(c, time_limit_s=time_limit_s)
    return SparseMaxCover(c.cover, c.weight, time_limit_s=time_limit_s)


def max_cover(c: Clients, k: int, *, time_limit_s: float) -> tuple[np.ndarray, str]:
    """The ``k`` sites covering the most weight (MCLP), and the solve status."""
    return max_cover_model(c, time_limit_s=time_limit_s).solve(k)


def set_cover(c: Clients, *, time_limit_s: float) -> tuple[np.ndarray, str]:
    """The fewest sites covering every client (LSCP), and the solve status."""
    from spopt.locate import LSCP

    if len(c.weight) == 0:
        return np.zeros(0, dtype=np.int64), OPTIMAL
    if not _spopt_sized(c):
        return sparse_set_cover(c.cover, time_limit_s=time_limit_s)
    solver = _solver(time_limit_s)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        model = LSCP.from_cost_matrix(_cost(c), service_radius=0.5)
    if not _solve_spopt(model, solver):
        return np.arange(c.cover.shape[1], dtype=np.int64), TIME_LIMIT  # every site covers
    return _chosen(model, c.cover.shape[1]), _status(model.problem)


def _covered(c: Clients, kept: np.ndarray) -> float:
    return float(c.weight[c.cover[:, kept].any(axis=1)].sum()) if len(kept) else 0.0


def _one_more(c: Clients, kept: np.ndarray) -> np.ndarray:
    """``kept`` and the site that adds the most weight (ties: the first)."""
    left = ~c.cover[:, kept].any(axis=1) if len(kept) else np.ones(len(c.weight), bool)
    gain = (c.cover[left] * c.weight[left, None]).sum(axis=0)
    gain[kept] = -1.0
    return np.sort(np.r_[kept, int(np.argmax(gain))]).astype(np.int64)


def coverage_curve(c: Clients, n_sites: int, *, time_limit_s: float = DEFAULT_TIME_LIMIT_S,
                   budget_s: float = DEFAULT_BUDGET_S
                   ) -> list[tuple[int, np.ndarray, float, str, bool]]:
    """``(k, kept site positions, covered weight, status, keeps today's)`` for k = 1..n.

    A solve stopped by the time limit keeps its best solution, or the previous k's
    sites and the best one more where that covers more (the curve never falls).
    Once ``budget_s`` is spent on the problem, the remaining k below the set
    cover's take the previous k's sites and the best one more, unsolved
    (``time_limit``).
    """
    started = time.perf_counter()
    cover_all, status_all = set_cover(c, time_limit_s=time_limit_s)
    k_all = max(len(cover_all), 1)
    today = float(c.weight.sum())
    out: list[tuple[int, np.ndarray, float, str, bool]] = []
    model = max_cover_model(c, time_limit_s=time_limit_s) if k_all > 1 and len(c.weight) else None
    for k in range(1, n_sites + 1):
        if k >= k_all or model is None:
            rest = [j for j in range(n_sites) if j not in set(cover_all.tolist())]
            kept = np.sort(np.r_[cover_all, rest[: k - len(cover_all)]].astype(np.int64))
            covered, status = today, status_all
        elif time.perf_counter() - started > budget_s:
            kept, status = _one_more(c, out[-1][1] if out else np.zeros(0, np.int64)), TIME_LIMIT
            covered = _covered(c, kept)
        else:
            kept, status = model.solve(k)
            covered = _covered(c, kept)
            if status != OPTIMAL and (len(kept) != k or (out and covered < out[-1][2])):
                kept = _one_more(c, out[-1][1]) if out else _one_more(c, kept[:0])
                covered = _covered(c, kept)
        out.append((k, kept, covered, status, k == k_all))
    return out


@dataclass(frozen=True)
class OptionProblem:
    """One district's service, ready to solve: its sites' keys and its clients."""

    district_code: str
    service: str
    keys: np.ndarray
    clients: Clients
    estimate: bool


def option_problems(model: ReachModel, *, codes: Sequence[str], threshold_m: float
                    ) -> list[OptionProblem]:
    """The districts and services with at least two sites of their own, as problems
    (pure numpy: coverage within ``threshold_m`` aggregated into clients)."""
    problems = []
    empty = np.zeros(0, dtype=np.int64)
    for service, reach in model.services.items():
        sites_of = group_positions(reach.sites.district)
        for code in codes:
            own = sites_of.get(code, empty)
            here = reach.demand.by_district.get(code, empty)
            if len(own) < 2 or len(here) == 0:
                continue
            covering = model.engine.covering(reach.demand.x[here], reach.demand.y[here],
                                             reach.sites.x[own], reach.sites.y[own],
                                             threshold_m)
            problems.append(OptionProblem(code, service, reach.sites.keys[own],
                                          clients(covering, reach.demand.weight[here]),
                                          reach.demand.estimate))
    return problems


def solve_options(problems: Sequence[OptionProblem], *, threshold_m: float, method: str,
                  time_limit_s: float = DEFAULT_TIME_LIMIT_S,
                  budget_s: float = DEFAULT_BUDGET_S) -> pd.DataFrame:
    """Solve every problem for k = 1..its sites: the ``reach_options.csv`` table.

    Runs where spopt is imported: the build hands it to a warmed-up worker.
    """
    rows = []
    for problem in problems:
        c, keys = problem.clients, problem.keys
        current = float(c.weight.sum()) / c.total if c.total > 0 else float("nan")
        for k, kept, covered, status, keeps in coverage_curve(
                c, len(keys), time_limit_s=time_limit_s, budget_s=budget_s):
            rows.append({
                schema.DISTRICT_CODE: problem.district_code, SERVICE: problem.service,
                THRESHOLD_M: threshold_m, K: k,
                COVERED_SHARE: round(covered / c.total, 4) if c.total > 0 else np.nan,
                KEPT_SITES: ";".join(sorted(keys[kept])), CURRENT_SITES: len(keys),
                CURRENT_SHARE: round(current, 4), KEEPS_CURRENT: keeps,
                SOLVE_STATUS: status, DISTANCE_METHOD: method,
                DEMAND_ESTIMATE: problem.estimate,
            })
    return _typed(pd.DataFrame(rows, columns=list(OPTIONS_COLUMNS)))


def reach_options_table(model: ReachModel, *, codes: Sequence[str], threshold_m: float,
                        time_limit_s: float = DEFAULT_TIME_LIMIT_S) -> pd.DataFrame:
    """The options of every district in ``codes`` and service of ``model``."""
    problems = option_problems(model, codes=codes, threshold_m=threshold_m)
    return solve_options(problems, threshold_m=threshold_m, method=model.method,
                         time_limit_s=time_limit_s)


def warm_up_solver() -> None:
    """Import spopt and start HiGHS once (a worker's one-off costs, about 2 s); nothing
    happens when they are not installed."""
    try:
        import spopt.locate  # noqa: F401
    except ImportError:
        return
    _highs_ready()


def _typed(table: pd.DataFrame) -> pd.DataFrame:
    for col in (schema.DISTRICT_CODE, SERVICE, KEPT_SITES, SOLVE_STATUS, DISTANCE_METHOD):
        table[col] = table[col].astype("string")
    table[K] = table[K].astype("int64")
    table[CURRENT_SITES] = table[CURRENT_SITES].astype("int64")
    table[THRESHOLD_M] = table[THRESHOLD_M].astype("float64")
    for col in (KEEPS_CURRENT, DEMAND_ESTIMATE):
        table[col] = table[col].astype(bool)
    return table
