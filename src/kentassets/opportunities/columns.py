"""Column names the scoring adds, the horizons and the score components."""

from __future__ import annotations

from typing import Final

__all__ = [
    "COMPONENTS",
    "DISTRICT_RANK",
    "GIVEN_SHARE",
    "HORIZON",
    "HORIZONS",
    "HORIZON_REASON",
    "NO_DATA_REASON",
    "N_LEASES_ENDING",
    "N_OFFICES",
    "N_OFFICES_UNKNOWN",
    "N_RELEASED",
    "N_SECTORS",
    "N_SHARED_MOVES",
    "N_VACANT_ASSETS",
    "OFFICE_GIA_M2",
    "OFFICE_NEED_M2",
    "OFFICE_STAFF_FTE",
    "OPPORTUNITY_COLUMNS",
    "POINTS",
    "PUBLIC_FACING_USES",
    "RANK",
    "RELEASED_ASSETS",
    "RELEASED_COST_GBP",
    "RELEASED_GIA_M2",
    "SAVING_CONSOLIDATION_GBP",
    "SAVING_GBP",
    "SAVING_GIVEN_SHARE",
    "SAVING_HIGH_GBP",
    "SAVING_LOW_GBP",
    "SAVING_NOTE",
    "SAVING_SHARED_SERVICES_GBP",
    "SCORE",
    "SECTORS_COL",
    "SHARED_HOST",
    "SHORTLISTED",
    "SPARE_GIA_M2",
    "SPREAD_M",
    "SURPLUS_OFFICE_M2",
]

OFFICE_GIA_M2: Final = "office_gia_m2"
OFFICE_STAFF_FTE: Final = "office_staff_fte"
OFFICE_NEED_M2: Final = "office_need_m2"
SURPLUS_OFFICE_M2: Final = "surplus_office_m2"
SPARE_GIA_M2: Final = "spare_gia_m2"
N_OFFICES: Final = "n_offices"
N_OFFICES_UNKNOWN: Final = "n_offices_unknown"
N_VACANT_ASSETS: Final = "n_vacant_assets"
N_RELEASED: Final = "n_released"
RELEASED_GIA_M2: Final = "released_gia_m2"
RELEASED_COST_GBP: Final = "released_cost_gbp"
RELEASED_ASSETS: Final = "released_assets"
N_SHARED_MOVES: Final = "n_shared_moves"
SHARED_HOST: Final = "shared_host"
SAVING_CONSOLIDATION_GBP: Final = "saving_consolidation_gbp"
SAVING_SHARED_SERVICES_GBP: Final = "saving_shared_services_gbp"
SAVING_GBP: Final = "saving_gbp"
SAVING_LOW_GBP: Final = "saving_low_gbp"
SAVING_HIGH_GBP: Final = "saving_high_gbp"
SAVING_GIVEN_SHARE: Final = "saving_given_share"
GIVEN_SHARE: Final = "given_share"
SAVING_NOTE: Final = "saving_note"
SECTORS_COL: Final = "sectors"
N_SECTORS: Final = "n_sectors"
SPREAD_M: Final = "spread_m"
PUBLIC_FACING_USES: Final = "public_facing_uses"
N_LEASES_ENDING: Final = "n_leases_ending"
SCORE: Final = "score"
RANK: Final = "rank"
DISTRICT_RANK: Final = "district_rank"
HORIZON: Final = "horizon"
HORIZON_REASON: Final = "horizon_reason"
SHORTLISTED: Final = "shortlisted"
HORIZONS: Final = ("short", "medium", "long", "unknown")
NO_DATA_REASON: Final = "no lease or space data"
#: Score components, in the order of the ``points_*`` columns.
COMPONENTS: Final = ("saving", "agencies", "sectors", "closeness", "public_facing", "space",
                     "leases", "tenure", "reach")
#: The points column of each component.
POINTS: Final = {c: f"points_{c}" for c in COMPONENTS}

#: Columns :func:`score_opportunities` adds to the cluster table, in order.
OPPORTUNITY_COLUMNS: Final = (
    OFFICE_GIA_M2,
    OFFICE_STAFF_FTE,
    OFFICE_NEED_M2,
    SURPLUS_OFFICE_M2,
    SPARE_GIA_M2,
    N_OFFICES,
    N_OFFICES_UNKNOWN,
    N_VACANT_ASSETS,
    N_RELEASED,
    RELEASED_GIA_M2,
    RELEASED_COST_GBP,
    RELEASED_ASSETS,
    N_SHARED_MOVES,
    SHARED_HOST,
    SAVING_CONSOLIDATION_GBP,
    SAVING_SHARED_SERVICES_GBP,
    SAVING_GBP,
    SAVING_LOW_GBP,
    SAVING_HIGH_GBP,
    SAVING_GIVEN_SHARE,
    GIVEN_SHARE,
    SAVING_NOTE,
    SECTORS_COL,
    N_SECTORS,
    SPREAD_M,
    PUBLIC_FACING_USES,
    N_LEASES_ENDING,
    *POINTS.values(),
    SCORE,
    RANK,
    DISTRICT_RANK,
    HORIZON,
    HORIZON_REASON,
    SHORTLISTED,
)
