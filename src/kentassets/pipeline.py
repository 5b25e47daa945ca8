"""The whole job in one call: load, place, cluster, score, render, write.

:func:`analyse` is pure (frames in, an :class:`Analysis` out); :func:`write_outputs`
writes an :class:`Analysis` into a folder; :func:`build` and :func:`demo` compose
them with the readers and the atomic output folder. The CLI calls these.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Executor
from dataclasses import asdict, dataclass, field
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd

from . import schema
from ._progress import Stages
from ._progress import progress as progress_bar
from .errors import ValidationError
from .load import LoadResult
from .safety import generalise_sensitive, safe_filename

if TYPE_CHECKING:
    from .context import MapContext
    from .decisions import DecisionRows
    from .io.builds import BuildData
    from .io.manifest import Manifest
    from .io.postcodes import PostcodeDirectory

logger = logging.getLogger(__name__)

PAPERS = ("A3", "A4")


@dataclass(frozen=True)
class BuildOptions:
    """Parameters of a build that travel together.

    Parameters
    ----------
    eps_m
        DBSCAN neighbourhood distance in metres (1 to 10,000).
    min_assets
        Smallest number of locations that form a cluster.
    min_agencies
        Distinct agencies a cluster needs to count as a co-location.
    method
        ``"dbscan"`` (default) or ``"hdbscan"``.
    sweep_eps_m
        Distances for the sensitivity sweep shown in the atlas and notebooks.
    savings_target_gbp
        The partnership's savings target over ``target_years``.
    target_years
        Length of the savings target period, years.
    space_standard_m2_per_fte
        Office space standard; ``None`` uses the scoring default.
    offline
        Write self-contained HTML maps that make no network request.
    paper
        ``"A3"`` or ``"A4"`` for the PDF maps.
    benchmarks
        A TOML file overriding rows of the shipped benchmark table (typical floor
        areas, costs; see ``kentassets benchmarks template``); it wins over the
        manifest's ``benchmarks``. ``None``: the manifest's, else the shipped table.

    Raises
    ------
    ValidationError
        When a value is out of its range (the message states the range): the
        clustering values as :class:`~kentassets.ClusterParams`, the space
        standard as :class:`~kentassets.ScoringParams`, ``paper``, a negative
        savings target or ``target_years`` below 1.

    Examples
    --------
    >>> import kentassets as ka
    >>> options = ka.BuildOptions(eps_m=500, paper="A4")
    >>> options.eps_m, options.min_agencies
    (500.0, 2)
    >>> analysis = ka.analyse(ka.sample_estate(), ka.load_districts(), options=options)
    >>> analysis.params["eps_m"]
    500.0
    >>> ka.BuildOptions(paper="A5")
    Traceback (most recent call last):
    ...
    kentassets.errors.ValidationError: paper='A5': choose one of A3, A4.
    """

    eps_m: float = 250.0
    min_assets: int = 2
    min_agencies: int = 2
    method: str = "dbscan"
    sweep_eps_m: tuple[float, ...] = (50.0, 100.0, 250.0, 500.0, 1000.0)
    savings_target_gbp: float = 10_000_000.0
    target_years: int = 4
    space_standard_m2_per_fte: float | None = None
    offline: bool = False
    paper: str = "A3"
    benchmarks: str | None = None

    def __post_init__(self) -> None:
        from .colocation import ClusterParams
        from .opportunities import ScoringParams

        if not 1.0 <= float(self.eps_m) <= 10_000.0:
            raise ValidationError(
                f"eps_m={self.eps_m}: the co-location distance must be between 1 and "
                "10,000 metres (250 is the default)."
            )
        # The stage parameters check their own ranges, with messages that state them.
        ClusterParams(
            eps_m=self.eps_m,
            min_assets=self.min_assets,
            min_agencies=self.min_agencies,
            method=self.method,
        )
        for eps in self.sweep_eps_m:
            ClusterParams(eps_m=eps)
        if self.space_standard_m2_per_fte is not None:
            ScoringParams(space_standard_m2_per_fte=self.space_standard_m2_per_fte)
        if self.paper not in PAPERS:
            raise ValidationError(f"paper={self.paper!r}: choose one of {', '.join(PAPERS)}.")
        if not self.savings_target_gbp > 0 or not 1 <= self.target_years <= 50:
            raise ValidationError(
                "savings_target_gbp must be above 0 and target_years between 1 and 50 "
                f"(got {self.savings_target_gbp}, {self.target_years})."
            )
        # Store numbers as floats whatever the caller passed (eps_m=500 -> 500.0).
        object.__setattr__(self, "eps_m", float(self.eps_m))
        object.__setattr__(self, "savings_target_gbp", float(self.savings_target_gbp))
        object.__setattr__(self, "sweep_eps_m", tuple(float(e) for e in self.sweep_eps_m))


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
        changed since the previous round (:class:`kentassets.programme.Programme`).

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


@dataclass
class BuildReport:
    """What a build wrote, and the analysis behind it.

    Returned by :func:`build` and :func:`demo`; ``str(report)`` is the summary
    the CLI prints.

    Parameters
    ----------
    out_dir
        The output folder.
    files
        Every file written, inside ``out_dir``.
    analysis
        The :class:`Analysis` the files were made from.

    Examples
    --------
    >>> from pathlib import Path
    >>> import kentassets as ka
    >>> analysis = ka.analyse(ka.sample_estate(), ka.load_districts())
    >>> report = ka.BuildReport(out_dir=Path("outputs"), files=[], analysis=analysis)
    >>> str(report).splitlines()[0]
    'Wrote 0 files to outputs'
    >>> "co-locations at 250 m" in str(report)
    True
    """

    out_dir: Path
    files: list[Path]
    analysis: Analysis

    def __str__(self) -> str:
        a = self.analysis
        ledger = a.ledger[schema.LEDGER_STATUS].value_counts()
        n_coloc = int(a.opportunities.get(schema.IS_COLOCATION, pd.Series(dtype=bool)).sum())
        lines = [
            f"Wrote {len(self.files)} files to {self.out_dir}",
            f"  rows: {len(a.ledger)} read, {int(ledger.get(schema.LOADED, 0))} loaded, "
            f"{int(ledger.get(schema.EXCLUDED, 0))} excluded, "
            f"{int(ledger.get(schema.REJECTED, 0))} rejected (see load_ledger.csv)",
            f"  co-locations at {a.params.get('eps_m'):g} m: {n_coloc}",
            *_round_lines(a, self.out_dir),
            f"  open {self.out_dir / 'index.html'} in a web browser; "
            f"print {self.out_dir / 'atlas.pdf'} for workshops",
        ]
        return "\n".join(lines)


def _round_lines(analysis: Analysis, out_dir: Path) -> list[str]:
    """The summary lines about the round: ids kept, decisions to review, changes."""
    programme = analysis.programme
    if programme is None or programme.round_number == 1:
        return []
    lines = [f"  round {programme.round_number}: {programme.carry.share_kept():.0%} of the "
             f"previous round's co-location ids kept; what changed: {out_dir / 'changes.html'}"]
    if len(programme.to_review):
        lines.append(f"  {len(programme.to_review)} decisions to review (ids merged or "
                     "retired): see index.html")
    return lines


def analyse(
    load: Any,
    districts: gpd.GeoDataFrame,
    *,
    options: BuildOptions | None = None,
    title: str | None = None,
    data_date: dt.date | None = None,
    synthetic: bool = False,
    sensitive_agencies: Iterable[str] = (),
    benchmarks: Any = None,
    sectors: Mapping[str, str] | None = None,
    previous: BuildData | None = None,
    decisions: DecisionRows | None = None,
    lenient: bool = False,
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
    title, data_date, synthetic
        Shown on every output.
    sensitive_agencies
        Agencies whose assets are generalised on published outputs.
    benchmarks
        The :class:`~kentassets.BenchmarkTable` for the estimates (from
        :func:`~kentassets.read_benchmarks`); ``None``: the shipped table.
    sectors
        Agency -> sector from the manifest (others are recognised by name).
    previous
        The previous round's build (:func:`kentassets.io.builds.read_build`):
        co-locations keep its ids (:mod:`kentassets.rounds`) and the analysis
        says what changed since (:mod:`kentassets.changes`).
    decisions
        Workshop decisions as read (:func:`kentassets.io.decisions.read_decision_rows`),
        checked against this round's ids and carried into the opportunities.
    lenient
        Warn about bad decision rows and ignore them instead of raising.

    Returns
    -------
    Analysis
        Assets labelled with their clusters (and completed by
        :func:`~kentassets.estimates.complete_assets`: estimates marked in
        ``*_source``), co-locations, scored opportunities, sweep, totals,
        benchmark, surplus assets, housing capacity, the parameters used and the
        :class:`~kentassets.programme.Programme` (round, id register,
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
    from .colocation import find_colocations, sweep_eps
    from .decisions import progress
    from .opportunities import benchmark_agencies, county_totals, housing_capacity, surplus_assets
    from .programme import Programme
    from .rounds import carry_round

    options = options or BuildOptions()
    sensitive = frozenset(sensitive_agencies)
    assets = _mark_sensitive(load.assets, sensitive)
    coloc = find_colocations(
        assets,
        eps_m=options.eps_m,
        min_assets=options.min_assets,
        min_agencies=options.min_agencies,
        method=options.method,
    )
    coloc, carry = carry_round(coloc, assets, previous)
    assets[schema.CLUSTER_LABEL] = coloc.labels
    assets[schema.COLOCATION_ID] = coloc.colocation_ids
    assets, opportunities, decided, table = _estimate_and_score(
        coloc, carry, assets, benchmarks=benchmarks, sectors=sectors, options=options,
        data_date=data_date, decisions=decisions, lenient=lenient)
    surplus = surplus_assets(assets, benchmarks=table)
    sweep = sweep_eps(assets, eps_values=options.sweep_eps_m, min_assets=options.min_assets,
                      min_agencies=options.min_agencies)
    target, years = options.savings_target_gbp, options.target_years
    totals = county_totals(opportunities, savings_target_gbp=target, target_years=years)
    totals["progress"] = progress(opportunities, decided, savings_target_gbp=target,
                                  target_years=years)
    analysis = Analysis(
        assets=assets,
        ledger=load.ledger,
        load_summary=load.summary(),
        districts=districts,
        colocations=coloc,
        opportunities=opportunities,
        sweep=sweep,
        totals=totals,
        benchmark=benchmark_agencies(assets),
        surplus=surplus,
        params={**_analysis_params(options, opportunities, districts),
                "benchmarks": ", ".join(table.origins)},
        title=title or "Public estate co-location opportunities",
        data_date=data_date,
        synthetic=synthetic,
        sensitive_agencies=sensitive,
        benchmarks=table,
        housing=housing_capacity(surplus),
        programme=Programme(carry, decided),
    )
    return _with_changes(analysis, previous)


def _estimate_and_score(
    coloc: Any, carry: Any, assets: gpd.GeoDataFrame, *, benchmarks: Any,
    sectors: Mapping[str, str] | None, options: BuildOptions, data_date: dt.date | None,
    decisions: DecisionRows | None, lenient: bool,
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, Any, Any]:
    """Estimates made and marked (issue 14), then the scores with decisions applied.

    Returns the completed assets, the opportunities, the decisions as applied and
    the benchmark table used.
    """
    from .estimates import complete_assets
    from .io.benchmarks import default_benchmarks
    from .opportunities import score_opportunities
    from .programme import decide

    table = benchmarks if benchmarks is not None else default_benchmarks()
    assets = complete_assets(assets, benchmarks=table, sectors=sectors)
    opportunities, decided = decide(
        score_opportunities(coloc, assets, benchmarks=table, **_scoring(options, data_date)),
        carry, decisions, lenient=lenient,
    )
    return assets, opportunities, decided, table


def _estimate_inputs(options: BuildOptions, spec: Any) -> dict[str, Any]:
    """The benchmark table (``--benchmarks`` wins over the manifest's) and the manifest's
    sectors, read before any work is done so that a bad table fails at once."""
    from .io.benchmarks import read_benchmarks

    path = options.benchmarks or (spec.benchmarks if spec is not None else None)
    return {"benchmarks": read_benchmarks(path),
            "sectors": spec.sectors if spec is not None else None}


def _with_changes(analysis: Analysis, previous: BuildData | None) -> Analysis:
    """``analysis`` with what changed since the ``previous`` round (as published)."""
    from .programme import compare_with_previous

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


def _with_params(frame: pd.DataFrame, params: Mapping[str, Any]) -> pd.DataFrame:
    """Append the parameters as ``param_*`` columns, for traceable CSVs."""
    out = pd.DataFrame(frame).copy()
    for key, value in sorted(params.items()):
        out[f"param_{key}"] = (
            ";".join(map(str, value)) if isinstance(value, list | tuple) else value
        )
    return out


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
    from .io.context import study_context
    from .render.jobs import render_districts
    from .render.print.atlas import assemble_atlas

    options = options or BuildOptions()
    folder = Path(folder)
    published = _Published(analysis)
    context = study_context(analysis.districts, context)
    # Submitted first: the districts render while the tables and the atlas frame are made.
    rendered = render_districts(_district_jobs(published, options, context), executor=executor)
    files = _write_tables(published, folder)
    frame = _atlas_frame(published, options=options, context=context)
    maps, district_files, pages = _write_district_maps(
        published, folder, rendered, progress=progress
    )
    files.extend(maps)
    atlas = folder / "atlas.pdf"
    assemble_atlas(atlas, frame=frame,
                   district_pages=[pages[str(c)] for c in analysis.districts[schema.DISTRICT_CODE]])
    files.append(atlas)
    files.append(_write_index(published, folder / "index.html", options=options,
                              district_files=district_files, context=context))
    files.extend(_write_programme(analysis, folder))
    return files


def _write_programme(analysis: Analysis, folder: Path) -> list[Path]:
    """The co-location id register and, after a previous round, what changed."""
    from .compare import write_changes
    from .io.builds import write_register

    programme = analysis.programme
    if programme is None:
        return []
    files = [write_register(programme.register, folder)]
    if programme.changes is not None:
        files.extend(write_changes(programme.changes, folder))
    return files


@dataclass(frozen=True)
class _Published:
    """An analysis as it may be published, with what every rendered output shows."""

    analysis: Analysis
    assets: gpd.GeoDataFrame = field(init=False)
    opportunities: gpd.GeoDataFrame = field(init=False)
    common: dict[str, Any] = field(init=False)

    def __post_init__(self) -> None:
        a = self.analysis
        object.__setattr__(self, "assets", a.published_assets())
        object.__setattr__(self, "opportunities", a.published_opportunities())
        year = (a.data_date or dt.date.today()).year
        common: dict[str, Any] = {
            "title": a.title,
            "data_date": a.data_date,
            "synthetic": a.synthetic,
            "sensitive_agencies": a.sensitive_agencies,
            "boundary_source": a.boundary_source,
            "attribution_year": year,
        }
        object.__setattr__(self, "common", common)


def _write_tables(published: _Published, folder: Path) -> list[Path]:
    """The tables and data files: ledger, assets, co-locations, opportunities, sweep..."""
    from .io import outputs

    a, pub_assets, pub_opps = published.analysis, published.assets, published.opportunities
    files = [outputs.write_csv(a.ledger, folder / "load_ledger.csv")]
    gpkg_assets = pub_assets.drop(columns=[schema.LEASE_END]).assign(
        **{schema.LEASE_END: pub_assets[schema.LEASE_END].dt.strftime("%Y-%m-%d")}
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
    surplus = generalise_sensitive(a.surplus) if len(a.surplus) else a.surplus
    files.append(outputs.write_csv(pd.DataFrame(surplus), folder / "surplus_assets.csv"))
    if a.housing is not None:
        files.append(outputs.write_csv(a.housing, folder / "housing_capacity.csv"))
    if a.benchmarks is not None:
        files.append(outputs.write_csv(a.benchmarks.to_frame(), folder / "benchmarks.csv"))
    files.append(
        outputs.write_json({"parameters": a.params, "totals": a.totals}, folder / "parameters.json")
    )
    return files


def _district_jobs(
    published: _Published, options: BuildOptions, context: MapContext
) -> Iterator[Any]:
    """One rendering job per district, in code order (:mod:`kentassets.render.jobs`)."""
    from .render.jobs import district_jobs

    a = published.analysis
    return district_jobs(
        published.assets, a.districts, published.opportunities, codes=a.district_codes(),
        paper=options.paper, offline=options.offline, params_note=_params_note(a.params),
        common=published.common, context=context,
    )


def _write_district_maps(
    published: _Published,
    folder: Path,
    rendered: Iterator[Any],
    *,
    progress: bool,
) -> tuple[list[Path], dict[str, dict[str, str]], dict[str, tuple[str, bytes]]]:
    """Write each district's HTML map and PDF as it is rendered.

    Returns the files written, their names by district, and each district's
    atlas bookmark and PDF bytes (the atlas takes the same page).
    """
    from .io import outputs

    a = published.analysis
    names = dict(
        zip(a.districts[schema.DISTRICT_CODE], a.districts[schema.DISTRICT_NAME], strict=True)
    )
    files: list[Path] = []
    district_files: dict[str, dict[str, str]] = {}
    pages: dict[str, tuple[str, bytes]] = {}
    bar = progress_bar(rendered, enabled=progress, desc="Rendering districts",
                       unit="district", total=len(names))
    for result in bar:
        stem = district_file_stem(result.code, names[result.code])
        html_path, pdf_path = folder / f"{stem}.html", folder / f"{stem}.pdf"
        files.append(outputs.write_text_atomic(html_path, result.html))
        files.append(outputs.write_bytes_atomic(pdf_path, result.pdf))
        district_files[result.code] = {"html": html_path.name, "pdf": pdf_path.name}
        pages[result.code] = (result.name, result.pdf)
    return files, district_files, pages


def _atlas_frame(published: _Published, *, options: BuildOptions,
                 context: MapContext) -> bytes:
    """The atlas's cover, page numbers and load summary (drawn while districts render)."""
    from .render.print.atlas import atlas_frame

    a = published.analysis
    common = dict(published.common)
    common.pop("sensitive_agencies")
    common["boundary_source"] = a.boundary_source
    return atlas_frame(
        n_districts=len(a.districts),
        assets=published.assets,
        districts=a.districts,
        opportunities=published.opportunities,
        sweep=a.sweep,
        totals=a.totals,
        load_summary=a.load_summary,
        paper=options.paper,
        params_note=_params_note(a.params),
        eps_m=float(a.params["eps_m"]),
        context=context,
        decisions_to_review=None if a.programme is None else a.programme.to_review,
        **common,
    )


def _write_index(
    published: _Published,
    path: Path,
    *,
    options: BuildOptions,
    district_files: Mapping[str, Mapping[str, str]],
    context: MapContext,
) -> Path:
    """The county index page linking every district's map and PDF."""
    from .io import outputs
    from .render import index as index_render

    a = published.analysis
    html = index_render.index_html(
        districts=a.districts,
        opportunities=published.opportunities,
        load_summary=a.load_summary,
        totals=a.totals,
        params=a.params,
        district_files=district_files,
        offline=options.offline,
        context=context,
        decisions_to_review=None if a.programme is None else a.programme.to_review,
        **published.common,
    )
    return outputs.write_text_atomic(path, html)


def _params_note(params: Mapping[str, Any]) -> str:
    parts = [f"eps {params.get('eps_m'):g} m", f"min agencies {params.get('min_agencies')}"]
    if params.get("space_standard_m2_per_fte") is not None:
        parts.append(f"space standard {params['space_standard_m2_per_fte']:g} m\u00b2/FTE")
    return ", ".join(parts)


def default_jobs() -> int:
    """The cores this process may use (the default of ``jobs``)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@contextlib.contextmanager
def _renderers(
    jobs: int | None, executor: Executor | None, *, n_districts: int
) -> Iterator[Executor | None]:
    """The executor that renders the districts: the caller's, a process pool, or none.

    A pool of ``jobs`` processes (default: one per core) is started when more
    than one process and more than one district make it worth it, and shut down
    after. On Linux the workers are forked, so they start with every module
    this process has imported (matplotlib, folium...) instead of importing them
    again; elsewhere they are spawned.
    """
    if executor is not None:
        yield executor
        return
    n = default_jobs() if jobs is None else int(jobs)
    if n < 1:
        raise ValidationError(f"jobs={jobs}: give 1 (no worker processes) or more.")
    n = min(n, n_districts)
    if n <= 1:
        yield None
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from .render.jobs import import_renderers

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    if "fork" in methods:
        import_renderers()  # the forked workers start with them
    with ProcessPoolExecutor(max_workers=n, mp_context=context) as pool:
        yield pool


def build(
    manifest: str | PathLike[str] | LoadResult,
    out_dir: str | PathLike[str],
    *,
    boundaries: str | PathLike[str] | None = None,
    options: BuildOptions | None = None,
    progress: bool = True,
    allow_inputs_folder: bool = False,
    basemap: str | PathLike[str] | None = None,
    previous: str | PathLike[str] | None = None,
    decisions: str | PathLike[str] | None = None,
    lenient: bool = False,
    jobs: int | None = None,
    executor: Executor | None = None,
    postcodes: PostcodeDirectory | None = None,
    **overrides: Any,
) -> BuildReport:
    """Build every output for the registers listed in a manifest.

    Parameters
    ----------
    manifest
        TOML manifest listing the registers (see the README), or a
        :class:`~kentassets.load.LoadResult` already read (its manifest, when it
        has one, gives the title, data date and study area).
    out_dir
        Output folder. It is replaced atomically: a failed build leaves the
        previous one intact. It may not hold the input registers.
    boundaries
        Official district boundary file; overrides the manifest's ``boundaries``.
        Without either, derived boundaries are used.
    options
        Build parameters; keyword ``overrides`` (e.g. ``eps_m=500``) replace fields.
    progress
        Show progress bars.
    allow_inputs_folder
        Allow ``out_dir`` to be the folder that holds the registers.
    previous
        The previous round's output folder (overrides the manifest's
        ``previous``); it may be ``out_dir`` itself, which is read before it is
        replaced (and, while it does not exist yet, means a first round).
        Co-locations keep its ids; ``changes.csv`` and ``changes.html`` say
        what changed. See ``docs/rounds.md``.
    decisions
        Workshop decisions file, .csv or .xlsx (overrides the manifest's
        ``decisions``), carried into every output.
    lenient
        Warn about bad rows of the decisions file and ignore them instead of raising.
    jobs
        Processes that render the districts: ``None`` (default) one per core,
        ``1`` none (everything in this process). Ignored when ``executor`` is given.
    executor
        Any :class:`concurrent.futures.Executor` to render the districts on, e.g.
        a ``dask.distributed`` client's ``client.get_executor()`` to spread them
        over a cluster. Loading and analysis stay in this process. The files are
        byte-identical whatever ``jobs`` or ``executor``.
    postcodes
        A postcode directory to use instead of the manifest's (or the packaged
        one), e.g. one that has already read the postcode areas the registers
        use (it keeps what it reads); the same postcodes give the same outputs.


    basemap
        An OS Open Zoomstack, OpenMap Local or Open Roads GeoPackage whose roads,
        rail and names are drawn on every map; overrides the manifest's
        ``basemap``. Without either, the built-in context (towns, coast, water,
        built-up areas) is drawn.

    Returns
    -------
    BuildReport
        The files written and the :class:`Analysis` behind them.

    Raises
    ------
    KentAssetsError
        With a message saying what to fix, for any problem with the inputs:
        :class:`~kentassets.ManifestError`, :class:`~kentassets.RegisterFormatError`,
        :class:`~kentassets.BoundaryDataError`, :class:`~kentassets.OutputError`
        (an unsafe ``out_dir``), :class:`~kentassets.ValidationError` (an
        option out of range), :class:`~kentassets.BuildFolderError` (a
        ``previous`` folder that is not a kentassets output) or
        :class:`~kentassets.DecisionsError` (a decisions file to fix) in particular.

    Examples
    --------
    Writes a district map and PDF per district, the atlas and the tables, so
    it is not run as a test:

    >>> import kentassets as ka
    >>> report = ka.build("manifest.toml", "outputs", eps_m=500)  # doctest: +SKIP
    >>> print(report)  # doctest: +SKIP
    Wrote ... files to outputs
    ...

    A load already in memory can be built too, e.g. the sample estate's:

    >>> report = ka.build(ka.sample_estate(), "outputs")  # doctest: +SKIP
    """
    from .districts import load_districts
    from .io.manifest import parse_manifest
    from .io.outputs import atomic_output_dir, check_output_dir
    from .io.postcodes import PostcodeDirectory
    from .load import read_manifest

    base = options or BuildOptions()
    if overrides:
        base = BuildOptions(**{**asdict(base), **overrides})
    # The manifest is parsed once, here; the postcodes and districts are read once below,
    # and all three are handed down to the loader.
    if isinstance(manifest, LoadResult):
        load: LoadResult | None = manifest
        spec = manifest.manifest
    else:
        load = None
        spec = parse_manifest(manifest)
    inputs = [r.path for r in spec.registers] if spec is not None else []
    check_output_dir(Path(out_dir), inputs=inputs, allow_inputs=allow_inputs_folder)
    extra = {**_round_inputs(spec, out_dir, previous, decisions), **_estimate_inputs(base, spec)}
    study_area = spec.study_area if spec is not None else schema.DEFAULT_STUDY_AREA
    stages = Stages(4, enabled=progress)
    try:
        stages.start("District boundaries (derived ones are made once, then cached)")
        if postcodes is None:
            postcodes = PostcodeDirectory(spec.postcodes if spec else None)
        boundary_path = (
            boundaries if boundaries is not None else (spec.boundaries if spec else None)
        )
        districts = load_districts(boundary_path, codes=study_area, postcodes=postcodes)
        context = _map_context(districts, basemap, spec)
        stages.start("Loading registers")
        if load is None:
            assert spec is not None
            load = read_manifest(
                spec,  # a parsed Manifest
                postcodes=postcodes,
                districts=districts,
                progress=progress,
            )
        stages.start("Finding and scoring co-locations")
        analysis = analyse(
            load,
            districts,
            options=base,
            title=spec.title if spec else None,
            data_date=spec.data_date if spec else None,
            synthetic=spec.synthetic if spec else False,
            sensitive_agencies=spec.sensitive_agencies if spec else (),
            lenient=lenient,
            **extra,
        )
        stages.start("Writing maps, atlas and tables")
        with (
            atomic_output_dir(out_dir, inputs=inputs, allow_inputs=allow_inputs_folder) as tmp,
            _renderers(jobs, executor, n_districts=len(districts)) as pool,
        ):
            written = write_outputs(analysis, tmp, options=base, progress=progress,
                                    context=context, executor=pool)
            names = [p.relative_to(tmp) for p in written]
    finally:
        stages.close()
    final = Path(out_dir)
    return BuildReport(out_dir=final, files=[final / n for n in names], analysis=analysis)


def _map_context(
    districts: gpd.GeoDataFrame, basemap: str | PathLike[str] | None, spec: Manifest | None
) -> MapContext:
    """The map context of the study area, read once per build (a bad basemap fails here)."""
    from .io.context import study_context

    path = basemap if basemap is not None else (spec.basemap if spec is not None else None)
    return study_context(districts, basemap=path)


def _round_inputs(
    spec: Any,
    out_dir: str | PathLike[str],
    previous: str | PathLike[str] | None,
    decisions: str | PathLike[str] | None,
) -> dict[str, Any]:
    """Read the previous round and the decisions file, before anything is written.

    The arguments win over the manifest. A previous folder that does not exist
    yet is a first round when it is the output folder itself (the same command
    can then be run every round); otherwise it is an error.
    """
    from .io.builds import read_build
    from .io.decisions import read_decision_rows

    previous = previous if previous is not None else getattr(spec, "previous", None)
    decisions = decisions if decisions is not None else getattr(spec, "decisions", None)
    first_round = (
        previous is not None
        and not Path(previous).exists()
        and Path(previous).resolve() == Path(out_dir).resolve()
    )
    if first_round:
        logger.info("%s does not exist yet: this is the first round", previous)
    return {
        "previous": None if previous is None or first_round else read_build(previous),
        "decisions": None if decisions is None else read_decision_rows(decisions),
    }


def demo(
    out_dir: str | PathLike[str],
    *,
    seed: int = 20261125,
    n_assets: int = 2400,
    options: BuildOptions | None = None,
    progress: bool = True,
    basemap: str | PathLike[str] | None = None,
    jobs: int | None = None,
    executor: Executor | None = None,
    **overrides: Any,
) -> BuildReport:
    """Generate the synthetic sample Kent estate and build every output from it.

    Parameters
    ----------
    out_dir
        Output folder (replaced atomically).
    seed
        Seed of the sample estate; the same seed gives the same estate.
    n_assets
        Number of assets in the sample estate.
    options, overrides, basemap, jobs, executor
        As for :func:`build`.

    Returns
    -------
    BuildReport
        The files written and the :class:`Analysis` behind them.

    Raises
    ------
    KentAssetsError
        As :func:`build`; :class:`~kentassets.ValidationError` if ``n_assets``
        is outside 300 to 200,000.

    Examples
    --------
    Generates 2,400 assets and writes every output, so it is not run as a test
    (the command line equivalent is ``kentassets demo --out demo-outputs``):

    >>> import kentassets as ka
    >>> report = ka.demo("demo-outputs")  # doctest: +SKIP
    >>> (report.out_dir / "index.html").exists()  # doctest: +SKIP
    True
    """
    from .io.postcodes import PostcodeDirectory
    from .sample import write_sample_estate

    # One postcode directory: the areas the sample is drawn from are read once,
    # and the loader finds them already read.
    postcodes = PostcodeDirectory()
    with tempfile.TemporaryDirectory(prefix="kentassets-sample-") as tmp:
        manifest = write_sample_estate(Path(tmp) / "sample-estate", seed=seed, n_assets=n_assets,
                                       postcodes=postcodes)
        return build(
            manifest, out_dir, options=options, progress=progress, basemap=basemap, jobs=jobs,
            executor=executor, postcodes=postcodes, **overrides
        )
