"""score_opportunities: complete the assets, score, rank and shortlist the co-locations."""

from __future__ import annotations

import datetime as dt
from dataclasses import fields, replace
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import schema
from ..colocation import N_AGENCIES, ColocationResult
from ..errors import ValidationError
from ..reach import ReachModel
from ..reference.benchmarks import BenchmarkTable
from .columns import (
    DISTRICT_RANK,
    GIVEN_SHARE,
    HORIZON,
    HORIZON_REASON,
    N_LEASES_ENDING,
    N_OFFICES,
    N_OFFICES_UNKNOWN,
    N_RELEASED,
    N_SECTORS,
    N_SHARED_MOVES,
    N_VACANT_ASSETS,
    OFFICE_GIA_M2,
    OFFICE_NEED_M2,
    OFFICE_STAFF_FTE,
    OPPORTUNITY_COLUMNS,
    POINTS,
    PUBLIC_FACING_USES,
    RANK,
    RELEASED_ASSETS,
    RELEASED_COST_GBP,
    RELEASED_GIA_M2,
    SAVING_CONSOLIDATION_GBP,
    SAVING_GBP,
    SAVING_GIVEN_SHARE,
    SAVING_HIGH_GBP,
    SAVING_LOW_GBP,
    SAVING_NOTE,
    SAVING_SHARED_SERVICES_GBP,
    SCORE,
    SECTORS_COL,
    SHARED_HOST,
    SHORTLISTED,
    SPARE_GIA_M2,
    SPREAD_M,
    SURPLUS_OFFICE_M2,
)
from .components import component_points, components, member_spread
from .estimates import estimate_assets, source_column
from .members import Inputs, Members, as_of, inputs, member_labels, members
from .params import ScoringParams, resolve
from .reach import reach_columns, reach_effects, reach_part
from .reasons import (
    Leases,
    earliest_leases,
    horizons,
    host_text,
    public_text,
    released_text,
    saving_notes,
    sector_text,
)
from .savings import Savings, savings
from .sectors import SECTOR, assign_sectors


def _prepare_assets(assets: gpd.GeoDataFrame, benchmarks: BenchmarkTable | None
                    ) -> gpd.GeoDataFrame:
    """Assets with estimates (unless already made) and sectors."""
    if source_column(schema.GIA_M2) not in assets.columns or benchmarks is not None:
        assets = estimate_assets(assets, benchmarks=benchmarks)
    if SECTOR not in assets.columns or assets[SECTOR].isna().any():
        assets = assets.copy()
        assets[SECTOR] = assign_sectors(assets)
    return assets


def _share_triple(benchmarks: BenchmarkTable | None) -> tuple[float, float, float]:
    if benchmarks is None:
        from ..reference.benchmarks import shipped_benchmarks

        benchmarks = shipped_benchmarks()
    row = benchmarks.general("shared_service_saving_share")
    return float(row.low or 0.0), float(row.central or 0.0), float(row.high or 0.0)


def _columns(assets: gpd.GeoDataFrame, mem: Members, inp: Inputs, sav: Savings,
             leases: Leases, n_agencies: np.ndarray, p: ScoringParams,
             reach: ReachModel | None = None) -> list[tuple[str, Any, str]]:
    """Every scored column: (name, values per co-location, dtype)."""
    c = sav.central
    effects = reach_effects(assets, mem, sav, reach) if reach is not None else None
    part = reach_part(effects, p) if effects is not None else None
    points, score = component_points(components(mem, inp, sav, leases.soon, n_agencies, p, part), p,
                            reach=part is not None)
    reach_cols = reach_columns(effects, reach) if effects is not None and reach is not None else []
    horizon, reason = horizons(mem, inp, sav, leases, p)
    given = mem.per(inp.given * inp.n_inputs) / np.maximum(mem.per(inp.n_inputs), 1.0)
    floats = [(OFFICE_GIA_M2, c.office_gia), (OFFICE_STAFF_FTE, c.staff),
              (OFFICE_NEED_M2, c.need), (SURPLUS_OFFICE_M2, c.surplus), (SPARE_GIA_M2, c.spare)]
    ints = [(N_OFFICES, mem.count(inp.office)), (N_OFFICES_UNKNOWN, mem.count(inp.office)
                                                   - c.n_pool),
            (N_VACANT_ASSETS, mem.count(inp.vacant)), (N_RELEASED, mem.count(c.released))]
    return [
        *((name, v, "Float64") for name, v in floats),
        *((name, v, "Int64") for name, v in ints),
        (RELEASED_GIA_M2, c.released_gia, "Float64"),
        (RELEASED_COST_GBP, c.released_cost, "Float64"),
        (RELEASED_ASSETS, released_text(assets, mem, c.released), "string"),
        (N_SHARED_MOVES, sav.n_moves, "Int64"),
        (SHARED_HOST, host_text(assets, mem, sav.host), "string"),
        (SAVING_CONSOLIDATION_GBP, sav.consolidation, "Float64"),
        (SAVING_SHARED_SERVICES_GBP, sav.shared, "Float64"),
        (SAVING_GBP, np.round(sav.consolidation + sav.shared, 2), "Float64"),
        (SAVING_LOW_GBP, sav.low, "Float64"),
        (SAVING_HIGH_GBP, sav.high, "Float64"),
        (SAVING_GIVEN_SHARE, sav.given, "Float64"),
        (GIVEN_SHARE, np.round(given, 3), "Float64"),
        (SAVING_NOTE, saving_notes(mem, inp, sav, p), "string"),
        (SECTORS_COL, sector_text(assets, mem), "string"),
        (N_SECTORS, mem.distinct(inp.sector), "Int64"),
        (SPREAD_M, member_spread(mem, inp), "Float64"),
        (PUBLIC_FACING_USES, public_text(assets, mem, inp), "string"),
        (N_LEASES_ENDING, mem.count(leases.soon), "Int64"),
        *reach_cols,
        *((POINTS[name], v, "Float64") for name, v in points.items()),
        (SCORE, score, "Float64"),
        (HORIZON, horizon, "string"),
        (HORIZON_REASON, reason, "string"),
    ]


def _put(out: gpd.GeoDataFrame, col_rows: np.ndarray, col: str, values: Any, dtype: str) -> None:
    full = pd.array([None] * len(out), dtype=dtype)
    if len(col_rows):
        full[col_rows] = pd.array(values, dtype=dtype)
    out[col] = pd.Series(full, index=out.index)


def _plain_params(p: ScoringParams) -> dict[str, Any]:
    """The parameters as plain values, for the CSV outputs' parameter columns."""
    def plain(value: Any) -> Any:
        if isinstance(value, tuple):
            return ";".join(value)
        return str(value) if isinstance(value, dt.date) else value

    return {f.name: plain(getattr(p, f.name)) for f in fields(p)}


def score_opportunities(
    colocations: ColocationResult | gpd.GeoDataFrame,
    assets: gpd.GeoDataFrame,
    *,
    params: ScoringParams | None = None,
    benchmarks: BenchmarkTable | None = None,
    reach: ReachModel | None = None,
    **overrides: Any,
) -> gpd.GeoDataFrame:
    """Judge every co-location as an opportunity; rank and shortlist them.

    Parameters
    ----------
    colocations
        A :class:`~kentassets.colocation.ColocationResult`, or its cluster table;
        with a table, ``assets`` must carry the ``cluster_label`` column.
    assets
        The canonical assets that were clustered. Unless they already carry the
        ``*_source`` columns of :func:`~kentassets.opportunities.estimates.estimate_assets`,
        they are estimated here (given figures are never changed).
    params
        A :class:`ScoringParams`; defaults when omitted.
    benchmarks
        The benchmark table (:func:`kentassets.io.benchmarks.read_benchmarks`);
        ``None`` uses the shipped one. Given, it re-estimates the assets.
    reach
        Today's service reach (:func:`kentassets.reach.reach_model` on the same
        assets): adds what each proposal does to it (``reach_people_farther``,
        ``reach_people_losing_<t>m`` per threshold, ``reach_mean_extra_m``,
        ``reach_note``) and the reach part of the score (``points_reach``, weight
        ``weight_reach``). ``None``: no reach columns, ``points_reach`` 0 and its
        weight left out.
    **overrides
        Any :class:`ScoringParams` field, e.g. ``space_standard_m2_per_fte=10``.

    Returns
    -------
    geopandas.GeoDataFrame
        The cluster table (same index) plus :data:`OPPORTUNITY_COLUMNS`. Only
        co-locations (``is_colocation``) are scored; other rows have missing
        values and ``shortlisted`` False. ``attrs["scoring_params"]`` holds the
        :class:`ScoringParams` used (``as_of_date`` resolved), ``attrs["params"]``
        the same as a flat dict of plain values.

    Raises
    ------
    ValidationError
        For an unknown or out-of-range parameter, or assets without labels.

    Examples
    --------
    >>> import kentassets as ka
    >>> estate = ka.sample_estate()
    >>> colocs = ka.find_colocations(estate.assets, eps_m=250)
    >>> opps = ka.score_opportunities(colocs, estate.assets,
    ...                               as_of_date=estate.manifest.data_date)
    >>> opps.index.equals(colocs.clusters.index)
    True
    >>> {"score", "saving_gbp", "saving_low_gbp", "points_sectors"} <= set(opps.columns)
    True
    >>> scored = opps[opps["is_colocation"]]  # single-agency clusters are not scored
    >>> bool(scored["shortlisted"].any()), bool(scored["score"].between(0, 100).all())
    (True, True)
    >>> bool((scored["saving_low_gbp"] <= scored["saving_high_gbp"]).all())
    True

    Two offices 100 m apart: the Police staff move into the Council's building:

    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> from kentassets import schema
    >>> from kentassets.colocation import find_colocations
    >>> assets = schema.coerce_assets(gpd.GeoDataFrame(
    ...     {"agency": ["Council", "Police"], "use": ["office", "office"],
    ...      "gia_m2": [1000.0, 400.0], "staff_fte": [40.0, 20.0],
    ...      "annual_cost_gbp": [150000.0, 60000.0], "district_code": ["E07000110"] * 2},
    ...     geometry=[Point(575000, 155000), Point(575100, 155000)], crs="EPSG:27700"))
    >>> opp = score_opportunities(find_colocations(assets), assets, as_of_date=None)
    >>> opp[["office_need_m2", "saving_gbp", "saving_given_share", "horizon"]].values.tolist()
    [[600.0, 48000.0, 1.0, 'short']]
    """
    p = resolve(params, overrides)
    p = replace(p, as_of_date=as_of(p))
    clusters, labels = member_labels(colocations, assets)
    assets = _prepare_assets(assets, benchmarks)
    out = clusters.copy()
    mem = members(clusters, labels, assets)
    inp = inputs(assets, mem, p)
    sav = savings(mem, inp, p, _share_triple(benchmarks))
    leases = earliest_leases(assets, mem, inp, p)
    n_agencies = out[N_AGENCIES].to_numpy()[mem.col_rows].astype(float)
    for col, values, dtype in _columns(assets, mem, inp, sav, leases, n_agencies, p, reach):
        _put(out, mem.col_rows, col, values, dtype)
    for col in OPPORTUNITY_COLUMNS:
        if col in out.columns and out[col].dtype == "Float64":
            out[col] = out[col].astype("float64")
    _rank(out)
    out[SHORTLISTED] = _shortlist_mask(
        out,
        min_per_district=p.shortlist_min_per_district,
        max_per_district=p.shortlist_max_per_district,
        min_score=p.shortlist_min_score,
    )
    out.attrs["scoring_params"] = p
    out.attrs["params"] = _plain_params(p)
    geometry = out.geometry.name
    ordered = [c for c in out.columns if c != geometry] + [geometry]
    return out[ordered]


#: The tie-break rule of the ranks, in order (see the module docstring).
RANK_ORDER: Final = ((SCORE, False), (GIVEN_SHARE, False), (N_AGENCIES, False),
                     (SAVING_GBP, False), (schema.COLOCATION_ID, True))


def _rank(out: pd.DataFrame) -> None:
    """Add ``rank`` and ``district_rank`` (nullable ints) in place, by :data:`RANK_ORDER`."""
    out[RANK] = pd.array([None] * len(out), dtype="Int64")
    out[DISTRICT_RANK] = pd.array([None] * len(out), dtype="Int64")
    if len(out) == 0:
        return
    scored = out[out[schema.IS_COLOCATION].to_numpy(dtype=bool)]
    if scored.empty:
        return
    order = scored.sort_values(
        [c for c, _ in RANK_ORDER], ascending=[a for _, a in RANK_ORDER], kind="stable",
        na_position="last",
    )
    out.loc[order.index, RANK] = np.arange(1, len(order) + 1)
    district = order[schema.DISTRICT_CODE].astype("string").fillna("")
    out.loc[order.index, DISTRICT_RANK] = (
        order.groupby(district.to_numpy(), sort=False).cumcount().to_numpy() + 1
    )


def _shortlist_mask(
    opportunities: pd.DataFrame, *, min_per_district: int, max_per_district: int,
    min_score: float,
) -> pd.Series:
    if min_per_district > max_per_district:
        raise ValidationError(
            f"min_per_district must not exceed max_per_district, got "
            f"{min_per_district} > {max_per_district}"
        )
    if len(opportunities) == 0:
        return pd.Series(False, index=opportunities.index, dtype=bool)
    drank = opportunities[DISTRICT_RANK].astype("Float64").fillna(np.inf).to_numpy(dtype=float)
    score = opportunities[SCORE].astype("Float64").fillna(-1.0).to_numpy(dtype=float)
    has_district = opportunities[schema.DISTRICT_CODE].notna().to_numpy(dtype=bool)
    chosen = (drank <= min_per_district) | ((drank <= max_per_district) & (score >= min_score))
    return pd.Series(chosen & has_district, index=opportunities.index, dtype=bool)


def shortlist(
    opportunities: gpd.GeoDataFrame,
    *,
    min_per_district: int | None = None,
    max_per_district: int | None = None,
    min_score: float | None = None,
) -> gpd.GeoDataFrame:
    """The best opportunities of each district, for the district workshops.

    Per district (the majority district of each co-location): the
    ``min_per_district`` best by ``district_rank``, and up to
    ``max_per_district`` while the score is at least ``min_score``. A district
    with fewer co-locations shortlists them all. Co-locations outside every
    district are left out.

    Parameters
    ----------
    opportunities
        The frame of :func:`score_opportunities`.
    min_per_district, max_per_district
        Size limits of each district's list. ``None`` uses the values the
        opportunities were scored with (5 and 10 by default).
    min_score
        Score needed beyond ``min_per_district``; ``None`` as above (40).

    Returns
    -------
    geopandas.GeoDataFrame
        The shortlisted rows (same index), sorted by district code and district rank.

    Raises
    ------
    ValidationError
        When ``min_per_district`` exceeds ``max_per_district``.

    Examples
    --------
    >>> import kentassets as ka
    >>> estate = ka.sample_estate()
    >>> opps = ka.score_opportunities(ka.find_colocations(estate.assets), estate.assets)
    >>> short = ka.shortlist(opps)
    >>> bool(short["shortlisted"].all()), short["district_code"].nunique() > 5
    (True, True)
    >>> bool(short.groupby("district_code").size().max() <= 10)
    True
    >>> len(ka.shortlist(opps, min_per_district=1, max_per_district=1)) <= len(short)
    True
    """
    scored = opportunities.attrs.get("params", {})
    defaults = ScoringParams()

    def _pick(value: float | None, key: str, default: float) -> float:
        if value is not None:
            return value
        stored = scored.get(key) if isinstance(scored, dict) else None
        return default if stored is None else stored

    mask = _shortlist_mask(
        opportunities,
        min_per_district=int(
            _pick(min_per_district, "shortlist_min_per_district",
                  defaults.shortlist_min_per_district)
        ),
        max_per_district=int(
            _pick(max_per_district, "shortlist_max_per_district",
                  defaults.shortlist_max_per_district)
        ),
        min_score=float(_pick(min_score, "shortlist_min_score", defaults.shortlist_min_score)),
    )
    chosen = opportunities[mask.to_numpy()]
    return chosen.sort_values([schema.DISTRICT_CODE, DISTRICT_RANK], kind="stable")
