"""Time writing the real Kent outputs to PostGIS, and reading a register back (on demand).

Loads the real public registers in ``../shared/data`` through
``tests/data/shared_manifest.toml`` (the official district boundaries of Kent and
Medway), analyses them as a build does, then times

* ``kentassets.write_database``: every table of ``database_tables`` (assets,
  colocations, opportunities, load_ledger) replaced in one transaction, geometry
  in EPSG:27700 with GiST indexes, connection and commit included, and
* ``kentassets.read_database_register``: the written ``assets`` table read back
  as a register (recognition, location from its geometry, districts, ledger).

Without ``--url`` a throwaway PostgreSQL with PostGIS is started in a temporary
folder (``tests/postgis_server.py``; Debian's postgresql-15 and
postgresql-15-postgis-3). With ``--repeat N`` each figure is the median of N runs
(every run is printed too).

Usage::

    python benchmarks/bench_database.py --repeat 5
    python benchmarks/bench_database.py --url postgresql://gis@localhost/estate --schema bench
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import geopandas as gpd

import kentassets as ka
from kentassets.io.manifest import parse_manifest
from kentassets.load import read_manifest
from kentassets.pipeline import database_tables, write_database

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"
MANIFEST = REPO / "tests" / "data" / "shared_manifest.toml"
LAD = SHARED / "boundaries" / "lad_may2024_bsc_kent_medway.geojson"


def _analysis() -> ka.Analysis:
    lad = gpd.read_file(LAD).rename(columns={"LAD24CD": "district_code",
                                             "LAD24NM": "district_name"})
    districts = lad[["district_code", "district_name", "geometry"]].to_crs(27700)
    manifest = parse_manifest(MANIFEST)
    load = read_manifest(manifest, districts=districts, progress=False)
    return ka.analyse(load, districts, title=manifest.title,
                      sensitive_agencies=manifest.sensitive_agencies,
                      sectors=manifest.sectors)


def _median(label: str, runs: list[float]) -> None:
    shown = ", ".join(f"{r:.2f}" for r in runs)
    print(f"{label}: median {statistics.median(runs):.2f} s ({shown})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=None, help="a PostGIS database (default: start one)")
    parser.add_argument("--schema", default="bench_kent", help="schema to write (created)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure")
    args = parser.parse_args()
    if not MANIFEST.is_file() or not LAD.is_file():
        sys.exit(f"the real public data is not at {SHARED}")
    server = None
    url = args.url
    if url is None:
        sys.path.insert(0, str(REPO / "tests"))
        from postgis_server import missing_reason, start_postgis

        reason = missing_reason()
        if reason:
            sys.exit(reason)
        server = start_postgis()
        url = server.url
    try:
        start = time.perf_counter()
        analysis = _analysis()
        print(f"load and analysis of the real registers: {time.perf_counter() - start:.1f} s")
        tables = database_tables(analysis)
        print("tables: " + ", ".join(f"{name} {len(frame):,} rows x {frame.shape[1]} columns"
                                     for name, frame in tables.items()))
        writes = []
        for _ in range(args.repeat):
            report = write_database(tables, url, schema=args.schema, create_schema=True)
            writes.append(report.seconds)
        print(report)
        _median("write_database (4 tables, one transaction)", writes)
        reads = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            back = ka.read_database_register(url, table=f"{args.schema}.assets",
                                             agency="read back", districts=analysis.districts)
            reads.append(time.perf_counter() - start)
        print(f"read back: {len(back.assets):,} of {len(back.ledger):,} rows loaded")
        _median("read_database_register (the assets table)", reads)
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
