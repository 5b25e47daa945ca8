"""Opportunities: judge each co-location, rank them, shortlist per district.

:func:`score_opportunities` adds to the cluster table of
:func:`kentassets.colocation.find_colocations` an office-space balance, an
estimated annual saving, a score, ranks, a horizon and a shortlist flag.
Every assumption is a field of :class:`ScoringParams`, with its default and the
source of that default; :func:`parameters_table` turns the parameters into a
table that CSV outputs carry, so that every figure can be traced back.

The formula, per co-location (its member assets are those with its cluster label):

* **Office pool.** Members whose ``use`` is one of ``office_uses``, with a
  known ``gia_m2`` and a known ``staff_fte`` (a vacant or surplus office counts
  with 0 staff). Offices lacking either figure stay as they are and are counted
  in ``n_offices_unknown``.
* ``office_gia_m2`` = sum of the pool's GIA; ``office_staff_fte`` = sum of its staff.
* ``office_need_m2`` = ``office_staff_fte x space_standard_m2_per_fte /
  net_to_gross_ratio``: the standard is net internal area (NIA) per FTE, the
  registers hold gross internal area (GIA); set ``net_to_gross_ratio=1`` for
  the plain ``staff x standard``.
* ``surplus_office_m2`` = ``max(0, office_gia_m2 - office_need_m2)``.
* **Consolidation.** Staff move into the fewest held office buildings whose GIA
  reaches ``office_need_m2 x (1 + headroom_share)``, taking the largest first
  (largest-first gives the fewest buildings). The other pool offices are
  released. If the pool cannot hold the staff, nothing is released.
  Vacant and surplus members outside the pool are released too.
* ``saving_gbp`` (a year) = ``saving_share x`` the running cost of the released
  buildings; a missing ``annual_cost_gbp`` is estimated as ``gia_m2 x
  cost_per_m2_gbp``.
* ``score`` (0-100) = weighted mean of three parts, each capped at 1:
  ``saving_gbp / saving_full_marks_gbp``, ``spare_gia_m2 / space_full_marks_m2``
  (spare = surplus office area + vacant/surplus area outside the pool) and
  ``(n_agencies - 1) / (agencies_full_marks - 1)``; weights ``weight_saving``,
  ``weight_space``, ``weight_agencies``. It depends on the co-location alone.
* ``rank``: county rank by score, then saving, then id (1 = best);
  ``district_rank`` the same within the majority district.
* ``horizon``: ``"short"`` when the office pool can take all its staff with
  ``headroom_share`` room to spare; otherwise ``"medium"`` when a member's
  lease ends within ``lease_horizon_years`` of ``as_of_date`` (or has ended);
  otherwise ``"long"`` (new or remodelled space is needed). ``horizon_reason``
  says which figures decided.
* ``shortlisted``: per district, the ``shortlist_min_per_district`` best, and
  up to ``shortlist_max_per_district`` while the score is at least
  ``shortlist_min_score``. Clusters outside every district are never shortlisted.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields, is_dataclass, replace
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd

from . import schema
from .colocation import (
    N_AGENCIES,
    VACANT_STATUSES,
    ColocationResult,
    _flag,
    _runs,
    _texts,
    _xy,
)
from .errors import ValidationError

__all__ = [
    "ScoringParams",
    "benchmark_agencies",
    "county_totals",
    "parameters_table",
    "score_opportunities",
    "shortlist",
    "surplus_assets",
]

# --- output columns -------------------------------------------------------------------
OFFICE_GIA_M2: Final = "office_gia_m2"
OFFICE_STAFF_FTE: Final = "office_staff_fte"
OFFICE_NEED_M2: Final = "office_need_m2"
SURPLUS_OFFICE_M2: Final = "surplus_office_m2"
SPARE_GIA_M2: Final = "spare_gia_m2"
N_OFFICES: Final = "n_offices"
N_OFFICES_UNKNOWN: Final = "n_offices_unknown"
N_VACANT_ASSETS: Final = "n_vacant_assets"
N_RELEASED: Final = "n_released"
RELEASED_GIA_M2: Final = "released_gia_m2"
RELEASED_COST_GBP: Final = "released_cost_gbp"
RELEASED_ASSETS: Final = "released_assets"
SAVING_GBP: Final = "saving_gbp"
SCORE: Final = "score"
RANK: Final = "rank"
DISTRICT_RANK: Final = "district_rank"
HORIZON: Final = "horizon"
HORIZON_REASON: Final = "horizon_reason"
SHORTLISTED: Final = "shortlisted"
HORIZONS: Final = ("short", "medium", "long")

#: Columns :func:`score_opportunities` adds to the cluster table, in order.
OPPORTUNITY_COLUMNS: Final = (
    OFFICE_GIA_M2,
    OFFICE_STAFF_FTE,
    OFFICE_NEED_M2,
    SURPLUS_OFFICE_M2,
    SPARE_GIA_M2,
    N_OFFICES,
    N_OFFICES_UNKNOWN,
    N_VACANT_ASSETS,
    N_RELEASED,
    RELEASED_GIA_M2,
    RELEASED_COST_GBP,
    RELEASED_ASSETS,
    SAVING_GBP,
    SCORE,
    RANK,
    DISTRICT_RANK,
    HORIZON,
    HORIZON_REASON,
    SHORTLISTED,
)

_SPACE_SOURCE = (
    "UK government office space standard: 8 m2 net internal area per full-time "
    "equivalent (Government Property Unit / Office of Government Property, Government "
    "Estate Strategy; reported against in the Cabinet Office 'State of the Estate' reports)"
)


def _meta(unit: str, source: str, low: float | None = None, high: float | None = None) -> Any:
    return {"unit": unit, "source": source, "range": (low, high)}


@dataclass(frozen=True)
class ScoringParams:
    """Assumptions of :func:`score_opportunities`, each with its default's source.

    Each numeric field is checked against the range in its metadata when the
    object is made; the error message states the range. Use
    :func:`parameters_table` to list the values, units and sources.

    Parameters
    ----------
    space_standard_m2_per_fte
        Office space standard, m² net internal area per FTE (4 to 30; 8).
    net_to_gross_ratio
        NIA / GIA, converts the standard to gross areas (0.5 to 1; 0.8).
    office_uses
        Canonical uses whose staff are consolidated (``("office",)``).
    cost_per_m2_gbp
        Running cost per m² GIA a year where ``annual_cost_gbp`` is missing
        (0 to 5,000; 200).
    saving_share
        Share of a released building's running cost actually saved (0 to 1; 0.8).
    headroom_share
        Spare room needed for the "short" horizon and kept when consolidating
        (0 to 1; 0.1).
    lease_horizon_years
        A lease ending within this many years makes the horizon "medium" (0 to 25; 3).
    as_of_date
        Date the lease horizon is counted from; ``None`` means today.
    weight_saving, weight_space, weight_agencies
        Score weights (each 0 to 1, not all 0; 0.5, 0.25, 0.25).
    saving_full_marks_gbp, space_full_marks_m2, agencies_full_marks
        Saving, spare area and agencies that earn the full part of the score.
    shortlist_min_per_district, shortlist_max_per_district, shortlist_min_score
        Shortlist size per district and the score needed beyond the minimum
        (5, 10 and 40).
    savings_target_gbp, target_years
        The partnership's savings target and its period.

    Raises
    ------
    ValidationError
        Listing every field out of its range (the message states each range), or
        a minimum shortlist larger than the maximum, or all weights 0.

    Examples
    --------
    >>> ScoringParams().space_standard_m2_per_fte
    8.0
    >>> ScoringParams(space_standard_m2_per_fte=10).office_gia_per_fte_m2
    12.5

    A stricter space standard, on the sample estate:

    >>> import kentassets as ka
    >>> estate = ka.sample_estate()
    >>> colocs = ka.find_colocations(estate.assets)
    >>> strict = ka.ScoringParams(space_standard_m2_per_fte=6)
    >>> opps = ka.score_opportunities(colocs, estate.assets, params=strict)
    >>> opps.attrs["params"]["space_standard_m2_per_fte"]
    6.0
    >>> ka.ScoringParams(saving_share=2)
    Traceback (most recent call last):
    ...
    kentassets.errors.ValidationError: saving_share must be between 0 and 1, got 2
    """

    space_standard_m2_per_fte: float = field(
        default=8.0, metadata=_meta("m2 NIA per FTE", _SPACE_SOURCE, 4.0, 30.0)
    )
    net_to_gross_ratio: float = field(
        default=0.8,
        metadata=_meta(
            "NIA / GIA",
            "Typical office net-to-gross efficiency (about 80-85% for offices, RICS Code of "
            "Measuring Practice conventions); converts the NIA standard to the registers' GIA",
            0.5,
            1.0,
        ),
    )
    office_uses: tuple[str, ...] = field(
        default=("office",),
        metadata=_meta("use", "Canonical uses whose staff are consolidated (schema.USES)"),
    )
    cost_per_m2_gbp: float = field(
        default=200.0,
        metadata=_meta(
            "GBP per m2 GIA a year",
            "Assumption: order of magnitude of a regional office's running cost (rent, "
            "rates, energy, FM); used only where annual_cost_gbp is missing. Replace with "
            "the partnership's own figure",
            0.0,
            5000.0,
        ),
    )
    saving_share: float = field(
        default=0.8,
        metadata=_meta(
            "share",
            "Assumption: share of a released building's running cost actually saved; the "
            "rest reappears in the receiving buildings (energy, cleaning, FM for more staff)",
            0.0,
            1.0,
        ),
    )
    headroom_share: float = field(
        default=0.1,
        metadata=_meta(
            "share",
            "Room to spare required for the 'short' horizon and kept when consolidating",
            0.0,
            1.0,
        ),
    )
    lease_horizon_years: float = field(
        default=3.0,
        metadata=_meta(
            "years", "A lease ending within this many years makes the horizon 'medium'",
            0.0, 25.0,
        ),
    )
    as_of_date: dt.date | None = field(
        default=None,
        metadata=_meta(
            "date",
            "Date the lease horizon is counted from; None = today. Pass the data date for "
            "reproducible outputs",
        ),
    )
    weight_saving: float = field(
        default=0.5, metadata=_meta("weight", "Score weight of the saving", 0.0, 1.0)
    )
    weight_space: float = field(
        default=0.25, metadata=_meta("weight", "Score weight of the spare floor area", 0.0, 1.0)
    )
    weight_agencies: float = field(
        default=0.25, metadata=_meta("weight", "Score weight of the agencies involved", 0.0, 1.0)
    )
    saving_full_marks_gbp: float = field(
        default=250_000.0,
        metadata=_meta("GBP a year", "Saving that earns the full saving part", 1.0, 1e9),
    )
    space_full_marks_m2: float = field(
        default=2_000.0,
        metadata=_meta("m2", "Spare floor area that earns the full space part", 1.0, 1e7),
    )
    agencies_full_marks: int = field(
        default=4, metadata=_meta("agencies", "Agencies that earn the full agency part", 2, 100)
    )
    shortlist_min_per_district: int = field(
        default=5,
        metadata=_meta("opportunities", "Workshops asked for 5 to 10 per district", 0, 1000),
    )
    shortlist_max_per_district: int = field(
        default=10,
        metadata=_meta("opportunities", "Workshops asked for 5 to 10 per district", 0, 1000),
    )
    shortlist_min_score: float = field(
        default=40.0,
        metadata=_meta("score", "Score needed beyond the minimum shortlist size", 0.0, 100.0),
    )
    savings_target_gbp: float = field(
        default=10_000_000.0,
        metadata=_meta("GBP", "Partnership savings target over target_years", 0.0, 1e12),
    )
    target_years: int = field(
        default=4, metadata=_meta("years", "Period of the savings target", 1, 50)
    )

    def __post_init__(self) -> None:
        problems = []
        for f in fields(self):
            low, high = f.metadata.get("range", (None, None))
            if low is None:
                continue
            value = getattr(self, f.name)
            integer = isinstance(f.default, int) and not isinstance(f.default, bool)
            ok_type = isinstance(value, int | np.integer) if integer else isinstance(
                value, int | float | np.integer | np.floating
            )
            if isinstance(value, bool) or not ok_type:
                kind = "a whole number" if integer else "a number"
                problems.append(f"{f.name} must be {kind} between {low:g} and {high:g}, "
                                f"got {value!r}")
            elif not (math.isfinite(float(value)) and low <= float(value) <= high):
                problems.append(f"{f.name} must be between {low:g} and {high:g}, got {value!r}")
            else:
                object.__setattr__(self, f.name, int(value) if integer else float(value))
        if isinstance(self.office_uses, str) or not all(
            isinstance(u, str) for u in self.office_uses
        ):
            problems.append(f"office_uses must be a tuple of use names, got {self.office_uses!r}")
        else:
            object.__setattr__(self, "office_uses", tuple(self.office_uses))
        if not problems and self.shortlist_min_per_district > self.shortlist_max_per_district:
            problems.append(
                "shortlist_min_per_district must not exceed shortlist_max_per_district, got "
                f"{self.shortlist_min_per_district} > {self.shortlist_max_per_district}"
            )
        if not problems and self.weight_saving + self.weight_space + self.weight_agencies <= 0:
            problems.append("the score weights must not all be 0")
        if self.as_of_date is not None and not isinstance(self.as_of_date, dt.date):
            problems.append(f"as_of_date must be a date or None, got {self.as_of_date!r}")
        if problems:
            raise ValidationError("; ".join(problems))

    @property
    def office_gia_per_fte_m2(self) -> float:
        """Gross floor area needed per FTE: the standard divided by the net-to-gross ratio."""
        return self.space_standard_m2_per_fte / self.net_to_gross_ratio

    def to_dict(self) -> dict[str, Any]:
        """The parameters as a plain dict."""
        return asdict(self)


def _resolve(params: ScoringParams | None, overrides: Mapping[str, Any]) -> ScoringParams:
    base = params if params is not None else ScoringParams()
    known = {f.name for f in fields(ScoringParams)}
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise ValidationError(
            f"unknown scoring parameter(s) {', '.join(unknown)}; "
            f"known parameters: {', '.join(sorted(known))}"
        )
    return replace(base, **overrides) if overrides else base


def parameters_table(*params: Any) -> pd.DataFrame:
    """The parameters used, one row each, for CSV outputs and the atlas (traceability).

    Parameters
    ----------
    *params
        Parameter dataclasses, e.g. a :class:`~kentassets.colocation.ClusterParams`
        and a :class:`ScoringParams`.

    Returns
    -------
    pandas.DataFrame
        Columns ``group`` (class name), ``parameter``, ``value`` (text), ``unit``,
        ``source``.

    Examples
    --------
    >>> table = parameters_table(ScoringParams())
    >>> table.loc[table.parameter == "space_standard_m2_per_fte", "value"].item()
    '8.0'
    """
    rows = []
    for obj in params:
        if not is_dataclass(obj) or isinstance(obj, type):
            raise ValidationError(f"parameters_table takes parameter objects, got {obj!r}")
        for f in fields(obj):
            value = getattr(obj, f.name)
            text = ";".join(map(str, value)) if isinstance(value, tuple) else str(value)
            rows.append(
                {
                    "group": type(obj).__name__,
                    "parameter": f.name,
                    "value": text,
                    "unit": f.metadata.get("unit", ""),
                    "source": f.metadata.get("source", ""),
                }
            )
    return pd.DataFrame(rows, columns=["group", "parameter", "value", "unit", "source"]).astype(
        "string"
    )


# --- helpers ---------------------------------------------------------------------------


def _num(frame: pd.DataFrame, col: str) -> pd.Series:
    if col not in frame.columns:
        return pd.Series(np.nan, index=frame.index, dtype="float64")
    return pd.to_numeric(frame[col], errors="coerce").astype("float64")


def _txt(frame: pd.DataFrame, col: str) -> pd.Series:
    if col not in frame.columns:
        return pd.Series(pd.NA, index=frame.index, dtype="string")
    return frame[col].astype("string")


def _coords(assets: gpd.GeoDataFrame, rows: Any) -> tuple[Any, Any]:
    x, y = _xy(assets)
    return x[rows], y[rows]


def _as_of(params: ScoringParams) -> dt.date:
    return params.as_of_date if params.as_of_date is not None else dt.date.today()


def _fmt(value: float) -> str:
    return f"{value:,.0f}"


# --- scoring ---------------------------------------------------------------------------


def score_opportunities(
    colocations: ColocationResult | gpd.GeoDataFrame,
    assets: gpd.GeoDataFrame,
    *,
    params: ScoringParams | None = None,
    **overrides: Any,
) -> gpd.GeoDataFrame:
    """Judge every co-location as an opportunity; rank and shortlist them.

    Parameters
    ----------
    colocations
        A :class:`~kentassets.colocation.ColocationResult`, or its cluster table;
        with a table, ``assets`` must carry the ``cluster_label`` column.
    assets
        The canonical assets that were clustered.
    params
        A :class:`ScoringParams`; defaults when omitted.
    **overrides
        Any :class:`ScoringParams` field, e.g. ``space_standard_m2_per_fte=10``.

    Returns
    -------
    geopandas.GeoDataFrame
        The cluster table (same index) plus :data:`OPPORTUNITY_COLUMNS`. Only
        co-locations (``is_colocation``) are scored; other rows have missing
        values and ``shortlisted`` False. ``attrs["scoring_params"]`` holds the
        :class:`ScoringParams` used (``as_of_date`` resolved), ``attrs["params"]``
        the same as a flat dict of plain values.

    Raises
    ------
    ValidationError
        For an unknown or out-of-range parameter, or assets without labels.

    Examples
    --------
    >>> import kentassets as ka
    >>> estate = ka.sample_estate()
    >>> colocs = ka.find_colocations(estate.assets, eps_m=250)
    >>> opps = ka.score_opportunities(colocs, estate.assets,
    ...                               as_of_date=estate.manifest.data_date)
    >>> opps.index.equals(colocs.clusters.index)
    True
    >>> {"score", "saving_gbp", "horizon", "rank", "shortlisted"} <= set(opps.columns)
    True
    >>> scored = opps[opps["is_colocation"]]  # single-agency clusters are not scored
    >>> bool(scored["shortlisted"].any()), bool(scored["score"].between(0, 100).all())
    (True, True)

    Two offices 100 m apart: the Police staff move into the Council's building:

    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> from kentassets import schema
    >>> from kentassets.colocation import find_colocations
    >>> assets = schema.coerce_assets(gpd.GeoDataFrame(
    ...     {"agency": ["Council", "Police"], "use": ["office", "office"],
    ...      "gia_m2": [1000.0, 400.0], "staff_fte": [40.0, 20.0],
    ...      "annual_cost_gbp": [150000.0, 60000.0], "district_code": ["E07000110"] * 2},
    ...     geometry=[Point(575000, 155000), Point(575100, 155000)], crs="EPSG:27700"))
    >>> opp = score_opportunities(find_colocations(assets), assets, as_of_date=None)
    >>> opp[["office_need_m2", "saving_gbp", "horizon"]].values.tolist()
    [[600.0, 48000.0, 'short']]
    """
    p = _resolve(params, overrides)
    p = replace(p, as_of_date=_as_of(p))
    if isinstance(colocations, ColocationResult):
        clusters = colocations.clusters
        labels = colocations.labels.reindex(assets.index).fillna(-1).astype("int64")
    else:
        clusters = colocations
        if schema.CLUSTER_LABEL not in assets.columns:
            raise ValidationError(
                "assets have no 'cluster_label' column; pass the ColocationResult itself, or "
                "assets labelled with ColocationResult.label_assets(assets)"
            )
        labels = pd.to_numeric(assets[schema.CLUSTER_LABEL], errors="coerce").fillna(-1)
        labels = labels.astype("int64")
    out = clusters.copy()
    is_col = out[schema.IS_COLOCATION].to_numpy(dtype=bool) if len(out) else np.zeros(0, bool)
    col_rows = np.flatnonzero(is_col)
    k = len(col_rows)
    table_labels = out[schema.CLUSTER_LABEL].to_numpy(dtype=np.int64)
    asset_labels = labels.to_numpy(dtype=np.int64)
    top = int(max(table_labels.max(initial=-1), asset_labels.max(initial=-1))) + 1
    slot_of_label = np.full(top + 1, -1, dtype=np.int64)
    slot_of_label[table_labels[col_rows]] = np.arange(k)
    slot_all = np.where(asset_labels >= 0, slot_of_label[np.maximum(asset_labels, 0)], -1)
    m = np.flatnonzero(slot_all >= 0)  # member rows of co-locations
    s = slot_all[m]

    def per(weights: Any) -> Any:
        return np.bincount(s, weights=weights, minlength=k).astype(np.float64)

    def count(mask: Any) -> Any:
        return np.bincount(s[mask], minlength=k).astype(np.int64)

    x, y = _coords(assets, m)
    vacant = _flag(assets, schema.STATUS, VACANT_STATUSES)[m]
    office = _flag(assets, schema.USE, p.office_uses)[m]
    gia = _num(assets, schema.GIA_M2).to_numpy()[m]
    staff = _num(assets, schema.STAFF_FTE).to_numpy()[m]
    staff = np.where(vacant & np.isnan(staff), 0.0, staff)
    pool = office & np.isfinite(gia) & np.isfinite(staff)
    cost = _num(assets, schema.ANNUAL_COST_GBP).to_numpy()[m]
    cost = np.where(np.isfinite(cost), cost,
                    np.where(np.isfinite(gia), gia * p.cost_per_m2_gbp, 0.0))
    gia0 = np.where(np.isfinite(gia), gia, 0.0)

    office_gia = np.round(per(np.where(pool, gia, 0.0)), 2)
    staff_tot = np.round(per(np.where(pool, staff, 0.0)), 2)
    n_pool, n_office, n_vacant = count(pool), count(office), count(vacant)
    need = np.round(staff_tot * p.office_gia_per_fte_m2, 2)
    target = need * (1.0 + p.headroom_share)
    fits = (n_pool > 0) & (office_gia >= target)

    # consolidation: keep the largest pool offices until the target is reached
    pr = np.flatnonzero(pool)
    pr = pr[np.lexsort((y[pr], x[pr], cost[pr], -gia[pr], s[pr]))]
    ps = s[pr]
    before = pd.Series(gia[pr]).groupby(ps).cumsum().to_numpy() - gia[pr]
    released_pool = fits[ps] & (before >= target[ps] - 1e-9)
    released = vacant & ~pool
    released[pr[released_pool]] = True
    kept = n_pool - np.bincount(ps[released_pool], minlength=k)
    released_cost = np.round(per(np.where(released, cost, 0.0)), 2)
    released_gia = np.round(per(np.where(released, gia0, 0.0)), 2)
    n_released = count(released)
    spare = np.round(np.maximum(0.0, office_gia - need) + per(np.where(vacant & ~pool, gia0,
                                                                        0.0)), 2)
    surplus = np.round(np.maximum(0.0, office_gia - need), 2)
    saving = np.round(p.saving_share * released_cost, 2)

    rel = np.flatnonzero(released)
    rel = rel[np.lexsort((y[rel], x[rel], s[rel]))]
    rel_text = (
        _texts(assets, schema.AGENCY, m[rel]).fillna("?") + ":"
        + _texts(assets, schema.ASSET_ID, m[rel]).fillna("?")
    ).tolist()
    released_assets = np.full(k, "", dtype=object)
    rel_slot, rstarts, rcounts = _runs(s[rel])
    for slot, a_, n_ in zip(rel_slot.tolist(), rstarts.tolist(), rcounts.tolist(), strict=True):
        released_assets[slot] = ";".join(rel_text[a_:a_ + n_])

    # lease horizon: the earliest lease among the members ending before the limit
    as_of = pd.Timestamp(p.as_of_date)
    limit = as_of + pd.DateOffset(months=round(p.lease_horizon_years * 12))
    lease = (
        pd.to_datetime(assets[schema.LEASE_END], errors="coerce").to_numpy(
            dtype="datetime64[ns]")[m]
        if schema.LEASE_END in assets.columns
        else np.full(len(m), np.datetime64("NaT"), dtype="datetime64[ns]")
    )
    soon = np.flatnonzero(~np.isnat(lease) & (lease <= limit.to_datetime64()))
    soon = soon[np.lexsort((y[soon], x[soon], lease[soon], s[soon]))]
    _, lstarts, _ = _runs(s[soon])
    first_lease = soon[lstarts]
    lease_slot = np.full(k, -1, dtype=np.int64)
    lease_slot[s[first_lease]] = np.arange(len(first_lease))
    lease_agency = _texts(assets, schema.AGENCY, m[first_lease]).fillna("?").tolist()
    lease_asset = _texts(assets, schema.ASSET_ID, m[first_lease]).fillna("?").tolist()
    lease_date = lease[first_lease]

    n_agencies = out[N_AGENCIES].to_numpy()[col_rows].astype(float)
    weights = np.array([p.weight_saving, p.weight_space, p.weight_agencies])
    parts = np.column_stack(
        [
            np.minimum(1.0, saving / p.saving_full_marks_gbp),
            np.minimum(1.0, spare / p.space_full_marks_m2),
            np.clip((n_agencies - 1.0) / (p.agencies_full_marks - 1.0), 0.0, 1.0),
        ]
    )
    score = np.round(100.0 * (parts @ weights) / weights.sum(), 1)

    horizon = np.empty(k, dtype=object)
    reason = np.empty(k, dtype=object)
    for i in range(k):
        if fits[i]:
            horizon[i] = "short"
            reason[i] = (
                f"{_fmt(staff_tot[i])} office FTE need {_fmt(need[i])} m2 (at "
                f"{p.space_standard_m2_per_fte:g} m2 NIA/FTE); they fit into {kept[i]} of "
                f"{n_pool[i]} held office buildings with {_fmt(office_gia[i] - need[i])} m2 "
                "of held office space to spare"
            )
        elif lease_slot[i] >= 0:
            j_ = lease_slot[i]
            when = pd.Timestamp(lease_date[j_])
            verb = "ended" if when < as_of else "ends"
            horizon[i] = "medium"
            reason[i] = (
                f"lease of {lease_agency[j_]} asset {lease_asset[j_]} {verb} "
                f"{when.date().isoformat()}, within {p.lease_horizon_years:g} years of "
                f"{p.as_of_date}"
            )
        else:
            horizon[i] = "long"
            reason[i] = (
                "no held office space to consolidate into"
                if n_pool[i] == 0
                else f"held office space {_fmt(office_gia[i])} m2 is short of the "
                f"{_fmt(target[i])} m2 needed with {p.headroom_share:.0%} headroom"
            ) + "; needs new or remodelled space"

    def put(col: str, values: Any, dtype: str) -> None:
        full = pd.array([None] * len(out), dtype=dtype)
        if k:
            full[col_rows] = pd.array(values, dtype=dtype)
        out[col] = pd.Series(full, index=out.index)

    for col, values in (
        (OFFICE_GIA_M2, office_gia), (OFFICE_STAFF_FTE, staff_tot), (OFFICE_NEED_M2, need),
        (SURPLUS_OFFICE_M2, surplus), (SPARE_GIA_M2, spare),
    ):
        put(col, values, "Float64")
    for col, values in (
        (N_OFFICES, n_office), (N_OFFICES_UNKNOWN, n_office - n_pool),
        (N_VACANT_ASSETS, n_vacant), (N_RELEASED, n_released),
    ):
        put(col, values, "Int64")
    put(RELEASED_GIA_M2, released_gia, "Float64")
    put(RELEASED_COST_GBP, released_cost, "Float64")
    put(RELEASED_ASSETS, released_assets, "string")
    put(SAVING_GBP, saving, "Float64")
    put(SCORE, score, "Float64")
    put(HORIZON, horizon, "string")
    put(HORIZON_REASON, reason, "string")
    for col in (OFFICE_GIA_M2, OFFICE_STAFF_FTE, OFFICE_NEED_M2, SURPLUS_OFFICE_M2,
                SPARE_GIA_M2, RELEASED_GIA_M2, RELEASED_COST_GBP, SAVING_GBP, SCORE):
        out[col] = out[col].astype("float64")
    _rank(out)
    out[SHORTLISTED] = _shortlist_mask(
        out,
        min_per_district=p.shortlist_min_per_district,
        max_per_district=p.shortlist_max_per_district,
        min_score=p.shortlist_min_score,
    )
    out.attrs["scoring_params"] = p
    # plain values, for the CSV outputs' parameter columns (traceability)
    out.attrs["params"] = {
        f.name: (";".join(getattr(p, f.name)) if isinstance(getattr(p, f.name), tuple)
                 else str(getattr(p, f.name)) if isinstance(getattr(p, f.name), dt.date)
                 else getattr(p, f.name))
        for f in fields(p)
    }
    geometry = out.geometry.name
    ordered = [c for c in out.columns if c != geometry] + [geometry]
    return out[ordered]


def _rank(out: pd.DataFrame) -> None:
    """Add ``rank`` and ``district_rank`` (nullable ints) in place."""
    out[RANK] = pd.array([None] * len(out), dtype="Int64")
    out[DISTRICT_RANK] = pd.array([None] * len(out), dtype="Int64")
    if len(out) == 0:
        return
    scored = out[out[schema.IS_COLOCATION].to_numpy(dtype=bool)]
    if scored.empty:
        return
    order = scored.sort_values(
        [SCORE, SAVING_GBP, schema.COLOCATION_ID],
        ascending=[False, False, True],
        kind="stable",
    )
    out.loc[order.index, RANK] = np.arange(1, len(order) + 1)
    district = order[schema.DISTRICT_CODE].astype("string").fillna("")
    out.loc[order.index, DISTRICT_RANK] = (
        order.groupby(district.to_numpy(), sort=False).cumcount().to_numpy() + 1
    )


def _shortlist_mask(
    opportunities: pd.DataFrame, *, min_per_district: int, max_per_district: int,
    min_score: float,
) -> pd.Series:
    if min_per_district > max_per_district:
        raise ValidationError(
            f"min_per_district must not exceed max_per_district, got "
            f"{min_per_district} > {max_per_district}"
        )
    if len(opportunities) == 0:
        return pd.Series(False, index=opportunities.index, dtype=bool)
    drank = opportunities[DISTRICT_RANK].astype("Float64").fillna(np.inf).to_numpy(dtype=float)
    score = opportunities[SCORE].astype("Float64").fillna(-1.0).to_numpy(dtype=float)
    has_district = opportunities[schema.DISTRICT_CODE].notna().to_numpy(dtype=bool)
    chosen = (drank <= min_per_district) | ((drank <= max_per_district) & (score >= min_score))
    return pd.Series(chosen & has_district, index=opportunities.index, dtype=bool)


def shortlist(
    opportunities: gpd.GeoDataFrame,
    *,
    min_per_district: int | None = None,
    max_per_district: int | None = None,
    min_score: float | None = None,
) -> gpd.GeoDataFrame:
    """The best opportunities of each district, for the district workshops.

    Per district (the majority district of each co-location): the
    ``min_per_district`` best by ``district_rank``, and up to
    ``max_per_district`` while the score is at least ``min_score``. A district
    with fewer co-locations shortlists them all. Co-locations outside every
    district are left out.

    Parameters
    ----------
    opportunities
        The frame of :func:`score_opportunities`.
    min_per_district, max_per_district
        Size limits of each district's list. ``None`` uses the values the
        opportunities were scored with (5 and 10 by default).
    min_score
        Score needed beyond ``min_per_district``; ``None`` as above (40).

    Returns
    -------
    geopandas.GeoDataFrame
        The shortlisted rows (same index), sorted by district code and district rank.

    Raises
    ------
    ValidationError
        When ``min_per_district`` exceeds ``max_per_district``.

    Examples
    --------
    >>> import kentassets as ka
    >>> estate = ka.sample_estate()
    >>> opps = ka.score_opportunities(ka.find_colocations(estate.assets), estate.assets)
    >>> short = ka.shortlist(opps)
    >>> bool(short["shortlisted"].all()), short["district_code"].nunique() > 5
    (True, True)
    >>> bool(short.groupby("district_code").size().max() <= 10)
    True
    >>> len(ka.shortlist(opps, min_per_district=1, max_per_district=1)) <= len(short)
    True
    """
    scored = opportunities.attrs.get("params", {})
    defaults = ScoringParams()

    def _pick(value: float | None, key: str, default: float) -> float:
        if value is not None:
            return value
        stored = scored.get(key) if isinstance(scored, dict) else None
        return default if stored is None else stored

    mask = _shortlist_mask(
        opportunities,
        min_per_district=int(
            _pick(min_per_district, "shortlist_min_per_district",
                  defaults.shortlist_min_per_district)
        ),
        max_per_district=int(
            _pick(max_per_district, "shortlist_max_per_district",
                  defaults.shortlist_max_per_district)
        ),
        min_score=float(_pick(min_score, "shortlist_min_score", defaults.shortlist_min_score)),
    )
    chosen = opportunities[mask.to_numpy()]
    return chosen.sort_values([schema.DISTRICT_CODE, DISTRICT_RANK], kind="stable")


# --- estate-wide views -------------------------------------------------------------------


def benchmark_agencies(
    assets: gpd.GeoDataFrame,
    *,
    space_standard_m2_per_fte: float = 8.0,
    net_to_gross_ratio: float = 0.8,
    office_uses: Sequence[str] = ("office",),
) -> pd.DataFrame:
    """Compare agencies' practice: office space per FTE, cost per m², vacant share.

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
    gia = _num(assets, schema.GIA_M2)
    staff = _num(assets, schema.STAFF_FTE)
    cost = _num(assets, schema.ANNUAL_COST_GBP)
    office = _txt(assets, schema.USE).isin(params.office_uses).fillna(False).astype(bool)
    vacant = _txt(assets, schema.STATUS).isin(VACANT_STATUSES).fillna(False).astype(bool)
    both = office & gia.notna() & staff.notna() & (staff > 0)
    priced = gia.notna() & cost.notna() & (gia > 0)
    frame = pd.DataFrame(
        {
            "agency": _txt(assets, schema.AGENCY).fillna("(no agency)"),
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


def surplus_assets(
    assets: gpd.GeoDataFrame,
    *,
    space_standard_m2_per_fte: float = 8.0,
    net_to_gross_ratio: float = 0.8,
    underused_factor: float = 2.0,
    part_vacant_share: float = 0.5,
    office_uses: Sequence[str] = ("office",),
) -> gpd.GeoDataFrame:
    """Vacant, surplus and under-used assets that could be pooled for regeneration.

    Reasons, first that applies: ``"surplus"`` and ``"vacant"`` (status; the
    whole GIA is spare), ``"part_vacant"`` (status; ``part_vacant_share`` of
    the GIA is spare), ``"under_used"`` (an occupied office with more than
    ``underused_factor`` times the standard gross area per FTE; spare = GIA
    minus the need at the standard).

    Parameters
    ----------
    assets
        Canonical assets.
    space_standard_m2_per_fte, net_to_gross_ratio, office_uses
        As :class:`ScoringParams`.
    underused_factor
        How many times the standard an office must exceed to be under-used (1 to 10).
    part_vacant_share
        Assumed spare share of a part-vacant asset (0 to 1).

    Returns
    -------
    geopandas.GeoDataFrame
        The selected assets (same index, all columns) plus ``surplus_reason``
        and ``spare_gia_m2``, sorted by spare area (largest first), then index.

    Raises
    ------
    ValidationError
        For an out-of-range parameter.

    Examples
    --------
    >>> import kentassets as ka
    >>> estate = ka.sample_estate()
    >>> spare = ka.surplus_assets(estate.assets)
    >>> len(spare) > 0, set(spare["surplus_reason"]) <= {
    ...     "surplus", "vacant", "part_vacant", "under_used"}
    (True, True)
    >>> bool(spare["spare_gia_m2"].fillna(0).is_monotonic_decreasing)
    True
    """
    params = ScoringParams(
        space_standard_m2_per_fte=space_standard_m2_per_fte,
        net_to_gross_ratio=net_to_gross_ratio,
        office_uses=tuple(office_uses),
    )
    if not (1.0 <= underused_factor <= 10.0):
        raise ValidationError(f"underused_factor must be between 1 and 10, got {underused_factor}")
    if not (0.0 <= part_vacant_share <= 1.0):
        raise ValidationError(
            f"part_vacant_share must be between 0 and 1, got {part_vacant_share}"
        )
    gia = _num(assets, schema.GIA_M2)
    staff = _num(assets, schema.STAFF_FTE)
    status = _txt(assets, schema.STATUS)
    office = _txt(assets, schema.USE).isin(params.office_uses).fillna(False).astype(bool)
    need = staff * params.office_gia_per_fte_m2
    under = (
        office
        & status.isin(("occupied",)).fillna(False).astype(bool)
        & gia.notna()
        & staff.notna()
        & (gia > underused_factor * need)
    )
    reason = pd.Series(pd.NA, index=assets.index, dtype="string")
    spare = pd.Series(np.nan, index=assets.index, dtype="float64")
    for value, share in (("surplus", 1.0), ("vacant", 1.0), ("part_vacant", part_vacant_share)):
        hit = status.eq(value).fillna(False).astype(bool) & reason.isna()
        reason[hit] = value
        spare[hit] = gia[hit] * share
    hit = under & reason.isna()
    reason[hit] = "under_used"
    spare[hit] = gia[hit] - need[hit]
    out = assets[reason.notna().to_numpy()].copy()
    out["surplus_reason"] = reason[out.index]
    out["spare_gia_m2"] = spare[out.index]
    key = out["spare_gia_m2"].fillna(-1.0).to_numpy()
    order = np.lexsort((np.arange(len(out)), -key))
    return out.iloc[order]


def county_totals(
    opportunities: pd.DataFrame,
    *,
    savings_target_gbp: float = 10_000_000.0,
    target_years: int = 4,
) -> dict[str, Any]:
    """County figures for the index page and the atlas cover.

    The annual saving of the shortlisted opportunities is multiplied by
    ``target_years`` (as if every saving ran for the whole period, an upper
    bound: medium and long horizons start later) and compared with the target.

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
        ``annual_saving_gbp``, ``annual_saving_short_gbp`` (short horizon only),
        ``saving_over_target_period_gbp``, ``savings_target_gbp``, ``target_years``,
        ``share_of_target`` (0-1, may exceed 1), ``n_short``, ``n_medium``, ``n_long``
        (shortlisted opportunities per horizon).

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
    >>> totals["n_short"] + totals["n_medium"] + totals["n_long"] == totals["n_shortlisted"]
    True
    >>> totals["saving_over_target_period_gbp"] == 4 * totals["annual_saving_gbp"]
    True
    """
    if not (savings_target_gbp > 0 and math.isfinite(savings_target_gbp)):
        raise ValidationError(f"savings_target_gbp must be above 0, got {savings_target_gbp}")
    if isinstance(target_years, bool) or not (1 <= target_years <= 50):
        raise ValidationError(f"target_years must be between 1 and 50, got {target_years}")
    is_col = (
        opportunities[schema.IS_COLOCATION].to_numpy(dtype=bool)
        if len(opportunities)
        else np.zeros(0, bool)
    )
    chosen = opportunities[opportunities[SHORTLISTED].to_numpy(dtype=bool)] if len(
        opportunities) else opportunities
    saving = float(chosen[SAVING_GBP].fillna(0.0).sum()) if len(chosen) else 0.0
    short = (
        float(chosen.loc[chosen[HORIZON].eq("short").fillna(False).to_numpy(dtype=bool),
                         SAVING_GBP].sum())
        if len(chosen)
        else 0.0
    )
    period = saving * target_years
    horizons = (
        chosen[HORIZON].value_counts().reindex(list(HORIZONS), fill_value=0)
        if len(chosen)
        else pd.Series(0, index=list(HORIZONS))
    )
    return {
        "n_colocations": int(is_col.sum()),
        "n_shortlisted": len(chosen),
        "n_districts": int(chosen[schema.DISTRICT_CODE].nunique()) if len(chosen) else 0,
        "annual_saving_gbp": saving,
        "annual_saving_short_gbp": short,
        "saving_over_target_period_gbp": period,
        "savings_target_gbp": float(savings_target_gbp),
        "target_years": int(target_years),
        "share_of_target": period / savings_target_gbp,
        **{f"n_{k}": int(v) for k, v in horizons.items()},
    }

