"""The service reach stage in a build: its inputs read first, then the pure analysis.

:func:`reach_inputs` reads what the stage needs from disk (the default demand from
the postcode directory and the shipped population table, the manifest's
``[[demand]]`` tables with their ledger rows, the base map's roads for network
distance); :func:`start_reach` is pure (the reach table, the options, solved on
the rendering workers while the build goes on, and the demand points with their
distances).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from functools import partial
from os import PathLike
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import schema
from ..reach.columns import DEFAULT_SERVICES, DEFAULT_THRESHOLDS_M, NETWORK, STRAIGHT
from ..reach.options import DEFAULT_BUDGET_S, DEFAULT_OPTIONS_BUDGET_S, DEFAULT_TIME_LIMIT_S
from .options import BuildOptions
from .pool import default_jobs

if TYPE_CHECKING:
    from ..io.manifest import Manifest
    from ..io.postcodes import PostcodeDirectory
    from ..reach import DistanceEngine, ReachModel
    from ..reach.options import OptionInput

logger = logging.getLogger(__name__)

#: Margin (m) around the study area's box for the roads read: a resident near the
#: boundary may reach a site by a road that leaves the area for a while.
ROAD_MARGIN_M = 5_000.0


@dataclass(frozen=True)
class ReachInputs:
    """What the reach stage reads before the analysis.

    Attributes
    ----------
    demand
        The demand in force (default estimate and the manifest's tables).
    ledger
        Ledger rows of the demand tables (empty without tables).
    engine
        The distance engine (straight line, or a road network).
    services, thresholds_m, options_m
        What is measured, the shares' distances and the options' distance.
    options_budget_s
        Seconds of proving the options may take (per worker process).
    """

    demand: gpd.GeoDataFrame
    ledger: pd.DataFrame
    engine: DistanceEngine
    services: tuple[str, ...]
    thresholds_m: tuple[float, ...]
    options_m: float
    options_budget_s: float = DEFAULT_OPTIONS_BUDGET_S


def reach_settings(options: BuildOptions, spec: Manifest | None) -> tuple[bool, str]:
    """Whether the stage runs and the distance method (options win over the manifest)."""
    manifest_reach = getattr(spec, "reach", None)
    runs = options.reach and manifest_reach is not False
    method = options.reach_distance or getattr(spec, "reach_distance", None) or STRAIGHT
    return runs, method


def reach_inputs(
    options: BuildOptions,
    spec: Manifest | None,
    *,
    study_area: Sequence[str],
    districts: gpd.GeoDataFrame,
    postcodes: PostcodeDirectory,
    basemap: str | PathLike[str] | None = None,
) -> ReachInputs | None:
    """Read the reach stage's inputs, or ``None`` when the stage is switched off.

    Raises
    ------
    KentAssetsError
        A demand table that cannot be read, or network distance without roads.
    """
    from ..load import read_demand
    from ..reach import combine_demand, default_demand

    runs, method = reach_settings(options, spec)
    if not runs:
        return None
    loads = [read_demand(d.path, count=d.count, service=d.service, columns=d.columns,
                         crs=d.crs, sheet=d.sheet, header_row=d.header_row,
                         encoding=d.encoding, delimiter=d.delimiter, postcodes=postcodes,
                         districts=districts, study_area=study_area,
                         source_name=d.source_name)
             for d in getattr(spec, "demand", ())]
    everyone = any(d.service in (None, schema.ALL_SERVICES) for d in getattr(spec, "demand", ()))
    default = None if everyone else default_demand(study_area=study_area, postcodes=postcodes)
    ledger = pd.concat([x.ledger for x in loads], ignore_index=True) if loads else (
        schema.empty_ledger())
    return ReachInputs(
        demand=combine_demand(default, [x.demand for x in loads]), ledger=ledger,
        engine=_engine(method, districts, basemap or getattr(spec, "basemap", None)),
        services=options.reach_services or getattr(spec, "reach_services", None)
        or DEFAULT_SERVICES,
        thresholds_m=options.reach_thresholds_m or getattr(spec, "reach_thresholds_m", None)
        or DEFAULT_THRESHOLDS_M,
        options_m=options.reach_options_m,
        options_budget_s=options.reach_options_budget_s,
    )


def _engine(method: str, districts: gpd.GeoDataFrame,
            basemap: str | PathLike[str] | None) -> DistanceEngine:
    """Straight-line distance, or the road network of the base map."""
    from ..errors import ValidationError
    from ..io.basemap import read_road_lines
    from ..reach import RoadNetwork, StraightLine

    if method != NETWORK:
        return StraightLine()
    if basemap is None:
        raise ValidationError(
            "reach_distance = 'network' needs road data: give an OS Open Roads, OpenMap "
            "Local or Zoomstack GeoPackage with --basemap (or basemap in the manifest), or "
            "use straight-line distance."
        )
    minx, miny, maxx, maxy = (float(v) for v in districts.total_bounds)
    box = (minx - ROAD_MARGIN_M, miny - ROAD_MARGIN_M, maxx + ROAD_MARGIN_M,
           maxy + ROAD_MARGIN_M)
    roads = read_road_lines(basemap, box)
    return RoadNetwork.from_lines(roads.geometry.to_numpy())


@dataclass
class ReachResult:
    """The reach stage's results (the model, for the scoring, and the tables)."""

    model: ReachModel
    service_reach: pd.DataFrame
    reach_options: pd.DataFrame | None
    reach_demand: gpd.GeoDataFrame


def reach_stage_model(assets: gpd.GeoDataFrame, inputs: ReachInputs) -> ReachModel:
    """Today's reach of the loaded assets (pure)."""
    from ..reach import reach_model

    return reach_model(assets, inputs.demand, services=inputs.services,
                       thresholds_m=inputs.thresholds_m, engine=inputs.engine)


def start_reach(model: ReachModel, inputs: ReachInputs, districts: gpd.GeoDataFrame, *,
                executor: Executor | None = None) -> Callable[[], ReachResult]:
    """Start the reach analysis; the returned function waits for it and gives the result.

    The options are solved on ``executor`` when given (the rendering workers,
    idle while the analysis runs), so the caller can go on with its own work
    meanwhile; else they are solved here, before this returns.
    """
    from ..reach.options import option_inputs

    codes = sorted(districts[schema.DISTRICT_CODE].astype(str))
    options = submit_option_inputs(option_inputs(model, codes=codes), engine=model.engine,
                                   threshold_m=inputs.options_m, method=model.method,
                                   executor=executor, total_budget_s=inputs.options_budget_s)

    def result() -> ReachResult:
        from ..reach.table import reach_table

        names = dict(zip(districts[schema.DISTRICT_CODE].astype(str),
                         districts[schema.DISTRICT_NAME].astype(str), strict=True))
        table = reach_table(model, codes=codes, names=names, thresholds_m=model.thresholds_m)
        demand = model.demand_with_distances()
        solved = options()
        unproven = int((solved["solve_status"] != "optimal").sum())
        if unproven:
            logger.warning(
                "Reach options: %d of %d rows are the best found, not proven optimal, "
                "within the time given (solve_status 'time_limit'); give more with "
                "--reach-options-budget (now %g s).", unproven, len(solved),
                inputs.options_budget_s)
        return ReachResult(model, table, solved, demand)

    return result


def solve_option_problems(inputs: Sequence[OptionInput], *, engine: DistanceEngine,
                          threshold_m: float, method: str, executor: Executor | None = None,
                          time_limit_s: float = DEFAULT_TIME_LIMIT_S,
                          budget_s: float = DEFAULT_BUDGET_S,
                          total_budget_s: float = DEFAULT_OPTIONS_BUDGET_S) -> pd.DataFrame:
    """Solve the options here, or spread over ``executor``'s workers.

    Each worker groups its inputs' clients and solves them, with
    ``total_budget_s`` of proving; the inputs are dealt out largest first to the
    least loaded worker, and the table keeps the inputs' order. The limits are
    :func:`~kentassets.reach.options.solve_options`'s.
    """
    return submit_option_inputs(inputs, engine=engine, threshold_m=threshold_m, method=method,
                                executor=executor, time_limit_s=time_limit_s,
                                budget_s=budget_s, total_budget_s=total_budget_s)()


def submit_option_inputs(inputs: Sequence[OptionInput], *, engine: DistanceEngine,
                         threshold_m: float, method: str, executor: Executor | None = None,
                         time_limit_s: float = DEFAULT_TIME_LIMIT_S,
                         budget_s: float = DEFAULT_BUDGET_S,
                         total_budget_s: float = DEFAULT_OPTIONS_BUDGET_S
                         ) -> Callable[[], pd.DataFrame]:
    """:func:`solve_option_problems` started: the returned function waits for the table."""
    from ..reach.options import solve_option_inputs

    solve = partial(solve_option_inputs, engine=engine, threshold_m=threshold_m,
                    method=method, time_limit_s=time_limit_s, budget_s=budget_s,
                    total_budget_s=total_budget_s)
    if executor is None or len(inputs) < 2:
        table = solve(inputs)
        return lambda: table
    n = min(len(inputs), default_jobs())
    shares: list[list[int]] = [[] for _ in range(n)]
    load = np.zeros(n)
    for i in sorted(range(len(inputs)), key=lambda i: -inputs[i].size):
        w = int(np.argmin(load))
        shares[w].append(i)
        load[w] += inputs[i].size
    parts = [executor.submit(solve, [inputs[i] for i in sorted(share)]) for share in shares]

    def gather() -> pd.DataFrame:
        table = pd.concat([part.result() for part in parts], ignore_index=True)
        order = {(p.district_code, p.service): i for i, p in enumerate(inputs)}
        rank = [order[(c, s)] for c, s in zip(table[schema.DISTRICT_CODE], table["service"],
                                              strict=True)]
        keys = np.lexsort((table["k"].to_numpy(), np.array(rank)))
        return table.iloc[keys].reset_index(drop=True)

    return gather


def reach_params(inputs: ReachInputs | None, model: Any) -> dict[str, Any]:
    """The reach parameters recorded beside the outputs."""
    if inputs is None:
        return {"reach": False}
    return {"reach": True, "reach_distance": model.method,
            "reach_services": list(inputs.services),
            "reach_thresholds_m": list(inputs.thresholds_m),
            "reach_options_m": inputs.options_m,
            "reach_options_budget_s": inputs.options_budget_s}
