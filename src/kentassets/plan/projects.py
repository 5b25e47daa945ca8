"""Which co-locations are projects of the plan, with their decisions, lead and place.

A project is every shortlisted co-location that is not ``rejected``, and every
co-location with a decision other than ``proposed`` or ``rejected`` (``on_hold``
included, though it is kept out of the trajectory).

**Lead agency**: the decision's ``lead_agency`` where given; else the agency of
the shared-services host (the member building the others would move into,
``shared_host``); else the agency holding the most floor area among the
members (when the assets are given); else the first agency listed.

**Place**: the town of the largest member's address (its last part that is not
a postcode), else the largest member's name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from .. import schema
from ..opportunities import HORIZON, SHARED_HOST, SHORTLISTED
from ..rounds.decisions import (
    DECISION_COMPLETE_BY,
    DECISION_DATE,
    DECISION_LEAD,
    DECISION_SAVING,
    DECISION_START,
    DECISION_STATUS,
    Decisions,
    parse_date,
)
from ..safety import is_missing

__all__ = ["lead_agency", "place_name", "select_projects"]

_POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}$", re.IGNORECASE)
#: Decision fields, by the opportunities' column and the decisions file's column.
_FIELDS = ((DECISION_STATUS, "status"), (DECISION_LEAD, "lead_agency"),
           (DECISION_DATE, "decided_on"), (DECISION_SAVING, "saving_realised_gbp"),
           (DECISION_START, "start"), (DECISION_COMPLETE_BY, "complete_by"))


def select_projects(opportunities: pd.DataFrame,
                    decisions: Decisions | pd.DataFrame | None) -> list[dict[str, Any]]:
    """The plan's projects as records: the co-location's fields and its decision.

    Each record has the opportunity's columns and ``status``, ``decision_lead``,
    ``decided_on``, ``start``, ``complete_by`` (dates or ``None``) and
    ``realised`` (float or ``None``).
    """
    opps = pd.DataFrame(opportunities)
    opps = opps[opps[schema.IS_COLOCATION].fillna(False).to_numpy(dtype=bool)]
    table = decisions.table if isinstance(decisions, Decisions) else decisions
    by_id = (table.set_index(table[schema.COLOCATION_ID].astype(str))
             if table is not None and len(table) else None)
    records = []
    for rec in opps.drop(columns=[c for c in ("geometry",) if c in opps]).to_dict("records"):
        decided = _decision(rec, by_id)
        status = str(decided["status"] or "proposed")
        keep = (bool(rec.get(SHORTLISTED)) and status != "rejected") or status not in (
            "proposed", "rejected")
        if keep:
            records.append({**rec, **decided, "status": status})
    return records


def _decision(rec: Mapping[str, Any], by_id: pd.DataFrame | None) -> dict[str, Any]:
    """One co-location's decision: from the decisions given, else its ``decision_*`` columns."""
    cid = str(rec.get(schema.COLOCATION_ID))
    if by_id is not None:
        row = by_id.loc[cid] if cid in by_id.index else None
        raw = {name: (row.get(name) if row is not None else None) for _, name in _FIELDS}
    else:
        raw = {name: rec.get(column) for column, name in _FIELDS}
    realised = raw["saving_realised_gbp"]
    return {
        "status": None if is_missing(raw["status"]) else str(raw["status"]),
        "decision_lead": None if is_missing(raw["lead_agency"]) else str(raw["lead_agency"]),
        "decided_on": _date(raw["decided_on"]),
        "start": _date(raw["start"]),
        "complete_by": _date(raw["complete_by"]),
        "realised": None if realised is None or is_missing(realised) else float(realised),
        HORIZON: str(rec.get(HORIZON) or "unknown"),
    }


def _date(value: Any) -> Any:
    try:
        return None if is_missing(value) else parse_date(value)
    except ValueError:
        return None


def lead_agency(rec: Mapping[str, Any], floor_by_agency: Mapping[str, float] | None) -> str:
    """The lead agency of a project record (the rule is in this module's docstring)."""
    if rec.get("decision_lead"):
        return str(rec["decision_lead"])
    host = rec.get(SHARED_HOST)
    if not is_missing(host) and str(host).strip():
        return str(host).partition(":")[0].strip()
    if floor_by_agency:
        return min(floor_by_agency.items(), key=lambda kv: (-kv[1], kv[0]))[0]
    agencies = rec.get("agencies")
    return "" if is_missing(agencies) else str(agencies).split(";")[0].strip()


def place_name(rec: Mapping[str, Any]) -> str:
    """The project's place: the largest member's town, else its name."""
    address = rec.get("largest_address")
    if not is_missing(address):
        parts = [p.strip() for p in str(address).split(",") if p.strip()]
        towns = [p for p in parts if not _POSTCODE.match(p) and not p[:1].isdigit()]
        if towns:
            return towns[-1]
    name = rec.get("largest_name")
    return "" if is_missing(name) else str(name)


def floor_by_agency(assets: pd.DataFrame | None) -> dict[str, dict[str, float]]:
    """Co-location id -> agency -> floor area (m²) of its members; empty without assets."""
    if assets is None or schema.GIA_M2 not in assets.columns or len(assets) == 0:
        return {}
    frame = pd.DataFrame({
        "id": assets[schema.COLOCATION_ID].astype("string"),
        "agency": assets[schema.AGENCY].astype("string"),
        "gia": pd.to_numeric(assets[schema.GIA_M2], errors="coerce").fillna(0.0),
    }).dropna(subset=["id", "agency"])
    sums = frame.groupby(["id", "agency"], sort=True)["gia"].sum()
    out: dict[str, dict[str, float]] = {}
    for (cid, agency), gia in sums.items():
        out.setdefault(str(cid), {})[str(agency)] = float(gia)
    return out
