"""The cluster table: one described row per cluster, identifiers and the labels per asset."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray

from .. import schema
from ._arrays import factorize_sorted, runs_of, unique
from .locations import Locations, agency_counts
from .params import ClusterParams
from .result import (
    AGENCIES,
    CENTROID_X,
    CENTROID_Y,
    DISTRICT_CODES,
    LARGEST_ADDRESS,
    LARGEST_NAME,
    N_AGENCIES,
    N_ASSETS,
    N_SITES,
    NO_DISTRICT_PREFIX,
    PRECISION_NOTE,
    USES,
    VACANT_GIA_M2,
    VACANT_STATUSES,
    ColocationResult,
)


def _group_join(
    lab: NDArray[np.int64], codes: NDArray[np.int64], uniques: NDArray[Any], k: int,
    *, sep: str = ";",
) -> NDArray[Any]:
    """Per cluster, the sorted distinct values (``uniques[codes]``, -1 missing) joined."""
    out = np.full(k, "", dtype=object)
    ok = codes >= 0
    if not ok.any():
        return out
    width = len(uniques)
    if width <= 62:
        # each cluster's set of values as a bit mask: one join per distinct set
        masks = np.zeros(k, dtype=np.int64)
        np.bitwise_or.at(masks, lab[ok], np.left_shift(np.int64(1), codes[ok]))
        distinct, inverse = np.unique(masks, return_inverse=True)
        texts = np.array(
            [sep.join(str(uniques[b]) for b in range(width) if (int(m) >> b) & 1)
             for m in distinct],
            dtype=object,
        )
        return texts[inverse.reshape(-1)]
    pairs = unique(lab[ok] * width + codes[ok])
    plab = pairs // width
    bounds = np.flatnonzero(np.r_[True, plab[1:] != plab[:-1], True])
    names = [str(v) for v in uniques[pairs % width]]
    for a, b in itertools.pairwise(bounds):
        out[plab[a]] = sep.join(names[a:b])
    return out


def _numeric(assets: gpd.GeoDataFrame, col: str) -> NDArray[np.float64]:
    if col not in assets.columns:
        return np.full(len(assets), np.nan)
    return pd.to_numeric(assets[col], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


def _column_codes(assets: gpd.GeoDataFrame, col: str) -> tuple[NDArray[np.int64], NDArray[Any]]:
    """Sorted codes of a text column (-1 missing); all missing when the column is absent."""
    if col not in assets.columns:
        return np.full(len(assets), -1, dtype=np.int64), np.empty(0, dtype=object)
    return factorize_sorted(assets[col].astype("string"))


def flag(assets: gpd.GeoDataFrame, col: str, values: Sequence[str]) -> NDArray[np.bool_]:
    """Per asset, whether the text column holds one of ``values``."""
    if col not in assets.columns:
        return np.zeros(len(assets), dtype=bool)
    hit = assets[col].astype("string").isin(list(values))
    return hit.to_numpy(dtype=bool, na_value=False)


def texts_at(assets: gpd.GeoDataFrame, col: str, rows: NDArray[np.int64]) -> pd.Series:
    """The text column at the given row positions (missing when the column is absent)."""
    if col not in assets.columns:
        return pd.Series(pd.NA, index=range(len(rows)), dtype="string")
    return assets[col].iloc[rows].astype("string").reset_index(drop=True)


def _empty_table() -> gpd.GeoDataFrame:
    dtypes = {
        schema.COLOCATION_ID: "string",
        schema.CLUSTER_LABEL: "int64",
        schema.IS_COLOCATION: "bool",
        schema.DISTRICT_CODE: "string",
        schema.DISTRICT_NAME: "string",
        DISTRICT_CODES: "string",
        N_ASSETS: "int64",
        N_SITES: "int64",
        AGENCIES: "string",
        N_AGENCIES: "int64",
        USES: "string",
        schema.GIA_M2: "float64",
        schema.STAFF_FTE: "float64",
        schema.ANNUAL_COST_GBP: "float64",
        VACANT_GIA_M2: "float64",
        CENTROID_X: "float64",
        CENTROID_Y: "float64",
        LARGEST_NAME: "string",
        LARGEST_ADDRESS: "string",
        PRECISION_NOTE: "string",
    }
    frame = pd.DataFrame({c: pd.Series(dtype=t) for c, t in dtypes.items()})
    frame.index.name = schema.CLUSTER_LABEL
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([], crs=schema.CRS), crs=schema.CRS)


def _sum_known(values: NDArray[np.float64], starts: NDArray[np.int64]) -> NDArray[np.float64]:
    known = np.isfinite(values)
    total = np.add.reduceat(np.where(known, values, 0.0), starts)
    n_known = np.add.reduceat(known.astype(np.int64), starts)
    return np.where(n_known > 0, total, np.nan)


def _first_per_group(lab: NDArray[np.int64], order: NDArray[np.int64]) -> NDArray[np.int64]:
    """Rows (from ``order``, sorted by group first) that come first in their group."""
    grp = lab[order]
    return order[np.r_[True, grp[1:] != grp[:-1]]] if len(order) else order


@dataclass(frozen=True)
class _Members:
    """Clustered assets grouped by raw cluster label (stable within a cluster)."""

    rows: NDArray[np.int64]  # asset row positions, grouped by raw label
    lab: NDArray[np.int64]  # raw label of each member
    starts: NDArray[np.int64]  # first member of each cluster
    n_assets: NDArray[np.int64]  # members per cluster
    x: NDArray[np.float64]  # easting of each member
    y: NDArray[np.float64]  # northing of each member
    k: int  # number of clusters

    @classmethod
    def build(cls, raw: NDArray[np.int64], locs: Locations, k: int) -> _Members:
        rows = np.flatnonzero(raw >= 0)
        rows = rows[np.argsort(raw[rows], kind="stable")]
        lab = raw[rows]
        _, starts, n_assets = runs_of(lab)
        return cls(rows, lab, starts, n_assets, locs.x[rows], locs.y[rows], k)

    def sum_known(self, values: NDArray[np.float64]) -> NDArray[np.float64]:
        """Per cluster, the sum of the members' known values rounded to 0.01 (NaN if none)."""
        return np.round(_sum_known(values[self.rows], self.starts), 2)

    def centroids(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Per cluster, the mean member point rounded to the metre."""
        return (np.round(np.add.reduceat(self.x, self.starts) / self.n_assets),
                np.round(np.add.reduceat(self.y, self.starts) / self.n_assets))


@dataclass(frozen=True)
class _Districts:
    """The members' district codes and each cluster's majority district."""

    codes: NDArray[np.int64]  # per member, district code number (-1 missing)
    uniques: NDArray[Any]  # district code of each number, sorted
    name_of_code: NDArray[Any]  # district name of each number (None unknown)
    major: NDArray[np.int64]  # per cluster, majority district number (-1 none)

    def major_codes_and_names(self) -> tuple[NDArray[Any], NDArray[Any]]:
        k = len(self.major)
        major_code = np.full(k, None, dtype=object)
        major_name = np.full(k, None, dtype=object)
        has_major = self.major >= 0
        major_code[has_major] = self.uniques[self.major[has_major]]
        major_name[has_major] = self.name_of_code[self.major[has_major]]
        return major_code, major_name


@dataclass(frozen=True)
class _Order:
    """The canonical order of the clusters and their identifiers (by raw label)."""

    raw_in_order: NDArray[np.int64]  # raw labels in table order
    new_label: NDArray[np.int64]  # per raw label, the final label (table row)
    ids: NDArray[Any]  # per raw label, the colocation id


def build_result(
    assets: gpd.GeoDataFrame,
    raw: NDArray[np.int64],
    locs: Locations,
    params: ClusterParams,
) -> ColocationResult:
    """Describe the clusters of raw labels ``raw`` (per asset row) as the result."""
    n = len(assets)
    k = int(raw.max()) + 1 if n and raw.max() >= 0 else 0
    if k == 0:
        labels = pd.Series(np.full(n, -1, dtype=np.int64), index=assets.index,
                           name=schema.CLUSTER_LABEL)
        ids = pd.Series(pd.NA, index=assets.index, dtype="string", name=schema.COLOCATION_ID)
        return ColocationResult(labels, ids, _empty_table(), params)
    # Sums are rounded (areas, staff and costs to 0.01, centroids to the metre) so that
    # they do not depend on the order of the rows.
    members = _Members.build(raw, locs, k)
    n_agencies, _ = agency_counts(raw, locs.agency_code, locs.n_agency_codes, k)
    is_col = n_agencies >= params.min_agencies
    districts = _majority_districts(assets, members)
    cx, cy = members.centroids()
    order = _cluster_order(members, districts, is_col, cx, cy)
    clusters = _cluster_table(assets, members, locs, districts, order, n_agencies, is_col, params)
    asset_label = np.where(raw >= 0, order.new_label[np.maximum(raw, 0)], -1).astype(np.int64)
    labels = pd.Series(asset_label, index=assets.index, name=schema.CLUSTER_LABEL)
    in_col = (raw >= 0) & is_col[np.maximum(raw, 0)]
    id_array = pd.array(order.ids, dtype="string")
    colocation_ids = pd.Series(
        id_array.take(np.where(in_col, raw, -1), allow_fill=True),
        index=assets.index,
        name=schema.COLOCATION_ID,
    )
    return ColocationResult(labels, colocation_ids, clusters, params)


def _majority_districts(assets: gpd.GeoDataFrame, members: _Members) -> _Districts:
    """Majority district per cluster (most assets, ties to the lowest code) and code names."""
    lab, k = members.lab, members.k
    dcode_all, duniq = _column_codes(assets, schema.DISTRICT_CODE)
    dcodes = dcode_all[members.rows]
    major = np.full(k, -1, dtype=np.int64)
    ok = dcodes >= 0
    name_of_code = np.full(len(duniq), None, dtype=object)
    if ok.any():
        width = len(duniq)
        pair, _, count = runs_of(np.sort(lab[ok] * width + dcodes[ok]))
        plab, pcode = pair // width, pair % width
        top = _first_per_group(plab, np.lexsort((pcode, -count, plab)))
        major[plab[top]] = pcode[top]
        # each code's name: the first in sort order of the names recorded with it
        ncode_all, nuniq = _column_codes(assets, schema.DISTRICT_NAME)
        has = (dcode_all >= 0) & (ncode_all >= 0)
        if has.any():
            wn = len(nuniq)
            cn = unique(dcode_all[has] * wn + ncode_all[has])
            first = np.r_[True, (cn // wn)[1:] != (cn // wn)[:-1]]
            name_of_code[(cn // wn)[first]] = nuniq[(cn % wn)[first]]
    return _Districts(dcodes, duniq, name_of_code, major)


def _cluster_order(
    members: _Members,
    districts: _Districts,
    is_col: NDArray[np.bool_],
    cx: NDArray[np.float64],
    cy: NDArray[np.float64],
) -> _Order:
    """Identifiers: prefix of the majority district + number north to south, west to east.

    Co-locations come first, then single-agency clusters (``-s`` ids); within each,
    by prefix, then centroid north to south, west to east.
    """
    k, starts = members.k, members.starts
    prefix_of_code = np.array(
        [schema.district_prefix(str(c), None if nm is None else str(nm))
         for c, nm in zip(districts.uniques, districts.name_of_code, strict=True)]
        + [NO_DISTRICT_PREFIX],
        dtype=object,
    )
    major = districts.major
    prefixes = prefix_of_code[np.where(major >= 0, major, len(districts.uniques))]
    prefix_rank = pd.factorize(prefixes, sort=True)[0]
    min_x = np.minimum.reduceat(members.x, starts)
    min_y = np.minimum.reduceat(members.y, starts)
    single = (~is_col).astype(np.int64)
    raw_in_order = np.lexsort((members.n_assets, min_y, min_x, cx, -cy, prefix_rank, single))
    group = single[raw_in_order] * (len(prefix_of_code) + 1) + prefix_rank[raw_in_order]
    _, gstarts, gcounts = runs_of(group)
    number = np.arange(k) - np.repeat(gstarts, gcounts) + 1
    new_label = np.empty(k, dtype=np.int64)
    new_label[raw_in_order] = np.arange(k)
    id_text = (
        pd.Series(prefixes[raw_in_order], dtype="string")
        + np.where(single[raw_in_order] == 1, "-s", "-")
        + pd.Series(number).astype("string").str.zfill(2)
    )
    ids = np.empty(k, dtype=object)
    ids[raw_in_order] = id_text.to_numpy(dtype=object)
    return _Order(raw_in_order, new_label, ids)


def _largest_members(
    assets: gpd.GeoDataFrame, members: _Members, gia: NDArray[np.float64]
) -> tuple[NDArray[Any], NDArray[Any]]:
    """Name and address of the largest member by GIA among non-sensitive members.

    Ties by name, address, agency; empty when every member is sensitive.
    """
    rows, lab, starts, k = members.rows, members.lab, members.starts, members.k
    sens = (
        assets[schema.SENSITIVE].fillna(False).to_numpy(dtype=bool)[rows]
        if schema.SENSITIVE in assets.columns
        else np.zeros(len(rows), bool)
    )
    g = gia[rows]
    g_key = np.where(np.isfinite(g) & ~sens, g, -1.0)
    g_max = np.maximum.reduceat(g_key, starts) if len(starts) else g_key
    cand = np.flatnonzero(~sens & (g_key == np.repeat(g_max, members.n_assets)))
    cand_rows = rows[cand]
    picks = pd.DataFrame(
        {
            "lab": lab[cand],
            "name": texts_at(assets, schema.NAME, cand_rows),
            "address": texts_at(assets, schema.ADDRESS, cand_rows),
            "agency": texts_at(assets, schema.AGENCY, cand_rows),
        }
    ).sort_values(["lab", "name", "address", "agency"], na_position="last", kind="stable")
    picks = picks.drop_duplicates("lab")
    largest_name = np.full(k, "", dtype=object)
    largest_address = np.full(k, "", dtype=object)
    largest_name[picks["lab"].to_numpy()] = picks["name"].fillna("").to_numpy(dtype=object)
    largest_address[picks["lab"].to_numpy()] = picks["address"].fillna("").to_numpy(dtype=object)
    return largest_name, largest_address


def _precision_notes(assets: gpd.GeoDataFrame, members: _Members) -> NDArray[Any]:
    """Per cluster, how many members were placed only by a postcode centroid (or "")."""
    postcode = flag(assets, schema.LOCATION_METHOD, ("postcode",))[members.rows]
    n_postcode = np.add.reduceat(postcode.astype(np.int64), members.starts)
    note = np.full(members.k, "", dtype=object)
    for i in np.flatnonzero(n_postcode):
        note[i] = (
            f"{n_postcode[i]} of {members.n_assets[i]} assets placed only by postcode "
            "centroid; assets sharing a centroid may not really be neighbours"
        )
    return note


def _cluster_hulls(
    assets: gpd.GeoDataFrame, members: _Members, params: ClusterParams
) -> NDArray[Any]:
    """Per cluster, the buffered convex hull of the member points, normalised."""
    geoms = assets.geometry.to_numpy()
    hulls = _hulls(geoms[members.rows], members.x, members.y, members.lab, members.starts,
                   members.n_assets)
    if params.hull_buffer_m > 0:
        hulls = shapely.buffer(hulls, params.hull_buffer_m)
    return shapely.normalize(hulls)  # canonical vertex order, whatever the row order


def _cluster_table(
    assets: gpd.GeoDataFrame,
    members: _Members,
    locs: Locations,
    districts: _Districts,
    order: _Order,
    n_agencies: NDArray[np.int64],
    is_col: NDArray[np.bool_],
    params: ClusterParams,
) -> gpd.GeoDataFrame:
    """The cluster table (:data:`CLUSTER_COLUMNS`), one row per cluster in table order."""
    rows, lab, starts, k = members.rows, members.lab, members.starts, members.k
    raw_in_order = order.raw_in_order
    gia = _numeric(assets, schema.GIA_M2)
    g = gia[rows]
    width_loc = len(locs.xy) + 1
    n_sites = np.bincount(unique(lab * width_loc + locs.asset_loc[rows]) // width_loc,
                          minlength=k)
    vacant = flag(assets, schema.STATUS, VACANT_STATUSES)[rows]
    vacant_gia = np.round(np.add.reduceat(np.where(vacant & np.isfinite(g), g, 0.0), starts), 2)
    cx, cy = members.centroids()
    major_code, major_name = districts.major_codes_and_names()
    largest_name, largest_address = _largest_members(assets, members, gia)

    def text(values: NDArray[Any]) -> Any:
        return pd.array(values[raw_in_order], dtype="string")

    table = pd.DataFrame(
        {
            schema.COLOCATION_ID: text(order.ids),
            schema.CLUSTER_LABEL: np.arange(k, dtype=np.int64),
            schema.IS_COLOCATION: is_col[raw_in_order],
            schema.DISTRICT_CODE: text(major_code),
            schema.DISTRICT_NAME: text(major_name),
            DISTRICT_CODES: text(_group_join(lab, districts.codes, districts.uniques, k)),
            N_ASSETS: members.n_assets[raw_in_order].astype(np.int64),
            N_SITES: n_sites[raw_in_order].astype(np.int64),
            AGENCIES: text(_group_join(lab, locs.agency_code[rows],
                                       np.asarray(locs.agency_names, dtype=object), k)),
            N_AGENCIES: n_agencies[raw_in_order],
            USES: text(_group_join(lab, *_split(_column_codes(assets, schema.USE), rows), k)),
            schema.GIA_M2: members.sum_known(gia)[raw_in_order],
            schema.STAFF_FTE: members.sum_known(_numeric(assets, schema.STAFF_FTE))[raw_in_order],
            schema.ANNUAL_COST_GBP: members.sum_known(
                _numeric(assets, schema.ANNUAL_COST_GBP))[raw_in_order],
            VACANT_GIA_M2: vacant_gia[raw_in_order],
            CENTROID_X: cx[raw_in_order],
            CENTROID_Y: cy[raw_in_order],
            LARGEST_NAME: text(largest_name),
            LARGEST_ADDRESS: text(largest_address),
            PRECISION_NOTE: text(_precision_notes(assets, members)),
        }
    )
    table.index.name = schema.CLUSTER_LABEL
    hulls = _cluster_hulls(assets, members, params)
    return gpd.GeoDataFrame(
        table, geometry=gpd.GeoSeries(hulls[raw_in_order], crs=schema.CRS), crs=schema.CRS
    )


def _argmax_per_group(
    values: NDArray[np.float64], starts: NDArray[np.int64], counts: NDArray[np.int64]
) -> NDArray[np.int64]:
    """Row of the first maximum of ``values`` in each group of consecutive rows."""
    best = np.repeat(np.maximum.reduceat(values, starts), counts)
    at_max = np.flatnonzero(values == best)
    grp = np.repeat(np.arange(len(starts)), counts)[at_max]
    return at_max[np.r_[True, grp[1:] != grp[:-1]]]


def _hulls(
    geoms: NDArray[Any],
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    lab: NDArray[np.int64],
    starts: NDArray[np.int64],
    counts: NDArray[np.int64],
) -> NDArray[Any]:
    """Convex hull of each group of consecutive points (grouped by ``lab``).

    Points strictly inside the quadrilateral of their group's leftmost, lowest,
    rightmost and highest points cannot be hull vertices and are dropped first
    (Akl-Toussaint), so that GEOS only sees the few candidates of dense clusters.
    """
    left = _argmax_per_group(-x, starts, counts)
    bottom = _argmax_per_group(-y, starts, counts)
    right = _argmax_per_group(x, starts, counts)
    top = _argmax_per_group(y, starts, counts)
    inside = np.ones(len(x), dtype=bool)
    for a, b in ((left, bottom), (bottom, right), (right, top), (top, left)):
        ax, ay = np.repeat(x[a], counts), np.repeat(y[a], counts)
        bx, by = np.repeat(x[b], counts), np.repeat(y[b], counts)
        inside &= (bx - ax) * (y - ay) - (by - ay) * (x - ax) > 1e-3
    keep = ~inside
    return shapely.convex_hull(shapely.multipoints(geoms[keep], indices=lab[keep]))


def _split(
    coded: tuple[NDArray[np.int64], NDArray[Any]], members: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[Any]]:
    return coded[0][members], coded[1]
