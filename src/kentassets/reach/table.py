"""The service reach table: per district and service, how near the people are to a site."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from .. import schema
from .columns import (
    COUNTY,
    COUNTY_NAME,
    DEMAND,
    DEMAND_ESTIMATE,
    DISTANCE_METHOD,
    MEAN_DISTANCE_M,
    P90_DISTANCE_M,
    SERVICE,
    SITES,
    reach_columns,
    within_column,
)
from .model import ReachModel, ServiceReach


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """The demand-weighted ``q`` quantile: the smallest value ``v`` such that the
    points at ``v`` or nearer hold at least ``q`` of the weight.

    No interpolation: it is a distance some resident actually has. ``nan`` when
    the weights sum to 0.

    Examples
    --------
    Four residents at 100, 200, 300 and 400 m with weights 1, 1, 1, 7: the
    first three hold 30 % of the weight, so the 90th percentile is 400 m;
    with weights 7, 1, 1, 1 the first two already hold 80 % and three 90 %:

    >>> weighted_quantile(np.array([100., 200., 300., 400.]), np.array([1., 1., 1., 7.]), 0.9)
    400.0
    >>> weighted_quantile(np.array([100., 200., 300., 400.]), np.array([7., 1., 1., 1.]), 0.9)
    300.0
    """
    total = float(weights.sum())
    if len(values) == 0 or total <= 0:
        return float("nan")
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(weights[order])
    # a tiny tolerance so that exactly q (e.g. 9 of 10 equal weights) counts as reached
    at = int(np.searchsorted(cumulative, q * total * (1 - 1e-12), side="left"))
    return float(values[order][min(at, len(values) - 1)])


def _figures(dist: np.ndarray, weight: np.ndarray, thresholds_m: Sequence[float]
             ) -> dict[str, float]:
    """Demand, shares within each threshold, mean and 90th percentile distance."""
    total = float(weight.sum())
    out: dict[str, float] = {DEMAND: round(total, 1)}
    for t in thresholds_m:
        share = float(weight[dist <= t].sum()) / total if total > 0 else float("nan")
        out[within_column(t)] = round(share, 4)
    finite = np.isfinite(dist)
    mean = float((weight * dist)[finite].sum()) / total if total > 0 and finite.all() else (
        float("nan"))
    p90 = weighted_quantile(dist, weight, 0.9)
    out[MEAN_DISTANCE_M] = round(mean, 1)
    out[P90_DISTANCE_M] = round(p90, 1) if np.isfinite(p90) else float("nan")
    return out


def _rows_of(service: str, reach: ServiceReach, codes: Sequence[str],
             names: Mapping[str, str], thresholds_m: Sequence[float]) -> list[dict[str, object]]:
    rows = []
    groups = reach.demand.by_district
    sites_in = pd.Series(reach.sites.district).value_counts()
    empty = np.zeros(0, dtype=np.int64)
    for code in codes:
        here = groups.get(code, empty)
        rows.append({schema.DISTRICT_CODE: code, schema.DISTRICT_NAME: names.get(code, code),
                     SERVICE: service, SITES: int(sites_in.get(code, 0)),
                     **_figures(reach.distance_m[here], reach.demand.weight[here],
                                thresholds_m)})
    inside = np.concatenate([groups.get(code, empty) for code in codes]) if codes else empty
    rows.append({schema.DISTRICT_CODE: COUNTY, schema.DISTRICT_NAME: COUNTY_NAME,
                 SERVICE: service, SITES: int(sites_in.reindex(list(codes)).fillna(0).sum()),
                 **_figures(reach.distance_m[inside], reach.demand.weight[inside],
                            thresholds_m)})
    return rows


def reach_table(model: ReachModel, *, codes: Sequence[str], names: Mapping[str, str],
                thresholds_m: Sequence[float]) -> pd.DataFrame:
    """:func:`~kentassets.reach.service_reach`'s table from a built model.

    One row per district (``codes`` order) and service, then the county row of
    each service; ``sites`` counts each district's own sites (its residents may
    use others too).
    """
    rows = []
    for service, reach in model.services.items():
        for row in _rows_of(service, reach, codes, names, thresholds_m):
            row[DISTANCE_METHOD] = model.method
            row[DEMAND_ESTIMATE] = reach.demand.estimate
            rows.append(row)
    columns = list(reach_columns(tuple(thresholds_m)))
    table = pd.DataFrame(rows, columns=columns)
    table[SITES] = table[SITES].astype("int64")
    table[DEMAND_ESTIMATE] = table[DEMAND_ESTIMATE].astype(bool)
    for col in (schema.DISTRICT_CODE, schema.DISTRICT_NAME, SERVICE, DISTANCE_METHOD):
        table[col] = table[col].astype("string")
    return table
