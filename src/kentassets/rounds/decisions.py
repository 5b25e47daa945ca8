"""Workshop decisions: what each co-location's district workshop decided.

A decisions file (``decisions.csv`` or ``.xlsx``, edited in Excel) has one row
per co-location id and the columns of :data:`DECISION_COLUMNS`:

``colocation_id``
    The id on the maps (``MAI-03``).
``status``
    One of :data:`STATUSES` (case, spaces and hyphens ignored: ``Business case``
    reads as ``business_case``). Blank means ``proposed``.
``lead_agency``
    The agency leading the work (free text).
``decided_on``
    The date of the decision: ``2026-11-03``, ``03/11/2026`` (day first) or an
    Excel date. Blank is allowed.
``saving_realised_gbp``
    The annual saving realised, pounds a year, for ``done``.
``note``
    Free text.
``start``, ``complete_by``
    Optional: when the project starts and when it is to be complete (dates
    written as ``decided_on``). ``complete_by`` may not be before ``start``.
    The implementation plan (:mod:`kentassets.plan`) takes a project's dates
    from here where given, else from its horizon.

The columns that the template adds for reading (:data:`TEMPLATE_INFO_COLUMNS`)
are allowed and ignored; any other column is an error, so that a misspelt
column is never silently dropped.

:func:`check_decisions` turns the rows into a :class:`Decisions` table,
gathering every problem (an unknown id, a bad status, a bad date or amount, a
repeated id) into one :class:`~kentassets.errors.DecisionsError`, or with
``lenient=True`` into warnings with those rows ignored. A decision on an id
that was merged or retired is not an error: it is kept as a decision to review.

:func:`apply_decisions` carries the decisions into the opportunities:
``rejected`` leaves the shortlist and frees its slot (the district's list is
drawn again without it); ``pursue``, ``business_case``, ``in_delivery`` and
``done`` stay on the shortlist whatever their score. :func:`progress` sums the
programme's savings against the target. Every function here is pure;
:mod:`kentassets.io.decisions` reads and writes the files.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import pandas as pd

from .. import schema
from ..errors import DecisionsError, where
from ..io.decisions import (
    DATE_COLUMNS,
    DECISION_COLUMNS,
    STATUSES,
    TEMPLATE_INFO_COLUMNS,
    DecisionRows,
    check_columns,
)
from .ids import id_sort_key

__all__ = [
    "COMMITTED",
    "DATE_COLUMNS",
    "DECISION_COLUMNS",
    "DECISION_COMPLETE_BY",
    "DECISION_START",
    "KEEP_ON_SHORTLIST",
    "STATUSES",
    "DecisionRows",
    "Decisions",
    "apply_decisions",
    "check_columns",
    "check_decisions",
    "decisions_from_opportunities",
    "decisions_template",
    "parse_date",
    "progress",
]

#: Statuses that keep a co-location on the shortlist whatever its score.
KEEP_ON_SHORTLIST: Final = ("pursue", "business_case", "in_delivery", "done")
#: Statuses whose savings count as committed.
COMMITTED: Final = ("business_case", "in_delivery")
#: Columns :func:`apply_decisions` adds to the opportunities.
DECISION_STATUS: Final = "decision_status"
DECISION_LEAD: Final = "decision_lead_agency"
DECISION_DATE: Final = "decision_decided_on"
DECISION_NOTE: Final = "decision_note"
DECISION_SAVING: Final = "decision_saving_realised_gbp"
DECISION_START: Final = "decision_start"
DECISION_COMPLETE_BY: Final = "decision_complete_by"

_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d %b %Y", "%d %B %Y",
                 "%Y/%m/%d")


def _norm_status(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "proposed"
    text = re.sub(r"[\s\-]+", "_", str(value).strip().lower())
    if text == "":
        return "proposed"
    return text if text in STATUSES else None


def parse_date(value: Any) -> dt.date | None:
    """Read a decision date: ISO, day-first UK forms, or a date/datetime object.

    Returns ``None`` for a blank cell; raises ``ValueError`` for anything else.

    Examples
    --------
    >>> parse_date("03/11/2026"), parse_date("2026-11-03"), parse_date("")
    (datetime.date(2026, 11, 3), datetime.date(2026, 11, 3), None)
    """
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, dt.datetime | pd.Timestamp):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    text = re.sub(r"[ T]00:00(:00)?$", "", text)  # Excel dates saved as text
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _money(value: Any) -> float | None:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = re.sub(r"[£,\s]", "", str(value))
        if not text:
            return None
        number = float(text)  # ValueError for text that is not a number
    if not math.isfinite(number) or number < 0:
        raise ValueError(value)
    return number


@dataclass
class Decisions:
    """Checked workshop decisions.

    Parameters
    ----------
    table
        One row per co-location id (:data:`DECISION_COLUMNS`; ``decided_on``
        as dates, ``saving_realised_gbp`` as floats), current ids only.
    to_review
        Decisions on ids that were merged or retired: ``colocation_id``,
        ``status``, ``decided_on``, ``note``, ``id_status`` (``retired``),
        ``merged_into`` and ``why`` (a sentence for the workshop).
    warnings
        With ``lenient=True``: one message per ignored row.
    source
        The file the decisions came from.
    """

    table: pd.DataFrame
    to_review: pd.DataFrame = field(default_factory=pd.DataFrame)
    warnings: list[str] = field(default_factory=list)
    source: str = ""

    def status_of(self) -> dict[str, str]:
        """Co-location id -> status, for the current ids."""
        return dict(zip(self.table[schema.COLOCATION_ID], self.table["status"], strict=True))


def _row_problems(
    row: Mapping[str, Any], known: set[str], retired: set[str]
) -> tuple[dict[str, Any] | None, list[tuple[str, str]]]:
    """The checked row and its problems as (column, what to fix)."""
    problems: list[tuple[str, str]] = []
    cid = str(row.get(schema.COLOCATION_ID) or "").strip()
    if not cid or cid.lower() in ("nan", "<na>"):
        problems.append((schema.COLOCATION_ID, "is blank; give the co-location id, e.g. MAI-03"))
    elif cid not in known and cid not in retired:
        problems.append((schema.COLOCATION_ID,
                         f"'{cid}' is not a co-location id of this build; check the id on the "
                         "maps or in colocations.csv"))
    status = _norm_status(row.get("status"))
    if status is None:
        problems.append(("status", f"'{row.get('status')}' is not a status; use one of "
                                   f"{', '.join(STATUSES)}"))
    dates: dict[str, dt.date | None] = {}
    for column in DATE_COLUMNS:
        try:
            dates[column] = parse_date(row.get(column))
        except ValueError:
            dates[column] = None
            problems.append((column, f"'{row.get(column)}' is not a date; write it as "
                                     "2026-11-03 or 03/11/2026"))
    start, complete_by = dates["start"], dates["complete_by"]
    if start is not None and complete_by is not None and complete_by < start:
        problems.append(("complete_by", f"{complete_by.isoformat()} is before the start "
                                        f"{start.isoformat()}; give a completion date on or "
                                        "after the start (or correct the start)"))
    try:
        saving = _money(row.get("saving_realised_gbp"))
    except (ValueError, TypeError):
        saving = None
        problems.append(("saving_realised_gbp",
                         f"'{row.get('saving_realised_gbp')}' is not an amount in pounds a "
                         "year; write a number such as 125000"))
    if problems:
        return None, problems
    return {
        schema.COLOCATION_ID: cid,
        "status": status,
        "lead_agency": _text(row.get("lead_agency")),
        "decided_on": dates["decided_on"],
        "saving_realised_gbp": saving,
        "note": _text(row.get("note")),
        "start": start,
        "complete_by": complete_by,
    }, []


def _iso(value: Any) -> Any:
    """A date as ISO text, anything else as missing."""
    return value.isoformat() if isinstance(value, dt.date) else pd.NA


def _text(value: Any) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def check_decisions(
    rows: pd.DataFrame,
    *,
    current_ids: Iterable[str],
    register: pd.DataFrame | None = None,
    source: str = "decisions",
    sheet: str | None = None,
    lenient: bool = False,
) -> Decisions:
    """Check decision rows against this build's co-location ids.

    Parameters
    ----------
    rows
        The file's rows, as text or Excel values, with the file's column names.
        Row ``i`` (0-based) is row ``i + 2`` in Excel (the header is row 1).
    current_ids
        This build's co-location ids.
    register
        The id register (:data:`kentassets.rounds.REGISTER_COLUMNS`); ids it
        lists as retired make decisions to review, not errors.
    source, sheet
        The file name and sheet, for the messages.
    lenient
        Turn row problems into warnings and ignore those rows.

    Returns
    -------
    Decisions
        The checked decisions.

    Raises
    ------
    DecisionsError
        For unknown columns or a missing ``colocation_id`` column (even when
        ``lenient``), or, unless ``lenient``, for every row problem at once.

    Examples
    --------
    >>> rows = pd.DataFrame({"colocation_id": ["MAI-01", "MAI-02"],
    ...                      "status": ["Business case", "maybe"]})
    >>> check_decisions(rows, current_ids=["MAI-01", "MAI-02"], source="d.csv")
    Traceback (most recent call last):
    ...
    kentassets.errors.DecisionsError: d.csv: 1 problem ...row 3, column "status": 'maybe'...
    >>> check_decisions(rows, current_ids=["MAI-01", "MAI-02"], lenient=True).status_of()
    {'MAI-01': 'business_case'}
    """
    check_columns(list(rows.columns), source)
    frame = rows.rename(columns=lambda c: str(c).strip())
    known = {str(i) for i in current_ids}
    reg = register if register is not None else pd.DataFrame(columns=["colocation_id"])
    retired_rows = reg[reg.get("status", pd.Series(dtype=str)).astype(str) != "active"]
    retired = set(retired_rows["colocation_id"].astype(str)) - known
    good: list[dict[str, Any]] = []
    messages: list[str] = []
    seen: dict[str, int] = {}
    for i, row in enumerate(frame.to_dict("records")):
        excel_row = i + 2
        if all(_text(v) is None for v in row.values()):
            continue  # an empty line
        checked, problems = _row_problems(row, known, retired)
        if checked is not None and checked[schema.COLOCATION_ID] in seen:
            problems = [(schema.COLOCATION_ID,
                         f"'{checked[schema.COLOCATION_ID]}' already has a decision in row "
                         f"{seen[checked[schema.COLOCATION_ID]]}; keep one row per id")]
        messages += [f"{where(source, sheet=sheet, rows=excel_row, column=col)}: {fix}"
                     for col, fix in problems]
        if checked is not None and not problems:
            seen[checked[schema.COLOCATION_ID]] = excel_row
            good.append(checked)
    if messages and not lenient:
        raise DecisionsError(
            f"{source}: {len(messages)} problem{'s' if len(messages) > 1 else ''} in the "
            "decisions file:\n  " + "\n  ".join(messages)
            + "\nFix the rows (or build with --lenient to ignore them with a warning)."
        )
    table = pd.DataFrame(good, columns=list(DECISION_COLUMNS))
    table["saving_realised_gbp"] = table["saving_realised_gbp"].astype("float64")
    current = table[schema.COLOCATION_ID].isin(known).to_numpy(dtype=bool)
    # A template row left as it was (proposed, nothing else) is no decision to review.
    blank = (table["status"].eq("proposed") & table[["lead_agency", *DATE_COLUMNS,
             "saving_realised_gbp", "note"]].isna().all(axis=1)).to_numpy(dtype=bool)
    review = _review(table[~current & ~blank], reg)
    ignored = [f"{m} (row ignored)" for m in messages]
    return Decisions(table[current].reset_index(drop=True), review, ignored, source)


def _review(table: pd.DataFrame, register: pd.DataFrame) -> pd.DataFrame:
    reg = register.set_index(register["colocation_id"].astype(str)) if len(register) else None
    rows = []
    for rec in table.to_dict("records"):
        cid = rec[schema.COLOCATION_ID]
        merged = None
        last = None
        if reg is not None and cid in reg.index:
            merged = _text(reg.loc[cid].get("merged_into"))
            last = reg.loc[cid].get("last_round")
        why = (f"{cid} was merged into {merged}; move the decision to {merged} if it still "
               "applies" if merged else
               f"{cid} is no longer a co-location (last seen in round {last}); close or "
               "re-home the decision")
        rows.append({schema.COLOCATION_ID: cid, "status": rec["status"],
                     "decided_on": rec["decided_on"], "note": rec["note"], "id_status": "retired",
                     "merged_into": merged, "why": why})
    return pd.DataFrame(rows, columns=[schema.COLOCATION_ID, "status", "decided_on", "note",
                                       "id_status", "merged_into", "why"])


def apply_decisions(opportunities: pd.DataFrame, decisions: Decisions | None) -> pd.DataFrame:
    """Carry the decisions into the scored opportunities and re-draw the shortlist.

    Adds :data:`DECISION_STATUS` (``proposed`` where no decision),
    ``decision_lead_agency``, ``decision_decided_on``, ``decision_note`` and
    ``decision_saving_realised_gbp`` to the co-locations. ``rejected``
    co-locations leave the shortlist and the district's list is drawn again
    without them, so the next best takes the slot; :data:`KEEP_ON_SHORTLIST`
    statuses are shortlisted whatever their
    score.

    Parameters
    ----------
    opportunities
        :func:`kentassets.score_opportunities` output.
    decisions
        Checked decisions, or ``None`` (every co-location ``proposed``).

    Returns
    -------
    pandas.DataFrame
        A copy of ``opportunities`` (same type and index) with the columns added
        and ``shortlisted`` (and ``district_rank``) updated.
    """
    from ..opportunities import DISTRICT_RANK, RANK, SHORTLISTED, shortlist

    out = opportunities.copy()
    is_col = (out[schema.IS_COLOCATION].fillna(False).to_numpy(dtype=bool) if len(out)
              else np.zeros(0, dtype=bool))
    table = decisions.table if decisions is not None else pd.DataFrame(columns=DECISION_COLUMNS)
    by_id = table.set_index(schema.COLOCATION_ID)
    ids = out[schema.COLOCATION_ID].astype("string")
    status = ids.map(by_id["status"]).where(is_col).astype("string")
    out[DECISION_STATUS] = status.where(~(status.isna() & is_col), "proposed")
    out[DECISION_LEAD] = ids.map(by_id["lead_agency"]).astype("string")
    for column, name in ((DECISION_DATE, "decided_on"), (DECISION_START, "start"),
                         (DECISION_COMPLETE_BY, "complete_by")):
        values = by_id[name] if name in by_id.columns else pd.Series(dtype=object)
        out[column] = ids.map(values).map(_iso).astype("string")
    out[DECISION_NOTE] = ids.map(by_id["note"]).astype("string")
    out[DECISION_SAVING] = ids.map(by_id["saving_realised_gbp"]).astype("float64")
    if len(out) == 0 or table.empty:
        return out
    rejected = out[DECISION_STATUS].eq("rejected").fillna(False).to_numpy(dtype=bool)
    if rejected.any() and DISTRICT_RANK in out.columns:
        rest = out[~rejected & is_col].copy()
        order = rest.sort_values([RANK], kind="stable")
        district = order[schema.DISTRICT_CODE].astype("string").fillna("")
        rest.loc[order.index, DISTRICT_RANK] = (
            order.groupby(district.to_numpy(), sort=False).cumcount().to_numpy() + 1
        )
        rest.attrs = opportunities.attrs
        chosen = shortlist(rest).index
        out[DISTRICT_RANK] = pd.array([None] * len(out), dtype="Int64")
        out.loc[rest.index, DISTRICT_RANK] = rest[DISTRICT_RANK].astype("Int64")
        out[SHORTLISTED] = out.index.isin(chosen)
    keep = out[DECISION_STATUS].isin(KEEP_ON_SHORTLIST).fillna(False).to_numpy(dtype=bool)
    out[SHORTLISTED] = (out[SHORTLISTED].to_numpy(dtype=bool) | keep) & ~rejected
    return out


def progress(
    opportunities: pd.DataFrame,
    decisions: Decisions | None,
    *,
    savings_target_gbp: float = 10_000_000.0,
    target_years: int = 4,
) -> dict[str, Any]:
    """The programme's savings toward the target, by stage.

    * ``realised``: co-locations ``done``: ``saving_realised_gbp`` where given,
      else the estimated saving (counted in ``estimated_gbp``);
    * ``committed``: ``business_case`` and ``in_delivery`` (estimated savings);
    * ``pipeline``: ``pursue`` and shortlisted ``proposed`` (estimated savings).

    Each stage is a dict: ``n`` co-locations, ``annual_gbp``, ``over_period_gbp``
    (annual times ``target_years``, an upper bound as in
    :func:`kentassets.county_totals`), ``share_of_target`` and ``estimated_gbp``
    (the part of ``annual_gbp`` that is an estimate, not a realised figure).

    Parameters
    ----------
    opportunities
        Opportunities after :func:`apply_decisions`.
    decisions
        The decisions (for the realised savings), or ``None``.
    savings_target_gbp, target_years
        The target and its period.

    Returns
    -------
    dict
        ``{"realised": {...}, "committed": {...}, "pipeline": {...},
        "savings_target_gbp": ..., "target_years": ...}``.
    """
    from ..opportunities import SAVING_GBP, SHORTLISTED

    opps = opportunities[opportunities[schema.IS_COLOCATION].fillna(False).to_numpy(dtype=bool)]
    status = opps.get(DECISION_STATUS, pd.Series("proposed", index=opps.index)).fillna("proposed")
    estimate = opps[SAVING_GBP].astype("float64").fillna(0.0)
    realised_given = pd.Series(float("nan"), index=opps.index)
    if decisions is not None and len(decisions.table):
        by_id = decisions.table.set_index(schema.COLOCATION_ID)["saving_realised_gbp"]
        realised_given = opps[schema.COLOCATION_ID].astype("string").map(by_id).astype("float64")
    shortlisted = opps[SHORTLISTED].fillna(False).to_numpy(dtype=bool)
    stages = {
        "realised": status.eq("done").to_numpy(dtype=bool),
        "committed": status.isin(COMMITTED).to_numpy(dtype=bool),
        "pipeline": (status.eq("pursue") | (status.eq("proposed") & shortlisted)).to_numpy(
            dtype=bool),
    }
    out: dict[str, Any] = {"savings_target_gbp": float(savings_target_gbp),
                           "target_years": int(target_years)}
    for name, mask in stages.items():
        if name == "realised":
            given = realised_given[mask]
            annual = float(given.fillna(estimate[mask]).sum())
            estimated = float(estimate[mask][given.isna()].sum())
        else:
            annual = float(estimate[mask].sum())
            estimated = annual
        out[name] = {
            "n": int(mask.sum()),
            "annual_gbp": round(annual, 2),
            "over_period_gbp": round(annual * target_years, 2),
            "share_of_target": annual * target_years / savings_target_gbp,
            "estimated_gbp": round(estimated, 2),
        }
    return out


def decisions_from_opportunities(opportunities: pd.DataFrame) -> Decisions | None:
    """The decisions a build carried (its ``decision_*`` columns), or ``None``.

    Used to pre-fill the next round's template from an output folder.
    """
    if DECISION_STATUS not in opportunities.columns:
        return None
    opps = opportunities[opportunities[DECISION_STATUS].notna()]
    table = pd.DataFrame({
        schema.COLOCATION_ID: opps[schema.COLOCATION_ID].astype(str).to_numpy(),
        "status": opps[DECISION_STATUS].astype(str).to_numpy(),
        "lead_agency": opps.get(DECISION_LEAD, pd.Series(pd.NA, index=opps.index)).map(
            _text).to_numpy(),
        "decided_on": opps.get(DECISION_DATE, pd.Series(pd.NA, index=opps.index)).map(
            _safe_date).to_numpy(),
        "saving_realised_gbp": pd.to_numeric(
            opps.get(DECISION_SAVING, pd.Series(pd.NA, index=opps.index)), errors="coerce"
        ).to_numpy(dtype=float),
        "note": opps.get(DECISION_NOTE, pd.Series(pd.NA, index=opps.index)).map(
            _text).to_numpy(),
        **{name: opps.get(column, pd.Series(pd.NA, index=opps.index)).map(_safe_date).to_numpy()
           for column, name in ((DECISION_START, "start"),
                                (DECISION_COMPLETE_BY, "complete_by"))},
    })
    return Decisions(table)


def _iso_or_none(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, dt.date) else None


def _safe_date(value: Any) -> dt.date | None:
    try:
        return parse_date(value)
    except ValueError:
        return None


def decisions_template(opportunities: pd.DataFrame, decisions: Decisions | None = None
                       ) -> pd.DataFrame:
    """A ready-to-fill decisions table: one row per current co-location.

    Rows are in id order with :data:`DECISION_COLUMNS` (existing decisions
    filled in, else ``proposed``) followed by :data:`TEMPLATE_INFO_COLUMNS`
    (district, place, agencies, estimated saving, shortlisted, the statuses
    allowed), which the reader ignores.

    Examples
    --------
    >>> import kentassets as ka
    >>> estate = ka.sample_estate()
    >>> opps = ka.score_opportunities(ka.find_colocations(estate.assets), estate.assets)
    >>> t = decisions_template(opps)
    >>> list(t.columns[:2]), set(t["status"])
    (['colocation_id', 'status'], {'proposed'})
    """
    from ..opportunities import SAVING_GBP, SHORTLISTED

    opps = opportunities[opportunities[schema.IS_COLOCATION].fillna(False).to_numpy(dtype=bool)]
    existing = (decisions.table.set_index(schema.COLOCATION_ID)
                if decisions is not None else pd.DataFrame(columns=DECISION_COLUMNS[1:]))
    rows = []
    for rec in pd.DataFrame(opps).to_dict("records"):
        cid = str(rec[schema.COLOCATION_ID])
        had = existing.loc[cid] if cid in existing.index else None
        rows.append({
            schema.COLOCATION_ID: cid,
            "status": had["status"] if had is not None else "proposed",
            "lead_agency": had["lead_agency"] if had is not None else None,
            "saving_realised_gbp": had["saving_realised_gbp"] if had is not None else None,
            "note": had["note"] if had is not None else None,
            **{name: _iso_or_none(had.get(name) if had is not None else None)
               for name in DATE_COLUMNS},
            "district": rec.get(schema.DISTRICT_NAME) or rec.get(schema.DISTRICT_CODE),
            "place": rec.get("largest_name") or rec.get("largest_address"),
            "agencies": rec.get("agencies"),
            "estimated_saving_gbp": rec.get(SAVING_GBP),
            "shortlisted": "yes" if rec.get(SHORTLISTED) else "no",
            "statuses_allowed": " / ".join(STATUSES),
        })
    rows.sort(key=lambda r: id_sort_key(r[schema.COLOCATION_ID]))
    return pd.DataFrame(rows, columns=[*DECISION_COLUMNS, *TEMPLATE_INFO_COLUMNS])
