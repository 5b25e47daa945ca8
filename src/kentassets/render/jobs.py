"""District rendering jobs: one district's HTML map and PDF page, anywhere.

A build renders each district independently, so the districts can be spread
over the cores of one machine or the workers of a cluster. :func:`district_jobs`
cuts the published estate into one small, picklable :class:`DistrictJob` per
district: the district's assets and the members of its co-locations, its
co-locations, every district (for the neighbours), and what every page
shares (agency styles, sensitive names), and the district's rows of the
implementation plan. :func:`render_district` turns a job into a
:class:`DistrictOutputs` (the HTML text, the PDF bytes and the bytes of the
atlas's plan page), drawing each page once; :func:`render_districts` runs the
jobs in order, serially or on any :class:`concurrent.futures.Executor` (a process
pool, or the executor of a ``dask.distributed`` client). Whatever runs them, the
outputs are byte-identical: every job carries everything its pages show.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future
from dataclasses import dataclass, replace
from itertools import islice
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import schema
from .._gc import fewer_collections
from ._reach import DistrictReach, district_reach, reach_positions, sensitive_services
from .print.atlas import district_page_pdf
from .print.layout import DRAWING, boundary_source_of
from .print.pages import PageOptions
from .print.prepare import Common, prepare_district, shared_print_data
from .web.values import DISTRICT_CODES, agency_list

if TYPE_CHECKING:
    from ..plan import Trajectory
    from ..reference.context import MapContext
    from .settings import OutputSettings

logger = logging.getLogger(__name__)

__all__ = [
    "DistrictJob",
    "DistrictOutputs",
    "DistrictPlan",
    "ReachTables",
    "district_jobs",
    "import_renderers",
    "render_district",
    "render_districts",
    "warm_up_renderer",
]


@dataclass(frozen=True)
class DistrictJob:
    """Everything one district's map and page show, and nothing more.

    Parameters
    ----------
    code
        ONS code of the district.
    assets
        The district's published assets, and the members of its co-locations
        that lie in other districts.
    districts
        Every district of the study area (the maps show the neighbours; the
        frame is small next to the assets).
    opportunities
        The co-locations in (or straddling) the district.
    print_common
        What the print pages share (styles, abbreviations, sensitive names),
        with the district's co-locations.
    estate_agencies
        Every agency of the estate, for the web map's colours.
    settings
        What every output prints (the build's one record).
    offline, context
        As for :func:`kentassets.render.web.district_map`.
    page
        The print page's options.
    reach
        The district's service reach (its rows of the reach tables and its
        demand points), or ``None`` when the reach stage did not run.
    plan
        The district's plan page: its project rows of the implementation plan
        and the county trajectory, or ``None`` when the build has no plan.
    """

    code: str
    assets: gpd.GeoDataFrame
    districts: gpd.GeoDataFrame
    opportunities: gpd.GeoDataFrame
    print_common: Common
    estate_agencies: frozenset[str]
    settings: OutputSettings
    offline: bool
    context: MapContext | None
    page: PageOptions
    reach: DistrictReach | None = None
    plan: DistrictPlan | None = None


@dataclass(frozen=True)
class DistrictPlan:
    """What a district's "Implementation plan" page shows.

    Parameters
    ----------
    projects
        The district's project rows of the plan (:func:`kentassets.implementation_plan`).
    trajectory
        The county's (:func:`kentassets.plan.plan_trajectory`): the plan years.
    """

    projects: pd.DataFrame
    trajectory: Trajectory


@dataclass(frozen=True)
class ReachTables:
    """The reach stage's tables (``Analysis.service_reach`` and so on), for the jobs."""

    service_reach: pd.DataFrame
    reach_options: pd.DataFrame | None
    reach_demand: gpd.GeoDataFrame | None


@dataclass(frozen=True)
class DistrictOutputs:
    """One district's outputs: its name (the atlas bookmark), HTML page and PDF bytes
    (its map page, its reach page and its plan page when there are)."""

    code: str
    name: str
    html: str
    pdf: bytes


def _positions(keys: pd.Series) -> dict[str, np.ndarray]:
    """Row positions (ascending) of each non-empty key, from one grouping."""
    text = keys.astype("string").fillna("").to_numpy(dtype=object)
    groups = pd.Series(np.arange(len(text))).groupby(text).indices
    return {str(k): np.asarray(v) for k, v in groups.items() if k != ""}


def _opportunity_rows(opportunities: pd.DataFrame) -> dict[str, np.ndarray]:
    """Per district, the positions of the co-locations in (or straddling) it.

    The rows ``web.layers._in_district`` selects, for every district in one pass
    instead of one scan of the table per district.
    """
    if not len(opportunities):
        return {}
    own = opportunities[schema.DISTRICT_CODE].astype("string").fillna("")
    lists = [[c] for c in own]
    if DISTRICT_CODES in opportunities.columns:
        extra = opportunities[DISTRICT_CODES].astype("string").fillna("").str.split(";")
        lists = [first + [c.strip() for c in more] for first, more in zip(lists, extra,
                                                                           strict=True)]
    keep = np.ones(len(opportunities), dtype=bool)
    if schema.IS_COLOCATION in opportunities.columns:
        keep = opportunities[schema.IS_COLOCATION].fillna(False).astype(bool).to_numpy()
    pairs = pd.DataFrame({"code": lists, "row": np.arange(len(lists))})[keep].explode("code")
    pairs = pairs[pairs["code"].astype(str) != ""].drop_duplicates()
    return {str(code): np.sort(rows.to_numpy(dtype=np.int64))
            for code, rows in pairs.groupby("code")["row"]}


def _job_frames(
    code: str, assets: gpd.GeoDataFrame, opportunities: gpd.GeoDataFrame,
    index: tuple[dict[str, np.ndarray], dict[str, np.ndarray], dict[str, np.ndarray]],
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """The job's assets and co-locations (rows in the estate's order).

    ``index`` holds the asset positions by district and by co-location id and
    the co-location rows by district, each made once for all the jobs.
    """
    by_district, by_colocation, opportunity_rows = index
    none = np.empty(0, dtype=np.int64)
    rows = opportunity_rows.get(code, none)
    opps = opportunities.iloc[rows]
    ids = opps[schema.COLOCATION_ID].dropna().astype(str) if len(opps) else []
    members = [by_colocation.get(i, none) for i in ids]
    keep = np.unique(np.concatenate([by_district.get(code, none), *members]))
    sub = assets.iloc[keep]
    # The renderers read no attrs of these (only the districts'), and pandas
    # deep-copies attrs on every operation: a job carries none.
    sub.attrs, opps.attrs = {}, {}
    return sub, opps


def district_jobs(
    assets: gpd.GeoDataFrame,
    districts: gpd.GeoDataFrame,
    opportunities: gpd.GeoDataFrame,
    *,
    codes: Sequence[str],
    offline: bool,
    params_note: str | None,
    settings: OutputSettings,
    context: MapContext | None = None,
    max_insets: int = 2,
    reach: ReachTables | None = None,
    plan: pd.DataFrame | None = None,
) -> Iterator[DistrictJob]:
    """One job per district code, in the order of ``codes``, each made when asked for.

    Parameters
    ----------
    assets, opportunities
        The published assets and opportunities of the whole estate.
    districts
        Every district of the study area.
    codes
        The districts to render.
    offline, params_note
        Rendering options (:class:`~kentassets.BuildOptions`).
    settings
        What every output prints (title, data date, paper...), built once per build.
    context
        The map context of the study area, already read
        (``kentassets.io.context.study_context``); ``None`` draws none.
    max_insets
        Most inset maps on a print page.
    reach
        The reach stage's tables; each job carries its district's cut of them.
        ``None``: the stage did not run, and no page shows anything about reach.
    plan
        The implementation plan (:func:`kentassets.implementation_plan`); each job
        carries its district's rows, and draws the district's plan page of the
        atlas. ``None``: no plan page.

    Yields
    ------
    DistrictJob
    """
    from ..reference.context import study_area_context

    if context is not None:  # as district_pdf and district_map cut it
        context = study_area_context(districts, context)
    shared = shared_print_data(assets, opportunities, settings.sensitive_agencies)
    page = PageOptions(
        title=settings.title, data_date=settings.data_date, synthetic=settings.synthetic,
        params_note=params_note, attribution_year=settings.attribution_year,
        boundary_source=boundary_source_of(districts, settings.boundary_source),
        max_insets=max_insets, context=context)
    estate_agencies = frozenset(agency_list(assets))
    coloc_ids = (assets[schema.COLOCATION_ID] if schema.COLOCATION_ID in assets.columns
                 else pd.Series(pd.NA, index=assets.index, dtype="string"))
    index = (_positions(assets[schema.DISTRICT_CODE]), _positions(coloc_ids),
             _opportunity_rows(opportunities))
    print_rows = _positions(shared.colocations[schema.DISTRICT_CODE]) if len(
        shared.colocations) else {}
    demand_rows = reach_positions(reach.reach_demand) if reach is not None else {}
    withheld = sensitive_services(assets)  # distances to a sensitive site are not mapped
    plans = _district_plans(plan)
    for code in codes:
        sub, opps = _job_frames(code, assets, opportunities, index)
        mine = replace(shared, colocations=shared.colocations.iloc[
            print_rows.get(code, np.empty(0, dtype=np.int64))])
        yield DistrictJob(
            code=code, assets=sub, districts=districts, opportunities=opps, print_common=mine,
            estate_agencies=estate_agencies,
            settings=settings, offline=offline, context=context, page=page,
            reach=None if reach is None else district_reach(
                reach.service_reach, reach.reach_options, reach.reach_demand, code=code,
                demand_rows=demand_rows.get(code, np.empty(0, dtype=np.int64)),
                withheld=withheld),
            plan=plans(code))


def _district_plans(plan: pd.DataFrame | None) -> Callable[[str], DistrictPlan | None]:
    """Each district's :class:`DistrictPlan`, by code (``None`` throughout without a plan)."""
    if plan is None:
        return lambda code: None
    from ..plan import district_projects, plan_trajectory

    trajectory = plan_trajectory(plan)

    def of(code: str) -> DistrictPlan:
        projects = district_projects(plan, code)
        projects.attrs = {}  # the page reads none; a job carries only its rows
        return DistrictPlan(projects=projects, trajectory=trajectory)

    return of


def import_renderers() -> None:
    """Import every module :func:`render_district` imports when it first runs.

    The renderers import matplotlib's PDF backend, the font subsetter, folium,
    branca, the offline Leaflet packages and the scale bar lazily, so that
    analysis alone never pays for them; a process that renders imports them
    here, once.
    """
    import branca.colormap  # noqa: F401
    import folium  # noqa: F401
    import fontTools.subset  # noqa: F401
    import matplotlib.backends.backend_pdf  # noqa: F401
    import matplotlib_scalebar.scalebar  # noqa: F401
    import pypdf  # noqa: F401
    import xstatic.pkg.leaflet
    import xstatic.pkg.leaflet_markercluster  # noqa: F401

    from . import web as webmap  # noqa: F401


def warm_up_renderer() -> None:
    """Pay a rendering process's one-off costs: imports, fonts, page and map templates.

    The first district a fresh process renders takes about 0.5 s longer than
    the next (imports, font loading, folium's templates compiled). A worker
    pool started ahead of the rendering runs this in each worker
    (:func:`kentassets.pipeline.pool.renderers`), on the cores that are idle
    while the registers load, so no district pays it.
    """
    import folium

    from .print.layout import new_page, rc
    from .print.write import figure_pdf_bytes

    import_renderers()
    with rc():
        page = new_page("A4")
        page.text(10, 10, "Warm-up 0123456789 £ – ≈ …", fontsize=8)
        page.text(10, 20, "Warm-up", fontsize=8, fontweight="bold")
        figure_pdf_bytes(page.fig)
    fmap = folium.Map(location=(51.2, 0.7), zoom_start=9, tiles=None)
    folium.GeoJson({"type": "Point", "coordinates": [0.7, 51.2]}).add_to(fmap)
    folium.LayerControl().add_to(fmap)
    fmap.get_root().render()


def render_district(job: DistrictJob) -> DistrictOutputs:
    """Draw one district's HTML map and PDF page (once); return their text and bytes.

    A module-level function of one picklable argument, so any executor can run
    it in another process or on another machine.
    """
    from . import style
    from .web import district_map, map_html

    # DRAWING: threads of one process render one district at a time, as matplotlib's
    # settings and caches are the process's (processes and cluster workers each have theirs).
    with fewer_collections(), DRAWING:  # also where an executor runs it elsewhere
        fmap = district_map(job.assets, job.districts, job.opportunities,
                            district_code=job.code, estate_agencies=job.estate_agencies,
                            reach=job.reach, settings=job.settings, offline=job.offline,
                            context=job.context)
        html = map_html(fmap)
        assets = style.with_districts(job.assets, job.districts)
        data = prepare_district(assets, job.districts, job.code, job.print_common)
        plan = None if job.plan is None else (job.plan.projects, job.plan.trajectory)
        pdf = district_page_pdf(data, paper=job.settings.paper, options=job.page,
                                reach=job.reach, plan=plan)
    return DistrictOutputs(code=job.code, name=data.name, html=html, pdf=pdf)


def _submit_largest_first(
    executor: Executor, jobs: Sequence[DistrictJob]
) -> list[Future[DistrictOutputs]]:
    """Submit ``jobs`` most assets first; return their futures in the order of ``jobs``.

    The largest districts start first, so the build does not end waiting on one
    large district that started last while the other workers idle. The results
    are still collected in job order, so the outputs do not depend on it.
    """
    futures: dict[int, Future[DistrictOutputs]] = {}
    for i in sorted(range(len(jobs)), key=lambda i: (-len(jobs[i].assets), i)):
        futures[i] = executor.submit(render_district, jobs[i])
    return [futures[i] for i in range(len(jobs))]


def render_districts(
    jobs: Iterable[DistrictJob], *, executor: Executor | None = None, in_flight: int = 32
) -> Iterator[DistrictOutputs]:
    """Render the jobs; return an iterator over their outputs, in job order.

    Parameters
    ----------
    jobs
        From :func:`district_jobs` (a list, or an iterator that makes each job
        when it is needed).
    executor
        Any :class:`concurrent.futures.Executor`. The first ``in_flight`` jobs
        are submitted before this returns, so the caller can do other work while
        they run; iterating waits for each result in turn and submits the next
        job, so at most ``in_flight`` jobs and their results are held at once
        (a national build has hundreds). ``None`` renders in this process, one
        job at a time as the iterator is advanced.
    in_flight
        Most jobs submitted and not yet collected.
    """
    if executor is None:
        return map(render_district, jobs)
    pending = iter(jobs)
    window: deque[Future[DistrictOutputs]] = deque(_submit_largest_first(
        executor, list(islice(pending, max(1, in_flight)))))

    def results() -> Iterator[DistrictOutputs]:
        while window:
            done = window.popleft().result()
            for job in islice(pending, 1):
                window.append(executor.submit(render_district, job))
            yield done

    return results()
