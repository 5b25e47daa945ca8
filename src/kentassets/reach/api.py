"""The reach stage's public functions: default demand, the reach table, the options."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import geopandas as gpd
import pandas as pd

from .. import schema
from ..errors import ValidationError
from ..io.postcodes import PostcodeDirectory
from .columns import DEFAULT_OPTIONS_THRESHOLD_M, DEFAULT_SERVICES, DEFAULT_THRESHOLDS_M
from .demand import demand_from_postcodes
from .distance import DistanceEngine
from .model import ReachModel
from .options import (
    DEFAULT_OPTIONS_BUDGET_S,
    DEFAULT_TIME_LIMIT_S,
    HIGHS,
    reach_options_table,
)
from .sites import check_services, service_sites
from .table import reach_table


def default_demand(
    *,
    study_area: Sequence[str] = schema.DEFAULT_STUDY_AREA,
    postcodes: PostcodeDirectory | None = None,
) -> gpd.GeoDataFrame:
    """Every postcode of the study area, sharing its district's Census 2021 population.

    Parameters
    ----------
    study_area
        District codes (default Kent's 12 districts and Medway).
    postcodes
        The postcode directory in force (default: the packaged ONS Postcode Directory).

    Returns
    -------
    geopandas.GeoDataFrame
        One point per postcode: ``district_code``, ``district_name``, ``demand``
        (people, an estimate), ``service`` (``"all"``), ``demand_source``,
        ``demand_estimate`` (true), geometry in EPSG:27700.

    Examples
    --------
    >>> demand = default_demand(study_area=["E07000110"])
    >>> round(float(demand["demand"].sum())), bool(demand["demand_estimate"].all())
    (175500, True)
    """
    from ..io.authorities import district_names
    from ..io.population import postcode_letters, read_district_population

    codes = list(study_area)
    directory = postcodes if postcodes is not None else PostcodeDirectory()
    # the packaged directory is read by first letter: only the study area's letters
    points = directory.in_districts(codes, areas=postcode_letters(codes))
    return demand_from_postcodes(points, read_district_population(), study_area=codes,
                                 names=district_names(codes))


def _thresholds(thresholds_m: Iterable[float]) -> tuple[float, ...]:
    values = tuple(sorted({float(t) for t in thresholds_m}))
    if not values or not all(0 < t <= 100_000 for t in values):
        raise ValidationError(
            f"thresholds_m={list(thresholds_m)!r}: give distances in metres between 1 and "
            "100,000, e.g. (1000, 2000, 5000)."
        )
    return values


def _codes_and_names(assets: gpd.GeoDataFrame, demand: gpd.GeoDataFrame,
                     study_area: Sequence[str] | None) -> tuple[list[str], dict[str, str]]:
    codes = list(study_area) if study_area is not None else sorted(
        set(demand[schema.DISTRICT_CODE].dropna().astype(str)))
    names: dict[str, str] = {}
    for frame in (assets, demand):
        if schema.DISTRICT_NAME in frame.columns:
            pairs = frame[[schema.DISTRICT_CODE, schema.DISTRICT_NAME]].dropna()
            names.update(zip(pairs[schema.DISTRICT_CODE].astype(str),
                             pairs[schema.DISTRICT_NAME].astype(str), strict=True))
    return sorted(codes), names


def reach_model(
    assets: gpd.GeoDataFrame,
    demand: gpd.GeoDataFrame,
    *,
    services: Iterable[str] | None = None,
    thresholds_m: Iterable[float] = DEFAULT_THRESHOLDS_M,
    closed: Iterable[tuple[str, str]] | None = None,
    engine: DistanceEngine | None = None,
) -> ReachModel:
    """Today's reach of each service: demand, sites and nearest distances (a
    :class:`~kentassets.reach.model.ReachModel`, for effects of changes)."""
    chosen = check_services(services, DEFAULT_SERVICES)
    return ReachModel(demand, service_sites(assets, chosen, closed=closed), engine=engine,
                      thresholds_m=_thresholds(thresholds_m))


def service_reach(
    assets: gpd.GeoDataFrame,
    demand: gpd.GeoDataFrame | None = None,
    *,
    services: Iterable[str] | None = None,
    thresholds_m: Iterable[float] = DEFAULT_THRESHOLDS_M,
    closed: Iterable[tuple[str, str]] | None = None,
    engine: DistanceEngine | None = None,
    study_area: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Per district and service, how near the people are to a site of that service.

    Every site of the service counts, whichever agency holds it and whichever
    district it stands in (a resident's nearest library may be over the
    boundary). Sites outside the study area are not in the registers, so
    residents near its edge may have a nearer one than the table says.

    Parameters
    ----------
    assets
        Canonical assets (a :class:`~kentassets.LoadResult`'s ``assets``).
    demand
        Demand points (:func:`default_demand`, :func:`kentassets.read_demand`);
        ``None``: the default demand of ``study_area``.
    services
        Uses measured (default library, health, customer_service, police;
        ``community`` on request).
    thresholds_m
        Distances the shares count within (default 1, 2 and 5 km).
    closed
        ``(agency, asset_id)`` pairs treated as closed.
    engine
        The distance: straight-line by default, or a
        :class:`~kentassets.reach.network.RoadNetwork`.
    study_area
        District codes with a row (default: the demand's districts).

    Returns
    -------
    pandas.DataFrame
        ``district_code, district_name, service, sites, demand,
        within_<t>m_share`` (one per threshold), ``mean_distance_m,
        p90_distance_m, distance_method, demand_estimate``; one row per
        district and service, then a ``county`` row per service. Shares, mean
        and 90th percentile are weighted by demand; the 90th percentile is the
        smallest distance within which 90 % of the demand lives.

    Raises
    ------
    ValidationError
        For an unknown service, a bad threshold or a bad ``closed`` entry.

    Examples
    --------
    >>> import kentassets as ka
    >>> estate = ka.sample_estate()
    >>> table = ka.service_reach(estate.assets, services=["library"])
    >>> county = table[table["district_code"] == "county"].iloc[0]
    >>> bool(0 < county["within_2000m_share"] <= county["within_5000m_share"] <= 1)
    True
    """
    if demand is None:
        demand = default_demand(study_area=study_area or schema.DEFAULT_STUDY_AREA)
    values = _thresholds(thresholds_m)
    model = reach_model(assets, demand, services=services, thresholds_m=values, closed=closed,
                        engine=engine)
    codes, names = _codes_and_names(assets, demand, study_area)
    return reach_table(model, codes=codes, names=names, thresholds_m=values)


def reach_options(
    assets: gpd.GeoDataFrame,
    demand: gpd.GeoDataFrame | None = None,
    *,
    services: Iterable[str] | None = None,
    threshold_m: float = DEFAULT_OPTIONS_THRESHOLD_M,
    engine: DistanceEngine | None = None,
    study_area: Sequence[str] | None = None,
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
    budget_s: float = DEFAULT_OPTIONS_BUDGET_S,
    solver: str = HIGHS,
) -> pd.DataFrame:
    """Which of a district's own sites to keep: coverage for every number of sites.

    See :mod:`kentassets.reach.options`: maximal covering for every k and set
    covering, solved by HiGHS (``solver="highs"``, the default) or by PySAL
    spopt's models (``solver="spopt"``, which needs the ``reach`` extra:
    ``pip install 'kentassets[reach]'``). ``time_limit_s`` bounds one solve and
    ``budget_s`` all the proving; rows they cut short say ``time_limit``.

    Returns
    -------
    pandas.DataFrame
        ``district_code, service, threshold_m, k, covered_share, kept_sites``
        (``agency:asset_id``, ``;``-separated), ``current_sites, current_share,
        keeps_current_coverage, solve_status, distance_method, demand_estimate``.

    Raises
    ------
    SolverUnavailableError
        ``solver="spopt"`` when spopt or PuLP is not installed.
    ValidationError
        An unknown ``solver``.

    Examples
    --------
    >>> import kentassets as ka
    >>> estate = ka.sample_estate()
    >>> options = ka.reach_options(estate.assets, services=["library"],
    ...                            study_area=["E07000110"])
    >>> curve = options["covered_share"].tolist()
    >>> curve == sorted(curve), curve[-1] == float(options["current_share"].iloc[0])
    (True, True)
    """
    if demand is None:
        demand = default_demand(study_area=study_area or schema.DEFAULT_STUDY_AREA)
    model = reach_model(assets, demand, services=services, engine=engine)
    codes, _ = _codes_and_names(assets, demand, study_area)
    return reach_options_table(model, codes=codes, threshold_m=float(threshold_m),
                               time_limit_s=time_limit_s, total_budget_s=budget_s,
                               solver=solver)
