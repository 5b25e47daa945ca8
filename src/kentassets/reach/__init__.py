"""Service reach: who each site serves, what a move or closure does to them, and which
sites to keep.

The stage sits between co-location and the opportunities: it reads the loaded
assets and the demand (people), and the opportunities call it for the effect of
each co-location's moves.

* **Demand** (:mod:`~kentassets.reach.demand`): weighted points. By default every
  postcode of the study area, sharing its district's Census 2021 population (an
  estimate, marked so); or a council's own tables (:func:`kentassets.read_demand`).
* **Sites** (:mod:`~kentassets.reach.sites`): for each service (library, health,
  customer_service, police; community on request) the assets of that use of
  every agency, in every district, except vacant or surplus ones.
* **Distance** (:mod:`~kentassets.reach.distance`, :mod:`~kentassets.reach.network`):
  straight-line on the British National Grid (a KD-tree), or along the roads of
  an OS base map (multi-source Dijkstra).
* **Reach** (:func:`service_reach`): per district and service, the demand-weighted
  shares within 1, 2 and 5 km, mean and 90th percentile distance, and the county.
* **Effects** (:class:`~kentassets.reach.model.ReachModel`, :func:`reach_change`):
  people whose nearest site gets farther, by how much, and who fall outside each
  distance, when sites close or move.
* **Options** (:func:`reach_options`): for every number of a district's own
  sites, the most demand they can keep within 2 km, and which (maximal and
  set covering, solved by HiGHS; PySAL spopt's models as an alternative).
"""

from __future__ import annotations

from ._spopt import SolverUnavailableError
from .api import default_demand, reach_model, reach_options, service_reach
from .columns import DEFAULT_SERVICES, DEFAULT_THRESHOLDS_M, SERVICE_USES
from .demand import NATIONAL_PEOPLE_PER_POSTCODE, combine_demand, demand_from_postcodes
from .distance import DistanceEngine, StraightLine
from .model import ReachEffect, ReachModel, change_effect, reach_change
from .network import RoadNetwork
from .sites import ServiceSites, service_sites
from .table import weighted_quantile

__all__ = [
    "DEFAULT_SERVICES",
    "DEFAULT_THRESHOLDS_M",
    "NATIONAL_PEOPLE_PER_POSTCODE",
    "SERVICE_USES",
    "DistanceEngine",
    "ReachEffect",
    "ReachModel",
    "RoadNetwork",
    "ServiceSites",
    "SolverUnavailableError",
    "StraightLine",
    "change_effect",
    "combine_demand",
    "default_demand",
    "demand_from_postcodes",
    "reach_change",
    "reach_model",
    "reach_options",
    "service_reach",
    "service_sites",
    "weighted_quantile",
]
