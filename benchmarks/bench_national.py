"""National benchmark: a synthetic estate over every English district, the whole build.

Writes a synthetic estate (default 1,000,000 assets, eight agencies, CSV
registers: half located by easting/northing, half by postcode only) at real
postcode centroids of every English local authority district, taken from the
ONS Postcode Directory the package ships with. Every district is the study area.
Then it runs the build stage by stage, as :func:`kentassets.build` does:

* ``boundaries``: official boundaries from ``--boundaries PATH``, else derived
  from the postcode centroids for the whole study area (cold: nothing cached;
  the derived boundaries are cached in a temporary folder), then read back
  from that cache (``boundaries (cached)``);
* ``load``: :func:`kentassets.read_manifest` (read, recognise, parse, locate,
  place in districts, match sites);
* ``analysis``: :func:`kentassets.analyse` (co-locations, scoring, eps sweep,
  totals);
* ``reach``: the service reach stage (issue 23) with the default demand (every
  English postcode sharing its district's Census 2021 population):
  ``reach demand`` (:func:`kentassets.default_demand`), ``reach table`` (the
  nearest distances of every postcode to each service and the table per
  district), ``reach effects`` (the scoring again, with every co-location's
  effect on reach) and ``reach options`` (maximal and set covering for every
  district and service, solved on ``--jobs`` worker processes);
  ``--no-reach`` leaves it out;
* ``render``: :func:`kentassets.write_outputs` (tables, one HTML map and one
  PDF per district, the index and the atlas).

For each stage it prints the wall time, the CPU time of this process and its
worker processes, and the peak memory of this process and its children (the
sum of their proportional set sizes, so pages forked workers share count once;
sampled every 0.1 s in a thread: tracemalloc is far too slow at this size). ``--assets 100000
--districts 30`` gives a smaller run to iterate on; ``--no-render`` stops after
the analysis.

Usage::

    python benchmarks/bench_national.py                      # 1,000,000 assets, England
    python benchmarks/bench_national.py --assets 100000 --districts 30
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import multiprocessing
import os
import resource
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import psutil

import kentassets as ka
from kentassets.io.postcodes import PC_DISTRICT, PC_EASTING, PC_NORTHING, PostcodeDirectory
from kentassets.pipeline import renderers, write_outputs
from kentassets.reach.options import DEFAULT_OPTIONS_BUDGET_S, DEFAULT_TIME_LIMIT_S

#: English local authority districts: unitary (E06), non-metropolitan (E07),
#: metropolitan (E08) and London boroughs (E09, with the City of London).
ENGLISH_PREFIXES = ("E06", "E07", "E08", "E09")
AGENCIES = (
    ("County Council", "CC", True),
    ("District Council", "DC", False),
    ("Police", "POL", True),
    ("NHS Trust", "NHS", False),
    ("Fire and Rescue", "FRS", True),
    ("Ambulance Service", "AMB", False),
    ("Central Government", "GOV", True),
    ("Voluntary Sector", "VOL", False),
)
USES = np.array(
    ["Offices", "Library", "Depot", "Community Centre", "Health Centre", "Police Station",
     "Fire Station", "Leisure Centre", "Car Park", "Open Space Land", "School", "Clinic",
     "Customer Service Centre", "Youth Centre", "Day Centre", "Storage"]
)
TENURES = np.array(["Freehold", "Leasehold", "Licence"])
STATUSES = np.array(["Occupied", "Occupied", "Occupied", "Part used", "Vacant", "Surplus"])
STREETS = np.array(
    ["High Street", "Station Road", "Church Lane", "London Road", "Mill Lane", "Park Road",
     "Victoria Road", "Queen Street", "Market Place", "North Street", "King Street"]
)


# --- memory and time ---------------------------------------------------------


@dataclass
class Stage:
    name: str
    wall_s: float = 0.0
    cpu_s: float = 0.0
    peak_mb: float = 0.0
    start_mb: float = 0.0
    note: str = ""


@dataclass
class Monitor:
    """Samples the resident memory of this process and its children in a thread."""

    interval_s: float = 0.1
    stages: list[Stage] = field(default_factory=list)
    _peak: float = 0.0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def rss_mb(self) -> float:
        """Memory of this process and its workers: the sum of their proportional set
        sizes (a page shared by forked workers counts once), else of their RSS."""
        me = psutil.Process()
        total = _pss(me)
        for child in me.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                total += _pss(child)
        return total / 2**20

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            self._peak = max(self._peak, self.rss_mb())

    def __enter__(self) -> Monitor:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[Stage]:
        record = Stage(name, start_mb=self.rss_mb())
        self._peak = record.start_mb
        wall, cpu = time.perf_counter(), _cpu_s()
        try:
            yield record
        finally:
            record.wall_s = time.perf_counter() - wall
            record.cpu_s = _cpu_s() - cpu
            record.peak_mb = max(self._peak, self.rss_mb())
            self.stages.append(record)
            print(f"  {name:22s} {record.wall_s:8.1f} s wall {record.cpu_s:8.1f} s cpu  "
                  f"peak {record.peak_mb:8,.0f} MB  {record.note}", flush=True)


def _pss(process: psutil.Process) -> int:
    """Proportional set size in bytes (Linux ``smaps_rollup``), else the RSS."""
    try:
        with open(f"/proc/{process.pid}/smaps_rollup", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return int(process.memory_info().rss)


def _cpu_s() -> float:
    """CPU seconds of this process and of its finished child processes."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


# --- the synthetic estate ----------------------------------------------------


def english_postcodes(directory: PostcodeDirectory) -> pd.DataFrame:
    """Every located postcode of an English district (postcode key index)."""
    frame = directory.within_bounds((0.0, 0.0, 700_000.0, 1_300_000.0))  # all of Britain
    codes = frame[PC_DISTRICT].astype("string")
    english = codes.str[:3].isin(ENGLISH_PREFIXES).fillna(False).to_numpy(dtype=bool)
    located = frame[PC_EASTING].notna().to_numpy() & frame[PC_NORTHING].notna().to_numpy()
    return frame.loc[english & located]


def choose_districts(postcodes: pd.DataFrame, n: int | None) -> list[str]:
    """All English district codes, or ``n`` of them spread over the code order."""
    codes = sorted(postcodes[PC_DISTRICT].astype(str).unique())
    if n is None or n >= len(codes):
        return codes
    picks = np.linspace(0, len(codes) - 1, n).round().astype(int)
    return [codes[i] for i in sorted(set(picks))]


def write_estate(folder: Path, postcodes: pd.DataFrame, codes: list[str], n_assets: int,
                 *, seed: int = 17) -> Path:
    """Write eight agency registers and a manifest; return the manifest path.

    Every district gets assets: postcodes are drawn district by district, in
    proportion to the district's number of postcodes. 40% of the assets sit at
    "hub" postcodes (5% of each district's postcodes) shared by several
    agencies, so co-locations form as they do in real estates.
    """
    rng = np.random.default_rng(seed)
    pc = postcodes[postcodes[PC_DISTRICT].astype(str).isin(codes)]
    district = pc[PC_DISTRICT].astype(str).to_numpy()
    keys = pc.index.to_numpy(dtype=object)
    east = pc[PC_EASTING].to_numpy(dtype=float)
    north = pc[PC_NORTHING].to_numpy(dtype=float)
    hub = rng.random(len(pc)) < 0.05
    groups = pd.Series(np.arange(len(pc))).groupby(district).indices
    per = np.array([len(groups[c]) for c in codes], dtype=float)
    counts = np.maximum(1, np.floor(per / per.sum() * n_assets)).astype(int)
    counts[np.argmax(counts)] += n_assets - counts.sum()
    picks = []
    for code, count in zip(codes, counts, strict=True):
        rows = groups[code]
        hubs = rows[hub[rows]] if hub[rows].any() else rows
        at_hub = rng.random(count) < 0.4
        picks.append(np.where(at_hub, rng.choice(hubs, count), rng.choice(rows, count)))
    pick = np.concatenate(picks)
    rng.shuffle(pick)
    n = len(pick)
    key = pd.Series(keys[pick], dtype="string")
    spaced = (key.str[:-3] + " " + key.str[-3:]).to_numpy(dtype=object)
    use = USES[rng.integers(0, len(USES), n)]
    tenure = TENURES[rng.choice(3, n, p=[0.6, 0.3, 0.1])]
    lease = np.where(
        tenure == "Leasehold",
        pd.to_datetime("2027-01-01") + pd.to_timedelta(rng.integers(0, 7300, n), unit="D"),
        pd.NaT,
    )
    gia = np.round(rng.lognormal(6.0, 1.0, n)).astype(int)
    frame = pd.DataFrame(
        {
            "Ref": np.char.add("A", np.arange(n).astype(str)),
            "Name": np.char.add(np.char.add(use.astype(str), " "), np.arange(n).astype(str)),
            "Address": np.char.add(
                np.char.add(rng.integers(1, 300, n).astype(str), " "),
                STREETS[rng.integers(0, len(STREETS), n)],
            ),
            "Postcode": spaced,
            "Use": use,
            "Tenure": tenure,
            "Lease end": pd.Series(lease).dt.strftime("%Y-%m-%d"),
            "GIA m2": gia,
            "FTE": np.round(gia / rng.uniform(8, 40, n), 1),
            "Annual cost": np.round(gia * rng.uniform(60, 250, n), -1),
            "Status": STATUSES[rng.integers(0, len(STATUSES), n)],
            "Easting": east[pick] + rng.integers(-30, 30, n),
            "Northing": north[pick] + rng.integers(-30, 30, n),
        }
    )
    agency = rng.integers(0, len(AGENCIES), n)
    folder.mkdir(parents=True, exist_ok=True)
    lines = [
        'title = "England public estate (synthetic benchmark data)"',
        "data_date = 2026-10-31",
        "synthetic = true",
        "study_area = [" + ", ".join(f'"{c}"' for c in codes) + "]",
        "",
    ]
    for i, (name, prefix, with_grid) in enumerate(AGENCIES):
        part = frame[agency == i]
        if not with_grid:
            part = part.drop(columns=["Easting", "Northing"])
        part = part.assign(Ref=prefix + "-" + part["Ref"])
        path = folder / f"{prefix.lower()}_register.csv"
        part.to_csv(path, index=False)
        lines += [
            "[[register]]",
            f'path = "{path.name}"',
            f'agency = "{name}"',
            *(['crs = "EPSG:27700"'] if with_grid else []),
            "[register.columns]",
            'asset_id = "Ref"',
            'name = "Name"',
            'address = "Address"',
            'postcode = "Postcode"',
            'use = "Use"',
            'tenure = "Tenure"',
            'lease_end = "Lease end"',
            'gia_m2 = "GIA m2"',
            'staff_fte = "FTE"',
            'annual_cost_gbp = "Annual cost"',
            'status = "Status"',
            *(['easting = "Easting"', 'northing = "Northing"'] if with_grid else []),
            "",
        ]
    manifest = folder / "manifest.toml"
    manifest.write_text("\n".join(lines), encoding="utf-8")
    return manifest


# --- the build, stage by stage -------------------------------------------------


def _in_child(func: Any, *args: Any) -> Any:
    """Run ``func(*args)`` in a forked child process and return its result.

    The estate writer and the boundary derivation run apart, so the memory they
    leave with the allocator is not counted against the build's stages.
    """
    context = multiprocessing.get_context("fork")
    with context.Pool(1) as pool:
        return pool.apply(func, args)


def _estate_child(work: Path, n_districts: int | None, n_assets: int) -> tuple[Path, list[str]]:
    postcodes = english_postcodes(PostcodeDirectory())
    codes = choose_districts(postcodes, n_districts)
    return write_estate(work / "estate", postcodes, codes, n_assets), codes


def _boundaries_child(path: Path | None, codes: list[str], cache: Path) -> str:
    districts = ka.load_districts(path, codes=codes, cache_dir=cache)
    return f"{len(districts)} districts, {districts.attrs['boundary_source']}"


def reach_stages(monitor: Monitor, analysis: Any, directory: PostcodeDirectory,
                 codes: list[str], *, jobs: int | None, time_limit_s: float,
                 budget_s: float) -> None:  # budget_s: proving per worker (the build's)
    """The service reach stage, part by part, on the analysed national estate."""
    from kentassets.pipeline.reach import solve_option_problems
    from kentassets.reach import reach_model
    from kentassets.reach.options import option_inputs
    from kentassets.reach.table import reach_table

    with monitor.stage("reach demand") as st:
        demand = ka.default_demand(study_area=codes, postcodes=directory)
        st.note = f"{len(demand):,} postcodes, {demand['demand'].sum():,.0f} people"
    with monitor.stage("reach table") as st:
        model = reach_model(analysis.assets, demand)
        table = reach_table(model, codes=codes, names={}, thresholds_m=model.thresholds_m)
        sites = sum(len(s.sites) for s in model.services.values())
        st.note = f"{len(table):,} rows, {sites:,} sites of 4 services"
    with monitor.stage("reach effects") as st:
        opps = ka.score_opportunities(analysis.colocations, analysis.assets, reach=model)
        st.note = (f"{int(opps['is_colocation'].sum()):,} co-locations scored with their "
                   f"effect (scoring included)")
    with (monitor.stage("reach options") as st,
          renderers(jobs, None, n_districts=len(codes)) as pool):
        problems = option_inputs(model, codes=codes)
        options = solve_option_problems(problems, engine=model.engine, threshold_m=2000.0,
                                        method=model.method,
                                        executor=pool, time_limit_s=time_limit_s,
                                        total_budget_s=budget_s)
        limited = int((options["solve_status"] != "optimal").sum())
        short = options["covered_share"] < options["current_share"]  # below the set cover
        st.note = (f"{len(problems):,} districts x services, {len(options):,} rows "
                   f"({int(short.sum()):,} short of today's coverage), {limited:,} not proven "
                   f"optimal within the budget ({budget_s:g} s of proving per worker, time "
                   f"limit {time_limit_s:g} s a solve), jobs {jobs or 'all'}")


def run(args: argparse.Namespace, work: Path) -> list[Stage]:
    monitor = Monitor()
    cache = work / "cache"
    with monitor:
        with monitor.stage("write estate") as st:
            manifest, codes = _in_child(_estate_child, work, args.districts, args.assets)
            size = sum(p.stat().st_size for p in (work / "estate").glob("*.csv"))
            st.note = (f"{args.assets:,} assets in {len(codes)} districts, "
                       f"{size / 1e6:,.0f} MB of CSV (not part of the build)")
        with monitor.stage("boundaries, derived") as st:
            st.note = _in_child(_boundaries_child, args.boundaries, codes, cache)
        with monitor.stage("postcode directory") as st:
            directory = PostcodeDirectory()
            directory.within_bounds((0.0, 0.0, 700_000.0, 1_300_000.0))  # load every letter
        with monitor.stage("boundaries, cached") as st:
            districts = ka.load_districts(
                args.boundaries, codes=codes, cache_dir=cache, postcodes=directory
            )
        with monitor.stage("load") as st:
            load = ka.read_manifest(
                manifest, postcodes=directory, districts=districts, progress=False
            )
            st.note = f"{len(load.assets):,} assets loaded"
        with monitor.stage("analysis") as st:
            analysis = ka.analyse(load, districts, title="England", synthetic=True)
            st.note = f"{len(analysis.colocations.colocations):,} co-locations"
        if not args.no_reach:
            reach_stages(monitor, analysis, directory, codes, jobs=args.jobs,
                         time_limit_s=args.reach_time_limit_s, budget_s=args.reach_budget_s)
        if not args.no_render:
            out = work / "out"
            out.mkdir()
            with (
                monitor.stage("render") as st,
                renderers(args.jobs, None, n_districts=len(districts)) as pool,
            ):
                files = write_outputs(analysis, out, progress=False, executor=pool)
                size = sum(p.stat().st_size for p in files)
                st.note = f"{len(files):,} files, {size / 1e6:,.0f} MB, jobs {args.jobs or 'all'}"
    return monitor.stages


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, default=1_000_000, help="assets in the estate")
    parser.add_argument(
        "--districts", type=int, default=None, help="number of districts (default: all English)"
    )
    parser.add_argument("--boundaries", type=Path, default=None,
                        help="official ONS district boundary file (default: derive them)")
    parser.add_argument("--no-render", action="store_true", help="stop after the analysis")
    parser.add_argument("--no-reach", action="store_true", help="leave out the reach stage")
    parser.add_argument("--reach-time-limit-s", type=float, default=DEFAULT_TIME_LIMIT_S,
                        help="time limit of one options solve (default: the build's)")
    parser.add_argument("--reach-budget-s", type=float, default=DEFAULT_OPTIONS_BUDGET_S,
                        help="seconds of proving per worker, shared between the districts' "
                        "services, before the rest keep the local search's sites "
                        "(default: the build's, --reach-options-budget)")
    parser.add_argument("--jobs", type=int, default=None,
                        help="processes rendering the districts (default: one per core)")
    parser.add_argument("--keep", type=Path, default=None,
                        help="work in this folder and keep it (default: a temporary one)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    print(f"National build: {args.assets:,} assets, "
          f"{args.districts or 'all English'} districts, {os.cpu_count()} cores", flush=True)
    total = time.perf_counter()
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
        stages = run(args, args.keep)
    else:
        with tempfile.TemporaryDirectory(prefix="kentassets-national-") as tmp:
            stages = run(args, Path(tmp))
    build = [s for s in stages if s.name in ("boundaries, cached", "load", "analysis", "render")
             or s.name.startswith("reach")]
    core = [s for s in build if s.name != "render" and not s.name.startswith("reach")]
    print(f"build with boundaries cached: {sum(s.wall_s for s in build):.1f} s wall; "
          f"load + districts + analysis {sum(s.wall_s for s in core):.1f} s; "
          f"peak memory {max(s.peak_mb for s in build):,.0f} MB "
          f"(deriving the boundaries: {stages[1].peak_mb:,.0f} MB); "
          f"whole benchmark {time.perf_counter() - total:.1f} s")


if __name__ == "__main__":
    main()
