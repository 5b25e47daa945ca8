"""Writing an :class:`~kentassets.pipeline.Analysis` into a folder: the tables, the
district maps and PDFs, the atlas, the index and the round's register and changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass, field, replace
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd

from .. import schema
from .._progress import progress as progress_bar
from ..safety import generalise_sensitive, safe_filename
from .analysis import Analysis
from .options import BuildOptions

if TYPE_CHECKING:
    from ..reference.context import MapContext
    from ..render.settings import CountyContent, OutputSettings


def district_file_stem(code: str, name: str) -> str:
    """File name stem for a district's outputs, e.g. ``maidstone``."""
    return safe_filename(name, default=safe_filename(code))


def write_outputs(
    analysis: Analysis,
    folder: str | PathLike[str],
    *,
    options: BuildOptions | None = None,
    progress: bool = True,
    context: MapContext | None = None,
    executor: Executor | None = None,
) -> list[Path]:
    """Write every output of ``analysis`` into ``folder`` (which must exist).

    Parameters
    ----------
    analysis
        The result of :func:`analyse`.
    folder
        An existing folder; files in it with the same names are replaced.
    options
        Rendering options (``offline``, ``paper``); defaults when ``None``.
    progress
        Show a progress bar over the districts.
    context
        The map context drawn under the assets (towns, coast, water, and an OS
        base map's roads); default: the built-in context around the districts.
    executor
        Renders the districts (their HTML maps and PDF pages), e.g. a
        :class:`concurrent.futures.ProcessPoolExecutor` or a ``dask.distributed``
        client's ``get_executor()``; ``None`` renders them here, one by one.
        The files are byte-identical either way.

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    from ..io import outputs
    from ..io.context import study_context
    from ..render.jobs import render_districts
    from ..render.print.atlas import assemble_atlas
    from ..render.print.reach import has_county_reach

    options = options or BuildOptions()
    folder = Path(folder)
    published = Published(analysis, paper=options.paper)
    context = study_context(analysis.districts, context)
    # Submitted first: the districts render while the tables, the atlas frame and the
    # index (which needs only the districts' file names) are made here.
    rendered = render_districts(_district_jobs(published, options, context), executor=executor)
    files = _write_tables(published, folder)
    district_files = _district_file_names(analysis)
    frame = _atlas_frame(published, options=options, context=context)
    index = _write_index(published, folder / "index.html", options=options,
                         district_files=district_files, context=context)
    maps, pages = _write_district_maps(published, folder, rendered, district_files,
                                       progress=progress)
    files.extend(maps)
    codes = [str(c) for c in analysis.districts[schema.DISTRICT_CODE]]
    atlas = outputs.write_bytes_atomic(folder / "atlas.pdf", assemble_atlas(
        frame=frame, district_pages=[pages[c] for c in codes],
        with_plan=analysis.plan is not None,
        county_reach=has_county_reach(analysis.service_reach)))
    files.append(atlas)
    files.append(index)
    files.extend(_write_programme(analysis, folder))
    if analysis.plan is not None:
        from .plan import write_plan

        files.extend(write_plan(analysis.plan, folder, title=analysis.title))
    return files


def _write_programme(analysis: Analysis, folder: Path) -> list[Path]:
    """The co-location id register and, after a previous round, what changed."""
    from ..io.builds import write_register
    from .compare import write_changes

    programme = analysis.programme
    if programme is None:
        return []
    files = [write_register(programme.register, folder)]
    if programme.changes is not None:
        files.extend(write_changes(programme.changes, folder))
    return files


@dataclass(frozen=True)
class Published:
    """An analysis as it may be published, with what every rendered output shows."""

    analysis: Analysis
    paper: str = "A3"
    assets: gpd.GeoDataFrame = field(init=False)
    opportunities: gpd.GeoDataFrame = field(init=False)
    #: What every output prints, made once here and handed to every renderer.
    settings: OutputSettings = field(init=False)

    def __post_init__(self) -> None:
        from ..render.settings import OutputSettings

        a = self.analysis
        object.__setattr__(self, "assets", a.published_assets())
        object.__setattr__(self, "opportunities", a.published_opportunities())
        settings = OutputSettings(
            title=a.title, data_date=a.data_date, synthetic=a.synthetic,
            attribution_year=(a.data_date or dt.date.today()).year,
            boundary_source=a.boundary_source, paper=self.paper,
            sensitive_agencies=frozenset(a.sensitive_agencies))
        object.__setattr__(self, "settings", settings)

    def content(self) -> CountyContent:
        """The county tables the atlas's cover and the index page show."""
        from ..render.settings import CountyContent

        a = self.analysis
        return CountyContent(
            sweep=a.sweep, totals=a.totals, load_summary=a.load_summary, params=a.params,
            params_note=_params_note(a.params), eps_m=float(a.params["eps_m"]),
            decisions_to_review=None if a.programme is None else a.programme.to_review,
            service_reach=a.service_reach, plan=a.plan)


def _write_tables(published: Published, folder: Path) -> list[Path]:
    """The tables and data files: ledger, assets, co-locations, opportunities, sweep..."""
    from ..io import outputs

    a, pub_assets, pub_opps = published.analysis, published.assets, published.opportunities
    files = [outputs.write_csv(a.ledger, folder / "load_ledger.csv")]
    if a.column_mapping is not None:
        files.append(outputs.write_csv(a.column_mapping, folder / "column_mapping.csv"))
    dates = [c for c in (schema.LEASE_END, schema.FM_CONTRACT_END) if c in pub_assets.columns]
    gpkg_assets = pub_assets.drop(columns=dates).assign(
        **{c: pub_assets[c].dt.strftime("%Y-%m-%d") for c in dates}
    )
    stamp = a.data_date or dt.date(2000, 1, 1)
    files.append(
        outputs.write_vector(gpkg_assets, folder / "assets.gpkg", layer="assets", timestamp=stamp)
    )
    colocs = pub_opps[pub_opps[schema.IS_COLOCATION].fillna(False).astype(bool)]
    files.append(
        outputs.write_vector(
            colocs.to_crs(schema.CRS_WGS84),
            folder / "colocations.geojson",
            driver="GeoJSON",
            layer="colocations",
        )
    )
    table = pd.DataFrame(colocs.drop(columns=colocs.geometry.name))
    files.append(outputs.write_csv(_with_params(table, a.params), folder / "colocations.csv"))
    ranked = table.sort_values(["rank"], na_position="last") if "rank" in table else table
    files.append(outputs.write_csv(_with_params(ranked, a.params), folder / "opportunities.csv"))
    files.append(outputs.write_csv(a.sweep, folder / "eps_sweep.csv"))
    files.append(outputs.write_csv(a.benchmark, folder / "agency_benchmark.csv"))
    if a.benchmark_by_use is not None:
        files.append(outputs.write_csv(a.benchmark_by_use,
                                       folder / "agency_benchmark_by_use.csv"))
    surplus = generalise_sensitive(a.surplus) if len(a.surplus) else a.surplus
    files.append(outputs.write_csv(pd.DataFrame(surplus), folder / "surplus_assets.csv"))
    if a.housing is not None:
        files.append(outputs.write_csv(a.housing, folder / "housing_capacity.csv"))
    if a.benchmarks is not None:
        files.append(outputs.write_csv(a.benchmarks.to_frame(), folder / "benchmarks.csv"))
    if a.service_reach is not None:
        files.append(outputs.write_csv(a.service_reach, folder / "service_reach.csv"))
    if a.reach_options is not None:
        files.append(outputs.write_csv(a.reach_options, folder / "reach_options.csv"))
    files.append(
        outputs.write_json({"parameters": a.params, "totals": a.totals}, folder / "parameters.json")
    )
    return files


def _with_params(frame: pd.DataFrame, params: Mapping[str, Any]) -> pd.DataFrame:
    """Append the parameters as ``param_*`` columns, for traceable CSVs."""
    out = pd.DataFrame(frame).copy()
    for key, value in sorted(params.items()):
        out[f"param_{key}"] = (
            ";".join(map(str, value)) if isinstance(value, list | tuple) else value
        )
    return out


def _district_jobs(
    published: Published, options: BuildOptions, context: MapContext
) -> Iterator[Any]:
    """One rendering job per district, in code order (:mod:`kentassets.render.jobs`)."""
    from ..render.jobs import district_jobs

    a = published.analysis
    return district_jobs(
        published.assets, a.districts, published.opportunities, codes=a.district_codes(),
        offline=options.offline, params_note=_params_note(a.params),
        settings=published.settings, context=context, reach=_reach_tables(a), plan=a.plan,
    )


def _reach_tables(analysis: Analysis) -> Any:
    """The reach stage's tables for the renderers, or ``None`` when it did not run."""
    from ..render.jobs import ReachTables

    if analysis.service_reach is None:
        return None
    return ReachTables(analysis.service_reach, analysis.reach_options, analysis.reach_demand)


def _district_file_names(analysis: Analysis) -> dict[str, dict[str, str]]:
    """Each district's HTML map and PDF file names, by district code."""
    names = dict(zip(analysis.districts[schema.DISTRICT_CODE],
                     analysis.districts[schema.DISTRICT_NAME], strict=True))
    stems = {str(code): district_file_stem(str(code), name) for code, name in names.items()}
    return {code: {"html": f"{stem}.html", "pdf": f"{stem}.pdf"} for code, stem in stems.items()}


def _write_district_maps(
    published: Published,
    folder: Path,
    rendered: Iterator[Any],
    district_files: Mapping[str, Mapping[str, str]],
    *,
    progress: bool,
) -> tuple[list[Path], dict[str, tuple[str, bytes]]]:
    """Write each district's HTML map and PDF as it is rendered.

    Returns the files written and each district's atlas bookmark and PDF bytes
    (the atlas takes the same pages: map, reach and plan).
    """
    from ..io import outputs

    files: list[Path] = []
    pages: dict[str, tuple[str, bytes]] = {}
    bar = progress_bar(rendered, enabled=progress, desc="Rendering districts",
                       unit="district", total=len(district_files))
    for result in bar:
        names = district_files[result.code]
        files.append(outputs.write_text_atomic(folder / names["html"], result.html))
        files.append(outputs.write_bytes_atomic(folder / names["pdf"], result.pdf))
        pages[result.code] = (result.name, result.pdf)
    return files, pages


def _atlas_frame(published: Published, *, options: BuildOptions,
                 context: MapContext) -> bytes:
    """The atlas's cover, page numbers and load summary (drawn while districts render)."""
    from ..render.print.atlas import atlas_frame

    a = published.analysis
    return atlas_frame(
        n_districts=len(a.districts), assets=published.assets, districts=a.districts,
        opportunities=published.opportunities, context=context,
        settings=replace(published.settings, paper=options.paper,
                         boundary_source=a.boundary_source),
        content=published.content())


def _write_index(
    published: Published,
    path: Path,
    *,
    options: BuildOptions,
    district_files: Mapping[str, Mapping[str, str]],
    context: MapContext,
) -> Path:
    """The county index page linking every district's map and PDF."""
    from ..io import outputs
    from ..render.web import index as index_render

    a = published.analysis
    html = index_render.index_html(
        districts=a.districts,
        opportunities=published.opportunities,
        district_files=district_files,
        offline=options.offline,
        context=context,
        settings=published.settings,
        content=published.content(),
    )
    return outputs.write_text_atomic(path, html)


def _params_note(params: Mapping[str, Any]) -> str:
    parts = [f"eps {params.get('eps_m'):g} m", f"min agencies {params.get('min_agencies')}"]
    if params.get("space_standard_m2_per_fte") is not None:
        parts.append(f"space standard {params['space_standard_m2_per_fte']:g} m\u00b2/FTE")
    return ", ".join(parts)

