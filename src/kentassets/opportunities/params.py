"""The scoring parameters, each with its default and the source of that default."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, is_dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ValidationError
from .columns import (
    COMPONENTS,
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
    weight_public_facing, weight_space, weight_leases, weight_tenure, weight_reach
        Score weights (each 0 to 1, not all 0; 0.30, 0.15, 0.15, 0.10, 0.10,
        0.10, 0.05, 0.05: money first, then who meets and how closely; and 0.10
        for service reach, counted only when the reach stage ran: without it the
        score divides by the other weights alone, 1.0).
    reach_zero_people
        People stranded (outside a reach threshold they were within) that earn
        no reach part (1,000); none stranded earns it in full.
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
    >>> round(sum(ScoringParams().weights.values()), 6)  # with the reach part
    1.1

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
    weight_reach: float = _weight(
        "service reach (no one stranded by the moves); counted only when the reach stage "
        "ran", 0.10)
    reach_zero_people: float = field(
        default=1_000.0,
        metadata=_meta("people", "People falling outside a reach threshold (1, 2 or 5 km of "
                       "their nearest site) that earn no reach part. " + _JUDGEMENT,
                       1.0, 1e8),
    )
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

    def __deepcopy__(self, memo: dict[int, Any]) -> ScoringParams:
        """Itself: every field is immutable. pandas deep-copies a frame's ``attrs``
        (which hold these) on every operation, so a real copy costs time for nothing."""
        return self

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
        if sum(v for c, v in self.weights.items() if c != "reach") <= 0:
            # the reach weight counts only when the reach stage ran
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


def resolve(params: ScoringParams | None, overrides: Mapping[str, Any]) -> ScoringParams:
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
