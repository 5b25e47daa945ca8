"""What a co-location saves: office consolidation, released vacant members, shared services."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..colocation import runs_of
from .estimates import Range, combine_ranges
from .members import Inputs, Members
from .params import ScoringParams


@dataclass(frozen=True)
class _Consolidation:
    """Office consolidation and vacancy release of one scenario, per co-location."""

    office_gia: np.ndarray
    staff: np.ndarray
    need: np.ndarray
    target: np.ndarray
    fits: np.ndarray
    kept: np.ndarray
    n_pool: np.ndarray
    released: np.ndarray  # per member
    released_cost: np.ndarray
    released_gia: np.ndarray
    spare: np.ndarray
    surplus: np.ndarray
    saving: np.ndarray


def _consolidate(mem: Members, inp: Inputs, scenario: int, p: ScoringParams) -> _Consolidation:
    """Today's formula: keep the largest pool offices that take the staff, release the rest.

    ``scenario`` 0, 1, 2 picks the low-saving, central and high-saving figures.
    """
    s, k = mem.s, mem.k
    gia, staff, cost = inp.gia[scenario], inp.staff[scenario], inp.cost[scenario]
    pool = inp.office & np.isfinite(gia) & np.isfinite(staff)
    gia0 = np.where(np.isfinite(gia), gia, 0.0)
    office_gia = np.round(mem.per(np.where(pool, gia, 0.0)), 2)
    staff_tot = np.round(mem.per(np.where(pool, staff, 0.0)), 2)
    n_pool = mem.count(pool)
    need = np.round(staff_tot * p.office_gia_per_fte_m2, 2)
    target = need * (1.0 + p.headroom_share)
    fits = (n_pool > 0) & (office_gia >= target)
    pr = np.flatnonzero(pool)
    pr = pr[np.lexsort((mem.y[pr], mem.x[pr], cost[pr], -gia[pr], s[pr]))]
    ps = s[pr]
    before = pd.Series(gia[pr]).groupby(ps).cumsum().to_numpy() - gia[pr]
    released_pool = fits[ps] & (before >= target[ps] - 1e-9)
    released = inp.vacant & ~pool
    released[pr[released_pool]] = True
    released_cost = np.round(mem.per(np.where(released, cost, 0.0)), 2)
    surplus = np.round(np.maximum(0.0, office_gia - need), 2)
    return _Consolidation(
        office_gia=office_gia, staff=staff_tot, need=need, target=target, fits=fits,
        kept=n_pool - np.bincount(ps[released_pool], minlength=k), n_pool=n_pool,
        released=released, released_cost=released_cost,
        released_gia=np.round(mem.per(np.where(released, gia0, 0.0)), 2),
        spare=np.round(surplus + mem.per(np.where(inp.vacant & ~pool, gia0, 0.0)), 2),
        surplus=surplus, saving=np.round(p.saving_share * released_cost, 2),
    )


def _first_per_site(mem: Members, inp: Inputs, mask: np.ndarray, gia: np.ndarray
                    ) -> np.ndarray:
    """Within ``mask``, one member per (co-location, site): records of one building count once."""
    rows = np.flatnonzero(mask & (inp.site >= 0))
    rows = rows[np.lexsort((mem.y[rows], mem.x[rows], -gia[rows], inp.site[rows], mem.s[rows]))]
    keep = np.ones(len(mem.m), dtype=bool)
    if len(rows):
        pair = np.column_stack([mem.s[rows], inp.site[rows]])
        repeat = np.r_[False, (pair[1:] == pair[:-1]).all(axis=1)]
        keep[rows[repeat]] = False
    return keep


def _shared_moves(mem: Members, inp: Inputs, released: np.ndarray) -> tuple[np.ndarray,
                                                                              np.ndarray]:
    """The host of each co-location's shared services and the members that move in.

    The host is the largest public-facing member not released (central floor
    area; ties by position); public-facing members not released, of another
    agency and with another use than the host, move in (a library, a GP surgery
    and a police front counter share one front door; two records of one use at
    one place are more often one building listed twice than two services).
    Members on the host's site are in it already; several on one site count once.
    Returns ``host`` (member position or -1, per co-location) and a per-member
    ``moves`` mask.
    """
    cand = np.flatnonzero(inp.public & ~released)
    gia = np.where(np.isfinite(inp.gia[1]), inp.gia[1], 0.0)
    cand = cand[np.lexsort((mem.y[cand], mem.x[cand], -gia[cand], mem.s[cand]))]
    host = np.full(mem.k, -1, dtype=np.int64)
    slots, starts, _ = runs_of(mem.s[cand])
    host[slots] = cand[starts]
    moves = np.zeros(len(mem.m), dtype=bool)
    has_host = host[mem.s] >= 0
    host_of = np.maximum(host[mem.s], 0)
    moves[cand] = True
    moves &= has_host & (inp.agency != inp.agency[host_of]) & (inp.use != inp.use[host_of])
    moves &= ~((inp.site >= 0) & (inp.site == inp.site[host_of]))  # already in the host
    moves &= _first_per_site(mem, inp, moves, gia)
    host[mem.count(moves) == 0] = -1
    return host, moves


@dataclass(frozen=True)
class Savings:
    central: _Consolidation
    consolidation: np.ndarray
    shared: np.ndarray
    low: np.ndarray
    high: np.ndarray
    given: np.ndarray
    host: np.ndarray
    moves: np.ndarray
    n_moves: np.ndarray


def _shared_range(mem: Members, inp: Inputs, moves: np.ndarray,
                  share: tuple[float, ...]) -> Range:
    """Shared-service saving per co-location: share x cost of the movers, as a range.

    Each mover's cost range and the share's range are combined in quadrature
    (:func:`~kentassets.opportunities.estimates.combine_ranges`), then summed per co-location.
    """
    n = len(mem.m)
    cost = Range(inp.cost[0], inp.cost[1], inp.cost[2])
    rate = Range(np.full(n, share[0]), np.full(n, share[1]), np.full(n, share[2]))
    each = combine_ranges(np.where(moves, share[1] * inp.cost[1], 0.0), [cost, rate])
    return Range(*(np.round(mem.per(np.where(moves, v, 0.0)), 2)
                   for v in (each.low, each.central, each.high)))


def savings(mem: Members, inp: Inputs, p: ScoringParams, share: tuple[float, ...]
             ) -> Savings:
    """Both savings as ranges, and the share of the central one that rests on given figures.

    The consolidation's low and high are the smallest and largest of its three
    scenario runs; the shared-service range is :func:`_shared_range`.
    """
    runs = [_consolidate(mem, inp, i, p) for i in range(3)]
    host, moves = _shared_moves(mem, inp, runs[1].released)
    if not p.shared_services:
        host, moves = np.full(mem.k, -1, dtype=np.int64), np.zeros(len(mem.m), dtype=bool)
    shared = _shared_range(mem, inp, moves, share)
    cons = np.vstack([r.saving for r in runs])
    contribution = (np.where(runs[1].released, p.saving_share * inp.cost[1], 0.0)
                    + np.where(moves, share[1] * inp.cost[1], 0.0))
    weight = mem.per(contribution)
    with np.errstate(invalid="ignore", divide="ignore"):
        given = np.where(weight > 0, mem.per(contribution * inp.given) / weight, np.nan)
    return Savings(
        central=runs[1], consolidation=runs[1].saving, shared=shared.central,
        low=np.round(cons.min(axis=0) + shared.low, 2),
        high=np.round(cons.max(axis=0) + shared.high, 2),
        given=np.round(given, 3), host=host, moves=moves, n_moves=mem.count(moves),
    )
