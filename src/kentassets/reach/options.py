"""Options: how few of a district's own sites could keep how much of its reach.

For each district and service with at least two sites of its own, and a
threshold (2 km by default):

* **maximal covering** (MCLP): for every k from 1 to today's number of sites,
  the largest share of the district's demand within the threshold of k of its
  own sites, and which;
* **set covering** (LSCP): the fewest of its own sites that keep everyone
  covered today covered (``keeps_current_coverage`` marks that k).

The models depend only on which sites cover each resident, so residents sharing
one set of covering sites become one weighted client (a district's thousands of
postcodes become tens to thousands of clients). Beyond the set covering's k
every site can be kept at today's coverage, so those rows need no solve: the set
cover plus the remaining sites in key order. Residents whose nearest own site is
beyond the threshold count in the denominator only.

Solvers (``solver=``):

* ``"highs"`` (the default): the models built sparse and solved by HiGHS through
  SciPy (:mod:`kentassets.reach._milp`; no optional dependency). Each k starts
  from a local search (the previous k's sites, the best one more, then the best
  swaps: :mod:`kentassets.reach._search`), which is proven optimal when it
  reaches the LP relaxation's bound, and otherwise HiGHS solves the MIP;
* ``"spopt"``: PySAL spopt's MCLP and LSCP (PuLP models; the ``reach`` extra),
  the reference the default is tested against (:mod:`kentassets.reach._spopt`).

Every solve is bounded by ``time_limit_s``, and each district's service by a
``budget_s`` of proving: a row whose solve or budget ran out first keeps the
best sites found and says ``time_limit`` in ``solve_status``. Curves never fall
as k grows.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd

from .. import schema
from ..errors import ValidationError
from ._milp import MIP_GAP, SparseMaxCover
from ._search import CoverSearch
from ._spopt import SolverUnavailableError as SolverUnavailableError  # its home before
from ._spopt import SpoptMaxCover, spopt_set_cover
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
from .distance import DistanceEngine, pairs_of
from .model import ReachModel

#: Seconds one solve may take before the best solution found so far is reported.
DEFAULT_TIME_LIMIT_S = 20.0
#: Seconds of proving one district's service may spend on its curve; beyond, the
#: remaining k keep the local search's sites and are marked ``time_limit``.
DEFAULT_BUDGET_S = 60.0
#: Seconds of proving all the options of a build may spend (per worker process),
#: shared out between the districts' services, the smallest first (what one
#: leaves unspent goes to the next): a national build's options finish in minutes.
DEFAULT_OPTIONS_BUDGET_S = 120.0
#: The default solver and the choices.
HIGHS = "highs"
SPOPT = "spopt"
SOLVERS = (HIGHS, SPOPT)
#: Relative slack within which the local search's coverage counts as reaching the
#: LP bound (as the MIP's gap).
BOUND_TOLERANCE = MIP_GAP
#: Seed of the random keys that group residents by their covering sites.
_SIGNATURE_SEED = 20261207


@dataclass(frozen=True)
class Clients:
    """A district's demand as weighted clients: rows of ``cover`` (client x site)."""

    cover: np.ndarray  # bool, clients x sites
    weight: np.ndarray
    total: float  # all the district's demand, covered or not


def clients(covering: Sequence[np.ndarray], weight: np.ndarray) -> Clients:
    """Aggregate points by the set of sites covering them; drop the uncovered.

    ``covering`` holds, per site, the points within reach (see
    :func:`clients_of_pairs`).

    Examples
    --------
    >>> c = clients([np.array([0, 1]), np.array([1, 2])], np.array([1.0, 2.0, 4.0, 8.0]))
    >>> c.cover.astype(int).tolist(), c.weight.tolist(), c.total
    ([[1, 0], [1, 1], [0, 1]], [1.0, 2.0, 4.0], 15.0)
    """
    site, point = pairs_of(list(covering))
    return clients_of_pairs(site, point, weight, n_sites=len(covering))


def clients_of_pairs(site: np.ndarray, point: np.ndarray, weight: np.ndarray, *,
                     n_sites: int) -> Clients:
    """Aggregate points by the set of sites covering them, from (site, point) pairs.

    Points are grouped by two 64-bit sums of random keys of their covering sites
    (the same set, the same sums; two different sets share both sums with a
    chance of about one in 2**128), in the order of each group's first point.
    """
    weight = np.asarray(weight, dtype=np.float64)
    n, m = len(weight), n_sites
    keys = np.random.default_rng(_SIGNATURE_SEED).integers(
        1, np.iinfo(np.int64).max, size=(2, max(m, 1)), dtype=np.int64).astype(np.uint64)
    signature = np.zeros((n, 2), dtype=np.uint64)
    for col in range(2):
        np.add.at(signature[:, col], point, keys[col, site])  # wraps modulo 2**64
    hit = np.zeros(n, dtype=bool)
    hit[point] = True
    covered = np.flatnonzero(hit)
    _, first, inverse = np.unique(signature[covered], axis=0, return_index=True,
                                  return_inverse=True)
    order = np.argsort(first, kind="stable")  # groups in the order of their first point
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    client_of = np.full(n, -1, dtype=np.int64)
    client_of[covered[first[order]]] = np.arange(len(order))
    cover = np.zeros((len(order), m), dtype=bool)
    lead = client_of[point] >= 0
    cover[client_of[point[lead]], site[lead]] = True
    sums = np.bincount(rank[inverse.ravel()], weights=weight[covered], minlength=len(order))
    return Clients(cover=cover, weight=sums, total=float(weight.sum()))


class _Model(Protocol):
    def solve(self, k: int, *, time_limit_s: float | None = None) -> tuple[np.ndarray, str]: ...


class _Curve:
    """One district's service: the best k sites for each k, proven where time allows."""

    def __init__(self, c: Clients, *, solver: str, time_limit_s: float, budget_s: float
                 ) -> None:
        self.c, self.solver, self.time_limit_s = c, solver, time_limit_s
        self.deadline = time.perf_counter() + budget_s
        self.search = CoverSearch(c.cover, c.weight)
        self.model: _Model | None = None

    def left_s(self) -> float:
        return self.deadline - time.perf_counter()

    def _model(self) -> _Model:
        if self.model is None:
            if self.solver == SPOPT:
                self.model = SpoptMaxCover(self.c.cover, self.c.weight,
                                           time_limit_s=self.time_limit_s)
            else:
                self.model = SparseMaxCover(self.c.cover, self.c.weight,
                                            time_limit_s=self.time_limit_s)
        return self.model

    def best(self, k: int, previous: np.ndarray) -> tuple[np.ndarray, float, str]:
        """The best ``k`` sites found (from ``previous``, the best k - 1), their
        coverage and whether they are proven optimal."""
        kept = self.search.improve(self.search.one_more(previous))
        covered = self.search.covered(kept)
        if self.left_s() <= 0:
            return kept, covered, TIME_LIMIT
        model = self._model()
        if isinstance(model, SparseMaxCover):  # spopt's PuLP model gives no LP bound here
            bound = model.upper_bound(k)
            if covered >= bound * (1.0 - BOUND_TOLERANCE) - self.search.tolerance:
                return kept, covered, OPTIMAL
        found, status = model.solve(k, time_limit_s=min(self.time_limit_s, self.left_s()))
        value = self.search.covered(found) if len(found) == k else -1.0
        if value > covered + self.search.tolerance:
            return found, value, status
        return kept, covered, status  # as good as what the solver found (or proved)


def coverage_curve(c: Clients, n_sites: int, *, time_limit_s: float = DEFAULT_TIME_LIMIT_S,
                   budget_s: float = DEFAULT_BUDGET_S, solver: str = HIGHS
                   ) -> list[tuple[int, np.ndarray, float, str, bool]]:
    """``(k, kept site positions, covered weight, status, keeps today's)`` for k = 1..n.

    Each k starts from the previous k's sites, the best one more and the best
    swaps, and is proven optimal (or improved) by the solver while ``budget_s``
    lasts; after, it keeps those sites and says ``time_limit``. The first k
    that covers all that today's sites cover is the set cover (with
    ``solver="spopt"``, spopt's LSCP gives it first): the fewest sites, proven
    when the k before it is proven short of it. From it on every row covers all
    that today's sites cover, the most possible: the set cover plus the other
    sites in key order. The curve never falls.

    Raises
    ------
    ValidationError
        An unknown ``solver``.
    SolverUnavailableError
        ``solver="spopt"`` without spopt installed.
    """
    if solver not in SOLVERS:
        raise ValidationError(f"solver={solver!r}: give one of {', '.join(SOLVERS)}.")
    curve = _Curve(c, solver=solver, time_limit_s=time_limit_s, budget_s=budget_s)
    today = float(c.weight.sum())
    cover_all, lscp = np.zeros(0, dtype=np.int64), TIME_LIMIT
    if solver == SPOPT and len(c.weight):
        cover_all, lscp = spopt_set_cover(c.cover, time_limit_s=time_limit_s)
    limit = len(cover_all) if lscp == OPTIMAL else n_sites + 1
    found: list[tuple[np.ndarray, float, str]] = []
    kept = np.zeros(0, dtype=np.int64)
    while len(c.weight) and len(found) + 1 < limit:
        kept, covered, status = curve.best(len(found) + 1, kept)
        if covered >= today - curve.search.tolerance:
            cover_all = kept
            break
        found.append((kept, covered, status))
    # the fewest sites: proven by the LSCP, or by the k before it proven short of today
    proven = lscp == OPTIMAL or not found or found[-1][2] == OPTIMAL
    k_all = max(len(cover_all), 1)
    chosen = set(cover_all.tolist())
    rest = [j for j in range(n_sites) if j not in chosen]
    out = [(k, kept, covered, status, False)
           for k, (kept, covered, status) in enumerate(found, start=1)]
    for k in range(len(found) + 1, n_sites + 1):
        kept = np.sort(np.r_[cover_all, rest[: k - len(cover_all)]].astype(np.int64))
        status = TIME_LIMIT if k == k_all and not proven else OPTIMAL
        out.append((k, kept, today, status, k == k_all))
    return out


@dataclass(frozen=True)
class OptionProblem:
    """One district's service, ready to solve: its sites' keys and its clients."""

    district_code: str
    service: str
    keys: np.ndarray
    clients: Clients
    estimate: bool


@dataclass(frozen=True)
class OptionInput:
    """One district's service before its clients are grouped: its demand and its sites.

    Cheap to make and to send to a worker process, which groups the clients
    (:meth:`problem`) where it solves them.
    """

    district_code: str
    service: str
    keys: np.ndarray  # the district's own sites, agency:asset_id
    sx: np.ndarray
    sy: np.ndarray
    px: np.ndarray  # the district's demand points
    py: np.ndarray
    weight: np.ndarray
    estimate: bool

    @property
    def size(self) -> int:
        """Demand points times sites: how much work the problem is, roughly."""
        return len(self.px) * len(self.sx)

    def problem(self, engine: DistanceEngine, threshold_m: float) -> OptionProblem:
        """Coverage within ``threshold_m`` grouped into clients (pure numpy)."""
        site, point = engine.covering_pairs(self.px, self.py, self.sx, self.sy, threshold_m)
        grouped = clients_of_pairs(site, point, self.weight, n_sites=len(self.sx))
        return OptionProblem(self.district_code, self.service, self.keys, grouped,
                             self.estimate)


def option_inputs(model: ReachModel, *, codes: Sequence[str]) -> list[OptionInput]:
    """The districts and services with at least two sites of their own and some demand."""
    inputs = []
    empty = np.zeros(0, dtype=np.int64)
    for service, reach in model.services.items():
        sites_of = group_positions(reach.sites.district)
        for code in codes:
            own = sites_of.get(code, empty)
            here = reach.demand.by_district.get(code, empty)
            if len(own) < 2 or len(here) == 0:
                continue
            inputs.append(OptionInput(
                code, service, reach.sites.keys[own], reach.sites.x[own], reach.sites.y[own],
                reach.demand.x[here], reach.demand.y[here], reach.demand.weight[here],
                reach.demand.estimate))
    return inputs


def option_problems(model: ReachModel, *, codes: Sequence[str], threshold_m: float
                    ) -> list[OptionProblem]:
    """The districts and services with at least two sites of their own, as problems
    (pure numpy: coverage within ``threshold_m`` aggregated into clients)."""
    return [i.problem(model.engine, threshold_m) for i in option_inputs(model, codes=codes)]


def solve_option_inputs(inputs: Sequence[OptionInput], *, engine: DistanceEngine,
                        threshold_m: float, method: str,
                        time_limit_s: float = DEFAULT_TIME_LIMIT_S,
                        budget_s: float = DEFAULT_BUDGET_S,
                        total_budget_s: float = DEFAULT_OPTIONS_BUDGET_S,
                        solver: str = HIGHS) -> pd.DataFrame:
    """Group each input's clients, then :func:`solve_options` (what a worker runs)."""
    problems = [i.problem(engine, threshold_m) for i in inputs]
    return solve_options(problems, threshold_m=threshold_m, method=method,
                         time_limit_s=time_limit_s, budget_s=budget_s,
                         total_budget_s=total_budget_s, solver=solver)


def solve_options(problems: Sequence[OptionProblem], *, threshold_m: float, method: str,
                  time_limit_s: float = DEFAULT_TIME_LIMIT_S,
                  budget_s: float = DEFAULT_BUDGET_S,
                  total_budget_s: float = DEFAULT_OPTIONS_BUDGET_S,
                  solver: str = HIGHS) -> pd.DataFrame:
    """Solve every problem for k = 1..its sites: the ``reach_options.csv`` table.

    ``total_budget_s`` of proving is shared out between the problems, the
    smallest first, each an equal share of what is left (what one leaves unspent
    goes to the next), and at most ``budget_s``; the table keeps the problems'
    order.
    """
    deadline = time.perf_counter() + total_budget_s
    # the smallest first, each an equal share of what is left: the budget proves the
    # most rows, and what a small one leaves unspent flows on to the larger ones
    sizes = np.array([p.clients.cover.size for p in problems], dtype=np.float64)
    order = np.argsort(sizes, kind="stable")
    rows: dict[int, list[dict[str, object]]] = {}
    for place, i in enumerate(order):
        problem = problems[i]
        share = max(deadline - time.perf_counter(), 0.0) / (len(order) - place)
        rows[int(i)] = _option_rows(problem, threshold_m=threshold_m, method=method,
                                    curve=coverage_curve(problem.clients, len(problem.keys),
                                                         time_limit_s=time_limit_s,
                                                         budget_s=min(budget_s, share),
                                                         solver=solver))
    table = [row for i in range(len(problems)) for row in rows[i]]
    return _typed(pd.DataFrame(table, columns=list(OPTIONS_COLUMNS)))


def _option_rows(problem: OptionProblem, *, threshold_m: float, method: str,
                 curve: list[tuple[int, np.ndarray, float, str, bool]]
                 ) -> list[dict[str, object]]:
    """The ``reach_options.csv`` rows of one problem's curve."""
    c, keys = problem.clients, problem.keys
    current = float(c.weight.sum()) / c.total if c.total > 0 else float("nan")
    return [{
        schema.DISTRICT_CODE: problem.district_code, SERVICE: problem.service,
        THRESHOLD_M: threshold_m, K: k,
        COVERED_SHARE: round(covered / c.total, 4) if c.total > 0 else np.nan,
        KEPT_SITES: ";".join(sorted(keys[kept])), CURRENT_SITES: len(keys),
        CURRENT_SHARE: round(current, 4), KEEPS_CURRENT: keeps,
        SOLVE_STATUS: status, DISTANCE_METHOD: method,
        DEMAND_ESTIMATE: problem.estimate,
    } for k, kept, covered, status, keeps in curve]


def reach_options_table(model: ReachModel, *, codes: Sequence[str], threshold_m: float,
                        time_limit_s: float = DEFAULT_TIME_LIMIT_S,
                        total_budget_s: float = DEFAULT_OPTIONS_BUDGET_S,
                        solver: str = HIGHS) -> pd.DataFrame:
    """The options of every district in ``codes`` and service of ``model``."""
    problems = option_problems(model, codes=codes, threshold_m=threshold_m)
    return solve_options(problems, threshold_m=threshold_m, method=model.method,
                         time_limit_s=time_limit_s, total_budget_s=total_budget_s,
                         solver=solver)


def _typed(table: pd.DataFrame) -> pd.DataFrame:
    for col in (schema.DISTRICT_CODE, SERVICE, KEPT_SITES, SOLVE_STATUS, DISTANCE_METHOD):
        table[col] = table[col].astype("string")
    table[K] = table[K].astype("int64")
    table[CURRENT_SITES] = table[CURRENT_SITES].astype("int64")
    table[THRESHOLD_M] = table[THRESHOLD_M].astype("float64")
    for col in (KEEPS_CURRENT, DEMAND_ESTIMATE):
        table[col] = table[col].astype(bool)
    return table
