"""Sensitivity to the distance: :func:`sweep_eps` counts co-locations over several
distances and :func:`plot_sweep` draws them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd

from ._arrays import unique
from .locations import agency_counts, check_assets, cluster_locations, prepare_locations
from .params import ClusterParams
from .result import EPS_M, N_AGENCIES, N_ASSETS, N_CLUSTERS, N_COLOCATIONS

if TYPE_CHECKING:
    from matplotlib.axes import Axes


def sweep_eps(
    assets: gpd.GeoDataFrame,
    eps_values: Iterable[float] = (50, 100, 250, 500, 1000),
    *,
    min_assets: int = 2,
    min_agencies: int = 2,
    method: str = "dbscan",
) -> pd.DataFrame:
    """Count co-locations at several distances, to justify the distance chosen.

    Parameters
    ----------
    assets
        Canonical assets in EPSG:27700.
    eps_values
        Distances in metres, each 1 to 10,000.
    min_assets, min_agencies, method
        As in :func:`find_colocations`, the same for every distance.

    Returns
    -------
    pandas.DataFrame
        One row per distance, in the order given: ``eps_m``, ``n_colocations``,
        ``n_assets`` (assets in co-locations), ``n_agencies`` (agencies involved
        in any co-location), ``n_clusters`` (single-agency clusters included).

    Raises
    ------
    CoordinateSystemError, ValidationError
        As :func:`find_colocations`.

    Examples
    --------
    >>> import kentassets as ka
    >>> estate = ka.sample_estate()
    >>> sweep = ka.sweep_eps(estate.assets, (100, 250, 500))
    >>> list(sweep.columns)
    ['eps_m', 'n_colocations', 'n_assets', 'n_agencies', 'n_clusters']
    >>> bool(sweep["n_assets"].is_monotonic_increasing)  # a wider net catches more assets
    True

    Two assets 200 m apart are a co-location at 250 m but not at 100 m:

    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> from kentassets import schema
    >>> assets = schema.coerce_assets(gpd.GeoDataFrame(
    ...     {"agency": ["Police", "Fire"]},
    ...     geometry=[Point(575000, 155000), Point(575200, 155000)], crs="EPSG:27700"))
    >>> sweep_eps(assets, (100, 250))[["eps_m", "n_colocations"]].values.tolist()
    [[100.0, 0.0], [250.0, 1.0]]
    """
    values = [float(v) for v in eps_values]
    all_params = [
        ClusterParams(eps_m=v, min_assets=min_assets, min_agencies=min_agencies, method=method)
        for v in values
    ]
    check_assets(assets)
    locs = prepare_locations(assets)
    rows = []
    for params in all_params:
        loc_labels = cluster_locations(locs, params)
        raw = np.where(locs.asset_loc >= 0, loc_labels[np.maximum(locs.asset_loc, 0)], -1)
        k = int(raw.max()) + 1 if len(raw) and raw.max() >= 0 else 0
        n_ag, pairs = agency_counts(raw, locs.agency_code, locs.n_agency_codes, k)
        is_col = n_ag >= params.min_agencies
        in_col = (raw >= 0) & is_col[np.maximum(raw, 0)] if k else np.zeros(len(raw), bool)
        width = max(locs.n_agency_codes, 1)
        involved = unique(pairs[is_col[pairs // width]] % width) if len(pairs) else pairs
        rows.append(
            {
                EPS_M: params.eps_m,
                N_COLOCATIONS: int(is_col.sum()),
                N_ASSETS: int(in_col.sum()),
                N_AGENCIES: len(involved),
                N_CLUSTERS: k,
            }
        )
    out = pd.DataFrame(rows, columns=[EPS_M, N_COLOCATIONS, N_ASSETS, N_AGENCIES, N_CLUSTERS])
    return out.astype(
        {EPS_M: "float64", N_COLOCATIONS: "int64", N_ASSETS: "int64", N_AGENCIES: "int64",
         N_CLUSTERS: "int64"}
    )


def plot_sweep(
    sweep: pd.DataFrame, *, ax: Axes | None = None, chosen_eps_m: float | None = None
) -> Axes:
    """Draw the sensitivity of the co-locations to the distance.

    Co-locations (left axis) and assets in co-locations (right axis) against
    ``eps_m`` on a logarithmic axis; ``chosen_eps_m`` draws a dashed line.

    Parameters
    ----------
    sweep
        The frame of :func:`sweep_eps`.
    ax
        Axes to draw on; a new figure when omitted.
    chosen_eps_m
        The distance used for the analysis, marked on the plot.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on (co-locations); the assets axis is its twin.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import kentassets as ka
    >>> sweep = ka.sweep_eps(ka.sample_estate().assets, (50, 100, 250, 500, 1000))
    >>> ax = ka.plot_sweep(sweep, chosen_eps_m=250)
    >>> type(ax).__name__, ax.get_xlabel()
    ('Axes', 'distance eps (m)')
    >>> plt.close(ax.figure)
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import ScalarFormatter

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    eps = sweep[EPS_M].to_numpy(dtype=float)
    ax.plot(eps, sweep[N_COLOCATIONS].to_numpy(), marker="o", color="#1f4e79",
            label="co-locations")
    ax.set_xlabel("distance eps (m)")
    ax.set_ylabel("co-locations", color="#1f4e79")
    if len(eps) and (eps > 0).all():
        ax.set_xscale("log")
        ax.set_xticks(eps)
        ax.xaxis.set_major_formatter(ScalarFormatter())
        ax.xaxis.set_minor_formatter(ScalarFormatter())
        ax.xaxis.set_minor_locator(plt.NullLocator())
    twin = ax.twinx()
    twin.plot(eps, sweep[N_ASSETS].to_numpy(), marker="s", linestyle="--", color="#c55a11",
              label="assets in co-locations")
    twin.set_ylabel("assets in co-locations", color="#c55a11")
    if chosen_eps_m is not None:
        ax.axvline(chosen_eps_m, color="0.4", linestyle=":", linewidth=1)
        ax.annotate(f"{chosen_eps_m:g} m", (chosen_eps_m, 1), xycoords=("data", "axes fraction"),
                    xytext=(3, -12), textcoords="offset points", fontsize=8, color="0.3")
    ax.set_title("Sensitivity of co-locations to the distance")
    ax.grid(True, which="major", alpha=0.3)
    return ax
