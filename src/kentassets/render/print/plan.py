"""The atlas's "Implementation plan" page of a district: a timeline of its
projects by plan year (bars from start to completion, then the years their
saving counts, with leads and statuses), its savings by year against its share
of the target, its unscheduled projects and its FM contract actions; and the
county trajectory drawn on the cover.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from ... import schema
from ...plan import Trajectory, district_projects, plan_year_columns
from .. import style
from ..programme import status_label
from .layout import (
    MARGIN_MM,
    MIN_FONT_PT,
    MUTED,
    TEXT,
    Page,
    draw_footer,
    draw_header,
    subtitle_text,
)
from .tables import Column, draw_table
from .text import PT_MM, clean_text, longest_fitting, text_width_mm, wrap_mm

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["draw_plan_page", "draw_trajectory", "money_full"]


def money_full(value: float) -> str:
    """Pounds in full, as the plan's tables print them: ``£1,234,567``."""
    return f"£{value:,.0f}"


def draw_plan_page(page: Page, plan: pd.DataFrame, trajectory: Trajectory, *, code: str,
                   name: str, title: str, footer: str, page_label: str | None) -> None:
    """Draw district ``code``'s plan page (see the module docstring)."""
    big = page.width_mm > 350
    projects = district_projects(plan, code)
    sub = subtitle_text(title, f"plan year 1 = the twelve months to "
                    f"{_day(trajectory.year_end(1))}; a saving counts from the year after "
                    "its project completes", "statuses and leads from the workshop decisions")
    top = draw_header(page, f"{clean_text(name, max_chars=60)}: implementation plan", sub)
    bottom = draw_footer(page, footer, page_label=page_label)
    width = page.width_mm - 2 * MARGIN_MM
    left_w = width * 0.63
    right_x = MARGIN_MM + left_w + 10.0
    right_w = width - left_w - 10.0
    size = 8.5 if big else 7.0
    scheduled = projects[projects["scheduled"].astype(str).str.startswith("yes")]
    others = projects.drop(index=scheduled.index)
    low_h = min(70.0 if big else 48.0, 18.0 + 6.0 * max(1, len(others)))
    gantt_bottom = bottom + low_h + 4.0
    _draw_gantt(page, scheduled, trajectory, box=(MARGIN_MM, gantt_bottom, left_w,
                                                   top - gantt_bottom - 2.0), size=size)
    _draw_unscheduled(page, others, box=(MARGIN_MM, bottom + 2.0, left_w, low_h), size=size)
    _draw_savings(page, projects, plan, trajectory,
                  box=(right_x, bottom + 2.0, right_w, top - bottom - 4.0), size=size)


def _day(day: dt.date) -> str:
    return day.strftime("%d %b %Y").lstrip("0")


def _draw_gantt(page: Page, projects: pd.DataFrame, trajectory: Trajectory,
                box: tuple[float, float, float, float], *, size: float) -> None:
    """One row per scheduled project: its bar, then the years its saving counts."""
    x0, y0, w, h = box
    page.text(x0, y0 + h, "Timeline of the projects by plan year", fontsize=size + 2.5,
              fontweight="bold", va="top")
    label_w = min(95.0, w * 0.4)
    ax = page.fig.add_axes(page.rect(x0 + label_w, y0, w - label_w, h - 16.0))
    n_years = len(trajectory.annual_gbp)
    ordered = projects.assign(_end=projects["complete_by"].astype(str)).sort_values(
        ["_end", schema.COLOCATION_ID], kind="stable")
    rows = max(len(ordered), 1)
    ax.set_xlim(0, n_years)
    ax.set_ylim(rows, -0.9)
    ax.axis("off")
    _year_bands(ax, trajectory, n_years, size)
    for i, rec in enumerate(ordered.to_dict("records")):
        _gantt_row(ax, page, rec, i, trajectory, n_years, size=size,
                   label=(x0, label_w, y0, h - 16.0, rows))
    if ordered.empty:
        ax.text(n_years / 2, 0.5, "No scheduled project in this district.", ha="center",
                va="center", fontsize=size, color=MUTED)
    _gantt_legend(page, x0 + label_w, y0 + h - 7.5, x0 + w)


def _year_bands(ax: Axes, trajectory: Trajectory, n_years: int, size: float) -> None:
    for year in range(1, n_years + 1):
        if year % 2:
            ax.axvspan(year - 1, year, color="#F2F4F7", lw=0, zorder=0)
        ax.text(year - 0.5, -0.75, f"Year {year}", ha="center", va="bottom", fontsize=size,
                fontweight="bold", color=TEXT)
        ax.text(year - 0.5, -0.42, f"to {trajectory.year_end(year).strftime('%b %Y')}",
                ha="center", va="bottom", fontsize=MIN_FONT_PT, color=MUTED)
    target = trajectory.target_years
    if target <= n_years:
        ax.axvline(target, color="#222222", lw=0.9, ls="--", zorder=1)


def _position(trajectory: Trajectory, day: dt.date) -> float:
    """A date as a position on the timeline (0 = the data date, 1 = end of year 1)."""
    days = (day - trajectory.as_of).days
    year = 0
    while year < 60 and trajectory.year_end(year + 1) < day:
        year += 1
    if days <= 0:
        return days / 365.25
    start, end = trajectory.year_end(year), trajectory.year_end(year + 1)
    return year + (day - start).days / max((end - start).days, 1)


def _gantt_row(ax: Axes, page: Page, rec: dict[str, Any], i: int, trajectory: Trajectory,
               n_years: int, *, size: float, label: tuple[float, ...]) -> None:
    x0, label_w, y0, h, rows = label
    status = str(rec.get("status") or "proposed")
    colour = style.STATUS_COLOURS.get(status, "#8FA9C4")
    end = _date(rec.get("complete_by")) or trajectory.as_of
    begin = _date(rec.get("start")) or end
    a = max(_position(trajectory, begin), 0.0)
    b = min(max(_position(trajectory, end), a + 0.04), n_years)
    if status == "done":  # complete: a diamond where it completed (the plan's start if before)
        ax.plot([min(max(_position(trajectory, end), 0.0), n_years)], [i], marker="D",
                ms=7, color=colour, markeredgecolor="#333333", mew=0.5, zorder=4,
                clip_on=False)
    elif b > 0:
        _bar(ax, i, a, b - a, 0.55, facecolor=colour, edgecolor="#333333", lw=0.4, zorder=3)
    counts_from = int(rec.get("completes_in_year") or 0)
    saving = money_full(float(rec["plan_saving_gbp"])) + " a year"
    when = f"from year {counts_from + 1}"
    if counts_from < n_years:
        _bar(ax, i, counts_from, n_years - counts_from, 0.16, facecolor=style.SAVING_COLOUR,
             alpha=0.55, lw=0, zorder=2)
    else:
        when += " (after this plan)"
    row_h = h / (rows + 0.9)
    y = y0 + h - (i + 0.9) * row_h
    room = label_w - 3.0
    place = clean_text(rec.get("place"), max_chars=30)
    page.text(x0, y + 0.4, _fit(f"{rec[schema.COLOCATION_ID]}  {place}  ·  {saving}", room,
                                size, bold=True),
              fontsize=size, fontweight="bold", va="bottom")
    lead = clean_text(rec.get("lead_agency"), max_chars=80)
    page.text(x0, y - 0.4, _fit(f"{when} · {status_label(status)} · lead: {lead}", room,
                                MIN_FONT_PT),
              fontsize=MIN_FONT_PT, va="top", color=MUTED)


def _bar(ax: Axes, row: float, left: float, width: float, height: float, **kw: Any) -> None:
    """A horizontal bar centred on ``row``: the rectangle ``barh`` draws, without its
    container and unit handling (the view is set already)."""
    from matplotlib.patches import Rectangle

    ax.add_patch(Rectangle((left, row - height / 2), width, height, **kw))


def _fit(text: str, width_mm: float, size: float, *, bold: bool = False) -> str:
    """``text`` cut (with an ellipsis) to fit ``width_mm`` at ``size`` points."""
    def fits(line: str) -> bool:
        return text_width_mm(line, size, bold=bold) <= width_mm

    if fits(text):
        return text
    # the most characters that fit with the ellipsis (at least one), by bisection
    keep = max(longest_fitting(fits, text, "", "…"), 1)
    return text[:keep].rstrip() + "…"


def _gantt_legend(page: Page, x: float, y: float, right: float) -> None:
    """Status colours, the saving line and the target period's end, wrapped to ``right``."""
    items: list[tuple[str | None, str]] = [(style.STATUS_COLOURS[s], status_label(s)) for s in
             ("proposed", "pursue", "business_case", "in_delivery", "done", "on_hold")]
    items += [(style.SAVING_COLOUR, "saving counts"), (None, "- - end of the target period")]
    start = x
    for colour, text in items:
        width = (5.0 if colour else 0.0) + text_width_mm(text, MIN_FONT_PT) + 3.0
        if x + width > right and x > start:
            x, y = start, y - 3.6
        if colour is not None:
            page.fig.patches.append(_swatch(page, x, y, colour))
        page.text(x + (5.0 if colour else 0.0), y + 1.2, text, fontsize=MIN_FONT_PT,
                  va="center", color=TEXT)
        x += width


def _swatch(page: Page, x: float, y: float, colour: str) -> Any:
    from matplotlib.patches import Rectangle

    return Rectangle((x / page.width_mm, y / page.height_mm), 4.0 / page.width_mm,
                     2.4 / page.height_mm, transform=page.fig.transFigure, fc=colour,
                     ec="#333333", lw=0.3)


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value and str(value) != "nan" else None
    except ValueError:
        return None


def _draw_unscheduled(page: Page, projects: pd.DataFrame,
                      box: tuple[float, float, float, float], *, size: float) -> None:
    rows = [[clean_text(r[schema.COLOCATION_ID]), clean_text(r.get("place"), max_chars=30),
             clean_text(r.get("lead_agency"), max_chars=50), status_label(r.get("status")),
             money_full(float(r.get("saving_gbp") or 0.0)),
             clean_text(str(r.get("scheduled", "")).removeprefix("no: "))]
            for r in projects.to_dict("records")]
    title = f"Unscheduled projects ({len(rows)}): listed, kept out of the savings by year"
    if not rows:
        page.text(box[0], box[1] + box[3], "Unscheduled projects: none. Every project of the "
                  "district has dates.", fontsize=size, va="top", color=MUTED)
        return
    cols = (Column("Id"), Column("Place", 1.0), Column("Lead", 1.5), Column("Status"),
            Column("Saving a year", align="right"), Column("Why", 2.0))
    draw_table(page, box, cols, rows, size_pt=size, title=title, max_lines=2)


def _draw_savings(page: Page, projects: pd.DataFrame, plan: pd.DataFrame,
                  trajectory: Trajectory, box: tuple[float, float, float, float], *,
                  size: float) -> None:
    """The district's savings by year: a chart, the table and the FM actions."""
    x0, y0, w, h = box
    years = plan_year_columns(plan)
    annual = [float(projects[c].sum()) for c in years]
    page.text(x0, y0 + h, "Savings by year", fontsize=size + 2.5, fontweight="bold", va="top")
    chart_h = h * 0.36
    ax = page.fig.add_axes(page.rect(x0 + 14.0, y0 + h - chart_h - 10.0, w - 16.0, chart_h))
    _savings_chart(ax, annual, size)
    rows, running = [], 0.0
    for k, value in enumerate(annual, start=1):
        running += value
        rows.append([f"Year {k}", _day(trajectory.year_end(k)), money_full(value),
                     money_full(running)])
    cols = (Column("Year"), Column("Ends"), Column("Saving counted", align="right"),
            Column("Cumulative", align="right"))
    table_top = y0 + h - chart_h - 22.0
    table_h = (len(rows) + 2.5) * size * PT_MM * 1.9
    draw_table(page, (x0, table_top - table_h, w, table_h), cols, rows, size_pt=size,
                max_lines=1)
    _draw_fm(page, projects, (x0, y0, w, table_top - table_h - y0 - 6.0), size=size)


def _savings_chart(ax: Axes, annual: Sequence[float], size: float) -> None:
    from matplotlib.ticker import FuncFormatter

    xs = list(range(1, len(annual) + 1))
    cumulative = pd.Series(annual).cumsum().tolist()
    ax.bar(xs, annual, color=style.SAVING_COLOUR, alpha=0.75, label="counted in the year")
    ax.plot(xs, cumulative, color="#222222", marker="o", ms=3, lw=1.2, label="cumulative")
    ax.set_xticks(xs)
    ax.set_xticklabels([f"Y{k}" for k in xs])
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: _short_money(v)))
    ax.tick_params(labelsize=MIN_FONT_PT)
    ax.grid(True, axis="y", color="#DDDDDD", lw=0.5)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(fontsize=MIN_FONT_PT, frameon=False, loc="upper left")


def _short_money(value: float) -> str:
    if abs(value) >= 1e6:
        return f"£{value / 1e6:.1f}m"
    if abs(value) >= 1e3:
        return f"£{value / 1e3:.0f}k"
    return f"£{value:.0f}"


def _draw_fm(page: Page, projects: pd.DataFrame, box: tuple[float, float, float, float], *,
             size: float) -> None:
    actions = projects[projects["fm_action"].astype(str).str.len() > 0]
    if actions.empty or box[3] < 15.0:
        note = ("FM contracts: no action (no co-location whose members have different FM "
                "providers and a contract ending within its horizon).")
        page.text(box[0], box[1] + box[3], "\n".join(wrap_mm(note, box[2], MIN_FONT_PT, 3)),
                  fontsize=MIN_FONT_PT, va="top", color=MUTED, linespacing=1.3)
        return
    rows = [[clean_text(r[schema.COLOCATION_ID]), clean_text(r["fm_providers"], max_chars=60),
             clean_text(r["fm_earliest_end"])] for r in actions.to_dict("records")]
    cols = (Column("Id"), Column("Providers", 2.0), Column("Earliest end"))
    draw_table(page, box, cols, rows, size_pt=size, title="Align FM contracts", max_lines=2)


def draw_trajectory(ax: Axes, trajectory: Trajectory, *, size: float) -> None:
    """The county's cumulative saving by plan year against the target (cover)."""
    from matplotlib.ticker import FuncFormatter

    cumulative = list(trajectory.cumulative_gbp)
    xs = list(range(1, len(cumulative) + 1))
    colours = [style.SAVING_COLOUR if c >= trajectory.savings_target_gbp else "#8FA9C4"
               for c in cumulative]
    ax.bar(xs, cumulative, color=colours, edgecolor="#333333", lw=0.4)
    ax.axhline(trajectory.savings_target_gbp, color="#222222", lw=1.1, ls="--")
    ax.text(0.5, trajectory.savings_target_gbp, " target", fontsize=MIN_FONT_PT, va="bottom",
            ha="left", color=TEXT)
    ax.axvline(trajectory.target_years + 0.5, color="#555555", lw=0.7, ls=":")
    ax.set_xticks(xs)
    ax.set_xticklabels([f"Y{k}" for k in xs])
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: _short_money(v)))
    ax.tick_params(labelsize=MIN_FONT_PT)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title("Implementation plan: cumulative saving by plan year (bars) against the "
                 "target (dashed); dotted: end of the target period", fontsize=size - 0.5,
                 loc="left", color=MUTED)
