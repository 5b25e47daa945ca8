""":class:`LoadResult` (assets and ledger) and :func:`combine_results`, which joins
the results of several registers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from ..io.manifest import Manifest
from ..schema import (
    AGENCY,
    ASSET_ID,
    CRS,
    EXCLUDED,
    LEDGER_AGENCY,
    LEDGER_ASSET_ID,
    LEDGER_FILE,
    LEDGER_MESSAGE,
    LEDGER_REASON,
    LEDGER_ROW,
    LEDGER_STATUS,
    LEDGER_WARNINGS,
    LOADED,
    REJECTED,
    SITE_ID,
    coerce_assets,
    empty_assets,
    empty_column_mapping,
    empty_ledger,
)
from .ledger import REASON_DUPLICATE_ID
from .sites import assign_sites


@dataclass
class LoadResult:
    """Canonical assets and the ledger that accounts for every input row.

    Attributes
    ----------
    assets
        Loaded rows only, canonical columns (:data:`kentassets.schema.ASSET_COLUMNS`),
        EPSG:27700. Its index labels are ledger index labels.
    ledger
        One row per input data row (:data:`kentassets.schema.LEDGER_FIELDS`).
    column_map
        Source file -> {field: source column(s)} as recognised or mapped.
    manifest
        The manifest, when read through :func:`read_manifest`.
    schemas
        Source file -> name of the published schema recognised by its column
        names (for example ``"LGTC land and assets"``), where one was.
    column_mapping
        One row per source column of every register
        (:data:`kentassets.schema.MAPPING_FIELDS`): the field it feeds (empty:
        kept in ``extra``), how it was recognised (``manifest``, ``schema``,
        ``name`` or ``meaning``), the unit conversion, and the register-level
        warning about it (``column_not_used``, ``category_unrecognised``).
        :func:`kentassets.load.describe_mapping` prints it.
    """

    assets: gpd.GeoDataFrame
    ledger: pd.DataFrame
    column_map: dict[str, dict[str, str]] = field(default_factory=dict)
    manifest: Manifest | None = None
    schemas: dict[str, str] = field(default_factory=dict)
    column_mapping: pd.DataFrame = field(default_factory=empty_column_mapping)

    def summary(self) -> pd.DataFrame:
        """Per agency: rows read, loaded, excluded, rejected and the top reasons.

        Returns
        -------
        pandas.DataFrame
            Columns ``agency``, ``rows``, ``loaded``, ``excluded``, ``rejected``,
            ``warnings`` (loaded rows with a warning) and ``top_reasons``, with a
            final ``All`` row.
        """
        ledger = self.ledger
        columns = ["agency", "rows", LOADED, EXCLUDED, REJECTED, "warnings", "top_reasons"]
        if len(ledger) == 0:
            return pd.DataFrame(columns=columns)
        status = ledger[LEDGER_STATUS].astype(str)
        frame = pd.DataFrame(
            {
                "agency": ledger[LEDGER_AGENCY].astype(str),
                LOADED: status == LOADED,
                EXCLUDED: status == EXCLUDED,
                REJECTED: status == REJECTED,
                "warnings": (status == LOADED)
                & ledger[LEDGER_WARNINGS].fillna("").astype(str).ne(""),
                "reason": ledger[LEDGER_REASON].fillna("").astype(str),
            }
        )
        grouped = frame.groupby("agency", sort=True)
        out = grouped[[LOADED, EXCLUDED, REJECTED, "warnings"]].sum().astype(int)
        out.insert(0, "rows", grouped.size())

        def top(reasons: pd.Series) -> str:
            counts = reasons[reasons != ""].value_counts().head(3)
            return "; ".join(f"{k} ({v})" for k, v in counts.items())

        out["top_reasons"] = grouped["reason"].agg(top)
        out = out.reset_index()
        total = pd.DataFrame(
            {
                "agency": ["All"],
                "rows": [int(out["rows"].sum())],
                LOADED: [int(out[LOADED].sum())],
                EXCLUDED: [int(out[EXCLUDED].sum())],
                REJECTED: [int(out[REJECTED].sum())],
                "warnings": [int(out["warnings"].sum())],
                "top_reasons": [top(frame["reason"])],
            }
        )
        return pd.concat([out, total], ignore_index=True)[columns]

    def _repr_html_(self) -> str:
        summary = self.summary()
        head = (
            f"<p><b>LoadResult</b>: {len(self.assets):,} assets loaded from "
            f"{len(self.ledger):,} rows in {self.ledger[LEDGER_FILE].nunique()} file(s).</p>"
        )
        return head + summary.to_html(index=False, escape=True)

    def __repr__(self) -> str:
        return (
            f"LoadResult({len(self.assets)} assets, {len(self.ledger)} ledger rows, "
            f"{self.ledger[LEDGER_FILE].nunique() if len(self.ledger) else 0} files)"
        )


def combine_results(results: Sequence[LoadResult]) -> LoadResult:
    """Join several results into one, re-checking asset ids across files.

    The ledgers are stacked (new index ``0..n-1``), the assets keep pointing at
    their ledger rows, an asset id already loaded for the same agency from an
    earlier file is rejected (``duplicate_asset_id``), and ``site_id`` is
    assigned across everything.

    Parameters
    ----------
    results
        Results of :func:`read_register`.

    Returns
    -------
    LoadResult
    """
    ledgers: list[pd.DataFrame] = []
    asset_frames: list[gpd.GeoDataFrame] = []
    column_map: dict[str, dict[str, str]] = {}
    schemas: dict[str, str] = {}
    mappings: list[pd.DataFrame] = []
    offset = 0
    for result in results:
        # set_axis, not copy(): pandas copies on write, so the columns are shared
        # until changed (a national load no longer holds every register twice)
        positions = result.ledger.index.get_indexer(result.assets.index)
        ledger = result.ledger.set_axis(pd.RangeIndex(offset, offset + len(result.ledger)))
        assets = result.assets.set_axis(pd.Index(positions + offset, dtype="int64"))
        ledgers.append(ledger)
        asset_frames.append(assets)
        column_map.update(result.column_map)
        schemas.update(result.schemas)
        mappings.append(result.column_mapping)
        offset += len(ledger)
    if not ledgers:
        return LoadResult(empty_assets(), empty_ledger(), {}, None)
    ledger = pd.concat(ledgers) if len(ledgers) > 1 else ledgers[0]
    frames = [a for a in asset_frames if len(a)]
    assets = (
        gpd.GeoDataFrame(pd.concat(frames), crs=CRS) if frames else empty_assets()
    )
    if len(assets):
        ids = assets[ASSET_ID].astype("string")
        dup = pd.DataFrame({"a": assets[AGENCY].astype("string"), "i": ids}).duplicated(
            keep="first"
        ) & ids.notna()
        if dup.any():
            key = assets[AGENCY].astype(str) + "\x00" + ids.astype(str)
            first_label = pd.Series(assets.index, index=assets.index).groupby(key).transform(
                "first"
            )
            labels = assets.index[dup.to_numpy()]
            firsts = first_label.loc[labels].to_numpy()
            here = ledger.loc[labels]
            there = ledger.loc[firsts].set_axis(labels)
            ledger.loc[labels, LEDGER_STATUS] = REJECTED
            ledger.loc[labels, LEDGER_REASON] = REASON_DUPLICATE_ID
            ledger.loc[labels, LEDGER_MESSAGE] = (
                "Asset id '" + here[LEDGER_ASSET_ID].astype(str) + "' of "
                + here[LEDGER_AGENCY].astype(str) + " was already loaded from "
                + there[LEDGER_FILE].astype(str) + " row " + there[LEDGER_ROW].astype(str)
                + "; this record (" + here[LEDGER_FILE].astype(str) + " row "
                + here[LEDGER_ROW].astype(str) + ") was not loaded. Give each asset its own "
                "id, or remove the repeated record."
            )
            assets = assets.loc[~dup.to_numpy()]
        assets = assets.assign(**{SITE_ID: assign_sites(assets)})
    column_mapping = (
        pd.concat(mappings, ignore_index=True) if len(mappings) > 1 else mappings[0]
    )
    return LoadResult(
        coerce_assets(assets), ledger, column_map, None, schemas, column_mapping
    )
