"""The pure analysis: loaded assets in, an :class:`Analysis` out; no files are touched.

:func:`analyse` marks the sensitive assets, finds and carries the co-locations,
makes the estimates, scores and records every parameter behind the outputs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from concurrent.futures import Executor
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Unpack

import geopandas as gpd
import pandas as pd

from .. import schema
from ..render.settings import OutputSettings, SettingsKeywords, resolve_settings
from ..safety import generalise_sensitive
from .options import BuildOptions
from .reach import ReachInputs, reach_params, reach_stage_model, start_reach

if TYPE_CHECKING:
    from ..io.builds import BuildData
    from ..rounds.decisions import DecisionRows


@dataclass
class Analysis:
    """Everything a build computes, before anything is written.

    Made by :func:`analyse`; :func:`write_outputs` writes it.

    Parameters
    ----------
    assets
        The loaded assets with ``cluster_label`` and ``colocation_id`` (and
        ``sensitive`` set for ``sensitive_agencies``).
    ledger, load_summary
        The load ledger and its per-agency summary.
    column_mapping
        How each register's columns were read (``LoadResult.column_mapping``):
        written as ``column_mapping.csv``; ``None`` when not known.
    districts
        District boundaries.
    colocations
        The :class:`~kentassets.ColocationResult`.
    opportunities
        The scored cluster table (:func:`~kentassets.score_opportunities`).
    sweep
        The eps sweep (:func:`~kentassets.sweep_eps`).
    totals
        County figures (:func:`~kentassets.county_totals`).
    benchmark
        Per agency figures (:func:`~kentassets.benchmark_agencies`).
    surplus
        Spare assets (:func:`~kentassets.surplus_assets`).
    params
        Every parameter used, as plain values (written beside the outputs).
    title, data_date, synthetic
        Shown on every output.
    sensitive_agencies
        Agencies generalised on published outputs.
    benchmarks
        The :class:`~kentassets.BenchmarkTable` the estimates used.
    housing
        Indicative homes on the surplus pool per district and in all
        (:func:`~kentassets.housing_capacity`).
    programme
        The round, the co-location id register, the workshop decisions and what
        changed since the previous round (:class:`kentassets.rounds.programme.Programme`).
    service_reach
        Per district and service, how near the people are to a site
        (:func:`kentassets.service_reach`); ``None`` when the reach stage did not run.
    reach_options
        Which sites to keep (:func:`kentassets.reach_options`); ``None`` when the
        stage did not run or spopt is not installed.
    reach_demand
        The demand points (``district_code``, ``demand`` people, points in
        EPSG:27700, ``distance_<service>_m`` per service: missing where a point
        does not stand for that service's demand); ``None`` without the stage.
    benchmark_by_use
        Running cost per m² by agency and use, given or estimated, marked
        (:func:`~kentassets.opportunities.benchmark_agency_uses`).
    plan
        The implementation plan (:func:`kentassets.implementation_plan`): the
        projects, their dates and their savings by plan year; its county
        trajectory is ``totals["plan"]``.

    Examples
    --------
    >>> import kentassets as ka
    >>> estate = ka.sample_estate()
    >>> analysis = ka.analyse(estate, ka.load_districts(), synthetic=True)
    >>> analysis.totals["n_colocations"] == len(analysis.colocations.colocations)
    True
    >>> analysis.boundary_source in ("official", "derived"), len(analysis.district_codes())
    (True, 13)
    >>> analysis.published_assets().index.equals(analysis.assets.index)
    True
    """

    assets: gpd.GeoDataFrame
    ledger: pd.DataFrame
    load_summary: pd.DataFrame
    districts: gpd.GeoDataFrame
    colocations: Any
    opportunities: gpd.GeoDataFrame
    sweep: pd.DataFrame
    totals: dict[str, Any]
    benchmark: pd.DataFrame
    surplus: gpd.GeoDataFrame
    params: dict[str, Any]
    title: str
    data_date: dt.date | None
    synthetic: bool
    sensitive_agencies: frozenset[str] = field(default_factory=frozenset)
    benchmarks: Any = None
    housing: pd.DataFrame | None = None
    programme: Any = None
    plan: pd.DataFrame | None = None
    benchmark_by_use: pd.DataFrame | None = None
    service_reach: pd.DataFrame | None = None
    reach_options: pd.DataFrame | None = None
    reach_demand: gpd.GeoDataFrame | None = None
    column_mapping: pd.DataFrame | None = None

    @property
    def boundary_source(self) -> str:
        """``"official"`` or ``"derived"``."""
        return str(self.districts.attrs.get("boundary_source", "official"))

    def published_assets(self) -> gpd.GeoDataFrame:
        """Assets as they may be published: sensitive agencies generalised."""
        return generalise_sensitive(self.assets)

    def published_opportunities(self) -> gpd.GeoDataFrame:
        """Opportunities with no sensitive asset named as a co-location's largest member."""
        opps = self.opportunities.copy()
        sensitive = self.assets[self.assets[schema.SENSITIVE].fillna(False).astype(bool)]
        if len(sensitive) == 0 or len(opps) == 0:
            return opps
        names = set(sensitive[schema.NAME].dropna().astype(str))
        addresses = set(sensitive[schema.ADDRESS].dropna().astype(str))
        for col, secret in (("largest_name", names), ("largest_address", addresses)):
            if col in opps.columns:
                hit = opps[col].astype("string").isin(secret).fillna(False).astype(bool)
                opps.loc[hit, col] = "Sensitive site (withheld)" if col == "largest_name" else ""
        return opps

    def district_codes(self) -> list[str]:
        """District codes in the study area, in code order."""
        return sorted(self.districts[schema.DISTRICT_CODE].astype(str))


def analyse(
    load: Any,
    districts: gpd.GeoDataFrame,
    *,
    options: BuildOptions | None = None,
    settings: OutputSettings | None = None,
    benchmarks: Any = None,
    sectors: Mapping[str, str] | None = None,
    previous: BuildData | None = None,
    decisions: DecisionRows | None = None,
    lenient: bool = False,
    reach: ReachInputs | None = None,
    executor: Executor | None = None,
    **keywords: Unpack[SettingsKeywords],
) -> Analysis:
    """Run co-location and scoring on loaded assets. Pure: no files are touched.

    Parameters
    ----------
    load
        A :class:`kentassets.load.LoadResult`.
    districts
        District boundaries from :func:`kentassets.load_districts`.
    options
        Build parameters; defaults when ``None``.
    settings, **keywords
        What every output shows (:class:`~kentassets.render.settings.OutputSettings`:
        ``title``, ``data_date``, ``synthetic``, ``sensitive_agencies``, whose
        assets are generalised on published outputs), or, as before, those
        fields as keywords of their own.
    benchmarks
        The :class:`~kentassets.BenchmarkTable` for the estimates (from
        :func:`~kentassets.read_benchmarks`); ``None``: the shipped table.
    sectors
        Agency -> sector from the manifest (others are recognised by name).
    previous
        The previous round's build (:func:`kentassets.io.builds.read_build`):
        co-locations keep its ids (:mod:`kentassets.rounds`) and the analysis
        says what changed since (:mod:`kentassets.rounds.changes`).
    decisions
        Workshop decisions as read (:func:`kentassets.io.decisions.read_decision_rows`),
        checked against this round's ids and carried into the opportunities.
    lenient
        Warn about bad decision rows and ignore them instead of raising.
    reach
        The reach stage's inputs (:func:`kentassets.pipeline.reach.reach_inputs`:
        demand, distance, services); ``None`` skips the stage.
    executor
        Where the reach options are solved (a build's rendering pool); ``None``: here.

    Returns
    -------
    Analysis
        Assets labelled with their clusters (and completed by
        :func:`~kentassets.opportunities.estimates.complete_assets`: estimates marked in
        ``*_source``), co-locations, scored opportunities, sweep, totals,
        benchmark, surplus assets, housing capacity, the parameters used and the
        :class:`~kentassets.rounds.programme.Programme` (round, id register,
        decisions, changes).

    Raises
    ------
    CoordinateSystemError, ValidationError
        As :func:`~kentassets.find_colocations` and
        :func:`~kentassets.score_opportunities`.

    Examples
    --------
    Change one assumption and compare:

    >>> import kentassets as ka
    >>> estate, districts = ka.sample_estate(), ka.load_districts()
    >>> near = ka.analyse(estate, districts, options=ka.BuildOptions(eps_m=100))
    >>> far = ka.analyse(estate, districts, options=ka.BuildOptions(eps_m=500))
    >>> len(far.colocations.colocations) > 0, len(near.colocations.colocations) > 0
    (True, True)
    >>> int(far.assets["colocation_id"].notna().sum()) >= int(
    ...     near.assets["colocation_id"].notna().sum())
    True
    >>> "colocation_id" in estate.assets.columns  # the input is not changed
    False
    """
    from ..colocation import sweep_eps
    from ..opportunities import (
        benchmark_agencies,
        benchmark_agency_uses,
        housing_capacity,
        surplus_assets,
    )
    from ..rounds.ids import carry_round
    from ..rounds.programme import Programme

    s = resolve_settings(settings, keywords, where="analyse")
    options = options or BuildOptions()
    data_date = s.data_date if isinstance(s.data_date, dt.date) else None
    assets = _mark_sensitive(load.assets, s.sensitive_agencies)
    model = reach_stage_model(assets, reach) if reach is not None else None
    # the options solve on the workers while this process clusters, scores and sweeps
    reaching = (start_reach(model, reach, districts, executor=executor)
                if reach is not None and model is not None else None)
    coloc, carry = carry_round(_colocations(assets, options), assets, previous)
    assets[schema.CLUSTER_LABEL] = coloc.labels
    assets[schema.COLOCATION_ID] = coloc.colocation_ids
    assets, opportunities, decided, table = _estimate_and_score(
        coloc, carry, assets, benchmarks=benchmarks, sectors=sectors, options=options,
        data_date=data_date, decisions=decisions, lenient=lenient, reach=model)
    surplus = surplus_assets(assets, benchmarks=table)
    sweep = sweep_eps(assets, eps_values=options.sweep_eps_m, min_assets=options.min_assets,
                      min_agencies=options.min_agencies)
    reached = reaching() if reaching is not None else None
    analysis = Analysis(
        assets=assets,
        ledger=_with_demand_rows(load.ledger, reach),
        load_summary=load.summary(),
        column_mapping=load.column_mapping,
        districts=districts,
        colocations=coloc,
        opportunities=opportunities,
        sweep=sweep,
        totals=_totals(opportunities, decided, options),
        benchmark=benchmark_agencies(assets),
        surplus=surplus,
        params={**_analysis_params(options, opportunities, districts),
                "benchmarks": ", ".join(table.origins), **reach_params(reach, model)},
        title=s.title or "Public estate co-location opportunities",
        data_date=data_date,
        synthetic=s.synthetic,
        sensitive_agencies=s.sensitive_agencies,
        benchmarks=table,
        housing=housing_capacity(surplus),
        programme=Programme(carry, decided),
        benchmark_by_use=benchmark_agency_uses(assets),
        service_reach=reached.service_reach if reached else None,
        reach_options=reached.reach_options if reached else None,
        reach_demand=reached.reach_demand if reached else None,
    )
    return _with_plan(_with_changes(analysis, previous), options)


def _colocations(assets: gpd.GeoDataFrame, options: BuildOptions) -> Any:
    """The co-locations at the build's distance and minimums."""
    from ..colocation import find_colocations

    return find_colocations(assets, eps_m=options.eps_m, min_assets=options.min_assets,
                            min_agencies=options.min_agencies, method=options.method)


def _totals(opportunities: gpd.GeoDataFrame, decided: Any, options: BuildOptions
            ) -> dict[str, Any]:
    """County totals against the savings target, with the programme's progress."""
    from ..opportunities import county_totals
    from ..rounds.decisions import progress

    target, years = options.savings_target_gbp, options.target_years
    totals = county_totals(opportunities, savings_target_gbp=target, target_years=years)
    totals["progress"] = progress(opportunities, decided, savings_target_gbp=target,
                                  target_years=years)
    return totals


def _with_plan(analysis: Analysis, options: BuildOptions) -> Analysis:
    """``analysis`` with its implementation plan and the plan's county trajectory."""
    from ..plan import plan_trajectory
    from .plan import analysis_plan, trajectory_totals

    analysis.plan = analysis_plan(analysis, options)
    analysis.totals["plan"] = trajectory_totals(plan_trajectory(analysis.plan))
    return analysis


def _with_demand_rows(ledger: pd.DataFrame, reach: ReachInputs | None) -> pd.DataFrame:
    """The load ledger followed by the demand tables' rows (each row accounted for)."""
    if reach is None or len(reach.ledger) == 0:
        return ledger
    return pd.concat([ledger, reach.ledger], ignore_index=True)


def _estimate_and_score(
    coloc: Any, carry: Any, assets: gpd.GeoDataFrame, *, benchmarks: Any,
    sectors: Mapping[str, str] | None, options: BuildOptions, data_date: dt.date | None,
    decisions: DecisionRows | None, lenient: bool, reach: Any = None,
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, Any, Any]:
    """Estimates made and marked (issue 14), then the scores with decisions applied.

    Returns the completed assets, the opportunities, the decisions as applied and
    the benchmark table used.
    """
    from ..opportunities import score_opportunities
    from ..opportunities.estimates import complete_assets
    from ..reference.benchmarks import shipped_benchmarks
    from ..rounds.programme import decide

    table = benchmarks if benchmarks is not None else shipped_benchmarks()
    assets = complete_assets(assets, benchmarks=table, sectors=sectors)
    opportunities, decided = decide(
        score_opportunities(coloc, assets, benchmarks=table, reach=reach,
                            **_scoring(options, data_date)),
        carry, decisions, lenient=lenient,
    )
    return assets, opportunities, decided, table


def _with_changes(analysis: Analysis, previous: BuildData | None) -> Analysis:
    """``analysis`` with what changed since the ``previous`` round (as published)."""
    from ..rounds.programme import compare_with_previous

    if previous is not None:
        analysis.programme.changes = compare_with_previous(
            previous, analysis.published_assets(), analysis.published_opportunities(),
            analysis.params, analysis.totals,
        )
    return analysis


def _scoring(options: BuildOptions, data_date: dt.date | None) -> dict[str, Any]:
    """The scoring keywords the build options and the data date give."""
    scoring: dict[str, Any] = {}
    if options.space_standard_m2_per_fte is not None:
        scoring["space_standard_m2_per_fte"] = options.space_standard_m2_per_fte
    if data_date is not None:
        # Lease horizons are judged at the data date, so outputs do not change by day.
        scoring["as_of_date"] = data_date
    return scoring


def _mark_sensitive(assets: gpd.GeoDataFrame, sensitive: frozenset[str]) -> gpd.GeoDataFrame:
    """A copy of ``assets`` with the assets of the ``sensitive`` agencies marked sensitive."""
    assets = assets.copy()
    if sensitive:
        assets[schema.SENSITIVE] = assets[schema.SENSITIVE].fillna(False).astype(bool) | assets[
            schema.AGENCY
        ].isin(sensitive)
    return assets


def _analysis_params(
    options: BuildOptions, opportunities: pd.DataFrame, districts: gpd.GeoDataFrame
) -> dict[str, Any]:
    """Every parameter behind the outputs: the build's, the scoring's and the boundaries'."""
    params: dict[str, Any] = {
        k: v for k, v in asdict(options).items() if k not in ("offline", "paper", "benchmarks")
    }
    params["sweep_eps_m"] = list(options.sweep_eps_m)
    params.update(_scoring_params(opportunities))
    params["boundary_source"] = str(districts.attrs.get("boundary_source", "official"))
    return params


def _scoring_params(opportunities: pd.DataFrame) -> dict[str, Any]:
    params = opportunities.attrs.get("params", {})
    return {str(k): v for k, v in dict(params).items()} if isinstance(params, Mapping) else {}

