"""The implementation plan: one row per project, its dates and its saving by plan year.

See :mod:`kentassets.plan` for the rule a finance officer recomputes the figures by.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from .. import schema
from ..opportunities import SAVING_GBP as OPP_SAVING
from ..opportunities import SAVING_HIGH_GBP as OPP_HIGH
from ..opportunities import SAVING_LOW_GBP as OPP_LOW
from ..rounds import id_sort_key
from ..rounds.decisions import Decisions
from .columns import (
    COMPLETE_BY,
    COMPLETES_IN_YEAR,
    DATES_FROM,
    FM_ACTION,
    FM_EARLIEST_END,
    FM_PROVIDERS,
    HORIZON,
    LEAD_AGENCY,
    PLACE,
    PLAN_COLUMNS,
    PLAN_SAVING_GBP,
    ROW_TYPE,
    SAVING_GBP,
    SAVING_HIGH_GBP,
    SAVING_LOW_GBP,
    SAVING_REALISED_GBP,
    SCHEDULED,
    START,
    STATUS,
    TAIL_COLUMNS,
    year_column,
)
from .fm import fm_actions
from .params import PlanParams
from .projects import floor_by_agency, lead_agency, place_name, select_projects
from .schedule import schedule_project
from .years import saving_by_year

__all__ = ["implementation_plan", "plan_year_columns", "project_rows"]


def implementation_plan(
    opportunities: pd.DataFrame,
    decisions: Decisions | pd.DataFrame | None = None,
    *,
    as_of: dt.date,
    target_years: int = 4,
    savings_target_gbp: float = 10_000_000.0,
    assets: pd.DataFrame | None = None,
    params: PlanParams | None = None,
) -> pd.DataFrame:
    """The implementation plan: the projects, their dates and savings by plan year.

    Parameters
    ----------
    opportunities
        Scored co-locations (:func:`kentassets.score_opportunities`), after
        :func:`kentassets.decisions.apply_decisions` when decisions were taken.
    decisions
        Checked decisions (or their table); ``None``: the ``decision_*`` columns
        of ``opportunities`` where present, else every co-location ``proposed``.
    as_of
        The data date: plan year 1 is the twelve months after it.
    target_years, savings_target_gbp
        The savings target and its period (the plan shows at least that many years).
    assets
        The assets with ``colocation_id``: the lead agency by floor area and
        the "align FM contracts" actions (``fm_provider``, ``fm_contract_end``).
    params
        Horizons in years and the most years shown (:class:`PlanParams`).

    Returns
    -------
    pandas.DataFrame
        One row per project (``row_type`` ``project``, by district then id), one
        ``district total`` row per district with projects, then the ``county
        total``, ``county cumulative`` and ``county share of target`` rows
        (``district_code`` ``county``). Columns: :data:`~kentassets.plan.columns.PLAN_COLUMNS`,
        ``saving_year_1_gbp`` ... ``saving_year_N_gbp``, then ``plan_saving_gbp``,
        ``completes_in_year``, ``dates_from``, ``fm_action``, ``fm_providers``,
        ``fm_earliest_end`` and ``row_type``. ``attrs`` holds ``as_of``,
        ``target_years``, ``savings_target_gbp`` and ``n_years``.

    Examples
    --------
    >>> import datetime as dt
    >>> import kentassets as ka
    >>> estate = ka.sample_estate()
    >>> colocs = ka.find_colocations(estate.assets)
    >>> opps = ka.score_opportunities(colocs, colocs.label_assets(estate.assets))
    >>> plan = ka.implementation_plan(opps, as_of=dt.date(2026, 10, 31))
    >>> int((plan["row_type"] == "project").sum()) == int(opps["shortlisted"].sum())
    True
    >>> plan.iloc[-1]["row_type"]
    'county share of target'
    """
    params = params or PlanParams()
    floors = floor_by_agency(assets)
    projects = project_rows(select_projects(opportunities, decisions), as_of=as_of,
                            params=params, floors=floors)
    n_years = _n_years(projects, target_years, params)
    windows = {str(p[schema.COLOCATION_ID]): params.horizon_years.get(p[HORIZON], target_years)
               for p in projects}
    fm = fm_actions(assets, window_years=windows, as_of=as_of)
    frame = _project_frame(projects, n_years, fm)
    out = pd.concat([frame, _total_rows(frame, n_years, savings_target_gbp)],
                    ignore_index=True)
    out.attrs = {"as_of": as_of.isoformat(), "target_years": int(target_years),
                 "savings_target_gbp": float(savings_target_gbp), "n_years": n_years}
    return out


def project_rows(records: Sequence[Mapping[str, Any]], *, as_of: dt.date, params: PlanParams,
                 floors: Mapping[str, Mapping[str, float]]) -> list[dict[str, Any]]:
    """Each project record with its lead, place, schedule and the saving the plan counts."""
    rows = []
    for rec in records:
        cid = str(rec[schema.COLOCATION_ID])
        when = schedule_project(status=rec["status"], horizon=rec[HORIZON],
                                start=rec["start"], complete_by=rec["complete_by"],
                                decided_on=rec["decided_on"], as_of=as_of, params=params)
        saving = _number(rec.get(OPP_SAVING))
        counted = rec["realised"] if rec["status"] == "done" and rec["realised"] is not None \
            else saving
        rows.append({
            schema.COLOCATION_ID: cid,
            schema.DISTRICT_CODE: str(rec.get(schema.DISTRICT_CODE) or ""),
            schema.DISTRICT_NAME: str(rec.get(schema.DISTRICT_NAME) or ""),
            PLACE: place_name(rec), LEAD_AGENCY: lead_agency(rec, floors.get(cid)),
            STATUS: rec["status"], HORIZON: rec[HORIZON],
            START: _iso(when.start), COMPLETE_BY: _iso(when.complete_by),
            SCHEDULED: when.scheduled, SAVING_GBP: saving,
            SAVING_LOW_GBP: _number(rec.get(OPP_LOW)), SAVING_HIGH_GBP: _number(rec.get(OPP_HIGH)),
            SAVING_REALISED_GBP: rec["realised"], PLAN_SAVING_GBP: counted,
            COMPLETES_IN_YEAR: when.completes_in_year, DATES_FROM: when.dates_from,
        })
    rows.sort(key=lambda r: (r[schema.DISTRICT_CODE], id_sort_key(r[schema.COLOCATION_ID])))
    return rows


def plan_year_columns(plan: pd.DataFrame) -> list[str]:
    """The plan's ``saving_year_<k>_gbp`` columns, in year order."""
    n_years = sum(1 for c in plan.columns if c.startswith("saving_year_"))
    return [year_column(k) for k in range(1, n_years + 1)]


def _n_years(projects: Sequence[Mapping[str, Any]], target_years: int, params: PlanParams
             ) -> int:
    """The target period, longer until every scheduled saving counts (at most the cap)."""
    last = max((p[COMPLETES_IN_YEAR] for p in projects if p[COMPLETES_IN_YEAR] is not None),
               default=0)
    return max(1, min(params.max_plan_years, max(int(target_years), last + 1)))


def _project_frame(projects: Sequence[Mapping[str, Any]], n_years: int, fm: pd.DataFrame
                   ) -> pd.DataFrame:
    years = [year_column(k) for k in range(1, n_years + 1)]
    rows = []
    for p in projects:
        by_year = saving_by_year(p[PLAN_SAVING_GBP], p[COMPLETES_IN_YEAR], n_years)
        action = fm.loc[p[schema.COLOCATION_ID]] if p[schema.COLOCATION_ID] in fm.index else None
        rows.append({**p, **dict(zip(years, by_year, strict=True)),
                     FM_ACTION: "" if action is None else action[FM_ACTION],
                     FM_PROVIDERS: "" if action is None else action[FM_PROVIDERS],
                     FM_EARLIEST_END: "" if action is None else action[FM_EARLIEST_END],
                     ROW_TYPE: "project"})
    frame = pd.DataFrame(rows, columns=[*PLAN_COLUMNS, *years, *TAIL_COLUMNS])
    frame[COMPLETES_IN_YEAR] = frame[COMPLETES_IN_YEAR].astype("Int64")
    for col in (SAVING_GBP, SAVING_LOW_GBP, SAVING_HIGH_GBP, SAVING_REALISED_GBP,
                PLAN_SAVING_GBP, *years):
        frame[col] = frame[col].astype("float64")
    return frame


def _total_rows(frame: pd.DataFrame, n_years: int, target_gbp: float) -> pd.DataFrame:
    """One total row per district, then the county's total, cumulative and share rows."""
    years = [year_column(k) for k in range(1, n_years + 1)]
    sums = [SAVING_GBP, SAVING_LOW_GBP, SAVING_HIGH_GBP, SAVING_REALISED_GBP, PLAN_SAVING_GBP,
            *years]
    rows = []
    for (code, name), group in frame.groupby([schema.DISTRICT_CODE, schema.DISTRICT_NAME],
                                             sort=True):
        rows.append(_total(group, sums, code=str(code), name=str(name), kind="district total"))
    county = _total(frame, sums, code="county", name="County", kind="county total")
    cumulative: dict[str, Any] = dict.fromkeys(frame.columns, "")
    share: dict[str, Any] = dict.fromkeys(frame.columns, "")
    running = 0.0
    for col in years:
        running += float(county[col])
        cumulative[col], share[col] = running, running / target_gbp
    for row, kind in ((cumulative, "county cumulative"), (share, "county share of target")):
        row.update({schema.DISTRICT_CODE: "county", schema.DISTRICT_NAME: "County",
                    ROW_TYPE: kind})
    out = pd.DataFrame([*rows, county, cumulative, share], columns=frame.columns)
    for col in (*sums,):
        out[col] = pd.to_numeric(out[col].replace("", math.nan), errors="coerce")
    out[COMPLETES_IN_YEAR] = pd.array([pd.NA] * len(out), dtype="Int64")
    return out


def _total(group: pd.DataFrame, sums: Sequence[str], *, code: str, name: str, kind: str
           ) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(group.columns, "")
    row.update({col: float(group[col].fillna(0.0).sum()) for col in sums})
    scheduled = group[SCHEDULED].astype(str).str.startswith("yes")
    row.update({schema.DISTRICT_CODE: code, schema.DISTRICT_NAME: name, ROW_TYPE: kind,
                SCHEDULED: f"{int(scheduled.sum())} of {len(group)} projects scheduled"})
    return row


def _number(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    return number if math.isfinite(number) else 0.0


def _iso(value: dt.date | None) -> str:
    return value.isoformat() if value is not None else ""
