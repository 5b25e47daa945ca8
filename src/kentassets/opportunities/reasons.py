"""Horizons, saving notes and the texts that explain each co-location."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import schema
from ..colocation import runs_of, texts_at
from .columns import (
    NO_DATA_REASON,
)
from .members import Inputs, Members, fmt, money
from .params import ScoringParams
from .savings import Savings
from .sectors import SECTOR


@dataclass(frozen=True)
class Leases:
    soon: np.ndarray  # per member: lease ends within the horizon (or has ended)
    slot: np.ndarray  # per co-location: index into the lists below, or -1
    agency: list[str]
    asset: list[str]
    date: np.ndarray


def earliest_leases(assets: gpd.GeoDataFrame, mem: Members, inp: Inputs, p: ScoringParams
            ) -> Leases:
    """The earliest lease per co-location ending within ``lease_horizon_years``."""
    limit = pd.Timestamp(p.as_of_date) + pd.DateOffset(months=round(p.lease_horizon_years * 12))
    soon_mask = ~np.isnat(inp.lease) & (inp.lease <= limit.to_datetime64())
    soon = np.flatnonzero(soon_mask)
    soon = soon[np.lexsort((mem.y[soon], mem.x[soon], inp.lease[soon], mem.s[soon]))]
    _, starts, _ = runs_of(mem.s[soon])
    first = soon[starts]
    slot = np.full(mem.k, -1, dtype=np.int64)
    slot[mem.s[first]] = np.arange(len(first))
    return Leases(
        soon=soon_mask, slot=slot,
        agency=texts_at(assets, schema.AGENCY, mem.m[first]).fillna("?").tolist(),
        asset=texts_at(assets, schema.ASSET_ID, mem.m[first]).fillna("?").tolist(),
        date=inp.lease[first],
    )


def _estimated_pool(mem: Members, inp: Inputs) -> np.ndarray:
    """Per co-location, whether an office in the pool rests on an estimated figure."""
    return mem.count(inp.office & (inp.given < 1.0)) > 0


def horizons(mem: Members, inp: Inputs, sav: Savings, leases: Leases, p: ScoringParams
              ) -> tuple[np.ndarray, np.ndarray]:
    """Horizon and its reason per co-location, from what is known (module docstring)."""
    c = sav.central
    as_of = pd.Timestamp(p.as_of_date)
    n_vacant = mem.count(inp.vacant)
    estimated = _estimated_pool(mem, inp)
    horizon = np.empty(mem.k, dtype=object)
    reason = np.empty(mem.k, dtype=object)
    for i in range(mem.k):
        if c.fits[i]:
            horizon[i] = "short"
            reason[i] = (
                f"{fmt(c.staff[i])} office FTE need {fmt(c.need[i])} m2 (at "
                f"{p.space_standard_m2_per_fte:g} m2 NIA/FTE); they fit into {c.kept[i]} of "
                f"{c.n_pool[i]} held office buildings with {fmt(c.office_gia[i] - c.need[i])} m2"
                " of held office space to spare"
                + (" (floor area or staff estimated)" if estimated[i] else "")
            )
        elif n_vacant[i] > 0:
            horizon[i] = "short"
            reason[i] = f"{n_vacant[i]} vacant or surplus member(s) can be released now"
        elif leases.slot[i] >= 0:
            j = leases.slot[i]
            when = pd.Timestamp(leases.date[j])
            horizon[i] = "medium"
            reason[i] = (
                f"lease of {leases.agency[j]} asset {leases.asset[j]} "
                f"{'ended' if when < as_of else 'ends'} {when.date().isoformat()}, within "
                f"{p.lease_horizon_years:g} years of {p.as_of_date}"
            )
        elif c.n_pool[i] > 0:
            horizon[i] = "long"
            reason[i] = (f"held office space {fmt(c.office_gia[i])} m2 is short of the "
                         f"{fmt(c.target[i])} m2 needed with {p.headroom_share:.0%} headroom; "
                         "needs new or remodelled space")
        else:
            horizon[i] = "unknown"
            reason[i] = NO_DATA_REASON
    return horizon, reason


def saving_notes(mem: Members, inp: Inputs, sav: Savings, p: ScoringParams) -> np.ndarray:
    """Why a saving is 0, or how much of it rests on estimates."""
    n_public = mem.count(inp.public)
    notes = np.empty(mem.k, dtype=object)
    for i in range(mem.k):
        total = sav.consolidation[i] + sav.shared[i]
        if total > 0:
            share = sav.given[i]
            notes[i] = ("all figures given" if share >= 1.0 else
                        f"estimated: {1 - share:.0%} of it rests on benchmark or footprint "
                        f"figures (range {money(sav.low[i])} to {money(sav.high[i])})")
        elif sav.central.n_pool[i] > 0 and not sav.central.fits[i]:
            notes[i] = "£0: the held offices cannot take the staff at the space standard"
        elif sav.central.n_pool[i] > 0:
            notes[i] = "£0: the offices are all needed to hold the staff at the standard"
        elif n_public[i] > 1 and p.shared_services:
            notes[i] = ("£0: the public-facing members share one use, agency or site, so "
                        "none moves in with another; no offices or vacant members")
        else:
            notes[i] = ("£0: no office staff to consolidate, no vacant or surplus members and "
                        "no public-facing services of different agencies to bring together")
    return notes


def released_text(assets: gpd.GeoDataFrame, mem: Members, released: np.ndarray
                   ) -> np.ndarray:
    rel = np.flatnonzero(released)
    rel = rel[np.lexsort((mem.y[rel], mem.x[rel], mem.s[rel]))]
    text = (texts_at(assets, schema.AGENCY, mem.m[rel]).fillna("?") + ":"
            + texts_at(assets, schema.ASSET_ID, mem.m[rel]).fillna("?")).tolist()
    out = np.full(mem.k, "", dtype=object)
    slots, starts, counts = runs_of(mem.s[rel])
    for slot, a, n in zip(slots.tolist(), starts.tolist(), counts.tolist(), strict=True):
        out[slot] = ";".join(text[a:a + n])
    return out


def host_text(assets: gpd.GeoDataFrame, mem: Members, host: np.ndarray) -> np.ndarray:
    """``agency:name`` of each shared-services host; a sensitive host's name is withheld."""
    out = np.full(mem.k, "", dtype=object)
    has = np.flatnonzero(host >= 0)
    if len(has):
        rows = mem.m[host[has]]
        secret = (assets[schema.SENSITIVE].fillna(False).astype(bool).to_numpy(dtype=bool)
                  if schema.SENSITIVE in assets.columns else np.zeros(len(assets), dtype=bool))
        names = texts_at(assets, schema.NAME, rows).fillna("?").where(
            ~pd.Series(secret[rows]), "sensitive site (withheld)")
        out[has] = (texts_at(assets, schema.AGENCY, rows).fillna("?") + ":" + names).tolist()
    return out


def sector_text(assets: gpd.GeoDataFrame, mem: Members) -> np.ndarray:
    sectors = texts_at(assets, SECTOR, mem.m)
    frame = pd.DataFrame({"s": mem.s, "sector": sectors}).dropna().drop_duplicates()
    joined = frame.sort_values(["s", "sector"]).groupby("s")["sector"].agg(";".join)
    out = np.full(mem.k, "", dtype=object)
    out[joined.index.to_numpy(dtype=np.int64)] = joined.to_numpy()
    return out


def public_text(assets: gpd.GeoDataFrame, mem: Members, inp: Inputs) -> np.ndarray:
    uses = texts_at(assets, schema.USE, mem.m)
    frame = pd.DataFrame({"s": mem.s[inp.public], "use": uses[inp.public].to_numpy()})
    joined = frame.drop_duplicates().sort_values(["s", "use"]).groupby("s")["use"].agg(";".join)
    out = np.full(mem.k, "", dtype=object)
    out[joined.index.to_numpy(dtype=np.int64)] = joined.to_numpy()
    return out
