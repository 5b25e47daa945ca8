"""What each co-location's proposal does to service reach, and its score part.

The proposal is what the savings assume: released members close, and the
public-facing members that move in with the host (``moves``) leave their sites
for the host's. For every service those touch, the reach model
(:class:`kentassets.reach.ReachModel`) recomputes the distances of the people
whose nearest site closes; the effect is summed over the services.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np

from .. import schema
from ..reach import ReachEffect, ReachModel
from ..reach.columns import (
    REACH_MEAN_EXTRA_M,
    REACH_NOTE,
    REACH_PEOPLE_FARTHER,
    losing_column,
)
from .members import Members, fmt
from .params import ScoringParams
from .savings import Savings


def _changes(use: np.ndarray, labels: np.ndarray, mem: Members, sav: Savings,
             model: ReachModel, slot: int, rows: np.ndarray) -> ReachEffect:
    """The summed effect of one co-location's closures and moves (member ``rows``;
    ``use`` and ``labels`` per member)."""
    host = int(sav.host[slot])
    effect = ReachEffect()
    for service in model.services:
        members = rows[use[rows] == service]
        if len(members) == 0:
            continue
        moving = members[sav.moves[members]]
        added_x = np.full(len(moving), mem.x[host]) if host >= 0 else np.zeros(0)
        added_y = np.full(len(moving), mem.y[host]) if host >= 0 else np.zeros(0)
        effect = effect + model.effect(service, labels[members], added_x[:1], added_y[:1])
    return effect


def reach_effects(assets: gpd.GeoDataFrame, mem: Members, sav: Savings,
                  model: ReachModel) -> list[ReachEffect]:
    """The reach effect of each co-location's proposal (in slot order)."""
    services = np.array(list(model.services), dtype=object)
    use = assets[schema.USE].astype("string").fillna("").to_numpy(dtype=object)[mem.m]
    labels = assets.index.to_numpy()[mem.m]
    changed = (sav.central.released | sav.moves) & np.isin(use, services)
    effects = [ReachEffect() for _ in range(mem.k)]
    rows = np.flatnonzero(changed)
    order = np.argsort(mem.s[rows], kind="stable")
    rows = rows[order]
    bounds = np.searchsorted(mem.s[rows], np.arange(mem.k + 1))
    for slot in np.flatnonzero(np.diff(bounds) > 0):
        effects[slot] = _changes(use, labels, mem, sav, model, int(slot),
                                 rows[bounds[slot]:bounds[slot + 1]])
    return effects


def _km(threshold_m: float) -> str:
    return f"{threshold_m / 1000:g} km"


def reach_note(effect: ReachEffect, *, estimate: bool) -> str:
    """A plain sentence: does the proposal strand anyone, and how far does it move people?

    Examples
    --------
    >>> effect = ReachEffect(1200.0, {1000.0: 300.0, 2000.0: 0.0}, 1200.0 * 150)
    >>> print(reach_note(effect, estimate=True))  # doctest: +NORMALIZE_WHITESPACE
    Strands about 300 people beyond 1 km of their nearest site;
    1,200 people travel 150 m farther on average.
    >>> reach_note(ReachEffect(), estimate=False)
    'No one gets farther from a public-facing service.'
    """
    if effect.people_farther < 0.5:
        return "No one gets farther from a public-facing service."
    about = "about " if estimate else ""
    far = (f"{fmt(effect.people_farther)} people travel {fmt(effect.mean_extra_m)} m "
           "farther on average.")
    lost = [(t, n) for t, n in sorted(effect.losing.items()) if n >= 0.5]
    if not lost:
        return "Keeps everyone within reach: " + far
    t, n = lost[0]
    return f"Strands {about}{fmt(n)} people beyond {_km(t)} of their nearest site; " + far


def reach_columns(effects: list[ReachEffect], model: ReachModel
                  ) -> list[tuple[str, Any, str]]:
    """The reach columns of the opportunities: (name, values per co-location, dtype)."""
    estimate = any(s.demand.estimate for s in model.services.values())
    cols: list[tuple[str, Any, str]] = [
        (REACH_PEOPLE_FARTHER, np.array([round(e.people_farther) for e in effects], float),
         "Float64")]
    cols += [(losing_column(t), np.array([round(e.losing.get(t, 0.0)) for e in effects],
                                         float), "Float64") for t in model.thresholds_m]
    cols += [(REACH_MEAN_EXTRA_M, np.array([round(e.mean_extra_m, 1) for e in effects], float),
              "Float64"),
             (REACH_NOTE, np.array([reach_note(e, estimate=estimate) for e in effects],
                                   dtype=object), "string")]
    return cols


def reach_part(effects: list[ReachEffect], p: ScoringParams) -> np.ndarray:
    """The reach part of the score: 1 when no one falls outside a threshold, falling
    to 0 at ``reach_zero_people`` stranded (people outside at least one threshold)."""
    stranded = np.array([e.stranded for e in effects], dtype=np.float64)
    return np.clip(1.0 - stranded / p.reach_zero_people, 0.0, 1.0)
