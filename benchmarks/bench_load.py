"""Benchmark the loader against plain pandas on large registers (run on demand).

Writes two synthetic CSV registers into a temporary folder (default 1,000,000
rows each): one with eastings/northings, one with postcodes only. For each it
times

* the baseline: ``pandas.read_csv`` of the same file plus
  ``geopandas.points_from_xy`` (for the postcode file, plus the join to the
  postcode directory that gives the coordinates), and
* ``kentassets.read_register`` (reading, recognition, parsing, location,
  districts, ledger, sites),

and prints both figures, their ratio (target: at most 2) and the peak memory.
Both sides are warmed up first on a small file, outside the timings. With
``--repeat N`` each measurement is taken N times, baseline and loader taking
turns, and the medians are reported (with every figure, for the record).

Usage::

    python benchmarks/bench_load.py --rows 1000000 --repeat 3
"""

from __future__ import annotations

import argparse
import logging
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

import geopandas as gpd
import numpy as np
import pandas as pd

from kentassets.io.postcodes import PostcodeDirectory
from kentassets.load import LoadResult, read_register
from kentassets.schema import DEFAULT_STUDY_AREA

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
CODEPOINT = SHARED / "postcodes" / "codepoint_open_2025_4_kent_medway.csv"
LAD = SHARED / "boundaries" / "lad_may2024_bsc_kent_medway.geojson"
USES = ["Offices", "Library", "Depot", "Community Centre", "Open Space Land", "School"]


def _districts() -> gpd.GeoDataFrame:
    if LAD.is_file():
        lad = gpd.read_file(LAD).rename(
            columns={"LAD24CD": "district_code", "LAD24NM": "district_name"}
        )
        return lad[["district_code", "district_name", "geometry"]].to_crs(27700)
    from kentassets.districts import load_districts

    return load_districts(codes=DEFAULT_STUDY_AREA)


def _postcodes() -> tuple[PostcodeDirectory, pd.DataFrame]:
    directory = PostcodeDirectory(CODEPOINT) if CODEPOINT.is_file() else PostcodeDirectory()
    frame = directory.in_districts(DEFAULT_STUDY_AREA)
    return directory, frame


def write_registers(folder: Path, rows: int, postcodes: pd.DataFrame, seed: int = 1) -> tuple[
    Path, Path
]:
    """Write the two benchmark registers; return their paths."""
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(postcodes), rows)
    keys = postcodes.index.to_numpy()[pick]
    spaced = pd.Series(keys).str[:-3] + " " + pd.Series(keys).str[-3:]
    east = postcodes["easting"].to_numpy()[pick] + rng.integers(-40, 40, rows)
    north = postcodes["northing"].to_numpy()[pick] + rng.integers(-40, 40, rows)
    base = pd.DataFrame(
        {
            "Property Ref": [f"P{i:07d}" for i in range(rows)],
            "Property Name": "Site " + pd.Series(np.arange(rows) % 5000).astype(str),
            "Primary Use": np.array(USES)[rng.integers(0, len(USES), rows)],
            "GIA (m2)": rng.integers(50, 5000, rows),
            "Running cost": rng.integers(1_000, 500_000, rows),
        }
    )
    en = base.assign(Easting=east, Northing=north, Postcode=spaced)
    pc = base.assign(Postcode=spaced)
    en_path, pc_path = folder / "register_en.csv", folder / "register_postcode.csv"
    en.to_csv(en_path, index=False)
    pc.to_csv(pc_path, index=False)
    return en_path, pc_path


T = TypeVar("T")


def _timed(func: Callable[[], T]) -> tuple[float, T]:
    start = time.perf_counter()
    out = func()
    return time.perf_counter() - start, out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--repeat", type=int, default=1, help="measurements per side; medians are reported"
    )
    args = parser.parse_args(argv)
    repeat = max(1, args.repeat)
    logging.basicConfig(level=logging.WARNING)
    districts = _districts()
    directory, pc_frame = _postcodes()
    with tempfile.TemporaryDirectory() as tmp:
        en_path, pc_path = write_registers(Path(tmp), args.rows, pc_frame)

        def baseline_en(path: Path = en_path) -> object:
            frame = pd.read_csv(path)
            return gpd.points_from_xy(frame["Easting"], frame["Northing"], crs=27700)

        def baseline_pc(path: Path = pc_path) -> object:
            frame = pd.read_csv(path)
            keys = frame["Postcode"].str.replace(" ", "", regex=False)
            joined = pc_frame.reindex(keys.to_numpy())
            return gpd.points_from_xy(joined["easting"], joined["northing"], crs=27700)

        def ours(path: Path) -> LoadResult:
            # Returned, not dropped: like the baseline's points, the result is
            # freed outside the timing.
            return read_register(path, agency="Bench", districts=districts, postcodes=directory)

        # Warm up both sides: imports and first-call costs are not what is measured.
        small = Path(tmp) / "warm.csv"
        pd.read_csv(en_path, nrows=1000).to_csv(small, index=False)
        baseline_en(small)
        baseline_pc(small)
        ours(small)
        size_mb = en_path.stat().st_size / 1e6
        print(f"{args.rows:,} rows; E/N file {size_mb:.0f} MB; postcode file "
              f"{pc_path.stat().st_size / 1e6:.0f} MB; {repeat} measurement(s) per side")

        lines = []
        for label, path, baseline in (
            ("E/N:     ", en_path, baseline_en),
            ("postcode:", pc_path, baseline_pc),
        ):
            base_times: list[float] = []
            our_times: list[float] = []
            loaded = 0
            for _ in range(repeat):  # the two sides take turns
                base_times.append(_timed(baseline)[0])
                seconds, result = _timed(partial(ours, path))
                our_times.append(seconds)
                loaded = int((result.ledger["status"] == "loaded").sum())
                del result
            base, mine = statistics.median(base_times), statistics.median(our_times)
            lines.append(
                f"{label} baseline {base:6.2f} s  read_register {mine:6.2f} s  "
                f"ratio {mine / base:4.2f}  ({loaded:,} loaded)"
            )
            if repeat > 1:
                lines.append(
                    "           every run: baseline "
                    + ", ".join(f"{t:.2f}" for t in base_times)
                    + "; read_register "
                    + ", ".join(f"{t:.2f}" for t in our_times)
                )

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for line in lines:
        print(line)
    print(f"peak memory {peak_mb:,.0f} MB")


if __name__ == "__main__":
    main()
