"""The surplus pool: vacant, surplus and under-used assets, and the homes their land could hold.

One Public Estate counts what released land gives back: homes. Where a site
area is known (a register column such as the Transparency Code's site area,
mapped to ``site_area_ha``, or a building footprint ``footprint_m2`` as a lower
bound), :func:`surplus_assets` gives an indicative housing capacity at the
benchmark table's ``[general.dwellings_per_ha]`` density, as a range;
:func:`housing_capacity` sums it per district and for the county, and says how
many sites have no area. Pure: no files.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import schema
from ..errors import ValidationError
from ..reference.benchmarks import BenchmarkTable

__all__ = ["SITE_AREA_HA", "housing_capacity", "surplus_assets"]

#: Site area, hectares (e.g. the Transparency Code's site area column).
SITE_AREA_HA: Final = "site_area_ha"
SITE_AREA_SOURCE: Final = "site_area_source"
HOMES: Final = ("homes_low", "homes_central", "homes_high")
HOUSING_NOTE: Final = "housing_note"
_NO_AREA: Final = "unknown: no site area or footprint in the register"


def numbers(frame: pd.DataFrame, col: str) -> pd.Series:
    if col not in frame.columns:
        return pd.Series(np.nan, index=frame.index, dtype="float64")
    return pd.to_numeric(frame[col], errors="coerce").astype("float64")


def status_of(frame: pd.DataFrame, col: str) -> pd.Series:
    if col not in frame.columns:
        return pd.Series(pd.NA, index=frame.index, dtype="string")
    return frame[col].astype("string")


def _reasons(assets: gpd.GeoDataFrame, *, gia_per_fte_m2: float, underused_factor: float,
             part_vacant_share: float, office_uses: Sequence[str]) -> tuple[pd.Series,
                                                                             pd.Series]:
    """Surplus reason and spare GIA per asset (missing where not in the pool)."""
    gia = numbers(assets, schema.GIA_M2)
    staff = numbers(assets, schema.STAFF_FTE)
    status = status_of(assets, schema.STATUS)
    office = status_of(assets, schema.USE).isin(list(office_uses)).fillna(False).astype(bool)
    need = staff * gia_per_fte_m2
    under = (office & status.isin(("occupied",)).fillna(False).astype(bool) & gia.notna()
             & staff.notna() & (gia > underused_factor * need))
    reason = pd.Series(pd.NA, index=assets.index, dtype="string")
    spare = pd.Series(np.nan, index=assets.index, dtype="float64")
    for value, share in (("surplus", 1.0), ("vacant", 1.0), ("part_vacant", part_vacant_share)):
        hit = status.eq(value).fillna(False).astype(bool) & reason.isna()
        reason[hit] = value
        spare[hit] = gia[hit] * share
    hit = under & reason.isna()
    reason[hit] = "under_used"
    spare[hit] = gia[hit] - need[hit]
    return reason, spare


def _housing(out: gpd.GeoDataFrame, benchmarks: BenchmarkTable | None) -> gpd.GeoDataFrame:
    """Add site area (with its source), homes low/central/high and a note."""
    if benchmarks is None:
        from ..reference.benchmarks import shipped_benchmarks

        benchmarks = shipped_benchmarks()
    density = benchmarks.general("dwellings_per_ha")
    given = numbers(out, SITE_AREA_HA).where(lambda v: v > 0)
    footprint = numbers(out, "footprint_m2").where(lambda v: v > 0) / 10_000.0
    area = given.fillna(footprint)
    out[SITE_AREA_HA] = area.round(4)
    source = pd.Series(pd.NA, index=out.index, dtype="string")
    source[footprint.notna()] = "footprint"
    source[given.notna()] = "given"
    out[SITE_AREA_SOURCE] = source
    for col, value in zip(HOMES, (density.low, density.central, density.high), strict=True):
        out[col] = np.floor(area * float(value or 0.0)).astype("Int64")
    note = pd.Series(
        f"indicative, at {density.low:g}-{density.high:g} dwellings per hectare "
        f"({density.source.split(';')[0]})", index=out.index, dtype="string")
    note[footprint.notna() & given.isna()] += "; site area taken as the building footprint"
    note[area.isna()] = _NO_AREA
    out[HOUSING_NOTE] = note
    return out


def surplus_assets(
    assets: gpd.GeoDataFrame,
    *,
    space_standard_m2_per_fte: float = 8.0,
    net_to_gross_ratio: float = 0.8,
    underused_factor: float = 2.0,
    part_vacant_share: float = 0.5,
    office_uses: Sequence[str] = ("office",),
    benchmarks: BenchmarkTable | None = None,
) -> gpd.GeoDataFrame:
    """Vacant, surplus and under-used assets that could be pooled for regeneration.

    Reasons, first that applies: ``"surplus"`` and ``"vacant"`` (status; the
    whole GIA is spare), ``"part_vacant"`` (status; ``part_vacant_share`` of
    the GIA is spare), ``"under_used"`` (an occupied office with more than
    ``underused_factor`` times the standard gross area per FTE; spare = GIA
    minus the need at the standard).

    Parameters
    ----------
    assets
        Canonical assets (estimated ones from
        :func:`~kentassets.opportunities.estimates.estimate_assets` carry their sources).
    space_standard_m2_per_fte, net_to_gross_ratio, office_uses
        As :class:`~kentassets.opportunities.ScoringParams`.
    underused_factor
        How many times the standard an office must exceed to be under-used (1 to 10).
    part_vacant_share
        Assumed spare share of a part-vacant asset (0 to 1).
    benchmarks
        The benchmark table (for the housing density); ``None``: the shipped one.

    Returns
    -------
    geopandas.GeoDataFrame
        The selected assets (same index, all columns) plus ``surplus_reason``,
        ``spare_gia_m2``, ``site_area_ha``, ``site_area_source`` (``given``,
        ``footprint`` or missing), ``homes_low``, ``homes_central``,
        ``homes_high`` (indicative dwellings, missing without a site area) and
        ``housing_note``; sorted by spare area (largest first), then index.

    Raises
    ------
    ValidationError
        For an out-of-range parameter.

    Examples
    --------
    >>> import kentassets as ka
    >>> estate = ka.sample_estate()
    >>> spare = ka.surplus_assets(estate.assets)
    >>> len(spare) > 0, set(spare["surplus_reason"]) <= {
    ...     "surplus", "vacant", "part_vacant", "under_used"}
    (True, True)
    >>> bool(spare["spare_gia_m2"].fillna(0).is_monotonic_decreasing)
    True

    A vacant depot on 0.5 ha holds 15 to 25 homes at 30 to 50 dwellings per hectare:

    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> from kentassets import schema
    >>> depot = schema.coerce_assets(gpd.GeoDataFrame(
    ...     {"agency": ["Council"], "use": ["depot"], "status": ["vacant"],
    ...      "site_area_ha": [0.5]}, geometry=[Point(575000, 155000)], crs="EPSG:27700"))
    >>> surplus_assets(depot)[["homes_low", "homes_central", "homes_high"]].values.tolist()
    [[15, 20, 25]]
    """
    for name, value, low, high in (
        ("space_standard_m2_per_fte", space_standard_m2_per_fte, 4.0, 30.0),
        ("net_to_gross_ratio", net_to_gross_ratio, 0.5, 1.0),
    ):
        if not (isinstance(value, int | float) and low <= value <= high):
            raise ValidationError(f"{name} must be between {low:g} and {high:g}, got {value!r}")
    if not (1.0 <= underused_factor <= 10.0):
        raise ValidationError(f"underused_factor must be between 1 and 10, got {underused_factor}")
    if not (0.0 <= part_vacant_share <= 1.0):
        raise ValidationError(
            f"part_vacant_share must be between 0 and 1, got {part_vacant_share}"
        )
    reason, spare = _reasons(assets, gia_per_fte_m2=space_standard_m2_per_fte / net_to_gross_ratio,
                             underused_factor=underused_factor,
                             part_vacant_share=part_vacant_share, office_uses=tuple(office_uses))
    out = assets[reason.notna().to_numpy()].copy()
    out["surplus_reason"] = reason[out.index]
    out["spare_gia_m2"] = spare[out.index]
    out = _housing(out, benchmarks)
    key = out["spare_gia_m2"].fillna(-1.0).to_numpy()
    order = np.lexsort((np.arange(len(out)), -key))
    return out.iloc[order]


def housing_capacity(surplus: pd.DataFrame) -> pd.DataFrame:
    """Indicative homes on the surplus pool, per district and for the whole study area.

    Parameters
    ----------
    surplus
        The frame of :func:`surplus_assets`.

    Returns
    -------
    pandas.DataFrame
        One row per district (``district_code``, ``district_name``) and a last row
        ``"(all)"``: ``n_assets``, ``n_with_site_area``, ``site_area_ha``,
        ``homes_low``, ``homes_central``, ``homes_high`` and a ``note`` saying
        how many sites have no area (their homes are not counted).

    Examples
    --------
    >>> import kentassets as ka
    >>> table = housing_capacity(ka.surplus_assets(ka.sample_estate().assets))
    >>> table.iloc[-1]["district_code"], bool(table.iloc[-1]["n_assets"] > 0)
    ('(all)', True)
    """
    frame = pd.DataFrame({
        "district_code": status_of(surplus, schema.DISTRICT_CODE).fillna("(none)"),
        "district_name": status_of(surplus, schema.DISTRICT_NAME).fillna(""),
        "n_assets": 1,
        "n_with_site_area": numbers(surplus, SITE_AREA_HA).notna().astype(int),
        "site_area_ha": numbers(surplus, SITE_AREA_HA).fillna(0.0),
        **{col: numbers(surplus, col).fillna(0.0) for col in HOMES},
    })
    per = frame.groupby(["district_code", "district_name"], sort=True, as_index=False).sum()
    total = per.drop(columns=["district_code", "district_name"]).sum()
    per.loc[len(per)] = {"district_code": "(all)", "district_name": "All districts",
                         **total.to_dict()}
    missing = per["n_assets"] - per["n_with_site_area"]
    per["note"] = np.where(missing > 0, missing.astype(str)
                           + " site(s) without a site area: not counted", "")
    per.loc[per["n_with_site_area"] == 0, "note"] = _NO_AREA
    for col in ("n_assets", "n_with_site_area", *HOMES):
        per[col] = per[col].astype("int64")
    return per
