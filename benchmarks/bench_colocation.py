"""Benchmark: co-location clustering at national scale (not a test; run on demand).

    python benchmarks/bench_colocation.py            # 100,000 and 1,000,000 assets
    python benchmarks/bench_colocation.py --sizes 100000 --skip-sklearn-above 0

Builds seeded synthetic estates clustered around towns across Great Britain and
measures, each in a fresh subprocess (so that peak memory is its own):

* ``sklearn``: plain ``sklearn.cluster.DBSCAN(eps=250, min_samples=2).fit`` on the points;
* ``ours``: ``find_colocations`` (clustering and cluster table) plus
  ``score_opportunities``, at eps 250 m;
* ``sweep``: ``sweep_eps`` over 50, 100, 250, 500 and 1000 m;
* ``grid``: the bare grid DBSCAN at 1000 m (memory at the largest distance);
* ``equal`` (smallest size only): our labels against scikit-learn's, up to renumbering.

Peak memory is the process's maximum resident set size minus the resident
size after the estate was built (the data itself is not counted). Imports and
first calls are warmed up before timing. Wall and CPU seconds are both shown:
on a shared machine the CPU figure is the steadier comparison.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import geopandas as gpd

AGENCIES = ("Council", "County", "Police", "Fire", "NHS", "Library", "DWP", "Courts")
USES = ("office", "library", "depot", "health", "police", "fire", "community")
DISTRICTS = ("E07000105", "E07000106", "E07000108", "E07000110", "E07000113", "E06000035")


def make_estate(n: int, *, seed: int = 20261125) -> gpd.GeoDataFrame:
    """A synthetic estate: 85% of assets around 400 towns, 15% scattered over GB.

    Town sizes are log-normal and their spread (standard deviation) 200 to 900 m,
    so that at 1,000,000 assets a point has about 320 others within 250 m on
    average: scikit-learn's neighbourhoods then take about 2.5 GB, as in the
    estate the issue's reference figures (39 s, 2.9 GB) were measured on.
    """
    import geopandas as gpd
    import pandas as pd

    from kentassets import schema

    rng = np.random.default_rng(seed)
    n_towns = 400
    towns = np.column_stack(
        [rng.uniform(100_000, 600_000, n_towns), rng.uniform(50_000, 1_100_000, n_towns)]
    )
    weight = rng.lognormal(0.0, 1.0, n_towns)
    weight /= weight.sum()
    spread = 200.0 + 700.0 * np.sqrt(weight / weight.max())
    n_town = int(n * 0.85)
    town = rng.choice(n_towns, size=n_town, p=weight)
    xy_town = towns[town] + rng.normal(0.0, 1.0, (n_town, 2)) * spread[town, None]
    xy_rural = np.column_stack(
        [rng.uniform(0, 700_000, n - n_town), rng.uniform(0, 1_250_000, n - n_town)]
    )
    xy = np.round(np.vstack([xy_town, xy_rural]), 1)
    district = np.concatenate(
        [np.array(DISTRICTS)[town % len(DISTRICTS)], rng.choice(DISTRICTS, n - n_town)]
    )
    site = np.full(n, None, dtype=object)
    shared = rng.choice(n - 1, size=n // 50, replace=False)
    xy[shared + 1] = xy[shared]
    site[shared] = site[shared + 1] = [f"S{i}" for i in range(len(shared))]
    frame = pd.DataFrame(
        {
            "asset_id": [f"A{i}" for i in range(n)],
            "agency": rng.choice(AGENCIES, n),
            "name": [f"Asset {i}" for i in range(n)],
            "use": rng.choice(USES, n),
            "gia_m2": np.round(rng.lognormal(6.5, 0.8, n)),
            "staff_fte": np.round(rng.lognormal(3.0, 0.8, n)),
            "annual_cost_gbp": np.round(rng.lognormal(11.0, 0.7, n)),
            "status": rng.choice(["occupied", "vacant", "part_vacant"], n, p=[0.9, 0.05, 0.05]),
            "district_code": district,
            "district_name": district,
            "site_id": site,
        }
    )
    gdf = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]),
                           crs=schema.CRS)
    return schema.coerce_assets(gdf)


def _rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_task(task: str, n: int) -> dict:
    """Run one measurement in this process and return its figures."""
    from kentassets.colocation import find_colocations, grid_dbscan, sweep_eps
    from kentassets.opportunities import score_opportunities

    assets = make_estate(n)
    xy = np.column_stack([assets.geometry.x.to_numpy(), assets.geometry.y.to_numpy()])
    import gc

    # warm up: imports and first-call costs are not part of either algorithm
    from sklearn.cluster import DBSCAN

    find_colocations(assets.iloc[:3], eps_m=250)
    gc.collect()
    base = _rss_mb()
    out: dict = {"task": task, "n": n, "base_rss_mb": round(base)}
    c0 = time.process_time()
    t0 = time.perf_counter()
    if task == "sklearn":
        labels = DBSCAN(eps=250, min_samples=2).fit(xy).labels_
        out["n_clusters"] = int(labels.max()) + 1
    elif task == "ours":
        result = find_colocations(assets, eps_m=250)
        t1 = time.perf_counter()
        opp = score_opportunities(result, assets, as_of_date=None)
        out["find_s"] = round(t1 - t0, 3)
        out["n_clusters"] = len(result.clusters)
        out["n_colocations"] = int(opp["is_colocation"].sum())
    elif task == "sweep":
        sweep = sweep_eps(assets, (50, 100, 250, 500, 1000))
        out["sweep"] = sweep.to_dict("list")
    elif task == "grid":
        labels = grid_dbscan(xy, 1000.0, 2)
        out["n_clusters"] = int(labels.max()) + 1
    elif task == "equal":
        plain = assets.assign(site_id=None)  # sklearn sees every point; so must we
        ours = find_colocations(plain, eps_m=250, min_agencies=1).labels.to_numpy()
        order = np.lexsort((xy[:, 1], xy[:, 0]))
        ref = np.empty(n, dtype=np.int64)
        ref[order] = DBSCAN(eps=250, min_samples=2).fit(xy[order]).labels_
        raw = DBSCAN(eps=250, min_samples=2).fit(xy).labels_
        pairs = set(zip(ours[ours >= 0].tolist(), ref[ref >= 0].tolist(), strict=True))
        out["noise_equal"] = bool(((ours < 0) == (ref < 0)).all())
        out["partition_equal"] = len(pairs) == len({a for a, _ in pairs}) == len(
            {b for _, b in pairs}
        )
        pairs_raw = set(zip(ours[ours >= 0].tolist(), raw[raw >= 0].tolist(), strict=True))
        out["partition_equal_input_order"] = len(pairs_raw) == len({a for a, _ in pairs_raw})
        out["grid_identical_to_sklearn"] = bool(
            np.array_equal(grid_dbscan(xy, 250.0, 2), raw)
        )
        out["n_clusters"] = int(ours.max()) + 1
    out["seconds"] = round(time.perf_counter() - t0, 3)
    out["cpu_seconds"] = round(time.process_time() - c0, 3)
    out["peak_rss_mb"] = round(_peak_mb())
    out["peak_over_base_mb"] = round(_peak_mb() - base)
    return out


def _spawn(task: str, n: int) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, "--task", task, "--n", str(n)],
        capture_output=True, text=True, check=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--task", help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--skip-sklearn-above", type=int, default=10**9,
                        help="do not run scikit-learn above this many assets")
    args = parser.parse_args(argv)
    if args.task:
        print(json.dumps(run_task(args.task, args.n)))
        return
    for n in args.sizes:
        print(f"\n== {n:,} assets ==", flush=True)
        tasks = ["ours", "sweep", "grid"]
        if n <= args.skip_sklearn_above:
            tasks.insert(0, "sklearn")
        if n == min(args.sizes):
            tasks.append("equal")
        res = {t: _spawn(t, n) for t in tasks}
        for t, r in res.items():
            extra = {k: v for k, v in r.items()
                     if k not in ("task", "n", "seconds", "cpu_seconds", "peak_rss_mb",
                                  "peak_over_base_mb")}
            print(f"{t:8s} {r['seconds']:8.2f} s (cpu {r['cpu_seconds']:7.2f} s)  "
                  f"peak {r['peak_rss_mb']:6d} MB "
                  f"(+{r['peak_over_base_mb']} MB over data)  {extra}", flush=True)
        if "sklearn" in res:
            ratio = res["ours"]["seconds"] / res["sklearn"]["seconds"]
            cpu = res["ours"]["cpu_seconds"] / res["sklearn"]["cpu_seconds"]
            print(f"find_colocations+score / sklearn fit = {ratio:.3f} wall, {cpu:.3f} cpu "
                  "(target <= 0.1)")


if __name__ == "__main__":
    main()
