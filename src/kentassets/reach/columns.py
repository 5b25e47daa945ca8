"""Column names of the reach tables, the services and their defaults."""

from __future__ import annotations

from typing import Final

from .. import schema

#: Services reach is measured for by default: the public-facing uses (schema.USES).
DEFAULT_SERVICES: Final = ("library", "health", "customer_service", "police")
#: Every use that may be asked for as a service (``community`` on request).
SERVICE_USES: Final = (*DEFAULT_SERVICES, "community")
#: Distances (metres) the shares are counted within, by default.
DEFAULT_THRESHOLDS_M: Final = (1000.0, 2000.0, 5000.0)
#: The distance the options (which sites to keep) cover, by default.
DEFAULT_OPTIONS_THRESHOLD_M: Final = 2000.0
#: Straight-line (default) or road-network distance.
STRAIGHT: Final = "straight"
NETWORK: Final = "network"
DISTANCE_METHODS: Final = (STRAIGHT, NETWORK)
#: Statuses whose assets serve no one (a vacant library is not a library).
NOT_SERVING: Final = ("vacant", "surplus")

# --- demand points (Analysis.reach_demand): shared with the loader, in schema ----------------
DEMAND: Final = schema.DEMAND
DEMAND_SERVICE: Final = schema.DEMAND_SERVICE
DEMAND_SOURCE: Final = schema.DEMAND_SOURCE
DEMAND_ESTIMATE: Final = schema.DEMAND_ESTIMATE
ALL_SERVICES: Final = schema.ALL_SERVICES


def distance_column(service: str) -> str:
    """The demand frame's distance column of ``service``, e.g. ``distance_library_m``."""
    return f"distance_{service}_m"


# --- service_reach.csv --------------------------------------------------------------------
SERVICE: Final = "service"
SITES: Final = "sites"
MEAN_DISTANCE_M: Final = "mean_distance_m"
P90_DISTANCE_M: Final = "p90_distance_m"
DISTANCE_METHOD: Final = "distance_method"
COUNTY: Final = "county"
COUNTY_NAME: Final = "County"


def within_column(threshold_m: float) -> str:
    """The share column of a threshold, e.g. ``within_2000m_share``."""
    return f"within_{threshold_m:.0f}m_share"


def reach_columns(thresholds_m: tuple[float, ...]) -> tuple[str, ...]:
    """The columns of :func:`~kentassets.reach.service_reach`, in order."""
    return (schema.DISTRICT_CODE, schema.DISTRICT_NAME, SERVICE, SITES, DEMAND,
            *(within_column(t) for t in thresholds_m), MEAN_DISTANCE_M, P90_DISTANCE_M,
            DISTANCE_METHOD, DEMAND_ESTIMATE)


# --- reach_options.csv --------------------------------------------------------------------
THRESHOLD_M: Final = "threshold_m"
K: Final = "k"
COVERED_SHARE: Final = "covered_share"
KEPT_SITES: Final = "kept_sites"
CURRENT_SITES: Final = "current_sites"
CURRENT_SHARE: Final = "current_share"
KEEPS_CURRENT: Final = "keeps_current_coverage"
SOLVE_STATUS: Final = "solve_status"
OPTIMAL: Final = "optimal"
TIME_LIMIT: Final = "time_limit"
OPTIONS_COLUMNS: Final = (schema.DISTRICT_CODE, SERVICE, THRESHOLD_M, K, COVERED_SHARE,
                          KEPT_SITES, CURRENT_SITES, CURRENT_SHARE, KEEPS_CURRENT,
                          SOLVE_STATUS, DISTANCE_METHOD, DEMAND_ESTIMATE)

# --- the effect of a change (opportunities.csv) ---------------------------------------------
REACH_PEOPLE_FARTHER: Final = "reach_people_farther"
REACH_MEAN_EXTRA_M: Final = "reach_mean_extra_m"
REACH_MAX_EXTRA_M: Final = "reach_max_extra_m"
REACH_NOTE: Final = "reach_note"


def losing_column(threshold_m: float) -> str:
    """People who fall outside a threshold, e.g. ``reach_people_losing_2000m``."""
    return f"reach_people_losing_{threshold_m:.0f}m"
