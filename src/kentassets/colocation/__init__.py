"""Co-locations: places where several agencies hold buildings close together.

:func:`find_colocations` clusters the assets with DBSCAN on British National
Grid metres and describes every cluster; :func:`sweep_eps` repeats the
clustering over several distances so that a facilitator can justify the one
chosen, and :func:`plot_sweep` draws that sweep.

Rules, in the order they are applied:

**Locations.** Assets are clustered as *locations*. Records that share a
``site_id`` (one building reported by two agencies) are one location, placed
at the mean of their points. Every asset without a ``site_id`` is a location
of its own, even when it has exactly the same point as another asset (two
records on one postcode centroid are two locations at distance 0). Assets with
a missing or empty geometry are not clustered (label -1).

**DBSCAN.** A location is a *core* location when at least ``min_assets``
locations, itself included, lie within ``eps_m`` metres (distance ``<=
eps_m``): this is scikit-learn's ``min_samples`` counted in locations, not
records. Core locations within ``eps_m`` of each other are in one cluster;
a non-core location within ``eps_m`` of a core location is a border member.
The default ``min_assets=2`` therefore makes every pair of locations closer
than ``eps_m`` a cluster. The clustering is an exact grid-based DBSCAN whose
labels equal ``sklearn.cluster.DBSCAN(eps=eps_m, min_samples=min_assets)``
run on the locations in a canonical order (sorted by easting, then northing);
a border location reachable from two clusters joins the one scikit-learn
would give it in that order (the cluster whose first core location comes
first west to east). Because the order is canonical, the result does not
depend on the order of the input rows.

**Shared sites.** A location shared by at least ``max(2, min_agencies)``
agencies that DBSCAN leaves as noise becomes a cluster of its own: one
building used by two agencies is a co-location already.

**Co-locations.** A cluster is a *co-location* (``is_colocation``) when its
assets belong to at least ``min_agencies`` distinct agencies. Single-agency
clusters keep their cluster label but are not co-locations.

**Identifiers.** A co-location's ``colocation_id`` is the three-letter prefix
of its majority district (:func:`kentassets.schema.district_prefix`; the
district holding most of its assets, ties to the lowest code; ``XXX`` when no
member has a district) and a two-digit number: within a prefix, co-locations
are numbered from north to south, then west to east, of their centroid rounded
to the metre (``MAI-01`` is Maidstone's northernmost). Single-agency clusters
get their own sequence with an ``s`` (``MAI-s01``) in the cluster table, and
``<NA>`` in :attr:`ColocationResult.colocation_ids`. Cluster labels are the
row numbers of the cluster table: co-locations first, by id, then single-agency
clusters, by id. None of this depends on the order of the input rows.

**Cluster table** (:data:`CLUSTER_COLUMNS`). ``district_code``/``district_name``
are the majority district, ``district_codes`` every member district
(``;``-joined, sorted). ``agencies`` and ``uses`` are sorted and ``;``-joined.
``gia_m2``, ``staff_fte`` and ``annual_cost_gbp`` sum the known values (missing
when none is known), ``vacant_gia_m2`` the GIA of members whose status is
vacant or surplus; sums are rounded to 0.01 and centroids (mean of the member
points) to the metre, so that they do not depend on the row order.
``largest_name``/``largest_address`` describe the member with the largest GIA
(ties: by name, address, agency) among members of non-sensitive agencies, so
that a sensitive agency's building is never named; empty when every member is
sensitive. ``precision_note`` says how many members were placed only by a
postcode centroid (empty otherwise). The geometry is the convex hull of the
member points buffered by ``hull_buffer_m`` (10 m by default), normalised.

The steps live in one module each: :mod:`.locations` (assets to locations),
:mod:`.dbscan` (the exact grid DBSCAN), :mod:`.clusters` (the cluster table and
identifiers), :mod:`.find` (:func:`find_colocations`), :mod:`.sweep` (the distance
sweep and its plot); :mod:`.params` and :mod:`.result` hold the parameters and the
result type.
"""

from __future__ import annotations

from ._arrays import runs_of
from .clusters import flag, texts_at
from .dbscan import MAX_PAIRS, grid_dbscan
from .find import find_colocations
from .locations import xy_of
from .params import (
    EPS_RANGE_M,
    HULL_BUFFER_RANGE_M,
    METHODS,
    MIN_AGENCIES_RANGE,
    MIN_ASSETS_RANGE,
    ClusterParams,
)
from .result import (
    AGENCIES,
    CENTROID_X,
    CENTROID_Y,
    CLUSTER_COLUMNS,
    DISTRICT_CODES,
    EPS_M,
    LARGEST_ADDRESS,
    LARGEST_NAME,
    N_AGENCIES,
    N_ASSETS,
    N_CLUSTERS,
    N_COLOCATIONS,
    N_SITES,
    NO_DISTRICT_PREFIX,
    PRECISION_NOTE,
    USES,
    VACANT_GIA_M2,
    VACANT_STATUSES,
    ColocationResult,
)
from .sweep import plot_sweep, sweep_eps

__all__ = [
    "CLUSTER_COLUMNS",
    "ClusterParams",
    "ColocationResult",
    "find_colocations",
    "grid_dbscan",
    "plot_sweep",
    "sweep_eps",
]

