"""Opportunities: judge each co-location, rank them, shortlist per district.

:func:`score_opportunities` adds to the cluster table of
:func:`kentassets.colocation.find_colocations` an office-space balance, an
estimated annual saving as a range, a score with each component's points,
ranks, a horizon and a shortlist flag. Every assumption is a field of
:class:`ScoringParams` (with its default's source) or a row of the benchmark
table (:mod:`kentassets.benchmarks`); :func:`parameters_table` lists the
parameters for the CSV outputs, so that every figure can be traced back.

Where a register is silent, the assets are first completed by
:func:`kentassets.estimates.estimate_assets` (floor area, staff, running cost
from footprints or benchmarks, each marked ``given``/``footprint``/``benchmark``);
given figures are never changed. The formula, per co-location:

* **Office pool.** Members whose ``use`` is one of ``office_uses``, with a
  known ``gia_m2`` and ``staff_fte`` (a vacant or surplus office counts with 0
  staff). Offices lacking either figure are counted in ``n_offices_unknown``.
* ``office_need_m2`` = ``office_staff_fte x space_standard_m2_per_fte /
  net_to_gross_ratio``; ``surplus_office_m2`` = ``max(0, office_gia_m2 - need)``.
* **Consolidation.** Staff move into the fewest held office buildings whose GIA
  reaches ``need x (1 + headroom_share)``, the largest first; the other pool
  offices are released, and so are vacant and surplus members outside the pool.
  ``saving_consolidation_gbp`` = ``saving_share x`` their running cost (the
  formula of kentassets 0.1, unchanged).
* **Shared services.** Where public-facing services (``public_facing_uses``:
  library, GP/health, council front desk, police front counter) of different
  agencies stand together, those of another use than the largest move into it:
  ``saving_shared_services_gbp`` = the benchmark table's
  ``shared_service_saving_share`` x their running cost (off with
  ``shared_services=False``).
* ``saving_gbp`` = the sum, central; ``saving_low_gbp`` / ``saving_high_gbp``
  rerun both with the low and high figures (smallest floor areas and costs with
  the most staff, and the reverse; the benchmark's low and high shares);
  ``saving_given_share`` is the share of the central saving resting on given
  figures; ``given_share`` the share of all members' inputs that were given;
  ``saving_note`` says why a saving is 0 or rests on estimates.
* **Score** (0-100) = ``100 x sum(weight x part) / sum(weights)``, each part
  from 0 to 1, shown as ``points_*`` columns (they add up to the score):

  ============== =============================================================
  saving         saving, given part in full and estimated part x
                 ``estimated_saving_credit``, over ``saving_full_marks_gbp``
  agencies       ``(n_agencies - 1) / (agencies_full_marks - 1)``
  sectors        ``(n_sectors - 1) / (sectors_full_marks - 1)`` (council,
                 police, nhs, fire_and_rescue, voluntary_community,
                 central_government)
  closeness      1 when the members share one site or stand within
                 ``same_site_m`` of their centre on average, falling to 0 at
                 ``closeness_zero_m``
  public_facing  ``(distinct public-facing uses - 1) / (public_facing_full_marks - 1)``
  space          the larger of spare area / ``space_full_marks_m2`` and vacant,
                 surplus or part-vacant members / 2
  leases         leases ending within ``lease_horizon_years`` / ``leases_full_marks``
  tenure         mean over members: leasehold or licence 1 (easy to leave),
                 freehold ``freehold_tenure_credit`` (frees a receipt), else 0
  ============== =============================================================
* ``rank``: county rank (1 = best) by score, then ``given_share``, then
  ``n_agencies``, then ``saving_gbp`` (each descending), then ``colocation_id``;
  ``district_rank`` the same within the majority district. Never row order.
* ``horizon``: ``"short"`` when the office pool takes its staff with
  ``headroom_share`` to spare, or vacant/surplus members can be released now;
  else ``"medium"`` when a member's lease ends within ``lease_horizon_years``
  of ``as_of_date`` (or has ended); else ``"long"`` when held offices are too
  small (new or remodelled space needed); else ``"unknown"`` (reason: "no lease
  or space data").
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
from .benchmarks import BenchmarkTable
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
from .estimates import estimate_assets, given_share, source_column
from .sectors import SECTOR, assign_sectors
from .surplus import housing_capacity, surplus_assets

__all__ = [
    "ScoringParams",
    "benchmark_agencies",
    "county_totals",
    "housing_capacity",
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
N_SHARED_MOVES: Final = "n_shared_moves"
SHARED_HOST: Final = "shared_host"
SAVING_CONSOLIDATION_GBP: Final = "saving_consolidation_gbp"
SAVING_SHARED_SERVICES_GBP: Final = "saving_shared_services_gbp"
SAVING_GBP: Final = "saving_gbp"
SAVING_LOW_GBP: Final = "saving_low_gbp"
SAVING_HIGH_GBP: Final = "saving_high_gbp"
SAVING_GIVEN_SHARE: Final = "saving_given_share"
GIVEN_SHARE: Final = "given_share"
SAVING_NOTE: Final = "saving_note"
SECTORS_COL: Final = "sectors"
N_SECTORS: Final = "n_sectors"
SPREAD_M: Final = "spread_m"
PUBLIC_FACING_USES: Final = "public_facing_uses"
N_LEASES_ENDING: Final = "n_leases_ending"
SCORE: Final = "score"
RANK: Final = "rank"
DISTRICT_RANK: Final = "district_rank"
HORIZON: Final = "horizon"
HORIZON_REASON: Final = "horizon_reason"
SHORTLISTED: Final = "shortlisted"
HORIZONS: Final = ("short", "medium", "long", "unknown")
NO_DATA_REASON: Final = "no lease or space data"
#: Score components, in the order of the ``points_*`` columns.
COMPONENTS: Final = ("saving", "agencies", "sectors", "closeness", "public_facing", "space",
                     "leases", "tenure")
#: The points column of each component.
POINTS: Final = {c: f"points_{c}" for c in COMPONENTS}

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
    N_SHARED_MOVES,
    SHARED_HOST,
    SAVING_CONSOLIDATION_GBP,
    SAVING_SHARED_SERVICES_GBP,
    SAVING_GBP,
    SAVING_LOW_GBP,
    SAVING_HIGH_GBP,
    SAVING_GIVEN_SHARE,
    GIVEN_SHARE,
    SAVING_NOTE,
    SECTORS_COL,
    N_SECTORS,
    SPREAD_M,
    PUBLIC_FACING_USES,
    N_LEASES_ENDING,
    *POINTS.values(),
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
_JUDGEMENT = "Judgement, not a published figure: change it to weigh the parts differently"


def _meta(unit: str, source: str, low: float | None = None, high: float | None = None) -> Any:
    return {"unit": unit, "source": source, "range": (low, high)}


def _weight(what: str, default: float) -> Any:
    return field(default=default, metadata=_meta("weight", f"Score weight of {what}. "
                                                 + _JUDGEMENT, 0.0, 1.0))


@dataclass(frozen=True)
class ScoringParams:
    """Assumptions of :func:`score_opportunities`, each with its default's source.

    Each numeric field is checked against the range in its metadata when the
    object is made; the error message states the range. Use
    :func:`parameters_table` to list the values, units and sources. Benchmark
    figures (typical floor areas, costs, the shared-service saving share) are
    not here: they are rows of the benchmark table.

    Parameters
    ----------
    space_standard_m2_per_fte
        Office space standard, m² net internal area per FTE (4 to 30; 8).
    net_to_gross_ratio
        NIA / GIA, converts the standard to gross areas (0.5 to 1; 0.8).
    office_uses
        Canonical uses whose staff are consolidated (``("office",)``).
    cost_per_m2_gbp
        Last resort: running cost per m² GIA a year for an asset whose floor area
        is known but whose cost neither the register nor the benchmark table
        gives (0 to 5,000; 200).
    saving_share
        Share of a released building's running cost actually saved (0 to 1; 0.8).
    headroom_share
        Spare room needed for the "short" horizon and kept when consolidating
        (0 to 1; 0.1).
    lease_horizon_years
        A lease ending within this many years makes the horizon "medium" (0 to 25; 3).
    as_of_date
        Date the lease horizon is counted from; ``None`` means today.
    public_facing_uses
        Uses that serve the public at a front door and belong together
        (``("library", "health", "customer_service", "police")``).
    shared_services
        Count the saving of public-facing services moving in together (True).
    weight_saving, weight_agencies, weight_sectors, weight_closeness, \
    weight_public_facing, weight_space, weight_leases, weight_tenure
        Score weights (each 0 to 1, not all 0; 0.30, 0.15, 0.15, 0.10, 0.10,
        0.10, 0.05, 0.05: money first, then who meets and how closely).
    saving_full_marks_gbp, space_full_marks_m2, agencies_full_marks, \
    sectors_full_marks, public_facing_full_marks, leases_full_marks
        What earns a full part (£250k a year, 2,000 m², 4 agencies, 3 sectors,
        3 public-facing uses, 2 leases).
    estimated_saving_credit
        Share of the estimated part of a saving that counts in the score (0 to 1; 0.5).
    same_site_m, closeness_zero_m
        Mean distance from the members' centre that counts as one site (25 m)
        and that earns no closeness (250 m, the default co-location distance).
    freehold_tenure_credit
        Tenure part of a freehold member (0 to 1; 0.5); leasehold and licence earn 1.
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
    >>> round(sum(ScoringParams().weights.values()), 6)
    1.0

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
            "Assumption, last resort: used only where the floor area is known and neither "
            "the register nor the benchmark table gives a running cost for the use",
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
    public_facing_uses: tuple[str, ...] = field(
        default=("library", "health", "customer_service", "police"),
        metadata=_meta("use", "Front-door services that belong together: library, GP/health, "
                       "council front desk, police front counter (One Public Estate hubs)"),
    )
    shared_services: bool = field(
        default=True,
        metadata=_meta("flag", "Count the saving of public-facing services moving in "
                       "together (benchmark shared_service_saving_share)"),
    )
    weight_saving: float = _weight("the estimated saving", 0.30)
    weight_agencies: float = _weight("the agencies meeting", 0.15)
    weight_sectors: float = _weight("the sectors meeting", 0.15)
    weight_closeness: float = _weight("how close the members stand", 0.10)
    weight_public_facing: float = _weight("public-facing uses that belong together", 0.10)
    weight_space: float = _weight("spare floor area and vacant members", 0.10)
    weight_leases: float = _weight("leases ending within the horizon", 0.05)
    weight_tenure: float = _weight("tenure (leasehold easy to leave; freehold frees a receipt)",
                                   0.05)
    saving_full_marks_gbp: float = field(
        default=250_000.0,
        metadata=_meta("GBP a year", "Saving that earns the full saving part", 1.0, 1e9),
    )
    estimated_saving_credit: float = field(
        default=0.5,
        metadata=_meta("share", "Share of the estimated part of a saving that counts in the "
                       "score. " + _JUDGEMENT, 0.0, 1.0),
    )
    space_full_marks_m2: float = field(
        default=2_000.0,
        metadata=_meta("m2", "Spare floor area that earns the full space part", 1.0, 1e7),
    )
    agencies_full_marks: int = field(
        default=4, metadata=_meta("agencies", "Agencies that earn the full agency part", 2, 100)
    )
    sectors_full_marks: int = field(
        default=3, metadata=_meta("sectors", "Sectors that earn the full sector part", 2, 6)
    )
    public_facing_full_marks: int = field(
        default=3,
        metadata=_meta("uses", "Distinct public-facing uses that earn the full part", 2, 10),
    )
    leases_full_marks: int = field(
        default=2, metadata=_meta("leases", "Leases ending that earn the full part", 1, 100)
    )
    same_site_m: float = field(
        default=25.0,
        metadata=_meta("m", "Mean distance from the members' centre counted as one site",
                       0.0, 1000.0),
    )
    closeness_zero_m: float = field(
        default=250.0,
        metadata=_meta("m", "Mean distance from the centre that earns no closeness (the "
                       "default co-location distance)", 1.0, 10_000.0),
    )
    freehold_tenure_credit: float = field(
        default=0.5,
        metadata=_meta("share", "Tenure part of a freehold member (leasehold and licence "
                       "earn 1). " + _JUDGEMENT, 0.0, 1.0),
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
        problems = self._range_problems()
        problems += self._other_problems(numbers_ok=not problems)
        if problems:
            raise ValidationError("; ".join(problems))

    def _range_problems(self) -> list[str]:
        """Check every numeric field against its range; store ints and floats as such."""
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
        return problems

    def _other_problems(self, *, numbers_ok: bool) -> list[str]:
        problems: list[str] = []
        for name in ("office_uses", "public_facing_uses"):
            value = getattr(self, name)
            if isinstance(value, str) or not all(isinstance(u, str) for u in value):
                problems.append(f"{name} must be a tuple of use names, got {value!r}")
            else:
                object.__setattr__(self, name, tuple(value))
        if not isinstance(self.shared_services, bool):
            problems.append(f"shared_services must be True or False, got "
                            f"{self.shared_services!r}")
        if self.as_of_date is not None and not isinstance(self.as_of_date, dt.date):
            problems.append(f"as_of_date must be a date or None, got {self.as_of_date!r}")
        if not numbers_ok:
            return problems
        if self.shortlist_min_per_district > self.shortlist_max_per_district:
            problems.append(
                "shortlist_min_per_district must not exceed shortlist_max_per_district, got "
                f"{self.shortlist_min_per_district} > {self.shortlist_max_per_district}"
            )
        if self.same_site_m >= self.closeness_zero_m:
            problems.append(f"same_site_m must be below closeness_zero_m, got "
                            f"{self.same_site_m} >= {self.closeness_zero_m}")
        if sum(self.weights.values()) <= 0:
            problems.append("the score weights must not all be 0")
        return problems

    @property
    def office_gia_per_fte_m2(self) -> float:
        """Gross floor area needed per FTE: the standard divided by the net-to-gross ratio."""
        return self.space_standard_m2_per_fte / self.net_to_gross_ratio

    @property
    def weights(self) -> dict[str, float]:
        """The score weight of each component, in :data:`COMPONENTS` order."""
        return {c: float(getattr(self, f"weight_{c}")) for c in COMPONENTS}

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


def _as_of(params: ScoringParams) -> dt.date:
    return params.as_of_date if params.as_of_date is not None else dt.date.today()


def _fmt(value: float) -> str:
    return f"{value:,.0f}"


def _money(value: float) -> str:
    return f"£{value / 1000:,.0f}k" if value >= 1000 else f"£{value:,.0f}"


# --- members of each co-location ----------------------------------------------------------


@dataclass(frozen=True)
class _Members:
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
        pairs = np.unique(np.column_stack([self.s[ok], codes[ok]]), axis=0)
        return np.bincount(pairs[:, 0], minlength=self.k).astype(np.int64) if len(pairs) else (
            np.zeros(self.k, dtype=np.int64))


def _labels(colocations: ColocationResult | gpd.GeoDataFrame, assets: gpd.GeoDataFrame
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


def _members(clusters: gpd.GeoDataFrame, asset_labels: np.ndarray,
             assets: gpd.GeoDataFrame) -> _Members:
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
    x, y = _xy(assets)
    return _Members(k=k, col_rows=col_rows, m=m, s=slot_all[m], x=x[m], y=y[m])


@dataclass(frozen=True)
class _Inputs:
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
    central = _num(assets, col).to_numpy()[m]
    low = _num(assets, f"{col}_low").to_numpy()[m] if f"{col}_low" in assets else central
    high = _num(assets, f"{col}_high").to_numpy()[m] if f"{col}_high" in assets else central
    return (np.where(np.isfinite(low), low, central), central,
            np.where(np.isfinite(high), high, central))


def _inputs(assets: gpd.GeoDataFrame, mem: _Members, p: ScoringParams) -> _Inputs:
    m = mem.m
    vacant = _flag(assets, schema.STATUS, VACANT_STATUSES)[m]
    office = _flag(assets, schema.USE, p.office_uses)[m]
    gia = _scenario(assets, schema.GIA_M2, m)
    lo, mid, hi = _scenario(assets, schema.STAFF_FTE, m)
    staff = tuple(np.where(vacant & np.isnan(v), 0.0, v) for v in (hi, mid, lo))  # low saving
    cost = tuple(np.where(np.isfinite(c), c, np.where(np.isfinite(g), g * p.cost_per_m2_gbp, 0.0))
                 for c, g in zip(_scenario(assets, schema.ANNUAL_COST_GBP, m), gia, strict=True))
    lease = (pd.to_datetime(assets[schema.LEASE_END], errors="coerce")
             .to_numpy(dtype="datetime64[ns]")[m] if schema.LEASE_END in assets.columns
             else np.full(len(m), np.datetime64("NaT"), dtype="datetime64[ns]"))
    return _Inputs(
        vacant=vacant,
        part_vacant=_flag(assets, schema.STATUS, ("part_vacant",))[m],
        office=office,
        public=_flag(assets, schema.USE, p.public_facing_uses)[m] & ~vacant,
        gia=gia, staff=staff, cost=cost,  # type: ignore[arg-type]
        given=given_share(assets, staff_uses=p.office_uses).to_numpy()[m],
        n_inputs=np.where(office, 3.0, 2.0),
        agency=_codes(_txt(assets, schema.AGENCY))[m],
        sector=_codes(_txt(assets, SECTOR))[m],
        use=_codes(_txt(assets, schema.USE))[m],
        site=_codes(_txt(assets, schema.SITE_ID))[m],
        tenure=_txt(assets, schema.TENURE).iloc[m].reset_index(drop=True),
        lease=lease,
    )


# --- savings ---------------------------------------------------------------------------------


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


def _consolidate(mem: _Members, inp: _Inputs, scenario: int, p: ScoringParams) -> _Consolidation:
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


def _first_per_site(mem: _Members, inp: _Inputs, mask: np.ndarray, gia: np.ndarray
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


def _shared_moves(mem: _Members, inp: _Inputs, released: np.ndarray) -> tuple[np.ndarray,
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
    slots, starts, _ = _runs(mem.s[cand])
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
class _Savings:
    central: _Consolidation
    consolidation: np.ndarray
    shared: np.ndarray
    low: np.ndarray
    high: np.ndarray
    given: np.ndarray
    host: np.ndarray
    moves: np.ndarray
    n_moves: np.ndarray


def _savings(mem: _Members, inp: _Inputs, p: ScoringParams, share: tuple[float, ...]
             ) -> _Savings:
    """Both savings in the three scenarios, and the share of the central one that is given."""
    runs = [_consolidate(mem, inp, i, p) for i in range(3)]
    host, moves = _shared_moves(mem, inp, runs[1].released)
    if not p.shared_services:
        host, moves = np.full(mem.k, -1, dtype=np.int64), np.zeros(len(mem.m), dtype=bool)
    shared = [np.round(share[i] * mem.per(np.where(moves, inp.cost[i], 0.0)), 2)
              for i in range(3)]
    totals = np.vstack([runs[i].saving + shared[i] for i in range(3)])
    contribution = (np.where(runs[1].released, p.saving_share * inp.cost[1], 0.0)
                    + np.where(moves, share[1] * inp.cost[1], 0.0))
    weight = mem.per(contribution)
    with np.errstate(invalid="ignore", divide="ignore"):
        given = np.where(weight > 0, mem.per(contribution * inp.given) / weight, np.nan)
    return _Savings(
        central=runs[1], consolidation=runs[1].saving, shared=shared[1],
        low=np.round(totals.min(axis=0), 2), high=np.round(totals.max(axis=0), 2),
        given=np.round(given, 3), host=host, moves=moves, n_moves=mem.count(moves),
    )


# --- score components --------------------------------------------------------------------


def _spread(mem: _Members, inp: _Inputs) -> np.ndarray:
    """Mean distance of the members from their centre, m; 0 when they share one site."""
    n = np.maximum(mem.count(np.ones(len(mem.m), dtype=bool)), 1)
    cx, cy = mem.per(mem.x) / n, mem.per(mem.y) / n
    dist = np.hypot(mem.x - cx[mem.s], mem.y - cy[mem.s])
    spread = np.round(mem.per(dist) / n, 1)
    one_site = (mem.distinct(inp.site) == 1) & (mem.count(inp.site < 0) == 0)
    return np.where(one_site, 0.0, spread)


def _tenure_credit(inp: _Inputs, p: ScoringParams) -> np.ndarray:
    credit = {"leasehold": 1.0, "licence": 1.0, "freehold": p.freehold_tenure_credit}
    return inp.tenure.map(credit).astype("float64").fillna(0.0).to_numpy()


def _components(mem: _Members, inp: _Inputs, sav: _Savings, lease_soon: np.ndarray,
                n_agencies: np.ndarray, p: ScoringParams) -> dict[str, np.ndarray]:
    """Each component's part (0 to 1) per co-location; see the module docstring."""
    n = np.maximum(mem.count(np.ones(len(mem.m), dtype=bool)), 1)
    given = np.where(np.isnan(sav.given), 1.0, sav.given)
    credited = (sav.consolidation + sav.shared) * (
        given + (1.0 - given) * p.estimated_saving_credit)
    spread = _spread(mem, inp)
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
    }


def _points(parts: Mapping[str, np.ndarray], p: ScoringParams) -> tuple[dict[str, np.ndarray],
                                                                         np.ndarray]:
    """Points per component (they add up to the score) and the score, 0 to 100."""
    weights = p.weights
    total = sum(weights.values())
    raw = {c: 100.0 * weights[c] * parts[c] / total for c in COMPONENTS}
    score = np.round(sum(raw.values()), 1) if raw else np.zeros(0)
    return {c: np.round(v, 1) for c, v in raw.items()}, np.asarray(score, dtype=np.float64)


# --- horizons and notes ----------------------------------------------------------------


@dataclass(frozen=True)
class _Leases:
    soon: np.ndarray  # per member: lease ends within the horizon (or has ended)
    slot: np.ndarray  # per co-location: index into the lists below, or -1
    agency: list[str]
    asset: list[str]
    date: np.ndarray


def _leases(assets: gpd.GeoDataFrame, mem: _Members, inp: _Inputs, p: ScoringParams
            ) -> _Leases:
    """The earliest lease per co-location ending within ``lease_horizon_years``."""
    limit = pd.Timestamp(p.as_of_date) + pd.DateOffset(months=round(p.lease_horizon_years * 12))
    soon_mask = ~np.isnat(inp.lease) & (inp.lease <= limit.to_datetime64())
    soon = np.flatnonzero(soon_mask)
    soon = soon[np.lexsort((mem.y[soon], mem.x[soon], inp.lease[soon], mem.s[soon]))]
    _, starts, _ = _runs(mem.s[soon])
    first = soon[starts]
    slot = np.full(mem.k, -1, dtype=np.int64)
    slot[mem.s[first]] = np.arange(len(first))
    return _Leases(
        soon=soon_mask, slot=slot,
        agency=_texts(assets, schema.AGENCY, mem.m[first]).fillna("?").tolist(),
        asset=_texts(assets, schema.ASSET_ID, mem.m[first]).fillna("?").tolist(),
        date=inp.lease[first],
    )


def _estimated_pool(mem: _Members, inp: _Inputs) -> np.ndarray:
    """Per co-location, whether an office in the pool rests on an estimated figure."""
    return mem.count(inp.office & (inp.given < 1.0)) > 0


def _horizons(mem: _Members, inp: _Inputs, sav: _Savings, leases: _Leases, p: ScoringParams
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
                f"{_fmt(c.staff[i])} office FTE need {_fmt(c.need[i])} m2 (at "
                f"{p.space_standard_m2_per_fte:g} m2 NIA/FTE); they fit into {c.kept[i]} of "
                f"{c.n_pool[i]} held office buildings with {_fmt(c.office_gia[i] - c.need[i])} m2"
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
            reason[i] = (f"held office space {_fmt(c.office_gia[i])} m2 is short of the "
                         f"{_fmt(c.target[i])} m2 needed with {p.headroom_share:.0%} headroom; "
                         "needs new or remodelled space")
        else:
            horizon[i] = "unknown"
            reason[i] = NO_DATA_REASON
    return horizon, reason


def _saving_notes(mem: _Members, inp: _Inputs, sav: _Savings, p: ScoringParams) -> np.ndarray:
    """Why a saving is 0, or how much of it rests on estimates."""
    n_public = mem.count(inp.public)
    notes = np.empty(mem.k, dtype=object)
    for i in range(mem.k):
        total = sav.consolidation[i] + sav.shared[i]
        if total > 0:
            share = sav.given[i]
            notes[i] = ("all figures given" if share >= 1.0 else
                        f"estimated: {1 - share:.0%} of it rests on benchmark or footprint "
                        f"figures (range {_money(sav.low[i])} to {_money(sav.high[i])})")
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


def _released_text(assets: gpd.GeoDataFrame, mem: _Members, released: np.ndarray
                   ) -> np.ndarray:
    rel = np.flatnonzero(released)
    rel = rel[np.lexsort((mem.y[rel], mem.x[rel], mem.s[rel]))]
    text = (_texts(assets, schema.AGENCY, mem.m[rel]).fillna("?") + ":"
            + _texts(assets, schema.ASSET_ID, mem.m[rel]).fillna("?")).tolist()
    out = np.full(mem.k, "", dtype=object)
    slots, starts, counts = _runs(mem.s[rel])
    for slot, a, n in zip(slots.tolist(), starts.tolist(), counts.tolist(), strict=True):
        out[slot] = ";".join(text[a:a + n])
    return out


def _host_text(assets: gpd.GeoDataFrame, mem: _Members, host: np.ndarray) -> np.ndarray:
    out = np.full(mem.k, "", dtype=object)
    has = np.flatnonzero(host >= 0)
    if len(has):
        names = (_texts(assets, schema.AGENCY, mem.m[host[has]]).fillna("?") + ":"
                 + _texts(assets, schema.NAME, mem.m[host[has]]).fillna("?")).tolist()
        out[has] = names
    return out


def _sector_text(assets: gpd.GeoDataFrame, mem: _Members) -> np.ndarray:
    sectors = _texts(assets, SECTOR, mem.m)
    frame = pd.DataFrame({"s": mem.s, "sector": sectors}).dropna().drop_duplicates()
    joined = frame.sort_values(["s", "sector"]).groupby("s")["sector"].agg(";".join)
    out = np.full(mem.k, "", dtype=object)
    out[joined.index.to_numpy(dtype=np.int64)] = joined.to_numpy()
    return out


def _public_text(assets: gpd.GeoDataFrame, mem: _Members, inp: _Inputs) -> np.ndarray:
    uses = _texts(assets, schema.USE, mem.m)
    frame = pd.DataFrame({"s": mem.s[inp.public], "use": uses[inp.public].to_numpy()})
    joined = frame.drop_duplicates().sort_values(["s", "use"]).groupby("s")["use"].agg(";".join)
    out = np.full(mem.k, "", dtype=object)
    out[joined.index.to_numpy(dtype=np.int64)] = joined.to_numpy()
    return out


# --- scoring ---------------------------------------------------------------------------


def _prepare_assets(assets: gpd.GeoDataFrame, benchmarks: BenchmarkTable | None
                    ) -> gpd.GeoDataFrame:
    """Assets with estimates (unless already made) and sectors."""
    if source_column(schema.GIA_M2) not in assets.columns or benchmarks is not None:
        assets = estimate_assets(assets, benchmarks=benchmarks)
    if SECTOR not in assets.columns or assets[SECTOR].isna().any():
        assets = assets.copy()
        assets[SECTOR] = assign_sectors(assets)
    return assets


def _share_triple(benchmarks: BenchmarkTable | None) -> tuple[float, float, float]:
    if benchmarks is None:
        from .io.benchmarks import default_benchmarks

        benchmarks = default_benchmarks()
    row = benchmarks.general("shared_service_saving_share")
    return float(row.low or 0.0), float(row.central or 0.0), float(row.high or 0.0)


def _columns(assets: gpd.GeoDataFrame, mem: _Members, inp: _Inputs, sav: _Savings,
             leases: _Leases, n_agencies: np.ndarray, p: ScoringParams
             ) -> list[tuple[str, Any, str]]:
    """Every scored column: (name, values per co-location, dtype)."""
    c = sav.central
    points, score = _points(_components(mem, inp, sav, leases.soon, n_agencies, p), p)
    horizon, reason = _horizons(mem, inp, sav, leases, p)
    given = mem.per(inp.given * inp.n_inputs) / np.maximum(mem.per(inp.n_inputs), 1.0)
    floats = [(OFFICE_GIA_M2, c.office_gia), (OFFICE_STAFF_FTE, c.staff),
              (OFFICE_NEED_M2, c.need), (SURPLUS_OFFICE_M2, c.surplus), (SPARE_GIA_M2, c.spare)]
    ints = [(N_OFFICES, mem.count(inp.office)), (N_OFFICES_UNKNOWN, mem.count(inp.office)
                                                   - c.n_pool),
            (N_VACANT_ASSETS, mem.count(inp.vacant)), (N_RELEASED, mem.count(c.released))]
    return [
        *((name, v, "Float64") for name, v in floats),
        *((name, v, "Int64") for name, v in ints),
        (RELEASED_GIA_M2, c.released_gia, "Float64"),
        (RELEASED_COST_GBP, c.released_cost, "Float64"),
        (RELEASED_ASSETS, _released_text(assets, mem, c.released), "string"),
        (N_SHARED_MOVES, sav.n_moves, "Int64"),
        (SHARED_HOST, _host_text(assets, mem, sav.host), "string"),
        (SAVING_CONSOLIDATION_GBP, sav.consolidation, "Float64"),
        (SAVING_SHARED_SERVICES_GBP, sav.shared, "Float64"),
        (SAVING_GBP, np.round(sav.consolidation + sav.shared, 2), "Float64"),
        (SAVING_LOW_GBP, sav.low, "Float64"),
        (SAVING_HIGH_GBP, sav.high, "Float64"),
        (SAVING_GIVEN_SHARE, sav.given, "Float64"),
        (GIVEN_SHARE, np.round(given, 3), "Float64"),
        (SAVING_NOTE, _saving_notes(mem, inp, sav, p), "string"),
        (SECTORS_COL, _sector_text(assets, mem), "string"),
        (N_SECTORS, mem.distinct(inp.sector), "Int64"),
        (SPREAD_M, _spread(mem, inp), "Float64"),
        (PUBLIC_FACING_USES, _public_text(assets, mem, inp), "string"),
        (N_LEASES_ENDING, mem.count(leases.soon), "Int64"),
        *((POINTS[name], v, "Float64") for name, v in points.items()),
        (SCORE, score, "Float64"),
        (HORIZON, horizon, "string"),
        (HORIZON_REASON, reason, "string"),
    ]


def _put(out: gpd.GeoDataFrame, col_rows: np.ndarray, col: str, values: Any, dtype: str) -> None:
    full = pd.array([None] * len(out), dtype=dtype)
    if len(col_rows):
        full[col_rows] = pd.array(values, dtype=dtype)
    out[col] = pd.Series(full, index=out.index)


def _plain_params(p: ScoringParams) -> dict[str, Any]:
    """The parameters as plain values, for the CSV outputs' parameter columns."""
    def plain(value: Any) -> Any:
        if isinstance(value, tuple):
            return ";".join(value)
        return str(value) if isinstance(value, dt.date) else value

    return {f.name: plain(getattr(p, f.name)) for f in fields(p)}


def score_opportunities(
    colocations: ColocationResult | gpd.GeoDataFrame,
    assets: gpd.GeoDataFrame,
    *,
    params: ScoringParams | None = None,
    benchmarks: BenchmarkTable | None = None,
    **overrides: Any,
) -> gpd.GeoDataFrame:
    """Judge every co-location as an opportunity; rank and shortlist them.

    Parameters
    ----------
    colocations
        A :class:`~kentassets.colocation.ColocationResult`, or its cluster table;
        with a table, ``assets`` must carry the ``cluster_label`` column.
    assets
        The canonical assets that were clustered. Unless they already carry the
        ``*_source`` columns of :func:`~kentassets.estimates.estimate_assets`,
        they are estimated here (given figures are never changed).
    params
        A :class:`ScoringParams`; defaults when omitted.
    benchmarks
        The benchmark table (:func:`kentassets.io.benchmarks.read_benchmarks`);
        ``None`` uses the shipped one. Given, it re-estimates the assets.
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
    >>> {"score", "saving_gbp", "saving_low_gbp", "points_sectors"} <= set(opps.columns)
    True
    >>> scored = opps[opps["is_colocation"]]  # single-agency clusters are not scored
    >>> bool(scored["shortlisted"].any()), bool(scored["score"].between(0, 100).all())
    (True, True)
    >>> bool((scored["saving_low_gbp"] <= scored["saving_high_gbp"]).all())
    True

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
    >>> opp[["office_need_m2", "saving_gbp", "saving_given_share", "horizon"]].values.tolist()
    [[600.0, 48000.0, 1.0, 'short']]
    """
    p = _resolve(params, overrides)
    p = replace(p, as_of_date=_as_of(p))
    clusters, labels = _labels(colocations, assets)
    assets = _prepare_assets(assets, benchmarks)
    out = clusters.copy()
    mem = _members(clusters, labels, assets)
    inp = _inputs(assets, mem, p)
    sav = _savings(mem, inp, p, _share_triple(benchmarks))
    leases = _leases(assets, mem, inp, p)
    n_agencies = out[N_AGENCIES].to_numpy()[mem.col_rows].astype(float)
    for col, values, dtype in _columns(assets, mem, inp, sav, leases, n_agencies, p):
        _put(out, mem.col_rows, col, values, dtype)
    for col in OPPORTUNITY_COLUMNS:
        if col in out.columns and out[col].dtype == "Float64":
            out[col] = out[col].astype("float64")
    _rank(out)
    out[SHORTLISTED] = _shortlist_mask(
        out,
        min_per_district=p.shortlist_min_per_district,
        max_per_district=p.shortlist_max_per_district,
        min_score=p.shortlist_min_score,
    )
    out.attrs["scoring_params"] = p
    out.attrs["params"] = _plain_params(p)
    geometry = out.geometry.name
    ordered = [c for c in out.columns if c != geometry] + [geometry]
    return out[ordered]


#: The tie-break rule of the ranks, in order (see the module docstring).
RANK_ORDER: Final = ((SCORE, False), (GIVEN_SHARE, False), (N_AGENCIES, False),
                     (SAVING_GBP, False), (schema.COLOCATION_ID, True))


def _rank(out: pd.DataFrame) -> None:
    """Add ``rank`` and ``district_rank`` (nullable ints) in place, by :data:`RANK_ORDER`."""
    out[RANK] = pd.array([None] * len(out), dtype="Int64")
    out[DISTRICT_RANK] = pd.array([None] * len(out), dtype="Int64")
    if len(out) == 0:
        return
    scored = out[out[schema.IS_COLOCATION].to_numpy(dtype=bool)]
    if scored.empty:
        return
    order = scored.sort_values(
        [c for c, _ in RANK_ORDER], ascending=[a for _, a in RANK_ORDER], kind="stable",
        na_position="last",
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


def _given_only(assets: pd.DataFrame, col: str) -> pd.Series:
    """A figure where the register gave it (estimates are not practice to compare)."""
    values = _num(assets, col)
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
