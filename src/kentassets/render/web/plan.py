"""The index page's implementation plan: the county trajectory against the target,
then one section per district (its projects, dates, leads, statuses and savings by
plan year), linked from the district table. Every value is escaped.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ... import schema
from ...plan import Trajectory, plan_trajectory, plan_year_columns
from ...safety import escape_html, is_missing
from .. import style
from .._format import format_money
from ..programme import status_label

__all__ = ["plan_anchor", "plan_html"]


def plan_anchor(code: str) -> str:
    """The id of a district's plan section: ``plan-E07000110``."""
    return "plan-" + re.sub(r"[^A-Za-z0-9_-]", "_", str(code))


def plan_html(plan: pd.DataFrame | None) -> str:
    """The plan section of the index page (``""`` without a plan)."""
    if plan is None:
        return ""
    trajectory = plan_trajectory(plan)
    totals = plan[plan["row_type"] == "district total"]
    years = plan_year_columns(plan)
    projects = plan[plan["row_type"] == "project"]
    # each district's project rows (as district_projects selects them), from one grouping
    rows_of = projects.groupby(projects[schema.DISTRICT_CODE], sort=False).indices
    none = np.empty(0, dtype=np.int64)
    districts = "".join(
        _district_section(projects.iloc[rows_of.get(str(code), none)], years, str(code),
                          str(name))
        for code, name in zip(totals[schema.DISTRICT_CODE], totals[schema.DISTRICT_NAME],
                              strict=True))
    return f"""<section aria-labelledby="h-plan">
<h2 id="h-plan">Implementation plan</h2>
<p><strong>{escape_html(trajectory.summary())}</strong> {trajectory.n_scheduled} of
{trajectory.n_projects} projects are scheduled; the others are listed in their district with
the reason. Plan year 1 is the twelve months after the data date; a project's saving counts in
full in every year after the year it completes in (a part year counts nothing). The figures are
in <code>implementation_plan.csv</code> and <code>implementation_plan.xlsx</code>.</p>
{_trajectory_table(trajectory)}
{districts}
</section>"""


def _trajectory_table(trajectory: Trajectory) -> str:
    rows = []
    for year, (value, total) in enumerate(zip(trajectory.annual_gbp, trajectory.cumulative_gbp,
                                              strict=True), start=1):
        share = total / trajectory.savings_target_gbp if trajectory.savings_target_gbp else 0.0
        width = max(0.0, min(share, 1.0)) * 100
        mark = " (target period)" if year <= trajectory.target_years else ""
        rows.append(
            f"<tr><td>Year {year}{mark}</td><td>{trajectory.year_end(year).isoformat()}</td>"
            f'<td class="num">{format_money(value)}</td>'
            f'<td class="num">{format_money(total)}</td><td class="num">{share:.0%}'
            f'<div class="kent-progress" role="img" aria-label="{share:.0%} of target">'
            f'<span style="width:{width:.1f}%"></span></div></td></tr>')
    return ("<table><caption>County trajectory against the savings target of "
            f"{escape_html(format_money(trajectory.savings_target_gbp))}</caption><thead><tr>"
            "<th>Plan year</th><th>Ends</th><th class=\"num\">Saving counted</th>"
            "<th class=\"num\">Cumulative</th><th class=\"num\">Share of target</th></tr>"
            f"</thead><tbody>{''.join(rows)}</tbody></table>")


def _district_section(projects: pd.DataFrame, years: list[str], code: str, name: str) -> str:
    """District ``code``'s plan table: its ``projects`` (the plan's project rows of it)."""
    head = "".join(f'<th class="num">Y{k}</th>' for k in range(1, len(years) + 1))
    rows = [_project_row(rec, years) for rec in projects.to_dict("records")]
    sums = "".join(f'<td class="num">{format_money(projects[c].sum())}</td>' for c in years)
    return f"""<section class="kent-plan" id="{plan_anchor(code)}">
<h3>{escape_html(name)}</h3>
<div class="kent-plan-wrap"><table class="kent-small"><thead><tr>
<th>Id</th><th>Place</th><th>Lead</th><th>Status</th>
<th>Start</th><th>Complete by</th><th>Scheduled</th><th class="num">Saving a year</th>{head}
<th>FM contracts</th></tr></thead><tbody>{''.join(rows)}</tbody>
<tfoot><tr><td colspan="8">Savings counted by plan year</td>{sums}<td></td></tr></tfoot>
</table></div>
</section>"""


def _project_row(rec: dict[str, object], years: list[str]) -> str:
    status = str(rec.get("status") or "proposed")
    colour = style.STATUS_COLOURS.get(status, "#8FA9C4")
    fm = ""
    if not is_missing(rec.get("fm_action")) and str(rec.get("fm_action")):
        fm = (f"{escape_html(rec.get('fm_action'))}: {escape_html(rec.get('fm_providers'))}, "
              f"first ends {escape_html(rec.get('fm_earliest_end'))}")
    cells = [escape_html(rec.get(schema.COLOCATION_ID)), escape_html(rec.get("place")),
             escape_html(rec.get("lead_agency")),
             f'<span style="border-left:10px solid {colour};padding-left:4px">'
             f"{escape_html(status_label(status))}</span>",
             escape_html(rec.get("start")), escape_html(rec.get("complete_by")),
             escape_html(rec.get("scheduled"))]
    money = [format_money(rec.get("plan_saving_gbp")), *(format_money(rec.get(c))
                                                          for c in years)]
    wrap = {2, 6}  # the lead and the reason wrap; the rest stay on one line
    return ("<tr>" + "".join(f'<td class="kent-wrap">{c}</td>' if i in wrap else f"<td>{c}</td>"
                             for i, c in enumerate(cells))
            + "".join(f'<td class="num">{m}</td>' for m in money)
            + f'<td class="kent-wrap">{fm}</td></tr>')
