"""The implementation plan in a build: computed from the analysis, written as
``implementation_plan.csv`` and ``implementation_plan.xlsx``.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from .. import schema
from ..plan import (
    Trajectory,
    district_projects,
    implementation_plan,
    plan_trajectory,
    plan_year_columns,
)
from ..plan import columns as pc

if TYPE_CHECKING:
    from ..io.workbook import WorkbookSheet
    from .options import BuildOptions

__all__ = ["analysis_plan", "plan_workbook", "trajectory_totals", "write_plan"]

#: The project columns a plan sheet shows, before the years.
_SHEET_COLUMNS = (schema.COLOCATION_ID, pc.PLACE, pc.LEAD_AGENCY, pc.STATUS, pc.HORIZON,
                  pc.START, pc.COMPLETE_BY, pc.SCHEDULED, pc.SAVING_GBP, pc.SAVING_REALISED_GBP)
_FM_COLUMNS = (pc.FM_ACTION, pc.FM_PROVIDERS, pc.FM_EARLIEST_END)


def analysis_plan(analysis: Any, options: BuildOptions) -> pd.DataFrame:
    """The plan of an :class:`~kentassets.pipeline.Analysis`: its published
    co-locations, decisions applied."""
    as_of = analysis.data_date or dt.date.today()
    return implementation_plan(
        analysis.published_opportunities(), as_of=as_of, target_years=options.target_years,
        savings_target_gbp=options.savings_target_gbp, assets=analysis.assets)


def trajectory_totals(trajectory: Trajectory) -> dict[str, Any]:
    """The county trajectory as plain values (for ``parameters.json``)."""
    return {
        "annual_gbp": [round(v, 2) for v in trajectory.annual_gbp],
        "cumulative_gbp": [round(v, 2) for v in trajectory.cumulative_gbp],
        "year_ends": [trajectory.year_end(k).isoformat()
                      for k in range(1, len(trajectory.annual_gbp) + 1)],
        "reached_year": trajectory.reached_year,
        "shortfall_gbp": round(trajectory.shortfall_gbp, 2),
        "n_projects": trajectory.n_projects,
        "n_scheduled": trajectory.n_scheduled,
        "summary": trajectory.summary(),
    }


def write_plan(plan: pd.DataFrame, folder: Path, *, title: str) -> list[Path]:
    """``implementation_plan.csv`` and ``implementation_plan.xlsx`` in ``folder``."""
    from ..io import outputs

    as_of = dt.date.fromisoformat(str(plan.attrs["as_of"]))
    return [outputs.write_csv(plan, folder / "implementation_plan.csv"),
            outputs.write_bytes_atomic(folder / "implementation_plan.xlsx",
                                       plan_workbook(plan, title=title, created=as_of))]


def plan_workbook(plan: pd.DataFrame, *, title: str, created: dt.date) -> bytes:
    """The plan as an Excel workbook: a ``County`` sheet, then one sheet per district."""
    from ..io.workbook import workbook_bytes

    trajectory = plan_trajectory(plan)
    sheets = [_county_sheet(plan, trajectory, title)]
    totals = plan[plan[pc.ROW_TYPE] == "district total"]
    names: set[str] = {"County"}
    for code, name in zip(totals[schema.DISTRICT_CODE], totals[schema.DISTRICT_NAME],
                          strict=True):
        sheets.append(_district_sheet(plan, trajectory, str(code), str(name), names))
    return workbook_bytes(sheets, created=created, title=f"{title}: implementation plan")


#: The headings of a sheet's savings-by-year table (the chart's series are named by them).
_YEAR = "Plan year"
_COUNTED, _CUMULATIVE, _TARGET, _SHARE = ("Saving counted (£)", "Cumulative saving (£)",
                                          "Target (£)", "Share of target")
_YEAR_MONEY = (_COUNTED, _CUMULATIVE, _TARGET)


def years_table(annual: list[float], trajectory: Trajectory, target_gbp: float
                ) -> pd.DataFrame:
    """Year, its last day, the saving counted, the running sum and the target."""
    running, rows = 0.0, []
    for year, value in enumerate(annual, start=1):
        running += value
        rows.append({_YEAR: f"Year {year}", "Year ends": trajectory.year_end(year).isoformat(),
                     _COUNTED: value, _CUMULATIVE: running, _TARGET: target_gbp,
                     _SHARE: running / target_gbp if target_gbp else 0.0})
    return pd.DataFrame(rows, columns=[_YEAR, "Year ends", *_YEAR_MONEY, _SHARE])


def _notes(trajectory: Trajectory) -> tuple[str, ...]:
    return (
        f"Plan years count from the data date {trajectory.as_of.isoformat()}: year 1 is the "
        "twelve months after it. A project's annual saving counts in full in every year after "
        "the year it completes in (a part year counts nothing).",
        "Dates from the workshop decisions where given, else from the horizon (short: within "
        "1 year, medium: 3, long: 5). Unscheduled projects are listed with 0 in every year.",
    )


def _county_sheet(plan: pd.DataFrame, trajectory: Trajectory, title: str) -> WorkbookSheet:
    from ..io.workbook import SheetChart, SheetTable, WorkbookSheet

    years = plan_year_columns(plan)
    target = trajectory.savings_target_gbp
    by_year = years_table(list(trajectory.annual_gbp), trajectory, target)
    totals = plan[plan[pc.ROW_TYPE] == "district total"]
    districts = totals[[schema.DISTRICT_NAME, pc.SCHEDULED, pc.SAVING_GBP, *years]]
    return WorkbookSheet(
        name="County", title=f"{title}: implementation plan, county",
        notes=(trajectory.summary(), *_notes(trajectory)),
        tables=(SheetTable("Savings by year against the target", by_year,
                           money_columns=_YEAR_MONEY, share_columns=(_SHARE,)),
                SheetTable("Savings by year per district", districts,
                           money_columns=(pc.SAVING_GBP, *years))),
        chart=SheetChart("Cumulative saving against the target", table=0, category=_YEAR,
                         series=(_CUMULATIVE, _TARGET), y_title="£ (cumulative)"),
        widths={"A": 26, "B": 14, "C": 30})


def _district_sheet(plan: pd.DataFrame, trajectory: Trajectory, code: str, name: str,
                    used: set[str]) -> WorkbookSheet:
    from ..io.workbook import SheetChart, SheetTable, WorkbookSheet

    years = plan_year_columns(plan)
    projects = district_projects(plan, code)
    annual = [float(projects[c].sum()) for c in years]
    county = sum(trajectory.annual_gbp[-1:]) or 0.0
    share = (float(projects[years[-1]].sum()) / county) if county else 0.0
    target = trajectory.savings_target_gbp * share
    table = projects[[*_SHEET_COLUMNS, *years, *_FM_COLUMNS]]
    return WorkbookSheet(
        name=_sheet_name(name, used), title=f"{name}: implementation plan",
        notes=(f"Target line: the county target of £{trajectory.savings_target_gbp:,.0f} "
               f"pro rata to this district's share of the plan's saving in the last year "
               f"({share:.0%}).", *_notes(trajectory)),
        tables=(SheetTable("Projects", table,
                           money_columns=(pc.SAVING_GBP, pc.SAVING_REALISED_GBP, *years)),
                SheetTable("Savings by year", years_table(annual, trajectory, target),
                           money_columns=_YEAR_MONEY, share_columns=(_SHARE,))),
        chart=SheetChart("Cumulative saving against its share of the target", table=1,
                         category=_YEAR, series=(_CUMULATIVE, _TARGET),
                         y_title="£ (cumulative)"),
        widths={"A": 14, "B": 22, "C": 30, "H": 40})


def _sheet_name(name: str, used: set[str]) -> str:
    """A unique sheet name Excel accepts (31 characters, none of []:*?/\\)."""
    base = re.sub(r"[\[\]:*?/\\']", " ", name).strip()[:31] or "District"
    candidate, n = base, 2
    while candidate.casefold() in {u.casefold() for u in used}:
        suffix = f" ({n})"
        candidate, n = base[:31 - len(suffix)] + suffix, n + 1
    used.add(candidate)
    return candidate
