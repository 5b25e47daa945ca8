"""The implementation plan per district: dated projects and their savings by year.

The workshops decide what to do with each co-location (:mod:`kentassets.rounds.decisions`);
the plan says when each project starts and completes, who leads it and in which
year its saving arrives, and whether the programme reaches its savings target.

**The rule**, from which every figure can be recomputed from the project rows:

* **Projects**: every shortlisted co-location not ``rejected``, and every
  co-location with a decision other than ``proposed`` or ``rejected``.
* **Plan years** count from the build's data date: year 1 is the twelve months
  after it (from the next day to its first anniversary), year 2 the twelve
  after that, and so on; a date on or before the data date is in year 0. The
  plan shows the target period (``target_years``), longer until every
  scheduled saving counts (at most :attr:`PlanParams.max_plan_years`).
* **Dates** come from the decision (``start``, ``complete_by``) where given;
  otherwise the project completes within its horizon's years of the data date
  (or of its decision ``start``): short 1, medium 3, long 5
  (:class:`PlanParams`). A ``done`` project completes on its ``complete_by``,
  else its decision date (``decided_on``), else counts as complete at the data
  date. ``on_hold`` projects, and those of unknown horizon without a
  ``complete_by``, are **unscheduled**: listed and counted, with zero in every
  year, and kept out of the trajectory.
* **Savings**: a project's annual saving (``plan_saving_gbp``: the realised
  saving for ``done`` where given, else the estimated ``saving_gbp``) counts
  in full in every plan year **after** the year it completes in, and nothing
  in that year (a part year counts nothing). ``saving_year_<k>_gbp`` is that
  figure or 0.
* **Totals**: a district's and the county's year ``k`` is the sum of its
  projects' ``saving_year_<k>_gbp``; the cumulative row adds the years up;
  the share row divides the cumulative figure by the savings target. The
  target is reached in the first year whose cumulative figure reaches it.

The lead agency and place are derived as :mod:`kentassets.plan.projects` says;
FM contract actions as :mod:`kentassets.plan.fm` says.
"""

from __future__ import annotations

from .build import implementation_plan, plan_year_columns
from .columns import ROW_TYPE, year_column
from .fm import ALIGN_FM, fm_actions
from .params import PlanParams
from .trajectory import Trajectory, district_projects, plan_trajectory
from .years import add_years, plan_year, saving_by_year, year_end

__all__ = [
    "ALIGN_FM",
    "ROW_TYPE",
    "PlanParams",
    "Trajectory",
    "add_years",
    "district_projects",
    "fm_actions",
    "implementation_plan",
    "plan_trajectory",
    "plan_year",
    "plan_year_columns",
    "saving_by_year",
    "year_column",
    "year_end",
]
