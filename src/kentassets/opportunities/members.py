"""The members of each co-location and their figures, as arrays per member."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import schema
from ..colocation import VACANT_STATUSES, ColocationResult, flag, xy_of
from ..errors import ValidationError
from .estimates import given_share
from .params import ScoringParams
from .sectors import SECTOR
from .surplus import numbers, status_of

#: A numeric column as floats, and a text column as strings (missing when absent).
num = numbers
txt = status_of


def as_of(params: ScoringParams) -> dt.date:
    return params.as_of_date if params.as_of_date is not None else dt.date.today()


def fmt(value: float) -> str:
    return f"{value:,.0f}"


def money(value: float) -> str:
    return f"£{value / 1000:,.0f}k" if value >= 1000 else f"£{value:,.0f}"


# --- members of each co-location ----------------------------------------------------------


@dataclass(frozen=True)
class Members:
    """Member rows of the co-locations: ``m`` asset positions, ``s`` their slot (0..k-1)."""

    k: int
    col_rows: np.ndarray
    m: np.ndarray
    s: np.ndarray
    x: np.ndarray
    y: np.ndarray

    def per(self, weights: Any) -> np.ndarray:
        """Sum per co-location."""
        return np.bincount(self.s, weights=weights, minlength=self.k).astype(np.float64)

    def count(self, mask: Any) -> np.ndarray:
        """Members per co-location where ``mask``."""
        return np.bincount(self.s[mask], minlength=self.k).astype(np.int64)

    def distinct(self, codes: np.ndarray) -> np.ndarray:
        """Distinct non-negative codes per co-location."""
        ok = codes >= 0
        if not ok.any():
            return np.zeros(self.k, dtype=np.int64)
        # one int64 key per (co-location, code) pair: np.unique on a 1-D array is
        # several times faster than on rows (axis=0)
        base = int(codes[ok].max()) + 1
        pairs = np.unique(self.s[ok].astype(np.int64) * base + codes[ok])
        return np.bincount(pairs // base, minlength=self.k).astype(np.int64)


def member_labels(colocations: ColocationResult | gpd.GeoDataFrame, assets: gpd.GeoDataFrame
            ) -> tuple[gpd.GeoDataFrame, np.ndarray]:
    if isinstance(colocations, ColocationResult):
        labels = colocations.labels.reindex(assets.index).fillna(-1).astype("int64")
        return colocations.clusters, labels.to_numpy(dtype=np.int64)
    if schema.CLUSTER_LABEL not in assets.columns:
        raise ValidationError(
            "assets have no 'cluster_label' column; pass the ColocationResult itself, or "
            "assets labelled with ColocationResult.label_assets(assets)"
        )
    labels = pd.to_numeric(assets[schema.CLUSTER_LABEL], errors="coerce").fillna(-1)
    return colocations, labels.astype("int64").to_numpy(dtype=np.int64)


def members(clusters: gpd.GeoDataFrame, asset_labels: np.ndarray,
             assets: gpd.GeoDataFrame) -> Members:
    is_col = (clusters[schema.IS_COLOCATION].to_numpy(dtype=bool) if len(clusters)
              else np.zeros(0, bool))
    col_rows = np.flatnonzero(is_col)
    k = len(col_rows)
    table_labels = clusters[schema.CLUSTER_LABEL].to_numpy(dtype=np.int64)
    top = int(max(table_labels.max(initial=-1), asset_labels.max(initial=-1))) + 1
    slot_of_label = np.full(top + 1, -1, dtype=np.int64)
    slot_of_label[table_labels[col_rows]] = np.arange(k)
    slot_all = np.where(asset_labels >= 0, slot_of_label[np.maximum(asset_labels, 0)], -1)
    m = np.flatnonzero(slot_all >= 0)
    x, y = xy_of(assets)
    return Members(k=k, col_rows=col_rows, m=m, s=slot_all[m], x=x[m], y=y[m])


@dataclass(frozen=True)
class Inputs:
    """Per-member figures: scenario arrays are (low, central, high)."""

    vacant: np.ndarray
    part_vacant: np.ndarray
    office: np.ndarray
    public: np.ndarray
    gia: tuple[np.ndarray, np.ndarray, np.ndarray]
    staff: tuple[np.ndarray, np.ndarray, np.ndarray]
    cost: tuple[np.ndarray, np.ndarray, np.ndarray]
    given: np.ndarray
    n_inputs: np.ndarray
    agency: np.ndarray
    sector: np.ndarray
    use: np.ndarray
    site: np.ndarray
    tenure: pd.Series
    lease: np.ndarray


def _codes(series: pd.Series) -> np.ndarray:
    codes, _ = pd.factorize(series.astype("string"), sort=True, use_na_sentinel=True)
    return codes.astype(np.int64)


def _scenario(assets: gpd.GeoDataFrame, col: str, m: np.ndarray) -> tuple[np.ndarray, ...]:
    central = num(assets, col).to_numpy()[m]
    low = num(assets, f"{col}_low").to_numpy()[m] if f"{col}_low" in assets else central
    high = num(assets, f"{col}_high").to_numpy()[m] if f"{col}_high" in assets else central
    return (np.where(np.isfinite(low), low, central), central,
            np.where(np.isfinite(high), high, central))


def inputs(assets: gpd.GeoDataFrame, mem: Members, p: ScoringParams) -> Inputs:
    m = mem.m
    vacant = flag(assets, schema.STATUS, VACANT_STATUSES)[m]
    office = flag(assets, schema.USE, p.office_uses)[m]
    gia = _scenario(assets, schema.GIA_M2, m)
    lo, mid, hi = _scenario(assets, schema.STAFF_FTE, m)
    staff = tuple(np.where(vacant & np.isnan(v), 0.0, v) for v in (hi, mid, lo))  # low saving
    cost = tuple(np.where(np.isfinite(c), c, np.where(np.isfinite(g), g * p.cost_per_m2_gbp, 0.0))
                 for c, g in zip(_scenario(assets, schema.ANNUAL_COST_GBP, m), gia, strict=True))
    lease = (pd.to_datetime(assets[schema.LEASE_END], errors="coerce")
             .to_numpy(dtype="datetime64[ns]")[m] if schema.LEASE_END in assets.columns
             else np.full(len(m), np.datetime64("NaT"), dtype="datetime64[ns]"))
    return Inputs(
        vacant=vacant,
        part_vacant=flag(assets, schema.STATUS, ("part_vacant",))[m],
        office=office,
        public=flag(assets, schema.USE, p.public_facing_uses)[m] & ~vacant,
        gia=gia, staff=staff, cost=cost,  # type: ignore[arg-type]
        given=given_share(assets, staff_uses=p.office_uses).to_numpy()[m],
        n_inputs=np.where(office, 3.0, 2.0),
        agency=_codes(txt(assets, schema.AGENCY))[m],
        sector=_codes(txt(assets, SECTOR))[m],
        use=_codes(txt(assets, schema.USE))[m],
        site=_codes(txt(assets, schema.SITE_ID))[m],
        tenure=txt(assets, schema.TENURE).iloc[m].reset_index(drop=True),
        lease=lease,
    )
