"""The parts of the score, each from 0 to 1, and their points."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .columns import (
    COMPONENTS,
)
from .members import Inputs, Members
from .params import ScoringParams
from .savings import Savings


def member_spread(mem: Members, inp: Inputs) -> np.ndarray:
    """Mean distance of the members from their centre, m; 0 when they share one site."""
    n = np.maximum(mem.count(np.ones(len(mem.m), dtype=bool)), 1)
    cx, cy = mem.per(mem.x) / n, mem.per(mem.y) / n
    dist = np.hypot(mem.x - cx[mem.s], mem.y - cy[mem.s])
    spread = np.round(mem.per(dist) / n, 1)
    one_site = (mem.distinct(inp.site) == 1) & (mem.count(inp.site < 0) == 0)
    return np.where(one_site, 0.0, spread)


def _tenure_credit(inp: Inputs, p: ScoringParams) -> np.ndarray:
    credit = {"leasehold": 1.0, "licence": 1.0, "freehold": p.freehold_tenure_credit}
    return inp.tenure.map(credit).astype("float64").fillna(0.0).to_numpy()


def components(mem: Members, inp: Inputs, sav: Savings, lease_soon: np.ndarray,
                n_agencies: np.ndarray, p: ScoringParams,
                reach: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Each component's part (0 to 1) per co-location; see the module docstring.
    ``reach`` is the reach part (:func:`~kentassets.opportunities.reach.reach_part`),
    ``None`` when the reach stage did not run (the part is then 0 and not weighed)."""
    n = np.maximum(mem.count(np.ones(len(mem.m), dtype=bool)), 1)
    given = np.where(np.isnan(sav.given), 1.0, sav.given)
    credited = (sav.consolidation + sav.shared) * (
        given + (1.0 - given) * p.estimated_saving_credit)
    spread = member_spread(mem, inp)
    closeness = np.clip(1.0 - (spread - p.same_site_m) / (p.closeness_zero_m - p.same_site_m),
                        0.0, 1.0)
    n_empty = mem.count(inp.vacant) + 0.5 * mem.count(inp.part_vacant)
    public_uses = mem.distinct(np.where(inp.public, inp.use, -1))
    return {
        "saving": np.minimum(1.0, credited / p.saving_full_marks_gbp),
        "agencies": np.clip((n_agencies - 1.0) / (p.agencies_full_marks - 1.0), 0.0, 1.0),
        "sectors": np.clip((mem.distinct(inp.sector) - 1.0) / (p.sectors_full_marks - 1.0),
                           0.0, 1.0),
        "closeness": closeness,
        "public_facing": np.clip((public_uses - 1.0) / (p.public_facing_full_marks - 1.0),
                                 0.0, 1.0),
        "space": np.maximum(np.minimum(1.0, sav.central.spare / p.space_full_marks_m2),
                            np.minimum(1.0, n_empty / 2.0)),
        "leases": np.minimum(1.0, mem.count(lease_soon) / p.leases_full_marks),
        "tenure": mem.per(_tenure_credit(inp, p)) / n,
        "reach": np.zeros(mem.k) if reach is None else reach,
    }


def component_points(parts: Mapping[str, np.ndarray], p: ScoringParams, *, reach: bool = False
            ) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Points per component (they add up to the score) and the score, 0 to 100.
    Without ``reach`` (the stage did not run) its weight is left out of the sum."""
    weights = dict(p.weights)
    if not reach:
        weights["reach"] = 0.0
    total = sum(weights.values())
    raw = {c: 100.0 * weights[c] * parts[c] / total for c in COMPONENTS}
    score = np.round(sum(raw.values()), 1) if raw else np.zeros(0)
    return {c: np.round(v, 1) for c, v in raw.items()}, np.asarray(score, dtype=np.float64)
