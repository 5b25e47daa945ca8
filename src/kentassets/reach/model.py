"""Today's reach of every service (:class:`ReachModel`) and what a change does to it.

A model holds, for each service, its demand points, its sites and each point's
distance to its nearest site. :meth:`ReachModel.effect` answers "what if these
sites closed and these opened?" by recomputing only the points whose nearest
site closes: no one else can get farther (a new site only brings people nearer),
so a co-location's move costs a few hundred distances, not the county's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import geopandas as gpd
import numpy as np
from scipy.spatial import cKDTree

from .columns import DEFAULT_THRESHOLDS_M, distance_column
from .demand import DemandPoints, points_for
from .distance import DistanceEngine, StraightLine
from .sites import ServiceSites


@dataclass(frozen=True)
class ServiceReach:
    """One service today: demand points, sites, nearest distance and site per point."""

    demand: DemandPoints
    sites: ServiceSites
    distance_m: np.ndarray
    nearest: np.ndarray
    #: points sorted by nearest site, and where each site's points start (CSR style)
    by_site: np.ndarray = field(repr=False)
    site_start: np.ndarray = field(repr=False)

    @cached_property
    def row_of(self) -> dict[object, int]:
        """Asset label -> site row."""
        return {label: row for row, label in enumerate(self.sites.labels.tolist())}

    @cached_property
    def tree(self) -> cKDTree:
        """A KD-tree of the sites (straight-line distance)."""
        return cKDTree(np.column_stack([self.sites.x, self.sites.y]))

    def points_of(self, site_rows: np.ndarray) -> np.ndarray:
        """The points whose nearest site is one of ``site_rows``."""
        if len(site_rows) == 0:
            return np.zeros(0, dtype=np.int64)
        parts = [self.by_site[self.site_start[s]:self.site_start[s + 1]] for s in site_rows]
        return np.concatenate(parts)


@dataclass(frozen=True)
class ReachEffect:
    """What a change does to reach, summed over the services it touches.

    Attributes
    ----------
    people_farther
        Demand (people) whose nearest site gets farther.
    losing
        Threshold (m) -> demand within it before and beyond it after.
    extra_m
        Demand-weighted sum of the extra distance, person-metres.
    max_extra_m
        The largest extra distance of any point, metres.
    stranded
        Demand that falls outside at least one threshold it was within.
    """

    people_farther: float = 0.0
    losing: Mapping[float, float] = field(default_factory=dict)
    extra_m: float = 0.0
    max_extra_m: float = 0.0
    stranded: float = 0.0

    @property
    def mean_extra_m(self) -> float:
        """Mean extra distance of the people who get farther, metres (0 when none)."""
        return self.extra_m / self.people_farther if self.people_farther > 0 else 0.0

    def __add__(self, other: ReachEffect) -> ReachEffect:
        keys = sorted(set(self.losing) | set(other.losing))
        return ReachEffect(
            self.people_farther + other.people_farther,
            {t: self.losing.get(t, 0.0) + other.losing.get(t, 0.0) for t in keys},
            self.extra_m + other.extra_m, max(self.max_extra_m, other.max_extra_m),
            self.stranded + other.stranded,
        )


class ReachModel:
    """Demand and sites of each service, with today's nearest distances.

    Parameters
    ----------
    demand
        Demand frame (:func:`~kentassets.reach.demand.demand_from_postcodes`,
        :func:`~kentassets.reach.demand.combine_demand`).
    sites
        Service -> :class:`~kentassets.reach.sites.ServiceSites`.
    engine
        The distance (:class:`~kentassets.reach.distance.StraightLine` by default,
        or a :class:`~kentassets.reach.network.RoadNetwork`).
    thresholds_m
        Distances the effects count people losing.
    """

    def __init__(self, demand: gpd.GeoDataFrame, sites: Mapping[str, ServiceSites], *,
                 engine: DistanceEngine | None = None,
                 thresholds_m: Sequence[float] = DEFAULT_THRESHOLDS_M) -> None:
        self.demand = demand
        self.engine: DistanceEngine = engine if engine is not None else StraightLine()
        self.thresholds_m = tuple(float(t) for t in thresholds_m)
        self.services: dict[str, ServiceReach] = {}
        for service, svc_sites in sites.items():
            points = points_for(demand, service)
            dist, nearest = self.engine.nearest(points.x, points.y, svc_sites.x, svc_sites.y)
            order = np.argsort(nearest, kind="stable")
            start = np.searchsorted(nearest[order], np.arange(len(svc_sites) + 1))
            self.services[service] = ServiceReach(points, svc_sites, dist, nearest, order,
                                                  start)

    @property
    def method(self) -> str:
        """``"straight"`` or ``"network"``."""
        return self.engine.method

    def demand_with_distances(self) -> gpd.GeoDataFrame:
        """The demand frame with one ``distance_<service>_m`` column per service
        (missing where a point does not stand for that service's demand)."""
        out = self.demand.copy()
        for service, reach in self.services.items():
            col = np.full(len(out), np.nan)
            col[reach.demand.rows] = np.round(reach.distance_m, 1)
            out[distance_column(service)] = col
        return out

    def effect(self, service: str, removed: np.ndarray, added_x: np.ndarray,
               added_y: np.ndarray) -> ReachEffect:
        """What closing the sites ``removed`` (labels) and opening sites at
        ``added_x``, ``added_y`` does to ``service``'s reach."""
        reach = self.services.get(service)
        if reach is None or len(removed) == 0:
            return ReachEffect()
        gone_rows = np.array(sorted({reach.row_of[r] for r in removed if r in reach.row_of}),
                             dtype=np.int64)
        points = reach.points_of(gone_rows)
        if len(points) == 0:
            return ReachEffect()
        px, py = reach.demand.x[points], reach.demand.y[points]
        ax, ay = np.asarray(added_x, dtype=np.float64), np.asarray(added_y, dtype=np.float64)
        if isinstance(self.engine, StraightLine):
            after = _nearest_left(reach, px, py, gone_rows, ax, ay)
        else:
            gone = np.zeros(len(reach.sites), dtype=bool)
            gone[gone_rows] = True
            left = reach.sites.without(gone)
            after, _ = self.engine.nearest(px, py, np.r_[left.x, ax], np.r_[left.y, ay])
        return change_effect(reach.distance_m[points], after, reach.demand.weight[points],
                             self.thresholds_m)


def _nearest_left(reach: ServiceReach, px: np.ndarray, py: np.ndarray, gone_rows: np.ndarray,
                  ax: np.ndarray, ay: np.ndarray) -> np.ndarray:
    """Straight distance to the nearest site left open or added.

    A few closed sites: the sites' KD-tree asked for one neighbour more than them
    (no tree rebuilt per change); many (a large co-location): a tree of the sites
    left, which is then cheaper than the many neighbours.
    """
    n_sites = len(reach.sites)
    gone = np.zeros(n_sites + 1, dtype=bool)  # the extra slot: "no neighbour" (index n)
    gone[gone_rows] = True
    gone[n_sites] = True
    xy = np.column_stack([px, py])
    if len(gone_rows) > _FEW_CLOSED:
        left = np.flatnonzero(~gone[:n_sites])
        after = (cKDTree(np.column_stack([reach.sites.x[left], reach.sites.y[left]])).query(xy)[0]
                 if len(left) else np.full(len(px), np.inf))
    else:
        k = min(len(gone_rows) + 1, n_sites)
        dist, idx = reach.tree.query(xy, k=k)
        dist, idx = dist.reshape(len(px), k), idx.reshape(len(px), k)
        after = np.where(gone[idx], np.inf, dist).min(axis=1)
    if len(ax):
        added = np.hypot(px[:, None] - ax[None, :], py[:, None] - ay[None, :]).min(axis=1)
        after = np.minimum(after, added)
    return after


#: Closed sites up to which a change asks the whole tree for more neighbours.
_FEW_CLOSED = 8


def change_effect(before_m: np.ndarray, after_m: np.ndarray, weight: np.ndarray,
                  thresholds_m: Sequence[float]) -> ReachEffect:
    """The effect of distances going from ``before_m`` to ``after_m`` (same points).

    Examples
    --------
    >>> e = change_effect(np.array([900.0, 1500.0, 300.0]), np.array([1200.0, 1500.0, 250.0]),
    ...                   np.array([10.0, 5.0, 7.0]), [1000.0, 2000.0])
    >>> e.people_farther, dict(e.losing), e.mean_extra_m
    (10.0, {1000.0: 10.0, 2000.0: 0.0}, 300.0)
    """
    farther = after_m > before_m + 1e-6
    extra = np.where(farther, np.minimum(after_m, 1e12) - before_m, 0.0)
    crossed = np.zeros(len(before_m), dtype=bool)
    for t in thresholds_m:
        crossed |= (before_m <= t) & (after_m > t)
    return ReachEffect(
        people_farther=float(weight[farther].sum()),
        losing={float(t): float(weight[(before_m <= t) & (after_m > t)].sum())
                for t in thresholds_m},
        extra_m=float((weight * extra).sum()),
        max_extra_m=float(extra.max()) if len(extra) else 0.0,
        stranded=float(weight[crossed].sum()),
    )


def reach_change(
    demand: gpd.GeoDataFrame,
    sites_before: gpd.GeoDataFrame,
    sites_after: gpd.GeoDataFrame,
    *,
    service: str | None = None,
    thresholds_m: Sequence[float] = DEFAULT_THRESHOLDS_M,
    engine: DistanceEngine | None = None,
) -> ReachEffect:
    """The effect on reach of going from one set of sites to another (one service).

    Parameters
    ----------
    demand
        Demand frame (``demand`` people and points).
    sites_before, sites_after
        The sites (any point frames) before and after the change.
    service
        The service whose demand rows count (default: every row).
    thresholds_m
        Distances counted in :attr:`ReachEffect.losing`.
    engine
        The distance; straight-line by default.

    Returns
    -------
    ReachEffect

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> from kentassets.reach.demand import demand_frame
    >>> people = demand_frame(np.array([0.0, 3000.0]), np.array([0.0, 0.0]),
    ...                       np.array([100.0, 50.0]), np.array(["A", "A"]))
    >>> before = gpd.GeoDataFrame(geometry=[Point(500, 0), Point(2500, 0)], crs=27700)
    >>> after = before.iloc[[1]]
    >>> effect = reach_change(people, before, after)
    >>> effect.people_farther, effect.losing[1000.0], effect.mean_extra_m
    (100.0, 100.0, 2000.0)
    """
    engine = engine if engine is not None else StraightLine()
    points = points_for(demand, service) if service else DemandPoints(
        demand.geometry.x.to_numpy(float), demand.geometry.y.to_numpy(float),
        demand["demand"].to_numpy(float), np.zeros(len(demand), dtype=object),
        np.arange(len(demand)), False)
    b, _ = engine.nearest(points.x, points.y, sites_before.geometry.x.to_numpy(float),
                          sites_before.geometry.y.to_numpy(float))
    a, _ = engine.nearest(points.x, points.y, sites_after.geometry.x.to_numpy(float),
                          sites_after.geometry.y.to_numpy(float))
    return change_effect(b, a, points.weight, thresholds_m)
