"""Command-line interface: argument parsing only; the work is in :mod:`kentassets.pipeline`.

``kentassets demo``, ``build``, ``validate``, ``sample``, ``boundaries download``,
``benchmarks show``/``benchmarks template``, and the rounds' ``decisions template``
and ``diff`` (:mod:`kentassets.cli.rounds`).
A :class:`~kentassets.errors.KentAssetsError` is printed as one line and the exit
code is 2; ``--verbose`` shows the traceback.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .._version import __version__
from ..errors import KentAssetsError
from . import rounds as cli_rounds

if TYPE_CHECKING:
    from ..io.database import DatabaseOutput
    from ..pipeline import BuildOptions

logger = logging.getLogger("kentassets")

EXIT_OK = 0
EXIT_REJECTED = 1
EXIT_ERROR = 2


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="show debug logging and tracebacks"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bars")


def _add_analysis(parser: argparse.ArgumentParser) -> None:
    """The options of a build: output folder, clustering, scoring and rendering."""
    _add_output(parser)
    _add_clustering(parser)
    _add_scoring(parser)
    _add_reach(parser)
    _add_rendering(parser)


def _add_output(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out",
        required=True,
        type=Path,
        metavar="DIR",
        help="output folder (replaced atomically; never the folder of the inputs)",
    )


def _add_clustering(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--eps-m",
        type=float,
        default=250.0,
        metavar="M",
        help="co-location distance in metres (default 250)",
    )
    parser.add_argument(
        "--min-agencies",
        type=int,
        default=2,
        metavar="N",
        help="distinct agencies a co-location needs (default 2)",
    )
    parser.add_argument(
        "--min-assets",
        type=int,
        default=2,
        metavar="N",
        help="locations a cluster needs (default 2)",
    )
    parser.add_argument(
        "--method",
        choices=("dbscan", "hdbscan"),
        default="dbscan",
        help="clustering method (default dbscan)",
    )


def _add_scoring(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--space-standard",
        type=float,
        default=None,
        metavar="M2",
        help="office space standard, m2 per FTE (default: the government workplace standard)",
    )
    parser.add_argument(
        "--savings-target",
        type=float,
        default=10_000_000.0,
        metavar="GBP",
        help="savings target in pounds over the target period (default 10,000,000)",
    )
    parser.add_argument(
        "--target-years",
        type=int,
        default=4,
        metavar="N",
        help="length of the savings target period in years (default 4)",
    )
    parser.add_argument(
        "--benchmarks",
        type=Path,
        default=None,
        metavar="PATH",
        help="TOML overriding rows of the benchmark table used where registers give no floor "
        "area, staff or cost (write one with: kentassets benchmarks template --out PATH)",
    )


def _add_reach(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--no-reach",
        action="store_true",
        help="skip the service reach stage (service_reach.csv, reach_options.csv and the "
        "reach columns and score part of the opportunities)",
    )
    parser.add_argument(
        "--reach-distance",
        choices=("straight", "network"),
        default=None,
        help="distance to services: straight line (default) or along the roads of the "
        "--basemap GeoPackage (network); overrides the manifest's reach_distance",
    )
    parser.add_argument(
        "--reach-options-budget",
        type=float,
        default=120.0,
        metavar="S",
        help="seconds the reach options may spend proving which sites to keep are optimal, "
        "per worker process (default 120; a county needs well under a second); rows it "
        "does not reach keep the best sites found, marked time_limit",
    )


def _add_rendering(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--paper", choices=("A3", "A4"), default="A3", help="PDF paper size (default A3)"
    )
    parser.add_argument(
        "--offline",
        action="store_true",
        help="never request map tiles: HTML maps show only the built-in base map "
        "(towns, coast, water) and make no network requests",
    )
    parser.add_argument(
        "--basemap",
        type=Path,
        default=None,
        metavar="PATH",
        help="your OS GeoPackage (OS Open Zoomstack, OpenMap Local or Open Roads): roads, "
        "rail and names on every map; overrides the manifest's basemap",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="processes rendering the districts (default: one per core; 1: no extra "
        "processes); the outputs are the same whatever N",
    )


def make_parser() -> argparse.ArgumentParser:
    """Build the argument parser (also used to document the CLI)."""
    parser = argparse.ArgumentParser(
        prog="kentassets",
        description="Pool public agencies' property registers, find co-located public "
        "assets and map the opportunities, district by district.",
    )
    parser.add_argument("--version", action="version", version=f"kentassets {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    for add_command in (
        _add_demo_command,
        _add_build_command,
        _add_validate_command,
        _add_sample_command,
        _add_boundaries_command,
        _add_benchmarks_command,
    ):
        add_command(sub)
    return parser


def _add_demo_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``kentassets demo``: the sample estate, end to end."""
    demo = sub.add_parser(
        "demo",
        help="build every output from the synthetic sample Kent estate",
        description="Generate the synthetic sample estate and run load, districts, "
        "co-location, opportunities and rendering on it.",
    )
    _add_analysis(demo)
    demo.add_argument("--seed", type=int, default=20261125, help="sample estate seed")
    demo.add_argument(
        "--assets", type=int, default=2400, metavar="N", help="number of sample assets"
    )
    _add_common(demo)


def _add_build_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``kentassets build MANIFEST``: every output from the user's registers."""
    build = sub.add_parser(
        "build",
        help="build every output from your own registers",
        description="Read the registers listed in MANIFEST and write maps, "
        "atlas, tables and the load ledger to --out.",
    )
    build.add_argument("manifest", type=Path, help="TOML manifest listing the registers")
    build.add_argument(
        "--boundaries",
        type=Path,
        default=None,
        metavar="PATH",
        help="official ONS district boundary file (GeoJSON, GeoPackage or Shapefile)",
    )
    build.add_argument(
        "--allow-inputs-folder",
        action="store_true",
        help="allow --out to be the folder that holds the registers",
    )
    _add_analysis(build)
    cli_rounds.add_build_options(build)
    _add_database_output(build)
    _add_common(build)


def _add_database_output(parser: argparse.ArgumentParser) -> None:
    """``--to-database URL [--db-schema NAME] [--create-schema]``."""
    group = parser.add_argument_group(
        "database", "also write the build's tables to PostgreSQL/PostGIS "
        "(needs pip install 'kentassets[postgis]')")
    group.add_argument(
        "--to-database", default=None, metavar="URL",
        help="write assets, colocations, opportunities and load_ledger (and the reach and "
        "plan tables) into a PostGIS database, in one transaction; a libpq URL such as "
        "postgresql://user@host/dbname (give the password with PGPASSWORD or ~/.pgpass); "
        "overrides the manifest's [output]",
    )
    group.add_argument(
        "--db-schema", default=None, metavar="NAME",
        help="schema the tables go to (default kentassets); it must exist unless "
        "--create-schema",
    )
    group.add_argument(
        "--create-schema", action="store_true",
        help="create the --db-schema when it does not exist",
    )


def _add_validate_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``kentassets validate MANIFEST``: the load ledger only."""
    validate = sub.add_parser(
        "validate",
        help="check registers and write the load ledger",
        description="Load every register in MANIFEST, print a per-agency "
        "summary and write the ledger as CSV.",
    )
    validate.add_argument("manifest", type=Path, help="TOML manifest listing the registers")
    validate.add_argument(
        "--ledger",
        type=Path,
        default=Path("load_ledger.csv"),
        metavar="CSV",
        help="where to write the ledger (default load_ledger.csv)",
    )
    validate.add_argument(
        "--mapping",
        type=Path,
        default=None,
        metavar="CSV",
        help="also write the column mapping (each register's columns: the field each "
        "feeds, how it was recognised, units, warnings) as CSV",
    )
    validate.add_argument(
        "--boundaries",
        type=Path,
        default=None,
        metavar="PATH",
        help="official district boundary file",
    )
    validate.add_argument("--strict", action="store_true", help="exit 1 when any row was rejected")
    _add_common(validate)


def _add_sample_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``kentassets sample``: write the sample estate's raw files."""
    sample = sub.add_parser(
        "sample",
        help="write the synthetic sample estate (raw files + manifest)",
        description="Write the synthetic sample agency registers and their manifest "
        "to a folder, to try `kentassets build` or as a template.",
    )
    sample.add_argument("--out", required=True, type=Path, metavar="DIR", help="folder to write")
    sample.add_argument("--seed", type=int, default=20261125, help="seed")
    sample.add_argument("--assets", type=int, default=2400, metavar="N", help="number of assets")
    _add_common(sample)


def _add_boundaries_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``kentassets boundaries download``: cache the official boundaries."""
    cli_rounds.add_commands(sub, _add_common)

    bnd = sub.add_parser(
        "boundaries",
        help="official district boundaries",
        description="Manage official ONS district boundaries.",
    )
    bsub = bnd.add_subparsers(dest="action", required=True, metavar="ACTION")
    dl = bsub.add_parser(
        "download",
        help="download ONS boundaries for the study area into the cache",
        description="Fetch the official ONS Local Authority District boundaries "
        "for the study area from the ONS Open Geography Portal and cache them.",
    )
    dl.add_argument(
        "--codes",
        nargs="+",
        default=None,
        metavar="CODE",
        help="district codes of the study area (default Kent and Medway)",
    )
    dl.add_argument("--url", default=None, help="service URL (default: the documented ONS service)")
    dl.add_argument(
        "--cache-dir", type=Path, default=None, help="cache folder (default: user cache)"
    )
    _add_common(dl)


def _add_benchmarks_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``kentassets benchmarks show`` and ``benchmarks template``: the table in force."""
    bench = sub.add_parser(
        "benchmarks",
        help="the benchmark table behind the estimates",
        description="Typical floor areas, running costs and space per person, with their "
        "sources, used where a register gives no figure. Every estimate is marked in the "
        "outputs.",
    )
    bsub = bench.add_subparsers(dest="action", required=True, metavar="ACTION")
    show = bsub.add_parser("show", help="print the table in force, with sources")
    template = bsub.add_parser("template", help="write the table as TOML, for editing")
    template.add_argument("--out", type=Path, required=True, metavar="PATH",
                          help="the TOML file to write (never overwritten)")
    for parser in (show, template):
        parser.add_argument("--benchmarks", type=Path, default=None, metavar="PATH",
                            help="your override file, applied over the shipped table")
        _add_common(parser)


def _benchmarks(args: argparse.Namespace) -> int:
    from ..io.benchmarks import read_benchmarks, write_benchmarks_template
    from ..reference.benchmarks import format_benchmarks

    table = read_benchmarks(args.benchmarks)
    if args.action == "show":
        print(format_benchmarks(table), end="")
    else:
        path = write_benchmarks_template(args.out, table)
        print(f"Wrote the benchmark table to {path}; edit it, then build with "
              f"--benchmarks {path} (or benchmarks = \"{path.name}\" in the manifest)")
    return EXIT_OK


def _options(args: argparse.Namespace) -> BuildOptions:
    from ..pipeline import BuildOptions

    return BuildOptions(
        eps_m=args.eps_m,
        min_agencies=args.min_agencies,
        min_assets=args.min_assets,
        method=args.method,
        space_standard_m2_per_fte=args.space_standard,
        savings_target_gbp=args.savings_target,
        target_years=args.target_years,
        offline=args.offline,
        paper=args.paper,
        benchmarks=str(args.benchmarks) if args.benchmarks else None,
        reach=not args.no_reach,
        reach_distance=args.reach_distance,
        reach_options_budget_s=args.reach_options_budget,
    )


def _database_output(args: argparse.Namespace) -> DatabaseOutput | None:
    """``--to-database`` with ``--db-schema`` and ``--create-schema``, or ``None``."""
    if args.to_database is None:
        if args.db_schema is not None or args.create_schema:
            raise KentAssetsError(
                "--db-schema and --create-schema need --to-database URL (the manifest's "
                "[output] table has its own schema and create_schema)"
            )
        return None
    from ..pipeline import database_output

    return database_output(args.to_database, schema=args.db_schema,
                           create_schema=args.create_schema or None)


def _freeze_imports() -> None:
    """Exempt what is imported by now from cyclic garbage collection, for good.

    This process is the command's own and the modules stay loaded: the
    collector need not walk their objects again in every full pass, and forked
    rendering workers share those pages instead of copying them (see
    :mod:`kentassets._gc`).
    """
    import gc

    gc.freeze()


def _run(args: argparse.Namespace) -> int:
    from .. import pipeline

    _freeze_imports()
    progress = not args.quiet
    if args.command == "demo":
        report = pipeline.demo(
            args.out,
            seed=args.seed,
            n_assets=args.assets,
            options=_options(args),
            progress=progress,
            jobs=args.jobs,
            basemap=args.basemap,
        )
        print(report)
        return EXIT_OK
    if args.command == "build":
        report = pipeline.build(
            args.manifest,
            args.out,
            boundaries=args.boundaries,
            options=_options(args),
            progress=progress,
            allow_inputs_folder=args.allow_inputs_folder,
            jobs=args.jobs,
            basemap=args.basemap,
            to_database=_database_output(args),
            **cli_rounds.build_keywords(args),
        )
        print(report)
        return EXIT_OK
    if args.command == "validate":
        return _validate(args, progress=progress)
    if args.command == "benchmarks":
        return _benchmarks(args)
    rounds = cli_rounds.run(args)
    if rounds is not None:
        return rounds
    if args.command == "sample":
        from ..sample import write_sample_estate

        manifest = write_sample_estate(args.out, seed=args.seed, n_assets=args.assets)
        print(
            f"Wrote the synthetic sample estate to {args.out}\n"
            f"  try: kentassets build {manifest} --out outputs"
        )
        return EXIT_OK
    if args.command == "boundaries":
        from ..io.boundaries import ONS_LAD_SERVICE_URL, download_boundaries
        from ..schema import DEFAULT_STUDY_AREA

        path = download_boundaries(
            codes=tuple(args.codes or DEFAULT_STUDY_AREA),
            url=args.url or ONS_LAD_SERVICE_URL,
            cache_dir=args.cache_dir,
        )
        print(f"Official boundaries saved to {path}; builds now use them by default.")
        return EXIT_OK
    raise AssertionError(args.command)  # pragma: no cover - argparse enforces choices


def _validate(args: argparse.Namespace, *, progress: bool) -> int:
    from ..districts import load_districts
    from ..io.manifest import parse_manifest
    from ..io.outputs import write_csv
    from ..load import describe_mapping, read_manifest
    from ..schema import LEDGER_STATUS, REJECTED

    spec = parse_manifest(args.manifest)
    ledger_path = Path(args.ledger)
    inputs = {r.path.resolve() for r in spec.registers if r.path}
    for option, path in (("--ledger", ledger_path), ("--mapping", args.mapping)):
        if path is not None and Path(path).resolve() in inputs:
            raise KentAssetsError(f"{path}: is an input register; choose another {option} path.")
    # The manifest names its own boundaries and postcodes; --boundaries overrides the former.
    districts = (
        load_districts(args.boundaries, codes=spec.study_area) if args.boundaries else None
    )
    result = read_manifest(
        spec,  # parsed once, above
        districts=districts,
        progress=progress,
    )
    summary = result.summary()
    print(summary.to_string(index=False))
    mapping = describe_mapping(result.column_mapping)
    if mapping:
        print("\nColumns read (source header -> field):")
        print("\n".join(mapping))
    write_csv(result.ledger, ledger_path)
    if args.mapping is not None:
        write_csv(result.column_mapping, Path(args.mapping))
        print(f"\nColumn mapping written to {args.mapping}.")
    n_rejected = int((result.ledger[LEDGER_STATUS] == REJECTED).sum())
    print(
        f"\nLedger of {len(result.ledger)} rows written to {ledger_path} ({n_rejected} rejected)."
    )
    return EXIT_REJECTED if (args.strict and n_rejected) else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code.

    Examples
    --------
    >>> main(["--version"])  # doctest: +SKIP
    """
    parser = make_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        return _run(args)
    except KentAssetsError as exc:
        if args.verbose:
            logger.exception("failed")
        message = " ".join(str(exc).split())
        print(f"kentassets: error: {message}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("kentassets: interrupted; the previous outputs are unchanged.", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
