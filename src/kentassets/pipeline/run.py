"""The entry points: :func:`build` (a manifest or a load to an output folder) and
:func:`demo` (the sample estate), with the inputs they resolve before any work is done.
"""

from __future__ import annotations

import logging
import tempfile
from concurrent.futures import Executor
from dataclasses import asdict
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd

from .. import schema
from .._gc import fewer_collections
from .._progress import Stages
from ..load import LoadResult
from ..render.settings import OutputSettings
from .analysis import analyse
from .database import check_database_output, database_output, write_database
from .inputs import BuildInputs, split_inputs
from .options import BuildOptions
from .pool import renderers
from .reach import reach_inputs
from .report import BuildReport
from .write import write_outputs

if TYPE_CHECKING:
    from ..io.database import DatabaseOutput
    from ..io.manifest import Manifest
    from ..reference.context import MapContext

logger = logging.getLogger(__name__)


def build(
    manifest: str | PathLike[str] | LoadResult,
    out_dir: str | PathLike[str],
    *,
    inputs: BuildInputs | None = None,
    options: BuildOptions | None = None,
    progress: bool = True,
    allow_inputs_folder: bool = False,
    lenient: bool = False,
    jobs: int | None = None,
    executor: Executor | None = None,
    to_database: str | DatabaseOutput | None = None,
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
    inputs
        What the build reads besides the registers (:class:`BuildInputs`:
        ``boundaries``, ``basemap``, ``previous``, ``decisions``, ``postcodes``),
        each overriding the manifest's; each may also be given as a keyword of
        its own, as before (``boundaries=``, ``basemap=``, ...: see below).
    options
        Build parameters; keyword ``overrides`` (e.g. ``eps_m=500``) replace fields.
    boundaries
        Official district boundary file; overrides the manifest's ``boundaries``.
        Without either, derived boundaries are used.
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
    to_database
        Also write the build's tables (:func:`~kentassets.pipeline.database_tables`)
        into a PostgreSQL/PostGIS schema: a libpq URL (schema ``kentassets``, which
        must exist) or a :class:`~kentassets.io.database.DatabaseOutput`
        (:func:`~kentassets.pipeline.database_output`); overrides the manifest's
        ``[output]``. The connection and schema are checked before any work; the
        tables are written in one transaction before the output folder is
        replaced, so a failed write leaves both as they were.

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
        :class:`~kentassets.DecisionsError` (a decisions file to fix) and
        :class:`~kentassets.DatabaseError` (``to_database``) in particular.

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
    from ..districts import load_districts
    from ..io.outputs import atomic_output_dir, check_output_dir
    from ..io.postcodes import PostcodeDirectory
    from ..load import read_manifest

    given, overrides = split_inputs(inputs, overrides)
    boundaries, basemap, postcodes = given.boundaries, given.basemap, given.postcodes
    base = options or BuildOptions()
    if overrides:
        base = BuildOptions(**{**asdict(base), **overrides})
    # The manifest is parsed once, here; the postcodes and districts are read once below,
    # and all three are handed down to the loader.
    load, spec = _loaded_or_parsed(manifest)
    registers = [r.path for r in spec.registers if r.path is not None] if spec else []
    check_output_dir(Path(out_dir), inputs=registers, allow_inputs=allow_inputs_folder)
    target = _database_target(to_database, spec)
    extra = {**round_inputs(spec, out_dir, given.previous, given.decisions),
             **_estimate_inputs(base, spec)}
    study_area = spec.study_area if spec is not None else schema.DEFAULT_STUDY_AREA
    stages = Stages(4, enabled=progress)
    # The rendering workers start now and warm up while the registers load.
    with fewer_collections(), renderers(jobs, executor, n_districts=len(study_area)) as pool:
        try:
            stages.start("District boundaries (derived ones are made once, then cached)")
            if postcodes is None:
                postcodes = PostcodeDirectory(spec.postcodes if spec else None)
            districts = load_districts(
                boundaries if boundaries is not None else (spec.boundaries if spec else None),
                codes=study_area,
                postcodes=postcodes,
            )
            context = _map_context(districts, basemap, spec)
            reach = reach_inputs(base, spec, study_area=study_area, districts=districts,
                                 postcodes=postcodes, basemap=basemap)
            stages.start("Loading registers")
            if load is None:
                assert spec is not None
                load = read_manifest(spec, postcodes=postcodes, districts=districts,
                                     progress=progress)
            stages.start("Finding and scoring co-locations")
            analysis = analyse(load, districts, options=base, settings=_settings(spec),
                               lenient=lenient, reach=reach, executor=pool, **extra)
            stages.start("Writing maps, atlas and tables")
            with atomic_output_dir(out_dir, inputs=registers,
                                   allow_inputs=allow_inputs_folder) as tmp:
                written = write_outputs(analysis, tmp, options=base, progress=progress,
                                        context=context, executor=pool)
                names = [p.relative_to(tmp) for p in written]
                database = write_database(analysis, target) if target is not None else None
        finally:
            stages.close()
    final = Path(out_dir)
    return BuildReport(out_dir=final, files=[final / n for n in names], analysis=analysis,
                       database=database)


def _settings(spec: Manifest | None) -> OutputSettings:
    """What the outputs print, from the manifest (defaults without one)."""
    if spec is None:
        return OutputSettings()
    return OutputSettings(title=spec.title, data_date=spec.data_date, synthetic=spec.synthetic,
                          sensitive_agencies=spec.sensitive_agencies)


def _database_target(
    to_database: str | DatabaseOutput | None, spec: Manifest | None
) -> DatabaseOutput | None:
    """The database the tables go to (the argument wins over the manifest's ``[output]``),
    its connection and schema checked now, before any work is done."""
    target = to_database if to_database is not None else getattr(spec, "output", None)
    if target is None:
        return None
    target = database_output(target)
    check_database_output(target)
    return target


def _loaded_or_parsed(
    manifest: str | PathLike[str] | LoadResult,
) -> tuple[LoadResult | None, Manifest | None]:
    """An already loaded result and its manifest, or no result and the parsed manifest."""
    from ..io.manifest import parse_manifest

    if isinstance(manifest, LoadResult):
        return manifest, manifest.manifest
    return None, parse_manifest(manifest)


def _map_context(
    districts: gpd.GeoDataFrame, basemap: str | PathLike[str] | None, spec: Manifest | None
) -> MapContext:
    """The map context of the study area, read once per build (a bad basemap fails here)."""
    from ..io.context import study_context

    path = basemap if basemap is not None else (spec.basemap if spec is not None else None)
    return study_context(districts, basemap=path)


def round_inputs(
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
    from ..io.builds import read_build
    from ..io.decisions import read_decision_rows

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


def _estimate_inputs(options: BuildOptions, spec: Any) -> dict[str, Any]:
    """The benchmark table (``--benchmarks`` wins over the manifest's) and the manifest's
    sectors, read before any work is done so that a bad table fails at once."""
    from ..io.benchmarks import read_benchmarks

    path = options.benchmarks or (spec.benchmarks if spec is not None else None)
    return {"benchmarks": read_benchmarks(path),
            "sectors": spec.sectors if spec is not None else None}


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
    from ..io.postcodes import PostcodeDirectory
    from ..sample import write_sample_estate

    # One postcode directory: the areas the sample is drawn from are read once,
    # and the loader finds them already read. The rendering workers start first
    # and warm up while the sample is written and loaded.
    postcodes = PostcodeDirectory()
    with (
        fewer_collections(),
        renderers(jobs, executor, n_districts=len(schema.DEFAULT_STUDY_AREA)) as pool,
        tempfile.TemporaryDirectory(prefix="kentassets-sample-") as tmp,
    ):
        manifest = write_sample_estate(Path(tmp) / "sample-estate", seed=seed, n_assets=n_assets,
                                       postcodes=postcodes)
        return build(
            manifest, out_dir, inputs=BuildInputs(basemap=basemap, postcodes=postcodes),
            options=options, progress=progress, jobs=jobs, executor=pool, **overrides
        )
