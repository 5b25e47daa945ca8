"""The county trajectory: savings counted by plan year against the target."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from .. import schema
from .columns import ROW_TYPE, SCHEDULED, year_column
from .years import year_end

__all__ = ["Trajectory", "plan_trajectory"]


@dataclass(frozen=True)
class Trajectory:
    """Savings counted per plan year, cumulated, against the target.

    Parameters
    ----------
    as_of
        The data date (plan year 1 is the twelve months after it).
    savings_target_gbp, target_years
        The target and its period.
    annual_gbp
        Savings counted in plan years 1, 2, ... (the sum of the projects' year columns).
    n_projects, n_scheduled
        Projects in the plan, and those in the trajectory.
    """

    as_of: dt.date
    savings_target_gbp: float
    target_years: int
    annual_gbp: tuple[float, ...]
    n_projects: int
    n_scheduled: int

    @property
    def cumulative_gbp(self) -> tuple[float, ...]:
        """The running sum of :attr:`annual_gbp`."""
        out, running = [], 0.0
        for value in self.annual_gbp:
            running += value
            out.append(running)
        return tuple(out)

    @property
    def reached_year(self) -> int | None:
        """The first plan year by whose end the cumulative saving reaches the target."""
        for year, total in enumerate(self.cumulative_gbp, start=1):
            if total >= self.savings_target_gbp:
                return year
        return None

    @property
    def at_target_gbp(self) -> float:
        """Cumulative saving at the end of the target period."""
        cumulative = self.cumulative_gbp
        if not cumulative:
            return 0.0
        return cumulative[min(self.target_years, len(cumulative)) - 1]

    @property
    def shortfall_gbp(self) -> float:
        """How far the plan falls short of the target by the end of its period (0 if not)."""
        return max(0.0, self.savings_target_gbp - self.at_target_gbp)

    def year_end(self, year: int) -> dt.date:
        """The last day of plan ``year``."""
        return year_end(self.as_of, year)

    def summary(self) -> str:
        """One sentence: when the target is reached, or how far short the plan falls."""
        target = _millions(self.savings_target_gbp)
        reached = self.reached_year
        if reached is not None:
            when = self.year_end(reached).strftime("%d %b %Y").lstrip("0")
            within = ("within" if reached <= self.target_years else "after")
            return (f"The plan reaches the {target} target in year {reached} (by {when}), "
                    f"{within} the {self.target_years}-year target period.")
        last = len(self.annual_gbp)
        return (f"The plan falls {_millions(self.shortfall_gbp)} short of the {target} target "
                f"by the end of year {self.target_years}, and reaches "
                f"{_millions(self.cumulative_gbp[-1] if last else 0.0)} by year {last}.")


def plan_trajectory(plan: pd.DataFrame) -> Trajectory:
    """The county trajectory of a plan (:func:`~kentassets.implementation_plan`).

    Recomputed from the project rows (not read from the total rows); the target,
    period and data date come from ``plan.attrs``.
    """
    projects = plan[plan[ROW_TYPE] == "project"]
    n_years = int(plan.attrs["n_years"])
    annual = tuple(float(projects[year_column(k)].fillna(0.0).sum())
                   for k in range(1, n_years + 1))
    scheduled = projects[SCHEDULED].astype(str).str.startswith("yes")
    return Trajectory(
        as_of=dt.date.fromisoformat(str(plan.attrs["as_of"])),
        savings_target_gbp=float(plan.attrs["savings_target_gbp"]),
        target_years=int(plan.attrs["target_years"]),
        annual_gbp=annual,
        n_projects=len(projects),
        n_scheduled=int(scheduled.sum()),
    )


def district_projects(plan: pd.DataFrame, code: str) -> pd.DataFrame:
    """The project rows of one district."""
    return plan[(plan[ROW_TYPE] == "project") & (plan[schema.DISTRICT_CODE] == code)]


def _millions(value: float) -> str:
    """Pounds in a few characters: ``£10.0m``, ``£250k``, ``£950``."""
    if abs(value) >= 999_500:
        return f"£{value / 1e6:,.1f}m"
    if abs(value) >= 1_000:
        return f"£{value / 1e3:,.0f}k"
    return f"£{value:,.0f}"
