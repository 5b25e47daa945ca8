"""Benchmark district assignment and derivation.

Run from the repository root::

    python benchmarks/bench_districts.py [--points 1000000] [--boundaries PATH]

Prints the time to assign N random points inside the study area's bounding box
to districts (one vectorised spatial join, plus the boundary-tolerance query),
and the time to derive boundaries from the packaged ONS Postcode Directory
(uncached). Without ``--boundaries`` the official Kent and Medway file in
``../shared/data`` is used when present, else the derived boundaries.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from kentassets.districts import assign_districts, derive_districts, load_districts
from kentassets.io.postcodes import PostcodeDirectory
from kentassets.schema import CRS, DISTRICT_METHOD

SHARED_BSC = (
    Path(__file__).resolve().parents[1].parent
    / "shared/data/boundaries/lad_may2024_bsc_kent_medway.geojson"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--boundaries", type=Path, default=None)
    parser.add_argument("--skip-derive", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    if not args.skip_derive:
        directory = PostcodeDirectory()
        start = time.perf_counter()
        directory.in_districts([])  # load every postcode area letter
        load_s = time.perf_counter() - start
        start = time.perf_counter()
        derived = derive_districts(directory)
        derive_s = time.perf_counter() - start
        print(f"postcode directory load: {load_s:6.2f} s")
        print(f"derive_districts:        {derive_s:6.2f} s ({len(derived)} districts)")
        with tempfile.TemporaryDirectory() as cache:
            load_districts(cache_dir=cache)  # fills the cache
            start = time.perf_counter()
            load_districts(cache_dir=cache)
            print(f"load_districts (cached): {time.perf_counter() - start:6.2f} s")

    path = args.boundaries or (SHARED_BSC if SHARED_BSC.is_file() else None)
    runs = [("official" if path else "derived", load_districts(path))]
    if path is not None and not args.skip_derive:
        runs.append(("derived", derived))
    for label, districts in runs:
        _bench_assign(label, districts, args.points)


def _bench_assign(label: str, districts: gpd.GeoDataFrame, n_points: int) -> None:
    rng = np.random.default_rng(20261125)
    minx, miny, maxx, maxy = districts.total_bounds
    xy = rng.uniform([minx, miny], [maxx, maxy], size=(n_points, 2))
    assets = gpd.GeoDataFrame(geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=CRS)
    postcode_districts = pd.Series(pd.NA, index=assets.index, dtype="string")
    start = time.perf_counter()
    out = assign_districts(assets, districts, postcode_districts=postcode_districts)
    assign_s = time.perf_counter() - start
    counts = out[DISTRICT_METHOD].value_counts().to_dict()
    print(
        f"assign_districts ({label} boundaries): {n_points:,} points in {assign_s:.2f} s "
        f"({n_points / assign_s:,.0f} points/s); {counts}"
    )

if __name__ == "__main__":
    main()
