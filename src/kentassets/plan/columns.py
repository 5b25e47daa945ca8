"""Column names of the implementation plan (:func:`kentassets.plan.implementation_plan`)."""

from __future__ import annotations

from typing import Final

from .. import schema

__all__ = [
    "COMPLETES_IN_YEAR",
    "COMPLETE_BY",
    "DATES_FROM",
    "FM_ACTION",
    "FM_EARLIEST_END",
    "FM_PROVIDERS",
    "HORIZON",
    "LEAD_AGENCY",
    "PLACE",
    "PLAN_COLUMNS",
    "PLAN_SAVING_GBP",
    "ROW_TYPE",
    "ROW_TYPES",
    "SAVING_GBP",
    "SAVING_HIGH_GBP",
    "SAVING_LOW_GBP",
    "SAVING_REALISED_GBP",
    "SCHEDULED",
    "START",
    "STATUS",
    "year_column",
]

PLACE: Final = "place"
LEAD_AGENCY: Final = "lead_agency"
STATUS: Final = "status"
HORIZON: Final = "horizon"
START: Final = "start"
COMPLETE_BY: Final = "complete_by"
SCHEDULED: Final = "scheduled"
SAVING_GBP: Final = "saving_gbp"
SAVING_LOW_GBP: Final = "saving_low_gbp"
SAVING_HIGH_GBP: Final = "saving_high_gbp"
SAVING_REALISED_GBP: Final = "saving_realised_gbp"
#: The annual saving the plan counts: realised for ``done`` where given, else ``saving_gbp``.
PLAN_SAVING_GBP: Final = "plan_saving_gbp"
#: The plan year the project completes in (0: on or before the data date).
COMPLETES_IN_YEAR: Final = "completes_in_year"
#: Where the dates come from: ``decision``, ``horizon``, ``decision date`` or blank.
DATES_FROM: Final = "dates_from"
FM_ACTION: Final = "fm_action"
FM_PROVIDERS: Final = "fm_providers"
FM_EARLIEST_END: Final = "fm_earliest_end"
#: ``project``, ``district total``, ``county total``, ``county cumulative``,
#: ``county share of target``.
ROW_TYPE: Final = "row_type"
ROW_TYPES: Final = ("project", "district total", "county total", "county cumulative",
                    "county share of target")

#: The plan's columns before the per-year ones, in order.
PLAN_COLUMNS: Final = (
    schema.COLOCATION_ID, schema.DISTRICT_CODE, schema.DISTRICT_NAME, PLACE, LEAD_AGENCY,
    STATUS, HORIZON, START, COMPLETE_BY, SCHEDULED, SAVING_GBP, SAVING_LOW_GBP,
    SAVING_HIGH_GBP, SAVING_REALISED_GBP,
)
#: The columns after the per-year ones.
TAIL_COLUMNS: Final = (PLAN_SAVING_GBP, COMPLETES_IN_YEAR, DATES_FROM, FM_ACTION,
                       FM_PROVIDERS, FM_EARLIEST_END, ROW_TYPE)


def year_column(year: int) -> str:
    """The column of plan year ``year``: ``saving_year_1_gbp``."""
    return f"saving_year_{year}_gbp"
