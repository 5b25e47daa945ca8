"""Benchmark header recognition and the register-level checks (run on demand).

Recognition runs once per header, never per row: this script times

* :func:`kentassets.load.read_header` over many distinct header spellings
  (cold cache), and :func:`kentassets.load.read_columns` for one register;
* the whole :func:`kentassets.read_register` of a register with the columns of
  issue 22 (``Site ID, Site Name, Premises Address, Post Code, Building Type,
  Tenure, GIFA (sq m), ...``) at ``--rows`` rows, with the time spent in the
  steps that say what was read (the register-level checks on tenure and status
  words, the look-alike columns, the mapping table) taken from a profile.

Usage::

    python benchmarks/bench_headers.py --rows 1000000
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import box

from kentassets.load import read_columns, read_header, read_register
from kentassets.load.headers import header_words

HEADERS = (
    "Site ID", "Site Name", "Premises Address", "Post Code", "Building Type", "Tenure",
    "GIFA (sq m)", "Annual Running Costs (£)", "No. of FTE Staff", "Occupancy Status",
    "Lease Expiry Date", "X Coordinate", "Y Coordinate", "Net Internal Area", "Notes",
)
#: Functions whose cumulative time is "saying what was read".
STEPS = ("check_columns", "check_categories", "mapping_table", "read_columns")


def write_register(path: Path, rows: int, seed: int = 1) -> None:
    rng = np.random.default_rng(seed)
    tenure = np.array(["Freehold", "Leasehold", "Licence", "Peppercorn", "Groundlease"])
    status = np.array(["Occupied", "Part vacant", "Vacant", "Let to a tenant", "Surplus"])
    frame = pd.DataFrame({
        "Site ID": [f"S{i:07d}" for i in range(rows)],
        "Site Name": "Site " + pd.Series(np.arange(rows) % 5000).astype(str),
        "Premises Address": "1 High Street",
        "Post Code": "ME14 1XX",
        "Building Type": np.array(["Office", "Depot", "Library"])[rng.integers(0, 3, rows)],
        "Tenure": tenure[rng.integers(0, len(tenure), rows)],
        "GIFA (sq m)": rng.integers(50, 5000, rows),
        "Annual Running Costs (£)": rng.integers(1_000, 500_000, rows),
        "No. of FTE Staff": rng.integers(0, 300, rows),
        "Occupancy Status": status[rng.integers(0, len(status), rows)],
        "Lease Expiry Date": "",
        "X Coordinate": rng.integers(540_000, 640_000, rows),
        "Y Coordinate": rng.integers(120_000, 180_000, rows),
        "Net Internal Area": rng.integers(40, 4000, rows),
        "Notes": "",
    })
    frame.to_csv(path, index=False)


def time_recognition(n_headers: int = 20_000) -> None:
    words = ["Asset", "Site", "Property", "Premises", "Gross", "Internal", "Area", "Cost",
             "Running", "Status", "Tenure", "Lease", "End", "Staff", "FTE", "(sq ft)",
             "(£k)", "Ref", "Name", "Address", "Type", "Use", "Code", "Notes"]
    rng = np.random.default_rng(2)
    headers = {" ".join(rng.choice(words, size=rng.integers(1, 5))) + f" {i}"
               for i in range(n_headers)}
    read_header.cache_clear()
    header_words.cache_clear()
    start = time.perf_counter()
    for header in headers:
        read_header(header)
    per = (time.perf_counter() - start) / len(headers) * 1e6
    start = time.perf_counter()
    for _ in range(1000):
        read_columns(HEADERS)
    print(f"read_header: {per:.1f} µs per distinct header ({len(headers):,} headers, cold); "
          f"read_columns of a 15-column register: "
          f"{(time.perf_counter() - start):.3f} ms per register (cached headers)")


def time_register(rows: int) -> None:
    districts = gpd.GeoDataFrame(
        {"district_code": ["E07000110"], "district_name": ["Maidstone"]},
        geometry=[box(540_000, 120_000, 640_000, 180_000)], crs="EPSG:27700",
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "register.csv"
        write_register(path, rows)
        small = Path(folder) / "small.csv"
        write_register(small, 1000)
        read_register(small, agency="KCC", districts=districts)  # warm up
        profile = cProfile.Profile()
        start = time.perf_counter()
        profile.enable()
        result = read_register(path, agency="KCC", districts=districts)
        profile.disable()
        total = time.perf_counter() - start
    stats = pstats.Stats(profile)
    spent = {
        name: sum(v[3] for k, v in stats.stats.items() if k[2] == name)  # type: ignore[attr-defined]
        for name in STEPS
    }
    said = ", ".join(f"{k} {v:.3f} s" for k, v in spent.items())
    print(f"read_register of {rows:,} rows: {total:.2f} s (profiled); {len(result.assets):,} "
          f"loaded; saying what was read: {said}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    time_recognition()
    time_register(args.rows)


if __name__ == "__main__":
    main()
