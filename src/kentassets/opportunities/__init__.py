"""Opportunities: judge each co-location, rank them, shortlist per district.

:func:`score_opportunities` adds to the cluster table of
:func:`kentassets.colocation.find_colocations` an office-space balance, an
estimated annual saving as a range, a score with each component's points,
ranks, a horizon and a shortlist flag. Every assumption is a field of
:class:`ScoringParams` (with its default's source) or a row of the benchmark
table (:mod:`kentassets.reference.benchmarks`); :func:`parameters_table` lists the
parameters for the CSV outputs, so that every figure can be traced back.

Where a register is silent, the assets are first completed by
:func:`kentassets.opportunities.estimates.estimate_assets` (floor area, staff, running cost
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

from .columns import *  # noqa: F403  (the column names, for callers that name columns)
from .params import ScoringParams, parameters_table
from .score import RANK_ORDER as RANK_ORDER
from .score import score_opportunities, shortlist
from .surplus import housing_capacity, surplus_assets
from .views import benchmark_agencies, benchmark_agency_uses, county_totals

__all__ = [
    "ScoringParams",
    "benchmark_agencies",
    "benchmark_agency_uses",
    "county_totals",
    "housing_capacity",
    "parameters_table",
    "score_opportunities",
    "shortlist",
    "surplus_assets",
]
