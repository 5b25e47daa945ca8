"""What :func:`~kentassets.colocation.find_colocations` returns: the cluster table columns and
:class:`ColocationResult`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import schema
from .params import ClusterParams

DISTRICT_CODES: Final = "district_codes"
N_ASSETS: Final = "n_assets"
N_SITES: Final = "n_sites"
AGENCIES: Final = "agencies"
N_AGENCIES: Final = "n_agencies"
USES: Final = "uses"
VACANT_GIA_M2: Final = "vacant_gia_m2"
CENTROID_X: Final = "centroid_x"
CENTROID_Y: Final = "centroid_y"
LARGEST_NAME: Final = "largest_name"
LARGEST_ADDRESS: Final = "largest_address"
PRECISION_NOTE: Final = "precision_note"
EPS_M: Final = "eps_m"
N_COLOCATIONS: Final = "n_colocations"
N_CLUSTERS: Final = "n_clusters"

#: Columns of :attr:`ColocationResult.clusters`, in order.
CLUSTER_COLUMNS: Final = (
    schema.COLOCATION_ID,
    schema.CLUSTER_LABEL,
    schema.IS_COLOCATION,
    schema.DISTRICT_CODE,
    schema.DISTRICT_NAME,
    DISTRICT_CODES,
    N_ASSETS,
    N_SITES,
    AGENCIES,
    N_AGENCIES,
    USES,
    schema.GIA_M2,
    schema.STAFF_FTE,
    schema.ANNUAL_COST_GBP,
    VACANT_GIA_M2,
    CENTROID_X,
    CENTROID_Y,
    LARGEST_NAME,
    LARGEST_ADDRESS,
    PRECISION_NOTE,
    schema.GEOMETRY,
)
#: Statuses whose floor area counts as vacant or surplus.
VACANT_STATUSES: Final = ("vacant", "surplus")
#: Prefix used when no member of a cluster has a district.
NO_DISTRICT_PREFIX: Final = "XXX"


@dataclass
class ColocationResult:
    """What :func:`find_colocations` found.

    Made by :func:`find_colocations`, not usually by hand. In Jupyter it shows
    the per-district summary and the cluster table.

    Parameters
    ----------
    labels
        Per asset (the assets' index), ``int64`` cluster label, -1 for noise and
        for assets without a location. Equal to the ``cluster_label`` column of
        :attr:`clusters`.
    colocation_ids
        Per asset, ``string``: the ``colocation_id`` of its co-location, ``<NA>``
        when the asset is in no multi-agency co-location.
    clusters
        One row per cluster (co-locations and single-agency clusters), columns
        :data:`CLUSTER_COLUMNS`, indexed by cluster label, EPSG:27700.
    params
        The parameters used.

    Examples
    --------
    >>> import kentassets as ka
    >>> estate = ka.sample_estate()
    >>> colocs = ka.find_colocations(estate.assets, eps_m=250)
    >>> colocs.labels.index.equals(estate.assets.index)
    True
    >>> bool(colocs.colocations["is_colocation"].all()), len(colocs.colocations) > 10
    (True, True)
    >>> list(colocs.summary().columns[:3])
    ['district_code', 'district_name', 'n_colocations']
    >>> labelled = colocs.label_assets(estate.assets)
    >>> bool(labelled["colocation_id"].notna().any())
    True
    """

    labels: pd.Series
    colocation_ids: pd.Series
    clusters: gpd.GeoDataFrame
    params: ClusterParams = field(default_factory=ClusterParams)

    @property
    def colocations(self) -> gpd.GeoDataFrame:
        """The rows of :attr:`clusters` that are multi-agency co-locations."""
        return self.clusters[self.clusters[schema.IS_COLOCATION].to_numpy(dtype=bool)]

    def label_assets(self, assets: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        """Return a copy of ``assets`` with ``cluster_label`` and ``colocation_id`` columns."""
        out = assets.copy()
        out[schema.CLUSTER_LABEL] = self.labels.reindex(out.index).fillna(-1).astype("int64")
        out[schema.COLOCATION_ID] = self.colocation_ids.reindex(out.index).astype("string")
        return out

    def summary(self) -> pd.DataFrame:
        """Per district (majority district of each co-location): counts and totals.

        Columns: ``district_code``, ``district_name``, ``n_colocations``,
        ``n_single_agency_clusters``, ``n_assets`` (in co-locations),
        ``gia_m2`` (in co-locations). One row per district with any cluster,
        sorted by code; clusters without a district are under ``<NA>``.
        """
        table = pd.DataFrame(self.clusters.drop(columns=schema.GEOMETRY))
        cols = [
            schema.DISTRICT_CODE,
            schema.DISTRICT_NAME,
            N_COLOCATIONS,
            "n_single_agency_clusters",
            N_ASSETS,
            schema.GIA_M2,
        ]
        if table.empty:
            return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
        is_col = table[schema.IS_COLOCATION].to_numpy(dtype=bool)
        table["_col"] = is_col.astype(int)
        table["_single"] = (~is_col).astype(int)
        table["_assets"] = np.where(is_col, table[N_ASSETS], 0)
        table["_gia"] = np.where(is_col, table[schema.GIA_M2].fillna(0.0), 0.0)
        grouped = table.groupby(
            [schema.DISTRICT_CODE, schema.DISTRICT_NAME], dropna=False, sort=True
        )[["_col", "_single", "_assets", "_gia"]].sum()
        grouped.columns = cols[2:]
        return grouped.reset_index()

    def __repr__(self) -> str:
        p = self.params
        n_col = int(self.clusters[schema.IS_COLOCATION].sum()) if len(self.clusters) else 0
        return (
            f"<ColocationResult: {n_col} co-locations, {len(self.clusters) - n_col} "
            f"single-agency clusters, {int(self.colocation_ids.notna().sum())} of "
            f"{len(self.labels)} assets in co-locations; {p.method}, eps {p.eps_m:g} m, "
            f"min_assets {p.min_assets}, min_agencies {p.min_agencies}>"
        )

    def _repr_html_(self) -> str:
        from ..safety import escape_html

        p = self.params
        n_col = int(self.clusters[schema.IS_COLOCATION].sum()) if len(self.clusters) else 0
        n_assets = int(self.colocation_ids.notna().sum())
        head = (
            f"<p><b>{n_col} co-locations</b> ({len(self.clusters) - n_col} single-agency "
            f"clusters), {n_assets} of {len(self.labels)} assets in co-locations. "
            f"{escape_html(p.method.upper())}, eps {p.eps_m:g} m, min_assets {p.min_assets}, "
            f"min_agencies {p.min_agencies}.</p>"
        )
        table = pd.DataFrame(self.clusters.drop(columns=schema.GEOMETRY)).head(50)
        return (
            head
            + self.summary().to_html(index=False, na_rep="", escape=True)
            + table.to_html(index=False, na_rep="", escape=True)
        )
