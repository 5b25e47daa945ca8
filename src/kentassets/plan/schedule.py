"""A project's dates: from its decision where given, else from its horizon.

The rule, in order (:func:`schedule_project`):

1. ``on_hold``: unscheduled (kept out of the trajectory until it resumes).
2. ``done``: completes on the decision's ``complete_by``, else its
   ``decided_on``; with neither it counts as complete at the data date (its
   saving counts from year 1).
3. ``complete_by`` given in the decisions: those dates.
4. A horizon of :attr:`PlanParams.horizon_years` (short, medium, long):
   completes that many years after the decision's ``start`` where given, else
   after the data date (short within year 1, medium within year 3, long within
   year 5); the start is the decision's, else the data date.
5. Otherwise (horizon unknown, no ``complete_by``): unscheduled.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .params import PlanParams
from .years import add_years, plan_year

__all__ = ["Schedule", "schedule_project"]


@dataclass(frozen=True)
class Schedule:
    """A project's place in the plan.

    Parameters
    ----------
    start, complete_by
        The dates (``None`` where there is none).
    completes_in_year
        The plan year it completes in (0: on or before the data date);
        ``None`` when unscheduled.
    dates_from
        ``decision``, ``decision date``, ``horizon`` or ``""``.
    scheduled
        ``yes: ...`` or ``no: ...`` with the reason.
    """

    start: dt.date | None
    complete_by: dt.date | None
    completes_in_year: int | None
    dates_from: str
    scheduled: str


def schedule_project(
    *,
    status: str,
    horizon: str,
    start: dt.date | None,
    complete_by: dt.date | None,
    decided_on: dt.date | None,
    as_of: dt.date,
    params: PlanParams,
) -> Schedule:
    """The dates of one project (the rule is in this module's docstring).

    Examples
    --------
    >>> as_of = dt.date(2026, 10, 31)
    >>> s = schedule_project(status="proposed", horizon="medium", start=None,
    ...                      complete_by=None, decided_on=None, as_of=as_of,
    ...                      params=PlanParams())
    >>> s.complete_by, s.completes_in_year
    (datetime.date(2029, 10, 31), 3)
    >>> s.scheduled
    'yes: medium horizon, complete within 3 years of the data date'
    """
    if status == "on_hold":
        return Schedule(start, complete_by, None, "decision" if complete_by else "",
                        "no: on hold")
    if status == "done":
        return _done(start, complete_by, decided_on, as_of)
    if complete_by is not None:
        return Schedule(start, complete_by, plan_year(as_of, complete_by), "decision",
                        "yes: dates from the decision")
    years = params.horizon_years.get(horizon)
    if years is None:
        return Schedule(start, None, None, "",
                        f"no: horizon {horizon or 'unknown'} and no complete_by in the decisions")
    begin = start or as_of
    done_by = add_years(begin, years)
    since = "the start" if start is not None else "the data date"
    plural = "s" if years != 1 else ""
    return Schedule(begin, done_by, plan_year(as_of, done_by), "horizon",
                    f"yes: {horizon} horizon, complete within {years} year{plural} of {since}")


def _done(start: dt.date | None, complete_by: dt.date | None, decided_on: dt.date | None,
          as_of: dt.date) -> Schedule:
    """A ``done`` project: complete on ``complete_by``, else its decision date, else now."""
    if complete_by is not None:
        return Schedule(start, complete_by, plan_year(as_of, complete_by), "decision",
                        "yes: done, completed on complete_by")
    if decided_on is not None:
        return Schedule(start, decided_on, plan_year(as_of, decided_on), "decision date",
                        "yes: done, counts from its decision date")
    return Schedule(start, None, 0, "", "yes: done (no date given), counts from year 1")
