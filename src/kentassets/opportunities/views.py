"""Estate-wide views: agencies compared, and the county totals as a range toward the target."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import schema
from ..colocation import VACANT_STATUSES
from ..errors import ValidationError
from .columns import (
    HORIZON,
    HORIZONS,
    SAVING_GBP,
    SAVING_GIVEN_SHARE,
    SAVING_HIGH_GBP,
    SAVING_LOW_GBP,
    SHORTLISTED,
)
from .estimates import source_column
from .members import num, txt
from .params import ScoringParams


def _given_only(assets: pd.DataFrame, col: str) -> pd.Series:
    """A figure where the register gave it (estimates are not practice to compare)."""
    values = num(assets, col)
    source = source_column(col)
    if source in assets.columns:
        values = values.where(assets[source].astype("string").eq("given").fillna(False))
    return values


def benchmark_agencies(
    assets: gpd.GeoDataFrame,
    *,
    space_standard_m2_per_fte: float = 8.0,
    net_to_gross_ratio: float = 0.8,
    office_uses: Sequence[str] = ("office",),
) -> pd.DataFrame:
    """Compare agencies' practice: office space per FTE, cost per m², vacant share.

    Only given figures count: where the assets carry ``*_source`` columns,
    estimated values are left out (an estimate says nothing about practice).

    Parameters
    ----------
    assets
        Canonical assets.
    space_standard_m2_per_fte
        The space standard, m² NIA per FTE (see :class:`ScoringParams`).
    net_to_gross_ratio
        NIA / GIA, to compare the standard with gross areas.
    office_uses
        Uses counted as office space.

    Returns
    -------
    pandas.DataFrame
        One row per agency (sorted), columns ``agency``, ``n_assets``, ``gia_m2``,
        ``office_gia_m2``, ``office_staff_fte``, ``office_m2_per_fte`` (office GIA
        over staff, offices with both figures), ``standard_gia_m2_per_fte``,
        ``ratio_to_standard`` (above 1: more space than the standard),
        ``annual_cost_gbp``, ``cost_per_m2_gbp`` (assets with both figures),
        ``vacant_gia_m2``, ``vacant_share`` (of known GIA).

    Raises
    ------
    ValidationError
        When the space standard or the ratio is out of its :class:`ScoringParams` range.

    Examples
    --------
    >>> import kentassets as ka
    >>> estate = ka.sample_estate()
    >>> bench = ka.benchmark_agencies(estate.assets)
    >>> len(bench) == estate.assets["agency"].nunique()
    True
    >>> list(bench.columns[:3]), int(bench["n_assets"].sum()) == len(estate.assets)
    (['agency', 'n_assets', 'gia_m2'], True)

    One office of 1,500 m² for 100 FTE uses 1.5 times the standard (8 m² NIA
    per FTE, 10 m² GIA at a net-to-gross ratio of 0.8):

    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> from kentassets import schema
    >>> assets = schema.coerce_assets(gpd.GeoDataFrame(
    ...     {"agency": ["Council"], "use": ["office"], "gia_m2": [1500.0],
    ...      "staff_fte": [100.0], "annual_cost_gbp": [300000.0]},
    ...     geometry=[Point(575000, 155000)], crs="EPSG:27700"))
    >>> benchmark_agencies(assets)[["office_m2_per_fte", "ratio_to_standard"]].values.tolist()
    [[15.0, 1.5]]
    """
    params = ScoringParams(
        space_standard_m2_per_fte=space_standard_m2_per_fte,
        net_to_gross_ratio=net_to_gross_ratio,
        office_uses=tuple(office_uses),
    )
    gia, staff, cost = (_given_only(assets, c) for c in (schema.GIA_M2, schema.STAFF_FTE,
                                                           schema.ANNUAL_COST_GBP))
    office = txt(assets, schema.USE).isin(params.office_uses).fillna(False).astype(bool)
    vacant = txt(assets, schema.STATUS).isin(VACANT_STATUSES).fillna(False).astype(bool)
    both = office & gia.notna() & staff.notna() & (staff > 0)
    priced = gia.notna() & cost.notna() & (gia > 0)
    frame = pd.DataFrame(
        {
            "agency": txt(assets, schema.AGENCY).fillna("(no agency)"),
            "n_assets": 1,
            schema.GIA_M2: gia.fillna(0.0),
            "office_gia_m2": gia.where(office, 0.0).fillna(0.0),
            "office_staff_fte": staff.where(office, 0.0).fillna(0.0),
            "_bench_gia": gia.where(both, 0.0),
            "_bench_staff": staff.where(both, 0.0),
            schema.ANNUAL_COST_GBP: cost.fillna(0.0),
            "_priced_cost": cost.where(priced, 0.0),
            "_priced_gia": gia.where(priced, 0.0),
            "vacant_gia_m2": gia.where(vacant, 0.0).fillna(0.0),
        }
    )
    g = frame.groupby("agency", sort=True).sum()
    out = pd.DataFrame(index=g.index)
    out["n_assets"] = g["n_assets"].astype("int64")
    out[schema.GIA_M2] = g[schema.GIA_M2]
    out["office_gia_m2"] = g["office_gia_m2"]
    out["office_staff_fte"] = g["office_staff_fte"]
    out["office_m2_per_fte"] = g["_bench_gia"] / g["_bench_staff"].where(g["_bench_staff"] > 0)
    out["standard_gia_m2_per_fte"] = params.office_gia_per_fte_m2
    out["ratio_to_standard"] = out["office_m2_per_fte"] / params.office_gia_per_fte_m2
    out[schema.ANNUAL_COST_GBP] = g[schema.ANNUAL_COST_GBP]
    out["cost_per_m2_gbp"] = g["_priced_cost"] / g["_priced_gia"].where(g["_priced_gia"] > 0)
    out["vacant_gia_m2"] = g["vacant_gia_m2"]
    out["vacant_share"] = g["vacant_gia_m2"] / g[schema.GIA_M2].where(g[schema.GIA_M2] > 0)
    return out.reset_index()


def _shortlisted(opportunities: pd.DataFrame) -> pd.DataFrame:
    if len(opportunities) == 0:
        return opportunities
    return opportunities[opportunities[SHORTLISTED].to_numpy(dtype=bool)]


def _sum(frame: pd.DataFrame, col: str, fallback: str = SAVING_GBP) -> float:
    if len(frame) == 0:
        return 0.0
    column = col if col in frame.columns else fallback
    return float(pd.to_numeric(frame[column], errors="coerce").fillna(0.0).sum())


def county_totals(
    opportunities: pd.DataFrame,
    *,
    savings_target_gbp: float = 10_000_000.0,
    target_years: int = 4,
) -> dict[str, Any]:
    """County figures for the index page and the atlas cover, as a range toward the target.

    The annual saving of the shortlisted opportunities (low, central, high) is
    multiplied by ``target_years`` (as if every saving ran for the whole period,
    an upper bound: medium and long horizons start later) and compared with the
    target. ``saving_given_share`` says how much of the central saving rests on
    figures the registers gave (the rest on benchmarks and footprints).

    Parameters
    ----------
    opportunities
        The frame of :func:`score_opportunities`.
    savings_target_gbp
        The partnership's target over ``target_years``, pounds.
    target_years
        Length of the target period, years.

    Returns
    -------
    dict
        ``n_colocations``, ``n_shortlisted``, ``n_districts`` (with a shortlist),
        ``annual_saving_gbp`` (central), ``annual_saving_low_gbp``,
        ``annual_saving_high_gbp``, ``annual_saving_short_gbp`` (short horizon
        only), ``saving_over_target_period_gbp`` and its ``_low_gbp``/``_high_gbp``,
        ``savings_target_gbp``, ``target_years``, ``share_of_target`` and its
        ``_low``/``_high`` (0-1, may exceed 1), ``saving_given_share`` (0-1, or
        ``None`` without a saving), ``n_zero_saving`` (shortlisted with £0; each
        says why in ``saving_note``) and ``n_short``, ``n_medium``, ``n_long``,
        ``n_unknown`` (shortlisted opportunities per horizon).

    Raises
    ------
    ValidationError
        When the target is not above 0, or the period is not a whole number of
        years from 1 to 50.

    Examples
    --------
    >>> import kentassets as ka
    >>> estate = ka.sample_estate()
    >>> opps = ka.score_opportunities(ka.find_colocations(estate.assets), estate.assets)
    >>> totals = ka.county_totals(opps, savings_target_gbp=5_000_000, target_years=4)
    >>> totals["n_shortlisted"] == int(opps["shortlisted"].sum())
    True
    >>> sum(totals[f"n_{h}"] for h in ("short", "medium", "long", "unknown")) == (
    ...     totals["n_shortlisted"])
    True
    >>> totals["saving_over_target_period_gbp"] == 4 * totals["annual_saving_gbp"]
    True
    >>> totals["annual_saving_low_gbp"] <= totals["annual_saving_gbp"] <= (
    ...     totals["annual_saving_high_gbp"])
    True
    """
    if not (savings_target_gbp > 0 and math.isfinite(savings_target_gbp)):
        raise ValidationError(f"savings_target_gbp must be above 0, got {savings_target_gbp}")
    if isinstance(target_years, bool) or not (1 <= target_years <= 50):
        raise ValidationError(f"target_years must be between 1 and 50, got {target_years}")
    is_col = (opportunities[schema.IS_COLOCATION].to_numpy(dtype=bool) if len(opportunities)
              else np.zeros(0, bool))
    chosen = _shortlisted(opportunities)
    saving = _sum(chosen, SAVING_GBP)
    ranges = {k: _sum(chosen, col) for k, col in (("low", SAVING_LOW_GBP),
                                                   ("high", SAVING_HIGH_GBP))}
    short = _sum(chosen[chosen[HORIZON].eq("short").fillna(False).to_numpy(dtype=bool)]
                 if len(chosen) else chosen, SAVING_GBP)
    given = (chosen[SAVING_GIVEN_SHARE].astype("float64").fillna(0.0)
             * chosen[SAVING_GBP].astype("float64").fillna(0.0)).sum() if (
        len(chosen) and SAVING_GIVEN_SHARE in chosen.columns) else 0.0
    horizons = (chosen[HORIZON].value_counts().reindex(list(HORIZONS), fill_value=0)
                if len(chosen) else pd.Series(0, index=list(HORIZONS)))
    period = {"": saving * target_years,
              **{f"_{k}": v * target_years for k, v in ranges.items()}}
    return {
        "n_colocations": int(is_col.sum()),
        "n_shortlisted": len(chosen),
        "n_districts": int(chosen[schema.DISTRICT_CODE].nunique()) if len(chosen) else 0,
        "annual_saving_gbp": saving,
        "annual_saving_low_gbp": ranges["low"],
        "annual_saving_high_gbp": ranges["high"],
        "annual_saving_short_gbp": short,
        **{f"saving_over_target_period{k}_gbp": v for k, v in period.items()},
        "savings_target_gbp": float(savings_target_gbp),
        "target_years": int(target_years),
        **{f"share_of_target{k}": v / savings_target_gbp for k, v in period.items()},
        "saving_given_share": float(given / saving) if saving > 0 else None,
        "n_zero_saving": int((chosen[SAVING_GBP].fillna(0.0) <= 0).sum()) if len(chosen) else 0,
        **{f"n_{k}": int(v) for k, v in horizons.items()},
    }


def benchmark_agency_uses(assets: gpd.GeoDataFrame) -> pd.DataFrame:
    """Running cost per m² by agency and use, from given or estimated figures, marked.

    Unlike :func:`benchmark_agencies` (given figures only, as a measure of
    practice), this counts every asset with a floor area and a running cost,
    whether the register gave them or :func:`kentassets.estimates.estimate_assets`
    estimated them, and says how much rests on given figures, as the estimates
    are marked elsewhere.

    Returns
    -------
    pandas.DataFrame
        One row per agency and use (sorted): ``agency``, ``use``, ``n_assets``,
        ``n_priced`` (assets with both figures), ``gia_m2`` and ``annual_cost_gbp``
        (of those), ``cost_per_m2_gbp`` (their cost over their area),
        ``cost_per_m2_given_gbp`` (assets whose two figures were both given),
        ``given_share`` (share of the priced assets with both figures given) and
        ``cost_per_m2_source``: ``given`` (all given), ``estimate`` (none given),
        ``mixed``, or ``none`` (no asset with both figures).

    Examples
    --------
    >>> import kentassets as ka
    >>> uses = benchmark_agency_uses(ka.sample_estate().assets)
    >>> list(uses.columns[:3])
    ['agency', 'use', 'n_assets']
    >>> set(uses["cost_per_m2_source"]) <= {"given", "estimate", "mixed", "none"}
    True
    """
    gia, cost = num(assets, schema.GIA_M2), num(assets, schema.ANNUAL_COST_GBP)
    given = pd.Series(True, index=assets.index)
    for col in (schema.GIA_M2, schema.ANNUAL_COST_GBP):
        if source_column(col) in assets.columns:
            given &= assets[source_column(col)].astype("string").eq("given").fillna(False)
    priced = gia.notna() & cost.notna() & (gia > 0)
    frame = pd.DataFrame({
        "agency": txt(assets, schema.AGENCY).fillna("(no agency)"),
        "use": txt(assets, schema.USE).fillna("other"),
        "n_assets": 1,
        "n_priced": priced.astype("int64"),
        schema.GIA_M2: gia.where(priced, 0.0),
        schema.ANNUAL_COST_GBP: cost.where(priced, 0.0),
        "_given_n": (priced & given).astype("int64"),
        "_given_gia": gia.where(priced & given, 0.0),
        "_given_cost": cost.where(priced & given, 0.0),
    })
    g = frame.groupby(["agency", "use"], sort=True).sum()
    out = g[["n_assets", "n_priced", schema.GIA_M2, schema.ANNUAL_COST_GBP]].copy()
    out["cost_per_m2_gbp"] = g[schema.ANNUAL_COST_GBP] / g[schema.GIA_M2].where(
        g[schema.GIA_M2] > 0)
    out["cost_per_m2_given_gbp"] = g["_given_cost"] / g["_given_gia"].where(g["_given_gia"] > 0)
    out["given_share"] = g["_given_n"] / g["n_priced"].where(g["n_priced"] > 0)
    out["cost_per_m2_source"] = np.select(
        [out["n_priced"].eq(0), out["given_share"].eq(1.0), out["given_share"].eq(0.0)],
        ["none", "given", "estimate"], "mixed")
    return out.reset_index()
